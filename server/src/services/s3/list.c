#include "services/s3/list.h"

#include <string.h>

#include "services/s3/s3.h"
#include "services/s3/token.h"
#include "services/s3/version.h"
#include "services/service.h"
#include "wire/restxml.h"

#define MAX_KEYS 1000

/* One listing request, v1 or v2. */
typedef struct listing {
    const char *prefix;
    size_t plen;
    const char *delim;
    size_t dlen;
    const char *after; /* list keys strictly after this (token, start-after, marker), or NULL */
    json_int_t max;
    bool url;
    json_t *owner;     /* each entry's Owner (computed once per page), or NULL */
    const s3_page *fmt; /* the inspection endpoint's entries (s3_list_page), or NULL: S3's */
    /* results */
    json_t *contents;
    json_t *prefixes;
    bool truncated;
    char *last;        /* the last key or common prefix given out (g_free) */
} listing;

/* Is s (of the listing's prefix) a common prefix: prefix + ... + delimiter
 * ending exactly at its end? */
static bool is_common_prefix(const listing *l, const char *s)
{
    if (!l->dlen || strncmp(s, l->prefix, l->plen) != 0)
        return false;
    const char *d = strstr(s + l->plen, l->delim);
    return d && d[l->dlen] == '\0';
}

static json_t *entry(const listing *l, const s3_object *o)
{
    char etag[48];
    s3_object_etag(o, true, etag);
    const s3_meta *m = o->meta;
    json_t *e = json_pack("{s:o, s:o, s:s, s:I, s:s}", "Key", s3_encoded(o->key, l->url), "LastModified",
                          s3_time_json(S3_MTIME_MS(o)), "ETag", etag, "Size", (json_int_t)o->blob->len,
                          "StorageClass", m && m->storage_class ? m->storage_class : "STANDARD");
    if (m && m->algo != CHECKSUM_NONE) {
        json_object_set_new(e, "ChecksumAlgorithm", json_pack("[s]", checksum_algo_name(m->algo)));
        json_object_set_new(e, "ChecksumType", json_string(m->composite ? "COMPOSITE" : "FULL_OBJECT"));
    }
    if (l->owner)
        json_object_set(e, "Owner", l->owner);
    return e;
}

/* The page: one seek to its start, then at most max entries, each rolled-up
 * prefix skipped with one more seek. */
static void run(const s3_bucket *b, listing *l)
{
    l->contents = json_array();
    l->prefixes = json_array();
    const pmap *t = &b->objects;
    pmap_iter it;
    const s3_object *n = l->plen ? pmap_seek(t, &it, l->prefix, false) : pmap_first(t, &it);
    if (l->after && n) {
        pmap_iter ait;
        const s3_object *a = is_common_prefix(l, l->after) ? s3_seek_past_prefix(b, false, &ait, l->after, strlen(l->after))
                                                            : pmap_seek(t, &ait, l->after, true);
        if (!a || strcmp(a->key, n->key) > 0) {
            n = a;
            it = ait;
        }
    }
    json_int_t count = 0;
    const s3_object *last_obj = NULL;
    const char *last_cp = NULL;
    size_t last_cp_len = 0;
    while (n) {
        const char *key = n->key;
        if (strncmp(key, l->prefix, l->plen) != 0) {
            n = NULL; /* past the prefix: nothing further can match */
            break;
        }
        if (count == l->max)
            break;
        const char *d = l->dlen ? strstr(key + l->plen, l->delim) : NULL;
        if (d) {
            size_t cplen = (size_t)(d - key) + l->dlen;
            json_array_append_new(l->prefixes, l->fmt ? l->fmt->common_prefix(key, cplen, l->fmt->arg)
                                                      : json_pack("{s:o}", "Prefix", s3_encodedn(key, cplen, l->url)));
            last_cp = key;
            last_cp_len = cplen;
            last_obj = NULL;
            count++;
            n = s3_seek_past_prefix(b, false, &it, key, cplen);
            continue;
        }
        json_array_append_new(l->contents, l->fmt ? l->fmt->object(n, l->fmt->arg) : entry(l, n));
        last_obj = n;
        last_cp = NULL;
        count++;
        n = pmap_next(&it);
    }
    /* max-keys=0 asks for nothing and gets no promise of more (no token
     * could continue it) */
    l->truncated = l->max > 0 && n && strncmp(n->key, l->prefix, l->plen) == 0;
    if (last_obj)
        l->last = g_strdup(last_obj->key);
    else if (last_cp)
        l->last = g_strndup(last_cp, last_cp_len);
}

