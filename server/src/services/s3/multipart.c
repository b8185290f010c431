#include "services/s3/multipart.h"

#include <errno.h>
#include <string.h>

#include "services/s3/cond.h"
#include "services/s3/config.h"
#include "services/s3/object.h"
#include "services/s3/payload.h"
#include "services/s3/s3.h"
#include "services/s3/version.h"
#include "services/svc_api.h"

#define UPLOAD_ID_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
#define MAX_LIST 1000

static int no_such_upload(svc_call *c, const char *id)
{
    aws_error_set(&c->err, "NoSuchUpload", NULL);
    aws_error_field(&c->err, "UploadId", s3_text(id));
    return -1;
}

/* Bucket, key and upload of a request on an upload. */
static s3_upload *upload_for(svc_call *c, s3_bucket **bp)
{
    s3_bucket *b = s3_bucket_for(c, s3_in(c, "Bucket"));
    if (!b)
        return NULL;
    const char *key = s3_in(c, "Key");
    if (s3_check_key(c, key) != 0)
        return NULL;
    const char *id = s3_in(c, "UploadId");
    s3_upload *u = s3_upload_get(b, id);
    if (!u || strcmp(u->key, key) != 0) {
        no_such_upload(c, id);
        return NULL;
    }
    *bp = b;
    return u;
}

static int part_number(svc_call *c, int *out)
{
    json_t *pn = json_object_get(c->input, "PartNumber");
    json_int_t n = json_integer_value(pn);
    if (n < 1 || n > S3_MAX_PARTS) {
        char v[32];
        g_snprintf(v, sizeof v, "%" JSON_INTEGER_FORMAT, n);
        return s3_err_invalid_argument(c, "partNumber", v,
                                       "Part number must be an integer between 1 and 10000, inclusive");
    }
    *out = (int)n;
    return 0;
}

static const char *lower_name(checksum_algo a)
{
    switch (a) {
    case CHECKSUM_CRC32: return "crc32";
    case CHECKSUM_CRC32C: return "crc32c";
    case CHECKSUM_CRC64NVME: return "crc64nvme";
    case CHECKSUM_SHA1: return "sha1";
    case CHECKSUM_SHA256: return "sha256";
    default: return "none";
    }
}

static void set_checksum(json_t *out, checksum_algo algo, const char *value)
{
    const char *member = s3_checksum_member(algo);
    if (member && value)
        json_object_set_new(out, member, json_string(value));
}

int s3_create_multipart_upload(svc_call *c)
{
    s3_bucket *b = s3_call_bucket(c);
    if (!b || s3_config_check_object_acl(c, b) != 0)
        return -1;
    const char *key = s3_in(c, "Key");
    if (s3_check_key(c, key) != 0)
        return -1;
    const char *an = s3_in(c, "ChecksumAlgorithm"), *type = s3_in(c, "ChecksumType");
    checksum_algo algo = an ? checksum_algo_from_name(an) : CHECKSUM_NONE;
    if (an && algo == CHECKSUM_NONE)
        return s3_err_invalid_argument(c, "x-amz-checksum-algorithm", an, "Checksum algorithm provided is unsupported.");
    if (type && algo == CHECKSUM_NONE)
        return aws_error_set(&c->err, "InvalidRequest",
                             "The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.");
    /* CRC64NVME only combines as a full-object checksum; SHAs only as
     * composite ones */
    bool composite = type ? strcmp(type, "COMPOSITE") == 0 : algo != CHECKSUM_CRC64NVME;
    if ((composite && algo == CHECKSUM_CRC64NVME) ||
        (!composite && (algo == CHECKSUM_SHA1 || algo == CHECKSUM_SHA256)))
        return aws_error_set(&c->err, "InvalidRequest",
                             "The %s checksum type cannot be used with the %s checksum algorithm.",
                             composite ? "COMPOSITE" : "FULL_OBJECT", lower_name(algo));
    s3_meta *m = s3_meta_from_input(c);
    if (s3_user_metadata(c, &m->user) != 0 || s3_tags_from_header(c, &m->tags) != 0) {
        s3_meta_free(m);
        return -1;
    }
    m->algo = algo;
    m->composite = composite;
    char id[65];
    do
        svc_random_string(c, id, 64, UPLOAD_ID_CHARS);
    while (s3_upload_get(b, id));
    s3_upload *u = s3_upload_add(b, id, key, c->account, m, c->now_ms);
    c->output = json_pack("{s:s, s:s, s:s}", "Bucket", b->name, "Key", key, "UploadId", u->id);
    if (algo != CHECKSUM_NONE) {
        json_object_set_new(c->output, "ChecksumAlgorithm", json_string(checksum_algo_name(algo)));
        json_object_set_new(c->output, "ChecksumType", json_string(composite ? "COMPOSITE" : "FULL_OBJECT"));
    }
    return 0;
}

