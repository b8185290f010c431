/* iam fixture: the "iam" section of a fixture document, loaded into an
 * account's store and dumped back in the same format (secrets included:
 * a dump is for reloading). Access keys, root_keys among them, are handed
 * to the server's credential table as they load. */
#ifndef MOCKAWS_SERVICES_IAM_FIXTURE_H
#define MOCKAWS_SERVICES_IAM_FIXTURE_H

#include <jansson.h>
#include <stddef.h>

#include "services/service.h"

int iam_fixture_load(void *state, json_t *section, const svc_fixture_ctx *ctx, char *err, size_t errlen);
json_t *iam_fixture_dump(void *state, const svc_dump_ctx *ctx);

#endif
