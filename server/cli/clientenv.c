#include "clientenv.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "mockaws.h"

/* The services mockaws serves, as the SDKs' service-specific endpoint
 * variables name them (AWS_ENDPOINT_URL_<serviceId upper-cased>) and as
 * Terraform's provider names them in its endpoints block. */
static const struct {
    const char *env;
    const char *terraform;
} services[] = {
    {"AWS_ENDPOINT_URL_DYNAMODB", "dynamodb"}, {"AWS_ENDPOINT_URL_EC2", "ec2"},
    {"AWS_ENDPOINT_URL_IAM", "iam"},           {"AWS_ENDPOINT_URL_S3", "s3"},
    {"AWS_ENDPOINT_URL_SNS", "sns"},           {"AWS_ENDPOINT_URL_SQS", "sqs"},
    {"AWS_ENDPOINT_URL_STS", "sts"},
};

/* ---- the target ---- */

static bool host_ok(const char *h)
{
    if (!*h)
        return false;
    bool v6 = strchr(h, ':') != NULL;
    for (const char *p = h; *p; p++) {
        bool ok = v6 ? g_ascii_isxdigit(*p) || *p == ':' || *p == '.'
                     : g_ascii_isalnum(*p) || *p == '.' || *p == '-';
        if (!ok)
            return false;
    }
    return true;
}

static bool region_ok(const char *r)
{
    if (!*r || strlen(r) > 64)
        return false;
    for (const char *p = r; *p; p++)
        if (!g_ascii_islower(*p) && !g_ascii_isdigit(*p) && *p != '-')
            return false;
    return true;
}

int clientenv_target_init(clientenv_target *t, const char *endpoint, const char *region, char *err,
                          size_t errlen)
{
    memset(t, 0, sizeof *t);
    GError *gerr = NULL;
    GUri *u = g_uri_parse(endpoint, G_URI_FLAGS_NONE, &gerr);
    if (!u) {
        snprintf(err, errlen, "'%s' is not a URL such as http://127.0.0.1:4566 (%s)", endpoint, gerr->message);
        g_error_free(gerr);
        return -1;
    }
    const char *scheme = g_uri_get_scheme(u), *host = g_uri_get_host(u), *path = g_uri_get_path(u);
    int port = g_uri_get_port(u);
    const char *why = NULL;
    if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0)
        why = "the scheme must be http or https";
    else if (!host || !host_ok(host))
        why = "the host must be a host name or an IP address";
    else if (g_uri_get_userinfo(u) || g_uri_get_query(u) || g_uri_get_fragment(u) ||
             (*path && strcmp(path, "/") != 0))
        why = "give scheme://host[:port] alone (no path, query, user or fragment)";
    else if (port == 0)
        why = "the port must be from 1 to 65535";
    if (why) {
        snprintf(err, errlen, "'%s': %s", endpoint, why);
        g_uri_unref(u);
        return -1;
    }
    if (!region_ok(region)) {
        snprintf(err, errlen, "'%s' is not a region name (lowercase letters, digits and -)", region);
        g_uri_unref(u);
        return -1;
    }
    /* listening on every address: a client reaches it on loopback */
    if (strcmp(host, "0.0.0.0") == 0)
        host = "127.0.0.1";
    else if (strcmp(host, "::") == 0)
        host = "::1";
    t->scheme = g_strdup(scheme);
    t->host = strchr(host, ':') ? g_strdup_printf("[%s]", host) : g_strdup(host);
    t->endpoint = port > 0 ? g_strdup_printf("%s://%s:%d", scheme, t->host, port)
                           : g_strdup_printf("%s://%s", scheme, t->host);
    t->hostport = g_strdup_printf("%s:%d", t->host, port > 0 ? port : strcmp(scheme, "https") == 0 ? 443 : 80);
    t->region = g_strdup(region);
    g_uri_unref(u);
    return 0;
}

void clientenv_target_clear(clientenv_target *t)
{
    g_free(t->endpoint);
    g_free(t->scheme);
    g_free(t->host);
    g_free(t->hostport);
    g_free(t->region);
    memset(t, 0, sizeof *t);
}

