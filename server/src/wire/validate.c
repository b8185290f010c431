/* validate: the model's constraints checked the way AWS's Coral front end
 * checks them.
 *
 * Paths in a violation: member names as in the model joined by '.', list
 * elements as "[i]" (0-based), the value of a map entry as ["key"] and a map
 * key itself as {"key"} (the key JSON-quoted, so that any key survives):
 * "Tags[0].Key", "RequestItems[\"t\"].Keys", "Attributes{\"bad key\"}".
 * A map key is not a value of the input tree, so its violations carry
 * value NULL and the key in the path. validate_coral_message() turns paths
 * into Coral's form ("tags.1.member.key"). A VIOLATION_TYPE carries the
 * expected shape type ("string", "list", ...) in its pattern field.
 *
 * Patterns are botocore's (Java regular expressions from the Smithy models).
 * Smithy says patterns are not implicitly anchored, but the services match
 * the whole value, as Java's String.matches() does: STS answers
 * "Value 'a b' at 'roleSessionName' failed to satisfy constraint: Member must
 * satisfy regular expression pattern: [\w+=,.@-]*", which an unanchored
 * search could never fail. So a value must match the pattern from its first
 * to its last character (PCRE2_ANCHORED | PCRE2_ENDANCHORED); patterns that
 * carry their own ^...$ behave the same either way. The few Java-only
 * spellings in the models (\uXXXX escapes, surrogate pairs, \p{Print}) are
 * rewritten for PCRE2 before compiling. */
#include "validate.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include "regex.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Inputs nest (DynamoDB attribute values up to 32 levels, two shapes per
 * level); deeper than this is left unchecked rather than risk the stack. */
#define MAX_DEPTH 256

struct validator {
    const model *m;
    /* One slot per shape of m, by its index in m->shapes: NULL until the
     * shape's pattern is first needed, then its pcre2_code (owned), or the
     * validator itself for a pattern PCRE2 cannot take. Filled by
     * compare-and-exchange, so a check takes no lock and finds its pattern
     * by the shape's address alone. */
    gpointer *codes;
    /* By the same index: the shape's strings may hold a NUL (validator_allow_nul) */
    bool *nul_ok;
};

validator *validator_new(const model *m)
{
    validator *v = g_new0(validator, 1);
    v->m = m;
    v->codes = g_new0(gpointer, m->nshapes ? m->nshapes : 1);
    v->nul_ok = g_new0(bool, m->nshapes ? m->nshapes : 1);
    return v;
}

bool validator_allow_nul(validator *v, const char *shape_name)
{
    const mshape *shape = model_find_shape(v->m, shape_name);
    if (!shape || shape->kind != MK_STRING)
        return false;
    v->nul_ok[shape - v->m->shapes] = true;
    return true;
}

void validator_free(validator *v)
{
    if (!v)
        return;
    for (uint32_t i = 0; i < v->m->nshapes; i++)
        if (v->codes[i] && v->codes[i] != v)
            pcre2_code_free(v->codes[i]);
    g_free(v->codes);
    g_free(v->nul_ok);
    g_free(v);
}

/* ---- Java regex -> PCRE2 ---- */

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Reads "\uXXXX" at p (exactly four hex digits, as Java does: "\u10000" is
 * U+1000 followed by '0'). Returns the code unit or -1. */
