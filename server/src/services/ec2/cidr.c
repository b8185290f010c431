#include "services/ec2/cidr.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool ec2_ip_parse(const char *s, uint32_t *out)
{
    uint32_t ip = 0;
    for (int part = 0; part < 4; part++) {
        if (!g_ascii_isdigit(*s))
            return false;
        unsigned v = 0;
        int digits = 0;
        for (; g_ascii_isdigit(*s); s++, digits++) {
            if (digits == 3 || (digits == 1 && v == 0))
                return false; /* more than three digits, or a leading zero */
            v = v * 10 + (unsigned)(*s - '0');
        }
        if (v > 255)
            return false;
        ip = ip << 8 | v;
        if (part < 3 && *s++ != '.')
            return false;
    }
    if (*s)
        return false;
    *out = ip;
    return true;
}

char *ec2_ip_format(uint32_t ip, char *buf)
{
    g_snprintf(buf, 16, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 0xff, (ip >> 8) & 0xff, ip & 0xff);
    return buf;
}

static uint32_t mask_of(int prefix) { return prefix == 0 ? 0 : 0xffffffffu << (32 - prefix); }

bool ec2_cidr_parse(const char *s, bool strict, ec2_cidr *out)
{
    const char *slash = strchr(s, '/');
    if (!slash || slash - s > 15 || !g_ascii_isdigit(slash[1]) || (slash[1] == '0' && slash[2]) ||
        strlen(slash + 1) > 2)
        return false;
    char addr[16];
    memcpy(addr, s, (size_t)(slash - s));
    addr[slash - s] = '\0';
    uint32_t ip;
    int prefix = atoi(slash + 1);
    if (!ec2_ip_parse(addr, &ip) || prefix > 32 || (slash[2] && !g_ascii_isdigit(slash[2])))
        return false;
    if (strict && (ip & ~mask_of(prefix)))
        return false;
    out->base = ip & mask_of(prefix);
    out->prefix = prefix;
    return true;
}

char *ec2_cidr_format(ec2_cidr c, char *buf)
{
    char ip[16];
    g_snprintf(buf, 19, "%s/%d", ec2_ip_format(c.base, ip), c.prefix);
    return buf;
}

uint64_t ec2_cidr_size(ec2_cidr c) { return (uint64_t)1 << (32 - c.prefix); }

bool ec2_cidr_contains(ec2_cidr outer, uint32_t ip) { return (ip & mask_of(outer.prefix)) == outer.base; }

bool ec2_cidr_within(ec2_cidr outer, ec2_cidr inner)
{
    return inner.prefix >= outer.prefix && ec2_cidr_contains(outer, inner.base);
}

bool ec2_cidr_overlap(ec2_cidr a, ec2_cidr b) { return ec2_cidr_within(a, b) || ec2_cidr_within(b, a); }
