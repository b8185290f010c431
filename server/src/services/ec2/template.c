#include "services/ec2/template.h"

#include <stdlib.h>
#include <string.h>

#include "services/ec2/common.h"
#include "services/ec2/instance.h"
#include "services/svc_api.h"

/* A template version limit per template, as EC2 has (10,000). */
#define MAX_VERSIONS 10000

typedef struct lt_ver {
    int64_t number;
    char *description; /* or NULL */
    int64_t created_ms;
    json_t *data; /* LaunchTemplateData as given, owned */
} lt_ver;

typedef struct lt {
    char id[24];
    char *name;
    uint64_t seq;
    int64_t created_ms;
    char *created_by;
    int64_t default_version, latest_version;
    GPtrArray *versions; /* lt_ver*, ascending, owned */
    json_t *tags;        /* {key: value}, owned */
} lt;

struct ec2_templates {
    GHashTable *by_id;   /* id -> lt*, owned */
    GHashTable *by_name; /* name -> lt*, borrowed */
    uint64_t next_seq;
};

static void version_free(gpointer p)
{
    lt_ver *v = p;
    g_free(v->description);
    json_decref(v->data);
    g_free(v);
}

static void lt_free(gpointer p)
{
    lt *t = p;
    g_free(t->name);
    g_free(t->created_by);
    g_ptr_array_free(t->versions, TRUE);
    json_decref(t->tags);
    g_free(t);
}

ec2_templates *ec2_templates_new(void)
{
    ec2_templates *ts = g_new0(ec2_templates, 1);
    ts->by_id = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, lt_free);
    ts->by_name = g_hash_table_new(g_str_hash, g_str_equal);
    return ts;
}

void ec2_templates_free(ec2_templates *ts)
{
    if (!ts)
        return;
    g_hash_table_destroy(ts->by_name);
    g_hash_table_destroy(ts->by_id);
    g_free(ts);
}

static lt *lt_add(ec2_templates *ts, const char *id, const char *name, int64_t created_ms, const char *by)
{
    lt *t = g_new0(lt, 1);
    g_strlcpy(t->id, id, sizeof t->id);
    t->name = g_strdup(name);
    t->seq = ++ts->next_seq;
    t->created_ms = created_ms;
    t->created_by = g_strdup(by);
    t->versions = g_ptr_array_new_with_free_func(version_free);
    t->tags = json_object();
    g_hash_table_replace(ts->by_id, t->id, t);
    g_hash_table_replace(ts->by_name, t->name, t);
    return t;
}

static lt_ver *version_add(lt *t, int64_t number, const char *description, int64_t created_ms, json_t *data)
{
    lt_ver *v = g_new0(lt_ver, 1);
    v->number = number;
    v->description = g_strdup(description);
    v->created_ms = created_ms;
    v->data = data;
    g_ptr_array_add(t->versions, v);
    if (number > t->latest_version)
        t->latest_version = number;
    return v;
}

ec2_templates *ec2_templates_clone(const ec2_templates *ts)
{
    ec2_templates *c = ec2_templates_new();
    c->next_seq = ts->next_seq;
    GHashTableIter it;
    gpointer k, val;
    g_hash_table_iter_init(&it, ts->by_id);
    while (g_hash_table_iter_next(&it, &k, &val)) {
        const lt *from = val;
        lt *t = lt_add(c, from->id, from->name, from->created_ms, from->created_by);
        t->seq = from->seq;
        t->default_version = from->default_version;
        for (guint i = 0; i < from->versions->len; i++) {
            const lt_ver *v = g_ptr_array_index(from->versions, i);
            version_add(t, v->number, v->description, v->created_ms, json_deep_copy(v->data));
        }
        t->latest_version = from->latest_version;
        json_object_update(t->tags, from->tags);
    }
    return c;
}

static ec2_templates *of(svc_call *c) { return ((ec2_state *)c->state)->templates; }

/* ---- naming a template and a version ---- */

