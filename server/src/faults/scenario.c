#include "scenario.h"

#include <glib.h>
#include <string.h>

#include "core/fsref.h"
#include "core/snapshot.h"

struct scenario {
    char *name;
    json_t *fixtures; /* [{"doc", "base_dir"}] */
    json_t *faults;
    json_t *clock;
    json_t *settings;
    json_t *expect;
    char *snapshot; /* the snapshot to take once applied, or NULL */
};

/* caller: the service that made the request (an SNS or S3 delivery to SQS
 * is journaled as SQS's SendMessage with "caller": "sns" / "s3"), null for
 * a client's; account and region: the namespace it acted in (a delivery's
 * is the queue's). */
static const char *const filter_keys[] = {"service", "operation", "error",   "fault",  "status",
                                          "resource", "caller",   "account", "region", NULL};
static const char *const assert_keys[] = {"count", "invocations", "attempts_per_invocation", "sequence", NULL};

/* The filters that may be null: "nothing" (no error, no fault, a client's
 * request rather than a service's). */
static bool nullable(const char *k) { return !strcmp(k, "error") || !strcmp(k, "fault") || !strcmp(k, "caller"); }

static bool in_list(const char *k, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (strcmp(k, list[i]) == 0)
            return true;
    return false;
}

/* N or {"min": N, "max": M} */
static bool valid_range(json_t *v)
{
    if (json_is_integer(v))
        return json_integer_value(v) >= 0;
    if (!json_is_object(v) || json_object_size(v) == 0)
        return false;
    const char *k;
    json_t *x;
    json_object_foreach(v, k, x) if ((strcmp(k, "min") && strcmp(k, "max")) || !json_is_integer(x)) return false;
    return true;
}

static int check_expect(json_t *e, size_t i, char *err, size_t errlen)
{
    if (!json_is_object(e)) {
        g_snprintf(err, errlen, "expect[%zu] must be an object", i);
        return -1;
    }
    int asserts = 0;
    const char *k;
    json_t *v;
    json_object_foreach(e, k, v) {
        if (in_list(k, filter_keys)) {
            bool ok = strcmp(k, "status") == 0 ? json_is_integer(v)
                      : nullable(k) ? (json_is_string(v) || json_is_null(v))
                                    : json_is_string(v);
            if (!ok) {
                g_snprintf(err, errlen, "expect[%zu].%s has the wrong type", i, k);
                return -1;
            }
        } else if (in_list(k, assert_keys)) {
            asserts++;
            bool ok = strcmp(k, "sequence") == 0 ? json_is_array(v) && json_array_size(v) > 0 : valid_range(v);
            if (strcmp(k, "sequence") == 0) {
                size_t j;
                json_t *op;
                json_array_foreach(v, j, op) ok = ok && json_is_string(op);
            }
            if (!ok) {
                g_snprintf(err, errlen,
                           strcmp(k, "sequence") == 0
                               ? "expect[%zu].%s must be a non-empty list of operation names"
                               : "expect[%zu].%s must be a number or {\"min\": N, \"max\": M}",
                           i, k);
                return -1;
            }
        } else if (strcmp(k, "description") != 0) {
            g_snprintf(err, errlen,
                       "expect[%zu]: unknown field \"%s\" (filters: service, operation, error, fault, status, "
                       "resource, caller, account, region; assertions: count, invocations, "
                       "attempts_per_invocation, sequence)",
                       i, k);
            return -1;
        }
    }
    if (asserts != 1) {
        g_snprintf(err, errlen,
                   "expect[%zu] needs exactly one of count, invocations, attempts_per_invocation, sequence", i);
        return -1;
    }
    return 0;
}

/* {"doc", "base_dir"}; takes the reference to doc. A directory is whatever
 * bytes the file system has: kept as they are, never written out. */
static json_t *fixture_entry(json_t *doc, const char *base_dir)
{
    json_t *e = json_object();
    json_object_set_new(e, "doc", doc);
    json_object_set_new(e, "base_dir", base_dir ? json_stringn_nocheck(base_dir, strlen(base_dir)) : json_null());
    return e;
}

