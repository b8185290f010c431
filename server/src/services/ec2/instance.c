#include "services/ec2/instance.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "services/ec2/image.h"
#include "services/ec2/net.h"
#include "services/ec2/template.h"
#include "services/ec2/volume.h"
#include "services/svc_api.h"

static const struct {
    ec2_istate s;
    const char *name;
} state_names[] = {
    {EC2_PENDING, "pending"},   {EC2_RUNNING, "running"},   {EC2_SHUTTING_DOWN, "shutting-down"},
    {EC2_TERMINATED, "terminated"}, {EC2_STOPPING, "stopping"}, {EC2_STOPPED, "stopped"},
};

const char *ec2_istate_name(ec2_istate s)
{
    for (size_t i = 0; i < G_N_ELEMENTS(state_names); i++)
        if (state_names[i].s == s)
            return state_names[i].name;
    return "pending";
}

bool ec2_istate_parse(const char *name, ec2_istate *out)
{
    for (size_t i = 0; name && i < G_N_ELEMENTS(state_names); i++)
        if (strcmp(state_names[i].name, name) == 0) {
            *out = state_names[i].s;
            return true;
        }
    return false;
}

void ec2_derive_hex(char *out, size_t n, const char *material)
{
    gchar *h = g_compute_checksum_for_string(G_CHECKSUM_SHA256, material, -1);
    memcpy(out, h, n > 64 ? 64 : n);
    out[n > 64 ? 64 : n] = '\0';
    g_free(h);
}

static void instance_free(gpointer p)
{
    ec2_instance *in = p;
    g_free(in->region);
    g_free(in->az);
    g_free(in->image_id);
    g_free(in->type);
    g_free(in->key_name);
    g_free(in->subnet_id);
    g_free(in->vpc_id);
    g_free(in->private_ip);
    g_free(in->client_token);
    g_free(in->user_data);
    g_free(in->owner);
    g_free(in->eni_id);
    g_free(in->mac);
    g_free(in->elastic_ip);
    json_decref(in->groups);
    json_decref(in->tags);
    json_decref(in->params);
    g_free(in);
}

static void token_free(gpointer p)
{
    ec2_token *t = p;
    g_free(t->fingerprint);
    g_free(t->reservation_id);
    g_ptr_array_free(t->ids, TRUE);
    g_free(t);
}

ec2_state *ec2_state_new(void)
{
    ec2_state *st = g_new0(ec2_state, 1);
    st->tr = EC2_DEFAULT_TRANSITIONS;
    st->net = ec2_net_new();
    st->by_id = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, instance_free);
    g_queue_init(&st->order);
    st->tokens = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, token_free);
    st->tags = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)json_decref);
    st->images = ec2_images_new();
    st->volumes = ec2_volumes_new();
    st->templates = ec2_templates_new();
    return st;
}

void ec2_state_free(ec2_state *st)
{
    if (!st)
        return;
    g_queue_clear(&st->order);
    ec2_net_free(st->net);
    g_hash_table_destroy(st->by_id);
    g_hash_table_destroy(st->tokens);
    g_hash_table_destroy(st->tags);
    ec2_images_free(st->images);
    ec2_volumes_free(st->volumes);
    ec2_templates_free(st->templates);
    g_free(st);
}

static ec2_instance *instance_copy(const ec2_instance *from)
{
    ec2_instance *in = g_new(ec2_instance, 1);
    *in = *from;
    char **strings[] = {&in->region,     &in->az,       &in->image_id,  &in->type,        &in->key_name,
                        &in->subnet_id,  &in->vpc_id,   &in->private_ip, &in->client_token, &in->user_data,
                        &in->owner,      &in->eni_id,   &in->mac,       &in->elastic_ip};
    for (size_t i = 0; i < G_N_ELEMENTS(strings); i++)
        *strings[i] = g_strdup(*strings[i]);
    in->groups = json_deep_copy(from->groups);
    in->tags = json_deep_copy(from->tags);
    in->params = json_deep_copy(from->params);
    in->link = NULL;
    return in;
}

