#include "services/ec2/common.h"
#include "services/ec2/net.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "services/ec2/address.h"
#include "services/ec2/cidr.h"
#include "services/ec2/ec2.h"
#include "services/ec2/secgroup.h"
#include "services/svc_api.h"

/* EC2's default quotas, which also bound what one namespace holds. */
#define VPC_LIMIT 5
#define SUBNETS_PER_VPC 200
/* Addresses EC2 keeps in every subnet: the network address, the next three
 * (router, DNS, future use) and the broadcast address. */
#define SUBNET_RESERVED 5

/* ---- state ---- */

ec2_net *ec2_net_new(void)
{
    ec2_net *n = g_new0(ec2_net, 1);
    n->vpcs = json_object();
    n->subnets = json_object();
    n->groups = json_object();
    n->keys = json_object();
    n->addresses = json_object();
    n->enis = json_object();
    return n;
}

void ec2_net_free(ec2_net *n)
{
    if (!n)
        return;
    json_decref(n->vpcs);
    json_decref(n->subnets);
    json_decref(n->groups);
    json_decref(n->keys);
    json_decref(n->addresses);
    json_decref(n->enis);
    g_free(n);
}

ec2_net *ec2_net_clone(const ec2_net *n)
{
    ec2_net *c = g_new0(ec2_net, 1);
    c->defaults_made = n->defaults_made;
    c->vpcs = json_deep_copy(n->vpcs);
    c->subnets = json_deep_copy(n->subnets);
    c->groups = json_deep_copy(n->groups);
    c->keys = json_deep_copy(n->keys);
    c->addresses = json_deep_copy(n->addresses);
    c->enis = json_deep_copy(n->enis);
    return c;
}

/* ---- helpers ---- */

char *ec2_net_new_id(svc_call *c, const char *prefix)
{
    char id[64];
    ec2_new_id(c, prefix, id, sizeof id);
    return g_strdup(id);
}

char *ec2_net_derived_id(const char *prefix, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *material = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    char hex[18];
    ec2_derive_hex(hex, 17, material);
    g_free(material);
    return g_strconcat(prefix, hex, NULL);
}

static char *dns_name(const char *fmt_us_east_1, const char *fmt_other, const char *region, const char *ip)
{
    char *dashed = g_strdup(ip);
    g_strdelimit(dashed, ".", '-');
    char *out = strcmp(region, "us-east-1") == 0 ? g_strdup_printf(fmt_us_east_1, dashed)
                                                  : g_strdup_printf(fmt_other, dashed, region);
    g_free(dashed);
    return out;
}

char *ec2_net_private_dns(const char *region, const char *ip)
{
    return dns_name("ip-%s.ec2.internal", "ip-%s.%s.compute.internal", region, ip);
}

char *ec2_net_public_dns(const char *region, const char *ip)
{
    return dns_name("ec2-%s.compute-1.amazonaws.com", "ec2-%s.%s.compute.amazonaws.com", region, ip);
}

int ec2_net_tag_specs(svc_call *c, const char *rtype, const char *id, bool check_only)
{
    ec2_state *st = c->state;
    size_t i;
    json_t *spec;
    json_array_foreach(json_object_get(c->input, "TagSpecifications"), i, spec) {
        const char *t = svc_str(spec, "ResourceType");
        if (check_only && g_strcmp0(t, rtype) != 0)
            return aws_error_set(&c->err, "InvalidParameterValue",
                                 "'%s' is not a valid taggable resource type for this operation.", t ? t : "null");
        size_t j;
        json_t *tag;
        json_array_foreach(json_object_get(spec, "Tags"), j, tag) {
            const char *k = svc_str(tag, "Key"), *v = svc_str(tag, "Value");
            if (check_only) {
                if (!k)
                    return aws_error_set(&c->err, "InvalidParameterValue", "Tag key cannot be null");
                if (g_str_has_prefix(k, "aws:"))
                    return aws_error_set(&c->err, "InvalidParameterValue",
                                         "Tag keys starting with 'aws:' are reserved for internal use");
                if (g_utf8_strlen(k, -1) > 128 || (v && g_utf8_strlen(v, -1) > 256))
                    return aws_error_set(&c->err, "InvalidParameterValue",
                                         "Tag keys may be up to 128 characters and values up to 256");
                if (j >= 50)
                    return aws_error_set(&c->err, "TagLimitExceeded", "The maximum number of tags for a resource is 50.");
                continue;
            }
            json_t *obj = g_hash_table_lookup(st->tags, id);
            if (!obj) {
                obj = json_object();
                g_hash_table_replace(st->tags, g_strdup(id), obj);
            }
            json_object_set_new(obj, k, json_string(v ? v : ""));
        }
    }
    return 0;
}

void ec2_net_forget_tags(svc_call *c, const char *id)
{
    ec2_state *st = c->state;
    if (id)
        g_hash_table_remove(st->tags, id);
}

json_t *ec2_net_render(svc_call *c, json_t *r, const char *id, const char *tags_member)
{
    ec2_state *st = c->state;
    json_t *out = json_object();
    const char *k;
    json_t *v;
    json_object_foreach(r, k, v) if (k[0] != '_') json_object_set(out, k, v);
    json_t *tags = g_hash_table_lookup(st->tags, id);
    if (json_object_size(tags)) {
        json_t *list = json_array();
        json_object_foreach(tags, k, v) json_array_append_new(list, json_pack("{s:s, s:O}", "Key", k, "Value", v));
        json_object_set_new(out, tags_member, list);
    }
    return out;
}

/* ---- Describe* ---- */

json_t *ec2_net_id_list(svc_call *c, const char *member)
{
    json_t *ids = json_deep_copy(json_object_get(c->input, member));
    return ids ? ids : json_array();
}

int ec2_net_describe(svc_call *c, const ec2_kind *k, json_t *all, json_t *ids)
{
    size_t i;
    json_t *v;
    json_array_foreach(ids, i, v) {
        if (!ec2_id_ok(json_string_value(v), k->prefix))
            return aws_error_set(&c->err, k->malformed, "Invalid id: \"%s\" (expecting \"%s...\")",
                                 json_string_value(v) ? json_string_value(v) : "", k->prefix);
    }
    int64_t max = 0;
    uint64_t from = 0;
    if (k->pages &&
        (!ec2_max_results(c, 5, 1000, &max) || !ec2_token_decode(c, &from)))
        return -1;
    GPtrArray *filters = ec2_filters_from(c, k->filters);
    if (!filters)
        return -1;
    if (ec2_dry_run(c)) {
        ec2_filters_free(filters);
        return -1;
    }
    GHashTable *wanted = json_array_size(ids) ? g_hash_table_new(g_str_hash, g_str_equal) : NULL;
    json_array_foreach(ids, i, v) {
        if (!json_object_get(all, json_string_value(v))) {
            if (wanted)
                g_hash_table_destroy(wanted);
            ec2_filters_free(filters);
            return aws_error_set(&c->err, k->not_found, k->not_found_fmt, json_string_value(v));
        }
        g_hash_table_add(wanted, (gpointer)json_string_value(v));
    }
    json_t *out = json_array();
    char *next = NULL;
    uint64_t pos = 0;
    const char *id;
    json_object_foreach(all, id, v) {
        if ((wanted && !g_hash_table_contains(wanted, id)) || !ec2_filters_match(filters, k->filters, v))
            continue;
        if (++pos <= from)
            continue;
        if (max > 0 && json_array_size(out) == (size_t)max) {
            next = ec2_token_encode(pos - 1);
            break;
        }
        json_array_append(out, v);
    }
    c->output = json_pack("{s:o}", k->out_member, out);
    if (next)
        json_object_set_new(c->output, "NextToken", json_string(next));
    g_free(next);
    if (wanted)
        g_hash_table_destroy(wanted);
    ec2_filters_free(filters);
    return 0;
}

