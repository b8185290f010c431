#include "services/iam/store.h"

#include "services/svc_api.h"

#include <string.h>

const iam_kind_info iam_kinds[IAM_NKINDS] = {
    [IAM_USER] = {"UserName", "UserId", "user", "User", "Users", "AIDA", "PoliciesPerUser", 2048},
    [IAM_ROLE] = {"RoleName", "RoleId", "role", "Role", "Roles", "AROA", "PoliciesPerRole", 10240},
    [IAM_GROUP] = {"GroupName", "GroupId", "group", "Group", "Groups", "AGPA", "PoliciesPerGroup", 5120},
};

static gint key_cmp(gconstpointer a, gconstpointer b, gpointer unused)
{
    (void)unused;
    return strcmp(a, b);
}

iam_key *iam_key_new(const char *id, const char *secret, bool active, int64_t create_ms)
{
    iam_key *k = g_new0(iam_key, 1);
    k->id = g_strdup(id);
    k->secret = g_strdup(secret);
    k->active = active;
    k->create_ms = create_ms;
    return k;
}

void iam_key_free(gpointer p)
{
    iam_key *k = p;
    g_free(k->id);
    g_free(k->secret);
    g_free(k);
}

static void entity_free(gpointer p)
{
    iam_entity *e = p;
    g_free(e->name);
    g_free(e->path);
    g_free(e->id);
    g_free(e->arn);
    g_tree_destroy(e->inline_policies);
    g_ptr_array_free(e->attached, TRUE);
    g_free(e->boundary);
    json_decref(e->tags);
    g_ptr_array_free(e->keys, TRUE);
    g_ptr_array_free(e->members, TRUE);
    g_free(e->trust);
    g_free(e->description);
    g_free(e);
}

static void version_free(gpointer p)
{
    iam_version *v = p;
    g_free(v->id);
    g_free(v->document);
    g_free(v);
}

static void managed_free(gpointer p)
{
    iam_managed *m = p;
    g_free(m->name);
    g_free(m->path);
    g_free(m->id);
    g_free(m->arn);
    g_free(m->description);
    g_ptr_array_free(m->versions, TRUE);
    g_free(m->default_version);
    json_decref(m->tags);
    g_free(m);
}

iam_state *iam_store_new(void)
{
    iam_state *st = g_new0(iam_state, 1);
    for (int k = 0; k < IAM_NKINDS; k++)
        st->entities[k] = g_tree_new_full(key_cmp, NULL, g_free, entity_free);
    st->policies = g_tree_new_full(key_cmp, NULL, g_free, managed_free);
    st->root_keys = g_ptr_array_new_with_free_func(iam_key_free);
    st->parsed = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)json_decref);
    g_mutex_init(&st->parsed_lock);
    return st;
}

/* Documents no longer stored stay cached until the cache is this full,
 * then it starts again. */
#define PARSED_MAX 4096

json_t *iam_store_parsed(iam_state *st, const char *text)
{
    g_mutex_lock(&st->parsed_lock);
    json_t *doc = g_hash_table_lookup(st->parsed, text);
    if (!doc) {
        doc = json_loads(text, 0, NULL);
        if (doc) {
            if (g_hash_table_size(st->parsed) >= PARSED_MAX)
                g_hash_table_remove_all(st->parsed);
            g_hash_table_insert(st->parsed, g_strdup(text), doc);
        }
    }
    json_incref(doc);
    g_mutex_unlock(&st->parsed_lock);
    return doc;
}

void iam_store_free(iam_state *st)
{
    if (!st)
        return;
    for (int k = 0; k < IAM_NKINDS; k++)
        g_tree_destroy(st->entities[k]);
    g_tree_destroy(st->policies);
    g_ptr_array_free(st->root_keys, TRUE);
    g_hash_table_destroy(st->parsed);
    g_mutex_clear(&st->parsed_lock);
    g_free(st);
}

static gpointer copy_string(gconstpointer src, gpointer unused)
{
    (void)unused;
    return g_strdup(src);
}

static gpointer copy_key(gconstpointer src, gpointer unused)
{
    (void)unused;
    const iam_key *k = src;
    return iam_key_new(k->id, k->secret, k->active, k->create_ms);
}