static gpointer copy_string(gconstpointer src, gpointer unused)
{
    (void)unused;
    return g_strdup(src);
}

ec2_state *ec2_state_clone(const ec2_state *st)
{
    ec2_state *c = ec2_state_new();
    c->tr = st->tr;
    ec2_net_free(c->net);
    c->net = ec2_net_clone(st->net);
    c->next_seq = st->next_seq;
    c->next_host = st->next_host;
    for (GList *l = st->order.head; l; l = l->next) {
        ec2_instance *in = instance_copy(l->data);
        in->link = g_list_alloc();
        in->link->data = in;
        g_queue_push_tail_link(&c->order, in->link);
        g_hash_table_replace(c->by_id, in->id, in);
    }
    GHashTableIter it;
    gpointer key, value;
    g_hash_table_iter_init(&it, st->tokens);
    while (g_hash_table_iter_next(&it, &key, &value)) {
        const ec2_token *t = value;
        ec2_token *tc = g_new0(ec2_token, 1);
        tc->fingerprint = g_strdup(t->fingerprint);
        tc->reservation_id = g_strdup(t->reservation_id);
        tc->ids = g_ptr_array_copy(t->ids, copy_string, NULL);
        g_ptr_array_set_free_func(tc->ids, g_free);
        g_hash_table_insert(c->tokens, g_strdup(key), tc);
    }
    g_hash_table_iter_init(&it, st->tags);
    while (g_hash_table_iter_next(&it, &key, &value))
        g_hash_table_insert(c->tags, g_strdup(key), json_deep_copy(value));
    ec2_images_free(c->images);
    c->images = ec2_images_clone(st->images);
    ec2_volumes_free(c->volumes);
    c->volumes = ec2_volumes_clone(st->volumes);
    ec2_templates_free(c->templates);
    c->templates = ec2_templates_clone(st->templates);
    return c;
}

ec2_instance *ec2_instance_add(ec2_state *st, const char *id, const char *reservation_id,
                               const char *account, const char *region, const char *az,
                               ec2_istate state, int64_t now_ms)
{
    ec2_instance *in = g_new0(ec2_instance, 1);
    g_strlcpy(in->id, id, sizeof in->id);
    g_strlcpy(in->reservation_id, reservation_id, sizeof in->reservation_id);
    in->seq = ++st->next_seq;
    in->state = state;
    in->since_ms = now_ms;
    in->launch_ms = now_ms;
    in->running_since_ms = now_ms;
    in->region = g_strdup(region);
    in->az = g_strdup(az);
    in->owner = g_strdup(account);
    in->tags = json_object();
    in->params = json_object();

    /* The default VPC of the account and region, its subnet in this zone and
     * its default security group: derived, so every instance of a namespace
     * agrees on them without the state having to remember them. */
    char material[256], hex[65];
    g_snprintf(material, sizeof material, "vpc/%s/%s", account, region);
    ec2_derive_hex(hex, 17, material);
    in->vpc_id = g_strconcat("vpc-", hex, NULL);
    g_snprintf(material, sizeof material, "subnet/%s/%s", account, az);
    ec2_derive_hex(hex, 17, material);
    in->subnet_id = g_strconcat("subnet-", hex, NULL);
    g_snprintf(material, sizeof material, "sg/%s/%s", account, region);
    ec2_derive_hex(hex, 17, material);
    char *sg = g_strconcat("sg-", hex, NULL);
    in->groups = json_pack("[{s:s, s:s}]", "GroupId", sg, "GroupName", "default");
    g_free(sg);

    g_snprintf(material, sizeof material, "eni/%s", id);
    ec2_derive_hex(hex, 17, material);
    in->eni_id = g_strconcat("eni-", hex, NULL);
    g_snprintf(material, sizeof material, "mac/%s", id);
    ec2_derive_hex(hex, 10, material);
    in->mac = g_strdup_printf("0e:%.2s:%.2s:%.2s:%.2s:%.2s", hex, hex + 2, hex + 4, hex + 6, hex + 8);

    /* 172.31.0.0/16 is every default VPC's range; each zone has a /20 of it. */
    size_t zlen = strlen(az);
    unsigned zone = zlen ? (unsigned)(g_ascii_tolower(az[zlen - 1]) - 'a') % 16 : 0;
    unsigned host = st->next_host++ % (16 * 254);
    in->private_ip = g_strdup_printf("172.31.%u.%u", zone * 16 + host / 254, host % 254 + 1);

    in->link = g_list_alloc();
    in->link->data = in;
    g_queue_push_tail_link(&st->order, in->link);
    g_hash_table_replace(st->by_id, in->id, in);
    return in;
}

