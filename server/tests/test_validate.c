/* Input validation against model constraints, and Coral's wording of it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <glib.h>
#include <string.h>

#include "core/embedded.h"
#include "wire/model.h"
#include "wire/validate.h"

/* Shapes modeled on STS's AssumeRole and DynamoDB's, trimmed to what each
 * test needs. */
static const char *MODEL =
    "{\"metadata\": {\"protocol\": \"query\"}, \"operations\": {}, \"shapes\": {"
    " \"Input\": {\"type\": \"structure\", \"required\": [\"RoleArn\", \"RoleSessionName\"],"
    "   \"members\": {"
    "    \"RoleArn\": {\"shape\": \"arnType\"},"
    "    \"RoleSessionName\": {\"shape\": \"roleSessionNameType\"},"
    "    \"DurationSeconds\": {\"shape\": \"durationType\"},"
    "    \"Tags\": {\"shape\": \"tagListType\"},"
    "    \"Mode\": {\"shape\": \"Mode\"},"
    "    \"Data\": {\"shape\": \"Data\"},"
    "    \"Attrs\": {\"shape\": \"AttrMap\"},"
    "    \"Names\": {\"shape\": \"NameList\"},"
    "    \"Nested\": {\"shape\": \"Nested\"},"
    "    \"Flag\": {\"shape\": \"Flag\"},"
    "    \"Ratio\": {\"shape\": \"Ratio\"},"
    "    \"When\": {\"shape\": \"When\"},"
    "    \"Body\": {\"shape\": \"Data\", \"streaming\": true}"
    "   }},"
    " \"arnType\": {\"type\": \"string\", \"min\": 20, \"max\": 2048,"
    "   \"pattern\": \"[\\\\u0009\\\\u000A\\\\u000D\\\\u0020-\\\\u007E\\\\u0085\\\\u00A0-\\\\uD7FF\\\\uE000-\\\\uFFFD\\\\u10000-\\\\u10FFFF]+\"},"
    " \"roleSessionNameType\": {\"type\": \"string\", \"min\": 2, \"max\": 64,"
    "   \"pattern\": \"[\\\\w+=,.@-]*\"},"
    " \"durationType\": {\"type\": \"integer\", \"min\": 900, \"max\": 43200},"
    " \"tagListType\": {\"type\": \"list\", \"member\": {\"shape\": \"Tag\"}, \"max\": 3},"
    " \"Tag\": {\"type\": \"structure\", \"required\": [\"Key\", \"Value\"], \"members\": {"
    "    \"Key\": {\"shape\": \"tagKeyType\"}, \"Value\": {\"shape\": \"tagValueType\"}}},"
    " \"tagKeyType\": {\"type\": \"string\", \"min\": 1, \"max\": 3,"
    "   \"pattern\": \"[\\\\p{L}\\\\p{Z}\\\\p{N}_.:/=+\\\\-@]+\"},"
    " \"tagValueType\": {\"type\": \"string\", \"min\": 0, \"max\": 4},"
    " \"Mode\": {\"type\": \"string\", \"enum\": [\"HASH\", \"RANGE\"]},"
    " \"Data\": {\"type\": \"blob\", \"max\": 4},"
    " \"AttrMap\": {\"type\": \"map\", \"key\": {\"shape\": \"AttrKey\"},"
    "   \"value\": {\"shape\": \"AttrValue\"}, \"max\": 2},"
    " \"AttrKey\": {\"type\": \"string\", \"min\": 1, \"max\": 3},"
    " \"AttrValue\": {\"type\": \"string\", \"max\": 2},"
    " \"NameList\": {\"type\": \"list\", \"member\": {\"shape\": \"Name\"}, \"min\": 1},"
    " \"Name\": {\"type\": \"string\", \"pattern\": \"^[a-z]+$\"},"
    " \"Nested\": {\"type\": \"structure\", \"required\": [\"Inner\"], \"members\": {"
    "    \"Inner\": {\"shape\": \"Name\"}, \"Map\": {\"shape\": \"NestedMap\"}}},"
    " \"NestedMap\": {\"type\": \"map\", \"key\": {\"shape\": \"Name\"}, \"value\": {\"shape\": \"Tag\"}},"
    " \"Flag\": {\"type\": \"boolean\"},"
    " \"Ratio\": {\"type\": \"double\", \"min\": 0, \"max\": 1},"
    " \"When\": {\"type\": \"timestamp\"},"
    " \"Unicode\": {\"type\": \"string\", \"pattern\": \"[\\\\u0020-\\\\uD7FF\\\\uE000-\\\\uFFFD\\\\uD800\\\\uDC00-\\\\uDBFF\\\\uDFFF]*\"},"
    " \"Printable\": {\"type\": \"string\", \"pattern\": \"\\\\p{Print}+\"},"
    " \"PrintableSet\": {\"type\": \"string\", \"pattern\": \"[\\\\p{Print}\\\\t]+\"},"
    " \"Broken\": {\"type\": \"string\", \"pattern\": \"([a-z\"},"
    " \"Anchored\": {\"type\": \"string\", \"pattern\": \"^(a|ab)$\"}"
    "}}";

