/* DynamoDB numbers: parsing, canonical form, limits, order, exact sums. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "services/dynamodb/num.h"

static char *canon(const char *s, ddb_num_status *st)
{
    ddb_dec d;
    *st = ddb_num_parse(s, strlen(s), &d);
    return *st == DDB_NUM_OK ? ddb_num_to_string(&d) : NULL;
}

static void assert_canon(const char *in, const char *want)
{
    ddb_num_status st;
    char *got = canon(in, &st);
    if (st != DDB_NUM_OK)
        fail_msg("%s did not parse (%d)", in, st);
    assert_string_equal(got, want);
    g_free(got);
}

static void assert_status(const char *in, ddb_num_status want)
{
    ddb_dec d;
    assert_int_equal(ddb_num_parse(in, strlen(in), &d), want);
}

static void canonical_forms(void **st)
{
    assert_canon("1.50", "1.5");
    assert_canon("0100", "100");
    assert_canon("-0", "0");
    assert_canon("+5", "5");
    assert_canon("0.000", "0");
    assert_canon("-0.0e10", "0");
    assert_canon("1e2", "100");
    assert_canon("1E+2", "100");
    assert_canon("1.5e-3", "0.0015");
    assert_canon(".5", "0.5");
    assert_canon("5.", "5");
    assert_canon("-12.3400", "-12.34");
    assert_canon("123456789012345678901234567890.12345678", "123456789012345678901234567890.12345678");
    assert_canon("1e-130", "0." "000000000000000000000000000000000000000000000000000000000000000000000000000000000"
                           "0000000000000000000000000000000000000000000000001");
    assert_canon("9.9999999999999999999999999999999999999E+125",
                 "99999999999999999999999999999999999999000000000000000000000000000000000000000000000000000000000000"
                 "0000000000000000000000000000");
    /* trailing zeros are not significant digits */
    assert_canon("10000000000000000000000000000000000000000000000", "10000000000000000000000000000000000000000000000");
}

static void refusals(void **st)
{
    assert_status("", DDB_NUM_EMPTY);
    assert_status("abc", DDB_NUM_SYNTAX);
    assert_status(" 1", DDB_NUM_SYNTAX);
    assert_status("1 ", DDB_NUM_SYNTAX);
    assert_status("1e", DDB_NUM_SYNTAX);
    assert_status("1.2.3", DDB_NUM_SYNTAX);
    assert_status("--1", DDB_NUM_SYNTAX);
    assert_status(".", DDB_NUM_SYNTAX);
    assert_status("NaN", DDB_NUM_SYNTAX);
    assert_status("Infinity", DDB_NUM_SYNTAX);
    assert_status("0x10", DDB_NUM_SYNTAX);
    assert_status("123456789012345678901234567890123456789", DDB_NUM_PRECISION);
    assert_status("-1.23456789012345678901234567890123456789", DDB_NUM_PRECISION);
    assert_status("1e126", DDB_NUM_OVERFLOW);
    assert_status("-1e126", DDB_NUM_OVERFLOW);
    assert_status("1e-131", DDB_NUM_UNDERFLOW);
    assert_status("-1e-131", DDB_NUM_UNDERFLOW);
    assert_status("1e99999999999999999999", DDB_NUM_OVERFLOW);
    assert_status("0e99999999999999999999", DDB_NUM_OK);
    /* range is checked before precision, as DynamoDB does */
    assert_status("1234567890123456789012345678901234567890e200", DDB_NUM_OVERFLOW);
}

static void messages(void **st)
{
    GString *m = g_string_new(NULL);
    ddb_num_message(m, DDB_NUM_SYNTAX, "abc", 3);
    assert_string_equal(m->str, "The parameter cannot be converted to a numeric value: abc");
    g_string_truncate(m, 0);
    ddb_num_message(m, DDB_NUM_EMPTY, "", 0);
    assert_string_equal(m->str, "The parameter cannot be converted to a numeric value");
    g_string_truncate(m, 0);
    ddb_num_message(m, DDB_NUM_PRECISION, "", 0);
    assert_string_equal(m->str, "Attempting to store more than 38 significant digits in a Number");
    g_string_truncate(m, 0);
    ddb_num_message(m, DDB_NUM_OVERFLOW, "", 0);
    assert_string_equal(m->str,
                        "Number overflow. Attempting to store a number with magnitude larger than supported range");
    g_string_free(m, TRUE);
}

