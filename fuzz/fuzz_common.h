/* fuzz_common: what the libFuzzer targets in fuzz/ share.
 *
 *   - fuzz_http_next: a raw HTTP/1.1 request text (request line, headers,
 *     blank line, body) parsed into an http_request the way core/server.c
 *     builds one from libmicrohttpd's callbacks, so that a fuzz input (and a
 *     seed) is a request as it goes on the wire;
 *   - fuzz_server: one server per fuzzing process, with fixtures that are
 *     loaded again for every input so that each input starts from the same
 *     state and a reproducer replays alone.
 *
 * Nothing here checks what the library answers: the targets look for
 * crashes, leaks, undefined behaviour and slowness only, plus the few
 * invariants each target states. */
#ifndef MOCKAWS_FUZZ_COMMON_H
#define MOCKAWS_FUZZ_COMMON_H

#include <glib.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/fixtures.h"
#include "core/pipeline.h"
#include "core/server.h"
#include "wire/body.h"
#include "wire/http.h"

/* One parsed request; every string is owned here (fuzz_req_clear). */
typedef struct fuzz_req {
    http_request req;
    GArray *headers;    /* of http_header, g_malloc'd strings */
    char *method, *path, *query;
    body_buf *body;     /* req.body_store, as the server hands it to handlers */
} fuzz_req;

/* Parses the next request of a pipelined stream from *data / *size and
 * advances past it. The body is Content-Length bytes when that header is
 * a number within what is left, else everything that is left. False, with
 * nothing to clear, when no further request can be read (end of input, a
 * request line without a target, a header line without ':', a NUL byte
 * before the body: libmicrohttpd refuses those before mockaws sees them). */
bool fuzz_http_next(const uint8_t **data, size_t *size, fuzz_req *out);
void fuzz_req_clear(fuzz_req *r);

/* The first line of data (without its "\n" or "\r\n") as a new string
 * (g_free) and the rest in *rest / *rest_len; NULL when there is no "\n". */
char *fuzz_first_line(const uint8_t *data, size_t size, const uint8_t **rest, size_t *rest_len);

/* Whether a fixture document (or a control API body) asks for what a
 * fuzzer must not do, though mockaws allows it on purpose for its tests:
 * a file named by an absolute path or with ".." (fixtures read the files
 * they name: /dev/zero, the machine's files), or a "generate" of more than
 * 200 objects or items or of more than 4 KiB each (a fixture may ask for
 * 10^8 keys or 5 GiB objects). */
bool fuzz_json_unsafe(json_t *v);


/* The fuzzing process's server (started on first use, never stopped: it is
 * reachable from here, so LeakSanitizer does not count it), with a virtual
 * clock, a short journal and one worker thread. */
server *fuzz_server(void);
/* Back to the state every input starts from: no state, faults, journal or
 * credentials beyond the shipped fixtures in fixtures/ (loaded again), the
 * clock virtual at the same instant, the random generator seeded again.
 * Loading the fixtures costs more than most inputs: with reload false, the
 * caller vouches that nothing changed since (only the journal is emptied
 * and the generator seeded again). */
void fuzz_server_fresh(server *s, bool reload);

#endif
