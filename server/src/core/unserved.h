/* unserved: the answer to a request for an AWS service mockaws does not
 * serve (Lambda, Kinesis, KMS, ...), in the wire protocol that service's
 * SDK expects, so that the SDK raises a clean service error naming it
 * rather than failing to parse the answer.
 *
 * The services AWS has come from a table generated from botocore's models
 * (tools/gen_unserved.py, server/models/unserved.inc): signing name,
 * service id, protocol, X-Amz-Target prefix. The envelope follows the
 * request where it says which protocol it speaks (an X-Amz-Target: JSON;
 * smithy-protocol rpc-v2-cbor: CBOR; a form or an Action: query), else the
 * service's own REST protocol (rest-json or rest-xml). The answer is 501
 * NotImplemented, which no SDK retries, with the message
 * "mockaws does not serve SERVICE ID (signing name NAME); it serves ...". */
#ifndef MOCKAWS_CORE_UNSERVED_H
#define MOCKAWS_CORE_UNSERVED_H

#include <stdbool.h>

#include "wire/http.h"

/* One row of the table (strings are literals). */
typedef struct unserved_service {
    const char *signing_name;  /* the SigV4 credential scope's service */
    const char *service_id;    /* the model's serviceId ("Secrets Manager") */
    const char *protocol;      /* json, rest-json, rest-xml, query, ec2, smithy-rpc-v2-cbor */
    const char *target_prefix; /* JSON services' X-Amz-Target prefix, else NULL */
    const char *path_prefix;   /* REST services: what every operation's path begins with
                                  ("/v2/email/"), or NULL when only "/" */
} unserved_service;

/* The row for a request signed for signing_name, preferring the model whose
 * protocol the request's shape names (several models share a signing name:
 * "ses" is SES, SESv2, Pinpoint Email and Mail Manager), or NULL when no AWS
 * service signs with that name. target: the request's X-Amz-Target, or
 * NULL; path: its path, which tells REST services apart by their longest
 * path_prefix. */
const unserved_service *unserved_lookup(const char *signing_name, const char *target, bool query_like,
                                        const char *path);

/* The row whose X-Amz-Target prefix is the len bytes at prefix, or NULL:
 * an unsigned JSON request names its service only that way. */
const unserved_service *unserved_by_target(const char *prefix, size_t len);

/* Writes the answer for a request of row u (status, headers, body). served:
 * the names of the services mockaws serves, for the message. Returns the
 * error code it answered (a literal). */
const char *unserved_answer(const unserved_service *u, const http_request *req, bool query_like,
                            const char *served, const char *request_id, http_response *resp);

#endif
