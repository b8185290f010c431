/* EC2 through the pipeline without sockets: the instance lifecycle on the
 * virtual clock and by polls, DryRun, EC2's error wording, describe filters
 * and pages, status checks, tags, client tokens, fixtures and the eventual
 * consistency scenario. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/pipeline.h"
#include "test_ec2_call.h"
#include "core/server.h"
#include "services/ec2/filter.h"



static int count_of(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* The text of the n-th <tag> element (0-based), g_malloc'd, or NULL. */
static char *nth(const char *xml, const char *tag, int n)
{
    char open[64], close[64];
    g_snprintf(open, sizeof open, "<%s>", tag);
    g_snprintf(close, sizeof close, "</%s>", tag);
    const char *p = xml;
    for (int i = 0; p; i++) {
        p = strstr(p, open);
        if (!p)
            return NULL;
        p += strlen(open);
        if (i == n) {
            const char *e = strstr(p, close);
            return e ? g_strndup(p, (size_t)(e - p)) : NULL;
        }
    }
    return NULL;
}

/* The body with XML's entities for quotes undone, for comparing messages. */
static char *unescaped(const char *xml)
{
    GString *s = g_string_new(xml);
    const char *ent[][2] = {{"&apos;", "'"}, {"&quot;", "\""}, {"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}};
    for (size_t i = 0; i < G_N_ELEMENTS(ent); i++)
        g_string_replace(s, ent[i][0], ent[i][1], 0);
    return g_string_free(s, FALSE);
}

static void assert_error(result r, int status, const char *code, const char *message)
{
    char *body = unescaped(r.body);
    bool ok = r.status == status && strstr(body, code) && (!message || strstr(body, message));
    g_free(body);
    if (!ok)
        fail_msg("expected %d %s '%s', got %d: %s", status, code, message ? message : "", r.status, r.body);
}

/* Launches n instances; returns the first id (g_malloc'd). */
static char *launch(server *s, int n, const char *extra)
{
    result r = ec2(s, "Action=RunInstances&ImageId=ami-ab939b9c031512198&MinCount=%d&MaxCount=%d%s", n, n, extra ? extra : "");
    if (r.status != 200)
        fail_msg("RunInstances: %d %s", r.status, r.body);
    char *id = nth(r.body, "instanceId", 0);
    rfree(&r);
    return id;
}

static char *state_of(server *s, const char *id)
{
    result r = ec2(s, "Action=DescribeInstances&InstanceId.1=%s", id);
    assert_int_equal(r.status, 200);
    char *state = nth(strstr(r.body, "<instanceState>"), "name", 0);
    rfree(&r);
    return state;
}

#define assert_state(s, id, want)                                                                              \
    do {                                                                                                       \
        char *st_ = state_of(s, id);                                                                           \
        assert_string_equal(st_, want);                                                                        \
        g_free(st_);                                                                                           \
    } while (0)

static int setup(void **st)
{
    char err[256];
    mockaws_options o = {.seed = 7};
    *st = mockaws_start(&o, err, sizeof err);
    if (!*st)
        fprintf(stderr, "start: %s\n", err);
    else
        mockaws_clock_virtual(*st, 1);
    return *st ? 0 : -1;
}

static int teardown(void **st)
{
    mockaws_stop(*st);
    return 0;
}

static void lifecycle_follows_the_virtual_clock(void **st)
{
    server *s = *st;
    result r = ec2(s, "Action=RunInstances&ImageId=ami-ab939b9c031512198&MinCount=2&MaxCount=2&InstanceType=t3.micro");
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "<reservationId>r-"));
    assert_int_equal(count_of(r.body, "<instanceId>i-"), 2);
    assert_non_null(strstr(r.body, "<code>0</code><name>pending</name>"));
    char *id = nth(r.body, "instanceId", 0);
    assert_int_equal(strlen(id), 19);
    rfree(&r);

    assert_state(s, id, "pending");
    mockaws_clock_advance(s, 999);
    assert_state(s, id, "pending");
    mockaws_clock_advance(s, 1);
    assert_state(s, id, "running");

    r = ec2(s, "Action=StopInstances&InstanceId.1=%s", id);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "<currentState><code>64</code><name>stopping</name></currentState>"));
    assert_non_null(strstr(r.body, "<previousState><code>16</code><name>running</name></previousState>"));
    rfree(&r);
    assert_state(s, id, "stopping");
    mockaws_clock_advance(s, 1000);
    assert_state(s, id, "stopped");

    r = ec2(s, "Action=StartInstances&InstanceId.1=%s", id);
    assert_non_null(strstr(r.body, "<currentState><code>0</code><name>pending</name>"));
    assert_non_null(strstr(r.body, "<previousState><code>80</code><name>stopped</name>"));
    rfree(&r);
    mockaws_clock_advance(s, 1000);
    assert_state(s, id, "running");

    r = ec2(s, "Action=TerminateInstances&InstanceId.1=%s", id);
    assert_non_null(strstr(r.body, "<currentState><code>32</code><name>shutting-down</name>"));
    rfree(&r);
    mockaws_clock_advance(s, 1000);
    assert_state(s, id, "terminated");
    /* visible for an hour, then gone */
    mockaws_clock_advance(s, 3600 * 1000 - 1001);
    assert_state(s, id, "terminated");
    mockaws_clock_advance(s, 1001);
    r = ec2(s, "Action=DescribeInstances&InstanceId.1=%s", id);
    assert_error(r, 400, "InvalidInstanceID.NotFound", "does not exist");
    rfree(&r);
    g_free(id);
}

