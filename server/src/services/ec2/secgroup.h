/* secgroup: EC2 security groups and their rules, on net.h's state.
 *
 * A group keeps its rules one per peer, as SecurityGroupRule objects with
 * their sgr- ids (in the group's "_rules"); IpPermissions and
 * IpPermissionsEgress are regrouped from them by protocol and port range
 * when described. Two rules are the same when direction, protocol, port
 * range and peer agree (the description does not count), which is how
 * Authorize finds duplicates and Revoke finds what to remove. */
#ifndef MOCKAWS_EC2_SECGROUP_H
#define MOCKAWS_EC2_SECGROUP_H

#include <jansson.h>
#include <stdbool.h>

#include "services/ec2/net.h"
#include "services/service.h"

/* A new group (owned by the caller, to store in ec2_net.groups) with the
 * egress rule every VPC group starts with; vpc_default: also the ingress
 * rule that lets members reach each other, as a VPC's "default" group has. */
json_t *ec2_secgroup_new(svc_call *c, const char *id, const char *name, const char *description,
                         const char *vpc_id, bool vpc_default);
/* The group of that name in the VPC (borrowed), or NULL. */
json_t *ec2_secgroup_by_name(ec2_net *n, const char *vpc_id, const char *name);

/* The identity of a rule (direction, protocol, ports, peer) as text, for
 * finding duplicates; g_free it. */
char *ec2_secgroup_rule_key(json_t *rule);
/* IpPermission.IpProtocol as EC2 stores it: "-1" for all, tcp / udp /
 * icmp / icmpv6 for their names or numbers, other numbers 0..255 as given.
 * NULL when it is none of these. buf: at least 4 bytes. */
const char *ec2_secgroup_protocol(const char *p, char *buf);

int ec2_secgroup_create(svc_call *c);
int ec2_secgroup_describe(svc_call *c);
int ec2_secgroup_delete(svc_call *c);
int ec2_secgroup_authorize_ingress(svc_call *c);
int ec2_secgroup_authorize_egress(svc_call *c);
int ec2_secgroup_revoke_ingress(svc_call *c);
int ec2_secgroup_revoke_egress(svc_call *c);
int ec2_secgroup_describe_rules(svc_call *c);

#endif
