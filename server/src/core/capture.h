/* capture: what a request and its answer carried (--capture-bodies N), kept
 * with the request's journal entry (core/journal.h) for GET
 * /_mockaws/journal/{seq} and the HAR export (core/har.h). Secrets are
 * redacted here, on copies, before anything is stored: the signature of an Authorization header, session tokens,
 * presigned signatures, the secret keys and passwords of STS and IAM
 * requests and answers. A secret the N-byte limit cuts is redacted from
 * where it starts to the end of what is kept. Every pass is linear in the
 * bytes kept. */
#ifndef MOCKAWS_CORE_CAPTURE_H
#define MOCKAWS_CORE_CAPTURE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "wire/http.h"

/* The most a body may be captured to (POST /_mockaws/capture, the option). */
#define CAPTURE_MAX_BODIES (1024u * 1024u)

typedef struct capture capture;

/* A redacted copy of the request (its body to n bytes; n > 0),
 * g_malloc'd, taken before a handler runs: a handler may take the body
 * over, decode it in place or hand it to state another request frees.
 * service (NULL when none took the request) decides whether STS / IAM
 * secrets are looked for in the bodies. req is not written to. */
capture *capture_request(const http_request *req, const char *service, size_t n);
/* Adds the response, its body to the same n bytes; resp is not written to. */
void capture_response(capture *c, const http_response *resp);
void capture_free(capture *c);

/* The entry's "request" and "response" members, set into o. */
void capture_json(const capture *c, json_t *o);
/* The entry's "method" and "path", set into o (the journal list's). */
void capture_summary_json(const capture *c, json_t *o);

/* A HAR 1.2 entry's "request" and "response" (new references). c may be
 * NULL, for an entry taken with capture off: what is known (the status)
 * and empty lists, the URL on endpoint ("http://host:port"). */
json_t *capture_har_request(const capture *c, const char *endpoint);
json_t *capture_har_response(const capture *c, int status);

/* The redactions (exposed for the tests), each appending the redacted copy
 * of s[0..len) to out. A secret that s ends inside (a body cut at N bytes)
 * is redacted from its start to the end of s. */
void capture_redact_authorization(GString *out, const char *s, size_t len);
/* name=value&...: the values of signatures, tokens and passwords */
void capture_redact_params(GString *out, const char *s, size_t len);
/* STS and IAM answers: the text of SecretAccessKey, SessionToken,
 * ServicePassword, Password, OldPassword, NewPassword elements */
void capture_redact_xml(GString *out, const char *s, size_t len);
/* the same names as members whose value is a string (and any member whose
 * name is written with escapes) */
void capture_redact_json(GString *out, const char *s, size_t len);
/* aws-chunked uploads: the chunk-signature and x-amz-trailer-signature
 * values */
void capture_redact_chunked(GString *out, const char *s, size_t len);

#endif