static void drop(ec2_state *st, ec2_instance *in)
{
    g_queue_delete_link(&st->order, in->link);
    g_hash_table_remove(st->by_id, in->id);
}

/* A transition from `in->state` that lasts ms and, when polls > 0, that many
 * describe polls. Returns true when it is over by now_ms, with *at set to
 * when it ended. */
static bool transition_over(const ec2_instance *in, int64_t ms, int64_t polls, int64_t now_ms, int64_t *at)
{
    if (in->instant)
        ms = polls = 0; /* --transitions instant: over when it began */
    if (now_ms - in->since_ms < ms || in->polls < polls)
        return false;
    /* Time alone: it ended when its time was up, which matters for what
     * follows (status checks count from the moment running began). Polls:
     * it ended at the poll that completed it. */
    *at = polls > 0 ? now_ms : in->since_ms + ms;
    return true;
}

void ec2_settle(const ec2_transitions *tr, ec2_instance *in, int64_t now_ms)
{
    int64_t at;
    switch (in->state) {
    case EC2_PENDING:
        if (transition_over(in, tr->pending_ms, tr->pending_polls, now_ms, &at)) {
            ec2_enter(in, EC2_RUNNING, at);
            in->running_since_ms = at;
        }
        break;
    case EC2_STOPPING:
        if (transition_over(in, tr->stopping_ms, tr->stopping_polls, now_ms, &at))
            ec2_enter(in, EC2_STOPPED, at);
        break;
    case EC2_SHUTTING_DOWN:
        if (transition_over(in, tr->shutting_down_ms, tr->shutting_down_polls, now_ms, &at))
            ec2_enter(in, EC2_TERMINATED, at);
        break;
    default:
        break;
    }
}

void ec2_count_poll(ec2_instance *in)
{
    if (in->state == EC2_PENDING || in->state == EC2_STOPPING || in->state == EC2_SHUTTING_DOWN)
        in->polls++;
}

void ec2_enter(ec2_instance *in, ec2_istate s, int64_t now_ms)
{
    in->state = s;
    in->since_ms = now_ms;
    in->polls = 0;
}

const char *ec2_status_check(const ec2_transitions *tr, const ec2_instance *in, int64_t now_ms)
{
    if (in->state != EC2_RUNNING)
        return "not-applicable";
    return !in->instant && now_ms - in->running_since_ms < tr->status_initializing_ms ? "initializing" : "ok";
}

const char *ec2_public_ip(const ec2_instance *in, char *buf)
{
    if (in->elastic_ip && in->state != EC2_SHUTTING_DOWN && in->state != EC2_TERMINATED) {
        g_strlcpy(buf, in->elastic_ip, 16);
        return buf;
    }
    if (in->no_public_ip || (in->state != EC2_PENDING && in->state != EC2_RUNNING))
        return NULL;
    /* A new address for each start, as without an Elastic IP. */
    char material[64], hex[9];
    g_snprintf(material, sizeof material, "ip/%s/%u", in->id, in->starts);
    ec2_derive_hex(hex, 8, material);
    unsigned v = (unsigned)strtoul(hex, NULL, 16);
    g_snprintf(buf, 16, "54.%u.%u.%u", 144 + (v >> 16) % 96, (v >> 8) & 0xff, 1 + (v & 0xff) % 254);
    return buf;
}