/* ---- the default VPC ---- */

static json_t *vpc_new(svc_call *c, const char *id, const char *cidr, bool dflt, const char *tenancy)
{
    char *assoc = ec2_net_derived_id("vpc-cidr-assoc-", "vpc-cidr-assoc/%s", id);
    char *dopt = ec2_net_derived_id("dopt-", "dopt/%s/%s", c->account, c->region);
    json_t *v = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:[], s:[{s:s, s:s, s:{s:s}}], s:b, s:b, s:b}", "CidrBlock",
                          cidr, "DhcpOptionsId", dopt, "State", "available", "VpcId", id, "OwnerId", c->account,
                          "InstanceTenancy", tenancy, "Ipv6CidrBlockAssociationSet", "CidrBlockAssociationSet",
                          "AssociationId", assoc, "CidrBlock", cidr, "CidrBlockState", "State", "associated",
                          "IsDefault", dflt, "_dns_support", 1, "_dns_hostnames", dflt);
    g_free(assoc);
    g_free(dopt);
    return v;
}

static json_t *subnet_new(svc_call *c, const char *id, const char *vpc, const char *cidr, const char *az, bool dflt)
{
    char *zid = ec2_zone_id(c->region, az);
    char *arn = g_strdup_printf("arn:%s:ec2:%s:%s:subnet/%s", svc_partition(c->region), c->region, c->account, id);
    json_t *s = json_pack("{s:s, s:s, s:s, s:b, s:b, s:s, s:s, s:s, s:s, s:b, s:[], s:s, s:b, s:b, s:b,"
                          " s:{s:s, s:b, s:b}}",
                          "AvailabilityZone", az, "AvailabilityZoneId", zid, "CidrBlock", cidr, "DefaultForAz", dflt,
                          "MapPublicIpOnLaunch", dflt, "State", "available", "SubnetId", id, "VpcId", vpc, "OwnerId",
                          c->account, "AssignIpv6AddressOnCreation", 0, "Ipv6CidrBlockAssociationSet", "SubnetArn", arn,
                          "EnableDns64", 0, "Ipv6Native", 0, "MapCustomerOwnedIpOnLaunch", 0,
                          "PrivateDnsNameOptionsOnLaunch", "HostnameType", "ip-name", "EnableResourceNameDnsARecord", 0,
                          "EnableResourceNameDnsAAAARecord", 0);
    g_free(zid);
    g_free(arn);
    return s;
}

/* The default subnet of a zone: 172.31.(16 z).0/20, the id ec2_instance_add
 * derives. */
static void add_default_subnet(svc_call *c, ec2_net *n, const char *vpc, int zone)
{
    char az[64], cidr[19];
    g_snprintf(az, sizeof az, "%s%c", c->region, 'a' + zone);
    g_snprintf(cidr, sizeof cidr, "172.31.%d.0/20", zone * 16);
    char *id = ec2_net_derived_id("subnet-", "subnet/%s/%s", c->account, az);
    json_object_set_new(n->subnets, id, subnet_new(c, id, vpc, cidr, az, true));
    g_free(id);
}

static json_t *add_default_vpc(svc_call *c, ec2_net *n)
{
    char *id = ec2_net_derived_id("vpc-", "vpc/%s/%s", c->account, c->region);
    json_t *v = vpc_new(c, id, "172.31.0.0/16", true, "default");
    json_object_set_new(n->vpcs, id, v);
    char *sg = ec2_net_derived_id("sg-", "sg/%s/%s", c->account, c->region);
    json_object_set_new(n->groups, sg, ec2_secgroup_new(c, sg, "default", "default VPC security group", id, true));
    for (int z = 0; z < ec2_zone_count(c->region); z++)
        add_default_subnet(c, n, id, z);
    g_free(sg);
    g_free(id);
    return v;
}

ec2_net *ec2_net_of(svc_call *c)
{
    ec2_net *n = ((ec2_state *)c->state)->net;
    if (!n->defaults_made) {
        n->defaults_made = true;
        add_default_vpc(c, n);
    }
    return n;
}

const char *ec2_net_default_vpc(svc_call *c)
{
    ec2_net *n = ec2_net_of(c);
    const char *id;
    json_t *v;
    json_object_foreach(n->vpcs, id, v) if (svc_true(v, "IsDefault")) return id;
    return NULL;
}

/* ---- DescribeAccountAttributes ---- */

int ec2_net_describe_account_attributes(svc_call *c)
{
    if (ec2_dry_run(c))
        return -1;
    const char *dflt = ec2_net_default_vpc(c);
    char instances[16], addresses[16];
    g_snprintf(instances, sizeof instances, "%d", 1000);
    g_snprintf(addresses, sizeof addresses, "%d", EC2_ADDRESS_LIMIT);
    const char *const attrs[][2] = {
        {"supported-platforms", "VPC"}, {"vpc-max-security-groups-per-interface", "5"},
        {"max-elastic-ips", addresses}, {"max-instances", instances},
        {"vpc-max-elastic-ips", addresses}, {"default-vpc", dflt ? dflt : "none"},
    };
    json_t *names = json_object_get(c->input, "AttributeNames");
    json_t *out = json_array();
    for (size_t i = 0; i < G_N_ELEMENTS(attrs); i++) {
        bool keep = !json_array_size(names);
        size_t j;
        json_t *v;
        json_array_foreach(names, j, v) keep |= g_strcmp0(json_string_value(v), attrs[i][0]) == 0;
        if (keep)
            json_array_append_new(out, json_pack("{s:s, s:[{s:s}]}", "AttributeName", attrs[i][0], "AttributeValues",
                                                 "AttributeValue", attrs[i][1]));
    }
    c->output = json_pack("{s:o}", "AccountAttributes", out);
    return 0;
}

/* ---- VPCs ---- */

static json_t *vpc_named(svc_call *c, const char *id)
{
    ec2_net *n = ec2_net_of(c);
    if (!id)
        return aws_error_set(&c->err, "MissingParameter", "The request must contain the parameter vpcId"), NULL;
    if (!ec2_id_ok(id, "vpc-"))
        return aws_error_set(&c->err, "InvalidVpcID.Malformed", "Invalid id: \"%s\" (expecting \"vpc-...\")", id), NULL;
    json_t *v = json_object_get(n->vpcs, id);
    if (!v)
        aws_error_set(&c->err, "InvalidVpcID.NotFound", "The vpc ID '%s' does not exist", id);
    return v;
}

/* A VPC or subnet block: well formed (InvalidParameterValue), host bits
 * clear, and a /16 to /28 (range_code otherwise, as EC2 says it). */
static bool block_ok(svc_call *c, const char *cidr, const char *range_code, ec2_cidr *out)
{
    if (!cidr) {
        aws_error_set(&c->err, "MissingParameter", "The request must contain the parameter cidrBlock");
        return false;
    }
    if (!ec2_cidr_parse(cidr, false, out)) {
        aws_error_set(&c->err, "InvalidParameterValue",
                      "Value (%s) for parameter cidrBlock is invalid. This is not a valid CIDR block.", cidr);
        return false;
    }
    ec2_cidr strict;
    if (out->prefix < 16 || out->prefix > 28 || !ec2_cidr_parse(cidr, true, &strict)) {
        aws_error_set(&c->err, range_code, "The CIDR '%s' is invalid.", cidr);
        return false;
    }
    return true;
}