void s3_list_page(const s3_bucket *b, s3_page *p)
{
    listing l = {.prefix = p->prefix ? p->prefix : "", .delim = p->delim && *p->delim ? p->delim : NULL,
                 .after = p->after, .max = (json_int_t)p->max, .fmt = p};
    l.plen = strlen(l.prefix);
    l.dlen = l.delim ? strlen(l.delim) : 0;
    run(b, &l);
    p->objects = l.contents;
    p->prefixes = l.prefixes;
    p->last = l.truncated ? l.last : NULL;
    if (!l.truncated)
        g_free(l.last);
}

static int common(svc_call *c, listing *l, s3_bucket **b)
{
    *b = s3_bucket_for(c, s3_in(c, "Bucket"));
    if (!*b)
        return -1;
    l->prefix = s3_in(c, "Prefix");
    if (!l->prefix)
        l->prefix = "";
    l->plen = strlen(l->prefix);
    l->delim = s3_in(c, "Delimiter");
    if (l->delim && !*l->delim)
        l->delim = NULL;
    l->dlen = l->delim ? strlen(l->delim) : 0;
    json_t *mk = json_object_get(c->input, "MaxKeys");
    l->max = mk ? json_integer_value(mk) : MAX_KEYS;
    if (l->max < 0)
        return s3_err_invalid_argument(c, "max-keys", NULL, "Provided max-keys not an integer or within integer range");
    if (l->max > MAX_KEYS)
        l->max = MAX_KEYS;
    const char *enc = s3_in(c, "EncodingType");
    l->url = enc && strcmp(enc, "url") == 0;
    return 0;
}

static void echo(json_t *out, const char *member, const char *v, bool url)
{
    if (v)
        json_object_set_new(out, member, s3_encoded(v, url));
}

int s3_list_objects_v2(svc_call *c)
{
    if (s3_check_request(c) != 0)
        return -1;
    listing l = {0};
    s3_bucket *b;
    if (common(c, &l, &b) != 0)
        return -1;
    const char *token = s3_in(c, "ContinuationToken");
    const char *start_after = s3_in(c, "StartAfter");
    char *from_token = NULL;
    if (token) {
        size_t n;
        if (!s3_token_decode(s3_secret(c), b->name, token, &from_token, &n))
            return s3_err_invalid_argument(c, "continuation-token", token,
                                           "The continuation token provided is incorrect");
        l.after = from_token; /* start-after is ignored once a token is given */
    } else if (start_after && *start_after) {
        l.after = start_after;
    }
    if (svc_true(c->input, "FetchOwner"))
        l.owner = s3_owner_json(b->owner);
    run(b, &l);
    json_int_t kc = (json_int_t)(json_array_size(l.contents) + json_array_size(l.prefixes));
    json_t *out = json_pack("{s:s, s:o, s:I, s:I, s:b}", "Name", b->name, "Prefix", s3_encoded(l.prefix, l.url),
                            "MaxKeys", l.max, "KeyCount", kc, "IsTruncated", l.truncated);
    echo(out, "Delimiter", l.delim, l.url);
    echo(out, "EncodingType", l.url ? "url" : NULL, false);
    if (token)
        json_object_set_new(out, "ContinuationToken", json_string(token));
    echo(out, "StartAfter", start_after, l.url);
    if (l.truncated && l.last) {
        char *t = s3_token_encode(s3_secret(c), b->name, l.last, strlen(l.last));
        json_object_set_new(out, "NextContinuationToken", json_string(t));
        g_free(t);
    }
    if (json_array_size(l.contents))
        json_object_set(out, "Contents", l.contents);
    if (json_array_size(l.prefixes))
        json_object_set(out, "CommonPrefixes", l.prefixes);
    json_decref(l.contents);
    json_decref(l.prefixes);
    json_decref(l.owner);
    g_free(l.last);
    g_free(from_token);
    c->output = out;
    return 0;
}

