#include "timefmt.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Fixed English names: HTTP dates must not follow the process locale, which
 * GLib's %a / %b would. */
static const char *const wdays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

bool timefmt_kind_from_name(const char *name, timefmt_kind *kind)
{
    if (!name)
        return false;
    if (strcmp(name, "iso8601") == 0)
        *kind = TIMEFMT_ISO8601;
    else if (strcmp(name, "rfc822") == 0)
        *kind = TIMEFMT_RFC822;
    else if (strcmp(name, "unixTimestamp") == 0)
        *kind = TIMEFMT_UNIX;
    else
        return false;
    return true;
}

timefmt_kind timefmt_kind_of(mtsformat format, timefmt_kind dflt)
{
    switch (format) {
    case MTS_ISO8601:
        return TIMEFMT_ISO8601;
    case MTS_RFC822:
        return TIMEFMT_RFC822;
    case MTS_UNIX:
        return TIMEFMT_UNIX;
    default:
        return dflt;
    }
}

/* Whole seconds and milliseconds, rounded to the millisecond: a time read
 * as 38.123 may be stored as 38.12299999 and must not print as .122. */
static void split_ms(double epoch, gint64 *secs, int *ms)
{
    double total_ms = round(epoch * 1000.0);
    double s = floor(total_ms / 1000.0);
    *secs = (gint64)s;
    *ms = (int)(total_ms - s * 1000.0);
}

/* The broken-down UTC time of secs, within the years GDateTime takes (1 to
 * 9999); false outside them. gmtime_r, not GDateTime: no allocation, and
 * this runs for every date a response carries. */
static bool utc_time(gint64 secs, struct tm *tm)
{
    time_t t = (time_t)secs;
    return (gint64)t == secs && gmtime_r(&t, tm) && tm->tm_year >= 1 - 1900 && tm->tm_year <= 9999 - 1900;
}

/* Writes v as exactly `width` decimal digits (v < 10^width) and returns the
 * end: digits by hand instead of printf, for the same reason. */
static char *put_digits(char *p, int v, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        p[i] = (char)('0' + v % 10);
        v /= 10;
    }
    return p + width;
}

static char *put_text(char *p, const char *text, size_t len)
{
    memcpy(p, text, len);
    return p + len;
}

static void format_rfc822(GString *out, gint64 secs)
{
    struct tm tm;
    if (!utc_time(secs, &tm)) {
        g_string_append(out, "Thu, 01 Jan 1970 00:00:00 GMT");
        return;
    }
    char buf[32], *p = buf;
    p = put_text(p, wdays[(tm.tm_wday + 6) % 7], 3); /* tm_wday counts from Sunday */
    p = put_text(p, ", ", 2);
    p = put_digits(p, tm.tm_mday, 2);
    *p++ = ' ';
    p = put_text(p, months[tm.tm_mon], 3);
    *p++ = ' ';
    p = put_digits(p, tm.tm_year + 1900, 4);
    *p++ = ' ';
    p = put_digits(p, tm.tm_hour, 2);
    *p++ = ':';
    p = put_digits(p, tm.tm_min, 2);
    *p++ = ':';
    p = put_digits(p, tm.tm_sec, 2);
    p = put_text(p, " GMT", 4);
    g_string_append_len(out, buf, p - buf);
}

void timefmt_format(GString *out, double epoch, timefmt_kind kind)
{
    if (!isfinite(epoch))
        epoch = 0;
    gint64 secs;
    int ms;
    split_ms(epoch, &secs, &ms);
    switch (kind) {
    case TIMEFMT_ISO8601:
    case TIMEFMT_ISO8601_MS: {
        struct tm tm;
        if (!utc_time(secs, &tm)) {
            g_string_append(out, "1970-01-01T00:00:00Z");
            return;
        }
        char buf[32], *p = buf;
        p = put_digits(p, tm.tm_year + 1900, 4);
        *p++ = '-';
        p = put_digits(p, tm.tm_mon + 1, 2);
        *p++ = '-';
        p = put_digits(p, tm.tm_mday, 2);
        *p++ = 'T';
        p = put_digits(p, tm.tm_hour, 2);
        *p++ = ':';
        p = put_digits(p, tm.tm_min, 2);
        *p++ = ':';
        p = put_digits(p, tm.tm_sec, 2);
        if (ms || kind == TIMEFMT_ISO8601_MS) {
            *p++ = '.';
            p = put_digits(p, ms, 3);
        }
        *p++ = 'Z';
        g_string_append_len(out, buf, p - buf);
        break;
    }
    case TIMEFMT_RFC822:
        format_rfc822(out, secs);
        break;
    case TIMEFMT_UNIX:
        g_string_append_printf(out, "%" G_GINT64_FORMAT, secs);
        if (ms) {
            /* trailing zeros dropped: 1.5, not 1.500, as the SDKs write it */
            char frac[8];
            g_snprintf(frac, sizeof frac, "%03d", ms);
            size_t n = strlen(frac);
            while (n > 0 && frac[n - 1] == '0')
                frac[--n] = '\0';
            g_string_append_printf(out, ".%s", frac);
        }
        break;
    }
}