typedef struct fixture {
    model *m;
    validator *v;
    violation out[16];
} fixture;

static int setup(void **st)
{
    fixture *f = g_new0(fixture, 1);
    char err[256] = "";
    f->m = model_load(MODEL, strlen(MODEL), err, sizeof err);
    if (!f->m) {
        fprintf(stderr, "model_load: %s\n", err);
        g_free(f);
        return -1;
    }
    f->v = validator_new(f->m);
    *st = f;
    return 0;
}

static int teardown(void **st)
{
    fixture *f = *st;
    validator_free(f->v);
    model_free(f->m);
    g_free(f);
    return 0;
}

static const char *GOOD_ARN = "arn:aws:iam::123456789012:role/demo";

/* Parses a JSON input (single quotes for readability), validates it against
 * shape and returns the Coral message ("" when valid). */
static char *check(fixture *f, const char *shape, const char *json, size_t *count)
{
    char *text = g_strdup(json);
    g_strdelimit(text, "'", '"');
    json_error_t je;
    json_t *in = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
    if (!in)
        fail_msg("bad test JSON %s: %s", text, je.text);
    g_free(text);
    size_t n = validator_check(f->v, model_find_shape(f->m, shape), in, f->out, G_N_ELEMENTS(f->out));
    if (count)
        *count = n;
    GString *msg = g_string_new(NULL);
    validate_coral_message(msg, f->out, n);
    json_decref(in); /* the messages are built; out[].value is now dangling */
    return g_string_free(msg, FALSE);
}

#define assert_message(f, shape, json, want)                                                  \
    do {                                                                                      \
        char *got_ = check(f, shape, json, NULL);                                             \
        if (strcmp(got_, want) != 0)                                                          \
            fail_msg("input %s\n got: %s\nwant: %s", json, got_, want);                       \
        g_free(got_);                                                                         \
    } while (0)

static void valid_input(void **st)
{
    fixture *f = *st;
    char *json = g_strdup_printf(
        "{'RoleArn': '%s', 'RoleSessionName': 'ci-run_1@example.com', 'DurationSeconds': 900,"
        " 'Tags': [{'Key': 'k', 'Value': ''}], 'Mode': 'RANGE', 'Data': 'abcd',"
        " 'Attrs': {'a': 'b'}, 'Names': ['x'], 'Nested': {'Inner': 'y'}, 'Flag': false,"
        " 'Ratio': 0.5, 'When': 1700000000, 'Unknown': 3}",
        GOOD_ARN);
    size_t n = 99;
    char *msg = check(f, "Input", json, &n);
    assert_int_equal(n, 0);
    assert_string_equal(msg, "");
    g_free(msg);
    g_free(json);
}

static void required(void **st)
{
    fixture *f = *st;
    assert_message(f, "Input", "{'RoleSessionName': 'ab'}",
                   "1 validation error detected: Value null at 'roleArn' failed to satisfy "
                   "constraint: Member must not be null");
    /* JSON null is a missing member. */
    assert_message(f, "Input", "{'RoleArn': null, 'RoleSessionName': null}",
                   "2 validation errors detected: Value null at 'roleArn' failed to satisfy "
                   "constraint: Member must not be null; Value null at 'roleSessionName' failed "
                   "to satisfy constraint: Member must not be null");
    /* No input at all is an empty structure. */
    size_t n = validator_check(f->v, model_find_shape(f->m, "Input"), NULL, f->out, 16);
    assert_int_equal(n, 2);
    assert_int_equal(f->out[0].kind, VIOLATION_REQUIRED);
    assert_string_equal(f->out[0].path, "RoleArn");
    assert_string_equal(f->out[0].member, "RoleArn");
    assert_null(f->out[0].value);
}

