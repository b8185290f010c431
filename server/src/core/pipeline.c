#include "core/pipeline.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/auth.h"
#include "core/call.h"
#include "core/capture.h"
#include "core/control.h"
#include "core/enforce.h"
#include "core/registry.h"
#include "core/reqid.h"
#include "core/route.h"
#include "core/server.h"
#include "core/ui.h"
#include "core/unserved.h"
#include "core/jtext.h"
#include "services/svc_api.h"

typedef struct exchange {
    server *s;
    const http_request *req;
    http_response *resp;
    const wire_protocol *proto; /* the protocol the request speaks: its service's, or
                                   that service's query door (wire_protocol_for) */
    /* Its strings are borrowed (the journal copies them): from the buffers
     * below, the request, the route, the service's definition or literals. */
    journal_entry je;
    char request_id[64];
    char account[13];
    char opbuf[128];   /* the operation's name when the protocol writes it here */
    char *error;       /* owned: the error code answered, when not a literal */
    char *fault;       /* owned: the id of the fault rule that fired */
    char *resource;    /* owned */
    char *principal;   /* owned: who signed it (--auth verify, enforce) */
    server_cred cred;  /* owned: the signer's credentials, when the server handed
                          them out (arn NULL: the key is its account's root) */
    char *authz;       /* owned: what decided (--auth enforce) */
    int64_t start_us;
} exchange;

static const char *svc_for_target(void *arg, const char *prefix, size_t len)
{
    server *s = arg;
    for (size_t i = 0; i < s->nsvcs; i++) {
        const char *tp = s->svcs[i].model->target_prefix;
        if (tp && strlen(tp) == len && strncmp(tp, prefix, len) == 0)
            return s->svcs[i].def->name;
    }
    return NULL;
}

static const svc_def *svc_by_name(void *arg, const char *name)
{
    svc_rt *rt = registry_service(arg, name);
    return rt ? rt->def : NULL;
}

static const char *svc_for_version(void *arg, const char *version)
{
    server *s = arg;
    for (size_t i = 0; i < s->nsvcs; i++) {
        const wire_protocol *p = s->svcs[i].proto;
        const char *v = s->svcs[i].model->api_version;
        /* a JSON service with a query door (SQS) is named the query way too */
        if (p && (p->routes_by_version || s->svcs[i].model->query_compatible) && v && strcmp(v, version) == 0)
            return s->svcs[i].def->name;
    }
    return NULL;
}

/* The SDKs' retry headers: "attempt=2; max=5". */
static void parse_sdk_request(const char *v, journal_entry *je)
{
    if (!v)
        return;
    const char *a = strstr(v, "attempt=");
    const char *m = strstr(v, "max=");
    if (a)
        je->attempt = atoi(a + 8);
    if (m)
        je->max_attempts = atoi(m + 4);
}

static bool is_form(const http_request *req)
{
    const char *ct = http_request_header(req, "content-type");
    return ct && g_ascii_strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0;
}

static void standard_headers(exchange *x, const svc_rt *rt)
{
    if (rt)
        x->proto->finish_response(x->request_id, x->resp);
    else
        wire_amzn_request_id(x->request_id, x->resp);
    if (rt && rt->def->body_crc32) {
        size_t len;
        const char *body = http_response_body(x->resp, &len);
        /* decimal by hand: a printf per answer for one number */
        char crc[16], *p = crc + sizeof crc;
        unsigned long v = crc32(0L, (const Bytef *)body, (uInt)len);
        *--p = '\0';
        do
            *--p = (char)('0' + v % 10);
        while (v /= 10);
        http_response_set_header(x->resp, "x-amz-crc32", p);
    }
    if (!http_response_header(x->resp, "Server"))
        http_response_set_header(x->resp, "Server", "mockaws");
}

/* An error for a service: resolved against its catalog and model, written
 * in its envelope. */
static void answer_error(exchange *x, svc_rt *rt, const char *op, aws_error *err)
{
    call_resolve_error(rt, err);
    /* Headers a handler set stay (a 304 carries its ETag and Last-Modified);
     * whatever body it began does not. */
    http_response_reset_body(x->resp);
    x->proto->serialize_error(rt->model, op, err, x->request_id, x->resp);
    if (!x->resp->status)
        x->resp->status = err->status ? err->status : 400;
    if (x->resp->status == 304) {
        /* 304 Not Modified has no body, whatever the envelope */
        g_string_truncate(x->resp->body, 0);
        http_response_remove_header(x->resp, "Content-Type");
    }
    g_free(x->error);
    x->error = g_strdup(err->code);
    x->je.error = x->error;
}

