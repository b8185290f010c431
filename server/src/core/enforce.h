/* enforce: --auth enforce's decision on a request whose caller the
 * signature check identified (core/auth.c): each authorization the service
 * asks for (svc_def.authorize) is evaluated, as AWS evaluates it
 * (policy/policy.h), against the caller's identity-based policies (asked of
 * the service that holds identities, svc_def.identity_policies, in the
 * caller's account), its session policy and permissions boundary, and the
 * resource's own policy (svc_def.resource_policy).
 *
 * An account's root user is allowed everything in its own account but what
 * a resource policy explicitly denies; a caller of another account needs
 * the resource policy's Allow as well as its own. */
#ifndef MOCKAWS_CORE_ENFORCE_H
#define MOCKAWS_CORE_ENFORCE_H

#include <glib.h>
#include <stdbool.h>

#include "core/registry.h"

typedef struct mockaws server;

/* Who is calling, as the signature check found it. */
typedef struct enforce_caller {
    const char *principal_arn;  /* arn:aws:iam::A:user/U, arn:aws:sts::A:assumed-role/R/S,
                                   arn:aws:iam::A:root; NULL: an unsigned request */
    const char *account;
    const char *user_id;        /* AIDA..., AROA...:session, or the account */
    const char *role_arn;       /* an assumed role's ARN (its policies apply), or NULL */
    const char *session_policy; /* an assumed role's session policy text, or NULL */
    const char *session_tags;   /* an assumed role's session tags (server_cred.session_tags), or NULL */
} enforce_caller;

/* 0 when the request may run: *denied (if not NULL) is then set to the
 * batch entries that may not (a GArray of int, g_array_unref; NULL when
 * none). -1 with err set in the service's words (svc_def.access_denied)
 * when a check the request stands or falls by fails. A service without an
 * authorize hook is not checked. */
int enforce_request(server *s, svc_rt *rt, svc_call *c, const enforce_caller *who, GArray **denied,
                    aws_error *err, char **why);

/* *why (enforce_request's last argument, if not NULL) says what decided,
 * for the journal (g_malloc'd, no secrets): "s3:GetObject on
 * arn:aws:s3:::b/k: allowed by Statement[0] of an identity-based policy",
 * "... denied: no identity-based policy allows it", "... explicitly denied
 * by Sid of a resource-based policy"; NULL when nothing was checked. */

#endif
