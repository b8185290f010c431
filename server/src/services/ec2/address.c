#include "services/ec2/common.h"
#include "services/ec2/address.h"

#include <string.h>

#include "services/ec2/eni.h"
#include "services/ec2/net.h"
#include "services/svc_api.h"

void ec2_address_unlink(svc_call *c, json_t *a)
{
    ec2_state *st = c->state;
    ec2_instance *in = svc_str(a, "InstanceId") ? g_hash_table_lookup(st->by_id, svc_str(a, "InstanceId")) : NULL;
    if (in && g_strcmp0(in->elastic_ip, svc_str(a, "PublicIp")) == 0) {
        g_free(in->elastic_ip);
        in->elastic_ip = NULL;
    }
    static const char *const members[] = {"AssociationId", "InstanceId", "NetworkInterfaceId",
                                          "NetworkInterfaceOwnerId", "PrivateIpAddress"};
    for (size_t i = 0; i < G_N_ELEMENTS(members); i++)
        json_object_del(a, members[i]);
}

/* The address associated with a network interface, or NULL. */
json_t *ec2_address_on(ec2_net *n, const char *eni)
{
    const char *id;
    json_t *a;
    json_object_foreach(n->addresses, id, a) if (g_strcmp0(svc_str(a, "NetworkInterfaceId"), eni) == 0) return a;
    return NULL;
}

/* An interface's Association: its Elastic IP, else the address EC2 gave
 * the instance (public_ip, or NULL for none). */
json_t *ec2_address_association(svc_call *c, ec2_net *n, const char *eni, const char *public_ip)
{
    json_t *a = ec2_address_on(n, eni);
    const char *ip = a ? svc_str(a, "PublicIp") : public_ip;
    if (!ip)
        return NULL;
    char *dns = ec2_net_public_dns(c->region, ip);
    json_t *o = json_pack("{s:s, s:s, s:s}", "IpOwnerId", a ? c->account : "amazon", "PublicDnsName", dns, "PublicIp", ip);
    if (a) {
        json_object_set(o, "AllocationId", json_object_get(a, "AllocationId"));
        json_object_set(o, "AssociationId", json_object_get(a, "AssociationId"));
    }
    g_free(dns);
    return o;
}

/* The n-th address of the pool mockaws hands out: the documentation ranges
 * 198.51.100.0/24 and 203.0.113.0/24 (RFC 5737), which route nowhere. */
static void pool_address(unsigned i, char *buf)
{
    g_snprintf(buf, 16, i < 254 ? "198.51.100.%u" : "203.0.113.%u", i % 254 + 1);
}

int ec2_address_allocate(svc_call *c)
{
    ec2_net *n = ec2_net_of(c);
    const char *domain = svc_str(c->input, "Domain");
    if (domain && strcmp(domain, "vpc") != 0 && strcmp(domain, "standard") != 0)
        return aws_error_set(&c->err, "InvalidParameterValue", "Invalid value '%s' for domain.", domain);
    if (svc_str(c->input, "Address") || svc_str(c->input, "CustomerOwnedIpv4Pool") ||
        svc_str(c->input, "IpamPoolId") ||
        (svc_str(c->input, "PublicIpv4Pool") && strcmp(svc_str(c->input, "PublicIpv4Pool"), "amazon") != 0))
        return aws_error_set(&c->err, "InvalidParameterValue",
                             "mockaws allocates addresses from Amazon's pool only (no BYOIP, IPAM or customer-owned "
                             "pools)");
    if (json_object_size(n->addresses) >= EC2_ADDRESS_LIMIT)
        return aws_error_set(&c->err, "AddressLimitExceeded", "The maximum number of addresses has been reached.");
    if (ec2_net_tag_specs(c, "elastic-ip", NULL, true) != 0 || ec2_dry_run(c))
        return -1;
    GHashTable *taken = g_hash_table_new(g_str_hash, g_str_equal);
    const char *id;
    json_t *a;
    json_object_foreach(n->addresses, id, a) if (svc_str(a, "PublicIp")) g_hash_table_add(taken, (gpointer)svc_str(a, "PublicIp"));
    char ip[16];
    for (unsigned i = 0;; i++) {
        pool_address(i, ip);
        if (!g_hash_table_contains(taken, ip))
            break;
    }
    g_hash_table_destroy(taken);
    char *aid = ec2_net_new_id(c, "eipalloc-");
    a = json_pack("{s:s, s:s, s:s, s:s, s:s}", "AllocationId", aid, "PublicIp", ip, "Domain", "vpc", "PublicIpv4Pool",
                  "amazon", "NetworkBorderGroup", c->region);
    json_object_set_new(n->addresses, aid, a);
    ec2_net_tag_specs(c, "elastic-ip", aid, false);
    c->output = ec2_net_render(c, a, aid, "Tags");
    json_object_del(c->output, "Tags");
    g_free(aid);
    return 0;
}

