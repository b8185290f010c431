/* mockaws: the server program. Parses flags (and their MOCKAWS_* environment
 * twins), starts a server through the library, waits for SIGINT / SIGTERM. */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdbool.h>

#include "mockaws.h"
#include "clientenv.h"

#define DEFAULT_REGION "us-east-1"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: mockaws [options]\n"
            "       mockaws run --scenario FILE [options] [-- COMMAND [ARGS...]]\n"
            "       mockaws check FILE...\n"
            "       mockaws env [--format sh|fish|json|dotenv | --client NAME | --check]\n"
            "                   [--endpoint URL | --host H --port N] [--region R]\n"
            "\n"
            "Serves S3, DynamoDB, SNS, SQS, EC2, STS and IAM on one port for tests.\n"
            "`run` starts a server on a free port, loads the scenario's fixtures, faults and\n"
            "clock, runs COMMAND with what `mockaws env` prints (endpoint variables always;\n"
            "dummy credentials and region where unset) pointing at it, then checks the\n"
            "scenario's expectations against the journal.\n"
            "Exit status: the command's if it failed, 1 if an expectation failed, else 0.\n"
            "Without COMMAND it serves until interrupted, then checks. `check` validates\n"
            "scenario files without running anything. `env` prints what clients need to\n"
            "reach a server (README \"Clients\"; mockaws env --help).\n"
            "\n"
            "  --host H           address to listen on (default 127.0.0.1)        MOCKAWS_HOST\n"
            "  --port N           port (default 4566; 0 takes a free one)         MOCKAWS_PORT\n"
            "  --port-file PATH   write the port there once listening             MOCKAWS_PORT_FILE\n"
            "  --fixtures FILE    load a fixture file (repeatable)                MOCKAWS_FIXTURES (':'-separated)\n"
            "  --seed N           seed for ids and fault probabilities            MOCKAWS_SEED\n"
            "  --journal-size N   journal entries kept (default 10000)            MOCKAWS_JOURNAL_SIZE\n"
            "  --threads N        worker threads (default: CPUs)                  MOCKAWS_THREADS\n"
            "  --max-body BYTES   largest request body (default 5 GiB)            MOCKAWS_MAX_BODY\n"
            "  --capture-bodies N keep each request's and response's headers and   MOCKAWS_CAPTURE_BODIES\n"
            "                     first N body bytes, secrets redacted, with its\n"
            "                     journal entry (default 0: off; at most 1048576)\n"
            "  --log-format F     text or json (default text)                     MOCKAWS_LOG_FORMAT\n"
            "  --log-level L      off, error, warn, info, debug (default info)    MOCKAWS_LOG_LEVEL\n"
            "  --fixtures-dir DIR let documents sent to the control API name       MOCKAWS_FIXTURES_DIR\n"
            "                     files under DIR (default: no files)\n"
            "  --control-token T  require T of control requests (header            MOCKAWS_CONTROL_TOKEN\n"
            "                     X-Mockaws-Control-Token or Authorization: Bearer)\n"
            "  --allow-host NAME  also answer control requests for Host NAME      MOCKAWS_ALLOW_HOSTS (',')\n"
            "                     (repeatable; .example.com for a domain, * any)\n"
            "  --state-dir DIR    keep state across restarts: load DIR/state.json  MOCKAWS_STATE_DIR\n"
            "                     at start (instead of --fixtures when there is\n"
            "                     one), save it on SIGTERM / SIGINT and on POST\n"
            "                     /_mockaws/state/save (DIR is created, 0700)\n"
            "\n"
            "The edge (bodies and connections; 0 = the default):\n"
            "  --body-spill BYTES     body bytes kept in memory before the rest goes to an\n"
            "                         unlinked file in $TMPDIR (default 1 MiB)       MOCKAWS_BODY_SPILL\n"
            "  --header-timeout MS    drop a client whose request line and headers take\n"
            "                         longer than this (default 20000)              MOCKAWS_HEADER_TIMEOUT\n"
            "  --max-connections N    open connections (default: the open-file limit,\n"
            "                         whose soft value is raised to the hard one)    MOCKAWS_MAX_CONNECTIONS\n"
            "  --max-connections-per-ip N  per client address; loopback is never\n"
            "                         capped (default 1024)                          MOCKAWS_MAX_CONNECTIONS_PER_IP\n"
            "\n"
            "Services (a fixture section's own settings win):\n"
            "  --dynamodb-delay-ms MS  how long tables stay CREATING, UPDATING,\n"
            "                         DELETING (default 500)                         MOCKAWS_DYNAMODB_DELAY_MS\n"
            "  --dynamodb-ttl-delay-ms MS  how long after its TTL expiry an item is\n"
            "                         deleted (default 5000)                         MOCKAWS_DYNAMODB_TTL_DELAY_MS\n"
            "  --dynamodb-throughput  emulate provisioned throughput on every\n"
            "                         provisioned table                              MOCKAWS_DYNAMODB_THROUGHPUT (1)\n"
            "  --s3-restore-ms MS     how long an S3 RestoreObject of a GLACIER or\n"
            "                         DEEP_ARCHIVE object takes (default 1000)       MOCKAWS_S3_RESTORE_MS\n"
            "  --transitions MODE     realistic (tables CREATING, instances pending, MOCKAWS_TRANSITIONS\n"
            "                         restores ongoing for a while, as on AWS) or\n"
            "                         instant (final at once, as moto has them)\n"
            "                         (default realistic; a reset keeps it)\n"
            "  --sns-insecure-tls     deliver to https:// SNS subscribers without\n"
            "                         checking their certificates                    MOCKAWS_SNS_INSECURE_TLS (1)\n"
            "\n"
            "Authentication (README \"Authentication\"):\n"
            "  --auth MODE        off (any credentials), verify (signatures, keys,   MOCKAWS_AUTH\n"
            "                         session tokens, clock skew) or enforce (verify,\n"
            "                         then policies: for now verify) (default off)\n"
            "\n"
            "  --version          print the version and exit\n"
            "  --help             print this and exit\n");
}

