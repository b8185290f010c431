#include "services/s3/object.h"

#include <string.h>

#include "services/s3/cond.h"
#include "services/s3/config.h"
#include "services/s3/payload.h"
#include "services/s3/restore.h"
#include "services/s3/s3.h"
#include "services/s3/version.h"
#include "services/service.h"
#include "wire/timefmt.h"

#define MAX_TAGS 10
#define MAX_USER_METADATA 2048

/* ---- pieces shared with multipart.c ---- */

bool s3_tag_chars_ok(const char *s)
{
    /* letters, digits and spaces in any script, and + - = . _ : / @ */
    for (const char *p = s; *p; p = g_utf8_next_char(p)) {
        gunichar ch = g_utf8_get_char(p);
        if (!g_unichar_isalnum(ch) && !g_unichar_isspace(ch) && !strchr("+-=._:/@", (int)ch))
            return false;
    }
    return true;
}

/* Adds one tag to set, the way S3 checks it. */
static int add_tag(svc_call *c, json_t *set, const char *key, const char *value)
{
    if (!key || !g_utf8_validate(key, -1, NULL) || !value || !g_utf8_validate(value, -1, NULL))
        return aws_error_set(&c->err, "InvalidTag", "The TagKey you have provided is invalid");
    if (g_utf8_strlen(key, -1) > 128)
        return aws_error_set(&c->err, "InvalidTag", "The TagKey you have provided is too long, max 128");
    if (g_utf8_strlen(value, -1) > 256)
        return aws_error_set(&c->err, "InvalidTag", "The TagValue you have provided is too long, max 256");
    if (!*key || !s3_tag_chars_ok(key))
        return aws_error_set(&c->err, "InvalidTag", "The TagKey you have provided is invalid");
    if (!s3_tag_chars_ok(value))
        return aws_error_set(&c->err, "InvalidTag", "The TagValue you have provided is invalid");
    if (g_str_has_prefix(key, "aws:"))
        return aws_error_set(&c->err, "InvalidTag", "Your TagKey cannot be prefixed with aws:");
    if (json_object_get(set, key))
        return aws_error_set(&c->err, "InvalidTag", "Cannot provide multiple Tags with the same key");
    if (json_object_size(set) >= MAX_TAGS)
        return aws_error_set(&c->err, "BadRequest", "Object tags cannot be greater than 10");
    json_object_set_new(set, key, json_string(value));
    return 0;
}

int s3_tags_from_header(svc_call *c, json_t **out)
{
    *out = NULL;
    const char *h = s3_in(c, "Tagging");
    if (!h)
        return 0;
    http_params q;
    if (!http_params_parse(&q, h, strlen(h), true)) {
        http_params_clear(&q);
        return aws_error_set(&c->err, "InvalidArgument", "The header 'x-amz-tagging' shall be encoded as UTF-8 "
                                                         "then URLEncoded URL query parameters without tag name duplicates.");
    }
    json_t *set = json_object();
    for (guint i = 0; i < q.items->len; i++) {
        const http_param *it = &g_array_index(q.items, http_param, i);
        if (!it->name_len)
            continue;
        /* a NUL (%00) is no tag character, and must not end the key or value early */
        int bad = strlen(it->name) != it->name_len ? 1 : strlen(it->value) != it->value_len ? 2 : 0;
        if (bad) {
            http_params_clear(&q);
            json_decref(set);
            return aws_error_set(&c->err, "InvalidTag", bad == 1 ? "The TagKey you have provided is invalid"
                                                                 : "The TagValue you have provided is invalid");
        }
        if (add_tag(c, set, it->name, it->value) != 0) {
            http_params_clear(&q);
            json_decref(set);
            return -1;
        }
    }
    http_params_clear(&q);
    if (json_object_size(set) == 0) {
        json_decref(set);
        set = NULL;
    }
    *out = set;
    return 0;
}

/* A SigV2 presigned URL carries the x-amz-meta-* it was signed with in its
 * query, and S3 stores them as if they were headers: they join the input's
 * Metadata. (SigV4 presigners sign them as headers instead.) */
static void query_metadata(svc_call *c)
{
    const char *q = c->req->query;
    if (!strstr(q, "AWSAccessKeyId="))
        return;
    http_params params;
    if (http_params_parse(&params, q, strlen(q), true)) {
        for (guint i = 0; i < params.items->len; i++) {
            const http_param *it = &g_array_index(params.items, http_param, i);
            if (it->name_len <= 11 || g_ascii_strncasecmp(it->name, "x-amz-meta-", 11) != 0 ||
                strlen(it->name) != it->name_len || strlen(it->value) != it->value_len)
                continue;
            json_t *m = json_object_get(c->input, "Metadata");
            if (!json_is_object(m)) {
                m = json_object();
                json_object_set_new(c->input, "Metadata", m);
            }
            char *name = g_ascii_strdown(it->name + 11, -1);
            json_object_set_new(m, name, s3_text(it->value));
            g_free(name);
        }
    }
    http_params_clear(&params);
}