int s3_list_objects(svc_call *c)
{
    if (s3_check_request(c) != 0)
        return -1;
    listing l = {0};
    s3_bucket *b;
    if (common(c, &l, &b) != 0)
        return -1;
    const char *marker = s3_in(c, "Marker");
    if (marker && *marker)
        l.after = marker;
    l.owner = s3_owner_json(b->owner); /* v1 always names owners */
    run(b, &l);
    json_t *out = json_pack("{s:s, s:o, s:o, s:I, s:b}", "Name", b->name, "Prefix", s3_encoded(l.prefix, l.url),
                            "Marker", s3_encoded(marker ? marker : "", l.url), "MaxKeys", l.max, "IsTruncated",
                            l.truncated);
    echo(out, "Delimiter", l.delim, l.url);
    echo(out, "EncodingType", l.url ? "url" : NULL, false);
    /* Without a delimiter the client goes on from its last key */
    if (l.truncated && l.delim && l.last)
        json_object_set_new(out, "NextMarker", s3_encoded(l.last, l.url));
    if (json_array_size(l.contents))
        json_object_set(out, "Contents", l.contents);
    if (json_array_size(l.prefixes))
        json_object_set(out, "CommonPrefixes", l.prefixes);
    json_decref(l.contents);
    json_decref(l.prefixes);
    json_decref(l.owner);
    g_free(l.last);
    c->output = out;
    return 0;
}

/* ---- ListObjectVersions ---- */

/* The entry at position pos of the page: versions and markers share one
 * order, which the serializer keeps (RESTXML_ORDER_KEY). */
static json_t *version_entry(const s3_object *v, bool latest, bool url, json_t *owner, json_int_t pos)
{
    char id[S3_VERSION_ID_LEN + 1];
    s3_version_id(v, id);
    json_t *e = json_pack("{s:o, s:s, s:b, s:o, s:I}", "Key", s3_encoded(v->key, url), "VersionId", id, "IsLatest",
                          latest, "LastModified", s3_time_json(S3_MTIME_MS(v)), RESTXML_ORDER_KEY, pos);
    if (!(v->vflags & S3_V_MARKER)) {
        char etag[48];
        s3_object_etag(v, true, etag);
        const s3_meta *m = v->meta;
        json_object_set_new(e, "ETag", json_string(etag));
        json_object_set_new(e, "Size", json_integer((json_int_t)v->blob->len));
        json_object_set_new(e, "StorageClass", json_string(m && m->storage_class ? m->storage_class : "STANDARD"));
        if (m && m->algo != CHECKSUM_NONE) {
            json_object_set_new(e, "ChecksumAlgorithm", json_pack("[s]", checksum_algo_name(m->algo)));
            json_object_set_new(e, "ChecksumType", json_string(m->composite ? "COMPOSITE" : "FULL_OBJECT"));
        }
    }
    json_object_set(e, "Owner", owner);
    return e;
}

/* Is the entry at a later than first in listing order? */
static bool version_after(const s3_object *x, const s3_object *first)
{
    int c = strcmp(x->key, first->key);
    return c > 0 || (c == 0 && x->vseq < first->vseq);
}

/* One seek to the page's start, then at most max entries; a rolled-up
 * prefix is skipped with one more seek. */
