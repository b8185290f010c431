/* Journal ring and clock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <glib.h>
#include <string.h>

#include "core/clock.h"
#include "core/journal.h"

static void add(journal *j, const char *svc, const char *op, const char *error)
{
    journal_entry e = {.service = svc, .operation = op, .error = error, .status = error ? 400 : 200,
                       .request_id = "rid"};
    journal_add(j, &e);
}

static void ring_keeps_the_newest(void **st)
{
    journal *j = journal_new(3);
    for (int i = 0; i < 5; i++)
        add(j, "sts", i % 2 ? "AssumeRole" : "GetCallerIdentity", NULL);
    json_t *all = journal_query(j, NULL);
    json_t *entries = json_object_get(all, "entries");
    assert_int_equal(json_array_size(entries), 3);
    /* oldest first: seq 3, 4, 5 */
    assert_int_equal(json_integer_value(json_object_get(json_array_get(entries, 0), "seq")), 3);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(entries, 2), "seq")), 5);
    json_decref(all);
    journal_free(j);
}

static void filters(void **st)
{
    journal *j = journal_new(100);
    add(j, "s3", "GetObject", "NoSuchKey");
    add(j, "s3", "GetObject", NULL);
    add(j, "sts", "GetCallerIdentity", NULL);
    add(j, "s3", "PutObject", "SlowDown");
    assert_int_equal(journal_count(j, &(journal_filter){.service = "s3"}), 3);
    assert_int_equal(journal_count(j, &(journal_filter){.operation = "GetObject"}), 2);
    assert_int_equal(journal_count(j, &(journal_filter){.error = "SlowDown"}), 1);
    assert_int_equal(journal_count(j, &(journal_filter){.since = 2}), 2);
    json_t *q = journal_query(j, &(journal_filter){.service = "s3", .limit = 2});
    json_t *entries = json_object_get(q, "entries");
    assert_int_equal(json_array_size(entries), 2);
    json_t *first = json_array_get(entries, 0);
    assert_string_equal(json_string_value(json_object_get(first, "error")), "NoSuchKey");
    assert_true(json_is_null(json_object_get(json_array_get(entries, 1), "error")));
    json_decref(q);
    journal_clear(j);
    assert_int_equal(journal_count(j, NULL), 0);
    journal_free(j);
}

/* The journal copies what it is given, and a slot it reuses holds the new
 * entry whole whether it is longer or shorter than the one before. */
static void entries_are_copies(void **st)
{
    journal *j = journal_new(2);
    char buf[64];
    g_strlcpy(buf, "first-resource", sizeof buf);
    journal_entry e = {.service = "s3", .operation = "GetObject", .resource = buf, .request_id = "r1"};
    journal_add(j, &e);
    memset(buf, 'x', sizeof buf - 1);
    char *longer = g_strnfill(5000, 'k');
    journal_add(j, &(journal_entry){.service = "s3", .resource = longer, .invocation_id = "inv"});
    /* overwrites the first slot: longer than it, then much shorter */
    journal_add(j, &(journal_entry){.service = "dynamodb", .resource = longer, .error = "E"});
    journal_add(j, &(journal_entry){.service = "sts", .operation = "GetCallerIdentity"});
    g_free(longer);
    json_t *q = journal_query(j, NULL);
    json_t *entries = json_object_get(q, "entries");
    assert_int_equal(json_array_size(entries), 2);
    json_t *a = json_array_get(entries, 0), *b = json_array_get(entries, 1);
    assert_string_equal(json_string_value(json_object_get(a, "service")), "dynamodb");
    assert_int_equal(strlen(json_string_value(json_object_get(a, "resource"))), 5000);
    assert_string_equal(json_string_value(json_object_get(a, "error")), "E");
    assert_true(json_is_null(json_object_get(a, "operation")));
    assert_string_equal(json_string_value(json_object_get(b, "service")), "sts");
    assert_string_equal(json_string_value(json_object_get(b, "operation")), "GetCallerIdentity");
    assert_true(json_is_null(json_object_get(b, "resource")));
    json_decref(q);

    journal *k = journal_new(4);
    g_strlcpy(buf, "kept", sizeof buf);
    journal_add(k, &(journal_entry){.service = "s3", .resource = buf});
    buf[0] = 'X';
    q = journal_query(k, NULL);
    assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(q, "entries"), 0),
                                                          "resource")), "kept");
    json_decref(q);
    journal_free(k);
    journal_free(j);
}

static void virtual_clock(void **st)
{
    srv_clock c;
    clock_init(&c);
    int64_t before = clock_now_ms(&c);
    clock_set_virtual(&c, true);
    int64_t frozen = clock_now_ms(&c);
    assert_true(frozen >= before);
    g_usleep(20000);
    assert_int_equal(clock_now_ms(&c), frozen);
    clock_advance(&c, 60000);
    assert_int_equal(clock_now_ms(&c), frozen + 60000);
    clock_set_virtual(&c, false);
    /* back in real time, never earlier than the virtual time was */
    assert_true(clock_now_ms(&c) >= frozen + 60000);
    clock_clear(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ring_keeps_the_newest),
        cmocka_unit_test(filters),
        cmocka_unit_test(entries_are_copies),
        cmocka_unit_test(virtual_clock),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
