#include "services/respolicy.h"

#include <jansson.h>

#include "policy/policy.h"

bool respolicy_allows(const char *policy, const respolicy_request *r)
{
    if (!policy)
        return false;
    json_t *doc = json_loads(policy, 0, NULL);
    if (!json_is_object(doc)) {
        json_decref(doc);
        return false;
    }
    /* the only condition keys an AWS service's request carries here */
    json_t *ctx = json_object();
    if (r->source_arn)
        json_object_set_new(ctx, "aws:sourcearn", json_string(r->source_arn));
    if (r->source_account)
        json_object_set_new(ctx, "aws:sourceaccount", json_string(r->source_account));
    policy_request req = {.service = r->service, .action = r->action, .resource = r->resource, .context = ctx};
    bool ok = policy_match(doc, &req, NULL) == POLICY_ALLOW;
    json_decref(ctx);
    json_decref(doc);
    return ok;
}
