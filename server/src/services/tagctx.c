#include "services/tagctx.h"

#include <glib.h>
#include <string.h>

#include "services/service.h"

/* One tag of a list entry: its key and value (either NULL when absent). */
static void entry(json_t *t, const char **key, const char **value)
{
    *key = json_is_string(t) ? json_string_value(t) : svc_str(t, "Key");
    *value = svc_str(t, "Value");
}

static void set_one(json_t *context, GString *name, size_t plen, const char *key, const char *value)
{
    if (!key || !value)
        return;
    g_string_truncate(name, plen);
    for (const char *p = key; *p; p++)
        g_string_append_c(name, g_ascii_tolower(*p));
    if (!json_object_get(context, name->str))
        json_object_set_new(context, name->str, json_string(value));
}

void tagctx_set(json_t *context, const char *prefix, json_t *tags, const char *absent_value)
{
    if (!json_object_size(tags) && !json_array_size(tags))
        return; /* the common case, untagged: nothing to make */
    GString *name = g_string_new(prefix);
    size_t plen = name->len;
    const char *key;
    json_t *v;
    size_t i;
    if (json_is_object(tags)) {
        json_object_foreach(tags, key, v) set_one(context, name, plen, key, json_string_value(v));
    } else {
        json_array_foreach(tags, i, v) {
            const char *value;
            entry(v, &key, &value);
            if (json_is_object(v))
                set_one(context, name, plen, key, value ? value : absent_value);
        }
    }
    g_string_free(name, TRUE);
}

static void add_key(json_t *context, const char *name, const char *key)
{
    if (!key)
        return;
    json_t *keys = json_object_get(context, name);
    if (!json_is_array(keys)) {
        keys = json_array();
        json_object_set_new(context, name, keys);
    }
    json_array_append_new(keys, json_string(key));
}

void tagctx_keys(json_t *context, const char *name, json_t *tags)
{
    const char *key;
    json_t *v;
    size_t i;
    if (json_is_object(tags)) {
        json_object_foreach(tags, key, v) add_key(context, name, key);
    } else {
        json_array_foreach(tags, i, v) {
            const char *value;
            entry(v, &key, &value);
            add_key(context, name, key);
        }
    }
}

void tagctx_request(json_t *context, json_t *tags, const char *absent_value)
{
    tagctx_set(context, "aws:requesttag/", tags, absent_value);
    tagctx_keys(context, "aws:tagkeys", tags);
}
