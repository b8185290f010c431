#include "services/ec2/secgroup.h"

#include <stdlib.h>
#include <string.h>

#include "services/ec2/cidr.h"
#include "services/ec2/common.h"
#include "services/svc_api.h"

/* Rules a group may hold in each direction (EC2's default quota): a bound
 * on memory as much as a quota. */
#define RULES_PER_DIRECTION 60
/* Groups a VPC may hold (EC2's default quota). */
#define GROUPS_PER_VPC 2500

static char *arn(svc_call *c, const char *type, const char *id)
{
    return g_strdup_printf("arn:%s:ec2:%s:%s:%s/%s", svc_partition(c->region), c->region, c->account, type, id);
}

/* A rule of group gid; the caller adds its peer. */
static json_t *rule_new(svc_call *c, const char *gid, bool egress, const char *proto, json_int_t from, json_int_t to)
{
    return json_pack("{s:s, s:s, s:b, s:s, s:I, s:I}", "GroupId", gid, "GroupOwnerId", c->account, "IsEgress", egress,
                     "IpProtocol", proto, "FromPort", from, "ToPort", to);
}

static void rule_store(svc_call *c, json_t *group, json_t *rule)
{
    char *id = ec2_net_new_id(c, "sgr-");
    char *a = arn(c, "security-group-rule", id);
    json_object_set_new(rule, "SecurityGroupRuleId", json_string(id));
    json_object_set_new(rule, "SecurityGroupRuleArn", json_string(a));
    json_array_append(json_object_get(group, "_rules"), rule);
    g_free(a);
    g_free(id);
}

json_t *ec2_secgroup_new(svc_call *c, const char *id, const char *name, const char *description,
                         const char *vpc_id, bool vpc_default)
{
    char *a = arn(c, "security-group", id);
    json_t *g = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:[]}", "GroupId", id, "GroupName", name, "Description",
                          description, "OwnerId", c->account, "VpcId", vpc_id, "SecurityGroupArn", a, "_rules");
    g_free(a);
    json_t *r = rule_new(c, id, true, "-1", -1, -1);
    json_object_set_new(r, "CidrIpv4", json_string("0.0.0.0/0"));
    rule_store(c, g, r);
    json_decref(r);
    if (vpc_default) {
        r = rule_new(c, id, false, "-1", -1, -1);
        json_object_set_new(r, "ReferencedGroupInfo", json_pack("{s:s, s:s}", "GroupId", id, "UserId", c->account));
        rule_store(c, g, r);
        json_decref(r);
    }
    return g;
}

json_t *ec2_secgroup_by_name(ec2_net *n, const char *vpc_id, const char *name)
{
    const char *id;
    json_t *g;
    json_object_foreach(n->groups, id, g) {
        if (vpc_id && name && g_strcmp0(svc_str(g, "VpcId"), vpc_id) == 0 && g_strcmp0(svc_str(g, "GroupName"), name) == 0)
            return g;
    }
    return NULL;
}

const char *ec2_secgroup_protocol(const char *p, char *buf)
{
    static const char *const names[][2] = {{"-1", "-1"},  {"all", "-1"},     {"tcp", "tcp"},  {"6", "tcp"},
                                           {"udp", "udp"}, {"17", "udp"},     {"icmp", "icmp"}, {"1", "icmp"},
                                           {"icmpv6", "icmpv6"}, {"58", "icmpv6"}};
    if (!p)
        return NULL;
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
        if (g_ascii_strcasecmp(p, names[i][0]) == 0)
            return names[i][1];
    size_t n = strlen(p);
    if (n == 0 || n > 3 || strspn(p, "0123456789") != n || atoi(p) > 255 || (n > 1 && p[0] == '0'))
        return NULL;
    g_strlcpy(buf, p, 4);
    return buf;
}

static const char *rule_peer(json_t *r, const char **kind)
{
    static const char *const kinds[] = {"CidrIpv4", "CidrIpv6", "PrefixListId"};
    for (size_t i = 0; i < G_N_ELEMENTS(kinds); i++)
        if (svc_str(r, kinds[i])) {
            *kind = kinds[i];
            return svc_str(r, kinds[i]);
        }
    *kind = "GroupId";
    const char *g = svc_str(json_object_get(r, "ReferencedGroupInfo"), "GroupId");
    return g ? g : "";
}

