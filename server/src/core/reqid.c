#include "reqid.h"

#include <glib.h>

#include "core/server.h"

void reqid_new(server *s, char *id, size_t idlen)
{
    char uuid[37];
    server_uuid(s, uuid);
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
