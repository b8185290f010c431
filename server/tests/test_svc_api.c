/* test_svc_api: what services/svc_api.h promises a service.
 *
 * Parking runs through real sockets, since a parked request is a suspended
 * libmicrohttpd connection: a server runs a service made for the test (on
 * STS's model) whose GetCallerIdentity waits for a signal, parking until one
 * comes, and whose GetAccessKeyInfo signals (AccessKeyId WAKE...) or counts
 * the parked requests (PEEK...). A request is parked and woken by another,
 * one is answered by its timer, one's client hangs up while parked, and the
 * server stops with one parked; ASan's leak check covers them all. Waiting
 * for a request to be parked polls its count to a generous deadline: no
 * outcome depends on timing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "core/api.h"
#include "core/pipeline.h"
#include "core/server.h"
#include "services/svc_api.h"

#define LONG_MS 60000
#define SHORT_MS 50
#define DEADLINE_US (20 * G_USEC_PER_SEC)

/* ---- the service made for the test ---- */

typedef struct waiter_state {
    int signals; /* sent by WAKE, taken by a waiter */
    int runs;    /* runs of GetCallerIdentity, parked or not */
} waiter_state;

static void *waiter_new(const void *config) { return g_new0(waiter_state, 1); }

/* GetCallerIdentity: answers "woken" when a signal is there (taking it),
 * "expired" when its parked time ran out, "at-once" when it cannot park;
 * parks otherwise, for SHORT_MS when the caller's key says SHORT. A key
 * saying SELF signals right after parking, as a request on another thread
 * may between the handler's decision and the suspension of its connection. */
static int wait_for_signal(svc_call *c)
{
    waiter_state *st = c->state;
    const char *how;
    st->runs++;
    if (st->signals > 0) {
        st->signals--;
        how = "woken";
    } else if (svc_park_expired(c)) {
        how = "expired";
    } else if (svc_park(c, "signal", strstr(c->access_key, "SHORT") ? SHORT_MS : LONG_MS)) {
        if (strstr(c->access_key, "SELF")) {
            /* (no assertion here: this is a server thread) */
            st->signals++;
            svc_wake(c, "signal");
        }
        return 0;
    } else {
        how = "at-once";
    }
    c->output = json_pack("{s:s, s:s, s:s}", "UserId", "u", "Account", c->account, "Arn", how);
    return 0;
}

/* GetAccessKeyInfo: WAKE... signals and wakes the waiters (Account: how
 * many were woken), WAKEONE... signals and wakes one; PEEK... counts them,
 * RUNS... the runs of GetCallerIdentity. */
static int signal_or_count(svc_call *c)
{
    const char *key = svc_str(c->input, "AccessKeyId");
    size_t n;
    if (g_str_has_prefix(key, "WAKEONE")) {
        ((waiter_state *)c->state)->signals++;
        n = svc_wake_some(c, "signal", 1);
    } else if (g_str_has_prefix(key, "RUNS")) {
        n = (size_t)((waiter_state *)c->state)->runs;
    } else if (g_str_has_prefix(key, "WAKE")) {
        ((waiter_state *)c->state)->signals++;
        n = svc_wake(c, "signal");
    } else {
        n = svc_parked(c, "signal");
    }
    c->output = json_pack("{s:o}", "Account", json_sprintf("%zu", n));
    return 0;
}

static const svc_op waiter_ops[] = {
    {"GetCallerIdentity", wait_for_signal, SVC_LOCK_EXCLUSIVE},
    {"GetAccessKeyInfo", signal_or_count, SVC_LOCK_EXCLUSIVE},
    {NULL, NULL, 0},
};

static const svc_def waiter_service = {
    .name = "sts",
    .ops = waiter_ops,
    .scope = SVC_SCOPE_ACCOUNT,
    .state_new = waiter_new,
    .state_free = g_free,
    .validation_code = "ValidationError",
    .unknown_operation_code = "InvalidAction",
    .unknown_operation_status = 400,
};

static const svc_def *const waiter_services[] = {&waiter_service, NULL};

static mockaws *start_waiter(void)
{
    char err[256];
    /* a short header deadline: the watchdog sweeps for hung-up clients at a
     * quarter of it */
    mockaws_options o = {.seed = 7, .header_timeout_ms = 400};
    mockaws *s = api_start_with(&o, waiter_services, err, sizeof err);
    if (!s)
        fail_msg("%s", err);
    return s;
}

