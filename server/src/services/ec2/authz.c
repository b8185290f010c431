#include "services/ec2/authz.h"

#include <stdlib.h>
#include <string.h>

#include "services/svc_api.h"
#include "services/tagctx.h"

#include "services/ec2/instance.h"

/* A resource id's ARN, by its prefix; images are regional but belong to no
 * account in their ARN. */
static char *arn_of_id(svc_call *c, const char *id)
{
    static const char *const types[][2] = {
        {"i-", "instance"},       {"vol-", "volume"}, {"sg-", "security-group"}, {"subnet-", "subnet"},
        {"vpc-", "vpc"},          {"eni-", "network-interface"}, {"snap-", "snapshot"}, {"lt-", "launch-template"},
        {"igw-", "internet-gateway"}, {"rtb-", "route-table"}, {"eipalloc-", "elastic-ip"},
        {"key-", "key-pair"}, {"sgr-", "security-group-rule"},
    };
    if (g_str_has_prefix(id, "ami-"))
        return g_strdup_printf("arn:%s:ec2:%s::image/%s", svc_partition(c->region), c->region, id);
    for (size_t i = 0; i < G_N_ELEMENTS(types); i++)
        if (g_str_has_prefix(id, types[i][0]))
            return g_strdup_printf("arn:%s:ec2:%s:%s:%s/%s", svc_partition(c->region), c->region, c->account, types[i][1], id);
    return g_strdup_printf("arn:%s:ec2:%s:%s:*/%s", svc_partition(c->region), c->region, c->account, id);
}

static char *arn_of(svc_call *c, const char *type, const char *id)
{
    return g_strdup_printf("arn:%s:ec2:%s:%s:%s/%s", svc_partition(c->region), c->region, c->account, type, id);
}

static void each_id(svc_call *c, GArray *out, const char *action, json_t *ids)
{
    size_t i;
    json_t *v;
    json_array_foreach(ids, i, v) {
        if (json_is_string(v))
            svc_authz_add(out, action, arn_of_id(c, json_string_value(v)), -1);
    }
}

/* RunInstances: every resource the launch touches. */
static void run_instances(svc_call *c, GArray *out)
{
    json_t *in = c->input;
    const char *a = "ec2:RunInstances";
    svc_authz_add(out, a, arn_of(c, "instance", "*"), -1);
    if (svc_str(in, "ImageId"))
        svc_authz_add(out, a, arn_of_id(c, svc_str(in, "ImageId")), -1);
    svc_authz_add(out, a, svc_str(in, "SubnetId") ? arn_of_id(c, svc_str(in, "SubnetId")) : arn_of(c, "subnet", "*"),
                  -1);
    svc_authz_add(out, a, arn_of(c, "network-interface", "*"), -1);
    json_t *groups = json_object_get(in, "SecurityGroupIds");
    if (json_array_size(groups))
        each_id(c, out, a, groups);
    else
        svc_authz_add(out, a, arn_of(c, "security-group", "*"), -1);
    svc_authz_add(out, a, arn_of(c, "volume", "*"), -1);
    json_t *lt = json_object_get(in, "LaunchTemplate");
    if (lt)
        svc_authz_add(out, a,
                      svc_str(lt, "LaunchTemplateId") ? arn_of_id(c, svc_str(lt, "LaunchTemplateId"))
                                                      : arn_of(c, "launch-template", "*"),
                      -1);
    if (svc_str(in, "KeyName"))
        svc_authz_add(out, a, arn_of(c, "key-pair", svc_str(in, "KeyName")), -1);
    if (json_array_size(json_object_get(in, "TagSpecifications"))) {
        svc_authz_add(out, "ec2:CreateTags", arn_of(c, "instance", "*"), -1);
        svc_authz_add(out, "ec2:CreateTags", arn_of(c, "volume", "*"), -1);
    }
}

/* The tags of each resource the checks from index first on name (an
 * instance, or a resource whose tags alone mockaws keeps), as
 * ec2:ResourceTag/KEY and aws:ResourceTag/KEY in that check's own context:
 * a request may name several, whose tags differ. Read under one shared
 * lock. */
