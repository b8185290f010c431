#include "services/sns/platform.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "services/service.h"
#include "services/sns/store.h"

#define MAX_CUSTOM_USER_DATA 2048

static gint cmp_str(gconstpointer a, gconstpointer b, gpointer unused)
{
    (void)unused;
    return strcmp(a, b);
}

static void endpoint_free(gpointer p)
{
    sns_endpoint *e = p;
    g_free(e->arn);
    json_decref(e->attrs);
    g_free(e);
}

static void app_free(gpointer p)
{
    sns_app *a = p;
    g_hash_table_destroy(a->by_token);
    g_tree_destroy(a->endpoints);
    g_free(a->arn);
    g_free(a->name);
    g_free(a->platform);
    json_decref(a->attrs);
    json_decref(a->credentials);
    g_free(a);
}

sns_platform *sns_platform_new(void)
{
    sns_platform *p = g_new0(sns_platform, 1);
    p->apps = g_tree_new_full(cmp_str, NULL, NULL, app_free);
    p->endpoints = g_hash_table_new(g_str_hash, g_str_equal);
    return p;
}

void sns_platform_free(sns_platform *p)
{
    if (!p)
        return;
    g_hash_table_destroy(p->endpoints);
    g_tree_destroy(p->apps);
    g_free(p);
}

static gboolean copy_endpoint(gpointer key, gpointer value, gpointer data)
{
    (void)key;
    void **to = data;
    const sns_endpoint *e = value;
    sns_endpoint_add(to[0], to[1], e->arn, json_deep_copy(e->attrs));
    return FALSE;
}

static gboolean copy_app(gpointer key, gpointer value, gpointer to)
{
    (void)key;
    const sns_app *a = value;
    sns_app *c = sns_app_put(to, a->arn, a->name, a->platform, a->attrs);
    json_object_update(c->credentials, a->credentials);
    void *pair[2] = {to, c};
    g_tree_foreach(a->endpoints, copy_endpoint, pair);
    return FALSE;
}

sns_platform *sns_platform_clone(const sns_platform *p)
{
    sns_platform *c = sns_platform_new();
    g_tree_foreach(p->apps, copy_app, c);
    return c;
}

/* ---- rules ---- */

static const char *const platforms[] = {"APNS", "APNS_SANDBOX", "GCM", "ADM", "BAIDU", "MPNS", "WNS", NULL};

bool sns_platform_known(const char *platform) { return platform && g_strv_contains(platforms, platform); }

int sns_app_name_check(const char *name, char *err, size_t errlen)
{
    const char *reason = NULL;
    if (!*name)
        reason = "cannot be empty";
    else if (strlen(name) > 256)
        reason = "must be at most 256 characters long";
    for (const char *c = name; !reason && *c; c++)
        if (!g_ascii_isalnum(*c) && *c != '_' && *c != '-' && *c != '.')
            reason = "must contain only characters 'a'-'z', 'A'-'Z', '0'-'9', '_', '-', and '.'";
    if (!reason)
        return 0;
    g_snprintf(err, errlen, "%s Reason: %s", name, reason);
    return -1;
}

static const char *const app_attrs[] = {"PlatformCredential",     "PlatformPrincipal",
                                        "EventEndpointCreated",   "EventEndpointDeleted",
                                        "EventEndpointUpdated",   "EventDeliveryFailure",
                                        "SuccessFeedbackRoleArn", "FailureFeedbackRoleArn",
                                        "SuccessFeedbackSampleRate", "ApplePlatformTeamID",
                                        "ApplePlatformBundleID",  "Enabled",
                                        NULL};

static bool is_credential(const char *name)
{
    return !strcmp(name, "PlatformCredential") || !strcmp(name, "PlatformPrincipal");
}

