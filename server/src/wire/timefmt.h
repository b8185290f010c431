/* timefmt: the timestamp formats of the AWS protocols.
 *
 * Times are seconds since the epoch as a double (milliseconds matter to
 * the protocols; finer parts are kept when given). */
#ifndef MOCKAWS_WIRE_TIMEFMT_H
#define MOCKAWS_WIRE_TIMEFMT_H

#include <glib.h>
#include <stdbool.h>

#include "model.h"

typedef enum timefmt_kind {
    TIMEFMT_ISO8601,       /* 2014-04-29T18:30:38Z, or .123Z with milliseconds */
    TIMEFMT_ISO8601_MS,    /* always with milliseconds: 2014-04-29T18:30:38.000Z,
                              as S3 and EC2 write their bodies */
    TIMEFMT_RFC822,        /* Tue, 29 Apr 2014 18:30:38 GMT */
    TIMEFMT_UNIX,          /* 1398796238 or 1398796238.123 */
} timefmt_kind;

/* "iso8601", "rfc822", "unixTimestamp"; returns false for anything else. */
bool timefmt_kind_from_name(const char *name, timefmt_kind *kind);
/* A model's timestampFormat (mmember_ts_format); dflt for MTS_NONE, the
 * protocol's own default for where the value travels. */
timefmt_kind timefmt_kind_of(mtsformat format, timefmt_kind dflt);
/* Appends the formatted time. ISO 8601 carries milliseconds only when the
 * time has a fraction. */
void timefmt_format(GString *out, double epoch, timefmt_kind kind);
/* Accepts any of the three forms (with offsets and fractions in ISO 8601,
 * as clients send them). False when the text is none of them. */
bool timefmt_parse(const char *text, double *epoch);
/* Current time in a format, for Date headers: RFC 822 */
void timefmt_http_date(GString *out, double epoch);

#endif