static void transitions_can_wait_for_polls(void **st)
{
    server *s = *st;
    char err[256];
    assert_int_equal(mockaws_load_fixtures_json(
                         s, "{\"ec2\": {\"transitions\": {\"pending_ms\": 0, \"pending_polls\": 2}}}", err, sizeof err),
                     0);
    char *id = launch(s, 1, NULL);
    assert_state(s, id, "pending");
    assert_state(s, id, "pending");
    assert_state(s, id, "running");
    g_free(id);
}

static void zero_durations_settle_in_the_answer(void **st)
{
    server *s = *st;
    char err[256];
    assert_int_equal(mockaws_load_fixtures_json(
                         s, "{\"ec2\": {\"transitions\": {\"pending_ms\": 0, \"stopping_ms\": 0}}}", err, sizeof err),
                     0);
    char *id = launch(s, 1, NULL);
    assert_state(s, id, "running");
    result r = ec2(s, "Action=StopInstances&InstanceId.1=%s", id);
    assert_non_null(strstr(r.body, "<currentState><code>80</code><name>stopped</name>"));
    rfree(&r);
    g_free(id);
}

static void dry_run_changes_nothing(void **st)
{
    server *s = *st;
    result r = ec2(s, "Action=RunInstances&ImageId=ami-ab939b9c031512198&MinCount=1&MaxCount=1&DryRun=true");
    assert_error(r, 412, "DryRunOperation", "Request would have succeeded, but DryRun flag is set.");
    rfree(&r);
    r = ec2(s, "Action=DescribeInstances");
    assert_int_equal(r.status, 200);
    assert_null(strstr(r.body, "<instanceId>"));
    rfree(&r);

    char *id = launch(s, 1, NULL);
    mockaws_clock_advance(s, 1000);
    const char *ops[] = {"StopInstances", "TerminateInstances", "RebootInstances", "StartInstances"};
    for (size_t i = 0; i < G_N_ELEMENTS(ops); i++) {
        r = ec2(s, "Action=%s&InstanceId.1=%s&DryRun=true", ops[i], id);
        assert_error(r, 412, "DryRunOperation", NULL);
        rfree(&r);
    }
    r = ec2(s, "Action=CreateTags&ResourceId.1=%s&Tag.1.Key=k&Tag.1.Value=v&DryRun=true", id);
    assert_error(r, 412, "DryRunOperation", NULL);
    rfree(&r);
    assert_state(s, id, "running");
    r = ec2(s, "Action=DescribeTags");
    assert_null(strstr(r.body, "<key>k</key>"));
    rfree(&r);
    /* malformed input is still refused first */
    r = ec2(s, "Action=StopInstances&InstanceId.1=i-zz&DryRun=true");
    assert_error(r, 400, "InvalidInstanceID.Malformed", "Invalid id: \"i-zz\"");
    rfree(&r);
    g_free(id);
}