static void lengths(void **st)
{
    fixture *f = *st;
    assert_message(f, "Input", "{'RoleArn': 'x', 'RoleSessionName': 'ab'}",
                   "1 validation error detected: Value 'x' at 'roleArn' failed to satisfy "
                   "constraint: Member must have length greater than or equal to 20");
    char *long_name = g_strnfill(65, 'a');
    char *json = g_strdup_printf("{'RoleArn': '%s', 'RoleSessionName': '%s'}", GOOD_ARN, long_name);
    char *want = g_strdup_printf("1 validation error detected: Value '%s' at 'roleSessionName' "
                                 "failed to satisfy constraint: Member must have length less "
                                 "than or equal to 64",
                                 long_name);
    assert_message(f, "Input", json, want);
    g_free(long_name);
    g_free(json);
    g_free(want);

    size_t n;
    char *msg;
    /* Length counts code points: three two-byte characters fit in max 3. */
    json = g_strdup_printf("{'RoleArn': '%s', 'RoleSessionName': 'ab', 'Attrs': {'\xc3\xa9\xc3\xa9\xc3\xa9': 'v'}}",
                           GOOD_ARN);
    msg = check(f, "Input", json, &n);
    assert_int_equal(n, 0);
    g_free(msg);
    g_free(json);

    /* Blobs count bytes. */
    json = g_strdup_printf("{'RoleArn': '%s', 'RoleSessionName': 'ab', 'Data': '\xc3\xa9\xc3\xa9\xc3\xa9'}",
                           GOOD_ARN);
    msg = check(f, "Input", json, &n);
    assert_int_equal(n, 1);
    assert_int_equal(f->out[0].kind, VIOLATION_MAX_LENGTH);
    assert_int_equal(f->out[0].limit, 4);
    assert_string_equal(f->out[0].path, "Data");
    g_free(msg);
    g_free(json);

    /* Lists count elements. */
    json = g_strdup_printf("{'RoleArn': '%s', 'RoleSessionName': 'ab', 'Names': []}", GOOD_ARN);
    msg = check(f, "Input", json, &n);
    assert_string_equal(msg, "1 validation error detected: Value '[]' at 'names' failed to "
                             "satisfy constraint: Member must have length greater than or "
                             "equal to 1");
    g_free(msg);
    g_free(json);
}

static void patterns_match_the_whole_value(void **st)
{
    fixture *f = *st;
    char *json = g_strdup_printf("{'RoleArn': '%s', 'RoleSessionName': 'my session'}", GOOD_ARN);
    assert_message(f, "Input", json,
                   "1 validation error detected: Value 'my session' at 'roleSessionName' failed "
                   "to satisfy constraint: Member must satisfy regular expression pattern: "
                   "[\\w+=,.@-]*");
    g_free(json);

    size_t n;
    char *msg;
    /* A pattern with its own anchors and an alternation that must reach
     * the end: "ab" matches only through the second branch. */
    msg = check(f, "Anchored", "'ab'", &n);
    assert_int_equal(n, 0);
    g_free(msg);
    msg = check(f, "Anchored", "'abc'", &n);
    assert_int_equal(n, 1);
    assert_int_equal(f->out[0].kind, VIOLATION_PATTERN);
    assert_string_equal(f->out[0].pattern, "^(a|ab)$");
    assert_string_equal(f->out[0].path, "");
    assert_null(f->out[0].member);
    g_free(msg);

    /* \p{L} and friends are Unicode-aware; \w is ASCII, as in Java. */
    msg = check(f, "tagKeyType", "'\xc3\xa9t\xc3\xa9'", &n);
    assert_int_equal(n, 0);
    g_free(msg);
    msg = check(f, "roleSessionNameType", "'\xc3\xa9t\xc3\xa9'", &n);
    assert_int_equal(n, 1);
    g_free(msg);
}

