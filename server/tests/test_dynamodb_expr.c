/* DynamoDB's expression language: syntax and semantic errors worded as
 * DynamoDB words them, condition evaluation, projections and updates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "services/dynamodb/expr_eval.h"
#include "services/dynamodb/expr_lex.h"
#include "services/dynamodb/expr_parse.h"
#include "services/dynamodb/reserved.h"

static json_t *J(const char *text)
{
    json_error_t e;
    json_t *v = json_loads(text, JSON_DECODE_ANY, &e);
    if (!v)
        fail_msg("bad test JSON %s: %s", text, e.text);
    return v;
}

typedef enum { COND, UPDATE, PROJ } kind;

/* Parses src with the given names / values (JSON text or NULL); returns
 * the full error (g_free) or NULL, checking unused names and values too. */
static char *parse_err(kind k, const char *src, const char *names, const char *values)
{
    json_t *n = names ? J(names) : NULL, *v = values ? J(values) : NULL;
    ddb_exprs *x = ddb_exprs_new(n, v);
    char *err = ddb_exprs_check_maps(x);
    if (!err) {
        void *r = k == COND     ? (void *)ddb_parse_condition(x, "ConditionExpression", src, &err)
                  : k == UPDATE ? (void *)ddb_parse_update(x, src, &err)
                                : (void *)ddb_parse_projection(x, src, &err);
        if (r && err)
            fail_msg("both a tree and an error for %s", src);
        if (!err)
            err = ddb_exprs_check_unused(x);
    }
    ddb_exprs_free(x);
    json_decref(n);
    json_decref(v);
    return err;
}

static void expect(kind k, const char *src, const char *names, const char *values, const char *want)
{
    char *err = parse_err(k, src, names, values);
    if (!want && err)
        fail_msg("%s: unexpected error: %s", src, err);
    if (want && !err)
        fail_msg("%s: accepted, want: %s", src, want);
    if (want && strcmp(err, want) != 0)
        fail_msg("%s:\n  got:  %s\n  want: %s", src, err, want);
    g_free(err);
}

#define V1 "{\":v\": {\"S\": \"x\"}}"
#define NV "{\":n\": {\"N\": \"5\"}}"

static void reserved_words(void **st)
{
    assert_int_equal(ddb_reserved_count(), 573);
    assert_true(ddb_reserved_word("status", 6));
    assert_true(ddb_reserved_word("STATUS", 6));
    assert_true(ddb_reserved_word("Name", 4));
    assert_true(ddb_reserved_word("zone", 4));
    assert_true(ddb_reserved_word("abort", 5));
    assert_false(ddb_reserved_word("username", 8));
    assert_false(ddb_reserved_word("id", 2));
}

