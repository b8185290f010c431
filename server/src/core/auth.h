/* auth: who signed a request, under --auth verify (and enforce, which for
 * now verifies only). The pipeline asks it after routing, before the
 * service's handler; under --auth off it is not called at all.
 *
 * Checks, on the server clock: a SigV4 Authorization header (S3's
 * x-amz-content-sha256 rules included; STREAMING-* uploads: the seed
 * signature), a SigV4 presigned URL (X-Amz-Expires), a SigV2 presigned URL
 * or Authorization header (S3), the access key (the key "test" and any
 * 12-digit key: their account's root, secret "test"; else core's credential
 * table), the session token of temporary credentials and their expiry, and
 * clock skew (15 minutes). A refusal is the service's own error, code,
 * status and message (docs/AWS-FACTS.md "The error for: unknown key, wrong
 * signature, expired token, skew"). */
#ifndef MOCKAWS_CORE_AUTH_H
#define MOCKAWS_CORE_AUTH_H

#include "core/server.h"
#include "wire/awserr.h"
#include "wire/http.h"

/* The request as the client sent it (req) and as routing gave it to the
 * service (svc_path: S3's virtual-hosted bucket moved into the path, which
 * SigV2 signs), for the service named service speaking protocol (the
 * model's "rest-xml", "json", "query", "ec2"). Returns 0 when the request
 * is signed right, else -1 with err set. */
int auth_check(server *s, const char *service, const char *protocol, const http_request *req,
               const char *svc_path, aws_error *err);

#endif