char *clientenv_endpoint_of(const char *host, unsigned port)
{
    if (!host || !*host)
        host = "127.0.0.1";
    return strchr(host, ':') && host[0] != '[' ? g_strdup_printf("http://[%s]:%u", host, port)
                                                : g_strdup_printf("http://%s:%u", host, port);
}

/* ---- the variables ---- */

static void var_free(gpointer p)
{
    clientenv_var *v = p;
    g_free(v->value);
    g_free(v);
}

static void add(GPtrArray *a, const char *name, const char *value, bool always)
{
    clientenv_var *v = g_new0(clientenv_var, 1);
    v->name = name;
    v->value = g_strdup(value);
    v->always = always;
    g_ptr_array_add(a, v);
}

GPtrArray *clientenv_vars(const clientenv_target *t)
{
    GPtrArray *a = g_ptr_array_new_with_free_func(var_free);
    /* Endpoints always: a service-specific one left in the environment
     * would win over AWS_ENDPOINT_URL and send that service elsewhere. */
    add(a, "AWS_ENDPOINT_URL", t->endpoint, true);
    for (size_t i = 0; i < G_N_ELEMENTS(services); i++)
        add(a, services[i].env, t->endpoint, true);
    /* true there would make the SDKs ignore every variable above */
    add(a, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "false", true);
    add(a, "AWS_ACCESS_KEY_ID", MOCKAWS_DUMMY_ACCESS_KEY_ID, false);
    add(a, "AWS_SECRET_ACCESS_KEY", MOCKAWS_DUMMY_SECRET_ACCESS_KEY, false);
    /* a session token left over from real credentials would ride along */
    add(a, "AWS_SESSION_TOKEN", NULL, false);
    add(a, "AWS_REGION", t->region, false);
    add(a, "AWS_DEFAULT_REGION", t->region, false);
    /* no SDK probes the instance metadata service for credentials or region */
    add(a, "AWS_EC2_METADATA_DISABLED", "true", false);
    return a;
}

int clientenv_format_parse(const char *name, clientenv_format *out)
{
    static const char *const names[] = {"sh", "fish", "json", "dotenv"};
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
        if (strcmp(name, names[i]) == 0) {
            *out = (clientenv_format)i;
            return 0;
        }
    return -1;
}

/* value in single quotes for sh (a ' as '\'') or fish (\' and \\). */
static void quote_single(GString *out, const char *value, bool fish)
{
    g_string_append_c(out, '\'');
    for (const char *p = value; *p; p++) {
        if (*p == '\'')
            g_string_append(out, fish ? "\\'" : "'\\''");
        else if (*p == '\\' && fish)
            g_string_append(out, "\\\\");
        else
            g_string_append_c(out, *p);
    }
    g_string_append_c(out, '\'');
}

/* dotenv: double quotes, escaping what the dotenv readers (python-dotenv,
 * Node's dotenv, docker compose) unescape. */
static void quote_dotenv(GString *out, const char *value)
{
    g_string_append_c(out, '"');
    for (const char *p = value; *p; p++) {
        if (*p == '"' || *p == '\\' || *p == '$')
            g_string_append_c(out, '\\');
        g_string_append_c(out, *p);
    }
    g_string_append_c(out, '"');
}

