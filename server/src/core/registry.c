/* registry: the services one server runs (svc_rt), each loaded on its
 * first request. */
#include "wire/model_json.h"
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
        rt->meta = embedded_model_meta(d->model_file);
        if (!rt->meta) {
            g_snprintf(err, errlen, "%s: no embedded model %s", d->name, d->model_file);
            return -1;
        }
        rt->proto = wire_protocol_find(rt->meta->protocol);
        if (!rt->proto) {
            g_snprintf(err, errlen, "%s: unknown protocol '%s'", d->name, rt->meta->protocol);
            return -1;
        }
        rt->handlers = g_hash_table_new(g_str_hash, g_str_equal);
        for (const svc_op *op = d->ops; op->name; op++)
            g_hash_table_insert(rt->handlers, (gpointer)op->name, (gpointer)op);
    }
    return 0;
}

static void load_service(svc_rt *rt)
{
    char err[256];
    size_t len;
    const svc_def *d = rt->def;
    const char *text = embedded_find(d->model_file, &len);
    if (!(rt->model = model_load(text, len, err, sizeof err))) {
        rt->load_error = g_strdup_printf("%s: %s", d->name, err);
        return;
    }
    text = embedded_find(d->errors_file, &len);
    if (text && !(rt->errors = errcat_load(text, len, err, sizeof err))) {
        rt->load_error = g_strdup_printf("%s: %s", d->name, err);
        return;
    }
    rt->validator = validator_new(rt->model);
    rt->aws_ops = g_hash_table_new(g_str_hash, g_str_equal);
    /* every operation of the service's model, implemented or not */
    for (uint32_t i = 0; i < rt->model->nops; i++)
        g_hash_table_add(rt->aws_ops, (gpointer)rt->model->ops[i].name);
}

bool registry_ready(svc_rt *rt, char *err, size_t errlen)
{
    if (g_once_init_enter(&rt->loaded)) {
        load_service(rt);
        g_once_init_leave(&rt->loaded, 1);
    }
    if (rt->load_error && err)
        g_strlcpy(err, rt->load_error, errlen);
    return rt->load_error == NULL;
}

void registry_free(server *s)
{
    for (size_t i = 0; i < s->nsvcs; i++) {
        svc_rt *rt = &s->svcs[i];
        if (rt->handlers)
            g_hash_table_destroy(rt->handlers);
        if (rt->aws_ops)
            g_hash_table_destroy(rt->aws_ops);
        validator_free(rt->validator);
        errcat_free(rt->errors);
        model_free(rt->model);
        g_free(rt->load_error);
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
        if (!registry_ready(rt, NULL, 0))
            continue;
        if (errcat_lookup(rt->errors, code) || model_error_shape(rt->model, code, NULL))
            return true;
    }
    return false;
}