static long java_u(const char *p)
{
    if (p[0] != '\\' || p[1] != 'u')
        return -1;
    long v = 0;
    for (int i = 2; i < 6; i++) {
        int h = hexval(p[i]);
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    return v;
}

/* Java's POSIX classes are ASCII-only, as PCRE2's are without PCRE2_UCP. */
static const char *posix_class(const char *name, size_t len)
{
    static const struct { const char *java, *posix; } map[] = {
        {"Lower", "lower"}, {"Upper", "upper"}, {"ASCII", "ascii"},  {"Alpha", "alpha"},
        {"Digit", "digit"}, {"Alnum", "alnum"}, {"Punct", "punct"},  {"Graph", "graph"},
        {"Print", "print"}, {"Blank", "blank"}, {"Cntrl", "cntrl"},  {"XDigit", "xdigit"},
        {"Space", "space"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(map); i++)
        if (strlen(map[i].java) == len && memcmp(map[i].java, name, len) == 0)
            return map[i].posix;
    return NULL;
}

static char *java_to_pcre2(const char *p)
{
    GString *out = g_string_sized_new(strlen(p) + 16);
    bool in_class = false;
    while (*p) {
        if (*p == '\\' && p[1] == 'u') {
            long u = java_u(p);
            if (u >= 0) {
                p += 6;
                /* Java reads a surrogate pair as the supplementary code point
                 * it encodes; UTF-8 subjects cannot hold lone surrogates. */
                long lo = java_u(p);
                if (u >= 0xD800 && u <= 0xDBFF && lo >= 0xDC00 && lo <= 0xDFFF) {
                    u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                    p += 6;
                } else if (u >= 0xD800 && u <= 0xDFFF) {
                    u = 0xFFFD;
                }
                g_string_append_printf(out, "\\x{%lX}", u);
                continue;
            }
        }
        if (*p == '\\' && (p[1] == 'p' || p[1] == 'P') && p[2] == '{') {
            const char *end = strchr(p + 3, '}');
            const char *cls = end ? posix_class(p + 3, (size_t)(end - p - 3)) : NULL;
            if (cls) {
                const char *neg = p[1] == 'P' ? "^" : "";
                if (in_class)
                    g_string_append_printf(out, "[:%s%s:]", neg, cls);
                else
                    g_string_append_printf(out, "[[:%s%s:]]", neg, cls);
                p = end + 1;
                continue;
            }
        }
        if (*p == '\\' && p[1]) {
            g_string_append_len(out, p, 2);
            p += 2;
            continue;
        }
        if (*p == '[' && !in_class) {
            in_class = true;
            g_string_append_c(out, *p++);
            /* A ']' right after '[' or "[^" is a literal, not the end. */
            if (*p == '^')
                g_string_append_c(out, *p++);
            if (*p == ']')
                g_string_append_c(out, *p++);
            continue;
        }
        if (*p == ']' && in_class)
            in_class = false;
        g_string_append_c(out, *p++);
    }
    return g_string_free(out, FALSE);
}

/* A model pattern compiled, or NULL when PCRE2 cannot take it. */
static pcre2_code *compile_pattern(const char *pattern)
{
    char *src = java_to_pcre2(pattern);
    int errcode;
    PCRE2_SIZE erroff;
    pcre2_compile_context *cc = pcre2_compile_context_create(NULL);
    /* Java's '.' stops at every line terminator, not only at \n. */
    pcre2_set_newline(cc, PCRE2_NEWLINE_ANY);
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)src, PCRE2_ZERO_TERMINATED,
                                   PCRE2_UTF | PCRE2_ANCHORED | PCRE2_ENDANCHORED,
                                   &errcode, &erroff, cc);
    pcre2_compile_context_free(cc);
    g_free(src);
    if (re)
        pcre2_jit_compile(re, PCRE2_JIT_COMPLETE); /* optional speed-up */
    return re;
}

/* The shape's slot in v->codes, or NULL for a shape of another model. */
static gpointer *code_slot(validator *v, const mshape *shape)
{
    uintptr_t first = (uintptr_t)v->m->shapes, at = (uintptr_t)shape;
    if (at < first || at >= first + (uintptr_t)v->m->nshapes * sizeof *shape)
        return NULL;
    return &v->codes[(at - first) / sizeof *shape];
}

/* Whether s matches the shape's pattern; invalid UTF-8 never does. A
 * pattern PCRE2 cannot compile is not enforced: better than rejecting good
 * input. */
static bool pattern_matches(validator *v, const mshape *shape, const char *s, size_t len,
                            pcre2_match_data *md)
{
    gpointer *slot = code_slot(v, shape);
    if (!slot) {
        pcre2_code *re = compile_pattern(shape->pattern);
        bool ok = !re || regex_match(re, s, len, md);
        pcre2_code_free(re);
        return ok;
    }
    gpointer code = g_atomic_pointer_get(slot);
    if (!code) {
        pcre2_code *re = compile_pattern(shape->pattern);
        code = re ? (gpointer)re : (gpointer)v;
        if (!g_atomic_pointer_compare_and_exchange(slot, NULL, code)) {
            /* another thread got there first: use its copy */
            pcre2_code_free(re);
            code = g_atomic_pointer_get(slot);
        }
    }
    return code == v || regex_match(code, s, len, md);
}

/* ---- the walk ---- */

