/* embedded: the model and error-catalog files compiled into the library
 * (see embedgen.c). Data is static and NUL-terminated. */
#ifndef MOCKAWS_CORE_EMBEDDED_H
#define MOCKAWS_CORE_EMBEDDED_H

#include <stddef.h>

/* name relative to server/models: "sts.json", "errors/sts.json". NULL if absent. */
const char *embedded_find(const char *name, size_t *len);

#endif