/* The address a request names by AllocationId. Every address mockaws
 * hands out is a VPC one, which EC2 wants named by allocation id: a
 * PublicIp of one of them is refused with vpc_message, anyone else's with
 * AuthFailure. NULL with err set as EC2 words it. */
static json_t *address_named(svc_call *c, const char *vpc_message)
{
    ec2_net *n = ec2_net_of(c);
    const char *aid = svc_str(c->input, "AllocationId"), *ip = svc_str(c->input, "PublicIp");
    if (aid && ip)
        return aws_error_set(&c->err, "InvalidParameterCombination",
                             "You may specify public IP or allocation id, but not both in the same call"),
               NULL;
    if (aid) {
        if (!ec2_id_ok(aid, "eipalloc-"))
            return aws_error_set(&c->err, "InvalidAllocationID.Malformed",
                                 "Invalid id: \"%s\" (expecting \"eipalloc-...\")", aid),
                   NULL;
        json_t *a = json_object_get(n->addresses, aid);
        if (!a)
            aws_error_set(&c->err, "InvalidAllocationID.NotFound", "The allocation ID '%s' does not exist", aid);
        return a;
    }
    if (!ip)
        return aws_error_set(&c->err, "MissingParameter", "Either public IP or allocation id must be specified"), NULL;
    const char *id;
    json_t *a;
    json_object_foreach(n->addresses, id, a) {
        if (g_strcmp0(svc_str(a, "PublicIp"), ip) == 0)
            return aws_error_set(&c->err, "InvalidParameterValue", "%s", vpc_message), NULL;
    }
    aws_error_set(&c->err, "AuthFailure", "The address '%s' does not belong to you.", ip);
    return NULL;
}

int ec2_address_associate(svc_call *c)
{
    ec2_net *n = ec2_net_of(c);
    ec2_net_follow_instances(c, n);
    json_t *a = address_named(c, "You must specify an allocation id when mapping an address to a VPC instance");
    if (!a)
        return -1;
    const char *iid = svc_str(c->input, "InstanceId"), *eni_id = svc_str(c->input, "NetworkInterfaceId");
    if (!iid && !eni_id)
        return aws_error_set(&c->err, "MissingParameter", "Either instance ID or network interface ID must be specified");
    ec2_instance *in = NULL;
    json_t *eni = NULL;
    if (eni_id) {
        if (!ec2_eni_named(c, eni_id, &eni, &in))
            return -1;
        if (iid && (!in || strcmp(in->id, iid) != 0))
            return aws_error_set(&c->err, "InvalidParameterCombination",
                                 "You may specify an instance or a network interface, not both");
    } else {
        in = ec2_state_get(c->state, iid, c->now_ms);
        if (!in || in->state == EC2_TERMINATED)
            return aws_error_set(&c->err, "InvalidInstanceID.NotFound", "The instance ID '%s' does not exist", iid);
        eni_id = in->eni_id;
        eni = json_object_get(n->enis, eni_id);
    }
    if (in && in->state != EC2_RUNNING && in->state != EC2_STOPPED)
        return aws_error_set(&c->err, "IncorrectInstanceState",
                             "The instance '%s' is not in a valid state for this operation.", in->id);
    const char *private_ip = eni ? svc_str(eni, "PrivateIpAddress") : in->private_ip;
    const char *want = svc_str(c->input, "PrivateIpAddress");
    if (want && g_strcmp0(want, private_ip) != 0)
        return aws_error_set(&c->err, "InvalidParameterValue",
                             "The specified private IP address %s is not assigned to the network interface %s", want,
                             eni_id);
    json_t *allow = json_object_get(c->input, "AllowReassociation");
    if (svc_str(a, "AssociationId") && json_is_false(allow))
        return aws_error_set(&c->err, "Resource.AlreadyAssociated",
                             "resource %s is already associated with associate-id %s", svc_str(a, "AllocationId"),
                             svc_str(a, "AssociationId"));
    if (ec2_dry_run(c))
        return -1;
    /* the address moves; whatever the interface had goes back to the pool */
    if (svc_str(a, "AssociationId"))
        ec2_address_unlink(c, a);
    json_t *old = ec2_address_on(n, eni_id);
    if (old)
        ec2_address_unlink(c, old);
    char *assoc = ec2_net_new_id(c, "eipassoc-");
    json_object_set_new(a, "AssociationId", json_string(assoc));
    json_object_set_new(a, "NetworkInterfaceId", json_string(eni_id));
    json_object_set_new(a, "NetworkInterfaceOwnerId", json_string(c->account));
    json_object_set_new(a, "PrivateIpAddress", json_string(private_ip));
    if (in) {
        json_object_set_new(a, "InstanceId", json_string(in->id));
        g_free(in->elastic_ip);
        in->elastic_ip = g_strdup(svc_str(a, "PublicIp"));
    }
    c->output = json_pack("{s:s}", "AssociationId", assoc);
    g_free(assoc);
    return 0;
}

