/* AddPermission and RemovePermission: SQS's shorthand for editing a queue's
 * Policy attribute. A permission is one statement of the policy, its Sid
 * the label, its principals the accounts' roots and its actions "SQS:" and
 * each action name, as SQS writes them (one principal or action as a
 * string, several as a list); the policy is the queue's Policy attribute
 * and nothing else, so GetQueueAttributes shows it, SetQueueAttributes may
 * replace it and --auth enforce reads it (authz.c). */
#include "services/sqs/sqs.h"
#include "services/svc_api.h"

#include <string.h>

#define MAX_LABEL 80
#define MAX_ACTIONS 7     /* per statement (SQS quotas) */
#define MAX_STATEMENTS 20 /* per policy (SQS quotas) */

/* The actions a queue's owner may share (SQS Developer Guide, "Amazon SQS
 * API permissions"); the others only the owner may call. */
static const char *const SHARED[] = {"*",
                                     "ChangeMessageVisibility",
                                     "DeleteMessage",
                                     "GetQueueAttributes",
                                     "GetQueueUrl",
                                     "ListDeadLetterSourceQueues",
                                     "PurgeQueue",
                                     "ReceiveMessage",
                                     "SendMessage",
                                     NULL};

static bool shared_action(const char *name)
{
    for (size_t i = 0; SHARED[i]; i++)
        if (strcmp(SHARED[i], name) == 0)
            return true;
    return false;
}

/* Whether name is an operation of SQS (those mockaws does not implement
 * too: the model lists every one). */
static bool known_action(const svc_call *c, const char *name) { return model_find_op(c->model, name) != NULL; }

static bool label_ok(const char *label)
{
    size_t len = strlen(label);
    if (len == 0 || len > MAX_LABEL)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!g_ascii_isalnum(label[i]) && label[i] != '-' && label[i] != '_')
            return false;
    return true;
}

static bool account_ok(const char *id)
{
    if (strlen(id) != 12)
        return false;
    for (size_t i = 0; i < 12; i++)
        if (!g_ascii_isdigit(id[i]))
            return false;
    return true;
}

/* One value as a string, several as a list (how SQS writes a statement it
 * makes). Takes list. */
static json_t *one_or_list(json_t *list)
{
    if (json_array_size(list) != 1)
        return list;
    json_t *v = json_incref(json_array_get(list, 0));
    json_decref(list);
    return v;
}

/* The queue's policy (new reference): its Policy attribute parsed, or a new
 * empty one in SQS's shape when it has none (or one that is no JSON object,
 * which only a fixture could have given it: SetQueueAttributes checks). */
static json_t *policy_of(const sqs_queue *q)
{
    const char *text = svc_str(q->attrs, "Policy");
    json_t *doc = text ? json_loads(text, 0, NULL) : NULL;
    if (json_is_object(doc))
        return doc;
    json_decref(doc);
    char *id = g_strdup_printf("%s/SQSDefaultPolicy", q->arn);
    doc = json_pack("{s:s, s:s, s:[]}", "Version", "2012-10-17", "Id", id, "Statement");
    g_free(id);
    return doc;
}

/* The index of the statement whose Sid is label, or -1. */
static long statement_index(json_t *statements, const char *label)
{
    size_t i;
    json_t *st;
    json_array_foreach(statements, i, st) {
        const char *sid = svc_str(st, "Sid");
        if (sid && strcmp(sid, label) == 0)
            return (long)i;
    }
    return -1;
}

static void policy_store(sqs_queue *q, json_t *doc, int64_t now_ms)
{
    if (json_array_size(json_object_get(doc, "Statement")) == 0) {
        json_object_del(q->attrs, "Policy");
    } else {
        char *text = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
        json_object_set_new(q->attrs, "Policy", json_string(text));
        free(text);
    }
    q->modified_ms = now_ms;
}

static int label_invalid(svc_call *c, const char *label, const char *reason)
{
    return sqs_invalid_value(c, label, "Label", reason);
}

