/* fuzz_fault_rules: the fault rule parser (fault_set_add through
 * mockaws_faults_add: matchers compiled with PCRE2, actions, schedules),
 * the engine deciding for requests, the rules' JSON listing, and the
 * scenario parser with its verification of a journal.
 *
 * An input is JSON: one rule or a list of rules, as POST /_mockaws/faults
 * takes them; an object with "faults", "expect" or "fixtures" is a
 * scenario document instead (parsed and verified, its rules added). Each
 * input starts with no rules. Every rule that is added is then matched
 * against a few requests of each service, three times over so that
 * after / times / every schedules move; one of them names a long resource,
 * so that a pattern that backtracks badly shows as a slow input. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"

static const fault_request requests[] = {
    {"s3", "GetObject", "example-assets/hello.txt", "123456789012", "us-east-1"},
    {"s3", "ListObjectsV2", "logs", "123456789012", "us-east-1"},
    {"dynamodb", "PutItem", "orders", "123456789012", "us-east-1"},
    {"dynamodb", "BatchWriteItem", "orders", "210987654321", "eu-west-1"},
    {"sns", "Publish", "arn:aws:sns:us-east-1:123456789012:orders", "123456789012", "us-east-1"},
    {"sts", "AssumeRole", NULL, "123456789012", "us-east-1"},
    {"ec2", "DescribeInstances", "i-0123456789abcdef0", "123456789012", "us-east-1"},
    {"s3", "PutObject", NULL /* the long one, below */, "123456789012", "us-east-1"},
};

static char long_resource[1100];

/* A journal for verify: two attempts of one invocation, then a success. */
static json_t *entries;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    /* an S3 key may be 1024 bytes: the longest resource a request names */
    memcpy(long_resource, "bucket/", 7);
    memset(long_resource + 7, 'a', 1024);
    entries = json_loads(
        "[{\"seq\": 1, \"service\": \"s3\", \"operation\": \"ListObjectsV2\", \"resource\": \"logs\", "
        "\"status\": 503, \"error\": \"SlowDown\", \"fault\": \"slowdown\", \"invocation_id\": \"a\", \"attempt\": 1, "
        "\"account\": \"123456789012\", \"region\": \"us-east-1\"}, "
        "{\"seq\": 2, \"service\": \"s3\", \"operation\": \"ListObjectsV2\", \"resource\": \"logs\", "
        "\"status\": 200, \"error\": null, \"fault\": null, \"invocation_id\": \"a\", \"attempt\": 2, "
        "\"account\": \"123456789012\", \"region\": \"us-east-1\"}, "
        "{\"seq\": 3, \"service\": \"sts\", \"operation\": \"AssumeRole\", \"resource\": null, "
        "\"status\": 200, \"error\": null, \"fault\": null, \"invocation_id\": null, \"attempt\": null, "
        "\"account\": \"123456789012\", \"region\": \"us-east-1\"}]",
        0, NULL);
    if (!entries)
        abort();
    return 0;
}

static void decide_all(server *s)
{
    for (int round = 0; round < 3; round++) {
        for (size_t i = 0; i < G_N_ELEMENTS(requests); i++) {
            fault_request r = requests[i];
            if (!r.resource && strcmp(r.operation, "PutObject") == 0)
                r.resource = long_resource;
            fault_decision d = {0};
            if (fault_set_decide(s->faults, &r, clock_now_ms(&s->clock), &d))
                fault_decision_clear(&d);
        }
    }
}

static void scenario_input(server *s, json_t *doc)
{
    if (fuzz_json_unsafe(doc))
        return;
    char err[600];
    char *dir = g_build_filename(MOCKAWS_SOURCE_DIR, "scenarios", NULL);
    scenario *sc = scenario_parse(doc, dir, err, sizeof err);
    g_free(dir);
    if (!sc)
        return;
    json_t *report = scenario_verify(sc, entries);
    char *text = scenario_report_text(report);
    g_free(text);
    json_decref(report);
    json_t *ids = NULL;
    if (scenario_faults(sc) &&
        fault_set_add(s->faults, scenario_faults(sc), clock_now_ms(&s->clock), &ids, err, sizeof err) == 0) {
        json_decref(ids);
        decide_all(s);
    }
    scenario_free(sc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    server *s = fuzz_server();
    mockaws_faults_clear(s);
    json_t *doc = json_loadb((const char *)data, size, 0, NULL);
    if (!doc)
        return 0;
    if (json_is_object(doc) && (json_object_get(doc, "faults") || json_object_get(doc, "expect") ||
                                json_object_get(doc, "fixtures"))) {
        scenario_input(s, doc);
    } else {
        json_t *ids = NULL;
        char err[512];
        if (fault_set_add(s->faults, doc, clock_now_ms(&s->clock), &ids, err, sizeof err) == 0) {
            json_decref(ids);
            decide_all(s);
            json_decref(fault_set_json(s->faults));
        }
    }
    mockaws_faults_clear(s);
    json_decref(doc);
    return 0;
}
