/* clock: the server's one clock. Real time by default; virtual on request
 * (frozen, moved only by clock_advance). Every server time read goes through
 * it, so that state transitions computed from time follow the virtual clock. */
#ifndef MOCKAWS_CORE_CLOCK_H
#define MOCKAWS_CORE_CLOCK_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct srv_clock {
    GMutex lock;
    bool virtual_mode;
    int64_t offset_ms;   /* real mode: added to the real time */
    int64_t frozen_ms;   /* virtual mode: the time */
} srv_clock;

void clock_init(srv_clock *c);
void clock_clear(srv_clock *c);
int64_t clock_now_ms(srv_clock *c);
void clock_set_virtual(srv_clock *c, bool on);
bool clock_is_virtual(srv_clock *c);
void clock_advance(srv_clock *c, int64_t ms);

#endif