int sqs_add_permission(svc_call *c)
{
    sqs_queue *q = sqs_queue_for_url(c, svc_str(c->input, "QueueUrl"));
    if (!q)
        return -1;
    const char *label = svc_str(c->input, "Label");
    json_t *accounts = json_object_get(c->input, "AWSAccountIds");
    json_t *actions = json_object_get(c->input, "Actions");
    if (!label_ok(label))
        return label_invalid(c, label,
                             "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length");
    if (json_array_size(accounts) == 0)
        return aws_error_set(&c->err, "MissingParameter", "The request must contain the parameter AWSAccountIds.");
    if (json_array_size(actions) == 0)
        return aws_error_set(&c->err, "MissingParameter", "The request must contain the parameter Actions.");
    if (json_array_size(actions) > MAX_ACTIONS)
        return aws_error_set(&c->err, "OverLimit",
                             "%zu actions were found in a statement from the submitted policy, max allowed is %d",
                             json_array_size(actions), MAX_ACTIONS);
    json_t *principals = json_array(), *names = json_array();
    size_t i;
    json_t *v;
    int rc = 0;
    json_array_foreach(accounts, i, v) {
        const char *id = json_string_value(v);
        if (!account_ok(id)) {
            char *list = g_strdup_printf("[%s]", id);
            rc = sqs_invalid_value(c, list, "PrincipalId", "Unable to verify.");
            g_free(list);
            break;
        }
        json_array_append_new(principals, json_sprintf("arn:%s:iam::%s:root", svc_partition(c->region), id));
    }
    json_array_foreach(actions, i, v) {
        if (rc != 0)
            break;
        const char *name = json_string_value(v);
        if (!shared_action(name)) {
            char *full = g_strdup_printf("SQS:%s", name);
            rc = sqs_invalid_value(c, full, "ActionName",
                                   known_action(c, name) ? "Only the queue owner is allowed to invoke this action."
                                                         : "Please refer to the appropriate WSDL for a list of valid "
                                                           "actions.");
            g_free(full);
            break;
        }
        json_array_append_new(names, json_sprintf("SQS:%s", name));
    }
    json_t *doc = rc == 0 ? policy_of(q) : NULL;
    json_t *statements = json_object_get(doc, "Statement");
    if (rc == 0 && !json_is_array(statements)) {
        /* a policy set with a lone statement object: made a list */
        statements = json_is_object(statements) ? json_pack("[O]", statements) : json_array();
        json_object_set_new(doc, "Statement", statements);
    }
    if (rc == 0 && statement_index(statements, label) >= 0)
        rc = label_invalid(c, label, "Already exists.");
    else if (rc == 0 && json_array_size(statements) >= MAX_STATEMENTS)
        rc = aws_error_set(&c->err, "OverLimit",
                           "%zu statements were found in the submitted policy, max allowed is %d",
                           json_array_size(statements) + 1, MAX_STATEMENTS);
    if (rc != 0) {
        json_decref(principals);
        json_decref(names);
        json_decref(doc);
        return -1;
    }
    json_array_append_new(statements, json_pack("{s:s, s:s, s:{s:o}, s:o, s:s}", "Sid", label, "Effect", "Allow",
                                                "Principal", "AWS", one_or_list(principals), "Action",
                                                one_or_list(names), "Resource", q->arn));
    policy_store(q, doc, c->now_ms);
    json_decref(doc);
    return 0;
}

int sqs_remove_permission(svc_call *c)
{
    sqs_queue *q = sqs_queue_for_url(c, svc_str(c->input, "QueueUrl"));
    if (!q)
        return -1;
    const char *label = svc_str(c->input, "Label");
    json_t *doc = svc_str(q->attrs, "Policy") ? policy_of(q) : NULL;
    json_t *statements = json_object_get(doc, "Statement");
    long at = -1;
    if (json_is_array(statements))
        at = statement_index(statements, label);
    else if (json_is_object(statements) && svc_str(statements, "Sid") && strcmp(svc_str(statements, "Sid"), label) == 0)
        at = 0; /* a lone statement object */
    if (at < 0) {
        json_decref(doc);
        return label_invalid(c, label, "can't find label on existing policy.");
    }
    if (json_is_array(statements))
        json_array_remove(statements, (size_t)at);
    else
        json_object_set_new(doc, "Statement", json_array());
    policy_store(q, doc, c->now_ms);
    json_decref(doc);
    return 0;
}