int s3_user_metadata(svc_call *c, json_t **out)
{
    *out = NULL;
    query_metadata(c);
    json_t *m = json_object_get(c->input, "Metadata");
    if (!json_is_object(m) || json_object_size(m) == 0)
        return 0;
    size_t total = 0;
    const char *k;
    json_t *v;
    json_object_foreach(m, k, v) total += strlen(k) + json_string_length(v);
    if (total > MAX_USER_METADATA) {
        aws_error_set(&c->err, "MetadataTooLarge", NULL);
        aws_error_field(&c->err, "Size", json_integer((json_int_t)total));
        aws_error_field(&c->err, "MaxSizeAllowed", json_integer(MAX_USER_METADATA));
        return -1;
    }
    *out = json_deep_copy(m);
    return 0;
}

static char *dup_in(svc_call *c, const char *member)
{
    const char *v = s3_in(c, member);
    return v && *v ? g_strdup(v) : NULL;
}

s3_meta *s3_meta_from_input(svc_call *c)
{
    s3_meta *m = s3_meta_new();
    m->content_type = dup_in(c, "ContentType");
    m->content_encoding = dup_in(c, "ContentEncoding");
    m->cache_control = dup_in(c, "CacheControl");
    m->content_disposition = dup_in(c, "ContentDisposition");
    m->content_language = dup_in(c, "ContentLanguage");
    m->website_redirect = dup_in(c, "WebsiteRedirectLocation");
    const char *sc = s3_in(c, "StorageClass");
    m->storage_class = sc && strcmp(sc, "STANDARD") != 0 ? g_strdup(sc) : NULL;
    json_t *exp = json_object_get(c->input, "Expires");
    m->expires = exp ? json_deep_copy(exp) : NULL;
    return m;
}

/* Replaces what meta_from_input left for user metadata and tags. */
static int meta_extras(svc_call *c, s3_meta *m, bool tags)
{
    if (s3_user_metadata(c, &m->user) != 0)
        return -1;
    if (tags && s3_tags_from_header(c, &m->tags) != 0)
        return -1;
    return 0;
}

s3_object *s3_copy_source(svc_call *c, s3_bucket **src_bucket)
{
    return s3_copy_source_version(c, src_bucket, NULL);
}

s3_object *s3_copy_source_version(svc_call *c, s3_bucket **src_bucket, char **version_id)
{
    const char *cs = s3_in(c, "CopySource");
    if (version_id)
        *version_id = NULL;
    if (!cs || !*cs)
        goto malformed;
    const char *q = strchr(cs, '?');
    size_t plen = q ? (size_t)(q - cs) : strlen(cs);
    char *vid = NULL;
    if (q) {
        http_params params;
        bool ok = http_params_parse(&params, q + 1, strlen(q + 1), false);
        const char *v = ok ? http_params_get(&params, "versionId") : NULL;
        uint64_t ignored;
        bool bad = !ok || (v && s3_version_parse(v, &ignored) == S3_VID_MALFORMED);
        vid = v ? g_strdup(v) : NULL;
        http_params_clear(&params);
        if (bad) {
            g_free(vid);
            s3_err_invalid_argument(c, "x-amz-copy-source", cs, "Invalid version id specified");
            return NULL;
        }
    }
    size_t n;
    char *path = http_percent_decode(cs, plen, false, &n);
    if (!path) {
        g_free(vid);
        goto malformed;
    }
    char *p = path[0] == '/' ? path + 1 : path;
    char *slash = strchr(p, '/');
    if (!slash || slash == p || !slash[1] || strlen(p) != n - (size_t)(p - path)) {
        g_free(path);
        g_free(vid);
        goto malformed;
    }
    *slash = '\0';
    const char *bname = p, *key = slash + 1;
    s3_bucket *sb = s3_bucket_lookup(c, bname, s3_in(c, "ExpectedSourceBucketOwner"));
    s3_object *o = NULL;
    if (sb && vid) {
        if (s3_version_find(c, sb, key, vid, "x-amz-copy-source", &o) == 0 && (o->vflags & S3_V_MARKER)) {
            aws_error_set(&c->err, "InvalidRequest",
                          "The source of a copy request may not specifically refer to a delete marker by version id.");
            o = NULL;
        }
    } else if (sb && !(o = s3_object_get(sb, key))) {
        s3_err_no_such_key(c, key);
    }
    g_free(path);
    if (!o) {
        g_free(vid);
        return NULL;
    }
    if (version_id)
        *version_id = vid;
    else
        g_free(vid);
    char etag[48];
    s3_object_etag(o, false, etag);
    const char *which = NULL;
    s3_cond_result r = s3_cond_check(etag, S3_MTIME_MS(o), s3_in(c, "CopySourceIfMatch"),
                                     s3_in(c, "CopySourceIfNoneMatch"),
                                     json_object_get(c->input, "CopySourceIfModifiedSince"),
                                     json_object_get(c->input, "CopySourceIfUnmodifiedSince"), &which);
    if (r != S3_COND_OK) {
        /* a copy answers 412 where a GET would answer 304 */
        aws_error_set(&c->err, "PreconditionFailed", NULL);
        char *low = g_ascii_strdown(which, -1);
        char *cond = g_strconcat("x-amz-copy-source-", low, NULL);
        aws_error_field(&c->err, "Condition", json_string(cond));
        g_free(cond);
        g_free(low);
        if (version_id) {
            g_free(*version_id);
            *version_id = NULL;
        }
        return NULL;
    }
    if (s3_restore_check_readable(c, o) != 0)
        return NULL;
    *src_bucket = sb;
    return o;
malformed:
    s3_err_invalid_argument(c, "x-amz-copy-source", cs,
                            "Copy Source must mention the source bucket and key: sourcebucket/sourcekey");
    return NULL;
}