char *clientenv_format_vars(const GPtrArray *vars, clientenv_format f)
{
    GString *out = g_string_new(NULL);
    if (f == CLIENTENV_JSON) {
        json_t *o = json_object();
        for (guint i = 0; i < vars->len; i++) {
            const clientenv_var *v = g_ptr_array_index(vars, i);
            json_object_set_new(o, v->name, v->value ? json_string(v->value) : json_null());
        }
        char *text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        g_string_append(out, text);
        g_string_append_c(out, '\n');
        free(text);
        json_decref(o);
        return g_string_free(out, FALSE);
    }
    for (guint i = 0; i < vars->len; i++) {
        const clientenv_var *v = g_ptr_array_index(vars, i);
        switch (f) {
        case CLIENTENV_SH:
            if (!v->value) {
                g_string_append_printf(out, "unset %s\n", v->name);
                continue;
            }
            g_string_append_printf(out, "export %s=", v->name);
            quote_single(out, v->value, false);
            break;
        case CLIENTENV_FISH:
            if (!v->value) {
                g_string_append_printf(out, "set -e %s\n", v->name);
                continue;
            }
            g_string_append_printf(out, "set -gx %s ", v->name);
            quote_single(out, v->value, true);
            break;
        case CLIENTENV_DOTENV:
            /* a dotenv file cannot unset: empty reads as no token */
            g_string_append_printf(out, "%s=", v->name);
            quote_dotenv(out, v->value ? v->value : "");
            break;
        case CLIENTENV_JSON:
            break;
        }
        g_string_append_c(out, '\n');
    }
    return g_string_free(out, FALSE);
}

/* ---- client snippets ----
 * Templates with @NAME@ placeholders (none of the languages below uses @ in
 * these snippets). Each is what the README's "Clients" section shows for
 * the endpoint http://127.0.0.1:4566. */

typedef struct snippet {
    const char *name;
    const char *what;
    const char *text;
} snippet;

