/* clientenv: what a client needs to talk to a mockaws server, in one place.
 * `mockaws env` prints it (the SDKs' environment variables in a shell's or a
 * tool's syntax, or one client's configuration snippet), `mockaws run` puts
 * the same variables in its command's environment, and the README's
 * "Clients" section is checked against it (tools/check_readme_clients.sh),
 * so that what is documented is what is printed and tested.
 *
 * Values that reach a snippet are validated first (clientenv_target_init):
 * an endpoint is scheme://host[:port] with a plain host name or IP address,
 * a region [a-z0-9-], so that no template needs to quote them; the shell and
 * fish formats quote every value all the same. */
#ifndef MOCKAWS_CLI_CLIENTENV_H
#define MOCKAWS_CLI_CLIENTENV_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

/* Where clients go, parsed once. All strings owned (clientenv_target_clear). */
typedef struct clientenv_target {
    char *endpoint; /* scheme://host[:port], no trailing slash: what SDKs take */
    char *scheme;   /* http or https */
    char *host;     /* as in a URL: an IPv6 address in brackets */
    char *hostport; /* host:port, the port always written (s3cmd, restic) */
    char *region;
} clientenv_target;

typedef enum clientenv_format {
    CLIENTENV_SH,
    CLIENTENV_FISH,
    CLIENTENV_JSON,
    CLIENTENV_DOTENV,
} clientenv_format;

/* One variable. value NULL: to be unset (a leftover would be sent along). */
typedef struct clientenv_var {
    const char *name;  /* a literal */
    char *value;       /* owned */
    bool always;       /* `mockaws run` sets it over what is there; else only where unset */
} clientenv_var;

/* 0, or -1 with a message in err: endpoint is scheme://host[:port][/] with
 * scheme http or https; a host 0.0.0.0 or :: (listen on all) becomes the
 * loopback address a client can reach. */
int clientenv_target_init(clientenv_target *t, const char *endpoint, const char *region, char *err,
                          size_t errlen);
void clientenv_target_clear(clientenv_target *t);

/* The endpoint of a server listening on host:port (host NULL: 127.0.0.1),
 * as clientenv_target_init takes it; g_free. */
char *clientenv_endpoint_of(const char *host, unsigned port);

/* The variables, in the order printed; g_ptr_array_unref frees them. */
GPtrArray *clientenv_vars(const clientenv_target *t);

/* 0 with *out set, or -1 when name is not a format. */
int clientenv_format_parse(const char *name, clientenv_format *out);
/* The variables in that syntax; g_free. */
char *clientenv_format_vars(const GPtrArray *vars, clientenv_format f);

/* Client snippets: NULL when name is no client, else the snippet (g_free). */
char *clientenv_snippet(const char *name, const clientenv_target *t);
/* "NAME  what it is" lines, one per client; g_free. */
char *clientenv_client_list(void);

/* Problems with env (an environ-style NULL-terminated array) that would let
 * an SDK reach AWS: an AWS_ENDPOINT_URL missing, any AWS_ENDPOINT_URL* not
 * on a local host (loopback, localhost, or extra_host when not NULL),
 * configured endpoints ignored, or an access key that looks like a real
 * one. One message per line, "" when none; g_free. */
char *clientenv_check(char *const *env, const char *extra_host);

#endif
