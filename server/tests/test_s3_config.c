/* S3 bucket settings beneath the clients: CORS rule matching (cors.c), ACL
 * header grants and canned ACLs (config.c), and the pipeline's after_call
 * hook putting CORS headers on answers, errors included. Expected values
 * are S3's (docs/AWS-FACTS.md, "CORS" and "ACLs and Object Ownership"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "services/s3/config.h"
#include "services/s3/cors.h"
#include "test_s3_call.h"

static json_t *cors_doc(void)
{
    return json_loads("{\"CORSRules\": ["
                      " {\"AllowedOrigins\": [\"http://*.origin.com\"], \"AllowedMethods\": [\"GET\"],"
                      "  \"AllowedHeaders\": [\"x-amz-*\", \"Content-Type\"], \"ExposeHeaders\": [\"ETag\", \"x-amz-meta-a\"],"
                      "  \"MaxAgeSeconds\": 30},"
                      " {\"AllowedOrigins\": [\"*\"], \"AllowedMethods\": [\"PUT\", \"POST\"]}]}",
                      0, NULL);
}

static void patterns(void **st)
{
    (void)st;
    assert_true(s3_cors_pattern_match("http://*.origin.com", "http://test.origin.com", false));
    assert_false(s3_cors_pattern_match("http://*.origin.com", "http://test.origin.com/", false));
    assert_false(s3_cors_pattern_match("http://*.origin.com", "http://.origin.co", false));
    assert_true(s3_cors_pattern_match("*", "", false));
    assert_true(s3_cors_pattern_match("exact", "exact", false));
    assert_false(s3_cors_pattern_match("exact", "exactly", false));
    assert_false(s3_cors_pattern_match("Exact", "exact", false));
    assert_true(s3_cors_pattern_match("X-Amz-*", "x-amz-date", true));
    /* prefix and suffix may not overlap in the value */
    assert_false(s3_cors_pattern_match("ab*ba", "aba", false));
}

static void matching(void **st)
{
    (void)st;
    json_t *cors = cors_doc();
    json_t *first = json_array_get(json_object_get(cors, "CORSRules"), 0);
    json_t *second = json_array_get(json_object_get(cors, "CORSRules"), 1);
    assert_ptr_equal(s3_cors_match(cors, "http://a.origin.com", "GET", NULL), first);
    assert_ptr_equal(s3_cors_match(cors, "http://a.origin.com", "GET", " X-Amz-Date ,content-type"), first);
    /* a header no pattern covers: the first rule fails, the second has no GET */
    assert_null(s3_cors_match(cors, "http://a.origin.com", "GET", "x-amz-date, authorization"));
    /* the second rule allows any origin but no headers */
    assert_ptr_equal(s3_cors_match(cors, "http://a.origin.com", "PUT", NULL), second);
    assert_null(s3_cors_match(cors, "http://a.origin.com", "PUT", "x-custom"));
    assert_null(s3_cors_match(cors, "http://a.origin.com", "DELETE", NULL));
    assert_null(s3_cors_match(cors, NULL, "GET", NULL));
    assert_null(s3_cors_match(NULL, "http://a.origin.com", "GET", NULL));
    json_decref(cors);
}

static void answers(void **st)
{
    (void)st;
    json_t *cors = cors_doc();
    json_t *a = s3_cors_answer(json_array_get(json_object_get(cors, "CORSRules"), 0), "http://a.origin.com",
                               "X-Amz-Date, Content-Type");
    assert_string_equal(svc_str(a, "AllowOrigin"), "http://a.origin.com");
    assert_string_equal(svc_str(a, "AllowMethods"), "GET");
    assert_string_equal(svc_str(a, "AllowHeaders"), "x-amz-date, content-type");
    assert_string_equal(svc_str(a, "ExposeHeaders"), "ETag, x-amz-meta-a");
    assert_string_equal(svc_str(a, "MaxAge"), "30");
    assert_string_equal(svc_str(a, "AllowCredentials"), "true");
    assert_string_equal(svc_str(a, "Vary"), "Origin, Access-Control-Request-Headers, Access-Control-Request-Method");
    json_decref(a);
    /* an origin of "*" answers "*", without credentials or max age */
    a = s3_cors_answer(json_array_get(json_object_get(cors, "CORSRules"), 1), "http://b.example", NULL);
    assert_string_equal(svc_str(a, "AllowOrigin"), "*");
    assert_string_equal(svc_str(a, "AllowMethods"), "PUT, POST");
    assert_null(json_object_get(a, "AllowCredentials"));
    assert_null(json_object_get(a, "AllowHeaders"));
    assert_null(json_object_get(a, "MaxAge"));
    json_decref(a);
    json_decref(cors);
}

static void canned_acls(void **st)
{
    (void)st;
    json_t *g = s3_acl_canned("private");
    assert_int_equal(json_array_size(g), 0);
    json_decref(g);
    g = s3_acl_canned("public-read-write");
    assert_int_equal(json_array_size(g), 2);
    assert_string_equal(svc_str(json_object_get(json_array_get(g, 1), "Grantee"), "URI"),
                        "http://acs.amazonaws.com/groups/global/AllUsers");
    assert_string_equal(svc_str(json_array_get(g, 1), "Permission"), "WRITE");
    json_decref(g);
    g = s3_acl_canned("log-delivery-write");
    assert_string_equal(svc_str(json_array_get(g, 1), "Permission"), "READ_ACP");
    json_decref(g);
    assert_null(s3_acl_canned("everyone"));
    assert_null(s3_acl_canned(NULL));
}

