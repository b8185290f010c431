#include "services/sns/httpc.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <gnutls/gnutls.h>
#include <netdb.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0 /* macOS: SO_NOSIGPIPE is set on the socket instead */
#endif

/* A response larger than this is not read further: only its status matters. */
#define MAX_RESPONSE (64 * 1024)

void sns_url_clear(sns_url *u)
{
    g_free(u->host);
    g_free(u->port);
    g_free(u->target);
    g_free(u->host_header);
    memset(u, 0, sizeof *u);
}

/* Printable ASCII only: what may go into a request line or header. */
static bool printable(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f)
            return false;
    return true;
}

bool sns_url_acceptable(const char *url, const char *scheme)
{
    if (!url || !printable(url))
        return false;
    GUri *u = g_uri_parse(url, G_URI_FLAGS_NONE, NULL);
    const char *host = u ? g_uri_get_host(u) : NULL;
    bool ok = u && !g_ascii_strcasecmp(g_uri_get_scheme(u), scheme) && host && *host;
    if (u)
        g_uri_unref(u);
    return ok;
}

int sns_url_parse(const char *url, sns_url *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    bool tls = sns_url_acceptable(url, "https");
    if (!tls && !sns_url_acceptable(url, "http")) {
        g_snprintf(err, errlen, "not an http:// or https:// URL of printable ASCII");
        return -1;
    }
    const char *auth = url + (tls ? 8 : 7);
    size_t alen = strcspn(auth, "/?#");
    char *authority = g_strndup(auth, alen);
    const char *rest = auth + alen;
    if (strchr(authority, '@') || !*authority) {
        g_snprintf(err, errlen, "URL has no host, or has user info");
        g_free(authority);
        return -1;
    }
    char *host = NULL, *port = NULL;
    if (authority[0] == '[') {
        char *close = strchr(authority, ']');
        if (!close || (close[1] && close[1] != ':')) {
            g_snprintf(err, errlen, "malformed IPv6 host");
            g_free(authority);
            return -1;
        }
        host = g_strndup(authority + 1, (size_t)(close - authority - 1));
        port = close[1] == ':' ? g_strdup(close + 2) : NULL;
    } else {
        char *colon = strrchr(authority, ':');
        host = colon ? g_strndup(authority, (size_t)(colon - authority)) : g_strdup(authority);
        port = colon ? g_strdup(colon + 1) : NULL;
    }
    if (!*host) {
        g_snprintf(err, errlen, "URL has no host");
        g_free(authority);
        g_free(host);
        g_free(port);
        return -1;
    }
    if (port) {
        char *end;
        unsigned long p = strtoul(port, &end, 10);
        if (!*port || *end || p == 0 || p > 65535) {
            g_snprintf(err, errlen, "malformed port '%s'", port);
            g_free(authority);
            g_free(host);
            g_free(port);
            return -1;
        }
    }
    out->host = host;
    out->tls = tls;
    out->port = port ? port : g_strdup(tls ? "443" : "80");
    out->host_header = authority;
    size_t tlen = strcspn(rest, "#");
    out->target = tlen == 0 ? g_strdup("/")
                  : rest[0] == '?' ? g_strdup_printf("/%.*s", (int)tlen, rest)
                                  : g_strndup(rest, tlen);
    return 0;
}

static bool is_loopback(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET) {
        const unsigned char *a = (const unsigned char *)&((const struct sockaddr_in *)sa)->sin_addr;
        return a[0] == 127;
    }
    if (sa->sa_family == AF_INET6) {
        const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
        if (IN6_IS_ADDR_LOOPBACK(a))
            return true;
        return IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127;
    }
    return false;
}

/* 1 when fd is ready for events, 0 on timeout, -1 when cancelled. */
static int wait_fd(int fd, short events, gint64 deadline_us, int cancel_fd)
{
    for (;;) {
        gint64 left = deadline_us - g_get_monotonic_time();
        if (left <= 0)
            return 0;
        struct pollfd p[2] = {{.fd = fd, .events = events}, {.fd = cancel_fd, .events = POLLIN}};
        int n = poll(p, cancel_fd >= 0 ? 2 : 1, (int)((left + 999) / 1000));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (cancel_fd >= 0 && (p[1].revents & (POLLIN | POLLHUP | POLLERR)))
            return -1;
        if (n > 0 && p[0].revents)
            return 1;
    }
}

static int connect_to(const struct addrinfo *ai, gint64 deadline_us, int cancel_fd, char *err, size_t errlen)
{
    int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (fd < 0) {
        g_snprintf(err, errlen, "socket: %s", g_strerror(errno));
        return -1;
    }
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
#ifdef SO_NOSIGPIPE
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one);
#endif
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 && errno != EINPROGRESS) {
        g_snprintf(err, errlen, "connect: %s", g_strerror(errno));
        close(fd);
        return -1;
    }
    int w = wait_fd(fd, POLLOUT, deadline_us, cancel_fd);
    int soerr = 0;
    socklen_t sl = sizeof soerr;
    if (w <= 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0 || soerr) {
        g_snprintf(err, errlen, "connect: %s",
                   w == 0 ? "timed out" : w < 0 ? "cancelled" : g_strerror(soerr ? soerr : errno));
        close(fd);
        return -1;
    }
    return fd;
}