static void syntax_errors(void **st)
{
    expect(UPDATE, "SET a = :v x", NULL, V1, "Invalid UpdateExpression: Syntax error; token: \"x\", near: \":v x\"");
    expect(UPDATE, "INVALID SYNTAX HERE", NULL, NULL,
           "Invalid UpdateExpression: Syntax error; token: \"INVALID\", near: \"INVALID SYNTAX\"");
    expect(UPDATE, "ADD hits : incr", NULL, NULL,
           "Invalid UpdateExpression: Syntax error; token: \":\", near: \"hits : incr\"");
    expect(COND, "a-b", NULL, NULL, "Invalid ConditionExpression: Syntax error; token: \"-\", near: \"a-b\"");
    expect(COND, "attribute_exists(a) AND NOT #b", "{\"#b\": \"b\"}", NULL,
           "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"#b\"");
    expect(COND, "contains()", NULL, NULL, "Invalid ConditionExpression: Syntax error; token: \")\", near: \"()\"");
    expect(COND, "a = :v AND", NULL, V1, "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"AND\"");
    expect(COND, "a ! b", NULL, NULL, "Invalid ConditionExpression: Syntax error; token: \"!\", near: \"a ! b\"");
    expect(COND, "a[x] = :v", NULL, V1, "Invalid ConditionExpression: Syntax error; token: \"x\", near: \"[x]\"");
    expect(PROJ, "a,,b", NULL, NULL, "Invalid ProjectionExpression: Syntax error; token: \",\", near: \",,b\"");
    expect(COND, "", NULL, NULL, "Invalid ConditionExpression: The expression can not be empty;");
    expect(UPDATE, "", NULL, NULL, "Invalid UpdateExpression: The expression can not be empty;");
}

static void names_and_values(void **st)
{
    expect(COND, "#a = :v", NULL, V1,
           "Invalid ConditionExpression: An expression attribute name used in the document path is not defined; "
           "attribute name: #a");
    expect(COND, "a = :w", NULL, V1,
           "Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute "
           "value: :w");
    expect(COND, "a = :v", "{\"#x\": \"x\"}", V1,
           "Value provided in ExpressionAttributeNames unused in expressions: keys: {#x}");
    expect(COND, "a = :v", NULL, "{\":v\": {\"S\": \"x\"}, \":x\": {\"S\": \"y\"}, \":y\": {\"S\": \"z\"}}",
           "Value provided in ExpressionAttributeValues unused in expressions: keys: {:x, :y}");
    expect(COND, "a = :v", "{}", V1, "ExpressionAttributeNames must not be empty");
    expect(COND, "a = :v", NULL, "{}", "ExpressionAttributeValues must not be empty");
    expect(COND, "a = :v", "{\"a\": \"x\"}", V1, "ExpressionAttributeNames contains invalid key: Syntax error; key: "
                                                 "\"a\"");
    expect(COND, "a = :v", NULL, "{\"b\": {\"S\": \"x\"}}",
           "ExpressionAttributeValues contains invalid key: Syntax error; key: \"b\"");
    expect(COND, "a = :v", NULL, "{\":v\": {\"N\": \"abc\"}}",
           "ExpressionAttributeValues contains invalid value: The parameter cannot be converted to a numeric value: "
           "abc for key :v");
    expect(UPDATE, "SET status = :v", NULL, V1,
           "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: status");
    expect(UPDATE, "SET #s = :v", "{\"#s\": \"status\"}", V1, NULL);
    expect(PROJ, "Name, b", NULL, NULL,
           "Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: Name");
}

static void condition_semantics(void **st)
{
    expect(COND, "foo(a)", NULL, NULL, "Invalid ConditionExpression: Invalid function name; function: foo");
    expect(COND, "attribute_exists(a, b)", NULL, NULL,
           "Invalid ConditionExpression: Incorrect number of operands for operator or function; operator or "
           "function: attribute_exists, number of operands: 2");
    expect(COND, "attribute_exists(:v)", NULL, V1,
           "Invalid ConditionExpression: Operator or function requires a document path; operator or function: "
           "attribute_exists");
    expect(COND, "begins_with(a, :n)", NULL, NV,
           "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: "
           "begins_with, operand type: N");
    expect(COND, "attribute_type(a, :n)", NULL, NV,
           "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: "
           "attribute_type, operand type: N");
    expect(COND, "attribute_type(a, :v)", NULL, V1,
           "Invalid ConditionExpression: Invalid attribute type name found; type: x, valid types: "
           "{B,NULL,SS,BOOL,L,BS,N,NS,S,M}");
    expect(COND, "size(a)", NULL, NULL,
           "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; "
           "function: size");
    expect(COND, "begins_with(a, :v) = :v", NULL, V1,
           "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; "
           "function: begins_with");
    expect(COND, "a = a", NULL, NULL,
           "Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this "
           "operator or function; operator: =, first operand: [a]");
    expect(COND, "((a = :v))", NULL, V1, "Invalid ConditionExpression: The expression has redundant parentheses;");
    expect(COND, "(a = :v) AND ((b = :v) OR c = :v)", NULL, V1, NULL);
    expect(COND, "a BETWEEN :n AND :v", NULL, "{\":n\": {\"N\": \"5\"}, \":v\": {\"S\": \"x\"}}",
           "Invalid ConditionExpression: The BETWEEN operator requires same data type for lower and upper bounds; "
           "lower bound operand: AttributeValue: {N:5}, upper bound operand: AttributeValue: {S:x}");
    expect(COND, "a BETWEEN :h AND :l", NULL, "{\":h\": {\"N\": \"5\"}, \":l\": {\"N\": \"1\"}}",
           "Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to "
           "lower bound; lower bound operand: AttributeValue: {N:5}, upper bound operand: AttributeValue: {N:1}");
    /* precedence: errors of the first condition win */
    expect(COND, "a = a AND #b = :v", NULL, V1,
           "Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this "
           "operator or function; operator: =, first operand: [a]");
    expect(COND, "size(a) > :n AND (b.c[1] <> :n OR NOT contains(d, :n)) AND e IN (:n, :n)", NULL, NV, NULL);
    expect(COND, "(a) = :n", NULL, NV, NULL);

    GString *in = g_string_new("a IN (");
    GString *vals = g_string_new("{");
    for (int i = 0; i < 101; i++) {
        g_string_append_printf(in, "%s:v%d", i ? ", " : "", i);
        g_string_append_printf(vals, "%s\":v%d\": {\"N\": \"%d\"}", i ? ", " : "", i, i);
    }
    g_string_append(in, ")");
    g_string_append(vals, "}");
    expect(COND, in->str, NULL, vals->str,
           "Invalid ConditionExpression: The IN operator is provided with too many operands; number of operands: 101");
    g_string_free(in, TRUE);
    g_string_free(vals, TRUE);
}

static void update_semantics(void **st)
{
    expect(UPDATE, "SET a = :v SET b = :v", NULL, V1,
           "Invalid UpdateExpression: The \"SET\" section can only be used once in an update expression;");
    expect(UPDATE, "SET a = :v REMOVE a", NULL, V1,
           "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of "
           "these paths; path one: [a], path two: [a]");
    expect(UPDATE, "SET a.b = :v REMOVE a", NULL, V1,
           "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of "
           "these paths; path one: [a, b], path two: [a]");
    expect(UPDATE, "SET a.b = :v REMOVE a[1]", NULL, V1,
           "Invalid UpdateExpression: Two document paths conflict with each other; must remove or rewrite one of "
           "these paths; path one: [a, b], path two: [a, [1]]");
    expect(UPDATE, "ADD a :v", NULL, V1,
           "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: "
           "STRING");
    expect(UPDATE, "DELETE a :n", NULL, NV,
           "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand "
           "type: NUMBER");
    expect(UPDATE, "SET a = :v + :n", NULL, "{\":v\": {\"S\": \"x\"}, \":n\": {\"N\": \"1\"}}",
           "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: +, "
           "operand type: S");
    expect(UPDATE, "SET a = list_append(:v, b)", NULL, V1,
           "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: "
           "list_append, operand type: S");
    expect(UPDATE, "SET a = if_not_exists(:v, :v)", NULL, V1,
           "Invalid UpdateExpression: Operator or function requires a document path; operator or function: "
           "if_not_exists");
    expect(UPDATE, "SET a = size(b)", NULL, NULL, "Invalid UpdateExpression: Invalid function name; function: size");
    expect(UPDATE, "SET a = :v, #b = if_not_exists(#b, :n) + :n REMOVE c[2], d.e ADD f :n DELETE g :s",
           "{\"#b\": \"b\"}", "{\":v\": {\"S\": \"x\"}, \":n\": {\"N\": \"1\"}, \":s\": {\"SS\": [\"q\"]}}", NULL);
    expect(UPDATE, "set a = (:v) remove b", NULL, V1, NULL);
    expect(UPDATE, "SET a = (b) + :n", NULL, NV, NULL);
}

static void projection_semantics(void **st)
{
    expect(PROJ, "a, b.c, d[1]", NULL, NULL, NULL);
    /* the first path that clashes is the one reported, among many */
    GString *many = g_string_new("q[0].x");
    for (int i = 0; i < 400; i++) /* 3.5 KB of the 4 KB an expression may hold */
        g_string_append_printf(many, ", p%d.v", i);
    g_string_append(many, ", q.y, p7, q[0].x.z");
    expect(PROJ, many->str, NULL, NULL,
           "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of "
           "these paths; path one: [p7, v], path two: [p7]");
    g_string_truncate(many, many->len - strlen(", p7, q[0].x.z"));
    expect(PROJ, many->str, NULL, NULL,
           "Invalid ProjectionExpression: Two document paths conflict with each other; must remove or rewrite one of "
           "these paths; path one: [q, [0], x], path two: [q, y]");
    g_string_free(many, TRUE);
    expect(PROJ, "a.b, a", NULL, NULL,
           "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of "
           "these paths; path one: [a, b], path two: [a]");
    expect(PROJ, "#x", NULL, NULL,
           "Invalid ProjectionExpression: An expression attribute name used in the document path is not defined; "
           "attribute name: #x");
}

/* ---- evaluation ---- */

static const char *ITEM = "{\"id\": {\"S\": \"k1\"}, \"n\": {\"N\": \"10\"}, \"s\": {\"S\": \"hello\"}, "
                          "\"b\": {\"B\": \"ab\"}, \"ss\": {\"SS\": [\"x\", \"y\"]}, \"ns\": {\"NS\": [\"1\", \"2\"]}, "
                          "\"l\": {\"L\": [{\"S\": \"a\"}, {\"N\": \"2\"}, {\"M\": {\"deep\": {\"BOOL\": true}}}]}, "
                          "\"m\": {\"M\": {\"nested\": {\"S\": \"v\"}, \"num\": {\"N\": \"3\"}}}, "
                          "\"nul\": {\"NULL\": true}, \"t\": {\"BOOL\": false}}";

static const char *VALUES = "{\":ten\": {\"N\": \"10\"}, \":nine\": {\"N\": \"9.99\"}, \":big\": {\"N\": \"100\"}, "
                            "\":he\": {\"S\": \"he\"}, \":hello\": {\"S\": \"hello\"}, \":x\": {\"S\": \"x\"}, "
                            "\":a\": {\"S\": \"a\"}, \":two\": {\"N\": \"2\"}, \":three\": {\"N\": \"3\"}, "
                            "\":S\": {\"S\": \"S\"}, \":NULL\": {\"S\": \"NULL\"}, \":t\": {\"BOOL\": true}, "
                            "\":ab\": {\"B\": \"a\"}, \":five\": {\"N\": \"5\"}, \":l\": {\"L\": [{\"S\": \"a\"}]}, "
                            "\":ssxy\": {\"SS\": [\"y\", \"x\"]}}";

static bool eval(const char *cond, json_t *item)
{
    json_t *v = J(VALUES);
    ddb_exprs *x = ddb_exprs_new(NULL, v);
    char *err = ddb_exprs_check_maps(x);
    assert_null(err);
    ddb_cond *c = ddb_parse_condition(x, "ConditionExpression", cond, &err);
    if (!c)
        fail_msg("%s: %s", cond, err);
    bool r = ddb_cond_eval(c, item);
    ddb_exprs_free(x);
    json_decref(v);
    return r;
}

static void conditions(void **st)
{
    json_t *item = J(ITEM);
    assert_true(eval("n = :ten", item));
    assert_true(eval("n > :nine AND n < :big", item));
    assert_false(eval("n > :ten", item));
    assert_true(eval("n >= :ten", item));
    assert_true(eval("n BETWEEN :nine AND :big", item));
    assert_false(eval("n BETWEEN :five AND :nine", item));
    assert_true(eval("n IN (:two, :ten)", item));
    assert_false(eval("n IN (:two, :three)", item));
    assert_true(eval("s > :he", item));        /* bytewise */
    assert_false(eval("n = :hello", item));    /* another type is never equal */
    assert_false(eval("n < :hello", item));    /* nor ordered */
    assert_true(eval("n <> :hello", item));
    assert_true(eval("absent <> :ten", item)); /* an absent attribute differs */
    assert_false(eval("absent = :ten", item));
    assert_false(eval("absent < :ten", item));
    assert_true(eval("begins_with(s, :he)", item));
    assert_true(eval("begins_with(b, :ab)", item));
    assert_false(eval("begins_with(n, :he)", item));
    assert_true(eval("contains(s, :he)", item));
    assert_true(eval("contains(ss, :x)", item));
    assert_true(eval("contains(ns, :two)", item));
    assert_true(eval("contains(l, :a)", item));
    assert_true(eval("contains(l, :two)", item));
    assert_false(eval("contains(ss, :a)", item));
    assert_true(eval("ss = :ssxy", item)); /* sets are unordered */
    assert_true(eval("attribute_exists(m.nested) AND attribute_not_exists(m.nope)", item));
    assert_true(eval("attribute_exists(l[2].deep)", item));
    assert_false(eval("attribute_exists(l[3])", item));
    assert_false(eval("attribute_exists(s.x)", item));
    assert_true(eval("attribute_type(s, :S) AND attribute_type(nul, :NULL)", item));
    assert_true(eval("size(s) = :five AND size(l) = :three AND size(m) = :two AND size(ss) = :two", item));
    assert_false(eval("size(n) = :two", item)); /* a number has no size */
    /* a string's size counts UTF-16 code units: é is one, U+1D11E two */
    json_t *u = J("{\"s\": {\"S\": \"\\u00e9\\ud834\\udd1e\"}, \"b\": {\"B\": \"\\u00e9\"}}");
    assert_true(eval("size(s) = :three", u));
    assert_true(eval("size(b) = :two", u)); /* a binary's, its bytes */
    json_decref(u);
    assert_true(eval("m.num = :three AND l[1] = :two", item));
    assert_true(eval("NOT n = :two", item));
    assert_true(eval("n = :two OR n = :ten AND s = :hello", item));  /* AND binds tighter */
    assert_false(eval("(n = :two OR n = :ten) AND s = :he", item));
    assert_true(eval("NOT (n = :two OR s = :he)", item));
    assert_true(eval("t = :t OR t <> :t", item));
    assert_true(eval("attribute_not_exists(id)", NULL)); /* no item at all */
    assert_false(eval("attribute_exists(id)", NULL));
    json_decref(item);
}

static json_t *project(const char *proj, json_t *item)
{
    ddb_exprs *x = ddb_exprs_new(NULL, NULL);
    char *err = NULL;
    ddb_projection *p = ddb_parse_projection(x, proj, &err);
    if (!p)
        fail_msg("%s: %s", proj, err);
    json_t *out = ddb_project(item, p->paths, p->n);
    ddb_exprs_free(x);
    return out;
}

static void projections(void **st)
{
    json_t *item = J(ITEM);
    json_t *got = project("id, m.nested, l[2].deep, l[0], nope, m.nope", item);
    json_t *want = J("{\"id\": {\"S\": \"k1\"}, \"m\": {\"M\": {\"nested\": {\"S\": \"v\"}}}, "
                     "\"l\": {\"L\": [{\"S\": \"a\"}, {\"M\": {\"deep\": {\"BOOL\": true}}}]}}");
    if (!json_equal(got, want)) {
        char *s = json_dumps(got, 0);
        fail_msg("projection gave %s", s);
    }
    json_decref(got);
    json_decref(want);
    json_decref(item);
}

static json_t *update(const char *expr, const char *item_text, const char *values, char **err)
{
    json_t *v = values ? J(values) : NULL, *item = item_text ? J(item_text) : NULL;
    json_t *names = J("{\"#n\": \"n\"}");
    ddb_exprs *x = ddb_exprs_new(names, v);
    *err = ddb_exprs_check_maps(x);
    assert_null(*err);
    ddb_update *u = ddb_parse_update(x, expr, err);
    if (!u)
        fail_msg("%s: %s", expr, *err);
    json_t *out = ddb_update_apply(u, item, err);
    ddb_exprs_free(x);
    json_decref(names);
    json_decref(v);
    json_decref(item);
    return out;
}

static void assert_update(const char *expr, const char *item, const char *values, const char *want)
{
    char *err = NULL;
    json_t *got = update(expr, item, values, &err);
    if (!got)
        fail_msg("%s: %s", expr, err);
    json_t *w = J(want);
    if (!json_equal(got, w)) {
        char *s = json_dumps(got, JSON_SORT_KEYS);
        fail_msg("%s gave %s", expr, s);
    }
    json_decref(w);
    json_decref(got);
}

static void assert_update_fails(const char *expr, const char *item, const char *values, const char *want)
{
    char *err = NULL;
    json_t *got = update(expr, item, values, &err);
    if (got)
        fail_msg("%s succeeded", expr);
    assert_string_equal(err, want);
    g_free(err);
}

static void updates(void **st)
{
    /* SET values are computed from the item as it was: a swap */
    assert_update("SET a = b, b = a", "{\"a\": {\"N\": \"1\"}, \"b\": {\"N\": \"2\"}}", NULL,
                  "{\"a\": {\"N\": \"2\"}, \"b\": {\"N\": \"1\"}}");
    assert_update("SET #n = #n + :one", "{\"n\": {\"N\": \"1.5\"}}", "{\":one\": {\"N\": \"1\"}}",
                  "{\"n\": {\"N\": \"2.5\"}}");
    assert_update("SET c = if_not_exists(c, :z) - :one", "{}", "{\":z\": {\"N\": \"0\"}, \":one\": {\"N\": \"1\"}}",
                  "{\"c\": {\"N\": \"-1\"}}");
    assert_update("SET l = list_append(l, :more)", "{\"l\": {\"L\": [{\"N\": \"1\"}]}}",
                  "{\":more\": {\"L\": [{\"N\": \"2\"}]}}", "{\"l\": {\"L\": [{\"N\": \"1\"}, {\"N\": \"2\"}]}}");
    /* removing list elements leaves the others' indexes as written */
    assert_update("REMOVE l[0], l[2]", "{\"l\": {\"L\": [{\"N\": \"0\"}, {\"N\": \"1\"}, {\"N\": \"2\"}, {\"N\": \"3\"}]}}",
                  NULL, "{\"l\": {\"L\": [{\"N\": \"1\"}, {\"N\": \"3\"}]}}");
    /* an index past the end appends */
    assert_update("SET l[9] = :v", "{\"l\": {\"L\": [{\"N\": \"0\"}]}}", "{\":v\": {\"S\": \"x\"}}",
                  "{\"l\": {\"L\": [{\"N\": \"0\"}, {\"S\": \"x\"}]}}");
    /* indexes past the end append in index order, whatever the order
     * written: nothing is lost (issue 14) */
    assert_update("SET c[4] = :x, c[2] = :y", "{\"c\": {\"L\": [{\"N\": \"1\"}, {\"N\": \"3\"}]}}",
                  "{\":x\": {\"S\": \"x\"}, \":y\": {\"S\": \"y\"}}",
                  "{\"c\": {\"L\": [{\"N\": \"1\"}, {\"N\": \"3\"}, {\"S\": \"y\"}, {\"S\": \"x\"}]}}");
    assert_update("ADD c[8] :ss, c[6] :n", "{\"c\": {\"L\": [{\"N\": \"1\"}, {\"N\": \"3\"}]}}",
                  "{\":ss\": {\"SS\": [\"a\"]}, \":n\": {\"N\": \"5\"}}",
                  "{\"c\": {\"L\": [{\"N\": \"1\"}, {\"N\": \"3\"}, {\"N\": \"5\"}, {\"SS\": [\"a\"]}]}}");
    /* removals by the original indexes, appends after them */
    assert_update("REMOVE c[0], c[2] SET c[9] = :x, c[5] = :y",
                  "{\"c\": {\"L\": [{\"N\": \"0\"}, {\"N\": \"1\"}, {\"N\": \"2\"}, {\"N\": \"3\"}]}}",
                  "{\":x\": {\"S\": \"x\"}, \":y\": {\"S\": \"y\"}}",
                  "{\"c\": {\"L\": [{\"N\": \"1\"}, {\"N\": \"3\"}, {\"S\": \"y\"}, {\"S\": \"x\"}]}}");
    assert_update("REMOVE c[3], c[1], c[7]",
                  "{\"c\": {\"L\": [{\"N\": \"0\"}, {\"N\": \"1\"}, {\"N\": \"2\"}, {\"N\": \"3\"}]}}", NULL,
                  "{\"c\": {\"L\": [{\"N\": \"0\"}, {\"N\": \"2\"}]}}");
    assert_update("SET m.k = :v REMOVE m.gone", "{\"m\": {\"M\": {\"gone\": {\"S\": \"y\"}}}}",
                  "{\":v\": {\"S\": \"x\"}}", "{\"m\": {\"M\": {\"k\": {\"S\": \"x\"}}}}");
    assert_update("ADD s :s, n :one", "{\"s\": {\"SS\": [\"a\"]}}",
                  "{\":s\": {\"SS\": [\"a\", \"b\"]}, \":one\": {\"N\": \"1\"}}",
                  "{\"s\": {\"SS\": [\"a\", \"b\"]}, \"n\": {\"N\": \"1\"}}");
    assert_update("DELETE s :s", "{\"s\": {\"SS\": [\"a\", \"b\"]}}", "{\":s\": {\"SS\": [\"a\", \"b\"]}}", "{}");
    assert_update("DELETE s :s", "{}", "{\":s\": {\"SS\": [\"a\"]}}", "{}");
    /* 38 digits survive ADD exactly */
    assert_update("ADD n :one", "{\"n\": {\"N\": \"12345678901234567890123456789012345678\"}}",
                  "{\":one\": {\"N\": \"1\"}}", "{\"n\": {\"N\": \"12345678901234567890123456789012345679\"}}");

    assert_update_fails("SET a = b", "{}", NULL,
                        "The provided expression refers to an attribute that does not exist in the item");
    assert_update_fails("SET a.b = :v", "{}", "{\":v\": {\"S\": \"x\"}}",
                        "The document path provided in the update expression is invalid for update");
    assert_update_fails("SET a = b + :one", "{\"b\": {\"S\": \"x\"}}", "{\":one\": {\"N\": \"1\"}}",
                        "An operand in the update expression has an incorrect data type");
    assert_update_fails("ADD s :one", "{\"s\": {\"SS\": [\"a\"]}}", "{\":one\": {\"N\": \"1\"}}",
                        "An operand in the update expression has an incorrect data type");
    assert_update_fails("ADD n :one", "{\"n\": {\"N\": \"99999999999999999999999999999999999999\"}}",
                        "{\":one\": {\"N\": \"0.1\"}}",
                        "Attempting to store more than 38 significant digits in a Number");
}

static void lexer_windows(void **st)
{
    const char *src = "SET a = :v, #b";
    GArray *t = ddb_lex(src, strlen(src));
    assert_int_equal(t->len, 7); /* SET a = :v , #b EOF */
    assert_int_equal(g_array_index(t, ddb_tok, 3).kind, TK_VALUE);
    assert_int_equal(g_array_index(t, ddb_tok, 5).kind, TK_NAME);
    GString *m = g_string_new(NULL);
    ddb_lex_syntax_error(m, src, strlen(src), t, 6);
    assert_string_equal(m->str, "Syntax error; token: \"<EOF>\", near: \"#b\"");
    g_string_free(m, TRUE);
    g_array_unref(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reserved_words),      cmocka_unit_test(syntax_errors),
        cmocka_unit_test(names_and_values),    cmocka_unit_test(condition_semantics),
        cmocka_unit_test(update_semantics),    cmocka_unit_test(projection_semantics),
        cmocka_unit_test(conditions),          cmocka_unit_test(projections),
        cmocka_unit_test(updates),             cmocka_unit_test(lexer_windows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
