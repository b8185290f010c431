#include "fsref.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Opens without following a last symlink and without blocking on a FIFO;
 * checks what was opened, not what the name pointed to a moment before. */
static int read_regular(const char *path, const char *shown, bool nofollow, size_t max, char **data, size_t *len,
                        char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY | (nofollow ? O_NOFOLLOW : 0));
    if (fd < 0) {
        g_snprintf(err, errlen, "file '%s': %s", shown, g_strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        g_snprintf(err, errlen, "file '%s' is not a regular file", shown);
        close(fd);
        return -1;
    }
    if ((uint64_t)st.st_size > max) {
        g_snprintf(err, errlen, "file '%s' is larger than %zu bytes", shown, max);
        close(fd);
        return -1;
    }
    /* Read to the end, but never past max: the file may grow meanwhile. */
    size_t cap = (size_t)st.st_size, n = 0;
    char *buf = g_malloc(cap + 1);
    for (;;) {
        if (n == cap) {
            if (cap >= max + 1)
                break;
            cap = MIN(MAX(cap * 2, (size_t)4096), max + 1);
            buf = g_realloc(buf, cap + 1);
        }
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            g_snprintf(err, errlen, "file '%s': %s", shown, g_strerror(errno));
            g_free(buf);
            close(fd);
            return -1;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    if (n > max) {
        g_snprintf(err, errlen, "file '%s' is larger than %zu bytes", shown, max);
        g_free(buf);
        return -1;
    }
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return 0;
}

int fsref_read_path(const char *path, size_t max, char **data, size_t *len, char *err, size_t errlen)
{
    return read_regular(path, path, false, max, data, len, err, errlen);
}

/* Whether path is root or lies under it (both resolved, absolute). */
static bool inside(const char *root, const char *path)
{
    size_t n = strlen(root);
    if (n == 1) /* "/" */
        return path[0] == '/';
    return strncmp(path, root, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

int fsref_read(const char *dir, const char *name, size_t max, char **data, size_t *len, char **real, char *err,
               size_t errlen)
{
    if (!dir) {
        g_snprintf(err, errlen,
                   "file '%s': documents sent to the control API may not name files (start the server with "
                   "--fixtures-dir DIR to allow files under DIR)",
                   name);
        return -1;
    }
    char *root = realpath(dir, NULL);
    if (!root) {
        g_snprintf(err, errlen, "file '%s': its directory %s: %s", name, dir, g_strerror(errno));
        return -1;
    }
    /* Lexically first, so that a name that leaves the directory is refused
     * without looking at what lies outside (no probing for files there). */
    char *joined = g_path_is_absolute(name) ? g_strdup(name) : g_build_filename(root, name, NULL);
    char *lexical = g_canonicalize_filename(joined, "/");
    int rc = -1;
    char *resolved = NULL;
    if (!inside(root, lexical)) {
        g_snprintf(err, errlen, "file '%s' is outside %s, the only directory this document may name files in",
                   name, root);
    } else if (!(resolved = realpath(joined, NULL))) {
        g_snprintf(err, errlen, "file '%s': %s", name, g_strerror(errno));
    } else if (!inside(root, resolved)) {
        g_snprintf(err, errlen,
                   "file '%s' leads (through a symlink) outside %s, the only directory this document may name "
                   "files in",
                   name, root);
    } else {
        rc = read_regular(resolved, name, true, max, data, len, err, errlen);
    }
    if (rc == 0 && real)
        *real = g_strdup(resolved);
    free(resolved);
    g_free(lexical);
    g_free(joined);
    free(root);
    return rc;
}

json_t *fsref_parse_json(const char *data, size_t len, const char *what, char *err, size_t errlen)
{
    json_error_t je;
    json_t *doc = json_loadb(data, len, 0, &je);
    if (!doc) {
        /* jansson's text may quote the file ("... near 'root'"): keep only
         * what went wrong, not what was there. */
        char *text = g_strdup(je.text);
        char *near = strstr(text, " near ");
        if (near)
            *near = '\0';
        if (strchr(text, '\\')) {
            g_free(text);
            text = g_strdup("malformed text");
        }
        g_snprintf(err, errlen, "%s: not valid JSON at line %d, column %d: %s", what, je.line, je.column, text);
        g_free(text);
    }
    return doc;
}