static int vpc_answer(svc_call *c, json_t *v, const char *id, const char *state)
{
    json_t *r = ec2_net_render(c, v, id, "Tags");
    json_object_set_new(r, "State", json_string(state));
    c->output = json_pack("{s:o}", "Vpc", r);
    return 0;
}

int ec2_net_create_vpc(svc_call *c)
{
    ec2_net *n = ec2_net_of(c);
    const char *cidr = svc_str(c->input, "CidrBlock");
    ec2_cidr cb;
    if (!cidr && (svc_str(c->input, "Ipv4IpamPoolId") || json_object_get(c->input, "Ipv4NetmaskLength")))
        return aws_error_set(&c->err, "InvalidParameterValue", "IPAM pools are not modelled by mockaws; give a CidrBlock");
    if (!block_ok(c, cidr, "InvalidVpc.Range", &cb))
        return -1;
    const char *tenancy = svc_str(c->input, "InstanceTenancy") ? svc_str(c->input, "InstanceTenancy") : "default";
    if (json_object_size(n->vpcs) >= VPC_LIMIT)
        return aws_error_set(&c->err, "VpcLimitExceeded", "The maximum number of VPCs has been reached.");
    if (ec2_net_tag_specs(c, "vpc", NULL, true) != 0 || ec2_dry_run(c))
        return -1;
    char *id = ec2_net_new_id(c, "vpc-");
    char text[19];
    json_t *v = vpc_new(c, id, ec2_cidr_format(cb, text), false, tenancy);
    json_object_set_new(n->vpcs, id, v);
    /* every VPC comes with its own "default" group */
    char *sg = ec2_net_new_id(c, "sg-");
    json_object_set_new(n->groups, sg, ec2_secgroup_new(c, sg, "default", "default VPC security group", id, true));
    ec2_net_tag_specs(c, "vpc", id, false);
    vpc_answer(c, v, id, "pending");
    g_free(sg);
    g_free(id);
    return 0;
}

int ec2_net_create_default_vpc(svc_call *c)
{
    ec2_net *n = ec2_net_of(c);
    if (ec2_net_default_vpc(c))
        return aws_error_set(&c->err, "DefaultVpcAlreadyExists",
                             "A Default VPC already exists for this account in this region.");
    if (ec2_dry_run(c))
        return -1;
    json_t *v = add_default_vpc(c, n);
    return vpc_answer(c, v, svc_str(v, "VpcId"), "pending");
}

static const ec2_filter_path vpc_filters[] = {
    {"cidr", "CidrBlock"},
    {"cidr-block-association.cidr-block", "CidrBlockAssociationSet.CidrBlock"},
    {"cidr-block-association.association-id", "CidrBlockAssociationSet.AssociationId"},
    {"cidr-block-association.state", "CidrBlockAssociationSet.CidrBlockState.State"},
    {"dhcp-options-id", "DhcpOptionsId"},
    {"ipv6-cidr-block-association.ipv6-cidr-block", "Ipv6CidrBlockAssociationSet.Ipv6CidrBlock"},
    {"ipv6-cidr-block-association.association-id", "Ipv6CidrBlockAssociationSet.AssociationId"},
    {"ipv6-cidr-block-association.state", "Ipv6CidrBlockAssociationSet.Ipv6CidrBlockState.State"},
    {"is-default", "IsDefault"},
    {"owner-id", "OwnerId"},
    {"state", "State"},
    {"vpc-id", "VpcId"},
    {NULL, NULL},
};

static const ec2_kind vpc_kind = {"vpc-", "Vpcs", "InvalidVpcID.Malformed", "InvalidVpcID.NotFound",
                                  "The vpc ID '%s' does not exist", "Tags", vpc_filters, true};

/* Each resource of coll rendered for a response, by id in order. */
json_t *ec2_net_render_all(svc_call *c, json_t *coll, const char *tags_member)
{
    json_t *all = json_object();
    const char *id;
    json_t *v;
    json_object_foreach(coll, id, v) json_object_set_new(all, id, ec2_net_render(c, v, id, tags_member));
    return all;
}

int ec2_net_describe_vpcs(svc_call *c)
{
    json_t *all = ec2_net_render_all(c, ec2_net_of(c)->vpcs, "Tags");
    int rc = ec2_net_describe(c, &vpc_kind, all, json_object_get(c->input, "VpcIds"));
    json_decref(all);
    return rc;
}

int ec2_net_delete_vpc(svc_call *c)
{
    ec2_net *n = ec2_net_of(c);
    const char *id = svc_str(c->input, "VpcId");
    if (!vpc_named(c, id))
        return -1;
    const char *k;
    json_t *v;
    bool used = false;
    json_object_foreach(n->subnets, k, v) used |= g_strcmp0(svc_str(v, "VpcId"), id) == 0;
    json_object_foreach(n->groups, k, v)
        used |= g_strcmp0(svc_str(v, "VpcId"), id) == 0 && g_strcmp0(svc_str(v, "GroupName"), "default") != 0;
    if (used)
        return aws_error_set(&c->err, "DependencyViolation", "The vpc '%s' has dependencies and cannot be deleted.", id);
    if (ec2_dry_run(c))
        return -1;
    void *tmp;
    json_object_foreach_safe(n->groups, tmp, k, v) {
        if (g_strcmp0(svc_str(v, "VpcId"), id) == 0) {
            ec2_net_forget_tags(c, k);
            json_object_del(n->groups, k);
        }
    }
    ec2_net_forget_tags(c, id);
    json_object_del(n->vpcs, id);
    return 0;
}

static const char *const vpc_attributes[][2] = {
    {"enableDnsSupport", "EnableDnsSupport"},
    {"enableDnsHostnames", "EnableDnsHostnames"},
    {"enableNetworkAddressUsageMetrics", "EnableNetworkAddressUsageMetrics"},
};

static const char *vpc_attribute_member(const char *member)
{
    return !strcmp(member, "EnableDnsSupport") ? "_dns_support"
           : !strcmp(member, "EnableDnsHostnames") ? "_dns_hostnames"
                                                   : "_address_usage_metrics";
}

int ec2_net_describe_vpc_attribute(svc_call *c)
{
    const char *id = svc_str(c->input, "VpcId"), *attr = svc_str(c->input, "Attribute");
    json_t *v = vpc_named(c, id);
    if (!v)
        return -1;
    const char *member = NULL;
    for (size_t i = 0; i < G_N_ELEMENTS(vpc_attributes) && attr; i++)
        if (strcmp(attr, vpc_attributes[i][0]) == 0)
            member = vpc_attributes[i][1];
    if (!member)
        return aws_error_set(&c->err, "InvalidParameterValue", "Value (%s) for parameter attribute is invalid.",
                             attr ? attr : "null");
    if (ec2_dry_run(c))
        return -1;
    c->output = json_pack("{s:s, s:{s:b}}", "VpcId", id, member, "Value",
                          svc_true(v, vpc_attribute_member(member)));
    return 0;
}

