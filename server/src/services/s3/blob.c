#include "services/s3/blob.h"

#include <string.h>

static s3_blob *blob_new(void)
{
    s3_blob *b = g_new0(s3_blob, 1);
    atomic_init(&b->ref, 1);
    return b;
}

s3_blob *s3_blob_adopt_body(body_buf *store)
{
    s3_blob *b = blob_new();
    b->store = store;
    /* never NULL, even when empty: libmicrohttpd and memcmp want a pointer */
    b->data = body_data(store);
    b->len = body_len(store);
    return b;
}

s3_blob *s3_blob_adopt(char *buf, size_t len)
{
    return s3_blob_adopt_body(body_adopt(buf, len));
}

s3_blob *s3_blob_alloc(size_t len, char **data)
{
    char *buf = g_malloc(len ? len : 1);
    *data = buf;
    return s3_blob_adopt(buf, len);
}

s3_blob *s3_blob_copy(const void *data, size_t len)
{
    char *buf;
    s3_blob *b = s3_blob_alloc(len, &buf);
    if (len)
        memcpy(buf, data, len);
    return b;
}

s3_blob *s3_blob_slice(s3_blob *parent, size_t off, size_t len)
{
    if (off == 0 && len == parent->len)
        return s3_blob_ref(parent);
    s3_blob *b = blob_new();
    b->parent = s3_blob_ref(parent);
    b->data = parent->data + off;
    b->len = len;
    return b;
}

s3_blob *s3_blob_ref(s3_blob *b)
{
    atomic_fetch_add_explicit(&b->ref, 1, memory_order_relaxed);
    return b;
}

void s3_blob_unref(s3_blob *b)
{
    /* release: every use of the bytes happens before the last unref;
     * acquire: the last one sees them all before freeing */
    if (!b || atomic_fetch_sub_explicit(&b->ref, 1, memory_order_acq_rel) != 1)
        return;
    if (b->parent)
        s3_blob_unref(b->parent);
    body_free(b->store);
    g_free(b);
}

static void unref_cb(void *arg)
{
    s3_blob_unref(arg);
}

void s3_blob_attach(s3_blob *b, http_response *resp, size_t off, size_t len)
{
    if (resp->ext_free)
        resp->ext_free(resp->ext_arg);
    resp->ext_data = b->data + off;
    resp->ext_len = len;
    resp->ext_free = unref_cb;
    resp->ext_arg = s3_blob_ref(b);
}
