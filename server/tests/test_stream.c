/* The journal stream's events (core/stream.h), without HTTP: what a
 * listener has to send after each change to the journal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <glib.h>
#include <microhttpd.h>
#include <string.h>

#include "core/journal.h"
#include "core/stream.h"
#include "mockaws.h"

static uint64_t add(journal *j, const char *svc, const char *op)
{
    journal_entry e = {.service = svc, .operation = op, .status = 200, .request_id = "rid"};
    return journal_add(j, &e);
}

/* A journal of capacity entries and its hub. */
static stream_hub *hub_over(journal **j, size_t capacity, unsigned max_listeners, int64_t keepalive_ms)
{
    *j = journal_new(capacity);
    return stream_hub_new(*j, max_listeners, keepalive_ms);
}

static void hub_done(stream_hub *h, journal *j)
{
    stream_hub_free(h);
    journal_free(j);
}

/* A listener from seq after on, unfiltered. */
static stream_listener *from(stream_hub *h, uint64_t after)
{
    return stream_open(h, after, false, NULL, NULL, NULL);
}

/* The ids of the events pending, each as "<event>:<id>", space-separated
 * (id "-" when none); and every event well formed. */
static char *events(stream_listener *l)
{
    GString *got = g_string_new(NULL);
    const char *p = stream_pending(l);
    while (*p) {
        const char *end = strstr(p, "\n\n");
        assert_non_null(end);
        char *ev = g_strndup(p, end - p);
        char **lines = g_strsplit(ev, "\n", -1);
        const char *id = "-", *name = NULL, *data = NULL;
        for (char **ln = lines; *ln; ln++) {
            if (g_str_has_prefix(*ln, "id: "))
                id = *ln + 4;
            else if (g_str_has_prefix(*ln, "event: "))
                name = *ln + 7;
            else if (g_str_has_prefix(*ln, "data: "))
                data = *ln + 6;
            else
                fail_msg("unexpected line '%s'", *ln);
        }
        assert_non_null(name);
        assert_non_null(data);
        json_t *v = json_loads(data, 0, NULL);
        assert_non_null(v);
        if (strcmp(name, "entry") == 0)
            assert_int_equal(json_integer_value(json_object_get(v, "seq")), g_ascii_strtoull(id, NULL, 10));
        if (strcmp(name, "gap") == 0) {
            char want[64];
            g_snprintf(want, sizeof want, "%" JSON_INTEGER_FORMAT, json_integer_value(json_object_get(v, "to")));
            assert_string_equal(id, want);
        }
        json_decref(v);
        g_string_append_printf(got, "%s%s:%s", got->len ? " " : "", name, id);
        g_strfreev(lines);
        g_free(ev);
        p = end + 2;
    }
    return g_string_free(got, FALSE);
}

static void assert_events(stream_listener *l, const char *want)
{
    char *got = events(l);
    assert_string_equal(got, want);
    g_free(got);
}

/* The entry's data is the entry exactly as the journal lists it. */
static void entry_as_listed(void **st)
{
    journal *j;
    stream_hub *h = hub_over(&j, 10, 4, 60000);
    stream_listener *l = from(h, 0);
    add(j, "sts", "GetCallerIdentity");
    const char *text = stream_pending(l);
    json_t *listed = journal_query(j, NULL);
    char *one = json_dumps(json_array_get(json_object_get(listed, "entries"), 0), JSON_COMPACT | JSON_ENSURE_ASCII);
    char *want = g_strdup_printf("id: 1\nevent: entry\ndata: %s\n\n", one);
    assert_string_equal(text, want);
    g_free(want);
    free(one);
    json_decref(listed);
    assert_string_equal(stream_pending(l), "");
    stream_release(l);
    hub_done(h, j);
}

/* From since on, or from now; filters skip entries but move on past them. */
static void since_now_and_filters(void **st)
{
    journal *j;
    stream_hub *h = hub_over(&j, 10, 4, 60000);
    add(j, "sts", "GetCallerIdentity");
    add(j, "s3", "GetObject");
    add(j, "sts", "AssumeRole");
    stream_listener *from1 = from(h, 1);
    stream_listener *now = stream_open(h, 0, true, NULL, NULL, NULL);
    stream_listener *sts = stream_open(h, 0, false, "sts", NULL, NULL);
    stream_listener *op = stream_open(h, 0, false, NULL, "GetObject", NULL);
    assert_int_equal(stream_listeners(h), 4);
    assert_events(from1, "entry:2 entry:3");
    assert_events(now, "");
    assert_events(sts, "entry:1 entry:3");
    assert_events(op, "entry:2");
    add(j, "s3", "GetObject");
    assert_events(from1, "entry:4");
    assert_events(now, "entry:4");
    assert_events(sts, "");
    assert_events(op, "entry:4");
    stream_release(from1);
    stream_release(now);
    stream_release(sts);
    stream_release(op);
    assert_int_equal(stream_listeners(h), 0);
    hub_done(h, j);
}

/* A reader that fell behind the ring is told what it lost, then gets what
 * is left, in order. */
