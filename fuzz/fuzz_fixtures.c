/* fuzz_fixtures: the fixture / state loader (fixtures_load, which
 * mockaws_load_fixtures_json, --fixtures files, scenarios and the control
 * API's POST /_mockaws/state all go through) with every service's section
 * (s3, dynamodb, sns, ec2, iam), and the state dump.
 *
 * An input is a fixture document (JSON). Relative "file" paths resolve
 * against fixtures/. Beyond crashes it checks the documented round trip:
 * what GET /_mockaws/state dumps loads again into an empty server, and
 * dumps the same. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_common.h"

static char *fixtures_dir;

static void empty(server *s)
{
    mockaws_reset(s);
    g_mutex_lock(&s->rand_lock);
    g_rand_set_seed(s->rand, 7);
    g_mutex_unlock(&s->rand_lock);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    server *s = fuzz_server();
    if (!fixtures_dir)
        fixtures_dir = g_build_filename(MOCKAWS_SOURCE_DIR, "fixtures", NULL);
    json_t *doc = json_loadb((const char *)data, size, 0, NULL);
    if (!doc)
        return 0;
    if (fuzz_json_unsafe(doc)) {
        json_decref(doc);
        return 0;
    }
    empty(s);
    char err[512];
    if (fixtures_load(s, doc, fixtures_dir, err, sizeof err) == 0) {
        json_t *dump = fixtures_dump(s);
        empty(s);
        if (fixtures_load(s, dump, fixtures_dir, err, sizeof err) != 0) {
            char *text = json_dumps(dump, JSON_COMPACT);
            fprintf(stderr, "fuzz_fixtures: the state dump does not load again: %s\n%s\n", err, text);
            abort();
        }
        json_t *again = fixtures_dump(s);
        if (!json_equal(dump, again)) {
            char *a = json_dumps(dump, JSON_COMPACT | JSON_SORT_KEYS), *b = json_dumps(again, JSON_COMPACT | JSON_SORT_KEYS);
            fprintf(stderr, "fuzz_fixtures: the state dump changes when loaded again:\n%s\n%s\n", a, b);
            abort();
        }
        json_decref(again);
        json_decref(dump);
    }
    json_decref(doc);
    return 0;
}
