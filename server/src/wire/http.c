#include "http.h"

#include <string.h>
#include <strings.h>

const char *http_request_header(const http_request *r, const char *name)
{
    for (size_t i = 0; i < r->nheaders; i++)
        if (g_ascii_strcasecmp(r->headers[i].name, name) == 0)
            return r->headers[i].value;
    return NULL;
}

void http_response_init(http_response *r)
{
    memset(r, 0, sizeof *r);
    r->headers = g_array_new(FALSE, FALSE, sizeof(http_header));
    r->body = g_string_new(NULL);
}

void http_response_clear(http_response *r)
{
    if (r->headers)
        g_array_free(r->headers, TRUE);
    if (r->strings)
        g_string_chunk_free(r->strings);
    if (r->body)
        g_string_free(r->body, TRUE);
    if (r->ext_free)
        r->ext_free(r->ext_arg);
    memset(r, 0, sizeof *r);
}

void http_response_reset_body(http_response *r)
{
    if (r->ext_free)
        r->ext_free(r->ext_arg);
    r->ext_free = NULL;
    r->ext_arg = NULL;
    r->ext_data = NULL;
    r->ext_len = 0;
    r->status = 0;
    r->head_only = false;
    if (r->body)
        g_string_truncate(r->body, 0);
    else
        r->body = g_string_new(NULL);
}

void http_response_remove_header(http_response *r, const char *name)
{
    /* The strings stay in the chunk until the response is cleared. */
    for (guint i = 0; i < r->headers->len;) {
        if (g_ascii_strcasecmp(g_array_index(r->headers, http_header, i).name, name) == 0)
            g_array_remove_index(r->headers, i);
        else
            i++;
    }
}

void http_response_set_header(http_response *r, const char *name, const char *value)
{
    http_response_remove_header(r, name);
    http_response_add_header(r, name, value);
}

void http_response_add_header(http_response *r, const char *name, const char *value)
{
    if (!r->strings)
        r->strings = g_string_chunk_new(512);
    http_header h = {g_string_chunk_insert(r->strings, name),
                     value ? g_string_chunk_insert(r->strings, value) : NULL};
    g_array_append_val(r->headers, h);
}

const char *http_response_header(const http_response *r, const char *name)
{
    for (guint i = 0; i < r->headers->len; i++) {
        http_header *h = &g_array_index(r->headers, http_header, i);
        if (g_ascii_strcasecmp(h->name, name) == 0)
            return h->value;
    }
    return NULL;
}

const char *http_response_body(const http_response *r, size_t *len)
{
    if (r->ext_data) {
        *len = r->ext_len;
        return r->ext_data;
    }
    *len = r->body->len;
    return r->body->str;
}

char *http_percent_decode(const char *s, size_t len, bool form, size_t *outlen)
{
    char *out = g_malloc(len + 1);
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '%') {
            if (i + 2 >= len || !g_ascii_isxdigit(s[i + 1]) || !g_ascii_isxdigit(s[i + 2])) {
                g_free(out);
                return NULL;
            }
            out[o++] = (char)(g_ascii_xdigit_value(s[i + 1]) << 4 | g_ascii_xdigit_value(s[i + 2]));
            i += 2;
        } else if (form && c == '+') {
            out[o++] = ' ';
        } else {
            out[o++] = c;
        }
    }
    out[o] = '\0';
    if (outlen)
        *outlen = o;
    return out;
}

void http_percent_encode(GString *out, const char *s, size_t len, bool keep_slash)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (g_ascii_isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' ||
            (keep_slash && c == '/')) {
            g_string_append_c(out, (char)c);
        } else {
            g_string_append_c(out, '%');
            g_string_append_c(out, hex[c >> 4]);
            g_string_append_c(out, hex[c & 15]);
        }
    }
}

static void param_clear(gpointer item)
{
    http_param *p = item;
    g_free(p->name);
    g_free(p->value);
}

bool http_params_parse(http_params *p, const char *s, size_t len, bool form)
{
    p->items = g_array_new(FALSE, FALSE, sizeof(http_param));
    g_array_set_clear_func(p->items, param_clear);
    for (size_t i = 0; i < len;) {
        const char *amp = memchr(s + i, '&', len - i);
        size_t end = amp ? (size_t)(amp - s) : len;
        if (end > i) {
            const char *eq = memchr(s + i, '=', end - i);
            size_t name_end = eq ? (size_t)(eq - s) : end;
            http_param it = {0};
            it.name = http_percent_decode(s + i, name_end - i, form, &it.name_len);
            it.value = eq ? http_percent_decode(eq + 1, end - name_end - 1, form, &it.value_len) : g_strdup("");
            if (!it.name || !it.value) {
                param_clear(&it);
                return false;
            }
            g_array_append_val(p->items, it);
        }
        i = end + 1;
    }
    return true;
}

void http_params_clear(http_params *p)
{
    if (p->items)
        g_array_free(p->items, TRUE);
    p->items = NULL;
}

const char *http_params_getn(const http_params *p, const char *name, size_t *len)
{
    size_t n = strlen(name);
    for (guint i = 0; p->items && i < p->items->len; i++) {
        const http_param *it = &g_array_index(p->items, http_param, i);
        if (it->name_len == n && memcmp(it->name, name, n) == 0) {
            if (len)
                *len = it->value_len;
            return it->value;
        }
    }
    return NULL;
}

const char *http_params_get(const http_params *p, const char *name)
{
    return http_params_getn(p, name, NULL);
}