typedef struct walk {
    validator *v;
    violation *out;
    size_t max;
    size_t n;
    GString *path;      /* the path of the value being checked */
    const char *member; /* the last structure member on the path */
    int depth;
    pcre2_match_data *md; /* made on the first pattern match, for the whole walk */
} walk;

static bool full(const walk *w)
{
    return w->n >= w->max;
}

static violation *add(walk *w, violation_kind kind, json_t *value, const mshape *shape)
{
    if (full(w))
        return NULL;
    violation *x = &w->out[w->n++];
    memset(x, 0, sizeof *x);
    x->kind = kind;
    x->shape = shape;
    x->member = w->member;
    x->value = value;
    size_t len = w->path->len;
    if (len >= sizeof x->path) {
        /* Cut on a character boundary, so the path stays valid UTF-8. */
        const char *end = g_utf8_find_prev_char(w->path->str, w->path->str + sizeof x->path);
        len = end ? (size_t)(end - w->path->str) : 0;
    }
    memcpy(x->path, w->path->str, len);
    x->path[len] = '\0';
    return x;
}

/* A limit as the whole number the messages print (a fractional one cut
 * toward zero, one past long long's range held at its end). */
static long long limit_value(double d)
{
    if (d >= 0x1p63)
        return LLONG_MAX;
    if (d < -0x1p63)
        return LLONG_MIN;
    return (long long)d;
}

/* The shape's "min" (flag MF_HAS_MIN) or "max" (MF_HAS_MAX) when it has one. */
static bool shape_has(const mshape *shape, uint32_t flag, long long *out)
{
    if (!(shape->t.flags & flag))
        return false;
    *out = limit_value(flag == MF_HAS_MIN ? shape->min : shape->max);
    return true;
}

static void check_length(walk *w, const mshape *shape, json_t *value, long long len)
{
    long long lim;
    if (shape_has(shape, MF_HAS_MIN, &lim) && len < lim) {
        violation *x = add(w, VIOLATION_MIN_LENGTH, value, shape);
        if (x)
            x->limit = lim;
    }
    if (shape_has(shape, MF_HAS_MAX, &lim) && len > lim) {
        violation *x = add(w, VIOLATION_MAX_LENGTH, value, shape);
        if (x)
            x->limit = lim;
    }
}

static bool is_float_word(json_t *value)
{
    const char *s = json_string_value(value);
    return s && (strcmp(s, "NaN") == 0 || strcmp(s, "Infinity") == 0 ||
                 strcmp(s, "-Infinity") == 0);
}

static bool type_ok(mkind kind, json_t *value)
{
    switch (kind) {
    case MK_STRUCTURE:
    case MK_MAP:
        return json_is_object(value);
    case MK_LIST:
        return json_is_array(value);
    case MK_STRING:
    case MK_BLOB:
        return json_is_string(value);
    case MK_BOOLEAN:
        return json_is_boolean(value);
    case MK_INTEGER:
        return json_is_integer(value) && json_integer_value(value) >= INT32_MIN &&
               json_integer_value(value) <= INT32_MAX;
    case MK_LONG:
        return json_is_integer(value);
    case MK_FLOAT:
    case MK_DOUBLE:
        return json_is_number(value) || is_float_word(value);
    case MK_TIMESTAMP:
        return json_is_number(value);
    default:
        return true; /* byte, short, big numbers: not ours to judge */
    }
}

static void check_range(walk *w, const mshape *shape, json_t *value)
{
    if (!json_is_number(value))
        return; /* NaN / Infinity spelled as strings: no range applies */
    long long lim;
    bool below, above;
    if (shape_has(shape, MF_HAS_MIN, &lim)) {
        below = json_is_integer(value) ? json_integer_value(value) < lim
                                       : json_real_value(value) < (double)lim;
        if (below) {
            violation *x = add(w, VIOLATION_MIN, value, shape);
            if (x)
                x->limit = lim;
        }
    }
    if (shape_has(shape, MF_HAS_MAX, &lim)) {
        above = json_is_integer(value) ? json_integer_value(value) > lim
                                       : json_real_value(value) > (double)lim;
        if (above) {
            violation *x = add(w, VIOLATION_MAX, value, shape);
            if (x)
                x->limit = lim;
        }
    }
}

/* What a string without a pattern of its own is held to: no NUL. */
#define NO_NUL_PATTERN "[^\\u0000]*"

