/* The read-only inspection endpoints under /_mockaws/ (s3, dynamodb, sns,
 * ec2): pages through thousands of objects and items, with prefixes, a
 * delimiter and an index; limits and bad parameters; unknown buckets and
 * tables; EC2's next change moving with the virtual clock while nothing is
 * settled. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <glib.h>
#include <jansson.h>
#include <string.h>

#include "mockaws.h"

#define OBJECTS 2500
#define ITEMS 3000

static int setup(void **st)
{
    char err[256];
    mockaws_options o = {.seed = 3};
    *st = mockaws_start(&o, err, sizeof err);
    if (!*st)
        return -1;
    mockaws_clock_virtual(*st, 1);
    return 0;
}

static int teardown(void **st)
{
    mockaws_stop(*st);
    return 0;
}

/* GET /_mockaws/<path>: the status, and the answer in *doc. */
static int get(mockaws *s, json_t **doc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int get(mockaws *s, json_t **doc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *path = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    char *out = NULL;
    int status = mockaws_control(s, "GET", path, NULL, &out);
    *doc = json_loads(out, 0, NULL);
    if (!*doc)
        fail_msg("GET %s: not JSON: %s", path, out);
    mockaws_free(out);
    g_free(path);
    return status;
}

static void load(mockaws *s, const char *doc)
{
    char err[512];
    if (mockaws_load_fixtures_json(s, doc, err, sizeof err) != 0)
        fail_msg("fixture: %s", err);
}

/* A list of two entries, one a page: the second page's entry is named
 * second, and no page follows it. */
static void two_pages(mockaws *s, const char *endpoint, const char *list, const char *second)
{
    json_t *d;
    assert_int_equal(get(s, &d, "%s?limit=1", endpoint), 200);
    assert_int_equal(json_array_size(json_object_get(d, list)), 1);
    char *next = g_strdup(json_string_value(json_object_get(d, "next")));
    assert_non_null(next);
    json_decref(d);
    assert_int_equal(get(s, &d, "%s?limit=1&next=%s", endpoint, next), 200);
    assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(d, list), 0), "name")),
                        second);
    assert_true(json_is_null(json_object_get(d, "next")));
    json_decref(d);
    g_free(next);
}

/* OBJECTS objects: "a/0000".."a/0999" (1000), "b/NNNN/x" (1000), "c-0000".."c-0499". */
static void load_objects(mockaws *s)
{
    GString *f = g_string_new("{\"s3\": {\"buckets\": [{\"name\": \"big\", \"objects\": [");
    for (int i = 0; i < OBJECTS; i++) {
        const char *fmt = i < 1000 ? "a/%04d" : i < 2000 ? "b/%04d/x" : "c-%04d";
        g_string_append_printf(f, "%s{\"key\": \"", i ? "," : "");
        g_string_append_printf(f, fmt, i % 1000);
        g_string_append(f, "\", \"body\": \"x\"}");
    }
    g_string_append(f, "]}, {\"name\": \"small\", \"objects\": [{\"key\": \"hello.txt\", \"body\": \"hello\","
                       " \"content_type\": \"text/plain\"}]}]}}");
    load(s, f->str);
    g_string_free(f, TRUE);
}

/* Every object under prefix (delimiter: NULL or "/"), page by page: their
 * keys and prefixes joined by ' ', how many pages. */
static char *walk(mockaws *s, const char *bucket, const char *prefix, const char *delim, int limit, int *pages)
{
    GString *all = g_string_new(NULL);
    char *next = NULL;
    *pages = 0;
    do {
        json_t *d;
        int st = get(s, &d, "s3/objects?bucket=%s&limit=%d%s%s%s%s%s%s", bucket, limit, prefix ? "&prefix=" : "",
                     prefix ? prefix : "", delim ? "&delimiter=" : "", delim ? "%2F" : "", next ? "&next=" : "",
                     next ? next : "");
        assert_int_equal(st, 200);
        g_free(next);
        next = NULL;
        json_t *objs = json_object_get(d, "objects"), *v;
        size_t i;
        assert_true(json_array_size(objs) + json_array_size(json_object_get(d, "prefixes")) <= (size_t)limit);
        json_array_foreach(objs, i, v) {
            g_string_append_printf(all, "%s ", json_string_value(json_object_get(v, "key")));
        }
        json_array_foreach(json_object_get(d, "prefixes"), i, v) {
            g_string_append_printf(all, "%s ", json_string_value(v));
        }
        if (json_is_string(json_object_get(d, "next")))
            next = g_strdup(json_string_value(json_object_get(d, "next")));
        else
            assert_true(json_is_null(json_object_get(d, "next")));
        json_decref(d);
        (*pages)++;
    } while (next && *pages < 1000);
    assert_null(next);
    return g_string_free(all, FALSE);
}

