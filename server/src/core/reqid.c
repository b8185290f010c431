#include "reqid.h"

#include <glib.h>
#include <nettle/sha2.h>
#include <string.h>

#include "core/server.h"

/* The same UUID server_uuid writes (version 4, RFC 4122 variant), in hex by
 * table: one is drawn for every request, and printf was ~2% of a small
 * GetObject's instructions. */
void reqid_new(server *s, char *id, size_t idlen)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char b[16];
    char uuid[37], *p = uuid;
    server_random_bytes(s, b, sizeof b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    for (size_t i = 0; i < sizeof b; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            *p++ = '-';
        *p++ = hex[b[i] >> 4];
        *p++ = hex[b[i] & 15];
    }
    *p = '\0';
    g_strlcpy(id, uuid, idlen);
}

void reqid_s3(const char *uuid, char out[17])
{
    size_t o = 0;
    for (const char *p = uuid; *p && o < 16; p++)
        if (*p != '-')
            out[o++] = g_ascii_toupper(*p);
    out[o] = '\0';
}

void reqid_dynamodb(const char *uuid, char out[53])
{
    static const char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUV";
    /* 52 digits want 260 bits: two SHA-256 digests of the UUID, told apart
     * by a suffix, give 512 (nettle's: no allocation, SHA-NI where there
     * is one; the UUID is hashed into one context the two share) */
    uint8_t bytes[2 * SHA256_DIGEST_SIZE];
    struct sha256_ctx both;
    sha256_init(&both);
    sha256_update(&both, strlen(uuid), (const uint8_t *)uuid);
    for (int half = 0; half < 2; half++) {
        struct sha256_ctx ctx = both;
        sha256_update(&ctx, 1, (const uint8_t *)(half ? "1" : "0"));
        sha256_digest(&ctx, SHA256_DIGEST_SIZE, bytes + SHA256_DIGEST_SIZE * half);
    }
    for (size_t i = 0; i < 52; i++)
        out[i] = digits[bytes[i] & 31];
    out[52] = '\0';
}