char *ec2_secgroup_rule_key(json_t *r)
{
    const char *kind, *peer = rule_peer(r, &kind);
    return g_strdup_printf("%d|%s|%" JSON_INTEGER_FORMAT "|%" JSON_INTEGER_FORMAT "|%s:%s",
                           json_is_true(json_object_get(r, "IsEgress")), svc_str(r, "IpProtocol"),
                           json_integer_value(json_object_get(r, "FromPort")),
                           json_integer_value(json_object_get(r, "ToPort")), kind, peer);
}

/* The rule as EC2 names it in InvalidPermission.Duplicate. */
static char *rule_words(json_t *r)
{
    const char *kind, *peer = rule_peer(r, &kind);
    const char *proto = svc_str(r, "IpProtocol");
    char *up = g_ascii_strup(strcmp(proto, "-1") == 0 ? "all" : proto, -1);
    char *out = strcmp(proto, "-1") == 0
                    ? g_strdup_printf("peer: %s, %s, ALLOW", peer, up)
                    : g_strdup_printf("peer: %s, %s, from port: %" JSON_INTEGER_FORMAT ", to port: %" JSON_INTEGER_FORMAT
                                      ", ALLOW",
                                      peer, up, json_integer_value(json_object_get(r, "FromPort")),
                                      json_integer_value(json_object_get(r, "ToPort")));
    g_free(up);
    return out;
}

/* ---- reading IpPermissions ---- */

typedef struct perm_ctx {
    svc_call *c;
    json_t *group;
    bool egress;
    json_t *rules; /* the rules the request names, in order */
} perm_ctx;

static int add_peer(perm_ctx *p, json_t *base, const char *member, json_t *value, const char *description)
{
    json_t *r = json_deep_copy(base);
    json_object_set_new(r, member, value);
    if (description) {
        if (strlen(description) > 255)
            return json_decref(r),
                   aws_error_set(&p->c->err, "InvalidParameterValue",
                                 "Invalid rule description. Valid descriptions are strings less than 256 characters "
                                 "from the following set:  a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*");
        json_object_set_new(r, "Description", json_string(description));
    }
    json_array_append_new(p->rules, r);
    return 0;
}

/* The group a UserIdGroupPair names, in the group's VPC. */
static json_t *pair_group(perm_ctx *p, json_t *pair)
{
    ec2_net *n = ec2_net_of(p->c);
    const char *gid = svc_str(pair, "GroupId"), *name = svc_str(pair, "GroupName");
    if (gid) {
        json_t *g = json_object_get(n->groups, gid);
        if (!g)
            aws_error_set(&p->c->err, "InvalidGroup.NotFound", "The security group '%s' does not exist", gid);
        return g;
    }
    if (!name) {
        aws_error_set(&p->c->err, "MissingParameter",
                      "Either 'groupId' or 'groupName' must be specified for a user id group pair");
        return NULL;
    }
    json_t *g = ec2_secgroup_by_name(n, svc_str(p->group, "VpcId"), name);
    if (!g)
        aws_error_set(&p->c->err, "InvalidGroup.NotFound", "The security group '%s' does not exist in VPC '%s'", name,
                      svc_str(p->group, "VpcId"));
    return g;
}

static bool ipv6_cidr_ok(const char *s)
{
    const char *slash = strchr(s, '/');
    size_t n = strlen(s);
    return slash && slash > s && n < 44 && strspn(s, "0123456789abcdefABCDEF:") == (size_t)(slash - s) &&
           strchr(s, ':') < slash && slash[1] && strspn(slash + 1, "0123456789") == strlen(slash + 1) &&
           atoi(slash + 1) <= 128;
}

