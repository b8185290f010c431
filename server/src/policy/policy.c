#include "policy/policy.h"

#include <glib.h>
#include <stdio.h>

/* A stand-in until the evaluator lands: documents are checked as JSON
 * objects only, and nothing is allowed. */

int policy_validate(const char *text, size_t len, policy_kind kind, json_t **doc, char *err, size_t errlen)
{
    (void)kind;
    json_t *d = json_loadb(text, len, 0, NULL);
    if (doc)
        *doc = NULL;
    if (!json_is_object(d)) {
        json_decref(d);
        g_snprintf(err, errlen, "Syntax errors in policy.");
        return -1;
    }
    if (doc)
        *doc = d;
    else
        json_decref(d);
    return 0;
}

policy_decision policy_match(json_t *doc, const policy_request *r, char **statement)
{
    (void)doc;
    (void)r;
    if (statement)
        *statement = NULL;
    return POLICY_IMPLICIT_DENY;
}

void policy_evaluate(const policy_set *set, const policy_request *r, policy_result *out)
{
    (void)set;
    (void)r;
    out->decision = POLICY_IMPLICIT_DENY;
    out->statement = NULL;
    out->by = NULL;
}

void policy_result_clear(policy_result *r)
{
    g_free(r->statement);
    r->statement = NULL;
}