static const snippet snippets[] = {
    {"awscli", "aws CLI v2.13+ / v1.29+: a profile in ~/.aws/config",
     "# ~/.aws/config (or the file AWS_CONFIG_FILE names), then: aws --profile mockaws s3 ls\n"
     "# endpoint_url in a profile needs the aws CLI v2.13+ or v1.29+ (older ones: awscli-old)\n"
     "[profile mockaws]\n"
     "region = @REGION@\n"
     "endpoint_url = @ENDPOINT@\n"
     "aws_access_key_id = @KEY@\n"
     "aws_secret_access_key = @SECRET@\n"
     "s3 =\n"
     "  addressing_style = path\n"},
    {"awscli-old", "aws CLI before v2.13 / v1.29 (Debian 12's 2.9.19): --endpoint-url",
     "# The aws CLI before v2.13 / v1.29 (Debian 12 has 2.9.19) reads no endpoint from the\n"
     "# environment or a profile: every command needs --endpoint-url. Source this in a shell.\n"
     "export AWS_ACCESS_KEY_ID='@KEY@'\n"
     "export AWS_SECRET_ACCESS_KEY='@SECRET@'\n"
     "export AWS_DEFAULT_REGION='@REGION@'\n"
     "aws() { command aws --endpoint-url '@ENDPOINT@' \"$@\"; }\n"},
    {"boto3", "Python, boto3 (any version; 1.28+ also reads AWS_ENDPOINT_URL)",
     "import boto3\n"
     "from botocore.config import Config\n"
     "\n"
     "session = boto3.Session(\n"
     "    aws_access_key_id=\"@KEY@\",\n"
     "    aws_secret_access_key=\"@SECRET@\",\n"
     "    region_name=\"@REGION@\",\n"
     ")\n"
     "s3 = session.client(\"s3\", endpoint_url=\"@ENDPOINT@\",\n"
     "                    config=Config(s3={\"addressing_style\": \"path\"}))\n"
     "sqs = session.client(\"sqs\", endpoint_url=\"@ENDPOINT@\")\n"},
    {"js-v2", "JavaScript, AWS SDK v2 (aws-sdk): reads no AWS_ENDPOINT_URL",
     "const AWS = require('aws-sdk');\n"
     "\n"
     "const mockaws = {\n"
     "  endpoint: '@ENDPOINT@',\n"
     "  region: '@REGION@',\n"
     "  accessKeyId: '@KEY@',\n"
     "  secretAccessKey: '@SECRET@',\n"
     "};\n"
     "const s3 = new AWS.S3({ ...mockaws, s3ForcePathStyle: true });\n"
     "const sqs = new AWS.SQS(mockaws);\n"},
    {"js-v3", "JavaScript, AWS SDK v3 (@aws-sdk/client-*)",
     "import { S3Client } from '@aws-sdk/client-s3';\n"
     "import { SQSClient } from '@aws-sdk/client-sqs';\n"
     "\n"
     "const mockaws = {\n"
     "  endpoint: '@ENDPOINT@',\n"
     "  region: '@REGION@',\n"
     "  credentials: { accessKeyId: '@KEY@', secretAccessKey: '@SECRET@' },\n"
     "};\n"
     "const s3 = new S3Client({ ...mockaws, forcePathStyle: true });\n"
     "const sqs = new SQSClient(mockaws);\n"},
    {"go-v1", "Go, aws-sdk-go (v1): reads no AWS_ENDPOINT_URL",
     "import (\n"
     "\t\"github.com/aws/aws-sdk-go/aws\"\n"
     "\t\"github.com/aws/aws-sdk-go/aws/credentials\"\n"
     "\t\"github.com/aws/aws-sdk-go/aws/session\"\n"
     "\t\"github.com/aws/aws-sdk-go/service/s3\"\n"
     ")\n"
     "\n"
     "sess := session.Must(session.NewSession(&aws.Config{\n"
     "\tEndpoint:         aws.String(\"@ENDPOINT@\"),\n"
     "\tRegion:           aws.String(\"@REGION@\"),\n"
     "\tCredentials:      credentials.NewStaticCredentials(\"@KEY@\", \"@SECRET@\", \"\"),\n"
     "\tS3ForcePathStyle: aws.Bool(true),\n"
     "}))\n"
     "svc := s3.New(sess)\n"},
    {"go-v2", "Go, aws-sdk-go-v2: BaseEndpoint",
     "import (\n"
     "\t\"context\"\n"
     "\n"
     "\t\"github.com/aws/aws-sdk-go-v2/aws\"\n"
     "\t\"github.com/aws/aws-sdk-go-v2/config\"\n"
     "\t\"github.com/aws/aws-sdk-go-v2/credentials\"\n"
     "\t\"github.com/aws/aws-sdk-go-v2/service/s3\"\n"
     ")\n"
     "\n"
     "cfg, err := config.LoadDefaultConfig(context.TODO(),\n"
     "\tconfig.WithRegion(\"@REGION@\"),\n"
     "\tconfig.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(\"@KEY@\", \"@SECRET@\", \"\")),\n"
     ")\n"
     "if err != nil {\n"
     "\tpanic(err)\n"
     "}\n"
     "cfg.BaseEndpoint = aws.String(\"@ENDPOINT@\") // every service client made from cfg\n"
     "svc := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })\n"},
    {"java-v2", "Java, AWS SDK v2: endpointOverride",
     "import java.net.URI;\n"
     "import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;\n"
     "import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;\n"
     "import software.amazon.awssdk.regions.Region;\n"
     "import software.amazon.awssdk.services.s3.S3Client;\n"
     "\n"
     "S3Client s3 = S3Client.builder()\n"
     "    .endpointOverride(URI.create(\"@ENDPOINT@\"))\n"
     "    .region(Region.of(\"@REGION@\"))\n"
     "    .credentialsProvider(StaticCredentialsProvider.create(\n"
     "        AwsBasicCredentials.create(\"@KEY@\", \"@SECRET@\")))\n"
     "    .forcePathStyle(true)\n"
     "    .build();\n"},
    {"dotnet", ".NET, AWS SDK: ServiceURL",
     "using Amazon.Runtime;\n"
     "using Amazon.S3;\n"
     "\n"
     "var s3 = new AmazonS3Client(\n"
     "    new BasicAWSCredentials(\"@KEY@\", \"@SECRET@\"),\n"
     "    new AmazonS3Config\n"
     "    {\n"
     "        ServiceURL = \"@ENDPOINT@\",\n"
     "        AuthenticationRegion = \"@REGION@\",\n"
     "        ForcePathStyle = true,\n"
     "    });\n"},
    {"rust", "Rust, aws-config and aws-sdk-s3: endpoint_url",
     "use aws_config::BehaviorVersion;\n"
     "use aws_sdk_s3::config::{Credentials, Region};\n"
     "\n"
     "let config = aws_config::defaults(BehaviorVersion::latest())\n"
     "    .endpoint_url(\"@ENDPOINT@\")\n"
     "    .region(Region::new(\"@REGION@\"))\n"
     "    .credentials_provider(Credentials::new(\"@KEY@\", \"@SECRET@\", None, None, \"mockaws\"))\n"
     "    .load()\n"
     "    .await;\n"
     "let s3 = aws_sdk_s3::Client::from_conf(\n"
     "    aws_sdk_s3::config::Builder::from(&config)\n"
     "        .force_path_style(true)\n"
     "        .build(),\n"
     ");\n"},
    {"s3cmd", "s3cmd: a .s3cfg (s3cmd -c FILE)",
     "# ~/.s3cfg, or any file given to s3cmd -c FILE\n"
     "[default]\n"
     "access_key = @KEY@\n"
     "secret_key = @SECRET@\n"
     "host_base = @HOSTPORT@\n"
     "host_bucket = @HOSTPORT@\n"
     "bucket_location = @REGION@\n"
     "use_https = @HTTPS@\n"
     "signature_v2 = False\n"},
    {"rclone", "rclone: an s3 remote named mockaws",
     "# a section of rclone.conf (rclone config file says where), then: rclone lsd mockaws:\n"
     "[mockaws]\n"
     "type = s3\n"
     "provider = Other\n"
     "env_auth = false\n"
     "access_key_id = @KEY@\n"
     "secret_access_key = @SECRET@\n"
     "region = @REGION@\n"
     "endpoint = @ENDPOINT@\n"
     "force_path_style = true\n"},
    {"restic", "restic: an s3: repository URL",
     "# restic: a repository in bucket restic (restic init creates the bucket)\n"
     "export AWS_ACCESS_KEY_ID='@KEY@'\n"
     "export AWS_SECRET_ACCESS_KEY='@SECRET@'\n"
     "export AWS_DEFAULT_REGION='@REGION@'\n"
     "export RESTIC_REPOSITORY='s3:@ENDPOINT@/restic/repo'\n"},
    {"s3fs", "s3fs-fuse: a passwd file and mount options",
     "# s3fs-fuse: the key pair in a passwd file (mode 600), then mount $BUCKET on $MOUNTPOINT\n"
     "printf '%s\\n' '@KEY@:@SECRET@' >\"$HOME/.passwd-s3fs\"\n"
     "chmod 600 \"$HOME/.passwd-s3fs\"\n"
     "s3fs \"$BUCKET\" \"$MOUNTPOINT\" -o passwd_file=\"$HOME/.passwd-s3fs\" \\\n"
     "  -o url=@ENDPOINT@ -o use_path_request_style -o endpoint=@REGION@\n"},
    {"terraform", "Terraform, the aws provider: an endpoints block",
     "provider \"aws\" {\n"
     "  region                      = \"@REGION@\"\n"
     "  access_key                  = \"@KEY@\"\n"
     "  secret_key                  = \"@SECRET@\"\n"
     "  skip_credentials_validation = true\n"
     "  skip_metadata_api_check     = true\n"
     "  skip_requesting_account_id  = true\n"
     "  s3_use_path_style           = true\n"
     "\n"
     "  endpoints {\n"
     "@TF_ENDPOINTS@"
     "  }\n"
     "}\n"},
    {"pytest-guard", "conftest.py: pytest refuses to run when an endpoint is not local",
     "# conftest.py: refuse to run when an AWS endpoint is not local or the key looks real\n"
     "import ipaddress\n"
     "import os\n"
     "import re\n"
     "import urllib.parse\n"
     "\n"
     "import pytest\n"
     "\n"
     "\n"
     "def _local(url):\n"
     "    host = urllib.parse.urlsplit(url).hostname or \"\"\n"
     "    if host == \"localhost\" or host.endswith(\".localhost\"):\n"
     "        return True\n"
     "    try:\n"
     "        return ipaddress.ip_address(host).is_loopback\n"
     "    except ValueError:\n"
     "        return False\n"
     "\n"
     "\n"
     "def pytest_configure(config):\n"
     "    urls = {k: v for k, v in os.environ.items() if k.startswith(\"AWS_ENDPOINT_URL\")}\n"
     "    problems = [f\"{k}={v} is not local\" for k, v in sorted(urls.items()) if not _local(v)]\n"
     "    if \"AWS_ENDPOINT_URL\" not in urls:\n"
     "        problems.append(\"AWS_ENDPOINT_URL is not set\")\n"
     "    key = os.environ.get(\"AWS_ACCESS_KEY_ID\", \"\")\n"
     "    if re.fullmatch(r\"(AKIA|ASIA)[A-Z0-9]{16}\", key) and not key.endswith(\"EXAMPLE\"):\n"
     "        problems.append(f\"AWS_ACCESS_KEY_ID={key} looks like a real key\")\n"
     "    if problems:\n"
     "        pytest.exit(\"not running against AWS: \" + \"; \".join(problems), returncode=3)\n"},
    {"node-guard", "node:test: a module each test file imports first",
     "// aws-guard.mjs: import './aws-guard.mjs' first in each test file (or node --import)\n"
     "import { isIP } from 'node:net';\n"
     "\n"
     "const local = (url) => {\n"
     "  let host;\n"
     "  try { host = new URL(url).hostname.replace(/^\\[|\\]$/g, ''); } catch { return false; }\n"
     "  if (host === 'localhost' || host.endsWith('.localhost')) return true;\n"
     "  return isIP(host) === 4 ? host.startsWith('127.') : host === '::1';\n"
     "};\n"
     "const urls = Object.entries(process.env).filter(([k]) => k.startsWith('AWS_ENDPOINT_URL'));\n"
     "const problems = urls.filter(([, v]) => !local(v)).map(([k, v]) => `${k}=${v} is not local`);\n"
     "if (!process.env.AWS_ENDPOINT_URL) problems.push('AWS_ENDPOINT_URL is not set');\n"
     "const key = process.env.AWS_ACCESS_KEY_ID ?? '';\n"
     "if (/^(AKIA|ASIA)[A-Z0-9]{16}$/.test(key) && !key.endsWith('EXAMPLE')) {\n"
     "  problems.push(`AWS_ACCESS_KEY_ID=${key} looks like a real key`);\n"
     "}\n"
     "if (problems.length) {\n"
     "  console.error(`not running against AWS: ${problems.join('; ')}`);\n"
     "  process.exit(3);\n"
     "}\n"},
};

