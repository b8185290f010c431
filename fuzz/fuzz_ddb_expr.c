/* fuzz_ddb_expr: DynamoDB's expression language (expr_lex, expr_parse) and
 * the evaluation of what parses (expr_eval): the input is parsed as a
 * condition, an update and a projection, each in its own context as a
 * request would, then applied to an item.
 *
 * The ExpressionAttributeNames and Values are fixed ones covering every
 * attribute type (#a #b #n #s #l #m; :s :n :n2 :b :t :z :l :m :ss :ns :bs),
 * unless the input starts with a line holding a JSON request body
 * {"ExpressionAttributeNames": {...}, "ExpressionAttributeValues": {...}},
 * which replaces them. Either way they reach the parser as they would in
 * UpdateItem: through the JSON 1.0 parser, the model's validation and
 * ddb_exprs_check_maps. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/embedded.h"
#include "fuzz_common.h"
#include "services/dynamodb/expr_eval.h"
#include "services/dynamodb/expr_parse.h"
#include "wire/model.h"
#include "wire/validate.h"
#include "wire/wire.h"

static const model *ddb_model;
static validator *ddb_validator;
static json_t *default_input, *item;

/* The names and values of a request body, as the handler gets them: parsed
 * by the JSON 1.0 protocol (blobs decoded) and validated against the
 * model's map shapes; NULL when the pipeline would have refused them. */
static json_t *request_maps(const char *body, size_t len)
{
    http_header h[] = {{"x-amz-target", "DynamoDB_20120810.UpdateItem"},
                       {"content-type", "application/x-amz-json-1.0"}};
    http_request req = {.method = "POST", .path = "/", .query = "", .host = "", .headers = h,
                        .nheaders = G_N_ELEMENTS(h), .body = body, .body_len = len};
    json_t *in = NULL;
    aws_error err = AWS_ERROR_INIT;
    if (wire_json.parse_request(ddb_model, "UpdateItem", &req, &in, &err) != 0) {
        aws_error_clear(&err);
        return NULL;
    }
    violation v[4];
    static const char *const maps[][2] = {{"ExpressionAttributeNames", "ExpressionAttributeNameMap"},
                                          {"ExpressionAttributeValues", "ExpressionAttributeValueMap"}};
    for (size_t i = 0; i < G_N_ELEMENTS(maps); i++) {
        json_t *m = json_object_get(in, maps[i][0]);
        if (m && validator_check(ddb_validator, model_find_shape(ddb_model, maps[i][1]), m, v, 4) != 0) {
            json_decref(in);
            return NULL;
        }
    }
    return in;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    ddb_model = embedded_model("dynamodb");
    if (!ddb_model)
        abort();
    ddb_validator = validator_new(ddb_model);
    static const char defaults[] =
        "{\"ExpressionAttributeNames\": {\"#a\": \"a\", \"#b\": \"b\", \"#n\": \"name\", \"#s\": \"status\", "
        "\"#l\": \"list\", \"#m\": \"map\"}, \"ExpressionAttributeValues\": "
        "{\":s\": {\"S\": \"x\"}, \":n\": {\"N\": \"1.50\"}, \":n2\": {\"N\": \"-3e2\"}, "
        "\":b\": {\"B\": \"AAE=\"}, \":t\": {\"BOOL\": true}, \":z\": {\"NULL\": true}, "
        "\":l\": {\"L\": [{\"S\": \"a\"}, {\"N\": \"2\"}]}, \":m\": {\"M\": {\"k\": {\"S\": \"v\"}}}, "
        "\":ss\": {\"SS\": [\"a\", \"b\"]}, \":ns\": {\"NS\": [\"1\", \"2\"]}, \":bs\": {\"BS\": [\"AA==\"]}}}";
    default_input = request_maps(defaults, strlen(defaults));
    /* an item as the store keeps it: parsed the same way */
    static const char item_body[] =
        "{\"ExpressionAttributeValues\": {\"item\": {\"M\": {\"a\": {\"S\": \"x\"}, \"b\": {\"N\": \"5\"}, "
        "\"name\": {\"S\": \"alice\"}, \"status\": {\"BOOL\": false}, \"list\": {\"L\": [{\"N\": \"1\"}, "
        "{\"L\": [{\"S\": \"deep\"}]}, {\"M\": {\"k\": {\"NULL\": true}}}]}, \"map\": {\"M\": {\"k\": "
        "{\"SS\": [\"a\"]}, \"n\": {\"N\": \"0.1\"}}}, \"set\": {\"NS\": [\"1\", \"7\"]}, "
        "\"bin\": {\"B\": \"AAE=\"}}}}}";
    json_t *holder = request_maps(item_body, strlen(item_body));
    if (!default_input || !holder)
        abort();
    item = json_incref(json_object_get(json_object_get(json_object_get(holder, "ExpressionAttributeValues"),
                                                       "item"), "M"));
    json_decref(holder);
    return 0;
}

/* A new context, or NULL when its maps are refused (as a request would be). */
static ddb_exprs *context(json_t *names, json_t *values)
{
    ddb_exprs *x = ddb_exprs_new(names, values);
    char *err = ddb_exprs_check_maps(x);
    if (err) {
        g_free(err);
        ddb_exprs_free(x);
        return NULL;
    }
    return x;
}

static void finish(ddb_exprs *x)
{
    g_free(ddb_exprs_check_unused(x));
    ddb_exprs_free(x);
}

static void run(json_t *names, json_t *values, const char *src)
{
    char *err = NULL;
    ddb_exprs *x = context(names, values);
    if (!x)
        return;
    ddb_cond *c = ddb_parse_condition(x, "ConditionExpression", src, &err);
    if (c) {
        ddb_cond_eval(c, item);
        ddb_cond_eval(c, NULL);
    }
    g_free(err);
    err = NULL;
    finish(x);

    if (!(x = context(names, values)))
        return;
    ddb_update *u = ddb_parse_update(x, src, &err);
    if (u) {
        json_decref(ddb_update_apply(u, item, &err));
        g_free(err);
        err = NULL;
        json_decref(ddb_update_apply(u, NULL, &err));
    }
    g_free(err);
    err = NULL;
    finish(x);

    if (!(x = context(names, values)))
        return;
    ddb_projection *p = ddb_parse_projection(x, src, &err);
    if (p) {
        json_decref(ddb_project(item, p->paths, p->n));
        GString *s = g_string_new(NULL);
        for (size_t i = 0; i < p->n; i++)
            ddb_path_render(s, &p->paths[i]);
        g_string_free(s, TRUE);
    }
    g_free(err);
    finish(x);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *in = json_incref(default_input);
    const uint8_t *rest = data;
    size_t rest_len = size;
    if (size && data[0] == '{') {
        json_decref(in);
        char *line = fuzz_first_line(data, size, &rest, &rest_len);
        in = line ? request_maps(line, strlen(line)) : NULL;
        g_free(line);
        if (!in)
            return 0;
    }
    json_t *names = json_object_get(in, "ExpressionAttributeNames");
    json_t *values = json_object_get(in, "ExpressionAttributeValues");
    /* expressions are C strings in requests (jansson refuses NUL in keys
     * and mockaws takes the string value): stop at a NUL */
    char *src = g_strndup((const char *)rest, rest_len);
    run(names, values, src);
    g_free(src);
    json_decref(in);
    return 0;
}
