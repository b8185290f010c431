/* api: the calls of mockaws.h, each a thin door into the module that
 * does the work. */
#include "core/api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/call.h"
#include "core/capture.h"
#include "core/control.h"
#include "core/edge.h"
#include "core/fixtures.h"
#include "core/jtext.h"
#include "core/persist.h"
#include "core/pipeline.h"
#include "core/registry.h"
#include "core/server.h"
#include "core/snapshot.h"

#ifndef MOCKAWS_VERSION
#define MOCKAWS_VERSION "0.0.0"
#endif

/* Stops the edge first: no request runs while the rest is released, nor
 * while the state is saved (save: a server that started, never one whose
 * start failed, which would write its empty state over the saved one). */
static void stop(server *s, bool save)
{
    edge_stop(s);
    if (save && s->persist) {
        char err[800];
        uint64_t bytes;
        gint64 t0 = g_get_monotonic_time();
        if (persist_save(s->persist, s, &bytes, err, sizeof err) != 0)
            server_log(s, MOCKAWS_LOG_ERROR, "state: not saved: %s", err);
        else
            server_log(s, MOCKAWS_LOG_INFO, "state: saved %s (%" G_GUINT64_FORMAT " bytes written, %.0f ms)",
                       persist_state_path(s->persist), bytes, (double)(g_get_monotonic_time() - t0) / 1000.0);
    }
    persist_free(s->persist);
    registry_free(s);
    snapshot_store_free(s->snapshots);
    server_free(s);
}

/* --state-dir: the saved state, which wins over fixtures. 1 loaded, 0 none
 * saved (or no state dir), -1 refused. */
static int load_state(server *s, const mockaws_options *opts, char *err, size_t errlen)
{
    if (!opts->state_dir || !*opts->state_dir)
        return 0;
    if (!(s->persist = persist_open(opts->state_dir, err, errlen)))
        return -1;
    int rc = persist_load(s->persist, s, err, errlen);
    bool fixtures = opts->fixtures && *opts->fixtures;
    if (rc > 0)
        server_log(s, MOCKAWS_LOG_INFO, "state: loaded %s%s", persist_state_path(s->persist),
                   fixtures ? " (the saved state wins: fixtures are loaded only when there is none)" : "");
    else if (rc == 0)
        server_log(s, MOCKAWS_LOG_INFO, "state: none saved in %s yet%s", opts->state_dir,
                   fixtures ? ": loading the fixtures" : "");
    return rc;
}

mockaws *mockaws_start(const mockaws_options *opts, char *err, size_t errlen)
{
    return api_start_with(opts, services_all, err, errlen);
}

mockaws *api_start_with(const mockaws_options *opts, const svc_def *const *services, char *err, size_t errlen)
{
    static const mockaws_options defaults = {0};
    char dummy[8];
    if (!err) {
        err = dummy;
        errlen = sizeof dummy;
    }
    if (!opts)
        opts = &defaults;
    if (opts->capture_bodies > CAPTURE_MAX_BODIES) {
        snprintf(err, errlen, "capture_bodies is at most %u bytes", CAPTURE_MAX_BODIES);
        return NULL;
    }
    server *s = server_new(opts, services);
    s->snapshots = snapshot_store_new();
    edge_init(s, opts);
    if (opts->fixtures_dir && *opts->fixtures_dir && fixtures_set_dir(s, opts->fixtures_dir, err, errlen) != 0)
        goto fail;

    if (registry_load(s, err, errlen) != 0)
        goto fail;
    const char *names[33] = {0};
    GPtrArray *partial = g_ptr_array_new(); /* every service's partial actions, each once */
    for (size_t i = 0; i < s->nsvcs && i < 32; i++) {
        names[i] = s->svcs[i].def->name;
        for (const char *const *a = s->svcs[i].def->partial_actions; a && *a; a++)
            if (!g_ptr_array_find_with_equal_func(partial, *a, g_str_equal, NULL))
                g_ptr_array_add(partial, (gpointer)*a);
    }
    g_ptr_array_add(partial, NULL);
    s->faults = fault_set_new(opts->seed, names, (const char *const *)partial->pdata, registry_code_known, s);
    g_ptr_array_free(partial, TRUE);
    int state = load_state(s, opts, err, errlen);
    if (state < 0)
        goto fail;
    for (const char *const *f = opts->fixtures; state == 0 && f && *f; f++)
        if (fixtures_load_file(s, *f, true, err, errlen) != 0)
            goto fail;
    if (edge_start(s, opts->port, err, errlen) != 0)
        goto fail;
    return s;
fail:
    stop(s, false);
    return NULL;
}