static void ids_are_checked_with_ec2_wording(void **st)
{
    server *s = *st;
    result r = ec2(s, "Action=DescribeInstances&InstanceId.1=i-123");
    assert_error(r, 400, "InvalidInstanceID.Malformed", "Invalid id: \"i-123\"");
    assert_non_null(strstr(r.body, "<Response><Errors><Error>"));
    rfree(&r);
    r = ec2(s, "Action=DescribeInstances&InstanceId.1=i-12345678");
    assert_error(r, 400, "InvalidInstanceID.NotFound", "The instance ID 'i-12345678' does not exist");
    rfree(&r);
    r = ec2(s, "Action=TerminateInstances&InstanceId.1=i-12345678&InstanceId.2=i-0123456789abcdef0");
    assert_error(r, 400, "InvalidInstanceID.NotFound",
                 "The instance IDs 'i-12345678, i-0123456789abcdef0' do not exist");
    rfree(&r);
    r = ec2(s, "Action=RunInstances&ImageId=ami-xyz&MinCount=1&MaxCount=1");
    assert_error(r, 400, "InvalidAMIID.Malformed", "Invalid id: \"ami-xyz\" (expecting \"ami-...\")");
    rfree(&r);
    r = ec2(s, "Action=RunInstances&MinCount=1&MaxCount=1");
    assert_error(r, 400, "MissingParameter", "The request must contain the parameter ImageId");
    rfree(&r);
    r = ec2(s, "Action=RunInstances&ImageId=ami-ab939b9c031512198&MinCount=1");
    assert_error(r, 400, "MissingParameter", "MaxCount");
    rfree(&r);
    r = ec2(s, "Action=RunInstances&ImageId=ami-ab939b9c031512198&MinCount=3&MaxCount=2");
    assert_error(r, 400, "InvalidParameterValue", "Minimum instance count");
    rfree(&r);
    r = ec2(s, "Action=RunInstances&ImageId=ami-ab939b9c031512198&MinCount=1&MaxCount=1&InstanceType=x9.huge");
    assert_error(r, 400, "InvalidParameterValue", "x9.huge");
    rfree(&r);
    r = ec2(s, "Action=RunInstances&ImageId=ami-ab939b9c031512198&MinCount=abc&MaxCount=1");
    assert_error(r, 400, "InvalidParameterValue", NULL);
    rfree(&r);
    r = ec2(s, "Action=RunInstances&ImageId=ami-ab939b9c031512198&MinCount=1&MaxCount=1&Placement.AvailabilityZone=eu-west-1a");
    assert_error(r, 400, "InvalidParameterValue", "Invalid availability zone: [eu-west-1a]");
    rfree(&r);
}

static void invalid_transitions_are_incorrect_instance_state(void **st)
{
    server *s = *st;
    char *id = launch(s, 1, NULL);
    result r = ec2(s, "Action=StopInstances&InstanceId.1=%s", id);
    assert_error(r, 400, "IncorrectInstanceState", "has never reached the 'running' state");
    rfree(&r);
    r = ec2(s, "Action=RebootInstances&InstanceId.1=%s", id);
    assert_error(r, 400, "IncorrectInstanceState", NULL);
    rfree(&r);
    mockaws_clock_advance(s, 1000);
    /* already running: a no-op that says so */
    r = ec2(s, "Action=StartInstances&InstanceId.1=%s", id);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "<currentState><code>16</code><name>running</name></currentState><previousState><code>16</code>"));
    rfree(&r);
    r = ec2(s, "Action=RebootInstances&InstanceId.1=%s", id);
    assert_int_equal(r.status, 200);
    rfree(&r);
    r = ec2(s, "Action=TerminateInstances&InstanceId.1=%s", id);
    rfree(&r);
    r = ec2(s, "Action=StartInstances&InstanceId.1=%s", id);
    assert_error(r, 400, "IncorrectInstanceState", "is not in a state from which it can be started");
    rfree(&r);
    r = ec2(s, "Action=StopInstances&InstanceId.1=%s", id);
    assert_error(r, 400, "IncorrectInstanceState", "is not in a state from which it can be stopped");
    rfree(&r);
    g_free(id);

    /* DisableApiTermination */
    id = launch(s, 1, "&DisableApiTermination=true");
    r = ec2(s, "Action=TerminateInstances&InstanceId.1=%s", id);
    assert_error(r, 400, "OperationNotPermitted", "disableApiTermination");
    rfree(&r);
    g_free(id);
}

