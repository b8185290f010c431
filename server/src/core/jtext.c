#include "jtext.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>

#define SUFFIX "_base64"

/* UTF-8 as JSON takes it: NUL bytes are fine (written \u0000), which
 * g_utf8_validate alone would refuse. */
static bool utf8_ok(const char *s, size_t len)
{
    const char *end;
    while (len) {
        if (g_utf8_validate(s, (gssize)len, &end))
            return true;
        if (*end != '\0')
            return false;
        len -= (size_t)(end - s) + 1;
        s = end + 1;
    }
    return true;
}

/* Each byte that is not part of a valid sequence becomes U+FFFD. */
static GString *made_valid(const char *s, size_t len)
{
    GString *out = g_string_sized_new(len + 8);
    const char *end;
    while (len) {
        bool ok = g_utf8_validate(s, (gssize)len, &end);
        size_t good = (size_t)(end - s);
        g_string_append_len(out, s, (gssize)good);
        if (ok)
            break;
        if (*end == '\0')
            g_string_append_c(out, '\0');
        else
            g_string_append(out, "\xEF\xBF\xBD");
        s = end + 1;
        len -= good + 1;
    }
    return out;
}

static json_t *valid_string(const char *s, size_t len)
{
    GString *g = made_valid(s, len);
    json_t *v = json_stringn_nocheck(g->str, g->len);
    g_string_free(g, TRUE);
    return v;
}

json_t *jtext_stringn(const char *s, size_t len)
{
    if (!s)
        return json_null();
    return utf8_ok(s, len) ? json_stringn_nocheck(s, len) : valid_string(s, len);
}

json_t *jtext_string(const char *s)
{
    return jtext_stringn(s, s ? strlen(s) : 0);
}

void jtext_set(json_t *obj, const char *name, const char *s, size_t len)
{
    json_object_set_new(obj, name, jtext_stringn(s, len));
    if (s && !utf8_ok(s, len)) {
        char *b64 = g_base64_encode((const guchar *)s, len);
        char *sibling = g_strconcat(name, SUFFIX, NULL);
        json_object_set_new(obj, sibling, json_string(b64));
        g_free(sibling);
        g_free(b64);
    }
}

static bool bad_string(const json_t *v)
{
    return json_is_string(v) && !utf8_ok(json_string_value(v), json_string_length(v));
}

void jtext_sanitize(json_t *v)
{
    if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++) {
            json_t *e = json_array_get(v, i);
            if (bad_string(e))
                json_array_set_new(v, i, valid_string(json_string_value(e), json_string_length(e)));
            else
                jtext_sanitize(e);
        }
        return;
    }
    if (!json_is_object(v))
        return;
    /* Members are added and renamed after the walk, not during it. */
    GPtrArray *bad_values = g_ptr_array_new_with_free_func(g_free);
    GPtrArray *bad_names = g_ptr_array_new_with_free_func(g_free);
    const char *k;
    json_t *m;
    json_object_foreach(v, k, m) {
        bool name_ok = utf8_ok(k, strlen(k));
        if (!name_ok)
            g_ptr_array_add(bad_names, g_strdup(k));
        if (!bad_string(m))
            jtext_sanitize(m);
        else if (name_ok)
            g_ptr_array_add(bad_values, g_strdup(k));
    }
    for (guint i = 0; i < bad_values->len; i++) {
        const char *name = bad_values->pdata[i];
        json_t *s = json_incref(json_object_get(v, name));
        char *sibling = g_strconcat(name, SUFFIX, NULL);
        if (json_object_get(v, sibling)) {
            /* the name is taken by a member of its own: the text alone */
            json_object_set_new_nocheck(v, name, valid_string(json_string_value(s), json_string_length(s)));
        } else {
            json_t *tmp = json_object();
            jtext_set(tmp, "v", json_string_value(s), json_string_length(s));
            json_object_set_nocheck(v, name, json_object_get(tmp, "v"));
            json_object_set_nocheck(v, sibling, json_object_get(tmp, "v" SUFFIX));
            json_decref(tmp);
        }
        g_free(sibling);
        json_decref(s);
    }
    for (guint i = 0; i < bad_names->len; i++) {
        const char *name = bad_names->pdata[i];
        json_t *m2 = json_incref(json_object_get(v, name));
        json_object_del(v, name);
        if (bad_string(m2)) {
            json_t *fixed_value = valid_string(json_string_value(m2), json_string_length(m2));
            json_decref(m2);
            m2 = fixed_value;
        }
        GString *fixed = made_valid(name, strlen(name));
        if (!json_object_get(v, fixed->str))
            json_object_set_nocheck(v, fixed->str, m2);
        json_decref(m2);
        g_string_free(fixed, TRUE);
    }
    g_ptr_array_free(bad_values, TRUE);
    g_ptr_array_free(bad_names, TRUE);
}