unsigned mockaws_port(const mockaws *m) { return m ? m->port : 0; }
const char *mockaws_endpoint(const mockaws *m) { return m ? m->endpoint : ""; }

void mockaws_stop(mockaws *m)
{
    if (m)
        stop(m, true);
}

int mockaws_load_fixtures_json(mockaws *m, const char *text, char *err, size_t errlen)
{
    char dummy[8];
    if (!err) {
        err = dummy;
        errlen = sizeof dummy;
    }
    json_error_t je;
    json_t *doc = json_loads(text ? text : "", 0, &je);
    if (!doc) {
        g_snprintf(err, errlen, "fixtures: line %d: %s", je.line, je.text);
        return -1;
    }
    /* The C caller is trusted, but the document may come from anywhere:
     * the files it names lie in the fixtures directory, or else in the
     * current one. */
    int rc = fixtures_load(m, doc, m->fixtures_dir ? m->fixtures_dir : ".", err, errlen);
    json_decref(doc);
    return rc;
}

int mockaws_load_fixtures_file(mockaws *m, const char *path, char *err, size_t errlen)
{
    char dummy[8];
    if (!err) {
        err = dummy;
        errlen = sizeof dummy;
    }
    return fixtures_load_file(m, path, false, err, errlen);
}

static char *dump_and_free(json_t *v)
{
    char *t = jtext_dumps(v, JSON_COMPACT);
    json_decref(v);
    char *out = g_strdup(t);
    free(t);
    return out;
}

char *mockaws_state_json(mockaws *m) { return dump_and_free(fixtures_dump(m)); }

int mockaws_state_save(mockaws *m, char *err, size_t errlen)
{
    char dummy[8];
    uint64_t bytes;
    if (!err) {
        err = dummy;
        errlen = sizeof dummy;
    }
    if (!m->persist) {
        g_snprintf(err, errlen, "this server keeps no state: start it with a state directory (--state-dir DIR, "
                                "mockaws_options.state_dir)");
        return -1;
    }
    return persist_save(m->persist, m, &bytes, err, errlen);
}
void mockaws_reset(mockaws *m) { fixtures_reset(m); }

/* Points a NULL err at scratch room, as the C API lets callers pass none. */
#define ERR_OR_SCRATCH(err, errlen, scratch)                                                                   \
    do {                                                                                                       \
        if (!(err)) {                                                                                          \
            (err) = (scratch);                                                                                 \
            (errlen) = sizeof(scratch);                                                                        \
        }                                                                                                      \
    } while (0)

int mockaws_snapshot(mockaws *m, const char *name, char *err, size_t errlen)
{
    char scratch[8];
    ERR_OR_SCRATCH(err, errlen, scratch);
    return snapshot_take(m, name, false, NULL, err, errlen);
}

int mockaws_restore(mockaws *m, const char *name, char *err, size_t errlen)
{
    char scratch[8];
    ERR_OR_SCRATCH(err, errlen, scratch);
    return snapshot_restore(m, name, err, errlen);
}

int mockaws_snapshot_delete(mockaws *m, const char *name, char *err, size_t errlen)
{
    char scratch[8];
    ERR_OR_SCRATCH(err, errlen, scratch);
    return snapshot_delete(m, name, err, errlen);
}

char *mockaws_journal_json(mockaws *m, const char *filter_json)
{
    journal_filter f = {0};
    json_t *fj = filter_json ? json_loads(filter_json, 0, NULL) : NULL;
    if (fj) {
        f.service = json_string_value(json_object_get(fj, "service"));
        f.operation = json_string_value(json_object_get(fj, "operation"));
        f.error = json_string_value(json_object_get(fj, "error"));
        f.since = (uint64_t)json_integer_value(json_object_get(fj, "since"));
        f.limit = (size_t)json_integer_value(json_object_get(fj, "limit"));
    }
    char *out = dump_and_free(journal_query(m->journal, &f));
    json_decref(fj);
    return out;
}