/* ---- object answers ---- */

static json_t *tag_set_json(const s3_meta *m)
{
    json_t *set = json_array();
    if (m && m->tags) {
        const char *k;
        json_t *v;
        json_object_foreach(m->tags, k, v)
            json_array_append_new(set, json_pack("{s:s, s:O}", "Key", k, "Value", v));
    }
    return set;
}

static void set_checksum(json_t *out, checksum_algo algo, const char *value, bool composite)
{
    const char *member = s3_checksum_member(algo);
    if (!member || !value)
        return;
    json_object_set_new(out, member, json_string(value));
    json_object_set_new(out, "ChecksumType", json_string(composite ? "COMPOSITE" : "FULL_OBJECT"));
}

/* The headers every GET / HEAD answer carries. */
static json_t *object_headers(const s3_object *o)
{
    char etag[48];
    s3_object_etag(o, true, etag);
    /* Stored header values are the client's bytes, UTF-8 or not: they go
     * back out as they came (json_pack would refuse them and lose every
     * header). */
    json_t *out = json_object();
    json_object_set_new(out, "ETag", json_string(etag));
    json_object_set_new(out, "LastModified", s3_time_json(S3_MTIME_MS(o)));
    json_object_set_new(out, "ContentType", json_string_nocheck(s3_object_content_type(o)));
    json_object_set_new(out, "AcceptRanges", json_string("bytes"));
    json_object_set_new(out, "ServerSideEncryption", json_string("AES256"));
    const s3_meta *m = o->meta;
    if (!m)
        return out;
    const struct {
        const char *member;
        const char *value;
    } strs[] = {
        {"ContentEncoding", m->content_encoding},   {"CacheControl", m->cache_control},
        {"ContentDisposition", m->content_disposition}, {"ContentLanguage", m->content_language},
        {"WebsiteRedirectLocation", m->website_redirect}, {"StorageClass", m->storage_class},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(strs); i++)
        if (strs[i].value)
            json_object_set_new(out, strs[i].member, json_string_nocheck(strs[i].value));
    if (m->expires)
        json_object_set(out, "Expires", m->expires);
    if (m->user)
        json_object_set(out, "Metadata", m->user);
    if (m->tags && json_object_size(m->tags))
        json_object_set_new(out, "TagCount", json_integer((json_int_t)json_object_size(m->tags)));
    if (m->lock_mode) {
        json_object_set_new(out, "ObjectLockMode", json_string(m->lock_mode == 'C' ? "COMPLIANCE" : "GOVERNANCE"));
        json_object_set_new(out, "ObjectLockRetainUntilDate",
                            m->lock_until_ms % 1000 ? json_real((double)m->lock_until_ms / 1000.0)
                                                    : json_integer((json_int_t)(m->lock_until_ms / 1000)));
    }
    if (m->lock_hold)
        json_object_set_new(out, "ObjectLockLegalHoldStatus", json_string(m->lock_hold == 'Y' ? "ON" : "OFF"));
    return out;
}

