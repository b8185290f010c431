/* inspect: what the services' read-only inspection endpoints under
 * /_mockaws/<service>/ share (S3's buckets and objects, DynamoDB's tables
 * and items, SNS's topics, EC2's instances): one rule for page sizes, one
 * for the opaque page token (svc_base64url_encode of where a page stopped),
 * one wording for a bad parameter, one time
 * format. A page is one seek plus the page, whatever the state holds, so
 * that an answer never grows with the state. */
#ifndef MOCKAWS_SERVICES_INSPECT_H
#define MOCKAWS_SERVICES_INSPECT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "services/service.h"

#define INSPECT_LIMIT 100      /* a page's size when `limit` is not given */
#define INSPECT_LIMIT_MAX 1000 /* at most; more is a 400 */

/* {"error": message} with *status set (a 4xx). */
json_t *inspect_error(int *status, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* NULL when method reads (GET, HEAD); else the 405 answer naming what
 * endpoint takes. */
json_t *inspect_get_only(const char *method, const char *endpoint, int *status);

/* The `limit` parameter: 1..INSPECT_LIMIT_MAX, INSPECT_LIMIT when absent.
 * NULL and *limit, or the 400 answer. */
json_t *inspect_limit(const http_params *q, size_t *limit, int *status);

/* A list across namespaces (DynamoDB's tables, SNS's topics, EC2's
 * instances), paged: svc_foreach_state visits namespaces in (account,
 * region) order and each keeps its entries in an order of its own, so a
 * position is (account, region, name) and the token holds it. A page costs
 * a look at each namespace plus a seek in the one the token names plus
 * the page. */
typedef struct inspect_cursor {
    size_t limit;
    char *account, *region, *name; /* where the last page stopped (the token), NULL: the start */
    json_t *list;                  /* the page (the caller takes it) */
    char *last;                    /* the last entry's position as a token */
    bool more;                     /* an entry follows the page: `next` is last */
} inspect_cursor;

/* Checks the method (inspect_get_only), reads limit and next. NULL, or
 * the 4xx answer (the cursor then needs no inspect_cursor_done). */
json_t *inspect_cursor_open(inspect_cursor *c, const char *method, const char *endpoint, const http_params *q,
                            int *status);
/* How a namespace stands to the token's: < 0 before it (skip it), 0 the
 * same (start after c->name), > 0 after it (start at its first entry). */
int inspect_cursor_where(const inspect_cursor *c, const char *account, const char *region);
/* Whether the page is full; then c->more is set (an entry follows). Ask
 * before making each entry, and stop when true. */
bool inspect_cursor_full(inspect_cursor *c);
/* Adds an entry (taken) at position name in the namespace. */
void inspect_cursor_add(inspect_cursor *c, const char *account, const char *region, const char *name, json_t *e);
/* {key: the page, "next": token or null} (new reference); frees the cursor. */
json_t *inspect_cursor_done(inspect_cursor *c, const char *key);

/* A server clock time as ISO 8601 with milliseconds (new reference). */
json_t *inspect_time(int64_t ms);

#endif
