/* fixtures: a server's state as a document (load, dump, reset), the
 * fixture check every document entry passes, and scenarios (fixtures,
 * faults and clock applied together, verified against the journal). */
#include "core/fixtures.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/decisions.h"
#include "core/fsref.h"
#include "core/jtext.h"
#include "core/registry.h"
#include "core/server.h"
#include "core/snapshot.h"

static int load_doc(server *s, json_t *doc, const char *base_dir, char *err, size_t errlen);

/* State goes; configuration stays: the flags and options (which the
 * services' config objects and the server hold, and reset leaves alone),
 * a fixture's "settings", and the settings members of the service sections
 * of the fixtures given at start, loaded again into the fresh namespaces. */
void fixtures_reset(server *s)
{
    g_rw_lock_writer_lock(&s->reset_lock);
    ns_table_reset(s->ns);
    fault_set_clear(s->faults);
    g_mutex_lock(&s->cred_lock);
    g_hash_table_remove_all(s->creds);
    g_mutex_unlock(&s->cred_lock);
    journal_clear(s->journal);
    decisions_forget(s->decisions);
    char err[512];
    size_t i;
    json_t *doc;
    json_array_foreach(s->kept_settings, i, doc) {
        /* they loaded at start, so they load again; a failure would be a bug */
        if (load_doc(s, doc, NULL, err, sizeof err) != 0)
            server_log(s, MOCKAWS_LOG_ERROR, "reset: the startup fixtures' settings did not load again: %s", err);
    }
    g_rw_lock_writer_unlock(&s->reset_lock);
}

/* doc with only what configures: account, region, "settings", the
 * svc_def.fixture_settings members of each service section; the same
 * shape for each of "namespaces". */
static json_t *settings_of(server *s, json_t *doc)
{
    if (json_is_array(doc)) {
        json_t *list = json_array();
        size_t i;
        json_t *one;
        json_array_foreach(doc, i, one) json_array_append_new(list, settings_of(s, one));
        return list;
    }
    json_t *out = json_object();
    const char *key;
    json_t *v;
    json_object_foreach(doc, key, v) {
        svc_rt *rt = registry_service(s, key);
        if (!strcmp(key, "account") || !strcmp(key, "region") || !strcmp(key, "settings")) {
            json_object_set(out, key, v);
        } else if (!strcmp(key, "namespaces")) {
            json_object_set_new(out, key, settings_of(s, v));
        } else if (rt && rt->def->fixture_settings && json_is_object(v)) {
            json_t *section = json_object();
            for (const char *const *k = rt->def->fixture_settings; *k; k++)
                if (json_object_get(v, *k))
                    json_object_set(section, *k, json_object_get(v, *k));
            if (json_object_size(section))
                json_object_set(out, key, section);
            json_decref(section);
        }
    }
    return out;
}

void fixtures_keep_settings(server *s, json_t *doc)
{
    json_t *kept = settings_of(s, doc);
    /* a scenario may come while requests run, or a reset */
    g_rw_lock_writer_lock(&s->reset_lock);
    if (!s->kept_settings)
        s->kept_settings = json_array();
    json_array_append_new(s->kept_settings, kept);
    g_rw_lock_writer_unlock(&s->reset_lock);
}

/* A document's "settings": the server's own, configuration rather than
 * state (README "Coming from moto"). All are checked before any applies. */
static int load_settings(server *s, json_t *settings, char *err, size_t errlen)
{
    if (!json_is_object(settings)) {
        g_snprintf(err, errlen, "\"settings\" must be an object");
        return -1;
    }
    const char *key;
    json_t *v;
    json_object_foreach(settings, key, v) {
        const char *mode = json_string_value(v);
        if (strcmp(key, "transitions") != 0) {
            g_snprintf(err, errlen, "settings: unknown setting \"%s\" (known: transitions)", key);
            return -1;
        }
        if (!mode || (strcmp(mode, "realistic") != 0 && strcmp(mode, "instant") != 0)) {
            g_snprintf(err, errlen, "settings: \"transitions\" must be \"realistic\" or \"instant\"");
            return -1;
        }
    }
    const char *mode = json_string_value(json_object_get(settings, "transitions"));
    if (mode)
        g_atomic_int_set(&s->transitions,
                         strcmp(mode, "instant") == 0 ? MOCKAWS_TRANSITIONS_INSTANT : MOCKAWS_TRANSITIONS_REALISTIC);
    return 0;
}

static bool valid_account(const char *a)
{
    if (strlen(a) != 12)
        return false;
    for (const char *p = a; *p; p++)
        if (!g_ascii_isdigit(*p))
            return false;
    return true;
}

static int fixture_check_input(const svc_fixture_ctx *ctx, const char *op, json_t *value, char *err,
                               size_t errlen)
{
    svc_rt *rt = ctx->core;
    const mshape *shape = mop_input(model_find_op(rt->model, op));
    violation v[8];
    size_t n = shape ? validator_check(rt->validator, shape, value, v, G_N_ELEMENTS(v)) : 0;
    if (n == 0)
        return 0;
    GString *msg = g_string_new(NULL);
    validate_coral_message(msg, v, n);
    g_strlcpy(err, msg->str, errlen);
    g_string_free(msg, TRUE);
    return -1;
}