static bool settle_or_drop(ec2_state *st, ec2_instance *in, int64_t now_ms)
{
    ec2_settle(&st->tr, in, now_ms);
    if (in->state == EC2_TERMINATED && now_ms - in->since_ms >= st->tr.terminated_visible_ms) {
        drop(st, in);
        return false;
    }
    return true;
}

ec2_instance *ec2_state_get(ec2_state *st, const char *id, int64_t now_ms)
{
    ec2_instance *in = g_hash_table_lookup(st->by_id, id);
    return in && settle_or_drop(st, in, now_ms) ? in : NULL;
}

GPtrArray *ec2_state_list(ec2_state *st, int64_t now_ms)
{
    GPtrArray *out = g_ptr_array_sized_new(st->order.length);
    for (GList *l = st->order.head; l;) {
        ec2_instance *in = l->data;
        l = l->next; /* settle_or_drop may free this link */
        if (settle_or_drop(st, in, now_ms))
            g_ptr_array_add(out, in);
    }
    return out;
}

/* ---- fixtures ---- */

static const struct {
    const char *name;
    size_t off;
} transition_fields[] = {
    {"pending_ms", offsetof(ec2_transitions, pending_ms)},
    {"stopping_ms", offsetof(ec2_transitions, stopping_ms)},
    {"shutting_down_ms", offsetof(ec2_transitions, shutting_down_ms)},
    {"status_initializing_ms", offsetof(ec2_transitions, status_initializing_ms)},
    {"terminated_visible_ms", offsetof(ec2_transitions, terminated_visible_ms)},
    {"pending_polls", offsetof(ec2_transitions, pending_polls)},
    {"stopping_polls", offsetof(ec2_transitions, stopping_polls)},
    {"shutting_down_polls", offsetof(ec2_transitions, shutting_down_polls)},
};

static int load_transitions(ec2_transitions *tr, json_t *o, char *err, size_t errlen)
{
    if (!json_is_object(o)) {
        g_snprintf(err, errlen, "\"transitions\" must be an object");
        return -1;
    }
    ec2_transitions t = *tr;
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v) {
        size_t i = 0;
        while (i < G_N_ELEMENTS(transition_fields) && strcmp(transition_fields[i].name, key) != 0)
            i++;
        if (i == G_N_ELEMENTS(transition_fields)) {
            g_snprintf(err, errlen,
                       "unknown field \"%s\" in \"transitions\" (known: pending_ms, stopping_ms, "
                       "shutting_down_ms, status_initializing_ms, terminated_visible_ms, pending_polls, "
                       "stopping_polls, shutting_down_polls)",
                       key);
            return -1;
        }
        if (!json_is_integer(v) || json_integer_value(v) < 0 ||
            json_integer_value(v) > (json_int_t)366 * 24 * 3600 * 1000) {
            g_snprintf(err, errlen, "\"transitions.%s\" must be a non-negative integer (at most a year)", key);
            return -1;
        }
        *(int64_t *)((char *)&t + transition_fields[i].off) = json_integer_value(v);
    }
    *tr = t;
    return 0;
}

static bool valid_instance_id(const char *id)
{
    size_t n = strlen(id);
    if (!g_str_has_prefix(id, "i-") || (n != 10 && n != 19))
        return false;
    for (const char *p = id + 2; *p; p++)
        if (!g_ascii_isxdigit(*p) || g_ascii_isupper(*p))
            return false;
    return true;
}