static void check_string(walk *w, const mshape *shape, json_t *value)
{
    const char *s = json_string_value(value);
    size_t len = json_string_length(value);
    if (shape->nenums > 0) {
        bool found = false;
        for (uint32_t i = 0; i < shape->nenums && !found; i++)
            found = shape->enums[i] && strlen(shape->enums[i]) == len && memcmp(shape->enums[i], s, len) == 0;
        if (!found) {
            violation *x = add(w, VIOLATION_ENUM, value, shape);
            if (x) {
                x->enum_values = shape->enums;
                x->n_enum_values = shape->nenums;
            }
        }
    }
    const char *pattern = shape->pattern;
    /* A NUL (sent as %00 or \u0000) fails every name pattern, and where a
     * shape has none the handlers, which read C strings, would see the
     * value cut short at it: refused either way, never silently altered. */
    gpointer *slot = code_slot(w->v, shape);
    bool nul = !(slot && w->v->nul_ok[slot - w->v->codes]) && memchr(s, '\0', len) != NULL;
    if (!nul && pattern && !w->md)
        w->md = pcre2_match_data_create(1, NULL);
    if (nul || (pattern && !pattern_matches(w->v, shape, s, len, w->md))) {
        violation *x = add(w, VIOLATION_PATTERN, value, shape);
        if (x)
            x->pattern = pattern ? pattern : NO_NUL_PATTERN;
    }
    /* Lengths count code points, not bytes; on invalid UTF-8 the count of
     * lead bytes is still a fair answer. */
    long long chars = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            chars++;
    check_length(w, shape, value, chars);
}

static void check_value(walk *w, const mshape *shape, json_t *value);

/* An element of a list or a value of a map: null is a missing member. */
static void check_element(walk *w, const mmember *ref, json_t *value)
{
    if (!value || json_is_null(value)) {
        add(w, VIOLATION_REQUIRED, NULL, NULL);
        return;
    }
    if (ref)
        check_value(w, ref->shape, value);
}

/* The key JSON-quoted. Keys of printable ASCII other than '"' and '\\'
 * (DynamoDB attribute names, nearly every key) need no escape and are
 * copied; jansson quotes the rest. */
static void append_quoted(GString *path, const char *key, size_t len)
{
    size_t plain = 0;
    while (plain < len && key[plain] >= 0x20 && key[plain] < 0x7F && key[plain] != '"' && key[plain] != '\\')
        plain++;
    if (plain == len) {
        g_string_append_c(path, '"');
        g_string_append_len(path, key, (gssize)len);
        g_string_append_c(path, '"');
        return;
    }
    json_t *k = json_stringn(key, len);
    char *q = k ? json_dumps(k, JSON_ENCODE_ANY) : NULL;
    g_string_append(path, q ? q : "\"\"");
    free(q);
    json_decref(k);
}

static void check_structure(walk *w, const mshape *shape, json_t *value)
{
    size_t base = w->path->len;
    const char *saved_member = w->member;
    for (uint32_t m = 0; m < shape->nmembers; m++) {
        if (full(w))
            break;
        const mmember *ref = &shape->members[m];
        const char *name = ref->name;
        if (base > 0)
            g_string_append_c(w->path, '.');
        g_string_append(w->path, name);
        w->member = name;
        json_t *mv = json_object_get(value, name);
        if (!mv || json_is_null(mv)) {
            /* A streaming payload never enters the tree (wire.h). */
            if ((ref->t.flags & MF_REQUIRED) && !mmember_flag(ref, MF_STREAMING))
                add(w, VIOLATION_REQUIRED, NULL, NULL);
        } else {
            check_value(w, ref->shape, mv);
        }
        g_string_truncate(w->path, base);
    }
    w->member = saved_member;
}

