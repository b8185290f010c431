/* reqid: request ids as the services write them: a UUID for every service
 * but S3, which writes 16 uppercase hex digits (its x-amz-id-2 host id is
 * derived from that, see restxml_host_id). Drawn from the server's seeded
 * generator, so that a seed gives the same ids. */
#ifndef MOCKAWS_CORE_REQID_H
#define MOCKAWS_CORE_REQID_H

#include <stddef.h>

typedef struct mockaws server;

void reqid_new(server *s, char *id, size_t idlen);
/* S3's form of the same request id: its first 16 hex digits, uppercase. */
void reqid_s3(const char *uuid, char out[17]);

#endif
