/* Request capture (--capture-bodies): what is kept with a journal entry,
 * that no secret is ever among it (whole or cut in half by the limit), the
 * entry's JSON, the HAR export against HAR 1.2's field list, and the
 * run-time switch. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <glib.h>
#include <string.h>

#include "core/capture.h"
#include "core/jtext.h"
#include "test_form_call.h"
#include "test_linear.h"
#include "test_s3_call.h"

/* ---- the redactions on their own ---- */

typedef void (*redactor)(GString *, const char *, size_t);

static char *redacted(redactor r, const char *s)
{
    GString *out = g_string_new(NULL);
    r(out, s, strlen(s));
    return g_string_free(out, FALSE);
}

static void expect(redactor r, const char *in, const char *want)
{
    char *got = redacted(r, in);
    if (strcmp(got, want) != 0)
        fail_msg("redacting '%s': got '%s', want '%s'", in, got, want);
    g_free(got);
}

static void authorization_headers(void **st)
{
    expect(capture_redact_authorization,
           "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, "
           "Signature=0123abcd",
           "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, "
           "Signature=REDACTED");
    /* the signature first, no spaces, an unknown member: all but the scope and the list go */
    expect(capture_redact_authorization, "AWS4-HMAC-SHA256 Signature=ab,Credential=K/s,Extra=x,SignedHeaders=host",
           "AWS4-HMAC-SHA256 Signature=REDACTED,Credential=K/s,Extra=REDACTED,SignedHeaders=host");
    expect(capture_redact_authorization, "AWS4-HMAC-SHA256 Credential=K/s, deadbeef", "AWS4-HMAC-SHA256 Credential=K/s, REDACTED");
    expect(capture_redact_authorization, "AWS4-ECDSA-P256-SHA256 Credential=K/s, Signature=30440220",
           "AWS4-ECDSA-P256-SHA256 Credential=K/s, Signature=REDACTED");
    /* SigV2 */
    expect(capture_redact_authorization, "AWS AKIDEXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=", "AWS AKIDEXAMPLE:REDACTED");
    expect(capture_redact_authorization, "AWS nocolon", "AWS REDACTED");
    /* anything else keeps its scheme only */
    expect(capture_redact_authorization, "Bearer s3cr3t", "Bearer REDACTED");
    expect(capture_redact_authorization, "s3cr3t", "REDACTED");
}

static void query_and_form_parameters(void **st)
{
    expect(capture_redact_params,
           "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=K%2F20260101%2Fus-east-1%2Fs3%2Faws4_request"
           "&X-Amz-Security-Token=FwoGZX&X-Amz-Signature=abcdef&x-id=GetObject",
           "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=K%2F20260101%2Fus-east-1%2Fs3%2Faws4_request"
           "&X-Amz-Security-Token=REDACTED&X-Amz-Signature=REDACTED&x-id=GetObject");
    /* SigV2's, names in any case or percent-encoded, IAM's passwords */
    expect(capture_redact_params, "AWSAccessKeyId=K&Signature=sig%3D&Expires=1",
           "AWSAccessKeyId=K&Signature=REDACTED&Expires=1");
    expect(capture_redact_params, "x%2Damz%2dsignature=abc&SIGNATURE=def", "x%2Damz%2dsignature=REDACTED&SIGNATURE=REDACTED");
    expect(capture_redact_params, "Action=ChangePassword&OldPassword=old1&NewPassword=new2",
           "Action=ChangePassword&OldPassword=REDACTED&NewPassword=REDACTED");
    expect(capture_redact_params, "Action=CreateLoginProfile&UserName=u&Password=pw&PasswordResetRequired=true",
           "Action=CreateLoginProfile&UserName=u&Password=REDACTED&PasswordResetRequired=true");
    /* cut inside the value: what is there goes; cut inside the name: no value yet */
    expect(capture_redact_params, "Action=X&Password=hunt", "Action=X&Password=REDACTED");
    expect(capture_redact_params, "Action=X&Passw", "Action=X&Passw");
    expect(capture_redact_params, "Password=", "Password=REDACTED");
    expect(capture_redact_params, "a&&b=1&", "a&&b=1&");
    /* a name percent-encoded whole is still the server's X-Amz-Security-Token */
    expect(capture_redact_params, "%58%2D%41%6D%7A%2D%53%65%63%75%72%69%74%79%2D%54%6F%6B%65%6E=tok",
           "%58%2D%41%6D%7A%2D%53%65%63%75%72%69%74%79%2D%54%6F%6B%65%6E=REDACTED");
}

