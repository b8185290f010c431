/* httpc: the smallest HTTP/1.1 client SNS needs to POST a notification to
 * a subscriber on this machine, over TLS for https.
 *
 * libmockaws links no HTTP client library (libcurl is only linked into the
 * tests), and delivery needs little: one POST, a status code back, hard
 * timeouts, and a way to give up at once when the server stops. So this is
 * a blocking client over plain sockets, meant for a worker thread:
 *   - http:// and https://; the host must resolve to a loopback address
 *     (mockaws is a test double: it does not send messages off the machine);
 *   - https through GnuTLS (which libmicrohttpd already brings), on the same
 *     non-blocking socket: the certificate is checked against the system's
 *     trusted CAs and the URL's host unless the caller says insecure;
 *   - one request per connection ("Connection: close");
 *   - connect and the whole exchange are bounded by timeout_ms;
 *   - cancel_fd (the read end of a pipe, or -1) aborts the exchange as soon
 *     as it becomes readable. */
#ifndef MOCKAWS_SNS_HTTPC_H
#define MOCKAWS_SNS_HTTPC_H

#include <stdbool.h>
#include <stddef.h>

/* An URL split for a request; strings g_malloc'd (sns_url_clear). */
typedef struct sns_url {
    char *host;   /* without brackets for IPv6 literals */
    char *port;   /* "80" (http) or "443" (https) when absent */
    char *target; /* path and query, "/" when absent */
    char *host_header;
    bool tls;     /* https */
} sns_url;

/* Whether url may be the endpoint of a subscription with this protocol
 * ("http" or "https"): that scheme, a host, and nothing but printable
 * ASCII, so that no byte of it can end the request line or a header of a
 * delivery (CR, LF, NUL, other control characters, spaces). */
bool sns_url_acceptable(const char *url, const char *scheme);

/* 0, or -1 with err set for anything but a well-formed http:// or https://
 * URL (as sns_url_acceptable has it). */
int sns_url_parse(const char *url, sns_url *out, char *err, size_t errlen);
void sns_url_clear(sns_url *u);

/* POSTs body to url with the given extra header lines ("Name: value").
 * Returns the response's HTTP status (100..599); 0 with err set when no
 * answer came (refused, timeout, cancelled, garbage, a TLS handshake or
 * certificate check that failed: worth retrying); -1
 * with err set when retrying cannot help (malformed URL, not loopback). */
int sns_http_post(const char *url, const char *const *headers, size_t nheaders, const char *body, size_t len,
                  int timeout_ms, int cancel_fd, bool insecure, char *err, size_t errlen);

#endif
