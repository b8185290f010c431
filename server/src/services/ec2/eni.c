#include "services/ec2/common.h"
#include "services/ec2/eni.h"

#include <string.h>

#include "services/ec2/address.h"
#include "services/ec2/net.h"
#include "services/svc_api.h"

/* Interfaces one account may make in a region, a bound on memory. */
#define ENI_LIMIT 5000

/* A stored or made-up interface with its association filled in. */
static json_t *eni_finish(svc_call *c, ec2_net *n, json_t *r, const char *public_ip)
{
    json_t *assoc = ec2_address_association(c, n, svc_str(r, "NetworkInterfaceId"), public_ip);
    if (assoc) {
        json_object_set(json_array_get(json_object_get(r, "PrivateIpAddresses"), 0), "Association", assoc);
        json_object_set_new(r, "Association", assoc);
        json_object_set(r, "PublicDnsName", json_object_get(assoc, "PublicDnsName"));
    }
    return r;
}

static json_t *eni_new(svc_call *c, const char *id, json_t *subnet, json_t *groups, const char *ip,
                       const char *description, const char *mac)
{
    char *dns = ec2_net_private_dns(c->region, ip);
    json_t *e = json_pack("{s:s, s:s, s:s, s:O, s:s, s:[], s:s, s:s, s:s, s:s, s:s, s:[{s:b, s:s, s:s}], s:b, s:b,"
                          " s:s, s:O, s:O, s:s}",
                          "NetworkInterfaceId", id, "AvailabilityZone", svc_str(subnet, "AvailabilityZone"),
                          "Description", description, "Groups", groups, "InterfaceType", "interface", "Ipv6Addresses",
                          "MacAddress", mac, "OwnerId", c->account, "PrivateDnsName", dns, "PrivateIpAddress", ip,
                          "AvailabilityZoneId", svc_str(subnet, "AvailabilityZoneId"), "PrivateIpAddresses",
                          "Primary", 1, "PrivateIpAddress", ip, "PrivateDnsName", dns, "RequesterManaged", 0,
                          "SourceDestCheck", 1, "Status", "available", "SubnetId", json_object_get(subnet, "SubnetId"),
                          "VpcId", json_object_get(subnet, "VpcId"), "RequesterId", "");
    json_object_del(e, "RequesterId");
    g_free(dns);
    return e;
}

/* The primary interface of an instance launched without an existing one:
 * made up from the instance each time, as it lives and dies with it. */
static json_t *primary_eni(svc_call *c, ec2_net *n, const ec2_instance *in)
{
    ec2_state *st = c->state;
    json_t *subnet = json_object_get(n->subnets, in->subnet_id);
    json_t *fake = subnet ? NULL
                          : json_pack("{s:s, s:s, s:s}", "AvailabilityZone", in->az, "SubnetId", in->subnet_id,
                                      "VpcId", in->vpc_id);
    json_t *e = eni_new(c, in->eni_id, subnet ? subnet : fake, in->groups, in->private_ip, "", in->mac);
    json_decref(fake);
    char *aid = ec2_net_derived_id("eni-attach-", "attach/%s", in->id);
    json_object_set_new(e, "Attachment",
                        json_pack("{s:I, s:s, s:b, s:i, s:i, s:s, s:s, s:s}", "AttachTime",
                                  (json_int_t)(in->launch_ms / 1000), "AttachmentId", aid, "DeleteOnTermination", 1,
                                  "DeviceIndex", 0, "NetworkCardIndex", 0, "InstanceId", in->id, "InstanceOwnerId",
                                  in->owner, "Status", "attached"));
    json_object_set_new(e, "Status", json_string("in-use"));
    g_free(aid);
    char buf[16];
    json_t *r = ec2_net_render(c, e, in->eni_id, "TagSet");
    json_decref(e);
    (void)st;
    return eni_finish(c, n, r, in->elastic_ip ? NULL : ec2_public_ip(in, buf));
}

json_t *ec2_eni_instance_interfaces(svc_call *c, const ec2_instance *in)
{
    json_t *out = json_array();
    if (in->state == EC2_TERMINATED)
        return out;
    ec2_net *n = ec2_net_of(c);
    if (!json_object_get(n->enis, in->eni_id))
        json_array_append_new(out, primary_eni(c, n, in));
    const char *id;
    json_t *e;
    json_object_foreach(n->enis, id, e) {
        if (g_strcmp0(svc_str(json_object_get(e, "Attachment"), "InstanceId"), in->id) != 0)
            continue;
        char buf[16];
        const char *pub = json_integer_value(json_object_get(json_object_get(e, "Attachment"), "DeviceIndex")) == 0 &&
                                  !in->elastic_ip
                              ? ec2_public_ip(in, buf)
                              : NULL;
        json_array_append_new(out, eni_finish(c, n, ec2_net_render(c, e, id, "TagSet"), pub));
    }
    return out;
}