/* response-* query parameters replace the stored headers. */
static void overrides(svc_call *c, json_t *out)
{
    static const char *const pairs[][2] = {
        {"ResponseContentType", "ContentType"},         {"ResponseContentLanguage", "ContentLanguage"},
        {"ResponseCacheControl", "CacheControl"},       {"ResponseContentDisposition", "ContentDisposition"},
        {"ResponseContentEncoding", "ContentEncoding"}, {"ResponseExpires", "Expires"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(pairs); i++) {
        json_t *v = json_object_get(c->input, pairs[i][0]);
        if (v)
            json_object_set(out, pairs[i][1], v);
    }
}

static int lookup(svc_call *c, s3_bucket **b, s3_object **o)
{
    *b = s3_bucket_for(c, s3_in(c, "Bucket"));
    if (!*b)
        return -1;
    const char *key = s3_in(c, "Key");
    if (s3_check_key(c, key) != 0)
        return -1;
    const char *vid = s3_in(c, "VersionId");
    if (vid) {
        if (s3_version_find(c, *b, key, vid, "versionId", o) != 0)
            return -1;
        if ((*o)->vflags & S3_V_MARKER)
            return s3_err_delete_marker(c);
        return 0;
    }
    *o = s3_object_get(*b, key);
    if (!*o)
        return s3_err_no_such_key_marker(c, *b, key);
    return 0;
}

int s3_object_lookup(svc_call *c, s3_bucket **b, s3_object **o)
{
    return lookup(c, b, o);
}

/* GetObject and HeadObject: the same answer, with the body attached (the
 * HTTP layer sends only the length for HEAD). */
static int serve(svc_call *c)
{
    s3_bucket *b;
    s3_object *o;
    if (lookup(c, &b, &o) != 0)
        return -1;
    char etag[48];
    s3_object_etag(o, false, etag);
    const char *which = NULL;
    switch (s3_cond_check(etag, S3_MTIME_MS(o), s3_in(c, "IfMatch"), s3_in(c, "IfNoneMatch"),
                          json_object_get(c->input, "IfModifiedSince"),
                          json_object_get(c->input, "IfUnmodifiedSince"), &which)) {
    case S3_COND_FAILED:
        aws_error_set(&c->err, "PreconditionFailed", NULL);
        aws_error_field(&c->err, "Condition", json_string(which));
        return -1;
    case S3_COND_NOT_MODIFIED: {
        /* S3's 304 still names the version the client has */
        GString *date = g_string_new(NULL);
        timefmt_http_date(date, (double)S3_MTIME_MS(o) / 1000.0);
        char quoted[48];
        s3_object_etag(o, true, quoted);
        http_response_set_header(c->resp, "ETag", quoted);
        http_response_set_header(c->resp, "Last-Modified", date->str);
        g_string_free(date, TRUE);
        return aws_error_set(&c->err, "NotModified", NULL);
    }
    case S3_COND_OK:
        break;
    }
    if (strcmp(c->operation, "GetObject") == 0 && s3_restore_check_readable(c, o) != 0)
        return -1; /* HEAD still describes an archived object */

    uint64_t size = o->blob->len, first = 0, last = size ? size - 1 : 0;
    bool partial = false;
    const char *range = s3_in(c, "Range");
    json_t *pn = json_object_get(c->input, "PartNumber");
    json_t *out = object_headers(o);
    s3_restore_describe(c, o, out);
    const s3_meta *m = o->meta;
    bool whole_checksum = true;
    if (pn) {
        json_int_t n = json_integer_value(pn);
        if (range) {
            json_decref(out);
            return aws_error_set(&c->err, "InvalidRequest",
                                 "Cannot specify both Range header and partNumber query parameter");
        }
        if (n < 1 || n > S3_MAX_PARTS) {
            json_decref(out);
            return s3_err_invalid_argument(c, "partNumber", NULL,
                                           "Part number must be an integer between 1 and 10000, inclusive");
        }
        uint32_t nparts = m && m->parts ? m->nparts : 1;
        if ((uint64_t)n > nparts) {
            json_decref(out);
            return aws_error_set_status(&c->err, 416, "InvalidPartNumber",
                                        "The requested partnumber is not satisfiable");
        }
        if (m && m->parts) {
            first = 0;
            for (json_int_t i = 0; i < n - 1; i++)
                first += m->parts[i].size;
            uint64_t psize = m->parts[n - 1].size;
            last = psize ? first + psize - 1 : first;
            partial = true;
            whole_checksum = false;
            if (psize == 0)
                size = 0;
            json_object_set_new(out, "PartsCount", json_integer(nparts));
            if (m->parts[n - 1].checksum && m->algo != CHECKSUM_NONE &&
                json_is_string(json_object_get(c->input, "ChecksumMode")))
                set_checksum(out, m->algo, m->parts[n - 1].checksum, false);
        } else {
            /* a single-part object is its own part 1: a 206 naming the whole
             * of it, with the whole object's checksum */
            partial = size > 0;
        }
    } else {
        switch (s3_range_parse(range, size, &first, &last)) {
        case S3_RANGE_UNSATISFIABLE:
            json_decref(out);
            aws_error_set(&c->err, "InvalidRange", NULL);
            aws_error_field(&c->err, "RangeRequested", s3_text(range));
            aws_error_field(&c->err, "ActualObjectSize", json_integer((json_int_t)size));
            return -1;
        case S3_RANGE_OK:
            partial = true;
            whole_checksum = false;
            break;
        case S3_RANGE_NONE:
            break;
        }
    }
    uint64_t len = size ? last - first + 1 : 0;
    if (partial) {
        char cr[96];
        g_snprintf(cr, sizeof cr, "bytes %" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT, first,
                   last, (uint64_t)o->blob->len);
        json_object_set_new(out, "ContentRange", json_string(cr));
        c->resp->status = 206;
    }
    if (whole_checksum && m && m->algo != CHECKSUM_NONE && json_is_string(json_object_get(c->input, "ChecksumMode")))
        set_checksum(out, m->algo, m->checksum, m->composite);
    json_object_set_new(out, "ContentLength", json_integer((json_int_t)len));
    s3_version_output(b, o, out);
    overrides(c, out);
    /* The bytes leave after the lock is released: the response holds its
     * own reference to the blob. */
    s3_blob_attach(o->blob, c->resp, first, len);
    c->output = out;
    return 0;
}

int s3_get_object(svc_call *c)
{
    if (s3_check_request(c) != 0)
        return -1;
    return serve(c);
}

int s3_head_object(svc_call *c)
{
    if (s3_check_request(c) != 0)
        return -1;
    return serve(c);
}

int s3_write_conditions(svc_call *c, s3_bucket *b, const char *key)
{
    const char *inm = s3_in(c, "IfNoneMatch"), *im = s3_in(c, "IfMatch");
    if (!inm && !im)
        return 0;
    s3_object *old = s3_object_get(b, key);
    char etag[48] = "";
    if (old)
        s3_object_etag(old, false, etag);
    if (im && !old)
        return s3_err_no_such_key(c, key);
    if ((inm && old && s3_etag_listed(inm, etag)) || (im && !s3_etag_listed(im, etag))) {
        aws_error_set(&c->err, "PreconditionFailed", NULL);
        aws_error_field(&c->err, "Condition", json_string(im ? "If-Match" : "If-None-Match"));
        return -1;
    }
    return 0;
}

/* Runs with no namespace lock (SVC_LOCK_NONE, see store.h): the body is
 * checked and hashed with no lock held, and the lock is taken shared to
 * look and, at the end, exclusively to store. */
int s3_put_object(svc_call *c)
{
    if (s3_check_request(c) != 0)
        return -1;
    const char *key = s3_in(c, "Key");
    svc_lock_shared(c);
    s3_bucket *b = s3_bucket_for(c, s3_in(c, "Bucket"));
    int rc = !b || s3_check_key(c, key) != 0 || s3_write_conditions(c, b, key) != 0 ||
                     s3_config_check_object_acl(c, b) != 0
                 ? -1
                 : 0;
    svc_unlock_shared(c);
    if (rc != 0)
        return -1;
    s3_meta *m = s3_meta_from_input(c);
    if (meta_extras(c, m, true) != 0) {
        s3_meta_free(m);
        return -1;
    }
    s3_payload p;
    /* S3 gives every new object a full-object CRC64NVME when the client sent no checksum */
    if (s3_payload_take(c, CHECKSUM_CRC64NVME, S3_MAX_PUT, &p) != 0) {
        s3_meta_free(m);
        return -1;
    }
    /* payload_take strips aws-chunked from the encoding the object keeps */
    g_free(m->content_encoding);
    m->content_encoding = dup_in(c, "ContentEncoding");
    if (p.algo != CHECKSUM_NONE) {
        m->algo = p.algo;
        m->checksum = g_strdup(p.checksum);
    }
    m = s3_meta_compact(m);

    svc_lock_exclusive(c);
    /* the bucket may have gone, and another upload of the key may have
     * landed meanwhile: look again */
    b = s3_bucket_for(c, s3_in(c, "Bucket"));
    rc = !b || s3_write_conditions(c, b, key) != 0 || s3_lock_for_new(c, b, &m) != 0 ? -1 : 0;
    char vid[S3_VERSION_ID_LEN + 1] = "";
    if (rc == 0) {
        s3_object *o = s3_object_new(key, p.blob, m, c->now_ms, p.md5, 0);
        s3_object_put(b, o);
        m = NULL;
        /* S3 names the version only when it is a real one */
        if (!(o->vflags & S3_V_NULL))
            s3_version_id(o, vid);
    }
    svc_unlock_exclusive(c);
    s3_meta_free(m);
    if (rc == 0) {
        char etag[48];
        s3_etag_text(p.md5, 0, true, etag); /* from the payload: the object may be replaced already */
        c->output = json_pack("{s:s, s:s}", "ETag", etag, "ServerSideEncryption", "AES256");
        set_checksum(c->output, p.algo, p.checksum, false);
        if (*vid)
            json_object_set_new(c->output, "VersionId", json_string(vid));
    }
    s3_payload_clear(&p);
    return rc;
}

/* DeleteObject with a versionId: that version goes for good, unless
 * object lock keeps it. */
static int delete_version(svc_call *c, s3_bucket *b, const char *key, const char *vid, bool bypass)
{
    uint64_t vseq;
    if (s3_version_parse(vid, &vseq) == S3_VID_MALFORMED || (!s3_versioned(b) && strcmp(vid, "null") != 0))
        return s3_err_invalid_argument(c, "versionId", vid, "Invalid version id specified");
    s3_object *v = s3_version_get(b, key, vseq);
    c->output = json_pack("{s:s}", "VersionId", vid);
    if (!v || (vseq == 0 && strcmp(vid, "null") != 0))
        return 0; /* a version that is not there is deleted already */
    if (s3_lock_check_delete(c, b, v, bypass) != 0) {
        json_decref(c->output);
        c->output = NULL;
        return -1;
    }
    if (v->vflags & S3_V_MARKER)
        json_object_set_new(c->output, "DeleteMarker", json_true());
    s3_version_delete(b, v);
    return 0;
}

int s3_delete_object(svc_call *c)
{
    s3_bucket *b = s3_call_bucket(c);
    if (!b)
        return -1;
    const char *key = s3_in(c, "Key");
    if (s3_check_key(c, key) != 0)
        return -1;
    bool bypass;
    if (s3_lock_bypass(c, b, &bypass) != 0)
        return -1;
    const char *vid = s3_in(c, "VersionId");
    if (vid)
        return delete_version(c, b, key, vid, bypass);
    const char *im = s3_in(c, "IfMatch");
    s3_object *o = s3_object_get(b, key);
    if (im && !o)
        return s3_err_no_such_key(c, key); /* nothing to match: S3 says so rather than 412 */
    if (im) {
        char etag[48];
        s3_object_etag(o, false, etag);
        if (!s3_etag_listed(im, etag)) {
            aws_error_set(&c->err, "PreconditionFailed", NULL);
            aws_error_field(&c->err, "Condition", json_string("If-Match"));
            return -1;
        }
    }
    /* deleting what is not there succeeds too (and, versioned, adds a marker) */
    s3_object *marker = s3_object_remove(b, key, c->now_ms);
    if (marker) {
        c->output = json_pack("{s:b}", "DeleteMarker", 1);
        s3_version_output(b, marker, c->output);
    }
    return 0;
}

/* Whether --auth enforce refused entry i of the batch (c->denied, in
 * ascending order: a binary search). */
static bool entry_denied(svc_call *c, size_t i)
{
    if (!c->denied)
        return false;
    guint lo = 0, hi = c->denied->len;
    while (lo < hi) {
        guint mid = (lo + hi) / 2;
        int v = g_array_index(c->denied, int, mid);
        if ((size_t)v == i)
            return true;
        if ((size_t)v < i)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

int s3_delete_objects(svc_call *c)
{
    s3_bucket *b = s3_call_bucket(c);
    if (!b)
        return -1;
    if (s3_payload_verify_raw(c, true) != 0)
        return -1;
    json_t *del = json_object_get(c->input, "Delete");
    json_t *objs = json_object_get(del, "Objects");
    if (!json_is_array(objs) || json_array_size(objs) == 0 || json_array_size(objs) > 1000)
        return aws_error_set(&c->err, "MalformedXML", NULL);
    bool quiet = svc_true(del, "Quiet");
    bool bypass;
    if (s3_lock_bypass(c, b, &bypass) != 0)
        return -1;
    json_t *deleted = json_array(), *errors = json_array();
    size_t i;
    json_t *item;
    json_array_foreach(objs, i, item) {
        json_t *kj = json_object_get(item, "Key");
        const char *key = json_string_value(kj);
        const char *vid = svc_str(item, "VersionId");
        size_t klen = json_string_length(kj);
        const char *code = NULL, *msg = NULL;
        uint64_t vseq = 0;
        s3_object *v = NULL;
        if (!key || strlen(key) != klen || !g_utf8_validate(key, (gssize)klen, NULL)) {
            code = "InvalidArgument";
            msg = "Invalid key";
        } else if (entry_denied(c, i)) {
            /* --auth enforce refused this key alone */
            code = "AccessDenied";
            msg = "Access Denied";
        } else if (klen > S3_MAX_KEY) {
            code = "KeyTooLongError";
            msg = "Your key is too long";
        } else if (vid && (s3_version_parse(vid, &vseq) != S3_VID_OK || (!s3_versioned(b) && vseq))) {
            code = "NoSuchVersion";
            msg = "The specified version does not exist.";
        } else if (vid && (v = s3_version_get(b, key, vseq)) && s3_lock_check_delete(c, b, v, bypass) != 0) {
            code = "AccessDenied";
            msg = "Access Denied because object protected by object lock.";
            aws_error_clear(&c->err);
        }
        if (code) {
            json_t *e = json_pack("{s:s, s:s}", "Code", code, "Message", msg);
            if (key)
                json_object_set_new(e, "Key", s3_text(key));
            if (vid)
                json_object_set_new(e, "VersionId", json_string(vid));
            json_array_append_new(errors, e);
            continue;
        }
        json_t *d = json_pack("{s:s}", "Key", key);
        if (vid) {
            json_object_set_new(d, "VersionId", json_string(vid));
            if (v && (v->vflags & S3_V_MARKER)) {
                json_object_set_new(d, "DeleteMarker", json_true());
                json_object_set_new(d, "DeleteMarkerVersionId", json_string(vid));
            }
            if (v)
                s3_version_delete(b, v);
        } else {
            s3_object *marker = s3_object_remove(b, key, c->now_ms);
            if (marker) {
                char mid[S3_VERSION_ID_LEN + 1];
                s3_version_id(marker, mid);
                json_object_set_new(d, "DeleteMarker", json_true());
                json_object_set_new(d, "DeleteMarkerVersionId", json_string(mid));
            }
        }
        if (!quiet)
            json_array_append_new(deleted, d);
        else
            json_decref(d);
    }
    c->output = json_object();
    if (json_array_size(deleted))
        json_object_set(c->output, "Deleted", deleted);
    if (json_array_size(errors))
        json_object_set(c->output, "Errors", errors);
    json_decref(deleted);
    json_decref(errors);
    return 0;
}

static int copy_object(svc_call *c, s3_bucket *db, const char *key, s3_bucket *sb, s3_object *src,
                       const char *src_vid);
/* The checksum a copy gets when the request names none: a full-object one
 * is kept as it is (NONE: nothing to compute); a composite one is computed
 * again over the whole object in its algorithm; a source without one gets
 * S3's default, CRC64NVME. */
static checksum_algo copy_checksum_algo(const s3_object *src)
{
    const s3_meta *m = src->meta;
    if (!m || m->algo == CHECKSUM_NONE)
        return CHECKSUM_CRC64NVME;
    return m->composite ? m->algo : CHECKSUM_NONE;
}

/* A copy that keeps the source's metadata keeps its website redirect too,
 * unless the request names one: that value is the copy's (and is what makes
 * an in-place copy legal). */
static void keep_redirect(svc_call *c, s3_meta *m)
{
    const char *given = s3_in(c, "WebsiteRedirectLocation");
    if (!given)
        return;
    g_free(m->website_redirect);
    m->website_redirect = *given ? g_strdup(given) : NULL;
}

int s3_copy_object(svc_call *c)
{
    s3_bucket *db = s3_call_bucket(c);
    if (!db || s3_config_check_object_acl(c, db) != 0)
        return -1;
    const char *key = s3_in(c, "Key");
    if (s3_check_key(c, key) != 0)
        return -1;
    s3_bucket *sb;
    char *src_vid;
    s3_object *src = s3_copy_source_version(c, &sb, &src_vid);
    if (!src)
        return -1;
    int rc = copy_object(c, db, key, sb, src, src_vid);
    g_free(src_vid);
    return rc;
}

static int copy_object(svc_call *c, s3_bucket *db, const char *key, s3_bucket *sb, s3_object *src,
                       const char *src_vid)
{
    const char *directive = s3_in(c, "MetadataDirective");
    bool replace = directive && strcmp(directive, "REPLACE") == 0;
    const char *tagdir = s3_in(c, "TaggingDirective");
    bool replace_tags = tagdir && strcmp(tagdir, "REPLACE") == 0;
    /* from an explicit source version, even in place, is a change */
    if (sb == db && strcmp(src->key, key) == 0 && !replace && !src_vid && !s3_in(c, "StorageClass") &&
        !s3_in(c, "WebsiteRedirectLocation") && !s3_in(c, "ServerSideEncryption") &&
        !s3_in(c, "SSEKMSKeyId") && !s3_in(c, "ChecksumAlgorithm"))
        return aws_error_set(&c->err, "InvalidRequest",
                             "This copy request is illegal because it is trying to copy an object to itself "
                             "without changing the object's metadata, storage class, website redirect location "
                             "or encryption attributes.");
    s3_meta *m;
    if (replace) {
        m = s3_meta_from_input(c);
        if (s3_user_metadata(c, &m->user) != 0) {
            s3_meta_free(m);
            return -1;
        }
    } else {
        m = s3_meta_copy(src->meta);
        if (!m)
            m = s3_meta_new();
        /* the copy is one object, not parts; storage class is the request's */
        for (uint32_t i = 0; m->parts && i < m->nparts; i++)
            g_free(m->parts[i].checksum);
        g_free(m->parts);
        m->parts = NULL;
        m->nparts = 0;
        g_free(m->storage_class);
        const char *sc = s3_in(c, "StorageClass");
        m->storage_class = sc && strcmp(sc, "STANDARD") != 0 ? g_strdup(sc) : NULL;
        json_decref(m->tags);
        m->tags = NULL;
        keep_redirect(c, m);
    }
    /* retention and legal hold are the version's, not copied */
    m->lock_mode = m->lock_hold = 0;
    m->lock_until_ms = 0;
    if (s3_lock_for_new(c, db, &m) != 0) {
        s3_meta_free(m);
        return -1;
    }
    if (replace_tags) {
        json_decref(m->tags);
        if (s3_tags_from_header(c, &m->tags) != 0) {
            s3_meta_free(m);
            return -1;
        }
    } else if (src->meta && src->meta->tags) {
        json_decref(m->tags);
        m->tags = json_deep_copy(src->meta->tags);
    }
    /* Checksums: a requested algorithm is computed; a full-object one is
     * kept; a composite one describes parts the copy does not have. */
    const char *want = s3_in(c, "ChecksumAlgorithm");
    checksum_algo algo = want ? checksum_algo_from_name(want) : copy_checksum_algo(src);
    bool need_md5 = src->etag_parts != 0;
    unsigned char md5[16];
    memcpy(md5, src->md5, 16);
    char *sum = NULL;
    if (need_md5 || algo != CHECKSUM_NONE) {
        unsigned char tmp[16];
        s3_digest(src->blob->data, src->blob->len, tmp, algo, &sum);
        if (need_md5)
            memcpy(md5, tmp, 16);
    }
    g_free(m->checksum);
    m->checksum = NULL;
    if (algo != CHECKSUM_NONE) {
        m->algo = algo;
        m->checksum = sum;
        m->composite = false;
    } else if (src->meta && src->meta->algo != CHECKSUM_NONE && !src->meta->composite) {
        m->algo = src->meta->algo;
        m->checksum = g_strdup(src->meta->checksum);
        g_free(sum);
    } else {
        m->algo = CHECKSUM_NONE;
        g_free(sum);
    }
    /* The bytes are shared, not copied: blobs are immutable. */
    s3_object *o = s3_object_new(key, src->blob, s3_meta_compact(m), c->now_ms, md5, 0);
    s3_object_put(db, o); /* may free src when it is the same key: not used below */
    char etag[48];
    s3_object_etag(o, true, etag);
    json_t *result = json_pack("{s:s, s:o}", "ETag", etag, "LastModified", s3_time_json(S3_MTIME_MS(o)));
    if (o->meta)
        set_checksum(result, o->meta->algo, o->meta->checksum, false);
    c->output = json_pack("{s:o, s:s}", "CopyObjectResult", result, "ServerSideEncryption", "AES256");
    if (!(o->vflags & S3_V_NULL))
        s3_version_output(db, o, c->output);
    if (src_vid)
        json_object_set_new(c->output, "CopySourceVersionId", json_string(src_vid));
    return 0;
}

int s3_get_object_tagging(svc_call *c)
{
    if (s3_check_request(c) != 0)
        return -1;
    s3_bucket *b;
    s3_object *o;
    if (lookup(c, &b, &o) != 0)
        return -1;
    c->output = json_pack("{s:o}", "TagSet", tag_set_json(o->meta));
    s3_version_output(b, o, c->output);
    return 0;
}

int s3_put_object_tagging(svc_call *c)
{
    if (s3_check_request(c) != 0)
        return -1;
    s3_bucket *b;
    s3_object *o;
    if (lookup(c, &b, &o) != 0)
        return -1;
    if (s3_payload_verify_raw(c, false) != 0)
        return -1;
    json_t *tagset = json_object_get(json_object_get(c->input, "Tagging"), "TagSet");
    if (!json_is_array(tagset))
        return aws_error_set(&c->err, "MalformedXML", NULL);
    json_t *set = json_object();
    size_t i;
    json_t *t;
    json_array_foreach(tagset, i, t) {
        if (add_tag(c, set, svc_str(t, "Key"),
                    svc_str(t, "Value")) != 0) {
            json_decref(set);
            return -1;
        }
    }
    o = s3_object_mut(b, o); /* a snapshot may share it */
    if (!o->meta)
        o->meta = s3_meta_new();
    json_decref(o->meta->tags);
    o->meta->tags = json_object_size(set) ? set : NULL;
    if (!o->meta->tags)
        json_decref(set);
    o->meta = s3_meta_compact(o->meta);
    return 0;
}

int s3_delete_object_tagging(svc_call *c)
{
    if (s3_check_request(c) != 0)
        return -1;
    s3_bucket *b;
    s3_object *o;
    if (lookup(c, &b, &o) != 0)
        return -1;
    if (o->meta && o->meta->tags) {
        o = s3_object_mut(b, o); /* a snapshot may share it */
        json_decref(o->meta->tags);
        o->meta->tags = NULL;
        o->meta = s3_meta_compact(o->meta);
    }
    return 0;
}

/* GetObjectAttributes' Checksum: a composite one without the "-N" part
 * count CompleteMultipartUpload showed. */
static json_t *attributes_checksum(const s3_meta *m)
{
    json_t *ck = json_object();
    const char *dash = m->composite ? strrchr(m->checksum, '-') : NULL;
    char *bare = g_strndup(m->checksum, dash ? (size_t)(dash - m->checksum) : strlen(m->checksum));
    set_checksum(ck, m->algo, bare, m->composite);
    g_free(bare);
    return ck;
}

int s3_get_object_attributes(svc_call *c)
{
    if (s3_check_request(c) != 0)
        return -1;
    s3_bucket *b;
    s3_object *o;
    if (lookup(c, &b, &o) != 0)
        return -1;
    json_t *attrs = json_object_get(c->input, "ObjectAttributes");
    if (!json_is_array(attrs) || json_array_size(attrs) == 0) {
        aws_error_set(&c->err, "InvalidArgument", "Invalid attribute name specified.");
        aws_error_field(&c->err, "ArgumentName", json_string("x-amz-object-attributes"));
        return -1;
    }
    const s3_meta *m = o->meta;
    json_t *out = json_pack("{s:o}", "LastModified", s3_time_json(S3_MTIME_MS(o)));
    size_t i;
    json_t *a;
    json_array_foreach(attrs, i, a) {
        const char *name = json_string_value(a);
        if (!name)
            continue;
        if (strcmp(name, "ETag") == 0) {
            char etag[48];
            s3_object_etag(o, false, etag); /* unquoted here, unlike everywhere else */
            json_object_set_new(out, "ETag", json_string(etag));
        } else if (strcmp(name, "StorageClass") == 0) {
            json_object_set_new(out, "StorageClass",
                                json_string(m && m->storage_class ? m->storage_class : "STANDARD"));
        } else if (strcmp(name, "ObjectSize") == 0) {
            json_object_set_new(out, "ObjectSize", json_integer((json_int_t)o->blob->len));
        } else if (strcmp(name, "Checksum") == 0) {
            if (m && m->algo != CHECKSUM_NONE && m->checksum)
                json_object_set_new(out, "Checksum", attributes_checksum(m));
        } else if (strcmp(name, "ObjectParts") == 0 && m && m->parts && !m->parts[0].checksum) {
            /* parts without checksums (S3's default CRC64NVME is the whole
             * object's): S3 lists no parts, only their count */
            json_object_set_new(out, "ObjectParts", json_pack("{s:i}", "TotalPartsCount", (int)m->nparts));
        } else if (strcmp(name, "ObjectParts") == 0 && m && m->parts) {
            json_t *mp = json_object_get(c->input, "MaxParts");
            json_t *pm = json_object_get(c->input, "PartNumberMarker");
            json_int_t max = mp ? json_integer_value(mp) : 1000;
            json_int_t marker = pm ? json_integer_value(pm) : 0;
            if (max < 0 || max > 1000)
                max = 1000;
            json_t *parts = json_array();
            json_int_t next = marker;
            bool truncated = false;
            for (uint32_t k = (uint32_t)(marker < 0 ? 0 : marker); k < m->nparts; k++) {
                if ((json_int_t)json_array_size(parts) == max) {
                    truncated = true;
                    break;
                }
                json_t *p = json_pack("{s:i, s:I}", "PartNumber", (int)k + 1, "Size", (json_int_t)m->parts[k].size);
                if (m->parts[k].checksum)
                    json_object_set_new(p, s3_checksum_member(m->algo), json_string(m->parts[k].checksum));
                json_array_append_new(parts, p);
                next = k + 1;
            }
            json_t *op = json_pack("{s:i, s:I, s:I, s:I, s:b, s:o}", "TotalPartsCount", (int)m->nparts,
                                   "PartNumberMarker", marker, "NextPartNumberMarker", next, "MaxParts", max,
                                   "IsTruncated", truncated, "Parts", parts);
            json_object_set_new(out, "ObjectParts", op);
        }
    }
    c->output = out;
    return 0;
}
