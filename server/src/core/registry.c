/* registry: the services one server runs (svc_rt), from the models and
 * catalogs compiled into the library. */
#include "core/registry.h"

#include <string.h>

#include "core/embedded.h"
#include "core/server.h"

svc_rt *registry_service(server *s, const char *name)
{
    for (size_t i = 0; i < s->nsvcs; i++)
        if (strcmp(s->svcs[i].def->name, name) == 0)
            return &s->svcs[i];
    return NULL;
}

int registry_load(server *s, char *err, size_t errlen)
{
    size_t n = 0;
    while (s->services[n])
        n++;
    s->svcs = g_new0(svc_rt, n);
    for (size_t i = 0; i < n; i++) {
        const svc_def *d = s->services[i];
        svc_rt *rt = &s->svcs[i];
        s->nsvcs = i + 1;
        rt->def = d;
        const model *m = embedded_model(d->name);
        if (!m) {
            g_snprintf(err, errlen, "%s: no compiled-in model (server/models/%s.json)", d->name, d->name);
            return -1;
        }
        rt->model = m;
        rt->errors = embedded_errcat(d->name);
        rt->proto = wire_protocol_find(m->protocol);
        if (!rt->proto) {
            g_snprintf(err, errlen, "%s: unknown protocol '%s'", d->name, m->protocol);
            return -1;
        }
        rt->validator = validator_new(rt->model);
        for (const char *const *nul = d->nul_strings; nul && *nul; nul++)
            validator_allow_nul(rt->validator, *nul);
        rt->handlers = g_hash_table_new(g_str_hash, g_str_equal);
        for (const svc_op *op = d->ops; op->name; op++)
            g_hash_table_insert(rt->handlers, (gpointer)op->name, (gpointer)op);
    }
    return 0;
}

void registry_free(server *s)
{
    for (size_t i = 0; i < s->nsvcs; i++) {
        svc_rt *rt = &s->svcs[i];
        if (rt->handlers)
            g_hash_table_destroy(rt->handlers);
        validator_free(rt->validator);
    }
    g_free(s->svcs);
}

/* Whether a fault rule's error code needs no status: the service's catalog
 * or model (or, with no service named, any service's) knows it. */
bool registry_code_known(void *arg, const char *service, const char *code)
{
    server *s = arg;
    for (size_t i = 0; i < s->nsvcs; i++) {
        svc_rt *rt = &s->svcs[i];
        if (service && strcmp(service, rt->def->name) != 0)
            continue;
        if (errcat_lookup(rt->errors, code) || model_find_error(rt->model, code))
            return true;
    }
    return false;
}