static int read_permission(perm_ctx *p, json_t *perm)
{
    svc_call *c = p->c;
    char buf[4];
    const char *given = svc_str(perm, "IpProtocol");
    if (!given)
        return aws_error_set(&c->err, "MissingParameter", "The request must contain the parameter ipProtocol");
    const char *proto = ec2_secgroup_protocol(given, buf);
    if (!proto)
        return aws_error_set(&c->err, "InvalidParameterValue", "Invalid value '%s' for IP protocol. Unknown protocol.",
                             given);
    json_t *fp = json_object_get(perm, "FromPort"), *tp = json_object_get(perm, "ToPort");
    json_int_t from = -1, to = -1;
    if (!strcmp(proto, "tcp") || !strcmp(proto, "udp")) {
        if (!fp || !tp)
            return aws_error_set(&c->err, "InvalidParameterValue",
                                 "Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange");
        from = json_integer_value(fp);
        to = json_integer_value(tp);
        if (from < 0 || to > 65535 || from > to)
            return aws_error_set(&c->err, "InvalidParameterValue", "Invalid TCP/UDP port range");
    } else if (!strcmp(proto, "icmp") || !strcmp(proto, "icmpv6")) {
        from = fp ? json_integer_value(fp) : -1;
        to = tp ? json_integer_value(tp) : -1;
        if (from < -1 || from > 255 || to < -1 || to > 255)
            return aws_error_set(&c->err, "InvalidParameterValue",
                                 "Invalid value for portRange. Must specify a valid ICMP type and code");
    }
    json_t *base = rule_new(c, svc_str(p->group, "GroupId"), p->egress, proto, from, to);
    int rc = 0;
    size_t i;
    json_t *v;
    size_t before = json_array_size(p->rules);
    json_array_foreach(json_object_get(perm, "IpRanges"), i, v) {
        const char *cidr = svc_str(v, "CidrIp");
        ec2_cidr cb;
        char text[19];
        if (!cidr || !ec2_cidr_parse(cidr, false, &cb)) {
            rc = aws_error_set(&c->err, "InvalidParameterValue", "CIDR block %s is malformed", cidr ? cidr : "null");
            goto out;
        }
        if ((rc = add_peer(p, base, "CidrIpv4", json_string(ec2_cidr_format(cb, text)), svc_str(v, "Description"))))
            goto out;
    }
    json_array_foreach(json_object_get(perm, "Ipv6Ranges"), i, v) {
        const char *cidr = svc_str(v, "CidrIpv6");
        if (!cidr || !ipv6_cidr_ok(cidr)) {
            rc = aws_error_set(&c->err, "InvalidParameterValue", "CIDR block %s is malformed", cidr ? cidr : "null");
            goto out;
        }
        char *lower = g_ascii_strdown(cidr, -1);
        rc = add_peer(p, base, "CidrIpv6", json_string(lower), svc_str(v, "Description"));
        g_free(lower);
        if (rc)
            goto out;
    }
    json_array_foreach(json_object_get(perm, "PrefixListIds"), i, v) {
        const char *pl = svc_str(v, "PrefixListId");
        if (!pl || !ec2_id_ok(pl, "pl-")) {
            rc = aws_error_set(&c->err, "InvalidPrefixListId.Malformed", "Invalid id: \"%s\" (expecting \"pl-...\")",
                               pl ? pl : "null");
            goto out;
        }
        if ((rc = add_peer(p, base, "PrefixListId", json_string(pl), svc_str(v, "Description"))))
            goto out;
    }
    json_array_foreach(json_object_get(perm, "UserIdGroupPairs"), i, v) {
        json_t *g = pair_group(p, v);
        if (!g) {
            rc = -1;
            goto out;
        }
        const char *user = svc_str(v, "UserId") ? svc_str(v, "UserId") : c->account;
        if ((rc = add_peer(p, base, "ReferencedGroupInfo",
                           json_pack("{s:O, s:s}", "GroupId", json_object_get(g, "GroupId"), "UserId", user),
                           svc_str(v, "Description"))))
            goto out;
    }
    if (json_array_size(p->rules) == before)
        rc = aws_error_set(&c->err, "InvalidParameterValue",
                           "The request must contain a source (CIDR, IPv6 CIDR, prefix list or security group) "
                           "for each permission");
out:
    json_decref(base);
    return rc;
}

/* The flat, legacy form: IpProtocol / FromPort / ToPort with CidrIp or
 * SourceSecurityGroupName, as one permission. */