static char *md5_etag(const unsigned char md5[16])
{
    char e[48];
    s3_etag_text(md5, 0, true, e);
    return g_strdup(e);
}

/* Like PutObject (see object.c), hashes its body with no namespace lock
 * held (SVC_LOCK_NONE): uploads of parts run side by side. The upload may
 * be completed or aborted meanwhile, so storing the part looks it up again. */
int s3_upload_part(svc_call *c)
{
    if (s3_check_request(c) != 0)
        return -1;
    s3_bucket *b;
    int pn = 0;
    svc_lock_shared(c);
    s3_upload *u = upload_for(c, &b);
    if (u && part_number(c, &pn) != 0)
        u = NULL;
    checksum_algo algo = u ? u->meta->algo : CHECKSUM_NONE;
    svc_unlock_shared(c);
    if (!u)
        return -1;
    s3_payload p;
    if (s3_payload_take(c, algo, S3_MAX_PUT, &p) != 0)
        return -1;
    if (algo != CHECKSUM_NONE && p.algo != algo) {
        int rc = aws_error_set(&c->err, "InvalidRequest",
                               "Checksum Type mismatch occurred, expected checksum Type: %s, actual checksum Type: %s",
                               lower_name(algo), lower_name(p.algo));
        s3_payload_clear(&p);
        return rc;
    }
    svc_lock_exclusive(c);
    u = upload_for(c, &b);
    if (u) {
        s3_part *part = g_new0(s3_part, 1);
        part->number = pn;
        part->blob = s3_blob_ref(p.blob);
        memcpy(part->md5, p.md5, 16);
        part->mtime_ms = c->now_ms;
        part->algo = p.algo;
        part->checksum = g_strdup(p.checksum);
        s3_part_put(u, part);
    }
    svc_unlock_exclusive(c);
    if (!u) {
        s3_payload_clear(&p);
        return -1;
    }
    char *etag = md5_etag(p.md5);
    c->output = json_pack("{s:s, s:s}", "ETag", etag, "ServerSideEncryption", "AES256");
    set_checksum(c->output, p.algo, p.checksum);
    g_free(etag);
    s3_payload_clear(&p);
    return 0;
}

int s3_upload_part_copy(svc_call *c)
{
    if (s3_check_request(c) != 0)
        return -1;
    s3_bucket *b;
    s3_upload *u = upload_for(c, &b);
    int pn = 0;
    if (!u || part_number(c, &pn) != 0)
        return -1;
    s3_bucket *sb;
    s3_object *src = s3_copy_source(c, &sb);
    if (!src)
        return -1;
    uint64_t size = src->blob->len, first = 0, last = size ? size - 1 : 0;
    const char *range = s3_in(c, "CopySourceRange");
    if (range) {
        if (!s3_copy_range_parse(range, &first, &last))
            return s3_err_invalid_argument(c, "x-amz-copy-source-range", range,
                                           "The x-amz-copy-source-range value must be of the form bytes=first-last "
                                           "where first and last are the zero-based offsets of the first and last "
                                           "bytes to copy");
        if (last >= size)
            return s3_err_invalid_argument(c, "x-amz-copy-source-range", range,
                                           "Range specified is not valid for source object of size: %" G_GUINT64_FORMAT,
                                           size);
    }
    uint64_t len = size ? last - first + 1 : 0;
    if (len > S3_MAX_PUT) {
        aws_error_set(&c->err, "EntityTooLarge", NULL);
        return -1;
    }
    s3_part *part = g_new0(s3_part, 1);
    part->number = pn;
    part->blob = s3_blob_slice(src->blob, first, len); /* shares the source's bytes */
    s3_digest(part->blob->data, len, part->md5, u->meta->algo, &part->checksum);
    part->algo = part->checksum ? u->meta->algo : CHECKSUM_NONE;
    part->mtime_ms = c->now_ms;
    s3_part_put(u, part);
    char *etag = md5_etag(part->md5);
    json_t *r = json_pack("{s:s, s:o}", "ETag", etag, "LastModified", s3_time_json(part->mtime_ms));
    set_checksum(r, part->algo, part->checksum);
    c->output = json_pack("{s:o, s:s}", "CopyPartResult", r, "ServerSideEncryption", "AES256");
    g_free(etag);
    return 0;
}

