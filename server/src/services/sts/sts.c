/* STS: who is calling (GetCallerIdentity, GetAccessKeyInfo) and temporary
 * credentials (AssumeRole, GetSessionToken). Credentials handed out are
 * registered with the server, so that requests signed with them land in the
 * role's account, as the role. STS keeps no state of its own. */
#include <stdlib.h>
#include <string.h>

#include "policy/policy.h"
#include "services/sts/authz.h"
#include "services/svc_api.h"
#include "services/tagctx.h"

#define KEY_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
#define SECRET_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

/* An ARN's fields: arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE */
static bool split_arn(const char *arn, char **account, char **resource)
{
    char **parts = g_strsplit(arn, ":", 6);
    bool ok = g_strv_length(parts) == 6 && strcmp(parts[0], "arn") == 0 && parts[1][0] && parts[2][0];
    if (ok) {
        *account = g_strdup(parts[4]);
        *resource = g_strdup(parts[5]);
    }
    g_strfreev(parts);
    return ok;
}

/* New temporary credentials, registered with their secret and token (which
 * --auth verify checks) and, for an assumed role, the role and the session
 * policy (which enforcement will apply). */
static json_t *credentials(svc_call *c, const char *prefix, const char *account, const char *arn,
                           const char *user_id, int64_t duration_s, const char *role_arn,
                           const char *session_policy, const char *session_tags)
{
    char key[21], secret[41], token[161];
    memcpy(key, prefix, 4);
    svc_random_string(c, key + 4, 16, KEY_CHARS);
    svc_random_string(c, secret, 40, SECRET_CHARS);
    memcpy(token, "FwoGZXIvYXdzE", 13);
    svc_random_string(c, token + 13, sizeof token - 14, SECRET_CHARS);
    int64_t expires_ms = c->now_ms + duration_s * 1000;
    svc_credentials_add(c, &(svc_credentials){.access_key = key,
                                              .account = account,
                                              .arn = arn,
                                              .user_id = user_id,
                                              .expires_ms = expires_ms,
                                              .secret = secret,
                                              .session_token = token,
                                              .role_arn = role_arn,
                                              .session_policy = session_policy,
                                              .session_tags = session_tags});
    return json_pack("{s:s, s:s, s:s, s:I}", "AccessKeyId", key, "SecretAccessKey", secret,
                     "SessionToken", token, "Expiration", (json_int_t)(expires_ms / 1000));
}

static int get_caller_identity(svc_call *c)
{
    char *arn, *user_id;
    svc_principal(c, &arn, &user_id);
    c->output = json_pack("{s:s, s:s, s:s}", "UserId", user_id, "Account", c->account, "Arn", arn);
    g_free(arn);
    g_free(user_id);
    return 0;
}

static int64_t duration(svc_call *c, int64_t dflt)
{
    json_t *d = json_object_get(c->input, "DurationSeconds");
    return d ? json_integer_value(d) : dflt;
}

/* Whether an AssumeRole passes session tags or marks keys transitive. */
static bool tagging(svc_call *c)
{
    return json_array_size(json_object_get(c->input, "Tags")) ||
           json_array_size(json_object_get(c->input, "TransitiveTagKeys"));
}

/* The new session's tags as svc_credentials.session_tags has them (*text,
 * g_free; NULL when it has none): the caller's transitive tags when it is
 * itself a session (role chaining), which stay transitive, and the Tags
 * passed, of which TransitiveTagKeys are passed on in turn. Tag keys are
 * matched without regard to case: two Tags whose keys differ only by case,
 * a Tag of an inherited transitive key, or a transitive key of no Tag are
 * refused. Linear in the tags. 0, or -1 with STS's error. */
