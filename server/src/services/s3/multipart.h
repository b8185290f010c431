/* multipart: multipart uploads, from CreateMultipartUpload to
 * CompleteMultipartUpload, and their listings. */
#ifndef MOCKAWS_S3_MULTIPART_H
#define MOCKAWS_S3_MULTIPART_H

#include "services/service.h"

int s3_create_multipart_upload(svc_call *c);
int s3_upload_part(svc_call *c);
int s3_upload_part_copy(svc_call *c);
int s3_complete_multipart_upload(svc_call *c);
int s3_abort_multipart_upload(svc_call *c);
int s3_list_parts(svc_call *c);
int s3_list_multipart_uploads(svc_call *c);

#endif