/* {k: v} or [{"Key": k, "Value": v}] into an object. */
static json_t *load_tags(json_t *v, char *err, size_t errlen)
{
    json_t *out = json_object();
    if (json_is_object(v)) {
        const char *k;
        json_t *x;
        json_object_foreach(v, k, x) {
            if (!json_is_string(x)) {
                g_snprintf(err, errlen, "tag \"%s\" must have a string value", k);
                json_decref(out);
                return NULL;
            }
            json_object_set(out, k, x);
        }
        return out;
    }
    size_t i;
    json_t *t;
    if (!json_is_array(v))
        goto bad;
    json_array_foreach(v, i, t) {
        json_t *k = json_object_get(t, "Key"), *x = json_object_get(t, "Value");
        if (!json_is_string(k) || (x && !json_is_string(x)))
            goto bad;
        json_object_set_new(out, json_string_value(k), x ? json_incref(x) : json_string(""));
    }
    return out;
bad:
    g_snprintf(err, errlen, "\"tags\" must be {\"key\": \"value\"} or [{\"Key\": ..., \"Value\": ...}]");
    json_decref(out);
    return NULL;
}

static const char *const instance_fields[] = {"id",        "state",          "type",      "image",
                                              "tags",      "key_name",       "availability_zone",
                                              "subnet_id", "reservation_id", "params",    "user_data",
                                              "disable_api_termination",     "monitoring", NULL};

static int load_instance(ec2_state *st, json_t *o, size_t index, const svc_fixture_ctx *ctx, bool root_volume,
                         char *err, size_t errlen)
{
    if (!json_is_object(o)) {
        g_snprintf(err, errlen, "instances[%zu] must be an object", index);
        return -1;
    }
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v) {
        bool known = false;
        for (const char *const *f = instance_fields; *f && !known; f++)
            known = strcmp(*f, key) == 0;
        if (!known) {
            g_snprintf(err, errlen,
                       "instances[%zu]: unknown field \"%s\" (known: id, state, type, image, tags, key_name, "
                       "availability_zone, subnet_id, reservation_id, params, user_data, disable_api_termination, "
                       "monitoring)",
                       index, key);
            return -1;
        }
        bool flag = strcmp(key, "disable_api_termination") == 0 || strcmp(key, "monitoring") == 0;
        if (flag ? !json_is_boolean(v)
            : strcmp(key, "params") == 0 ? !json_is_object(v)
            : strcmp(key, "tags") != 0 && !json_is_string(v)) {
            g_snprintf(err, errlen, "instances[%zu].%s must be a %s", index, key,
                       flag ? "boolean" : strcmp(key, "params") == 0 ? "JSON object" : "string");
            return -1;
        }
    }
    char id[EC2_ID_LEN + 1], rid[EC2_ID_LEN + 1], material[128], hex[65];
    if (svc_str(o, "id")) {
        if (!valid_instance_id(svc_str(o, "id"))) {
            g_snprintf(err, errlen, "instances[%zu].id '%s' is not an instance id (i- and 8 or 17 hex digits)",
                       index, svc_str(o, "id"));
            return -1;
        }
        g_strlcpy(id, svc_str(o, "id"), sizeof id);
    } else {
        /* Stable across loads of the same fixture, so tests can name them. */
        g_snprintf(material, sizeof material, "fixture/%s/%s/%zu", ctx->account, ctx->region, index);
        ec2_derive_hex(hex, 17, material);
        g_snprintf(id, sizeof id, "i-%s", hex);
    }
    if (g_hash_table_contains(st->by_id, id)) {
        g_snprintf(err, errlen, "instances[%zu]: instance %s already exists", index, id);
        return -1;
    }
    ec2_istate state = EC2_RUNNING;
    if (svc_str(o, "state") && !ec2_istate_parse(svc_str(o, "state"), &state)) {
        g_snprintf(err, errlen,
                   "instances[%zu].state '%s' is not one of pending, running, shutting-down, terminated, "
                   "stopping, stopped",
                   index, svc_str(o, "state"));
        return -1;
    }
    const char *image = svc_str(o, "image") ? svc_str(o, "image") : "ami-0abcdef1234567890";
    if (!g_str_has_prefix(image, "ami-")) {
        g_snprintf(err, errlen, "instances[%zu].image '%s' is not an AMI id (ami-...)", index, image);
        return -1;
    }
    json_t *tags = json_object_get(o, "tags") ? load_tags(json_object_get(o, "tags"), err, errlen) : json_object();
    if (!tags)
        return -1;
    if (svc_str(o, "reservation_id")) {
        g_strlcpy(rid, svc_str(o, "reservation_id"), sizeof rid);
    } else {
        g_snprintf(material, sizeof material, "reservation/%s", id);
        ec2_derive_hex(hex, 17, material);
        g_snprintf(rid, sizeof rid, "r-%s", hex);
    }
    char *az = svc_str(o, "availability_zone") ? g_strdup(svc_str(o, "availability_zone"))
                                          : g_strconcat(ctx->region, "a", NULL);
    ec2_instance *in = ec2_instance_add(st, id, rid, ctx->account, ctx->region, az, state, ctx->now_ms);
    g_free(az);
    /* A fixture describes a settled world: a running instance has passed its
     * status checks already. */
    in->running_since_ms = ctx->now_ms - st->tr.status_initializing_ms;
    if (state == EC2_STOPPED || state == EC2_TERMINATED)
        in->stopped_at_ms = ctx->now_ms;
    in->image_id = g_strdup(image);
    in->type = g_strdup(svc_str(o, "type") ? svc_str(o, "type") : "t3.micro");
    in->key_name = g_strdup(svc_str(o, "key_name"));
    if (svc_str(o, "subnet_id")) {
        g_free(in->subnet_id);
        in->subnet_id = g_strdup(svc_str(o, "subnet_id"));
    }
    json_decref(in->tags);
    in->tags = tags;
    if (json_object_get(o, "params"))
        json_object_update(in->params, json_object_get(o, "params"));
    in->user_data = g_strdup(svc_str(o, "user_data"));
    in->no_terminate = json_is_true(json_object_get(o, "disable_api_termination"));
    in->monitoring = json_is_true(json_object_get(o, "monitoring"));
    if (root_volume)
        ec2_volumes_fixture_root(st, in, ctx->now_ms);
    return 0;
}