/* A fixture given inline or as a file inside base_dir (NULL: inline only). */
static int add_fixture(scenario *sc, json_t *f, const char *base_dir, char *err, size_t errlen)
{
    if (json_is_object(f)) {
        json_array_append_new(sc->fixtures, fixture_entry(json_incref(f), base_dir));
        return 0;
    }
    if (!json_is_string(f)) {
        g_snprintf(err, errlen, "\"fixtures\" entries must be objects or file paths");
        return -1;
    }
    char *data, *real = NULL, inner[512];
    size_t len;
    if (fsref_read(base_dir, json_string_value(f), FSREF_MAX_DOC, &data, &len, &real, inner, sizeof inner) != 0) {
        g_snprintf(err, errlen, "fixtures: %s", inner);
        return -1;
    }
    json_t *doc = fsref_parse_json(data, len, json_string_value(f), inner, sizeof inner);
    g_free(data);
    if (!doc) {
        g_snprintf(err, errlen, "fixtures %s", inner);
        g_free(real);
        return -1;
    }
    /* the files it names in turn lie beside it */
    char *dir = g_path_get_dirname(real);
    json_array_append_new(sc->fixtures, fixture_entry(doc, dir));
    g_free(dir);
    g_free(real);
    return 0;
}

scenario *scenario_parse(json_t *doc, const char *base_dir, char *err, size_t errlen)
{
    if (!json_is_object(doc)) {
        g_snprintf(err, errlen, "a scenario must be a JSON object");
        return NULL;
    }
    scenario *sc = g_new0(scenario, 1);
    sc->fixtures = json_array();
    const char *k;
    json_t *v;
    json_object_foreach(doc, k, v) {
        if (!strcmp(k, "name") || !strcmp(k, "description")) {
            if (!json_is_string(v)) {
                g_snprintf(err, errlen, "\"%s\" must be a string", k);
                goto fail;
            }
        } else if (!strcmp(k, "fixtures")) {
            if (json_is_array(v)) {
                size_t i;
                json_t *f;
                json_array_foreach(v, i, f) if (add_fixture(sc, f, base_dir, err, errlen) != 0) goto fail;
            } else if (add_fixture(sc, v, base_dir, err, errlen) != 0) {
                goto fail;
            }
        } else if (!strcmp(k, "faults")) {
            if (!json_is_array(v) && !json_is_object(v)) {
                g_snprintf(err, errlen, "\"faults\" must be a list of rules");
                goto fail;
            }
            sc->faults = json_incref(v);
        } else if (!strcmp(k, "clock")) {
            json_t *mode = json_object_get(v, "mode"), *adv = json_object_get(v, "advance_ms");
            const char *m = json_string_value(mode);
            if (!json_is_object(v) || (mode && (!m || (strcmp(m, "virtual") && strcmp(m, "real")))) ||
                (adv && (!json_is_integer(adv) || json_integer_value(adv) < 0)) ||
                json_object_size(v) != (size_t)(!!mode + !!adv)) {
                g_snprintf(err, errlen, "\"clock\" takes {\"mode\": \"virtual\"|\"real\", \"advance_ms\": N}");
                goto fail;
            }
            sc->clock = json_incref(v);
        } else if (!strcmp(k, "settings")) {
            /* its members are checked when applied, as a fixture's */
            if (!json_is_object(v)) {
                g_snprintf(err, errlen, "\"settings\" must be an object");
                goto fail;
            }
            sc->settings = json_incref(v);
        } else if (!strcmp(k, "snapshot")) {
            if (!snapshot_name_ok(json_string_value(v))) {
                g_snprintf(err, errlen, "\"snapshot\" must be a snapshot name: 1 to 64 characters of A-Z, a-z, 0-9, "
                                        "'.', '_' and '-'");
                goto fail;
            }
            sc->snapshot = g_strdup(json_string_value(v));
        } else if (!strcmp(k, "expect")) {
            if (!json_is_array(v)) {
                g_snprintf(err, errlen, "\"expect\" must be a list");
                goto fail;
            }
            size_t i;
            json_t *e;
            json_array_foreach(v, i, e) if (check_expect(e, i, err, errlen) != 0) goto fail;
            sc->expect = json_incref(v);
        } else {
            g_snprintf(err, errlen,
                       "unknown field \"%s\" in a scenario (takes name, description, fixtures, faults, clock, "
                       "snapshot, expect)",
                       k);
            goto fail;
        }
    }
    const char *name = json_string_value(json_object_get(doc, "name"));
    sc->name = g_strdup(name ? name : "unnamed scenario");
    return sc;
fail:
    scenario_free(sc);
    return NULL;
}