/* ---- a client on a socket ---- */

static int send_request(mockaws *s, const char *key, const char *body)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct timeval tv = {.tv_sec = 60};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)mockaws_port(s))};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    char *req = g_strdup_printf("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                                "Content-Type: application/x-www-form-urlencoded\r\n"
                                "Authorization: AWS4-HMAC-SHA256 Credential=%s/20260101/us-east-1/sts/aws4_request, "
                                "SignedHeaders=host, Signature=00\r\nContent-Length: %zu\r\n\r\n%s",
                                key, strlen(body), body);
    size_t len = strlen(req);
    assert_int_equal(send(fd, req, len, 0), (ssize_t)len);
    g_free(req);
    return fd;
}

/* Everything the server sends until it closes (g_free). */
static char *read_answer(int fd)
{
    GString *got = g_string_new(NULL);
    char buf[4096];
    ssize_t n;
    while ((n = recv(fd, buf, sizeof buf, 0)) > 0)
        g_string_append_len(got, buf, n);
    close(fd);
    return g_string_free(got, FALSE);
}

static char *call(mockaws *s, const char *key, const char *body)
{
    return read_answer(send_request(s, key, body));
}

static char *xml_text(const char *doc, const char *tag)
{
    char *open = g_strdup_printf("<%s>", tag);
    const char *p = strstr(doc, open);
    const char *e = p ? strstr(p, "</") : NULL;
    char *v = p && e ? g_strndup(p + strlen(open), (gsize)(e - p - strlen(open))) : NULL;
    g_free(open);
    return v;
}

#define GET_IDENTITY "Action=GetCallerIdentity&Version=2011-06-15"
#define PEEK "Action=GetAccessKeyInfo&Version=2011-06-15&AccessKeyId=PEEKPEEKPEEKPEEK"
#define WAKE "Action=GetAccessKeyInfo&Version=2011-06-15&AccessKeyId=WAKEWAKEWAKEWAKE"
#define WAKE_ONE "Action=GetAccessKeyInfo&Version=2011-06-15&AccessKeyId=WAKEONEWAKEONEWA"
#define RUNS "Action=GetAccessKeyInfo&Version=2011-06-15&AccessKeyId=RUNSRUNSRUNSRUNS"

static unsigned count_of(mockaws *s, const char *body)
{
    char *doc = call(s, "AKIDEXAMPLE", body);
    char *n = xml_text(doc, "Account");
    assert_non_null(n);
    unsigned v = (unsigned)atoi(n);
    g_free(n);
    g_free(doc);
    return v;
}

static unsigned parked(mockaws *s) { return count_of(s, PEEK); }

/* Polls until `want` requests are parked; fails past the deadline. */
static void await_parked(mockaws *s, unsigned want)
{
    int64_t until = g_get_monotonic_time() + DEADLINE_US;
    while (parked(s) != want) {
        if (g_get_monotonic_time() > until)
            fail_msg("never %u parked", want);
        g_usleep(5000);
    }
}

static void assert_arn(const char *doc, const char *want)
{
    char *arn = xml_text(doc, "Arn");
    if (!arn || strcmp(arn, want))
        fail_msg("wanted Arn %s in: %s", want, doc);
    g_free(arn);
}

/* ---- parking ---- */

static void woken_by_another_request(void **st)
{
    mockaws *s = start_waiter();
    int fd = send_request(s, "AKIDEXAMPLE", GET_IDENTITY);
    await_parked(s, 1);
    /* its worker is free while it waits: another request goes through */
    char *woke = call(s, "AKIDEXAMPLE", WAKE);
    char *n = xml_text(woke, "Account");
    assert_string_equal(n, "1");
    g_free(n);
    g_free(woke);
    char *doc = read_answer(fd);
    assert_non_null(strstr(doc, "HTTP/1.1 200"));
    assert_arn(doc, "woken");
    g_free(doc);
    assert_int_equal(parked(s), 0);
    /* one journal entry for the request, written when it was answered */
    assert_int_equal(mockaws_journal_count(s, "sts", "GetCallerIdentity", NULL), 1);
    mockaws_stop(s);
}

