/* embedded: the model and error-catalog files compiled into the library
 * (see embedgen.c). Data is static and NUL-terminated. */
#ifndef MOCKAWS_CORE_EMBEDDED_H
#define MOCKAWS_CORE_EMBEDDED_H

#include <stddef.h>

/* name relative to server/models: "sts.json", "errors/sts.json". NULL if absent. */
const char *embedded_find(const char *name, size_t *len);

/* What routing needs of a model, read at build time. */
typedef struct embedded_meta {
    const char *name;          /* "sts.json" */
    const char *protocol;      /* metadata.protocol */
    const char *target_prefix; /* metadata.targetPrefix, or NULL */
    const char *api_version;   /* metadata.apiVersion */
} embedded_meta;

const embedded_meta *embedded_model_meta(const char *name);

#endif
