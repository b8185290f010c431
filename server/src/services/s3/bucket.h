/* bucket: the bucket operations (CreateBucket, DeleteBucket, HeadBucket,
 * ListBuckets, GetBucketLocation) and S3's bucket naming rules. */
#ifndef MOCKAWS_S3_BUCKET_H
#define MOCKAWS_S3_BUCKET_H

#include <stdbool.h>

#include "services/service.h"

/* The rules for new buckets in every region: 3..63 characters of a-z, 0-9,
 * '.', '-', starting and ending with a letter or digit, no "..", not an IP
 * address, none of the reserved prefixes and suffixes. */
bool s3_bucket_name_valid(const char *name);

int s3_create_bucket(svc_call *c);
int s3_delete_bucket(svc_call *c);
int s3_head_bucket(svc_call *c);
int s3_list_buckets(svc_call *c);
int s3_get_bucket_location(svc_call *c);

#endif