static bool name_ok(const char *n)
{
    size_t len = strlen(n);
    return len >= 3 && len <= 128 &&
           strspn(n, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789().-/_") == len;
}

int ec2_template_name_error(aws_error *e)
{
    return aws_error_set(e, "InvalidLaunchTemplateName.MalformedException",
                         "A launch template name must be between 3 and 128 characters, and may contain letters, "
                         "numbers, and the following characters: - ( ) . / _.'");
}

/* The template o names by LaunchTemplateId or LaunchTemplateName; NULL with
 * c->err set. */
static lt *find(svc_call *c, json_t *o)
{
    const char *id = svc_str(o, "LaunchTemplateId"), *name = svc_str(o, "LaunchTemplateName");
    if (id && name) {
        aws_error_set(&c->err, "InvalidParameterCombination",
                      "The parameters launchTemplateId and launchTemplateName cannot be used together.");
        return NULL;
    }
    if (!id && !name) {
        aws_error_set(&c->err, "MissingParameter",
                      "The request must contain the parameter launchTemplateName or launchTemplateId");
        return NULL;
    }
    if (id && !ec2_id_ok(id, "lt-")) {
        aws_error_set(&c->err, "InvalidLaunchTemplateId.Malformed",
                      "The specified ID for the launch template is not valid. The ID must be in the format "
                      "lt-xxxxxxxxxxxxxxxxx.");
        return NULL;
    }
    lt *t = id ? g_hash_table_lookup(of(c)->by_id, id) : g_hash_table_lookup(of(c)->by_name, name);
    if (t)
        return t;
    if (id)
        aws_error_set(&c->err, "InvalidLaunchTemplateId.NotFound",
                      "The specified launch template, with template ID %s, does not exist.", id);
    else
        aws_error_set(&c->err, "InvalidLaunchTemplateName.NotFoundException",
                      "The specified launch template, with template name %s, does not exist.", name);
    return NULL;
}

static lt_ver *version_number(lt *t, int64_t n)
{
    for (guint i = 0; i < t->versions->len; i++) {
        lt_ver *v = g_ptr_array_index(t->versions, i);
        if (v->number == n)
            return v;
    }
    return NULL;
}

/* "$Latest", "$Default" or a number; NULL (default) is $Default. NULL with
 * c->err set when there is no such version. */
static lt_ver *find_version(svc_call *c, lt *t, const char *ver)
{
    int64_t n;
    char *end = NULL;
    if (!ver || strcmp(ver, "$Default") == 0)
        n = t->default_version;
    else if (strcmp(ver, "$Latest") == 0)
        n = t->latest_version;
    else {
        n = g_ascii_strtoll(ver, &end, 10);
        if (!*ver || *end || n < 1) {
            aws_error_set(&c->err, "InvalidLaunchTemplateId.VersionNotFound",
                          "Could not find launch template version %s for launch template %s", ver, t->id);
            return NULL;
        }
    }
    lt_ver *v = version_number(t, n);
    if (!v)
        aws_error_set(&c->err, "InvalidLaunchTemplateId.VersionNotFound",
                      "Could not find launch template version %s for launch template %s", ver, t->id);
    return v;
}

static json_t *template_json(const lt *t)
{
    json_t *o = json_pack("{s:s, s:s, s:I, s:s, s:I, s:I}", "LaunchTemplateId", t->id, "LaunchTemplateName", t->name,
                          "CreateTime", (json_int_t)(t->created_ms / 1000), "CreatedBy", t->created_by,
                          "DefaultVersionNumber", (json_int_t)t->default_version, "LatestVersionNumber",
                          (json_int_t)t->latest_version);
    if (json_object_size(t->tags))
        json_object_set_new(o, "Tags", ec2_tags_json(t->tags));
    return o;
}

static json_t *version_json(const lt *t, const lt_ver *v)
{
    json_t *o = json_pack("{s:s, s:s, s:I, s:I, s:s, s:b, s:O}", "LaunchTemplateId", t->id, "LaunchTemplateName",
                          t->name, "VersionNumber", (json_int_t)v->number, "CreateTime",
                          (json_int_t)(v->created_ms / 1000), "CreatedBy", t->created_by, "DefaultVersion",
                          v->number == t->default_version, "LaunchTemplateData", v->data);
    if (v->description)
        json_object_set_new(o, "VersionDescription", json_string(v->description));
    return o;
}

/* The answer that shows the template, about it. */
static int answer(svc_call *c, const lt *t)
{
    c->output = json_pack("{s:o}", "LaunchTemplate", template_json(t));
    g_free(c->resource);
    c->resource = g_strdup(t->id);
    return 0;
}

/* ---- operations ---- */

/* What a template's data may not hold, as EC2 checks at creation. */
static int check_data(svc_call *c, json_t *data)
{
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(data, "TagSpecifications"), i, v) if (
        ec2_check_tags(c, json_object_get(v, "Tags")) != 0) return -1;
    const char *image = svc_str(data, "ImageId");
    if (image && !g_str_has_prefix(image, "resolve:ssm:") && !ec2_id_ok(image, "ami-"))
        return aws_error_set(&c->err, "InvalidAMIID.Malformed", "Invalid id: \"%s\" (expecting \"ami-...\")", image);
    return 0;
}