static void resource_tags(svc_call *c, GArray *out, guint first, json_t *ids)
{
    if (!c->state || first >= out->len)
        return;
    GRWLock *lock = svc_read_lock(c);
    ec2_state *st = c->state;
    size_t i;
    json_t *v;
    guint at = first;
    json_array_foreach(ids, i, v) {
        const char *id = json_string_value(v);
        if (!id)
            continue; /* each_id made no check for it */
        svc_authz *a = &g_array_index(out, svc_authz, at++);
        /* no ec2_state_get: it settles the instance, a write */
        ec2_instance *in = g_hash_table_lookup(st->by_id, id);
        json_t *tags = in ? in->tags : g_hash_table_lookup(st->tags, id);
        if (!json_object_size(tags) && !json_array_size(tags))
            continue;
        a->context = json_object();
        tagctx_set(a->context, "ec2:resourcetag/", tags, NULL);
        tagctx_set(a->context, "aws:resourcetag/", tags, NULL);
    }
    svc_read_unlock(lock);
}

/* The operations checked on what they create (its ARN ends in "*", a key
 * pair's in its name; an image's names no account) and on every resource
 * their input names by id, in the order of the Service Authorization
 * Reference: the created type first. */
static const struct {
    const char *op, *creates;
} id_ops[] = {
    {"CreateVpc", "vpc"},
    {"CreateDefaultVpc", "vpc"},
    {"DeleteVpc", NULL},
    {"ModifyVpcAttribute", NULL},
    {"CreateSubnet", "subnet"},
    {"CreateDefaultSubnet", "subnet"},
    {"DeleteSubnet", NULL},
    {"ModifySubnetAttribute", NULL},
    {"CreateSecurityGroup", "security-group"},
    {"DeleteSecurityGroup", NULL},
    {"AuthorizeSecurityGroupIngress", NULL},
    {"AuthorizeSecurityGroupEgress", NULL},
    {"RevokeSecurityGroupIngress", NULL},
    {"RevokeSecurityGroupEgress", NULL},
    {"CreateKeyPair", "key-pair"},
    {"ImportKeyPair", "key-pair"},
    {"DeleteKeyPair", NULL},
    {"AllocateAddress", "elastic-ip"},
    {"AssociateAddress", NULL},
    {"DisassociateAddress", NULL},
    {"ReleaseAddress", NULL},
    {"CreateNetworkInterface", "network-interface"},
    {"AttachNetworkInterface", NULL},
    {"DetachNetworkInterface", NULL},
    {"DeleteNetworkInterface", NULL},
    {"CreateVolume", "volume"},
    {"AttachVolume", NULL},
    {"DetachVolume", NULL},
    {"DeleteVolume", NULL},
    {"ModifyVolume", NULL},
    {"CreateImage", "image"},
    {"DeregisterImage", NULL},
    {"DescribeImageAttribute", NULL},
    {"ModifyInstanceAttribute", NULL},
    {"GetLaunchTemplateData", NULL},
    {"CreateLaunchTemplate", "launch-template"},
    {"CreateLaunchTemplateVersion", NULL},
    {"ModifyLaunchTemplate", NULL},
    {"DeleteLaunchTemplate", NULL},
    {"DeleteLaunchTemplateVersions", NULL},
};

/* false when op is none of id_ops. */
static bool id_op(svc_call *c, GArray *out, json_t *context, const char *action)
{
    size_t k = 0;
    while (k < G_N_ELEMENTS(id_ops) && strcmp(id_ops[k].op, c->operation) != 0)
        k++;
    if (k == G_N_ELEMENTS(id_ops))
        return false;
    json_t *in = c->input;
    guint start = out->len;
    const char *creates = id_ops[k].creates;
    const char *key = svc_str(in, "KeyName");
    if (creates && strcmp(creates, "image") == 0)
        svc_authz_add(out, action, g_strdup_printf("arn:%s:ec2:%s::image/*", svc_partition(c->region), c->region),
                      -1);
    else if (creates)
        svc_authz_add(out, action, arn_of(c, creates, !strcmp(creates, "key-pair") && key ? key : "*"), -1);
    else if (key)
        svc_authz_add(out, action, arn_of(c, "key-pair", key), -1);
    /* the resources named by id, whose tags their checks see */
    static const char *const members[] = {"VpcId",        "SubnetId", "GroupId", "NetworkInterfaceId",
                                          "InstanceId",   "AllocationId", "VolumeId", "ImageId",
                                          "LaunchTemplateId"};
    json_t *ids = json_array();
    for (size_t i = 0; i < G_N_ELEMENTS(members); i++)
        if (svc_str(in, members[i]))
            json_array_append(ids, json_object_get(in, members[i]));
    json_array_extend(ids, json_object_get(in, "Groups"));
    guint first = out->len;
    each_id(c, out, action, ids);
    resource_tags(c, out, first, ids);
    json_decref(ids);
    /* a template named by name: mockaws does not look its id up here */
    if (!creates && svc_str(in, "LaunchTemplateName") && !svc_str(in, "LaunchTemplateId"))
        svc_authz_add(out, action, arn_of(c, "launch-template", "*"), -1);
    if (out->len == start)
        svc_authz_add(out, action, g_strdup("*"), -1);
    json_t *specs = json_object_get(in, "TagSpecifications");
    if (creates && json_array_size(specs)) {
        size_t i;
        json_t *spec;
        svc_authz_add(out, "ec2:CreateTags",
                      strcmp(creates, "image") == 0
                          ? g_strdup_printf("arn:%s:ec2:%s::image/*", svc_partition(c->region), c->region)
                          : arn_of(c, creates, "*"),
                      -1);
        json_object_set_new(context, "ec2:createaction", json_string(c->operation));
        json_array_foreach(specs, i, spec) tagctx_request(context, json_object_get(spec, "Tags"), "");
    }
    return true;
}

