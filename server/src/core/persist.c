/* persist: --state-dir (persist.h). Every file is reached through the
 * directory's descriptor, by a fixed name or by a name checked to be 64 hex
 * digits: nothing a state document says can name a file outside DIR. */
/* syncfs: one flush for all of a save's new bodies. 10,000 bodies of 1 KiB
 * took 1 s so on ext4, and 50 s with an fsync (or fdatasync) each. */
#define _GNU_SOURCE
#include "core/persist.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <jansson.h>
#include <nettle/sha2.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/fixtures.h"
#include "core/fsref.h"
#include "core/jtext.h"
#include "core/server.h"

#define STATE_FILE "state.json"
#define STATE_TMP "state.json.tmp"
#define PREV_FILE "state.prev.json"
#define PREV_TMP "state.prev.json.tmp"
#define BODIES "bodies"
#define HASH_HEX (SHA256_DIGEST_SIZE * 2)
/* The largest state.json a load reads: the directory is the developer's
 * own, so more than FSREF_MAX_DOC (documents from anywhere). */
#define MAX_STATE_DOC ((size_t)1 << 30)

struct persist {
    char *dir;        /* resolved (realpath: free) */
    char *state_path; /* dir/state.json, g_malloc'd */
    int dirfd;        /* dir, open and flock'd: the server's hold on it */
    GMutex lock;      /* one save at a time */
    GHashTable *named; /* the bodies (hex names, owned) state.json names: after the next
                          save, state.prev.json's, which that save keeps */
};

static bool is_body_name(const char *n)
{
    size_t i = 0;
    for (; n[i]; i++)
        if (i >= HASH_HEX || !((n[i] >= '0' && n[i] <= '9') || (n[i] >= 'a' && n[i] <= 'f')))
            return false;
    return i == HASH_HEX;
}

static void hex_digest(struct sha256_ctx *h, char out[HASH_HEX + 1])
{
    uint8_t d[SHA256_DIGEST_SIZE];
    sha256_digest(h, sizeof d, d);
    for (size_t i = 0; i < sizeof d; i++)
        g_snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static GHashTable *name_set(void) { return g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL); }