/* An ETag as clients send it back: quotes optional. */
static bool etag_equal(const char *given, const unsigned char md5[16])
{
    char *want = md5_etag(md5); /* quoted */
    size_t n = strlen(given);
    bool ok = strcmp(given, want) == 0 || (n == 32 && strncmp(given, want + 1, 32) == 0);
    g_free(want);
    return ok;
}

static int invalid_part(svc_call *c, const char *id, json_int_t pn, const char *etag)
{
    aws_error_set(&c->err, "InvalidPart", NULL);
    aws_error_field(&c->err, "UploadId", s3_text(id));
    aws_error_field(&c->err, "PartNumber", json_integer(pn));
    if (etag)
        aws_error_field(&c->err, "ETag", json_string(etag));
    return -1;
}

static char *location(svc_call *c, const s3_bucket *b, const char *key)
{
    const char *host = c->req->host && *c->req->host ? c->req->host : "s3.amazonaws.com";
    GString *loc = g_string_new("http://");
    g_string_append(loc, host);
    size_t bl = strlen(b->name);
    if (!(strncmp(host, b->name, bl) == 0 && host[bl] == '.')) {
        g_string_append_c(loc, '/');
        g_string_append(loc, b->name);
    }
    g_string_append_c(loc, '/');
    http_percent_encode(loc, key, strlen(key), true);
    return g_string_free(loc, FALSE);
}

/* The part list of a CompleteMultipartUpload request as "N:etag" strings,
 * the ETags' quotes dropped, to recognise a repeat of it. */
static json_t *part_list_of(svc_call *c)
{
    json_t *list = json_object_get(json_object_get(c->input, "MultipartUpload"), "Parts");
    json_t *out = json_array();
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item) {
        const char *etag = svc_str(item, "ETag");
        size_t n = etag ? strlen(etag) : 0;
        if (n && etag[0] == '"') {
            etag++;
            n--;
        }
        if (n && etag[n - 1] == '"')
            n--;
        char *one = g_strdup_printf("%" JSON_INTEGER_FORMAT ":%.*s",
                                    json_integer_value(json_object_get(item, "PartNumber")), (int)n,
                                    etag ? etag : "");
        json_array_append_new(out, json_string(one));
        g_free(one);
    }
    return out;
}

/* An upload completed earlier: S3 answers a repeated CompleteMultipartUpload
 * (same key, same parts) as it answered the first, while the object it made
 * is still the key's. 1 when answered, 0 when it is no such repeat, -1 with
 * c->err set when the bucket is not the caller's to use. */
static int complete_again(svc_call *c)
{
    s3_bucket *b = s3_bucket_for(c, s3_in(c, "Bucket"));
    if (!b)
        return -1;
    const char *id = s3_in(c, "UploadId");
    json_t *done = id ? g_hash_table_lookup(b->completed, id) : NULL;
    if (!done)
        return 0;
    const char *key = s3_in(c, "Key");
    s3_object *o = key && strcmp(key, svc_str(json_object_get(done, "answer"), "Key")) == 0
                       ? s3_object_get(b, key)
                       : NULL;
    char etag[48];
    if (o)
        s3_object_etag(o, true, etag);
    if (!o || strcmp(etag, svc_str(json_object_get(done, "answer"), "ETag")) != 0)
        return 0;
    json_t *parts = part_list_of(c);
    bool same = json_equal(parts, json_object_get(done, "parts"));
    json_decref(parts);
    if (!same)
        return 0;
    c->output = json_deep_copy(json_object_get(done, "answer"));
    return 1;
}

