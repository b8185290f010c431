/* edge: the libmicrohttpd side of a server, from accepting a connection to
 * queueing its answer.
 *
 * libmicrohttpd runs a pool of worker threads over epoll. A request body is
 * collected into its request context (a body, wire/body.h: in memory, or
 * spilled to a file-backed mapping past body_spill; bounded by max_body); the
 * pipeline runs when the body is complete. An answer that must wait (a
 * fault's delay) is kept in the context while the connection is suspended; a
 * timer thread resumes it when due, so no worker ever sleeps. A request a
 * handler parks (svc_park) waits the same way, on the same timer, and is
 * also listed under its key (server.parked) for svc_wake to resume it
 * early; resumed, it runs through the pipeline again.
 *
 * The edge: every open connection has a conn_info. A watchdog thread drops a
 * connection whose request line and headers have not all arrived within
 * header_timeout of their first byte (or of the connection's opening),
 * however slowly they trickle; under pressure (most of max_conns in use) it
 * shortens that deadline and closes idle keep-alive connections, so slow
 * clients cannot lock others out. It also notices when a client gives up on
 * a held connection (a fault's timeout), which libmicrohttpd does not watch
 * while it is suspended, and closes it at once instead of leaving it in
 * CLOSE_WAIT. Clients other than loopback get at most max_conns_per_ip. */
#include "core/edge.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netdb.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/pipeline.h"
#include "core/reqid.h"
#include "core/server.h"
#include "core/stream.h"

/* S3 takes at most 5 GiB in one PUT; a larger announced body is refused
 * before it is read. */
#define DEFAULT_MAX_BODY ((size_t)5 * 1024 * 1024 * 1024)
#define DEFAULT_HEADER_TIMEOUT_MS 20000
#define DEFAULT_PER_IP 1024
/* Idle keep-alive connections are closed after this (libmicrohttpd resets
 * it on every byte, hence the separate header deadline). */
#define IDLE_TIMEOUT_S 300
/* Descriptors kept out of the connection limit: listening socket, epoll,
 * inter-thread pipes, spilled bodies, fixture files, logs. */
#define FD_RESERVE 256
/* mockaws's own limits on a request's head, below libmicrohttpd's (see
 * CONN_MEMORY) so that the client gets an AWS-shaped error, not its HTML. */
#define MAX_TARGET (16 * 1024)
/* S3's own: RequestHeaderSectionTooLarge, MaxSizeAllowed 8192. */
#define MAX_HEADER_SECTION 8192
/* libmicrohttpd's buffer for one connection's request head (and answer
 * headers): room for the limits above. It is memory per open connection
 * (libmicrohttpd clears it between requests), twice its default of 32 KiB. */
#define CONN_MEMORY (64 * 1024)
/* How much of max_conns in use counts as pressure. */
#define PRESSURE_PERCENT 80
#define PRESSURE_HEADER_US (1000 * 1000)

/* One open connection, as the edge watchdog sees it. Lives from
 * libmicrohttpd's STARTED to its CLOSED notification (which comes before the
 * descriptor is closed, so fd is valid whenever conns holds it). */
typedef struct conn_info {
    uint64_t id;           /* for the journal */
    int fd;
    char *peer;            /* address text when counted in per_ip, else NULL */
    int64_t armed_us;      /* when the current request head began; 0 = none pending */
    int64_t idle_since_us; /* when the last answer finished (keep-alive), 0 while busy */
    bool in_request;       /* headers complete: the deadline no longer applies */
    struct req_ctx *held;  /* a suspended request held by a fault's timeout, or NULL */
    bool streaming;        /* answering with a journal stream (core/stream.h) */
    struct req_scratch *scratch; /* owned: reused by each request on the connection */
} conn_info;

/* What the edge builds of a request for the wire layer, kept by its
 * connection from one request to the next (a connection carries one request
 * at a time): once a connection has seen a request this large, the next
 * costs no allocation for its headers or path. */
typedef struct req_scratch {
    GArray *headers; /* of http_header: names in text, values borrowed from
                        libmicrohttpd (valid until the request completes) or,
                        when folded, in text */
    GString *text;   /* used as a flat buffer: lowercased names, folded values */
    GString *path;   /* the target's path */
} req_scratch;

static req_scratch *scratch_new(void)
{
    req_scratch *sc = g_new(req_scratch, 1);
    sc->headers = g_array_new(FALSE, FALSE, sizeof(http_header));
    sc->text = g_string_new(NULL);
    sc->path = g_string_new(NULL);
    return sc;
}

static void scratch_free(req_scratch *sc)
{
    if (!sc)
        return;
    g_array_free(sc->headers, TRUE);
    g_string_free(sc->text, TRUE);
    g_string_free(sc->path, TRUE);
    g_free(sc);
}

/* The bytes of the names and values, and how many: for the header
 * section's limit (head_too_large) and the room collect_headers needs. */
typedef struct head_size {
    size_t text;
    size_t n;
} head_size;

