/* store: what S3 keeps: buckets, their objects in key order, multipart
 * uploads and their parts.
 *
 * The whole S3 state is one namespace (bucket names are global), guarded by
 * its read-write lock: readers (GetObject, listings) share it, writers
 * (PutObject, DeleteObject, ...) have it alone. Objects sit in a persistent
 * map (state/pmap.h) keyed by their raw key bytes (strcmp order = UTF-8 byte
 * order, the order S3 lists in), so a page of a listing is one O(log n) seek
 * plus the page. An object's bytes are a refcounted s3_blob; everything else
 * about it is changed only under the write lock, and a PutObject replaces
 * the map entry in one step, so readers see the old object or the new one,
 * never a mix.
 *
 * Snapshots (svc_def.state_clone, s3_state_clone): what grows with the
 * objects (objects, versions, nulls) is in pmaps, which a clone shares in
 * O(1); an object is reference counted, one reference per map node (and
 * per caller holding one), and is never changed once a map holds it unless
 * through s3_object_mut, which makes it the bucket's own first (a copy
 * when anything else, a snapshot included, may see it) and puts that copy
 * in every map of the bucket that held the original. What does not grow
 * with the objects (the bucket list, settings, uploads and their parts,
 * completed uploads, restores in progress) is copied by the clone.
 *
 * Per-object cost is kept small for million-key fixtures: a map node, and
 * one allocation holding the object and its key; the blob and an all-default
 * s3_meta (NULL) are shared.
 *
 * Versions: a bucket whose versioning was never turned on has one version
 * per key (the "null" version) and only the objects map. Once versioning
 * is on, b->versions holds every version and delete marker, ordered by key
 * and then newest first; b->objects then holds the current version of each
 * key whose newest entry is not a delete marker, so GET and ListObjectsV2
 * stay what they were, and ListObjectVersions pages with one seek like
 * ListObjectsV2; b->nulls holds each key's null version. The three hold
 * references, never borrowed pointers: a version changed (s3_object_mut)
 * is replaced in each. */
#ifndef MOCKAWS_S3_STORE_H
#define MOCKAWS_S3_STORE_H

#include <glib.h>
#include <jansson.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "services/s3/blob.h"
#include "state/pmap.h"
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
    /* object lock: retention mode (0 none, 'G'OVERNANCE, 'C'OMPLIANCE) until
     * lock_until_ms, and the legal hold (lock_hold: 0 never set, 'Y' ON, 'N' OFF) */
    char lock_mode;
    char lock_hold;
    int64_t lock_until_ms;
    char *checksum;      /* its base64 value ("...-N" for a composite one) */
    bool composite;      /* ChecksumType COMPOSITE (else FULL_OBJECT) */
    s3_part_info *parts; /* layout of a multipart object, or NULL */
    uint32_t nparts;
    int64_t restore_ready_ms;  /* archived objects (restore.h): when the restore asked for is (was)
                                  done, server clock; 0 = none asked for. Copies do not inherit it */
    int64_t restore_expiry_ms; /* when the restored copy goes away */
} s3_meta;

/* s3_object.vflags */
#define S3_V_NULL 1   /* the key's "null" version (written unversioned or suspended) */
#define S3_V_MARKER 2 /* a delete marker: no blob, no meta */

/* Reference counted (s3_object_ref / s3_object_unref): the maps hold one
 * reference per node. Once a map holds it, it changes only through
 * s3_object_mut (see the top). */
