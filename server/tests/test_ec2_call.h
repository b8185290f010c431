/* An EC2 query request (Version 2016-11-15 and the given parameters, signed
 * for us-east-1) through the whole pipeline: the EC2 suites' one way in. */
#ifndef MOCKAWS_TEST_EC2_CALL_H
#define MOCKAWS_TEST_EC2_CALL_H

#include <glib.h>
#include <stdarg.h>

#include "test_form_call.h"

#define AUTH_EC2 "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=0"

static result ec2(server *s, const char *fmt, ...) __attribute__((format(printf, 2, 3), unused));
static result ec2(server *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *params = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    char *body = g_strdup_printf("Version=2016-11-15&%s", params);
    result r = form_call(s, "POST", NULL, AUTH_EC2, body);
    g_free(body);
    g_free(params);
    return r;
}

#endif