static void describe_pages_and_combinations(void **st)
{
    server *s = *st;
    char *id = launch(s, 12, NULL);
    result r = ec2(s, "Action=DescribeInstances&InstanceId.1=%s&MaxResults=5", id);
    assert_error(r, 400, "InvalidParameterCombination",
                 "The parameter instancesSet cannot be used with the parameter maxResults");
    rfree(&r);
    r = ec2(s, "Action=DescribeInstances&MaxResults=4");
    assert_error(r, 400, "InvalidParameterValue", "Value ( 4 ) for parameter maxResults is invalid");
    rfree(&r);
    r = ec2(s, "Action=DescribeInstances&MaxResults=1001");
    assert_error(r, 400, "InvalidParameterValue", "maxResults");
    rfree(&r);
    r = ec2(s, "Action=DescribeInstances&NextToken=bogus");
    assert_error(r, 400, "InvalidParameterValue", "nextToken");
    rfree(&r);

    int seen = 0, pages = 0;
    char *token = NULL;
    GHashTable *ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    do {
        char *enc = NULL;
        if (token) {
            GString *e = g_string_new(NULL);
            http_percent_encode(e, token, strlen(token), false);
            enc = g_string_free(e, FALSE);
        }
        r = ec2(s, "Action=DescribeInstances&MaxResults=5%s%s", token ? "&NextToken=" : "", enc ? enc : "");
        g_free(enc);
        assert_int_equal(r.status, 200);
        int n = count_of(r.body, "<instanceId>");
        for (int i = 0; i < n; i++)
            g_hash_table_add(ids, nth(r.body, "instanceId", i));
        seen += n;
        pages++;
        g_free(token);
        token = nth(r.body, "nextToken", 0);
        rfree(&r);
    } while (token && pages < 10);
    assert_int_equal(pages, 3);
    assert_int_equal(seen, 12);
    assert_int_equal(g_hash_table_size(ids), 12);
    g_hash_table_destroy(ids);
    g_free(id);
}

static void describe_filters(void **st)
{
    server *s = *st;
    char *web = launch(s, 1, "&TagSpecification.1.ResourceType=instance&TagSpecification.1.Tag.1.Key=Name"
                             "&TagSpecification.1.Tag.1.Value=web-1&InstanceType=t3.micro");
    char *db = launch(s, 1, "&TagSpecification.1.ResourceType=instance&TagSpecification.1.Tag.1.Key=role"
                            "&TagSpecification.1.Tag.1.Value=db&InstanceType=m5.large");
    mockaws_clock_advance(s, 1000);
    result r = ec2(s, "Action=StopInstances&InstanceId.1=%s", db);
    rfree(&r);

    struct {
        const char *filter;
        int count;
        const char *has;
    } cases[] = {
        {"Filter.1.Name=tag:Name&Filter.1.Value.1=web-*", 1, web},
        {"Filter.1.Name=tag:Name&Filter.1.Value.1=web-?", 1, web},
        {"Filter.1.Name=tag:Name&Filter.1.Value.1=web", 0, NULL},
        {"Filter.1.Name=tag-key&Filter.1.Value.1=role", 1, db},
        {"Filter.1.Name=tag-value&Filter.1.Value.1=d*", 1, db},
        {"Filter.1.Name=instance-state-name&Filter.1.Value.1=running&Filter.1.Value.2=pending", 1, web},
        {"Filter.1.Name=instance-state-name&Filter.1.Value.1=stopping", 1, db},
        {"Filter.1.Name=instance-type&Filter.1.Value.1=m5.*", 1, db},
        {"Filter.1.Name=image-id&Filter.1.Value.1=ami-ab939b9c031512198", 2, NULL},
        {"Filter.1.Name=image-id&Filter.1.Value.1=ami-ab939b9c031512198&Filter.2.Name=instance-type&Filter.2.Value.1=t3.micro",
         1, web},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        r = ec2(s, "Action=DescribeInstances&%s", cases[i].filter);
        assert_int_equal(r.status, 200);
        if (count_of(r.body, "<instanceId>") != cases[i].count)
            fail_msg("%s: expected %d instances: %s", cases[i].filter, cases[i].count, r.body);
        if (cases[i].has)
            assert_non_null(strstr(r.body, cases[i].has));
        rfree(&r);
    }
    char *filt = g_strdup_printf("Filter.1.Name=instance-id&Filter.1.Value.1=%s", web);
    r = ec2(s, "Action=DescribeInstances&%s", filt);
    assert_int_equal(count_of(r.body, "<instanceId>"), 1);
    rfree(&r);
    g_free(filt);
    r = ec2(s, "Action=DescribeInstances&Filter.1.Name=public-ip&Filter.1.Value.1=1.2.3.4");
    assert_error(r, 400, "InvalidParameterValue", "The filter 'public-ip' is invalid");
    rfree(&r);
    g_free(web);
    g_free(db);
}

