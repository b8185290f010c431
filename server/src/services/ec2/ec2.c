#include "services/ec2/ec2.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "services/ec2/address.h"
#include "services/ec2/authz.h"
#include "services/ec2/common.h"
#include "services/ec2/eni.h"
#include "services/ec2/filter.h"
#include "services/ec2/image.h"
#include "services/ec2/inspect.h"
#include "services/ec2/instance.h"
#include "services/ec2/itype.h"
#include "services/ec2/keypair.h"
#include "services/ec2/net.h"
#include "services/ec2/secgroup.h"
#include "services/ec2/template.h"
#include "services/ec2/volume.h"
#include "services/svc_api.h"

/* Instances one account may have in a region at a time (not terminated):
 * a bound on memory, worded the way EC2 refuses more. */
#define INSTANCE_LIMIT 1000

/* ---- small helpers ---- */

/* i- and 8 or 17 lowercase hex digits, as EC2 has issued them over time. */
static bool instance_id_ok(const char *id)
{
    return g_str_has_prefix(id, "i-") && ec2_all_hex(id + 2, 8, 17) && (strlen(id) == 10 || strlen(id) == 19);
}

/* The instances an input names (InstanceIds), settled, in the order given;
 * NULL with Malformed / NotFound set as EC2 words them. */
static GPtrArray *named_instances(svc_call *c, json_t *ids)
{
    ec2_state *st = c->state;
    size_t i;
    json_t *v;
    json_array_foreach(ids, i, v) {
        if (!instance_id_ok(json_string_value(v))) {
            aws_error_set(&c->err, "InvalidInstanceID.Malformed", "Invalid id: \"%s\"", json_string_value(v));
            return NULL;
        }
    }
    if (ec2_dry_run(c))
        return NULL;
    GPtrArray *out = g_ptr_array_new();
    GPtrArray *missing = g_ptr_array_new();
    GHashTable *seen = g_hash_table_new(g_direct_hash, g_direct_equal);
    json_array_foreach(ids, i, v) {
        ec2_instance *in = ec2_state_get(st, json_string_value(v), c->now_ms);
        if (!in) {
            g_ptr_array_add(missing, (gpointer)json_string_value(v));
            continue;
        }
        /* the same id twice is one instance (a hash set: linear in the ids) */
        if (g_hash_table_add(seen, in))
            g_ptr_array_add(out, in);
    }
    g_hash_table_destroy(seen);
    if (missing->len) {
        GString *list = g_string_new(NULL);
        for (guint j = 0; j < missing->len; j++)
            g_string_append_printf(list, "%s%s", j ? ", " : "", (char *)g_ptr_array_index(missing, j));
        if (missing->len == 1)
            aws_error_set(&c->err, "InvalidInstanceID.NotFound", "The instance ID '%s' does not exist", list->str);
        else
            aws_error_set(&c->err, "InvalidInstanceID.NotFound", "The instance IDs '%s' do not exist", list->str);
        g_string_free(list, TRUE);
        g_ptr_array_free(missing, TRUE);
        g_ptr_array_free(out, TRUE);
        return NULL;
    }
    g_ptr_array_free(missing, TRUE);
    return out;
}

/* MaxResults (5..1000) and its conflict with InstanceIds; *max = 0 for
 * "no paging". */
static bool page_size(svc_call *c, bool with_ids, int64_t *max)
{
    *max = 0;
    if (with_ids && json_object_get(c->input, "MaxResults")) {
        aws_error_set(&c->err, "InvalidParameterCombination",
                      "The parameter instancesSet cannot be used with the parameter maxResults");
        return false;
    }
    return ec2_max_results(c, 5, 1000, max);
}

static json_t *state_json(ec2_istate s) { return json_pack("{s:i, s:s}", "Code", (int)s, "Name", ec2_istate_name(s)); }

static char *private_dns(const ec2_instance *in) { return ec2_net_private_dns(in->region, in->private_ip); }

static char *public_dns(const ec2_instance *in, const char *ip) { return ec2_net_public_dns(in->region, ip); }

/* Graviton families (t4g, m7g, c6gn, a1, ...) are arm64. */
static const char *architecture(const char *type)
{
    if (g_str_has_prefix(type, "a1."))
        return "arm64";
    const char *dot = strchr(type, '.');
    for (const char *p = type; dot && p + 1 < dot; p++)
        if (g_ascii_isdigit(*p) && p[1] == 'g')
            return "arm64";
    return "x86_64";
}

static char *gmt_reason(int64_t ms)
{
    GDateTime *dt = g_date_time_new_from_unix_utc(ms / 1000);
    char *when = g_date_time_format(dt, "%Y-%m-%d %H:%M:%S");
    char *out = g_strdup_printf("User initiated (%s GMT)", when);
    g_free(when);
    g_date_time_unref(dt);
    return out;
}

/* The architecture of an instance type: the catalogue's, else by name. */
static const char *type_arch(const char *type)
{
    const char *a = ec2_itype_arch(type);
    return a ? a : architecture(type);
}

/* The launch parameters DescribeInstances does not show (attributes). */
static const char *const hidden_params[] = {"InstanceInitiatedShutdownBehavior", "DisableApiStop",
                                            "CreditSpecification", NULL};

/* The instance as DescribeInstances shows it; vols: its volumes (from
 * ec2_volumes_by_instance) or NULL. */
static json_t *instance_json(svc_call *c, const ec2_instance *in, GPtrArray *vols)
{
    char ipbuf[16];
    const char *pub = ec2_public_ip(in, ipbuf);
    char *pdns = private_dns(in);
    char *pubdns = pub ? public_dns(in, pub) : g_strdup("");
    json_int_t launch = (json_int_t)(in->launch_ms / 1000);
    const char *hv = ec2_itype_hypervisor(in->type);
    json_t *o = json_pack(
        "{s:s, s:s, s:o, s:s, s:s, s:s, s:i, s:[], s:s, s:I, s:{s:s, s:s, s:s}, s:{s:s}, s:s, s:s, s:s, s:s,"
        " s:s, s:b, s:b, s:s, s:s, s:s, s:O, s:b, s:s}",
        "InstanceId", in->id, "ImageId", in->image_id, "State", state_json(in->state), "PrivateDnsName",
        in->state == EC2_TERMINATED ? "" : pdns, "PublicDnsName", pubdns, "StateTransitionReason", "",
        "AmiLaunchIndex", in->launch_index, "ProductCodes", "InstanceType", in->type, "LaunchTime", launch,
        "Placement", "AvailabilityZone", in->az, "GroupName", "", "Tenancy", "default", "Monitoring", "State",
        in->monitoring ? "enabled" : "disabled", "SubnetId", in->subnet_id, "VpcId", in->vpc_id,
        "PrivateIpAddress", in->private_ip, "Architecture", type_arch(in->type), "RootDeviceType", "ebs",
        "EbsOptimized", 0, "EnaSupport", 1, "Hypervisor", hv ? hv : "xen", "RootDeviceName", "/dev/xvda",
        "VirtualizationType", "hvm", "SecurityGroups", in->groups, "SourceDestCheck", 1, "PlatformDetails",
        "Linux/UNIX");
    g_free(pdns);
    g_free(pubdns);
    if (!o)
        return json_object();
    if (pub)
        json_object_set_new(o, "PublicIpAddress", json_string(pub));
    if (in->key_name)
        json_object_set_new(o, "KeyName", json_string(in->key_name));
    if (in->client_token)
        json_object_set_new(o, "ClientToken", json_string(in->client_token));
    if (json_object_size(in->tags))
        json_object_set_new(o, "Tags", ec2_tags_json(in->tags));
    if (in->stopped_at_ms && (in->state == EC2_STOPPING || in->state == EC2_STOPPED ||
                              in->state == EC2_SHUTTING_DOWN || in->state == EC2_TERMINATED)) {
        char *reason = gmt_reason(in->stopped_at_ms);
        json_object_set_new(o, "StateTransitionReason", json_string(reason));
        g_free(reason);
        json_object_set_new(o, "StateReason",
                            json_pack("{s:s, s:s}", "Code", "Client.UserInitiatedShutdown", "Message",
                                      "Client.UserInitiatedShutdown: User initiated shutdown"));
    }
    json_object_set_new(o, "CpuOptions", json_pack("{s:i, s:i}", "CoreCount", 1, "ThreadsPerCore", 2));
    json_t *bdm = json_array();
    for (guint i = 0; vols && in->state != EC2_TERMINATED && i < vols->len; i++)
        json_array_append_new(bdm, ec2_volume_mapping_json(g_ptr_array_index(vols, i)));
    json_object_set_new(o, "BlockDeviceMappings", bdm);
    json_object_set_new(o, "NetworkInterfaces", ec2_eni_instance_interfaces(c, in));
    json_object_set_new(o, "HibernationOptions", json_pack("{s:b}", "Configured", 0));
    json_object_set_new(o, "EnclaveOptions", json_pack("{s:b}", "Enabled", 0));
    json_object_set_new(o, "MetadataOptions",
                        json_pack("{s:s, s:s, s:i, s:s, s:s, s:s}", "State", "applied", "HttpTokens", "required",
                                  "HttpPutResponseHopLimit", 2, "HttpEndpoint", "enabled", "HttpProtocolIpv6",
                                  "disabled", "InstanceMetadataTags", "disabled"));
    json_object_set_new(o, "UsageOperation", json_string("RunInstances"));
    json_object_set_new(o, "UsageOperationUpdateTime", json_integer(launch));
    json_object_set_new(o, "PrivateDnsNameOptions",
                        json_pack("{s:s, s:b, s:b}", "HostnameType", "ip-name", "EnableResourceNameDnsARecord", 0,
                                  "EnableResourceNameDnsAAAARecord", 0));
    json_object_set_new(o, "MaintenanceOptions", json_pack("{s:s}", "AutoRecovery", "default"));
    json_object_set_new(o, "CurrentInstanceBootMode", json_string("legacy-bios"));
    /* what the launch and ModifyInstanceAttribute set, over the defaults */
    json_t *shown = json_deep_copy(in->params);
    for (const char *const *h = hidden_params; *h; h++)
        json_object_del(shown, *h);
    json_object_update_recursive(o, shown);
    json_decref(shown);
    return o;
}

/* Instances in launch order grouped into their reservations. */
static json_t *reservations_json(svc_call *c, GPtrArray *list)
{
    json_t *out = json_array();
    json_t *cur = NULL;
    const char *cur_id = NULL;
    GHashTable *vols = ec2_volumes_by_instance(c->state, c->now_ms);
    for (guint i = 0; i < list->len; i++) {
        ec2_instance *in = g_ptr_array_index(list, i);
        if (!cur_id || strcmp(cur_id, in->reservation_id) != 0) {
            cur = json_pack("{s:s, s:s, s:[], s:[]}", "ReservationId", in->reservation_id, "OwnerId", c->account,
                            "Groups", "Instances");
            json_array_append_new(out, cur);
            cur_id = in->reservation_id;
        }
        json_array_append_new(json_object_get(cur, "Instances"), instance_json(c, in, g_hash_table_lookup(vols, in->id)));
    }
    g_hash_table_destroy(vols);
    return out;
}

/* ---- validation wording ---- */

/* EC2 words model violations as its own: MissingParameter for a required
 * member, InvalidParameterValue for anything else. */