int s3_list_object_versions(svc_call *c)
{
    if (s3_check_request(c) != 0)
        return -1;
    listing l = {0};
    s3_bucket *b;
    if (common(c, &l, &b) != 0)
        return -1;
    const char *prefix = l.prefix, *delim = l.delim;
    size_t plen = l.plen, dlen = l.dlen;
    json_int_t max = l.max;
    bool url = l.url;
    const char *km = s3_in(c, "KeyMarker");
    const char *vm = s3_in(c, "VersionIdMarker");
    if (km && !*km)
        km = NULL;
    if (vm && !*vm)
        vm = NULL;
    if (vm && !km)
        return s3_err_invalid_argument(c, "version-id-marker", vm,
                                       "A version-id marker cannot be specified without a key marker.");
    uint64_t mseq = 0;
    if (vm) {
        s3_vid_kind k = s3_version_parse(vm, &mseq);
        if (k == S3_VID_MALFORMED)
            return s3_err_invalid_argument(c, "version-id-marker", vm, "Invalid version id specified");
        if (k == S3_VID_OK && mseq == 0) {
            /* "null": after the key's null version, wherever it is */
            s3_object *nv = s3_version_get(b, km, 0);
            mseq = nv ? nv->vseq : 0;
        }
    }

    pmap_iter it;
    const s3_object *n = s3_version_seek(b, &it, prefix, UINT64_MAX);
    const char *prev = NULL; /* the key of the entry before the next one */
    if (km && n) {
        pmap_iter ait;
        const s3_object *a;
        if (is_common_prefix(&l, km)) {
            a = s3_seek_past_prefix(b, true, &ait, km, strlen(km));
        } else {
            a = s3_version_seek(b, &ait, km, vm ? mseq : 0);
            prev = vm ? km : NULL;
        }
        /* start at whichever is later: the marker, or the prefix's start */
        if (!a || version_after(a, n)) {
            n = a;
            it = ait;
        }
    }
    json_t *owner = json_object();
    char oid[65];
    s3_owner_id(b->owner, oid);
    json_object_set_new(owner, "ID", json_string(oid));
    json_t *versions = json_array(), *markers = json_array(), *prefixes = json_array();
    json_int_t count = 0;
    const s3_object *last_v = NULL;
    char *last_cp = NULL;
    while (n) {
        const s3_object *v = n;
        if (strncmp(v->key, prefix, plen) != 0) {
            n = NULL;
            break;
        }
        if (count == max)
            break;
        const char *d = dlen ? strstr(v->key + plen, delim) : NULL;
        if (d) {
            size_t cplen = (size_t)(d - v->key) + dlen;
            json_array_append_new(prefixes, json_pack("{s:o}", "Prefix", s3_encodedn(v->key, cplen, url)));
            g_free(last_cp);
            last_cp = g_strndup(v->key, cplen);
            last_v = NULL;
            prev = NULL;
            count++;
            n = s3_seek_past_prefix(b, true, &it, v->key, cplen);
            continue;
        }
        bool latest = !prev || strcmp(prev, v->key) != 0;
        json_array_append_new(v->vflags & S3_V_MARKER ? markers : versions, version_entry(v, latest, url, owner, count));
        last_v = v;
        prev = v->key;
        g_free(last_cp);
        last_cp = NULL;
        count++;
        n = pmap_next(&it);
    }
    bool truncated = max > 0 && n && strncmp(n->key, prefix, plen) == 0;
    json_t *out = json_pack("{s:s, s:o, s:o, s:s, s:I, s:b}", "Name", b->name, "Prefix", s3_encoded(prefix, url),
                            "KeyMarker", s3_encoded(km ? km : "", url), "VersionIdMarker", vm ? vm : "",
                            "MaxKeys", max, "IsTruncated", truncated);
    if (delim)
        json_object_set_new(out, "Delimiter", s3_encoded(delim, url));
    if (url)
        json_object_set_new(out, "EncodingType", json_string("url"));
    if (truncated && last_v) {
        char id[S3_VERSION_ID_LEN + 1];
        s3_version_id(last_v, id);
        json_object_set_new(out, "NextKeyMarker", s3_encoded(last_v->key, url));
        json_object_set_new(out, "NextVersionIdMarker", json_string(id));
    } else if (truncated && last_cp) {
        json_object_set_new(out, "NextKeyMarker", s3_encoded(last_cp, url));
    }
    if (json_array_size(versions))
        json_object_set(out, "Versions", versions);
    if (json_array_size(markers))
        json_object_set(out, "DeleteMarkers", markers);
    if (json_array_size(prefixes))
        json_object_set(out, "CommonPrefixes", prefixes);
    json_decref(versions);
    json_decref(markers);
    json_decref(prefixes);
    json_decref(owner);
    g_free(last_cp);
    c->output = out;
    return 0;
}
