/* scenario: a scripted test of a client's behaviour: fixtures to start from,
 * fault rules to apply, clock settings, and expectations on the journal
 * ("GetObject was retried 3 times, then succeeded").
 *
 *   {"name": ..., "description": ...,
 *    "fixtures": {...} | "path.json" | [...],   paths relative to the file, and
 *                                               inside its directory (core/fsref.h)
 *    "faults": [rule, ...],
 *    "clock": {"mode": "virtual"|"real", "advance_ms": N},
 *    "settings": {"transitions": "instant"},    the server's settings, as a fixture's
 *                                               "settings" (kept across resets)
 *    "snapshot": "name",                        taken once the above are applied
 *                                               (core/snapshot.h), to come back to
 *    "expect": [expectation, ...]}
 *
 * An expectation filters journal entries (service, operation, error (null =
 * succeeded), fault (null = none fired), status, resource) and asserts one of:
 *   "count": N | {"min": N, "max": M}            entries that match
 *   "invocations": N | {...}                      distinct SDK invocations
 *   "attempts_per_invocation": N | {...}          every invocation's attempts
 *   "sequence": ["OpA", "OpB", ...]               operations in this order
 *                                                 (a subsequence of the journal) */
#ifndef MOCKAWS_FAULTS_SCENARIO_H
#define MOCKAWS_FAULTS_SCENARIO_H

#include <jansson.h>
#include <stdbool.h>

typedef struct scenario scenario;

/* Parses and checks the document's shape (not yet its fixtures or rules:
 * those are checked when applied). Fixture files it names are read from
 * inside base_dir; base_dir NULL: it may name none (a scenario posted to
 * the control API of a server without a fixtures directory). Takes no
 * reference to doc. */
scenario *scenario_parse(json_t *doc, const char *base_dir, char *err, size_t errlen);
scenario *scenario_load_file(const char *path, char *err, size_t errlen);
void scenario_free(scenario *sc);
const char *scenario_name(const scenario *sc);

/* The parts to apply (borrowed; NULL when absent). Fixture entries are
 * objects, with paths already read and resolved. */
json_t *scenario_fixtures(const scenario *sc);   /* array of {"doc": ..., "base_dir": ...} */
json_t *scenario_faults(const scenario *sc);
json_t *scenario_clock(const scenario *sc);
json_t *scenario_settings(const scenario *sc);
/* The name of the snapshot to take after applying, or NULL. */
const char *scenario_snapshot(const scenario *sc);

/* Checks every expectation against the journal's entries (an array, oldest
 * first). Returns {"name", "passed", "results": [{"expect", "passed",
 * "actual", "message"}]} (new reference). */
json_t *scenario_verify(const scenario *sc, json_t *entries);
/* The report as lines for people: one per failed expectation. */
char *scenario_report_text(json_t *report);

#endif
