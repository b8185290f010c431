/* The request ids derived from a request's UUID (core/reqid.c) and S3's
 * host id (wire/restxml.c): the same UUID gives the same ids however they
 * are hashed, so that they can be told apart in a journal and matched
 * across S3's two headers. The expected values are SHA-256 computed
 * independently (Python's hashlib) of the UUID below. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <glib.h>

#include "core/reqid.h"
#include "wire/restxml.h"

#define UUID "0b8f9e9c-1234-4abc-8def-0123456789ab"

/* DynamoDB's 52 digits: sha256(UUID "0") then sha256(UUID "1"), each byte
 * mod 32 in 0-9A-V */
static void dynamodb_id(void **state)
{
    (void)state;
    char id[53];
    reqid_dynamodb(UUID, id);
    assert_string_equal(id, "05K46JES6KQ8GKCR3K8H8T9Q6TMAF18GNPJUVQQA7SGFGHO45DHL");
}

/* S3's x-amz-id-2: base64 of sha256("mockaws host id:" UUID), appended */
static void s3_host_id(void **state)
{
    (void)state;
    GString *out = g_string_new("x");
    restxml_host_id(out, UUID);
    assert_string_equal(out->str, "xufsIHEzJm2Y+VYP2i2swY8jQ3ftIBUx99ipl9gIUnNs=");
    g_string_assign(out, "");
    restxml_host_id(out, NULL);
    assert_string_equal(out->str, "DKsnjoBoBqK6Hi/djUOhpYU2cIe9UyhcFoj2HR0Rkps=");
    g_string_free(out, TRUE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(dynamodb_id), cmocka_unit_test(s3_host_id)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
