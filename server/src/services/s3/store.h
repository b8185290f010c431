/* store: what S3 keeps: buckets, their objects in key order, multipart
 * uploads and their parts.
 *
 * The whole S3 state is one namespace (bucket names are global), guarded by
 * its read-write lock: readers (GetObject, listings) share it, writers
 * (PutObject, DeleteObject, ...) have it alone. Objects sit in a GTree keyed
 * by their raw key bytes (strcmp order = UTF-8 byte order, the order S3
 * lists in), so a page of a listing is one O(log n) seek plus the page.
 * An object's bytes are a refcounted s3_blob; everything else about it is
 * changed only under the write lock, and a PutObject replaces the tree entry
 * in one step, so readers see the old object or the new one, never a mix.
 *
 * Per-object cost is kept small for million-key fixtures: a tree node, and
 * one allocation holding the object and its key; the blob and an all-default
 * s3_meta (NULL) are shared. */
#ifndef MOCKAWS_S3_STORE_H
#define MOCKAWS_S3_STORE_H

#include <glib.h>
#include <jansson.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "services/s3/blob.h"
#include "services/s3/token.h"
#include "wire/checksum.h"

#define S3_MAX_KEY 1024
#define S3_MAX_PUT ((uint64_t)5 * 1024 * 1024 * 1024)
#define S3_MIN_PART ((uint64_t)5 * 1024 * 1024)
#define S3_MAX_PARTS 10000

/* One part of a completed multipart object, for GetObject?partNumber and
 * GetObjectAttributes. */
typedef struct s3_part_info {
    uint64_t size;
    char *checksum; /* base64 of the part's checksum, or NULL */
} s3_part_info;

/* Everything about an object but its bytes, key and ETag. Owned by one
 * object or upload (copies are deep). */
typedef struct s3_meta {
    char *content_type; /* NULL: binary/octet-stream */
    char *content_encoding;
    char *cache_control;
    char *content_disposition;
    char *content_language;
    char *website_redirect;
    char *storage_class; /* NULL: STANDARD */
    json_t *expires;     /* the Expires timestamp as trees hold it, or NULL */
    json_t *user;        /* x-amz-meta-* as an object name -> value, or NULL */
    json_t *tags;        /* object key -> value (insertion ordered), or NULL */
    checksum_algo algo;  /* the stored checksum's algorithm, CHECKSUM_NONE if none */
    char *checksum;      /* its base64 value ("...-N" for a composite one) */
    bool composite;      /* ChecksumType COMPOSITE (else FULL_OBJECT) */
    s3_part_info *parts; /* layout of a multipart object, or NULL */
    uint32_t nparts;
} s3_meta;

typedef struct s3_object {
    s3_blob *blob;       /* one reference */
    s3_meta *meta;       /* owned; NULL = every default */
    unsigned char md5[16];
    uint32_t mtime;      /* seconds since the epoch: S3 keeps no finer time */
    uint16_t etag_parts; /* 0: the ETag is the MD5 of the bytes; else md5 is of the part MD5s */
    char key[];          /* NUL-terminated; the bucket's tree key points here */
} s3_object;

/* The object's time as the rest of the code counts (milliseconds). */
#define S3_MTIME_MS(o) ((int64_t)(o)->mtime * 1000)

typedef struct s3_part {
    int number;
    s3_blob *blob;
    unsigned char md5[16];
    int64_t mtime_ms;
    checksum_algo algo;
    char *checksum; /* base64, or NULL */
} s3_part;

typedef struct s3_upload {
    char *id;
    char *key;
    uint64_t seq;        /* creation order: uploads of one key list oldest first */
    int64_t initiated_ms;
    char owner[13];
    s3_meta *meta;       /* what CreateMultipartUpload said; algo/composite: the upload's checksum */
    GTree *parts;        /* GINT_TO_POINTER(number) -> s3_part*, owned */
} s3_upload;