static int words(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == ' ';
    return n;
}

static void s3_pages_through_objects(void **st)
{
    mockaws *s = *st;
    load_objects(s);
    int pages;
    char *all = walk(s, "big", NULL, NULL, 1000, &pages);
    assert_int_equal(words(all), OBJECTS);
    assert_int_equal(pages, 3);
    assert_true(g_str_has_prefix(all, "a/0000 a/0001 "));
    assert_true(g_str_has_suffix(all, "c-0498 c-0499 "));
    g_free(all);

    all = walk(s, "big", "b%2F", NULL, 333, &pages);
    assert_int_equal(words(all), 1000);
    assert_int_equal(pages, 4);
    assert_true(g_str_has_prefix(all, "b/0000/x "));
    g_free(all);

    /* the delimiter rolls up a/ and b/ (a page of two prefixes and 500 keys) */
    all = walk(s, "big", NULL, "/", 7, &pages);
    assert_int_equal(words(all), 502);
    /* each page lists its keys, then its prefixes */
    assert_true(g_str_has_prefix(all, "c-0000 c-0001 c-0002 c-0003 c-0004 a/ b/ c-0005 "));
    g_free(all);
    all = walk(s, "big", NULL, "/", 1, &pages);
    assert_int_equal(words(all), 502);
    assert_int_equal(pages, 502);
    g_free(all);

    json_t *d;
    assert_int_equal(get(s, &d, "s3/objects?bucket=big&prefix=zzz"), 200);
    assert_int_equal(json_array_size(json_object_get(d, "objects")), 0);
    assert_true(json_is_null(json_object_get(d, "next")));
    json_decref(d);

    assert_int_equal(get(s, &d, "s3/objects?bucket=big"), 200);
    assert_int_equal(json_array_size(json_object_get(d, "objects")), 100); /* the default */
    json_t *o = json_array_get(json_object_get(d, "objects"), 0);
    assert_string_equal(json_string_value(json_object_get(o, "key")), "a/0000");
    assert_int_equal(json_integer_value(json_object_get(o, "size")), 1);
    assert_string_equal(json_string_value(json_object_get(o, "storage_class")), "STANDARD");
    assert_non_null(json_string_value(json_object_get(o, "etag")));
    assert_non_null(json_string_value(json_object_get(o, "last_modified")));
    assert_null(json_object_get(o, "version_id")); /* never versioned */
    json_decref(d);

    assert_int_equal(get(s, &d, "s3/buckets"), 200);
    json_t *bs = json_object_get(d, "buckets");
    assert_int_equal(json_array_size(bs), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(bs, 0), "name")), "big");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(bs, 0), "objects")), OBJECTS);
    assert_string_equal(json_string_value(json_object_get(json_array_get(bs, 0), "versioning")), "Off");
    json_decref(d);
    two_pages(s, "s3/buckets", "buckets", "small");
}

static void s3_shows_one_object(void **st)
{
    mockaws *s = *st;
    GString *big = g_string_new(NULL);
    for (int i = 0; i < 5000; i++)
        g_string_append_c(big, (char)('a' + i % 26));
    char *doc = g_strdup_printf("{\"s3\": {\"buckets\": [{\"name\": \"one\", \"objects\": ["
                                "{\"key\": \"t.txt\", \"body\": \"hi there\", \"content_type\": \"text/plain\"},"
                                "{\"key\": \"big.txt\", \"body\": \"%s\"},"
                                "{\"key\": \"bin\", \"body_base64\": \"AP8A/w==\"}]}]}}",
                                big->str);
    load(s, doc);
    g_free(doc);
    json_t *d;
    assert_int_equal(get(s, &d, "s3/object?bucket=one&key=t.txt"), 200);
    assert_string_equal(json_string_value(json_object_get(d, "body")), "hi there");
    assert_string_equal(json_string_value(json_object_get(d, "content_type")), "text/plain");
    assert_int_equal(json_integer_value(json_object_get(d, "body_size")), 8);
    assert_true(json_is_false(json_object_get(d, "body_truncated")));
    json_decref(d);
    assert_int_equal(get(s, &d, "s3/object?bucket=one&key=big.txt"), 200);
    assert_int_equal(json_string_length(json_object_get(d, "body")), 4096);
    assert_int_equal(json_integer_value(json_object_get(d, "body_size")), 5000);
    assert_true(json_is_true(json_object_get(d, "body_truncated")));
    json_decref(d);
    assert_int_equal(get(s, &d, "s3/object?bucket=one&key=bin"), 200);
    assert_null(json_object_get(d, "body"));
    assert_string_equal(json_string_value(json_object_get(d, "body_base64")), "AP8A/w==");
    json_decref(d);
    g_string_free(big, TRUE);

    assert_int_equal(get(s, &d, "s3/object?bucket=one&key=nope"), 404);
    json_decref(d);
    assert_int_equal(get(s, &d, "s3/object?bucket=nope&key=t.txt"), 404);
    json_decref(d);
    assert_int_equal(get(s, &d, "s3/object?bucket=one"), 400);
    json_decref(d);
}

