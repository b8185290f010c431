/* decisions: what --auth enforce decided, kept per check (core/enforce.c
 * makes the keys: caller, namespace, action, resource) until the next write
 * that can change a decision. The server holds one (server.decisions) under
 * --auth enforce only. Thread-safe; bounded (it starts over when full or
 * when the generation moves). */
#ifndef MOCKAWS_CORE_DECISIONS_H
#define MOCKAWS_CORE_DECISIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "policy/policy.h"

typedef struct decisions decisions;

decisions *decisions_new(void);
void decisions_free(decisions *d); /* NULL: nothing */

/* Forgets every kept decision, by moving the generation: called after each
 * write that can change one (core/call.c: a non-read operation of a service
 * with identity or resource policies, and its work on the clock;
 * core/fixtures.c: a load, a reset). NULL (--auth off, verify): nothing. */
void decisions_forget(decisions *d);

/* The generation now (0 for NULL): read it before reading any policy, and
 * hand it to decisions_put with what was decided. */
uint64_t decisions_generation(decisions *d);

/* The decision kept under key in the current generation: true with copies
 * (g_free) of its kind of policy, statement (or NULL) and journal sentence. */
bool decisions_get(decisions *d, const char *key, policy_decision *decision, char **by, char **statement,
                   char **why);

/* Keeps a decision made on the policies of generation gen, unless a write
 * has moved the generation since. Takes key (g_malloc'd); copies the rest. */
void decisions_put(decisions *d, uint64_t gen, char *key, policy_decision decision, const char *by,
                   const char *statement, const char *why);

#endif