/* The interface with that id: one made by CreateNetworkInterface, or the
 * primary interface of a live instance (*owner set). */
static json_t *eni_lookup(svc_call *c, const char *id, ec2_instance **owner)
{
    ec2_net *n = ec2_net_of(c);
    *owner = NULL;
    json_t *e = json_object_get(n->enis, id);
    if (e) {
        json_t *at = json_object_get(e, "Attachment");
        if (at && json_integer_value(json_object_get(at, "DeviceIndex")) == 0)
            *owner = ec2_net_live_instance(c, svc_str(at, "InstanceId"));
        return e;
    }
    GPtrArray *live = ec2_state_list(c->state, c->now_ms);
    for (guint i = 0; i < live->len && !*owner; i++) {
        ec2_instance *in = g_ptr_array_index(live, i);
        if (in->state != EC2_TERMINATED && g_strcmp0(in->eni_id, id) == 0)
            *owner = in;
    }
    g_ptr_array_free(live, TRUE);
    return NULL;
}

bool ec2_eni_named(svc_call *c, const char *eid, json_t **stored, ec2_instance **owner)
{
    if (!ec2_id_ok(eid, "eni-")) {
        aws_error_set(&c->err, "InvalidNetworkInterfaceID.Malformed", "Invalid id: \"%s\" (expecting \"eni-...\")",
                      eid ? eid : "");
        return false;
    }
    *stored = eni_lookup(c, eid, owner);
    if (!*stored && !*owner) {
        aws_error_set(&c->err, "InvalidNetworkInterfaceID.NotFound", "The networkInterface ID '%s' does not exist", eid);
        return false;
    }
    return true;
}

int ec2_eni_create(svc_call *c)
{
    ec2_net *n = ec2_net_of(c);
    ec2_net_follow_instances(c, n);
    const char *sid = svc_str(c->input, "SubnetId");
    json_t *subnet = ec2_net_subnet_named(c, sid);
    if (!subnet)
        return -1;
    const char *desc = svc_str(c->input, "Description") ? svc_str(c->input, "Description") : "";
    if (strlen(desc) > 255)
        return aws_error_set(&c->err, "InvalidParameterValue",
                             "Value for parameter description is invalid. Length exceeds maximum of 255.");
    const char *vpc = svc_str(subnet, "VpcId");
    json_t *groups = json_array_size(json_object_get(c->input, "Groups"))
                         ? ec2_net_groups_by_id(c, json_object_get(c->input, "Groups"), vpc, sid)
                         : ec2_net_vpc_default_group(n, vpc);
    if (!groups)
        return -1;
    GHashTable *used = ec2_net_subnet_taken(c, sid);
    const char *want = svc_str(c->input, "PrivateIpAddress");
    char ip[16];
    int rc = 0;
    if (want && ec2_net_ip_request_ok(c, subnet, want, used) != 0)
        rc = -1;
    else if (!want && !ec2_net_subnet_free(subnet, used))
        rc = aws_error_set(&c->err, "InsufficientFreeAddressesInSubnet",
                           "There are not enough free addresses in subnet '%s' to satisfy the request.", sid);
    else if (json_object_size(n->enis) >= ENI_LIMIT)
        rc = aws_error_set(&c->err, "NetworkInterfaceLimitExceeded",
                           "You have reached the maximum number of network interfaces.");
    else if (ec2_net_tag_specs(c, "network-interface", NULL, true) != 0 || ec2_dry_run(c))
        rc = -1;
    if (rc == 0) {
        if (want)
            g_strlcpy(ip, want, sizeof ip);
        else
            ec2_net_ip_take(subnet, used, ip);
        char *id = ec2_net_new_id(c, "eni-");
        char hex[11];
        ec2_derive_hex(hex, 10, id);
        char *mac = g_strdup_printf("0e:%.2s:%.2s:%.2s:%.2s:%.2s", hex, hex + 2, hex + 4, hex + 6, hex + 8);
        json_t *e = eni_new(c, id, subnet, groups, ip, desc, mac);
        json_object_set_new(n->enis, id, e);
        ec2_net_tag_specs(c, "network-interface", id, false);
        c->output = json_pack("{s:o}", "NetworkInterface", eni_finish(c, n, ec2_net_render(c, e, id, "TagSet"), NULL));
        g_free(mac);
        g_free(id);
    }
    g_hash_table_destroy(used);
    json_decref(groups);
    return rc;
}