static void answered_by_its_timer(void **st)
{
    mockaws *s = start_waiter();
    char *doc = call(s, "AKIDSHORTSHORT", GET_IDENTITY);
    assert_non_null(strstr(doc, "HTTP/1.1 200"));
    assert_arn(doc, "expired");
    g_free(doc);
    assert_int_equal(parked(s), 0);
    assert_int_equal(mockaws_journal_count(s, "sts", "GetCallerIdentity", NULL), 1);
    mockaws_stop(s);
}

static void a_wake_before_the_suspension_is_not_lost(void **st)
{
    mockaws *s = start_waiter();
    /* lost, it would leave the request waiting LONG_MS */
    int64_t t0 = g_get_monotonic_time();
    char *doc = call(s, "AKIDSELFSELF", GET_IDENTITY);
    assert_arn(doc, "woken");
    assert_true(g_get_monotonic_time() - t0 < LONG_MS * 1000 / 2);
    g_free(doc);
    assert_int_equal(parked(s), 0);
    mockaws_stop(s);
}

static void several_parked_on_one_key_all_wake(void **st)
{
    mockaws *s = start_waiter();
    int fds[3];
    for (int i = 0; i < 3; i++)
        fds[i] = send_request(s, "AKIDEXAMPLE", GET_IDENTITY);
    await_parked(s, 3);
    /* one signal wakes all three; one takes it, the others park again */
    g_free(call(s, "AKIDEXAMPLE", WAKE));
    await_parked(s, 2);
    g_free(call(s, "AKIDEXAMPLE", WAKE));
    await_parked(s, 1);
    g_free(call(s, "AKIDEXAMPLE", WAKE));
    for (int i = 0; i < 3; i++) {
        char *doc = read_answer(fds[i]);
        assert_arn(doc, "woken");
        g_free(doc);
    }
    assert_int_equal(parked(s), 0);
    mockaws_stop(s);
}

static void wake_some_wakes_the_longest_parked_only(void **st)
{
    mockaws *s = start_waiter();
    int fds[3];
    for (int i = 0; i < 3; i++) {
        fds[i] = send_request(s, "AKIDEXAMPLE", GET_IDENTITY);
        await_parked(s, (unsigned)i + 1); /* parked in this order */
    }
    assert_int_equal(count_of(s, RUNS), 3);
    /* one signal, one woken: the first parked; the others do not run */
    assert_int_equal(count_of(s, WAKE_ONE), 1);
    char *doc = read_answer(fds[0]);
    assert_arn(doc, "woken");
    g_free(doc);
    assert_int_equal(parked(s), 2);
    assert_int_equal(count_of(s, RUNS), 4);
    assert_int_equal(count_of(s, WAKE_ONE), 1);
    doc = read_answer(fds[1]);
    assert_arn(doc, "woken");
    g_free(doc);
    assert_int_equal(count_of(s, RUNS), 5);
    assert_int_equal(count_of(s, WAKE_ONE), 1);
    doc = read_answer(fds[2]);
    assert_arn(doc, "woken");
    g_free(doc);
    assert_int_equal(parked(s), 0);
    /* nobody left to wake */
    assert_int_equal(count_of(s, WAKE_ONE), 0);
    mockaws_stop(s);
}

static void client_hangs_up_while_parked(void **st)
{
    mockaws *s = start_waiter();
    int fd = send_request(s, "AKIDEXAMPLE", GET_IDENTITY);
    await_parked(s, 1);
    close(fd);
    /* the watchdog notices, and the request is dropped, not answered */
    await_parked(s, 0);
    assert_int_equal(mockaws_journal_count(s, "sts", "GetCallerIdentity", NULL), 0);
    /* a later signal finds nobody waiting */
    char *woke = call(s, "AKIDEXAMPLE", WAKE);
    char *n = xml_text(woke, "Account");
    assert_string_equal(n, "0");
    g_free(n);
    g_free(woke);
    mockaws_stop(s);
}

static void server_stops_with_one_parked(void **st)
{
    mockaws *s = start_waiter();
    int fd = send_request(s, "AKIDEXAMPLE", GET_IDENTITY);
    await_parked(s, 1);
    mockaws_stop(s);
    /* answered as if its time ran out, or closed: never left hanging */
    char *doc = read_answer(fd);
    assert_true(!*doc || strstr(doc, "<Arn>expired</Arn>"));
    g_free(doc);
}

/* GetCallerIdentity through pipeline_handle, with no edge to hold it;
 * resp is initialized here, the caller's to clear. */