/* "tags": {"resource id": {"key": "value"}}, what CreateTags keeps for
 * resources of any kind. */
static int load_resource_tags(ec2_state *st, json_t *tags, char *err, size_t errlen)
{
    const char *id;
    json_t *t;
    bool ok = json_is_object(tags);
    json_object_foreach(tags, id, t) {
        const char *k;
        json_t *v;
        ok = ok && json_is_object(t);
        json_object_foreach(t, k, v) ok = ok && json_is_string(v);
        if (!ok)
            break;
    }
    if (!ok) {
        g_snprintf(err, errlen, "\"tags\" must be {\"resource id\": {\"key\": \"value\"}}");
        return -1;
    }
    json_object_foreach(tags, id, t) g_hash_table_replace(st->tags, g_strdup(id), json_deep_copy(t));
    return 0;
}

int ec2_state_load(ec2_state *st, json_t *section, const svc_fixture_ctx *ctx, char *err, size_t errlen)
{
    if (!json_is_object(section)) {
        g_snprintf(err, errlen, "the ec2 section must be an object");
        return -1;
    }
    const char *key;
    json_t *v;
    static const char *const known[] = {"transitions", "instances", "volumes", "images", "launch_templates", "tags",
                                        NULL};
    json_object_foreach(section, key, v) {
        if (!g_strv_contains(known, key) && !ec2_net_fixture_key(key)) {
            g_snprintf(err, errlen,
                       "unknown field \"%s\" (known: transitions, instances, volumes, images, launch_templates, tags, "
                       "network)",
                       key);
            return -1;
        }
    }
    json_t *network = json_object_get(section, "network");
    if (network && ec2_net_load(st, network, err, errlen) != 0)
        return -1;
    json_t *tags = json_object_get(section, "tags");
    if (tags && load_resource_tags(st, tags, err, errlen) != 0)
        return -1;
    /* Transitions first: instances loaded with them use them. */
    json_t *tr = json_object_get(section, "transitions");
    if (tr && load_transitions(&st->tr, tr, err, errlen) != 0)
        return -1;
    json_t *list = json_object_get(section, "instances");
    if (list && !json_is_array(list)) {
        g_snprintf(err, errlen, "\"instances\" must be a list");
        return -1;
    }
    size_t i;
    json_t *volumes = json_object_get(section, "volumes");
    json_array_foreach(list, i, v) if (load_instance(st, v, i, ctx, !volumes, err, errlen) != 0) return -1;
    if (volumes && ec2_volumes_load(st, volumes, ctx->now_ms, err, errlen) != 0)
        return -1;
    json_t *images = json_object_get(section, "images");
    if (images && ec2_images_load(st->images, images, err, errlen) != 0)
        return -1;
    json_t *templates = json_object_get(section, "launch_templates");
    if (templates && ec2_templates_load(st->templates, templates, err, errlen) != 0)
        return -1;
    return 0;
}