int s3_complete_multipart_upload(svc_call *c)
{
    if (s3_check_request(c) != 0)
        return -1;
    int again = complete_again(c);
    if (again != 0)
        return again > 0 ? 0 : -1;
    s3_bucket *b;
    s3_upload *u = upload_for(c, &b);
    if (!u)
        return -1;
    json_t *list = json_object_get(json_object_get(c->input, "MultipartUpload"), "Parts");
    size_t n = json_array_size(list);
    if (n == 0)
        return aws_error_set(&c->err, "MalformedXML", NULL);
    if (n > S3_MAX_PARTS)
        return aws_error_set(&c->err, "TooManyParts", NULL);
    if (s3_write_conditions(c, b, u->key) != 0)
        return -1;
    s3_part **parts = g_new0(s3_part *, n);
    json_int_t prev = 0;
    uint64_t total = 0;
    int rc = 0;
    const char *member = s3_checksum_member(u->meta->algo);
    for (size_t i = 0; i < n && rc == 0; i++) {
        json_t *item = json_array_get(list, i);
        json_t *pnj = json_object_get(item, "PartNumber");
        const char *etag = svc_str(item, "ETag");
        json_int_t pn = json_integer_value(pnj);
        if (!pnj || !etag) {
            rc = aws_error_set(&c->err, "MalformedXML", NULL);
            break;
        }
        if (pn <= prev) {
            rc = aws_error_set(&c->err, "InvalidPartOrder", NULL);
            aws_error_field(&c->err, "UploadId", json_string(u->id));
            break;
        }
        prev = pn;
        s3_part *p = pn <= S3_MAX_PARTS ? g_tree_lookup(u->parts, GINT_TO_POINTER((int)pn)) : NULL;
        if (!p || !etag_equal(etag, p->md5)) {
            rc = invalid_part(c, u->id, pn, etag);
            break;
        }
        const char *given = member ? svc_str(item, member) : NULL;
        if (given && (!p->checksum || strcmp(given, p->checksum) != 0)) {
            rc = invalid_part(c, u->id, pn, etag);
            break;
        }
        parts[i] = p;
        total += p->blob->len;
    }
    for (size_t i = 0; rc == 0 && i + 1 < n; i++) {
        if (parts[i]->blob->len < S3_MIN_PART) {
            aws_error_set(&c->err, "EntityTooSmall", NULL);
            aws_error_field(&c->err, "ProposedSize", json_integer((json_int_t)parts[i]->blob->len));
            aws_error_field(&c->err, "MinSizeAllowed", json_integer((json_int_t)S3_MIN_PART));
            aws_error_field(&c->err, "PartNumber", json_integer(parts[i]->number));
            char *etag = md5_etag(parts[i]->md5);
            aws_error_field(&c->err, "ETag", json_string(etag));
            g_free(etag);
            rc = -1;
        }
    }
    if (rc != 0) {
        g_free(parts);
        return -1;
    }

    /* The object's bytes: one copy of each part into a body, which spills
     * to a file-backed mapping past its threshold, so a 5 GiB object is not
     * assembled in anonymous memory (a single part is shared as it is). */
    s3_blob *blob;
    if (n == 1) {
        blob = s3_blob_ref(parts[0]->blob);
    } else {
        body_buf *all = body_new(0, NULL);
        int io = 0;
        for (size_t i = 0; io == 0 && i < n; i++)
            io = body_append(all, parts[i]->blob->data, parts[i]->blob->len);
        if (io != 0 || body_finish(all) != 0) {
            int e = errno;
            body_free(all);
            g_free(parts);
            return aws_error_set_status(&c->err, 500, "InternalError",
                                        "mockaws could not store the object's %" G_GUINT64_FORMAT " bytes: %s",
                                        total, g_strerror(e));
        }
        blob = s3_blob_adopt_body(all);
    }
    /* ETag: the MD5 of the parts' binary MD5s, and their count */
    GChecksum *md = g_checksum_new(G_CHECKSUM_MD5);
    for (size_t i = 0; i < n; i++)
        g_checksum_update(md, parts[i]->md5, 16);
    unsigned char md5[16];
    gsize dl = 16;
    g_checksum_get_digest(md, md5, &dl);
    g_checksum_free(md);

    s3_meta *m = s3_meta_copy(u->meta);
    m->nparts = (uint32_t)n;
    m->parts = g_new0(s3_part_info, n);
    for (size_t i = 0; i < n; i++) {
        m->parts[i].size = parts[i]->blob->len;
        m->parts[i].checksum = g_strdup(parts[i]->checksum);
    }
    if (m->algo == CHECKSUM_NONE) {
        /* an upload created without an algorithm gets S3's default: a
         * full-object CRC64NVME (its parts keep none) */
        m->algo = CHECKSUM_CRC64NVME;
        m->composite = false;
    }
    if (m->composite) {
        /* the checksum of the parts' binary checksums, and their count */
        checksum_ctx ck;
        checksum_init(&ck, m->algo);
        for (size_t i = 0; i < n; i++) {
            gsize rl = 0;
            guchar *raw = parts[i]->checksum ? g_base64_decode(parts[i]->checksum, &rl) : NULL;
            checksum_update(&ck, raw, rl);
            g_free(raw);
        }
        unsigned char out[64];
        checksum_final(&ck, out);
        char *b64 = g_base64_encode(out, checksum_size(m->algo));
        m->checksum = g_strdup_printf("%s-%zu", b64, n);
        g_free(b64);
    } else {
        unsigned char ignored[16];
        s3_digest(blob->data, blob->len, ignored, m->algo, &m->checksum);
    }
    g_free(parts);
    s3_lock_for_new(c, b, &m); /* the bucket's default retention: the request names none */
    char *loc = location(c, b, u->key);
    s3_object *o = s3_object_new(u->key, blob, m, c->now_ms, md5, (uint32_t)n);
    s3_blob_unref(blob);
    s3_object_put(b, o);
    s3_upload_remove(b, u);
    char etag[48];
    s3_object_etag(o, true, etag);
    c->output = json_pack("{s:s, s:s, s:s, s:s, s:s}", "Location", loc, "Bucket", b->name, "Key", o->key, "ETag",
                          etag, "ServerSideEncryption", "AES256");
    g_free(loc);
    if (m->algo != CHECKSUM_NONE && m->checksum) {
        set_checksum(c->output, m->algo, m->checksum);
        json_object_set_new(c->output, "ChecksumType", json_string(m->composite ? "COMPOSITE" : "FULL_OBJECT"));
    }
    if (!(o->vflags & S3_V_NULL))
        s3_version_output(b, o, c->output);
    g_hash_table_replace(b->completed, g_strdup(s3_in(c, "UploadId")),
                         json_pack("{s:O, s:o}", "answer", c->output, "parts", part_list_of(c)));
    return 0;
}