static void ec2_validation_error(const violation *v, size_t n, aws_error *e)
{
    (void)n;
    const char *member = v->member ? v->member : "parameter";
    char *val;
    if (!v->value) {
        val = g_strdup("null");
    } else if (json_is_string(v->value)) {
        val = g_strdup(json_string_value(v->value));
    } else {
        char *d = json_dumps(v->value, JSON_ENCODE_ANY | JSON_COMPACT);
        val = g_strdup(d ? d : "?");
        free(d);
    }
    /* a launch template's name breaks EC2's own rule, worded as EC2 does */
    if (v->kind != VIOLATION_REQUIRED && strcmp(member, "LaunchTemplateName") == 0) {
        ec2_template_name_error(e);
        g_free(val);
        return;
    }
    switch (v->kind) {
    case VIOLATION_REQUIRED:
        aws_error_set(e, "MissingParameter", "The request must contain the parameter %s", member);
        break;
    case VIOLATION_ENUM:
        aws_error_set(e, "InvalidParameterValue", "Invalid value '%s' for %s.", val, member);
        break;
    default:
        aws_error_set(e, "InvalidParameterValue", "Value (%s) for parameter %s is invalid.", val, member);
        break;
    }
    g_free(val);
}

static char *ec2_resource_of(const char *operation, json_t *input)
{
    json_t *ids = json_object_get(input, "InstanceIds");
    if (!ids)
        ids = json_object_get(input, "Resources");
    if (!json_array_size(ids))
        return NULL;
    GString *s = g_string_new(NULL);
    size_t i;
    json_t *v;
    json_array_foreach(ids, i, v) if (json_is_string(v)) g_string_append_printf(s, "%s%s", s->len ? "," : "",
                                                                              json_string_value(v));
    return g_string_free(s, FALSE);
}

static void set_resource(svc_call *c, GPtrArray *list)
{
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < list->len; i++)
        g_string_append_printf(s, "%s%s", i ? "," : "", ((ec2_instance *)g_ptr_array_index(list, i))->id);
    g_free(c->resource);
    c->resource = g_string_free(s, FALSE);
}

/* ---- regions and zones ---- */

static const char *const std_regions[] = {
    "us-east-1",      "us-east-2",      "us-west-1",      "us-west-2",      "ca-central-1",   "eu-central-1",
    "eu-west-1",      "eu-west-2",      "eu-west-3",      "eu-north-1",     "ap-south-1",     "ap-northeast-1",
    "ap-northeast-2", "ap-northeast-3", "ap-southeast-1", "ap-southeast-2", "sa-east-1",      NULL};
static const char *const optin_regions[] = {
    "af-south-1",     "ap-east-1",    "ap-south-2",   "ap-southeast-3", "ap-southeast-4", "ca-west-1",
    "eu-central-2",   "eu-south-1",   "eu-south-2",   "il-central-1",   "me-central-1",   "me-south-1", NULL};

/* "use1" for us-east-1, "apne1" for ap-northeast-1: the prefix of zone ids. */
static char *zone_id_prefix(const char *region)
{
    char **p = g_strsplit(region, "-", 3);
    GString *s = g_string_new(NULL);
    if (g_strv_length(p) == 3) {
        g_string_append(s, p[0]);
        const char *dir = p[1];
        static const struct {
            const char *word, *abbr;
        } dirs[] = {{"northeast", "ne"}, {"northwest", "nw"}, {"southeast", "se"}, {"southwest", "sw"},
                    {"central", "c"},    {"north", "n"},      {"south", "s"},      {"east", "e"},
                    {"west", "w"}};
        const char *abbr = NULL;
        for (size_t i = 0; i < G_N_ELEMENTS(dirs) && !abbr; i++)
            if (strcmp(dir, dirs[i].word) == 0)
                abbr = dirs[i].abbr;
        if (abbr)
            g_string_append(s, abbr);
        else
            g_string_append_len(s, dir, 1);
        g_string_append(s, p[2]);
    } else {
        g_string_append(s, region);
    }
    g_strfreev(p);
    return g_string_free(s, FALSE);
}

int ec2_zone_count(const char *region) { return strcmp(region, "us-east-1") == 0 ? 6 : 3; }

char *ec2_zone_id(const char *region, const char *zone)
{
    char *prefix = zone_id_prefix(region);
    char *id = g_strdup_printf("%s-az%d", prefix, zone[strlen(region)] - 'a' + 1);
    g_free(prefix);
    return id;
}

bool ec2_zone_valid(const char *region, const char *zone)
{
    size_t n = strlen(region);
    return strncmp(zone, region, n) == 0 && zone[n] >= 'a' && zone[n] < 'a' + ec2_zone_count(region) && !zone[n + 1];
}

static const char *const region_filters[] = {"endpoint", "opt-in-status", "region-name", NULL};

static int describe_regions(svc_call *c)
{
    aws_error *err = &c->err;
    GPtrArray *filters = ec2_filters_parse(json_object_get(c->input, "Filters"), region_filters, err);
    if (!filters)
        return -1;
    if (ec2_dry_run(c)) {
        ec2_filters_free(filters);
        return -1;
    }
    bool all = svc_true(c->input, "AllRegions");
    json_t *names = json_object_get(c->input, "RegionNames");
    size_t i;
    json_t *v;
    json_array_foreach(names, i, v) {
        const char *r = json_string_value(v);
        if (!g_strv_contains(std_regions, r) && !g_strv_contains(optin_regions, r) && strcmp(r, c->region) != 0) {
            ec2_filters_free(filters);
            return aws_error_set(err, "InvalidParameterValue", "Invalid region: %s", r);
        }
    }
    json_t *out = json_array();
    for (int pass = 0; pass < 3; pass++) {
        const char *const *list = pass == 0 ? std_regions : pass == 1 ? optin_regions : NULL;
        const char *extra[] = {c->region, NULL};
        if (pass == 2) {
            /* a region mockaws does not know by name is still the caller's */
            if (g_strv_contains(std_regions, c->region) || g_strv_contains(optin_regions, c->region))
                break;
            list = extra;
        }
        for (; *list; list++) {
            const char *r = *list;
            const char *status = pass == 0 || pass == 2 ? "opt-in-not-required"
                                 : strcmp(r, c->region) == 0 ? "opted-in"
                                                               : "not-opted-in";
            if (json_array_size(names)) {
                bool named = false;
                json_array_foreach(names, i, v) named |= strcmp(json_string_value(v), r) == 0;
                if (!named)
                    continue;
            } else if (!all && strcmp(status, "not-opted-in") == 0) {
                continue;
            }
            char *endpoint = g_strdup_printf("ec2.%s.amazonaws.com", r);
            bool keep = true;
            for (guint f = 0; f < filters->len && keep; f++) {
                ec2_filter *ef = g_ptr_array_index(filters, f);
                const char *val = !strcmp(ef->name, "endpoint") ? endpoint : !strcmp(ef->name, "region-name") ? r : status;
                keep = ec2_filter_accepts(ef, val);
            }
            if (keep)
                json_array_append_new(out, json_pack("{s:s, s:s, s:s}", "RegionName", r, "Endpoint", endpoint,
                                                     "OptInStatus", status));
            g_free(endpoint);
        }
    }
    ec2_filters_free(filters);
    c->output = json_pack("{s:o}", "Regions", out);
    return 0;
}

static const char *const zone_filters[] = {"group-name", "message", "opt-in-status", "region-name", "state",
                                           "zone-id",    "zone-name", "zone-type", "network-border-group", NULL};

static int describe_availability_zones(svc_call *c)
{
    GPtrArray *filters = ec2_filters_parse(json_object_get(c->input, "Filters"), zone_filters, &c->err);
    if (!filters)
        return -1;
    if (ec2_dry_run(c)) {
        ec2_filters_free(filters);
        return -1;
    }
    json_t *names = json_object_get(c->input, "ZoneNames"), *ids = json_object_get(c->input, "ZoneIds");
    size_t i;
    json_t *v;
    json_array_foreach(names, i, v) {
        if (!ec2_zone_valid(c->region, json_string_value(v))) {
            ec2_filters_free(filters);
            return aws_error_set(&c->err, "InvalidParameterValue", "Invalid availability zone: [%s]",
                                 json_string_value(v));
        }
    }
    char *prefix = zone_id_prefix(c->region);
    json_t *out = json_array();
    for (int z = 0; z < ec2_zone_count(c->region); z++) {
        char *name = g_strdup_printf("%s%c", c->region, 'a' + z);
        char *id = g_strdup_printf("%s-az%d", prefix, z + 1);
        bool keep = true;
        if (json_array_size(names) || json_array_size(ids)) {
            keep = false;
            json_array_foreach(names, i, v) keep |= strcmp(json_string_value(v), name) == 0;
            json_array_foreach(ids, i, v) keep |= strcmp(json_string_value(v), id) == 0;
        }
        for (guint f = 0; f < filters->len && keep; f++) {
            ec2_filter *ef = g_ptr_array_index(filters, f);
            const char *val = !strcmp(ef->name, "zone-name")   ? name
                              : !strcmp(ef->name, "zone-id")   ? id
                              : !strcmp(ef->name, "state")     ? "available"
                              : !strcmp(ef->name, "zone-type") ? "availability-zone"
                              : !strcmp(ef->name, "opt-in-status") ? "opt-in-not-required"
                              : !strcmp(ef->name, "message")   ? NULL
                                                               : c->region;
            keep = ec2_filter_accepts(ef, val);
        }
        if (keep)
            json_array_append_new(out, json_pack("{s:s, s:s, s:s, s:s, s:[], s:s, s:s, s:s, s:s}", "ZoneName", name,
                                                 "ZoneId", id, "State", "available", "OptInStatus",
                                                 "opt-in-not-required", "Messages", "RegionName", c->region,
                                                 "GroupName", c->region, "NetworkBorderGroup", c->region,
                                                 "ZoneType", "availability-zone"));
        g_free(name);
        g_free(id);
    }
    g_free(prefix);
    ec2_filters_free(filters);
    c->output = json_pack("{s:o}", "AvailabilityZones", out);
    return 0;
}

/* ---- RunInstances ---- */

static bool image_id_ok(const char *id) { return g_str_has_prefix(id, "ami-") && ec2_all_hex(id + 4, 8, 17); }

/* The fingerprint of a RunInstances request for its client token: the
 * input without the token and DryRun, canonically written. */
