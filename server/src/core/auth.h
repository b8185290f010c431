/* auth: who signed a request, under --auth verify (and enforce, which for
 * now verifies only). The pipeline asks it after routing, before the
 * service's handler; under --auth off it is not called at all.
 *
 * Checks, on the server clock: a SigV4 Authorization header (S3's
 * x-amz-content-sha256 rules included; STREAMING-* uploads: the seed
 * signature), a SigV4 presigned URL (X-Amz-Expires), a SigV2 presigned URL
 * or Authorization header (S3), the access key (the key "test" and any
 * 12-digit key: their account's root, secret "test"; MOCKAWS_DUMMY_ACCESS_KEY_ID:
 * the root of 123456789012 with MOCKAWS_DUMMY_SECRET_ACCESS_KEY; else core's
 * credential table), the session token of temporary credentials and their expiry, and
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
 * is signed right, else -1 with err set. A request signed right by a key
 * of the credential table (not a root key) hands its entry to *signer
 * (server_cred_clear) when signer is not NULL, so that nobody looks it up
 * again; *signer is left as it was otherwise. */
int auth_check(server *s, const char *service, const char *protocol, const http_request *req,
               const char *svc_path, server_cred *signer, aws_error *err);

/* ---- POST Object forms ----
 * A browser form upload (S3's POST Object) is signed in its body, not its
 * headers: its fields sign the base64 policy document. The pipeline cannot
 * read them (the service splits the multipart body after the auth step),
 * so it lets such a request past auth_check with no signer, and the
 * service's handler calls svc_form_signed (services/svc_api.h), which
 * lands in auth_form_check once the fields are read. */

/* Whether req may be a form upload whose signature is in its body: an S3
 * POST of multipart/form-data with no Authorization header and no
 * query-string credentials. The pipeline defers the check of such a
 * request to its handler only when the operation turns out to be one the
 * model does not describe (a form upload); any other is checked as usual. */
bool auth_form_pending(const char *service, const http_request *req);

/* The signature fields of a form, as sent (NULL: absent). */
typedef struct auth_form {
    const char *policy;        /* the base64 policy: what is signed */
    const char *algorithm;     /* SigV4: x-amz-algorithm, x-amz-credential, */
    const char *credential;    /* x-amz-date, x-amz-signature */
    const char *date;
    const char *signature;
    const char *access_key_id; /* SigV2: AWSAccessKeyId, signature */
    const char *signature_v2;
    const char *security_token; /* x-amz-security-token (either) */
} auth_form;

/* Checks a form's signature over its policy as S3 does: the credential
 * scope (an s3 scope; the date the x-amz-date's), the access key, its
 * session token and expiry, then hex HMAC-SHA256 (SigV4) or base64
 * HMAC-SHA1 (SigV2) of the policy as sent. 0 with *access_key (the
 * signer's key) and *region (the scope's region; NULL for SigV2) set,
 * both g_malloc'd; or -1 with err in S3's words (a form with no signature
 * fields: AccessDenied, anonymous). */
int auth_form_check(server *s, const auth_form *f, char **access_key, char **region, aws_error *err);

/* Who a checked form names (svc_call.signer): filled by svc_form_signed and
 * svc_authorize, read by the pipeline for the journal. Strings owned. */
typedef struct svc_signer {
    char *access_key;
    char *principal; /* the signer's ARN */
    char *authz;     /* --auth enforce: what decided */
} svc_signer;
void auth_signer_clear(svc_signer *who);

#endif