static const snippet *snippet_find(const char *name)
{
    for (size_t i = 0; i < G_N_ELEMENTS(snippets); i++)
        if (strcmp(snippets[i].name, name) == 0)
            return &snippets[i];
    return NULL;
}

/* Terraform's endpoints block: one line per service, aligned as terraform
 * fmt aligns them. */
static void tf_endpoints(GString *out, const clientenv_target *t)
{
    size_t width = 0;
    for (size_t i = 0; i < G_N_ELEMENTS(services); i++)
        width = MAX(width, strlen(services[i].terraform));
    for (size_t i = 0; i < G_N_ELEMENTS(services); i++)
        g_string_append_printf(out, "    %-*s = \"%s\"\n", (int)width, services[i].terraform, t->endpoint);
}

char *clientenv_snippet(const char *name, const clientenv_target *t)
{
    const snippet *s = snippet_find(name);
    if (!s)
        return NULL;
    const struct {
        const char *key;
        const char *value;
    } values[] = {
        {"@ENDPOINT@", t->endpoint},
        {"@HOSTPORT@", t->hostport},
        {"@REGION@", t->region},
        {"@KEY@", MOCKAWS_DUMMY_ACCESS_KEY_ID},
        {"@SECRET@", MOCKAWS_DUMMY_SECRET_ACCESS_KEY},
        {"@HTTPS@", strcmp(t->scheme, "https") == 0 ? "True" : "False"},
    };
    GString *out = g_string_new(NULL);
    for (const char *p = s->text; *p;) {
        const char *at = strchr(p, '@');
        if (!at) {
            g_string_append(out, p);
            break;
        }
        g_string_append_len(out, p, at - p);
        p = at;
        bool done = false;
        if (g_str_has_prefix(p, "@TF_ENDPOINTS@")) {
            tf_endpoints(out, t);
            p += strlen("@TF_ENDPOINTS@");
            done = true;
        }
        for (size_t i = 0; !done && i < G_N_ELEMENTS(values); i++)
            if (g_str_has_prefix(p, values[i].key)) {
                g_string_append(out, values[i].value);
                p += strlen(values[i].key);
                done = true;
            }
        if (!done) /* an @ of the snippet's own */
            g_string_append_c(out, *p++);
    }
    return g_string_free(out, FALSE);
}

