/* stream: GET /_mockaws/journal/stream, the journal as server-sent events,
 * one per finished request, to whoever follows a run live.
 *
 * No thread per listener: a listener is a libmicrohttpd content reader
 * that formats what the journal holds past its position into its own
 * bounded buffer; with nothing to send it suspends its connection, and the
 * journal's notification (journal_set_notify) resumes it. A listener that
 * falls behind reads the ring by seq and is told of what it lost (a gap
 * event), so nothing queues per listener. The journal's hook only tells
 * one thread per server, the waker, which resumes the listeners (at most
 * once every 2 ms, so that under load a wake carries a batch) and sends
 * the keep-alive comments. */
#ifndef MOCKAWS_CORE_STREAM_H
#define MOCKAWS_CORE_STREAM_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/journal.h"

/* Listeners one server keeps at once; the next is answered 503. */
#define STREAM_MAX_LISTENERS 64
/* A comment line after this much silence. */
#define STREAM_KEEPALIVE_MS 15000

typedef struct stream_hub stream_hub;
typedef struct stream_listener stream_listener;

stream_hub *stream_hub_new(journal *j, unsigned max_listeners, int64_t keepalive_ms);
/* Ends every stream (a suspended one is resumed to end) and refuses new
 * ones: before libmicrohttpd stops. */
void stream_hub_stop(stream_hub *h);
/* After the daemon has stopped (every listener released). NULL is fine. */
void stream_hub_free(stream_hub *h);

/* A listener from seq after on (entries with seq > after), or from the
 * journal's last seq when from_now; the filter's strings are copied (NULL:
 * any). NULL when the hub is full or stopping. */
stream_listener *stream_open(stream_hub *h, uint64_t after, bool from_now, const char *service,
                             const char *operation, const char *error);
/* Gives the listener its connection (a struct MHD_Connection *; NULL in
 * unit tests: stream_read then only notes that it would suspend) and the connection's id for
 * stream_hangup. */
void stream_attach(stream_listener *l, void *conn, uint64_t conn_id);
/* libmicrohttpd's content reader and its free callback (cls: a listener). */
ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max);
void stream_release(void *cls);
/* The client of connection conn_id is gone (the edge's watchdog saw it
 * close while its stream was suspended): its stream ends now. */
void stream_hangup(stream_hub *h, uint64_t conn_id);
unsigned stream_listeners(stream_hub *h);

/* For tests: formats what is due into the listener's buffer and returns
 * its unsent text (valid until the next call). */
const char *stream_pending(stream_listener *l);

#endif
