#include "body.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

struct body_buf {
    size_t spill_at;
    char *dir;        /* g_malloc'd, or NULL for the default */
    size_t len;       /* bytes held (the view's length once finished) */
    /* in memory */
    char *buf;        /* g_malloc'd, cap bytes, or NULL */
    size_t cap;
    /* spilled */
    int fd;           /* the unlinked file while writing, else -1 */
    char *map;        /* its mapping once finished, else NULL */
    size_t map_len;
    bool finished;
};

body_buf *body_new(size_t spill_at, const char *dir)
{
    body_buf *b = g_new0(body_buf, 1);
    b->spill_at = spill_at ? spill_at : BODY_SPILL_DEFAULT;
    b->dir = g_strdup(dir);
    b->fd = -1;
    return b;
}

body_buf *body_adopt(char *buf, size_t len)
{
    body_buf *b = body_new(0, NULL);
    b->buf = buf;
    b->cap = len;
    b->len = len;
    b->finished = true;
    return b;
}

static void release(body_buf *b)
{
    if (b->fd >= 0)
        close(b->fd);
    if (b->map)
        munmap(b->map, b->map_len);
    g_free(b->buf);
}

void body_free(body_buf *b)
{
    if (!b)
        return;
    release(b);
    g_free(b->dir);
    g_free(b);
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            if (w == 0)
                errno = EIO;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* An anonymous file: unlinked from the start (O_TMPFILE) where the file
 * system allows it, else created and unlinked at once; either way it is gone
 * with its last descriptor or mapping. */
static int open_spill(const char *dir)
{
    if (!dir)
        dir = g_get_tmp_dir();
#ifdef O_TMPFILE
    int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0)
        return fd;
#endif
    char *path = g_build_filename(dir, "mockaws-body-XXXXXX", NULL);
    int fd2 = g_mkstemp_full(path, O_RDWR | O_CLOEXEC, 0600);
    if (fd2 >= 0)
        unlink(path);
    g_free(path);
    return fd2;
}

/* Moves what is in memory to a new temporary file. */
static int spill(body_buf *b)
{
    int fd = open_spill(b->dir);
    if (fd < 0)
        return -1;
    if (write_all(fd, b->buf, b->len) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    g_free(b->buf);
    b->buf = NULL;
    b->cap = 0;
    b->fd = fd;
    return 0;
}

int body_append(body_buf *b, const void *data, size_t len)
{
    if (b->finished) {
        errno = EINVAL;
        return -1;
    }
    if (len == 0)
        return 0;
    if (len > SIZE_MAX - b->len) {
        errno = EFBIG;
        return -1;
    }
    if (b->fd < 0 && b->len + len > b->spill_at && spill(b) != 0)
        return -1;
    if (b->fd >= 0) {
        if (write_all(b->fd, data, len) != 0)
            return -1;
        b->len += len;
        return 0;
    }
    if (b->len + len > b->cap) {
        /* Doubling, never past the spill size: growth stays linear. */
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + len)
            cap = cap > b->spill_at / 2 ? b->spill_at : cap * 2;
        b->buf = g_realloc(b->buf, cap);
        b->cap = cap;
    }
    memcpy(b->buf + b->len, data, len);
    b->len += len;
    return 0;
}

int body_finish(body_buf *b)
{
    if (b->finished)
        return 0;
    if (b->fd >= 0) {
        void *m = mmap(NULL, b->len, PROT_READ | PROT_WRITE, MAP_SHARED, b->fd, 0);
        if (m == MAP_FAILED)
            return -1;
        /* The mapping keeps the file; the descriptor is not needed. */
        close(b->fd);
        b->fd = -1;
        b->map = m;
        b->map_len = b->len;
        madvise(m, b->len, MADV_SEQUENTIAL);
    }
    b->finished = true;
    return 0;
}

const char *body_data(const body_buf *b)
{
    if (b->map)
        return b->map;
    return b->buf ? b->buf : "";
}

char *body_data_mut(body_buf *b)
{
    if (b->map)
        return b->map;
    if (!b->buf)
        b->buf = g_malloc0(1);
    return b->buf;
}

size_t body_len(const body_buf *b) { return b->len; }
bool body_is_file(const body_buf *b) { return b->map != NULL || b->fd >= 0; }

void body_truncate(body_buf *b, size_t len)
{
    if (len >= b->len)
        return;
    if (b->buf && len < b->len / 2) {
        b->buf = g_realloc(b->buf, len ? len : 1);
        b->cap = len;
    }
    b->len = len;
}

body_buf *body_steal(body_buf *b)
{
    body_buf *out = g_new(body_buf, 1);
    *out = *b;
    out->dir = g_strdup(b->dir);
    b->len = 0;
    b->buf = NULL;
    b->cap = 0;
    b->fd = -1;
    b->map = NULL;
    b->map_len = 0;
    b->finished = false;
    return out;
}