static void check_value(walk *w, const mshape *shape, json_t *value)
{
    if (full(w) || w->depth >= MAX_DEPTH)
        return;
    mkind kind = (mkind)shape->kind;
    if (!type_ok(kind, value)) {
        violation *x = add(w, VIOLATION_TYPE, value, shape);
        if (x)
            x->pattern = mkind_name(kind);
        return;
    }
    w->depth++;
    size_t base = w->path->len;
    switch (kind) {
    case MK_STRING:
        check_string(w, shape, value);
        break;
    case MK_BLOB:
        check_length(w, shape, value, (long long)json_string_length(value));
        break;
    case MK_INTEGER:
    case MK_LONG:
    case MK_FLOAT:
    case MK_DOUBLE:
        check_range(w, shape, value);
        break;
    case MK_LIST: {
        check_length(w, shape, value, (long long)json_array_size(value));
        size_t i;
        json_t *el;
        json_array_foreach(value, i, el) {
            if (full(w))
                break;
            g_string_append_printf(w->path, "[%zu]", i);
            check_element(w, shape->member, el);
            g_string_truncate(w->path, base);
        }
        break;
    }
    case MK_MAP: {
        check_length(w, shape, value, (long long)json_object_size(value));
        const mshape *kshape = shape->key ? shape->key->shape : NULL;
        /* Most keys are unconstrained strings (DynamoDB attribute names):
         * spare them the stand-in. */
        bool kchecked = kshape && ((kshape->t.flags & (MF_HAS_MIN | MF_HAS_MAX)) || kshape->pattern ||
                                   kshape->enums);
        const char *key;
        size_t klen;
        json_t *mv;
        json_object_keylen_foreach(value, key, klen, mv) {
            if (full(w))
                break;
            /* a key holding a NUL is checked whatever its shape says */
            if (kshape && (kchecked || strlen(key) != klen)) {
                /* The key is not a json_t of the input: check a stand-in
                 * and report the key through the path only. */
                json_t *k = json_stringn(key, klen);
                if (k) {
                    g_string_append_c(w->path, '{');
                    append_quoted(w->path, key, klen);
                    g_string_append_c(w->path, '}');
                    size_t first = w->n;
                    check_value(w, kshape, k);
                    for (size_t i = first; i < w->n; i++)
                        w->out[i].value = NULL;
                    json_decref(k);
                    g_string_truncate(w->path, base);
                }
            }
            g_string_append_c(w->path, '[');
            append_quoted(w->path, key, klen);
            g_string_append_c(w->path, ']');
            check_element(w, shape->value, mv);
            g_string_truncate(w->path, base);
        }
        break;
    }
    case MK_STRUCTURE:
        check_structure(w, shape, value);
        break;
    default:
        break;
    }
    w->depth--;
}

size_t validator_check(validator *v, const mshape *shape, json_t *input, violation *out, size_t max)
{
    if (!v || !shape || !out || max == 0)
        return 0;
    walk w = {.v = v, .out = out, .max = max, .path = g_string_new(NULL)};
    if (!input || json_is_null(input)) {
        /* No input at all: every required member is missing. */
        json_t *empty = json_object();
        check_value(&w, shape, empty);
        json_decref(empty);
    } else {
        check_value(&w, shape, input);
    }
    pcre2_match_data_free(w.md);
    g_string_free(w.path, TRUE);
    return w.n;
}

/* ---- Coral wording ---- */

/* A value as Coral prints it: Java's toString of the parsed member, so
 * strings bare, lists "[a, b]", maps and structures "{k=v}". */
static void render(GString *out, json_t *v, int depth)
{
    if (depth > 32) {
        g_string_append(out, "...");
        return;
    }
    switch (json_typeof(v)) {
    case JSON_STRING: {
        const char *s = json_string_value(v);
        size_t len = json_string_length(v);
        if (g_utf8_validate(s, (gssize)len, NULL)) {
            g_string_append_len(out, s, (gssize)len);
        } else {
            /* Raw blob bytes: keep the message valid UTF-8. */
            char *ok = g_utf8_make_valid(s, (gssize)len);
            g_string_append(out, ok);
            g_free(ok);
        }
        break;
    }
    case JSON_INTEGER:
        g_string_append_printf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        break;
    case JSON_REAL: {
        double d = json_real_value(v);
        if (d == floor(d) && fabs(d) < 1e7) {
            g_string_append_printf(out, "%.1f", d);
        } else {
            char buf[40];
            for (int prec = 1; prec <= 17; prec++) {
                snprintf(buf, sizeof buf, "%.*g", prec, d);
                if (strtod(buf, NULL) == d)
                    break;
            }
            g_string_append(out, buf);
        }
        break;
    }
    case JSON_TRUE:
        g_string_append(out, "true");
        break;
    case JSON_FALSE:
        g_string_append(out, "false");
        break;
    case JSON_NULL:
        g_string_append(out, "null");
        break;
    case JSON_ARRAY: {
        g_string_append_c(out, '[');
        size_t i;
        json_t *el;
        json_array_foreach(v, i, el) {
            if (i > 0)
                g_string_append(out, ", ");
            render(out, el, depth + 1);
        }
        g_string_append_c(out, ']');
        break;
    }
    case JSON_OBJECT: {
        g_string_append_c(out, '{');
        const char *k;
        json_t *el;
        bool first = true;
        json_object_foreach(v, k, el) {
            if (!first)
                g_string_append(out, ", ");
            first = false;
            g_string_append_printf(out, "%s=", k);
            render(out, el, depth + 1);
        }
        g_string_append_c(out, '}');
        break;
    }
    }
}

