#include "services/ec2/filter.h"

#include <string.h>

#include "services/service.h"

static void filter_free(gpointer p)
{
    ec2_filter *f = p;
    g_free(f->name);
    g_ptr_array_free(f->values, TRUE);
    g_free(f);
}

void ec2_filters_free(GPtrArray *filters)
{
    if (filters)
        g_ptr_array_free(filters, TRUE);
}

static bool known_name(const char *name, const char *const *known)
{
    for (const char *const *k = known; *k; k++) {
        size_t n = strlen(*k);
        if (n && (*k)[n - 1] == ':' ? strncmp(name, *k, n) == 0 && name[n] : strcmp(name, *k) == 0)
            return true;
    }
    return false;
}

GPtrArray *ec2_filters_parse(json_t *filters, const char *const *known, aws_error *err)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(filter_free);
    size_t i;
    json_t *f;
    json_array_foreach(filters, i, f) {
        const char *name = svc_str(f, "Name");
        if (!name) {
            aws_error_set(err, "InvalidParameterValue", "The filter 'null' is invalid");
            ec2_filters_free(out);
            return NULL;
        }
        if (!known_name(name, known)) {
            aws_error_set(err, "InvalidParameterValue", "The filter '%s' is invalid", name);
            ec2_filters_free(out);
            return NULL;
        }
        ec2_filter *ef = g_new0(ec2_filter, 1);
        ef->name = g_strdup(name);
        ef->values = g_ptr_array_new_with_free_func(g_free);
        size_t j;
        json_t *v;
        json_array_foreach(json_object_get(f, "Values"), j, v) if (json_is_string(v))
            g_ptr_array_add(ef->values, g_strdup(json_string_value(v)));
        g_ptr_array_add(out, ef);
    }
    return out;
}

bool ec2_wildcard_match(const char *p, const char *s)
{
    /* Iterative glob with one backtrack point: linear for the patterns people
     * write, and no recursion a hostile pattern could blow up. */
    const char *star_p = NULL, *star_s = NULL;
    while (*s) {
        if (*p == '*') {
            star_p = ++p;
            star_s = s;
            continue;
        }
        bool escaped = *p == '\\' && p[1];
        char c = escaped ? p[1] : *p;
        if (c && ((!escaped && c == '?') || c == *s)) {
            p += escaped ? 2 : 1;
            s++;
            continue;
        }
        if (!star_p)
            return false;
        p = star_p;
        s = ++star_s;
    }
    while (*p == '*')
        p++;
    return *p == '\0';
}

bool ec2_filter_accepts(const ec2_filter *f, const char *s)
{
    if (!s)
        return false;
    for (guint i = 0; i < f->values->len; i++)
        if (ec2_wildcard_match(g_ptr_array_index(f->values, i), s))
            return true;
    return false;
}

bool ec2_page_size(json_t *input, int64_t *max, aws_error *err)
{
    json_t *m = json_object_get(input, "MaxResults");
    *max = 0;
    if (!m)
        return true;
    int64_t n = json_integer_value(m);
    if (n < 5 || n > 1000) {
        aws_error_set(err, "InvalidParameterValue",
                      n < 5 ? "Value ( %lld ) for parameter maxResults is invalid. Expecting a value greater than 5."
                            : "Value ( %lld ) for parameter maxResults is invalid. Expecting a value less than or "
                              "equal to 1000.",
                      (long long)n);
        return false;
    }
    *max = n;
    return true;
}

/* Page tokens are opaque to clients: a position, base64'd so that nobody
 * is tempted to build one. */
char *ec2_page_token(uint64_t pos)
{
    char raw[32];
    g_snprintf(raw, sizeof raw, "mockaws:%" G_GUINT64_FORMAT, pos);
    return g_base64_encode((const guchar *)raw, strlen(raw));
}

bool ec2_page_token_parse(json_t *input, uint64_t *pos, aws_error *err)
{
    const char *t = svc_str(input, "NextToken");
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
        aws_error_set(err, "InvalidParameterValue",
                      "Value ( %s ) for parameter nextToken is invalid. The token is invalid.", t);
    return ok;
}
