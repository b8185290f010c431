#include "services/ec2/net.h"

#include <string.h>

#include "services/svc_api.h"

/* What the networking knows beyond the instances. */
struct ec2_net {
    int unused;
};

ec2_net *ec2_net_new(void) { return g_new0(ec2_net, 1); }

void ec2_net_free(ec2_net *n) { g_free(n); }

ec2_net *ec2_net_clone(const ec2_net *n) { return g_memdup2(n, sizeof *n); }

static bool all_hex(const char *s, size_t min, size_t max)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (!g_ascii_isxdigit(s[n]) || g_ascii_isupper(s[n]))
            return false;
    return n >= min && n <= max;
}

int ec2_net_resolve_launch(svc_call *c, json_t *input, ec2_launch_net *out)
{
    memset(out, 0, sizeof *out);
    out->groups = json_array();
    const char *subnet = svc_str(input, "SubnetId");
    if (subnet && !(g_str_has_prefix(subnet, "subnet-") && all_hex(subnet + 7, 8, 17)))
        return aws_error_set(&c->err, "InvalidSubnetID.NotFound", "The subnet ID '%s' does not exist", subnet);
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(input, "SecurityGroupIds"), i, v) {
        const char *g = json_string_value(v);
        if (!(g_str_has_prefix(g, "sg-") && all_hex(g + 3, 8, 17)))
            return aws_error_set(&c->err, "InvalidGroupId.Malformed", "Invalid id: \"%s\" (expecting \"sg-...\")", g);
        json_array_append_new(out->groups, json_pack("{s:O, s:O}", "GroupId", v, "GroupName", v));
    }
    json_array_foreach(json_object_get(input, "SecurityGroups"), i, v) {
        char hex[18], material[300];
        g_snprintf(material, sizeof material, "sg/%s/%s/%s", c->account, c->region, json_string_value(v));
        ec2_derive_hex(hex, 17, material);
        char *gid = g_strconcat("sg-", hex, NULL);
        json_array_append_new(out->groups, json_pack("{s:s, s:O}", "GroupId", gid, "GroupName", v));
        g_free(gid);
    }
    out->subnet_id = g_strdup(subnet);
    out->key_name = g_strdup(svc_str(input, "KeyName"));
    out->az = g_strdup(svc_str(json_object_get(input, "Placement"), "AvailabilityZone"));
    return 0;
}

void ec2_launch_net_clear(ec2_launch_net *ln)
{
    g_free(ln->vpc_id);
    g_free(ln->subnet_id);
    g_free(ln->az);
    g_free(ln->key_name);
    g_free(ln->private_ip);
    json_decref(ln->groups);
    memset(ln, 0, sizeof *ln);
}

void ec2_net_attach_instance(svc_call *c, const ec2_launch_net *ln, ec2_instance *in)
{
    (void)c;
    g_free(in->key_name);
    in->key_name = g_strdup(ln->key_name);
    if (ln->subnet_id) {
        g_free(in->subnet_id);
        in->subnet_id = g_strdup(ln->subnet_id);
    }
    if (json_array_size(ln->groups)) {
        json_decref(in->groups);
        in->groups = json_deep_copy(ln->groups);
    }
}