int ec2_net_modify_vpc_attribute(svc_call *c)
{
    const char *id = svc_str(c->input, "VpcId");
    json_t *v = vpc_named(c, id);
    if (!v)
        return -1;
    const char *member = NULL;
    int given = 0;
    for (size_t i = 0; i < G_N_ELEMENTS(vpc_attributes); i++)
        if (json_object_get(c->input, vpc_attributes[i][1])) {
            member = vpc_attributes[i][1];
            given++;
        }
    if (given != 1)
        return aws_error_set(&c->err, "InvalidParameterCombination",
                             "Exactly one of enableDnsSupport, enableDnsHostnames or "
                             "enableNetworkAddressUsageMetrics must be specified");
    json_t *value = json_object_get(json_object_get(c->input, member), "Value");
    if (!json_is_boolean(value))
        return aws_error_set(&c->err, "MissingParameter", "The request must contain the parameter %s.Value", member);
    if (!strcmp(member, "EnableDnsHostnames") && json_is_true(value) && !svc_true(v, "_dns_support"))
        return aws_error_set(&c->err, "InvalidParameterValue",
                             "Enabling DNS hostnames requires DNS support to be enabled for the VPC");
    if (ec2_dry_run(c))
        return -1;
    json_object_set(v, vpc_attribute_member(member), value);
    return 0;
}

/* ---- subnets ---- */

/* Addresses in use per subnet (instances not terminated, network
 * interfaces): subnet id -> count, built in one pass. */
static GHashTable *subnet_usage(svc_call *c)
{
    ec2_state *st = c->state;
    GHashTable *used = g_hash_table_new(g_str_hash, g_str_equal);
    GPtrArray *live = ec2_state_list(st, c->now_ms);
    for (guint i = 0; i < live->len; i++) {
        ec2_instance *in = g_ptr_array_index(live, i);
        if (in->state != EC2_TERMINATED && !json_object_get(st->net->enis, in->eni_id))
            g_hash_table_insert(used, in->subnet_id,
                                GUINT_TO_POINTER(GPOINTER_TO_UINT(g_hash_table_lookup(used, in->subnet_id)) + 1));
    }
    g_ptr_array_free(live, TRUE);
    const char *id;
    json_t *e;
    json_object_foreach(st->net->enis, id, e) {
        const char *s = svc_str(e, "SubnetId");
        if (s)
            g_hash_table_insert(used, (gpointer)s, GUINT_TO_POINTER(GPOINTER_TO_UINT(g_hash_table_lookup(used, s)) + 1));
    }
    return used;
}

static json_t *subnet_render(svc_call *c, json_t *s, const char *id, GHashTable *usage)
{
    json_t *r = ec2_net_render(c, s, id, "Tags");
    ec2_cidr cb;
    uint64_t size = ec2_cidr_parse(svc_str(s, "CidrBlock") ? svc_str(s, "CidrBlock") : "", false, &cb)
                        ? ec2_cidr_size(cb)
                        : SUBNET_RESERVED;
    uint64_t used = GPOINTER_TO_UINT(g_hash_table_lookup(usage, id)) + SUBNET_RESERVED;
    json_object_set_new(r, "AvailableIpAddressCount", json_integer(used < size ? (json_int_t)(size - used) : 0));
    return r;
}

json_t *ec2_net_subnet_named(svc_call *c, const char *id)
{
    ec2_net *n = ec2_net_of(c);
    if (!id)
        return aws_error_set(&c->err, "MissingParameter", "The request must contain the parameter subnetId"), NULL;
    if (!ec2_id_ok(id, "subnet-"))
        return aws_error_set(&c->err, "InvalidSubnetID.Malformed", "Invalid id: \"%s\" (expecting \"subnet-...\")", id),
               NULL;
    json_t *s = json_object_get(n->subnets, id);
    if (!s)
        aws_error_set(&c->err, "InvalidSubnetID.NotFound", "The subnet ID '%s' does not exist", id);
    return s;
}

static int subnet_answer(svc_call *c, json_t *s, const char *id)
{
    GHashTable *usage = subnet_usage(c);
    c->output = json_pack("{s:o}", "Subnet", subnet_render(c, s, id, usage));
    g_hash_table_destroy(usage);
    return 0;
}

int ec2_net_create_subnet(svc_call *c)
{
    ec2_net *n = ec2_net_of(c);
    const char *vpc_id = svc_str(c->input, "VpcId"), *cidr = svc_str(c->input, "CidrBlock");
    json_t *vpc = vpc_named(c, vpc_id);
    if (!vpc)
        return -1;
    ec2_cidr cb, vb;
    if (!block_ok(c, cidr, "InvalidSubnet.Range", &cb))
        return -1;
    if (!ec2_cidr_parse(svc_str(vpc, "CidrBlock"), false, &vb) || !ec2_cidr_within(vb, cb))
        return aws_error_set(&c->err, "InvalidSubnet.Range", "The CIDR '%s' is invalid.", cidr);
    const char *az = svc_str(c->input, "AvailabilityZone");
    char *zone = NULL;
    const char *zid = svc_str(c->input, "AvailabilityZoneId");
    if (az && !ec2_zone_valid(c->region, az)) {
        GString *zones = g_string_new(NULL);
        for (int z = 0; z < ec2_zone_count(c->region); z++)
            g_string_append_printf(zones, "%s%s%c", z ? ", " : "", c->region, 'a' + z);
        aws_error_set(&c->err, "InvalidParameterValue",
                      "Value (%s) for parameter availabilityZone is invalid. Subnets can currently only be created "
                      "in the following availability zones: %s.",
                      az, zones->str);
        g_string_free(zones, TRUE);
        return -1;
    }
    if (!az && zid) {
        for (int z = 0; z < ec2_zone_count(c->region) && !zone; z++) {
            char *name = g_strdup_printf("%s%c", c->region, 'a' + z);
            char *id = ec2_zone_id(c->region, name);
            if (strcmp(id, zid) == 0)
                zone = g_strdup(name);
            g_free(id);
            g_free(name);
        }
        if (!zone)
            return aws_error_set(&c->err, "InvalidParameterValue",
                                 "Value (%s) for parameter availabilityZoneId is invalid.", zid);
    }
    if (!zone)
        zone = g_strdup(az ? az : NULL);
    size_t in_vpc = 0;
    const char *id;
    json_t *s;
    json_object_foreach(n->subnets, id, s) {
        ec2_cidr other;
        if (g_strcmp0(svc_str(s, "VpcId"), vpc_id) != 0)
            continue;
        in_vpc++;
        if (ec2_cidr_parse(svc_str(s, "CidrBlock"), false, &other) && ec2_cidr_overlap(other, cb)) {
            g_free(zone);
            return aws_error_set(&c->err, "InvalidSubnet.Conflict", "The CIDR '%s' conflicts with another subnet",
                                 cidr);
        }
    }
    if (in_vpc >= SUBNETS_PER_VPC) {
        g_free(zone);
        return aws_error_set(&c->err, "SubnetLimitExceeded",
                             "The maximum number of subnets for VPC '%s' has been reached.", vpc_id);
    }
    if (ec2_net_tag_specs(c, "subnet", NULL, true) != 0 || ec2_dry_run(c)) {
        g_free(zone);
        return -1;
    }
    if (!zone) /* EC2 picks one; mockaws the first, to stay deterministic */
        zone = g_strconcat(c->region, "a", NULL);
    char *sid = ec2_net_new_id(c, "subnet-");
    char text[19];
    s = subnet_new(c, sid, vpc_id, ec2_cidr_format(cb, text), zone, false);
    json_object_set_new(n->subnets, sid, s);
    ec2_net_tag_specs(c, "subnet", sid, false);
    subnet_answer(c, s, sid);
    g_free(sid);
    g_free(zone);
    return 0;
}