static json_t *legacy_permission(json_t *in)
{
    const char *cidr = svc_str(in, "CidrIp"), *src = svc_str(in, "SourceSecurityGroupName");
    if (!cidr && !src && !svc_str(in, "IpProtocol"))
        return NULL;
    json_t *p = json_pack("{s:s}", "IpProtocol", svc_str(in, "IpProtocol") ? svc_str(in, "IpProtocol") : "-1");
    if (json_object_get(in, "FromPort"))
        json_object_set(p, "FromPort", json_object_get(in, "FromPort"));
    if (json_object_get(in, "ToPort"))
        json_object_set(p, "ToPort", json_object_get(in, "ToPort"));
    if (cidr)
        json_object_set_new(p, "IpRanges", json_pack("[{s:s}]", "CidrIp", cidr));
    if (src) {
        json_t *pair = json_pack("{s:s}", "GroupName", src);
        if (svc_str(in, "SourceSecurityGroupOwnerId"))
            json_object_set(pair, "UserId", json_object_get(in, "SourceSecurityGroupOwnerId"));
        json_object_set_new(p, "UserIdGroupPairs", json_pack("[o]", pair));
    }
    return p;
}

/* The group a request names by GroupId, or by GroupName in the default
 * VPC (ingress only: egress takes ids). */
static json_t *named_group(svc_call *c, bool by_name_ok)
{
    ec2_net *n = ec2_net_of(c);
    const char *gid = svc_str(c->input, "GroupId"), *name = svc_str(c->input, "GroupName");
    if (gid) {
        if (!ec2_id_ok(gid, "sg-")) {
            aws_error_set(&c->err, "InvalidGroupId.Malformed", "Invalid id: \"%s\" (expecting \"sg-...\")", gid);
            return NULL;
        }
        json_t *g = json_object_get(n->groups, gid);
        if (!g)
            aws_error_set(&c->err, "InvalidGroup.NotFound", "The security group '%s' does not exist", gid);
        return g;
    }
    if (!name || !by_name_ok) {
        aws_error_set(&c->err, "MissingParameter", "The request must contain the parameter groupId");
        return NULL;
    }
    const char *vpc = ec2_net_default_vpc(c);
    json_t *g = ec2_secgroup_by_name(n, vpc, name);
    if (!g) {
        if (vpc)
            aws_error_set(&c->err, "InvalidGroup.NotFound", "The security group '%s' does not exist in default VPC '%s'",
                          name, vpc);
        else
            aws_error_set(&c->err, "VPCIdNotSpecified", "No default VPC for this user");
    }
    return g;
}

/* The rules an Authorize / Revoke request names; NULL with err set. */
static json_t *requested_rules(svc_call *c, json_t *group, bool egress)
{
    perm_ctx p = {c, group, egress, json_array()};
    size_t i;
    json_t *perm;
    json_array_foreach(json_object_get(c->input, "IpPermissions"), i, perm) {
        if (read_permission(&p, perm) != 0) {
            json_decref(p.rules);
            return NULL;
        }
    }
    json_t *legacy = legacy_permission(c->input);
    int rc = legacy ? read_permission(&p, legacy) : 0;
    json_decref(legacy);
    if (rc != 0) {
        json_decref(p.rules);
        return NULL;
    }
    return p.rules;
}

static json_t *group_rules(json_t *group) { return json_object_get(group, "_rules"); }

/* The group an Authorize / Revoke request names and the rules it names
 * (new reference, in *rules); NULL with err set. */
static json_t *group_and_rules(svc_call *c, bool egress, json_t **rules)
{
    json_t *group = named_group(c, !egress);
    *rules = group ? requested_rules(c, group, egress) : NULL;
    return *rules ? group : NULL;
}

static int authorize(svc_call *c, bool egress)
{
    json_t *rules;
    json_t *group = group_and_rules(c, egress, &rules);
    if (!group)
        return -1;
    if (!json_array_size(rules)) {
        json_decref(rules);
        return aws_error_set(&c->err, "MissingParameter", "The request must contain the parameter ipPermissions");
    }
    /* every key the group has in this direction, then the request's own:
     * a rule named twice in one request is a duplicate too */
    GHashTable *keys = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    size_t i, have = 0;
    json_t *r;
    json_array_foreach(group_rules(group), i, r) {
        if (json_is_true(json_object_get(r, "IsEgress")) == egress) {
            g_hash_table_add(keys, ec2_secgroup_rule_key(r));
            have++;
        }
    }
    int rc = 0;
    json_array_foreach(rules, i, r) {
        char *k = ec2_secgroup_rule_key(r);
        if (!g_hash_table_add(keys, k)) {
            char *w = rule_words(r);
            rc = aws_error_set(&c->err, "InvalidPermission.Duplicate", "the specified rule \"%s\" already exists", w);
            g_free(w);
            goto out;
        }
    }
    if (have + json_array_size(rules) > RULES_PER_DIRECTION) {
        rc = aws_error_set(&c->err, "RulesPerSecurityGroupLimitExceeded",
                           "The maximum number of rules per security group has been reached.");
        goto out;
    }
    if ((rc = ec2_net_tag_specs(c, "security-group-rule", NULL, true)) != 0)
        goto out;
    if (ec2_dry_run(c)) {
        rc = -1;
        goto out;
    }
    json_t *made = json_array();
    json_array_foreach(rules, i, r) {
        rule_store(c, group, r);
        const char *id = svc_str(r, "SecurityGroupRuleId");
        ec2_net_tag_specs(c, "security-group-rule", id, false);
        json_array_append_new(made, ec2_net_render(c, r, id, "Tags"));
    }
    c->output = json_pack("{s:b, s:o}", "Return", 1, "SecurityGroupRules", made);
out:
    g_hash_table_destroy(keys);
    json_decref(rules);
    return rc;
}

