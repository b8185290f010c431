/* blob: the bytes of an S3 object (or of one uploaded part), immutable and
 * reference counted.
 *
 * A blob is shared by every object that holds the same bytes (a copy, a
 * generated fixture key, a one-part multipart upload) and by the responses
 * still sending it: GetObject takes a reference under the namespace lock and
 * hands it to the HTTP layer, which drops it once the bytes are out. So a
 * writer may replace or delete the object at any time without a reader ever
 * seeing freed or half-written bytes. A slice shares its parent's bytes.
 *
 * The bytes are a body (wire/body.h): in memory, or, for large objects, a
 * mapping of an unlinked temporary file, so that gigabytes of objects sit in
 * the page cache rather than in anonymous memory. GetObject sends either
 * straight from the blob. */
#ifndef MOCKAWS_S3_BLOB_H
#define MOCKAWS_S3_BLOB_H

#include <glib.h>
#include <stdatomic.h>
#include <stddef.h>

#include "wire/http.h"

typedef struct s3_blob s3_blob;
struct s3_blob {
    atomic_size_t ref; /* C11 atomics (inline): thread sanitizers see them */
    size_t len;
    const char *data; /* never NULL, even for len 0 */
    body_buf *store;      /* what data points into when the blob owns it, or NULL */
    s3_blob *parent;  /* a slice's parent (one reference), or NULL */
};

/* Takes over buf (g_malloc'd, at least len bytes; may be NULL when len is 0). */
s3_blob *s3_blob_adopt(char *buf, size_t len);
/* Takes over a finished body (body_finish). */
s3_blob *s3_blob_adopt_body(body_buf *store);
/* A copy of len bytes. */
s3_blob *s3_blob_copy(const void *data, size_t len);
/* An uninitialized blob of len bytes to fill before it is shared. */
s3_blob *s3_blob_alloc(size_t len, char **data);
/* len bytes of parent from off, without a copy (off + len <= parent->len). */
s3_blob *s3_blob_slice(s3_blob *parent, size_t off, size_t len);

s3_blob *s3_blob_ref(s3_blob *b);
void s3_blob_unref(s3_blob *b);

/* Makes [off, off + len) of b the response body without a copy: the
 * response holds a reference until it is sent. */
void s3_blob_attach(s3_blob *b, http_response *resp, size_t off, size_t len);

#endif
