#include "services/s3/cors.h"

#include <glib.h>
#include <string.h>

#include "services/service.h"

bool s3_cors_pattern_match(const char *pattern, const char *value, bool fold)
{
    if (!pattern || !value)
        return false;
    int (*cmp)(const char *, const char *, size_t) = fold ? g_ascii_strncasecmp : strncmp;
    const char *star = strchr(pattern, '*');
    size_t plen = strlen(pattern), vlen = strlen(value);
    if (!star)
        return plen == vlen && cmp(pattern, value, plen) == 0;
    /* one wildcard: what comes before it starts the value, what comes after ends it */
    size_t pre = (size_t)(star - pattern), post = plen - pre - 1;
    return vlen >= pre + post && cmp(pattern, value, pre) == 0 && cmp(star + 1, value + vlen - post, post) == 0;
}

static bool any_matches(json_t *patterns, const char *value, bool fold)
{
    size_t i;
    json_t *p;
    json_array_foreach(patterns, i, p) {
        if (s3_cors_pattern_match(json_string_value(p), value, fold))
            return true;
    }
    return false;
}

static bool holds(json_t *list, const char *value)
{
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v) {
        if (g_strcmp0(json_string_value(v), value) == 0)
            return true;
    }
    return false;
}

/* The names of Access-Control-Request-Headers, trimmed, empty ones dropped. */
static gchar **requested_names(const char *request_headers)
{
    gchar **names = g_strsplit(request_headers ? request_headers : "", ",", -1);
    size_t n = 0;
    for (size_t i = 0; names[i]; i++) {
        g_strstrip(names[i]);
        if (*names[i])
            names[n++] = names[i];
        else
            g_free(names[i]);
    }
    names[n] = NULL;
    return names;
}

json_t *s3_cors_match(json_t *cors, const char *origin, const char *method, const char *request_headers)
{
    if (!origin || !method)
        return NULL;
    gchar **names = requested_names(request_headers);
    json_t *found = NULL;
    size_t i;
    json_t *rule;
    json_array_foreach(json_object_get(cors, "CORSRules"), i, rule) {
        if (!any_matches(json_object_get(rule, "AllowedOrigins"), origin, false) ||
            !holds(json_object_get(rule, "AllowedMethods"), method))
            continue;
        bool covered = true;
        for (size_t j = 0; names[j] && covered; j++)
            covered = any_matches(json_object_get(rule, "AllowedHeaders"), names[j], true);
        if (covered) {
            found = rule;
            break;
        }
    }
    g_strfreev(names);
    return found;
}

static json_t *joined(json_t *list)
{
    GString *g = g_string_new(NULL);
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v) g_string_append_printf(g, "%s%s", i ? ", " : "", json_string_value(v));
    json_t *out = json_string(g->str);
    g_string_free(g, TRUE);
    return out;
}

json_t *s3_cors_answer(json_t *rule, const char *origin, const char *request_headers)
{
    bool any_origin = holds(json_object_get(rule, "AllowedOrigins"), "*");
    json_t *out = json_object();
    json_object_set_new(out, "AllowOrigin", json_string(any_origin ? "*" : origin));
    json_object_set_new(out, "AllowMethods", joined(json_object_get(rule, "AllowedMethods")));
    gchar **names = requested_names(request_headers);
    if (names[0]) {
        json_t *lower = json_array();
        for (size_t j = 0; names[j]; j++) {
            gchar *l = g_ascii_strdown(names[j], -1);
            json_array_append_new(lower, json_string(l));
            g_free(l);
        }
        json_object_set_new(out, "AllowHeaders", joined(lower));
        json_decref(lower);
    }
    g_strfreev(names);
    json_t *expose = json_object_get(rule, "ExposeHeaders");
    if (json_array_size(expose))
        json_object_set_new(out, "ExposeHeaders", joined(expose));
    json_t *max_age = json_object_get(rule, "MaxAgeSeconds");
    if (json_is_integer(max_age)) {
        char buf[32];
        g_snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, json_integer_value(max_age));
        json_object_set_new(out, "MaxAge", json_string(buf));
    }
    if (!any_origin)
        json_object_set_new(out, "AllowCredentials", json_string("true"));
    json_object_set_new(out, "Vary",
                        json_string("Origin, Access-Control-Request-Headers, Access-Control-Request-Method"));
    return out;
}

void s3_cors_each_header(json_t *answer, void (*fn)(const char *name, const char *value, void *arg), void *arg)
{
    static const char *const names[][2] = {
        {"AllowOrigin", "Access-Control-Allow-Origin"},
        {"AllowMethods", "Access-Control-Allow-Methods"},
        {"AllowHeaders", "Access-Control-Allow-Headers"},
        {"ExposeHeaders", "Access-Control-Expose-Headers"},
        {"MaxAge", "Access-Control-Max-Age"},
        {"AllowCredentials", "Access-Control-Allow-Credentials"},
        {"Vary", "Vary"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        const char *v = svc_str(answer, names[i][0]);
        if (v)
            fn(names[i][1], v, arg);
    }
}