static void s3_refuses_bad_parameters(void **st)
{
    mockaws *s = *st;
    load(s, "{\"s3\": {\"buckets\": [{\"name\": \"bkt1\"}]}}");
    static const char *const bad[] = {"s3/objects?bucket=bkt1&limit=0",     "s3/objects?bucket=bkt1&limit=1001",
                                      "s3/objects?bucket=bkt1&limit=abc",   "s3/objects?bucket=bkt1&limit=-1",
                                      "s3/objects?bucket=bkt1&limit=99999999999999999999",
                                      "s3/objects?bucket=bkt1&next=%25%25", "s3/objects?bucket=bkt1&next=AA",
                                      "s3/objects",                       "s3/buckets?next=Zm9v",
                                      "s3/buckets?limit=5000"};
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        json_t *d;
        int status = get(s, &d, "%s", bad[i]);
        if (status != 400)
            fail_msg("%s answered %d", bad[i], status);
        assert_non_null(json_string_value(json_object_get(d, "error")));
        json_decref(d);
    }
    json_t *d;
    assert_int_equal(get(s, &d, "s3/objects?bucket=nope"), 404);
    json_decref(d);
    char *out = NULL;
    assert_int_equal(mockaws_control(s, "POST", "s3/buckets", NULL, &out), 405);
    mockaws_free(out);
    assert_int_equal(get(s, &d, "s3/objects?bucket=bkt1&limit=1000"), 200);
    assert_int_equal(json_array_size(json_object_get(d, "objects")), 0);
    json_decref(d);
}

/* ITEMS items: hash key "pk" (300 partitions), range "sk", and a GSI
 * "by-day" on "day" (7 values) projecting everything; items with a day
 * only for even sk. */
static void load_items(mockaws *s)
{
    GString *f = g_string_new(
        "{\"dynamodb\": {\"tables\": [{\"TableName\": \"orders\", \"BillingMode\": \"PAY_PER_REQUEST\","
        " \"KeySchema\": [{\"AttributeName\": \"pk\", \"KeyType\": \"HASH\"},"
        "  {\"AttributeName\": \"sk\", \"KeyType\": \"RANGE\"}],"
        " \"AttributeDefinitions\": [{\"AttributeName\": \"pk\", \"AttributeType\": \"S\"},"
        "  {\"AttributeName\": \"sk\", \"AttributeType\": \"N\"},"
        "  {\"AttributeName\": \"day\", \"AttributeType\": \"S\"}],"
        " \"GlobalSecondaryIndexes\": [{\"IndexName\": \"by-day\","
        "  \"KeySchema\": [{\"AttributeName\": \"day\", \"KeyType\": \"HASH\"}],"
        "  \"Projection\": {\"ProjectionType\": \"ALL\"}}], \"items\": [");
    for (int i = 0; i < ITEMS; i++) {
        g_string_append_printf(f, "%s{\"pk\": {\"S\": \"p%03d\"}, \"sk\": {\"N\": \"%d\"}", i ? "," : "", i % 300, i);
        if (i % 2 == 0)
            g_string_append_printf(f, ", \"day\": {\"S\": \"d%d\"}", i % 7);
        g_string_append(f, "}");
    }
    g_string_append(f, "]}]}}");
    load(s, f->str);
    g_string_free(f, TRUE);
}

/* Every item of the table (index: or of that index), page by page: how
 * many, each sk seen once. */
