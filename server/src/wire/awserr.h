/* awserr: an AWS error on its way to the client.
 *
 * Handlers and the wire layer fill one in; the protocol serializer turns it
 * into the service's error envelope. The struct owns its strings and fields. */
#ifndef MOCKAWS_WIRE_AWSERR_H
#define MOCKAWS_WIRE_AWSERR_H

#include <jansson.h>
#include <stdbool.h>

typedef struct aws_error {
    char *code;      /* "NoSuchKey"; NULL when no error is set */
    char *message;   /* may be NULL: the catalog's default message is used */
    int status;      /* HTTP status; 0 = from the catalog / model */
    int sender;      /* 1 sender (client) fault, 0 receiver, -1 = from catalog */
    json_t *fields;  /* further members of the error shape (Key, BucketName, ...),
                        or NULL; owned (one reference) */
    bool bare;       /* the envelope carries no message at all, not even the
                        catalog's (DynamoDB's SerializationException for a body
                        that is not JSON, UnknownOperationException) */
} aws_error;

#define AWS_ERROR_INIT { NULL, NULL, 0, -1, NULL, false }

/* Sets code and a printf-style message (fmt may be NULL). Replaces what was
 * there. Returns -1 so that handlers can `return aws_error_set(...)`. */
int aws_error_set(aws_error *e, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int aws_error_set_status(aws_error *e, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Adds a field (steals the reference to value). */
void aws_error_field(aws_error *e, const char *name, json_t *value);
void aws_error_clear(aws_error *e);
bool aws_error_is_set(const aws_error *e);
/* Moves src into dst (dst cleared first; src left empty). */
void aws_error_move(aws_error *dst, aws_error *src);

#endif