static void identity_without_edge(mockaws *s, http_response *resp, pipeline_outcome *out)
{
    http_header h[] = {
        {"content-type", "application/x-www-form-urlencoded"},
        {"authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/sts/aws4_request, "
                          "SignedHeaders=host, Signature=00"},
    };
    http_request req = {.method = "POST", .path = "/", .query = "", .host = "127.0.0.1", .headers = h,
                        .nheaders = 2, .body = GET_IDENTITY, .body_len = strlen(GET_IDENTITY)};
    http_response_init(resp);
    pipeline_handle(s, &req, 0, false, resp, out);
}

static void without_the_edge_a_request_cannot_park(void **st)
{
    mockaws *s = start_waiter();
    http_response resp;
    pipeline_outcome out;
    identity_without_edge(s, &resp, &out);
    assert_false(out.parked);
    assert_int_equal(resp.status, 200);
    assert_non_null(strstr(resp.body->str, "<Arn>at-once</Arn>"));
    http_response_clear(&resp);
    mockaws_stop(s);
}

/* ---- one service calling another ---- */

/* sts (rank 1) calls sns (rank 2), as S3 calls SNS: GetCallerIdentity asks
 * sns's ListTopics (whose handler calls back into sts, which the lock
 * order forbids), then again with a NextToken that is no string. */
static int callee_list_topics(svc_call *c)
{
    json_t *out = NULL, *in = json_object();
    aws_error err = AWS_ERROR_INIT;
    int rc = svc_invoke(c, "sts", c->account, "", "GetCallerIdentity", in, &out, &err);
    json_decref(in);
    c->output = json_pack("{s:[{s:s}]}", "Topics", "TopicArn", rc == 0 ? "called back" : err.code);
    aws_error_clear(&err);
    json_decref(out);
    return 0;
}

static int caller_identity(svc_call *c)
{
    json_t *out = NULL, *in = json_pack("{}");
    aws_error err = AWS_ERROR_INIT;
    int rc = svc_invoke(c, "sns", c->account, c->region, "ListTopics", in, &out, &err);
    char *seen = g_strdup(rc == 0 ? svc_str(json_array_get(json_object_get(out, "Topics"), 0), "TopicArn") : "failed");
    json_decref(out);
    json_object_set_new(in, "NextToken", json_integer(5));
    rc = svc_invoke(c, "sns", c->account, c->region, "ListTopics", in, &out, &err);
    c->output = json_pack("{s:s, s:s, s:s}", "UserId", seen, "Account", c->account, "Arn",
                          rc == 0 ? "no error" : err.code);
    aws_error_clear(&err);
    json_decref(in);
    g_free(seen);
    return 0;
}

static const svc_op caller_ops[] = {{"GetCallerIdentity", caller_identity, SVC_LOCK_EXCLUSIVE}, {NULL, NULL, 0}};
static const svc_op callee_ops[] = {{"ListTopics", callee_list_topics, SVC_LOCK_EXCLUSIVE}, {NULL, NULL, 0}};
static const svc_def caller_service = {.name = "sts", .ops = caller_ops, .scope = SVC_SCOPE_ACCOUNT,
                                       .state_new = waiter_new, .state_free = g_free, .invoke_rank = 1,
                                       .unknown_operation_code = "InvalidAction", .unknown_operation_status = 400};
static const svc_def callee_service = {.name = "sns", .ops = callee_ops, .scope = SVC_SCOPE_REGION,
                                       .state_new = waiter_new, .state_free = g_free, .invoke_rank = 2,
                                       .validation_code = "InvalidParameter",
                                       .unknown_operation_code = "InvalidAction", .unknown_operation_status = 400};
static const svc_def *const calling_services[] = {&caller_service, &callee_service, NULL};

static void a_service_calls_another_one_way(void **st)
{
    (void)st;
    char err[256];
    mockaws_options o = {.seed = 7};
    mockaws *s = api_start_with(&o, calling_services, err, sizeof err);
    assert_non_null(s);
    http_response resp;
    pipeline_outcome out;
    identity_without_edge(s, &resp, &out);
    assert_int_equal(resp.status, 200);
    /* the callee ran, and its call back against the lock order was refused */
    assert_non_null(strstr(resp.body->str, "<UserId>InternalError</UserId>"));
    /* the callee's input is checked against its model */
    assert_non_null(strstr(resp.body->str, "<Arn>InvalidParameter</Arn>"));
    http_response_clear(&resp);
    /* the calls are journaled with their caller (the refused one is not a call) */
    char *text = mockaws_journal_json(s, NULL);
    assert_non_null(strstr(text, "\"operation\":\"ListTopics\""));
    int by_sts = 0;
    for (const char *p = text; (p = strstr(p, "\"caller\":\"sts\"")); p++)
        by_sts++;
    assert_int_equal(by_sts, 2);
    free(text);
    mockaws_stop(s);
}