static const ec2_filter_path eni_filters[] = {
    {"addresses.private-ip-address", "PrivateIpAddresses.PrivateIpAddress"},
    {"addresses.primary", "PrivateIpAddresses.Primary"},
    {"addresses.association.public-ip", "PrivateIpAddresses.Association.PublicIp"},
    {"addresses.association.owner-id", "PrivateIpAddresses.Association.IpOwnerId"},
    {"association.association-id", "Association.AssociationId"},
    {"association.allocation-id", "Association.AllocationId"},
    {"association.ip-owner-id", "Association.IpOwnerId"},
    {"association.public-ip", "Association.PublicIp"},
    {"association.public-dns-name", "Association.PublicDnsName"},
    {"attachment.attachment-id", "Attachment.AttachmentId"},
    {"attachment.attach-time", "Attachment.AttachTime"},
    {"attachment.delete-on-termination", "Attachment.DeleteOnTermination"},
    {"attachment.device-index", "Attachment.DeviceIndex"},
    {"attachment.instance-id", "Attachment.InstanceId"},
    {"attachment.instance-owner-id", "Attachment.InstanceOwnerId"},
    {"attachment.status", "Attachment.Status"},
    {"availability-zone", "AvailabilityZone"},
    {"description", "Description"},
    {"group-id", "Groups.GroupId"},
    {"group-name", "Groups.GroupName"},
    {"ipv6-addresses.ipv6-address", "Ipv6Addresses.Ipv6Address"},
    {"interface-type", "InterfaceType"},
    {"mac-address", "MacAddress"},
    {"network-interface-id", "NetworkInterfaceId"},
    {"owner-id", "OwnerId"},
    {"private-ip-address", "PrivateIpAddress"},
    {"private-dns-name", "PrivateDnsName"},
    {"requester-id", "RequesterId"},
    {"requester-managed", "RequesterManaged"},
    {"source-dest-check", "SourceDestCheck"},
    {"status", "Status"},
    {"subnet-id", "SubnetId"},
    {"vpc-id", "VpcId"},
    {NULL, NULL},
};

static const ec2_kind eni_kind = {"eni-", "NetworkInterfaces", "InvalidNetworkInterfaceID.Malformed",
                                  "InvalidNetworkInterfaceID.NotFound", "The networkInterface ID '%s' does not exist",
                                  "TagSet", eni_filters, true};

int ec2_eni_describe(svc_call *c)
{
    ec2_net *n = ec2_net_of(c);
    ec2_net_follow_instances(c, n);
    json_t *all = json_object();
    GPtrArray *live = ec2_state_list(c->state, c->now_ms);
    for (guint i = 0; i < live->len; i++) {
        ec2_instance *in = g_ptr_array_index(live, i);
        if (in->state != EC2_TERMINATED && !json_object_get(n->enis, in->eni_id))
            json_object_set_new(all, in->eni_id, primary_eni(c, n, in));
    }
    g_ptr_array_free(live, TRUE);
    const char *id;
    json_t *e;
    json_object_foreach(n->enis, id, e) {
        json_t *at = json_object_get(e, "Attachment");
        ec2_instance *in = at && json_integer_value(json_object_get(at, "DeviceIndex")) == 0
                               ? ec2_net_live_instance(c, svc_str(at, "InstanceId"))
                               : NULL;
        char buf[16];
        json_object_set_new(all, id,
                            eni_finish(c, n, ec2_net_render(c, e, id, "TagSet"),
                                       in && !in->elastic_ip ? ec2_public_ip(in, buf) : NULL));
    }
    int rc = ec2_net_describe(c, &eni_kind, all, json_object_get(c->input, "NetworkInterfaceIds"));
    json_decref(all);
    return rc;
}