static void java_regex_spellings(void **st)
{
    fixture *f = *st;
    size_t n;
    char *msg;
    /* \uD800\uDC00-\uDBFF\uDFFF is a range of supplementary code points. */
    msg = check(f, "Unicode", "'arn:aws:\xf0\x9f\x98\x80 ok'", &n);
    assert_int_equal(n, 0);
    g_free(msg);
    msg = check(f, "Unicode", "'tab\\there'", &n);
    assert_int_equal(n, 1);
    g_free(msg);
    /* "\u10000-\u10FFFF" reads as U+1000, then '0'-U+10FF, then "FF", as
     * Java reads it: digits match, an emoji does not. */
    msg = check(f, "arnType", "'01234567890123456789'", &n);
    assert_int_equal(n, 0);
    g_free(msg);
    msg = check(f, "arnType", "'0123456789012345678\xf0\x9f\x98\x80'", &n);
    assert_int_equal(n, 1);
    assert_int_equal(f->out[0].kind, VIOLATION_PATTERN);
    g_free(msg);
    /* \p{Print}: printable ASCII, inside and outside a class. */
    msg = check(f, "Printable", "'Target Tracking 1'", &n);
    assert_int_equal(n, 0);
    g_free(msg);
    msg = check(f, "Printable", "'tab\\t'", &n);
    assert_int_equal(n, 1);
    g_free(msg);
    msg = check(f, "PrintableSet", "'tab\\t'", &n);
    assert_int_equal(n, 0);
    g_free(msg);
    /* A pattern PCRE2 cannot compile is not enforced. */
    msg = check(f, "Broken", "'anything'", &n);
    assert_int_equal(n, 0);
    g_free(msg);
}

static void enums_and_ranges(void **st)
{
    fixture *f = *st;
    char *json = g_strdup_printf("{'RoleArn': '%s', 'RoleSessionName': 'ab', 'Mode': 'SORT',"
                                 " 'DurationSeconds': 100}",
                                 GOOD_ARN);
    assert_message(f, "Input", json,
                   "2 validation errors detected: Value '100' at 'durationSeconds' failed to "
                   "satisfy constraint: Member must have value greater than or equal to 900; "
                   "Value 'SORT' at 'mode' failed to satisfy constraint: Member must satisfy "
                   "enum value set: [HASH, RANGE]");
    g_free(json);

    json = g_strdup_printf("{'RoleArn': '%s', 'RoleSessionName': 'ab', 'DurationSeconds': 43201,"
                           " 'Ratio': 1.5}",
                           GOOD_ARN);
    assert_message(f, "Input", json,
                   "2 validation errors detected: Value '43201' at 'durationSeconds' failed to "
                   "satisfy constraint: Member must have value less than or equal to 43200; "
                   "Value '1.5' at 'ratio' failed to satisfy constraint: Member must have value "
                   "less than or equal to 1.0");
    g_free(json);

    /* Floats may come as the strings the wire layer uses for NaN. */
    size_t n;
    char *msg = check(f, "Ratio", "'NaN'", &n);
    assert_int_equal(n, 0);
    g_free(msg);
    msg = check(f, "Ratio", "-1", &n);
    assert_int_equal(n, 1);
    assert_int_equal(f->out[0].kind, VIOLATION_MIN);
    assert_int_equal(f->out[0].limit, 0);
    g_free(msg);
}

static void nested_paths(void **st)
{
    fixture *f = *st;
    char *json = g_strdup_printf("{'RoleArn': '%s', 'RoleSessionName': 'ab',"
                                 " 'Tags': [{'Key': 'k', 'Value': 'v'}, {'Key': 'long', 'Value': 'v'},"
                                 "          {'Key': 'k'}]}",
                                 GOOD_ARN);
    size_t n;
    char *msg = check(f, "Input", json, &n);
    assert_int_equal(n, 2);
    assert_string_equal(f->out[0].path, "Tags[1].Key");
    assert_string_equal(f->out[0].member, "Key");
    assert_int_equal(f->out[0].kind, VIOLATION_MAX_LENGTH);
    assert_string_equal(f->out[1].path, "Tags[2].Value");
    assert_int_equal(f->out[1].kind, VIOLATION_REQUIRED);
    assert_string_equal(msg, "2 validation errors detected: Value 'long' at 'tags.2.member.key' "
                             "failed to satisfy constraint: Member must have length less than "
                             "or equal to 3; Value null at 'tags.3.member.value' failed to "
                             "satisfy constraint: Member must not be null");
    g_free(msg);
    g_free(json);

    /* A list element that fails on its own is reported at the list. */
    json = g_strdup_printf("{'RoleArn': '%s', 'RoleSessionName': 'ab', 'Names': ['ok', 'NO']}",
                           GOOD_ARN);
    msg = check(f, "Input", json, &n);
    assert_int_equal(n, 1);
    assert_string_equal(f->out[0].path, "Names[1]");
    assert_string_equal(msg, "1 validation error detected: Value 'NO' at 'names' failed to "
                             "satisfy constraint: Member must satisfy constraint: [Member must "
                             "satisfy regular expression pattern: ^[a-z]+$]");
    g_free(msg);
    g_free(json);

    /* Structures under a map: the key becomes a path step. */
    json = g_strdup_printf("{'RoleArn': '%s', 'RoleSessionName': 'ab',"
                           " 'Nested': {'Inner': 'x', 'Map': {'t.1': {'Key': 'toolong'}}}}",
                           GOOD_ARN);
    msg = check(f, "Input", json, &n);
    assert_int_equal(n, 3);
    assert_string_equal(f->out[0].path, "Nested.Map{\"t.1\"}");
    assert_int_equal(f->out[0].kind, VIOLATION_PATTERN);
    assert_null(f->out[0].value);
    assert_string_equal(f->out[1].path, "Nested.Map[\"t.1\"].Key");
    assert_string_equal(f->out[2].path, "Nested.Map[\"t.1\"].Value");
    assert_string_equal(msg, "3 validation errors detected: Value 't.1' at 'nested.map' failed "
                             "to satisfy constraint: Map keys must satisfy constraint: [Member "
                             "must satisfy regular expression pattern: ^[a-z]+$]; Value "
                             "'toolong' at 'nested.map.t.1.member.key' failed to satisfy "
                             "constraint: Member must have length less than or equal to 3; "
                             "Value null at 'nested.map.t.1.member.value' failed to satisfy "
                             "constraint: Member must not be null");
    g_free(msg);
    g_free(json);
}