typedef struct req_ctx {
    char *uri;             /* request target, as sent (origin-form) */
    char *abs_host;        /* the authority of an absolute-form target, or NULL */
    body_buf *body;
    bool headers_seen;
    bool too_large;
    int io_error;          /* errno of a body that could not be stored, or 0 */
    struct MHD_Response *ready; /* an answer held back while suspended */
    unsigned ready_status;
    int64_t due_us;        /* monotonic time to resume at */
    bool drop_on_resume;   /* a held connection: close it instead of answering */
    char *park_key;        /* listed under this key (svc_park), to run again when
                              woken or due; g_malloc'd, or NULL */
    bool park_woken;       /* taken off the key by edge_wake rather than its timer */
    bool park_suspended;   /* its connection is suspended (in delayed) */
    int64_t parked_since_us; /* monotonic time its first park began, 0: never parked */
    struct MHD_Connection *conn;
    head_size head;        /* of its headers, measured with the head */
} req_ctx;

/* ---- delayed answers and parked requests ---- */

/* Takes c off its key's list (under delay_lock). */
static void park_forget(server *s, req_ctx *c)
{
    GQueue *q = g_hash_table_lookup(s->parked, c->park_key);
    if (q && g_queue_remove(q, c) && g_queue_is_empty(q))
        g_hash_table_remove(s->parked, c->park_key);
}

static gint by_due(gconstpointer a, gconstpointer b)
{
    const req_ctx *x = a, *y = b;
    return x->due_us < y->due_us ? -1 : x->due_us > y->due_us;
}

static gpointer delay_main(gpointer arg)
{
    server *s = arg;
    g_mutex_lock(&s->delay_lock);
    while (!s->stopping) {
        int64_t now = g_get_monotonic_time();
        while (s->delayed && ((req_ctx *)s->delayed->data)->due_us <= now) {
            req_ctx *c = s->delayed->data;
            s->delayed = g_list_delete_link(s->delayed, s->delayed);
            if (c->park_key)
                park_forget(s, c); /* its time ran out */
            MHD_resume_connection(c->conn);
        }
        if (s->delayed)
            g_cond_wait_until(&s->delay_cond, &s->delay_lock, ((req_ctx *)s->delayed->data)->due_us);
        else
            g_cond_wait(&s->delay_cond, &s->delay_lock);
    }
    /* Whatever still waits is answered at once so that the daemon can stop
     * (a parked request as if its time ran out). */
    for (GList *l = s->delayed; l; l = l->next)
        MHD_resume_connection(((req_ctx *)l->data)->conn);
    g_list_free(s->delayed);
    s->delayed = NULL;
    g_hash_table_remove_all(s->parked);
    g_mutex_unlock(&s->delay_lock);
    return NULL;
}

/* Resumes a waiting connection before its time because its client is
 * gone, to be closed; false when it was not waiting (already resumed). */
static bool delay_cancel(server *s, req_ctx *c)
{
    g_mutex_lock(&s->delay_lock);
    GList *l = g_list_find(s->delayed, c);
    if (l) {
        s->delayed = g_list_delete_link(s->delayed, l);
        c->drop_on_resume = true;
        if (c->park_key)
            park_forget(s, c);
        MHD_resume_connection(c->conn);
    }
    g_mutex_unlock(&s->delay_lock);
    return l != NULL;
}

/* False when the server is stopping: the caller answers at once. */
static bool delay_answer(server *s, req_ctx *c, int64_t delay_ms)
{
    c->due_us = g_get_monotonic_time() + delay_ms * 1000;
    g_mutex_lock(&s->delay_lock);
    bool ok = !s->stopping;
    if (ok) {
        MHD_suspend_connection(c->conn);
        s->delayed = g_list_insert_sorted(s->delayed, c, by_due);
        g_cond_signal(&s->delay_cond);
    }
    g_mutex_unlock(&s->delay_lock);
    return ok;
}

void edge_park_begin(server *s, void *ctx, const char *key)
{
    req_ctx *c = ctx;
    g_mutex_lock(&s->delay_lock);
    if (c->park_key) /* a second svc_park in one run: the last key counts */
        park_forget(s, c);
    g_free(c->park_key);
    c->park_key = g_strdup(key);
    c->park_woken = false;
    GQueue *q = g_hash_table_lookup(s->parked, key);
    if (!q)
        g_hash_table_insert(s->parked, g_strdup(key), q = g_queue_new());
    g_queue_push_tail(q, c);
    g_mutex_unlock(&s->delay_lock);
}

/* What became of a request its handler parked. */
typedef enum park_result { PARK_WAITING, PARK_RUN_AGAIN, PARK_STOPPING } park_result;

/* Suspends c, listed by edge_park_begin, for timeout_ms; unless it was
 * woken while its handler was returning (run it again now) or the server is
 * stopping (close the connection). */