bool jtext_base64_decode(const char *text, size_t n, char **out, size_t *len)
{
    if (n % 4)
        return false;
    if (n == 0) {
        *out = g_strdup("");
        *len = 0;
        return true;
    }
    for (size_t i = 0; i < n; i++) {
        char c = text[i];
        bool pad = c == '=' && i >= n - 2 && (i == n - 1 || text[n - 1] == '=');
        if (!g_ascii_isalnum(c) && c != '+' && c != '/' && !pad)
            return false;
    }
    gsize got = 0;
    guchar *raw = g_base64_decode_inplace(g_strndup(text, n), &got);
    *out = (char *)raw;
    (*out)[got] = '\0'; /* decoding shrinks: there is room */
    *len = got;
    return true;
}

void jtext_restore(json_t *v)
{
    if (json_is_array(v)) {
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e) jtext_restore(e);
        return;
    }
    if (!json_is_object(v))
        return;
    GPtrArray *pairs = g_ptr_array_new_with_free_func(g_free);
    const char *k;
    json_t *m;
    size_t sl = strlen(SUFFIX);
    json_object_foreach(v, k, m) {
        size_t kl = strlen(k);
        if (json_is_string(m) && kl > sl && strcmp(k + kl - sl, SUFFIX) == 0) {
            char *base = g_strndup(k, kl - sl);
            if (json_is_string(json_object_get(v, base)))
                g_ptr_array_add(pairs, base);
            else
                g_free(base);
        } else {
            jtext_restore(m);
        }
    }
    for (guint i = 0; i < pairs->len; i++) {
        const char *base = pairs->pdata[i];
        char *sibling = g_strconcat(base, SUFFIX, NULL);
        json_t *b64 = json_object_get(v, sibling), *text = json_object_get(v, base);
        char *raw = NULL;
        size_t n;
        /* jtext_set writes the sibling only for bytes that are not UTF-8 */
        if (jtext_base64_decode(json_string_value(b64), json_string_length(b64), &raw, &n) && !utf8_ok(raw, n)) {
            GString *shown = made_valid(raw, n);
            if (shown->len == json_string_length(text) && memcmp(shown->str, json_string_value(text), shown->len) == 0) {
                json_object_set_new_nocheck(v, base, json_stringn_nocheck(raw, n));
                json_object_del(v, sibling);
            }
            g_string_free(shown, TRUE);
        }
        g_free(raw);
        g_free(sibling);
    }
    g_ptr_array_free(pairs, TRUE);
}

bool jtext_needs_sanitize(const json_t *v)
{
    if (json_is_string(v))
        return bad_string(v);
    if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++)
            if (jtext_needs_sanitize(json_array_get(v, i)))
                return true;
        return false;
    }
    if (!json_is_object(v))
        return false;
    const char *k;
    json_t *m;
    json_object_foreach((json_t *)v, k, m) if (!utf8_ok(k, strlen(k)) || jtext_needs_sanitize(m)) return true;
    return false;
}

json_t *jtext_safe(json_t *v)
{
    if (!v || !jtext_needs_sanitize(v))
        return v;
    json_t *copy = json_deep_copy(v);
    json_decref(v);
    jtext_sanitize(copy);
    return copy;
}

char *jtext_dumps(const json_t *v, size_t flags)
{
    char *t = json_dumps(v, flags);
    if (!t && v) {
        /* a copy: the tree may share parts with live state */
        json_t *copy = jtext_safe(json_deep_copy(v));
        t = json_dumps(copy, flags);
        json_decref(copy);
    }
    return t;
}