static void maps(void **st)
{
    fixture *f = *st;
    char *json = g_strdup_printf("{'RoleArn': '%s', 'RoleSessionName': 'ab',"
                                 " 'Attrs': {'': 'v', 'k': 'abc'}}",
                                 GOOD_ARN);
    assert_message(f, "Input", json,
                   /* inside [...] every constraint of the key's shape, as Coral lists them */
                   "2 validation errors detected: Value '' at 'attrs' failed to satisfy "
                   "constraint: Map keys must satisfy constraint: [Member must have length less than "
                   "or equal to 3, Member must have length "
                   "greater than or equal to 1]; Value '{k=abc}' at 'attrs' failed to satisfy "
                   "constraint: Map value must satisfy constraint: [Member must have length "
                   "less than or equal to 2]");
    g_free(json);

    json = g_strdup_printf("{'RoleArn': '%s', 'RoleSessionName': 'ab',"
                           " 'Attrs': {'a': '1', 'b': '2', 'c': '3'}}",
                           GOOD_ARN);
    assert_message(f, "Input", json,
                   "1 validation error detected: Value '{a=1, b=2, c=3}' at 'attrs' failed to "
                   "satisfy constraint: Member must have length less than or equal to 2");
    g_free(json);

    /* Keys with quotes and backslashes survive the path. */
    size_t n;
    char *msg = check(f, "AttrMap", "{'a\\\"\\\\b': 'too long'}", &n);
    assert_int_equal(n, 2);
    assert_string_equal(msg, "2 validation errors detected: Value 'a\"\\b' at '' failed to "
                             "satisfy constraint: Map keys must satisfy constraint: [Member "
                             "must have length less than or equal to 3, Member must have length greater than or equal to 1]; Value "
                             "'{a\"\\b=too long}' at '' failed to satisfy constraint: Map value "
                             "must satisfy constraint: [Member must have length less than or "
                             "equal to 2]");
    g_free(msg);
}

static void types(void **st)
{
    fixture *f = *st;
    char *json = g_strdup("{'RoleArn': 5, 'RoleSessionName': 'ab', 'DurationSeconds': '900',"
                          " 'Tags': {}, 'Flag': 'true', 'When': 'yesterday',"
                          " 'Nested': [], 'Ratio': 'big'}");
    size_t n;
    char *msg = check(f, "Input", json, &n);
    assert_int_equal(n, 7);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(f->out[i].kind, VIOLATION_TYPE);
    assert_string_equal(f->out[0].path, "RoleArn");
    assert_string_equal(f->out[0].pattern, "string");
    assert_string_equal(f->out[1].pattern, "integer");
    assert_string_equal(f->out[2].pattern, "list");
    assert_string_equal(f->out[3].pattern, "structure");
    assert_string_equal(f->out[4].pattern, "boolean");
    assert_string_equal(f->out[5].pattern, "double");
    assert_string_equal(f->out[6].pattern, "timestamp");
    assert_non_null(strstr(msg, "Value '5' at 'roleArn' failed to satisfy constraint: Member must be of type string"));
    g_free(msg);
    g_free(json);

    /* An integer shape takes 32 bits. */
    msg = check(f, "durationType", "4294967296", &n);
    assert_int_equal(n, 1);
    assert_int_equal(f->out[0].kind, VIOLATION_TYPE);
    g_free(msg);
    /* The input itself of the wrong type. */
    msg = check(f, "Input", "[]", &n);
    assert_int_equal(n, 1);
    assert_string_equal(msg, "1 validation error detected: Value '[]' at '' failed to satisfy "
                             "constraint: Member must be of type structure");
    g_free(msg);
}

