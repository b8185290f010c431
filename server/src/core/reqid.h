/* reqid: request ids as the services write them: a UUID for every service
 * but S3, which writes 16 uppercase hex digits (its x-amz-id-2 host id is
 * derived from that, see restxml_host_id), and DynamoDB, which writes 52
 * characters of [0-9A-Z]. Drawn from the server's seeded
 * generator, so that a seed gives the same ids. */
#ifndef MOCKAWS_CORE_REQID_H
#define MOCKAWS_CORE_REQID_H

#include <stddef.h>

typedef struct mockaws server;

void reqid_new(server *s, char *id, size_t idlen);
/* S3's form of the same request id: its first 16 hex digits, uppercase. */
void reqid_s3(const char *uuid, char out[17]);
/* DynamoDB's form of the same request id: 52 characters of [0-9A-V] (the
 * base32hex digits its ids are made of), derived from the UUID so that a
 * seed still gives the same ids. */
void reqid_dynamodb(const char *uuid, char out[53]);

#endif
