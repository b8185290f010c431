#include "reqid.h"

#include <glib.h>

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
     * by a suffix, give 512 */
    guint8 bytes[64];
    for (int half = 0; half < 2; half++) {
        GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
        g_checksum_update(sum, (const guchar *)uuid, -1);
        g_checksum_update(sum, (const guchar *)(half ? "1" : "0"), 1);
        gsize len = 32;
        g_checksum_get_digest(sum, bytes + 32 * half, &len);
        g_checksum_free(sum);
    }
    for (size_t i = 0; i < 52; i++)
        out[i] = digits[bytes[i] & 31];
    out[52] = '\0';
}
