/* ns: namespaces, the unit of service state and of locking.
 *
 * A namespace is (service, account, region) narrowed by the service's scope
 * (S3 is one namespace for the whole server, STS one per account). Each has
 * its own read-write lock; handlers run under it. Namespaces are created on
 * first use and live until reset or the server stops. */
#ifndef MOCKAWS_STATE_NS_H
#define MOCKAWS_STATE_NS_H

#include <glib.h>
#include <jansson.h>

#include "services/service.h"

typedef struct ns {
    const svc_def *svc;
    char *account; /* "" for SVC_SCOPE_GLOBAL */
    char *region;  /* "" unless SVC_SCOPE_REGION */
    GRWLock lock;
    void *state;   /* owned; svc->state_free */
} ns;

typedef struct ns_table ns_table;

/* services: the server's (NULL-terminated); opts: its options, for each
 * service's config_new (svc_def). */
ns_table *ns_table_new(const svc_def *const *services, const mockaws_options *opts);
void ns_table_free(ns_table *t);
/* The namespace for a request, created when missing. Never NULL. The
 * pointer stays valid until ns_table_reset / ns_table_free. */
ns *ns_get(ns_table *t, const svc_def *svc, const char *account, const char *region);
/* Drops every namespace (state is lost). The caller makes sure no request
 * is using one (the server holds its reset lock). */
void ns_table_reset(ns_table *t);
/* Every namespace's state, cloned (svc_def.state_clone) for a snapshot
 * (core/snapshot.c): owned by the caller, ns_saved_free. NULL with err
 * naming the service when a namespace's service cannot be cloned. The
 * caller makes sure no request is using a namespace (the reset lock). */
typedef struct ns_saved ns_saved;
ns_saved *ns_table_save(ns_table *t, char *err, size_t errlen);
void ns_saved_free(ns_saved *saved);
/* How many namespaces it holds. */
size_t ns_saved_count(const ns_saved *saved);
/* Replaces every namespace by a clone of saved's, at once, and then frees
 * the states that were live (what they share with saved stays). O(number
 * of namespaces) clone calls. Namespace pointers are invalidated as by
 * ns_table_reset, under the same condition. */
void ns_table_restore(ns_table *t, const ns_saved *saved);
/* Calls fn for every namespace in a stable order (service, account, region). */
void ns_table_foreach(ns_table *t, void (*fn)(ns *n, void *arg), void *arg);

#endif
