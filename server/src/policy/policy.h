/* policy: IAM policy documents, checked as IAM checks them when they are
 * stored (MalformedPolicyDocument) and evaluated as AWS evaluates a request
 * against them (docs/AWS-FACTS.md, "Identities, signatures and policies").
 *
 * Neither core nor a service: the IAM service validates documents with it,
 * S3 asks it whether a topic's policy lets S3 publish (services/respolicy.h),
 * and the core evaluates requests with it under --auth enforce. Documents
 * are parsed jansson trees; nothing here keeps state. */
#ifndef MOCKAWS_POLICY_POLICY_H
#define MOCKAWS_POLICY_POLICY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* What a document is for: each kind has IAM's own rules (a trust or
 * resource policy names a Principal, an identity policy must not). */
typedef enum policy_kind {
    POLICY_IDENTITY, /* a user's, group's or role's policy, a managed policy, a permissions
                        boundary, a session policy */
    POLICY_RESOURCE, /* an S3 bucket policy, an SNS topic policy, ... */
    POLICY_TRUST,    /* a role's AssumeRolePolicyDocument */
} policy_kind;

/* IAM's check of a document's text before it is stored: 0 and *doc (new
 * reference; NULL allowed when the caller does not want it), or -1 with
 * IAM's MalformedPolicyDocument message in err ("Syntax errors in
 * policy.", ...). Linear in the text. */
int policy_validate(const char *text, size_t len, policy_kind kind, json_t **doc, char *err, size_t errlen);

/* A document's size as IAM counts it for its quotas (PolicySize,
 * ACLSizePerRole, the inline aggregates): its characters outside JSON
 * whitespace. The caller compares it with the quota of where the document
 * goes (LimitExceeded is the caller's answer, not MalformedPolicyDocument). */
size_t policy_size(const char *text, size_t len);

/* A request as policies see it. */
typedef struct policy_request {
    const char *principal_arn; /* arn:aws:iam::ACCOUNT:user/NAME, an assumed-role session's
                                  ARN, or the account's root */
    const char *principal_account;
    const char *service;       /* a service principal acting ("s3.amazonaws.com"), or NULL */
    const char *action;        /* "s3:GetObject" */
    const char *resource;      /* its ARN ("*" for actions on no resource) */
    json_t *context;           /* the request's condition keys, names lowercased ("aws:sourceip",
                                  "s3:prefix", "aws:principaltag/team"), each a string, or an
                                  array of strings for multivalued keys (borrowed; NULL: none).
                                  Policy variables (${aws:username}) are read from it too. */
    bool *read_context;        /* if not NULL, set to true when the decision read context: a
                                  statement's Condition was evaluated or a policy variable
                                  substituted. Left alone, the decision is a function of the
                                  documents, the principal, the action and the resource only
                                  (what core/enforce.c's decision cache relies on). */
} policy_request;

typedef enum policy_decision {
    POLICY_IMPLICIT_DENY = 0, /* nothing allowed it */
    POLICY_ALLOW,
    POLICY_EXPLICIT_DENY,
} policy_decision;

/* What one document says about r: an Allow or a Deny statement that
 * applies, or neither (implicit deny); Deny wins within the document.
 * *statement (if not NULL) is set to the deciding statement's Sid, or
 * "Statement[N]" (N counted from 0) when it has none (g_malloc'd);
 * NULL when none decided. Linear in the document times the request's
 * strings; allocates only for substituted variables and the name. */
policy_decision policy_match(json_t *doc, const policy_request *r, char **statement);

/* Every policy that applies to a request. */
typedef struct policy_set {
    json_t *identity;             /* array of identity-based documents, or NULL */
    json_t *resource;             /* the resource's policy, or NULL */
    const char *resource_account; /* the account that owns the resource */
    json_t *boundary;             /* a permissions boundary, or NULL */
    json_t *session;              /* array of session policies, or NULL */
} policy_set;

typedef struct policy_result {
    policy_decision decision;
    char *statement; /* the deciding statement (policy_match's form), or NULL; g_malloc'd */
    const char *by;  /* which kind decided: "identity-based policy", "resource-based policy",
                        "permissions boundary", "session policy"; for an implicit deny, the kind
                        whose Allow was missing (AccessDenied's "because no ... allows"); NULL
                        for the account root's Allow, which no statement gives */
} policy_result;

/* AWS's evaluation of r against every policy in set: an explicit Deny in
 * any of them denies; then within the account a resource policy's Allow
 * or the identity policies' Allow (limited by the boundary and session
 * policies) allows; across accounts both sides must allow. */
void policy_evaluate(const policy_set *set, const policy_request *r, policy_result *out);
void policy_result_clear(policy_result *r);

#endif