/* A request no service takes: JSON, so that every kind of client can at least
 * show the message. */
static void answer_unrouted(exchange *x, int status, const char *code, const char *message)
{
    /* The message may quote the request (a service named in the credential
     * scope): any bytes, written by core/jtext.h's rule. */
    json_t *body = json_pack("{s:s, s:o}", "__type", code, "message", jtext_string(message));
    char *text = jtext_dumps(body, JSON_COMPACT);
    json_decref(body);
    x->resp->status = status;
    if (text) {
        g_string_assign(x->resp->body, text);
    } else {
        x->resp->status = 500;
        g_string_assign(x->resp->body, "{\"__type\":\"InternalFailure\",\"message\":\"the error did not serialize\"}");
    }
    free(text);
    http_response_set_header(x->resp, "Content-Type", "application/json");
    http_response_set_header(x->resp, "x-amzn-ErrorType", code);
    x->je.error = code;
}

/* The namespace lock for SVC_LOCK_NONE handlers (services/service.h). */
static GRWLock *call_lock(svc_call *c) { return &ns_get(c->srv->ns, c->svc, c->account, c->region)->lock; }
void svc_lock_shared(svc_call *c) { g_rw_lock_reader_lock(call_lock(c)); }
void svc_unlock_shared(svc_call *c) { g_rw_lock_reader_unlock(call_lock(c)); }
void svc_lock_exclusive(svc_call *c) { g_rw_lock_writer_lock(call_lock(c)); }
void svc_unlock_exclusive(svc_call *c) { g_rw_lock_writer_unlock(call_lock(c)); }

/* --auth enforce: the caller the signature check let through (its key's
 * root, or the credentials the server handed out) against what the
 * request asks. 0, or -1 with err in the service's words. */
static int enforce_call(exchange *x, svc_rt *rt, const route *r, const char *account, const char *op,
                        json_t *input, void *state, GArray **denied, aws_error *err)
{
    server *s = x->s;
    if (!rt->def->authorize)
        return 0;
    /* run_service found the signer: x->cred, or the root of x->principal */
    const server_cred *cred = &x->cred;
    bool known = cred->arn != NULL;
    enforce_caller who = {.principal_arn = x->principal,
                          .account = known ? cred->account : account,
                          .user_id = known ? cred->user_id : account,
                          .role_arn = cred->role_arn,
                          .session_policy = cred->session_policy,
                          .session_tags = cred->session_tags};
    svc_call probe = {.srv = s,
                      .svc = rt->def,
                      .model = rt->model,
                      .account = account,
                      .region = r->region,
                      .access_key = r->access_key,
                      .operation = op,
                      .input = input,
                      .state = state,
                      .now_ms = clock_now_ms(&s->clock)};
    int rc = enforce_request(s, rt, &probe, &who, denied, err, &x->authz);
    x->je.authz = x->authz;
    return rc;
}