static int session_tags(svc_call *c, char **text)
{
    *text = NULL;
    json_t *tags = json_object(), *transitive = json_array();
    /* the Tags' keys, lowercased, to each as spelled (borrowed from the input) */
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    GHashTable *inherited = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    int rc = 0;
    json_t *caller = svc_caller_session_tags(c), *v;
    size_t i;
    json_array_foreach(json_object_get(caller, "transitive"), i, v) {
        const char *key = json_string_value(v);
        json_t *value = json_object_get(json_object_get(caller, "tags"), key ? key : "");
        if (!json_is_string(value))
            continue;
        json_object_set(tags, key, value);
        json_array_append(transitive, v);
        g_hash_table_add(inherited, g_ascii_strdown(key, -1));
    }
    json_array_foreach(json_object_get(c->input, "Tags"), i, v) {
        const char *key = svc_str(v, "Key"), *value = svc_str(v, "Value");
        if (!key || !value)
            continue; /* the model requires both */
        char *folded = g_ascii_strdown(key, -1);
        if (g_hash_table_contains(inherited, folded)) {
            g_free(folded);
            rc = aws_error_set(&c->err, "InvalidParameterValue",
                               "One of the specified transitive tag keys can't be set because it conflicts with a "
                               "transitive tag key from the calling session.");
            goto done;
        }
        if (g_hash_table_contains(seen, folded)) {
            g_free(folded);
            rc = aws_error_set(&c->err, "InvalidParameterValue",
                               "Duplicate tag keys found. Please note that Tag keys are case insensitive.");
            goto done;
        }
        g_hash_table_insert(seen, folded, (gpointer)key);
        json_object_set_new(tags, key, json_string(value));
    }
    json_array_foreach(json_object_get(c->input, "TransitiveTagKeys"), i, v) {
        char *folded = g_ascii_strdown(json_string_value(v) ? json_string_value(v) : "", -1);
        const char *key = g_hash_table_lookup(seen, folded); /* as the Tag spells it */
        g_free(folded);
        if (!key) {
            rc = aws_error_set(&c->err, "InvalidParameterValue",
                               "The specified transitive tag key must be included in the requested tags.");
            goto done;
        }
        json_array_append_new(transitive, json_string(key));
    }
    if (json_object_size(tags)) {
        json_t *doc = json_pack("{s:O, s:O}", "tags", tags, "transitive", transitive);
        char *dumped = json_dumps(doc, JSON_COMPACT);
        *text = g_strdup(dumped);
        free(dumped);
        json_decref(doc);
    }
done:
    g_hash_table_destroy(seen);
    g_hash_table_destroy(inherited);
    json_decref(caller);
    json_decref(tags);
    json_decref(transitive);
    return rc;
}

/* Under --auth enforce, the role as IAM has it and its trust policy's
 * answer for the caller: 0 with *role_id (g_free) and *max_s (the role's
 * MaxSessionDuration), or -1 with STS's AccessDenied or ValidationError. */
static int trusted(svc_call *c, const char *role_arn, const char *account, const char *name, char **role_id,
                   int64_t *max_s)
{
    char *caller, *caller_id;
    svc_principal(c, &caller, &caller_id);
    int rc = 0;
    json_t *in = json_pack("{s:s}", "RoleName", name), *out = NULL;
    aws_error err = AWS_ERROR_INIT;
    char *trust = NULL;
    if (g_str_has_suffix(caller, ":root")) {
        rc = aws_error_set_status(&c->err, 403, "AccessDenied", "Roles may not be assumed by root accounts.");
        goto done;
    }
    json_t *role = NULL;
    if (svc_invoke(c, "iam", account, "", "GetRole", in, &out, &err) == 0)
        role = json_object_get(out, "Role");
    const char *doc = svc_str(role, "AssumeRolePolicyDocument");
    size_t n = 0;
    trust = doc ? http_percent_decode(doc, strlen(doc), false, &n) : NULL;
    json_t *policy = trust && strcmp(svc_str(role, "Arn"), role_arn) == 0 ? json_loadb(trust, n, 0, NULL) : NULL;
    json_t *context = json_pack("{s:s, s:s}", "aws:principalarn", caller, "aws:principalaccount", c->account);
    if (svc_str(c->input, "ExternalId"))
        json_object_set_new(context, "sts:externalid", json_string(svc_str(c->input, "ExternalId")));
    tagctx_request(context, json_object_get(c->input, "Tags"), NULL);
    policy_request r = {.principal_arn = caller,
                        .principal_account = c->account,
                        .action = "sts:AssumeRole",
                        .resource = role_arn,
                        .context = context};
    /* passing session tags needs the trust policy's sts:TagSession too */
    const char *refused = !policy || policy_match(policy, &r, NULL) != POLICY_ALLOW ? "sts:AssumeRole" : NULL;
    if (!refused && tagging(c)) {
        r.action = "sts:TagSession";
        if (policy_match(policy, &r, NULL) != POLICY_ALLOW)
            refused = "sts:TagSession";
    }
    if (refused) {
        /* a role that does not exist is refused the same way */
        rc = aws_error_set_status(&c->err, 403, "AccessDenied",
                                  "User: %s is not authorized to perform: %s on resource: %s", caller, refused,
                                  role_arn);
    } else {
        *role_id = g_strdup(svc_str(role, "RoleId"));
        *max_s = json_integer_value(json_object_get(role, "MaxSessionDuration"));
    }
    json_decref(policy);
    json_decref(context);
done:
    g_free(trust);
    aws_error_clear(&err);
    json_decref(out);
    json_decref(in);
    g_free(caller);
    g_free(caller_id);
    return rc;
}