static int parse_uint(const char *flag, const char *s, unsigned long long max, unsigned long long *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (!*s || *end || errno || s[0] == '-' || v > max) {
        fprintf(stderr, "mockaws: %s: '%s' is not a number from 0 to %llu\n", flag, s, max);
        return -1;
    }
    *out = v;
    return 0;
}

static int parse_level(const char *s, mockaws_log_level *out)
{
    static const char *const names[] = {"off", "error", "warn", "info", "debug"};
    for (int i = 0; i < 5; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = (mockaws_log_level)i;
            return 0;
        }
    fprintf(stderr, "mockaws: --log-level: '%s' is not one of off, error, warn, info, debug\n", s);
    return -1;
}

static int parse_format(const char *s, mockaws_log_format *out)
{
    if (strcmp(s, "text") == 0)
        *out = MOCKAWS_LOG_TEXT;
    else if (strcmp(s, "json") == 0)
        *out = MOCKAWS_LOG_JSON;
    else {
        fprintf(stderr, "mockaws: --log-format: '%s' is not text or json\n", s);
        return -1;
    }
    return 0;
}

static int parse_transitions(const char *s, mockaws_transitions *out)
{
    if (strcmp(s, "realistic") == 0 || strcmp(s, "instant") == 0) {
        *out = s[0] == 'i' ? MOCKAWS_TRANSITIONS_INSTANT : MOCKAWS_TRANSITIONS_REALISTIC;
        return 0;
    }
    fprintf(stderr, "mockaws: --transitions: '%s' is not realistic or instant\n", s);
    return -1;
}

static int parse_auth(const char *s, mockaws_auth_mode *out)
{
    static const char *const names[] = {"off", "verify", "enforce"};
    for (int i = 0; i < 3; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = (mockaws_auth_mode)i;
            return 0;
        }
    fprintf(stderr, "mockaws: --auth: '%s' is not off, verify or enforce\n", s);
    return -1;
}