char *clientenv_client_list(void)
{
    GString *out = g_string_new(NULL);
    for (size_t i = 0; i < G_N_ELEMENTS(snippets); i++)
        g_string_append_printf(out, "%-13s %s\n", snippets[i].name, snippets[i].what);
    return g_string_free(out, FALSE);
}

/* ---- the guard ---- */

static bool host_local(const char *host, const char *extra_host)
{
    if (extra_host && g_ascii_strcasecmp(host, extra_host) == 0)
        return true;
    if (g_ascii_strcasecmp(host, "localhost") == 0 || g_str_has_suffix(host, ".localhost"))
        return true;
    unsigned char a[16];
    if (inet_pton(AF_INET, host, a) == 1)
        return a[0] == 127;
    static const unsigned char loop6[16] = {[15] = 1};
    return inet_pton(AF_INET6, host, a) == 1 && memcmp(a, loop6, 16) == 0;
}

static bool url_local(const char *url, const char *extra_host)
{
    GUri *u = g_uri_parse(url, G_URI_FLAGS_NONE, NULL);
    bool local = u && g_uri_get_host(u) && host_local(g_uri_get_host(u), extra_host);
    if (u)
        g_uri_unref(u);
    return local;
}

/* AKIA / ASIA and 16 more of [A-Z0-9], and not one of the documented
 * examples (which end in EXAMPLE, as mockaws's own does). */
