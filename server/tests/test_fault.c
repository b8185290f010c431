/* Fault rules: parsing, matching, schedules, determinism. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "faults/fault.h"
#include "wire/regex.h"

static bool known(void *arg, const char *service, const char *code)
{
    return strcmp(code, "SlowDown") == 0 || strcmp(code, "Throttling") == 0;
}

static const char *const services[] = {"s3", "sts", "sns", "s", NULL};
static const char *const partial[] = {"unprocessed", NULL};

static fault_set *set_with(const char *rules, uint64_t seed)
{
    fault_set *f = fault_set_new(seed, services, partial, known, NULL);
    json_t *r = json_loads(rules, 0, NULL);
    assert_non_null(r);
    json_t *ids = NULL;
    char err[256];
    int rc = fault_set_add(f, r, 1000, &ids, err, sizeof err);
    if (rc != 0)
        fail_msg("rules refused: %s", err);
    json_decref(ids);
    json_decref(r);
    return f;
}

static const char *refusal(const char *rules)
{
    static char err[512];
    fault_set *f = fault_set_new(0, services, partial, known, NULL);
    json_t *r = json_loads(rules, 0, NULL);
    json_t *ids = NULL;
    int rc = fault_set_add(f, r, 0, &ids, err, sizeof err);
    json_decref(r);
    json_decref(ids);
    size_t n = fault_set_count(f);
    fault_set_free(f);
    if (rc != 0)
        assert_int_equal(n, 0); /* nothing half-added */
    return rc == 0 ? NULL : err;
}

static bool fires(fault_set *f, const char *svc, const char *op, const char *res, int64_t now, char **id)
{
    fault_decision d;
    bool fired = fault_set_decide(f, &(fault_request){svc, op, res, "123456789012", "us-east-1"}, now, &d);
    if (id)
        *id = fired ? strdup(d.rule_id) : NULL;
    fault_decision_clear(&d);
    return fired;
}

static void invalid_rules_say_what_is_wrong(void **st)
{
    assert_non_null(strstr(refusal("{\"service\": \"s3\", \"error\": \"SlowDown\", \"resource\": \"b/(x\"}"),
                           "bad pattern"));
    assert_non_null(strstr(refusal("{\"service\": \"s3\"}"), "needs an action"));
    assert_non_null(strstr(refusal("{\"service\": \"s3\", \"explode\": true}"), "unknown field \"explode\""));
    assert_non_null(strstr(refusal("{\"error\": \"NoSuchCode\"}"), "give its status"));
    assert_null(refusal("{\"error\": {\"code\": \"NoSuchCode\", \"status\": 418}}"));
    assert_non_null(strstr(refusal("{\"connection\": \"explode\"}"), "\"connection\""));
    assert_non_null(strstr(refusal("{\"service\": \"lambda\", \"error\": \"SlowDown\"}"), "matches no service"));
    assert_non_null(strstr(refusal("{\"error\": \"SlowDown\", \"probability\": 1.5}"), "from 0 to 1"));
    assert_non_null(strstr(refusal("{\"delay_ms\": {\"min\": 5, \"max\": 1}}"), "min <= max"));
    /* a list is all or none, and names the bad rule */
    assert_non_null(strstr(refusal("[{\"error\": \"SlowDown\"}, {\"error\": 5}]"), "rule 1"));
    assert_non_null(strstr(refusal("[{\"id\": \"a\", \"error\": \"SlowDown\"}, {\"id\": \"a\", \"error\": \"SlowDown\"}]"),
                           "already exists"));
}

static void matchers_are_full_match(void **st)
{
    fault_set *f = set_with("[{\"id\": \"secret\", \"service\": \"s3\", \"resource\": \"bucket/secret/.*\", "
                            "\"error\": {\"code\": \"AccessDenied\", \"status\": 403}}]",
                            0);
    char *id;
    assert_true(fires(f, "s3", "GetObject", "bucket/secret/a.txt", 0, &id));
    assert_string_equal(id, "secret");
    free(id);
    assert_false(fires(f, "s3", "GetObject", "bucket/public/secret/a.txt", 0, NULL));
    assert_false(fires(f, "s3", "GetObject", "xbucket/secret/a", 0, NULL));
    assert_false(fires(f, "sns", "GetObject", "bucket/secret/a", 0, NULL));
    /* literal service: no partial match either */
    assert_false(fires(f, "s3x", "GetObject", "bucket/secret/a", 0, NULL));
    fault_set_free(f);
    /* a service pattern takes the services it matches, and only those */
    f = set_with("{\"service\": \"s(3|ns)\", \"error\": \"SlowDown\"}", 0);
    assert_true(fires(f, "s3", "x", "", 0, NULL));
    assert_true(fires(f, "sns", "x", "", 0, NULL));
    assert_false(fires(f, "sts", "x", "", 0, NULL));
    fault_set_free(f);
}