int sns_app_attributes_check(const char *platform, json_t *attrs, bool creating, char *err, size_t errlen)
{
    const char *k;
    json_t *v;
    json_object_foreach(attrs, k, v) {
        if (!g_strv_contains(app_attrs, k)) {
            g_snprintf(err, errlen, "Attributes Reason: Invalid attribute name: %s", k);
            return -1;
        }
        if (!strcmp(k, "SuccessFeedbackSampleRate")) {
            const char *s = json_string_value(v);
            char *end;
            long n = s ? strtol(s, &end, 10) : -1;
            if (!s || !*s || *end || n < 0 || n > 100) {
                g_snprintf(err, errlen, "Attributes Reason: SuccessFeedbackSampleRate: Invalid value [%s]. Must be 0 to 100.",
                           s ? s : "");
                return -1;
            }
        }
        if (!strcmp(k, "Enabled") && g_strcmp0(json_string_value(v), "true") && g_strcmp0(json_string_value(v), "false")) {
            g_snprintf(err, errlen, "Attributes Reason: Enabled: Invalid value [%s]. Must be true or false.",
                       json_string_value(v) ? json_string_value(v) : "");
            return -1;
        }
    }
    if (!creating)
        return 0;
    bool cred = svc_str(attrs, "PlatformCredential") && *svc_str(attrs, "PlatformCredential");
    bool principal = svc_str(attrs, "PlatformPrincipal") && *svc_str(attrs, "PlatformPrincipal");
    /* GCM (Firebase) takes a key alone, MPNS may be unauthenticated; the
     * others need a principal with the credential */
    bool gcm = !strcmp(platform, "GCM");
    if (cred && !principal && !gcm) {
        g_snprintf(err, errlen, "Attributes Reason: PlatformCredential attribute provided without PlatformPrincipal");
        return -1;
    }
    if (principal && !cred) {
        g_snprintf(err, errlen, "Attributes Reason: PlatformPrincipal attribute provided without PlatformCredential");
        return -1;
    }
    if (!cred && strcmp(platform, "MPNS") != 0) {
        g_snprintf(err, errlen, "Attributes Reason: PlatformCredential is required for platform %s", platform);
        return -1;
    }
    return 0;
}

/* ---- applications ---- */

sns_app *sns_app_find(sns_platform *p, const char *arn) { return arn ? g_tree_lookup(p->apps, arn) : NULL; }

void sns_app_set_attributes(sns_app *a, json_t *attrs)
{
    const char *k;
    json_t *v;
    json_object_foreach(attrs, k, v) json_object_set(is_credential(k) ? a->credentials : a->attrs, k, v);
}

sns_app *sns_app_put(sns_platform *p, const char *arn, const char *name, const char *platform, json_t *attrs)
{
    sns_app *a = sns_app_find(p, arn);
    if (!a) {
        a = g_new0(sns_app, 1);
        a->arn = g_strdup(arn);
        a->name = g_strdup(name);
        a->platform = g_strdup(platform);
        a->attrs = json_pack("{s:s}", "Enabled", "true");
        a->credentials = json_object();
        a->endpoints = g_tree_new_full(cmp_str, NULL, NULL, endpoint_free);
        a->by_token = g_hash_table_new(g_str_hash, g_str_equal);
        g_tree_insert(p->apps, a->arn, a);
    }
    sns_app_set_attributes(a, attrs);
    return a;
}

static gboolean forget_endpoint(gpointer key, gpointer value, gpointer table)
{
    (void)value;
    g_hash_table_remove(table, key);
    return FALSE;
}

void sns_app_remove(sns_platform *p, sns_app *a)
{
    g_tree_foreach(a->endpoints, forget_endpoint, p->endpoints);
    g_tree_remove(p->apps, a->arn);
}

/* ---- endpoints ---- */

static const char *const endpoint_attrs[] = {"CustomUserData", "Enabled", "Token", NULL};

int sns_endpoint_attributes_check(json_t *attrs, char *err, size_t errlen)
{
    const char *k;
    json_t *v;
    json_object_foreach(attrs, k, v) {
        const char *s = json_string_value(v);
        if (!g_strv_contains(endpoint_attrs, k)) {
            g_snprintf(err, errlen, "Attributes Reason: Invalid attribute name: %s", k);
            return -1;
        }
        if (!strcmp(k, "CustomUserData") && s && strlen(s) > MAX_CUSTOM_USER_DATA) {
            g_snprintf(err, errlen, "Attributes Reason: Invalid value for attribute: CustomUserData: must be at most "
                                    "2048 bytes long in UTF-8 encoding");
            return -1;
        }
        if (!strcmp(k, "Enabled") && g_strcmp0(s, "true") && g_strcmp0(s, "false")) {
            g_snprintf(err, errlen, "Attributes Reason: Enabled: Invalid value [%s]. Must be true or false.", s ? s : "");
            return -1;
        }
        if (!strcmp(k, "Token") && (!s || !*s)) {
            g_snprintf(err, errlen, "Attributes Reason: Token: must not be empty");
            return -1;
        }
    }
    return 0;
}

