/* num: DynamoDB's exact decimal numbers.
 *
 * A DynamoDB number is a decimal of at most 38 significant digits whose
 * magnitude lies in 1E-130 .. 9.9999999999999999999999999999999999999E+125
 * (or zero). It travels as a string and is stored and returned in a
 * canonical plain form: no exponent, no leading or trailing zeros, no "+",
 * "-0" is "0" ("1.50" -> "1.5", "0100" -> "100", "1e2" -> "100").
 *
 * A ddb_dec holds one such number exactly as digits and a power of ten, so
 * that validation, formatting and comparison need no arithmetic library;
 * addition and subtraction go through GMP (exact, any width), and the
 * result is checked against DynamoDB's limits like any input. */
#ifndef MOCKAWS_DYNAMODB_NUM_H
#define MOCKAWS_DYNAMODB_NUM_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

#define DDB_NUM_MAX_DIGITS 38
#define DDB_NUM_MAX_EXP 125  /* largest power of ten of the leading digit */
#define DDB_NUM_MIN_EXP -130 /* smallest one */

/* value = (neg ? -1 : 1) x digits x 10^exp; digits has no leading or
 * trailing zeros; zero is ndigits == 0 (and never negative). */
typedef struct ddb_dec {
    bool neg;
    int ndigits;
    char digits[DDB_NUM_MAX_DIGITS + 1];
    long exp;
} ddb_dec;

typedef enum ddb_num_status {
    DDB_NUM_OK = 0,
    DDB_NUM_EMPTY,     /* "" */
    DDB_NUM_SYNTAX,    /* not a decimal number */
    DDB_NUM_OVERFLOW,  /* magnitude >= 1E126 */
    DDB_NUM_UNDERFLOW, /* magnitude < 1E-130 */
    DDB_NUM_PRECISION, /* more than 38 significant digits */
} ddb_num_status;

/* Parses and checks text (len bytes, not necessarily NUL-terminated) the
 * way DynamoDB does: sign? digits with at most one '.', exponent? ; no
 * spaces. The range is checked before the precision, as DynamoDB does. */
ddb_num_status ddb_num_parse(const char *text, size_t len, ddb_dec *out);

/* DynamoDB's message for a failed parse of text ("The parameter cannot be
 * converted to a numeric value: abc", ...). */
void ddb_num_message(GString *out, ddb_num_status st, const char *text, size_t len);

/* The canonical plain form, appended to out. */
void ddb_num_format(GString *out, const ddb_dec *d);
/* The canonical form as a new string (g_free). */
char *ddb_num_to_string(const ddb_dec *d);

/* Numeric order: <0, 0, >0. */
int ddb_num_cmp(const ddb_dec *a, const ddb_dec *b);
/* The same for two strings that parse (canonical or not); a string that
 * does not parse sorts as zero. */
int ddb_num_cmp_str(const char *a, const char *b);

/* out = a + b (or a - b), exactly; the result is checked against the
 * limits (DDB_NUM_PRECISION when it needs more than 38 digits). */
ddb_num_status ddb_num_add(const ddb_dec *a, const ddb_dec *b, bool subtract, ddb_dec *out);

/* A small non-negative integer as a number (size() results). */
void ddb_num_from_long(long v, ddb_dec *out);

/* Bytes the number counts for in an item's size: one, plus one per two
 * significant digits on each side of the decimal point, plus one for a
 * negative sign (measured against DynamoDB's 400 KB limit). */
size_t ddb_num_size(const ddb_dec *d);

#endif