static void run_service(exchange *x, svc_rt *rt, const route *r, const http_request *req,
                        bool too_large, const svc_park_state *can_park, pipeline_outcome *out)
{
    server *s = x->s;
    aws_error err = AWS_ERROR_INIT;
    char *account = x->account;
    x->je.account = account;
    x->je.region = r->region;
    x->je.service = rt->def->name;
    if (x->proto->reqid_style == WIRE_REQID_HEX16) {
        char s3id[17];
        reqid_s3(x->request_id, s3id);
        g_strlcpy(x->request_id, s3id, sizeof x->request_id);
    } else if (x->proto->reqid_style == WIRE_REQID_BASE32_52 && !rt->model->query_compatible) {
        /* (a service that came from the query protocol, SQS, kept its UUIDs) */
        char ddbid[53];
        reqid_dynamodb(x->request_id, ddbid);
        g_strlcpy(x->request_id, ddbid, sizeof x->request_id);
    }

    /* who signed it (--auth verify, enforce), against the request as sent;
     * a form upload's signature is in its body: its handler checks it
     * (svc_form_signed), and any other operation the request turns out to
     * be is checked below, once named */
    bool form = s->auth != MOCKAWS_AUTH_OFF && auth_form_pending(rt->def->name, x->req);
    bool check = s->auth != MOCKAWS_AUTH_OFF && !form;
    int signed_rc = check ? auth_check(s, rt->def->name, x->proto->name, x->req, req->path, &x->cred, &err) : 0;
    /* the signer's entry, when the check found it, is the routed key's:
     * its account without a second lookup */
    if (x->cred.access_key && strcmp(x->cred.access_key, r->access_key) != 0)
        server_cred_clear(&x->cred);
    if (x->cred.account)
        g_strlcpy(account, x->cred.account, sizeof x->account);
    else
        server_account_for_key(s, r->access_key, account);
    if (signed_rc != 0) {
        answer_error(x, rt, NULL, &err);
        aws_error_clear(&err);
        return;
    }
    if (check) {
        /* the journal names who signed it (and enforce decides for it) */
        if (x->cred.access_key || (r->access_key[0] && server_cred_lookup(s, r->access_key, &x->cred)))
            x->principal = g_strdup(x->cred.arn);
        else
            x->principal = g_strconcat("arn:", svc_partition(r->region), ":iam::", account, ":root", NULL);
        x->je.principal = x->principal;
    }

    if (too_large) {
        /* The service's own status where it has the error (S3: 400), else 413. */
        aws_error_set_status(&err, errcat_lookup(rt->errors, "EntityTooLarge") ? 0 : 413, "EntityTooLarge",
                             "Your proposed upload exceeds the maximum allowed size");
        answer_error(x, rt, NULL, &err);
        aws_error_clear(&err);
        return;
    }

    const char *op = rt->def->choose_operation
                         ? rt->def->choose_operation(rt->model, req, x->opbuf, sizeof x->opbuf, &err)
                         : x->proto->operation_name(rt->model, req, x->opbuf, sizeof x->opbuf, &err);
    const mop *mo = op ? model_find_op(rt->model, op) : NULL;
    const svc_op *handler = op ? g_hash_table_lookup(rt->handlers, op) : NULL;
    if (form && (!handler || mo)) {
        /* no form upload after all: refused as the unsigned request it is */
        aws_error unsigned_err = AWS_ERROR_INIT;
        if (auth_check(s, rt->def->name, x->proto->name, x->req, req->path, NULL, &unsigned_err) != 0) {
            aws_error_clear(&err);
            x->je.operation = op;
            answer_error(x, rt, op, &unsigned_err);
            aws_error_clear(&unsigned_err);
            return;
        }
        form = false; /* not reached: such a request carries no credentials */
    }
    if (!op) {
        answer_error(x, rt, NULL, &err);
        aws_error_clear(&err);
        return;
    }
    x->je.operation = op;
    if (!handler) {
        if (mo)
            aws_error_set_status(&err, 501, "NotImplemented", "mockaws does not implement %s yet", op);
        else
            aws_error_set_status(&err, rt->def->unknown_operation_status, rt->def->unknown_operation_code,
                                 "The action %s is not valid for this web service.", op);
        answer_error(x, rt, op, &err);
        aws_error_clear(&err);
        return;
    }

    /* An operation of the service's own that the model does not describe
     * (S3's POST Object, a form upload): nothing to parse or validate. Its
     * handler reads the raw request, gets an empty input object to fill as
     * it likes, and writes its whole answer into c->resp. */
    json_t *input = NULL;
    if (!mo)
        input = json_object();
    else if (x->proto->parse_request(rt->model, op, req, &input, &err) != 0) {
        answer_error(x, rt, op, &err);
        aws_error_clear(&err);
        return;
    }
    const mshape *in_shape = mop_input(mo);
    if (in_shape) {
        if (call_validate(rt, in_shape, input, &err) != 0) {
            answer_error(x, rt, op, &err);
            aws_error_clear(&err);
            json_decref(input);
            return;
        }
    }

    /* what the caller may do (--auth enforce), once the input says what it
     * asks for (in the call's namespace, which the handler's call reuses) */
    ns *n = NULL;
    GArray *denied = NULL;
    if (s->auth == MOCKAWS_AUTH_ENFORCE &&
        enforce_call(x, rt, r, account, op, input, (n = ns_get(s->ns, rt->def, account, r->region))->state, &denied,
                     &err) != 0) {
        answer_error(x, rt, op, &err);
        aws_error_clear(&err);
        json_decref(input);
        return;
    }

    char *resource = rt->def->resource_of ? rt->def->resource_of(op, input) : NULL;
    fault_decision fd;
    if (fault_set_decide(s->faults, &(fault_request){rt->def->name, op, resource, account, r->region},
                         clock_now_ms(&s->clock), &fd)) {
        x->fault = g_strdup(fd.rule_id);
        x->je.fault = x->fault;
        out->delay_ms = fd.delay_ms;
        out->conn = fd.conn;
        if (fd.conn != FAULT_CONN_NONE || fd.error_code) {
            /* The fault answers instead of the service. */
            if (fd.error_code) {
                aws_error_set_status(&err, fd.error_status, fd.error_code, fd.error_message ? "%s" : NULL,
                                     fd.error_message);
                answer_error(x, rt, op, &err);
                aws_error_clear(&err);
            }
            x->resource = resource;
            x->je.resource = resource;
            fault_decision_clear(&fd);
            json_decref(input);
            if (denied)
                g_array_unref(denied);
            return;
        }
    }

    if (!n)
        n = ns_get(s->ns, rt->def, account, r->region);
    svc_signer signer = {0};
    svc_park_state park = {.edge = can_park ? can_park->edge : NULL,
                           .expired = can_park && can_park->expired,
                           .waited_ms = can_park ? can_park->waited_ms : 0};
    svc_call c = {
        .srv = s,
        .svc = rt->def,
        .model = rt->model,
        .account = account,
        .region = r->region,
        .access_key = r->access_key,
        .operation = op,
        .request_id = x->request_id,
        .req = req,
        .input = input,
        .state = n->state,
        .now_ms = clock_now_ms(&s->clock),
        .err = AWS_ERROR_INIT,
        .resp = x->resp,
        .fault = fd.partial,
        .park = &park,
        .signer = form ? &signer : NULL,
        .denied = denied,
    };
    int rc = call_handler(rt, handler, n, &c);
    if (signer.principal) {
        /* the form's signer, as svc_form_signed found it */
        x->principal = g_steal_pointer(&signer.principal);
        x->je.principal = x->principal;
        if (signer.authz) {
            g_free(x->authz);
            x->authz = g_steal_pointer(&signer.authz);
            x->je.authz = x->authz;
        }
    }
    auth_signer_clear(&signer);

    if (c.resource) {
        g_free(resource);
        resource = c.resource;
        c.resource = NULL;
    }
    x->resource = resource;
    x->je.resource = resource;
    if (rc == 0 && park.parked) {
        /* answered by a later run of the same request */
        out->parked = true;
        out->park_ms = park.timeout_ms;
    } else if (rc != 0) {
        /* a handler that parked and then failed answers now (the edge
         * takes the request off its key) */
        if (!aws_error_is_set(&c.err))
            aws_error_set_status(&c.err, 500, "InternalError", "handler failed without an error");
        answer_error(x, rt, op, &c.err);
    } else if (mo) {
        if (!c.output)
            c.output = json_object();
        if (x->proto->serialize_output(rt->model, op, c.output, x->request_id, x->resp) != 0) {
            server_log(s, MOCKAWS_LOG_ERROR, "%s %s: output did not serialize", rt->def->name, op);
            aws_error_set_status(&c.err, 500, "InternalError",
                                 "We encountered an internal error. Please try again.");
            answer_error(x, rt, op, &c.err);
        }
    }
    aws_error_clear(&c.err);
    json_decref(c.output);
    json_decref(input);
    fault_decision_clear(&fd);
    if (denied)
        g_array_unref(denied);
}