int s3_abort_multipart_upload(svc_call *c)
{
    if (s3_check_request(c) != 0)
        return -1;
    s3_bucket *b;
    s3_upload *u = upload_for(c, &b);
    if (!u)
        return -1;
    s3_upload_remove(b, u);
    return 0;
}

static json_t *initiator(const char *partition, const char *account)
{
    char *arn = g_strdup_printf("arn:%s:iam::%s:root", partition, account);
    json_t *v = json_pack("{s:s}", "ID", arn); /* no DisplayName, as S3 now answers */
    g_free(arn);
    return v;
}

static void upload_checksum_fields(json_t *out, const s3_upload *u)
{
    if (u->meta->algo == CHECKSUM_NONE)
        return;
    json_object_set_new(out, "ChecksumAlgorithm", json_string(checksum_algo_name(u->meta->algo)));
    json_object_set_new(out, "ChecksumType", json_string(u->meta->composite ? "COMPOSITE" : "FULL_OBJECT"));
}

int s3_list_parts(svc_call *c)
{
    if (s3_check_request(c) != 0)
        return -1;
    s3_bucket *b;
    s3_upload *u = upload_for(c, &b);
    if (!u)
        return -1;
    json_t *mp = json_object_get(c->input, "MaxParts");
    json_int_t max = mp ? json_integer_value(mp) : MAX_LIST;
    if (max < 0)
        return s3_err_invalid_argument(c, "max-parts", NULL, "Argument max-parts must be an integer between 0 and 2147483647");
    if (max > MAX_LIST)
        max = MAX_LIST;
    json_t *pmj = json_object_get(c->input, "PartNumberMarker");
    json_int_t marker = pmj ? json_integer_value(pmj) : 0;
    if (marker < 0)
        return s3_err_invalid_argument(c, "part-number-marker", NULL,
                                       "Argument part-number-marker must be an integer between 0 and 2147483647");
    int mk = marker > S3_MAX_PARTS ? S3_MAX_PARTS : (int)marker;
    GTreeNode *n = g_tree_upper_bound(u->parts, GINT_TO_POINTER(mk));
    json_t *parts = json_array();
    json_int_t next = 0;
    for (; n && (json_int_t)json_array_size(parts) < max; n = g_tree_node_next(n)) {
        s3_part *p = g_tree_node_value(n);
        char *etag = md5_etag(p->md5);
        json_t *pj = json_pack("{s:i, s:o, s:s, s:I}", "PartNumber", p->number, "LastModified",
                               s3_time_json(p->mtime_ms), "ETag", etag, "Size", (json_int_t)p->blob->len);
        g_free(etag);
        set_checksum(pj, p->algo, p->checksum);
        json_array_append_new(parts, pj);
        next = p->number;
    }
    bool truncated = n != NULL && max > 0;
    json_t *out = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:b, s:o, s:o, s:s}", "Bucket", b->name, "Key", u->key,
                            "UploadId", u->id, "PartNumberMarker", marker, "NextPartNumberMarker", next, "MaxParts",
                            max, "IsTruncated", truncated, "Initiator", initiator(svc_partition(c->region), u->owner), "Owner",
                            s3_owner_json(u->owner), "StorageClass",
                            u->meta->storage_class ? u->meta->storage_class : "STANDARD");
    if (json_array_size(parts))
        json_object_set(out, "Parts", parts);
    json_decref(parts);
    upload_checksum_fields(out, u);
    c->output = out;
    return 0;
}