int ec2_net_create_default_subnet(svc_call *c)
{
    ec2_net *n = ec2_net_of(c);
    const char *az = svc_str(c->input, "AvailabilityZone");
    if (!az)
        return aws_error_set(&c->err, "MissingParameter", "The request must contain the parameter availabilityZone");
    if (!ec2_zone_valid(c->region, az))
        return aws_error_set(&c->err, "InvalidParameterValue", "Value (%s) for parameter availabilityZone is invalid.",
                             az);
    const char *vpc = ec2_net_default_vpc(c);
    if (!vpc)
        return aws_error_set(&c->err, "DefaultVpcDoesNotExist", "No default VPC exists for this account in this region.");
    const char *id;
    json_t *s;
    json_object_foreach(n->subnets, id, s) {
        if (svc_true(s, "DefaultForAz") && g_strcmp0(svc_str(s, "AvailabilityZone"), az) == 0)
            return aws_error_set(&c->err, "DefaultSubnetAlreadyExistsInAvailabilityZone",
                                 "A Default Subnet already exists in availability zone %s: %s.", az, id);
    }
    if (ec2_dry_run(c))
        return -1;
    int zone = az[strlen(c->region)] - 'a';
    add_default_subnet(c, n, vpc, zone);
    char *sid = ec2_net_derived_id("subnet-", "subnet/%s/%s", c->account, az);
    subnet_answer(c, json_object_get(n->subnets, sid), sid);
    g_free(sid);
    return 0;
}

static const ec2_filter_path subnet_filters[] = {
    {"availability-zone", "AvailabilityZone"},
    {"availability-zone-id", "AvailabilityZoneId"},
    {"available-ip-address-count", "AvailableIpAddressCount"},
    {"cidr-block", "CidrBlock"},
    {"cidr", "CidrBlock"},
    {"cidrBlock", "CidrBlock"},
    {"default-for-az", "DefaultForAz"},
    {"defaultForAz", "DefaultForAz"},
    {"ipv6-cidr-block-association.ipv6-cidr-block", "Ipv6CidrBlockAssociationSet.Ipv6CidrBlock"},
    {"ipv6-cidr-block-association.association-id", "Ipv6CidrBlockAssociationSet.AssociationId"},
    {"ipv6-cidr-block-association.state", "Ipv6CidrBlockAssociationSet.Ipv6CidrBlockState.State"},
    {"ipv6-native", "Ipv6Native"},
    {"map-public-ip-on-launch", "MapPublicIpOnLaunch"},
    {"owner-id", "OwnerId"},
    {"state", "State"},
    {"subnet-arn", "SubnetArn"},
    {"subnet-id", "SubnetId"},
    {"vpc-id", "VpcId"},
    {NULL, NULL},
};

static const ec2_kind subnet_kind = {"subnet-", "Subnets", "InvalidSubnetID.Malformed", "InvalidSubnetID.NotFound",
                                     "The subnet ID '%s' does not exist", "Tags", subnet_filters, true};

int ec2_net_describe_subnets(svc_call *c)
{
    ec2_net *n = ec2_net_of(c);
    GHashTable *usage = subnet_usage(c);
    json_t *all = json_object();
    const char *id;
    json_t *s;
    json_object_foreach(n->subnets, id, s) json_object_set_new(all, id, subnet_render(c, s, id, usage));
    g_hash_table_destroy(usage);
    int rc = ec2_net_describe(c, &subnet_kind, all, json_object_get(c->input, "SubnetIds"));
    json_decref(all);
    return rc;
}

int ec2_net_delete_subnet(svc_call *c)
{
    ec2_net *n = ec2_net_of(c);
    const char *id = svc_str(c->input, "SubnetId");
    if (!ec2_net_subnet_named(c, id))
        return -1;
    GHashTable *usage = subnet_usage(c);
    bool used = g_hash_table_contains(usage, id);
    g_hash_table_destroy(usage);
    if (used)
        return aws_error_set(&c->err, "DependencyViolation", "The subnet '%s' has dependencies and cannot be deleted.",
                             id);
    if (ec2_dry_run(c))
        return -1;
    ec2_net_forget_tags(c, id);
    json_object_del(n->subnets, id);
    return 0;
}

int ec2_net_modify_subnet_attribute(svc_call *c)
{
    json_t *s = ec2_net_subnet_named(c, svc_str(c->input, "SubnetId"));
    if (!s)
        return -1;
    static const char *const flags[] = {"MapPublicIpOnLaunch", "AssignIpv6AddressOnCreation", "EnableDns64",
                                        "MapCustomerOwnedIpOnLaunch"};
    if (ec2_dry_run(c))
        return -1;
    for (size_t i = 0; i < G_N_ELEMENTS(flags); i++) {
        json_t *v = json_object_get(json_object_get(c->input, flags[i]), "Value");
        if (json_is_boolean(v))
            json_object_set(s, flags[i], v);
    }
    return 0;
}

/* ---- instances and what follows them ---- */

/* The live (not terminated) instance with that id, settled, or NULL. */
ec2_instance *ec2_net_live_instance(svc_call *c, const char *id)
{
    ec2_instance *in = id ? ec2_state_get(c->state, id, c->now_ms) : NULL;
    return in && in->state != EC2_TERMINATED && in->state != EC2_SHUTTING_DOWN ? in : NULL;
}

/* Addresses and interfaces of instances that terminated since last read:
 * an address goes back to the pool, an interface attached since launch is
 * deleted with it or detached, as its DeleteOnTermination says. */
void ec2_net_follow_instances(svc_call *c, ec2_net *n)
{
    const char *id;
    json_t *v;
    void *tmp;
    json_object_foreach(n->addresses, id, v) {
        if (svc_str(v, "InstanceId") && !ec2_net_live_instance(c, svc_str(v, "InstanceId")))
            ec2_address_unlink(c, v);
    }
    json_object_foreach_safe(n->enis, tmp, id, v) {
        json_t *at = json_object_get(v, "Attachment");
        if (!at || ec2_net_live_instance(c, svc_str(at, "InstanceId")))
            continue;
        if (svc_true(at, "DeleteOnTermination")) {
            ec2_net_forget_tags(c, id);
            json_object_del(n->enis, id);
        } else {
            json_object_del(v, "Attachment");
            json_object_set_new(v, "Status", json_string("available"));
        }
    }
}

/* ---- private addresses ---- */

/* Addresses taken in a subnet: its instances' (not terminated) and its
 * interfaces'. */
GHashTable *ec2_net_subnet_taken(svc_call *c, const char *subnet_id)
{
    ec2_state *st = c->state;
    GHashTable *used = g_hash_table_new(g_direct_hash, g_direct_equal);
    GPtrArray *live = ec2_state_list(st, c->now_ms);
    uint32_t ip;
    for (guint i = 0; i < live->len; i++) {
        ec2_instance *in = g_ptr_array_index(live, i);
        if (in->state != EC2_TERMINATED && g_strcmp0(in->subnet_id, subnet_id) == 0 && in->private_ip &&
            ec2_ip_parse(in->private_ip, &ip))
            g_hash_table_add(used, GUINT_TO_POINTER(ip));
    }
    g_ptr_array_free(live, TRUE);
    const char *id;
    json_t *e;
    json_object_foreach(st->net->enis, id, e) {
        if (g_strcmp0(svc_str(e, "SubnetId"), subnet_id) == 0 && svc_str(e, "PrivateIpAddress") &&
            ec2_ip_parse(svc_str(e, "PrivateIpAddress"), &ip))
            g_hash_table_add(used, GUINT_TO_POINTER(ip));
    }
    return used;
}

