/* errcat: what an error code means for a service: HTTP status, sender or
 * receiver fault, default message.
 *
 * The server's catalogs are compiled at build time (tools/modelgen.c) from
 * curated JSON files (server/models/errors/SVC.json:
 * {"errors": {"NoSuchKey": {"status": 404, "sender": true,
 *  "message": "The specified key does not exist."}, ...}}) into static
 * sorted tables; errcat_load builds the same from JSON text (the generator
 * and tests use it). A catalog is read-only once made. Resolution order:
 * catalog, then the model's error shape ("error": {"httpStatusCode",
 * "senderFault"}), then 400 / sender. */
#ifndef MOCKAWS_WIRE_ERRCAT_H
#define MOCKAWS_WIRE_ERRCAT_H

#include <stdbool.h>
#include <stddef.h>

#include "awserr.h"
#include "model.h"

typedef struct errcat_entry {
    const char *code;
    int status;
    bool sender;
    const char *message; /* may be NULL */
} errcat_entry;

typedef struct errcat {
    const errcat_entry *entries; /* sorted by code (strcmp), for bsearch */
    size_t nentries;
    void *heap; /* errcat_load's allocations; NULL for the compiled-in catalogs */
} errcat;

/* NULL + message on a malformed catalog. The result is the caller's
 * (errcat_free). */
errcat *errcat_load(const char *text, size_t len, char *err, size_t errlen);
/* Frees an errcat_load'ed catalog; ignores NULL and compiled-in catalogs. */
void errcat_free(errcat *c);
/* NULL when the code is not in the catalog. */
const errcat_entry *errcat_lookup(const errcat *c, const char *code);

/* Fills status, sender and (when NULL) message of e from the catalog and the
 * model. Returns true when the code is known to either; unknown codes get
 * 400 / sender unless e->status was already set. Either c or m may be NULL. */
bool errcat_resolve(const errcat *c, const model *m, aws_error *e);

#endif