static void xml_bodies(void **st)
{
    expect(capture_redact_xml,
           "<Credentials><AccessKeyId>ASIA1</AccessKeyId><SecretAccessKey>wJalr/K7</SecretAccessKey>"
           "<SessionToken>FwoG+Z==</SessionToken></Credentials>",
           "<Credentials><AccessKeyId>ASIA1</AccessKeyId><SecretAccessKey>REDACTED</SecretAccessKey>"
           "<SessionToken>REDACTED</SessionToken></Credentials>");
    expect(capture_redact_xml, "<ServicePassword>p</ServicePassword><Password a=\"1\">q</Password>",
           "<ServicePassword>REDACTED</ServicePassword><Password a=\"1\">REDACTED</Password>");
    /* markup inside the value does not end it early; an empty element stays */
    expect(capture_redact_xml, "<SessionToken><![CDATA[tok<en]]></SessionToken><Password/>",
           "<SessionToken>REDACTED</SessionToken><Password/>");
    /* other elements, even with a secret's name as their prefix, stay */
    expect(capture_redact_xml, "<PasswordResetRequired>true</PasswordResetRequired>",
           "<PasswordResetRequired>true</PasswordResetRequired>");
    /* cut by the limit: inside the value, inside the closing tag, inside the opening tag */
    expect(capture_redact_xml, "<X><SecretAccessKey>wJalr", "<X><SecretAccessKey>REDACTED");
    expect(capture_redact_xml, "<SecretAccessKey>wJalr</SecretAcc", "<SecretAccessKey>REDACTED");
    expect(capture_redact_xml, "<SecretAcc", "<SecretAcc");
    expect(capture_redact_xml, "<SecretAccessKey", "<SecretAccessKey");
}

static void json_bodies(void **st)
{
    expect(capture_redact_json,
           "{\"Credentials\": {\"AccessKeyId\": \"ASIA1\", \"SecretAccessKey\" : \"wJa\\\"lr\", \"SessionToken\":\"t\"}}",
           "{\"Credentials\": {\"AccessKeyId\": \"ASIA1\", \"SecretAccessKey\" : \"REDACTED\", "
           "\"SessionToken\":\"REDACTED\"}}");
    /* a value that reads like a key is a value; a non-string value stays */
    expect(capture_redact_json, "{\"a\":\"Password\",\"b\":\":\\\"x\",\"Password\":null}",
           "{\"a\":\"Password\",\"b\":\":\\\"x\",\"Password\":null}");
    expect(capture_redact_json, "{\"NewPassword\":\"n\",\"OldPassword\":\"o\",\"ServicePassword\":\"s\"}",
           "{\"NewPassword\":\"REDACTED\",\"OldPassword\":\"REDACTED\",\"ServicePassword\":\"REDACTED\"}");
    /* cut: inside the value, after an escape, before the value */
    expect(capture_redact_json, "{\"SessionToken\":\"FwoGZX", "{\"SessionToken\":\"REDACTED");
    expect(capture_redact_json, "{\"SessionToken\":\"Fw\\", "{\"SessionToken\":\"REDACTED");
    expect(capture_redact_json, "{\"SessionToken\": ", "{\"SessionToken\": ");
    expect(capture_redact_json, "{\"SessionTok", "{\"SessionTok");
    /* a name spelled with escapes is taken for a secret's */
    expect(capture_redact_json, "{\"Pass\\u0077ord\":\"pw\"}", "{\"Pass\\u0077ord\":\"REDACTED\"}");
}

static void aws_chunked_bodies(void **st)
{
    expect(capture_redact_chunked,
           "5;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\nhello\r\n"
           "0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n"
           "x-amz-checksum-crc32:NSRBwg==\r\nx-amz-trailer-signature:63bddb248ad2590c92712055f51b8e78ab024eead08276b24f010b0efd74843f\r\n\r\n",
           "5;chunk-signature=REDACTED\r\nhello\r\n0;chunk-signature=REDACTED\r\n"
           "x-amz-checksum-crc32:NSRBwg==\r\nx-amz-trailer-signature:REDACTED\r\n\r\n");
    expect(capture_redact_chunked, "400;chunk-signature=ad80c7", "400;chunk-signature=REDACTED");
}