static void streaming_payload_is_not_required(void **st)
{
    fixture *f = *st;
    char err[256];
    static const char *m2 =
        "{\"shapes\": {\"In\": {\"type\": \"structure\", \"required\": [\"Body\", \"Key\"],"
        " \"members\": {\"Body\": {\"shape\": \"B\", \"streaming\": true},"
        "  \"Key\": {\"shape\": \"S\"}}}, \"B\": {\"type\": \"blob\"}, \"S\": {\"type\": \"string\"}}}";
    model *m = model_load(m2, strlen(m2), err, sizeof err);
    assert_non_null(m);
    validator *v = validator_new(m);
    json_t *in = json_object();
    size_t n = validator_check(v, model_find_shape(m, "In"), in, f->out, 16);
    assert_int_equal(n, 1);
    assert_string_equal(f->out[0].path, "Key");
    json_decref(in);
    validator_free(v);
    model_free(m);
}

/* A NUL is refused in any string or map key: by the shape's pattern where
 * it has one, by "no NUL" where it has none (handlers read C strings). */
static void nul_fails_whatever_the_shape(void **st)
{
    fixture *f = *st;
    assert_message(f, "AttrValue", "'a\\u0000'",
                   "1 validation error detected: Value 'a\xEF\xBF\xBD' at '' failed to satisfy constraint: Member "
                   "must satisfy regular expression pattern: [^\\u0000]*");
    assert_message(f, "Name", "'ab\\u0000c'",
                   "1 validation error detected: Value 'ab\xEF\xBF\xBD" "c' at '' failed to satisfy constraint: Member "
                   "must satisfy regular expression pattern: ^[a-z]+$");
    /* a key holding a NUL (JSON text cannot say it: the query protocol can) */
    json_t *map = json_object();
    json_object_setn_new(map, "k\0x", 3, json_string("v"));
    size_t nk = validator_check(f->v, model_find_shape(f->m, "AttrMap"), map, f->out, G_N_ELEMENTS(f->out));
    GString *m = g_string_new(NULL);
    validate_coral_message(m, f->out, nk);
    assert_string_equal(m->str, "1 validation error detected: Value 'k\xEF\xBF\xBD" "x' at '' failed to satisfy "
                                "constraint: Map keys must satisfy constraint: [Member must have length less "
                                "than or equal to 3, Member must have length greater than or equal to 1, "
                                "Member must satisfy regular expression pattern: [^\\u0000]*]");
    g_string_free(m, TRUE);
    json_decref(map);
    /* blobs are bytes: a NUL is a byte like any other */
    size_t n;
    char *msg = check(f, "Data", "'a\\u0000'", &n);
    assert_int_equal(n, 0);
    g_free(msg);
}

static void stops_at_max(void **st)
{
    fixture *f = *st;
    json_t *in = json_loads("{\"Tags\": [{}, {}, {}]}", 0, NULL);
    size_t n = validator_check(f->v, model_find_shape(f->m, "Input"), in, f->out, 3);
    assert_int_equal(n, 3);
    assert_string_equal(f->out[0].path, "RoleArn");
    assert_string_equal(f->out[1].path, "RoleSessionName");
    assert_string_equal(f->out[2].path, "Tags[0].Key");
    assert_int_equal(validator_check(f->v, model_find_shape(f->m, "Input"), in, f->out, 0), 0);
    json_decref(in);
}