static void after_times_every(void **st)
{
    fault_set *f = set_with("{\"error\": \"SlowDown\", \"after\": 1, \"times\": 2}", 0);
    bool seq[5];
    for (int i = 0; i < 5; i++)
        seq[i] = fires(f, "s3", "GetObject", "", 0, NULL);
    assert_false(seq[0]);
    assert_true(seq[1]);
    assert_true(seq[2]);
    assert_false(seq[3]);
    assert_false(seq[4]);
    json_t *j = fault_set_json(f);
    json_t *r = json_array_get(json_object_get(j, "faults"), 0);
    assert_int_equal(json_integer_value(json_object_get(r, "matched")), 5);
    assert_int_equal(json_integer_value(json_object_get(r, "fired")), 2);
    assert_true(json_is_true(json_object_get(r, "expired")));
    json_decref(j);
    fault_set_free(f);

    f = set_with("{\"error\": \"SlowDown\", \"every\": 3}", 0);
    int fired = 0;
    for (int i = 1; i <= 9; i++) {
        bool x = fires(f, "s3", "GetObject", "", 0, NULL);
        assert_int_equal(x, i % 3 == 0);
        fired += x;
    }
    assert_int_equal(fired, 3);
    fault_set_free(f);
}

static void first_firing_rule_wins(void **st)
{
    fault_set *f = set_with("[{\"id\": \"a\", \"operation\": \"GetObject\", \"error\": \"SlowDown\", \"times\": 1},"
                            " {\"id\": \"b\", \"error\": \"Throttling\"}]",
                            0);
    char *id;
    assert_true(fires(f, "s3", "GetObject", "", 0, &id));
    assert_string_equal(id, "a");
    free(id);
    assert_true(fires(f, "s3", "GetObject", "", 0, &id)); /* a expired: b */
    assert_string_equal(id, "b");
    free(id);
    assert_int_equal(fault_set_remove(f, "b"), 0);
    assert_int_equal(fault_set_remove(f, "b"), -1);
    assert_false(fires(f, "s3", "GetObject", "", 0, NULL));
    fault_set_free(f);
}

static void time_window(void **st)
{
    /* added at now = 1000: active from 1500 until 2000 */
    fault_set *f = set_with("{\"error\": \"SlowDown\", \"from_ms\": 500, \"until_ms\": 1000}", 0);
    assert_false(fires(f, "s3", "x", "", 1400, NULL));
    assert_true(fires(f, "s3", "x", "", 1500, NULL));
    assert_true(fires(f, "s3", "x", "", 1999, NULL));
    assert_false(fires(f, "s3", "x", "", 2000, NULL));
    fault_set_free(f);
}

static void same_seed_same_outcomes(void **st)
{
    char a[200], b[200], c[200];
    uint64_t seeds[3] = {42, 42, 43};
    char *outs[3] = {a, b, c};
    for (int k = 0; k < 3; k++) {
        fault_set *f = set_with("{\"id\": \"p\", \"error\": \"SlowDown\", \"probability\": 0.5}", seeds[k]);
        for (int i = 0; i < 199; i++)
            outs[k][i] = fires(f, "s3", "x", "", 0, NULL) ? '1' : '0';
        outs[k][199] = '\0';
        fault_set_free(f);
    }
    assert_string_equal(a, b);
    assert_string_not_equal(a, c);
    /* about half fire */
    int ones = 0;
    for (int i = 0; i < 199; i++)
        ones += a[i] == '1';
    assert_true(ones > 60 && ones < 140);
    /* a rule's own seed wins over the server's */
    fault_set *f1 = set_with("{\"error\": \"SlowDown\", \"probability\": 0.5, \"seed\": 7}", 1);
    fault_set *f2 = set_with("{\"error\": \"SlowDown\", \"probability\": 0.5, \"seed\": 7}", 2);
    for (int i = 0; i < 100; i++)
        assert_int_equal(fires(f1, "s3", "x", "", 0, NULL), fires(f2, "s3", "x", "", 0, NULL));
    fault_set_free(f1);
    fault_set_free(f2);
}