scenario *scenario_load_file(const char *path, char *err, size_t errlen)
{
    char *data, inner[512];
    size_t len;
    if (fsref_read_path(path, FSREF_MAX_DOC, &data, &len, inner, sizeof inner) != 0) {
        g_snprintf(err, errlen, "%s", inner);
        return NULL;
    }
    json_t *doc = fsref_parse_json(data, len, path, inner, sizeof inner);
    g_free(data);
    if (!doc) {
        g_snprintf(err, errlen, "%s", inner);
        return NULL;
    }
    char *dir = g_path_get_dirname(path);
    scenario *sc = scenario_parse(doc, dir, inner, sizeof inner);
    if (!sc)
        g_snprintf(err, errlen, "%s: %s", path, inner);
    g_free(dir);
    json_decref(doc);
    return sc;
}

void scenario_free(scenario *sc)
{
    if (!sc)
        return;
    g_free(sc->name);
    json_decref(sc->fixtures);
    json_decref(sc->faults);
    json_decref(sc->clock);
    json_decref(sc->settings);
    json_decref(sc->expect);
    g_free(sc->snapshot);
    g_free(sc);
}

const char *scenario_name(const scenario *sc) { return sc->name; }
json_t *scenario_fixtures(const scenario *sc) { return sc->fixtures; }
json_t *scenario_faults(const scenario *sc) { return sc->faults; }
json_t *scenario_clock(const scenario *sc) { return sc->clock; }
json_t *scenario_settings(const scenario *sc) { return sc->settings; }
const char *scenario_snapshot(const scenario *sc) { return sc->snapshot; }

static bool entry_matches(json_t *e, json_t *expect)
{
    for (size_t i = 0; filter_keys[i]; i++) {
        json_t *want = json_object_get(expect, filter_keys[i]);
        if (!want)
            continue;
        json_t *have = json_object_get(e, filter_keys[i]);
        /* an entry leaves out a member it has no value for (caller) */
        if (json_is_null(want) ? have && !json_is_null(have) : !json_equal(want, have))
            return false;
    }
    return true;
}

static bool in_range(json_t *range, json_int_t n)
{
    if (json_is_integer(range))
        return n == json_integer_value(range);
    json_t *min = json_object_get(range, "min"), *max = json_object_get(range, "max");
    return (!min || n >= json_integer_value(min)) && (!max || n <= json_integer_value(max));
}

static char *range_text(json_t *range)
{
    if (json_is_integer(range))
        return g_strdup_printf("%" JSON_INTEGER_FORMAT, json_integer_value(range));
    json_t *min = json_object_get(range, "min"), *max = json_object_get(range, "max");
    if (min && max)
        return g_strdup_printf("%" JSON_INTEGER_FORMAT "..%" JSON_INTEGER_FORMAT, json_integer_value(min),
                               json_integer_value(max));
    return min ? g_strdup_printf("at least %" JSON_INTEGER_FORMAT, json_integer_value(min))
               : g_strdup_printf("at most %" JSON_INTEGER_FORMAT, json_integer_value(max));
}

/* Attempts per invocation, in order of first appearance. Entries without an
 * invocation id are invocations of their own. */
static json_t *invocations(json_t *matching)
{
    json_t *order = json_array();
    json_t *counts = json_object();
    size_t i;
    json_t *e;
    json_array_foreach(matching, i, e) {
        const char *id = json_string_value(json_object_get(e, "invocation_id"));
        char own[32];
        if (!id) {
            g_snprintf(own, sizeof own, "#seq%" JSON_INTEGER_FORMAT, json_integer_value(json_object_get(e, "seq")));
            id = own;
        }
        json_t *c = json_object_get(counts, id);
        if (!c) {
            json_array_append_new(order, json_string(id));
            json_object_set_new(counts, id, json_integer(1));
        } else {
            json_integer_set(c, json_integer_value(c) + 1);
        }
    }
    json_t *out = json_array();
    json_array_foreach(order, i, e) json_array_append(out, json_object_get(counts, json_string_value(e)));
    json_decref(order);
    json_decref(counts);
    return out;
}