/* One exchange's connection: the socket, and over it a TLS session for
 * https (NULL for http), with the deadline and the cancel pipe every wait
 * honours. */
typedef struct conn {
    int fd;
    gnutls_session_t tls;
    gnutls_certificate_credentials_t creds;
    gint64 deadline_us;
    int cancel_fd;
} conn;

/* Waits for what the TLS session needs next (it may write while reading). */
static int wait_tls(conn *c)
{
    return wait_fd(c->fd, gnutls_record_get_direction(c->tls) ? POLLOUT : POLLIN, c->deadline_us, c->cancel_fd);
}

static bool send_all(conn *c, const char *p, size_t n, char *err, size_t errlen)
{
    while (n > 0) {
        ssize_t w = c->tls ? gnutls_record_send(c->tls, p, n) : send(c->fd, p, n, MSG_NOSIGNAL);
        if (w > 0) {
            p += w;
            n -= (size_t)w;
            continue;
        }
        bool again = c->tls ? (w == GNUTLS_E_AGAIN || w == GNUTLS_E_INTERRUPTED)
                            : (w < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK));
        if (again) {
            int r = c->tls ? wait_tls(c) : wait_fd(c->fd, POLLOUT, c->deadline_us, c->cancel_fd);
            if (r <= 0) {
                g_snprintf(err, errlen, "send: %s", r == 0 ? "timed out" : "cancelled");
                return false;
            }
            continue;
        }
        g_snprintf(err, errlen, "send: %s", c->tls ? gnutls_strerror((int)w) : g_strerror(errno));
        return false;
    }
    return true;
}

/* Reads what is there, waiting for it: bytes, 0 at the end of the
 * stream, -1 with why set (timed out, cancelled, an error). */