void ec2_authorize(svc_call *c, GArray *out, json_t *context)
{
    const char *op = c->operation;
    char action[64];
    g_snprintf(action, sizeof action, "ec2:%s", op);
    if (strcmp(op, "RunInstances") == 0) {
        run_instances(c, out);
        /* the tags of every TagSpecification (a tag without a value is
         * created with an empty one); its ec2:CreateTags checks are
         * asked with the action that creates the resources */
        size_t i;
        json_t *spec;
        if (json_array_size(json_object_get(c->input, "TagSpecifications")))
            json_object_set_new(context, "ec2:createaction", json_string("RunInstances"));
        json_array_foreach(json_object_get(c->input, "TagSpecifications"), i, spec)
            tagctx_request(context, json_object_get(spec, "Tags"), "");
        return;
    }
    if (strcmp(op, "CreateTags") == 0 || strcmp(op, "DeleteTags") == 0) {
        json_t *ids = json_object_get(c->input, "Resources");
        guint first = out->len;
        each_id(c, out, action, ids);
        bool create = strcmp(op, "CreateTags") == 0;
        if (create)
            json_object_set_new(context, "ec2:createaction", json_string("CreateTags"));
        /* DeleteTags: a tag without a value removes the key whatever its
         * value, and so names no value */
        tagctx_request(context, json_object_get(c->input, "Tags"), create ? "" : NULL);
        resource_tags(c, out, first, ids);
        return;
    }
    if (id_op(c, out, context, action))
        return;
    json_t *ids = json_object_get(c->input, "InstanceIds");
    if (!g_str_has_prefix(op, "Describe") && json_array_size(ids)) {
        guint first = out->len;
        each_id(c, out, action, ids);
        resource_tags(c, out, first, ids);
        return;
    }
    /* Describe* and the rest: no resource-level permissions */
    svc_authz_add(out, action, g_strdup("*"), -1);
}

void ec2_access_denied(svc_call *c, const char *principal_arn, const svc_authz *a, bool explicit_deny,
                       const char *by, aws_error *err)
{
    (void)c;
    json_t *decoded = json_pack("{s:b, s:b, s:{s:[]}, s:{s:[]}, s:{s:{s:s}, s:s, s:s, s:{s:[]}}}", "allowed", 0,
                                "explicitDeny", explicit_deny, "matchedStatements", "items", "failures", "items",
                                "context", "principal", "arn", principal_arn, "action", a->action, "resource",
                                a->resource, "conditions", "items");
    char *text = json_dumps(decoded, JSON_COMPACT);
    char *blob = g_base64_encode((const guchar *)text, strlen(text));
    for (char *p = blob; *p; p++)
        *p = *p == '+' ? '-' : *p == '/' ? '_' : *p;
    char *m = svc_denied_message(principal_arn, a->action, a->resource, false, explicit_deny, by);
    aws_error_set_status(err, 403, "UnauthorizedOperation",
                         "You are not authorized to perform this operation. %s. Encoded authorization failure "
                         "message: %s",
                         m, blob);
    g_free(m);
    g_free(blob);
    free(text);
    json_decref(decoded);
}
