/* expr_lex: the tokens of DynamoDB's expression language.
 *
 * One lexer serves condition, filter, key condition, projection and update
 * expressions; which words are keywords (AND, SET, ...) is the parser's
 * business, so they come out as identifiers. A character no token starts
 * with becomes a TK_ERROR token, so that the parser can report it the way
 * DynamoDB does ("Syntax error; token: \"!\", near: \"a!b\""). */
#ifndef MOCKAWS_DYNAMODB_EXPR_LEX_H
#define MOCKAWS_DYNAMODB_EXPR_LEX_H

#include <glib.h>
#include <stddef.h>

typedef enum ddb_tok_kind {
    TK_EOF = 0,
    TK_IDENT,  /* [A-Za-z_][A-Za-z0-9_]* */
    TK_NAME,   /* #[A-Za-z0-9_]+ */
    TK_VALUE,  /* :[A-Za-z0-9_]+ */
    TK_NUMBER, /* [0-9]+ */
    TK_LPAREN,
    TK_RPAREN,
    TK_LBRACKET,
    TK_RBRACKET,
    TK_COMMA,
    TK_DOT,
    TK_EQ,
    TK_NE,
    TK_LT,
    TK_LE,
    TK_GT,
    TK_GE,
    TK_PLUS,
    TK_MINUS,
    TK_ERROR,
} ddb_tok_kind;

typedef struct ddb_tok {
    ddb_tok_kind kind;
    size_t start; /* byte offsets into the source */
    size_t len;
} ddb_tok;

/* Tokens of src, ending with one TK_EOF (at src's end). New array of
 * ddb_tok (g_array_unref). */
GArray *ddb_lex(const char *src, size_t len);

/* True when the token is the identifier word (case-insensitive). */
gboolean ddb_tok_is_word(const char *src, const ddb_tok *t, const char *word);

/* DynamoDB's syntax error for token i: `Syntax error; token: "x", near:
 * "a x b"` (the window runs from the token before to the token after). */
void ddb_lex_syntax_error(GString *out, const char *src, size_t len, GArray *toks, size_t i);

#endif
