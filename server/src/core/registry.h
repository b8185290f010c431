/* registry: the services one server runs. Each is registered when the
 * server starts from what the library has compiled in (core/embedded.h):
 * its model, error catalog and protocol, so that starting a server parses
 * no model. */
#ifndef MOCKAWS_CORE_REGISTRY_H
#define MOCKAWS_CORE_REGISTRY_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

#include "services/service.h"
#include "wire/errcat.h"
#include "wire/validate.h"
#include "wire/wire.h"

typedef struct mockaws server;

/* A service as one server runs it: its definition, its model and catalog
 * (compiled in), its protocol, its handlers and its validator. */
typedef struct svc_rt {
    const svc_def *def;
    const model *model;   /* compiled in */
    const errcat *errors; /* compiled in; NULL when the service has no catalog */
    const wire_protocol *proto;
    GHashTable *handlers; /* op name -> const svc_op* */
    validator *validator; /* owned (caches compiled patterns) */
} svc_rt;

/* Registers every service of s->services in s->svcs; -1 (and a message in
 * err) when one has no compiled-in model or its protocol is unknown. */
int registry_load(server *s, char *err, size_t errlen);
/* Releases s->svcs. */
void registry_free(server *s);

/* The service named name, or NULL. */
svc_rt *registry_service(server *s, const char *name);

/* Whether a fault rule's error code needs no status (fault_set_new's
 * callback; arg is the server). */
bool registry_code_known(void *arg, const char *service, const char *code);

#endif
