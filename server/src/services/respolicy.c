#include "services/respolicy.h"

#include <jansson.h>
#include <string.h>

#include "policy/policy.h"
#include "services/svc_api.h"

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

respolicy_queue_status respolicy_queue(svc_call *c, const respolicy_request *r, char **url)
{
    *url = NULL;
    gchar **p = g_strsplit(r->resource ? r->resource : "", ":", 6);
    if (g_strv_length(p) != 6 || strcmp(p[0], "arn") != 0 || strcmp(p[2], "sqs") != 0 || !*p[3] || !*p[4] ||
        !*p[5]) {
        g_strfreev(p);
        return RESPOLICY_QUEUE_MISSING;
    }
    /* p[3] region, p[4] account, p[5] the queue's name: the queue's URL as
     * AWS writes it (SQS reads the account and name from its path) */
    char *u = g_strdup_printf("https://sqs.%s.amazonaws.com/%s/%s", p[3], p[4], p[5]);
    respolicy_queue_status st = RESPOLICY_QUEUE_MISSING;
    aws_error err = AWS_ERROR_INIT;
    json_t *in = json_pack("{s:s, s:[s]}", "QueueUrl", u, "AttributeNames", "Policy"), *out = NULL;
    if (svc_invoke(c, "sqs", p[4], p[3], "GetQueueAttributes", in, &out, &err) == 0) {
        st = respolicy_allows(svc_str(json_object_get(out, "Attributes"), "Policy"), r) ? RESPOLICY_QUEUE_OK
                                                                                      : RESPOLICY_QUEUE_DENIED;
        *url = u;
    } else {
        g_free(u);
    }
    aws_error_clear(&err);
    json_decref(in);
    json_decref(out);
    g_strfreev(p);
    return st;
}
