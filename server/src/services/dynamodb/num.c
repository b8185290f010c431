#include "services/dynamodb/num.h"

#include <gmp.h>
#include <string.h>

/* Exponents beyond this are saturated while parsing: they are out of range
 * either way, and saturating keeps the arithmetic below from overflowing. */
#define EXP_CLAMP 1000000000000LL

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Checks the normalized form against the limits, in DynamoDB's order. */
static ddb_num_status check_range(long long n, long long exp)
{
    if (n == 0)
        return DDB_NUM_OK;
    long long sci = exp + n - 1;
    if (sci > DDB_NUM_MAX_EXP)
        return DDB_NUM_OVERFLOW;
    if (sci < DDB_NUM_MIN_EXP)
        return DDB_NUM_UNDERFLOW;
    if (n > DDB_NUM_MAX_DIGITS)
        return DDB_NUM_PRECISION;
    return DDB_NUM_OK;
}

ddb_num_status ddb_num_parse(const char *s, size_t len, ddb_dec *out)
{
    memset(out, 0, sizeof *out);
    if (len == 0)
        return DDB_NUM_EMPTY;
    size_t i = 0;
    bool neg = false;
    if (s[i] == '+' || s[i] == '-') {
        neg = s[i] == '-';
        i++;
    }
    size_t mant_start = i;
    long long int_digits = 0, frac_digits = 0;
    bool dot = false;
    while (i < len && (is_digit(s[i]) || s[i] == '.')) {
        if (s[i] == '.') {
            if (dot)
                return DDB_NUM_SYNTAX;
            dot = true;
        } else if (dot) {
            frac_digits++;
        } else {
            int_digits++;
        }
        i++;
    }
    size_t mant_end = i;
    if (int_digits + frac_digits == 0)
        return DDB_NUM_SYNTAX;
    long long e = 0;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        bool eneg = false;
        if (i < len && (s[i] == '+' || s[i] == '-')) {
            eneg = s[i] == '-';
            i++;
        }
        size_t estart = i;
        while (i < len && is_digit(s[i])) {
            if (e < EXP_CLAMP)
                e = e * 10 + (s[i] - '0');
            i++;
        }
        if (i == estart)
            return DDB_NUM_SYNTAX;
        if (e > EXP_CLAMP)
            e = EXP_CLAMP;
        if (eneg)
            e = -e;
    }
    if (i != len)
        return DDB_NUM_SYNTAX;

    /* The significant digits: from the first to the last non-zero digit of
     * the mantissa, '.' skipped. Positions count digits only. */
    long long first = -1, last = -1, pos = 0;
    for (size_t k = mant_start; k < mant_end; k++) {
        if (s[k] == '.')
            continue;
        if (s[k] != '0') {
            if (first < 0)
                first = pos;
            last = pos;
        }
        pos++;
    }
    if (first < 0)
        return DDB_NUM_OK; /* zero, whatever its sign or exponent */
    long long total = int_digits + frac_digits;
    long long n = last - first + 1;
    long long exp = e - frac_digits + (total - 1 - last);
    ddb_num_status st = check_range(n, exp);
    if (st != DDB_NUM_OK)
        return st;
    out->neg = neg;
    out->ndigits = (int)n;
    out->exp = (long)exp;
    pos = 0;
    int w = 0;
    for (size_t k = mant_start; k < mant_end; k++) {
        if (s[k] == '.')
            continue;
        if (pos >= first && pos <= last)
            out->digits[w++] = s[k];
        pos++;
    }
    out->digits[w] = '\0';
    return DDB_NUM_OK;
}

void ddb_num_message(GString *out, ddb_num_status st, const char *text, size_t len)
{
    switch (st) {
    case DDB_NUM_OK:
        break;
    case DDB_NUM_EMPTY:
        g_string_append(out, "The parameter cannot be converted to a numeric value");
        break;
    case DDB_NUM_SYNTAX:
        g_string_append(out, "The parameter cannot be converted to a numeric value: ");
        g_string_append_len(out, text, (gssize)len);
        break;
    case DDB_NUM_OVERFLOW:
        g_string_append(out, "Number overflow. Attempting to store a number with magnitude larger than "
                             "supported range");
        break;
    case DDB_NUM_UNDERFLOW:
        g_string_append(out, "Number underflow. Attempting to store a number with magnitude smaller than "
                             "supported range");
        break;
    case DDB_NUM_PRECISION:
        g_string_append(out, "Attempting to store more than 38 significant digits in a Number");
        break;
    }
}

void ddb_num_format(GString *out, const ddb_dec *d)
{
    if (d->ndigits == 0) {
        g_string_append_c(out, '0');
        return;
    }
    if (d->neg)
        g_string_append_c(out, '-');
    if (d->exp >= 0) {
        g_string_append_len(out, d->digits, d->ndigits);
        for (long k = 0; k < d->exp; k++)
            g_string_append_c(out, '0');
        return;
    }
    long point = d->ndigits + d->exp; /* digits before the decimal point */
    if (point > 0) {
        g_string_append_len(out, d->digits, point);
        g_string_append_c(out, '.');
        g_string_append_len(out, d->digits + point, d->ndigits - point);
    } else {
        g_string_append(out, "0.");
        for (long k = 0; k < -point; k++)
            g_string_append_c(out, '0');
        g_string_append_len(out, d->digits, d->ndigits);
    }
}

