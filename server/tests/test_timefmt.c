/* timefmt: the three AWS timestamp forms, both ways. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "wire/timefmt.h"

static void expect_parse(const char *text, double want)
{
    double got = -1;
    if (!timefmt_parse(text, &got))
        fail_msg("timefmt_parse(\"%s\") refused", text);
    if (fabs(got - want) > 1e-6)
        fail_msg("timefmt_parse(\"%s\") = %.6f, want %.6f", text, got, want);
}

static void expect_format(double epoch, timefmt_kind kind, const char *want)
{
    GString *s = g_string_new(NULL);
    timefmt_format(s, epoch, kind);
    assert_string_equal(s->str, want);
    g_string_free(s, TRUE);
}

static void test_parse_iso8601(void **state)
{
    expect_parse("2014-04-29T18:30:38Z", 1398796238);
    expect_parse("2000-01-02T20:34:56.123Z", 946845296.123);
    expect_parse("2019-12-16T22:48:18-01:00", 1576540098);
    expect_parse("2019-12-17T00:48:18+01:00", 1576540098);
    expect_parse("2014-04-29t18:30:38z", 1398796238);
    expect_parse("2014-04-29T18:30:38", 1398796238); /* no zone: UTC */
    expect_parse("2014-04-29T18:30:38.123456Z", 1398796238.123456);
}

static void test_parse_http_date(void **state)
{
    expect_parse("Tue, 29 Apr 2014 18:30:38 GMT", 1398796238);
    expect_parse("Mon, 16 Dec 2019 23:48:18 GMT", 1576540098);
    expect_parse("Tue, 29 Apr 2014 20:30:38 +0200", 1398796238);
    expect_parse("Tuesday, 29-Apr-14 18:30:38 GMT", 1398796238);
    expect_parse("Tue Apr 29 18:30:38 2014", 1398796238);
}

static void test_parse_unix(void **state)
{
    expect_parse("1398796238", 1398796238);
    expect_parse("1398796238.123", 1398796238.123);
    expect_parse("0", 0);
    expect_parse("-1.5", -1.5);
}

static void test_parse_refuses(void **state)
{
    const char *bad[] = {"", "   ", "yesterday", "2014-13-40T00:00:00Z", "Tue, 29 Foo 2014 18:30:38 GMT",
                         "Tue, 29 Apr 2014 18:30:38 PST", "12abc", "NaN", "inf", "1e999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double e;
        if (timefmt_parse(bad[i], &e))
            fail_msg("timefmt_parse(\"%s\") accepted: %f", bad[i], e);
    }
}

static void test_format(void **state)
{
    expect_format(1398796238, TIMEFMT_ISO8601, "2014-04-29T18:30:38Z");
    expect_format(946845296.123, TIMEFMT_ISO8601, "2000-01-02T20:34:56.123Z");
    /* a value just under the millisecond must round, not truncate */
    expect_format(946845296.1229999, TIMEFMT_ISO8601, "2000-01-02T20:34:56.123Z");
    expect_format(1398796238.9996, TIMEFMT_ISO8601, "2014-04-29T18:30:39Z");
    expect_format(1398796238, TIMEFMT_RFC822, "Tue, 29 Apr 2014 18:30:38 GMT");
    expect_format(1398796238.5, TIMEFMT_RFC822, "Tue, 29 Apr 2014 18:30:38 GMT");
    expect_format(1398796238, TIMEFMT_UNIX, "1398796238");
    expect_format(1398796238.5, TIMEFMT_UNIX, "1398796238.5");
    expect_format(946845296.123, TIMEFMT_UNIX, "946845296.123");
    expect_format(-1.5, TIMEFMT_ISO8601, "1969-12-31T23:59:58.500Z");
    GString *s = g_string_new(NULL);
    timefmt_http_date(s, 0);
    assert_string_equal(s->str, "Thu, 01 Jan 1970 00:00:00 GMT");
    g_string_free(s, TRUE);
}

/* The edges of the years a date is written for (1 to 9999), every weekday,
 * and the fallback outside them: the same as GLib's GDateTime gave. */
static void test_format_range(void **state)
{
    expect_format(253402300799, TIMEFMT_RFC822, "Fri, 31 Dec 9999 23:59:59 GMT");
    expect_format(253402300799, TIMEFMT_ISO8601_MS, "9999-12-31T23:59:59.000Z");
    expect_format(-62135596800, TIMEFMT_ISO8601, "0001-01-01T00:00:00Z");
    expect_format(-62135596800, TIMEFMT_RFC822, "Mon, 01 Jan 0001 00:00:00 GMT");
    expect_format(253402300800, TIMEFMT_RFC822, "Thu, 01 Jan 1970 00:00:00 GMT");
    expect_format(-62135596801, TIMEFMT_ISO8601, "1970-01-01T00:00:00Z");
    expect_format(1e300, TIMEFMT_ISO8601, "1970-01-01T00:00:00Z");
    const char *days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    for (int d = 0; d < 7; d++) {
        /* 2026-11-29 was a Sunday */
        char want[40];
        g_snprintf(want, sizeof want, "%s, %02d %s 2026 00:00:00 GMT", days[d], d < 2 ? 29 + d : d - 1,
                   d < 2 ? "Nov" : "Dec");
        expect_format(1795910400.0 + 86400.0 * d, TIMEFMT_RFC822, want);
    }
}

static void test_kind_names(void **state)
{
    timefmt_kind k;
    assert_true(timefmt_kind_from_name("iso8601", &k) && k == TIMEFMT_ISO8601);
    assert_true(timefmt_kind_from_name("rfc822", &k) && k == TIMEFMT_RFC822);
    assert_true(timefmt_kind_from_name("unixTimestamp", &k) && k == TIMEFMT_UNIX);
    assert_false(timefmt_kind_from_name("epoch", &k));
    assert_false(timefmt_kind_from_name(NULL, &k));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_iso8601), cmocka_unit_test(test_parse_http_date),
        cmocka_unit_test(test_parse_unix),    cmocka_unit_test(test_parse_refuses),
        cmocka_unit_test(test_format),        cmocka_unit_test(test_format_range), cmocka_unit_test(test_kind_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
