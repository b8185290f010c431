#include "regex.h"

#include <glib.h>

/* Made once and never changed afterwards: read by every thread. */
static pcre2_match_context *limits(void)
{
    static gsize once;
    static pcre2_match_context *ctx;
    if (g_once_init_enter(&once)) {
        ctx = pcre2_match_context_create(NULL);
        pcre2_set_match_limit(ctx, REGEX_MATCH_LIMIT);
        pcre2_set_depth_limit(ctx, REGEX_DEPTH_LIMIT);
        g_once_init_leave(&once, 1);
    }
    return ctx;
}

int regex_exec(const pcre2_code *re, const char *s, size_t len, pcre2_match_data *md)
{
    pcre2_match_data *own = md ? NULL : pcre2_match_data_create(1, NULL);
    int rc = pcre2_match(re, (PCRE2_SPTR)s, len, 0, 0, md ? md : own, limits());
    pcre2_match_data_free(own);
    return rc;
}

bool regex_match(const pcre2_code *re, const char *s, size_t len, pcre2_match_data *md)
{
    return regex_exec(re, s, len, md) >= 0;
}