/* Every redaction is linear: many secrets, and one open element or string
 * running to the end. */
static void linear_work_xml(void *ctx, int n)
{
    GString *in = g_string_new(NULL);
    for (int i = 0; i < n; i++)
        g_string_append(in, "<Password>x</Password><SessionToken>");
    GString *out = g_string_new(NULL);
    capture_redact_xml(out, in->str, in->len);
    capture_redact_json(out, in->str, in->len);
    g_string_truncate(in, 0);
    for (int i = 0; i < n; i++)
        g_string_append(in, "\"Password\":\"x\",\"");
    capture_redact_json(out, in->str, in->len);
    capture_redact_params(out, in->str, in->len);
    assert_true(out->len > 0);
    g_string_free(in, TRUE);
    g_string_free(out, TRUE);
}

static void redaction_is_linear(void **st) { assert_true(linear_in_size(linear_work_xml, NULL, 40000)); }

/* ---- through the pipeline ---- */

static mockaws *start(size_t capture_bodies, unsigned journal_size)
{
    char err[256];
    mockaws_options o = {.seed = 7, .capture_bodies = capture_bodies, .journal_size = journal_size};
    mockaws *s = mockaws_start(&o, err, sizeof err);
    if (!s)
        fail_msg("start: %s", err);
    return s;
}

/* A control request: its status, *out (if not NULL) the answer. */
static int ctl(mockaws *s, const char *method, const char *path, const char *body, json_t **out)
{
    http_header h[1] = {{"content-type", "application/json"}};
    const char *q = strchr(path, '?');
    char *p = q ? g_strndup(path, (gsize)(q - path)) : g_strdup(path);
    http_request req = {.method = method, .path = p, .query = q ? q + 1 : "", .host = "localhost", .headers = h,
                        .nheaders = body ? 1 : 0, .body = body ? body : "", .body_len = body ? strlen(body) : 0};
    result r = pipeline_result(s, &req);
    json_t *doc = json_loads(r.body, 0, NULL);
    if (!doc)
        fail_msg("%s %s answered %d, not JSON: %s", method, path, r.status, r.body);
    if (out)
        *out = doc;
    else
        json_decref(doc);
    g_free(r.body);
    g_free(p);
    return r.status;
}

/* The last journal entry, as GET /_mockaws/journal/{seq} gives it. */
static json_t *last_entry(mockaws *s)
{
    char path[64];
    g_snprintf(path, sizeof path, "/_mockaws/journal/%" G_GUINT64_FORMAT, journal_last_seq(s->journal));
    json_t *e;
    assert_int_equal(ctl(s, "GET", path, NULL, &e), 200);
    return e;
}

static const char *member(json_t *e, const char *side, const char *name)
{
    return json_string_value(json_object_get(json_object_get(e, side), name));
}

/* Whether text appears anywhere in what the control API serves about the
 * journal: the list, the entries one by one, the HAR. */
static bool served_anywhere(mockaws *s, const char *text)
{
    bool found = false;
    const char *paths[] = {"/_mockaws/journal", "/_mockaws/journal.har"};
    for (size_t i = 0; i < G_N_ELEMENTS(paths); i++) {
        json_t *doc;
        ctl(s, "GET", paths[i], NULL, &doc);
        char *t = json_dumps(doc, 0);
        found = found || strstr(t, text);
        free(t);
        json_decref(doc);
    }
    for (uint64_t seq = 1; seq <= journal_last_seq(s->journal); seq++) {
        json_t *doc = journal_get(s->journal, seq);
        char *t = doc ? json_dumps(doc, 0) : NULL;
        found = found || (t && strstr(t, text));
        free(t);
        json_decref(doc);
    }
    return found;
}

static char *xml_text(const char *xml, const char *tag)
{
    char *t = s3_xml_text(xml, tag);
    if (!t)
        fail_msg("no <%s> in %s", tag, xml);
    return t;
}

#define STS_AUTH \
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/us-east-1/sts/aws4_request, SignedHeaders=host, " \
    "Signature=feedfacecafe"
