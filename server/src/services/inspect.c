#include "services/inspect.h"

#include <stdarg.h>
#include <string.h>

#include "services/svc_api.h"
#include "wire/timefmt.h"

json_t *inspect_error(int *status, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    *status = code;
    json_t *out = json_pack("{s:s}", "error", msg);
    g_free(msg);
    return out;
}

json_t *inspect_get_only(const char *method, const char *endpoint, int *status)
{
    if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0)
        return NULL;
    return inspect_error(status, 405, "%s takes GET", endpoint);
}

json_t *inspect_limit(const http_params *q, size_t *limit, int *status)
{
    const char *v = http_params_get(q, "limit");
    *limit = INSPECT_LIMIT;
    if (!v)
        return NULL;
    size_t n = 0, i = 0;
    for (; v[i] >= '0' && v[i] <= '9' && n <= INSPECT_LIMIT_MAX; i++)
        n = n * 10 + (size_t)(v[i] - '0');
    if (i == 0 || v[i] || n < 1 || n > INSPECT_LIMIT_MAX)
        return inspect_error(status, 400, "limit must be a whole number from 1 to %d", INSPECT_LIMIT_MAX);
    *limit = n;
    return NULL;
}

json_t *inspect_time(int64_t ms)
{
    GString *s = g_string_new(NULL);
    timefmt_format(s, (double)ms / 1000.0, TIMEFMT_ISO8601_MS);
    json_t *out = json_string(s->str);
    g_string_free(s, TRUE);
    return out;
}

json_t *inspect_cursor_open(inspect_cursor *c, const char *method, const char *endpoint, const http_params *q,
                            int *status)
{
    memset(c, 0, sizeof *c);
    json_t *bad = inspect_get_only(method, endpoint, status);
    if (!bad)
        bad = inspect_limit(q, &c->limit, status);
    const char *next = http_params_get(q, "next");
    if (bad || !next || !*next) {
        c->list = bad ? NULL : json_array();
        return bad;
    }
    char *raw = NULL;
    size_t len = 0;
    char **parts = NULL;
    if (svc_base64url_decode(next, &raw, &len) && strlen(raw) == len) {
        parts = g_strsplit(raw, "\x1f", 4);
        if (g_strv_length(parts) != 3)
            g_clear_pointer(&parts, g_strfreev);
    }
    g_free(raw);
    if (!parts)
        return inspect_error(status, 400, "next is not a token this endpoint gave");
    c->account = parts[0];
    c->region = parts[1];
    c->name = parts[2];
    g_free(parts);
    c->list = json_array();
    return NULL;
}

int inspect_cursor_where(const inspect_cursor *c, const char *account, const char *region)
{
    if (!c->account)
        return 1;
    int d = strcmp(account, c->account);
    return d ? d : strcmp(region, c->region);
}

bool inspect_cursor_full(inspect_cursor *c)
{
    if (json_array_size(c->list) < c->limit)
        return false;
    c->more = true;
    return true;
}

void inspect_cursor_add(inspect_cursor *c, const char *account, const char *region, const char *name, json_t *e)
{
    json_array_append_new(c->list, e);
    g_free(c->last);
    char *pos = g_strdup_printf("%s\x1f%s\x1f%s", account, region, name);
    c->last = svc_base64url_encode(pos, strlen(pos));
    g_free(pos);
}

json_t *inspect_cursor_done(inspect_cursor *c, const char *key)
{
    json_t *out = json_pack("{s:o, s:o}", key, c->list, "next", c->more ? json_string(c->last) : json_null());
    g_free(c->account);
    g_free(c->region);
    g_free(c->name);
    g_free(c->last);
    return out;
}
