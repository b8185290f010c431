/* fixtures: a server's state as a document (the format of
 * docs/ARCHITECTURE.md), and scenarios. */
#ifndef MOCKAWS_CORE_FIXTURES_H
#define MOCKAWS_CORE_FIXTURES_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "faults/scenario.h"

typedef struct mockaws server;
struct svc_dump_ctx;

/* Loads a state document. Files the document names are read from inside
 * base_dir (NULL: it may name none; core/fsref.h). Members written by the
 * jtext rule ("<name>_base64") are restored in doc first. */
int fixtures_load(server *s, json_t *doc, const char *base_dir, char *err, size_t errlen);
/* A fixture file the command line or the C API names: any path, but a
 * regular file of bounded size; the files it names lie beside it. startup:
 * one of the server's own fixtures (mockaws_options.fixtures), whose
 * settings a reset keeps (fixtures_keep_settings). */
int fixtures_load_file(server *s, const char *path, bool startup, char *err, size_t errlen);
/* Keeps what configures in doc, a document loaded at start: its
 * "settings" and the settings members of its service sections
 * (svc_def.fixture_settings), which fixtures_reset loads again after it
 * clears the state. */
void fixtures_keep_settings(server *s, json_t *doc);
json_t *fixtures_dump(server *s);
/* The same with ctx for the bodies (svc_dump_ctx; NULL: inline), for a
 * caller that holds s->reset_lock (core/persist.c: for writing, so that
 * the dump is of one instant). */
json_t *fixtures_dump_with(server *s, const struct svc_dump_ctx *ctx);
void fixtures_reset(server *s);

/* Sets s->fixtures_dir to dir resolved: where documents sent to the
 * control API may name files. -1 (and a message in err) unless it is a
 * directory. */
int fixtures_set_dir(server *s, const char *dir, char *err, size_t errlen);

/* Applies a scenario (fixtures, faults, clock) and keeps it for
 * fixtures_verify_scenario. Takes ownership of sc, also on failure. */
int fixtures_apply_scenario(server *s, scenario *sc, char *err, size_t errlen);
/* The report of scenario_verify for the scenario loaded last, or NULL. */
json_t *fixtures_verify_scenario(server *s);

#endif