static void gap_when_the_ring_turned(void **st)
{
    journal *j;
    stream_hub *h = hub_over(&j, 3, 4, 60000);
    stream_listener *l = from(h, 0);
    add(j, "sts", "GetCallerIdentity");
    assert_events(l, "entry:1");
    for (int i = 0; i < 6; i++)
        add(j, "sts", "GetCallerIdentity");
    /* 2..4 left the ring; 5..7 are there */
    assert_events(l, "gap:4 entry:5 entry:6 entry:7");
    add(j, "sts", "GetCallerIdentity");
    assert_events(l, "entry:8");
    /* a filter does not hide a gap: what was lost might have matched */
    stream_listener *f = stream_open(h, 1, false, "s3", NULL, NULL);
    assert_events(f, "gap:5");
    stream_release(f);
    stream_release(l);
    hub_done(h, j);
}

/* A clear or a truncate is a reset; what the reset took is no gap. */
static void reset_on_clear_and_truncate(void **st)
{
    journal *j;
    stream_hub *h = hub_over(&j, 10, 4, 60000);
    stream_listener *l = from(h, 0);
    add(j, "sts", "A");
    add(j, "sts", "B");
    assert_events(l, "entry:1 entry:2");
    add(j, "sts", "C"); /* not read before the clear */
    journal_clear(j);
    add(j, "sts", "D");
    assert_events(l, "reset:3 entry:4");
    /* a later listener from 0: the cleared seqs went with the reset */
    stream_listener *late = from(h, 0);
    assert_events(late, "entry:4");
    add(j, "sts", "E");
    journal_truncate(j, 4);
    add(j, "sts", "F");
    assert_events(l, "reset:5 entry:6");
    assert_events(late, "reset:5 entry:6");
    stream_release(late);
    stream_release(l);
    hub_done(h, j);
}

/* A listener formats a bounded amount ahead: the rest waits in the ring
 * (read next time), never in a queue of its own. */
static void bounded_buffer(void **st)
{
    journal *j;
    stream_hub *h = hub_over(&j, 1000, 4, 60000);
    stream_listener *l = from(h, 0);
    for (int i = 0; i < 1000; i++)
        add(j, "sts", "GetCallerIdentity");
    size_t rounds = 0, seen = 0;
    for (;;) {
        const char *text = stream_pending(l);
        size_t n = strlen(text);
        if (!n)
            break;
        assert_true(n < 32 * 1024);
        for (const char *p = text; (p = strstr(p, "event: entry\n")); p++)
            seen++;
        rounds++;
    }
    assert_int_equal(seen, 1000);
    assert_true(rounds > 1);
    stream_release(l);
    hub_done(h, j);
}

/* Listeners are bounded; a released one makes room; a stopped hub takes
 * none. */
static void listener_limit(void **st)
{
    journal *j;
    stream_hub *h = hub_over(&j, 10, 2, 60000);
    stream_listener *a = from(h, 0);
    stream_listener *b = from(h, 0);
    assert_non_null(a);
    assert_non_null(b);
    assert_null(from(h, 0));
    stream_release(a);
    a = from(h, 0);
    assert_non_null(a);
    stream_hub_stop(h);
    stream_release(b);
    assert_null(from(h, 0));
    stream_release(a);
    hub_done(h, j);
}

/* Silence brings a keep-alive comment from the waker (a short interval
 * here), and an entry after it; the stop ends the stream. */
static void keepalive(void **st)
{
    journal *j;
    stream_hub *h = hub_over(&j, 10, 4, 50);
    stream_listener *l = from(h, 0);
    char buf[4096];
    ssize_t n;
    int64_t deadline = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;
    /* 0 until the waker flags it; never an error, never an entry */
    while ((n = stream_read(l, 0, buf, sizeof buf)) == 0) {
        assert_true(g_get_monotonic_time() < deadline);
        g_usleep(1000);
    }
    assert_int_equal(n, strlen(": keep-alive\n\n"));
    assert_memory_equal(buf, ": keep-alive\n\n", (size_t)n);
    add(j, "sts", "GetCallerIdentity");
    while ((n = stream_read(l, 0, buf, sizeof buf)) == 0 || buf[0] == ':') {
        assert_true(g_get_monotonic_time() < deadline);
        g_usleep(1000);
    }
    assert_true(g_str_has_prefix(buf, "id: 1\nevent: entry\n"));
    /* stopping ends it */
    stream_hub_stop(h);
    assert_int_equal(stream_read(l, 0, buf, sizeof buf), MHD_CONTENT_READER_END_OF_STREAM);
    stream_release(l);
    hub_done(h, j);
}

/* The embedding call cannot stream: it says so, and where to read instead. */
static void not_through_mockaws_control(void **st)
{
    char err[256], *out = NULL;
    mockaws *m = mockaws_start(NULL, err, sizeof err);
    if (!m)
        fail_msg("start: %s", err);
    assert_int_equal(mockaws_control(m, "GET", "journal/stream", NULL, &out), 400);
    assert_non_null(strstr(out, "journal?since="));
    mockaws_free(out);
    mockaws_stop(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(entry_as_listed),
        cmocka_unit_test(since_now_and_filters),
        cmocka_unit_test(gap_when_the_ring_turned),
        cmocka_unit_test(reset_on_clear_and_truncate),
        cmocka_unit_test(bounded_buffer),
        cmocka_unit_test(listener_limit),
        cmocka_unit_test(keepalive),
        cmocka_unit_test(not_through_mockaws_control),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