static void status_checks_initialize_then_pass(void **st)
{
    server *s = *st;
    char *id = launch(s, 1, NULL);
    result r = ec2(s, "Action=DescribeInstanceStatus&InstanceId.1=%s", id);
    assert_int_equal(r.status, 200);
    assert_null(strstr(r.body, "<instanceId>")); /* pending: only with IncludeAllInstances */
    rfree(&r);
    r = ec2(s, "Action=DescribeInstanceStatus&InstanceId.1=%s&IncludeAllInstances=true", id);
    assert_non_null(strstr(r.body, "<name>pending</name>"));
    assert_non_null(strstr(r.body, "<status>not-applicable</status>"));
    rfree(&r);
    mockaws_clock_advance(s, 1000);
    r = ec2(s, "Action=DescribeInstanceStatus&InstanceId.1=%s", id);
    assert_non_null(strstr(r.body, "<instanceStatus><details><item><name>reachability</name><status>initializing"));
    assert_non_null(strstr(r.body, "<status>initializing</status>"));
    rfree(&r);
    mockaws_clock_advance(s, 2000);
    r = ec2(s, "Action=DescribeInstanceStatus&InstanceId.1=%s", id);
    assert_non_null(strstr(r.body, "<status>passed</status>"));
    assert_int_equal(count_of(r.body, "<status>ok</status>"), 3);
    rfree(&r);
    r = ec2(s, "Action=DescribeInstanceStatus&Filter.1.Name=instance-status.status&Filter.1.Value.1=ok");
    assert_int_equal(count_of(r.body, "<instanceId>"), 1);
    rfree(&r);
    r = ec2(s, "Action=DescribeInstanceStatus&Filter.1.Name=tag:Name&Filter.1.Value.1=x");
    assert_error(r, 400, "InvalidParameterValue", "The filter 'tag:Name' is invalid");
    rfree(&r);
    g_free(id);
}

static void tags_create_delete_describe(void **st)
{
    server *s = *st;
    char *id = launch(s, 1, NULL);
    result r = ec2(s, "Action=CreateTags&ResourceId.1=%s&ResourceId.2=vpc-0a1b2c3d4e5f60718&Tag.1.Key=env&Tag.1.Value=test"
                      "&Tag.2.Key=team&Tag.2.Value=core",
                   id);
    assert_int_equal(r.status, 200);
    rfree(&r);
    r = ec2(s, "Action=DescribeTags");
    assert_int_equal(count_of(r.body, "<item>"), 4);
    assert_non_null(strstr(r.body, "<resourceType>vpc</resourceType>"));
    assert_non_null(strstr(r.body, "<resourceType>instance</resourceType>"));
    rfree(&r);
    r = ec2(s, "Action=DescribeTags&Filter.1.Name=resource-type&Filter.1.Value.1=instance&Filter.2.Name=key"
               "&Filter.2.Value.1=env");
    assert_int_equal(count_of(r.body, "<item>"), 1);
    rfree(&r);
    /* a value that does not match keeps the tag */
    r = ec2(s, "Action=DeleteTags&ResourceId.1=%s&Tag.1.Key=env&Tag.1.Value=prod", id);
    assert_int_equal(r.status, 200);
    rfree(&r);
    r = ec2(s, "Action=DeleteTags&ResourceId.1=%s&Tag.1.Key=team", id);
    rfree(&r);
    r = ec2(s, "Action=DescribeInstances&InstanceId.1=%s", id);
    assert_non_null(strstr(r.body, "<tagSet><item><key>env</key><value>test</value></item></tagSet>"));
    rfree(&r);
    r = ec2(s, "Action=CreateTags&ResourceId.1=i-12345678&Tag.1.Key=a&Tag.1.Value=b");
    assert_error(r, 400, "InvalidInstanceID.NotFound", NULL);
    rfree(&r);
    r = ec2(s, "Action=CreateTags&ResourceId.1=bogus&Tag.1.Key=a&Tag.1.Value=b");
    assert_error(r, 400, "InvalidID", "The ID 'bogus' is not valid");
    rfree(&r);
    r = ec2(s, "Action=CreateTags&ResourceId.1=%s&Tag.1.Key=aws:x&Tag.1.Value=b", id);
    assert_error(r, 400, "InvalidParameterValue", "aws:");
    rfree(&r);
    g_free(id);
}

/* An index that is no position names no instance: EC2 does not know the
 * parameter, and the answer is never "every instance". */
static void list_positions_are_numbers(void **st)
{
    server *s = *st;
    char *id = launch(s, 2, NULL);
    const char *bad[] = {"4294967296", "01", "0", "99999999999999999999", "1x"};
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        result r = ec2(s, "Action=DescribeInstances&InstanceId.%s=%s", bad[i], id);
        char *want = g_strdup_printf("The parameter InstanceId.%s is not recognized", bad[i]);
        assert_error(r, 400, "UnknownParameter", want);
        g_free(want);
        rfree(&r);
    }
    result r = ec2(s, "Action=TerminateInstances&InstanceId.01=%s", id);
    assert_error(r, 400, "UnknownParameter", NULL);
    rfree(&r);
    assert_state(s, id, "pending");
    r = ec2(s, "Action=DescribeInstances&Filter.1.Name=instance-state-name&Filter.1.Value.007=running");
    assert_error(r, 400, "UnknownParameter", "Filter.1.Value.007");
    rfree(&r);
    /* gaps are still fine */
    r = ec2(s, "Action=DescribeInstances&InstanceId.7=%s", id);
    assert_int_equal(r.status, 200);
    assert_int_equal(count_of(r.body, "<instanceId>"), 1);
    rfree(&r);
    g_free(id);
}