int ec2_secgroup_authorize_ingress(svc_call *c) { return authorize(c, false); }
int ec2_secgroup_authorize_egress(svc_call *c) { return authorize(c, true); }

static int revoke(svc_call *c, bool egress)
{
    json_t *rules;
    json_t *group = group_and_rules(c, egress, &rules);
    if (!group)
        return -1;
    json_t *ids = json_object_get(c->input, "SecurityGroupRuleIds");
    if (!json_array_size(rules) && !json_array_size(ids)) {
        json_decref(rules);
        return aws_error_set(&c->err, "MissingParameter",
                             "Either 'ipPermissions' or 'securityGroupRuleIds' should be provided.");
    }
    /* what goes: keys of the named rules and the ids named */
    GHashTable *doomed = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    GHashTable *found = g_hash_table_new(g_str_hash, g_str_equal);
    size_t i;
    json_t *r;
    json_array_foreach(rules, i, r) g_hash_table_add(doomed, ec2_secgroup_rule_key(r));
    json_array_foreach(ids, i, r) if (json_is_string(r)) g_hash_table_add(doomed, g_strdup(json_string_value(r)));
    json_t *keep = json_array(), *gone = json_array();
    json_array_foreach(group_rules(group), i, r) {
        char *k = ec2_secgroup_rule_key(r);
        const char *id = svc_str(r, "SecurityGroupRuleId");
        bool same_dir = json_is_true(json_object_get(r, "IsEgress")) == egress;
        gpointer hit = NULL;
        if (same_dir && (g_hash_table_lookup_extended(doomed, k, &hit, NULL) ||
                         (id && g_hash_table_lookup_extended(doomed, id, &hit, NULL)))) {
            g_hash_table_add(found, hit);
            json_array_append(gone, r);
        } else {
            json_array_append(keep, r);
        }
        g_free(k);
    }
    int rc = 0;
    if (g_hash_table_size(found) < g_hash_table_size(doomed)) {
        json_array_foreach(ids, i, r) {
            if (json_is_string(r) && !g_hash_table_contains(found, json_string_value(r))) {
                rc = aws_error_set(&c->err, "InvalidSecurityGroupRuleId.NotFound",
                                   "The security group rule ID '%s' does not exist", json_string_value(r));
                goto out;
            }
        }
        rc = aws_error_set(&c->err, "InvalidPermission.NotFound",
                           "The specified rule does not exist in this security group.");
        goto out;
    }
    if (ec2_dry_run(c)) {
        rc = -1;
        goto out;
    }
    json_object_set(group, "_rules", keep);
    json_t *revoked = json_array();
    json_array_foreach(gone, i, r) {
        ec2_net_forget_tags(c, svc_str(r, "SecurityGroupRuleId"));
        json_t *o = json_deep_copy(r);
        json_t *ref = json_object_get(r, "ReferencedGroupInfo");
        if (ref)
            json_object_set(o, "ReferencedSecurityGroupId", json_object_get(ref, "GroupId"));
        json_array_append_new(revoked, o);
    }
    c->output = json_pack("{s:b, s:o}", "Return", 1, "RevokedSecurityGroupRules", revoked);
out:
    json_decref(keep);
    json_decref(gone);
    g_hash_table_destroy(found);
    g_hash_table_destroy(doomed);
    json_decref(rules);
    return rc;
}

