/* persist: --state-dir DIR, a server's state kept across restarts.
 *
 * DIR/state.json is a fixture document (core/fixtures.h: what GET
 * /_mockaws/state answers, plus the fault rules), so `--fixtures
 * DIR/state.json` loads it too; S3 object bodies are files DIR/bodies/<the
 * SHA-256 of their bytes, hex>, which the document names with the fixture's
 * "file" member. A body that did not change is written once, whatever the
 * number of saves or of objects holding it.
 *
 * A save writes every file under a temporary name, renames it into place
 * and makes it durable, state.json last: a crash at any point leaves the
 * previous state.json whole, and the bodies it names. The state.json a save
 * replaces stays as state.prev.json (with its bodies), for a developer to
 * go back to by hand; bodies neither names are removed after the rename.
 *
 * A load happens before the server listens, from state.json alone: a
 * document that is not JSON, a body file that is missing or whose bytes do
 * not hash to its name, a name other than bodies/<64 hex digits>, a section
 * a service refuses: each is an error naming the file and the problem, and
 * the server does not start (nothing half loaded), with no file in DIR
 * changed.
 *
 * One server at a time holds DIR (an flock on the directory). */
#ifndef MOCKAWS_CORE_PERSIST_H
#define MOCKAWS_CORE_PERSIST_H

#include <stddef.h>
#include <stdint.h>

typedef struct mockaws server;
typedef struct persist persist;

/* Opens dir (created, mode 0700, when missing) and takes it for this
 * server. NULL, with the reason in err, when it is no directory or another
 * server holds it. */
persist *persist_open(const char *dir, char *err, size_t errlen);
void persist_free(persist *p);

/* DIR/state.json, resolved (valid as long as p). */
const char *persist_state_path(const persist *p);

/* Loads DIR/state.json into s, a server that serves nothing yet (core/api.c
 * before it listens): 1 loaded, 0 there is none, -1 refused (err names the
 * file and the problem; s may hold part of it and is to be discarded). */
int persist_load(persist *p, server *s, char *err, size_t errlen);

/* Saves s's state: 0 and *bytes (what this save wrote: the document and
 * the bodies not already there), or -1 and err, the previous state.json
 * left as it was. Requests wait while the state is dumped and its new
 * bodies written (s->reset_lock, for writing: the dump is of one instant),
 * not while the document is written and synced. Saves run one at a time. */
int persist_save(persist *p, server *s, uint64_t *bytes, char *err, size_t errlen);

#endif