/* A requested private address: inside the subnet, not one of its reserved
 * five, and free. */
int ec2_net_ip_request_ok(svc_call *c, json_t *subnet, const char *text, GHashTable *used)
{
    uint32_t ip;
    ec2_cidr cb;
    if (!ec2_ip_parse(text, &ip))
        return aws_error_set(&c->err, "InvalidParameterValue",
                             "Value (%s) for parameter privateIpAddress is invalid. Invalid format.", text);
    if (!ec2_cidr_parse(svc_str(subnet, "CidrBlock") ? svc_str(subnet, "CidrBlock") : "", false, &cb) ||
        !ec2_cidr_contains(cb, ip) || ip - cb.base < 4 || ip - cb.base == ec2_cidr_size(cb) - 1)
        return aws_error_set(&c->err, "InvalidParameterValue", "Address %s does not fall within the subnet's address range",
                             text);
    if (g_hash_table_contains(used, GUINT_TO_POINTER(ip)))
        return aws_error_set(&c->err, "InvalidIPAddress.InUse", "Address %s is in use.", text);
    return 0;
}

/* The lowest free address of the subnet, taken into used; false when the
 * subnet is full. buf: 16 bytes. */
bool ec2_net_ip_take(json_t *subnet, GHashTable *used, char *buf)
{
    ec2_cidr cb;
    if (!ec2_cidr_parse(svc_str(subnet, "CidrBlock") ? svc_str(subnet, "CidrBlock") : "", false, &cb))
        return false;
    for (uint64_t off = 4; off + 1 < ec2_cidr_size(cb); off++) {
        uint32_t ip = cb.base + (uint32_t)off;
        if (g_hash_table_add(used, GUINT_TO_POINTER(ip))) {
            ec2_ip_format(ip, buf);
            return true;
        }
    }
    return false;
}

uint64_t ec2_net_subnet_free(json_t *subnet, GHashTable *used)
{
    ec2_cidr cb;
    if (!ec2_cidr_parse(svc_str(subnet, "CidrBlock") ? svc_str(subnet, "CidrBlock") : "", false, &cb))
        return 0;
    uint64_t all = ec2_cidr_size(cb) - SUBNET_RESERVED, taken = g_hash_table_size(used);
    return taken < all ? all - taken : 0;
}

/* The groups named by id (each in vpc) as [{GroupId, GroupName}]; NULL
 * with err set. subnet: for EC2's wording of a VPC mismatch. */
json_t *ec2_net_groups_by_id(svc_call *c, json_t *ids, const char *vpc, const char *subnet)
{
    ec2_net *n = ec2_net_of(c);
    json_t *out = json_array();
    size_t i;
    json_t *v;
    json_array_foreach(ids, i, v) {
        const char *gid = json_string_value(v);
        json_t *g = gid ? json_object_get(n->groups, gid) : NULL;
        if (!ec2_id_ok(gid, "sg-")) {
            aws_error_set(&c->err, "InvalidGroupId.Malformed", "Invalid id: \"%s\" (expecting \"sg-...\")", gid ? gid : "");
        } else if (!g) {
            aws_error_set(&c->err, "InvalidGroup.NotFound", "The security group '%s' does not exist", gid);
        } else if (g_strcmp0(svc_str(g, "VpcId"), vpc) != 0) {
            aws_error_set(&c->err, "InvalidParameter", "Security group %s and subnet %s belong to different networks.",
                          gid, subnet);
        } else {
            json_array_append_new(out, json_pack("{s:s, s:O}", "GroupId", gid, "GroupName", json_object_get(g, "GroupName")));
            continue;
        }
        json_decref(out);
        return NULL;
    }
    return out;
}

json_t *ec2_net_vpc_default_group(ec2_net *n, const char *vpc)
{
    json_t *g = ec2_secgroup_by_name(n, vpc, "default");
    return g ? json_pack("[{s:O, s:s}]", "GroupId", json_object_get(g, "GroupId"), "GroupName", "default")
             : json_array();
}

/* ---- RunInstances ---- */

/* The launch's one network interface (NetworkInterfaces[0], DeviceIndex 0)
 * folded into the top-level members it stands for. */
static int launch_interface(svc_call *c, json_t *input, json_t **subnet, json_t **group_ids, json_t **ip,
                            json_t **public, const char **eni)
{
    json_t *nis = json_object_get(input, "NetworkInterfaces");
    if (!json_array_size(nis))
        return 0;
    if (*subnet)
        return aws_error_set(&c->err, "InvalidParameterCombination",
                             "Network interfaces and an instance-level subnet ID may not be specified on the same "
                             "request");
    if (json_array_size(*group_ids) || json_array_size(json_object_get(input, "SecurityGroups")))
        return aws_error_set(&c->err, "InvalidParameterCombination",
                             "Network interfaces and an instance-level security groups may not be specified on the "
                             "same request");
    if (*ip)
        return aws_error_set(&c->err, "InvalidParameterCombination",
                             "Network interfaces and an instance-level private IP address should not be specified on "
                             "the same request");
    if (json_array_size(nis) > 1)
        return aws_error_set(&c->err, "UnsupportedOperation",
                             "mockaws launches instances with one network interface (DeviceIndex 0); attach more "
                             "with AttachNetworkInterface");
    json_t *ni = json_array_get(nis, 0);
    json_t *index = json_object_get(ni, "DeviceIndex");
    if (index && json_integer_value(index) != 0)
        return aws_error_set(&c->err, "InvalidParameterValue",
                             "Each network interface requires a device index, and the first must be 0");
    *eni = svc_str(ni, "NetworkInterfaceId");
    if (*eni && (svc_str(ni, "SubnetId") || json_array_size(json_object_get(ni, "Groups")) ||
                 svc_str(ni, "PrivateIpAddress")))
        return aws_error_set(&c->err, "InvalidParameterCombination",
                             "A network interface may not specify both a network interface ID and a subnet, security "
                             "groups or private IP address");
    if (*eni && json_integer_value(json_object_get(input, "MaxCount")) > 1)
        return aws_error_set(&c->err, "InvalidParameterCombination",
                             "A network interface ID can only be used when launching a single instance");
    *subnet = json_object_get(ni, "SubnetId");
    *group_ids = json_object_get(ni, "Groups");
    *ip = json_object_get(ni, "PrivateIpAddress");
    *public = json_object_get(ni, "AssociatePublicIpAddress");
    return 0;
}