static void nul_is_never_a_place_to_cut(void **st)
{
    server *s = *st;
    char *id = launch(s, 2, NULL);
    /* "10%005" is not 10, and an id with a NUL after it is not that id */
    result r = ec2(s, "Action=DescribeInstances&MaxResults=10%%005");
    assert_error(r, 400, "InvalidParameterValue", NULL);
    rfree(&r);
    r = ec2(s, "Action=DescribeInstances&InstanceId.1=%s%%00x", id);
    assert_error(r, 400, "InvalidParameterValue", NULL);
    rfree(&r);
    r = ec2(s, "Action=CreateTags&ResourceId.1=%s&Tag.1.Key=env%%00x&Tag.1.Value=v", id);
    assert_error(r, 400, "InvalidParameterValue", NULL);
    rfree(&r);
    r = ec2(s, "Action=DescribeInstances&InstanceId.1=%s", id);
    assert_null(strstr(r.body, "<key>env</key>"));
    rfree(&r);
    g_free(id);
}

/* Tag lists are merged by key through one pass each, whatever their length. */
static void long_tag_lists(void **st)
{
    server *s = *st;
    char *id = launch(s, 1, NULL);
    GString *b = g_string_new("Action=CreateTags&ResourceId.1=");
    g_string_append(b, id);
    for (int i = 1; i <= 51; i++)
        g_string_append_printf(b, "&Tag.%d.Key=k%d&Tag.%d.Value=v", i, i, i);
    result r = ec2(s, "%s", b->str);
    assert_error(r, 400, "TagLimitExceeded", "The maximum number of tags for a resource is 50.");
    rfree(&r);
    g_string_free(b, TRUE);
    /* 60 entries naming 2 keys are 2 tags */
    b = g_string_new("Action=CreateTags&ResourceId.1=");
    g_string_append(b, id);
    for (int i = 1; i <= 60; i++)
        g_string_append_printf(b, "&Tag.%d.Key=k%d&Tag.%d.Value=v%d", i, i % 2, i, i);
    r = ec2(s, "%s", b->str);
    if (r.status != 200)
        fail_msg("%s", r.body);
    rfree(&r);
    g_string_free(b, TRUE);
    r = ec2(s, "Action=DescribeInstances&InstanceId.1=%s", id);
    assert_int_equal(count_of(strstr(r.body, "<tagSet>"), "<key>"), 2);
    assert_non_null(strstr(r.body, "<key>k0</key><value>v60</value>"));
    rfree(&r);
    /* DeleteTags: any of the values given for a key removes it; a key
     * without a value goes whatever it holds */
    r = ec2(s, "Action=DeleteTags&ResourceId.1=%s&Tag.1.Key=k0&Tag.1.Value=no&Tag.2.Key=k0&Tag.2.Value=v60"
               "&Tag.3.Key=k1&Tag.3.Value=no",
            id);
    assert_int_equal(r.status, 200);
    rfree(&r);
    r = ec2(s, "Action=DescribeInstances&InstanceId.1=%s", id);
    assert_null(strstr(r.body, "<key>k0</key>"));
    assert_non_null(strstr(r.body, "<key>k1</key><value>v59</value>"));
    rfree(&r);
    r = ec2(s, "Action=DeleteTags&ResourceId.1=%s&Tag.1.Key=k1&Tag.1.Value=no&Tag.2.Key=k1", id);
    rfree(&r);
    r = ec2(s, "Action=DescribeInstances&InstanceId.1=%s", id);
    assert_null(strstr(r.body, "<key>k1</key>"));
    rfree(&r);
    g_free(id);
}

