/* call: running a service's handler, the one way for a client's request
 * (pipeline.c), a service's call to another (svc_invoke) and the work a
 * service has due on the server clock. */
#include "core/call.h"

#include <string.h>

#include "core/decisions.h"
#include "core/jtext.h"
#include "core/registry.h"
#include "core/reqid.h"
#include "core/route.h"
#include "core/server.h"

static void validation_failure(svc_rt *rt, const violation *v, size_t n, aws_error *err)
{
    if (rt->def->validation_error) {
        rt->def->validation_error(v, n, err);
        return;
    }
    GString *msg = g_string_new(NULL);
    validate_coral_message(msg, v, n);
    aws_error_set(err, rt->def->validation_code ? rt->def->validation_code : "ValidationException",
                  "%s", msg->str);
    g_string_free(msg, TRUE);
}

void call_resolve_error(svc_rt *rt, aws_error *err)
{
    errcat_resolve(rt->errors, rt->model, err);
    if (!err->message && !err->bare) {
        const errcat_entry *ce = errcat_lookup(rt->errors, err->code);
        err->message = g_strdup(ce && ce->message ? ce->message : err->code);
    }
}

int call_validate(svc_rt *rt, const mshape *shape, json_t *input, aws_error *err)
{
    violation v[SVC_MAX_VIOLATIONS];
    size_t max = rt->def->max_violations ? MIN(rt->def->max_violations, SVC_MAX_VIOLATIONS) : 8;
    size_t n = validator_check(rt->validator, shape, input, v, max);
    if (!n)
        return 0;
    validation_failure(rt, v, n, err);
    return -1;
}

/* Whether writes to the service's state can change what --auth enforce
 * decides (it reads the service's policies, and keeps decisions until such
 * a write: core/enforce.h). */
static bool holds_policies(const svc_rt *rt) { return rt->def->identity_policies || rt->def->resource_policy; }

/* The service's work due on the server clock (svc_def.maintain), done
 * under the namespace's exclusive lock by the call c that found it due. */
static void run_due_work(svc_rt *rt, ns *n, svc_call *c)
{
    if (!rt->def->maintain || rt->def->due_ms(n->state) > c->now_ms)
        return;
    g_rw_lock_writer_lock(&n->lock);
    if (rt->def->due_ms(n->state) <= c->now_ms)
        rt->def->maintain(c);
    if (holds_policies(rt))
        decisions_forget(c->srv->decisions);
    g_rw_lock_writer_unlock(&n->lock);
}

/* One run of an operation's handler on c: the due work first, then the
 * handler under the lock its operation declares, then the service's
 * after_call (not for a request that parked). The handler's rc. */
int call_handler(svc_rt *rt, const svc_op *handler, ns *n, svc_call *c)
{
    run_due_work(rt, n, c);
    if (handler->lock == SVC_LOCK_SHARED)
        g_rw_lock_reader_lock(&n->lock);
    else if (handler->lock == SVC_LOCK_EXCLUSIVE)
        g_rw_lock_writer_lock(&n->lock);
    int rc = handler->fn(c);
    if (rt->def->after_call && !c->park->parked) {
        if (handler->lock == SVC_LOCK_NONE)
            g_rw_lock_writer_lock(&n->lock);
        rt->def->after_call(c, rc);
        if (handler->lock == SVC_LOCK_NONE)
            g_rw_lock_writer_unlock(&n->lock);
    }
    /* any write, whatever its outcome: a failed one may have changed part */
    if (handler->lock != SVC_LOCK_SHARED && holds_policies(rt))
        decisions_forget(c->srv->decisions);
    if (handler->lock == SVC_LOCK_SHARED)
        g_rw_lock_reader_unlock(&n->lock);
    else if (handler->lock == SVC_LOCK_EXCLUSIVE)
        g_rw_lock_writer_unlock(&n->lock);
    return rc;
}

/* One line per request; the JSON line is the journal entry itself, seq and
 * all, so the entry must be in the journal first (as_json). */
void call_log(server *s, const journal_entry *je, json_t *as_json)
{
    if (s->log_level < MOCKAWS_LOG_INFO)
        return;
    if (s->log_format == MOCKAWS_LOG_JSON) {
        char *t = as_json ? jtext_dumps(as_json, JSON_COMPACT) : NULL;
        if (t)
            server_log(s, MOCKAWS_LOG_INFO, "%s", t);
        free(t);
    } else {
        server_log(s, MOCKAWS_LOG_INFO, "%s %s %d %s %" G_GINT64_FORMAT "us", je->service ? je->service : "-",
                   je->operation ? je->operation : "-", je->status, je->error ? je->error : "-",
                   je->duration_us);
    }
}

/* ---- one service calling another (services/svc_api.h, svc_invoke) ---- */

/* An internal call has no HTTP request: handlers that look at headers or
 * the body find none. */
static const http_request internal_request = {
    .method = "POST", .path = "/", .query = "", .host = "", .body = ""};

