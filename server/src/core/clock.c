#include "clock.h"

static int64_t real_ms(void)
{
    return g_get_real_time() / 1000;
}

void clock_init(srv_clock *c)
{
    g_mutex_init(&c->lock);
    c->virtual_mode = false;
    c->offset_ms = 0;
    c->frozen_ms = 0;
}

void clock_clear(srv_clock *c)
{
    g_mutex_clear(&c->lock);
}

int64_t clock_now_ms(srv_clock *c)
{
    g_mutex_lock(&c->lock);
    int64_t t = c->virtual_mode ? c->frozen_ms : real_ms() + c->offset_ms;
    g_mutex_unlock(&c->lock);
    return t;
}

void clock_set_virtual(srv_clock *c, bool on)
{
    g_mutex_lock(&c->lock);
    if (on && !c->virtual_mode)
        c->frozen_ms = real_ms() + c->offset_ms;
    else if (!on && c->virtual_mode)
        /* Time never runs backwards: real mode continues from the virtual time. */
        c->offset_ms = c->frozen_ms > real_ms() ? c->frozen_ms - real_ms() : c->offset_ms;
    c->virtual_mode = on;
    g_mutex_unlock(&c->lock);
}

bool clock_is_virtual(srv_clock *c)
{
    g_mutex_lock(&c->lock);
    bool v = c->virtual_mode;
    g_mutex_unlock(&c->lock);
    return v;
}

void clock_advance(srv_clock *c, int64_t ms)
{
    g_mutex_lock(&c->lock);
    if (c->virtual_mode)
        c->frozen_ms += ms;
    else
        c->offset_ms += ms;
    g_mutex_unlock(&c->lock);
}