static ssize_t recv_some(conn *c, char *buf, size_t len, char *why, size_t whylen)
{
    for (;;) {
        /* a TLS record may already hold the bytes: no wait for those */
        if (!c->tls || !gnutls_record_check_pending(c->tls)) {
            int r = c->tls ? wait_tls(c) : wait_fd(c->fd, POLLIN, c->deadline_us, c->cancel_fd);
            if (r <= 0) {
                g_snprintf(why, whylen, "%s", r == 0 ? "timed out" : "cancelled");
                return -1;
            }
        }
        ssize_t n = c->tls ? gnutls_record_recv(c->tls, buf, len) : recv(c->fd, buf, len, 0);
        if (n >= 0)
            return n;
        if (c->tls ? (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
                   : (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
            continue;
        /* a peer that closes without TLS's close_notify has still ended the stream */
        if (c->tls && n == GNUTLS_E_PREMATURE_TERMINATION)
            return 0;
        g_snprintf(why, whylen, "%s", c->tls ? gnutls_strerror((int)n) : g_strerror(errno));
        return -1;
    }
}

/* Reads the answer: the status line and headers, then the body as far as
 * Content-Length or the end of the connection says (so that the subscriber
 * can finish writing it). Returns the status or 0 with err set. */
static int read_response(conn *c, char *err, size_t errlen)
{
    GString *buf = g_string_new(NULL);
    char chunk[4096], why[128];
    int status = 0;
    long long need = -1; /* body bytes after the headers, -1 = until EOF */
    size_t head_end = 0;
    for (;;) {
        if (head_end && need >= 0 && (long long)(buf->len - head_end) >= need)
            break;
        ssize_t n = recv_some(c, chunk, sizeof chunk, why, sizeof why);
        if (n <= 0) {
            if (!status && n < 0)
                g_snprintf(err, errlen, "no answer: %s", why);
            else if (!status)
                g_snprintf(err, errlen, "connection closed without an answer");
            break;
        }
        if (buf->len < MAX_RESPONSE)
            g_string_append_len(buf, chunk, n);
        if (!head_end) {
            char *e = strstr(buf->str, "\r\n\r\n");
            if (!e && buf->len >= MAX_RESPONSE) {
                g_snprintf(err, errlen, "response headers too large");
                break;
            }
            if (!e)
                continue;
            head_end = (size_t)(e - buf->str) + 4;
            int major, minor, code;
            if (sscanf(buf->str, "HTTP/%d.%d %d", &major, &minor, &code) != 3 || code < 100 || code > 599) {
                g_snprintf(err, errlen, "malformed status line");
                break;
            }
            status = code;
            char *headers = g_ascii_strdown(buf->str, (gssize)head_end);
            char *cl = strstr(headers, "\r\ncontent-length:");
            if (cl)
                need = g_ascii_strtoll(cl + 17, NULL, 10);
            g_free(headers);
            if (need > MAX_RESPONSE)
                break; /* not worth reading: the status is known */
        }
        if (buf->len >= MAX_RESPONSE)
            break;
    }
    g_string_free(buf, TRUE);
    return status;
}

/* Whether host is an IP address literal (no SNI for those). */
static bool ip_literal(const char *host)
{
    struct in6_addr a6;
    struct in_addr a4;
    return inet_pton(AF_INET, host, &a4) == 1 || inet_pton(AF_INET6, host, &a6) == 1;
}

/* TLS over c->fd with host's certificate checked against the system's
 * trusted CAs (unless insecure). false with err set: a verification
 * failure names what was wrong with the certificate. */
static bool tls_start(conn *c, const char *host, bool insecure, char *err, size_t errlen)
{
    int rc = gnutls_certificate_allocate_credentials(&c->creds);
    if (rc == 0 && !insecure && gnutls_certificate_set_x509_system_trust(c->creds) < 0)
        rc = GNUTLS_E_FILE_ERROR;
    if (rc == 0)
        rc = gnutls_init(&c->tls, GNUTLS_CLIENT | GNUTLS_NONBLOCK);
    if (rc == 0)
        rc = gnutls_set_default_priority(c->tls);
    if (rc == 0)
        rc = gnutls_credentials_set(c->tls, GNUTLS_CRD_CERTIFICATE, c->creds);
    if (rc == 0 && !ip_literal(host))
        rc = gnutls_server_name_set(c->tls, GNUTLS_NAME_DNS, host, strlen(host));
    if (rc != 0) {
        g_snprintf(err, errlen, "TLS setup: %s", gnutls_strerror(rc));
        return false;
    }
    if (!insecure)
        gnutls_session_set_verify_cert(c->tls, host, 0);
    gnutls_transport_set_int(c->tls, c->fd);
    gnutls_handshake_set_timeout(c->tls, 0); /* the deadline below bounds it */
    for (;;) {
        rc = gnutls_handshake(c->tls);
        if (rc == 0)
            return true;
        if (gnutls_error_is_fatal(rc))
            break;
        int w = wait_tls(c);
        if (w <= 0) {
            g_snprintf(err, errlen, "TLS handshake: %s", w == 0 ? "timed out" : "cancelled");
            return false;
        }
    }
    if (rc == GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR) {
        gnutls_datum_t text = {NULL, 0};
        unsigned st = gnutls_session_get_verify_cert_status(c->tls);
        if (gnutls_certificate_verification_status_print(st, gnutls_certificate_type_get(c->tls), &text, 0) == 0) {
            g_snprintf(err, errlen, "TLS: the subscriber's certificate failed verification: %s", text.data);
            gnutls_free(text.data);
            return false;
        }
    }
    g_snprintf(err, errlen, "TLS handshake: %s", gnutls_strerror(rc));
    return false;
}

static void conn_close(conn *c)
{
    if (c->tls)
        gnutls_deinit(c->tls);
    if (c->creds)
        gnutls_certificate_free_credentials(c->creds);
    if (c->fd >= 0)
        close(c->fd);
}

int sns_http_post(const char *url, const char *const *headers, size_t nheaders, const char *body, size_t len,
                  int timeout_ms, int cancel_fd, bool insecure, char *err, size_t errlen)
{
    /* every byte of the head is checked: none may end a line early */
    for (size_t i = 0; i < nheaders; i++) {
        for (const char *p = headers[i]; *p; p++) {
            if (((unsigned char)*p < 0x20 && *p != '\t') || *p == 0x7f) {
                g_snprintf(err, errlen, "header line %zu holds a control character", i);
                return -1;
            }
        }
    }
    sns_url u;
    if (sns_url_parse(url, &u, err, errlen) != 0)
        return -1;
    gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    struct addrinfo *res = NULL;
    int gai = getaddrinfo(u.host, u.port, &hints, &res);
    if (gai != 0) {
        g_snprintf(err, errlen, "cannot resolve '%s': %s", u.host, gai_strerror(gai));
        sns_url_clear(&u);
        return 0;
    }
    int fd = -1;
    bool any_loopback = false;
    for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
        if (!is_loopback(ai->ai_addr))
            continue;
        any_loopback = true;
        fd = connect_to(ai, deadline, cancel_fd, err, errlen);
    }
    freeaddrinfo(res);
    if (!any_loopback) {
        g_snprintf(err, errlen, "'%s' is not a loopback address: mockaws delivers only to this machine", u.host);
        sns_url_clear(&u);
        return -1;
    }
    if (fd < 0) {
        sns_url_clear(&u);
        return 0;
    }
    conn c = {.fd = fd, .deadline_us = deadline, .cancel_fd = cancel_fd};
    if (u.tls && !tls_start(&c, u.host, insecure, err, errlen)) {
        conn_close(&c);
        sns_url_clear(&u);
        return 0;
    }
    GString *req = g_string_new(NULL);
    g_string_printf(req, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Length: %zu\r\nConnection: close\r\n", u.target,
                    u.host_header, len);
    for (size_t i = 0; i < nheaders; i++)
        g_string_append_printf(req, "%s\r\n", headers[i]);
    g_string_append(req, "\r\n");
    int status = 0;
    if (send_all(&c, req->str, req->len, err, errlen) && send_all(&c, body, len, err, errlen))
        status = read_response(&c, err, errlen);
    g_string_free(req, TRUE);
    conn_close(&c);
    sns_url_clear(&u);
    return status;
}
