/* snapshot: named copies of a server's whole state, taken and restored
 * (POST /_mockaws/snapshots, mockaws_snapshot / mockaws_restore).
 *
 * A snapshot holds what POST /_mockaws/reset drops and nothing else: every
 * namespace's state (cloned by its service, svc_def.state_clone, sharing
 * what it can), the fault rules with their counters and generators, the
 * credential table, and optionally the journal's position. Not the clock,
 * the loaded scenario or configuration. Taking and restoring hold the
 * server's reset lock for writing, so a request runs wholly before or
 * wholly after either. Restoring costs O(namespaces + rules + credentials),
 * whatever the number of objects and items. */
#ifndef MOCKAWS_CORE_SNAPSHOT_H
#define MOCKAWS_CORE_SNAPSHOT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct mockaws server;
typedef struct snapshot_store snapshot_store;

snapshot_store *snapshot_store_new(void);
/* Frees every snapshot; no request may be running. NULL is fine. */
void snapshot_store_free(snapshot_store *st);

/* 1 to 64 of [A-Za-z0-9._-]. */
bool snapshot_name_ok(const char *name);

/* Takes a snapshot under name (replacing any of that name); with_journal: also
 * record the journal's position. On success *answer (may be NULL) is
 * {"name", "namespaces", "journal_seq"} (new reference). -1 with err when
 * the name is not valid or a service cannot be snapshotted; nothing then
 * changes. */
int snapshot_take(server *s, const char *name, bool with_journal, json_t **answer, char *err, size_t errlen);
/* Makes the server's state the snapshot's. -1 with err when there is no
 * snapshot of that name. */
int snapshot_restore(server *s, const char *name, char *err, size_t errlen);
/* -1 with err when there is no snapshot of that name. */
int snapshot_delete(server *s, const char *name, char *err, size_t errlen);
/* {"snapshots": [{"name", "namespaces", "journal_seq", "created_ms"}]}
 * sorted by name (new reference). */
json_t *snapshot_list(server *s);

#endif