int ec2_create_launch_template(svc_call *c)
{
    ec2_templates *ts = of(c);
    const char *name = svc_str(c->input, "LaunchTemplateName");
    json_t *data = json_object_get(c->input, "LaunchTemplateData");
    if (!name_ok(name))
        return ec2_template_name_error(&c->err);
    if (check_data(c, data) != 0)
        return -1;
    json_t *tags = ec2_spec_tags(c, c->input, "launch-template");
    if (!tags)
        return -1;
    if (g_hash_table_contains(ts->by_name, name)) {
        json_decref(tags);
        return aws_error_set(&c->err, "InvalidLaunchTemplateName.AlreadyExistsException",
                             "Launch template name already in use.");
    }
    if (ec2_dry_run(c)) {
        json_decref(tags);
        return -1;
    }
    char id[24], *arn = NULL, *uid = NULL;
    do
        ec2_new_id(c, "lt-", id, sizeof id);
    while (g_hash_table_contains(ts->by_id, id));
    svc_principal(c, &arn, &uid);
    lt *t = lt_add(ts, id, name, c->now_ms, arn ? arn : "");
    g_free(arn);
    g_free(uid);
    version_add(t, 1, svc_str(c->input, "VersionDescription"), c->now_ms, json_deep_copy(data));
    t->default_version = 1;
    json_object_update(t->tags, tags);
    json_decref(tags);
    return answer(c, t);
}

int ec2_create_launch_template_version(svc_call *c)
{
    json_t *data = json_object_get(c->input, "LaunchTemplateData");
    lt *t = find(c, c->input);
    if (!t || check_data(c, data) != 0)
        return -1;
    const char *src = svc_str(c->input, "SourceVersion");
    lt_ver *from = src ? find_version(c, t, src) : NULL;
    if (src && !from)
        return -1;
    if (t->versions->len >= MAX_VERSIONS)
        return aws_error_set(&c->err, "VersionLimitExceeded",
                             "You've reached the maximum number of versions (%d) for this launch template.",
                             MAX_VERSIONS);
    if (ec2_dry_run(c))
        return -1;
    /* a source version's parameters stay unless the new data gives them */
    json_t *merged = from ? json_deep_copy(from->data) : json_object();
    json_object_update(merged, data);
    lt_ver *v = version_add(t, t->latest_version + 1, svc_str(c->input, "VersionDescription"), c->now_ms, merged);
    c->output = json_pack("{s:o}", "LaunchTemplateVersion", version_json(t, v));
    g_free(c->resource);
    c->resource = g_strdup(t->id);
    return 0;
}

