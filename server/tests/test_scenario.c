/* Scenario files: shape checks and expectations against a journal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include <glib.h>

#include "faults/scenario.h"

static const char *refusal(const char *doc)
{
    static char err[512];
    json_t *d = json_loads(doc, 0, NULL);
    assert_non_null(d);
    scenario *sc = scenario_parse(d, ".", err, sizeof err);
    json_decref(d);
    bool ok = sc != NULL;
    scenario_free(sc);
    return ok ? NULL : err;
}

static void shape_checks(void **st)
{
    assert_null(refusal("{\"name\": \"n\", \"expect\": [{\"operation\": \"GetObject\", \"count\": 3}]}"));
    assert_non_null(strstr(refusal("{\"expect\": [{\"operation\": \"X\"}]}"), "exactly one of"));
    assert_non_null(strstr(refusal("{\"expect\": [{\"operation\": \"X\", \"count\": 1, \"sequence\": [\"X\"]}]}"),
                           "exactly one of"));
    assert_non_null(strstr(refusal("{\"expect\": [{\"opration\": \"X\", \"count\": 1}]}"), "\"opration\""));
    assert_non_null(strstr(refusal("{\"expect\": [{\"count\": {\"least\": 1}}]}"), "min"));
    assert_non_null(strstr(refusal("{\"clock\": {\"mode\": \"fast\"}}"), "clock"));
    assert_non_null(strstr(refusal("{\"fixtures\": \"/nonexistent/fixture.json\"}"), "nonexistent"));
    assert_non_null(strstr(refusal("{\"faults\": 3}"), "faults"));
    assert_non_null(strstr(refusal("{\"frobnicate\": 1}"), "frobnicate"));
    assert_null(refusal("{\"snapshot\": \"after-setup.1\"}"));
    assert_non_null(strstr(refusal("{\"snapshot\": \"a/b\"}"), "snapshot"));
    assert_non_null(strstr(refusal("{\"snapshot\": \"\"}"), "snapshot"));
    assert_non_null(strstr(refusal("{\"snapshot\": true}"), "snapshot"));
}

static json_t *journal(void)
{
    /* one GetObject invocation with 3 attempts (2 throttled), one PutObject */
    return json_loads("["
                      "{\"seq\": 1, \"service\": \"s3\", \"operation\": \"GetObject\", \"error\": \"SlowDown\", "
                      "\"fault\": \"t\", \"status\": 503, \"invocation_id\": \"i1\"},"
                      "{\"seq\": 2, \"service\": \"s3\", \"operation\": \"GetObject\", \"error\": \"SlowDown\", "
                      "\"fault\": \"t\", \"status\": 503, \"invocation_id\": \"i1\"},"
                      "{\"seq\": 3, \"service\": \"s3\", \"operation\": \"GetObject\", \"error\": null, "
                      "\"fault\": null, \"status\": 200, \"invocation_id\": \"i1\"},"
                      "{\"seq\": 4, \"service\": \"s3\", \"operation\": \"PutObject\", \"error\": null, "
                      "\"fault\": null, \"status\": 200, \"invocation_id\": \"i2\"}]",
                      0, NULL);
}

/* a topic's deliveries to two queues and a bucket's to one, as the journal
 * has them (a service's call names its caller), and a client's own send */
static json_t *delivery_journal(void)
{
    return json_loads("["
                      "{\"seq\": 1, \"service\": \"sqs\", \"operation\": \"SendMessage\", \"caller\": \"sns\", "
                      "\"resource\": \"orders\", \"account\": \"111122223333\", \"region\": \"eu-west-1\", "
                      "\"error\": null, \"fault\": null, \"status\": 200},"
                      "{\"seq\": 2, \"service\": \"sqs\", \"operation\": \"SendMessage\", \"caller\": \"sns\", "
                      "\"resource\": \"orders\", \"account\": \"123456789012\", \"region\": \"us-east-1\", "
                      "\"error\": null, \"fault\": null, \"status\": 200},"
                      "{\"seq\": 3, \"service\": \"sqs\", \"operation\": \"SendMessage\", \"caller\": \"s3\", "
                      "\"resource\": \"uploads\", \"account\": \"123456789012\", \"region\": \"us-east-1\", "
                      "\"error\": null, \"fault\": null, \"status\": 200},"
                      "{\"seq\": 4, \"service\": \"sqs\", \"operation\": \"SendMessage\", "
                      "\"resource\": \"orders\", \"account\": \"123456789012\", \"region\": \"us-east-1\", "
                      "\"error\": null, \"fault\": null, \"status\": 200, \"invocation_id\": \"i3\"}]",
                      0, NULL);
}

