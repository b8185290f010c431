/* fixture: the "s3" section of the fixture / state-dump format.
 *
 *   {"buckets": [{"name", "region", "owner", "versioning", "objects": [
 *       {"key", "body" | "body_base64" | "file", "content_type", "metadata", "tags"},
 *       {"generate": {"prefix": "k/", "count": N, "size": B, "versions": V}}],
 *     "settings": {"CORSConfiguration": {...}, "Policy": "...", ...}}]}
 *
 * region and owner default to the document's; "file" is relative to the
 * fixture file. Generated keys are prefix + the index zero-padded to the
 * digits of count, all sharing one blob of B bytes, each written V times.
 * "versioning" ("Enabled" / "Suspended") is set before the objects load,
 * so that objects of one key make versions, oldest first; a dump names the
 * state and holds the current versions only (noncurrent versions and
 * delete markers are not dumped). "settings" holds the bucket settings as
 * config.h's s3_config_load reads them. */
#ifndef MOCKAWS_S3_FIXTURE_H
#define MOCKAWS_S3_FIXTURE_H

#include <jansson.h>
#include <stddef.h>

#include "services/service.h"

int s3_fixture_load(void *state, json_t *section, const svc_fixture_ctx *ctx, char *err, size_t errlen);
json_t *s3_fixture_dump(void *state, const svc_dump_ctx *ctx);

#endif