/* Grant headers through PutBucketAcl on a bucket that allows ACLs. */
static void grant_headers(void **st)
{
    server *s = *st;
    s3_ok(s, "PUT", "/grants", NULL, NULL);
    const char *own = "<OwnershipControls><Rule><ObjectOwnership>ObjectWriter</ObjectOwnership></Rule>"
                      "</OwnershipControls>";
    s3r r = s3_call(s, "PUT", "/grants", "ownershipControls", own, strlen(own), NULL);
    assert_int_equal(r.status, 200);
    s3r_free(&r);
    char id[65];
    memset(id, 'a', 64);
    id[64] = 0;
    char *two = g_strdup_printf("id=\"%s\" , uri=\"http://acs.amazonaws.com/groups/s3/LogDelivery\"", id);
    r = s3_call(s, "PUT", "/grants", "acl", NULL, 0, "x-amz-grant-write", two, NULL);
    assert_int_equal(r.status, 200);
    s3r_free(&r);
    g_free(two);
    r = s3_call(s, "GET", "/grants", "acl", NULL, 0, NULL);
    assert_int_equal(r.status, 200);
    assert_int_equal(s3_count(r.body, "<Grant>"), 3);
    assert_int_equal(s3_count(r.body, "<Permission>WRITE</Permission>"), 2);
    assert_non_null(strstr(r.body, "xsi:type=\"Group\""));
    s3r_free(&r);
    static const struct {
        const char *value, *message, *arg;
    } bad[] = {
        {"id=\"short\"", "Invalid id", "id"},
        {"uri=\"http://acs.amazonaws.com/groups/global/Nobody\"", "Invalid group uri", "uri"},
        {"id=", "Argument format not recognized", "x-amz-grant-read"},
        {"id=\"unterminated", "Argument format not recognized", "x-amz-grant-read"},
        {"uri=\"http://acs.amazonaws.com/groups/global/AllUsers\" junk", "Argument format not recognized",
         "x-amz-grant-read"},
        {"colour=\"blue\"", "Argument format not recognized", "x-amz-grant-read"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        r = s3_call(s, "PUT", "/grants", "acl", NULL, 0, "x-amz-grant-read", bad[i].value, NULL);
        char *msg = s3_xml_text(r.body, "Message");
        char *arg = s3_xml_text(r.body, "ArgumentName");
        if (r.status != 400 || g_strcmp0(msg, bad[i].message) != 0 || g_strcmp0(arg, bad[i].arg) != 0)
            fail_msg("%s: %d %s", bad[i].value, r.status, r.body);
        g_free(msg);
        g_free(arg);
        s3r_free(&r);
    }
    /* nothing of the refused headers was kept */
    r = s3_call(s, "GET", "/grants", "acl", NULL, 0, NULL);
    assert_int_equal(s3_count(r.body, "<Grant>"), 3);
    s3r_free(&r);
}

/* The after_call hook: an answer to a request with a matching Origin
 * carries the CORS headers, an error answer too; no Origin, none. */
static void cors_headers_on_answers(void **st)
{
    server *s = *st;
    s3_ok(s, "PUT", "/corsy", NULL, NULL);
    s3_ok(s, "PUT", "/corsy/k", NULL, "x");
    const char *cfg = "<CORSConfiguration><CORSRule><AllowedOrigin>https://app.test</AllowedOrigin>"
                      "<AllowedMethod>GET</AllowedMethod><ExposeHeader>ETag</ExposeHeader></CORSRule>"
                      "</CORSConfiguration>";
    s3r r = s3_call(s, "PUT", "/corsy", "cors", cfg, strlen(cfg), NULL);
    assert_int_equal(r.status, 200);
    s3r_free(&r);
    r = s3_call(s, "GET", "/corsy/k", NULL, NULL, 0, "origin", "https://app.test", NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(s3r_header(&r, "Access-Control-Allow-Origin"), "https://app.test");
    assert_string_equal(s3r_header(&r, "Access-Control-Expose-Headers"), "ETag");
    s3r_free(&r);
    r = s3_call(s, "GET", "/corsy/missing", NULL, NULL, 0, "origin", "https://app.test", NULL);
    assert_int_equal(r.status, 404);
    assert_string_equal(s3r_header(&r, "Access-Control-Allow-Origin"), "https://app.test");
    s3r_free(&r);
    /* another origin, another method, or none: served, no CORS headers */
    r = s3_call(s, "GET", "/corsy/k", NULL, NULL, 0, "origin", "https://evil.test", NULL);
    assert_int_equal(r.status, 200);
    assert_null(s3r_header(&r, "Access-Control-Allow-Origin"));
    s3r_free(&r);
    r = s3_call(s, "GET", "/corsy/k", NULL, NULL, 0, "origin", "https://app.test", "access-control-request-method",
                "PUT", NULL);
    assert_int_equal(r.status, 200);
    assert_null(s3r_header(&r, "Access-Control-Allow-Origin"));
    s3r_free(&r);
    r = s3_call(s, "GET", "/corsy/k", NULL, NULL, 0, NULL);
    assert_null(s3r_header(&r, "Access-Control-Allow-Origin"));
    s3r_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(patterns),
        cmocka_unit_test(matching),
        cmocka_unit_test(answers),
        cmocka_unit_test(canned_acls),
        cmocka_unit_test(grant_headers),
        cmocka_unit_test(cors_headers_on_answers),
    };
    return cmocka_run_group_tests(tests, s3_setup, s3_teardown);
}