static int assume_role(svc_call *c)
{
    const char *role_arn = svc_str(c->input, "RoleArn");
    const char *session = svc_str(c->input, "RoleSessionName");
    char *account = NULL, *resource = NULL;
    if (!split_arn(role_arn, &account, &resource) || strlen(account) != 12 ||
        !g_str_has_prefix(resource, "role/") || !resource[5]) {
        g_free(account);
        g_free(resource);
        /* STS does not echo the value back. */
        return aws_error_set(&c->err, "ValidationError", "Request ARN is invalid");
    }
    /* The role name is the last path element of role/PATH/NAME. */
    const char *name = strrchr(resource, '/') + 1;
    char *known_id = NULL;
    int64_t max_s = 43200, want_s = duration(c, 3600);
    if (svc_auth_enforced(c)) {
        if (trusted(c, role_arn, account, name, &known_id, &max_s) != 0) {
            g_free(account);
            g_free(resource);
            return -1;
        }
        if (want_s > max_s) {
            g_free(known_id);
            g_free(account);
            g_free(resource);
            return aws_error_set(&c->err, "ValidationError",
                                 "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
        }
    }
    char *tags = NULL;
    if (session_tags(c, &tags) != 0) {
        g_free(known_id);
        g_free(account);
        g_free(resource);
        return -1;
    }
    char *arn = g_strdup_printf("arn:%s:sts::%s:assumed-role/%s/%s", svc_partition(c->region), account, name, session);
    char role_id[22];
    if (known_id) {
        g_strlcpy(role_id, known_id, sizeof role_id);
        g_free(known_id);
    } else {
        memcpy(role_id, "AROA", 4);
        svc_random_string(c, role_id + 4, 17, KEY_CHARS);
    }
    char *assumed_id = g_strdup_printf("%s:%s", role_id, session);
    json_t *creds = credentials(c, "ASIA", account, arn, assumed_id, want_s, role_arn,
                                svc_str(c->input, "Policy"), tags);
    g_free(tags);
    c->output = json_pack("{s:o, s:{s:s, s:s}}", "Credentials", creds, "AssumedRoleUser", "AssumedRoleId",
                          assumed_id, "Arn", arn);
    json_t *policy = json_object_get(c->input, "Policy");
    if (policy)
        json_object_set_new(c->output, "PackedPolicySize",
                            json_integer((json_int_t)(json_string_length(policy) * 100 / 2048)));
    json_t *source = json_object_get(c->input, "SourceIdentity");
    if (source)
        json_object_set(c->output, "SourceIdentity", source);
    c->resource = g_strdup(role_arn);
    g_free(assumed_id);
    g_free(arn);
    g_free(account);
    g_free(resource);
    return 0;
}

static int get_session_token(svc_call *c)
{
    int64_t d = duration(c, 43200);
    if (d < 900 || d > 129600)
        return aws_error_set(&c->err, "ValidationError",
                             "1 validation error detected: Value '%lld' at 'durationSeconds' failed to "
                             "satisfy constraint: Member must have value %s %s",
                             (long long)d, d < 900 ? "greater than or equal to" : "less than or equal to",
                             d < 900 ? "900" : "129600");
    char *arn, *user_id;
    svc_principal(c, &arn, &user_id);
    c->output = json_pack("{s:o}", "Credentials", credentials(c, "ASIA", c->account, arn, user_id, d, NULL, NULL, NULL));
    g_free(arn);
    g_free(user_id);
    return 0;
}

static int get_access_key_info(svc_call *c)
{
    const char *key = svc_str(c->input, "AccessKeyId");
    char account[13];
    svc_account_for_key(c, key, account);
    c->output = json_pack("{s:s}", "Account", account);
    return 0;
}

static const svc_op ops[] = {
    {"GetCallerIdentity", get_caller_identity, SVC_LOCK_SHARED},
    {"AssumeRole", assume_role, SVC_LOCK_EXCLUSIVE},
    {"GetSessionToken", get_session_token, SVC_LOCK_EXCLUSIVE},
    {"GetAccessKeyInfo", get_access_key_info, SVC_LOCK_SHARED},
    {"DecodeAuthorizationMessage", sts_decode_authorization_message, SVC_LOCK_SHARED},
    {NULL, NULL, SVC_LOCK_EXCLUSIVE},
};

const svc_def sts_service = {
    .name = "sts",
    .ops = ops,
    .scope = SVC_SCOPE_ACCOUNT,
    .validation_code = "ValidationError",
    .unknown_operation_code = "InvalidAction",
    .unknown_operation_status = 400,
    .authorize = sts_authorize,
    .invoke_rank = 1, /* reads roles from IAM */
    .access_denied = sts_access_denied,
};