static void ordering(void **st)
{
    const char *sorted[] = {"-1e125", "-100", "-2.5", "-1", "-0.001", "0", "1e-130", "0.5", "1", "1.01", "2", "10",
                            "1e125"};
    for (size_t i = 0; i < G_N_ELEMENTS(sorted); i++)
        for (size_t j = 0; j < G_N_ELEMENTS(sorted); j++) {
            int c = ddb_num_cmp_str(sorted[i], sorted[j]);
            int want = i < j ? -1 : i > j ? 1 : 0;
            if ((c < 0 ? -1 : c > 0) != want)
                fail_msg("cmp(%s, %s) = %d", sorted[i], sorted[j], c);
        }
    assert_int_equal(ddb_num_cmp_str("1.0", "1"), 0);
    assert_int_equal(ddb_num_cmp_str("100", "1e2"), 0);
}

static void add_sub(const char *a, const char *b, bool sub, const char *want, ddb_num_status want_st)
{
    ddb_dec x, y, r;
    assert_int_equal(ddb_num_parse(a, strlen(a), &x), DDB_NUM_OK);
    assert_int_equal(ddb_num_parse(b, strlen(b), &y), DDB_NUM_OK);
    assert_int_equal(ddb_num_add(&x, &y, sub, &r), want_st);
    if (want) {
        char *s = ddb_num_to_string(&r);
        assert_string_equal(s, want);
        g_free(s);
    }
}

static void arithmetic(void **st)
{
    add_sub("1", "2", false, "3", DDB_NUM_OK);
    add_sub("0.1", "0.2", false, "0.3", DDB_NUM_OK);
    add_sub("1.5", "1.5", true, "0", DDB_NUM_OK);
    add_sub("-5", "3", false, "-2", DDB_NUM_OK);
    add_sub("3", "5", true, "-2", DDB_NUM_OK);
    /* 38 digits survive exactly */
    add_sub("12345678901234567890123456789012345678", "1", false, "12345678901234567890123456789012345679",
            DDB_NUM_OK);
    add_sub("99999999999999999999999999999999999999", "1", false, "100000000000000000000000000000000000000",
            DDB_NUM_OK);
    add_sub("0.00000000000000000000000000000000000001", "1", false, NULL,
            DDB_NUM_PRECISION);
    add_sub("9.9999999999999999999999999999999999999E+125", "1e125", false, NULL, DDB_NUM_OVERFLOW);
    add_sub("1e125", "1e-130", false, NULL, DDB_NUM_PRECISION);
    add_sub("0", "0", false, "0", DDB_NUM_OK);
    add_sub("0", "-7.25", false, "-7.25", DDB_NUM_OK);
}

static void sizes(void **st)
{
    struct {
        const char *n;
        size_t size;
    } cases[] = {
        {"0", 1},   {"1", 2},    {"12", 2},   {"123", 3},   {"-12", 3},  {"1.5", 3},
        {"0.5", 2}, {"12.34", 3}, {"123.4", 4}, {"1e125", 2}, {"11111e121", 4},
        /* 38 ones and 88 zeros */
        {"1111111111111111111111111111111111111100000000000000000000000000000000000000000000000000000000000000"
         "0000000000000000000000000",
         20},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        ddb_dec d;
        assert_int_equal(ddb_num_parse(cases[i].n, strlen(cases[i].n), &d), DDB_NUM_OK);
        if (ddb_num_size(&d) != cases[i].size)
            fail_msg("size(%s) = %zu, want %zu", cases[i].n, ddb_num_size(&d), cases[i].size);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(canonical_forms), cmocka_unit_test(refusals), cmocka_unit_test(messages),
        cmocka_unit_test(ordering),        cmocka_unit_test(arithmetic), cmocka_unit_test(sizes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