static park_result park(server *s, req_ctx *c, int64_t timeout_ms)
{
    g_mutex_lock(&s->delay_lock);
    park_result r = c->park_woken ? PARK_RUN_AGAIN : s->stopping ? PARK_STOPPING : PARK_WAITING;
    if (r == PARK_WAITING) {
        c->due_us = g_get_monotonic_time() + timeout_ms * 1000;
        c->park_suspended = true;
        MHD_suspend_connection(c->conn);
        s->delayed = g_list_insert_sorted(s->delayed, c, by_due);
        g_cond_signal(&s->delay_cond);
    } else {
        park_forget(s, c);
        g_free(c->park_key);
        c->park_key = NULL;
    }
    g_mutex_unlock(&s->delay_lock);
    return r;
}

/* A handler that parked and then failed: its answer goes out now. */
static void park_abandon(server *s, req_ctx *c)
{
    g_mutex_lock(&s->delay_lock);
    park_forget(s, c);
    g_mutex_unlock(&s->delay_lock);
    g_free(c->park_key);
    c->park_key = NULL;
}

/* edge_wake under delay_lock. */
static size_t wake_locked(server *s, const char *key, size_t max)
{
    GQueue *q = g_hash_table_lookup(s->parked, key);
    size_t n = 0;
    req_ctx *c;
    while (n < max && q && (c = g_queue_pop_head(q))) {
        c->park_woken = true;
        if (c->park_suspended) {
            s->delayed = g_list_remove(s->delayed, c);
            MHD_resume_connection(c->conn);
        }
        n++;
    }
    if (q && g_queue_is_empty(q))
        g_hash_table_remove(s->parked, key);
    return n;
}

size_t edge_wake(server *s, const char *key, size_t max)
{
    g_mutex_lock(&s->delay_lock);
    size_t n = wake_locked(s, key, max);
    g_mutex_unlock(&s->delay_lock);
    return n;
}

size_t edge_parked(server *s, const char *key)
{
    g_mutex_lock(&s->delay_lock);
    GQueue *q = g_hash_table_lookup(s->parked, key);
    size_t n = q ? g_queue_get_length(q) : 0;
    g_mutex_unlock(&s->delay_lock);
    return n;
}

/* ---- libmicrohttpd glue ---- */

/* ---- the edge ---- */

/* The client's address as text, for per_ip; NULL for loopback (never
 * capped: every local test client shares it). */
static char *peer_key(const struct sockaddr *sa)
{
    char text[INET6_ADDRSTRLEN] = "";
    if (sa && sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, text, sizeof text);
    else if (sa && sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, text, sizeof text);
    const char *v4 = g_str_has_prefix(text, "::ffff:") ? text + 7 : text;
    if (!text[0] || g_str_has_prefix(v4, "127.") || strcmp(text, "::1") == 0)
        return NULL;
    return g_strdup(text);
}

/* libmicrohttpd asks before it accepts: a client at its cap is refused. */
static enum MHD_Result on_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
    server *s = cls;
    char *key = peer_key(addr);
    if (!key)
        return MHD_YES;
    g_mutex_lock(&s->edge_lock);
    unsigned open = GPOINTER_TO_UINT(g_hash_table_lookup(s->per_ip, key));
    g_mutex_unlock(&s->edge_lock);
    if (open >= s->max_conns_per_ip)
        server_log(s, MOCKAWS_LOG_WARN, "refused a connection from %s: it has %u open (--max-connections-per-ip)",
                   key, open);
    g_free(key);
    return open < s->max_conns_per_ip ? MHD_YES : MHD_NO;
}

static conn_info *conn_of(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

/* Under edge_lock. A request head has begun: its deadline runs. */
static void arm(conn_info *ci, int64_t now)
{
    if (!ci->armed_us && !ci->in_request)
        ci->armed_us = now;
    ci->idle_since_us = 0;
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
    server *s = cls;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        conn_info *ci = g_new0(conn_info, 1);
        ci->id = atomic_fetch_add(&s->next_conn, 1) + 1;
        const union MHD_ConnectionInfo *fdi = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        ci->fd = fdi ? fdi->connect_fd : -1;
        const union MHD_ConnectionInfo *ai = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        ci->peer = peer_key(ai ? ai->client_addr : NULL);
        /* A new connection owes its first request at once. */
        ci->armed_us = g_get_monotonic_time();
        g_mutex_lock(&s->edge_lock);
        g_hash_table_add(s->conns, ci);
        if (ci->peer) {
            unsigned n = GPOINTER_TO_UINT(g_hash_table_lookup(s->per_ip, ci->peer));
            g_hash_table_insert(s->per_ip, g_strdup(ci->peer), GUINT_TO_POINTER(n + 1));
        }
        g_mutex_unlock(&s->edge_lock);
        *socket_context = ci;
        return;
    }
    conn_info *ci = *socket_context;
    if (!ci)
        return;
    g_mutex_lock(&s->edge_lock);
    g_hash_table_remove(s->conns, ci);
    if (ci->peer) {
        unsigned n = GPOINTER_TO_UINT(g_hash_table_lookup(s->per_ip, ci->peer));
        if (n > 1)
            g_hash_table_insert(s->per_ip, g_strdup(ci->peer), GUINT_TO_POINTER(n - 1));
        else
            g_hash_table_remove(s->per_ip, ci->peer);
    }
    g_mutex_unlock(&s->edge_lock);
    g_free(ci->peer);
    scratch_free(ci->scratch);
    g_free(ci);
    *socket_context = NULL;
}

