/* fuzz_policy: IAM policy documents (server/src/policy): policy_validate
 * for each kind, then policy_match and policy_evaluate of what parses as
 * JSON (checked or not: a stored document may come from a fixture) for a
 * user, a role session, a service and an anonymous caller, with a context
 * holding single- and multivalued keys and variables.
 *
 * Beyond crashes it checks that validation gives a document or a message,
 * never both nor neither, and that evaluation's answer is one of the
 * three decisions with a deciding statement exactly when one decided. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "policy/policy.h"

#define CHECK(cond) \
    do {            \
        if (!(cond)) \
            abort(); \
    } while (0)

static const policy_request requests[] = {
    {.principal_arn = "arn:aws:iam::111122223333:user/alice", .principal_account = "111122223333",
     .action = "s3:GetObject", .resource = "arn:aws:s3:::photos/alice/cat.jpg"},
    {.principal_arn = "arn:aws:sts::111122223333:assumed-role/Admin/s1", .principal_account = "111122223333",
     .action = "sts:AssumeRole", .resource = "arn:aws:iam::111122223333:role/Admin"},
    {.service = "s3.amazonaws.com", .action = "sns:Publish", .resource = "arn:aws:sns:us-east-1:111122223333:t"},
    {.action = "s3:ListBucket", .resource = "*"},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static json_t *ctx;
    if (!ctx)
        ctx = json_pack("{s:s, s:s, s:s, s:[s,s], s:[], s:s, s:s}", "aws:username", "alice", "aws:sourceip",
                        "203.0.113.7", "aws:currenttime", "2026-11-29T00:00:00Z", "aws:tagkeys", "a", "b*",
                        "s3:prefix", "s3:max-keys", "12", "aws:principaltag/team", "a?");
    const char *text = (const char *)data;
    for (int kind = POLICY_IDENTITY; kind <= POLICY_TRUST; kind++) {
        char err[512] = "";
        json_t *doc = NULL;
        int rc = policy_validate(text, size, kind, &doc, err, sizeof err);
        CHECK(rc == 0 ? doc != NULL : rc == -1 && doc == NULL && err[0]);
        json_decref(doc);
    }
    (void)policy_size(text, size);
    json_t *doc = json_loadb(text, size, 0, NULL);
    if (!doc)
        return 0;
    json_t *docs = json_pack("[O]", doc);
    for (size_t i = 0; i < sizeof requests / sizeof *requests; i++) {
        policy_request r = requests[i];
        r.context = ctx;
        char *st = NULL;
        policy_decision d = policy_match(doc, &r, &st);
        CHECK(d == POLICY_IMPLICIT_DENY || d == POLICY_ALLOW || d == POLICY_EXPLICIT_DENY);
        CHECK((d == POLICY_IMPLICIT_DENY) == (st == NULL));
        g_free(st);
        policy_set set = {.identity = docs, .resource = doc, .resource_account = "444455556666",
                          .boundary = doc, .session = docs};
        policy_result out;
        policy_evaluate(&set, &r, &out);
        CHECK(out.decision <= POLICY_EXPLICIT_DENY);
        policy_result_clear(&out);
    }
    json_decref(docs);
    json_decref(doc);
    return 0;
}