int ec2_address_disassociate(svc_call *c)
{
    ec2_net *n = ec2_net_of(c);
    ec2_net_follow_instances(c, n);
    const char *assoc = svc_str(c->input, "AssociationId");
    json_t *a = NULL;
    if (assoc) {
        if (!ec2_id_ok(assoc, "eipassoc-"))
            return aws_error_set(&c->err, "InvalidAssociationID.Malformed",
                                 "Invalid id: \"%s\" (expecting \"eipassoc-...\")", assoc);
        const char *id;
        json_t *v;
        json_object_foreach(n->addresses, id, v) if (g_strcmp0(svc_str(v, "AssociationId"), assoc) == 0) a = v;
        if (!a)
            return aws_error_set(&c->err, "InvalidAssociationID.NotFound", "The association ID '%s' does not exist",
                                 assoc);
    } else if (!(a = address_named(c, "You must specify an association id when unmapping an address from a VPC instance"))) {
        return -1;
    }
    if (ec2_dry_run(c))
        return -1;
    ec2_address_unlink(c, a);
    return 0;
}

int ec2_address_release(svc_call *c)
{
    ec2_net *n = ec2_net_of(c);
    ec2_net_follow_instances(c, n);
    json_t *a = address_named(c, "You must specify an allocation id when releasing a VPC elastic IP address");
    if (!a)
        return -1;
    const char *nbg = svc_str(c->input, "NetworkBorderGroup");
    if (nbg && strcmp(nbg, c->region) != 0)
        return aws_error_set(&c->err, "InvalidParameterValue", "Invalid value '%s' for networkBorderGroup.", nbg);
    if (svc_str(a, "AssociationId"))
        return aws_error_set(&c->err, "InvalidIPAddress.InUse", "The address with allocation id [%s] is in use",
                             svc_str(a, "AllocationId"));
    if (ec2_dry_run(c))
        return -1;
    char *aid = g_strdup(svc_str(a, "AllocationId"));
    ec2_net_forget_tags(c, aid);
    json_object_del(n->addresses, aid);
    g_free(aid);
    return 0;
}

static const ec2_filter_path address_filters[] = {
    {"allocation-id", "AllocationId"},
    {"association-id", "AssociationId"},
    {"domain", "Domain"},
    {"instance-id", "InstanceId"},
    {"network-border-group", "NetworkBorderGroup"},
    {"network-interface-id", "NetworkInterfaceId"},
    {"network-interface-owner-id", "NetworkInterfaceOwnerId"},
    {"private-ip-address", "PrivateIpAddress"},
    {"public-ip", "PublicIp"},
    {NULL, NULL},
};

static const ec2_kind address_kind = {"eipalloc-", "Addresses", "InvalidAllocationID.Malformed",
                                      "InvalidAllocationID.NotFound", "The allocation ID '%s' does not exist", "Tags",
                                      address_filters, false};

int ec2_address_describe(svc_call *c)
{
    ec2_net *n = ec2_net_of(c);
    ec2_net_follow_instances(c, n);
    json_t *ids = ec2_net_id_list(c, "AllocationIds");
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(c->input, "PublicIps"), i, v) {
        const char *ip = json_string_value(v);
        const char *id;
        json_t *a, *hit = NULL;
        json_object_foreach(n->addresses, id, a) if (g_strcmp0(svc_str(a, "PublicIp"), ip) == 0) hit = a;
        if (!hit) {
            json_decref(ids);
            return aws_error_set(&c->err, "InvalidAddress.NotFound", "Address '%s' not found.", ip ? ip : "");
        }
        json_array_append(ids, json_object_get(hit, "AllocationId"));
    }
    json_t *all = ec2_net_render_all(c, n->addresses, "Tags");
    int rc = ec2_net_describe(c, &address_kind, all, ids);
    json_decref(all);
    json_decref(ids);
    return rc;
}