/* Whether the peer has sent anything since `since` (monotonic µs). The
 * kernel keeps the time of the last segment with data. */
static bool received_since(int fd, int64_t now, int64_t since)
{
    struct tcp_info ti;
    socklen_t len = sizeof ti;
    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0)
        return false;
    return now - (int64_t)ti.tcpi_last_data_recv * 1000 > since + 10000;
}

/* Whether the peer has closed its side (the socket waits in CLOSE_WAIT). */
static bool peer_closed(int fd)
{
    struct tcp_info ti;
    socklen_t len = sizeof ti;
    return getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) == 0 && ti.tcpi_state == TCP_CLOSE_WAIT;
}

static bool delay_cancel(server *s, struct req_ctx *c);

/* One pass over the open connections, under edge_lock. */
static void edge_sweep(server *s)
{
    int64_t now = g_get_monotonic_time();
    bool pressure = (uint64_t)g_hash_table_size(s->conns) * 100 >= (uint64_t)s->max_conns * PRESSURE_PERCENT;
    int64_t deadline = pressure ? MIN(s->header_timeout_us, PRESSURE_HEADER_US) : s->header_timeout_us;
    GHashTableIter it;
    gpointer key;
    g_hash_table_iter_init(&it, s->conns);
    while (g_hash_table_iter_next(&it, &key, NULL)) {
        conn_info *ci = key;
        if (ci->fd < 0)
            continue;
        if (ci->held) {
            if (peer_closed(ci->fd) && delay_cancel(s, ci->held))
                ci->held = NULL;
            continue;
        }
        if (ci->streaming) {
            /* suspended between events, libmicrohttpd would not see it go */
            if (peer_closed(ci->fd))
                stream_hangup(s->streams, ci->id);
            continue;
        }
        if (ci->in_request)
            continue;
        if (ci->idle_since_us && !ci->armed_us && received_since(ci->fd, now, ci->idle_since_us))
            arm(ci, now);
        bool late = ci->armed_us && now - ci->armed_us > deadline;
        bool idle = ci->idle_since_us && pressure && now - ci->idle_since_us > PRESSURE_HEADER_US;
        if (late || idle) {
            /* libmicrohttpd reads the end of the stream and closes it. */
            server_log(s, MOCKAWS_LOG_DEBUG, "connection %" G_GUINT64_FORMAT ": %s", ci->id,
                       late ? "request head not complete in time: dropped" : "idle under pressure: closed");
            shutdown(ci->fd, SHUT_RDWR);
            ci->fd = -1;
        }
    }
}

static gpointer edge_main(gpointer arg)
{
    server *s = arg;
    /* Often enough that a deadline is kept to within a quarter of itself. */
    int64_t tick = CLAMP(s->header_timeout_us / 4, 10 * 1000, 250 * 1000);
    g_mutex_lock(&s->edge_lock);
    while (!s->edge_stopping) {
        edge_sweep(s);
        g_cond_wait_until(&s->edge_cond, &s->edge_lock, g_get_monotonic_time() + tick);
    }
    g_mutex_unlock(&s->edge_lock);
    return NULL;
}

/* The open-file limit bounds the connections: a default below it. */
static unsigned default_max_conns(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
        return 16384;
    rlim_t n = rl.rlim_cur > 2 * FD_RESERVE ? rl.rlim_cur - FD_RESERVE : rl.rlim_cur / 2;
    return (unsigned)MIN(n, (rlim_t)1000000);
}

/* ---- libmicrohttpd glue ---- */

/* An absolute-form target (what proxies send: http://host:port/path?q):
 * the path and query are the target's, the authority is the Host. */
static void split_absolute(req_ctx *c, const char *uri)
{
    size_t scheme = g_ascii_strncasecmp(uri, "http://", 7) == 0    ? 7
                    : g_ascii_strncasecmp(uri, "https://", 8) == 0 ? 8
                                                                   : 0;
    if (!scheme) {
        c->uri = g_strdup(uri);
        return;
    }
    const char *auth = uri + scheme;
    size_t alen = strcspn(auth, "/?#");
    c->abs_host = g_strndup(auth, alen);
    const char *rest = auth + alen;
    c->uri = rest[0] == '/' ? g_strdup(rest) : g_strconcat("/", rest, NULL);
}

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
    server *s = cls;
    req_ctx *c = g_new0(req_ctx, 1);
    split_absolute(c, uri);
    c->body = body_new(s->body_spill, NULL);
    c->conn = conn;
    conn_info *ci = conn_of(conn);
    if (ci) {
        g_mutex_lock(&s->edge_lock);
        arm(ci, g_get_monotonic_time());
        g_mutex_unlock(&s->edge_lock);
    }
    return c;
}

