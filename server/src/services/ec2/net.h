/* net: EC2 networking for one account and region: the default VPC (with a
 * subnet per availability zone and its default security group), VPCs,
 * subnets, security groups and their rules, key pairs, Elastic IPs and
 * network interfaces, and where RunInstances places an instance among them.
 *
 * The default VPC, subnets and security group keep the ids ec2_instance_add
 * has always derived from the account, region and zone, so fixtures and
 * saved states from before stay valid. An ENI or an address that belongs to
 * an instance follows that instance's state when read (no hook runs when an
 * instance settles to terminated). */
#ifndef MOCKAWS_EC2_NET_H
#define MOCKAWS_EC2_NET_H

#include <jansson.h>

#include "services/ec2/instance.h"
#include "services/service.h"

typedef struct ec2_net ec2_net;

ec2_net *ec2_net_new(void);
void ec2_net_free(ec2_net *n);
/* A deep copy (svc_def.state_clone). */
ec2_net *ec2_net_clone(const ec2_net *n);

/* Where RunInstances puts its instances, resolved from the (launch-template
 * merged) input: SubnetId, SecurityGroupIds, SecurityGroups, KeyName,
 * NetworkInterfaces, PrivateIpAddress, Placement.AvailabilityZone. */
typedef struct ec2_launch_net {
    char *vpc_id;
    char *subnet_id;  /* NULL: the default subnet of az */
    char *az;         /* NULL: the region's first zone, or the subnet's */
    char *key_name;   /* or NULL */
    char *private_ip; /* requested address, or NULL */
    json_t *groups;   /* [{"GroupId", "GroupName"}], owned; empty: the VPC's default group */
} ec2_launch_net;

/* Checks what the input references and fills out (which the caller clears
 * with ec2_launch_net_clear). Runs before the DryRun check. -1 with c->err
 * set as EC2 words it: InvalidSubnetID.NotFound, InvalidGroup.NotFound,
 * InvalidGroupId.Malformed, InvalidKeyPair.NotFound,
 * InvalidParameterCombination, InvalidParameterValue. */
int ec2_net_resolve_launch(svc_call *c, json_t *input, ec2_launch_net *out);
void ec2_launch_net_clear(ec2_launch_net *ln);

/* Gives a new instance (from ec2_instance_add) its place: VPC, subnet,
 * zone, security groups, key pair, private address and primary network
 * interface. */
void ec2_net_attach_instance(svc_call *c, const ec2_launch_net *ln, ec2_instance *in);

#endif