static gint lt_seq_cmp(gconstpointer a, gconstpointer b)
{
    const lt *x = *(lt *const *)a, *y = *(lt *const *)b;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static const ec2_filter_path template_filters[] = {
    {"create-time", "CreateTime@time"},
    {"launch-template-name", "LaunchTemplateName"},
    {NULL, NULL},
};

int ec2_describe_launch_templates(svc_call *c)
{
    ec2_templates *ts = of(c);
    json_t *ids = json_object_get(c->input, "LaunchTemplateIds");
    json_t *names = json_object_get(c->input, "LaunchTemplateNames");
    GPtrArray *filters = ec2_filters_from(c, template_filters);
    if (!filters)
        return -1;
    GPtrArray *list = g_ptr_array_new();
    size_t i;
    json_t *v;
    bool named = json_array_size(ids) || json_array_size(names);
    /* ids first, then names: each must name a template */
    const char *keys[] = {"LaunchTemplateId", "LaunchTemplateName"};
    json_t *lists[] = {ids, names};
    for (size_t k = 0; k < G_N_ELEMENTS(keys); k++) {
        json_array_foreach(lists[k], i, v) {
            json_t *q = json_pack("{s:O}", keys[k], v);
            lt *t = find(c, q);
            json_decref(q);
            if (!t)
                goto fail;
            g_ptr_array_add(list, t);
        }
    }
    if (ec2_dry_run(c))
        goto fail;
    if (!named) {
        g_ptr_array_free(list, TRUE);
        list = ec2_hash_values(ts->by_id);
    }
    g_ptr_array_sort(list, lt_seq_cmp);
    json_t *out = json_array();
    const lt *prev = NULL;
    for (guint k = 0; k < list->len; k++) {
        const lt *t = g_ptr_array_index(list, k);
        if (t == prev)
            continue;
        prev = t;
        json_t *o = template_json(t);
        if (ec2_filters_match(filters, template_filters, o))
            json_array_append(out, o);
        json_decref(o);
    }
    g_ptr_array_free(list, TRUE);
    ec2_filters_free(filters);
    return ec2_page_out(c, out, "LaunchTemplates", 1, 200);
fail:
    g_ptr_array_free(list, TRUE);
    ec2_filters_free(filters);
    return -1;
}

static const ec2_filter_path version_filters[] = {
    {"create-time", "CreateTime@time"},
    {"ebs-optimized", "LaunchTemplateData.EbsOptimized"},
    {"http-endpoint", "LaunchTemplateData.MetadataOptions.HttpEndpoint"},
    {"http-protocol-ipv4", "LaunchTemplateData.MetadataOptions.HttpProtocolIpv4"},
    {"host-resource-group-arn", "LaunchTemplateData.Placement.HostResourceGroupArn"},
    {"http-tokens", "LaunchTemplateData.MetadataOptions.HttpTokens"},
    {"iam-instance-profile", "LaunchTemplateData.IamInstanceProfile.Arn"},
    {"image-id", "LaunchTemplateData.ImageId"},
    {"instance-type", "LaunchTemplateData.InstanceType"},
    {"is-default-version", "DefaultVersion"},
    {"kernel-id", "LaunchTemplateData.KernelId"},
    {"license-configuration-arn", "LaunchTemplateData.LicenseSpecifications.LicenseConfigurationArn"},
    {"network-card-index", "LaunchTemplateData.NetworkInterfaces.NetworkCardIndex"},
    {"ram-disk-id", "LaunchTemplateData.RamDiskId"},
    {NULL, NULL},
};

static int64_t version_bound(svc_call *c, const char *key, int64_t dflt, bool *ok)
{
    const char *s = svc_str(c->input, key);
    if (!s)
        return dflt;
    char *end;
    int64_t n = g_ascii_strtoll(s, &end, 10);
    if (!*s || *end || n < 1) {
        aws_error_set(&c->err, "InvalidParameterValue", "Value (%s) for parameter %s is invalid.", s, key);
        *ok = false;
    }
    return n;
}

int ec2_describe_launch_template_versions(svc_call *c)
{
    json_t *versions = json_object_get(c->input, "Versions");
    lt *t = find(c, c->input);
    if (!t)
        return -1;
    bool ok = true;
    int64_t lo = version_bound(c, "MinVersion", 1, &ok), hi = version_bound(c, "MaxVersion", INT64_MAX, &ok);
    if (!ok)
        return -1;
    GPtrArray *filters = ec2_filters_from(c, version_filters);
    if (!filters)
        return -1;
    json_t *out = json_array();
    size_t i;
    json_t *v;
    if (json_array_size(versions)) {
        GHashTable *seen = g_hash_table_new(g_direct_hash, g_direct_equal);
        json_array_foreach(versions, i, v) {
            lt_ver *lv = find_version(c, t, json_string_value(v));
            if (!lv) {
                g_hash_table_destroy(seen);
                json_decref(out);
                ec2_filters_free(filters);
                return -1;
            }
            if (g_hash_table_add(seen, lv))
                json_array_append_new(out, version_json(t, lv));
        }
        g_hash_table_destroy(seen);
    } else {
        /* newest first, as EC2 lists them */
        for (guint k = t->versions->len; k-- > 0;) {
            lt_ver *lv = g_ptr_array_index(t->versions, k);
            if (lv->number >= lo && lv->number <= hi)
                json_array_append_new(out, version_json(t, lv));
        }
    }
    if (ec2_dry_run(c)) {
        json_decref(out);
        ec2_filters_free(filters);
        return -1;
    }
    json_t *kept = json_array();
    json_array_foreach(out, i, v) if (ec2_filters_match(filters, version_filters, v)) json_array_append(kept, v);
    json_decref(out);
    ec2_filters_free(filters);
    return ec2_page_out(c, kept, "LaunchTemplateVersions", 1, 200);
}

int ec2_modify_launch_template(svc_call *c)
{
    lt *t = find(c, c->input);
    if (!t)
        return -1;
    const char *d = svc_str(c->input, "DefaultVersion");
    lt_ver *v = d ? find_version(c, t, d) : NULL;
    if (d && !v)
        return -1;
    if (ec2_dry_run(c))
        return -1;
    if (v)
        t->default_version = v->number;
    return answer(c, t);
}

int ec2_delete_launch_template_versions(svc_call *c)
{
    lt *t = find(c, c->input);
    if (!t || ec2_dry_run(c))
        return -1;
    json_t *done = json_array(), *failed = json_array();
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(c->input, "Versions"), i, v) {
        const char *s = json_string_value(v);
        char *end;
        int64_t n = g_ascii_strtoll(s, &end, 10);
        lt_ver *lv = *s && !*end ? version_number(t, n) : NULL;
        const char *code = NULL, *msg = NULL;
        if (!lv) {
            code = "launchTemplateVersionDoesNotExist";
            msg = "Could not find specified version";
        } else if (lv->number == t->default_version) {
            code = "launchTemplateVersionIsDefaultVersion";
            msg = "Cannot delete the default version of a launch template";
        }
        if (code) {
            json_t *e = json_pack("{s:s, s:s, s:{s:s, s:s}}", "LaunchTemplateId", t->id, "LaunchTemplateName", t->name,
                                  "ResponseError", "Code", code, "Message", msg);
            if (*s && !*end)
                json_object_set_new(e, "VersionNumber", json_integer(n));
            json_array_append_new(failed, e);
            continue;
        }
        json_array_append_new(done, json_pack("{s:s, s:s, s:I}", "LaunchTemplateId", t->id, "LaunchTemplateName",
                                              t->name, "VersionNumber", (json_int_t)n));
        g_ptr_array_remove(t->versions, lv);
    }
    c->output = json_pack("{s:o, s:o}", "SuccessfullyDeletedLaunchTemplateVersions", done,
                          "UnsuccessfullyDeletedLaunchTemplateVersions", failed);
    g_free(c->resource);
    c->resource = g_strdup(t->id);
    return 0;
}