/* Flags of the edge and of services, without a short letter. */
enum {
    OPT_BODY_SPILL = 1000,
    OPT_HEADER_TIMEOUT,
    OPT_MAX_CONNECTIONS,
    OPT_MAX_PER_IP,
    OPT_DDB_DELAY,
    OPT_DDB_TTL_DELAY,
    OPT_DDB_THROUGHPUT,
    OPT_S3_RESTORE,
    OPT_SNS_INSECURE_TLS,
    OPT_AUTH,
    OPT_TRANSITIONS,
    OPT_STATE_DIR,
    OPT_CAPTURE_BODIES,
};

typedef struct config {
    mockaws_options o;
    const char *scenario;
    const char *port_file;
    const char **fixtures;
    size_t nfixtures;
    const char **allow_hosts;
    size_t nallow;
} config;

/* Appends to a NULL-terminated list that lives as long as the process. */
static void push(const char ***list, size_t *n, const char *v)
{
    *list = realloc(*list, (*n + 2) * sizeof **list);
    (*list)[(*n)++] = v;
    (*list)[*n] = NULL;
}

/* One flag's value, from the command line or the environment. */
static int apply(config *c, int opt, const char *v)
{
    unsigned long long n = 1; /* not 0: a failed parse is not "less than 1" */
    switch (opt) {
    case 'h':
        c->o.host = v;
        return 0;
    case 'p':
        if (parse_uint("--port", v, 65535, &n))
            return -1;
        c->o.port = (unsigned)n;
        return 0;
    case 'P':
        c->port_file = v;
        return 0;
    case 'f':
        push(&c->fixtures, &c->nfixtures, v);
        return 0;
    case 'D':
        c->o.fixtures_dir = v;
        return 0;
    case 'T':
        if (!*v) {
            fprintf(stderr, "mockaws: --control-token must not be empty\n");
            return -1;
        }
        c->o.control_token = v;
        return 0;
    case 'A':
        push(&c->allow_hosts, &c->nallow, v);
        return 0;
    case 's':
        if (parse_uint("--seed", v, UINT64_MAX, &n))
            return -1;
        c->o.seed = n;
        return 0;
    case 'j':
        if (parse_uint("--journal-size", v, 100000000, &n) || n == 0) {
            if (n == 0)
                fprintf(stderr, "mockaws: --journal-size must be at least 1\n");
            return -1;
        }
        c->o.journal_size = (unsigned)n;
        return 0;
    case 't':
        if (parse_uint("--threads", v, 1024, &n))
            return -1;
        c->o.threads = (unsigned)n;
        return 0;
    case 'b':
        if (parse_uint("--max-body", v, SIZE_MAX, &n))
            return -1;
        c->o.max_body = (size_t)n;
        return 0;
    case OPT_CAPTURE_BODIES:
        if (parse_uint("--capture-bodies", v, 1048576, &n))
            return -1;
        c->o.capture_bodies = (size_t)n;
        return 0;
    case 'F':
        return parse_format(v, &c->o.log_format);
    case 'L':
        return parse_level(v, &c->o.log_level);
    case 'S':
        c->scenario = v;
        return 0;
    /* the edge */
    case OPT_BODY_SPILL:
        if (parse_uint("--body-spill", v, SIZE_MAX, &n))
            return -1;
        c->o.body_spill = (size_t)n;
        return 0;
    case OPT_HEADER_TIMEOUT:
        if (parse_uint("--header-timeout", v, 3600 * 1000, &n))
            return -1;
        c->o.header_timeout_ms = (unsigned)n;
        return 0;
    case OPT_MAX_CONNECTIONS:
        if (parse_uint("--max-connections", v, 1000000, &n))
            return -1;
        c->o.max_connections = (unsigned)n;
        return 0;
    case OPT_MAX_PER_IP:
        if (parse_uint("--max-connections-per-ip", v, 1000000, &n))
            return -1;
        c->o.max_connections_per_ip = (unsigned)n;
        return 0;
    /* services */
    case OPT_DDB_DELAY:
        if (parse_uint("--dynamodb-delay-ms", v, 3600 * 1000, &n))
            return -1;
        c->o.dynamodb_delay_set = 1;
        c->o.dynamodb_delay_ms = (unsigned)n;
        return 0;
    case OPT_DDB_TTL_DELAY:
        if (parse_uint("--dynamodb-ttl-delay-ms", v, (unsigned long long)7 * 86400 * 1000, &n))
            return -1;
        c->o.dynamodb_ttl_delay_set = 1;
        c->o.dynamodb_ttl_delay_ms = (unsigned)n;
        return 0;
    case OPT_S3_RESTORE:
        if (parse_uint("--s3-restore-ms", v, (unsigned long long)7 * 86400 * 1000, &n))
            return -1;
        c->o.s3_restore_set = 1;
        c->o.s3_restore_ms = (unsigned)n;
        return 0;
    case OPT_SNS_INSECURE_TLS:
        /* the flag takes no value; its variable 1 / true or 0 / false */
        if (!v || !strcmp(v, "1") || !strcasecmp(v, "true"))
            c->o.sns_insecure_tls = 1;
        else if (!strcmp(v, "0") || !strcasecmp(v, "false"))
            c->o.sns_insecure_tls = 0;
        else {
            fprintf(stderr, "mockaws: MOCKAWS_SNS_INSECURE_TLS: '%s' is not 1, true, 0 or false\n", v);
            return -1;
        }
        return 0;
    case OPT_AUTH:
        return parse_auth(v, &c->o.auth);
    case OPT_TRANSITIONS:
        return parse_transitions(v, &c->o.transitions);
    case OPT_STATE_DIR:
        if (!*v) {
            fprintf(stderr, "mockaws: --state-dir must not be empty\n");
            return -1;
        }
        c->o.state_dir = v;
        return 0;
    case OPT_DDB_THROUGHPUT:
        /* the flag takes no value; its variable 1 / true or 0 / false */
        if (!v || !strcmp(v, "1") || !strcasecmp(v, "true"))
            c->o.dynamodb_throughput = 1;
        else if (!strcmp(v, "0") || !strcasecmp(v, "false"))
            c->o.dynamodb_throughput = 0;
        else {
            fprintf(stderr, "mockaws: MOCKAWS_DYNAMODB_THROUGHPUT: '%s' is not 1, true, 0 or false\n", v);
            return -1;
        }
        return 0;
    }
    return -1;
}

