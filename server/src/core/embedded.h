/* embedded: the service models and error catalogs compiled into the
 * library. tools/modelgen.c writes them at build time as static tables
 * (build/generated/embedded.c), so nothing is read or parsed at run time;
 * they are read-only and shared by every server of the process. */
#ifndef MOCKAWS_CORE_EMBEDDED_H
#define MOCKAWS_CORE_EMBEDDED_H

#include <stddef.h>

#include "wire/errcat.h"
#include "wire/model.h"

/* The model of a service by its name ("s3", the basename of
 * server/models/s3.json), or NULL. */
const model *embedded_model(const char *service);
/* Its error catalog (server/models/errors/s3.json), or NULL. */
const errcat *embedded_errcat(const char *service);

#endif
