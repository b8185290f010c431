/* clientenv (server/cli): endpoints it takes and refuses, the variables in
 * each syntax (quoting included), snippets, and the guard's verdicts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "clientenv.h"
#include "mockaws.h"

static void target_ok(const char *url, const char *endpoint, const char *hostport)
{
    clientenv_target t;
    char err[256];
    assert_int_equal(clientenv_target_init(&t, url, "eu-west-1", err, sizeof err), 0);
    assert_string_equal(t.endpoint, endpoint);
    assert_string_equal(t.hostport, hostport);
    clientenv_target_clear(&t);
}

static void target_bad(const char *url, const char *region, const char *why)
{
    clientenv_target t;
    char err[256] = "";
    assert_int_equal(clientenv_target_init(&t, url, region, err, sizeof err), -1);
    if (!strstr(err, why))
        fail_msg("%s: '%s' does not say '%s'", url, err, why);
}

static void endpoints(void **st)
{
    target_ok("http://127.0.0.1:4566", "http://127.0.0.1:4566", "127.0.0.1:4566");
    target_ok("http://localhost:4566/", "http://localhost:4566", "localhost:4566");
    target_ok("https://mock.example", "https://mock.example", "mock.example:443");
    target_ok("http://0.0.0.0:9000", "http://127.0.0.1:9000", "127.0.0.1:9000");
    target_ok("http://[::1]:4566", "http://[::1]:4566", "[::1]:4566");
    target_ok("http://[::]:4566", "http://[::1]:4566", "[::1]:4566");

    target_bad("127.0.0.1:4566", "us-east-1", "not a URL such as http://127.0.0.1:4566");
    target_bad("ftp://127.0.0.1", "us-east-1", "scheme must be http or https");
    target_bad("http://127.0.0.1:4566/prefix", "us-east-1", "no path");
    target_bad("http://u:p@127.0.0.1:4566", "us-east-1", "no path, query, user");
    target_bad("http://127.0.0.1:4566?x=1", "us-east-1", "no path, query");
    target_bad("http://127.0.0.1:99999", "us-east-1", "not a URL");
    target_bad("http://127.0.0.1:0", "us-east-1", "port");
    target_bad("http://a'b:1", "us-east-1", "");
    target_bad("http://127.0.0.1:4566", "us-east-1'; rm -rf /", "not a region");
    target_bad("http://127.0.0.1:4566", "", "not a region");
    target_bad("", "us-east-1", "");
}

static char *vars_in(const char *url, clientenv_format f)
{
    clientenv_target t;
    char err[256];
    assert_int_equal(clientenv_target_init(&t, url, "us-east-1", err, sizeof err), 0);
    GPtrArray *v = clientenv_vars(&t);
    char *text = clientenv_format_vars(v, f);
    g_ptr_array_unref(v);
    clientenv_target_clear(&t);
    return text;
}

static void formats(void **st)
{
    g_autofree char *sh = vars_in("http://127.0.0.1:4566", CLIENTENV_SH);
    assert_non_null(strstr(sh, "export AWS_ENDPOINT_URL='http://127.0.0.1:4566'\n"));
    assert_non_null(strstr(sh, "export AWS_ENDPOINT_URL_DYNAMODB='http://127.0.0.1:4566'\n"));
    assert_non_null(strstr(sh, "export AWS_ACCESS_KEY_ID='" MOCKAWS_DUMMY_ACCESS_KEY_ID "'\n"));
    assert_non_null(strstr(sh, "unset AWS_SESSION_TOKEN\n"));
    assert_non_null(strstr(sh, "export AWS_EC2_METADATA_DISABLED='true'\n"));
    g_autofree char *fish = vars_in("http://127.0.0.1:4566", CLIENTENV_FISH);
    assert_non_null(strstr(fish, "set -gx AWS_REGION 'us-east-1'\n"));
    assert_non_null(strstr(fish, "set -e AWS_SESSION_TOKEN\n"));
    g_autofree char *dotenv = vars_in("http://127.0.0.1:4566", CLIENTENV_DOTENV);
    assert_non_null(strstr(dotenv, "AWS_ENDPOINT_URL_S3=\"http://127.0.0.1:4566\"\n"));
    assert_non_null(strstr(dotenv, "AWS_SESSION_TOKEN=\"\"\n"));
    g_autofree char *json = vars_in("http://127.0.0.1:4566", CLIENTENV_JSON);
    assert_non_null(strstr(json, "\"AWS_SESSION_TOKEN\": null"));
    assert_non_null(strstr(json, "\"AWS_ENDPOINT_URL_IAM\": \"http://127.0.0.1:4566\""));

    clientenv_format f;
    assert_int_equal(clientenv_format_parse("fish", &f), 0);
    assert_int_equal(f, CLIENTENV_FISH);
    assert_int_equal(clientenv_format_parse("csh", &f), -1);
    assert_int_equal(clientenv_format_parse("", &f), -1);
}

/* A value is never trusted to be plain: quoting holds for any bytes. */
static void quoting(void **st)
{
    clientenv_var *var = g_new0(clientenv_var, 1);
    var->name = "X";
    var->value = g_strdup("a'b\\c\"$d");
    GPtrArray *vars = g_ptr_array_new();
    g_ptr_array_add(vars, var);
    g_autofree char *sh = clientenv_format_vars(vars, CLIENTENV_SH);
    assert_string_equal(sh, "export X='a'\\''b\\c\"$d'\n");
    g_autofree char *fish = clientenv_format_vars(vars, CLIENTENV_FISH);
    assert_string_equal(fish, "set -gx X 'a\\'b\\\\c\"$d'\n");
    g_autofree char *dotenv = clientenv_format_vars(vars, CLIENTENV_DOTENV);
    assert_string_equal(dotenv, "X=\"a'b\\\\c\\\"\\$d\"\n");
    g_ptr_array_unref(vars);
    g_free(var->value);
    g_free(var);
}

