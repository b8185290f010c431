/* fuzz_wire: one wire protocol's request parser (FUZZ_PROTOCOL: rest-xml,
 * json, query or ec2), alone: operation_name, then parse_request with the
 * operation found, driven by a service model, as the pipeline calls them
 * (and as server/tests/test_conformance.c does).
 *
 * Models: the real ones mockaws serves in that protocol (s3; dynamodb;
 * sts and sns; ec2), and one per input case of botocore's protocol test
 * vectors (server/tests/vectors), whose shapes use every trait the
 * protocol has (maps, flattened lists, timestamps formats, host labels...).
 *
 * An input is a line naming the model (a service name or a vector case id;
 * anything else means the first real model, with that line kept as the
 * request line) and a raw HTTP request. For a vector model the case's own
 * operation is parsed as well, whatever operation_name says. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/embedded.h"
#include "fuzz_common.h"
#include "wire/model.h"
#include "wire/wire.h"

#ifndef FUZZ_PROTOCOL
#error "FUZZ_PROTOCOL must name a protocol"
#endif
#ifndef MOCKAWS_CONFORMANCE_DIR
#error "MOCKAWS_CONFORMANCE_DIR must be defined by the build"
#endif

typedef struct fuzz_model {
    const model *m;
    const char *op; /* the vector case's operation, or NULL for a real model */
} fuzz_model;

static const wire_protocol *proto;
static GHashTable *models;      /* name -> fuzz_model* (never freed: reachable) */
static fuzz_model *first_model; /* the default */
/* FUZZ_SHOW=1 prints what each input parsed to (fuzz_wire_* -runs=1 FILE). */
static bool show;

static void add_model(const char *name, const model *m, const char *op)
{
    fuzz_model *fm = g_new0(fuzz_model, 1);
    fm->m = m;
    fm->op = op ? g_strdup(op) : NULL;
    g_hash_table_insert(models, g_strdup(name), fm);
    if (!first_model)
        first_model = fm;
}

static void load_real_models(void)
{
    static const char *const services[] = {"s3", "dynamodb", "sts", "sns", "ec2", "iam"};
    for (size_t i = 0; i < G_N_ELEMENTS(services); i++) {
        const model *m = embedded_model(services[i]);
        if (!m) {
            fprintf(stderr, "fuzz_wire: model %s is not compiled in\n", services[i]);
            abort();
        }
        if (strcmp(m->protocol, FUZZ_PROTOCOL) == 0)
            add_model(services[i], m, NULL);
    }
}

static void load_vector_models(void)
{
    static const struct { const char *protocol, *file; } files[] = {
        {"rest-xml", "rest-xml.json"}, {"json", "json_1_0.json"}, {"query", "query.json"}, {"ec2", "ec2.json"}};
    const char *file = NULL;
    for (size_t i = 0; i < G_N_ELEMENTS(files); i++)
        if (strcmp(files[i].protocol, FUZZ_PROTOCOL) == 0)
            file = files[i].file;
    char *path = g_build_filename(MOCKAWS_CONFORMANCE_DIR, "input", file, NULL);
    json_error_t je;
    json_t *suites = json_load_file(path, 0, &je);
    if (!suites) {
        fprintf(stderr, "fuzz_wire: %s: %s\n", path, je.text);
        abort();
    }
    size_t si, ci;
    json_t *suite, *tc;
    json_array_foreach(suites, si, suite) {
        json_array_foreach(json_object_get(suite, "cases"), ci, tc) {
            json_t *given = json_object_get(tc, "given");
            const char *id = json_string_value(json_object_get(tc, "id"));
            const char *op = json_string_value(json_object_get(given, "name"));
            if (!id || !op)
                continue;
            json_t *doc = json_pack("{s:O, s:O, s:{s:O}}", "metadata", json_object_get(suite, "metadata"),
                                    "shapes", json_object_get(suite, "shapes"), "operations", op, given);
            char err[256];
            model *m = doc ? model_compile(doc, err, sizeof err) : NULL;
            if (m)
                add_model(id, m, op);
        }
    }
    json_decref(suites);
    g_free(path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    proto = wire_protocol_find(FUZZ_PROTOCOL);
    if (!proto) {
        fprintf(stderr, "fuzz_wire: no protocol %s\n", FUZZ_PROTOCOL);
        abort();
    }
    show = getenv("FUZZ_SHOW") != NULL;
    models = g_hash_table_new(g_str_hash, g_str_equal);
    load_real_models();
    load_vector_models();
    return 0;
}

static void parse_as(const model *m, const char *op, const http_request *req)
{
    json_t *input = NULL;
    aws_error err = AWS_ERROR_INIT;
    if (proto->parse_request(m, op, req, &input, &err) == 0) {
        if (!input)
            abort(); /* the contract: 0 always comes with a tree */
        char *text = json_dumps(input, JSON_ENCODE_ANY);
        if (show)
            fprintf(stderr, "%s: %.300s\n", op, text);
        free(text);
    } else if (!err.code) {
        abort(); /* the contract: -1 always comes with the protocol's error */
    } else if (show) {
        fprintf(stderr, "%s: %s: %s\n", op, err.code, err.message ? err.message : "");
    }
    json_decref(input);
    aws_error_clear(&err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *rest;
    size_t rest_len;
    char *key = fuzz_first_line(data, size, &rest, &rest_len);
    fuzz_model *fm = key ? g_hash_table_lookup(models, key) : NULL;
    g_free(key);
    if (!fm) {
        fm = first_model;
        rest = data;
        rest_len = size;
    }
    fuzz_req r;
    if (!fuzz_http_next(&rest, &rest_len, &r))
        return 0;
    char buf[256];
    aws_error err = AWS_ERROR_INIT;
    const char *op = proto->operation_name(fm->m, &r.req, buf, sizeof buf, &err);
    if (show)
        fprintf(stderr, "operation_name: %s%s%s\n", op ? op : "none", err.code ? ": " : "",
                err.code ? err.code : "");
    if (op && model_find_op(fm->m, op))
        parse_as(fm->m, op, &r.req);
    aws_error_clear(&err);
    if (fm->op && (!op || strcmp(op, fm->op) != 0))
        parse_as(fm->m, fm->op, &r.req);
    fuzz_req_clear(&r);
    return 0;
}
