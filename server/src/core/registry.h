/* registry: the services one server runs. Each is registered when the
 * server starts (definition and protocol only) and loaded on its first
 * request (model, catalog, validator), so that starting a server parses no
 * model. */
#ifndef MOCKAWS_CORE_REGISTRY_H
#define MOCKAWS_CORE_REGISTRY_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/embedded.h"
#include "services/service.h"
#include "wire/errcat.h"
#include "wire/validate.h"
#include "wire/wire.h"

typedef struct mockaws server;

/* A service as one server runs it: its definition, its protocol, and what
 * is loaded for it on its first request (model, catalog, validator, the
 * names of every operation AWS has). Use registry_ready() before touching
 * the loaded part. */
typedef struct svc_rt {
    const svc_def *def;
    const struct embedded_meta *meta;
    const wire_protocol *proto;
    GHashTable *handlers; /* op name -> const svc_op* */

    gsize loaded;         /* g_once_init: 1 = tried */
    char *load_error;     /* why loading failed, or NULL */
    model *model;
    errcat *errors;
    validator *validator;
    GHashTable *aws_ops;  /* every op name AWS has (set) */
} svc_rt;

/* Registers every service of s->services in s->svcs; -1 (and a message in
 * err) when one's embedded model or protocol is missing. */
int registry_load(server *s, char *err, size_t errlen);
/* Releases s->svcs and what was loaded for them. */
void registry_free(server *s);

/* The service named name, or NULL. */
svc_rt *registry_service(server *s, const char *name);
/* Loads the service's model, catalog and validator once; false (and a
 * message in err) when its embedded data is broken. */
bool registry_ready(svc_rt *rt, char *err, size_t errlen);

/* Whether a fault rule's error code needs no status (fault_set_new's
 * callback; arg is the server). */
bool registry_code_known(void *arg, const char *service, const char *code);

#endif
