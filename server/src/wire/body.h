/* body: a request body (or any large byte string) of any size size_t holds.
 *
 * Bytes gather in memory, in a buffer that grows as they arrive, until
 * `spill_at`; past that everything goes to an unlinked temporary file, so a
 * body of gigabytes lives in the page cache (file-backed, reclaimable)
 * instead of anonymous memory. Nothing is ever reserved from a length the
 * client announced. body_finish() then gives one contiguous, writable view:
 * the memory buffer, or a shared mapping of the file (aws-chunked bodies are
 * still decoded in place; the writes land in the page cache too).
 *
 * A body is owned by one holder at a time: the HTTP glue while it arrives,
 * then whoever takes it (body_steal), e.g. an S3 blob. Not thread-safe; once
 * finished its bytes may be read from any thread. */
#ifndef MOCKAWS_WIRE_BODY_H
#define MOCKAWS_WIRE_BODY_H

#include <stdbool.h>
#include <stddef.h>

typedef struct body_buf body_buf;

/* Bodies up to this size stay in memory unless told otherwise. */
#define BODY_SPILL_DEFAULT ((size_t)1024 * 1024)

/* An empty body. spill_at: bytes kept in memory before spilling (0 = the
 * default); dir: where the temporary file goes (NULL = $TMPDIR or /tmp). The
 * string is copied. */
body_buf *body_new(size_t spill_at, const char *dir);
/* A finished in-memory body taking over buf (g_malloc'd, at least len bytes;
 * NULL when len is 0). */
body_buf *body_adopt(char *buf, size_t len);
void body_free(body_buf *b);

/* Appends before body_finish. 0, or -1 with errno set (the temporary file
 * could not be created or written: ENOSPC, EMFILE, ...). */
int body_append(body_buf *b, const void *data, size_t len);
/* Makes the contiguous view. Idempotent. 0, or -1 with errno set. */
int body_finish(body_buf *b);

/* The view, after body_finish: never NULL, even when empty. */
const char *body_data(const body_buf *b);
char *body_data_mut(body_buf *b);
size_t body_len(const body_buf *b);
/* Whether the bytes are in a file mapping rather than in memory. */
bool body_is_file(const body_buf *b);
/* Shortens the view to len (<= body_len), e.g. after decoding in place;
 * memory is given back when the body shrank to less than half. */
void body_truncate(body_buf *b, size_t len);

/* Moves the bytes into a new body, leaving b empty (but usable). */
body_buf *body_steal(body_buf *b);

#endif