int ec2_net_resolve_launch(svc_call *c, json_t *input, ec2_launch_net *out)
{
    memset(out, 0, sizeof *out);
    out->groups = json_array();
    ec2_net *n = ec2_net_of(c);
    json_t *subnet_v = json_object_get(input, "SubnetId"), *group_ids = json_object_get(input, "SecurityGroupIds");
    json_t *ip_v = json_object_get(input, "PrivateIpAddress"), *public_v = NULL;
    json_t *names = json_object_get(input, "SecurityGroups");
    const char *eni_id = NULL;
    if (launch_interface(c, input, &subnet_v, &group_ids, &ip_v, &public_v, &eni_id) != 0)
        return -1;
    const char *az = svc_str(json_object_get(input, "Placement"), "AvailabilityZone");
    const char *dflt = ec2_net_default_vpc(c);
    json_t *subnet = NULL, *eni = NULL;
    if (eni_id) {
        eni = json_object_get(n->enis, eni_id);
        if (!ec2_id_ok(eni_id, "eni-"))
            return aws_error_set(&c->err, "InvalidNetworkInterfaceID.Malformed",
                                 "Invalid id: \"%s\" (expecting \"eni-...\")", eni_id);
        if (!eni)
            return aws_error_set(&c->err, "InvalidNetworkInterfaceID.NotFound",
                                 "The networkInterface ID '%s' does not exist", eni_id);
        if (json_object_get(eni, "Attachment"))
            return aws_error_set(&c->err, "InvalidNetworkInterface.InUse", "Interface: [%s] in use.", eni_id);
        subnet = json_object_get(n->subnets, svc_str(eni, "SubnetId"));
    } else if (subnet_v) {
        const char *sid = json_string_value(subnet_v);
        subnet = sid ? json_object_get(n->subnets, sid) : NULL;
        if (!subnet)
            return aws_error_set(&c->err, "InvalidSubnetID.NotFound", "The subnet ID '%s' does not exist",
                                 sid ? sid : "");
    } else {
        if (!dflt)
            return aws_error_set(&c->err, "VPCIdNotSpecified", "No default VPC for this user");
        char *want = az ? g_strdup(az) : g_strconcat(c->region, "a", NULL);
        const char *id;
        json_t *s;
        json_object_foreach(n->subnets, id, s) {
            if (!subnet && svc_true(s, "DefaultForAz") && g_strcmp0(svc_str(s, "AvailabilityZone"), want) == 0 &&
                g_strcmp0(svc_str(s, "VpcId"), dflt) == 0)
                subnet = s;
        }
        g_free(want);
        if (!subnet)
            return aws_error_set(&c->err, "MissingInput",
                                 "No subnets found for the default VPC '%s'. Please specify a subnet.", dflt);
    }
    if (!subnet)
        return aws_error_set(&c->err, "InvalidSubnetID.NotFound", "The subnet ID of '%s' does not exist", eni_id);
    const char *sid = svc_str(subnet, "SubnetId"), *vpc = svc_str(subnet, "VpcId");
    if (az && g_strcmp0(az, svc_str(subnet, "AvailabilityZone")) != 0)
        return aws_error_set(&c->err, "InvalidParameterValue",
                             "Value (%s) for parameter availabilityZone is invalid. Subnet '%s' is in the availability "
                             "zone %s",
                             az, sid, svc_str(subnet, "AvailabilityZone"));
    if (eni) {
        json_decref(out->groups);
        out->groups = json_deep_copy(json_object_get(eni, "Groups"));
    } else if (json_array_size(group_ids)) {
        json_t *g = ec2_net_groups_by_id(c, group_ids, vpc, sid);
        if (!g)
            return -1;
        json_array_extend(out->groups, g);
        json_decref(g);
    }
    if (json_array_size(names)) {
        if (subnet_v && g_strcmp0(vpc, dflt) != 0)
            return aws_error_set(&c->err, "InvalidParameterCombination",
                                 "The parameter groupName cannot be used with the parameter subnet");
        size_t i;
        json_t *v;
        json_array_foreach(names, i, v) {
            json_t *g = ec2_secgroup_by_name(n, vpc, json_string_value(v));
            if (!g)
                return aws_error_set(&c->err, "InvalidGroup.NotFound", "The security group '%s' does not exist in VPC '%s'",
                                     json_string_value(v), vpc);
            json_array_append_new(out->groups, json_pack("{s:O, s:O}", "GroupId", json_object_get(g, "GroupId"),
                                                         "GroupName", json_object_get(g, "GroupName")));
        }
    }
    if (!json_array_size(out->groups)) {
        json_decref(out->groups);
        out->groups = ec2_net_vpc_default_group(n, vpc);
    }
    const char *key = svc_str(input, "KeyName");
    if (key && !json_object_get(n->keys, key))
        return aws_error_set(&c->err, "InvalidKeyPair.NotFound", "The key pair '%s' does not exist", key);
    out->used = ec2_net_subnet_taken(c, sid);
    if (ip_v) {
        if (!json_is_string(ip_v) || ec2_net_ip_request_ok(c, subnet, json_string_value(ip_v), out->used) != 0)
            return json_is_string(ip_v) ? -1
                                        : aws_error_set(&c->err, "InvalidParameterValue",
                                                        "Value for parameter privateIpAddress is invalid.");
        if (json_integer_value(json_object_get(input, "MaxCount")) > 1)
            return aws_error_set(&c->err, "InvalidParameterCombination",
                                 "Cannot specify a private IP address when launching more than one instance");
        out->private_ip = g_strdup(json_string_value(ip_v));
    }
    int64_t min = json_integer_value(json_object_get(input, "MinCount"));
    uint64_t room = eni ? 1 : ec2_net_subnet_free(subnet, out->used);
    out->room = room > INT64_MAX ? INT64_MAX : (int64_t)room;
    if ((min > 0 ? min : 1) > out->room)
        return aws_error_set(&c->err, "InsufficientFreeAddressesInSubnet",
                             "There are not enough free addresses in subnet '%s' to satisfy the requested number of "
                             "instances.",
                             sid);
    out->public_ip = public_v ? json_is_true(public_v) : svc_true(subnet, "MapPublicIpOnLaunch");
    out->subnet_id = g_strdup(sid);
    out->vpc_id = g_strdup(vpc);
    out->az = g_strdup(svc_str(subnet, "AvailabilityZone"));
    out->key_name = g_strdup(key);
    out->eni_id = g_strdup(eni_id);
    return 0;
}

void ec2_launch_net_clear(ec2_launch_net *ln)
{
    g_free(ln->vpc_id);
    g_free(ln->subnet_id);
    g_free(ln->az);
    g_free(ln->key_name);
    g_free(ln->private_ip);
    g_free(ln->eni_id);
    json_decref(ln->groups);
    if (ln->used)
        g_hash_table_destroy(ln->used);
    memset(ln, 0, sizeof *ln);
}

void ec2_net_attach_instance(svc_call *c, const ec2_launch_net *ln, ec2_instance *in)
{
    ec2_net *n = ec2_net_of(c);
    g_free(in->key_name);
    in->key_name = g_strdup(ln->key_name);
    g_free(in->subnet_id);
    in->subnet_id = g_strdup(ln->subnet_id);
    g_free(in->vpc_id);
    in->vpc_id = g_strdup(ln->vpc_id);
    json_decref(in->groups);
    in->groups = json_deep_copy(ln->groups);
    in->no_public_ip = !ln->public_ip;
    json_t *eni = ln->eni_id ? json_object_get(n->enis, ln->eni_id) : NULL;
    char ip[16];
    g_free(in->private_ip);
    if (eni) {
        in->private_ip = g_strdup(svc_str(eni, "PrivateIpAddress"));
        g_free(in->eni_id);
        in->eni_id = g_strdup(ln->eni_id);
        g_free(in->mac);
        in->mac = g_strdup(svc_str(eni, "MacAddress"));
        char *aid = ec2_net_derived_id("eni-attach-", "attach/%s", in->id);
        json_object_set_new(eni, "Attachment",
                            json_pack("{s:I, s:s, s:b, s:i, s:i, s:s, s:s, s:s}", "AttachTime",
                                      (json_int_t)(c->now_ms / 1000), "AttachmentId", aid, "DeleteOnTermination", 0,
                                      "DeviceIndex", 0, "NetworkCardIndex", 0, "InstanceId", in->id,
                                      "InstanceOwnerId", c->account, "Status", "attached"));
        json_object_set_new(eni, "Status", json_string("in-use"));
        g_free(aid);
    } else if (ln->private_ip) {
        uint32_t v;
        in->private_ip = g_strdup(ln->private_ip);
        if (ec2_ip_parse(ln->private_ip, &v))
            g_hash_table_add(ln->used, GUINT_TO_POINTER(v));
    } else {
        /* RunInstances launches no more than ln->room */
        in->private_ip = g_strdup(ec2_net_ip_take(json_object_get(n->subnets, ln->subnet_id), ln->used, ip) ? ip : "");
    }
}

