#include "control.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/call.h"
#include "core/capture.h"
#include "core/fixtures.h"
#include "core/har.h"
#include "core/jtext.h"
#include "core/persist.h"
#include "core/registry.h"
#include "core/server.h"
#include "core/snapshot.h"
#include "core/stream.h"
#include "core/ui.h"

#ifndef MOCKAWS_VERSION
#define MOCKAWS_VERSION "0.0.0"
#endif

bool control_matches(const char *path)
{
    return g_str_has_prefix(path, "/_mockaws/") || strcmp(path, "/_mockaws") == 0 ||
           g_str_has_prefix(path, "/moto-api/") || g_str_has_prefix(path, "/_localstack/");
}

/* Takes the reference to body. Whatever the body holds (a key, a header,
 * a path: any bytes) is written by core/jtext.h's rule; only a body that
 * cannot be written at all (NULL, out of memory) is a 500. */
static void reply(http_response *resp, int status, json_t *body)
{
    char *text = body ? jtext_dumps(body, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
    json_decref(body);
    resp->status = text ? status : 500;
    g_string_assign(resp->body, text ? text : "{\"error\":\"internal error: the answer did not serialize\"}");
    g_string_append_c(resp->body, '\n');
    free(text);
    http_response_set_header(resp, "Content-Type", "application/json");
}

static void reply_error(http_response *resp, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void reply_error(http_response *resp, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    reply(resp, status, json_pack("{s:o}", "error", jtext_string(msg)));
    g_free(msg);
}

static json_t *services_json(server *s, const char *running)
{
    json_t *o = json_object();
    for (size_t i = 0; i < s->nsvcs; i++)
        json_object_set_new(o, s->svcs[i].def->name, json_string(running));
    return o;
}

/* Body as a JSON value, or NULL with an error answered. Empty body = {}. */
static json_t *body_json(const http_request *req, http_response *resp)
{
    if (req->body_len == 0)
        return json_object();
    json_error_t je;
    json_t *v = json_loadb(req->body, req->body_len, 0, &je);
    if (!v)
        reply_error(resp, 400, "request body is not JSON: line %d column %d: %s", je.line, je.column,
                    je.text);
    return v;
}

static bool parse_u64(const char *s, uint64_t *out)
{
    if (!s || !*s)
        return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end || s[0] == '-' || errno == ERANGE)
        return false;
    *out = v;
    return true;
}

/* The query's parameters into q; false (q cleared) with the 400 answered
 * when it is malformed. */
static bool query_params(const http_request *req, http_response *resp, http_params *q)
{
    if (http_params_parse(q, req->query, strlen(req->query), true))
        return true;
    http_params_clear(q);
    reply_error(resp, 400, "malformed query string");
    return false;
}

/* The journal list's filters (service, operation, error, since, limit) from
 * the query string into *f, whose strings borrow from *q (cleared by the
 * caller either way). False with the refusal answered. */
static bool journal_filter_parse(const http_request *req, http_response *resp, http_params *q, journal_filter *f)
{
    if (!http_params_parse(q, req->query, strlen(req->query), true)) {
        reply_error(resp, 400, "malformed query string");
        return false;
    }
    *f = (journal_filter){
        .service = http_params_get(q, "service"),
        .operation = http_params_get(q, "operation"),
        .error = http_params_get(q, "error"),
    };
    uint64_t n;
    const char *since = http_params_get(q, "since"), *limit = http_params_get(q, "limit");
    if (since && !parse_u64(since, &f->since)) {
        reply_error(resp, 400, "since must be a sequence number, got '%s'", since);
        return false;
    }
    if (limit && !parse_u64(limit, &n)) {
        reply_error(resp, 400, "limit must be a non-negative integer, got '%s'", limit);
        return false;
    }
    if (limit)
        f->limit = n;
    return true;
}

static void journal_endpoint(server *s, const http_request *req, http_response *resp, bool har)
{
    if (!har && strcmp(req->method, "DELETE") == 0) {
        journal_clear(s->journal);
        reply(resp, 200, json_pack("{s:b}", "cleared", 1));
        return;
    }
    if (strcmp(req->method, "GET") != 0) {
        reply_error(resp, 405, har ? "journal.har takes GET" : "journal takes GET or DELETE");
        return;
    }
    http_params q = {0};
    journal_filter f;
    if (journal_filter_parse(req, resp, &q, &f))
        reply(resp, 200, har ? har_journal(s->journal, &f, s->endpoint) : journal_query(s->journal, &f));
    http_params_clear(&q);
}

/* GET /_mockaws/journal/{seq}: one entry, with what was captured. */
static void journal_entry_endpoint(server *s, const http_request *req, http_response *resp, const char *seq_text)
{
    uint64_t seq;
    json_t *e;
    if (strcmp(req->method, "GET") != 0)
        reply_error(resp, 405, "journal/{seq} takes GET");
    else if (!parse_u64(seq_text, &seq))
        reply_error(resp, 400, "journal/{seq} takes a sequence number, got '%s'", seq_text);
    else if (!(e = journal_get(s->journal, seq)))
        reply_error(resp, 404, "no journal entry %" G_GUINT64_FORMAT " (not yet, or no longer, in the journal)", seq);
    else
        reply(resp, 200, e);
}

/* GET / POST /_mockaws/capture: how many body bytes each entry keeps. */
static void capture_endpoint(server *s, const http_request *req, http_response *resp)
{
    if (strcmp(req->method, "POST") == 0) {
        json_t *b = body_json(req, resp);
        if (!b)
            return;
        json_t *n = json_object_get(b, "bodies");
        bool ok = json_is_object(b) && json_object_size(b) == 1 && json_is_integer(n) &&
                  json_integer_value(n) >= 0 && json_integer_value(n) <= CAPTURE_MAX_BODIES;
        if (ok)
            g_atomic_int_set(&s->capture_bodies, (gint)json_integer_value(n));
        json_decref(b);
        if (!ok) {
            reply_error(resp, 400, "capture takes {\"bodies\": N}, 0 (off) <= N <= %u bytes", CAPTURE_MAX_BODIES);
            return;
        }
    } else if (strcmp(req->method, "GET") != 0) {
        reply_error(resp, 405, "capture takes GET or POST");
        return;
    }
    reply(resp, 200, json_pack("{s:i}", "bodies", g_atomic_int_get(&s->capture_bodies)));
}

#define STREAM_PATH "/_mockaws/journal/stream"

/* GET /_mockaws/journal/stream over HTTP: a listener for the edge to send
 * (core/stream.h), from since or Last-Event-ID (what EventSource sends when
 * it reconnects: it wins), else from now. */
static void stream_endpoint(server *s, const http_request *req, http_response *resp)
{
    if (strcmp(req->method, "GET") != 0) {
        reply_error(resp, 405, "journal/stream takes GET");
        return;
    }
    http_params q = {0};
    if (!query_params(req, resp, &q))
        return;
    const char *since = http_request_header(req, "last-event-id");
    if (!since)
        since = http_params_get(&q, "since");
    uint64_t after = 0;
    if (since && !parse_u64(since, &after)) {
        reply_error(resp, 400, "since (or Last-Event-ID) must be a sequence number, got '%s'", since);
    } else if (!(resp->stream = stream_open(s->streams, after, since == NULL, http_params_get(&q, "service"),
                                            http_params_get(&q, "operation"), http_params_get(&q, "error")))) {
        reply_error(resp, 503, "the journal stream has its %d listeners already (or the server is stopping)",
                    STREAM_MAX_LISTENERS);
    } else {
        resp->status = 200;
        http_response_set_header(resp, "Content-Type", "text/event-stream");
        http_response_set_header(resp, "Cache-Control", "no-cache");
    }
    http_params_clear(&q);
}

static void clock_endpoint(server *s, const http_request *req, http_response *resp)
{
    if (strcmp(req->method, "POST") == 0) {
        json_t *b = body_json(req, resp);
        if (!b)
            return;
        json_t *mode = json_object_get(b, "mode"), *adv = json_object_get(b, "advance_ms");
        const char *m = json_string_value(mode);
        if (!json_is_object(b) || (mode && (!m || (strcmp(m, "virtual") && strcmp(m, "real")))) ||
            (adv && (!json_is_integer(adv) || json_integer_value(adv) < 0)) || (!mode && !adv)) {
            json_decref(b);
            reply_error(resp, 400,
                        "clock takes {\"mode\": \"virtual\"|\"real\"} and/or {\"advance_ms\": N >= 0}");
            return;
        }
        if (m)
            clock_set_virtual(&s->clock, strcmp(m, "virtual") == 0);
        if (adv) {
            clock_advance(&s->clock, json_integer_value(adv));
            call_run_due(s);
        }
        json_decref(b);
    } else if (strcmp(req->method, "GET") != 0) {
        reply_error(resp, 405, "clock takes GET or POST");
        return;
    }
    reply(resp, 200, json_pack("{s:s, s:I}", "mode", clock_is_virtual(&s->clock) ? "virtual" : "real",
                               "now_ms", (json_int_t)clock_now_ms(&s->clock)));
}

static void state_endpoint(server *s, const http_request *req, http_response *resp)
{
    if (strcmp(req->method, "GET") == 0) {
        reply(resp, 200, fixtures_dump(s));
        return;
    }
    if (strcmp(req->method, "POST") != 0) {
        reply_error(resp, 405, "state takes GET or POST");
        return;
    }
    json_t *b = body_json(req, resp);
    if (!b)
        return;
    char err[512];
    /* files only under the fixtures directory, if the server has one */
    if (fixtures_load(s, b, s->fixtures_dir, err, sizeof err) != 0)
        reply_error(resp, 400, "%s", err);
    else
        reply(resp, 200, json_pack("{s:b}", "loaded", 1));
    json_decref(b);
}

/* POST /_mockaws/state/save: --state-dir's save, now. */
static void save_endpoint(server *s, const http_request *req, http_response *resp)
{
    char err[800];
    uint64_t bytes;
    if (strcmp(req->method, "POST") != 0)
        reply_error(resp, 405, "state/save takes POST");
    else if (!s->persist)
        reply_error(resp, 409, "this server keeps no state: start it with --state-dir DIR");
    else if (persist_save(s->persist, s, &bytes, err, sizeof err) != 0)
        reply_error(resp, 500, "state not saved: %s", err);
    else
        reply(resp, 200, json_pack("{s:o, s:I}", "saved", jtext_string(persist_state_path(s->persist)), "bytes",
                                   (json_int_t)bytes));
}

static void faults_endpoint(server *s, const http_request *req, http_response *resp, const char *id)
{
    if (id) {
        if (strcmp(req->method, "DELETE") != 0) {
            reply_error(resp, 405, "faults/{id} takes DELETE");
        } else if (fault_set_remove(s->faults, id) != 0) {
            reply_error(resp, 404, "no fault rule with id '%s'", id);
        } else {
            reply(resp, 200, json_pack("{s:o}", "deleted", jtext_string(id)));
        }
        return;
    }
    if (strcmp(req->method, "GET") == 0) {
        reply(resp, 200, fault_set_json(s->faults));
    } else if (strcmp(req->method, "DELETE") == 0) {
        fault_set_clear(s->faults);
        reply(resp, 200, json_pack("{s:b}", "cleared", 1));
    } else if (strcmp(req->method, "POST") == 0) {
        json_t *b = body_json(req, resp);
        if (!b)
            return;
        json_t *ids = NULL;
        char err[512];
        if (fault_set_add(s->faults, b, clock_now_ms(&s->clock), &ids, err, sizeof err) != 0)
            reply_error(resp, 400, "%s", err);
        else
            reply(resp, 200, json_pack("{s:o}", "ids", ids));
        json_decref(b);
    } else {
        reply_error(resp, 405, "faults takes GET, POST or DELETE");
    }
}

static void scenario_endpoint(server *s, const http_request *req, http_response *resp, bool verify)
{
    if (verify) {
        if (strcmp(req->method, "GET") != 0) {
            reply_error(resp, 405, "scenario/verify takes GET");
            return;
        }
        json_t *report = fixtures_verify_scenario(s);
        if (report)
            reply(resp, 200, report);
        else
            reply_error(resp, 404, "no scenario is loaded");
        return;
    }
    if (strcmp(req->method, "POST") != 0) {
        reply_error(resp, 405, "scenario takes POST");
        return;
    }
    json_t *b = body_json(req, resp);
    if (!b)
        return;
    char err[600];
    scenario *sc = scenario_parse(b, s->fixtures_dir, err, sizeof err);
    json_decref(b);
    if (!sc || fixtures_apply_scenario(s, sc, err, sizeof err) != 0)
        reply_error(resp, 400, "%s", err);
    else
        reply(resp, 200, json_pack("{s:b}", "loaded", 1));
}

/* /_mockaws/snapshots[/NAME[/restore]]: name is NULL for the collection. */
static void snapshots_endpoint(server *s, const http_request *req, http_response *resp, const char *name,
                               bool restore)
{
    char err[512];
    if (restore || name) {
        bool ok_method = strcmp(req->method, restore ? "POST" : "DELETE") == 0;
        if (!ok_method)
            reply_error(resp, 405, restore ? "snapshots/{name}/restore takes POST" : "snapshots/{name} takes DELETE");
        else if ((restore ? snapshot_restore : snapshot_delete)(s, name, err, sizeof err) != 0)
            reply_error(resp, 404, "%s", err);
        else
            reply(resp, 200, json_pack("{s:o}", restore ? "restored" : "deleted", jtext_string(name)));
        return;
    }
    if (strcmp(req->method, "GET") == 0) {
        reply(resp, 200, snapshot_list(s));
        return;
    }
    if (strcmp(req->method, "POST") != 0) {
        reply_error(resp, 405, "snapshots takes GET or POST");
        return;
    }
    json_t *b = body_json(req, resp);
    if (!b)
        return;
    json_t *jname = json_object_get(b, "name"), *jjournal = json_object_get(b, "journal");
    json_t *answer = NULL;
    if (!json_is_object(b) || !json_is_string(jname) || (jjournal && !json_is_boolean(jjournal)))
        reply_error(resp, 400, "snapshots takes {\"name\": NAME} and optionally \"journal\": true|false");
    else if (snapshot_take(s, json_string_value(jname), json_is_true(jjournal), &answer, err, sizeof err) != 0)
        reply_error(resp, 400, "%s", err);
    else
        reply(resp, 200, answer);
    json_decref(b);
}

/* /_mockaws/<service>/...: the service's own endpoints. False when the
 * path names no service that has any. */
static bool service_endpoint(server *s, const http_request *req, http_response *resp)
{
    const char *rest = req->path + strlen("/_mockaws/");
    size_t n = strcspn(rest, "/");
    if (rest[n] != '/')
        return false;
    for (size_t i = 0; i < s->nsvcs; i++) {
        const svc_def *d = s->svcs[i].def;
        if (!d->control || strlen(d->name) != n || strncmp(rest, d->name, n) != 0)
            continue;
        http_params q = {0};
        if (!query_params(req, resp, &q))
            return true;
        int status = 200;
        json_t *answer = d->control(s, req->method, rest + n + 1, &q, &status);
        http_params_clear(&q);
        if (answer)
            reply(resp, status, answer);
        else
            reply_error(resp, 404, "no control endpoint %s %s", req->method, req->path);
        return true;
    }
    return false;
}

/* ---- the HTTP door's guard ----
 *
 * The control API can replace all state, and fixtures can name files, so it
 * answers only whom it must: see README "Security". A browser page that the
 * developer visits must not reach it, neither by a cross-origin request (it
 * carries an Origin, and a simple request a form or text/plain body) nor by
 * DNS rebinding (its Host is then the attacker's dotted name). */

static bool is_health(const http_request *req)
{
    bool get = strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0;
    return get && (strcmp(req->path, "/_mockaws/health") == 0 || strcmp(req->path, "/_localstack/health") == 0);
}

/* The token the request presents: X-Mockaws-Control-Token, or
 * Authorization: Bearer. NULL when none. */
static const char *presented_token(const http_request *req)
{
    const char *t = http_request_header(req, "x-mockaws-control-token");
    if (t)
        return t;
    const char *a = http_request_header(req, "authorization");
    if (a && g_ascii_strncasecmp(a, "Bearer ", 7) == 0) {
        a += 7;
        while (*a == ' ')
            a++;
        return a;
    }
    return NULL;
}

/* Compares in time that depends on the lengths only, not on where they differ. */
static bool same_secret(const char *want, const char *got)
{
    size_t wl = strlen(want), gl = strlen(got);
    unsigned char diff = wl != gl;
    for (size_t i = 0; i < gl; i++)
        diff |= (unsigned char)(got[i] ^ want[i % (wl ? wl : 1)]);
    return diff == 0;
}

/* The name in a Host header, lowercase, without port or final dot. */
static char *host_name(const char *host)
{
    const char *end;
    if (host[0] == '[') {
        end = strchr(host, ']');
        return end ? g_ascii_strdown(host + 1, end - host - 1) : g_strdup("");
    }
    end = strchr(host, ':');
    if (end && strchr(end + 1, ':')) /* a bare IPv6 address */
        end = NULL;
    char *name = g_ascii_strdown(host, end ? end - host : -1);
    size_t n = strlen(name);
    if (n && name[n - 1] == '.')
        name[n - 1] = '\0';
    return name;
}

static bool host_allowed(server *s, const char *host)
{
    if (!*host) /* HTTP/1.0 without Host: no browser sends that */
        return true;
    char *name = host_name(host);
    /* A page rebound by DNS comes with the attacker's name, which has dots
     * and is in a domain they control. IP literals, localhost names and
     * names without a dot (docker compose services, /etc/hosts aliases)
     * cannot be that; the server's own --host and --allow-host names are
     * chosen by whoever runs it. */
    bool ok = *name && (g_hostname_is_ip_address(name) || strcmp(name, "localhost") == 0 ||
                        g_str_has_suffix(name, ".localhost") || !strchr(name, '.') ||
                        g_ascii_strcasecmp(name, s->host) == 0);
    for (char **a = s->allow_hosts; !ok && a && *a; a++) {
        const char *want = *a;
        ok = strcmp(want, "*") == 0 || strcmp(want, name) == 0 ||
             (want[0] == '.' && (g_str_has_suffix(name, want) || strcmp(name, want + 1) == 0));
    }
    g_free(name);
    return ok;
}

/* The media type without parameters is application/json. */
static bool json_content_type(const char *ct)
{
    size_t n = strcspn(ct, ";");
    while (n && (ct[n - 1] == ' ' || ct[n - 1] == '\t'))
        n--;
    while (n && (*ct == ' ' || *ct == '\t')) {
        ct++;
        n--;
    }
    return n == 16 && g_ascii_strncasecmp(ct, "application/json", 16) == 0;
}

/* True when the request may pass; else the refusal is answered. */
static bool guard(server *s, const http_request *req, http_response *resp)
{
    bool token_ok = false;
    if (s->control_token) {
        const char *t = presented_token(req);
        token_ok = t && same_secret(s->control_token, t);
        /* the dashboard's files hold no data: the page loads, then asks
         * for the token that its API calls need */
        if (!token_ok && !is_health(req) && !ui_lookup(req)) {
            http_response_set_header(resp, "WWW-Authenticate", "Bearer realm=\"mockaws control\"");
            reply_error(resp, 401,
                        "this server's control API needs its token: send X-Mockaws-Control-Token: TOKEN "
                        "(or Authorization: Bearer TOKEN)");
            return false;
        }
    }
    if (!token_ok && !host_allowed(s, req->host)) {
        reply_error(resp, 403,
                    "the control API does not answer for Host '%s': only localhost, IP addresses, names "
                    "without a dot, the server's --host and its --allow-host names (or send the control token)",
                    req->host);
        return false;
    }
    const char *origin = http_request_header(req, "origin");
    if (origin) {
        char *own = g_strconcat("http://", req->host, NULL);
        bool same = g_ascii_strcasecmp(origin, own) == 0;
        g_free(own);
        if (!same) {
            reply_error(resp, 403, "the control API does not answer requests from web pages of another origin (%s)",
                        origin);
            return false;
        }
    }
    const char *ct = http_request_header(req, "content-type");
    bool reads = strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0;
    if (!reads && ct && !json_content_type(ct)) {
        /* what a cross-origin form or fetch can send without asking first */
        reply_error(resp, 415,
                    "control requests that change state take JSON: send Content-Type: application/json, or "
                    "none (curl: -H 'Content-Type: application/json'), not '%s'",
                    ct);
        return false;
    }
    return true;
}

void control_handle(server *s, const http_request *req, http_response *resp)
{
    if (!guard(s, req, resp))
        return;
    if (strcmp(req->path, STREAM_PATH) == 0 && s->streams)
        stream_endpoint(s, req, resp);
    else
        control_dispatch(s, req, resp);
}

void control_dispatch(server *s, const http_request *req, http_response *resp)
{
    const char *p = req->path;
    bool get = strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0;
    bool post = strcmp(req->method, "POST") == 0;
    if (strcmp(p, "/_mockaws/health") == 0 && get) {
        reply(resp, 200, json_pack("{s:s, s:s, s:o}", "status", "ok", "version", MOCKAWS_VERSION,
                                   "services", services_json(s, "running")));
    } else if (strcmp(p, "/_localstack/health") == 0 && get) {
        reply(resp, 200, json_pack("{s:o, s:s, s:s}", "services", services_json(s, "running"), "edition",
                                   "mockaws", "version", MOCKAWS_VERSION));
    } else if (ui_lookup(req) && (strcmp(p, "/") != 0 || ui_is_navigation(req))) {
        ui_serve(ui_lookup(req), resp);
    } else if ((strcmp(p, "/_mockaws/reset") == 0 || strcmp(p, "/moto-api/reset") == 0) && post) {
        fixtures_reset(s);
        reply(resp, 200, json_pack("{s:b}", "reset", 1));
    } else if (strcmp(p, "/_mockaws/journal") == 0 || strcmp(p, "/_mockaws/journal.har") == 0) {
        journal_endpoint(s, req, resp, p[17] == '.');
    } else if (strcmp(p, STREAM_PATH) == 0) {
        /* mockaws_control (or a pipeline test without the edge): one answer only */
        reply_error(resp, 400,
                    "journal/stream is a stream of server-sent events, over HTTP only: read GET "
                    "/_mockaws/journal?since=SEQ instead");
    } else if (g_str_has_prefix(p, "/_mockaws/journal/") && p[18] && !strchr(p + 18, '/')) {
        journal_entry_endpoint(s, req, resp, p + 18);
    } else if (strcmp(p, "/_mockaws/capture") == 0) {
        capture_endpoint(s, req, resp);
    } else if (strcmp(p, "/_mockaws/clock") == 0) {
        clock_endpoint(s, req, resp);
    } else if (strcmp(p, "/_mockaws/state") == 0) {
        state_endpoint(s, req, resp);
    } else if (strcmp(p, "/_mockaws/state/save") == 0) {
        save_endpoint(s, req, resp);
    } else if (strcmp(p, "/_mockaws/scenario") == 0 || strcmp(p, "/_mockaws/scenario/verify") == 0) {
        scenario_endpoint(s, req, resp, strcmp(p, "/_mockaws/scenario/verify") == 0);
    } else if (strcmp(p, "/_mockaws/faults") == 0) {
        faults_endpoint(s, req, resp, NULL);
    } else if (g_str_has_prefix(p, "/_mockaws/faults/") && p[17]) {
        char *id = http_percent_decode(p + 17, strlen(p + 17), false, NULL);
        if (id)
            faults_endpoint(s, req, resp, id);
        else
            reply_error(resp, 400, "malformed fault id");
        g_free(id);
    } else if (strcmp(p, "/_mockaws/snapshots") == 0) {
        snapshots_endpoint(s, req, resp, NULL, false);
    } else if (g_str_has_prefix(p, "/_mockaws/snapshots/") && p[20]) {
        /* NAME or NAME/restore; names have no '/' and need no decoding */
        const char *name = p + 20, *slash = strchr(name, '/');
        char *own = g_strndup(name, slash ? (size_t)(slash - name) : strlen(name));
        if (slash && strcmp(slash, "/restore") != 0)
            reply_error(resp, 404, "no control endpoint %s %s", req->method, p);
        else
            snapshots_endpoint(s, req, resp, own, slash != NULL);
        g_free(own);
    } else if (!(g_str_has_prefix(p, "/_mockaws/") && service_endpoint(s, req, resp))) {
        reply_error(resp, 404, "no control endpoint %s %s", req->method, p);
    }
}