static char *fingerprint(json_t *input)
{
    json_t *copy = json_deep_copy(input);
    json_object_del(copy, "ClientToken");
    json_object_del(copy, "DryRun");
    char *s = json_dumps(copy, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(copy);
    char *out = g_strdup(s);
    free(s);
    return out;
}

static int reservation_for_token(svc_call *c, ec2_token *t)
{
    ec2_state *st = c->state;
    GPtrArray *list = g_ptr_array_new();
    for (guint i = 0; i < t->ids->len; i++) {
        ec2_instance *in = ec2_state_get(st, g_ptr_array_index(t->ids, i), c->now_ms);
        if (in)
            g_ptr_array_add(list, in);
    }
    if (!list->len) {
        g_ptr_array_free(list, TRUE);
        return aws_error_set(&c->err, "IdempotentParameterMismatch",
                             "The client token you have provided is associated with a resource that is already "
                             "deleted. Use a different client token.");
    }
    json_t *res = reservations_json(c, list);
    c->output = json_incref(json_array_get(res, 0));
    json_decref(res);
    set_resource(c, list);
    g_ptr_array_free(list, TRUE);
    return 0;
}

static json_t *get(json_t *o, const char *k) { return json_object_get(o, k); }

/* An IAM instance profile as DescribeInstances shows it: {Arn, Id}. */
static json_t *profile_json(svc_call *c, json_t *given)
{
    const char *arn = svc_str(given, "Arn"), *name = svc_str(given, "Name");
    char *made = arn ? g_strdup(arn) : g_strdup_printf("arn:%s:iam::%s:instance-profile/%s", svc_partition(c->region), c->account, name ? name : "");
    char hex[18];
    ec2_derive_hex(hex, 17, made);
    char *up = g_ascii_strup(hex, -1);
    char *id = g_strconcat("AIPA", up, NULL);
    json_t *o = json_pack("{s:s, s:s}", "Arn", made, "Id", id);
    g_free(up);
    g_free(id);
    g_free(made);
    return o;
}

/* What a launch keeps of its input and image, as DescribeInstances and
 * DescribeInstanceAttribute show it (ec2_instance.params). */
static json_t *launch_params(svc_call *c, json_t *in, json_t *img, const char *type)
{
    json_t *p = json_pack("{s:O, s:O, s:O, s:O}", "Architecture", get(img, "Architecture"), "RootDeviceName",
                          get(img, "RootDeviceName"), "PlatformDetails", get(img, "PlatformDetails"), "UsageOperation",
                          get(img, "UsageOperation"));
    if (get(img, "Platform"))
        json_object_set(p, "Platform", get(img, "Platform"));
    static const char *const kept[] = {"EbsOptimized", "HibernationOptions", "CpuOptions", "PrivateDnsNameOptions",
                                       "MaintenanceOptions", "EnclaveOptions", "CapacityReservationSpecification",
                                       "KernelId", "RamdiskId", "InstanceInitiatedShutdownBehavior",
                                       "DisableApiStop", "CreditSpecification", NULL};
    for (const char *const *k = kept; *k; k++)
        if (get(in, *k))
            json_object_set(p, *k, get(in, *k));
    json_t *md = get(in, "MetadataOptions");
    if (md) {
        json_t *m = json_deep_copy(md);
        json_object_set_new(m, "State", json_string("applied"));
        json_object_set_new(p, "MetadataOptions", m);
    }
    json_t *placement = json_deep_copy(get(in, "Placement"));
    if (placement) {
        json_object_del(placement, "AvailabilityZone");
        json_object_del(placement, "AvailabilityZoneId");
        json_object_set_new(p, "Placement", placement);
    }
    if (get(in, "IamInstanceProfile"))
        json_object_set_new(p, "IamInstanceProfile", profile_json(c, get(in, "IamInstanceProfile")));
    if (ec2_itype_burstable(type) && !get(p, "CreditSpecification"))
        json_object_set_new(p, "CreditSpecification",
                            json_pack("{s:s}", "CpuCredits", g_str_has_prefix(type, "t2.") ? "standard" : "unlimited"));
    return p;
}

/* What RunInstances refuses in what it launches from: the image, the
 * instance type, the block devices. The image (new reference) and the
 * volume plan into *img and *plan; -1 with c->err set. */
static int check_launch(svc_call *c, json_t *in, const char *type, json_t **img, json_t **plan)
{
    const char *image = svc_str(in, "ImageId");
    *img = *plan = NULL;
    *img = ec2_image_find(c, image);
    if (!*img)
        return aws_error_set(&c->err, "InvalidAMIID.NotFound", "The image id '[%s]' does not exist", image);
    const char *ia = svc_str(*img, "Architecture"), *ta = type_arch(type);
    if (ia && strcmp(ia, ta) != 0 && !(strcmp(ia, "i386") == 0 && strcmp(ta, "x86_64") == 0))
        return aws_error_set(&c->err, "InvalidParameterValue",
                             "The architecture '%s' of the specified instance type does not match the architecture "
                             "'%s' of the specified AMI. Specify an instance type and an AMI that have matching "
                             "architectures, and try again. You can use 'describe-instance-types' or "
                             "'describe-images' to discover the architecture of the instance type or AMI.",
                             ta, ia);
    *plan = ec2_bdm_plan(c, *img, get(in, "BlockDeviceMappings"));
    if (!*plan)
        return -1;
    if (svc_true(get(in, "HibernationOptions"), "Configured")) {
        size_t i;
        json_t *m;
        bool encrypted = false;
        json_array_foreach(*plan, i, m) if (g_strcmp0(svc_str(m, "DeviceName"), svc_str(*img, "RootDeviceName")) == 0)
            encrypted = svc_true(get(m, "Ebs"), "Encrypted");
        if (!encrypted)
            return aws_error_set(&c->err, "UnsupportedHibernationConfiguration",
                                 "For hibernation, the root device volume must be encrypted.");
    }
    if (get(in, "CreditSpecification") && !ec2_itype_burstable(type))
        return aws_error_set(&c->err, "InvalidParameterCombination",
                             "The parameter creditSpecification is not supported for %s instances.", type);
    return 0;
}

static int run_instances(svc_call *c)
{
    ec2_state *st = c->state;
    char *lt_id = NULL, *lt_version = NULL;
    /* a launch template's data under the request's own parameters */
    json_t *in = ec2_template_merge(c, c->input, &lt_id, &lt_version);
    if (!in)
        return -1;
    json_t *img = NULL, *plan = NULL, *tags = NULL, *vtags = NULL;
    char *fp = NULL;
    ec2_launch_net place = {0};
    bool placed = false;
    int rc = -1;
    const char *image = svc_str(in, "ImageId");
    if (!image) {
        aws_error_set(&c->err, "MissingParameter", "The request must contain the parameter ImageId");
        goto out;
    }
    if (!image_id_ok(image)) {
        aws_error_set(&c->err, "InvalidAMIID.Malformed", "Invalid id: \"%s\" (expecting \"ami-...\")", image);
        goto out;
    }
    int64_t min = json_integer_value(get(in, "MinCount"));
    int64_t max = json_integer_value(get(in, "MaxCount"));
    if (max < 1) {
        aws_error_set(&c->err, "InvalidParameterValue", "Maximum instance count must be greater than zero");
        goto out;
    }
    if (min < 1) {
        aws_error_set(&c->err, "InvalidParameterValue", "Minimum instance count must be greater than zero");
        goto out;
    }
    if (min > max) {
        aws_error_set(&c->err, "InvalidParameterValue",
                      "Minimum instance count must be less than or equal to maximum instance count");
        goto out;
    }
    const char *az = svc_str(get(in, "Placement"), "AvailabilityZone");
    if (az && !ec2_zone_valid(c->region, az)) {
        aws_error_set(&c->err, "InvalidParameterValue", "Invalid availability zone: [%s]", az);
        goto out;
    }
    /* EC2's documented default when the request and template name none */
    const char *type = svc_str(in, "InstanceType") ? svc_str(in, "InstanceType") : "m1.small";
    if (check_launch(c, in, type, &img, &plan) != 0)
        goto out;
    placed = true;
    if (ec2_net_resolve_launch(c, in, &place) != 0)
        goto out;
    tags = ec2_spec_tags(c, in, "instance");
    vtags = tags ? ec2_spec_tags(c, in, "volume") : NULL;
    if (!vtags || ec2_dry_run(c))
        goto out;

    const char *token = svc_str(c->input, "ClientToken");
    fp = token ? fingerprint(c->input) : NULL;
    ec2_token *known = token ? g_hash_table_lookup(st->tokens, token) : NULL;
    if (known) {
        if (strcmp(known->fingerprint, fp) != 0)
            aws_error_set(&c->err, "IdempotentParameterMismatch",
                          "Arguments on this idempotent request are inconsistent with arguments used in "
                          "previous request(s).");
        else
            rc = reservation_for_token(c, known);
        goto out;
    }

    GPtrArray *live = ec2_state_list(st, c->now_ms);
    int64_t active = 0;
    for (guint k = 0; k < live->len; k++)
        active += ((ec2_instance *)g_ptr_array_index(live, k))->state != EC2_TERMINATED;
    g_ptr_array_free(live, TRUE);
    int64_t room = INSTANCE_LIMIT - active;
    if (room < min) {
        aws_error_set(&c->err, "InstanceLimitExceeded",
                      "You have requested more instances (%lld) than your current instance limit of %d allows "
                      "for the specified instance type. Please visit "
                      "http://aws.amazon.com/contact-us/ec2-request to request an adjustment to this limit.",
                      (long long)(active + min), INSTANCE_LIMIT);
        goto out;
    }
    int64_t n = max < room ? max : room;
    if (n > place.room) /* the subnet has addresses for min at least */
        n = place.room;

    char rid[EC2_ID_LEN + 1];
    ec2_new_id(c, "r-", rid, sizeof rid);
    char *zone = place.az ? g_strdup(place.az) : g_strconcat(c->region, "a", NULL);
    json_t *params = launch_params(c, in, img, type);
    if (lt_id) {
        /* as EC2 marks what a template launched (the aws: prefix is EC2's) */
        json_object_set_new(tags, "aws:ec2launchtemplate:id", json_string(lt_id));
        json_object_set_new(tags, "aws:ec2launchtemplate:version", json_string(lt_version));
    }
    GPtrArray *made = g_ptr_array_new();
    for (int64_t k = 0; k < n; k++) {
        char id[EC2_ID_LEN + 1];
        do
            ec2_new_id(c, "i-", id, sizeof id);
        while (g_hash_table_contains(st->by_id, id));
        ec2_instance *inst = ec2_instance_add(st, id, rid, c->account, c->region, zone, EC2_PENDING, c->now_ms);
        inst->launch_index = (int)k;
        inst->instant = svc_transitions_instant(c);
        inst->image_id = g_strdup(image);
        inst->type = g_strdup(type);
        inst->client_token = g_strdup(token);
        inst->user_data = g_strdup(svc_str(in, "UserData"));
        inst->monitoring = svc_true(get(in, "Monitoring"), "Enabled");
        inst->no_terminate = svc_true(in, "DisableApiTermination");
        ec2_net_attach_instance(c, &place, inst);
        json_decref(inst->tags);
        inst->tags = json_deep_copy(tags);
        json_object_update(inst->params, params);
        ec2_volumes_launch(c, inst, plan, vtags);
        g_ptr_array_add(made, inst);
    }
    json_decref(params);
    if (token) {
        ec2_token *t = g_new0(ec2_token, 1);
        t->fingerprint = fp;
        fp = NULL;
        t->reservation_id = g_strdup(rid);
        t->ids = g_ptr_array_new_with_free_func(g_free);
        for (guint k = 0; k < made->len; k++)
            g_ptr_array_add(t->ids, g_strdup(((ec2_instance *)g_ptr_array_index(made, k))->id));
        g_hash_table_replace(st->tokens, g_strdup(token), t);
    }
    json_t *res = reservations_json(c, made);
    c->output = json_incref(json_array_get(res, 0));
    json_decref(res);
    set_resource(c, made);
    g_ptr_array_free(made, TRUE);
    g_free(zone);
    rc = 0;
out:
    if (placed)
        ec2_launch_net_clear(&place);
    json_decref(tags);
    json_decref(vtags);
    json_decref(img);
    json_decref(plan);
    json_decref(in);
    g_free(fp);
    g_free(lt_id);
    g_free(lt_version);
    return rc;
}

/* ---- DescribeInstances / DescribeInstanceStatus ---- */

/* Every filter EC2 documents for DescribeInstances, read off the instance
 * as described (NULL: what mockaws does not keep, which matches nothing,
 * as an absent value on AWS). */
static const ec2_filter_path instance_filters[] = {
    {"affinity", "Placement.Affinity"},
    {"architecture", "Architecture"},
    {"availability-zone", "Placement.AvailabilityZone"},
    {"availability-zone-id", "Placement.AvailabilityZoneId"},
    {"block-device-mapping.attach-time", "BlockDeviceMappings.Ebs.AttachTime@time"},
    {"block-device-mapping.delete-on-termination", "BlockDeviceMappings.Ebs.DeleteOnTermination"},
    {"block-device-mapping.device-name", "BlockDeviceMappings.DeviceName"},
    {"block-device-mapping.status", "BlockDeviceMappings.Ebs.Status"},
    {"block-device-mapping.volume-id", "BlockDeviceMappings.Ebs.VolumeId"},
    {"boot-mode", "BootMode"},
    {"capacity-reservation-id", "CapacityReservationId"},
    {"capacity-reservation-specification.capacity-reservation-preference",
     "CapacityReservationSpecification.CapacityReservationPreference"},
    {"capacity-reservation-specification.capacity-reservation-target.capacity-reservation-id",
     "CapacityReservationSpecification.CapacityReservationTarget.CapacityReservationId"},
    {"capacity-reservation-specification.capacity-reservation-target.capacity-reservation-resource-group-arn",
     "CapacityReservationSpecification.CapacityReservationTarget.CapacityReservationResourceGroupArn"},
    {"client-token", "ClientToken"},
    {"current-instance-boot-mode", "CurrentInstanceBootMode"},
    {"dns-name", "PublicDnsName"},
    {"ebs-optimized", "EbsOptimized"},
    {"ena-support", "EnaSupport"},
    {"enclave-options.enabled", "EnclaveOptions.Enabled"},
    {"hibernation-options.configured", "HibernationOptions.Configured"},
    {"host-id", "Placement.HostId"},
    {"hypervisor", "Hypervisor"},
    {"iam-instance-profile.arn", "IamInstanceProfile.Arn"},
    {"iam-instance-profile.id", "IamInstanceProfile.Id"},
    {"image-id", "ImageId"},
    {"instance-id", "InstanceId"},
    {"instance-lifecycle", "InstanceLifecycle"},
    {"instance-state-code", "State.Code"},
    {"instance-state-name", "State.Name"},
    {"instance-type", "InstanceType"},
    {"instance.group-id", "SecurityGroups.GroupId"},
    {"instance.group-name", "SecurityGroups.GroupName"},
    {"ip-address", "PublicIpAddress"},
    {"ipv6-address", "NetworkInterfaces.Ipv6Addresses.Ipv6Address"},
    {"kernel-id", "KernelId"},
    {"key-name", "KeyName"},
    {"launch-index", "AmiLaunchIndex"},
    {"launch-time", "LaunchTime@time"},
    {"maintenance-options.auto-recovery", "MaintenanceOptions.AutoRecovery"},
    {"metadata-options.http-endpoint", "MetadataOptions.HttpEndpoint"},
    {"metadata-options.http-protocol-ipv4", "MetadataOptions.HttpProtocolIpv4"},
    {"metadata-options.http-protocol-ipv6", "MetadataOptions.HttpProtocolIpv6"},
    {"metadata-options.http-put-response-hop-limit", "MetadataOptions.HttpPutResponseHopLimit"},
    {"metadata-options.http-tokens", "MetadataOptions.HttpTokens"},
    {"metadata-options.instance-metadata-tags", "MetadataOptions.InstanceMetadataTags"},
    {"metadata-options.state", "MetadataOptions.State"},
    {"monitoring-state", "Monitoring.State"},
    {"network-interface.addresses.association.allocation-id",
     "NetworkInterfaces.PrivateIpAddresses.Association.AllocationId"},
    {"network-interface.addresses.association.association-id",
     "NetworkInterfaces.PrivateIpAddresses.Association.AssociationId"},
    {"network-interface.addresses.association.carrier-ip", "NetworkInterfaces.PrivateIpAddresses.Association.CarrierIp"},
    {"network-interface.addresses.association.customer-owned-ip",
     "NetworkInterfaces.PrivateIpAddresses.Association.CustomerOwnedIp"},
    {"network-interface.addresses.association.ip-owner-id",
     "NetworkInterfaces.PrivateIpAddresses.Association.IpOwnerId"},
    {"network-interface.addresses.association.public-dns-name",
     "NetworkInterfaces.PrivateIpAddresses.Association.PublicDnsName"},
    {"network-interface.addresses.association.public-ip", "NetworkInterfaces.PrivateIpAddresses.Association.PublicIp"},
    {"network-interface.addresses.primary", "NetworkInterfaces.PrivateIpAddresses.Primary"},
    {"network-interface.addresses.private-dns-name", "NetworkInterfaces.PrivateIpAddresses.PrivateDnsName"},
    {"network-interface.addresses.private-ip-address", "NetworkInterfaces.PrivateIpAddresses.PrivateIpAddress"},
    {"network-interface.association.allocation-id", "NetworkInterfaces.Association.AllocationId"},
    {"network-interface.association.association-id", "NetworkInterfaces.Association.AssociationId"},
    {"network-interface.association.carrier-ip", "NetworkInterfaces.Association.CarrierIp"},
    {"network-interface.association.customer-owned-ip", "NetworkInterfaces.Association.CustomerOwnedIp"},
    {"network-interface.association.ip-owner-id", "NetworkInterfaces.Association.IpOwnerId"},
    {"network-interface.association.public-dns-name", "NetworkInterfaces.Association.PublicDnsName"},
    {"network-interface.association.public-ip", "NetworkInterfaces.Association.PublicIp"},
    {"network-interface.attachment.attach-time", "NetworkInterfaces.Attachment.AttachTime@time"},
    {"network-interface.attachment.attachment-id", "NetworkInterfaces.Attachment.AttachmentId"},
    {"network-interface.attachment.delete-on-termination", "NetworkInterfaces.Attachment.DeleteOnTermination"},
    {"network-interface.attachment.device-index", "NetworkInterfaces.Attachment.DeviceIndex"},
    {"network-interface.attachment.instance-id", "InstanceId"},
    {"network-interface.attachment.instance-owner-id", "Reservation.OwnerId"},
    {"network-interface.attachment.network-card-index", "NetworkInterfaces.Attachment.NetworkCardIndex"},
    {"network-interface.attachment.status", "NetworkInterfaces.Attachment.Status"},
    {"network-interface.availability-zone", "Placement.AvailabilityZone"},
    {"network-interface.deny-all-igw-traffic", NULL},
    {"network-interface.description", "NetworkInterfaces.Description"},
    {"network-interface.group-id", "NetworkInterfaces.Groups.GroupId"},
    {"network-interface.group-name", "NetworkInterfaces.Groups.GroupName"},
    {"network-interface.ipv4-prefixes.ipv4-prefix", "NetworkInterfaces.Ipv4Prefixes.Ipv4Prefix"},
    {"network-interface.ipv6-address", "NetworkInterfaces.Ipv6Addresses.Ipv6Address"},
    {"network-interface.ipv6-addresses.ipv6-address", "NetworkInterfaces.Ipv6Addresses.Ipv6Address"},
    {"network-interface.ipv6-addresses.is-primary-ipv6", "NetworkInterfaces.Ipv6Addresses.IsPrimaryIpv6"},
    {"network-interface.ipv6-native", NULL},
    {"network-interface.ipv6-prefixes.ipv6-prefix", "NetworkInterfaces.Ipv6Prefixes.Ipv6Prefix"},
    {"network-interface.mac-address", "NetworkInterfaces.MacAddress"},
    {"network-interface.network-interface-id", "NetworkInterfaces.NetworkInterfaceId"},
    {"network-interface.operator.managed", NULL},
    {"network-interface.operator.principal", NULL},
    {"network-interface.outpost-arn", NULL},
    {"network-interface.owner-id", "NetworkInterfaces.OwnerId"},
    {"network-interface.private-dns-name", "NetworkInterfaces.PrivateDnsName"},
    {"network-interface.private-ip-address", "NetworkInterfaces.PrivateIpAddress"},
    {"network-interface.public-dns-name", "NetworkInterfaces.Association.PublicDnsName"},
    {"network-interface.requester-id", NULL},
    {"network-interface.requester-managed", NULL},
    {"network-interface.status", "NetworkInterfaces.Status"},
    {"network-interface.source-dest-check", "NetworkInterfaces.SourceDestCheck"},
    {"network-interface.subnet-id", "NetworkInterfaces.SubnetId"},
    {"network-interface.tag-key", "NetworkInterfaces.TagSet.Key"},
    {"network-interface.tag-value", "NetworkInterfaces.TagSet.Value"},
    {"network-interface.vpc-id", "NetworkInterfaces.VpcId"},
    {"network-performance-options.bandwidth-weighting", "NetworkPerformanceOptions.BandwidthWeighting"},
    {"operator.managed", NULL},
    {"operator.principal", NULL},
    {"outpost-arn", "OutpostArn"},
    {"owner-id", "Reservation.OwnerId"},
    {"placement-group-name", "Placement.GroupName"},
    {"placement-partition-number", "Placement.PartitionNumber"},
    {"platform", "Platform"},
    {"platform-details", "PlatformDetails"},
    {"private-dns-name", "PrivateDnsName"},
    {"private-dns-name-options.enable-resource-name-dns-a-record",
     "PrivateDnsNameOptions.EnableResourceNameDnsARecord"},
    {"private-dns-name-options.enable-resource-name-dns-aaaa-record",
     "PrivateDnsNameOptions.EnableResourceNameDnsAAAARecord"},
    {"private-dns-name-options.hostname-type", "PrivateDnsNameOptions.HostnameType"},
    {"private-ip-address", "PrivateIpAddress"},
    {"product-code", "ProductCodes.ProductCodeId"},
    {"product-code.type", "ProductCodes.ProductCodeType"},
    {"ramdisk-id", "RamdiskId"},
    {"reason", "StateTransitionReason"},
    {"requester-id", NULL},
    {"reservation-id", "Reservation.ReservationId"},
    {"root-device-name", "RootDeviceName"},
    {"root-device-type", "RootDeviceType"},
    {"source-dest-check", "SourceDestCheck"},
    {"spot-instance-request-id", "SpotInstanceRequestId"},
    {"state-reason-code", "StateReason.Code"},
    {"state-reason-message", "StateReason.Message"},
    {"subnet-id", "SubnetId"},
    {"tenancy", "Placement.Tenancy"},
    {"tpm-support", "TpmSupport"},
    {"usage-operation", "UsageOperation"},
    {"usage-operation-update-time", "UsageOperationUpdateTime@time"},
    {"virtualization-type", "VirtualizationType"},
    {"vpc-id", "VpcId"},
    {NULL, NULL},
};

/* Whether the instance (its volumes: vols) passes the filters. */
static bool instance_matches(svc_call *c, const ec2_instance *in, GPtrArray *vols, GPtrArray *filters)
{
    if (!filters->len)
        return true;
    json_t *o = instance_json(c, in, vols);
    /* what the reservation says of it */
    json_object_set_new(o, "Reservation", json_pack("{s:s, s:s}", "OwnerId", c->account, "ReservationId",
                                                    in->reservation_id));
    bool ok = ec2_filters_match(filters, instance_filters, o);
    json_decref(o);
    return ok;
}

/* The instances a describe call covers, settled, in launch order, before
 * paging: those named, or all; then filtered (by the instance filters when
 * table is set). NULL with err set. */
static GPtrArray *select_instances(svc_call *c, GPtrArray *filters, bool instance_filters_apply,
                                   bool (*keep)(svc_call *c, const ec2_instance *in), int64_t *max)
{
    json_t *ids = json_object_get(c->input, "InstanceIds");
    bool with_ids = json_array_size(ids) > 0;
    uint64_t from_seq;
    if (!page_size(c, with_ids, max) || !ec2_token_decode(c, &from_seq))
        return NULL;
    GPtrArray *base;
    if (with_ids) {
        GPtrArray *named = named_instances(c, ids);
        if (!named)
            return NULL;
        /* launch order, as EC2 lists, whatever order they were named in */
        GHashTable *wanted = g_hash_table_new(g_direct_hash, g_direct_equal);
        for (guint i = 0; i < named->len; i++)
            g_hash_table_add(wanted, g_ptr_array_index(named, i));
        GPtrArray *all = ec2_state_list(c->state, c->now_ms);
        base = g_ptr_array_new();
        for (guint i = 0; i < all->len; i++)
            if (g_hash_table_contains(wanted, g_ptr_array_index(all, i)))
                g_ptr_array_add(base, g_ptr_array_index(all, i));
        g_ptr_array_free(all, TRUE);
        g_hash_table_destroy(wanted);
        g_ptr_array_free(named, TRUE);
    } else {
        if (ec2_dry_run(c))
            return NULL;
        base = ec2_state_list(c->state, c->now_ms);
    }
    GHashTable *vols = instance_filters_apply && filters->len ? ec2_volumes_by_instance(c->state, c->now_ms) : NULL;
    for (guint i = base->len; i-- > 0;) {
        ec2_instance *in = g_ptr_array_index(base, i);
        if ((keep && !keep(c, in)) || in->seq <= from_seq ||
            (vols && !instance_matches(c, in, g_hash_table_lookup(vols, in->id), filters)))
            g_ptr_array_remove_index(base, i);
    }
    if (vols)
        g_hash_table_destroy(vols);
    return base;
}

/* Cuts list to one page; the token for the next, or NULL. */
static char *paginate(GPtrArray *list, int64_t max)
{
    if (max <= 0 || list->len <= (guint)max)
        return NULL;
    g_ptr_array_set_size(list, (guint)max);
    return ec2_token_encode(((ec2_instance *)g_ptr_array_index(list, (guint)max - 1))->seq);
}

static int describe_instances(svc_call *c)
{
    int64_t max;
    GPtrArray *filters = ec2_filters_from(c, instance_filters);
    if (!filters)
        return -1;
    GPtrArray *list = select_instances(c, filters, true, NULL, &max);
    if (!list) {
        ec2_filters_free(filters);
        return -1;
    }
    char *next = paginate(list, max);
    c->output = json_pack("{s:o}", "Reservations", reservations_json(c, list));
    if (next)
        json_object_set_new(c->output, "NextToken", json_string(next));
    /* Counted after answering: the first N polls see the transitional state. */
    for (guint i = 0; i < list->len; i++)
        ec2_count_poll(g_ptr_array_index(list, i));
    g_free(next);
    g_ptr_array_free(list, TRUE);
    ec2_filters_free(filters);
    return 0;
}

static const char *const status_filters[] = {
    "availability-zone", "event.code", "event.description", "event.instance-event-id", "event.not-after",
    "event.not-before", "event.not-before-deadline", "instance-state-code", "instance-state-name",
    "instance-status.reachability", "instance-status.status", "system-status.reachability",
    "system-status.status", "attached-ebs-status.status", "attached-ebs-status.reachability",
    "availability-zone-id", "operator.managed", "operator.principal", "application-status.status", NULL};

static bool status_visible(svc_call *c, const ec2_instance *in)
{
    return svc_true(c->input, "IncludeAllInstances") || in->state == EC2_RUNNING;
}

static json_t *summary_json(const char *status)
{
    json_t *details = json_array();
    if (strcmp(status, "not-applicable") != 0)
        json_array_append_new(details, json_pack("{s:s, s:s}", "Name", "reachability", "Status",
                                                 strcmp(status, "ok") == 0 ? "passed" : "initializing"));
    return json_pack("{s:o, s:s}", "Details", details, "Status", status);
}

static int describe_instance_status(svc_call *c)
{
    int64_t max;
    GPtrArray *filters = ec2_filters_parse(json_object_get(c->input, "Filters"), status_filters, &c->err);
    if (!filters)
        return -1;
    GPtrArray *list = select_instances(c, filters, false, status_visible, &max);
    if (!list) {
        ec2_filters_free(filters);
        return -1;
    }
    /* status filters apply to what is computed here */
    json_t *out = json_array();
    GPtrArray *kept = g_ptr_array_new();
    for (guint i = 0; i < list->len; i++) {
        ec2_instance *in = g_ptr_array_index(list, i);
        const char *st = ec2_status_check(&((ec2_state *)c->state)->tr, in, c->now_ms);
        const char *reach = strcmp(st, "ok") == 0 ? "passed" : strcmp(st, "initializing") == 0 ? "initializing" : NULL;
        char code[8];
        g_snprintf(code, sizeof code, "%d", (int)in->state);
        bool keep = true;
        for (guint f = 0; f < filters->len && keep; f++) {
            ec2_filter *ef = g_ptr_array_index(filters, f);
            const char *n = ef->name, *val = NULL;
            if (!strcmp(n, "availability-zone"))
                val = in->az;
            else if (!strcmp(n, "instance-state-code"))
                val = code;
            else if (!strcmp(n, "instance-state-name"))
                val = ec2_istate_name(in->state);
            else if (g_str_has_suffix(n, ".status") && strcmp(n, "application-status.status") != 0)
                val = st;
            else if (g_str_has_suffix(n, ".reachability"))
                val = reach;
            keep = ec2_filter_accepts(ef, val);
        }
        if (!keep)
            continue;
        g_ptr_array_add(kept, in);
    }
    char *next = paginate(kept, max);
    for (guint i = 0; i < kept->len; i++) {
        ec2_instance *in = g_ptr_array_index(kept, i);
        const char *st = ec2_status_check(&((ec2_state *)c->state)->tr, in, c->now_ms);
        json_array_append_new(out, json_pack("{s:s, s:s, s:o, s:o, s:o, s:o}", "AvailabilityZone", in->az,
                                             "InstanceId", in->id, "InstanceState", state_json(in->state),
                                             "InstanceStatus", summary_json(st), "SystemStatus", summary_json(st),
                                             "AttachedEbsStatus", summary_json(st)));
        ec2_count_poll(in);
    }
    c->output = json_pack("{s:o}", "InstanceStatuses", out);
    if (next)
        json_object_set_new(c->output, "NextToken", json_string(next));
    g_free(next);
    g_ptr_array_free(kept, TRUE);
    g_ptr_array_free(list, TRUE);
    ec2_filters_free(filters);
    return 0;
}

/* ---- state changes ---- */

typedef enum action { ACT_START, ACT_STOP, ACT_TERMINATE, ACT_REBOOT } action;

/* Why an instance cannot take the action, or NULL when it can. */
static char *refusal(const ec2_instance *in, action a)
{
    switch (a) {
    case ACT_START:
        if (in->state == EC2_STOPPING || in->state == EC2_SHUTTING_DOWN || in->state == EC2_TERMINATED)
            return g_strdup_printf("The instance '%s' is not in a state from which it can be started.", in->id);
        return NULL;
    case ACT_STOP:
        if (in->state == EC2_PENDING && in->starts == 0)
            return g_strdup_printf("Instance '%s' cannot be stopped as it has never reached the 'running' state.",
                                   in->id);
        if (in->state == EC2_PENDING || in->state == EC2_SHUTTING_DOWN || in->state == EC2_TERMINATED)
            return g_strdup_printf("This instance '%s' is not in a state from which it can be stopped.", in->id);
        return NULL;
    case ACT_REBOOT:
        if (in->state != EC2_RUNNING)
            return g_strdup_printf("The instance '%s' is not in a state from which it can be rebooted.", in->id);
        return NULL;
    case ACT_TERMINATE:
        if (in->no_terminate && in->state != EC2_TERMINATED && in->state != EC2_SHUTTING_DOWN)
            return g_strdup_printf("The instance '%s' may not be terminated. Modify its 'disableApiTermination' "
                                   "instance attribute and try again.",
                                   in->id);
        return NULL;
    }
    return NULL;
}

static int change_state(svc_call *c, action a, const char *out_key)
{
    GPtrArray *list = named_instances(c, json_object_get(c->input, "InstanceIds"));
    if (!list)
        return -1;
    set_resource(c, list);
    for (guint i = 0; i < list->len; i++) {
        char *why = refusal(g_ptr_array_index(list, i), a);
        if (why) {
            aws_error_set(&c->err, a == ACT_TERMINATE ? "OperationNotPermitted" : "IncorrectInstanceState", "%s", why);
            g_free(why);
            g_ptr_array_free(list, TRUE);
            return -1;
        }
    }
    json_t *changes = json_array();
    for (guint i = 0; i < list->len; i++) {
        ec2_instance *in = g_ptr_array_index(list, i);
        ec2_istate prev = in->state;
        switch (a) {
        case ACT_START:
            if (in->state == EC2_STOPPED) {
                in->starts++;
                in->stopped_at_ms = 0;
                ec2_enter(in, EC2_PENDING, c->now_ms);
            }
            break;
        case ACT_STOP:
            if (in->state == EC2_RUNNING) {
                in->stopped_at_ms = c->now_ms;
                ec2_enter(in, EC2_STOPPING, c->now_ms);
            }
            break;
        case ACT_TERMINATE:
            if (in->state != EC2_SHUTTING_DOWN && in->state != EC2_TERMINATED) {
                in->stopped_at_ms = c->now_ms;
                ec2_enter(in, EC2_SHUTTING_DOWN, c->now_ms);
            }
            break;
        case ACT_REBOOT:
            break;
        }
        /* A zero-length transition is already over when answered. */
        ec2_settle(&((ec2_state *)c->state)->tr, in, c->now_ms);
        json_array_append_new(changes, json_pack("{s:s, s:o, s:o}", "InstanceId", in->id, "CurrentState",
                                                 state_json(in->state), "PreviousState", state_json(prev)));
    }
    g_ptr_array_free(list, TRUE);
    if (out_key)
        c->output = json_pack("{s:o}", out_key, changes);
    else
        json_decref(changes);
    return 0;
}

static int start_instances(svc_call *c) { return change_state(c, ACT_START, "StartingInstances"); }
static int stop_instances(svc_call *c) { return change_state(c, ACT_STOP, "StoppingInstances"); }
static int terminate_instances(svc_call *c) { return change_state(c, ACT_TERMINATE, "TerminatingInstances"); }
static int reboot_instances(svc_call *c) { return change_state(c, ACT_REBOOT, NULL); }

/* ---- instance attributes ---- */

/* The one instance an input's InstanceId names, settled; NULL with c->err
 * set. */
static ec2_instance *one_instance(svc_call *c)
{
    const char *id = svc_str(c->input, "InstanceId");
    if (!id || !instance_id_ok(id)) {
        aws_error_set(&c->err, "InvalidInstanceID.Malformed", "Invalid id: \"%s\"", id ? id : "");
        return NULL;
    }
    ec2_instance *in = ec2_state_get(c->state, id, c->now_ms);
    if (!in)
        aws_error_set(&c->err, "InvalidInstanceID.NotFound", "The instance ID '%s' does not exist", id);
    else {
        g_free(c->resource);
        c->resource = g_strdup(id);
    }
    return in;
}

static json_t *value_of(json_t *v) { return v ? json_pack("{s:O}", "Value", v) : json_object(); }

/* The instance's value of an attribute as DescribeInstanceAttribute
 * gives it, under its member name: "InstanceType": {"Value": ...}. */
static void attribute_json(svc_call *c, const ec2_instance *in, const char *attr, json_t *out)
{
    GHashTable *vols = ec2_volumes_by_instance(c->state, c->now_ms);
    json_t *d = instance_json(c, in, g_hash_table_lookup(vols, in->id));
    g_hash_table_destroy(vols);
    json_t *p = in->params;
    static const char *const shown[][2] = {
        {"instanceType", "InstanceType"},     {"kernel", "KernelId"},         {"ramdisk", "RamdiskId"},
        {"rootDeviceName", "RootDeviceName"}, {"sourceDestCheck", "SourceDestCheck"},
        {"ebsOptimized", "EbsOptimized"},     {"sriovNetSupport", "SriovNetSupport"}, {"enaSupport", "EnaSupport"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(shown); i++)
        if (strcmp(attr, shown[i][0]) == 0)
            json_object_set_new(out, shown[i][1], value_of(json_object_get(d, shown[i][1])));
    if (strcmp(attr, "userData") == 0)
        json_object_set_new(out, "UserData", in->user_data ? json_pack("{s:s}", "Value", in->user_data) : json_object());
    else if (strcmp(attr, "disableApiTermination") == 0)
        json_object_set_new(out, "DisableApiTermination", json_pack("{s:b}", "Value", in->no_terminate));
    else if (strcmp(attr, "disableApiStop") == 0)
        json_object_set_new(out, "DisableApiStop", json_pack("{s:b}", "Value", svc_true(p, "DisableApiStop")));
    else if (strcmp(attr, "instanceInitiatedShutdownBehavior") == 0) {
        const char *b = svc_str(p, "InstanceInitiatedShutdownBehavior");
        json_object_set_new(out, "InstanceInitiatedShutdownBehavior", json_pack("{s:s}", "Value", b ? b : "stop"));
    } else if (strcmp(attr, "blockDeviceMapping") == 0)
        json_object_set(out, "BlockDeviceMappings", json_object_get(d, "BlockDeviceMappings"));
    else if (strcmp(attr, "productCodes") == 0)
        json_object_set(out, "ProductCodes", json_object_get(d, "ProductCodes"));
    else if (strcmp(attr, "groupSet") == 0)
        json_object_set(out, "Groups", in->groups);
    else if (strcmp(attr, "enclaveOptions") == 0)
        json_object_set(out, "EnclaveOptions", json_object_get(d, "EnclaveOptions"));
    json_decref(d);
}

static int describe_instance_attribute(svc_call *c)
{
    ec2_instance *in = one_instance(c);
    if (!in || ec2_dry_run(c))
        return -1;
    c->output = json_pack("{s:s}", "InstanceId", in->id);
    attribute_json(c, in, svc_str(c->input, "Attribute"), c->output);
    return 0;
}

/* ModifyInstanceAttribute's members, and the Attribute name each answers to. */
static const char *const modifiable[][2] = {
    {"SourceDestCheck", "sourceDestCheck"},
    {"DisableApiStop", "disableApiStop"},
    {"DisableApiTermination", "disableApiTermination"},
    {"InstanceType", "instanceType"},
    {"Kernel", "kernel"},
    {"Ramdisk", "ramdisk"},
    {"UserData", "userData"},
    {"InstanceInitiatedShutdownBehavior", "instanceInitiatedShutdownBehavior"},
    {"Groups", "groupSet"},
    {"EbsOptimized", "ebsOptimized"},
    {"SriovNetSupport", "sriovNetSupport"},
    {"EnaSupport", "enaSupport"},
    {"BlockDeviceMappings", "blockDeviceMapping"},
};

/* "true" / "false" of Attribute + Value as the boolean it is. */
static json_t *attribute_value(const char *member, const char *value)
{
    static const char *const flags[] = {"SourceDestCheck", "DisableApiStop", "DisableApiTermination",
                                        "EbsOptimized", "EnaSupport", NULL};
    if (g_strv_contains(flags, member))
        return json_pack("{s:b}", "Value", g_ascii_strcasecmp(value, "true") == 0);
    return json_pack("{s:s}", "Value", value);
}

static int modify_instance_attribute(svc_call *c)
{
    ec2_instance *in = one_instance(c);
    if (!in)
        return -1;
    /* the one change asked, as member and {"Value": ...} (or a list) */
    const char *member = NULL;
    json_t *change = NULL;
    const char *attr = svc_str(c->input, "Attribute");
    for (size_t i = 0; i < G_N_ELEMENTS(modifiable); i++) {
        json_t *v = json_object_get(c->input, modifiable[i][0]);
        bool by_name = attr && strcmp(attr, modifiable[i][1]) == 0;
        if (!v && !by_name)
            continue;
        if (member)
            return aws_error_set(&c->err, "InvalidParameterCombination",
                                 "Fields for multiple attribute types specified: %s, %s", member, modifiable[i][0]);
        member = modifiable[i][0];
        change = v ? json_incref(v)
                   : svc_str(c->input, "Value") ? attribute_value(member, svc_str(c->input, "Value")) : NULL;
    }
    if (!member || !change) {
        json_decref(change);
        return aws_error_set(&c->err, attr ? "InvalidParameterValue" : "MissingParameter",
                             attr ? "Value (%s) for parameter attribute is invalid. Unknown attribute."
                                  : "No attributes specified.",
                             attr);
    }
    int rc = -1;
    GHashTable *vols = NULL, *devices = NULL;
    const char *sval = svc_str(change, "Value");
    static const char *const while_stopped[] = {"InstanceType", "UserData", "EbsOptimized", "EnaSupport",
                                                "SriovNetSupport", "Kernel", "Ramdisk", NULL};
    if (g_strv_contains(while_stopped, member) && in->state != EC2_STOPPED) {
        aws_error_set(&c->err, "IncorrectInstanceState", "The instance '%s' is not in the 'stopped' state.", in->id);
        goto out;
    }
    if (strcmp(member, "InstanceType") == 0) {
        const char *arch = svc_str(in->params, "Architecture");
        if (!sval || !ec2_itype_arch(sval)) {
            aws_error_set(&c->err, "InvalidInstanceAttributeValue", "Value (%s) for parameter instanceType is invalid.",
                          sval ? sval : "");
            goto out;
        }
        if (arch && strcmp(arch, ec2_itype_arch(sval)) != 0) {
            aws_error_set(&c->err, "InvalidInstanceAttributeValue",
                          "The instance type '%s' does not support the '%s' architecture of the instance's AMI.",
                          sval, arch);
            goto out;
        }
    }
    if (strcmp(member, "InstanceInitiatedShutdownBehavior") == 0 && g_strcmp0(sval, "stop") != 0 &&
        g_strcmp0(sval, "terminate") != 0) {
        aws_error_set(&c->err, "InvalidParameterValue",
                      "Value (%s) for parameter instanceInitiatedShutdownBehavior is invalid. Supported values are "
                      "'stop' and 'terminate'.",
                      sval ? sval : "");
        goto out;
    }
    if (strcmp(member, "BlockDeviceMappings") == 0) {
        vols = ec2_volumes_by_instance(c->state, c->now_ms);
        GPtrArray *mine = g_hash_table_lookup(vols, in->id);
        /* device -> its volume, once: each mapping then costs a lookup */
        devices = g_hash_table_new(g_str_hash, g_str_equal);
        for (guint k = 0; mine && k < mine->len; k++)
            g_hash_table_insert(devices, ((ec2_volume *)g_ptr_array_index(mine, k))->device,
                                g_ptr_array_index(mine, k));
        size_t i;
        json_t *m;
        json_array_foreach(change, i, m) {
            const char *dev = svc_str(m, "DeviceName");
            if (!dev || !g_hash_table_contains(devices, dev)) {
                aws_error_set(&c->err, "InvalidInstanceAttributeValue", "No device is currently mapped at %s",
                              dev ? dev : "");
                goto out;
            }
        }
    }
    if (ec2_dry_run(c))
        goto out;
    json_t *flag = json_object_get(change, "Value");
    if (strcmp(member, "BlockDeviceMappings") == 0) {
        size_t i;
        json_t *m;
        json_array_foreach(change, i, m) {
            json_t *dot = json_object_get(json_object_get(m, "Ebs"), "DeleteOnTermination");
            ec2_volume *v = g_hash_table_lookup(devices, svc_str(m, "DeviceName"));
            if (dot)
                v->delete_on_termination = json_is_true(dot);
        }
    } else if (strcmp(member, "InstanceType") == 0) {
        g_free(in->type);
        in->type = g_strdup(sval);
    } else if (strcmp(member, "UserData") == 0) {
        g_free(in->user_data);
        in->user_data = g_strdup(sval);
    } else if (strcmp(member, "DisableApiTermination") == 0) {
        in->no_terminate = json_is_true(flag);
    } else if (strcmp(member, "Groups") == 0) {
        /* which groups exist is the networking's to say; kept as given */
        json_t *groups = json_array();
        size_t i;
        json_t *g;
        json_array_foreach(change, i, g) json_array_append_new(groups, json_pack("{s:O, s:O}", "GroupId", g,
                                                                                 "GroupName", g));
        json_decref(in->groups);
        in->groups = groups;
    } else {
        static const char *const renamed[][2] = {{"Kernel", "KernelId"}, {"Ramdisk", "RamdiskId"}};
        const char *key = member;
        for (size_t i = 0; i < G_N_ELEMENTS(renamed); i++)
            if (strcmp(member, renamed[i][0]) == 0)
                key = renamed[i][1];
        json_object_set(in->params, key, flag);
    }
    rc = 0;
out:
    if (devices)
        g_hash_table_destroy(devices);
    if (vols)
        g_hash_table_destroy(vols);
    json_decref(change);
    return rc;
}

/* GetLaunchTemplateData: what a template would need to launch this
 * instance again. */
static int get_launch_template_data(svc_call *c)
{
    ec2_instance *in = one_instance(c);
    if (!in || ec2_dry_run(c))
        return -1;
    GHashTable *vols = ec2_volumes_by_instance(c->state, c->now_ms);
    GPtrArray *mine = g_hash_table_lookup(vols, in->id);
    json_t *d = instance_json(c, in, mine);
    json_t *bdm = json_array();
    for (guint i = 0; mine && i < mine->len; i++) {
        ec2_volume *v = g_ptr_array_index(mine, i);
        json_t *ebs = json_pack("{s:b, s:b, s:I, s:s}", "Encrypted", v->encrypted, "DeleteOnTermination",
                                v->delete_on_termination, "VolumeSize", (json_int_t)v->size, "VolumeType", v->type);
        if (v->iops)
            json_object_set_new(ebs, "Iops", json_integer(v->iops));
        if (v->throughput)
            json_object_set_new(ebs, "Throughput", json_integer(v->throughput));
        if (v->snapshot_id)
            json_object_set_new(ebs, "SnapshotId", json_string(v->snapshot_id));
        json_array_append_new(bdm, json_pack("{s:s, s:o}", "DeviceName", v->device, "Ebs", ebs));
    }
    g_hash_table_destroy(vols);
    json_t *groups = json_array();
    size_t i;
    json_t *g;
    json_array_foreach(in->groups, i, g) json_array_append(groups, json_object_get(g, "GroupId"));
    const char *sdb = svc_str(in->params, "InstanceInitiatedShutdownBehavior");
    json_t *data = json_pack(
        "{s:O, s:O, s:{s:b}, s:O, s:b, s:s, s:o, s:[{s:b, s:s, s:i, s:O, s:[], s:[{s:b, s:s}], s:s, s:i}],"
        " s:O, s:O, s:O, s:O, s:O, s:O, s:b}",
        "ImageId", json_object_get(d, "ImageId"), "InstanceType", json_object_get(d, "InstanceType"), "Monitoring",
        "Enabled", in->monitoring, "Placement", json_object_get(d, "Placement"), "DisableApiTermination",
        in->no_terminate, "InstanceInitiatedShutdownBehavior", sdb ? sdb : "stop", "BlockDeviceMappings", bdm,
        "NetworkInterfaces", "DeleteOnTermination", 1, "Description", "", "DeviceIndex", 0, "Groups", groups,
        "Ipv6Addresses", "PrivateIpAddresses", "Primary", 1, "PrivateIpAddress", in->private_ip, "SubnetId",
        in->subnet_id, "NetworkCardIndex", 0, "EbsOptimized", json_object_get(d, "EbsOptimized"), "CpuOptions",
        json_object_get(d, "CpuOptions"), "HibernationOptions", json_object_get(d, "HibernationOptions"),
        "EnclaveOptions", json_object_get(d, "EnclaveOptions"), "PrivateDnsNameOptions",
        json_object_get(d, "PrivateDnsNameOptions"), "MaintenanceOptions", json_object_get(d, "MaintenanceOptions"),
        "DisableApiStop", svc_true(in->params, "DisableApiStop"));
    json_decref(groups);
    if (data) {
        json_t *md = json_deep_copy(json_object_get(d, "MetadataOptions"));
        json_object_del(md, "State");
        json_object_set_new(data, "MetadataOptions", md);
        if (in->key_name)
            json_object_set_new(data, "KeyName", json_string(in->key_name));
        if (in->user_data)
            json_object_set_new(data, "UserData", json_string(in->user_data));
        if (json_object_get(d, "IamInstanceProfile"))
            json_object_set(data, "IamInstanceProfile", json_object_get(d, "IamInstanceProfile"));
        if (json_object_get(in->params, "CreditSpecification"))
            json_object_set(data, "CreditSpecification", json_object_get(in->params, "CreditSpecification"));
        json_t *tags = json_deep_copy(json_object_get(d, "Tags"));
        if (tags)
            json_object_set_new(data, "TagSpecifications",
                                json_pack("[{s:s, s:o}]", "ResourceType", "instance", "Tags", tags));
    }
    json_decref(d);
    c->output = json_pack("{s:o}", "LaunchTemplateData", data ? data : json_object());
    return 0;
}

/* ---- tags ---- */

static const char *resource_type(const char *id)
{
    static const struct {
        const char *prefix, *type;
    } types[] = {{"i-", "instance"},          {"ami-", "image"},          {"vol-", "volume"},
                 {"snap-", "snapshot"},       {"sg-", "security-group"},  {"subnet-", "subnet"},
                 {"vpc-", "vpc"},             {"eni-", "network-interface"}, {"igw-", "internet-gateway"},
                 {"rtb-", "route-table"},     {"acl-", "network-acl"},    {"eipalloc-", "elastic-ip"},
                 {"nat-", "natgateway"},      {"lt-", "launch-template"}, {"key-", "key-pair"},
                 {"dopt-", "dhcp-options"},   {"r-", "reservation"},      {"sgr-", "security-group-rule"}};
    for (size_t i = 0; i < G_N_ELEMENTS(types); i++)
        if (g_str_has_prefix(id, types[i].prefix))
            return types[i].type;
    return "resource";
}

/* A resource id EC2 would accept the form of: prefix-hex. */
static bool resource_id_ok(const char *id)
{
    const char *dash = strrchr(id, '-');
    if (!dash || dash == id)
        return false;
    for (const char *p = id; p < dash; p++)
        if (!g_ascii_islower(*p) && *p != '-')
            return false;
    return ec2_all_hex(dash + 1, 8, 17);
}

/* The tag object of each resource named (borrowed), in the order named;
 * NULL with err set. */
static GPtrArray *tag_targets(svc_call *c, bool create)
{
    ec2_state *st = c->state;
    json_t *res = json_object_get(c->input, "Resources");
    size_t i;
    json_t *v;
    json_array_foreach(res, i, v) {
        const char *id = json_string_value(v);
        if (g_str_has_prefix(id, "i-") ? !instance_id_ok(id) : !resource_id_ok(id)) {
            if (g_str_has_prefix(id, "i-"))
                aws_error_set(&c->err, "InvalidInstanceID.Malformed", "Invalid id: \"%s\"", id);
            else
                aws_error_set(&c->err, "InvalidID", "The ID '%s' is not valid", id);
            return NULL;
        }
    }
    if (ec2_dry_run(c))
        return NULL;
    GPtrArray *out = g_ptr_array_new();
    json_array_foreach(res, i, v) {
        const char *id = json_string_value(v);
        json_t *tags;
        ec2_volume *vol = g_str_has_prefix(id, "vol-") ? ec2_volume_lookup(st, id) : NULL;
        json_t *lt_tags = g_str_has_prefix(id, "lt-") ? ec2_template_tags(st->templates, id) : NULL;
        json_t *ami_tags = g_str_has_prefix(id, "ami-") ? ec2_image_tags(st->images, id) : NULL;
        if (vol) {
            tags = vol->tags;
        } else if (lt_tags) {
            tags = lt_tags;
        } else if (ami_tags) {
            tags = ami_tags;
        } else if (g_str_has_prefix(id, "i-")) {
            ec2_instance *in = ec2_state_get(st, id, c->now_ms);
            if (!in) {
                aws_error_set(&c->err, "InvalidInstanceID.NotFound", "The instance ID '%s' does not exist", id);
                g_ptr_array_free(out, TRUE);
                return NULL;
            }
            tags = in->tags;
        } else {
            tags = g_hash_table_lookup(st->tags, id);
            if (!tags && create) {
                tags = json_object();
                g_hash_table_replace(st->tags, g_strdup(id), tags);
            }
        }
        if (tags)
            g_ptr_array_add(out, tags);
    }
    return out;
}

static int create_tags(svc_call *c)
{
    json_t *tags = json_object_get(c->input, "Tags");
    if (ec2_check_tags(c, tags) != 0)
        return -1;
    /* The tags as they will stand, once: a key given twice is one tag (the
     * last value wins). More of them than a resource may hold fails every
     * resource, said before any work per resource, which they then bound. */
    json_t *final = json_object();
    size_t i;
    json_t *tag;
    json_array_foreach(tags, i, tag)
        json_object_set_new(final, svc_str(tag, "Key"), json_string(svc_str(tag, "Value") ? svc_str(tag, "Value") : ""));
    int rc = 0;
    GPtrArray *targets = NULL;
    if (json_object_size(final) > EC2_MAX_TAGS) {
        rc = aws_error_set(&c->err, "TagLimitExceeded", "The maximum number of tags for a resource is %d.", EC2_MAX_TAGS);
        goto out;
    }
    /* Check the limit before changing anything, as EC2 does all or none. */
    targets = tag_targets(c, false);
    if (!targets) {
        rc = -1;
        goto out;
    }
    for (guint t = 0; t < targets->len; t++) {
        json_t *obj = g_ptr_array_index(targets, t);
        size_t added = 0;
        const char *k;
        json_t *v;
        json_object_foreach(final, k, v) added += !json_object_get(obj, k);
        if (json_object_size(obj) + added > EC2_MAX_TAGS) {
            rc = aws_error_set(&c->err, "TagLimitExceeded", "The maximum number of tags for a resource is %d.",
                               EC2_MAX_TAGS);
            goto out;
        }
    }
    g_ptr_array_free(targets, TRUE);
    targets = tag_targets(c, true);
    for (guint t = 0; targets && t < targets->len; t++)
        json_object_update(g_ptr_array_index(targets, t), final);
out:
    if (targets)
        g_ptr_array_free(targets, TRUE);
    json_decref(final);
    return rc;
}

static int delete_tags(svc_call *c)
{
    GPtrArray *targets = tag_targets(c, false);
    if (!targets)
        return -1;
    json_t *tags = json_object_get(c->input, "Tags");
    /* key -> the values that remove it (a JSON object used as a set), or
     * JSON null when any value does: built once, so that each resource
     * costs its own (at most EC2_MAX_TAGS) tags, not the length of the list */
    json_t *doomed = json_object();
    size_t i;
    json_t *tag;
    json_array_foreach(tags, i, tag) {
        const char *k = svc_str(tag, "Key");
        const char *want = svc_str(tag, "Value");
        json_t *have = k ? json_object_get(doomed, k) : NULL;
        if (!k || json_is_null(have))
            continue;
        if (!want) {
            json_object_set_new(doomed, k, json_null());
            continue;
        }
        if (!have) {
            have = json_object();
            json_object_set_new(doomed, k, have);
        }
        json_object_set_new(have, want, json_true());
    }
    for (guint t = 0; t < targets->len; t++) {
        json_t *obj = g_ptr_array_index(targets, t);
        if (!tags) {
            json_object_clear(obj);
            continue;
        }
        const char *k;
        json_t *have;
        void *tmp;
        json_object_foreach_safe(obj, tmp, k, have) {
            json_t *values = json_object_get(doomed, k);
            /* with a value, only a tag holding that value goes */
            if (values && (json_is_null(values) || (json_is_string(have) && json_object_get(values, json_string_value(have)))))
                json_object_del(obj, k);
        }
    }
    json_decref(doomed);
    g_ptr_array_free(targets, TRUE);
    return 0;
}

typedef struct tag_row {
    const char *id, *key, *value;
} tag_row;

static gint row_cmp(gconstpointer a, gconstpointer b)
{
    const tag_row *x = a, *y = b;
    int r = strcmp(x->id, y->id);
    return r ? r : strcmp(x->key, y->key);
}

/* A row per tag of one resource (borrowed strings). */
static void add_rows(GArray *rows, const char *id, json_t *tags)
{
    const char *k;
    json_t *v;
    json_object_foreach(tags, k, v) {
        tag_row r = {id, k, json_string_value(v)};
        g_array_append_val(rows, r);
    }
}

static const char *const tag_filters[] = {"key", "value", "resource-id", "resource-type", "tag:", NULL};

static int describe_tags(svc_call *c)
{
    ec2_state *st = c->state;
    int64_t max;
    uint64_t from;
    if (!page_size(c, false, &max) || !ec2_token_decode(c, &from))
        return -1;
    GPtrArray *filters = ec2_filters_parse(json_object_get(c->input, "Filters"), tag_filters, &c->err);
    if (!filters)
        return -1;
    if (ec2_dry_run(c)) {
        ec2_filters_free(filters);
        return -1;
    }
    GArray *rows = g_array_new(FALSE, FALSE, sizeof(tag_row));
    GPtrArray *live = ec2_state_list(st, c->now_ms);
    for (guint i = 0; i < live->len; i++) {
        ec2_instance *in = g_ptr_array_index(live, i);
        const char *k;
        json_t *v;
        json_object_foreach(in->tags, k, v) {
            tag_row r = {in->id, k, json_string_value(v)};
            g_array_append_val(rows, r);
        }
    }
    GPtrArray *vols = ec2_volumes_list(st, c->now_ms);
    for (guint i = 0; i < vols->len; i++)
        add_rows(rows, ((ec2_volume *)g_ptr_array_index(vols, i))->id, ((ec2_volume *)g_ptr_array_index(vols, i))->tags);
    GPtrArray *tagged = ec2_template_ids(st->templates);
    for (guint i = 0; i < tagged->len; i++)
        add_rows(rows, g_ptr_array_index(tagged, i), ec2_template_tags(st->templates, g_ptr_array_index(tagged, i)));
    g_ptr_array_free(tagged, TRUE);
    tagged = ec2_image_ids(st->images);
    for (guint i = 0; i < tagged->len; i++)
        add_rows(rows, g_ptr_array_index(tagged, i), ec2_image_tags(st->images, g_ptr_array_index(tagged, i)));
    g_ptr_array_free(tagged, TRUE);
    GHashTableIter it;
    gpointer id, obj;
    g_hash_table_iter_init(&it, st->tags);
    while (g_hash_table_iter_next(&it, &id, &obj)) {
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)obj, k, v) {
            tag_row r = {id, k, json_string_value(v)};
            g_array_append_val(rows, r);
        }
    }
    g_array_sort(rows, row_cmp);
    json_t *out = json_array();
    uint64_t pos = 0;
    char *next = NULL;
    for (guint i = 0; i < rows->len; i++) {
        tag_row *r = &g_array_index(rows, tag_row, i);
        bool keep = true;
        for (guint f = 0; f < filters->len && keep; f++) {
            ec2_filter *ef = g_ptr_array_index(filters, f);
            if (g_str_has_prefix(ef->name, "tag:"))
                keep = strcmp(ef->name + 4, r->key) == 0 && ec2_filter_accepts(ef, r->value);
            else
                keep = ec2_filter_accepts(ef, !strcmp(ef->name, "key")             ? r->key
                                              : !strcmp(ef->name, "value")         ? r->value
                                              : !strcmp(ef->name, "resource-id")   ? r->id
                                                                                   : resource_type(r->id));
        }
        if (!keep)
            continue;
        pos++;
        if (pos <= from)
            continue;
        if (max > 0 && json_array_size(out) == (size_t)max) {
            next = ec2_token_encode(pos - 1);
            break;
        }
        json_array_append_new(out, json_pack("{s:s, s:s, s:s, s:s}", "Key", r->key, "ResourceId", r->id,
                                             "ResourceType", resource_type(r->id), "Value", r->value));
    }
    c->output = json_pack("{s:o}", "Tags", out);
    if (next)
        json_object_set_new(c->output, "NextToken", json_string(next));
    g_free(next);
    g_array_free(rows, TRUE);
    g_ptr_array_free(vols, TRUE);
    g_ptr_array_free(live, TRUE);
    ec2_filters_free(filters);
    return 0;
}