static bool verify_on(json_t *(*entries_fn)(void), const char *expect, char **message)
{
    char *doc = g_strdup_printf("{\"name\": \"t\", \"expect\": [%s]}", expect);
    json_t *d = json_loads(doc, 0, NULL);
    g_free(doc);
    char err[256];
    scenario *sc = scenario_parse(d, ".", err, sizeof err);
    assert_non_null(sc);
    json_t *entries = entries_fn();
    json_t *report = scenario_verify(sc, entries);
    bool passed = json_is_true(json_object_get(report, "passed"));
    if (message)
        *message = g_strdup(json_string_value(
            json_object_get(json_array_get(json_object_get(report, "results"), 0), "message")));
    json_decref(report);
    json_decref(entries);
    json_decref(d);
    scenario_free(sc);
    return passed;
}

static bool verify(const char *expect, char **message) { return verify_on(journal, expect, message); }

/* "The topic delivered 2 messages to queue orders": deliveries told from
 * a client's own sends by caller, a queue by its name and namespace. */
static void deliveries(void **st)
{
    json_t *(*j)(void) = delivery_journal;
    assert_true(verify_on(j, "{\"operation\": \"SendMessage\", \"caller\": \"sns\", \"count\": 2}", NULL));
    assert_true(verify_on(j,
                          "{\"operation\": \"SendMessage\", \"caller\": \"sns\", \"resource\": \"orders\", "
                          "\"account\": \"123456789012\", \"region\": \"us-east-1\", \"count\": 1}",
                          NULL));
    assert_true(verify_on(j, "{\"caller\": \"s3\", \"resource\": \"uploads\", \"count\": 1}", NULL));
    assert_true(verify_on(j, "{\"service\": \"sqs\", \"caller\": null, \"count\": 1}", NULL));
    assert_true(verify_on(j, "{\"resource\": \"orders\", \"region\": \"eu-west-1\", \"count\": 1}", NULL));
    assert_false(verify_on(j, "{\"caller\": \"sns\", \"account\": \"111122223333\", \"count\": 2}", NULL));
    /* the filters' types */
    assert_null(refusal("{\"expect\": [{\"caller\": null, \"count\": 0}]}"));
    assert_non_null(strstr(refusal("{\"expect\": [{\"caller\": 3, \"count\": 0}]}"), "caller"));
    assert_non_null(strstr(refusal("{\"expect\": [{\"account\": null, \"count\": 0}]}"), "account"));
}

static void expectations(void **st)
{
    assert_true(verify("{\"operation\": \"GetObject\", \"count\": 3}", NULL));
    assert_false(verify("{\"operation\": \"GetObject\", \"count\": 2}", NULL));
    assert_true(verify("{\"error\": \"SlowDown\", \"count\": {\"min\": 1}}", NULL));
    assert_true(verify("{\"error\": null, \"count\": 2}", NULL));
    assert_true(verify("{\"fault\": \"t\", \"count\": 2}", NULL));
    assert_true(verify("{\"status\": 503, \"count\": {\"min\": 2, \"max\": 2}}", NULL));
    assert_true(verify("{\"operation\": \"GetObject\", \"attempts_per_invocation\": 3}", NULL));
    assert_false(verify("{\"operation\": \"GetObject\", \"attempts_per_invocation\": {\"max\": 2}}", NULL));
    assert_true(verify("{\"service\": \"s3\", \"invocations\": 2}", NULL));
    assert_true(verify("{\"sequence\": [\"GetObject\", \"PutObject\"]}", NULL));
    char *msg = NULL;
    assert_false(verify("{\"sequence\": [\"PutObject\", \"GetObject\"]}", &msg));
    /* the report says what the journal holds */
    assert_non_null(strstr(msg, "[\"GetObject\",\"GetObject\",\"GetObject\",\"PutObject\"]"));
    g_free(msg);
    assert_false(verify("{\"operation\": \"DeleteObject\", \"attempts_per_invocation\": 1}", &msg));
    assert_non_null(strstr(msg, "no request matched"));
    g_free(msg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shape_checks),
        cmocka_unit_test(expectations),
        cmocka_unit_test(deliveries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