sns_endpoint *sns_endpoint_find(sns_platform *p, const char *arn)
{
    return arn ? g_hash_table_lookup(p->endpoints, arn) : NULL;
}

sns_endpoint *sns_endpoint_by_token(sns_app *a, const char *token)
{
    return token ? g_hash_table_lookup(a->by_token, token) : NULL;
}

sns_endpoint *sns_endpoint_add(sns_platform *p, sns_app *a, const char *arn, json_t *attrs)
{
    sns_endpoint *e = g_new0(sns_endpoint, 1);
    e->arn = g_strdup(arn);
    e->app = a;
    e->attrs = attrs;
    g_tree_insert(a->endpoints, e->arn, e);
    g_hash_table_replace(p->endpoints, e->arn, e);
    const char *token = svc_str(e->attrs, "Token");
    if (token && !g_hash_table_contains(a->by_token, token))
        g_hash_table_replace(a->by_token, (gpointer)token, e);
    return e;
}

/* by_token's key is the endpoint's own Token string: drop it before the
 * string changes. */
static void unindex_token(sns_endpoint *e)
{
    const char *token = svc_str(e->attrs, "Token");
    if (token && g_hash_table_lookup(e->app->by_token, token) == e)
        g_hash_table_remove(e->app->by_token, token);
}

void sns_endpoint_set_attributes(sns_endpoint *e, json_t *attrs)
{
    unindex_token(e);
    json_object_update(e->attrs, attrs);
    const char *token = svc_str(e->attrs, "Token");
    if (token && !g_hash_table_contains(e->app->by_token, token))
        g_hash_table_replace(e->app->by_token, (gpointer)token, e);
}

void sns_endpoint_remove(sns_platform *p, sns_endpoint *e)
{
    unindex_token(e);
    g_hash_table_remove(p->endpoints, e->arn);
    g_tree_remove(e->app->endpoints, e->arn);
}

bool sns_endpoint_enabled(const sns_endpoint *e) { return g_strcmp0(svc_str(e->attrs, "Enabled"), "false") != 0; }

char *sns_endpoint_arn(const sns_app *a, const char *uuid)
{
    /* arn:...:app/PLATFORM/NAME -> arn:...:endpoint/PLATFORM/NAME/UUID */
    const char *app = strstr(a->arn, ":app/");
    return g_strdup_printf("%.*s:endpoint/%s/%s", (int)(app - a->arn), a->arn, app + 5, uuid);
}

/* ---- fixtures ---- */