static int scan_all(mockaws *s, const char *index, int limit)
{
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    char *next = NULL;
    int pages = 0;
    do {
        json_t *d;
        assert_int_equal(get(s, &d, "dynamodb/items?table=orders&limit=%d%s%s%s%s", limit, index ? "&index=" : "",
                             index ? index : "", next ? "&next=" : "", next ? next : ""),
                         200);
        g_free(next);
        next = NULL;
        json_t *items = json_object_get(d, "items"), *v;
        size_t i;
        assert_true(json_array_size(items) <= (size_t)limit);
        json_array_foreach(items, i, v) {
            const char *sk = json_string_value(json_object_get(json_object_get(v, "sk"), "N"));
            assert_non_null(sk);
            assert_non_null(json_object_get(json_object_get(v, "pk"), "S"));
            if (!g_hash_table_add(seen, g_strdup(sk)))
                fail_msg("sk %s twice", sk);
        }
        if (json_is_string(json_object_get(d, "next")))
            next = g_strdup(json_string_value(json_object_get(d, "next")));
        json_decref(d);
    } while (next && ++pages < 1000);
    assert_null(next);
    int n = (int)g_hash_table_size(seen);
    g_hash_table_destroy(seen);
    return n;
}

static void dynamodb_pages_through_items(void **st)
{
    mockaws *s = *st;
    load_items(s);
    assert_int_equal(scan_all(s, NULL, 1000), ITEMS);
    assert_int_equal(scan_all(s, NULL, 7), ITEMS);
    assert_int_equal(scan_all(s, "by-day", 1000), ITEMS / 2);
    assert_int_equal(scan_all(s, "by-day", 13), ITEMS / 2);

    json_t *d;
    assert_int_equal(get(s, &d, "dynamodb/tables"), 200);
    json_t *t = json_array_get(json_object_get(d, "tables"), 0);
    assert_string_equal(json_string_value(json_object_get(t, "name")), "orders");
    assert_string_equal(json_string_value(json_object_get(t, "account")), "123456789012");
    assert_string_equal(json_string_value(json_object_get(t, "region")), "us-east-1");
    assert_int_equal(json_integer_value(json_object_get(t, "items")), ITEMS);
    assert_string_equal(json_string_value(json_array_get(json_object_get(t, "indexes"), 0)), "by-day");
    assert_int_equal(json_array_size(json_object_get(t, "key_schema")), 2);
    json_decref(d);
    assert_int_equal(get(s, &d, "dynamodb/tables?region=eu-west-1"), 200);
    assert_int_equal(json_array_size(json_object_get(d, "tables")), 0);
    json_decref(d);

    static const struct {
        const char *path;
        int status;
    } bad[] = {
        {"dynamodb/items", 400},
        {"dynamodb/items?table=nope", 404},
        {"dynamodb/items?table=orders&index=nope", 404},
        {"dynamodb/items?table=orders&region=eu-west-1", 404},
        {"dynamodb/items?table=orders&limit=1001", 400},
        {"dynamodb/items?table=orders&limit=0", 400},
        {"dynamodb/items?table=orders&next=notatoken", 400},
        {"dynamodb/items?table=orders&next=e30", 400},        /* {}: no key */
        {"dynamodb/items?table=orders&next=WzFd", 400},       /* [1] */
        {"dynamodb/items?table=orders&next=eyJwayI6eyJTIjoxfX0", 400}, /* {"pk":{"S":1}} */
        {"dynamodb/items?table=orders&next=eyJwayI6eyJTIjoicDAwMSJ9LCJzayI6eyJOIjoiYWJjIn19", 400}, /* N "abc" */
        {"dynamodb/items?table=orders&next=eyJwayI6eyJTIjoicDAwMSJ9LCJzayI6eyJTIjoiMSJ9fQ", 400},  /* sk an S */
        {"dynamodb/items?table=orders&next=eyJwayI6eyJTIjoicDAwMSJ9LCJzayI6eyJOIjoiMWU5OTk5OTkifX0", 400},
        /* an index's token is not the table's */
        {"dynamodb/items?table=orders&next=eyJkYXkiOnsiUyI6ImQxIn19", 400},
        {"dynamodb/tables?limit=x", 400},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        int status = get(s, &d, "%s", bad[i].path);
        if (status != bad[i].status)
            fail_msg("%s answered %d, not %d", bad[i].path, status, bad[i].status);
        json_decref(d);
    }
}

static void sns_lists_topics(void **st)
{
    mockaws *s = *st;
    load(s, "{\"sns\": {\"topics\": [{\"name\": \"alerts\"}, {\"name\": \"orders\"}]}}");
    json_t *d;
    assert_int_equal(get(s, &d, "sns/topics"), 200);
    json_t *ts = json_object_get(d, "topics");
    assert_int_equal(json_array_size(ts), 2);
    json_t *t = json_array_get(ts, 0);
    assert_string_equal(json_string_value(json_object_get(t, "name")), "alerts");
    assert_string_equal(json_string_value(json_object_get(t, "arn")), "arn:aws:sns:us-east-1:123456789012:alerts");
    assert_int_equal(json_integer_value(json_object_get(t, "published")), 0);
    assert_int_equal(json_array_size(json_object_get(t, "subscriptions")), 0);
    json_decref(d);
    two_pages(s, "sns/topics", "topics", "orders");
    assert_int_equal(get(s, &d, "sns/topics?limit=1001"), 400);
    json_decref(d);
}

