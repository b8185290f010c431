#include "services/dynamodb/expr_lex.h"

#include <string.h>

static gboolean is_name_char(char c)
{
    return g_ascii_isalnum(c) || c == '_';
}

/* Bytes in the UTF-8 sequence starting with c (1 for anything odd), so that
 * an error token is a whole character. */
static size_t utf8_len(unsigned char c)
{
    if (c >= 0xF0 && c < 0xF8)
        return 4;
    if (c >= 0xE0)
        return c < 0xF0 ? 3 : 1;
    if (c >= 0xC0)
        return 2;
    return 1;
}

GArray *ddb_lex(const char *s, size_t len)
{
    GArray *toks = g_array_new(FALSE, FALSE, sizeof(ddb_tok));
    size_t i = 0;
    while (i < len) {
        char c = s[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            i++;
            continue;
        }
        ddb_tok t = {TK_ERROR, i, 1};
        if (g_ascii_isalpha(c) || c == '_') {
            t.kind = TK_IDENT;
            while (i + t.len < len && is_name_char(s[i + t.len]))
                t.len++;
        } else if (g_ascii_isdigit(c)) {
            t.kind = TK_NUMBER;
            while (i + t.len < len && g_ascii_isdigit(s[i + t.len]))
                t.len++;
        } else if (c == '#' || c == ':') {
            while (i + t.len < len && is_name_char(s[i + t.len]))
                t.len++;
            /* a lone '#' or ':' stays an error token */
            if (t.len > 1)
                t.kind = c == '#' ? TK_NAME : TK_VALUE;
        } else {
            char n = i + 1 < len ? s[i + 1] : '\0';
            switch (c) {
            case '(': t.kind = TK_LPAREN; break;
            case ')': t.kind = TK_RPAREN; break;
            case '[': t.kind = TK_LBRACKET; break;
            case ']': t.kind = TK_RBRACKET; break;
            case ',': t.kind = TK_COMMA; break;
            case '.': t.kind = TK_DOT; break;
            case '=': t.kind = TK_EQ; break;
            case '+': t.kind = TK_PLUS; break;
            case '-': t.kind = TK_MINUS; break;
            case '<':
                if (n == '>') {
                    t.kind = TK_NE;
                    t.len = 2;
                } else if (n == '=') {
                    t.kind = TK_LE;
                    t.len = 2;
                } else {
                    t.kind = TK_LT;
                }
                break;
            case '>':
                if (n == '=') {
                    t.kind = TK_GE;
                    t.len = 2;
                } else {
                    t.kind = TK_GT;
                }
                break;
            default:
                t.len = utf8_len((unsigned char)c);
                if (i + t.len > len)
                    t.len = len - i;
                break;
            }
        }
        g_array_append_val(toks, t);
        i += t.len;
    }
    ddb_tok eof = {TK_EOF, len, 0};
    g_array_append_val(toks, eof);
    return toks;
}

gboolean ddb_tok_is_word(const char *src, const ddb_tok *t, const char *word)
{
    return t->kind == TK_IDENT && strlen(word) == t->len && g_ascii_strncasecmp(src + t->start, word, t->len) == 0;
}

void ddb_lex_syntax_error(GString *out, const char *src, size_t len, GArray *toks, size_t i)
{
    size_t n = toks->len;
    if (i >= n)
        i = n - 1;
    const ddb_tok *bad = &g_array_index(toks, ddb_tok, i);
    const ddb_tok *prev = i > 0 ? &g_array_index(toks, ddb_tok, i - 1) : NULL;
    const ddb_tok *next = i + 1 < n && bad->kind != TK_EOF ? &g_array_index(toks, ddb_tok, i + 1) : NULL;
    if (next && next->kind == TK_EOF)
        next = NULL;
    g_string_append(out, "Syntax error; token: \"");
    if (bad->kind == TK_EOF)
        g_string_append(out, "<EOF>");
    else
        g_string_append_len(out, src + bad->start, (gssize)bad->len);
    size_t from = prev ? prev->start : bad->start;
    size_t to = next ? next->start + next->len : bad->kind == TK_EOF && prev ? prev->start + prev->len
                                                                              : bad->start + bad->len;
    if (to > len)
        to = len;
    g_string_append(out, "\", near: \"");
    g_string_append_len(out, src + from, (gssize)(to - from));
    g_string_append_c(out, '"');
}