json_t *ec2_state_dump(ec2_state *st)
{
    json_t *out = json_object();
    ec2_transitions dflt = EC2_DEFAULT_TRANSITIONS;
    if (memcmp(&dflt, &st->tr, sizeof dflt) != 0) {
        json_t *tr = json_object();
        for (size_t i = 0; i < G_N_ELEMENTS(transition_fields); i++)
            json_object_set_new(tr, transition_fields[i].name,
                                json_integer(*(const int64_t *)((const char *)&st->tr + transition_fields[i].off)));
        json_object_set_new(out, "transitions", tr);
    }
    if (st->order.length) {
        json_t *list = json_array();
        for (GList *l = st->order.head; l; l = l->next) {
            ec2_instance *in = l->data;
            /* what the client named may be any bytes: core/jtext.h */
            json_t *o = json_pack("{s:s, s:s}", "id", in->id, "state", ec2_istate_name(in->state));
            svc_json_set_bytes(o, "type", in->type, strlen(in->type));
            svc_json_set_bytes(o, "image", in->image_id, strlen(in->image_id));
            json_object_set(o, "tags", in->tags);
            svc_json_set_bytes(o, "availability_zone", in->az, strlen(in->az));
            svc_json_set_bytes(o, "subnet_id", in->subnet_id, strlen(in->subnet_id));
            json_object_set_new(o, "reservation_id", json_string(in->reservation_id));
            if (in->key_name)
                svc_json_set_bytes(o, "key_name", in->key_name, strlen(in->key_name));
            if (json_object_size(in->params))
                json_object_set(o, "params", in->params);
            if (in->user_data)
                svc_json_set_bytes(o, "user_data", in->user_data, strlen(in->user_data));
            if (in->no_terminate)
                json_object_set_new(o, "disable_api_termination", json_true());
            if (in->monitoring)
                json_object_set_new(o, "monitoring", json_true());
            json_array_append_new(list, o);
        }
        json_object_set_new(out, "instances", list);
    }
    /* with instances, always: an absent list would give them root volumes */
    json_t *volumes = ec2_volumes_dump(st->volumes);
    if (st->order.length || json_array_size(volumes))
        json_object_set_new(out, "volumes", volumes);
    else
        json_decref(volumes);
    json_t *images = ec2_images_dump(st->images);
    if (images)
        json_object_set_new(out, "images", images);
    json_t *templates = ec2_templates_dump(st->templates);
    if (templates)
        json_object_set_new(out, "launch_templates", templates);
    ec2_net_dump(st, out);
    /* tags of every other resource (volumes, images, instances' are in
     * their own entries too, but CreateTags may name any id): what the
     * network key did not already save */
    json_t *saved = json_object_get(json_object_get(out, "network"), "tags");
    json_t *tags = json_object();
    GHashTableIter it;
    gpointer id, t;
    g_hash_table_iter_init(&it, st->tags);
    while (g_hash_table_iter_next(&it, &id, &t))
        if (json_object_size(t) && !json_object_get(saved, id))
            json_object_set(tags, id, t);
    if (json_object_size(tags))
        json_object_set_new(out, "tags", tags);
    else
        json_decref(tags);
    if (json_object_size(out) == 0) {
        json_decref(out);
        return NULL;
    }
    return out;
}