int ec2_secgroup_revoke_ingress(svc_call *c) { return revoke(c, false); }
int ec2_secgroup_revoke_egress(svc_call *c) { return revoke(c, true); }

/* ---- groups ---- */

int ec2_secgroup_create(svc_call *c)
{
    ec2_net *n = ec2_net_of(c);
    const char *name = svc_str(c->input, "GroupName"), *desc = svc_str(c->input, "Description");
    const char *vpc = svc_str(c->input, "VpcId");
    if (!name || !*name)
        return aws_error_set(&c->err, "MissingParameter", "The request must contain the parameter GroupName");
    if (!desc)
        return aws_error_set(&c->err, "MissingParameter", "The request must contain the parameter GroupDescription");
    if (strlen(name) > 255 || strlen(desc) > 255)
        return aws_error_set(&c->err, "InvalidParameterValue",
                             "Value (%s) for parameter %s is invalid. Length exceeds maximum of 255.",
                             strlen(name) > 255 ? "groupName" : "groupDescription",
                             strlen(name) > 255 ? "GroupName" : "GroupDescription");
    if (g_str_has_prefix(name, "sg-"))
        return aws_error_set(&c->err, "InvalidParameterValue", "Group names may not be in the format sg-*");
    if (strcmp(name, "default") == 0)
        return aws_error_set(&c->err, "InvalidParameterValue", "Cannot use reserved security group name: default");
    if (vpc) {
        if (!json_object_get(n->vpcs, vpc))
            return aws_error_set(&c->err, "InvalidVpcID.NotFound", "The vpc ID '%s' does not exist", vpc);
    } else if (!(vpc = ec2_net_default_vpc(c))) {
        return aws_error_set(&c->err, "VPCIdNotSpecified", "No default VPC for this user");
    }
    size_t in_vpc = 0;
    const char *id;
    json_t *g;
    json_object_foreach(n->groups, id, g) {
        if (g_strcmp0(svc_str(g, "VpcId"), vpc) != 0)
            continue;
        in_vpc++;
        if (g_strcmp0(svc_str(g, "GroupName"), name) == 0)
            return aws_error_set(&c->err, "InvalidGroup.Duplicate", "The security group '%s' already exists for VPC '%s'",
                                 name, vpc);
    }
    if (in_vpc >= GROUPS_PER_VPC)
        return aws_error_set(&c->err, "SecurityGroupLimitExceeded",
                             "The maximum number of security groups for VPC '%s' has been reached.", vpc);
    if (ec2_net_tag_specs(c, "security-group", NULL, true) != 0 || ec2_dry_run(c))
        return -1;
    char *gid = ec2_net_new_id(c, "sg-");
    g = ec2_secgroup_new(c, gid, name, desc, vpc, false);
    json_object_set_new(n->groups, gid, g);
    ec2_net_tag_specs(c, "security-group", gid, false);
    json_t *shown = ec2_net_render(c, g, gid, "Tags");
    c->output = json_pack("{s:s, s:O}", "GroupId", gid, "SecurityGroupArn", json_object_get(g, "SecurityGroupArn"));
    if (json_object_get(shown, "Tags"))
        json_object_set(c->output, "Tags", json_object_get(shown, "Tags"));
    json_decref(shown);
    g_free(gid);
    return 0;
}

/* IpPermissions (or the egress ones) regrouped from the group's rules by
 * protocol and ports, in the order they first appear. */