/* ---- the share of a batch ---- */

static size_t share(double f, size_t n)
{
    json_t *fault = json_pack("{s:f}", "unprocessed", f);
    svc_call c = {.fault = fault};
    size_t k = svc_fault_share(&c, "unprocessed", n);
    json_decref(fault);
    return k;
}

static void one_rounding_rule(void **st)
{
    assert_int_equal(share(0.5, 3), 1);    /* floor, not half up */
    assert_int_equal(share(0.5, 10), 5);
    assert_int_equal(share(0.3, 10), 3);
    assert_int_equal(share(0.29, 100), 29); /* not 28 from 28.999... */
    assert_int_equal(share(0.01, 5), 1);   /* at least one of several */
    assert_int_equal(share(0.5, 1), 0);    /* a lone entry goes through */
    assert_int_equal(share(0.99, 1), 0);
    assert_int_equal(share(1.0, 1), 1);    /* unless the share is all */
    assert_int_equal(share(1.0, 7), 7);
    assert_int_equal(share(0.9999999999, 10), 9); /* never all below 1 */
    assert_int_equal(share(0, 10), 0);
    svc_call none = {0};
    assert_int_equal(svc_fault_share(&none, "unprocessed", 10), 0);
    json_t *other = json_pack("{s:f}", "failed_entries", 1.0);
    svc_call c = {.fault = other};
    assert_int_equal(svc_fault_share(&c, "unprocessed", 10), 0);
    json_decref(other);
}

static void hits_spread_evenly(void **st)
{
    /* 3 of 10: one in each third, the same every time */
    size_t hit[10] = {0}, n = 0;
    for (size_t i = 0; i < 10; i++)
        if (svc_fault_hits(i, 3, 10))
            hit[n++] = i;
    assert_int_equal(n, 3);
    assert_int_equal(hit[0], 3);
    assert_int_equal(hit[1], 6);
    assert_int_equal(hit[2], 9);
    for (size_t k = 0; k <= 10; k++) {
        size_t count = 0;
        for (size_t i = 0; i < 10; i++)
            count += svc_fault_hits(i, k, 10);
        assert_int_equal(count, k);
    }
}

/* Every partition of botocore's endpoints.json, by its regions' prefix;
 * the longer prefix wins (us-isob- is not us-iso-). */
static void partition_of_region(void **st)
{
    (void)st;
    static const char *const cases[][2] = {
        {"us-east-1", "aws"},           {"eu-west-3", "aws"},           {"il-central-1", "aws"},
        {"cn-north-1", "aws-cn"},       {"cn-northwest-1", "aws-cn"},   {"us-gov-west-1", "aws-us-gov"},
        {"us-gov-east-1", "aws-us-gov"}, {"us-iso-east-1", "aws-iso"},  {"us-isob-east-1", "aws-iso-b"},
        {"eu-isoe-west-1", "aws-iso-e"}, {"us-isof-south-1", "aws-iso-f"}, {"eusc-de-east-1", "aws-eusc"},
        {"", "aws"},                    {"cn", "aws"},                  {"us-gov", "aws"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++)
        assert_string_equal(svc_partition(cases[i][0]), cases[i][1]);
    assert_string_equal(svc_partition(NULL), "aws");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(woken_by_another_request),
        cmocka_unit_test(answered_by_its_timer),
        cmocka_unit_test(a_wake_before_the_suspension_is_not_lost),
        cmocka_unit_test(several_parked_on_one_key_all_wake),
        cmocka_unit_test(wake_some_wakes_the_longest_parked_only),
        cmocka_unit_test(client_hangs_up_while_parked),
        cmocka_unit_test(server_stops_with_one_parked),
        cmocka_unit_test(without_the_edge_a_request_cannot_park),
        cmocka_unit_test(a_service_calls_another_one_way),
        cmocka_unit_test(one_rounding_rule),
        cmocka_unit_test(hits_spread_evenly),
        cmocka_unit_test(partition_of_region),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
