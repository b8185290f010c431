/* DynamoDB attribute values: validation messages, sizes, equality, order,
 * the wire's base64 form, and the item store's key order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "services/dynamodb/store.h"
#include "services/dynamodb/value.h"

static json_t *J(const char *text)
{
    json_error_t e;
    json_t *v = json_loads(text, JSON_DECODE_ANY, &e);
    if (!v)
        fail_msg("bad test JSON %s: %s", text, e.text);
    return v;
}

static void assert_check(const char *text, const char *want)
{
    json_t *v = J(text);
    char *m = ddb_value_check(v, 1);
    if (!want) {
        if (m)
            fail_msg("%s: unexpected %s", text, m);
    } else {
        if (!m)
            fail_msg("%s: accepted, want %s", text, want);
        assert_string_equal(m, want);
    }
    g_free(m);
    json_decref(v);
}

static void validation_messages(void **st)
{
    assert_check("{\"S\": \"\"}", NULL);
    assert_check("{\"B\": \"\"}", NULL);
    assert_check("{\"L\": []}", NULL);
    assert_check("{\"M\": {}}", NULL);
    assert_check("{}", "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
    assert_check("{\"S\": \"a\", \"BOOL\": true}",
                 "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported "
                 "datatypes");
    /* a type's own error comes before the "one type" error */
    assert_check("{\"S\": \"\", \"N\": \"\"}", "The parameter cannot be converted to a numeric value");
    assert_check("{\"N\": \"b\"}", "The parameter cannot be converted to a numeric value: b");
    assert_check("{\"NULL\": false}",
                 "One or more parameter values were invalid: Null attribute value types must have the value of true");
    assert_check("{\"SS\": []}", "One or more parameter values were invalid: An string set  may not be empty");
    assert_check("{\"NS\": []}", "One or more parameter values were invalid: An number set  may not be empty");
    assert_check("{\"BS\": []}", "One or more parameter values were invalid: Binary sets should not be empty");
    assert_check("{\"SS\": [\"a\", \"a\"]}",
                 "One or more parameter values were invalid: Input collection [a, a] contains duplicates.");
    assert_check("{\"NS\": [\"1\", \"1.0\"]}", "Input collection contains duplicates");
    assert_check("{\"NS\": [\"1\", \"x\"]}", "The parameter cannot be converted to a numeric value: x");
    assert_check("{\"BS\": [\"a\", \"a\"]}",
                 "One or more parameter values were invalid: Input collection [YQ==, YQ==]of type BS contains "
                 "duplicates.");
    assert_check("{\"M\": {\"x\": {\"N\": \"1e126\"}}}",
                 "Number overflow. Attempting to store a number with magnitude larger than supported range");
    assert_check("{\"L\": [{\"S\": \"a\"}, {}]}",
                 "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");

    /* 32 levels are fine, 33 are not */
    GString *deep = g_string_new(NULL);
    for (int i = 0; i < 31; i++)
        g_string_append(deep, "{\"L\": [");
    g_string_append(deep, "{\"S\": \"x\"}");
    for (int i = 0; i < 31; i++)
        g_string_append(deep, "]}");
    assert_check(deep->str, NULL);
    g_string_prepend(deep, "{\"L\": [");
    g_string_append(deep, "]}");
    json_t *v = J(deep->str);
    char *m = ddb_value_check(v, 1);
    assert_non_null(m);
    assert_non_null(strstr(m, "Nesting Levels have exceeded supported limits"));
    g_free(m);
    json_decref(v);
    g_string_free(deep, TRUE);
}

static void numbers_become_canonical(void **st)
{
    json_t *v = J("{\"M\": {\"a\": {\"N\": \"01.50\"}, \"s\": {\"NS\": [\"1e2\", \"-0\"]}}}");
    assert_null(ddb_value_check(v, 1));
    json_t *m = json_object_get(v, "M");
    assert_string_equal(json_string_value(json_object_get(json_object_get(m, "a"), "N")), "1.5");
    json_t *ns = json_object_get(json_object_get(m, "s"), "NS");
    assert_string_equal(json_string_value(json_array_get(ns, 0)), "100");
    assert_string_equal(json_string_value(json_array_get(ns, 1)), "0");
    json_decref(v);
}

static void sizes(void **st)
{
    json_t *item = J("{\"id\": {\"S\": \"abc\"}, \"n\": {\"N\": \"123\"}, \"b\": {\"BOOL\": true}, "
                     "\"l\": {\"L\": [{\"S\": \"xy\"}, {\"NULL\": true}]}, \"m\": {\"M\": {\"k\": {\"S\": \"v\"}}}, "
                     "\"ss\": {\"SS\": [\"a\", \"bc\"]}}");
    /* id 2+3, n 1+3, b 1+1, l 1+(3+1+2+1+1), m 1+(3+1+1+1), ss 2+3 */
    assert_int_equal(ddb_item_size(item), 5 + 4 + 2 + 9 + 7 + 5);
    json_decref(item);
    json_t *utf8 = J("{\"s\": {\"S\": \"\\u00e9\\u20ac\"}}");
    assert_int_equal(ddb_item_size(utf8), 1 + 5); /* bytes of UTF-8, not characters */
    json_decref(utf8);
}