#define IAM_AUTH \
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/us-east-1/iam/aws4_request, SignedHeaders=host, " \
    "Signature=feedfacecafe"
#define ASSUME "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fr" \
               "&RoleSessionName=sess"

/* STS and IAM answers keep everything but their secrets, which the client
 * itself got in full; the requests' signatures and passwords go too. */
static void sts_and_iam_secrets(void **st)
{
    mockaws *s = start(4096, 0);
    result r = form_call(s, "POST", NULL, STS_AUTH, ASSUME);
    assert_int_equal(r.status, 200);
    char *secret = xml_text(r.body, "SecretAccessKey"), *token = xml_text(r.body, "SessionToken");
    char *key = xml_text(r.body, "AccessKeyId");
    json_t *e = last_entry(s);
    const char *body = member(e, "response", "body");
    assert_non_null(body);
    assert_non_null(strstr(body, "<SecretAccessKey>REDACTED</SecretAccessKey>"));
    assert_non_null(strstr(body, "<SessionToken>REDACTED</SessionToken>"));
    assert_non_null(strstr(body, key)); /* the rest is kept */
    assert_non_null(strstr(member(e, "request", "body"), "RoleSessionName=sess"));
    json_decref(e);

    /* IAM: CreateAccessKey's answer, the passwords of the login profile calls */
    g_free(form_call(s, "POST", NULL, IAM_AUTH, "Action=CreateUser&Version=2010-05-08&UserName=u1").body);
    result k = form_call(s, "POST", NULL, IAM_AUTH, "Action=CreateAccessKey&Version=2010-05-08&UserName=u1");
    assert_int_equal(k.status, 200);
    char *iam_secret = xml_text(k.body, "SecretAccessKey");
    g_free(form_call(s, "POST", NULL, IAM_AUTH,
                     "Action=CreateLoginProfile&Version=2010-05-08&UserName=u1&Password=Hunter2%21pw")
               .body);
    g_free(form_call(s, "POST", NULL, IAM_AUTH,
                     "Action=UpdateLoginProfile&Version=2010-05-08&UserName=u1&Password=Sw0rdfish%21x")
               .body);
    g_free(form_call(s, "POST", NULL, IAM_AUTH,
                     "Action=ChangePassword&Version=2010-05-08&OldPassword=Oldpass%21&NewPassword=Newpass%21")
               .body);
    const char *never[] = {secret, token, iam_secret, "Hunter2", "Sw0rdfish", "Oldpass", "Newpass", "feedfacecafe"};
    for (size_t i = 0; i < G_N_ELEMENTS(never); i++)
        if (served_anywhere(s, never[i]))
            fail_msg("'%s' was served by the control API", never[i]);
    g_free(secret);
    g_free(token);
    g_free(key);
    g_free(iam_secret);
    g_free(r.body);
    g_free(k.body);
    mockaws_stop(s);
}

/* A limit that cuts the secret key in two keeps neither half. */
static void secret_cut_by_the_limit(void **st)
{
    mockaws *s = start(4096, 0);
    result r = form_call(s, "POST", NULL, STS_AUTH, ASSUME);
    size_t at = (size_t)(strstr(r.body, "<SecretAccessKey>") - r.body) + strlen("<SecretAccessKey>");
    g_free(r.body);
    /* the next answer has the same layout: cut 10 bytes into its key */
    char *set = g_strdup_printf("{\"bodies\": %zu}", at + 10);
    assert_int_equal(ctl(s, "POST", "/_mockaws/capture", set, NULL), 200);
    g_free(set);
    r = form_call(s, "POST", NULL, STS_AUTH, ASSUME);
    char *secret = xml_text(r.body, "SecretAccessKey");
    char *half = g_strndup(secret, 10);
    assert_int_equal((size_t)(strstr(r.body, secret) - r.body), at);
    json_t *e = last_entry(s);
    assert_true(json_is_true(json_object_get(json_object_get(e, "response"), "body_truncated")));
    assert_int_equal(json_integer_value(json_object_get(json_object_get(e, "response"), "body_size")),
                     strlen(r.body));
    assert_true(g_str_has_suffix(member(e, "response", "body"), "<SecretAccessKey>REDACTED"));
    assert_false(served_anywhere(s, half));
    json_decref(e);
    g_free(half);
    g_free(secret);
    g_free(r.body);
    mockaws_stop(s);
}

