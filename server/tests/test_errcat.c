/* Error catalogs (errcat) and the shipped models and catalogs they read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <glib.h>
#include <string.h>

#include <jansson.h>

#include "core/embedded.h"
#include "wire/errcat.h"
#include "wire/model.h"

static errcat *cat(const char *text)
{
    char err[256] = "";
    errcat *c = errcat_load(text, strlen(text), err, sizeof err);
    if (!c)
        fail_msg("errcat_load: %s", err);
    return c;
}

static model *mdl(const char *text)
{
    char err[256] = "";
    model *m = model_load(text, strlen(text), err, sizeof err);
    if (!m)
        fail_msg("model_load: %s", err);
    return m;
}

static const char *CATALOG =
    "{\"errors\": {"
    " \"NoSuchKey\": {\"status\": 404, \"sender\": true, \"message\": \"The specified key does not exist.\"},"
    " \"SlowDown\": {\"status\": 503, \"sender\": false, \"message\": \"Please reduce your request rate.\"},"
    " \"Quiet\": {\"status\": 400},"
    " \"Busy\": {\"status\": 503}"
    "}}";

static void lookup(void **st)
{
    errcat *c = cat(CATALOG);
    const errcat_entry *e = errcat_lookup(c, "NoSuchKey");
    assert_non_null(e);
    assert_string_equal(e->code, "NoSuchKey");
    assert_int_equal(e->status, 404);
    assert_true(e->sender);
    assert_string_equal(e->message, "The specified key does not exist.");

    e = errcat_lookup(c, "SlowDown");
    assert_non_null(e);
    assert_int_equal(e->status, 503);
    assert_false(e->sender);

    /* Unstated sender follows the status class; no message stays NULL. */
    e = errcat_lookup(c, "Quiet");
    assert_true(e->sender);
    assert_null(e->message);
    assert_false(errcat_lookup(c, "Busy")->sender);

    assert_null(errcat_lookup(c, "NoSuchBucket"));
    assert_null(errcat_lookup(c, NULL));
    assert_null(errcat_lookup(NULL, "NoSuchKey"));
    errcat_free(c);
    errcat_free(NULL);
}