size_t mockaws_journal_count(mockaws *m, const char *service, const char *operation, const char *error)
{
    journal_filter f = {.service = service, .operation = operation, .error = error};
    return journal_count(m->journal, &f);
}

void mockaws_journal_clear(mockaws *m) { journal_clear(m->journal); }

int mockaws_clock_virtual(mockaws *m, int on)
{
    clock_set_virtual(&m->clock, on != 0);
    return 0;
}

void mockaws_clock_advance(mockaws *m, uint64_t ms)
{
    clock_advance(&m->clock, (int64_t)ms);
    call_run_due(m);
}
int64_t mockaws_clock_now_ms(mockaws *m) { return clock_now_ms(&m->clock); }

int mockaws_control(mockaws *m, const char *method, const char *path, const char *body, char **out)
{
    char *full = g_str_has_prefix(path, "/") ? g_strdup(path) : g_strconcat("/_mockaws/", path, NULL);
    char *q = strchr(full, '?');
    if (q)
        *q++ = '\0';
    http_request req = {
        .method = method,
        .path = full,
        .query = q ? q : "",
        .host = "",
        .body = body ? body : "",
        .body_len = body ? strlen(body) : 0,
    };
    http_response resp;
    http_response_init(&resp);
    if (control_matches(req.path)) {
        /* the C caller: no HTTP door to guard (control_dispatch) */
        control_dispatch(m, &req, &resp);
    } else {
        pipeline_outcome oc;
        pipeline_handle(m, &req, 0, false, &resp, &oc);
    }
    int status = resp.status;
    if (out) {
        size_t len;
        const char *b = http_response_body(&resp, &len);
        *out = g_strndup(b, len);
    }
    http_response_clear(&resp);
    g_free(full);
    return status;
}

int mockaws_faults_add(mockaws *m, const char *rules_json, char **ids_json, char *err, size_t errlen)
{
    char dummy[8];
    if (!err) {
        err = dummy;
        errlen = sizeof dummy;
    }
    json_error_t je;
    json_t *rules = json_loads(rules_json ? rules_json : "", 0, &je);
    if (!rules) {
        g_snprintf(err, errlen, "fault rules: line %d: %s", je.line, je.text);
        return -1;
    }
    json_t *ids = NULL;
    int rc = fault_set_add(m->faults, rules, clock_now_ms(&m->clock), &ids, err, errlen);
    json_decref(rules);
    if (rc == 0 && ids_json)
        *ids_json = dump_and_free(json_incref(ids));
    json_decref(ids);
    return rc;
}

int mockaws_faults_remove(mockaws *m, const char *id) { return fault_set_remove(m->faults, id); }
void mockaws_faults_clear(mockaws *m) { fault_set_clear(m->faults); }
char *mockaws_faults_json(mockaws *m) { return dump_and_free(fault_set_json(m->faults)); }

int mockaws_scenario_load_file(mockaws *m, const char *path, char *err, size_t errlen)
{
    char dummy[8];
    if (!err) {
        err = dummy;
        errlen = sizeof dummy;
    }
    scenario *sc = scenario_load_file(path, err, errlen);
    return sc ? fixtures_apply_scenario(m, sc, err, errlen) : -1;
}

int mockaws_scenario_verify(mockaws *m, char **report_json)
{
    json_t *report = fixtures_verify_scenario(m);
    if (!report)
        return -1;
    int passed = json_is_true(json_object_get(report, "passed"));
    if (report_json)
        *report_json = dump_and_free(json_incref(report));
    json_decref(report);
    return passed;
}

char *mockaws_scenario_report_text(const char *report_json)
{
    json_t *report = json_loads(report_json ? report_json : "", 0, NULL);
    if (!report)
        return g_strdup("not a scenario report\n");
    char *text = scenario_report_text(report);
    json_decref(report);
    return text;
}

void mockaws_free(void *p) { g_free(p); }
const char *mockaws_version(void) { return MOCKAWS_VERSION; }