void pipeline_handle(server *s, const http_request *req, uint64_t conn, bool too_large,
                   http_response *resp, pipeline_outcome *out)
{
    pipeline_handle_parkable(s, req, conn, too_large, NULL, resp, out);
}

void pipeline_handle_parkable(server *s, const http_request *req, uint64_t conn, bool too_large,
                              const svc_park_state *park, http_response *resp, pipeline_outcome *out)
{
    memset(out, 0, sizeof *out);
    if (control_matches(req->path) || ui_is_navigation(req)) {
        control_handle(s, req, resp);
        return;
    }
    exchange x = {.s = s, .req = req, .resp = resp, .start_us = g_get_monotonic_time()};
    reqid_new(s, x.request_id, sizeof x.request_id);
    x.je.time_ms = clock_now_ms(&s->clock);
    x.je.connection = conn;
    x.je.request_id = x.request_id;
    x.je.invocation_id = http_request_header(req, "amz-sdk-invocation-id");
    parse_sdk_request(http_request_header(req, "amz-sdk-request"), &x.je);

    /* --capture-bodies, read once: both sides of the exchange keep the same */
    gint capture_n = g_atomic_int_get(&s->capture_bodies);
    g_rw_lock_reader_lock(&s->reset_lock);
    http_params query = {0}, form = {0};
    bool query_ok = http_params_parse(&query, req->query, strlen(req->query), true);
    bool have_form = is_form(req) && !too_large &&
                     http_params_parse(&form, req->body, req->body_len, true);
    route r;
    bool routed = false; /* r holds what route_clear releases */
    char err[256];
    svc_rt *rt = NULL;
    if (!query_ok) {
        answer_unrouted(&x, 400, "MalformedQueryString", "The query string is not validly percent-encoded");
    } else if (route_request(&(route_env){svc_for_target, svc_for_version, svc_by_name, s}, req, &query,
                             have_form ? &form : NULL, &r, err, sizeof err) != 0) {
        answer_unrouted(&x, 400, "IncompleteSignature", err);
    } else {
        routed = true;
        rt = registry_service(s, r.service);
        /* a form (even a malformed one) or an Action in the query string
         * is the query protocol's, never JSON's */
        bool query_like = is_form(req) || http_params_get(&query, "Action");
        if (!rt) {
            GString *served = g_string_new(NULL);
            for (size_t i = 0; i < s->nsvcs; i++)
                g_string_append_printf(served, "%s%s", i ? ", " : "", s->svcs[i].def->name);
            /* an AWS service mockaws does not serve, answered in its own
             * protocol; a name no AWS service signs with, as before */
            const unserved_service *u =
                unserved_lookup(r.service, http_request_header(req, "x-amz-target"), query_like, req->path);
            if (u) {
                x.je.error = unserved_answer(u, req, query_like, served->str, x.request_id, resp);
            } else {
                char *msg = g_strdup_printf(
                    "mockaws does not serve the service '%s' (named by the request's %s); it serves %s", r.service,
                    http_request_header(req, "authorization") ? "credential scope" : "target or action",
                    served->str);
                answer_unrouted(&x, 400, "UnknownService", msg);
                g_free(msg);
            }
            g_string_free(served, TRUE);
            x.je.service = r.service;
        } else {
            http_request routed_req = *req;
            if (r.path)
                routed_req.path = r.path;
            x.proto = wire_protocol_for(rt->proto, rt->model, req, query_like);
            if (capture_n > 0)
                x.je.capture = capture_request(req, rt->def->name, (size_t)capture_n);
            run_service(&x, rt, &r, &routed_req, too_large, park, out);
        }
    }
    http_params_clear(&query);
    http_params_clear(&form);
    g_rw_lock_reader_unlock(&s->reset_lock);

    if (out->parked) {
        /* the run that answers writes the journal entry and the log line */
        capture_free(x.je.capture);
        goto done;
    }
    if (!resp->status)
        resp->status = 200;
    standard_headers(&x, rt);
    x.je.status = resp->status;
    x.je.duration_us = g_get_monotonic_time() - x.start_us;
    bool json_line = s->log_level >= MOCKAWS_LOG_INFO && s->log_format == MOCKAWS_LOG_JSON;
    if (!json_line)
        call_log(s, &x.je, NULL);
    if (capture_n > 0) {
        if (!x.je.capture) /* a request no service took: its body untouched */
            x.je.capture = capture_request(req, x.je.service, (size_t)capture_n);
        capture_response(x.je.capture, resp);
    }
    json_t *as_json = NULL;
    journal_add_json(s->journal, &x.je, json_line ? &as_json : NULL);
    if (json_line)
        call_log(s, NULL, as_json);
    json_decref(as_json);
done:
    if (routed)
        route_clear(&r);
    g_free(x.error);
    g_free(x.fault);
    g_free(x.resource);
    g_free(x.principal);
    g_free(x.authz);
    server_cred_clear(&x.cred);
}