static int from_env(config *c)
{
    static const struct {
        const char *name;
        int opt;
    } vars[] = {{"MOCKAWS_HOST", 'h'},      {"MOCKAWS_PORT", 'p'},         {"MOCKAWS_PORT_FILE", 'P'},
                {"MOCKAWS_SEED", 's'},      {"MOCKAWS_JOURNAL_SIZE", 'j'}, {"MOCKAWS_THREADS", 't'},
                {"MOCKAWS_MAX_BODY", 'b'},  {"MOCKAWS_LOG_FORMAT", 'F'},   {"MOCKAWS_LOG_LEVEL", 'L'},
                {"MOCKAWS_FIXTURES_DIR", 'D'}, {"MOCKAWS_CONTROL_TOKEN", 'T'},
                /* the edge */
                {"MOCKAWS_BODY_SPILL", OPT_BODY_SPILL}, {"MOCKAWS_HEADER_TIMEOUT", OPT_HEADER_TIMEOUT},
                {"MOCKAWS_MAX_CONNECTIONS", OPT_MAX_CONNECTIONS},
                {"MOCKAWS_MAX_CONNECTIONS_PER_IP", OPT_MAX_PER_IP},
                /* services */
                {"MOCKAWS_DYNAMODB_DELAY_MS", OPT_DDB_DELAY}, {"MOCKAWS_DYNAMODB_THROUGHPUT", OPT_DDB_THROUGHPUT},
                {"MOCKAWS_DYNAMODB_TTL_DELAY_MS", OPT_DDB_TTL_DELAY},
                {"MOCKAWS_S3_RESTORE_MS", OPT_S3_RESTORE}, {"MOCKAWS_SNS_INSECURE_TLS", OPT_SNS_INSECURE_TLS},
                {"MOCKAWS_AUTH", OPT_AUTH}, {"MOCKAWS_TRANSITIONS", OPT_TRANSITIONS},
                {"MOCKAWS_STATE_DIR", OPT_STATE_DIR}, {"MOCKAWS_CAPTURE_BODIES", OPT_CAPTURE_BODIES}};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *v = getenv(vars[i].name);
        if (v && *v && apply(c, vars[i].opt, v) != 0)
            return -1;
    }
    const char *fx = getenv("MOCKAWS_FIXTURES");
    if (fx && *fx) {
        char *copy = strdup(fx), *save = NULL; /* lives as long as the process */
        for (char *tok = strtok_r(copy, ":", &save); tok; tok = strtok_r(NULL, ":", &save))
            apply(c, 'f', tok);
    }
    const char *hosts = getenv("MOCKAWS_ALLOW_HOSTS");
    if (hosts && *hosts) {
        char *copy = strdup(hosts), *save = NULL; /* lives as long as the process */
        for (char *tok = strtok_r(copy, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save))
            apply(c, 'A', tok);
    }
    return 0;
}

