/* list: ListObjectsV2, ListObjects (v1) and ListObjectVersions.
 *
 * A page costs O(log n + page): it starts with one seek (token, start-after,
 * marker or prefix), stops after max-keys entries, and with a delimiter jumps
 * over a whole rolled-up prefix with one more seek instead of walking the
 * keys under it. */
#ifndef MOCKAWS_S3_LIST_H
#define MOCKAWS_S3_LIST_H

#include "services/s3/store.h"
#include "services/service.h"

int s3_list_objects_v2(svc_call *c);
int s3_list_objects(svc_call *c);
/* ListObjectVersions: the same seeks over the versions map (store.h). */
int s3_list_object_versions(svc_call *c);

/* A page of a bucket's current objects as ListObjectsV2 makes it (the same
 * seeks), its entries made by the caller: the inspection endpoint's
 * (inspect.c). prefix, delim: NULL or "" for none; after: list keys (or
 * rolled-up prefixes) strictly after it, or NULL; max: at most that many
 * entries and prefixes. */
typedef struct s3_page {
    const char *prefix, *delim, *after;
    size_t max;
    json_t *(*object)(const s3_object *o, void *arg);
    json_t *(*common_prefix)(const char *key, size_t len, void *arg); /* a common prefix, key[0..len) */
    void *arg;
    /* the answer, the caller's: */
    json_t *objects, *prefixes;
    char *last; /* where the next page starts after (g_malloc'd), NULL at the end */
} s3_page;
void s3_list_page(const s3_bucket *b, s3_page *p);

#endif