int ec2_delete_launch_template(svc_call *c)
{
    lt *t = find(c, c->input);
    if (!t || ec2_dry_run(c))
        return -1;
    answer(c, t);
    g_hash_table_remove(of(c)->by_name, t->name);
    g_hash_table_remove(of(c)->by_id, t->id);
    return 0;
}

json_t *ec2_template_tags(ec2_templates *ts, const char *id)
{
    lt *t = g_hash_table_lookup(ts->by_id, id);
    return t ? t->tags : NULL;
}

GPtrArray *ec2_template_ids(ec2_templates *ts) { return ec2_hash_keys(ts->by_id); }

/* ---- RunInstances ---- */

json_t *ec2_template_merge(svc_call *c, json_t *input, char **lt_id, char **lt_version)
{
    *lt_id = *lt_version = NULL;
    json_t *spec = json_object_get(input, "LaunchTemplate");
    if (!spec)
        return json_incref(input);
    lt *t = find(c, spec);
    if (!t)
        return NULL;
    lt_ver *v = find_version(c, t, svc_str(spec, "Version"));
    if (!v)
        return NULL;
    json_t *merged = json_deep_copy(v->data);
    /* the template's name for RunInstances' RamdiskId */
    json_t *ramdisk = json_object_get(merged, "RamDiskId");
    if (ramdisk) {
        json_object_set(merged, "RamdiskId", ramdisk);
        json_object_del(merged, "RamDiskId");
    }
    json_t *tspecs = json_incref(json_object_get(merged, "TagSpecifications"));
    json_object_update(merged, input);
    if (tspecs && json_object_get(input, "TagSpecifications")) {
        json_t *all = json_deep_copy(tspecs);
        json_array_extend(all, json_object_get(input, "TagSpecifications"));
        json_object_set_new(merged, "TagSpecifications", all);
    }
    json_decref(tspecs);
    json_object_del(merged, "LaunchTemplate");
    *lt_id = g_strdup(t->id);
    *lt_version = g_strdup_printf("%lld", (long long)v->number);
    return merged;
}