/* Keep the request target raw: the wire layer decodes each part itself. */
static size_t no_unescape(void *cls, struct MHD_Connection *conn, char *s)
{
    return strlen(s);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                        enum MHD_RequestTerminationCode toe)
{
    server *s = cls;
    req_ctx *c = *con_cls;
    conn_info *ci = conn_of(conn);
    if (ci) {
        /* Waiting for the next request: idle until its first byte. */
        g_mutex_lock(&s->edge_lock);
        ci->in_request = false;
        ci->armed_us = 0;
        ci->idle_since_us = g_get_monotonic_time();
        ci->streaming = false;
        if (ci->held == c)
            ci->held = NULL;
        g_mutex_unlock(&s->edge_lock);
    }
    if (!c)
        return;
    if (c->park_key) {
        /* still listed when libmicrohttpd ends the request itself; woken
         * (and so off the list) but gone before it ran again, it passes the
         * wake on: whatever it was woken for is still there for another */
        g_mutex_lock(&s->delay_lock);
        park_forget(s, c);
        s->delayed = g_list_remove(s->delayed, c);
        if (c->park_woken)
            wake_locked(s, c->park_key, 1);
        g_mutex_unlock(&s->delay_lock);
        g_free(c->park_key);
    }
    if (c->ready)
        MHD_destroy_response(c->ready);
    body_free(c->body);
    g_free(c->uri);
    g_free(c->abs_host);
    g_free(c);
    *con_cls = NULL;
}

static enum MHD_Result measure_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    head_size *hs = cls;
    hs->text += strlen(key) + (value ? strlen(value) : 0);
    hs->n++;
    return MHD_YES;
}

typedef struct header_fill {
    req_scratch *sc;
    size_t used;     /* bytes of sc->text taken */
    bool folds;      /* a name came twice */
} header_fill;

/* Pass two: each name lowercased into the scratch text, its value borrowed. */
static enum MHD_Result fill_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    header_fill *f = cls;
    size_t klen = strlen(key);
    char *name = f->sc->text->str + f->used;
    for (size_t i = 0; i < klen; i++)
        name[i] = g_ascii_tolower(key[i]);
    name[klen] = '\0';
    f->used += klen + 1;
    for (guint i = 0; i < f->sc->headers->len && !f->folds; i++)
        f->folds = strcmp(g_array_index(f->sc->headers, http_header, i).name, name) == 0;
    http_header h = {name, (char *)(value ? value : "")};
    g_array_append_val(f->sc->headers, h);
    return MHD_YES;
}

/* Repeated headers fold into the first, comma-separated, as HTTP allows.
 * The folded values go after f->used: collect_headers left room for every
 * value once, and each value is copied into at most one folded value. */
static void fold_headers(header_fill *f)
{
    GArray *hs = f->sc->headers;
    for (guint i = 0; i < hs->len; i++) {
        http_header *first = &g_array_index(hs, http_header, i);
        char *out = f->sc->text->str + f->used, *p = out;
        bool folded = false;
        for (guint j = i + 1; j < hs->len;) {
            http_header *h = &g_array_index(hs, http_header, j);
            if (strcmp(h->name, first->name) != 0) {
                j++;
                continue;
            }
            if (!folded) {
                size_t n = strlen(first->value);
                memcpy(p, first->value, n);
                p += n;
                folded = true;
            }
            size_t n = strlen(h->value);
            *p++ = ',';
            memcpy(p, h->value, n);
            p += n;
            g_array_remove_index(hs, j);
            first = &g_array_index(hs, http_header, i);
        }
        if (folded) {
            *p++ = '\0';
            first->value = out;
            f->used += (size_t)(p - out);
        }
    }
}

/* The request's headers (measured as hs), names lowercased, into sc (reset
 * first). */
static void collect_headers(struct MHD_Connection *conn, const head_size *hs, req_scratch *sc)
{
    /* Each name and value with its NUL. The buffer is sized once, before any
     * pointer into it is taken. */
    g_string_set_size(sc->text, hs->text + 2 * hs->n);
    g_array_set_size(sc->headers, 0);
    header_fill f = {sc, 0, false};
    MHD_get_connection_values(conn, MHD_HEADER_KIND, fill_header, &f);
    if (f.folds)
        fold_headers(&f);
}

static void free_body(void *p)
{
    g_free(p);
}

/* The block libmicrohttpd asks a journal stream for at most. */
#define STREAM_BLOCK (16 * 1024)

