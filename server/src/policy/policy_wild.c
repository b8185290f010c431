#include "policy/policy_wild.h"

#include <string.h>

/* One pattern character at p (an escaped one when escaped and p is a
 * backslash): its value, whether it is a wildcard, and its width. */
typedef struct wchar {
    char c;
    bool star, one;
    size_t width;
} wchar;

static wchar wild_at(const char *p, const char *end, bool escaped)
{
    if (escaped && *p == '\\' && p + 1 < end)
        return (wchar){p[1], false, false, 2};
    return (wchar){*p, *p == '*', *p == '?', 1};
}

static bool same(char a, char b, bool fold) { return fold ? g_ascii_tolower(a) == g_ascii_tolower(b) : a == b; }

bool policy_wild_match(const char *pattern, size_t pn, const char *text, size_t tn, bool fold, bool escaped)
{
    const char *p = pattern, *pe = pattern + pn, *s = text, *se = text + tn;
    const char *star = NULL, *resume = NULL;
    while (s < se) {
        wchar w = p < pe ? wild_at(p, pe, escaped) : (wchar){0, false, false, 0};
        if (w.star) {
            star = p;
            p += w.width;
            resume = s;
        } else if (p < pe && (w.one || same(w.c, *s, fold))) {
            p += w.width;
            s++;
        } else if (star) {
            p = star + 1;
            s = ++resume;
        } else {
            return false;
        }
    }
    while (p < pe && wild_at(p, pe, escaped).star)
        p++;
    return p == pe;
}

bool policy_wild_equal(const char *pattern, size_t pn, const char *text, size_t tn, bool fold, bool escaped)
{
    const char *p = pattern, *pe = pattern + pn, *s = text, *se = text + tn;
    while (p < pe && s < se) {
        wchar w = wild_at(p, pe, escaped);
        if (!same(w.c, *s, fold))
            return false;
        p += w.width;
        s++;
    }
    return p == pe && s == se;
}

/* The end of the segment starting at p: the next ':' not escaped, or end. */
static const char *segment_end(const char *p, const char *end, bool escaped)
{
    while (p < end && *p != ':')
        p += wild_at(p, end, escaped).width;
    return p < end ? p : end;
}

bool policy_wild_arn(const char *pattern, size_t pn, const char *text, size_t tn, bool escaped)
{
    const char *p = pattern, *pe = pattern + pn, *s = text, *se = text + tn;
    if (pn == 1 && *p == '*')
        return true;
    for (int part = 0; part < 5; part++) {
        const char *pc = segment_end(p, pe, escaped);
        const char *sc = memchr(s, ':', (size_t)(se - s));
        if (pc == pe || !sc)
            break; /* the pattern's last part: matched against the text's rest */
        if (!policy_wild_match(p, (size_t)(pc - p), s, (size_t)(sc - s), false, escaped))
            return false;
        p = pc + 1;
        s = sc + 1;
    }
    return policy_wild_match(p, (size_t)(pe - p), s, (size_t)(se - s), false, escaped);
}

json_t *policy_wild_context(json_t *ctx, const char *name, size_t len)
{
    if (!ctx)
        return NULL;
    char small[128];
    char *key = len < sizeof small ? small : g_malloc(len + 1);
    for (size_t i = 0; i < len; i++)
        key[i] = g_ascii_tolower(name[i]);
    key[len] = '\0';
    json_t *v = json_object_get(ctx, key);
    if (key != small)
        g_free(key);
    return json_is_null(v) ? NULL : v;
}

/* s as literal text in an escaped pattern; wild: its '*' and '?' stay
 * wildcards (the document's own text around variables). */
static void append_escaped(GString *out, const char *s, size_t n, bool wild)
{
    for (size_t i = 0; i < n; i++) {
        if (((s[i] == '*' || s[i] == '?') && !wild) || s[i] == '\\')
            g_string_append_c(out, '\\');
        g_string_append_c(out, s[i]);
    }
}

static const char *trim(const char *s, const char *end, const char **tend)
{
    while (s < end && g_ascii_isspace(*s))
        s++;
    while (end > s && g_ascii_isspace(end[-1]))
        end--;
    *tend = end;
    return s;
}

/* One variable's text between "${" and "}": appended, or false when it is
 * absent and has no default. */
static bool expand_one(const char *in, const char *end, json_t *ctx, GString *out)
{
    const char *ie;
    const char *name = trim(in, end, &ie);
    if (ie - name == 1 && (*name == '*' || *name == '?' || *name == '$')) {
        append_escaped(out, name, 1, false);
        return true;
    }
    const char *comma = memchr(name, ',', (size_t)(ie - name));
    const char *ne = comma ? comma : ie;
    const char *nt;
    name = trim(name, ne, &nt);
    json_t *v = policy_wild_context(ctx, name, (size_t)(nt - name));
    if (json_is_string(v)) {
        append_escaped(out, json_string_value(v), json_string_length(v), false);
        return true;
    }
    if (!comma)
        return false;
    const char *de;
    const char *d = trim(comma + 1, ie, &de);
    if (de - d >= 2 && *d == '\'' && de[-1] == '\'') {
        append_escaped(out, d + 1, (size_t)(de - d - 2), false);
        return true;
    }
    return false;
}

bool policy_wild_expand(const char *value, json_t *ctx, GString *out)
{
    g_string_truncate(out, 0);
    const char *s = value;
    for (;;) {
        const char *open = strstr(s, "${");
        const char *close = open ? strchr(open + 2, '}') : NULL;
        if (!close) {
            append_escaped(out, s, strlen(s), true);
            return true;
        }
        append_escaped(out, s, (size_t)(open - s), true);
        if (!expand_one(open + 2, close, ctx, out))
            return false;
        s = close + 1;
    }
}