/* One namespace document: {"account", "region", "<service>": {...}, ...} */
static int load_one(server *s, json_t *doc, const char *base_dir, char *err, size_t errlen)
{
    if (!json_is_object(doc)) {
        g_snprintf(err, errlen, "a fixture document must be a JSON object");
        return -1;
    }
    json_t *acc = json_object_get(doc, "account"), *reg = json_object_get(doc, "region");
    if ((acc && !json_is_string(acc)) || (reg && !json_is_string(reg))) {
        g_snprintf(err, errlen, "\"account\" and \"region\" must be strings");
        return -1;
    }
    const char *account = acc ? json_string_value(acc) : "123456789012";
    const char *region = reg ? json_string_value(reg) : "us-east-1";
    if (!valid_account(account)) {
        g_snprintf(err, errlen, "account must be 12 digits, got '%s'", account);
        return -1;
    }
    const char *key;
    json_t *section;
    json_object_foreach(doc, key, section) {
        if (!strcmp(key, "account") || !strcmp(key, "region") || !strcmp(key, "namespaces") ||
            !strcmp(key, "description") || !strcmp(key, "name"))
            continue;
        if (!strcmp(key, "settings")) {
            if (load_settings(s, section, err, errlen) != 0)
                return -1;
            continue;
        }
        if (!strcmp(key, "faults")) {
            json_t *ids = NULL;
            char ferr[400];
            if (fault_set_add(s->faults, section, clock_now_ms(&s->clock), &ids, ferr, sizeof ferr) != 0) {
                g_snprintf(err, errlen, "faults: %s", ferr);
                return -1;
            }
            json_decref(ids);
            continue;
        }
        svc_rt *rt = registry_service(s, key);
        if (!rt) {
            g_snprintf(err, errlen, "unknown fixture section \"%s\"", key);
            return -1;
        }
        if (!rt->def->state_load) {
            g_snprintf(err, errlen, "%s takes no fixtures", key);
            return -1;
        }
        ns *n = ns_get(s->ns, rt->def, account, region);
        svc_fixture_ctx ctx = {account, region, base_dir, clock_now_ms(&s->clock), fixture_check_input, rt, s};
        char serr[400];
        g_rw_lock_writer_lock(&n->lock);
        int rc = rt->def->state_load(n->state, section, &ctx, serr, sizeof serr);
        decisions_forget(s->decisions); /* users, keys, policies may have come */
        g_rw_lock_writer_unlock(&n->lock);
        if (rc != 0) {
            g_snprintf(err, errlen, "%s: %s", key, serr);
            return -1;
        }
    }
    return 0;
}

int fixtures_load(server *s, json_t *doc, const char *base_dir, char *err, size_t errlen)
{
    g_rw_lock_reader_lock(&s->reset_lock);
    int rc = load_doc(s, doc, base_dir, err, errlen);
    g_rw_lock_reader_unlock(&s->reset_lock);
    return rc;
}

/* fixtures_load under the caller's hold of reset_lock. */
static int load_doc(server *s, json_t *doc, const char *base_dir, char *err, size_t errlen)
{
    jtext_restore(doc);
    int rc = 0;
    json_t *list = json_object_get(doc, "namespaces");
    if (json_is_array(doc))
        list = doc;
    if (list) {
        if (!json_is_array(list)) {
            g_snprintf(err, errlen, "\"namespaces\" must be a list");
            rc = -1;
        }
        size_t i;
        json_t *one;
        json_array_foreach(list, i, one) if (rc == 0) rc = load_one(s, one, base_dir, err, errlen);
    }
    if (rc == 0 && json_is_object(doc))
        rc = load_one(s, doc, base_dir, err, errlen);
    return rc;
}

typedef struct dump_arg {
    json_t *list;
    const svc_dump_ctx *ctx;
} dump_arg;

static void dump_ns(ns *n, void *arg)
{
    json_t *list = ((dump_arg *)arg)->list;
    if (!n->svc->state_dump)
        return;
    g_rw_lock_reader_lock(&n->lock);
    /* Whatever bytes a service kept, the section is written as JSON can
     * carry it (core/jtext.h); a copy where needed, never the live state. */
    json_t *section = jtext_safe(n->svc->state_dump(n->state, ((dump_arg *)arg)->ctx));
    g_rw_lock_reader_unlock(&n->lock);
    if (!section)
        return;
    const char *account = n->account[0] ? n->account : "123456789012";
    const char *region = n->region[0] ? n->region : "us-east-1";
    /* Sections of one account and region share a document. A region comes
     * from the credential scope, so it may be any bytes: it is written by
     * the same rule, and compared with its exact bytes. */
    json_t *where = json_object();
    jtext_set(where, "account", account, strlen(account));
    jtext_set(where, "region", region, strlen(region));
    static const char *const keys[] = {"account", "account_base64", "region", "region_base64"};
    size_t i;
    json_t *doc;
    json_array_foreach(list, i, doc) {
        bool same = true;
        for (size_t k = 0; k < G_N_ELEMENTS(keys) && same; k++) {
            json_t *a = json_object_get(doc, keys[k]), *b = json_object_get(where, keys[k]);
            same = (!a && !b) || (a && b && json_equal(a, b));
        }
        if (same) {
            json_object_set_new(doc, n->svc->name, section);
            json_decref(where);
            return;
        }
    }
    json_object_set_new(where, n->svc->name, section);
    json_array_append_new(list, where);
}