static struct MHD_Response *to_mhd(http_response *r)
{
    struct MHD_Response *m;
    if (r->stream) {
        /* the listener is the response's now: released with it */
        m = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, STREAM_BLOCK, stream_read, r->stream,
                                              stream_release);
        r->stream = NULL;
    } else if (r->ext_data) {
        m = MHD_create_response_from_buffer_with_free_callback_cls(r->ext_len, (void *)r->ext_data,
                                                                   r->ext_free, r->ext_arg);
        r->ext_free = NULL; /* now MHD's */
        r->ext_data = NULL;
    } else {
        /* The body's buffer becomes MHD's: no copy, and no new GString
         * (the response is cleared next). */
        size_t len = r->body->len;
        char *data = g_string_free(r->body, FALSE);
        r->body = NULL;
        m = MHD_create_response_from_buffer_with_free_callback(len, data, free_body);
    }
    for (guint i = 0; i < r->headers->len; i++) {
        http_header *h = &g_array_index(r->headers, http_header, i);
        /* The length is the body's, which libmicrohttpd writes itself (HEAD
         * answers carry the body only for its length). */
        if (g_ascii_strcasecmp(h->name, "Content-Length") != 0)
            MHD_add_response_header(m, h->name, h->value);
    }
    return m;
}

/* An answer of mockaws's own edge, before any service has the request:
 * JSON for the JSON protocols (X-Amz-Target), else the <Error> document
 * S3 (and the query protocols' clients) read. */
static struct MHD_Response *edge_error(server *s, struct MHD_Connection *conn, const char *code,
                                       const char *message, size_t max_allowed)
{
    char uuid[64], id[17];
    reqid_new(s, uuid, sizeof uuid);
    reqid_s3(uuid, id);
    bool json = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Amz-Target") != NULL;
    char *text;
    if (json) {
        json_t *o = json_pack("{s:s, s:s}", "__type", code, "message", message);
        char *t = json_dumps(o, JSON_COMPACT);
        text = g_strdup(t);
        free(t);
        json_decref(o);
    } else {
        char max[64] = "";
        if (max_allowed)
            g_snprintf(max, sizeof max, "<MaxSizeAllowed>%zu</MaxSizeAllowed>", max_allowed);
        text = g_strdup_printf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>%s</Code>"
                               "<Message>%s</Message>%s<RequestId>%s</RequestId></Error>",
                               code, message, max, id);
    }
    struct MHD_Response *m = MHD_create_response_from_buffer_with_free_callback(strlen(text), text, free_body);
    MHD_add_response_header(m, "Content-Type", json ? "application/x-amz-json-1.0" : "application/xml");
    if (json) {
        MHD_add_response_header(m, "x-amzn-ErrorType", code);
        MHD_add_response_header(m, "x-amzn-RequestId", uuid);
    } else {
        MHD_add_response_header(m, "x-amz-request-id", id);
    }
    MHD_add_response_header(m, "Connection", "close");
    return m;
}

/* mockaws's own limits on the request head, below what libmicrohttpd would
 * answer itself (in HTML): the request line and the header section. */
static struct MHD_Response *head_too_large(server *s, struct MHD_Connection *conn, req_ctx *c)
{
    MHD_get_connection_values(conn, MHD_HEADER_KIND, measure_header, &c->head);
    size_t headers = c->head.text + 4 * c->head.n; /* ": " and CRLF each */
    size_t target = strlen(c->uri) + (c->abs_host ? strlen(c->abs_host) : 0);
    if (target <= MAX_TARGET && headers <= MAX_HEADER_SECTION)
        return NULL;
    if (target > MAX_TARGET)
        return edge_error(s, conn, "RequestHeaderSectionTooLarge",
                          "Your request-target exceeds the maximum allowed size.", MAX_TARGET);
    return edge_error(s, conn, "RequestHeaderSectionTooLarge",
                      "Your request header section exceeds the maximum allowed size.", MAX_HEADER_SECTION);
}

/* A request left waiting (parked, or a connection fault that never
 * answers): the watchdog lets it go as soon as the client does. */