/* ---- fixtures ---- */

int ec2_templates_load(ec2_templates *ts, json_t *list, char *err, size_t errlen)
{
    if (!json_is_array(list)) {
        g_snprintf(err, errlen, "\"launch_templates\" must be a list");
        return -1;
    }
    size_t i;
    json_t *o;
    json_array_foreach(list, i, o) {
        const char *id = svc_str(o, "id"), *name = svc_str(o, "name");
        json_t *versions = json_object_get(o, "versions");
        if (!ec2_id_ok(id, "lt-") || !name || !name_ok(name) || !json_array_size(versions) ||
            g_hash_table_contains(ts->by_id, id) || g_hash_table_contains(ts->by_name, name)) {
            g_snprintf(err, errlen,
                       "launch_templates[%zu] must have a new \"id\" (lt-...), a new valid \"name\" and "
                       "\"versions\"",
                       i);
            return -1;
        }
        lt *t = lt_add(ts, id, name, json_integer_value(json_object_get(o, "created_ms")),
                       svc_str(o, "created_by") ? svc_str(o, "created_by") : "");
        size_t j;
        json_t *v;
        json_array_foreach(versions, j, v) {
            json_t *n = json_object_get(v, "number");
            if (!json_is_integer(n) || json_integer_value(n) < 1 || version_number(t, json_integer_value(n)) ||
                !json_is_object(json_object_get(v, "data"))) {
                g_snprintf(err, errlen, "launch_templates[%zu].versions[%zu] needs a new \"number\" and \"data\"", i,
                           j);
                return -1;
            }
            version_add(t, json_integer_value(n), svc_str(v, "description"),
                        json_integer_value(json_object_get(v, "created_ms")),
                        json_deep_copy(json_object_get(v, "data")));
        }
        json_t *d = json_object_get(o, "default_version");
        t->default_version = d ? json_integer_value(d) : 1;
        if (!version_number(t, t->default_version)) {
            g_snprintf(err, errlen, "launch_templates[%zu].default_version is not one of its versions", i);
            return -1;
        }
        if (json_is_object(json_object_get(o, "tags")))
            json_object_update(t->tags, json_object_get(o, "tags"));
    }
    return 0;
}

json_t *ec2_templates_dump(const ec2_templates *ts)
{
    if (!g_hash_table_size(ts->by_id))
        return NULL;
    GPtrArray *all = ec2_hash_values(ts->by_id);
    g_ptr_array_sort(all, lt_seq_cmp);
    json_t *out = json_array();
    for (guint i = 0; i < all->len; i++) {
        const lt *t = g_ptr_array_index(all, i);
        json_t *versions = json_array();
        for (guint k = 0; k < t->versions->len; k++) {
            const lt_ver *v = g_ptr_array_index(t->versions, k);
            json_t *o = json_pack("{s:I, s:I, s:O}", "number", (json_int_t)v->number, "created_ms",
                                  (json_int_t)v->created_ms, "data", v->data);
            if (v->description)
                svc_json_set_bytes(o, "description", v->description, strlen(v->description));
            json_array_append_new(versions, o);
        }
        json_array_append_new(out, json_pack("{s:s, s:s, s:I, s:s, s:I, s:O, s:o}", "id", t->id, "name", t->name,
                                             "created_ms", (json_int_t)t->created_ms, "created_by", t->created_by,
                                             "default_version", (json_int_t)t->default_version, "tags", t->tags,
                                             "versions", versions));
    }
    g_ptr_array_free(all, TRUE);
    return out;
}