static gpointer copy_version(gconstpointer src, gpointer unused)
{
    (void)unused;
    const iam_version *v = src;
    iam_version *c = g_new(iam_version, 1);
    c->id = g_strdup(v->id);
    c->document = g_strdup(v->document);
    c->create_ms = v->create_ms;
    return c;
}

static GPtrArray *copy_array(GPtrArray *a, GCopyFunc copy, GDestroyNotify free_fn)
{
    GPtrArray *c = g_ptr_array_copy(a, copy, NULL);
    g_ptr_array_set_free_func(c, free_fn);
    return c;
}

static gboolean copy_inline(gpointer key, gpointer value, gpointer to)
{
    g_tree_insert(to, g_strdup(key), g_strdup(value));
    return FALSE;
}

static gboolean copy_entity(gpointer key, gpointer value, gpointer to)
{
    const iam_entity *e = value;
    iam_entity *c = g_new(iam_entity, 1);
    *c = *e;
    c->name = g_strdup(e->name);
    c->path = g_strdup(e->path);
    c->id = g_strdup(e->id);
    c->arn = g_strdup(e->arn);
    c->inline_policies = g_tree_new_full(key_cmp, NULL, g_free, g_free);
    g_tree_foreach(e->inline_policies, copy_inline, c->inline_policies);
    c->attached = copy_array(e->attached, copy_string, g_free);
    c->boundary = g_strdup(e->boundary);
    c->tags = json_deep_copy(e->tags);
    c->keys = copy_array(e->keys, copy_key, iam_key_free);
    c->members = copy_array(e->members, copy_string, g_free);
    c->trust = g_strdup(e->trust);
    c->description = g_strdup(e->description);
    g_tree_insert(to, g_strdup(key), c);
    return FALSE;
}

static gboolean copy_managed(gpointer key, gpointer value, gpointer to)
{
    const iam_managed *m = value;
    iam_managed *c = g_new(iam_managed, 1);
    *c = *m;
    c->name = g_strdup(m->name);
    c->path = g_strdup(m->path);
    c->id = g_strdup(m->id);
    c->arn = g_strdup(m->arn);
    c->description = g_strdup(m->description);
    c->versions = copy_array(m->versions, copy_version, version_free);
    c->default_version = g_strdup(m->default_version);
    c->tags = json_deep_copy(m->tags);
    g_tree_insert(to, g_strdup(key), c);
    return FALSE;
}

iam_state *iam_store_clone(const iam_state *st)
{
    iam_state *c = iam_store_new();
    for (int k = 0; k < IAM_NKINDS; k++)
        g_tree_foreach(st->entities[k], copy_entity, c->entities[k]);
    g_tree_foreach(st->policies, copy_managed, c->policies);
    g_ptr_array_free(c->root_keys, TRUE);
    c->root_keys = copy_array(st->root_keys, copy_key, iam_key_free);
    return c;
}

iam_entity *iam_store_find(iam_state *st, iam_kind kind, const char *name)
{
    char *low = g_ascii_strdown(name, -1);
    iam_entity *e = g_tree_lookup(st->entities[kind], low);
    g_free(low);
    return e;
}

char *iam_arn(const char *partition, const char *account, const char *word, const char *path, const char *name)
{
    return g_strdup_printf("arn:%s:iam::%s:%s%s%s", partition, account, word, path, name);
}

iam_entity *iam_store_add(iam_state *st, iam_kind kind, const char *partition, const char *account, const char *name, const char *path,
                          const char *id, int64_t now_ms)
{
    iam_entity *e = g_new0(iam_entity, 1);
    e->kind = kind;
    e->name = g_strdup(name);
    e->path = g_strdup(path);
    e->id = g_strdup(id);
    e->arn = iam_arn(partition, account, iam_kinds[kind].noun, path, name);
    e->create_ms = now_ms;
    e->inline_policies = g_tree_new_full(key_cmp, NULL, g_free, g_free);
    e->attached = g_ptr_array_new_with_free_func(g_free);
    e->tags = json_array();
    e->keys = g_ptr_array_new_with_free_func(iam_key_free);
    e->members = g_ptr_array_new_with_free_func(g_free);
    e->max_session = 3600;
    g_tree_insert(st->entities[kind], g_ascii_strdown(name, -1), e);
    return e;
}

void iam_store_remove(iam_state *st, iam_entity *e)
{
    char *low = g_ascii_strdown(e->name, -1);
    g_tree_remove(st->entities[e->kind], low);
    g_free(low);
}