static void hold(server *s, conn_info *ci, req_ctx *c)
{
    if (!ci)
        return;
    g_mutex_lock(&s->edge_lock);
    ci->held = c;
    g_mutex_unlock(&s->edge_lock);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    server *s = cls;
    req_ctx *c = *con_cls;
    if (c->drop_on_resume)
        return MHD_NO;
    svc_park_state park_in = {.edge = c};
    if (c->park_key) {
        /* resumed: run it again; the handler learns whether its time ran out */
        park_in.expired = !c->park_woken;
        park_in.waited_ms = (g_get_monotonic_time() - c->parked_since_us) / 1000;
        g_free(c->park_key); /* off the lists already: woken, timed out or stopping */
        c->park_key = NULL;
        c->park_suspended = false;
    }
    if (c->ready) {
        /* resumed after a delay */
        enum MHD_Result rc = MHD_queue_response(conn, c->ready_status, c->ready);
        MHD_destroy_response(c->ready);
        c->ready = NULL;
        return rc;
    }
    if (*upload_data_size) {
        /* Stored as it comes, in memory or spilled to a file: nothing is
         * reserved from the announced length. */
        if (!c->too_large && !c->io_error) {
            if (body_len(c->body) + *upload_data_size > s->max_body) {
                c->too_large = true;
                body_free(c->body);
                c->body = body_new(s->body_spill, NULL);
            } else if (body_append(c->body, upload_data, *upload_data_size) != 0) {
                c->io_error = errno ? errno : EIO;
            }
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    conn_info *ci = conn_of(conn);
    if (!c->headers_seen) {
        /* The first call brings the headers only: the body follows in later
         * calls. A body announced over the limit is refused at once. */
        c->headers_seen = true;
        if (ci) {
            g_mutex_lock(&s->edge_lock);
            ci->in_request = true;
            ci->armed_us = 0;
            g_mutex_unlock(&s->edge_lock);
        }
        struct MHD_Response *early = head_too_large(s, conn, c);
        if (early) {
            enum MHD_Result rc = MHD_queue_response(conn, 400, early);
            MHD_destroy_response(early);
            return rc;
        }
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
        if (!cl || strtoull(cl, NULL, 10) <= s->max_body)
            return MHD_YES;
        c->too_large = true;
    }
    if (c->io_error || body_finish(c->body) != 0) {
        int e = c->io_error ? c->io_error : errno;
        server_log(s, MOCKAWS_LOG_ERROR, "cannot store a request body of %zu bytes: %s", body_len(c->body),
                   g_strerror(e));
        struct MHD_Response *m = edge_error(s, conn, "InternalError",
                                            "mockaws could not store the request body (see its log).", 0);
        enum MHD_Result rc = MHD_queue_response(conn, 500, m);
        MHD_destroy_response(m);
        return rc;
    }

    if (ci && !ci->scratch)
        ci->scratch = scratch_new();
    req_scratch *sc = ci ? ci->scratch : scratch_new();
    collect_headers(conn, &c->head, sc);
    const char *q = strchr(c->uri, '?');
    g_string_truncate(sc->path, 0);
    g_string_append_len(sc->path, c->uri, q ? (gssize)(q - c->uri) : (gssize)strlen(c->uri));
    const char *path = sc->path->str;
    const char *host = c->abs_host ? c->abs_host : MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Host");
    http_request req = {
        .method = method,
        .path = path[0] ? path : "/",
        .query = q ? q + 1 : "",
        .host = host ? host : "",
        .headers = (const http_header *)sc->headers->data,
        .nheaders = sc->headers->len,
        .body = body_data(c->body),
        .body_len = body_len(c->body),
        .body_store = c->body,
    };
    uint64_t conn_id = ci ? ci->id : 0;

    http_response resp;
    pipeline_outcome out;
    for (;;) {
        http_response_init(&resp);
        pipeline_handle_parkable(s, &req, conn_id, c->too_large, &park_in, &resp, &out);
        if (!out.parked) {
            if (c->park_key)
                park_abandon(s, c);
            break;
        }
        /* nothing to answer yet */
        http_response_clear(&resp);
        if (!c->parked_since_us)
            c->parked_since_us = g_get_monotonic_time();
        park_result pr = park(s, c, out.park_ms);
        if (pr == PARK_RUN_AGAIN) {
            park_in.expired = false;
            park_in.waited_ms = (g_get_monotonic_time() - c->parked_since_us) / 1000;
            continue;
        }
        if (!ci)
            scratch_free(sc);
        if (pr == PARK_STOPPING)
            return MHD_NO;
        hold(s, ci, c);
        return MHD_YES;
    }
    unsigned status = (unsigned)resp.status;
    if (resp.stream) {
        stream_attach(resp.stream, conn, conn_id);
        if (ci) {
            g_mutex_lock(&s->edge_lock);
            ci->streaming = true;
            g_mutex_unlock(&s->edge_lock);
        }
    }
    struct MHD_Response *m = to_mhd(&resp);
    http_response_clear(&resp);
    if (!ci)
        scratch_free(sc);

    switch (out.conn) {
    case FAULT_CONN_RESET: {
        /* Linger 0: the close that follows sends RST instead of FIN. */
        const union MHD_ConnectionInfo *fdi = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        struct linger lg = {1, 0};
        if (fdi)
            setsockopt(fdi->connect_fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
        MHD_destroy_response(m);
        return MHD_NO;
    }
    case FAULT_CONN_CLOSE:
        MHD_destroy_response(m);
        return MHD_NO;
    case FAULT_CONN_TIMEOUT:
        /* Never answered: held until the client gives up and the connection
         * times out, the server stops, or an hour (or the rule's delay) passes. */
        MHD_destroy_response(m);
        c->drop_on_resume = true;
        if (!delay_answer(s, c, out.delay_ms > 0 ? out.delay_ms : 3600 * 1000))
            return MHD_NO;
        hold(s, ci, c);
        return MHD_YES;
    case FAULT_CONN_NONE:
        break;
    }
    if (out.delay_ms > 0) {
        c->ready = m;
        c->ready_status = status;
        if (delay_answer(s, c, out.delay_ms))
            return MHD_YES;
        c->ready = NULL;
    }
    enum MHD_Result rc = MHD_queue_response(conn, status, m);
    MHD_destroy_response(m);
    return rc;
}

/* ---- lifecycle ---- */

/* Tells a helper thread to stop (its flag, under its lock) and waits. */
static void stop_thread(GThread *t, GMutex *lock, GCond *cond, bool *stopping)
{
    if (!t)
        return;
    g_mutex_lock(lock);
    *stopping = true;
    g_cond_signal(cond);
    g_mutex_unlock(lock);
    g_thread_join(t);
}

void edge_init(server *s, const mockaws_options *opts)
{
    g_mutex_init(&s->delay_lock);
    g_cond_init(&s->delay_cond);
    s->parked = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_queue_free);
    g_mutex_init(&s->edge_lock);
    g_cond_init(&s->edge_cond);
    s->conns = g_hash_table_new(g_direct_hash, g_direct_equal);
    s->per_ip = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    s->body_spill = opts->body_spill ? opts->body_spill : BODY_SPILL_DEFAULT;
    s->header_timeout_us = (int64_t)(opts->header_timeout_ms ? opts->header_timeout_ms : DEFAULT_HEADER_TIMEOUT_MS) * 1000;
    s->max_conns = opts->max_connections ? opts->max_connections : default_max_conns();
    s->max_conns_per_ip = opts->max_connections_per_ip ? opts->max_connections_per_ip : DEFAULT_PER_IP;
    s->max_body = opts->max_body ? opts->max_body : DEFAULT_MAX_BODY;
    unsigned ncpu = g_get_num_processors();
    s->threads = opts->threads ? opts->threads : (ncpu < 2 ? 2 : ncpu);
    s->streams = stream_hub_new(s->journal, STREAM_MAX_LISTENERS, STREAM_KEEPALIVE_MS);
}

int edge_start(server *s, unsigned port, char *err, size_t errlen)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE};
    struct addrinfo *ai = NULL;
    char portstr[16];
    g_snprintf(portstr, sizeof portstr, "%u", port);
    const char *bind_host = strcmp(s->host, "localhost") == 0 ? "127.0.0.1" : s->host;
    int gai = getaddrinfo(bind_host, portstr, &hints, &ai);
    if (gai != 0) {
        g_snprintf(err, errlen, "cannot resolve host '%s': %s", s->host, gai_strerror(gai));
        return -1;
    }
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
                     (ai->ai_family == AF_INET6 ? MHD_USE_IPv6 : 0);
    /* Each worker thread takes its share of the connection limit. */
    unsigned limit = MAX(s->max_conns, s->threads);
    s->daemon = MHD_start_daemon(
        flags, 0, on_accept, s, on_request, s, MHD_OPTION_SOCK_ADDR, ai->ai_addr, MHD_OPTION_THREAD_POOL_SIZE,
        s->threads, MHD_OPTION_URI_LOG_CALLBACK, on_uri, s, MHD_OPTION_UNESCAPE_CALLBACK, no_unescape, s,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)IDLE_TIMEOUT_S, MHD_OPTION_CONNECTION_LIMIT, limit,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONN_MEMORY, MHD_OPTION_LISTEN_BACKLOG_SIZE,
        (unsigned)MIN(limit, 4096u), MHD_OPTION_END);
    freeaddrinfo(ai);
    if (!s->daemon) {
        g_snprintf(err, errlen, "cannot listen on %s:%u (port in use, or address not available)", s->host,
                   port);
        return -1;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = di ? di->port : port;
    g_snprintf(s->endpoint, sizeof s->endpoint, strchr(s->host, ':') ? "http://[%s]:%u" : "http://%s:%u",
               s->host, s->port);
    s->delay_thread = g_thread_new("mockaws-delay", delay_main, s);
    s->edge_thread = g_thread_new("mockaws-edge", edge_main, s);
    return 0;
}