static void long_paths_are_cut_cleanly(void **st)
{
    fixture *f = *st;
    /* A map key longer than the path buffer, of two-byte characters. */
    GString *key = g_string_new(NULL);
    for (int i = 0; i < 200; i++)
        g_string_append(key, "\xc3\xa9");
    json_t *in = json_pack("{s:{s:s}}", "Attrs", key->str, "v");
    size_t n = validator_check(f->v, model_find_shape(f->m, "Input"), in, f->out, 16);
    assert_true(n >= 1);
    bool found = false;
    for (size_t i = 0; i < n; i++) {
        if (strncmp(f->out[i].path, "Attrs{", 6) != 0)
            continue;
        found = true;
        assert_true(strlen(f->out[i].path) < sizeof f->out[i].path);
        assert_true(g_utf8_validate(f->out[i].path, -1, NULL));
    }
    assert_true(found);
    GString *msg = g_string_new(NULL);
    validate_coral_message(msg, f->out, n);
    assert_true(g_utf8_validate(msg->str, -1, NULL));
    g_string_free(msg, TRUE);
    g_string_free(key, TRUE);
    json_decref(in);
}

static void invalid_utf8_blob_renders_valid_text(void **st)
{
    fixture *f = *st;
    json_t *in = json_stringn_nocheck("\xff\xfe\xfd\xfc\xfb", 5);
    size_t n = validator_check(f->v, model_find_shape(f->m, "Data"), in, f->out, 16);
    assert_int_equal(n, 1);
    GString *msg = g_string_new(NULL);
    validate_coral_message(msg, f->out, n);
    assert_true(g_utf8_validate(msg->str, -1, NULL));
    g_string_free(msg, TRUE);
    /* and a string with invalid UTF-8 never satisfies a pattern */
    json_decref(in);
    in = json_stringn_nocheck("ab\xff", 3);
    n = validator_check(f->v, model_find_shape(f->m, "Name"), in, f->out, 16);
    assert_int_equal(n, 1);
    assert_int_equal(f->out[0].kind, VIOLATION_PATTERN);
    json_decref(in);
}

typedef struct race {
    fixture *f;
    int failures;
} race;

static gpointer race_thread(gpointer data)
{
    race *r = data;
    violation out[4];
    json_t *bad = json_string("my session");
    json_t *good = json_string("ok-name");
    const mshape *shape = model_find_shape(r->f->m, "roleSessionNameType");
    for (int i = 0; i < 500; i++) {
        if (validator_check(r->f->v, shape, bad, out, 4) != 1)
            g_atomic_int_inc(&r->failures);
        if (validator_check(r->f->v, shape, good, out, 4) != 0)
            g_atomic_int_inc(&r->failures);
    }
    json_decref(bad);
    json_decref(good);
    return NULL;
}

/* One validator, many threads, a pattern compiled on first use. */
static void threads_share_a_validator(void **st)
{
    fixture *f = *st;
    validator_free(f->v);
    f->v = validator_new(f->m);
    race r = {.f = f};
    GThread *t[4];
    for (int i = 0; i < 4; i++)
        t[i] = g_thread_new("validate", race_thread, &r);
    for (int i = 0; i < 4; i++)
        g_thread_join(t[i]);
    assert_int_equal(r.failures, 0);
}

/* Patterns are kept per shape of the validator's model; a shape of
 * another model is still held to its pattern. */
static void shape_of_another_model(void **st)
{
    fixture *f = *st;
    static const char *other = "{\"shapes\": {\"Code\": {\"type\": \"string\", \"pattern\": \"[0-9]+\"}}}";
    char err[256];
    model *m = model_load(other, strlen(other), err, sizeof err);
    assert_non_null(m);
    json_t *bad = json_string("12a"), *good = json_string("123");
    assert_int_equal(validator_check(f->v, model_find_shape(m, "Code"), bad, f->out, 16), 1);
    assert_int_equal(f->out[0].kind, VIOLATION_PATTERN);
    assert_string_equal(f->out[0].pattern, "[0-9]+");
    assert_int_equal(validator_check(f->v, model_find_shape(m, "Code"), good, f->out, 16), 0);
    json_decref(bad);
    json_decref(good);
    model_free(m);
}

/* The shipped models, with messages as the services write them. */
static const model *shipped(const char *name)
{
    const model *m = embedded_model(name);
    if (!m)
        fail_msg("%s is not compiled in", name);
    return m;
}