static json_t *permissions(json_t *group, bool egress)
{
    json_t *out = json_array();
    GHashTable *by = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    size_t i;
    json_t *r;
    json_array_foreach(group_rules(group), i, r) {
        if (json_is_true(json_object_get(r, "IsEgress")) != egress)
            continue;
        const char *proto = svc_str(r, "IpProtocol");
        json_int_t from = json_integer_value(json_object_get(r, "FromPort")),
                   to = json_integer_value(json_object_get(r, "ToPort"));
        char *k = g_strdup_printf("%s|%" JSON_INTEGER_FORMAT "|%" JSON_INTEGER_FORMAT, proto, from, to);
        json_t *perm = g_hash_table_lookup(by, k);
        if (!perm) {
            perm = json_pack("{s:s, s:[], s:[], s:[], s:[]}", "IpProtocol", proto, "IpRanges", "Ipv6Ranges",
                             "PrefixListIds", "UserIdGroupPairs");
            if (strcmp(proto, "-1") != 0) {
                json_object_set_new(perm, "FromPort", json_integer(from));
                json_object_set_new(perm, "ToPort", json_integer(to));
            }
            json_array_append_new(out, perm);
            g_hash_table_insert(by, k, perm);
        } else {
            g_free(k);
        }
        json_t *d = json_object_get(r, "Description"), *entry;
        const char *kind, *peer = rule_peer(r, &kind);
        if (!strcmp(kind, "CidrIpv4"))
            json_array_append_new(json_object_get(perm, "IpRanges"), entry = json_pack("{s:s}", "CidrIp", peer));
        else if (!strcmp(kind, "CidrIpv6"))
            json_array_append_new(json_object_get(perm, "Ipv6Ranges"), entry = json_pack("{s:s}", "CidrIpv6", peer));
        else if (!strcmp(kind, "PrefixListId"))
            json_array_append_new(json_object_get(perm, "PrefixListIds"), entry = json_pack("{s:s}", "PrefixListId", peer));
        else
            json_array_append_new(json_object_get(perm, "UserIdGroupPairs"),
                                  entry = json_deep_copy(json_object_get(r, "ReferencedGroupInfo")));
        if (d)
            json_object_set(entry, "Description", d);
    }
    g_hash_table_destroy(by);
    return out;
}

static const ec2_filter_path group_filters[] = {
    {"description", "Description"},
    {"group-id", "GroupId"},
    {"group-name", "GroupName"},
    {"owner-id", "OwnerId"},
    {"vpc-id", "VpcId"},
    {"ip-permission.cidr", "IpPermissions.IpRanges.CidrIp"},
    {"ip-permission.from-port", "IpPermissions.FromPort"},
    {"ip-permission.to-port", "IpPermissions.ToPort"},
    {"ip-permission.protocol", "IpPermissions.IpProtocol"},
    {"ip-permission.group-id", "IpPermissions.UserIdGroupPairs.GroupId"},
    {"ip-permission.group-name", "IpPermissions.UserIdGroupPairs.GroupName"},
    {"ip-permission.user-id", "IpPermissions.UserIdGroupPairs.UserId"},
    {"ip-permission.ipv6-cidr", "IpPermissions.Ipv6Ranges.CidrIpv6"},
    {"ip-permission.prefix-list-id", "IpPermissions.PrefixListIds.PrefixListId"},
    {"egress.ip-permission.cidr", "IpPermissionsEgress.IpRanges.CidrIp"},
    {"egress.ip-permission.from-port", "IpPermissionsEgress.FromPort"},
    {"egress.ip-permission.to-port", "IpPermissionsEgress.ToPort"},
    {"egress.ip-permission.protocol", "IpPermissionsEgress.IpProtocol"},
    {"egress.ip-permission.group-id", "IpPermissionsEgress.UserIdGroupPairs.GroupId"},
    {"egress.ip-permission.group-name", "IpPermissionsEgress.UserIdGroupPairs.GroupName"},
    {"egress.ip-permission.user-id", "IpPermissionsEgress.UserIdGroupPairs.UserId"},
    {"egress.ip-permission.ipv6-cidr", "IpPermissionsEgress.Ipv6Ranges.CidrIpv6"},
    {"egress.ip-permission.prefix-list-id", "IpPermissionsEgress.PrefixListIds.PrefixListId"},
    {NULL, NULL},
};

static const ec2_kind group_kind = {"sg-", "SecurityGroups", "InvalidGroupId.Malformed",
                                    "InvalidGroup.NotFound", "The security group '%s' does not exist", "Tags",
                                    group_filters, true};