/* ---- service ---- */

static void *state_new(const void *config) { return ec2_state_new(); }
static void state_free(void *s) { ec2_state_free(s); }
/* A deep copy (ec2_state_clone): namespaces hold few instances. */
static void *state_clone(const void *s, const void *config)
{
    (void)config;
    return ec2_state_clone(s);
}
static int state_load(void *s, json_t *section, const svc_fixture_ctx *ctx, char *err, size_t errlen)
{
    return ec2_state_load(s, section, ctx, err, errlen);
}
static json_t *state_dump(void *s, const svc_dump_ctx *ctx) { return ec2_state_dump(s); }

/* Every operation that reads instances settles them, which writes: they all
 * take the write lock. Regions and zones touch no state. */
static const svc_op ops[] = {
    {"RunInstances", run_instances, SVC_LOCK_EXCLUSIVE},
    {"DescribeInstances", describe_instances, SVC_LOCK_EXCLUSIVE},
    {"DescribeInstanceStatus", describe_instance_status, SVC_LOCK_EXCLUSIVE},
    {"StartInstances", start_instances, SVC_LOCK_EXCLUSIVE},
    {"StopInstances", stop_instances, SVC_LOCK_EXCLUSIVE},
    {"RebootInstances", reboot_instances, SVC_LOCK_EXCLUSIVE},
    {"TerminateInstances", terminate_instances, SVC_LOCK_EXCLUSIVE},
    {"CreateTags", create_tags, SVC_LOCK_EXCLUSIVE},
    {"DeleteTags", delete_tags, SVC_LOCK_EXCLUSIVE},
    {"DescribeTags", describe_tags, SVC_LOCK_EXCLUSIVE},
    {"DescribeRegions", describe_regions, SVC_LOCK_SHARED},
    {"DescribeAvailabilityZones", describe_availability_zones, SVC_LOCK_SHARED},
    /* images, instance types, volumes, instance attributes, launch templates */
    {"DescribeImages", ec2_describe_images, SVC_LOCK_EXCLUSIVE},
    {"CreateImage", ec2_create_image, SVC_LOCK_EXCLUSIVE},
    {"DeregisterImage", ec2_deregister_image, SVC_LOCK_EXCLUSIVE},
    {"DescribeImageAttribute", ec2_describe_image_attribute, SVC_LOCK_EXCLUSIVE},
    {"DescribeInstanceTypes", ec2_describe_instance_types, SVC_LOCK_SHARED},
    {"DescribeInstanceTypeOfferings", ec2_describe_instance_type_offerings, SVC_LOCK_SHARED},
    {"CreateVolume", ec2_create_volume, SVC_LOCK_EXCLUSIVE},
    {"DescribeVolumes", ec2_describe_volumes, SVC_LOCK_EXCLUSIVE},
    {"DescribeVolumeStatus", ec2_describe_volume_status, SVC_LOCK_EXCLUSIVE},
    {"AttachVolume", ec2_attach_volume, SVC_LOCK_EXCLUSIVE},
    {"DetachVolume", ec2_detach_volume, SVC_LOCK_EXCLUSIVE},
    {"DeleteVolume", ec2_delete_volume, SVC_LOCK_EXCLUSIVE},
    {"ModifyVolume", ec2_modify_volume, SVC_LOCK_EXCLUSIVE},
    {"DescribeInstanceAttribute", describe_instance_attribute, SVC_LOCK_EXCLUSIVE},
    {"ModifyInstanceAttribute", modify_instance_attribute, SVC_LOCK_EXCLUSIVE},
    {"CreateLaunchTemplate", ec2_create_launch_template, SVC_LOCK_EXCLUSIVE},
    {"CreateLaunchTemplateVersion", ec2_create_launch_template_version, SVC_LOCK_EXCLUSIVE},
    {"DescribeLaunchTemplates", ec2_describe_launch_templates, SVC_LOCK_EXCLUSIVE},
    {"DescribeLaunchTemplateVersions", ec2_describe_launch_template_versions, SVC_LOCK_EXCLUSIVE},
    {"ModifyLaunchTemplate", ec2_modify_launch_template, SVC_LOCK_EXCLUSIVE},
    {"DeleteLaunchTemplateVersions", ec2_delete_launch_template_versions, SVC_LOCK_EXCLUSIVE},
    {"DeleteLaunchTemplate", ec2_delete_launch_template, SVC_LOCK_EXCLUSIVE},
    {"GetLaunchTemplateData", get_launch_template_data, SVC_LOCK_EXCLUSIVE},
    /* networking (net.c, secgroup.c): the default VPC is made on first use,
     * and reads follow instances' states, so every one writes */
    {"DescribeAccountAttributes", ec2_net_describe_account_attributes, SVC_LOCK_EXCLUSIVE},
    {"CreateVpc", ec2_net_create_vpc, SVC_LOCK_EXCLUSIVE},
    {"CreateDefaultVpc", ec2_net_create_default_vpc, SVC_LOCK_EXCLUSIVE},
    {"DescribeVpcs", ec2_net_describe_vpcs, SVC_LOCK_EXCLUSIVE},
    {"DeleteVpc", ec2_net_delete_vpc, SVC_LOCK_EXCLUSIVE},
    {"DescribeVpcAttribute", ec2_net_describe_vpc_attribute, SVC_LOCK_EXCLUSIVE},
    {"ModifyVpcAttribute", ec2_net_modify_vpc_attribute, SVC_LOCK_EXCLUSIVE},
    {"CreateSubnet", ec2_net_create_subnet, SVC_LOCK_EXCLUSIVE},
    {"CreateDefaultSubnet", ec2_net_create_default_subnet, SVC_LOCK_EXCLUSIVE},
    {"DescribeSubnets", ec2_net_describe_subnets, SVC_LOCK_EXCLUSIVE},
    {"DeleteSubnet", ec2_net_delete_subnet, SVC_LOCK_EXCLUSIVE},
    {"ModifySubnetAttribute", ec2_net_modify_subnet_attribute, SVC_LOCK_EXCLUSIVE},
    {"CreateSecurityGroup", ec2_secgroup_create, SVC_LOCK_EXCLUSIVE},
    {"DescribeSecurityGroups", ec2_secgroup_describe, SVC_LOCK_EXCLUSIVE},
    {"DeleteSecurityGroup", ec2_secgroup_delete, SVC_LOCK_EXCLUSIVE},
    {"AuthorizeSecurityGroupIngress", ec2_secgroup_authorize_ingress, SVC_LOCK_EXCLUSIVE},
    {"AuthorizeSecurityGroupEgress", ec2_secgroup_authorize_egress, SVC_LOCK_EXCLUSIVE},
    {"RevokeSecurityGroupIngress", ec2_secgroup_revoke_ingress, SVC_LOCK_EXCLUSIVE},
    {"RevokeSecurityGroupEgress", ec2_secgroup_revoke_egress, SVC_LOCK_EXCLUSIVE},
    {"DescribeSecurityGroupRules", ec2_secgroup_describe_rules, SVC_LOCK_EXCLUSIVE},
    {"CreateKeyPair", ec2_keypair_op_create, SVC_LOCK_EXCLUSIVE},
    {"ImportKeyPair", ec2_keypair_op_import, SVC_LOCK_EXCLUSIVE},
    {"DescribeKeyPairs", ec2_keypair_op_describe, SVC_LOCK_EXCLUSIVE},
    {"DeleteKeyPair", ec2_keypair_op_delete, SVC_LOCK_EXCLUSIVE},
    {"AllocateAddress", ec2_address_allocate, SVC_LOCK_EXCLUSIVE},
    {"DescribeAddresses", ec2_address_describe, SVC_LOCK_EXCLUSIVE},
    {"AssociateAddress", ec2_address_associate, SVC_LOCK_EXCLUSIVE},
    {"DisassociateAddress", ec2_address_disassociate, SVC_LOCK_EXCLUSIVE},
    {"ReleaseAddress", ec2_address_release, SVC_LOCK_EXCLUSIVE},
    {"CreateNetworkInterface", ec2_eni_create, SVC_LOCK_EXCLUSIVE},
    {"DescribeNetworkInterfaces", ec2_eni_describe, SVC_LOCK_EXCLUSIVE},
    {"AttachNetworkInterface", ec2_eni_attach, SVC_LOCK_EXCLUSIVE},
    {"DetachNetworkInterface", ec2_eni_detach, SVC_LOCK_EXCLUSIVE},
    {"DeleteNetworkInterface", ec2_eni_delete, SVC_LOCK_EXCLUSIVE},
    {NULL, NULL, SVC_LOCK_EXCLUSIVE},
};

const svc_def ec2_service = {
    .name = "ec2",
    .ops = ops,
    .scope = SVC_SCOPE_REGION,
    .state_new = state_new,
    .state_free = state_free,
    .state_clone = state_clone,
    .state_load = state_load,
    .fixture_settings = (const char *const[]){"transitions", NULL},
    .state_dump = state_dump,
    .validation_error = ec2_validation_error,
    .resource_of = ec2_resource_of,
    .unknown_operation_code = "InvalidAction",
    .unknown_operation_status = 400,
    .authorize = ec2_authorize,
    .access_denied = ec2_access_denied,
    .control = ec2_control,
};