int ec2_eni_attach(svc_call *c)
{
    ec2_net *n = ec2_net_of(c);
    ec2_net_follow_instances(c, n);
    const char *eid = svc_str(c->input, "NetworkInterfaceId"), *iid = svc_str(c->input, "InstanceId");
    json_t *index = json_object_get(c->input, "DeviceIndex");
    if (!eid || !iid || !index)
        return aws_error_set(&c->err, "MissingParameter", "The request must contain the parameter %s",
                             !eid ? "networkInterfaceId" : !iid ? "instanceId" : "deviceIndex");
    ec2_instance *owner;
    json_t *e;
    if (!ec2_eni_named(c, eid, &e, &owner))
        return -1;
    if (!e || json_object_get(e, "Attachment"))
        return aws_error_set(&c->err, "InvalidParameterValue", "Interface: [%s] in use.", eid);
    ec2_instance *in = ec2_state_get(c->state, iid, c->now_ms);
    if (!in || in->state == EC2_TERMINATED)
        return aws_error_set(&c->err, "InvalidInstanceID.NotFound", "The instance ID '%s' does not exist", iid);
    if (in->state != EC2_RUNNING && in->state != EC2_STOPPED)
        return aws_error_set(&c->err, "IncorrectInstanceState",
                             "The instance '%s' is not in a valid state for this operation.", iid);
    if (g_strcmp0(svc_str(e, "AvailabilityZone"), in->az) != 0)
        return aws_error_set(&c->err, "InvalidParameterCombination",
                             "You may not attach a network interface to an instance if they are not in the same "
                             "availability zone");
    json_int_t di = json_integer_value(index);
    bool taken = di == 0;
    const char *id;
    json_t *v;
    json_object_foreach(n->enis, id, v) {
        json_t *at = json_object_get(v, "Attachment");
        taken |= g_strcmp0(svc_str(at, "InstanceId"), iid) == 0 && json_integer_value(json_object_get(at, "DeviceIndex")) == di;
    }
    if (di < 0 || di > 31)
        return aws_error_set(&c->err, "InvalidParameterValue", "Value (%" JSON_INTEGER_FORMAT ") for parameter deviceIndex is invalid.", di);
    if (taken)
        return aws_error_set(&c->err, "InvalidParameterValue",
                             "Instance '%s' already has an interface attached at device index '%" JSON_INTEGER_FORMAT "'.",
                             iid, di);
    if (ec2_dry_run(c))
        return -1;
    char *aid = ec2_net_new_id(c, "eni-attach-");
    json_object_set_new(e, "Attachment",
                        json_pack("{s:I, s:s, s:b, s:I, s:i, s:s, s:s, s:s}", "AttachTime",
                                  (json_int_t)(c->now_ms / 1000), "AttachmentId", aid, "DeleteOnTermination", 0,
                                  "DeviceIndex", di, "NetworkCardIndex", 0, "InstanceId", iid, "InstanceOwnerId",
                                  c->account, "Status", "attached"));
    json_object_set_new(e, "Status", json_string("in-use"));
    c->output = json_pack("{s:s, s:i}", "AttachmentId", aid, "NetworkCardIndex", 0);
    g_free(aid);
    return 0;
}

int ec2_eni_detach(svc_call *c)
{
    ec2_net *n = ec2_net_of(c);
    ec2_net_follow_instances(c, n);
    const char *aid = svc_str(c->input, "AttachmentId");
    if (!aid)
        return aws_error_set(&c->err, "MissingParameter", "The request must contain the parameter attachmentId");
    if (!ec2_id_ok(aid, "eni-attach-"))
        return aws_error_set(&c->err, "InvalidAttachmentID.Malformed", "Invalid id: \"%s\" (expecting \"eni-attach-...\")",
                             aid);
    json_t *e = NULL;
    const char *id;
    json_t *v;
    json_object_foreach(n->enis, id, v) if (g_strcmp0(svc_str(json_object_get(v, "Attachment"), "AttachmentId"), aid) == 0) e = v;
    bool primary = e && json_integer_value(json_object_get(json_object_get(e, "Attachment"), "DeviceIndex")) == 0;
    if (!e) {
        GPtrArray *live = ec2_state_list(c->state, c->now_ms);
        for (guint i = 0; i < live->len && !primary; i++) {
            ec2_instance *in = g_ptr_array_index(live, i);
            char *pid = ec2_net_derived_id("eni-attach-", "attach/%s", in->id);
            primary = in->state != EC2_TERMINATED && strcmp(pid, aid) == 0;
            g_free(pid);
        }
        g_ptr_array_free(live, TRUE);
    }
    if (primary)
        return aws_error_set(&c->err, "OperationNotPermitted",
                             "The network interface at device index 0 cannot be detached.");
    if (!e)
        return aws_error_set(&c->err, "InvalidAttachmentID.NotFound", "The attachment ID '%s' does not exist", aid);
    if (ec2_dry_run(c))
        return -1;
    json_object_del(e, "Attachment");
    json_object_set_new(e, "Status", json_string("available"));
    return 0;
}

int ec2_eni_delete(svc_call *c)
{
    ec2_net *n = ec2_net_of(c);
    ec2_net_follow_instances(c, n);
    const char *eid = svc_str(c->input, "NetworkInterfaceId");
    ec2_instance *owner;
    json_t *e;
    if (!ec2_eni_named(c, eid, &e, &owner))
        return -1;
    if (!e || json_object_get(e, "Attachment"))
        return aws_error_set(&c->err, "InvalidNetworkInterface.InUse", "The network interface '%s' is currently in use.",
                             eid);
    if (ec2_dry_run(c))
        return -1;
    json_t *a = ec2_address_on(n, eid);
    if (a)
        ec2_address_unlink(c, a);
    ec2_net_forget_tags(c, eid);
    json_object_del(n->enis, eid);
    return 0;
}