char *ddb_num_to_string(const ddb_dec *d)
{
    GString *s = g_string_sized_new(48);
    ddb_num_format(s, d);
    return g_string_free(s, FALSE);
}

static int cmp_magnitude(const ddb_dec *a, const ddb_dec *b)
{
    long sa = a->exp + a->ndigits - 1, sb = b->exp + b->ndigits - 1;
    if (sa != sb)
        return sa < sb ? -1 : 1;
    int n = a->ndigits < b->ndigits ? a->ndigits : b->ndigits;
    int c = memcmp(a->digits, b->digits, (size_t)n);
    if (c)
        return c < 0 ? -1 : 1;
    /* no trailing zeros: the longer one has more below */
    return a->ndigits == b->ndigits ? 0 : a->ndigits < b->ndigits ? -1 : 1;
}

int ddb_num_cmp(const ddb_dec *a, const ddb_dec *b)
{
    int sa = a->ndigits == 0 ? 0 : a->neg ? -1 : 1;
    int sb = b->ndigits == 0 ? 0 : b->neg ? -1 : 1;
    if (sa != sb)
        return sa < sb ? -1 : 1;
    if (sa == 0)
        return 0;
    int m = cmp_magnitude(a, b);
    return sa < 0 ? -m : m;
}

int ddb_num_cmp_str(const char *a, const char *b)
{
    ddb_dec da, db;
    if (ddb_num_parse(a, strlen(a), &da) != DDB_NUM_OK)
        memset(&da, 0, sizeof da);
    if (ddb_num_parse(b, strlen(b), &db) != DDB_NUM_OK)
        memset(&db, 0, sizeof db);
    return ddb_num_cmp(&da, &db);
}

static void to_mpz(mpz_t z, const ddb_dec *d, long shift)
{
    if (d->ndigits == 0) {
        mpz_set_ui(z, 0);
        return;
    }
    mpz_set_str(z, d->digits, 10);
    if (shift > 0) {
        mpz_t p;
        mpz_init(p);
        mpz_ui_pow_ui(p, 10, (unsigned long)shift);
        mpz_mul(z, z, p);
        mpz_clear(p);
    }
    if (d->neg)
        mpz_neg(z, z);
}

ddb_num_status ddb_num_add(const ddb_dec *a, const ddb_dec *b, bool subtract, ddb_dec *out)
{
    long e = a->exp < b->exp ? a->exp : b->exp;
    if (a->ndigits == 0)
        e = b->exp;
    else if (b->ndigits == 0)
        e = a->exp;
    mpz_t x, y;
    mpz_init(x);
    mpz_init(y);
    to_mpz(x, a, a->ndigits ? a->exp - e : 0);
    to_mpz(y, b, b->ndigits ? b->exp - e : 0);
    if (subtract)
        mpz_sub(x, x, y);
    else
        mpz_add(x, x, y);
    memset(out, 0, sizeof *out);
    ddb_num_status st = DDB_NUM_OK;
    if (mpz_sgn(x) != 0) {
        bool neg = mpz_sgn(x) < 0;
        mpz_abs(x, x);
        char *digits = mpz_get_str(NULL, 10, x);
        size_t n = strlen(digits);
        long long exp = e;
        while (n > 1 && digits[n - 1] == '0') {
            n--;
            exp++;
        }
        st = check_range((long long)n, exp);
        if (st == DDB_NUM_OK) {
            out->neg = neg;
            out->ndigits = (int)n;
            out->exp = (long)exp;
            memcpy(out->digits, digits, n);
            out->digits[n] = '\0';
        }
        void (*gmp_free)(void *, size_t);
        mp_get_memory_functions(NULL, NULL, &gmp_free);
        gmp_free(digits, strlen(digits) + 1);
    }
    mpz_clear(x);
    mpz_clear(y);
    return st;
}

void ddb_num_from_long(long v, ddb_dec *out)
{
    char buf[32];
    g_snprintf(buf, sizeof buf, "%ld", v);
    if (ddb_num_parse(buf, strlen(buf), out) != DDB_NUM_OK)
        memset(out, 0, sizeof *out);
}

size_t ddb_num_size(const ddb_dec *d)
{
    if (d->ndigits == 0)
        return 1;
    long sci = d->exp + d->ndigits - 1;
    long int_digits = sci + 1;
    if (int_digits < 0)
        int_digits = 0;
    if (int_digits > d->ndigits)
        int_digits = d->ndigits;
    long frac_digits = d->ndigits - int_digits;
    return (size_t)((int_digits + 1) / 2 + (frac_digits + 1) / 2 + 1 + (d->neg ? 1 : 0));
}