/* ---- the fixture section ---- */

/* The section's "network" member: each collection as stored (id -> EC2's
 * shape), and the tags of what it holds. */
static const struct {
    const char *name;
    size_t off;
    const char *key_member;
    const char *required[6];
} collections[] = {
    {"vpcs", offsetof(ec2_net, vpcs), "VpcId", {"CidrBlock", "OwnerId", NULL}},
    {"subnets", offsetof(ec2_net, subnets), "SubnetId", {"VpcId", "CidrBlock", "AvailabilityZone", NULL}},
    {"security_groups", offsetof(ec2_net, groups), "GroupId", {"GroupName", "VpcId", NULL}},
    {"key_pairs", offsetof(ec2_net, keys), "KeyName", {"KeyPairId", "KeyFingerprint", "KeyType", NULL}},
    {"addresses", offsetof(ec2_net, addresses), "AllocationId", {"PublicIp", NULL}},
    {"network_interfaces", offsetof(ec2_net, enis), "NetworkInterfaceId",
     {"SubnetId", "VpcId", "PrivateIpAddress", "AvailabilityZone", NULL}},
};

static json_t **collection(ec2_net *n, size_t i) { return (json_t **)((char *)n + collections[i].off); }

bool ec2_net_fixture_key(const char *key) { return strcmp(key, "network") == 0; }

static bool rules_ok(json_t *rules)
{
    size_t i;
    json_t *r;
    if (!json_is_array(rules))
        return false;
    json_array_foreach(rules, i, r) {
        if (!svc_str(r, "SecurityGroupRuleId") || !svc_str(r, "IpProtocol") || !svc_str(r, "GroupId") ||
            !json_is_integer(json_object_get(r, "FromPort")) || !json_is_integer(json_object_get(r, "ToPort")) ||
            !json_is_boolean(json_object_get(r, "IsEgress")))
            return false;
    }
    return true;
}

static int load_collection(json_t *from, size_t ci, char *err, size_t errlen)
{
    if (!json_is_object(from)) {
        g_snprintf(err, errlen, "\"network.%s\" must be an object (id -> resource)", collections[ci].name);
        return -1;
    }
    const char *id;
    json_t *r;
    json_object_foreach(from, id, r) {
        bool ok = json_is_object(r) && g_strcmp0(svc_str(r, collections[ci].key_member), id) == 0;
        for (const char *const *m = collections[ci].required; ok && *m; m++)
            ok = svc_str(r, *m) != NULL;
        ec2_cidr cb;
        if (ok && svc_str(r, "CidrBlock"))
            ok = ec2_cidr_parse(svc_str(r, "CidrBlock"), true, &cb);
        if (ok && !strcmp(collections[ci].name, "security_groups"))
            ok = rules_ok(json_object_get(r, "_rules"));
        if (!ok) {
            g_snprintf(err, errlen,
                       "\"network.%s.%s\" is not a resource as mockaws saves it (%s matching its key, %s%s%s)",
                       collections[ci].name, id, collections[ci].key_member, collections[ci].required[0],
                       collections[ci].required[1] ? ", " : "", collections[ci].required[1] ? "..." : "");
            return -1;
        }
    }
    return 0;
}

int ec2_net_load(ec2_state *st, json_t *network, char *err, size_t errlen)
{
    if (!json_is_object(network)) {
        g_snprintf(err, errlen, "\"network\" must be an object");
        return -1;
    }
    const char *key;
    json_t *v;
    json_object_foreach(network, key, v) {
        bool known = !strcmp(key, "defaults_made") || !strcmp(key, "tags");
        for (size_t i = 0; i < G_N_ELEMENTS(collections) && !known; i++)
            known = !strcmp(key, collections[i].name);
        if (!known) {
            g_snprintf(err, errlen,
                       "unknown field \"network.%s\" (known: defaults_made, vpcs, subnets, security_groups, "
                       "key_pairs, addresses, network_interfaces, tags)",
                       key);
            return -1;
        }
    }
    json_t *tags = json_object_get(network, "tags");
    if (tags) {
        const char *id;
        json_t *t;
        bool ok = json_is_object(tags);
        json_object_foreach(tags, id, t) {
            const char *k;
            json_t *x;
            ok &= json_is_object(t);
            json_object_foreach(t, k, x) ok &= json_is_string(x);
        }
        if (!ok) {
            g_snprintf(err, errlen, "\"network.tags\" must be {\"resource id\": {\"key\": \"value\"}}");
            return -1;
        }
    }
    for (size_t i = 0; i < G_N_ELEMENTS(collections); i++) {
        json_t *from = json_object_get(network, collections[i].name);
        if (from && load_collection(from, i, err, errlen) != 0)
            return -1;
    }
    json_t *dm = json_object_get(network, "defaults_made");
    if (dm && !json_is_boolean(dm)) {
        g_snprintf(err, errlen, "\"network.defaults_made\" must be true or false");
        return -1;
    }
    /* all checked: now change the state */
    ec2_net *n = st->net;
    /* a fixture that adds a VPC still gets the default one beside it; a
     * saved state says whether it was made (and maybe deleted since) */
    n->defaults_made = dm ? json_is_true(dm) : n->defaults_made;
    for (size_t i = 0; i < G_N_ELEMENTS(collections); i++) {
        json_t *from = json_object_get(network, collections[i].name);
        if (from)
        {
            json_t *copy = json_deep_copy(from);
            json_object_update(*collection(n, i), copy);
            json_decref(copy);
        }
    }
    const char *id;
    json_t *t;
    json_object_foreach(tags, id, t) g_hash_table_replace(st->tags, g_strdup(id), json_deep_copy(t));
    return 0;
}

void ec2_net_dump(const ec2_state *st, json_t *section)
{
    const ec2_net *n = st->net;
    if (!n->defaults_made)
        return;
    json_t *out = json_pack("{s:b}", "defaults_made", 1);
    json_t *tags = json_object();
    for (size_t i = 0; i < G_N_ELEMENTS(collections); i++) {
        json_t *coll = *collection((ec2_net *)n, i);
        json_object_set_new(out, collections[i].name, json_deep_copy(coll));
        const char *k;
        json_t *r;
        json_object_foreach(coll, k, r) {
            /* resources are tagged by id (key pairs are keyed by name) */
            const char *id = svc_str(r, i == 3 ? "KeyPairId" : collections[i].key_member);
            json_t *t = id ? g_hash_table_lookup(st->tags, id) : NULL;
            if (json_object_size(t))
                json_object_set(tags, id, t);
            size_t j;
            json_t *rule;
            json_array_foreach(json_object_get(r, "_rules"), j, rule) {
                const char *rid = svc_str(rule, "SecurityGroupRuleId");
                json_t *rt = rid ? g_hash_table_lookup(st->tags, rid) : NULL;
                if (json_object_size(rt))
                    json_object_set(tags, rid, rt);
            }
        }
    }
    json_object_set_new(out, "tags", tags);
    json_object_set_new(section, "network", out);
}
