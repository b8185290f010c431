/* http: the HTTP exchange as the wire layer sees it.
 *
 * An http_request is a request read in full: it borrows every string from the
 * caller (core/server owns them for the life of the request). An
 * http_response is built by the wire layer and the handlers; it owns its
 * headers and body and is released with http_response_clear(). */
#ifndef MOCKAWS_WIRE_HTTP_H
#define MOCKAWS_WIRE_HTTP_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

#include "wire/body.h"

typedef struct http_header {
    char *name;  /* requests: lowercased; responses: as it goes on the wire */
    char *value;
} http_header;

typedef struct http_request {
    const char *method;   /* "GET", "PUT", ... */
    const char *path;     /* raw, still percent-encoded, no query; starts with '/' */
    const char *query;    /* raw query string without '?'; "" when none */
    const char *host;     /* Host header, or "" */
    const http_header *headers; /* names lowercased */
    size_t nheaders;
    const char *body;     /* may hold NUL bytes; never NULL (use "") */
    size_t body_len;
    body_buf *body_store;     /* what holds body when a handler may take it over
                             without a copy (see svc_take_body), or NULL */
} http_request;

/* Case-insensitive header lookup; NULL when absent. */
const char *http_request_header(const http_request *r, const char *name);

typedef struct http_response {
    int status;           /* 0 until set; core answers 200 for 0 */
    GArray *headers;      /* of http_header, owned; their strings live in `strings` */
    GStringChunk *strings; /* owns every header's name and value (one block for
                              all, not two allocations per header), or NULL */
    GString *body;        /* owned; may be empty */
    /* A body held elsewhere (S3 objects, zero copy). When ext_data is set it
     * is sent instead of `body`; ext_free(ext_arg) runs once the response is
     * done with it. */
    const char *ext_data;
    size_t ext_len;
    void (*ext_free)(void *arg);
    void *ext_arg;
    bool head_only;       /* HEAD: headers (with Content-Length) but no body */
    void *stream;         /* a journal stream (core/stream.h's listener) to send
                             instead of a body; the edge takes it */
} http_response;

void http_response_init(http_response *r);
void http_response_clear(http_response *r);
/* Drops the status and whatever body was begun (in `body` or ext_data) and
 * keeps the headers: an error answer replacing a handler's. */
void http_response_reset_body(http_response *r);
/* Replaces any header of that name (case-insensitive). */
void http_response_set_header(http_response *r, const char *name, const char *value);
void http_response_add_header(http_response *r, const char *name, const char *value);
const char *http_response_header(const http_response *r, const char *name);
void http_response_remove_header(http_response *r, const char *name);
/* The bytes of the body, whichever of body / ext_data holds them. */
const char *http_response_body(const http_response *r, size_t *len);

/* Percent-decoding of a path segment or query component (form decoding
 * also turns '+' into ' '). Returns a newly allocated string (g_free) holding
 * exactly *outlen bytes plus a NUL, or NULL on a malformed escape. */
char *http_percent_decode(const char *s, size_t len, bool form, size_t *outlen);
/* Encoding as SigV4 / S3 expect: unreserved characters kept, everything else
 * %XX; '/' kept when keep_slash. Appends to out. */
void http_percent_encode(GString *out, const char *s, size_t len, bool keep_slash);

/* One decoded pair. Either may hold NUL bytes (%00): the lengths are the
 * decoded lengths, and the strings are NUL-terminated after them. */
typedef struct http_param {
    char *name;  /* owned */
    size_t name_len;
    char *value; /* owned; "" for a name without '=' */
    size_t value_len;
} http_param;

/* A parsed query string or form body: its pairs in order. */
typedef struct http_params {
    GArray *items; /* of http_param */
} http_params;

/* Returns false on a malformed escape. */
bool http_params_parse(http_params *p, const char *s, size_t len, bool form);
void http_params_clear(http_params *p);
/* First value for name (a name holding a NUL is no name asked for), with its
 * length when len is not NULL; NULL when absent. */
const char *http_params_getn(const http_params *p, const char *name, size_t *len);
const char *http_params_get(const http_params *p, const char *name);

#endif