void timefmt_http_date(GString *out, double epoch)
{
    format_rfc822(out, isfinite(epoch) ? (gint64)floor(epoch) : 0);
}

static bool parse_unix(const char *text, double *epoch)
{
    const char *p = text;
    if (*p == '-' || *p == '+')
        p++;
    if (!g_ascii_isdigit(*p))
        return false;
    char *end;
    double v = g_ascii_strtod(text, &end);
    if (end == text || *end != '\0' || !isfinite(v))
        return false;
    *epoch = v;
    return true;
}

static bool parse_iso8601(const char *text, double *epoch)
{
    /* GLib wants 'T' and 'Z' in capitals; RFC 3339 allows either case */
    char *up = g_ascii_strup(text, -1);
    GTimeZone *utc = g_time_zone_new_utc();
    GDateTime *dt = g_date_time_new_from_iso8601(up, utc);
    g_time_zone_unref(utc);
    g_free(up);
    if (!dt)
        return false;
    *epoch = (double)g_date_time_to_unix(dt) + g_date_time_get_microsecond(dt) / 1e6;
    g_date_time_unref(dt);
    return true;
}

static int month_index(const char *name)
{
    for (int i = 0; i < 12; i++)
        if (g_ascii_strncasecmp(name, months[i], 3) == 0 && name[3] == '\0')
            return i + 1;
    return 0;
}

/* The three HTTP-date forms (RFC 9110 5.6.7): IMF-fixdate
 * "Sun, 06 Nov 1994 08:49:37 GMT", the obsolete RFC 850
 * "Sunday, 06-Nov-94 08:49:37 GMT" and asctime "Sun Nov  6 08:49:37 1994",
 * plus RFC 822's numeric zone ("+0000") that some clients write. */
static bool parse_http_date(const char *text, double *epoch)
{
    int day, year, hour, min, sec, consumed = 0;
    char mon[4], zone[8] = "GMT";
    const char *comma = strchr(text, ',');
    const char *p = comma ? comma + 1 : text;

    bool ok = false;
    if (comma) {
        if (sscanf(p, " %2d %3s %4d %2d:%2d:%2d %7s%n", &day, mon, &year, &hour, &min, &sec,
                   zone, &consumed) == 7)
            ok = true;
        else if (sscanf(p, " %2d-%3s-%4d %2d:%2d:%2d %7s%n", &day, mon, &year, &hour, &min, &sec,
                        zone, &consumed) == 7) {
            if (year < 100) /* RFC 850's two-digit years: the nearer century */
                year += year < 70 ? 2000 : 1900;
            ok = true;
        }
    } else {
        char wday[4];
        if (sscanf(p, "%3s %3s %2d %2d:%2d:%2d %4d%n", wday, mon, &day, &hour, &min, &sec, &year,
                   &consumed) == 7)
            ok = true;
    }
    if (!ok || p[consumed] != '\0')
        return false;

    int offset = 0; /* seconds east of UTC */
    if (strcmp(zone, "GMT") == 0 || strcmp(zone, "UTC") == 0 || strcmp(zone, "Z") == 0) {
        offset = 0;
    } else if ((zone[0] == '+' || zone[0] == '-') && strlen(zone) == 5 &&
               g_ascii_isdigit(zone[1]) && g_ascii_isdigit(zone[2]) && g_ascii_isdigit(zone[3]) &&
               g_ascii_isdigit(zone[4])) {
        int hh = (zone[1] - '0') * 10 + (zone[2] - '0');
        int mm = (zone[3] - '0') * 10 + (zone[4] - '0');
        offset = (hh * 3600 + mm * 60) * (zone[0] == '-' ? -1 : 1);
    } else {
        return false;
    }

    int m = month_index(mon);
    if (!m)
        return false;
    GDateTime *dt = g_date_time_new_utc(year, m, day, hour, min, sec);
    if (!dt)
        return false;
    *epoch = (double)(g_date_time_to_unix(dt) - offset);
    g_date_time_unref(dt);
    return true;
}

bool timefmt_parse(const char *text, double *epoch)
{
    if (!text)
        return false;
    while (g_ascii_isspace(*text))
        text++;
    if (!*text)
        return false;
    return parse_unix(text, epoch) || parse_iso8601(text, epoch) || parse_http_date(text, epoch);
}
