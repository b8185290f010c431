#include "awserr.h"

#include <glib.h>
#include <stdarg.h>

static int set_va(aws_error *e, int status, const char *code, const char *fmt, va_list ap)
{
    aws_error_clear(e);
    e->code = g_strdup(code);
    e->message = fmt ? g_strdup_vprintf(fmt, ap) : NULL;
    e->status = status;
    return -1;
}

int aws_error_set(aws_error *e, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_va(e, 0, code, fmt, ap);
    va_end(ap);
    return -1;
}

int aws_error_set_status(aws_error *e, int status, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_va(e, status, code, fmt, ap);
    va_end(ap);
    return -1;
}

void aws_error_field(aws_error *e, const char *name, json_t *value)
{
    if (!e->fields)
        e->fields = json_object();
    json_object_set_new(e->fields, name, value);
}

void aws_error_clear(aws_error *e)
{
    g_free(e->code);
    g_free(e->message);
    json_decref(e->fields);
    *e = (aws_error)AWS_ERROR_INIT;
}

bool aws_error_is_set(const aws_error *e)
{
    return e->code != NULL;
}

void aws_error_move(aws_error *dst, aws_error *src)
{
    if (dst == src)
        return;
    aws_error_clear(dst);
    *dst = *src;
    *src = (aws_error)AWS_ERROR_INIT;
}
