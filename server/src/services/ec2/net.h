/* net: EC2 networking for one account and region: the default VPC (with a
 * subnet per availability zone and its default security group), VPCs,
 * subnets, and where RunInstances places an instance among them; and the
 * state the other networking modules work on: security groups
 * (secgroup.c), key pairs (keypair.c), Elastic IPs (address.c) and network
 * interfaces (eni.c).
 *
 * The default VPC, subnets and security group keep the ids ec2_instance_add
 * has always derived from the account, region and zone, so fixtures and
 * saved states from before stay valid; they are made the first time a
 * namespace's networking is used. An ENI or an address that belongs to an
 * instance follows that instance's state when read (no hook runs when an
 * instance settles to terminated).
 *
 * Resources are kept in EC2's own response shape (JSON objects as the model
 * serializes them), keyed by id in creation order; members whose name
 * starts with '_' are mockaws's own and never leave the server. Tags live
 * in ec2_state.tags like every other resource's. */
#ifndef MOCKAWS_EC2_NET_H
#define MOCKAWS_EC2_NET_H

#include <jansson.h>

#include "services/ec2/filter.h"
#include "services/ec2/common.h"
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
    char *eni_id;     /* an existing network interface to launch with, or NULL */
    bool public_ip;   /* the instance gets a public address */
    GHashTable *used; /* addresses taken in the subnet (GUINT_TO_POINTER, host order), owned */
    int64_t room;     /* instances the subnet has addresses for */
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

/* "ip-10-0-1-5.ec2.internal" in us-east-1, ip-...REGION.compute.internal
 * elsewhere; the public form "ec2-....compute-1.amazonaws.com" likewise.
 * g_free the result. */
char *ec2_net_private_dns(const char *region, const char *ip);
char *ec2_net_public_dns(const char *region, const char *ip);

/* The fixture section's "network" key: {"defaults_made": bool, "vpcs",
 * "subnets", "security_groups", "key_pairs" (public halves), "addresses",
 * "network_interfaces": {id: resource as stored}, "tags": {id: {k: v}}}.
 * Whether key is it, loading its value (checked whole before anything
 * changes; -1 with err), and adding it to a dump when there is anything. */
bool ec2_net_fixture_key(const char *key);
int ec2_net_load(ec2_state *st, json_t *network, char *err, size_t errlen);
void ec2_net_dump(const ec2_state *st, json_t *section);

/* ---- handlers (ec2.c's ops table) ---- */

int ec2_net_describe_account_attributes(svc_call *c);
int ec2_net_create_vpc(svc_call *c);
int ec2_net_create_default_vpc(svc_call *c);
int ec2_net_describe_vpcs(svc_call *c);
int ec2_net_delete_vpc(svc_call *c);
int ec2_net_describe_vpc_attribute(svc_call *c);
int ec2_net_modify_vpc_attribute(svc_call *c);
int ec2_net_create_subnet(svc_call *c);
int ec2_net_create_default_subnet(svc_call *c);
int ec2_net_describe_subnets(svc_call *c);
int ec2_net_delete_subnet(svc_call *c);
int ec2_net_modify_subnet_attribute(svc_call *c);

/* ---- shared with the other networking modules (secgroup.c) ---- */

struct ec2_net {
    bool defaults_made; /* the default VPC, subnets and group exist or were deleted */
    json_t *vpcs;       /* id -> Vpc (+ _dns_support, _dns_hostnames) */
    json_t *subnets;    /* id -> Subnet */
    json_t *groups;     /* id -> SecurityGroup (+ _rules: [SecurityGroupRule]) */
    json_t *keys;       /* name -> KeyPairInfo with PublicKey */
    json_t *addresses;  /* allocation id -> Address */
    json_t *enis;       /* id -> NetworkInterface, those made by CreateNetworkInterface */
};