persist *persist_open(const char *dir, char *err, size_t errlen)
{
    if (!dir || !*dir) {
        g_snprintf(err, errlen, "the state directory must be named");
        return NULL;
    }
    char *real = NULL;
    int fd = -1;
    if (g_mkdir_with_parents(dir, 0700) != 0 || !(real = realpath(dir, NULL)) ||
        (fd = open(real, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
        g_snprintf(err, errlen, "state directory %s: %s", dir, g_strerror(errno));
        free(real);
        return NULL;
    }
    /* Two servers saving into one directory would remove each other's bodies. */
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        g_snprintf(err, errlen, "state directory %s: %s", real,
                   errno == EWOULDBLOCK ? "another mockaws server is using it" : g_strerror(errno));
        close(fd);
        free(real);
        return NULL;
    }
    persist *p = g_new0(persist, 1);
    p->dir = real;
    p->state_path = g_build_filename(real, STATE_FILE, NULL);
    p->dirfd = fd;
    g_mutex_init(&p->lock);
    p->named = name_set();
    return p;
}

void persist_free(persist *p)
{
    if (!p)
        return;
    close(p->dirfd); /* and with it the flock */
    g_mutex_clear(&p->lock);
    g_hash_table_destroy(p->named);
    g_free(p->state_path);
    free(p->dir);
    g_free(p);
}

const char *persist_state_path(const persist *p) { return p->state_path; }

/* ---- load ---- */

/* DIR/bodies, or -1 (errno set). */
static int open_bodies(persist *p, bool create)
{
    if (create && mkdirat(p->dirfd, BODIES, 0700) != 0 && errno != EEXIST)
        return -1;
    return openat(p->dirfd, BODIES, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

#define READ_PIECE ((size_t)256 * 1024)

/* Whether bodies/hex is a regular file (not a symlink) whose bytes hash to
 * hex; else why not, in err. Reads it in pieces into buf (READ_PIECE
 * bytes): any size, little memory. */
static int check_body(int bodyfd, const char *hex, char *buf, char *err, size_t errlen)
{
    int fd = openat(bodyfd, hex, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        /* O_NOFOLLOW: ELOOP for a symlink */
        g_snprintf(err, errlen, "%s", fd >= 0 || errno == ELOOP ? "not a regular file" : g_strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    struct sha256_ctx h;
    sha256_init(&h);
    ssize_t n;
    while ((n = read(fd, buf, READ_PIECE)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            break;
        sha256_update(&h, (size_t)n, (const uint8_t *)buf);
    }
    int rc = 0;
    if (n < 0) {
        g_snprintf(err, errlen, "%s", g_strerror(errno));
        rc = -1;
    } else {
        char got[HASH_HEX + 1];
        hex_digest(&h, got);
        if (strcmp(got, hex) != 0) {
            g_snprintf(err, errlen, "its bytes do not match its name (the file was altered or damaged)");
            rc = -1;
        }
    }
    close(fd);
    return rc;
}

/* Before anything loads: every body the document names is
 * bodies/<64 hex> and holds the bytes of that hash. Each checked once;
 * names collects them. */
static int check_bodies(persist *p, json_t *doc, GHashTable *names, char *err, size_t errlen)
{
    int bodyfd = open_bodies(p, false), rc = 0;
    /* no bodies directory (or a symlink, a file in its place): no body can be read */
    const char *no_dir = NULL;
    if (bodyfd < 0)
        no_dir = errno == ENOENT                    ? "missing (there is no bodies directory)"
                 : errno == ELOOP || errno == ENOTDIR ? "bodies is not a directory"
                                                      : g_strerror(errno);
    char *buf = g_malloc(READ_PIECE);
    size_t i, j, k;
    json_t *list = json_object_get(doc, "namespaces"), *nsdoc, *b, *o;
    json_array_foreach(list, i, nsdoc) {
        json_t *buckets = json_object_get(json_object_get(nsdoc, "s3"), "buckets");
        json_array_foreach(buckets, j, b) {
            json_t *objects = json_object_get(b, "objects");
            json_array_foreach(objects, k, o) {
                json_t *f = json_object_get(o, "file");
                if (!f || rc != 0)
                    continue;
                const char *name = json_string_value(f);
                const char *hex = name && g_str_has_prefix(name, BODIES "/") ? name + strlen(BODIES "/") : NULL;
                const char *bucket = json_string_value(json_object_get(b, "name")),
                           *key = json_string_value(json_object_get(o, "key"));
                char why[200];
                if (!hex || !is_body_name(hex)) {
                    g_snprintf(err, errlen,
                               "bucket %s, key %s: \"file\" must name a body of the state directory (bodies/ and "
                               "64 hex digits)",
                               bucket ? bucket : "?", key ? key : "?");
                    rc = -1;
                } else if (!g_hash_table_contains(names, hex)) {
                    if (no_dir)
                        g_strlcpy(why, no_dir, sizeof why);
                    if (no_dir || check_body(bodyfd, hex, buf, why, sizeof why) != 0) {
                        g_snprintf(err, errlen, "body file %s/%s (bucket %s, key %s): %s", p->dir, name,
                                   bucket ? bucket : "?", key ? key : "?", why);
                        rc = -1;
                    } else {
                        g_hash_table_add(names, g_strdup(hex));
                    }
                }
            }
        }
    }
    if (bodyfd >= 0)
        close(bodyfd);
    g_free(buf);
    return rc;
}

int persist_load(persist *p, server *s, char *err, size_t errlen)
{
    struct stat st;
    if (fstatat(p->dirfd, STATE_FILE, &st, 0) != 0) {
        if (errno == ENOENT)
            return 0;
        g_snprintf(err, errlen, "%s: %s", p->state_path, g_strerror(errno));
        return -1;
    }
    char *data = NULL, inner[800];
    size_t len;
    json_t *doc = NULL;
    GHashTable *names = name_set();
    int rc = -1;
    if (fsref_read_path(p->state_path, MAX_STATE_DOC, &data, &len, inner, sizeof inner) == 0)
        doc = fsref_parse_json(data, len, p->state_path, inner, sizeof inner);
    if (doc && (!json_is_object(doc) || !json_is_array(json_object_get(doc, "namespaces"))))
        g_snprintf(inner, sizeof inner, "not a saved state: {\"namespaces\": [...]} expected");
    else if (doc && check_bodies(p, doc, names, inner, sizeof inner) == 0)
        rc = fixtures_load(s, doc, p->dir, inner, sizeof inner);
    g_free(data);
    if (rc != 0) {
        bool named = strstr(inner, p->state_path) != NULL; /* fsref's messages name it */
        g_snprintf(err, errlen, "%s%s%s (nothing was loaded, no file changed; the save before, if any, is %s/%s)",
                   named ? "" : p->state_path, named ? "" : ": ", inner, p->dir, PREV_FILE);
        g_hash_table_destroy(names);
    } else {
        g_hash_table_destroy(p->named);
        p->named = names;
    }
    json_decref(doc);
    return rc == 0 ? 1 : -1;
}

/* ---- save ---- */

static int write_all(int fd, const char *data, size_t len)
{
    while (len) {
        ssize_t n = write(fd, data, MIN(len, (size_t)1 << 30));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Writes dirfd/name afresh (never through a symlink or into a file another
 * process holds open), fsync'd when sync; -1 with errno set, nothing left. */
static int write_new(int dirfd, const char *name, const char *data, size_t len, bool sync)
{
    if (unlinkat(dirfd, name, 0) != 0 && errno != ENOENT)
        return -1;
    int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    if (write_all(fd, data, len) != 0 || (sync && fsync(fd) != 0)) {
        int e = errno;
        close(fd);
        unlinkat(dirfd, name, 0);
        errno = e;
        return -1;
    }
    return close(fd);
}

typedef struct seen_body {
    size_t len;
    char hex[HASH_HEX + 1];
} seen_body;

typedef struct save_run {
    persist *p;
    int bodyfd;
    GHashTable *names; /* the bodies this save names (hex, owned) */
    GHashTable *seen;  /* bytes' address -> seen_body: objects sharing a blob hash it once */
    GPtrArray *fresh;  /* the new bodies (hex, borrowed from names), written as <hex>.tmp */
    uint64_t bytes;    /* written */
    char err[600];     /* the first failure, or "" */
} save_run;

/* svc_dump_ctx.store_body: under the reset lock, so data stays put. */
static char *store_body(const svc_dump_ctx *ctx, const void *data, size_t len)
{
    save_run *r = ctx->core;
    if (r->err[0])
        return NULL;
    if (len > FSREF_MAX_FILE) {
        /* a load reads bodies as fixture files, of at most that size */
        g_snprintf(r->err, sizeof r->err, "an S3 object of %zu bytes is larger than a saved body may be (%zu bytes)",
                   len, FSREF_MAX_FILE);
        return NULL;
    }
    seen_body *sb = g_hash_table_lookup(r->seen, data);
    if (!sb || sb->len != len) {
        struct sha256_ctx h;
        sha256_init(&h);
        sha256_update(&h, len, data);
        if (!sb) {
            sb = g_new(seen_body, 1);
            g_hash_table_insert(r->seen, (gpointer)data, sb);
        }
        sb->len = len;
        hex_digest(&h, sb->hex);
    }
    const char *hex = sb->hex;
    if (!g_hash_table_contains(r->names, hex)) {
        /* A body of that name and size is the one an earlier save wrote
         * (a load checks its bytes: check_body). */
        struct stat st;
        if (fstatat(r->bodyfd, hex, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode) ||
            (uint64_t)st.st_size != len) {
            char tmp[HASH_HEX + 8];
            g_snprintf(tmp, sizeof tmp, "%s.tmp", hex);
            if (write_new(r->bodyfd, tmp, data, len, false) != 0) {
                g_snprintf(r->err, sizeof r->err, "%s/%s/%s: %s", r->p->dir, BODIES, tmp, g_strerror(errno));
                return NULL;
            }
            r->bytes += len;
            char *name = g_strdup(hex);
            g_hash_table_add(r->names, name);
            g_ptr_array_add(r->fresh, name);
        } else {
            g_hash_table_add(r->names, g_strdup(hex));
        }
    }
    return g_strconcat(BODIES "/", hex, NULL);
}

/* The fault rules as a fixture's "faults" loads them: their counts start
 * again, and rules that are spent are left out. */
static json_t *saved_faults(fault_set *f)
{
    json_t *all = fault_set_json(f), *out = json_array(), *r;
    size_t i;
    json_array_foreach(json_object_get(all, "faults"), i, r) {
        if (json_is_true(json_object_get(r, "expired")))
            continue;
        json_object_del(r, "matched");
        json_object_del(r, "fired");
        json_object_del(r, "expired");
        json_array_append(out, r);
    }
    json_decref(all);
    return out;
}

/* Removes the bodies (and leftover temporary files) in bodies/ that neither
 * keep set names. Only names of the form this module writes. */
static void collect(int bodyfd, GHashTable *keep, GHashTable *keep2)
{
    int fd = openat(bodyfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = fd < 0 ? NULL : fdopendir(fd);
    if (!d) {
        if (fd >= 0)
            close(fd);
        return;
    }
    GPtrArray *gone = g_ptr_array_new_with_free_func(g_free);
    struct dirent *e;
    while ((e = readdir(d))) {
        char hex[HASH_HEX + 1];
        g_strlcpy(hex, e->d_name, sizeof hex);
        bool tmp = strlen(e->d_name) == HASH_HEX + 4 && strcmp(e->d_name + HASH_HEX, ".tmp") == 0;
        if (!is_body_name(hex) || (!tmp && e->d_name[HASH_HEX]))
            continue;
        if (tmp || (!g_hash_table_contains(keep, hex) && !g_hash_table_contains(keep2, hex)))
            g_ptr_array_add(gone, g_strdup(e->d_name));
    }
    closedir(d);
    for (guint i = 0; i < gone->len; i++)
        unlinkat(bodyfd, g_ptr_array_index(gone, i), 0);
    g_ptr_array_free(gone, TRUE);
}

/* The new bodies under their names, durable (their bytes, then the names)
 * before the document that names them is. */
static int place_bodies(save_run *r)
{
    if (r->fresh->len == 0)
        return 0;
    if (syncfs(r->bodyfd) != 0)
        return -1;
    for (guint i = 0; i < r->fresh->len; i++) {
        const char *hex = g_ptr_array_index(r->fresh, i);
        char tmp[HASH_HEX + 8];
        g_snprintf(tmp, sizeof tmp, "%s.tmp", hex);
        if (renameat(r->bodyfd, tmp, r->bodyfd, hex) != 0)
            return -1;
    }
    return fsync(r->bodyfd);
}

/* state.json becomes state.prev.json, as a second name of the same file
 * until the rename that follows replaces the first. Without one (or when
 * no link can be made) no state.prev.json is kept: never one older than
 * the bodies that are kept. */
static void keep_prev(int dirfd)
{
    unlinkat(dirfd, PREV_TMP, 0);
    if (linkat(dirfd, STATE_FILE, dirfd, PREV_TMP, 0) != 0 || renameat(dirfd, PREV_TMP, dirfd, PREV_FILE) != 0) {
        unlinkat(dirfd, PREV_TMP, 0);
        unlinkat(dirfd, PREV_FILE, 0);
    }
}

int persist_save(persist *p, server *s, uint64_t *bytes, char *err, size_t errlen)
{
    g_mutex_lock(&p->lock);
    save_run r = {.p = p, .names = name_set(), .seen = g_hash_table_new_full(NULL, NULL, NULL, g_free),
                  .fresh = g_ptr_array_new()};
    svc_dump_ctx ctx = {store_body, &r};
    char *text = NULL;
    int rc = -1;
    r.bodyfd = open_bodies(p, true);
    if (r.bodyfd < 0) {
        g_snprintf(err, errlen, "%s/%s: %s", p->dir, BODIES, g_strerror(errno));
        goto out;
    }
    g_rw_lock_writer_lock(&s->reset_lock);
    json_t *doc = fixtures_dump_with(s, &ctx);
    json_t *faults = saved_faults(s->faults);
    g_rw_lock_writer_unlock(&s->reset_lock);
    if (json_array_size(faults))
        json_object_set(doc, "faults", faults);
    json_decref(faults);
    text = r.err[0] ? NULL : jtext_dumps(doc, JSON_INDENT(1));
    json_decref(doc);
    if (r.err[0]) {
        g_snprintf(err, errlen, "%s", r.err);
        goto out;
    }
    size_t len = text ? strlen(text) : 0;
    char *nl = text ? realloc(text, len + 2) : NULL; /* a text file ends with a newline */
    if (nl) {
        text = nl;
        text[len++] = '\n';
        text[len] = '\0';
    }
    if (place_bodies(&r) != 0) {
        g_snprintf(err, errlen, "%s/%s: %s", p->dir, BODIES, g_strerror(errno));
        goto out;
    }
    if (!text || write_new(p->dirfd, STATE_TMP, text, len, true) != 0) {
        g_snprintf(err, errlen, "%s/%s: %s", p->dir, STATE_TMP, text ? g_strerror(errno) : "out of memory");
        goto out;
    }
    if (faccessat(p->dirfd, STATE_FILE, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
        keep_prev(p->dirfd);
    else
        unlinkat(p->dirfd, PREV_FILE, 0);
    if (renameat(p->dirfd, STATE_TMP, p->dirfd, STATE_FILE) != 0 || fsync(p->dirfd) != 0) {
        g_snprintf(err, errlen, "%s: %s", p->state_path, g_strerror(errno));
        unlinkat(p->dirfd, STATE_TMP, 0);
        goto out;
    }
    collect(r.bodyfd, r.names, p->named);
    GHashTable *t = p->named;
    p->named = r.names;
    r.names = t;
    *bytes = r.bytes + len;
    rc = 0;
out:
    free(text);
    if (r.bodyfd >= 0)
        close(r.bodyfd);
    g_ptr_array_free(r.fresh, TRUE);
    g_hash_table_destroy(r.names);
    g_hash_table_destroy(r.seen);
    g_mutex_unlock(&p->lock);
    return rc;
}