/* Presigned URLs' signatures and tokens, the headers', a form upload's. */
static void s3_signatures_and_tokens(void **st)
{
    mockaws *s = start(4096, 0);
    s3r r = s3_call(s, "PUT", "/bkt", NULL, NULL, 0, "x-amz-security-token", "IQoJb3JpZ2luX2VjE", NULL);
    s3r_free(&r);
    r = s3_call(s, "PUT", "/bkt/sse", NULL, "x", 1, "x-amz-server-side-encryption-customer-key",
                "c2VjcmV0LWN1c3RvbWVyLWtleS0zMi1ieXRlcy0wMDA=", NULL);
    s3r_free(&r);
    /* a streamed, signed upload: its chunk signatures */
    const char *chunked = "1;chunk-signature=0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0\r\ny\r\n"
                          "0;chunk-signature=aa1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0\r\n\r\n";
    r = s3_call(s, "PUT", "/bkt/chunked", NULL, chunked, strlen(chunked), "content-encoding", "aws-chunked",
                "x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "x-amz-decoded-content-length", "1",
                NULL);
    assert_int_equal(r.status, 200);
    s3r_free(&r);
    json_t *ce = last_entry(s);
    assert_non_null(strstr(member(ce, "request", "body"), "1;chunk-signature=REDACTED\r\ny\r\n"));
    json_decref(ce);
    r = s3_call(s, "GET", "/bkt/k",
                "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20261129%2Fus-east-1%2Fs3%2F"
                "aws4_request&X-Amz-Security-Token=IQoJb3JpZ2luX2VjE&X-Amz-Signature=5d672d79c15b13162d9279b0855cfba6",
                NULL, 0, "authorization", "", NULL);
    s3r_free(&r);
    json_t *e = last_entry(s);
    assert_string_equal(member(e, "request", "query"),
                        "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20261129%2Fus-east-1%2Fs3%2F"
                        "aws4_request&X-Amz-Security-Token=REDACTED&X-Amz-Signature=REDACTED");
    json_decref(e);
    const char *form = "--b\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\nk\r\n"
                       "--b\r\nContent-Disposition: form-data; name=\"x-amz-signature\"\r\n\r\nabad1dea\r\n--b--\r\n";
    r = s3_call(s, "POST", "/bkt", NULL, form, strlen(form), "content-type", "multipart/form-data; boundary=b", NULL);
    s3r_free(&r);
    e = last_entry(s);
    json_t *req = json_object_get(e, "request");
    assert_true(json_is_null(json_object_get(req, "body")));
    assert_non_null(json_string_value(json_object_get(req, "body_withheld")));
    assert_int_equal(json_integer_value(json_object_get(req, "body_size")), strlen(form));
    json_decref(e);
    assert_false(served_anywhere(s, "IQoJb3JpZ2luX2VjE"));
    assert_false(served_anywhere(s, "5d672d79c15b"));
    assert_false(served_anywhere(s, "abad1dea"));
    assert_false(served_anywhere(s, "c2VjcmV0LWN1c3RvbWVy"));
    assert_false(served_anywhere(s, "4b5a69788796a5b4"));
    assert_true(served_anywhere(s, "SignedHeaders=host, Signature=REDACTED"));
    mockaws_stop(s);
}

/* Bodies to N bytes, an object sent from its file included; binary bodies
 * in base64; headers as [name, value] pairs. */