/* Reads the JSON-quoted key at *p (the opening quote) and advances past it.
 * A path cut short (see add()) still yields the part that is there. */
static char *read_quoted(const char **p)
{
    const char *s = *p;
    if (*s != '"')
        return g_strdup("");
    const char *q = s + 1;
    while (*q && *q != '"')
        q += (*q == '\\' && q[1]) ? 2 : 1;
    if (*q != '"') {
        *p = q;
        return g_strdup(s + 1);
    }
    *p = q + 1;
    json_t *j = json_loadb(s, (size_t)(q + 1 - s), JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
    /* a NUL in a key is shown as U+FFFD, as invalid bytes are */
    GString *key = g_string_new(NULL);
    const char *k = json_is_string(j) ? json_string_value(j) : "";
    for (size_t i = 0, n = json_is_string(j) ? json_string_length(j) : 0; i < n; i++) {
        if (k[i])
            g_string_append_c(key, k[i]);
        else
            g_string_append(key, "\xEF\xBF\xBD");
    }
    json_decref(j);
    return g_string_free(key, FALSE);
}

typedef enum { TAIL_NONE, TAIL_LIST, TAIL_MAP_VALUE, TAIL_MAP_KEY } tail_kind;

/* Our path -> Coral's ("Tags[0].Key" -> "tags.1.member.key"). When the last
 * step is a list element, a map value or a map key, Coral reports at the
 * collection and says which part failed; that is returned in *tail (with
 * the key, owned by the caller, in *tail_key). */
static void coral_path(GString *out, const char *path, tail_kind *tail, char **tail_key)
{
    *tail = TAIL_NONE;
    *tail_key = NULL;
    const char *p = path;
    bool start = true;
    while (*p) {
        tail_kind step = TAIL_NONE;
        char *key = NULL;
        if (*p == '.') {
            p++;
            continue;
        }
        if (*p == '[' && p[1] == '"') {
            p++;
            key = read_quoted(&p);
            if (*p == ']')
                p++;
            step = TAIL_MAP_VALUE;
        } else if (*p == '{') {
            p++;
            key = read_quoted(&p);
            if (*p == '}')
                p++;
            step = TAIL_MAP_KEY;
        } else if (*p == '[') {
            char *end;
            unsigned long long i = strtoull(p + 1, &end, 10);
            key = g_strdup_printf("%llu", i + 1);
            p = *end == ']' ? end + 1 : end;
            step = TAIL_LIST;
        } else {
            size_t n = strcspn(p, ".[{");
            if (!start)
                g_string_append_c(out, '.');
            g_string_append_c(out, g_ascii_tolower(*p));
            g_string_append_len(out, p + 1, (gssize)n - 1);
            p += n;
            start = false;
            continue;
        }
        if (*p == '\0') {
            *tail = step;
            *tail_key = key;
            return;
        }
        if (step != TAIL_MAP_KEY)
            g_string_append_printf(out, ".%s.member", key);
        g_free(key);
    }
}

static void constraint(GString *out, const violation *v)
{
    switch (v->kind) {
    case VIOLATION_REQUIRED:
        g_string_append(out, "Member must not be null");
        break;
    case VIOLATION_ENUM: {
        g_string_append(out, "Member must satisfy enum value set: [");
        for (size_t i = 0; i < v->n_enum_values; i++) {
            if (i > 0)
                g_string_append(out, ", ");
            g_string_append(out, v->enum_values[i] ? v->enum_values[i] : "");
        }
        g_string_append_c(out, ']');
        break;
    }
    case VIOLATION_MIN:
    case VIOLATION_MAX:
        g_string_append_printf(out, "Member must have value %s than or equal to %lld",
                               v->kind == VIOLATION_MIN ? "greater" : "less", v->limit);
        /* Coral prints a floating-point bound as a double: "1.0". */
        if (json_is_real(v->value))
            g_string_append(out, ".0");
        break;
    case VIOLATION_MIN_LENGTH:
    case VIOLATION_MAX_LENGTH:
        g_string_append_printf(out, "Member must have length %s than or equal to %lld",
                               v->kind == VIOLATION_MIN_LENGTH ? "greater" : "less",
                               v->limit);
        break;
    case VIOLATION_PATTERN:
        g_string_append_printf(out, "Member must satisfy regular expression pattern: %s",
                               v->pattern ? v->pattern : "");
        break;
    case VIOLATION_TYPE:
        /* Not a Coral constraint (Coral answers a SerializationException
         * before validating); worded in the same style for services that
         * fold it into their validation error. */
        g_string_append_printf(out, "Member must be of type %s", v->pattern ? v->pattern : "");
        break;
    }
}

/* Inside "Member must satisfy constraint: [...]" and the map forms Coral
 * lists every constraint of the element's shape, not only the one that
 * failed: "[Member must have length less than or equal to 25, Member must
 * have length greater than or equal to 1]" (AWS-FACTS.md). */
static void all_constraints(GString *out, const violation *v)
{
    const mshape *shape = v->shape;
    if (!shape || v->kind == VIOLATION_REQUIRED || v->kind == VIOLATION_TYPE) {
        constraint(out, v);
        return;
    }
    bool number = shape->kind == MK_INTEGER || shape->kind == MK_LONG || shape->kind == MK_FLOAT ||
                  shape->kind == MK_DOUBLE;
    violation each = *v;
    size_t n = 0;
    const uint32_t flags[] = {MF_HAS_MAX, MF_HAS_MIN};
    for (size_t i = 0; i < G_N_ELEMENTS(flags); i++) {
        if (!shape_has(shape, flags[i], &each.limit))
            continue;
        each.kind = flags[i] == MF_HAS_MAX ? (number ? VIOLATION_MAX : VIOLATION_MAX_LENGTH)
                                           : (number ? VIOLATION_MIN : VIOLATION_MIN_LENGTH);
        g_string_append(out, n++ ? ", " : "");
        constraint(out, &each);
    }
    if (shape->pattern || v->kind == VIOLATION_PATTERN) {
        each.kind = VIOLATION_PATTERN;
        each.pattern = shape->pattern ? shape->pattern : v->pattern;
        g_string_append(out, n++ ? ", " : "");
        constraint(out, &each);
    }
    if (v->kind == VIOLATION_ENUM) {
        g_string_append(out, n++ ? ", " : "");
        constraint(out, v);
    }
}

static void one_message(GString *out, const violation *v)
{
    GString *path = g_string_new(NULL);
    tail_kind tail;
    char *key;
    coral_path(path, v->path, &tail, &key);

    g_string_append(out, "Value ");
    if (tail == TAIL_MAP_KEY) {
        g_string_append_printf(out, "'%s'", key ? key : "");
    } else if (tail == TAIL_MAP_VALUE) {
        g_string_append_printf(out, "'{%s=", key ? key : "");
        if (v->value)
            render(out, v->value, 0);
        else
            g_string_append(out, "null");
        g_string_append(out, "}'");
    } else if (v->value) {
        g_string_append_c(out, '\'');
        render(out, v->value, 0);
        g_string_append_c(out, '\'');
    } else {
        g_string_append(out, "null");
    }
    g_string_append_printf(out, " at '%s' failed to satisfy constraint: ", path->str);

    switch (tail) {
    case TAIL_LIST:
        g_string_append(out, "Member must satisfy constraint: [");
        break;
    case TAIL_MAP_VALUE:
        g_string_append(out, "Map value must satisfy constraint: [");
        break;
    case TAIL_MAP_KEY:
        g_string_append(out, "Map keys must satisfy constraint: [");
        break;
    case TAIL_NONE:
        break;
    }
    if (tail != TAIL_NONE) {
        all_constraints(out, v);
        g_string_append_c(out, ']');
    } else {
        constraint(out, v);
    }
    g_free(key);
    g_string_free(path, TRUE);
}

void validate_coral_message(GString *out, const violation *v, size_t n)
{
    if (n == 0)
        return;
    g_string_append_printf(out, "%zu validation error%s detected: ", n, n == 1 ? "" : "s");
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            g_string_append(out, "; ");
        one_message(out, &v[i]);
    }
}
