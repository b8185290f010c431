/* fuzz_ddb_num: DynamoDB's exact decimal numbers (num.c): parsing, the
 * messages for what does not parse, the canonical form, comparison and
 * exact addition / subtraction.
 *
 * An input is one number, or two on two lines (a "\n" between them). Beyond
 * crashes it checks the invariants the rest of mockaws relies on:
 *   - the canonical form of a number parses again, to the same number,
 *     and is its own canonical form;
 *   - a number compares equal to itself and to its canonical form; two
 *     numbers compare in opposite directions both ways round;
 *   - a + b - b == a whenever both steps are within DynamoDB's limits. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "services/dynamodb/num.h"

#define CHECK(cond) \
    do {            \
        if (!(cond)) \
            abort(); \
    } while (0)

static int sign(int v) { return (v > 0) - (v < 0); }

static bool one(const char *text, size_t len, ddb_dec *d)
{
    ddb_num_status st = ddb_num_parse(text, len, d);
    if (st != DDB_NUM_OK) {
        GString *msg = g_string_new(NULL);
        ddb_num_message(msg, st, text, len);
        CHECK(msg->len > 0);
        g_string_free(msg, TRUE);
        return false;
    }
    char *canon = ddb_num_to_string(d);
    ddb_dec again;
    CHECK(ddb_num_parse(canon, strlen(canon), &again) == DDB_NUM_OK);
    CHECK(ddb_num_cmp(d, &again) == 0);
    char *canon2 = ddb_num_to_string(&again);
    CHECK(strcmp(canon, canon2) == 0);
    CHECK(ddb_num_cmp(d, d) == 0);
    char *textz = g_strndup(text, len);
    CHECK(ddb_num_cmp_str(textz, canon) == 0);
    ddb_num_size(d);
    g_free(textz);
    g_free(canon2);
    g_free(canon);
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    const char *nl = memchr(text, '\n', size);
    size_t alen = nl ? (size_t)(nl - text) : size;
    ddb_dec a, b, sum, back;
    if (!one(text, alen, &a) || !nl)
        return 0;
    if (!one(nl + 1, size - alen - 1, &b))
        return 0;
    CHECK(sign(ddb_num_cmp(&a, &b)) == -sign(ddb_num_cmp(&b, &a)));
    for (int sub = 0; sub < 2; sub++) {
        if (ddb_num_add(&a, &b, sub, &sum) != DDB_NUM_OK)
            continue;
        char *s = ddb_num_to_string(&sum);
        g_free(s);
        if (ddb_num_add(&sum, &b, !sub, &back) == DDB_NUM_OK)
            CHECK(ddb_num_cmp(&back, &a) == 0);
    }
    return 0;
}