int svc_invoke(svc_call *c, const char *service, const char *account, const char *region, const char *operation,
               json_t *input, json_t **output, aws_error *err)
{
    server *s = c->srv;
    *output = NULL;
    svc_rt *rt = registry_service(s, service);
    if (!rt)
        return aws_error_set_status(err, 503, "ServiceUnavailable", "mockaws is not serving %s", service);
    const svc_op *handler = g_hash_table_lookup(rt->handlers, operation);
    if (!handler || !model_find_op(rt->model, operation) || c->svc->invoke_rank <= 0 ||
        rt->def->invoke_rank <= c->svc->invoke_rank) {
        /* a programming error: the lock order (or the operation) forbids it */
        server_log(s, MOCKAWS_LOG_ERROR, "%s may not call %s %s", c->svc->name, service, operation);
        return aws_error_set_status(err, 500, "InternalError", "%s may not call %s %s", c->svc->name, service,
                                    operation);
    }

    int64_t start_us = g_get_monotonic_time();
    char request_id[64];
    reqid_new(s, request_id, sizeof request_id);
    if (rt->proto->reqid_style == WIRE_REQID_HEX16) {
        char hex[17];
        reqid_s3(request_id, hex);
        g_strlcpy(request_id, hex, sizeof request_id);
    }
    journal_entry je = {.time_ms = clock_now_ms(&s->clock),
                        .request_id = request_id,
                        .account = account,
                        .region = region,
                        .service = rt->def->name,
                        .operation = operation,
                        .caller = c->svc->name};
    char *resource = rt->def->resource_of ? rt->def->resource_of(operation, input) : NULL;
    int rc = -1;
    const mshape *in_shape = mop_input(model_find_op(rt->model, operation));
    if (in_shape && call_validate(rt, in_shape, input, err) != 0) {
        /* refused as a request's input would be */
    } else {
        ns *n = ns_get(s->ns, rt->def, account, region);
        http_response resp;
        http_response_init(&resp);
        svc_park_state park = {0};
        svc_call cc = {
            .srv = s,
            .svc = rt->def,
            .model = rt->model,
            .account = account,
            .region = region,
            .access_key = "",
            .operation = operation,
            .request_id = request_id,
            .req = &internal_request,
            .input = input,
            .state = n->state,
            .now_ms = clock_now_ms(&s->clock),
            .err = AWS_ERROR_INIT,
            .resp = &resp,
            .park = &park,
        };
        rc = call_handler(rt, handler, n, &cc);
        if (rc == 0) {
            *output = cc.output ? cc.output : json_object();
            cc.output = NULL;
        } else {
            if (!aws_error_is_set(&cc.err))
                aws_error_set_status(&cc.err, 500, "InternalError", "handler failed without an error");
            aws_error_move(err, &cc.err);
        }
        if (cc.resource) {
            g_free(resource);
            resource = cc.resource;
        }
        json_decref(cc.output);
        http_response_clear(&resp);
    }
    if (rc != 0) {
        call_resolve_error(rt, err);
        je.error = err->code;
    }
    je.resource = resource;
    je.status = rc == 0 ? 200 : err->status ? err->status : 400;
    je.duration_us = g_get_monotonic_time() - start_us;
    bool json_line = s->log_level >= MOCKAWS_LOG_INFO && s->log_format == MOCKAWS_LOG_JSON;
    json_t *as_json = NULL;
    if (!json_line)
        call_log(s, &je, NULL);
    journal_add_json(s->journal, &je, json_line ? &as_json : NULL);
    if (json_line)
        call_log(s, NULL, as_json);
    json_decref(as_json);
    g_free(resource);
    return rc == 0 ? 0 : -1;
}

/* ---- work due on the server clock, outside any request ---- */

static void collect_ns(ns *n, void *arg)
{
    if (n->svc->maintain)
        g_ptr_array_add(arg, n);
}

/* The due work of namespace n, by a call of its own. */
static void maintain_ns(server *s, ns *n)
{
    svc_rt *rt = registry_service(s, n->svc->name);
    if (!rt)
        return;
    char request_id[64];
    reqid_new(s, request_id, sizeof request_id);
    http_response resp;
    http_response_init(&resp);
    svc_park_state park = {0};
    /* SVC_SCOPE_GLOBAL namespaces have no account: work done there is the
     * default account's */
    svc_call c = {.srv = s,
                  .svc = rt->def,
                  .model = rt->model,
                  .account = *n->account ? n->account : ROUTE_DEFAULT_ACCOUNT,
                  .region = *n->region ? n->region : ROUTE_DEFAULT_REGION,
                  .access_key = "",
                  .request_id = request_id,
                  .req = &internal_request,
                  .state = n->state,
                  .now_ms = clock_now_ms(&s->clock),
                  .err = AWS_ERROR_INIT,
                  .resp = &resp,
                  .park = &park};
    run_due_work(rt, n, &c);
    aws_error_clear(&c.err);
    json_decref(c.output);
    g_free(c.resource);
    http_response_clear(&resp);
}

void call_run_due(server *s)
{
    g_rw_lock_reader_lock(&s->reset_lock);
    /* collected first: the work may call other services, which looks up
     * their namespaces in the table (namespaces stay while the reset lock
     * is held) */
    GPtrArray *due = g_ptr_array_new();
    ns_table_foreach(s->ns, collect_ns, due);
    for (guint i = 0; i < due->len; i++)
        maintain_ns(s, g_ptr_array_index(due, i));
    g_ptr_array_free(due, TRUE);
    g_rw_lock_reader_unlock(&s->reset_lock);
}