static void bodies_and_the_entry_json(void **st)
{
    mockaws *s = start(16, 0);
    s3r r = s3_call(s, "PUT", "/bkt", NULL, NULL, 0, NULL);
    s3r_free(&r);
    char big[300];
    memset(big, 'a', sizeof big);
    memcpy(big, "0123456789abcdefXYZ", 19);
    r = s3_call(s, "PUT", "/bkt/k", NULL, big, sizeof big, "content-type", "text/plain", NULL);
    s3r_free(&r);
    json_t *e = last_entry(s);
    json_t *req = json_object_get(e, "request");
    assert_string_equal(json_string_value(json_object_get(req, "method")), "PUT");
    assert_string_equal(json_string_value(json_object_get(req, "path")), "/bkt/k");
    assert_string_equal(json_string_value(json_object_get(req, "query")), "");
    assert_string_equal(json_string_value(json_object_get(req, "body")), "0123456789abcdef");
    assert_int_equal(json_integer_value(json_object_get(req, "body_size")), sizeof big);
    assert_true(json_is_true(json_object_get(req, "body_truncated")));
    json_t *h0 = json_array_get(json_object_get(req, "headers"), 0);
    assert_true(json_is_array(h0) && json_array_size(h0) == 2);
    assert_string_equal(json_string_value(json_array_get(h0, 0)), "content-type");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(e, "response"), "status")), 200);
    json_decref(e);

    r = s3_call(s, "GET", "/bkt/k", NULL, NULL, 0, NULL);
    assert_non_null(r.ext); /* sent from the object's file */
    s3r_free(&r);
    e = last_entry(s);
    json_t *resp = json_object_get(e, "response");
    assert_string_equal(json_string_value(json_object_get(resp, "body")), "0123456789abcdef");
    assert_int_equal(json_integer_value(json_object_get(resp, "body_size")), sizeof big);
    /* the list names the request, never its bodies */
    json_t *list;
    ctl(s, "GET", "/_mockaws/journal?operation=GetObject", NULL, &list);
    json_t *first = json_array_get(json_object_get(list, "entries"), 0);
    assert_string_equal(json_string_value(json_object_get(first, "method")), "GET");
    assert_string_equal(json_string_value(json_object_get(first, "path")), "/bkt/k");
    assert_null(json_object_get(first, "request"));
    assert_null(json_object_get(first, "response"));
    /* journal/{seq} is the list's entry and the capture */
    json_t *without = json_deep_copy(e);
    json_object_del(without, "request");
    json_object_del(without, "response");
    assert_true(json_equal(without, first));
    json_decref(without);
    json_decref(list);
    json_decref(e);

    r = s3_call(s, "PUT", "/bkt/bin", NULL, "\xff\xfe\x00\x01", 4, NULL);
    s3r_free(&r);
    e = last_entry(s);
    req = json_object_get(e, "request");
    assert_null(json_object_get(req, "body"));
    assert_string_equal(json_string_value(json_object_get(req, "body_base64")), "//4AAQ==");
    assert_false(json_is_true(json_object_get(req, "body_truncated")));
    json_decref(e);
    mockaws_stop(s);
}

/* Off (the default): nothing kept; the switch at run time, bounded; an
 * entry gone from the ring is a 404, its capture freed with it. */
static void off_toggle_and_ring(void **st)
{
    mockaws *s = start(0, 2);
    json_t *doc;
    s3r r = s3_call(s, "PUT", "/bkt", NULL, NULL, 0, NULL);
    s3r_free(&r);
    json_t *e = last_entry(s);
    assert_null(json_object_get(e, "request"));
    assert_null(json_object_get(e, "method"));
    json_decref(e);
    assert_int_equal(ctl(s, "GET", "/_mockaws/capture", NULL, &doc), 200);
    assert_int_equal(json_integer_value(json_object_get(doc, "bodies")), 0);
    json_decref(doc);
    const char *bad[] = {"{\"bodies\": -1}", "{\"bodies\": 1048577}", "{\"bodies\": \"8\"}", "[8]",
                         "{\"bodies\": 8, \"x\": 1}", "{}", "nope"};
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++)
        assert_int_equal(ctl(s, "POST", "/_mockaws/capture", bad[i], NULL), 400);
    assert_int_equal(ctl(s, "PUT", "/_mockaws/capture", "{}", NULL), 405);
    assert_int_equal(ctl(s, "POST", "/_mockaws/capture", "{\"bodies\": 1048576}", &doc), 200);
    assert_int_equal(json_integer_value(json_object_get(doc, "bodies")), 1048576);
    json_decref(doc);
    r = s3_call(s, "HEAD", "/bkt", NULL, NULL, 0, NULL);
    s3r_free(&r);
    e = last_entry(s);
    assert_string_equal(member(e, "request", "method"), "HEAD");
    uint64_t seq = (uint64_t)json_integer_value(json_object_get(e, "seq"));
    json_decref(e);
    assert_int_equal(ctl(s, "POST", "/_mockaws/capture", "{\"bodies\": 0}", NULL), 200);
    r = s3_call(s, "HEAD", "/bkt", NULL, NULL, 0, NULL);
    s3r_free(&r);
    e = last_entry(s);
    assert_null(json_object_get(e, "request"));
    json_decref(e);
    /* two more push the captured one out of a ring of two */
    r = s3_call(s, "HEAD", "/bkt", NULL, NULL, 0, NULL);
    s3r_free(&r);
    char path[64];
    g_snprintf(path, sizeof path, "/_mockaws/journal/%" G_GUINT64_FORMAT, seq);
    assert_int_equal(ctl(s, "GET", path, NULL, NULL), 404);
    assert_int_equal(ctl(s, "GET", "/_mockaws/journal/12x", NULL, NULL), 400);
    assert_int_equal(ctl(s, "GET", "/_mockaws/journal/-1", NULL, NULL), 400);
    assert_int_equal(ctl(s, "DELETE", "/_mockaws/journal/1", NULL, NULL), 405);
    assert_int_equal(ctl(s, "GET", "/_mockaws/journal/99999999999999999999999", NULL, NULL), 400);
    mockaws_stop(s);

    char err[128];
    mockaws_options o = {.capture_bodies = 1048577};
    assert_null(mockaws_start(&o, err, sizeof err));
    assert_non_null(strstr(err, "capture_bodies"));
}