/* The namespace's networking, its defaults made on first use. */
ec2_net *ec2_net_of(svc_call *c);
/* prefix + 17 random hex digits; g_free it. */
char *ec2_net_new_id(svc_call *c, const char *prefix);
/* prefix + 17 hex digits derived from fmt's text; g_free it. */
char *ec2_net_derived_id(const char *prefix, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* The default VPC's id, or NULL when it was deleted. */
const char *ec2_net_default_vpc(svc_call *c);
/* TagSpecifications of a create for resource type rtype, stored for id.
 * -1 with c->err set when a specification names another type or a tag is
 * not one EC2 takes. check_only: validate, store nothing. */
int ec2_net_tag_specs(svc_call *c, const char *rtype, const char *id, bool check_only);
/* A copy of r for a response: without '_' members, with its tags under
 * tags_member ("Tags", or "TagSet" for network interfaces) when it has any. */
json_t *ec2_net_render(svc_call *c, json_t *r, const char *id, const char *tags_member);
/* Forgets a deleted resource's tags. */
void ec2_net_forget_tags(svc_call *c, const char *id);
/* Each resource of coll rendered (ec2_net_render), by id in order. */
json_t *ec2_net_render_all(svc_call *c, json_t *coll, const char *tags_member);

/* The live (not shutting down or terminated) instance with that id,
 * settled, or NULL. */
ec2_instance *ec2_net_live_instance(svc_call *c, const char *id);
/* Addresses and interfaces of instances that terminated since last read:
 * an address goes back to the pool, an interface attached since launch is
 * deleted with it or detached, as its DeleteOnTermination says. */
void ec2_net_follow_instances(svc_call *c, ec2_net *n);

/* The subnet a request names (borrowed); NULL with Malformed / NotFound
 * set. */
json_t *ec2_net_subnet_named(svc_call *c, const char *id);
/* Addresses taken in a subnet, by its instances (not terminated) and its
 * interfaces: a set of GUINT_TO_POINTER(address in host order). */
GHashTable *ec2_net_subnet_taken(svc_call *c, const char *subnet_id);
/* A requested private address: inside the subnet, not one of the five EC2
 * reserves, and free. -1 with err set. */
int ec2_net_ip_request_ok(svc_call *c, json_t *subnet, const char *text, GHashTable *used);
/* The lowest free address of the subnet, taken into used; false when the
 * subnet is full. buf: 16 bytes. */
bool ec2_net_ip_take(json_t *subnet, GHashTable *used, char *buf);
/* How many addresses of the subnet are still free. */
uint64_t ec2_net_subnet_free(json_t *subnet, GHashTable *used);
/* The groups named by id, each of them in vpc, as [{GroupId, GroupName}];
 * NULL with err set. subnet: for EC2's wording of a VPC mismatch. */
json_t *ec2_net_groups_by_id(svc_call *c, json_t *ids, const char *vpc, const char *subnet);
/* [{GroupId, GroupName}] of the VPC's "default" group (empty if gone). */
json_t *ec2_net_vpc_default_group(ec2_net *n, const char *vpc);

/* A Describe* of one kind of resource: ids named (Malformed / NotFound
 * worded as EC2 does), filters (each a name and the dotted path of the
 * values it matches in the rendered resource; tag:, tag-key and tag-value
 * come with it), MaxResults / NextToken when pages is set. */
typedef struct ec2_kind {
    const char *prefix;       /* "vpc-" */
    const char *out_member;   /* "Vpcs" */
    const char *malformed;    /* "InvalidVpcID.Malformed" */
    const char *not_found;    /* "InvalidVpcID.NotFound" */
    const char *not_found_fmt; /* "The vpc ID '%s' does not exist" */
    const char *tags_member;  /* "Tags" */
    const ec2_filter_path *filters; /* ends with {NULL, NULL} */
    bool pages;
} ec2_kind;

/* A copy of the input's list member (ids a Describe* names), to which
 * those it names otherwise (by name, by address) are added; an empty
 * array when absent. New reference. */
json_t *ec2_net_id_list(svc_call *c, const char *member);
/* Describes the rendered resources of all (id -> resource, in order),
 * those of ids (a JSON array, or NULL for all). */
int ec2_net_describe(svc_call *c, const ec2_kind *k, json_t *all, json_t *ids);

#endif