static json_t *verify_one(json_t *expect, json_t *entries)
{
    json_t *matching = json_array();
    size_t i;
    json_t *e;
    json_array_foreach(entries, i, e) if (entry_matches(e, expect)) json_array_append(matching, e);

    bool passed;
    json_t *actual;
    char *message = NULL;
    json_t *v;
    if ((v = json_object_get(expect, "count"))) {
        json_int_t n = (json_int_t)json_array_size(matching);
        passed = in_range(v, n);
        actual = json_integer(n);
        char *want = range_text(v);
        message = g_strdup_printf("expected %s matching requests, the journal has %" JSON_INTEGER_FORMAT, want, n);
        g_free(want);
    } else if ((v = json_object_get(expect, "invocations"))) {
        json_t *inv = invocations(matching);
        json_int_t n = (json_int_t)json_array_size(inv);
        json_decref(inv);
        passed = in_range(v, n);
        actual = json_integer(n);
        char *want = range_text(v);
        message = g_strdup_printf("expected %s invocations, the journal has %" JSON_INTEGER_FORMAT, want, n);
        g_free(want);
    } else if ((v = json_object_get(expect, "attempts_per_invocation"))) {
        actual = invocations(matching);
        passed = json_array_size(actual) > 0;
        json_t *a;
        json_array_foreach(actual, i, a) passed = passed && in_range(v, json_integer_value(a));
        char *want = range_text(v);
        char *got = json_dumps(actual, JSON_COMPACT);
        message = json_array_size(actual)
                      ? g_strdup_printf("expected %s attempts per invocation, the invocations made %s", want, got)
                      : g_strdup_printf("expected %s attempts per invocation, but no request matched", want);
        free(got);
        g_free(want);
    } else {
        v = json_object_get(expect, "sequence");
        actual = json_array();
        json_array_foreach(matching, i, e) if (json_array_size(actual) < 100) json_array_append(
            actual, json_object_get(e, "operation"));
        size_t want = 0;
        json_array_foreach(matching, i, e) {
            if (want < json_array_size(v) &&
                json_equal(json_object_get(e, "operation"), json_array_get(v, want)))
                want++;
        }
        passed = want == json_array_size(v);
        char *seq = json_dumps(v, JSON_COMPACT), *got = json_dumps(actual, JSON_COMPACT);
        message = g_strdup_printf("expected the operations %s in that order, the journal has %s", seq, got);
        free(seq);
        free(got);
    }
    json_decref(matching);
    json_t *r = json_pack("{s:O, s:b, s:o, s:s}", "expect", expect, "passed", passed, "actual", actual, "message",
                          message);
    g_free(message);
    return r;
}

json_t *scenario_verify(const scenario *sc, json_t *entries)
{
    json_t *results = json_array();
    bool all = true;
    size_t i;
    json_t *e;
    json_array_foreach(sc->expect, i, e) {
        json_t *r = verify_one(e, entries);
        all = all && json_is_true(json_object_get(r, "passed"));
        json_array_append_new(results, r);
    }
    return json_pack("{s:s, s:b, s:o}", "name", sc->name, "passed", all, "results", results);
}

char *scenario_report_text(json_t *report)
{
    GString *out = g_string_new(NULL);
    json_t *results = json_object_get(report, "results");
    size_t failed = 0, i;
    json_t *r;
    json_array_foreach(results, i, r) {
        if (json_is_true(json_object_get(r, "passed")))
            continue;
        failed++;
        char *exp = json_dumps(json_object_get(r, "expect"), JSON_COMPACT);
        g_string_append_printf(out, "FAILED %s\n       %s\n", exp, json_string_value(json_object_get(r, "message")));
        free(exp);
    }
    char *head = g_strdup_printf("scenario '%s': %zu of %zu expectations met\n",
                                 json_string_value(json_object_get(report, "name")), json_array_size(results) - failed,
                                 json_array_size(results));
    g_string_prepend(out, head);
    g_free(head);
    return g_string_free(out, FALSE);
}