static void snippets(void **st)
{
    clientenv_target t;
    char err[256];
    assert_int_equal(clientenv_target_init(&t, "https://[::1]:8443", "eu-west-1", err, sizeof err), 0);
    g_autofree char *s3cmd = clientenv_snippet("s3cmd", &t);
    assert_non_null(strstr(s3cmd, "host_base = [::1]:8443\n"));
    assert_non_null(strstr(s3cmd, "use_https = True\n"));
    assert_non_null(strstr(s3cmd, "bucket_location = eu-west-1\n"));
    g_autofree char *tf = clientenv_snippet("terraform", &t);
    assert_non_null(strstr(tf, "    dynamodb = \"https://[::1]:8443\"\n"));
    assert_non_null(strstr(tf, "    s3       = \"https://[::1]:8443\"\n"));
    g_autofree char *restic = clientenv_snippet("restic", &t);
    assert_non_null(strstr(restic, "RESTIC_REPOSITORY='s3:https://[::1]:8443/restic/repo'"));
    /* every placeholder is filled */
    g_autofree char *list = clientenv_client_list();
    gchar **lines = g_strsplit(list, "\n", -1);
    int n = 0;
    for (gchar **l = lines; *l && **l; l++, n++) {
        g_autofree char *name = g_strndup(*l, strcspn(*l, " "));
        g_autofree char *text = clientenv_snippet(name, &t);
        assert_non_null(text);
        if (strstr(text, "@ENDPOINT@") || strstr(text, "@KEY@") || strstr(text, "@REGION@") ||
            strstr(text, "@SECRET@") || strstr(text, "@HOSTPORT@") || strstr(text, "@HTTPS@") ||
            strstr(text, "@TF_ENDPOINTS@"))
            fail_msg("%s keeps a placeholder", name);
    }
    g_strfreev(lines);
    assert_true(n >= 17);
    assert_null(clientenv_snippet("nope", &t));
    clientenv_target_clear(&t);
}

static void check(void **st)
{
    char *ok[] = {"AWS_ENDPOINT_URL=http://127.0.0.1:4566", "AWS_ENDPOINT_URL_S3=http://localhost:1",
                  "AWS_ENDPOINT_URL_SQS=http://[::1]:4566", "AWS_ACCESS_KEY_ID=" MOCKAWS_DUMMY_ACCESS_KEY_ID,
                  "HOME=/root", NULL};
    g_autofree char *none = clientenv_check(ok, NULL);
    assert_string_equal(none, "");

    char *missing[] = {"AWS_ACCESS_KEY_ID=test", NULL};
    g_autofree char *m = clientenv_check(missing, NULL);
    assert_non_null(strstr(m, "AWS_ENDPOINT_URL is not set"));

    char *remote[] = {"AWS_ENDPOINT_URL=http://127.0.0.1:4566", "AWS_ENDPOINT_URL_S3=https://s3.amazonaws.com",
                      "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7REALKEY", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true", NULL};
    g_autofree char *r = clientenv_check(remote, NULL);
    assert_non_null(strstr(r, "AWS_ENDPOINT_URL_S3=https://s3.amazonaws.com is not a local endpoint"));
    assert_non_null(strstr(r, "looks like a real access key"));
    assert_non_null(strstr(r, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true"));
    assert_null(strstr(r, "AWS_ENDPOINT_URL=http://127.0.0.1:4566 is"));

    /* a compose service named on purpose; 128.x and 10.x are not loopback */
    char *named[] = {"AWS_ENDPOINT_URL=http://mockaws:4566", NULL};
    g_autofree char *n1 = clientenv_check(named, "mockaws");
    assert_string_equal(n1, "");
    g_autofree char *n2 = clientenv_check(named, NULL);
    assert_non_null(strstr(n2, "is not a local endpoint"));
    char *near[] = {"AWS_ENDPOINT_URL=http://128.0.0.1:4566", NULL};
    g_autofree char *n3 = clientenv_check(near, NULL);
    assert_non_null(strstr(n3, "is not a local endpoint"));
    char *garbage[] = {"AWS_ENDPOINT_URL=not a url", "AWS_ENDPOINT_URL_EC2=", NULL};
    g_autofree char *g = clientenv_check(garbage, NULL);
    assert_non_null(strstr(g, "AWS_ENDPOINT_URL=not a url is not a local endpoint"));
    assert_non_null(strstr(g, "AWS_ENDPOINT_URL_EC2= is not a local endpoint"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(endpoints), cmocka_unit_test(formats), cmocka_unit_test(quoting),
        cmocka_unit_test(snippets),  cmocka_unit_test(check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