static void client_token_is_idempotent(void **st)
{
    server *s = *st;
    result a = ec2(s, "Action=RunInstances&ImageId=ami-ab939b9c031512198&MinCount=1&MaxCount=1&ClientToken=tok-1");
    result b = ec2(s, "Action=RunInstances&ImageId=ami-ab939b9c031512198&MinCount=1&MaxCount=1&ClientToken=tok-1");
    assert_int_equal(b.status, 200);
    char *ia = nth(a.body, "instanceId", 0), *ib = nth(b.body, "instanceId", 0);
    assert_string_equal(ia, ib);
    g_free(ia);
    g_free(ib);
    rfree(&a);
    rfree(&b);
    result c = ec2(s, "Action=RunInstances&ImageId=ami-b6a5b6135bdb97a01&MinCount=1&MaxCount=1&ClientToken=tok-1");
    assert_error(c, 400, "IdempotentParameterMismatch", NULL);
    rfree(&c);
    result d = ec2(s, "Action=DescribeInstances");
    assert_int_equal(count_of(d.body, "<instanceId>"), 1);
    rfree(&d);
}

static void fixtures_load_and_dump(void **st)
{
    server *s = *st;
    char err[512];
    assert_int_equal(mockaws_load_fixtures_file(s, MOCKAWS_SOURCE_DIR "/fixtures/ec2-example.json", err, sizeof err),
                     0);
    assert_state(s, "i-0123456789abcdef0", "running");
    assert_state(s, "i-0fedcba9876543210", "stopped");
    result r = ec2(s, "Action=DescribeInstanceStatus&InstanceId.1=i-0123456789abcdef0");
    assert_non_null(strstr(r.body, "<status>ok</status>"));
    rfree(&r);
    char *dump = mockaws_state_json(s);
    assert_non_null(strstr(dump, "\"i-0fedcba9876543210\""));
    assert_non_null(strstr(dump, "\"batch-1\""));
    mockaws_free(dump);

    assert_int_not_equal(mockaws_load_fixtures_json(s, "{\"ec2\": {\"instances\": [{\"state\": \"asleep\"}]}}", err, sizeof err), 0);
    assert_non_null(strstr(err, "asleep"));
    assert_int_not_equal(mockaws_load_fixtures_json(s, "{\"ec2\": {\"instances\": [{\"colour\": \"red\"}]}}", err, sizeof err), 0);
    assert_non_null(strstr(err, "colour"));
    assert_int_not_equal(mockaws_load_fixtures_json(s, "{\"ec2\": {\"transitions\": {\"pending_ms\": -1}}}", err, sizeof err), 0);
    assert_int_not_equal(mockaws_load_fixtures_json(s, "{\"ec2\": {\"instances\": [{\"id\": \"i-0123456789abcdef0\"}]}}", err, sizeof err), 0);
    assert_non_null(strstr(err, "already exists"));
    /* no id: one is derived, the same every time */
    assert_int_equal(mockaws_load_fixtures_json(s, "{\"region\": \"eu-west-1\", \"ec2\": {\"instances\": [{}]}}", err, sizeof err), 0);
}

static void eventual_consistency_scenario(void **st)
{
    server *s = *st;
    char err[512];
    assert_int_equal(mockaws_scenario_load_file(s, MOCKAWS_SOURCE_DIR "/scenarios/ec2-eventual-consistency.json", err,
                                                sizeof err),
                     0);
    char *id = launch(s, 1, NULL);
    /* what a waiter does: poll until found */
    int polls = 0;
    result r;
    do {
        r = ec2(s, "Action=DescribeInstances&InstanceId.1=%s", id);
        polls++;
        if (r.status != 200)
            assert_error(r, 400, "InvalidInstanceID.NotFound", NULL);
        int ok = r.status == 200;
        rfree(&r);
        if (ok)
            break;
    } while (polls < 10);
    assert_int_equal(polls, 3);
    char *report = NULL;
    assert_int_equal(mockaws_scenario_verify(s, &report), 1);
    mockaws_free(report);
    g_free(id);
}

static void regions_and_zones(void **st)
{
    server *s = *st;
    result r = ec2(s, "Action=DescribeRegions");
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "<regionName>eu-west-1</regionName>"));
    assert_null(strstr(r.body, "af-south-1"));
    rfree(&r);
    r = ec2(s, "Action=DescribeRegions&AllRegions=true");
    assert_non_null(strstr(r.body, "<regionName>af-south-1</regionName>"));
    assert_non_null(strstr(r.body, "not-opted-in"));
    rfree(&r);
    r = ec2(s, "Action=DescribeRegions&RegionName.1=us-west-2");
    assert_int_equal(count_of(r.body, "<regionName>"), 1);
    rfree(&r);
    r = ec2(s, "Action=DescribeAvailabilityZones");
    assert_int_equal(count_of(r.body, "<zoneName>"), 6);
    assert_non_null(strstr(r.body, "<zoneId>use1-az1</zoneId>"));
    rfree(&r);
    r = ec2(s, "Action=DescribeAvailabilityZones&ZoneName.1=us-east-1z");
    assert_error(r, 400, "InvalidParameterValue", NULL);
    rfree(&r);
}

