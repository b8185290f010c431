#include "services/ec2/common.h"

#include <stdlib.h>
#include <string.h>

#include "services/svc_api.h"

#define HEX "0123456789abcdef"

bool ec2_dry_run(svc_call *c)
{
    if (!svc_true(c->input, "DryRun"))
        return false;
    aws_error_set(&c->err, "DryRunOperation", "Request would have succeeded, but DryRun flag is set.");
    return true;
}

bool ec2_all_hex(const char *s, size_t min, size_t max)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (!g_ascii_isxdigit(s[n]) || g_ascii_isupper(s[n]))
            return false;
    return n >= min && n <= max;
}

bool ec2_id_ok(const char *id, const char *prefix)
{
    if (!id || !g_str_has_prefix(id, prefix))
        return false;
    size_t n = strlen(id + strlen(prefix));
    return (n == 8 || n == 17) && ec2_all_hex(id + strlen(prefix), 8, 17);
}

void ec2_new_id(svc_call *c, const char *prefix, char *out, size_t outlen)
{
    char hex[18];
    svc_random_string(c, hex, 17, HEX);
    hex[17] = '\0';
    g_snprintf(out, outlen, "%s%s", prefix, hex);
}

bool ec2_max_results(svc_call *c, int64_t lo, int64_t hi, int64_t *max)
{
    json_t *m = json_object_get(c->input, "MaxResults");
    *max = 0;
    if (!m)
        return true;
    int64_t n = json_integer_value(m);
    if (n < lo) {
        aws_error_set(&c->err, "InvalidParameterValue",
                      "Value ( %lld ) for parameter maxResults is invalid. Expecting a value greater than %lld.",
                      (long long)n, (long long)lo);
        return false;
    }
    if (n > hi) {
        aws_error_set(&c->err, "InvalidParameterValue",
                      "Value ( %lld ) for parameter maxResults is invalid. Expecting a value less than or equal "
                      "to %lld.",
                      (long long)n, (long long)hi);
        return false;
    }
    *max = n;
    return true;
}

/* Page tokens are opaque to clients: a position, base64'd so that nobody
 * is tempted to build one. */
char *ec2_token_encode(uint64_t pos)
{
    char raw[32];
    g_snprintf(raw, sizeof raw, "mockaws:%" G_GUINT64_FORMAT, pos);
    return g_base64_encode((const guchar *)raw, strlen(raw));
}

bool ec2_token_decode(svc_call *c, uint64_t *pos)
{
    const char *t = svc_str(c->input, "NextToken");
    *pos = 0;
    if (!t || !*t)
        return true;
    gsize n = 0;
    guchar *raw = NULL;
    bool ok = false;
    size_t len = strlen(t);
    if (len < 64 && len % 4 == 0 &&
        strspn(t, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") == len) {
        raw = g_base64_decode(t, &n);
        char buf[32] = "";
        if (raw && n < sizeof buf) {
            memcpy(buf, raw, n);
            char *end;
            if (g_str_has_prefix(buf, "mockaws:") && g_ascii_isdigit(buf[8])) {
                *pos = g_ascii_strtoull(buf + 8, &end, 10);
                ok = *end == '\0';
            }
        }
    }
    g_free(raw);
    if (!ok)
        aws_error_set(&c->err, "InvalidParameterValue",
                      "Value ( %s ) for parameter nextToken is invalid. The token is invalid.", t);
    return ok;
}

int ec2_page_out(svc_call *c, json_t *items, const char *key, int64_t lo, int64_t hi)
{
    int64_t max;
    uint64_t from;
    if (!ec2_max_results(c, lo, hi, &max) || !ec2_token_decode(c, &from)) {
        json_decref(items);
        return -1;
    }
    json_t *page = json_array();
    size_t n = json_array_size(items);
    size_t end = max > 0 && from + (uint64_t)max < n ? (size_t)(from + (uint64_t)max) : n;
    for (size_t i = (size_t)from; i < end; i++)
        json_array_append(page, json_array_get(items, i));
    c->output = json_pack("{s:o}", key, page);
    if (end < n) {
        char *next = ec2_token_encode(end);
        json_object_set_new(c->output, "NextToken", json_string(next));
        g_free(next);
    }
    json_decref(items);
    return 0;
}

json_t *ec2_tags_json(json_t *tags)
{
    json_t *out = json_array();
    const char *k;
    json_t *v;
    json_object_foreach(tags, k, v) json_array_append_new(out, json_pack("{s:s, s:O}", "Key", k, "Value", v));
    return out;
}

int ec2_check_tags(svc_call *c, json_t *tags)
{
    size_t i;
    json_t *t;
    json_array_foreach(tags, i, t) {
        const char *k = svc_str(t, "Key");
        if (!k)
            return aws_error_set(&c->err, "InvalidParameterValue", "Tag key cannot be null");
        if (g_str_has_prefix(k, "aws:"))
            return aws_error_set(&c->err, "InvalidParameterValue",
                                 "Tag keys starting with 'aws:' are reserved for internal use");
        if (g_utf8_strlen(k, -1) > 128 || g_utf8_strlen(svc_str(t, "Value") ? svc_str(t, "Value") : "", -1) > 256)
            return aws_error_set(&c->err, "InvalidParameterValue",
                                 "Tag keys may be up to 128 characters and values up to 256");
    }
    return 0;
}

json_t *ec2_spec_tags(svc_call *c, json_t *input, const char *rt)
{
    json_t *tags = json_object();
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(input, "TagSpecifications"), i, v) {
        const char *type = svc_str(v, "ResourceType");
        if (!type) {
            json_decref(tags);
            aws_error_set(&c->err, "InvalidParameterValue", "Tag specification resource type must have a value");
            return NULL;
        }
        if (ec2_check_tags(c, json_object_get(v, "Tags")) != 0) {
            json_decref(tags);
            return NULL;
        }
        if (strcmp(type, rt) != 0)
            continue;
        size_t j;
        json_t *t;
        json_array_foreach(json_object_get(v, "Tags"), j, t) json_object_set_new(
            tags, svc_str(t, "Key"), json_string(svc_str(t, "Value") ? svc_str(t, "Value") : ""));
    }
    if (json_object_size(tags) > EC2_MAX_TAGS) {
        json_decref(tags);
        aws_error_set(&c->err, "TagLimitExceeded", "The maximum number of tags for a resource is %d.", EC2_MAX_TAGS);
        return NULL;
    }
    return tags;
}