static const char *str_at(json_t *d, size_t i, const char *member)
{
    return json_string_value(json_object_get(json_array_get(json_object_get(d, "instances"), i), member));
}

static void ec2_next_change_follows_the_clock(void **st)
{
    mockaws *s = *st;
    load(s, "{\"ec2\": {\"instances\": [{\"id\": \"i-0123456789abcdef0\", \"state\": \"pending\","
            " \"type\": \"t3.micro\","
            " \"image\": \"ami-0abcdef1234567890\"}, {\"id\": \"i-0123456789abcdef1\", \"state\": \"stopped\"}]}}");
    json_t *d;
    assert_int_equal(get(s, &d, "ec2/instances"), 200);
    assert_string_equal(str_at(d, 0, "state"), "pending");
    assert_string_equal(str_at(d, 0, "next_state"), "running");
    assert_string_equal(str_at(d, 0, "type"), "t3.micro");
    assert_string_equal(str_at(d, 0, "image"), "ami-0abcdef1234567890");
    char *since = g_strdup(str_at(d, 0, "state_since"));
    char *change = g_strdup(str_at(d, 0, "next_change"));
    assert_string_not_equal(since, change);
    assert_string_equal(str_at(d, 1, "state"), "stopped");
    assert_null(str_at(d, 1, "next_state"));
    assert_true(json_is_null(json_object_get(json_array_get(json_object_get(d, "instances"), 1), "next_change")));
    json_decref(d);

    mockaws_clock_advance(s, 999);
    assert_int_equal(get(s, &d, "ec2/instances?limit=1"), 200);
    assert_int_equal(json_array_size(json_object_get(d, "instances")), 1);
    assert_string_equal(str_at(d, 0, "state"), "pending");
    assert_string_equal(str_at(d, 0, "next_change"), change);
    assert_true(json_is_string(json_object_get(d, "next")));
    json_decref(d);

    mockaws_clock_advance(s, 1);
    assert_int_equal(get(s, &d, "ec2/instances"), 200);
    assert_string_equal(str_at(d, 0, "state"), "running");
    assert_string_equal(str_at(d, 0, "state_since"), change); /* it became running when its time was up */
    assert_null(str_at(d, 0, "next_state"));
    json_decref(d);

    /* nothing was settled: the state as stored still says pending */
    assert_int_equal(get(s, &d, "state"), 200);
    char *text = json_dumps(d, JSON_COMPACT);
    assert_non_null(strstr(text, "\"state\":\"pending\""));
    free(text);
    json_decref(d);
    g_free(since);
    g_free(change);

    assert_int_equal(get(s, &d, "ec2/instances?region=eu-west-1"), 200);
    assert_int_equal(json_array_size(json_object_get(d, "instances")), 0);
    json_decref(d);
    assert_int_equal(get(s, &d, "ec2/instances?limit=0"), 400);
    json_decref(d);
}

/* Polls a transition waits for are a describe's: looking does not count. */
static void ec2_inspection_counts_no_polls(void **st)
{
    mockaws *s = *st;
    load(s, "{\"ec2\": {\"transitions\": {\"pending_ms\": 0, \"pending_polls\": 2},"
            " \"instances\": [{\"id\": \"i-0123456789abcdef2\", \"state\": \"pending\"}]}}");
    for (int i = 0; i < 5; i++) {
        json_t *d;
        assert_int_equal(get(s, &d, "ec2/instances"), 200);
        assert_string_equal(str_at(d, 0, "state"), "pending");
        assert_true(json_is_null(json_object_get(json_array_get(json_object_get(d, "instances"), 0), "next_change")));
        assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(d, "instances"), 0),
                                                            "polls_left")),
                         2);
        json_decref(d);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(s3_pages_through_objects, setup, teardown),
        cmocka_unit_test_setup_teardown(s3_shows_one_object, setup, teardown),
        cmocka_unit_test_setup_teardown(s3_refuses_bad_parameters, setup, teardown),
        cmocka_unit_test_setup_teardown(dynamodb_pages_through_items, setup, teardown),
        cmocka_unit_test_setup_teardown(sns_lists_topics, setup, teardown),
        cmocka_unit_test_setup_teardown(ec2_next_change_follows_the_clock, setup, teardown),
        cmocka_unit_test_setup_teardown(ec2_inspection_counts_no_polls, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