/* ---- HAR 1.2 ---- */

/* Each of obj's members named in fields ("name:type", type one of s n o a b
 * i), present and of that type. */
static void has_fields(json_t *obj, const char *what, const char *const *fields)
{
    if (!json_is_object(obj))
        fail_msg("%s is not an object", what);
    for (; *fields; fields++) {
        const char *colon = strchr(*fields, ':');
        char *name = g_strndup(*fields, (gsize)(colon - *fields));
        json_t *v = json_object_get(obj, name);
        bool ok = v != NULL;
        switch (colon[1]) {
        case 's': ok = ok && json_is_string(v); break;
        case 'n': ok = ok && json_is_number(v); break;
        case 'i': ok = ok && json_is_integer(v); break;
        case 'o': ok = ok && json_is_object(v); break;
        case 'a': ok = ok && json_is_array(v); break;
        default: ok = false;
        }
        if (!ok)
            fail_msg("%s.%s is missing or not of type %c", what, name, colon[1]);
        g_free(name);
    }
}

static void pairs_named(json_t *arr, const char *what)
{
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) has_fields(v, what, (const char *const[]){"name:s", "value:s", NULL});
}

/* The HAR 1.2 spec's required fields of log, creator, entry, request,
 * response, content, cache and timings, for captured and other entries. */
