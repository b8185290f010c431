/* list: ListObjectsV2, ListObjects (v1) and ListObjectVersions.
 *
 * A page costs O(log n + page): it starts with one seek (token, start-after,
 * marker or prefix), stops after max-keys entries, and with a delimiter jumps
 * over a whole rolled-up prefix with one more seek instead of walking the
 * keys under it. */
#ifndef MOCKAWS_S3_LIST_H
#define MOCKAWS_S3_LIST_H

#include "services/service.h"

int s3_list_objects_v2(svc_call *c);
int s3_list_objects(svc_call *c);
/* ListObjectVersions: the same seeks over the versions map (store.h). */
int s3_list_object_versions(svc_call *c);

#endif
