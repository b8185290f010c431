/* body: bytes gathered in memory, spilled to an unlinked file past the
 * threshold, seen as one contiguous writable view either way. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <glib.h>
#include <string.h>

#include "wire/body.h"

/* The bytes of a body of n bytes as the tests write them. */
static char byte_at(size_t i) { return (char)('a' + (i * 7) % 26); }

static body_buf *filled(size_t spill_at, size_t n, size_t piece)
{
    body_buf *b = body_new(spill_at, NULL);
    char *buf = g_malloc(piece);
    for (size_t off = 0; off < n; off += piece) {
        size_t k = MIN(piece, n - off);
        for (size_t i = 0; i < k; i++)
            buf[i] = byte_at(off + i);
        assert_int_equal(body_append(b, buf, k), 0);
    }
    g_free(buf);
    assert_int_equal(body_finish(b), 0);
    return b;
}

static void assert_bytes(const body_buf *b, size_t n)
{
    assert_int_equal(body_len(b), n);
    const char *d = body_data(b);
    for (size_t i = 0; i < n; i++)
        if (d[i] != byte_at(i))
            fail_msg("byte %zu differs", i);
}

static void test_empty(void **state)
{
    body_buf *b = body_new(0, NULL);
    assert_int_equal(body_finish(b), 0);
    assert_non_null(body_data(b));
    assert_int_equal(body_len(b), 0);
    assert_false(body_is_file(b));
    body_free(b);
}

static void test_small_stays_in_memory(void **state)
{
    body_buf *b = filled(4096, 4096, 100);
    assert_false(body_is_file(b));
    assert_bytes(b, 4096);
    body_free(b);
}

static void test_spills_past_the_threshold(void **state)
{
    /* pieces that straddle the threshold, and more after it */
    body_buf *b = filled(4096, 100000, 3000);
    assert_true(body_is_file(b));
    assert_bytes(b, 100000);
    /* writable in place, as aws-chunked decoding needs */
    body_data_mut(b)[0] = 'Z';
    assert_int_equal(body_data(b)[0], 'Z');
    body_data_mut(b)[0] = byte_at(0);
    body_truncate(b, 10);
    assert_bytes(b, 10);
    body_free(b);
}

static void test_steal_moves_the_bytes(void **state)
{
    body_buf *b = filled(64, 1000, 128);
    const char *before = body_data(b);
    body_buf *taken = body_steal(b);
    assert_ptr_equal(body_data(taken), before); /* no copy */
    assert_bytes(taken, 1000);
    assert_int_equal(body_len(b), 0);
    /* the emptied one is usable again */
    assert_int_equal(body_append(b, "xy", 2), 0);
    assert_int_equal(body_finish(b), 0);
    assert_memory_equal(body_data(b), "xy", 2);
    body_free(b);
    body_free(taken);
}

static void test_adopt_and_truncate_in_memory(void **state)
{
    char *buf = g_malloc(1000);
    for (size_t i = 0; i < 1000; i++)
        buf[i] = byte_at(i);
    body_buf *b = body_adopt(buf, 1000);
    assert_ptr_equal(body_data(b), buf);
    body_truncate(b, 100); /* much smaller: memory given back */
    assert_bytes(b, 100);
    body_truncate(b, 500); /* never grows */
    assert_int_equal(body_len(b), 100);
    body_free(b);
}

static void test_unwritable_dir_fails_cleanly(void **state)
{
    body_buf *b = body_new(16, "/nonexistent/mockaws-body-test");
    assert_int_equal(body_append(b, "0123456789", 10), 0); /* in memory still */
    errno = 0;
    assert_int_equal(body_append(b, "0123456789", 10), -1);
    assert_int_not_equal(errno, 0);
    body_free(b);
}

static void test_append_after_finish_refused(void **state)
{
    body_buf *b = body_new(0, NULL);
    assert_int_equal(body_finish(b), 0);
    assert_int_equal(body_append(b, "x", 1), -1);
    body_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_small_stays_in_memory),
        cmocka_unit_test(test_spills_past_the_threshold),
        cmocka_unit_test(test_steal_moves_the_bytes),
        cmocka_unit_test(test_adopt_and_truncate_in_memory),
        cmocka_unit_test(test_unwritable_dir_fails_cleanly),
        cmocka_unit_test(test_append_after_finish_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