iam_managed *iam_store_policy(iam_state *st, const char *arn)
{
    /* arn:aws:iam::ACCOUNT:policy/PATH/NAME: the name is what follows the last '/' */
    const char *slash = arn ? strrchr(arn, '/') : NULL;
    if (!slash)
        return NULL;
    char *low = g_ascii_strdown(slash + 1, -1);
    iam_managed *m = g_tree_lookup(st->policies, low);
    g_free(low);
    return m && strcmp(m->arn, arn) == 0 ? m : NULL;
}

iam_version *iam_managed_add_version(iam_managed *p, const char *document, int64_t now_ms)
{
    iam_version *v = g_new0(iam_version, 1);
    v->id = g_strdup_printf("v%d", p->next_version++);
    v->document = g_strdup(document);
    v->create_ms = now_ms;
    g_ptr_array_add(p->versions, v);
    return v;
}

iam_managed *iam_store_policy_add(iam_state *st, const char *partition, const char *account, const char *name, const char *path,
                                  const char *id, const char *document, int64_t now_ms)
{
    iam_managed *m = g_new0(iam_managed, 1);
    m->name = g_strdup(name);
    m->path = g_strdup(path);
    m->id = g_strdup(id);
    m->arn = iam_arn(partition, account, "policy", path, name);
    m->versions = g_ptr_array_new_with_free_func(version_free);
    m->next_version = 1;
    m->create_ms = m->update_ms = now_ms;
    m->tags = json_array();
    m->default_version = g_strdup(iam_managed_add_version(m, document, now_ms)->id);
    g_tree_insert(st->policies, g_ascii_strdown(name, -1), m);
    return m;
}

void iam_store_policy_remove(iam_state *st, iam_managed *p)
{
    char *low = g_ascii_strdown(p->name, -1);
    g_tree_remove(st->policies, low);
    g_free(low);
}

iam_version *iam_managed_version(iam_managed *p, const char *version_id)
{
    for (guint i = 0; i < p->versions->len; i++) {
        iam_version *v = g_ptr_array_index(p->versions, i);
        if (strcmp(v->id, version_id) == 0)
            return v;
    }
    return NULL;
}

size_t iam_policy_size(const char *text)
{
    size_t n = 0;
    for (const char *p = text; *p; p++)
        n += !g_ascii_isspace(*p);
    return n;
}

int iam_strv_index(GPtrArray *a, const char *s)
{
    for (guint i = 0; i < a->len; i++)
        if (strcmp(g_ptr_array_index(a, i), s) == 0)
            return (int)i;
    return -1;
}

void iam_key_register(server *srv, const char *account, const char *arn, const char *user_id, const iam_key *k)
{
    svc_credentials_add_to(srv, &(svc_credentials){.access_key = k->id, .account = account, .arn = arn,
                                                   .user_id = user_id, .secret = k->secret});
}

void iam_store_attach(iam_entity *e, iam_managed *m)
{
    g_ptr_array_add(e->attached, g_strdup(m->arn));
    m->attachments++;
}

void iam_store_detach(iam_entity *e, iam_managed *m)
{
    int i = iam_strv_index(e->attached, m->arn);
    if (i >= 0) {
        g_ptr_array_remove_index(e->attached, (guint)i);
        m->attachments--;
    }
}

void iam_store_join(iam_entity *user, iam_entity *group)
{
    g_ptr_array_add(user->members, g_strdup(group->name));
    g_ptr_array_add(group->members, g_strdup(user->name));
}

void iam_store_leave(iam_entity *user, iam_entity *group)
{
    int i = iam_strv_index(user->members, group->name);
    if (i >= 0)
        g_ptr_array_remove_index(user->members, (guint)i);
    i = iam_strv_index(group->members, user->name);
    if (i >= 0)
        g_ptr_array_remove_index(group->members, (guint)i);
}

void iam_store_set_boundary(iam_state *st, iam_entity *e, iam_managed *m)
{
    iam_managed *old = e->boundary ? iam_store_policy(st, e->boundary) : NULL;
    if (old)
        old->boundaries--;
    g_free(e->boundary);
    e->boundary = m ? g_strdup(m->arn) : NULL;
    if (m)
        m->boundaries++;
}