typedef struct s3_bucket {
    char *name;
    char *region;
    char owner[13];
    int64_t created_ms;
    GTree *objects;         /* key -> s3_object*, owns the objects */
    GTree *uploads;         /* s3_upload* (by key, then seq) -> the same, owns them */
    GHashTable *upload_ids; /* id -> s3_upload* (borrowed) */
    uint64_t upload_seq;
    json_t *settings;       /* setting name -> document, owned; NULL: all defaults (config.h) */
    _Atomic int64_t lifecycle_due_ms; /* when its lifecycle rules next have work (lifecycle.h) */
} s3_bucket;

/* Locking: the namespace lock (the core's) alone, held as each operation
 * declares in s3.c: shared by reads, exclusive for everything that changes
 * the state. PutObject and UploadPart take none from the core
 * (SVC_LOCK_NONE), so that hashing a large body holds up nobody: they take
 * it shared to check the request, hash the body with no lock held, and take
 * it exclusively only to store the result. */
typedef struct s3_state {
    GTree *buckets; /* name -> s3_bucket*, owns */
    /* The continuation-token secret comes from the server's generator on
     * first use (state_new has no server to ask). */
    gsize secret_ready;
    unsigned char secret[S3_TOKEN_SECRET_LEN];
    _Atomic int64_t lifecycle_due_ms; /* the earliest of its buckets' (lifecycle.h) */
} s3_state;

s3_state *s3_state_new(void);
void s3_state_free(s3_state *st);

/* A new bucket, inserted into st (the name must be free). */
s3_bucket *s3_bucket_add(s3_state *st, const char *name, const char *region, const char *owner,
                         int64_t created_ms);
void s3_bucket_remove(s3_state *st, s3_bucket *b);

s3_meta *s3_meta_new(void);
s3_meta *s3_meta_copy(const s3_meta *m); /* NULL -> NULL */
void s3_meta_free(s3_meta *m);

/* A new object holding a reference to blob and owning meta. One allocation
 * of 38 bytes plus the key; with GTree's node and malloc's headers about
 * 120 bytes per short key (measured: 118-121 at 1M keys of 9 bytes). */
s3_object *s3_object_new(const char *key, s3_blob *blob, s3_meta *meta, int64_t mtime_ms,
                         const unsigned char md5[16], uint32_t etag_parts);
void s3_object_free(s3_object *o);
/* Puts o under its key, replacing (and freeing) whatever was there. */
void s3_object_put(s3_bucket *b, s3_object *o);
s3_object *s3_object_get(s3_bucket *b, const char *key);
/* False when there was none. */
bool s3_object_delete(s3_bucket *b, const char *key);

/* The ETag as S3 writes it: "hex" or "hex-N", quoted when quoted. */
void s3_object_etag(const s3_object *o, bool quoted, char out[48]);
/* The same from an MD5 and a part count (0: none). */
void s3_etag_text(const unsigned char md5[16], uint32_t parts, bool quoted, char out[48]);
const char *s3_object_content_type(const s3_object *o);

/* Listing seeks, all O(log n). */
GTreeNode *s3_seek_from(GTree *t, const char *key);  /* first key >= key */
GTreeNode *s3_seek_after(GTree *t, const char *key); /* first key > key */
/* The smallest string above every string that starts with prefix
 * (g_malloc'd), or NULL when there is none (a prefix of 0xff bytes). */
char *s3_prefix_successor(const char *prefix, size_t len);
/* First key that does not start with prefix, among those after it. */
GTreeNode *s3_seek_past_prefix(GTree *t, const char *prefix, size_t len);

s3_upload *s3_upload_add(s3_bucket *b, const char *id, const char *key, const char *owner,
                         s3_meta *meta, int64_t now_ms);
void s3_upload_remove(s3_bucket *b, s3_upload *u);
s3_upload *s3_upload_get(s3_bucket *b, const char *id);
/* Stores p (owned) under its number, replacing an earlier upload of it. */
void s3_part_put(s3_upload *u, s3_part *p);
void s3_part_free(s3_part *p);

#endif