static void decision_carries_actions(void **st)
{
    fault_set *f = set_with("[{\"operation\": \"A\", \"delay_ms\": {\"min\": 10, \"max\": 20}},"
                            " {\"operation\": \"B\", \"connection\": \"reset\"},"
                            " {\"operation\": \"C\", \"unprocessed\": 0.5},"
                            " {\"operation\": \"D\", \"error\": {\"code\": \"X\", \"status\": 429, \"message\": \"m\"}}]",
                            1);
    fault_decision d;
    assert_true(fault_set_decide(f, &(fault_request){"s", "A", NULL, NULL, NULL}, 0, &d));
    assert_true(d.delay_ms >= 10 && d.delay_ms <= 20);
    assert_null(d.error_code);
    fault_decision_clear(&d);
    assert_true(fault_set_decide(f, &(fault_request){"s", "B", NULL, NULL, NULL}, 0, &d));
    assert_int_equal(d.conn, FAULT_CONN_RESET);
    fault_decision_clear(&d);
    assert_true(fault_set_decide(f, &(fault_request){"s", "C", NULL, NULL, NULL}, 0, &d));
    assert_true(json_number_value(json_object_get(d.partial, "unprocessed")) == 0.5);
    fault_decision_clear(&d);
    assert_true(fault_set_decide(f, &(fault_request){"s", "D", NULL, NULL, NULL}, 0, &d));
    assert_string_equal(d.error_code, "X");
    assert_int_equal(d.error_status, 429);
    assert_string_equal(d.error_message, "m");
    fault_decision_clear(&d);
    fault_set_clear(f);
    assert_false(fault_set_decide(f, &(fault_request){"s", "D", NULL, NULL, NULL}, 0, &d));
    fault_set_free(f);
}

/* A pattern that backtracks exponentially costs a bounded amount per request
 * (wire/regex.h). With PCRE2's default limit of 10 million steps each of these
 * decisions took 12 ms (JIT) to 0.3 s (interpreter); under mockaws's limit
 * the match is given up after REGEX_MATCH_LIMIT steps. Shown by counted work,
 * not by a timer that a busy machine trips: on a subject whose failure takes
 * PCRE2 more than mockaws's limit and less than its own default, mockaws's
 * match ends at the limit where PCRE2's defaults run on to the end. The
 * decision still goes on to the ordinary pattern that matches. */
static void backtracking_patterns_are_bounded(void **st)
{
    (void)st;
    int errcode;
    PCRE2_SIZE erroff;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR) "b.*/(a*)*c", PCRE2_ZERO_TERMINATED,
                                   PCRE2_ANCHORED | PCRE2_ENDANCHORED, &errcode, &erroff, NULL);
    assert_non_null(re);
    const char *mid = "bc/aaaaaaaaaaaaaaaaaacx"; /* 18 a: about 2^18 steps to fail */
    pcre2_match_data *md = pcre2_match_data_create(1, NULL);
    assert_int_equal(pcre2_match(re, (PCRE2_SPTR)mid, strlen(mid), 0, 0, md, NULL), PCRE2_ERROR_NOMATCH);
    assert_int_equal(regex_exec(re, mid, strlen(mid), md), PCRE2_ERROR_MATCHLIMIT);
    pcre2_match_data_free(md);

    char res[1030] = "bc/";
    memset(res + 3, 'a', 1024);
    memcpy(res + 1027, "cx", 3);
    int rc = regex_exec(re, res, strlen(res), NULL);
    assert_true(rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT);
    pcre2_code_free(re);

    fault_set *f = set_with("[{\"resource\": \"b.*/(a*)*c\", \"error\": \"SlowDown\"},"
                            " {\"id\": \"plain\", \"resource\": \"bc/a+cx\", \"error\": \"SlowDown\"}]", 1);
    for (int i = 0; i < 3; i++) { /* the same decision each time */
        char *id = NULL;
        assert_true(fires(f, "s3", "GetObject", res, 1000, &id));
        assert_string_equal(id, "plain");
        free(id);
    }
    fault_set_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(invalid_rules_say_what_is_wrong),
        cmocka_unit_test(matchers_are_full_match),
        cmocka_unit_test(after_times_every),
        cmocka_unit_test(first_firing_rule_wins),
        cmocka_unit_test(time_window),
        cmocka_unit_test(same_seed_same_outcomes),
        cmocka_unit_test(decision_carries_actions),
        cmocka_unit_test(backtracking_patterns_are_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
