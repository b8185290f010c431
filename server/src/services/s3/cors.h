/* cors: a bucket's CORS rules applied to a request, as S3 applies them to
 * a preflight (OPTIONS) and to ordinary requests that carry Origin. Pure
 * functions of the stored CORSConfiguration document (config.h) and the
 * request's values, so that the handlers and the response hook share them. */
#ifndef MOCKAWS_S3_CORS_H
#define MOCKAWS_S3_CORS_H

#include <jansson.h>
#include <stdbool.h>

/* Whether origin matches an AllowedOrigin / AllowedHeader pattern: equal,
 * "*", or one '*' standing for any run of characters. Case-sensitive for
 * origins; fold for header names. Linear in the two strings. */
bool s3_cors_pattern_match(const char *pattern, const char *value, bool fold);

/* The first rule of cors (a CORSConfiguration: {"CORSRules": [...]}) whose
 * origins match origin, whose methods hold method, and whose AllowedHeader
 * patterns cover every name of request_headers (the comma-separated
 * Access-Control-Request-Headers; NULL or "": none). Borrowed, or NULL. */
json_t *s3_cors_match(json_t *cors, const char *origin, const char *method, const char *request_headers);

/* The answer's Access-Control-* members for a request from origin matched
 * by rule (names as the preflight output shape has them: AllowOrigin,
 * AllowMethods, AllowHeaders, ExposeHeaders, MaxAge, AllowCredentials,
 * Vary). A new object. */
json_t *s3_cors_answer(json_t *rule, const char *origin, const char *request_headers);

/* The same as HTTP header names and values (for answers whose output shape
 * has no such members): each member of an s3_cors_answer with its header
 * name, via fn. */
void s3_cors_each_header(json_t *answer, void (*fn)(const char *name, const char *value, void *arg), void *arg);

#endif