static char *check_op(const model *m, const char *op, const char *json)
{
    validator *v = validator_new(m);
    char *text = g_strdup(json);
    g_strdelimit(text, "'", '"');
    json_t *in = json_loads(text, 0, NULL);
    assert_non_null(in);
    violation out[10];
    size_t n = validator_check(v, mop_input(model_find_op(m, op)), in, out, 10);
    GString *msg = g_string_new(NULL);
    validate_coral_message(msg, out, n);
    json_decref(in);
    g_free(text);
    validator_free(v);
    return g_string_free(msg, FALSE);
}

static void shipped_sts_and_dynamodb(void **st)
{
    const model *sts = shipped("sts");
    char *msg = check_op(sts, "AssumeRole", "{'RoleArn': 'x', 'RoleSessionName': 'build'}");
    assert_string_equal(msg, "1 validation error detected: Value 'x' at 'roleArn' failed to "
                             "satisfy constraint: Member must have length greater than or equal to 20");
    g_free(msg);
    msg = check_op(sts, "AssumeRole",
                   "{'RoleArn': 'arn:aws:iam::123456789012:role/r', 'RoleSessionName': 'build',"
                   " 'DurationSeconds': 60, 'Tags': [{'Key': 'a*b', 'Value': 'v'}]}");
    assert_string_equal(msg, "2 validation errors detected: Value '60' at 'durationSeconds' "
                             "failed to satisfy constraint: Member must have value greater than "
                             "or equal to 900; Value 'a*b' at 'tags.1.member.key' failed to "
                             "satisfy constraint: Member must satisfy regular expression pattern: "
                             "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+");
    g_free(msg);
    msg = check_op(sts, "GetCallerIdentity", "{}");
    assert_string_equal(msg, "");
    g_free(msg);


    const model *ddb = shipped("dynamodb");
    /* The public model types TableName as TableArn (1..1024, no pattern),
     * so the name rules are the DynamoDB handler's to check. */
    msg = check_op(ddb, "CreateTable",
                   "{'TableName': '', 'KeySchema': [{'AttributeName': 'pk', 'KeyType': 'SORT'}],"
                   " 'AttributeDefinitions': [{'AttributeName': 'pk', 'AttributeType': 'S'}],"
                   " 'BillingMode': 'PAY_PER_REQUEST'}");
    assert_string_equal(msg, "2 validation errors detected: Value '' at 'tableName' failed to "
                             "satisfy constraint: Member must have length greater than or equal "
                             "to 1; Value 'SORT' at 'keySchema.1.member.keyType' failed to "
                             "satisfy constraint: Member must satisfy enum value set: [HASH, RANGE]");
    g_free(msg);
    msg = check_op(ddb, "GetItem", "{'Key': {'pk': {'S': 'x'}}}");
    assert_string_equal(msg, "1 validation error detected: Value null at 'tableName' failed to "
                             "satisfy constraint: Member must not be null");
    g_free(msg);
    msg = check_op(ddb, "Query", "{'TableName': 'things', 'Limit': 0}");
    assert_string_equal(msg, "1 validation error detected: Value '0' at 'limit' failed to satisfy "
                             "constraint: Member must have value greater than or equal to 1");
    g_free(msg);

}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(valid_input, setup, teardown),
        cmocka_unit_test_setup_teardown(required, setup, teardown),
        cmocka_unit_test_setup_teardown(lengths, setup, teardown),
        cmocka_unit_test_setup_teardown(patterns_match_the_whole_value, setup, teardown),
        cmocka_unit_test_setup_teardown(java_regex_spellings, setup, teardown),
        cmocka_unit_test_setup_teardown(enums_and_ranges, setup, teardown),
        cmocka_unit_test_setup_teardown(nested_paths, setup, teardown),
        cmocka_unit_test_setup_teardown(maps, setup, teardown),
        cmocka_unit_test_setup_teardown(types, setup, teardown),
        cmocka_unit_test_setup_teardown(streaming_payload_is_not_required, setup, teardown),
        cmocka_unit_test_setup_teardown(nul_fails_whatever_the_shape, setup, teardown),
        cmocka_unit_test_setup_teardown(stops_at_max, setup, teardown),
        cmocka_unit_test_setup_teardown(long_paths_are_cut_cleanly, setup, teardown),
        cmocka_unit_test_setup_teardown(invalid_utf8_blob_renders_valid_text, setup, teardown),
        cmocka_unit_test_setup_teardown(threads_share_a_validator, setup, teardown),
        cmocka_unit_test_setup_teardown(shape_of_another_model, setup, teardown),
        cmocka_unit_test(shipped_sts_and_dynamodb),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