static void har_document(void **st)
{
    mockaws *s = start(0, 0);
    s3r r = s3_call(s, "PUT", "/bkt", NULL, NULL, 0, NULL);
    s3r_free(&r);
    assert_int_equal(ctl(s, "POST", "/_mockaws/capture", "{\"bodies\": 4096}", NULL), 200);
    r = s3_call(s, "PUT", "/bkt/k", "x-id=PutObject", "hello", 5, "content-type", "text/plain", NULL);
    s3r_free(&r);
    r = s3_call(s, "GET", "/bkt/k", NULL, NULL, 0, NULL);
    s3r_free(&r);
    r = s3_call(s, "GET", "/bkt/missing", NULL, NULL, 0, NULL);
    s3r_free(&r);
    /* a type that is not UTF-8 (the object's, given back on GET) does not lose the entry */
    r = s3_call(s, "PUT", "/bkt/odd", NULL, "x", 1, "content-type", "text/\xff", NULL);
    s3r_free(&r);
    r = s3_call(s, "GET", "/bkt/odd", NULL, NULL, 0, NULL);
    s3r_free(&r);
    json_t *har;
    assert_int_equal(ctl(s, "GET", "/_mockaws/journal.har", NULL, &har), 200);
    json_t *log = json_object_get(har, "log");
    has_fields(log, "log", (const char *const[]){"version:s", "creator:o", "entries:a", NULL});
    assert_string_equal(json_string_value(json_object_get(log, "version")), "1.2");
    has_fields(json_object_get(log, "creator"), "creator", (const char *const[]){"name:s", "version:s", NULL});
    json_t *entries = json_object_get(log, "entries");
    assert_int_equal(json_array_size(entries), 6);
    size_t i;
    json_t *en;
    json_array_foreach(entries, i, en)
    {
        has_fields(en, "entry",
                   (const char *const[]){"startedDateTime:s", "time:n", "request:o", "response:o", "cache:o",
                                         "timings:o", "_mockaws:o", NULL});
        json_t *rq = json_object_get(en, "request"), *rs = json_object_get(en, "response");
        has_fields(rq, "request",
                   (const char *const[]){"method:s", "url:s", "httpVersion:s", "cookies:a", "headers:a",
                                         "queryString:a", "headersSize:i", "bodySize:i", NULL});
        has_fields(rs, "response",
                   (const char *const[]){"status:i", "statusText:s", "httpVersion:s", "cookies:a", "headers:a",
                                         "content:o", "redirectURL:s", "headersSize:i", "bodySize:i", NULL});
        has_fields(json_object_get(rs, "content"), "content", (const char *const[]){"size:i", "mimeType:s", NULL});
        has_fields(json_object_get(en, "timings"), "timings",
                   (const char *const[]){"send:n", "wait:n", "receive:n", NULL});
        pairs_named(json_object_get(rq, "headers"), "request header");
        pairs_named(json_object_get(rq, "queryString"), "query parameter");
        pairs_named(json_object_get(rs, "headers"), "response header");
        json_t *post = json_object_get(rq, "postData");
        if (post)
            has_fields(post, "postData", (const char *const[]){"mimeType:s", "text:s", NULL});
        assert_int_equal(json_integer_value(json_object_get(json_object_get(en, "_mockaws"), "seq")), i + 1);
    }
    /* the entry before capture was on: what the journal knows */
    json_t *first = json_array_get(entries, 0);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(first, "response"), "status")), 200);
    assert_int_equal(json_array_size(json_object_get(json_object_get(first, "request"), "headers")), 0);
    /* the PutObject: its URL, query and body */
    json_t *put = json_object_get(json_array_get(entries, 1), "request");
    assert_string_equal(json_string_value(json_object_get(put, "method")), "PUT");
    assert_string_equal(json_string_value(json_object_get(put, "url")), "http://localhost/bkt/k?x-id=PutObject");
    assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(put, "queryString"), 0),
                                                          "value")),
                        "PutObject");
    assert_string_equal(json_string_value(json_object_get(json_object_get(put, "postData"), "text")), "hello");
    assert_int_equal(json_integer_value(json_object_get(put, "bodySize")), 5);
    /* the GetObject's content */
    json_t *content = json_object_get(json_object_get(json_array_get(entries, 2), "response"), "content");
    assert_string_equal(json_string_value(json_object_get(content, "text")), "hello");
    assert_int_equal(json_integer_value(json_object_get(content, "size")), 5);
    json_t *missing = json_object_get(json_array_get(entries, 3), "response");
    assert_int_equal(json_integer_value(json_object_get(missing, "status")), 404);
    assert_string_equal(json_string_value(json_object_get(missing, "statusText")), "Not Found");
    json_decref(har);
    /* the journal list's filters */
    assert_int_equal(ctl(s, "GET", "/_mockaws/journal.har?operation=GetObject&limit=1", NULL, &har), 200);
    assert_int_equal(json_array_size(json_object_get(json_object_get(har, "log"), "entries")), 1);
    json_decref(har);
    assert_int_equal(ctl(s, "GET", "/_mockaws/journal.har?since=x", NULL, NULL), 400);
    assert_int_equal(ctl(s, "POST", "/_mockaws/journal.har", "{}", NULL), 405);
    mockaws_stop(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(authorization_headers),
        cmocka_unit_test(query_and_form_parameters),
        cmocka_unit_test(xml_bodies),
        cmocka_unit_test(json_bodies),
        cmocka_unit_test(aws_chunked_bodies),
        cmocka_unit_test(redaction_is_linear),
        cmocka_unit_test(sts_and_iam_secrets),
        cmocka_unit_test(secret_cut_by_the_limit),
        cmocka_unit_test(s3_signatures_and_tokens),
        cmocka_unit_test(bodies_and_the_entry_json),
        cmocka_unit_test(off_toggle_and_ring),
        cmocka_unit_test(har_document),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