static bool key_looks_real(const char *key)
{
    if (strlen(key) != 20 || (!g_str_has_prefix(key, "AKIA") && !g_str_has_prefix(key, "ASIA")))
        return false;
    for (const char *p = key; *p; p++)
        if (!g_ascii_isupper(*p) && !g_ascii_isdigit(*p))
            return false;
    return !g_str_has_suffix(key, "EXAMPLE");
}

char *clientenv_check(char *const *env, const char *extra_host)
{
    GString *out = g_string_new(NULL);
    bool have_endpoint = false;
    const char *key = NULL, *ignore = NULL;
    for (char *const *e = env; *e; e++) {
        const char *eq = strchr(*e, '=');
        if (!eq)
            continue;
        g_autofree char *name = g_strndup(*e, eq - *e);
        const char *value = eq + 1;
        if (strcmp(name, "AWS_ACCESS_KEY_ID") == 0)
            key = value;
        else if (strcmp(name, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS") == 0)
            ignore = value;
        if (!g_str_has_prefix(name, "AWS_ENDPOINT_URL"))
            continue;
        if (strcmp(name, "AWS_ENDPOINT_URL") == 0)
            have_endpoint = *value != '\0';
        if (!url_local(value, extra_host))
            g_string_append_printf(out, "%s=%s is not a local endpoint\n", name, value);
    }
    if (!have_endpoint)
        g_string_append(out, "AWS_ENDPOINT_URL is not set: SDKs would call AWS\n");
    if (ignore && g_ascii_strcasecmp(ignore, "true") == 0)
        g_string_append(out, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true: SDKs ignore the endpoint variables\n");
    if (key && key_looks_real(key))
        g_string_append_printf(out, "AWS_ACCESS_KEY_ID=%s looks like a real access key\n", key);
    return g_string_free(out, FALSE);
}