static void equality_and_order(void **st)
{
    json_t *a = J("{\"SS\": [\"x\", \"y\"]}"), *b = J("{\"SS\": [\"y\", \"x\"]}"), *c = J("{\"SS\": [\"x\"]}");
    assert_true(ddb_value_equal(a, b));
    assert_false(ddb_value_equal(a, c));
    json_t *m1 = J("{\"M\": {\"a\": {\"L\": [{\"N\": \"1\"}]}, \"b\": {\"BOOL\": false}}}");
    json_t *m2 = J("{\"M\": {\"b\": {\"BOOL\": false}, \"a\": {\"L\": [{\"N\": \"1\"}]}}}");
    assert_true(ddb_value_equal(m1, m2));
    json_t *n1 = J("{\"N\": \"10\"}"), *n2 = J("{\"N\": \"9\"}"), *s1 = J("{\"S\": \"10\"}"), *s2 = J("{\"S\": \"9\"}");
    assert_true(ddb_value_cmp(n1, n2) > 0);
    assert_true(ddb_value_cmp(s1, s2) < 0); /* strings are bytewise */
    assert_false(ddb_value_equal(n1, s1));
    json_decref(a);
    json_decref(b);
    json_decref(c);
    json_decref(m1);
    json_decref(m2);
    json_decref(n1);
    json_decref(n2);
    json_decref(s1);
    json_decref(s2);
}

static void wire_form(void **st)
{
    json_t *w = J("{\"b\": {\"B\": \"AAE=\"}, \"bs\": {\"BS\": [\"YQ==\"]}, \"l\": {\"L\": [{\"B\": \"Yg==\"}]}}");
    char *err = NULL;
    json_t *item = ddb_item_from_wire(w, &err);
    assert_non_null(item);
    json_t *b = json_object_get(json_object_get(item, "b"), "B");
    assert_int_equal(json_string_length(b), 2);
    assert_memory_equal(json_string_value(b), "\0\1", 2);
    json_t *back = ddb_item_to_wire(item);
    assert_true(json_equal(back, w));
    json_decref(back);
    json_decref(item);
    json_decref(w);

    json_t *bad = J("{\"x\": {\"B\": \"not base64!\"}}");
    assert_null(ddb_item_from_wire(bad, &err));
    assert_non_null(err);
    g_free(err);
    json_decref(bad);
    err = NULL;
    bad = J("{\"x\": {\"Q\": \"1\"}}");
    assert_null(ddb_item_from_wire(bad, &err));
    assert_non_null(strstr(err, "unknown attribute value type"));
    g_free(err);
    json_decref(bad);
}

static void store_orders_sort_keys(void **st)
{
    ddb_store *s = ddb_store_new();
    const char *nums[] = {"10", "-3", "2.5", "0", "100", "-20"};
    ddb_keyval h = {'S', "p", 1};
    for (size_t i = 0; i < G_N_ELEMENTS(nums); i++) {
        ddb_keyval r = {'N', nums[i], strlen(nums[i])};
        ddb_store_put(s, &h, &r, 1, json_pack("{s:s}", "n", nums[i]), NULL, 10);
    }
    /* a replacement keeps one entry */
    ddb_keyval r10 = {'N', "10", 2};
    ddb_store_put(s, &h, &r10, 1, json_pack("{s:s}", "n", "10 again"), NULL, 12);
    assert_int_equal(ddb_store_count(s), 6);
    assert_int_equal(ddb_store_bytes(s), 62);
    const ddb_part *p = ddb_store_partition(s, &h);
    assert_non_null(p);
    const char *want[] = {"-20", "-3", "0", "2.5", "10 again", "100"};
    size_t i = 0;
    pmap_iter it;
    for (const ddb_entry *e = pmap_first(&p->items, &it); e; e = pmap_next(&it), i++)
        assert_string_equal(json_string_value(json_object_get(e->item, "n")), want[i]);
    assert_int_equal(i, 6);
    /* a Query page starts from a bound in O(log n), either way */
    ddb_keyval one = {'N', "1", 1};
    const ddb_entry *from = ddb_part_seek(p, &it, &one, 1, false);
    assert_string_equal(json_string_value(json_object_get(from->item, "n")), "2.5");
    ddb_keyval two5 = {'N', "2.5", 3};
    from = ddb_part_seek(p, &it, &two5, 1, true);
    assert_string_equal(json_string_value(json_object_get(from->item, "n")), "10 again");
    from = ddb_part_seek_back(p, &it, &two5, 1, true);
    assert_string_equal(json_string_value(json_object_get(from->item, "n")), "0");
    from = ddb_part_seek_back(p, &it, &two5, 1, false);
    assert_string_equal(json_string_value(json_object_get(from->item, "n")), "2.5");
    from = pmap_prev(&it);
    assert_string_equal(json_string_value(json_object_get(from->item, "n")), "0");
    assert_true(ddb_store_remove(s, &h, &r10, 1));
    assert_false(ddb_store_remove(s, &h, &r10, 1));
    assert_int_equal(ddb_store_count(s), 5);
    ddb_keyval other = {'S', "q", 1};
    assert_null(ddb_store_get(s, &other, &r10, 1));
    ddb_store_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(validation_messages), cmocka_unit_test(numbers_become_canonical),
        cmocka_unit_test(sizes),               cmocka_unit_test(equality_and_order),
        cmocka_unit_test(wire_form),           cmocka_unit_test(store_orders_sort_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
