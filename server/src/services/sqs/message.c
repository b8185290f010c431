#include "services/sqs/message.h"

#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ATTRIBUTES 10
#define MAX_NAME 256

bool sqs_body_chars_ok(const char *body, size_t len)
{
    const char *end = body + len, *p = body;
    while (p < end) {
        gunichar ch = g_utf8_get_char_validated(p, end - p);
        if (ch == (gunichar)-1 || ch == (gunichar)-2)
            return false;
        bool ok = ch == 0x9 || ch == 0xA || ch == 0xD || (ch >= 0x20 && ch <= 0xD7FF) ||
                  (ch >= 0xE000 && ch <= 0xFFFD) || (ch >= 0x10000 && ch <= 0x10FFFF);
        if (!ok)
            return false;
        p = g_utf8_next_char(p);
    }
    return true;
}

void sqs_md5_hex(const char *data, size_t len, char out[33])
{
    gchar *hex = g_compute_checksum_for_data(G_CHECKSUM_MD5, (const guchar *)data, len);
    g_strlcpy(out, hex, 33);
    g_free(hex);
}

static void put_len(GChecksum *ck, size_t len)
{
    guchar b[4] = {(guchar)(len >> 24), (guchar)(len >> 16), (guchar)(len >> 8), (guchar)len};
    g_checksum_update(ck, b, 4);
}

static void put_str(GChecksum *ck, const char *s, size_t len)
{
    put_len(ck, len);
    g_checksum_update(ck, (const guchar *)s, len);
}

static int name_cmp(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

void sqs_md5_attributes(json_t *attrs, char out[33])
{
    out[0] = '\0';
    size_t n = json_object_size(attrs);
    if (!n)
        return;
    const char **names = g_new(const char *, n);
    size_t i = 0;
    const char *k;
    json_t *v;
    json_object_foreach(attrs, k, v) names[i++] = k;
    qsort(names, n, sizeof *names, name_cmp);
    GChecksum *ck = g_checksum_new(G_CHECKSUM_MD5);
    for (i = 0; i < n; i++) {
        json_t *a = json_object_get(attrs, names[i]);
        const char *type = json_string_value(json_object_get(a, "DataType"));
        put_str(ck, names[i], strlen(names[i]));
        put_str(ck, type ? type : "", type ? strlen(type) : 0);
        json_t *bin = json_object_get(a, "BinaryValue");
        if (type && g_str_has_prefix(type, "Binary")) {
            guchar t = 2;
            g_checksum_update(ck, &t, 1);
            put_str(ck, json_string_value(bin), json_string_length(bin));
        } else {
            guchar t = 1;
            g_checksum_update(ck, &t, 1);
            json_t *s = json_object_get(a, "StringValue");
            put_str(ck, json_string_value(s), json_string_length(s));
        }
    }
    g_strlcpy(out, g_checksum_get_string(ck), 33);
    g_checksum_free(ck);
    g_free(names);
}

/* [A-Za-z0-9_.-], no AWS. or Amazon. prefix in any case, no leading,
 * trailing or doubled period, at most 256 characters. */
static bool name_ok(const char *name)
{
    size_t len = strlen(name);
    if (len == 0 || len > MAX_NAME || name[0] == '.' || name[len - 1] == '.')
        return false;
    if (g_ascii_strncasecmp(name, "AWS.", 4) == 0 || g_ascii_strncasecmp(name, "Amazon.", 7) == 0)
        return false;
    for (size_t i = 0; i < len; i++) {
        char ch = name[i];
        if (!(g_ascii_isalnum(ch) || ch == '_' || ch == '-' || ch == '.'))
            return false;
        if (ch == '.' && name[i + 1] == '.')
            return false;
    }
    return true;
}

char *sqs_attributes_check(json_t *attrs, bool system, size_t *size)
{
    *size = 0;
    size_t n = json_object_size(attrs);
    if (n > MAX_ATTRIBUTES)
        return g_strdup_printf("Number of message attributes [%zu] exceeds the allowed maximum [%d].", n,
                               MAX_ATTRIBUTES);
    const char *k;
    json_t *a;
    json_object_foreach(attrs, k, a) {
        if (system) {
            if (strcmp(k, "AWSTraceHeader") != 0)
                return g_strdup_printf("Message system attribute name '%s' is invalid.", k);
        } else if (!name_ok(k)) {
            return g_strdup_printf("Message (user) attribute name '%s' is invalid.", k);
        }
        const char *type = json_string_value(json_object_get(a, "DataType"));
        if (!type || !*type)
            return g_strdup_printf("The message attribute '%s' must contain non-empty message attribute type.", k);
        const char *base = g_str_has_prefix(type, "String")   ? "String"
                           : g_str_has_prefix(type, "Number") ? "Number"
                           : g_str_has_prefix(type, "Binary") ? "Binary"
                                                              : NULL;
        size_t blen = base ? strlen(base) : 0;
        if (!base || (type[blen] && (type[blen] != '.' || !type[blen + 1])) || strlen(type) > MAX_NAME)
            return g_strdup_printf("The type of message (user) attribute '%s' is invalid. You must use only the "
                                   "following supported type prefixes: Binary, Number, String.",
                                   k);
        if (system && strcmp(type, "String") != 0)
            return g_strdup_printf("Message system attribute '%s' must be of type String.", k);
        bool binary = strcmp(base, "Binary") == 0;
        json_t *v = json_object_get(a, binary ? "BinaryValue" : "StringValue");
        json_t *other = json_object_get(a, binary ? "StringValue" : "BinaryValue");
        if (!json_is_string(v) || json_string_length(v) == 0)
            return g_strdup_printf("The message attribute '%s' must contain non-empty message attribute value "
                                   "for message attribute type '%s'.",
                                   k, base);
        if (other)
            return g_strdup_printf("Message (user) attribute '%s' must contain a non-empty value of type '%s'.", k,
                                   base);
        if (!binary && !g_utf8_validate(json_string_value(v), (gssize)json_string_length(v), NULL))
            return g_strdup_printf("The message attribute '%s' contains invalid characters.", k);
        if (strcmp(base, "Number") == 0) {
            const char *s = json_string_value(v);
            char *end;
            g_ascii_strtod(s, &end);
            if (end == s || *end)
                return g_strdup_printf("Can't cast the value of message (user) attribute '%s' to a number.", k);
        }
        *size += strlen(k) + strlen(type) + json_string_length(v);
    }
    return NULL;
}