static int load_app(sns_platform *p, json_t *o, size_t index, const char *account, const char *region, char *err,
                    size_t errlen)
{
    char e[400];
    const char *k;
    json_t *v;
    if (!json_is_object(o)) {
        g_snprintf(err, errlen, "platform_applications[%zu] must be an object", index);
        return -1;
    }
    json_object_foreach(o, k, v) {
        if (strcmp(k, "name") && strcmp(k, "platform") && strcmp(k, "attributes") && strcmp(k, "endpoints")) {
            g_snprintf(err, errlen,
                       "platform_applications[%zu]: unknown field \"%s\" (known: name, platform, attributes, endpoints)",
                       index, k);
            return -1;
        }
    }
    const char *name = svc_str(o, "name"), *platform = svc_str(o, "platform");
    json_t *attrs = json_object_get(o, "attributes");
    if (!name || sns_app_name_check(name, e, sizeof e) != 0 || !sns_platform_known(platform)) {
        g_snprintf(err, errlen, "platform_applications[%zu]: needs a \"name\" (1 to 256 of A-Z a-z 0-9 _ - .) and a "
                                "\"platform\" (APNS, APNS_SANDBOX, GCM, ADM, BAIDU, MPNS, WNS)", index);
        return -1;
    }
    json_object_foreach(attrs, k, v) {
        if (!json_is_string(v)) {
            g_snprintf(err, errlen, "platform_applications[%zu]: attribute %s must be a string", index, k);
            return -1;
        }
    }
    if ((attrs && !json_is_object(attrs)) || sns_app_attributes_check(platform, attrs, true, e, sizeof e) != 0) {
        g_snprintf(err, errlen, "platform_applications[%zu]: Invalid parameter: %s", index,
                   attrs && !json_is_object(attrs) ? "attributes must be an object" : e);
        return -1;
    }
    char *resource = g_strdup_printf("app/%s/%s", platform, name);
    char *arn = sns_arn_format(region, account, resource);
    g_free(resource);
    if (sns_app_find(p, arn)) {
        g_snprintf(err, errlen, "platform_applications[%zu]: %s/%s is there twice", index, platform, name);
        g_free(arn);
        return -1;
    }
    sns_app *a = sns_app_put(p, arn, name, platform, attrs);
    g_free(arn);
    json_t *eps = json_object_get(o, "endpoints");
    if (eps && !json_is_array(eps)) {
        g_snprintf(err, errlen, "platform_applications[%zu].endpoints must be a list", index);
        return -1;
    }
    size_t i;
    json_array_foreach(eps, i, v) {
        const char *token = svc_str(v, "token");
        json_t *cud = json_object_get(v, "custom_user_data"), *en = json_object_get(v, "enabled");
        if (!token || !*token || (cud && !json_is_string(cud)) || (en && !json_is_boolean(en)) ||
            sns_endpoint_by_token(a, token)) {
            g_snprintf(err, errlen, "platform_applications[%zu].endpoints[%zu]: needs a \"token\" of its own, and "
                                    "\"custom_user_data\" a string, \"enabled\" true or false", index, i);
            return -1;
        }
        json_t *ea = json_pack("{s:s, s:s}", "Enabled", en && json_is_false(en) ? "false" : "true", "Token", token);
        if (cud)
            json_object_set(ea, "CustomUserData", cud);
        if (sns_endpoint_attributes_check(ea, e, sizeof e) != 0) {
            json_decref(ea);
            g_snprintf(err, errlen, "platform_applications[%zu].endpoints[%zu]: Invalid parameter: %s", index, i, e);
            return -1;
        }
        /* the same ARN on every load: a UUID-shaped hash of app and token */
        char *material = g_strdup_printf("%s|%s", a->arn, token);
        char *h = g_compute_checksum_for_string(G_CHECKSUM_SHA256, material, -1);
        g_free(material);
        char uuid[37];
        g_snprintf(uuid, sizeof uuid, "%.8s-%.4s-4%.3s-a%.3s-%.12s", h, h + 8, h + 12, h + 15, h + 18);
        char *earn = sns_endpoint_arn(a, uuid);
        sns_endpoint_add(p, a, earn, ea);
        g_free(earn);
        g_free(h);
    }
    return 0;
}

int sns_platform_load(sns_platform *p, json_t *list, const char *account, const char *region, char *err,
                      size_t errlen)
{
    if (!json_is_array(list)) {
        g_snprintf(err, errlen, "\"platform_applications\" must be a list");
        return -1;
    }
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v) if (load_app(p, v, i, account, region, err, errlen) != 0) return -1;
    return 0;
}

static gboolean dump_endpoint(gpointer key, gpointer value, gpointer list)
{
    (void)key;
    const sns_endpoint *e = value;
    json_t *o = json_pack("{s:s, s:b}", "token", svc_str(e->attrs, "Token"), "enabled", sns_endpoint_enabled(e));
    if (svc_str(e->attrs, "CustomUserData"))
        json_object_set(o, "custom_user_data", json_object_get(e->attrs, "CustomUserData"));
    json_array_append_new(list, o);
    return FALSE;
}

static gboolean dump_app(gpointer key, gpointer value, gpointer list)
{
    (void)key;
    const sns_app *a = value;
    json_t *attrs = json_deep_copy(a->attrs);
    json_object_update(attrs, a->credentials);
    json_t *o = json_pack("{s:s, s:s, s:o, s:[]}", "name", a->name, "platform", a->platform, "attributes", attrs,
                          "endpoints");
    g_tree_foreach(a->endpoints, dump_endpoint, json_object_get(o, "endpoints"));
    json_array_append_new(list, o);
    return FALSE;
}

json_t *sns_platform_dump(const sns_platform *p)
{
    if (!g_tree_nnodes(p->apps))
        return NULL;
    json_t *list = json_array();
    g_tree_foreach(p->apps, dump_app, list);
    return list;
}