int ec2_secgroup_describe(svc_call *c)
{
    ec2_net *n = ec2_net_of(c);
    json_t *ids = ec2_net_id_list(c, "GroupIds");
    size_t i;
    json_t *v;
    const char *vpc = ec2_net_default_vpc(c);
    json_array_foreach(json_object_get(c->input, "GroupNames"), i, v) {
        json_t *g = ec2_secgroup_by_name(n, vpc, json_string_value(v));
        if (!g) {
            json_decref(ids);
            return aws_error_set(&c->err, "InvalidGroup.NotFound",
                                 "The security group '%s' does not exist in default VPC '%s'", json_string_value(v),
                                 vpc ? vpc : "none");
        }
        json_array_append(ids, json_object_get(g, "GroupId"));
    }
    json_t *all = json_object();
    const char *id;
    json_object_foreach(n->groups, id, v) {
        json_t *r = ec2_net_render(c, v, id, "Tags");
        json_object_set_new(r, "IpPermissions", permissions(v, false));
        json_object_set_new(r, "IpPermissionsEgress", permissions(v, true));
        json_object_set_new(all, id, r);
    }
    int rc = ec2_net_describe(c, &group_kind, all, ids);
    json_decref(all);
    json_decref(ids);
    return rc;
}

/* Whether anything still uses the group: an instance not terminated, a
 * network interface, another group's rule. */
static bool group_in_use(svc_call *c, const char *gid)
{
    ec2_state *st = c->state;
    ec2_net *n = st->net;
    GPtrArray *live = ec2_state_list(st, c->now_ms);
    bool used = false;
    for (guint i = 0; i < live->len && !used; i++) {
        ec2_instance *in = g_ptr_array_index(live, i);
        size_t j;
        json_t *g;
        if (in->state == EC2_TERMINATED)
            continue;
        json_array_foreach(in->groups, j, g) used |= g_strcmp0(svc_str(g, "GroupId"), gid) == 0;
    }
    g_ptr_array_free(live, TRUE);
    const char *id;
    json_t *v;
    json_object_foreach(n->enis, id, v) {
        size_t j;
        json_t *g;
        json_array_foreach(json_object_get(v, "Groups"), j, g) used |= g_strcmp0(svc_str(g, "GroupId"), gid) == 0;
    }
    json_object_foreach(n->groups, id, v) {
        size_t j;
        json_t *r;
        if (strcmp(id, gid) == 0)
            continue;
        json_array_foreach(group_rules(v), j, r)
            used |= g_strcmp0(svc_str(json_object_get(r, "ReferencedGroupInfo"), "GroupId"), gid) == 0;
    }
    return used;
}

int ec2_secgroup_delete(svc_call *c)
{
    ec2_net *n = ec2_net_of(c);
    json_t *g = named_group(c, true);
    if (!g)
        return -1;
    const char *gid = svc_str(g, "GroupId");
    if (g_strcmp0(svc_str(g, "GroupName"), "default") == 0)
        return aws_error_set(&c->err, "CannotDelete",
                             "the specified group: \"%s\" name: \"default\" cannot be deleted by a user", gid);
    if (group_in_use(c, gid))
        return aws_error_set(&c->err, "DependencyViolation", "resource %s has a dependent object", gid);
    if (ec2_dry_run(c))
        return -1;
    c->output = json_pack("{s:b, s:s}", "Return", 1, "GroupId", gid);
    size_t i;
    json_t *r;
    json_array_foreach(group_rules(g), i, r) ec2_net_forget_tags(c, svc_str(r, "SecurityGroupRuleId"));
    ec2_net_forget_tags(c, gid);
    json_object_del(n->groups, svc_str(c->output, "GroupId"));
    return 0;
}

static const ec2_filter_path rule_filters[] = {
    {"group-id", "GroupId"},
    {"security-group-rule-id", "SecurityGroupRuleId"},
    {NULL, NULL},
};

static const ec2_kind rule_kind = {"sgr-", "SecurityGroupRules",
                                   "InvalidSecurityGroupRuleId.Malformed", "InvalidSecurityGroupRuleId.NotFound",
                                   "The security group rule ID '%s' does not exist", "Tags", rule_filters, true};

int ec2_secgroup_describe_rules(svc_call *c)
{
    ec2_net *n = ec2_net_of(c);
    json_t *all = json_object();
    const char *id;
    json_t *g;
    json_object_foreach(n->groups, id, g) {
        size_t i;
        json_t *r;
        json_array_foreach(group_rules(g), i, r) {
            const char *rid = svc_str(r, "SecurityGroupRuleId");
            if (rid)
                json_object_set_new(all, rid, ec2_net_render(c, r, rid, "Tags"));
        }
    }
    int rc = ec2_net_describe(c, &rule_kind, all, json_object_get(c->input, "SecurityGroupRuleIds"));
    json_decref(all);
    return rc;
}