json_t *fixtures_dump(server *s)
{
    g_rw_lock_reader_lock(&s->reset_lock);
    json_t *doc = fixtures_dump_with(s, NULL);
    g_rw_lock_reader_unlock(&s->reset_lock);
    return doc;
}

json_t *fixtures_dump_with(server *s, const svc_dump_ctx *ctx)
{
    dump_arg a = {json_array(), ctx};
    ns_table_foreach(s->ns, dump_ns, &a);
    return json_pack("{s:o}", "namespaces", a.list);
}

int fixtures_apply_scenario(server *s, scenario *sc, char *err, size_t errlen)
{
    size_t i;
    json_t *f;
    char inner[512];
    json_array_foreach(scenario_fixtures(sc), i, f) {
        if (fixtures_load(s, json_object_get(f, "doc"), json_string_value(json_object_get(f, "base_dir")),
                              inner, sizeof inner) != 0) {
            g_snprintf(err, errlen, "scenario '%s': fixtures: %s", scenario_name(sc), inner);
            scenario_free(sc);
            return -1;
        }
    }
    if (scenario_faults(sc)) {
        json_t *ids = NULL;
        if (fault_set_add(s->faults, scenario_faults(sc), clock_now_ms(&s->clock), &ids, inner, sizeof inner) != 0) {
            g_snprintf(err, errlen, "scenario '%s': faults: %s", scenario_name(sc), inner);
            scenario_free(sc);
            return -1;
        }
        json_decref(ids);
    }
    if (scenario_settings(sc)) {
        /* configuration, as a startup fixture's: a reset keeps it */
        json_t *doc = json_pack("{s:O}", "settings", scenario_settings(sc));
        int rc = fixtures_load(s, doc, NULL, inner, sizeof inner);
        if (rc == 0)
            fixtures_keep_settings(s, doc);
        json_decref(doc);
        if (rc != 0) {
            g_snprintf(err, errlen, "scenario '%s': settings: %s", scenario_name(sc), inner);
            scenario_free(sc);
            return -1;
        }
    }
    json_t *clock = scenario_clock(sc);
    const char *mode = json_string_value(json_object_get(clock, "mode"));
    if (mode)
        clock_set_virtual(&s->clock, strcmp(mode, "virtual") == 0);
    if (json_object_get(clock, "advance_ms"))
        clock_advance(&s->clock, json_integer_value(json_object_get(clock, "advance_ms")));
    if (scenario_snapshot(sc) && snapshot_take(s, scenario_snapshot(sc), false, NULL, inner, sizeof inner) != 0) {
        g_snprintf(err, errlen, "scenario '%s': snapshot: %s", scenario_name(sc), inner);
        scenario_free(sc);
        return -1;
    }
    g_mutex_lock(&s->scenario_lock);
    scenario_free(s->scenario);
    s->scenario = sc;
    g_mutex_unlock(&s->scenario_lock);
    return 0;
}

json_t *fixtures_verify_scenario(server *s)
{
    json_t *report = NULL;
    g_mutex_lock(&s->scenario_lock);
    if (s->scenario) {
        json_t *all = journal_query(s->journal, NULL);
        report = scenario_verify(s->scenario, json_object_get(all, "entries"));
        json_decref(all);
    }
    g_mutex_unlock(&s->scenario_lock);
    return report;
}

/* A fixture file the command line or the C API names: any path, but a
 * regular file of bounded size; the files it names lie beside it. */
int fixtures_load_file(server *s, const char *path, bool startup, char *err, size_t errlen)
{
    char *data, serr[512];
    size_t len;
    if (fsref_read_path(path, FSREF_MAX_DOC, &data, &len, err, errlen) != 0)
        return -1;
    json_t *doc = fsref_parse_json(data, len, path, err, errlen);
    g_free(data);
    if (!doc)
        return -1;
    char *dir = g_path_get_dirname(path);
    int rc = fixtures_load(s, doc, dir, serr, sizeof serr);
    if (rc != 0)
        g_snprintf(err, errlen, "%s: %s", path, serr);
    else if (startup)
        fixtures_keep_settings(s, doc);
    g_free(dir);
    json_decref(doc);
    return rc;
}


int fixtures_set_dir(server *s, const char *dir, char *err, size_t errlen)
{
    struct stat st;
    s->fixtures_dir = realpath(dir, NULL);
    if (!s->fixtures_dir || stat(s->fixtures_dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        g_snprintf(err, errlen, "fixtures directory %s: %s", dir,
                   s->fixtures_dir ? "not a directory" : g_strerror(errno));
        return -1;
    }
    return 0;
}
