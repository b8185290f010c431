#include "core/har.h"

#include "core/capture.h"

#ifndef MOCKAWS_VERSION
#define MOCKAWS_VERSION "0.0.0"
#endif

static json_t *har_entry(const journal_entry *e, void *endpoint)
{
    char when[40];
    journal_time_iso(e->time_ms, when);
    double ms = (double)e->duration_us / 1000.0;
    /* the journal times the whole answer: all of it is "wait" */
    return json_pack("{s:s, s:f, s:o, s:o, s:{}, s:{s:i, s:f, s:i}, s:o}", "startedDateTime", when, "time", ms,
                     "request", capture_har_request(e->capture, endpoint), "response",
                     capture_har_response(e->capture, e->status), "cache", "timings", "send", 0, "wait", ms,
                     "receive", 0, "_mockaws", journal_entry_json(e));
}

json_t *har_journal(journal *j, const journal_filter *f, const char *endpoint)
{
    return json_pack("{s:{s:s, s:{s:s, s:s}, s:o}}", "log", "version", "1.2", "creator", "name", "mockaws",
                     "version", MOCKAWS_VERSION, "entries", journal_map(j, f, har_entry, (void *)endpoint));
}
