/* fuzz_chunked: the aws-chunked body decoder (wire/chunked.c), in each of
 * the forms x-amz-content-sha256 can announce.
 *
 * An input is a line with the x-amz-content-sha256 value (empty: none) and
 * the body. Checks: decoding never grows the body, a failure leaves
 * nothing to clear and says why, and the trailers it returns are readable. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "wire/chunked.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *body;
    size_t len;
    char *sha = fuzz_first_line(data, size, &body, &len);
    if (!sha)
        return 0;
    /* exactly len bytes, so that AddressSanitizer sees any read past them */
    char *buf = g_malloc(len ? len : 1);
    memcpy(buf, body, len);
    chunked_result r;
    char err[256] = "";
    if (chunked_decode_as(buf, len, sha[0] ? sha : NULL, &r, err, sizeof err) == 0) {
        if (r.decoded_len > len)
            abort();
        for (size_t i = 0; i < r.ntrailers; i++)
            if (chunked_trailer_get(&r, r.trailers[i].name) == NULL)
                abort();
        chunked_result_clear(&r);
    } else if (!err[0]) {
        abort();
    }
    g_free(buf);
    g_free(sha);
    return 0;
}
