#include "services/s3/cond.h"

#include <glib.h>
#include <string.h>

/* A decimal without sign; false when empty or not all digits. */
static bool parse_u64(const char *s, size_t len, uint64_t *out)
{
    if (len == 0 || len > 19)
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (!g_ascii_isdigit(s[i]))
            return false;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    *out = v;
    return true;
}

s3_range_result s3_range_parse(const char *header, uint64_t size, uint64_t *first, uint64_t *last)
{
    if (!header)
        return S3_RANGE_NONE;
    while (*header == ' ')
        header++;
    if (g_ascii_strncasecmp(header, "bytes=", 6) != 0)
        return S3_RANGE_NONE;
    const char *spec = header + 6;
    if (strchr(spec, ','))
        return S3_RANGE_NONE; /* S3 serves no multipart/byteranges: the whole object */
    const char *dash = strchr(spec, '-');
    if (!dash)
        return S3_RANGE_NONE;
    const char *end = spec + strlen(spec);
    while (end > dash + 1 && end[-1] == ' ')
        end--;
    uint64_t a = 0, b = 0;
    bool has_a = parse_u64(spec, (size_t)(dash - spec), &a);
    bool has_b = parse_u64(dash + 1, (size_t)(end - dash - 1), &b);
    if (!has_a && dash != spec)
        return S3_RANGE_NONE;
    if (!has_b && end != dash + 1)
        return S3_RANGE_NONE;
    if (has_a) {
        if (has_b && b < a)
            return S3_RANGE_NONE; /* syntactically invalid: ignored, as RFC 9110 says */
        if (a >= size)
            return S3_RANGE_UNSATISFIABLE;
        *first = a;
        *last = has_b && b < size ? b : size - 1;
        return S3_RANGE_OK;
    }
    if (!has_b)
        return S3_RANGE_NONE;
    /* suffix: the last b bytes */
    if (b == 0 || size == 0)
        return S3_RANGE_UNSATISFIABLE;
    *first = b >= size ? 0 : size - b;
    *last = size - 1;
    return S3_RANGE_OK;
}

bool s3_copy_range_parse(const char *header, uint64_t *first, uint64_t *last)
{
    if (!header || strncmp(header, "bytes=", 6) != 0)
        return false;
    const char *spec = header + 6;
    const char *dash = strchr(spec, '-');
    if (!dash)
        return false;
    return parse_u64(spec, (size_t)(dash - spec), first) &&
           parse_u64(dash + 1, strlen(dash + 1), last) && *first <= *last;
}

bool s3_etag_listed(const char *list, const char *etag)
{
    size_t elen = strlen(etag);
    const char *p = list;
    while (*p) {
        while (*p == ' ' || *p == ',')
            p++;
        if (!*p)
            break;
        if (*p == '*')
            return true;
        if (p[0] == 'W' && p[1] == '/')
            p += 2;
        const char *start = p;
        const char *stop;
        if (*p == '"') {
            start = ++p;
            stop = strchr(p, '"');
            if (!stop)
                stop = p + strlen(p);
            p = *stop ? stop + 1 : stop;
        } else {
            stop = p + strcspn(p, ",");
            p = stop;
            while (stop > start && stop[-1] == ' ')
                stop--;
            /* an ETag that lost its opening quote still names the object */
            if (stop > start && stop[-1] == '"')
                stop--;
        }
        if ((size_t)(stop - start) == elen && strncmp(start, etag, elen) == 0)
            return true;
    }
    return false;
}

static bool time_of(json_t *v, int64_t *secs)
{
    if (!json_is_number(v))
        return false;
    *secs = (int64_t)json_number_value(v);
    return true;
}

s3_cond_result s3_cond_check(const char *etag, int64_t mtime_ms, const char *if_match,
                             const char *if_none_match, json_t *if_modified_since,
                             json_t *if_unmodified_since, const char **condition)
{
    const char *dummy;
    if (!condition)
        condition = &dummy;
    int64_t mtime = mtime_ms / 1000; /* HTTP dates have seconds */
    int64_t t;
    if (if_match) {
        if (!s3_etag_listed(if_match, etag)) {
            *condition = "If-Match";
            return S3_COND_FAILED;
        }
    } else if (time_of(if_unmodified_since, &t) && mtime > t) {
        *condition = "If-Unmodified-Since";
        return S3_COND_FAILED;
    }
    if (if_none_match) {
        if (s3_etag_listed(if_none_match, etag)) {
            *condition = "If-None-Match";
            return S3_COND_NOT_MODIFIED;
        }
    } else if (time_of(if_modified_since, &t) && mtime <= t) {
        *condition = "If-Modified-Since";
        return S3_COND_NOT_MODIFIED;
    }
    return S3_COND_OK;
}
