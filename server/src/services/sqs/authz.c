#include "services/sqs/authz.h"

#include <string.h>

#include "services/sqs/store.h"
#include "services/svc_api.h"

/* arn:aws:sqs:REGION:ACCOUNT:NAME of the queue a QueueUrl names (its path's
 * /ACCOUNT/NAME, whatever the host), or NULL. */
static char *arn_of_url(const char *region, const char *url)
{
    const char *scheme = strstr(url, "://");
    const char *path = scheme ? strchr(scheme + 3, '/') : url;
    if (!path || *path != '/')
        return NULL;
    const char *acct = path + 1, *slash = strchr(acct, '/');
    if (!slash || slash - acct != 12)
        return NULL;
    return g_strdup_printf("arn:%s:sqs:%s:%.12s:%s", svc_partition(region), region, acct, slash + 1);
}

/* The source queue a message move task's handle names, or NULL. */
static char *arn_of_task(const char *handle)
{
    char *raw = NULL;
    size_t len;
    if (!handle || !svc_base64_decode(handle, strlen(handle), &raw, &len))
        return NULL;
    json_t *doc = json_loadb(raw, len, 0, NULL);
    g_free(raw);
    char *arn = g_strdup(svc_str(doc, "sourceArn"));
    json_decref(doc);
    return arn;
}

void sqs_authorize(svc_call *c, GArray *out, json_t *context)
{
    (void)context;
    const char *op = c->operation;
    json_t *in = c->input;
    char action[64];
    size_t oplen = strlen(op);
    /* SendMessageBatch is sqs:SendMessage, and so on */
    if (oplen > 5 && strcmp(op + oplen - 5, "Batch") == 0)
        g_snprintf(action, sizeof action, "sqs:%.*s", (int)(oplen - 5), op);
    else
        g_snprintf(action, sizeof action, "sqs:%s", op);
    char *resource = NULL;
    if (svc_str(in, "QueueUrl"))
        resource = arn_of_url(c->region, svc_str(in, "QueueUrl"));
    else if (svc_str(in, "QueueName"))
        resource = g_strdup_printf("arn:%s:sqs:%s:%s:%s", svc_partition(c->region), c->region,
                                   svc_str(in, "QueueOwnerAWSAccountId") ? svc_str(in, "QueueOwnerAWSAccountId")
                                                                         : c->account,
                                   svc_str(in, "QueueName"));
    else if (svc_str(in, "SourceArn"))
        resource = g_strdup(svc_str(in, "SourceArn"));
    else if (svc_str(in, "TaskHandle"))
        resource = arn_of_task(svc_str(in, "TaskHandle"));
    svc_authz_add(out, action, resource ? resource : g_strdup("*"), -1);
}

void sqs_access_denied(svc_call *c, const char *principal_arn, const svc_authz *a, bool explicit_deny,
                       const char *by, aws_error *err)
{
    (void)c;
    char *m = svc_denied_message(principal_arn, a->action, a->resource, false, explicit_deny, by);
    aws_error_set_status(err, 403, "AccessDenied", "%s", m);
    g_free(m);
}

json_t *sqs_resource_policy(void *state, const char *account, const char *region, const char *resource_arn,
                            char owner[13])
{
    (void)region;
    sqs_queue *q = sqs_queue_by_arn(state, resource_arn);
    if (!q)
        return NULL;
    g_strlcpy(owner, account, 13);
    const char *policy = svc_str(q->attrs, "Policy");
    return policy ? json_loads(policy, 0, NULL) : NULL;
}