void edge_stop(server *s)
{
    /* No MHD_quiesce_daemon: with a pool of epoll workers it removes the
     * listening socket from each worker's epoll set while a worker may be
     * removing it too (at its connection limit), and libmicrohttpd 0.9.75
     * then aborts ("Failed to remove listen FD from epoll set"); seen once
     * in about a thousand stops under ASan. MHD_stop_daemon closes the
     * listening socket itself. */
    stop_thread(s->delay_thread, &s->delay_lock, &s->delay_cond, &s->stopping);
    stop_thread(s->edge_thread, &s->edge_lock, &s->edge_cond, &s->edge_stopping);
    /* streams end (resumed if suspended: libmicrohttpd stops with none) */
    stream_hub_stop(s->streams);
    if (s->daemon)
        MHD_stop_daemon(s->daemon);
    stream_hub_free(s->streams);
    s->streams = NULL;
    g_mutex_clear(&s->delay_lock);
    g_cond_clear(&s->delay_cond);
    if (s->parked)
        g_hash_table_destroy(s->parked);
    if (s->conns)
        g_hash_table_destroy(s->conns);
    if (s->per_ip)
        g_hash_table_destroy(s->per_ip);
    g_mutex_clear(&s->edge_lock);
    g_cond_clear(&s->edge_cond);
}