static int upload_cmp_nodes(GTreeNode *a, GTreeNode *b)
{
    const s3_upload *x = g_tree_node_value(a), *y = g_tree_node_value(b);
    int c = strcmp(x->key, y->key);
    if (c)
        return c;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The uploads tree is ordered by (key, seq): seeks go through a probe. */
static GTreeNode *uploads_from(GTree *t, const char *key, uint64_t seq, bool after)
{
    s3_upload probe = {.key = (char *)key, .seq = seq};
    return after ? g_tree_upper_bound(t, &probe) : g_tree_lower_bound(t, &probe);
}

static GTreeNode *uploads_past_prefix(GTree *t, const char *prefix, size_t len)
{
    char *succ = s3_prefix_successor(prefix, len);
    GTreeNode *n = succ ? uploads_from(t, succ, 0, false) : NULL;
    g_free(succ);
    return n;
}

int s3_list_multipart_uploads(svc_call *c)
{
    s3_bucket *b = s3_call_bucket(c);
    if (!b)
        return -1;
    const char *prefix = s3_in(c, "Prefix");
    if (!prefix)
        prefix = "";
    size_t plen = strlen(prefix);
    const char *delim = s3_in(c, "Delimiter");
    if (delim && !*delim)
        delim = NULL;
    size_t dlen = delim ? strlen(delim) : 0;
    const char *km = s3_in(c, "KeyMarker"), *uim = s3_in(c, "UploadIdMarker");
    const char *enc = s3_in(c, "EncodingType");
    bool url = enc && strcmp(enc, "url") == 0;
    json_t *mu = json_object_get(c->input, "MaxUploads");
    json_int_t max = mu ? json_integer_value(mu) : MAX_LIST;
    if (max < 0)
        return s3_err_invalid_argument(c, "max-uploads", NULL,
                                       "Argument max-uploads must be an integer between 0 and 2147483647");
    if (max > MAX_LIST)
        max = MAX_LIST;

    GTreeNode *n = uploads_from(b->uploads, prefix, 0, false);
    if (km && *km) {
        GTreeNode *a;
        const char *d = dlen && strncmp(km, prefix, plen) == 0 ? strstr(km + plen, delim) : NULL;
        if (d && d[dlen] == '\0') {
            a = uploads_past_prefix(b->uploads, km, strlen(km)); /* a rolled-up prefix */
        } else {
            s3_upload *mark = uim && *uim ? s3_upload_get(b, uim) : NULL;
            a = uploads_from(b->uploads, km, mark && strcmp(mark->key, km) == 0 ? mark->seq : UINT64_MAX, true);
        }
        if (!a || !n || upload_cmp_nodes(a, n) > 0)
            n = a;
    }
    json_t *uploads = json_array(), *prefixes = json_array();
    json_int_t count = 0;
    const s3_upload *last = NULL;
    char *last_cp = NULL;
    for (; n; ) {
        s3_upload *u = g_tree_node_value(n);
        if (strncmp(u->key, prefix, plen) != 0) {
            n = NULL;
            break;
        }
        if (count == max)
            break;
        const char *d = dlen ? strstr(u->key + plen, delim) : NULL;
        if (d) {
            size_t cplen = (size_t)(d - u->key) + dlen;
            json_array_append_new(prefixes, json_pack("{s:o}", "Prefix", s3_encodedn(u->key, cplen, url)));
            g_free(last_cp);
            last_cp = g_strndup(u->key, cplen);
            last = NULL;
            count++;
            n = uploads_past_prefix(b->uploads, u->key, cplen);
            continue;
        }
        json_t *uj = json_pack("{s:s, s:o, s:o, s:s, s:o, s:o}", "UploadId", u->id, "Key", s3_encoded(u->key, url),
                               "Initiated", s3_time_json(u->initiated_ms), "StorageClass",
                               u->meta->storage_class ? u->meta->storage_class : "STANDARD", "Owner",
                               s3_owner_json(u->owner), "Initiator", initiator(svc_partition(c->region), u->owner));
        upload_checksum_fields(uj, u);
        json_array_append_new(uploads, uj);
        last = u;
        g_free(last_cp);
        last_cp = NULL;
        count++;
        n = g_tree_node_next(n);
    }
    bool truncated = max > 0 && n && strncmp(((s3_upload *)g_tree_node_value(n))->key, prefix, plen) == 0;
    json_t *out = json_pack("{s:s, s:o, s:s, s:I, s:b, s:o}", "Bucket", b->name, "KeyMarker",
                            s3_encoded(km ? km : "", url), "UploadIdMarker", uim ? uim : "", "MaxUploads", max,
                            "IsTruncated", truncated, "Prefix", s3_encoded(prefix, url));
    if (delim)
        json_object_set_new(out, "Delimiter", s3_encoded(delim, url));
    if (url)
        json_object_set_new(out, "EncodingType", json_string("url"));
    if (truncated) {
        if (last) {
            json_object_set_new(out, "NextKeyMarker", s3_encoded(last->key, url));
            json_object_set_new(out, "NextUploadIdMarker", json_string(last->id));
        } else if (last_cp) {
            json_object_set_new(out, "NextKeyMarker", s3_encoded(last_cp, url));
        }
    }
    g_free(last_cp);
    if (json_array_size(uploads))
        json_object_set(out, "Uploads", uploads);
    if (json_array_size(prefixes))
        json_object_set(out, "CommonPrefixes", prefixes);
    json_decref(uploads);
    json_decref(prefixes);
    c->output = out;
    return 0;
}
