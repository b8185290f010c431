#include "services/ec2/inspect.h"

#include <stdlib.h>
#include <string.h>

#include "services/ec2/ec2.h"
#include "services/ec2/instance.h"
#include "services/inspect.h"
#include "services/svc_api.h"

typedef struct ask {
    inspect_cursor *c;
    int64_t now;
} ask;

/* The state s moves on to by itself (instance.h's diagram), with how long
 * that takes and how many describe polls it waits for; false for a state
 * that stays until a user acts. */
static bool transition_of(const ec2_transitions *tr, ec2_istate s, ec2_istate *next, int64_t *ms, int64_t *polls)
{
    switch (s) {
    case EC2_PENDING:
        *next = EC2_RUNNING;
        *ms = tr->pending_ms;
        *polls = tr->pending_polls;
        return true;
    case EC2_STOPPING:
        *next = EC2_STOPPED;
        *ms = tr->stopping_ms;
        *polls = tr->stopping_polls;
        return true;
    case EC2_SHUTTING_DOWN:
        *next = EC2_TERMINATED;
        *ms = tr->shutting_down_ms;
        *polls = tr->shutting_down_polls;
        return true;
    default:
        *next = s;
        *ms = *polls = 0;
        return false;
    }
}

/* in as a describe at now sees it, or NULL when it is gone by then. */
static json_t *instance_json(const ec2_state *st, const ec2_instance *in, const char *account, const char *region,
                             int64_t now)
{
    ec2_instance v = *in; /* settled on a copy: the state is never written */
    ec2_settle(&st->tr, &v, now);
    const ec2_transitions *tr = &st->tr;
    if (v.state == EC2_TERMINATED && now - v.since_ms >= tr->terminated_visible_ms)
        return NULL;
    json_t *e = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o}", "account", account, "region", region, "id",
                          v.id, "type", v.type ? v.type : "", "image", v.image_id ? v.image_id : "", "state",
                          ec2_istate_name(v.state), "state_since", inspect_time(v.since_ms), "launched",
                          inspect_time(v.launch_ms));
    ec2_istate next;
    int64_t ms, polls;
    bool moving = transition_of(tr, v.state, &next, &ms, &polls);
    json_object_set_new(e, "next_state", moving ? json_string(ec2_istate_name(next)) : json_null());
    /* a transition that still waits for describe polls has no time yet */
    json_object_set_new(e, "next_change", moving && v.polls >= polls ? inspect_time(v.since_ms + ms) : json_null());
    if (moving && polls > 0)
        json_object_set_new(e, "polls_left", json_integer(polls > v.polls ? polls - v.polls : 0));
    if (v.state == EC2_TERMINATED)
        json_object_set_new(e, "gone_at", inspect_time(v.since_ms + tr->terminated_visible_ms));
    return e;
}

/* The instance after which the page starts: the token's position is
 * "id/seq"; by its id in O(1), or, once it is gone, the first launched
 * after its seq. */
static GList *start_after(const ec2_state *st, const char *name)
{
    const char *slash = strchr(name, '/');
    char *id = slash ? g_strndup(name, (size_t)(slash - name)) : g_strdup(name);
    ec2_instance *in = g_hash_table_lookup(st->by_id, id);
    g_free(id);
    if (in)
        return in->link->next;
    uint64_t seq = slash ? g_ascii_strtoull(slash + 1, NULL, 10) : 0;
    GList *l = st->order.head;
    while (l && ((ec2_instance *)l->data)->seq <= seq)
        l = l->next;
    return l;
}

static void instances_of(void *state, const char *account, const char *region, void *arg)
{
    ask *a = arg;
    const ec2_state *st = state;
    int where = inspect_cursor_where(a->c, account, region);
    if (where < 0)
        return;
    for (GList *l = where == 0 ? start_after(st, a->c->name) : st->order.head; l && !inspect_cursor_full(a->c);
         l = l->next) {
        const ec2_instance *in = l->data;
        json_t *e = instance_json(st, in, account, region, a->now);
        if (!e)
            continue;
        char pos[EC2_ID_LEN + 24];
        g_snprintf(pos, sizeof pos, "%s/%" G_GUINT64_FORMAT, in->id, (guint64)in->seq);
        inspect_cursor_add(a->c, account, region, pos, e);
    }
}

json_t *ec2_control(server *s, const char *method, const char *subpath, const http_params *query, int *status)
{
    if (strcmp(subpath, "instances") != 0)
        return NULL;
    inspect_cursor c;
    json_t *bad = inspect_cursor_open(&c, method, "ec2/instances", query, status);
    if (bad)
        return bad;
    ask a = {&c, svc_server_clock_ms(s)};
    svc_foreach_state(s, &ec2_service, http_params_get(query, "account"), http_params_get(query, "region"),
                      SVC_LOCK_SHARED, instances_of, &a);
    return inspect_cursor_done(&c, "instances");
}
