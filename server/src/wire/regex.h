/* regex: PCRE2 matching with bounded work.
 *
 * Patterns come from clients (fault rule matchers) and from service models;
 * either may backtrack exponentially on some subject (`(a*)*c`), and PCRE2's
 * own default limit of 10 million steps lets one such match hold a worker for
 * a third of a second. Every match here runs under limits a sane pattern never
 * meets (REGEX_MATCH_LIMIT backtracking steps), and a match that reaches them
 * counts as no match. */
#ifndef MOCKAWS_WIRE_REGEX_H
#define MOCKAWS_WIRE_REGEX_H

#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif
#include <pcre2.h>
#include <stdbool.h>
#include <stddef.h>

#define REGEX_MATCH_LIMIT 100000u
#define REGEX_DEPTH_LIMIT 10000u

/* Whether s (len bytes) matches re. md: match data to reuse, or NULL for one
 * made for this call. */
bool regex_match(const pcre2_code *re, const char *s, size_t len, pcre2_match_data *md);
/* The same match, with PCRE2's own result: > 0 a match, PCRE2_ERROR_NOMATCH,
 * PCRE2_ERROR_MATCHLIMIT or PCRE2_ERROR_DEPTHLIMIT when the limits stopped
 * it (so a test can tell bounded work from a quick answer). */
int regex_exec(const pcre2_code *re, const char *s, size_t len, pcre2_match_data *md);

#endif
