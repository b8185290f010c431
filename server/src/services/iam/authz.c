#include "services/iam/authz.h"

#include <string.h>

#include "services/svc_api.h"
#include "services/tagctx.h"

#include "services/iam/store.h"

/* Operations on no resource (the Service Authorization Reference lists
 * none for them). */
static const char *const listings[] = {"ListUsers", "ListRoles", "ListGroups", "ListPolicies"};

/* Operations on the managed policy PolicyArn names. */
static const char *const on_policy[] = {"GetPolicy",          "DeletePolicy",        "GetPolicyVersion",
                                        "CreatePolicyVersion", "ListPolicyVersions", "DeletePolicyVersion",
                                        "SetDefaultPolicyVersion"};

static bool listed(const char *op, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(op, list[i]) == 0)
            return true;
    return false;
}

/* The ARN of the entity of kind k that name names (its stored path; for
 * one that does not exist yet, the request's Path or "/"), and its tags as
 * iam:ResourceTag/KEY and aws:ResourceTag/KEY, read under the shared lock. */
static char *entity(svc_call *c, json_t *context, iam_kind k, const char *name)
{
    const char *path = svc_str(c->input, "Path");
    char *arn = NULL;
    if (c->state) {
        svc_lock_shared(c);
        iam_entity *e = iam_store_find(c->state, k, name);
        if (e) {
            arn = g_strdup(e->arn);
            if (k != IAM_GROUP) {
                tagctx_set(context, "iam:resourcetag/", e->tags, NULL);
                tagctx_set(context, "aws:resourcetag/", e->tags, NULL);
            }
        }
        svc_unlock_shared(c);
    }
    return arn ? arn : iam_arn(svc_partition(c->region), c->account, iam_kinds[k].noun, path ? path : "/", name);
}

void iam_authorize(svc_call *c, GArray *out, json_t *context)
{
    const char *op = c->operation;
    json_t *in = c->input;
    char action[64];
    g_snprintf(action, sizeof action, "iam:%s", op);
    if (g_str_has_prefix(op, "Create") || g_str_has_prefix(op, "Tag"))
        tagctx_request(context, json_object_get(in, "Tags"), NULL);
    else if (g_str_has_prefix(op, "Untag"))
        tagctx_keys(context, "aws:tagkeys", json_object_get(in, "TagKeys"));
    const char *policy = svc_str(in, "PolicyArn");
    if (policy && g_str_has_suffix(op, "PermissionsBoundary"))
        json_object_set_new(context, "iam:permissionsboundary", json_string(policy));
    else if (policy && (g_str_has_prefix(op, "Attach") || g_str_has_prefix(op, "Detach")))
        json_object_set_new(context, "iam:policyarn", json_string(policy));

    char *resource = NULL;
    if (listed(op, listings, G_N_ELEMENTS(listings)))
        resource = g_strdup("*");
    else if (listed(op, on_policy, G_N_ELEMENTS(on_policy)) && policy)
        resource = g_strdup(policy);
    else if (strcmp(op, "CreatePolicy") == 0 && svc_str(in, "PolicyName"))
        resource = iam_arn(svc_partition(c->region), c->account, "policy", svc_str(in, "Path") ? svc_str(in, "Path") : "/",
                           svc_str(in, "PolicyName"));
    else if (svc_str(in, "GroupName")) /* AddUserToGroup and RemoveUserFromGroup too: on the group */
        resource = entity(c, context, IAM_GROUP, svc_str(in, "GroupName"));
    else if (svc_str(in, "RoleName"))
        resource = entity(c, context, IAM_ROLE, svc_str(in, "RoleName"));
    else if (svc_str(in, "UserName"))
        resource = entity(c, context, IAM_USER, svc_str(in, "UserName"));
    else if (g_str_has_suffix(op, "User") || strstr(op, "AccessKey")) {
        /* no UserName: the caller's own user (GetUser, the access key
         * operations) */
        char *user_id = NULL;
        svc_principal(c, &resource, &user_id);
        g_free(user_id);
    }
    if (resource)
        svc_authz_add(out, action, resource, -1);
}

void iam_access_denied(svc_call *c, const char *principal_arn, const svc_authz *a, bool explicit_deny,
                       const char *by, aws_error *err)
{
    (void)c;
    char *m = svc_denied_message(principal_arn, a->action, a->resource, false, explicit_deny, by);
    aws_error_set_status(err, 403, "AccessDenied", "%s", m);
    g_free(m);
}
