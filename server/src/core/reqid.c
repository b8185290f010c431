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