typedef struct s3_object {
    s3_blob *blob;       /* one reference; NULL for a delete marker */
    s3_meta *meta;       /* owned; NULL = every default */
    uint64_t vseq;       /* write order in the bucket (> 0): newer versions have larger */
    unsigned char md5[16];
    uint32_t mtime;      /* seconds since the epoch: S3 keeps no finer time */
    _Atomic uint32_t refs; /* atomic: a snapshot's maps and the live ones drop theirs
                              under different locks */
    uint16_t etag_parts; /* 0: the ETag is the MD5 of the bytes; else md5 is of the part MD5s */
    uint8_t vflags;      /* S3_V_* */
    char key[];          /* NUL-terminated; the maps' key (pmap_type.key) */
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

typedef enum s3_versioning {
    S3_VERSIONING_OFF, /* never enabled */
    S3_VERSIONING_ENABLED,
    S3_VERSIONING_SUSPENDED,
} s3_versioning;

/* A bucket's object lock configuration. */
typedef struct s3_lock_config {
    bool enabled;
    char mode;   /* default retention: 0 none, 'G', 'C' */
    bool years;  /* the period is in years, else days */
    int period;
} s3_lock_config;

typedef struct s3_bucket {
    char *name;
    char *region;
    char owner[13];
    int64_t created_ms;
    pmap objects;           /* key -> s3_object*, the current version of each key (a reference each) */
    /* uploads, parts, settings and completed do not grow with the objects:
     * a clone copies them (s3_state_clone) */
    GTree *uploads;         /* s3_upload* (by key, then seq) -> the same, owns them */
    GHashTable *upload_ids; /* id -> s3_upload* (borrowed) */
    uint64_t upload_seq;
    json_t *settings;       /* setting name -> document, owned; NULL: all defaults (config.h) */
    _Atomic int64_t lifecycle_due_ms; /* when its lifecycle rules next have work (lifecycle.h) */
    s3_versioning versioning;
    pmap versions;          /* every version and marker by (key, newest first), a reference each;
                               empty while versioning is OFF (s3_versioned) */
    pmap nulls;             /* key -> its null version, a reference each; empty while OFF */
    uint64_t vseq;          /* the last s3_object.vseq given */
    s3_lock_config lock;
    GHashTable *completed;  /* id of a completed upload -> json_t* {"answer", "parts"} (both owned),
                               so that a repeated CompleteMultipartUpload answers the same, as S3 does */
} s3_bucket;

/* Locking: the namespace lock (the core's) alone, held as each operation
 * declares in s3.c: shared by reads, exclusive for everything that changes
 * the state. PutObject and UploadPart take none from the core
 * (SVC_LOCK_NONE), so that hashing a large body holds up nobody: they take
 * it shared to check the request, hash the body with no lock held, and take
 * it exclusively only to store the result. */
typedef struct s3_state {
    GTree *buckets; /* name -> s3_bucket*, owns (as many as buckets: a clone copies it) */
    /* The continuation-token secret comes from the server's generator on
     * first use (state_new has no server to ask). */
    gsize secret_ready;
    unsigned char secret[S3_TOKEN_SECRET_LEN];
    _Atomic int64_t lifecycle_due_ms; /* the earliest of its buckets' (lifecycle.h) */
    int64_t restore_delay_ms; /* how long a RestoreObject takes (restore.h) */
    uint64_t event_seq;       /* the last event sequencer given (notify.c) */
    GTree *restoring;         /* restores not yet finished, by when they finish (restore.h):
                                 s3_restore_job* -> the same, owned (few: a clone copies them) */
    uint64_t restore_seq;     /* the last s3_restore_job.seq given */
    _Atomic int64_t restore_due_ms; /* when the first of them finishes (INT64_MAX: none) */
} s3_state;

s3_state *s3_state_new(int64_t restore_delay_ms);
/* A second state holding what st holds, independent of it from then on:
 * the object maps shared (O(1) each), the rest copied (see the top). Either
 * may be freed first. st must not be written meanwhile. */
s3_state *s3_state_clone(const s3_state *st);
void s3_state_free(s3_state *st);

/* A new bucket, inserted into st (the name must be free). */
s3_bucket *s3_bucket_add(s3_state *st, const char *name, const char *region, const char *owner,
                         int64_t created_ms);
void s3_bucket_remove(s3_state *st, s3_bucket *b);

s3_meta *s3_meta_new(void);
s3_meta *s3_meta_copy(const s3_meta *m); /* NULL -> NULL */
void s3_meta_free(s3_meta *m);

/* A new object (one reference, the caller's) holding a reference to blob
 * and owning meta. One allocation of 51 bytes plus the key; with the map's
 * node and malloc's headers about MEASURED bytes per short key. */
s3_object *s3_object_new(const char *key, s3_blob *blob, s3_meta *meta, int64_t mtime_ms,
                         const unsigned char md5[16], uint32_t etag_parts);
s3_object *s3_object_ref(s3_object *o);
/* Drops one reference; the last frees o (NULL: nothing). */
void s3_object_unref(s3_object *o);
/* Puts o under its key as the bucket's versioning says, taking the
 * caller's reference: a new version (Enabled), or the key's null version,
 * replacing the one there was (OFF, Suspended). Gives o its vseq and
 * vflags. o stays valid while the bucket holds it. */
void s3_object_put(s3_bucket *b, s3_object *o);
/* o, a version b holds, made b's own so that the caller may change it (its
 * fields but key, vseq and vflags; its meta): o itself when nothing else
 * can see it, else a copy (meta copied, blob shared) that replaces o in
 * each of b's maps. Use what it returns: o may be gone. */
s3_object *s3_object_mut(s3_bucket *b, s3_object *o);
/* The key's current version, NULL when none or its newest is a marker. */
s3_object *s3_object_get(s3_bucket *b, const char *key);
/* Removes the key's current version for good (no delete marker); false
 * when there was none. */
bool s3_object_delete(s3_bucket *b, const char *key);

/* ---- versions (see the top) ---- */

/* Whether b's versioning was ever turned on (then b->versions and b->nulls
 * are in use). */
static inline bool s3_versioned(const s3_bucket *b)
{
    return b->versioning != S3_VERSIONING_OFF;
}
/* Turns versioning Enabled or Suspended; the first time, every object
 * becomes the null version of its key in the versions map. */
void s3_versioning_set(s3_bucket *b, s3_versioning v);
/* A DeleteObject without a version id: OFF removes the current version
 * and answers NULL; otherwise a new delete marker (the null one when
 * Suspended, replacing the null version) is added and returned. */
s3_object *s3_object_remove(s3_bucket *b, const char *key, int64_t now_ms);
/* The version of key with vseq, or its null version when vseq is 0;
 * NULL when none. */
s3_object *s3_version_get(s3_bucket *b, const char *key, uint64_t vseq);
/* The key's newest version or marker, or NULL. */
s3_object *s3_version_latest(s3_bucket *b, const char *key);
/* Removes v, a version of b, dropping b's references to it (v may be gone
 * after); the key's next newest version becomes current. */
void s3_version_delete(s3_bucket *b, s3_object *v);
/* Listing seek over every version, O(log n): the first entry after
 * version vseq of key in listing order (key ascending, newest first);
 * vseq UINT64_MAX: the key's first entry (or the next key's), 0: the
 * first entry after all of the key's. Returns it (NULL: none) and leaves
 * it on it, over s3_version_map(b). */
s3_object *s3_version_seek(const s3_bucket *b, pmap_iter *it, const char *key, uint64_t vseq);
/* The map of every version: b->versions, or b->objects while OFF. */
static inline const pmap *s3_version_map(const s3_bucket *b)
{
    return s3_versioned(b) ? &b->versions : &b->objects;
}

/* The ETag as S3 writes it: "hex" or "hex-N", quoted when quoted. */
void s3_object_etag(const s3_object *o, bool quoted, char out[48]);
/* The same from an MD5 and a part count (0: none). */
void s3_etag_text(const unsigned char md5[16], uint32_t parts, bool quoted, char out[48]);
const char *s3_object_content_type(const s3_object *o);

/* The smallest string above every string that starts with prefix
 * (g_malloc'd), or NULL when there is none (a prefix of 0xff bytes). */
char *s3_prefix_successor(const char *prefix, size_t len);
/* The first object (versions: the first entry of s3_version_map) whose key
 * does not start with prefix, among those after it, the iterator left on
 * it; O(log n). */
s3_object *s3_seek_past_prefix(const s3_bucket *b, bool versions, pmap_iter *it, const char *prefix, size_t len);

s3_upload *s3_upload_add(s3_bucket *b, const char *id, const char *key, const char *owner,
                         s3_meta *meta, int64_t now_ms);
void s3_upload_remove(s3_bucket *b, s3_upload *u);
s3_upload *s3_upload_get(s3_bucket *b, const char *id);
/* Stores p (owned) under its number, replacing an earlier upload of it. */
void s3_part_put(s3_upload *u, s3_part *p);
void s3_part_free(s3_part *p);

#endif
