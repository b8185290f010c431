#include "services/sns/authz.h"

#include <string.h>

#include "services/sns/store.h"
#include "services/svc_api.h"
#include "services/tagctx.h"

/* A subscription's topic: its ARN less the last ":id". */
static char *topic_of_subscription(const char *arn)
{
    const char *colon = strrchr(arn, ':');
    return colon ? g_strndup(arn, (size_t)(colon - arn)) : g_strdup(arn);
}

void sns_authorize(svc_call *c, GArray *out, json_t *context)
{
    const char *op = c->operation;
    json_t *in = c->input;
    char action[64];
    /* Publish and PublishBatch are both sns:Publish */
    g_snprintf(action, sizeof action, "sns:%s", strcmp(op, "PublishBatch") == 0 ? "Publish" : op);
    const char *topic = svc_str(in, "TopicArn");
    if (!topic)
        topic = svc_str(in, "TargetArn");
    if (!topic)
        topic = svc_str(in, "ResourceArn");
    char *resource = NULL;
    if (topic)
        resource = g_strdup(topic);
    else if (strcmp(op, "CreateTopic") == 0 && svc_str(in, "Name"))
        resource = g_strdup_printf("arn:%s:sns:%s:%s:%s", svc_partition(c->region), c->region, c->account, svc_str(in, "Name"));
    else if (svc_str(in, "SubscriptionArn"))
        resource = topic_of_subscription(svc_str(in, "SubscriptionArn"));
    else
        /* listings, SMS settings and the sandbox, a publish to a phone number,
         * platform applications and endpoints: no resource type in the Service
         * Authorization Reference */
        resource = g_strdup("*");
    if (strcmp(op, "Subscribe") == 0) {
        if (svc_str(in, "Protocol"))
            json_object_set_new(context, "sns:protocol", json_string(svc_str(in, "Protocol")));
        if (svc_str(in, "Endpoint"))
            json_object_set_new(context, "sns:endpoint", json_string(svc_str(in, "Endpoint")));
    }
    /* the tags a request sets (CreateTopic, TagResource) or removes
     * (UntagResource), and the topic's own */
    if (strcmp(op, "CreateTopic") == 0 || strcmp(op, "TagResource") == 0)
        tagctx_request(context, json_object_get(in, "Tags"), NULL);
    else if (strcmp(op, "UntagResource") == 0)
        tagctx_keys(context, "aws:tagkeys", json_object_get(in, "TagKeys"));
    if (c->state && strcmp(resource, "*") != 0) {
        svc_lock_shared(c);
        sns_topic *t = sns_topic_find(c->state, resource);
        if (t)
            tagctx_set(context, "aws:resourcetag/", t->tags, NULL);
        svc_unlock_shared(c);
    }
    svc_authz_add(out, action, resource, -1);
}

void sns_access_denied(svc_call *c, const char *principal_arn, const svc_authz *a, bool explicit_deny,
                       const char *by, aws_error *err)
{
    (void)c;
    char action[64];
    g_snprintf(action, sizeof action, "SNS:%s", g_str_has_prefix(a->action, "sns:") ? a->action + 4 : a->action);
    char *m = svc_denied_message(principal_arn, action, a->resource, false, explicit_deny, by);
    aws_error_set_status(err, 403, "AuthorizationError", "%s", m);
    g_free(m);
}

json_t *sns_resource_policy(void *state, const char *account, const char *region, const char *resource_arn,
                            char owner[13])
{
    (void)region;
    sns_topic *t = sns_topic_find(state, resource_arn);
    if (!t)
        return NULL;
    g_strlcpy(owner, account, 13);
    json_t *attrs = sns_topic_attributes(t, account);
    json_t *doc = json_loads(svc_str(attrs, "Policy"), 0, NULL);
    json_decref(attrs);
    return doc;
}