static void rejects_bad_catalogs(void **st)
{
    static const struct {
        const char *text, *want;
    } bad[] = {
        {"{", "errcat: line"},
        {"[]", "no \"errors\""},
        {"{\"errors\": []}", "no \"errors\""},
        {"{\"errors\": {\"X\": 3}}", "X: not an object"},
        {"{\"errors\": {\"X\": {}}}", "X: \"status\""},
        {"{\"errors\": {\"X\": {\"status\": \"404\"}}}", "X: \"status\""},
        {"{\"errors\": {\"X\": {\"status\": 99}}}", "X: \"status\""},
        {"{\"errors\": {\"X\": {\"status\": 600}}}", "X: \"status\""},
        {"{\"errors\": {\"X\": {\"status\": 400, \"sender\": 1}}}", "X: \"sender\""},
        {"{\"errors\": {\"X\": {\"status\": 400, \"message\": 7}}}", "X: \"message\""},
        /* a bad entry after good ones: nothing leaks (ASan) */
        {"{\"errors\": {\"A\": {\"status\": 400}, \"B\": {\"status\": 400}, \"X\": {}}}", "X:"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        char err[256] = "";
        errcat *c = errcat_load(bad[i].text, strlen(bad[i].text), err, sizeof err);
        assert_null(c);
        if (!strstr(err, bad[i].want))
            fail_msg("case %zu: error \"%s\" lacks \"%s\"", i, err, bad[i].want);
    }
}

static void resolve_from_catalog(void **st)
{
    errcat *c = cat(CATALOG);
    aws_error e = AWS_ERROR_INIT;

    aws_error_set(&e, "NoSuchKey", NULL);
    assert_true(errcat_resolve(c, NULL, &e));
    assert_int_equal(e.status, 404);
    assert_int_equal(e.sender, 1);
    assert_string_equal(e.message, "The specified key does not exist.");

    /* What the caller set wins over the catalog. */
    aws_error_set_status(&e, 500, "NoSuchKey", "gone: %s", "k");
    e.sender = 0;
    assert_true(errcat_resolve(c, NULL, &e));
    assert_int_equal(e.status, 500);
    assert_int_equal(e.sender, 0);
    assert_string_equal(e.message, "gone: k");

    aws_error_set(&e, "SlowDown", NULL);
    assert_true(errcat_resolve(c, NULL, &e));
    assert_int_equal(e.status, 503);
    assert_int_equal(e.sender, 0);

    aws_error_clear(&e);
    errcat_free(c);
}

/* botocore's three ways of describing an error shape: query services name
 * the wire code and status, rest-xml gives only the status, JSON services
 * only "exception" (and "fault" for server faults). */
static const char *MODEL =
    "{\"metadata\": {\"protocol\": \"query\"}, \"operations\": {}, \"shapes\": {"
    " \"ThrottledException\": {\"type\": \"structure\", \"members\": {},"
    "   \"error\": {\"code\": \"Throttled\", \"httpStatusCode\": 429, \"senderFault\": true},"
    "   \"exception\": true},"
    " \"NoSuchBucket\": {\"type\": \"structure\", \"members\": {},"
    "   \"error\": {\"httpStatusCode\": 404}, \"exception\": true},"
    " \"InternalServerError\": {\"type\": \"structure\", \"members\": {},"
    "   \"exception\": true, \"fault\": true},"
    " \"ResourceNotFoundException\": {\"type\": \"structure\", \"members\": {},"
    "   \"exception\": true},"
    " \"ConflictException\": {\"type\": \"structure\", \"members\": {},"
    "   \"error\": {\"code\": \"Conflict\", \"httpStatusCode\": 409, \"senderFault\": false},"
    "   \"exception\": true},"
    " \"NotAnError\": {\"type\": \"structure\", \"members\": {}}"
    "}}";

static void resolve_from_model(void **st)
{
    model *m = mdl(MODEL);
    errcat *c = cat(CATALOG);
    aws_error e = AWS_ERROR_INIT;

    aws_error_set(&e, "Throttled", NULL);
    assert_true(errcat_resolve(c, m, &e));
    assert_int_equal(e.status, 429);
    assert_int_equal(e.sender, 1);
    assert_null(e.message);

    aws_error_set(&e, "NoSuchBucket", NULL);
    assert_true(errcat_resolve(NULL, m, &e));
    assert_int_equal(e.status, 404);
    assert_int_equal(e.sender, 1);

    aws_error_set(&e, "InternalServerError", NULL);
    assert_true(errcat_resolve(c, m, &e));
    assert_int_equal(e.status, 500);
    assert_int_equal(e.sender, 0);

    /* senderFault false, said: a receiver fault whatever the status */
    aws_error_set(&e, "Conflict", NULL);
    assert_true(errcat_resolve(c, m, &e));
    assert_int_equal(e.status, 409);
    assert_int_equal(e.sender, 0);

    aws_error_set(&e, "ResourceNotFoundException", NULL);
    assert_true(errcat_resolve(c, m, &e));
    assert_int_equal(e.status, 400);
    assert_int_equal(e.sender, 1);

    /* A shape that is not an exception is not an error. */
    aws_error_set(&e, "NotAnError", NULL);
    assert_false(errcat_resolve(c, m, &e));
    assert_int_equal(e.status, 400);

    /* The catalog is asked first. */
    aws_error_set(&e, "SlowDown", NULL);
    assert_true(errcat_resolve(c, m, &e));
    assert_int_equal(e.status, 503);

    aws_error_clear(&e);
    errcat_free(c);
    model_free(m);
}

static void resolve_unknown(void **st)
{
    aws_error e = AWS_ERROR_INIT;
    aws_error_set(&e, "Whatever", "m");
    assert_false(errcat_resolve(NULL, NULL, &e));
    assert_int_equal(e.status, 400);
    assert_int_equal(e.sender, 1);
    assert_string_equal(e.message, "m");

    aws_error_set_status(&e, 503, "Whatever", NULL);
    assert_false(errcat_resolve(NULL, NULL, &e));
    assert_int_equal(e.status, 503);
    assert_int_equal(e.sender, 0);
    assert_null(e.message);

    aws_error_clear(&e);
    assert_false(errcat_resolve(NULL, NULL, &e)); /* no code set */
    assert_false(errcat_resolve(NULL, NULL, NULL));
}

/* ---- the shipped data ---- */

static const char *SERVICES[] = {"s3", "dynamodb", "sns", "ec2", "sts", "iam", "sqs"};

static const errcat *shipped_catalog(const char *svc)
{
    const errcat *c = embedded_errcat(svc);
    if (!c)
        fail_msg("errors/%s.json is not compiled in", svc);
    return c;
}

static const model *shipped_model(const char *svc)
{
    const model *m = embedded_model(svc);
    if (!m)
        fail_msg("%s.json is not compiled in", svc);
    return m;
}

/* The JSON source of a shipped model, for what the tables do not carry. */
static json_t *model_source(const char *svc)
{
    char *path = g_strdup_printf("%s/server/models/%s.json", MOCKAWS_SOURCE_DIR, svc);
    json_error_t je;
    json_t *doc = json_load_file(path, 0, &je);
    if (!doc)
        fail_msg("%s: %s", path, je.text);
    g_free(path);
    return doc;
}

static void expect(const errcat *c, const char *code, int status, bool sender, const char *message)
{
    const errcat_entry *e = errcat_lookup(c, code);
    if (!e)
        fail_msg("%s is not in the catalog", code);
    if (e->status != status || e->sender != sender)
        fail_msg("%s: %d/%d, want %d/%d", code, e->status, e->sender, status, sender);
    if (message && g_strcmp0(e->message, message) != 0)
        fail_msg("%s: message \"%s\", want \"%s\"", code, e->message, message);
}

static void shipped_catalog_facts(void **st)
{
    const errcat *c = shipped_catalog("s3");
    expect(c, "NoSuchBucket", 404, true, "The specified bucket does not exist");
    expect(c, "NoSuchKey", 404, true, "The specified key does not exist.");
    expect(c, "AccessDenied", 403, true, "Access Denied");
    expect(c, "SlowDown", 503, false, "Please reduce your request rate.");
    expect(c, "InvalidRange", 416, true, NULL);
    expect(c, "MethodNotAllowed", 405, true, NULL);
    expect(c, "PreconditionFailed", 412, true, NULL);
    expect(c, "NotModified", 304, true, NULL);
    expect(c, "MissingContentLength", 411, true, NULL);
    expect(c, "RequestTimeout", 400, true, NULL);
    expect(c, "InternalError", 500, false, NULL);
    expect(c, "NotImplemented", 501, false, NULL);
    expect(c, "BucketAlreadyOwnedByYou", 409, true, NULL);
    expect(c, "InvalidObjectState", 403, true, NULL);

    c = shipped_catalog("dynamodb");
    expect(c, "ResourceNotFoundException", 400, true, "Requested resource not found");
    expect(c, "ConditionalCheckFailedException", 400, true, "The conditional request failed");
    expect(c, "ProvisionedThroughputExceededException", 400, true,
           "The level of configured provisioned throughput for the table was exceeded. "
           "Consider increasing your provisioning level with the UpdateTable API.");
    expect(c, "InternalServerError", 500, false, NULL);
    expect(c, "ThrottlingException", 400, true, NULL);

    c = shipped_catalog("sns");
    expect(c, "Throttled", 429, true, "Rate exceeded");
    expect(c, "NotFound", 404, true, NULL);
    expect(c, "AuthorizationError", 403, true, NULL);
    expect(c, "InternalError", 500, false, NULL);
    expect(c, "MalformedQueryString", 404, true, NULL);

    c = shipped_catalog("ec2");
    expect(c, "DryRunOperation", 412, true, "Request would have succeeded, but DryRun flag is set.");
    expect(c, "RequestLimitExceeded", 503, false, "Request limit exceeded.");
    expect(c, "UnauthorizedOperation", 403, true, NULL);
    expect(c, "InvalidInstanceID.NotFound", 400, true, NULL);
    expect(c, "Unavailable", 503, false, NULL);

    c = shipped_catalog("sts");
    expect(c, "Throttling", 400, true, "Rate exceeded");
    expect(c, "InvalidClientTokenId", 403, true, NULL);
    expect(c, "AccessDenied", 403, true, NULL);
    expect(c, "InternalFailure", 500, false, NULL);
}

/* Every modeled error of every model resolves to a sane status, and every
 * service can answer NotImplemented. */
static void shipped_data_is_consistent(void **st)
{
    for (size_t s = 0; s < G_N_ELEMENTS(SERVICES); s++) {
        const errcat *c = shipped_catalog(SERVICES[s]);
        const model *m = shipped_model(SERVICES[s]);
        expect(c, "NotImplemented", 501, false, NULL);

        for (uint32_t i = 0; i < m->nshapes; i++) {
            const mshape *shape = &m->shapes[i];
            if (!(shape->t.flags & MF_EXCEPTION))
                continue;
            aws_error e = AWS_ERROR_INIT;
            aws_error_set(&e, shape->error_code ? shape->error_code : shape->name, NULL);
            if (!errcat_resolve(c, m, &e))
                fail_msg("%s: %s does not resolve", SERVICES[s], e.code);
            if (e.status < 300 || e.status > 599)
                fail_msg("%s: %s: status %d", SERVICES[s], e.code, e.status);
            aws_error_clear(&e);
        }
    }
}

static void shipped_models(void **st)
{
    static const struct {
        const char *svc, *protocol;
        size_t ops;
        const char *op, *absent_op;
    } want[] = {
        {"s3", "rest-xml", 73, "ListObjectsV2", "PutBucketReplication"},
        {"dynamodb", "json", 27, "ExecuteStatement", "CreateBackup"},
        {"sns", "query", 42, "PublishBatch", NULL}, /* every operation SNS has */
        {"ec2", "ec2", 69, "RunInstances", "CreateFleet"},
        {"sts", "query", 5, "AssumeRole", "AssumeRoleWithSAML"},
        {"iam", "query", 60, "CreateRole", "CreateLoginProfile"},
        {"sqs", "json", 23, "ReceiveMessage", NULL}, /* every operation SQS has */
    };
    for (size_t i = 0; i < G_N_ELEMENTS(want); i++) {
        const model *m = shipped_model(want[i].svc);
        assert_string_equal(m->protocol, want[i].protocol);
        size_t modeled = 0;
        for (uint32_t k = 0; k < m->nops; k++)
            modeled += !(m->ops[k].flags & MF_TRIMMED);
        assert_int_equal(modeled, want[i].ops);
        const mop *op = model_find_op(m, want[i].op);
        assert_non_null(op);
        assert_false(op->flags & MF_TRIMMED);
        assert_non_null(op->input);
        /* Not modeled, but the model still knows it exists in AWS. */
        if (want[i].absent_op) {
            op = model_find_op(m, want[i].absent_op);
            assert_non_null(op);
            assert_true(op->flags & MF_TRIMMED);
        }
        assert_non_null(strstr(m->source, "botocore"));
        /* Every shape that is referred to is there. */
        for (uint32_t k = 0; k < m->nshapes; k++)
            for (uint32_t j = 0; j < m->shapes[k].nmembers; j++) {
                const mshape *to = m->shapes[k].members[j].shape;
                if (!to || to < m->shapes || to >= m->shapes + m->nshapes)
                    fail_msg("%s: %s.%s refers to a missing shape", want[i].svc, m->shapes[k].name,
                             m->shapes[k].members[j].name);
            }
        /* The trimmed source carries no documentation. */
        json_t *doc = model_source(want[i].svc);
        const char *name;
        json_t *shape;
        json_object_foreach(json_object_get(doc, "shapes"), name, shape) {
            if (json_object_get(shape, "documentation"))
                fail_msg("%s: %s has documentation", want[i].svc, name);
        }
        json_decref(doc);
    }

    const model *s3 = shipped_model("s3");
    static const char *roots[][2] = {
        {"ListObjectsV2Output", "ListBucketResult"},
        {"ListBucketsOutput", "ListAllMyBucketsResult"},
        {"GetBucketLocationOutput", "LocationConstraint"},
        {"CreateMultipartUploadOutput", "InitiateMultipartUploadResult"},
        {"DeleteObjectsOutput", "DeleteResult"},
        {"GetObjectTaggingOutput", "Tagging"},
        {"GetObjectAttributesOutput", "GetObjectAttributesResponse"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(roots); i++) {
        const mshape *shape = model_find_shape(s3, roots[i][0]);
        assert_non_null(shape);
        assert_string_equal(shape->t.location_name, roots[i][1]);
        assert_string_equal(shape->t.xmlns_uri, "http://s3.amazonaws.com/doc/2006-03-01/");
    }
    /* Member order is wire order, not alphabetical. */
    const mshape *list = model_find_shape(s3, "ListObjectsV2Output");
    assert_true(list->nmembers > 0);
    assert_string_equal(list->members[0].name, "IsTruncated");

    const model *ddb = shipped_model("dynamodb");
    assert_string_equal(ddb->error_namespace, "com.amazonaws.dynamodb.v20120810#");
    assert_string_equal(model_error_namespace(ddb, "ValidationException"), "com.amazon.coral.validate#");
    assert_string_equal(model_error_namespace(ddb, "SerializationException"), "com.amazon.coral.service#");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lookup),
        cmocka_unit_test(rejects_bad_catalogs),
        cmocka_unit_test(resolve_from_catalog),
        cmocka_unit_test(resolve_from_model),
        cmocka_unit_test(resolve_unknown),
        cmocka_unit_test(shipped_catalog_facts),
        cmocka_unit_test(shipped_data_is_consistent),
        cmocka_unit_test(shipped_models),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