static int write_port_file(const char *path, unsigned port)
{
    /* Written whole, then renamed, so a reader never sees half a number. */
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f || fprintf(f, "%u\n", port) < 0 || fclose(f) != 0 || rename(tmp, path) != 0) {
        fprintf(stderr, "mockaws: cannot write port file %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* Runs the command with the server's endpoint in its environment; returns
 * its exit status (128 + signal when killed). */
/* The open-file limit as the process found it, for COMMAND (some programs
 * walk every descriptor up to it). */
static struct rlimit initial_nofile;

/* Each connection is a descriptor: the soft limit (often 1024) goes up to
 * the hard one, which the default connection limit then follows. */
static void raise_nofile(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return;
    initial_nofile = rl;
    if (rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

/* The environment COMMAND runs in: this one with `mockaws env`'s variables
 * for endpoint (the endpoint ones over what is set, the others where
 * unset; a leftover session token goes when the dummy keys come in).
 * g_strfreev. */
static char **command_env(const char *endpoint)
{
    char **envp = g_get_environ();
    clientenv_target t;
    char err[256];
    if (clientenv_target_init(&t, endpoint, DEFAULT_REGION, err, sizeof err) != 0) {
        fprintf(stderr, "mockaws: %s\n", err); /* the library's own endpoint: not expected */
        return envp;
    }
    const char *key = g_environ_getenv(envp, "AWS_ACCESS_KEY_ID");
    bool own_keys = !key || !*key;
    GPtrArray *vars = clientenv_vars(&t);
    for (guint i = 0; i < vars->len; i++) {
        const clientenv_var *v = g_ptr_array_index(vars, i);
        const char *now = g_environ_getenv(envp, v->name);
        if (!v->value) {
            if (own_keys)
                envp = g_environ_unsetenv(envp, v->name);
        } else if (v->always || !now || !*now) {
            envp = g_environ_setenv(envp, v->name, v->value, TRUE);
        }
    }
    g_ptr_array_unref(vars);
    clientenv_target_clear(&t);
    return envp;
}

extern char **environ;

static int run_command(char **argv, const char *endpoint, const sigset_t *blocked)
{
    /* built before fork: the child of a threaded process only execs */
    char **envp = command_env(endpoint);
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "mockaws: fork: %s\n", strerror(errno));
        g_strfreev(envp);
        return 127;
    }
    if (pid == 0) {
        pthread_sigmask(SIG_UNBLOCK, blocked, NULL);
        if (initial_nofile.rlim_max)
            setrlimit(RLIMIT_NOFILE, &initial_nofile);
        environ = envp;
        execvp(argv[0], argv);
        fprintf(stderr, "mockaws: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    g_strfreev(envp);
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return 127;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void env_usage(FILE *f)
{
    fprintf(f,
            "usage: mockaws env [--format sh|fish|json|dotenv] [--endpoint URL | --host H --port N]\n"
            "                   [--region R]\n"
            "       mockaws env --client NAME [--endpoint URL | --host H --port N] [--region R]\n"
            "       mockaws env --client list\n"
            "       mockaws env --check [--endpoint URL]\n"
            "\n"
            "Prints what clients need to reach a mockaws server: AWS_ENDPOINT_URL and the\n"
            "per-service AWS_ENDPOINT_URL_<SERVICE>, dummy credentials (" MOCKAWS_DUMMY_ACCESS_KEY_ID ",\n"
            "obviously not a real key), the region, AWS_EC2_METADATA_DISABLED; in sh\n"
            "(default: eval \"$(mockaws env)\"), fish, json or dotenv syntax. --client NAME\n"
            "prints that client's configuration instead (--client list names them).\n"
            "--check exits 1 when this environment could reach AWS: an AWS_ENDPOINT_URL\n"
            "missing, an endpoint variable not on a local host (loopback, localhost, or\n"
            "the --endpoint / MOCKAWS_ENDPOINT host), or an access key that looks real.\n"
            "\n"
            "The server: --endpoint URL, else --host / --port, else $MOCKAWS_ENDPOINT, else\n"
            "$MOCKAWS_HOST and $MOCKAWS_PORT as `mockaws` reads them (default\n"
            "http://127.0.0.1:4566). --region defaults to " DEFAULT_REGION ".\n");
}

/* The endpoint `mockaws env` describes (g_free), or NULL after a message. */
static char *env_endpoint(const char *endpoint, const char *host, const char *port)
{
    if (endpoint && (host || port)) {
        fprintf(stderr, "mockaws env: give --endpoint or --host / --port, not both\n");
        return NULL;
    }
    if (endpoint)
        return g_strdup(endpoint);
    if (!host && !port) {
        const char *e = getenv("MOCKAWS_ENDPOINT");
        if (e && *e)
            return g_strdup(e);
    }
    const char *envhost = getenv("MOCKAWS_HOST"), *envport = getenv("MOCKAWS_PORT");
    host = host ? host : envhost && *envhost ? envhost : NULL;
    port = port ? port : envport && *envport ? envport : NULL;
    unsigned long long n = 4566;
    if (port && parse_uint("--port", port, 65535, &n) != 0)
        return NULL;
    if (n == 0) {
        fprintf(stderr, "mockaws env: port 0 is any free port: give the one the server took (--port N or --endpoint URL)\n");
        return NULL;
    }
    return clientenv_endpoint_of(host, (unsigned)n);
}

static int env_main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"client", required_argument, NULL, 'c'}, {"format", required_argument, NULL, 'f'},
        {"endpoint", required_argument, NULL, 'e'}, {"host", required_argument, NULL, 'h'},
        {"port", required_argument, NULL, 'p'},   {"region", required_argument, NULL, 'r'},
        {"check", no_argument, NULL, 'C'},        {"help", no_argument, NULL, 'H'},
        {NULL, 0, NULL, 0},
    };
    const char *client = NULL, *format = NULL, *endpoint = NULL, *host = NULL, *port = NULL;
    const char *region = DEFAULT_REGION;
    bool check = false;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (opt) {
        case 'c': client = optarg; break;
        case 'f': format = optarg; break;
        case 'e': endpoint = optarg; break;
        case 'h': host = optarg; break;
        case 'p': port = optarg; break;
        case 'r': region = optarg; break;
        case 'C': check = true; break;
        case 'H': env_usage(stdout); return 0;
        default: env_usage(stderr); return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "mockaws env: unexpected argument '%s'\n", argv[optind]);
        return 2;
    }
    if ((client != NULL) + (format != NULL) + check > 1) {
        fprintf(stderr, "mockaws env: --client, --format and --check go one at a time\n");
        return 2;
    }
    if (client && strcmp(client, "list") == 0) {
        g_autofree char *list = clientenv_client_list();
        fputs(list, stdout);
        return 0;
    }
    clientenv_format f = CLIENTENV_SH;
    if (format && clientenv_format_parse(format, &f) != 0) {
        fprintf(stderr, "mockaws env: --format '%s' is not one of sh, fish, json, dotenv\n", format);
        return 2;
    }
    g_autofree char *url = env_endpoint(endpoint, host, port);
    if (!url)
        return 2;
    clientenv_target t;
    char err[512];
    if (clientenv_target_init(&t, url, region, err, sizeof err) != 0) {
        fprintf(stderr, "mockaws env: %s\n", err);
        return 2;
    }
    int rc = 0;
    if (check) {
        /* the host of a server named on purpose counts as local (a compose service) */
        bool named = endpoint || (getenv("MOCKAWS_ENDPOINT") && *getenv("MOCKAWS_ENDPOINT"));
        g_autofree char *bare = g_strndup(t.host + (t.host[0] == '['), strlen(t.host) - 2 * (t.host[0] == '['));
        g_autofree char *problems = clientenv_check(environ, named ? bare : NULL);
        if (*problems) {
            fprintf(stderr, "mockaws env --check: this environment could reach AWS:\n%s", problems);
            rc = 1;
        } else {
            printf("mockaws env --check: every AWS endpoint variable is local\n");
        }
    } else if (client) {
        g_autofree char *text = clientenv_snippet(client, &t);
        if (!text) {
            fprintf(stderr, "mockaws env: no client '%s' (mockaws env --client list names them)\n", client);
            rc = 2;
        } else {
            fputs(text, stdout);
        }
    } else {
        GPtrArray *vars = clientenv_vars(&t);
        g_autofree char *text = clientenv_format_vars(vars, f);
        fputs(text, stdout);
        g_ptr_array_unref(vars);
    }
    clientenv_target_clear(&t);
    return rc;
}

static int check_files(int argc, char **argv)
{
    if (argc < 1) {
        fprintf(stderr, "mockaws check: name at least one scenario file\n");
        return 2;
    }
    int bad = 0;
    for (int i = 0; i < argc; i++) {
        /* Applying it to a throwaway server checks fixtures and rules too. */
        char err[1024];
        mockaws_options o = {.port = 0};
        mockaws *m = mockaws_start(&o, err, sizeof err);
        if (!m) {
            fprintf(stderr, "mockaws: %s\n", err);
            return 1;
        }
        if (mockaws_scenario_load_file(m, argv[i], err, sizeof err) != 0) {
            fprintf(stderr, "%s: invalid: %s\n", argv[i], err);
            bad = 1;
        } else {
            printf("%s: ok\n", argv[i]);
        }
        mockaws_stop(m);
    }
    return bad;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"host", required_argument, NULL, 'h'},       {"port", required_argument, NULL, 'p'},
        {"port-file", required_argument, NULL, 'P'},  {"fixtures", required_argument, NULL, 'f'},
        {"seed", required_argument, NULL, 's'},       {"journal-size", required_argument, NULL, 'j'},
        {"threads", required_argument, NULL, 't'},    {"max-body", required_argument, NULL, 'b'},
        {"log-format", required_argument, NULL, 'F'}, {"log-level", required_argument, NULL, 'L'},
        {"scenario", required_argument, NULL, 'S'},   {"version", no_argument, NULL, 'V'},
        {"fixtures-dir", required_argument, NULL, 'D'}, {"control-token", required_argument, NULL, 'T'},
        {"allow-host", required_argument, NULL, 'A'}, {"capture-bodies", required_argument, NULL, OPT_CAPTURE_BODIES},
        {"help", no_argument, NULL, '?' + 256},
        /* the edge */
        {"body-spill", required_argument, NULL, OPT_BODY_SPILL},
        {"header-timeout", required_argument, NULL, OPT_HEADER_TIMEOUT},
        {"max-connections", required_argument, NULL, OPT_MAX_CONNECTIONS},
        {"max-connections-per-ip", required_argument, NULL, OPT_MAX_PER_IP},
        /* services */
        {"dynamodb-delay-ms", required_argument, NULL, OPT_DDB_DELAY},
        {"dynamodb-throughput", no_argument, NULL, OPT_DDB_THROUGHPUT},
        {"dynamodb-ttl-delay-ms", required_argument, NULL, OPT_DDB_TTL_DELAY},
        {"s3-restore-ms", required_argument, NULL, OPT_S3_RESTORE},
        {"sns-insecure-tls", no_argument, NULL, OPT_SNS_INSECURE_TLS},
        {"auth", required_argument, NULL, OPT_AUTH},
        {"transitions", required_argument, NULL, OPT_TRANSITIONS},
        {"state-dir", required_argument, NULL, OPT_STATE_DIR},
        {NULL, 0, NULL, 0},
    };
    bool run_mode = argc > 1 && strcmp(argv[1], "run") == 0;
    if (argc > 1 && strcmp(argv[1], "check") == 0)
        return check_files(argc - 2, argv + 2);
    if (argc > 1 && strcmp(argv[1], "env") == 0) {
        static char name[] = "mockaws env"; /* what getopt's messages start with */
        argv[1] = name;
        return env_main(argc - 1, argv + 1);
    }
    if (run_mode) {
        argv[1] = argv[0];
        argv++;
        argc--;
    }
    config c = {0};
    c.o.port = run_mode ? 0 : 4566;
    c.o.log_level = run_mode ? MOCKAWS_LOG_WARN : MOCKAWS_LOG_INFO;
    if (from_env(&c) != 0)
        return 2;
    int opt;
    /* '+': stop at the first non-option, so that COMMAND's own flags stay its own. */
    while ((opt = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
        if (opt == 'V') {
            printf("mockaws %s\n", mockaws_version());
            return 0;
        }
        if (opt == '?' + 256) {
            usage(stdout);
            return 0;
        }
        if (opt == '?' || apply(&c, opt, optarg) != 0) {
            usage(stderr);
            return 2;
        }
    }
    char **command = NULL;
    if (run_mode) {
        if (!c.scenario) {
            fprintf(stderr, "mockaws run: --scenario FILE is required\n");
            return 2;
        }
        if (optind < argc)
            command = argv + optind;
    } else if (optind < argc || c.scenario) {
        fprintf(stderr, c.scenario ? "mockaws: --scenario goes with `mockaws run`\n"
                                   : "mockaws: unexpected argument '%s'\n",
                argv[optind]);
        usage(stderr);
        return 2;
    }
    c.o.fixtures = c.fixtures;
    c.o.allow_hosts = c.allow_hosts;

    /* Signals are taken synchronously by this thread; the server's threads
     * inherit the blocked mask and never see them. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    raise_nofile();
    char err[1024];
    mockaws *m = mockaws_start(&c.o, err, sizeof err);
    if (!m) {
        fprintf(stderr, "mockaws: %s\n", err);
        free(c.fixtures);
        free(c.allow_hosts);
        return 1;
    }
    int rc = 0;
    if (c.scenario && mockaws_scenario_load_file(m, c.scenario, err, sizeof err) != 0) {
        fprintf(stderr, "mockaws: %s\n", err);
        rc = 1;
    } else if (c.port_file && write_port_file(c.port_file, mockaws_port(m)) != 0) {
        rc = 1;
    }
    if (rc != 0) {
        mockaws_stop(m);
        free(c.fixtures);
        free(c.allow_hosts);
        return rc;
    }
    if (!command) {
        printf("mockaws %s listening on %s\n", mockaws_version(), mockaws_endpoint(m));
        fflush(stdout);
        int sig = 0;
        sigwait(&set, &sig);
        fprintf(stderr, "mockaws: %s, stopping\n", sig == SIGINT ? "interrupted" : "terminated");
    } else {
        fprintf(stderr, "mockaws: %s on %s\n", c.scenario, mockaws_endpoint(m));
        rc = run_command(command, mockaws_endpoint(m), &set);
    }
    if (run_mode) {
        char *report = NULL;
        int passed = mockaws_scenario_verify(m, &report);
        char *text = NULL;
        if (report) {
            /* the library formats; the CLI prints */
            text = mockaws_scenario_report_text(report);
            fputs(text, stderr);
        }
        if (rc != 0)
            fprintf(stderr, "mockaws: the command exited with status %d\n", rc);
        else if (passed != 1)
            rc = 1;
        mockaws_free(text);
        mockaws_free(report);
    }
    mockaws_stop(m);
    free(c.fixtures);
    free(c.allow_hosts);
    return rc;
}