static void garbage_never_crashes(void **st)
{
    server *s = *st;
    const char *inputs[] = {
        "Action=DescribeInstances&Filter.1.Value.1=x",
        "Action=DescribeInstances&Filter.1.Name=tag:&Filter.1.Value.1=*",
        "Action=DescribeInstances&Filter.1.Name=instance-id&Filter.1.Value.1=\\",
        "Action=DescribeInstances&InstanceId.1=",
        "Action=RunInstances&ImageId=ami-ab939b9c031512198&MinCount=0&MaxCount=0",
        "Action=RunInstances&ImageId=ami-ab939b9c031512198&MinCount=1&MaxCount=2000000",
        "Action=RunInstances&ImageId=ami-ab939b9c031512198&MinCount=5000&MaxCount=5000",
        "Action=RunInstances&ImageId=ami-ab939b9c031512198&MinCount=1&MaxCount=1&TagSpecification.1.Tag.1.Key=a",
        "Action=RunInstances&ImageId=ami-ab939b9c031512198&MinCount=1&MaxCount=1&SecurityGroupId.1=nope",
        "Action=CreateTags&ResourceId.1=i-12345678",
        "Action=DeleteTags",
        "Action=DescribeTags&MaxResults=2",
        "Action=DescribeTags&NextToken=bW9ja2F3czox",
        "Action=DescribeInstances&NextToken=bW9ja2F3czp4",
        "Action=DescribeInstanceStatus&MaxResults=abc",
        "Action=StopInstances",
        "Action=NoSuchAction",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(inputs); i++) {
        result r = ec2(s, "%s", inputs[i]);
        if (r.status >= 500 || r.status < 200)
            fail_msg("%s -> %d %s", inputs[i], r.status, r.body);
        rfree(&r);
    }
}

static void wildcards(void **st)
{
    (void)st;
    assert_true(ec2_wildcard_match("*", ""));
    assert_true(ec2_wildcard_match("web-*", "web-1"));
    assert_true(ec2_wildcard_match("*-1", "web-1"));
    assert_true(ec2_wildcard_match("w?b*", "web-1"));
    assert_false(ec2_wildcard_match("w?b", "wb"));
    assert_true(ec2_wildcard_match("a*b*c", "aXXbYYc"));
    assert_false(ec2_wildcard_match("a*b*c", "aXXbYY"));
    assert_true(ec2_wildcard_match("a\\*", "a*"));
    assert_false(ec2_wildcard_match("a\\*", "ab"));
    assert_true(ec2_wildcard_match("a\\?", "a?"));
    assert_false(ec2_wildcard_match("a\\?", "ab"));
    assert_false(ec2_wildcard_match("", "x"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(lifecycle_follows_the_virtual_clock, setup, teardown),
        cmocka_unit_test_setup_teardown(transitions_can_wait_for_polls, setup, teardown),
        cmocka_unit_test_setup_teardown(zero_durations_settle_in_the_answer, setup, teardown),
        cmocka_unit_test_setup_teardown(dry_run_changes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(ids_are_checked_with_ec2_wording, setup, teardown),
        cmocka_unit_test_setup_teardown(invalid_transitions_are_incorrect_instance_state, setup, teardown),
        cmocka_unit_test_setup_teardown(describe_pages_and_combinations, setup, teardown),
        cmocka_unit_test_setup_teardown(describe_filters, setup, teardown),
        cmocka_unit_test_setup_teardown(status_checks_initialize_then_pass, setup, teardown),
        cmocka_unit_test_setup_teardown(tags_create_delete_describe, setup, teardown),
        cmocka_unit_test_setup_teardown(client_token_is_idempotent, setup, teardown),
        cmocka_unit_test_setup_teardown(list_positions_are_numbers, setup, teardown),
        cmocka_unit_test_setup_teardown(nul_is_never_a_place_to_cut, setup, teardown),
        cmocka_unit_test_setup_teardown(long_tag_lists, setup, teardown),
        cmocka_unit_test_setup_teardown(fixtures_load_and_dump, setup, teardown),
        cmocka_unit_test_setup_teardown(eventual_consistency_scenario, setup, teardown),
        cmocka_unit_test_setup_teardown(regions_and_zones, setup, teardown),
        cmocka_unit_test_setup_teardown(garbage_never_crashes, setup, teardown),
        cmocka_unit_test(wildcards),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