char *ec2_iso_time(int64_t seconds)
{
    GDateTime *dt = g_date_time_new_from_unix_utc(seconds);
    if (!dt)
        return g_strdup("");
    char *out = g_date_time_format(dt, "%Y-%m-%dT%H:%M:%S.000Z");
    g_date_time_unref(dt);
    return out;
}

/* ---- filters over the described JSON ---- */

static const ec2_filter_path *path_of(const ec2_filter_path *table, const char *name)
{
    for (const ec2_filter_path *p = table; p->name; p++) {
        size_t n = strlen(p->name);
        if (n && p->name[n - 1] == ':' ? strncmp(name, p->name, n) == 0 && name[n] : strcmp(name, p->name) == 0)
            return p;
    }
    return NULL;
}

GPtrArray *ec2_filters_from(svc_call *c, const ec2_filter_path *table)
{
    GPtrArray *names = g_ptr_array_new();
    for (const ec2_filter_path *p = table; p->name; p++)
        g_ptr_array_add(names, (gpointer)p->name);
    g_ptr_array_add(names, "tag:");
    g_ptr_array_add(names, "tag-key");
    g_ptr_array_add(names, "tag-value");
    g_ptr_array_add(names, NULL);
    GPtrArray *out = ec2_filters_parse(json_object_get(c->input, "Filters"), (const char *const *)names->pdata, &c->err);
    g_ptr_array_free(names, TRUE);
    return out;
}

/* Whether the filter accepts a value at path under v (arrays crossed). */
static bool accepts_at(const ec2_filter *f, json_t *v, const char *path, bool as_time)
{
    if (json_is_array(v)) {
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e) if (accepts_at(f, e, path, as_time)) return true;
        return false;
    }
    if (*path) {
        const char *dot = strchr(path, '.');
        size_t n = dot ? (size_t)(dot - path) : strlen(path);
        char member[64];
        if (n >= sizeof member || !json_is_object(v))
            return false;
        memcpy(member, path, n);
        member[n] = '\0';
        return accepts_at(f, json_object_get(v, member), dot ? dot + 1 : "", as_time);
    }
    char buf[32];
    if (json_is_string(v))
        return ec2_filter_accepts(f, json_string_value(v));
    if (json_is_boolean(v))
        return ec2_filter_accepts(f, json_is_true(v) ? "true" : "false");
    if (json_is_integer(v) && as_time) {
        char *t = ec2_iso_time(json_integer_value(v));
        bool ok = ec2_filter_accepts(f, t);
        g_free(t);
        return ok;
    }
    if (json_is_integer(v)) {
        g_snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        return ec2_filter_accepts(f, buf);
    }
    if (json_is_real(v)) {
        g_ascii_formatd(buf, sizeof buf, "%g", json_real_value(v));
        return ec2_filter_accepts(f, buf);
    }
    return false;
}

static bool tag_accepts(const ec2_filter *f, json_t *tags)
{
    size_t i;
    json_t *t;
    json_array_foreach(tags, i, t) {
        const char *k = svc_str(t, "Key"), *v = svc_str(t, "Value");
        if (g_str_has_prefix(f->name, "tag:") ? strcmp(f->name + 4, k) == 0 && ec2_filter_accepts(f, v)
            : strcmp(f->name, "tag-key") == 0 ? ec2_filter_accepts(f, k)
                                              : ec2_filter_accepts(f, v))
            return true;
    }
    return false;
}

bool ec2_filters_match(GPtrArray *filters, const ec2_filter_path *table, json_t *item)
{
    for (guint i = 0; i < filters->len; i++) {
        const ec2_filter *f = g_ptr_array_index(filters, i);
        const ec2_filter_path *p = path_of(table, f->name);
        bool ok;
        if (p && p->path) {
            char *path = g_strdup(p->path);
            bool as_time = g_str_has_suffix(path, "@time");
            if (as_time)
                path[strlen(path) - 5] = '\0';
            ok = accepts_at(f, item, path, as_time);
            g_free(path);
        } else if (!p && (g_str_has_prefix(f->name, "tag:") || !strcmp(f->name, "tag-key") ||
                          !strcmp(f->name, "tag-value"))) {
            /* "TagSet" in the resources whose model calls it so (ENIs) */
            json_t *tags = json_object_get(item, "Tags");
            ok = tag_accepts(f, tags ? tags : json_object_get(item, "TagSet"));
        } else {
            ok = false;
        }
        if (!ok)
            return false;
    }
    return true;
}

static GPtrArray *hash_items(GHashTable *t, bool keys)
{
    GPtrArray *out = g_ptr_array_sized_new(g_hash_table_size(t));
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, t);
    while (g_hash_table_iter_next(&it, &k, &v))
        g_ptr_array_add(out, keys ? k : v);
    return out;
}

GPtrArray *ec2_hash_values(GHashTable *t) { return hash_items(t, false); }
GPtrArray *ec2_hash_keys(GHashTable *t) { return hash_items(t, true); }
