/* IAM's API over the store (services/iam/store.h): each handler finds what
 * its input names, checks what IAM checks (names, quotas, conflicts, policy
 * documents through policy/policy.h) and answers in IAM's shapes. Users,
 * roles and groups share their handlers, told apart by iam_kind. */
#include "services/iam/iam.h"

#include <stdlib.h>
#include <string.h>

#include "policy/policy.h"
#include "services/iam/authz.h"
#include "services/iam/fixture.h"
#include "services/iam/store.h"
#include "services/svc_api.h"

#define KEY_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
#define ID_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
#define SECRET_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
#define MAX_KEYS 2
#define MAX_ATTACHED 10
#define MAX_GROUPS 10
#define MAX_VERSIONS 5
#define MANAGED_SIZE 6144
#define TRUST_SIZE 2048
#define MAX_TAGS 50

/* ---- small pieces ---- */

/* A unique id: the kind's 4-letter prefix and 17 of [A-Z0-9] (21 in all). */
static void new_id(svc_call *c, const char *prefix, char out[22])
{
    memcpy(out, prefix, 4);
    svc_random_string(c, out + 4, 17, ID_CHARS);
}

static const char *in_path(svc_call *c)
{
    const char *p = svc_str(c->input, "Path");
    return p ? p : "/";
}

/* Documents go back URL-encoded, as IAM sends them (botocore decodes them). */
static json_t *encoded_new(const char *text)
{
    char *e = g_uri_escape_string(text, NULL, FALSE);
    json_t *j = json_string(e);
    g_free(e);
    return j;
}

static int not_found(svc_call *c, iam_kind k, const char *name)
{
    return aws_error_set(&c->err, "NoSuchEntity", "The %s with name %s cannot be found.", iam_kinds[k].noun, name);
}

/* The entity the input's UserName / RoleName / GroupName names, or NULL
 * with NoSuchEntity set. */
static iam_entity *need(svc_call *c, iam_kind k)
{
    const char *name = svc_str(c->input, iam_kinds[k].name_member);
    iam_entity *e = iam_store_find(c->state, k, name);
    if (!e)
        not_found(c, k, name);
    return e;
}

static iam_managed *need_policy(svc_call *c, const char *member, bool attaching)
{
    const char *arn = svc_str(c->input, member);
    iam_managed *m = iam_store_policy(c->state, arn);
    if (!m) {
        if (attaching)
            aws_error_set(&c->err, "NoSuchEntity", "Policy %s does not exist or is not attachable.", arn);
        else
            aws_error_set(&c->err, "NoSuchEntity", "Policy %s was not found.", arn);
    }
    return m;
}

static int check_document(svc_call *c, const char *text, policy_kind kind)
{
    char err[256];
    if (policy_validate(text, strlen(text), kind, NULL, err, sizeof err) != 0)
        return aws_error_set(&c->err, "MalformedPolicyDocument", "%s", err);
    return 0;
}

static json_t *boundary_json(const char *arn)
{
    return json_pack("{s:s, s:s}", "PermissionsBoundaryType", "PermissionsBoundaryPolicy", "PermissionsBoundaryArn",
                     arn);
}

/* An entity as Create/Get/List answer it; full adds what only Get shows. */
static json_t *entity_json(const iam_entity *e, bool full)
{
    const iam_kind_info *ki = &iam_kinds[e->kind];
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:I}", "Path", e->path, ki->name_member, e->name, ki->id_member,
                          e->id, "Arn", e->arn, "CreateDate", (json_int_t)(e->create_ms / 1000));
    if (e->kind == IAM_ROLE) {
        json_object_set_new(o, "AssumeRolePolicyDocument", encoded_new(e->trust));
        if (e->description)
            json_object_set_new(o, "Description", json_string(e->description));
        json_object_set_new(o, "MaxSessionDuration", json_integer(e->max_session));
    }
    if (full && e->boundary)
        json_object_set_new(o, "PermissionsBoundary", boundary_json(e->boundary));
    if (full && json_array_size(e->tags))
        json_object_set_new(o, "Tags", json_deep_copy(e->tags)); /* answers outlive the lock */
    if (full && e->kind == IAM_ROLE)
        json_object_set_new(o, "RoleLastUsed", json_object());
    return o;
}

static json_t *managed_json(const iam_managed *m)
{
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:b, s:I, s:I}", "PolicyName", m->name, "PolicyId",
                          m->id, "Arn", m->arn, "Path", m->path, "DefaultVersionId", m->default_version,
                          "AttachmentCount", m->attachments, "PermissionsBoundaryUsageCount", m->boundaries,
                          "IsAttachable", 1, "CreateDate", (json_int_t)(m->create_ms / 1000), "UpdateDate",
                          (json_int_t)(m->update_ms / 1000));
    if (m->description)
        json_object_set_new(o, "Description", json_string(m->description));
    if (json_array_size(m->tags))
        json_object_set_new(o, "Tags", json_deep_copy(m->tags));
    return o;
}

/* ---- paging: Marker is the sort key of the first item of the next page ---- */

typedef struct pg_item {
    char *key;
    json_t *item;
} pg_item;

static void pg_item_free(gpointer p)
{
    pg_item *i = p;
    g_free(i->key);
    json_decref(i->item);
    g_free(i);
}

static GPtrArray *pg_new(void) { return g_ptr_array_new_with_free_func(pg_item_free); }

static void pg_add(GPtrArray *a, char *key, json_t *item)
{
    pg_item *i = g_new(pg_item, 1);
    i->key = key;
    i->item = item;
    g_ptr_array_add(a, i);
}

static gint pg_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp((*(pg_item *const *)a)->key, (*(pg_item *const *)b)->key);
}

/* Sets output member to one page of items (taken), with IsTruncated and
 * Marker, after MaxItems (default 100) and Marker in the input. */
static void pg_answer(svc_call *c, GPtrArray *items, const char *member)
{
    g_ptr_array_sort(items, pg_cmp);
    json_t *mi = json_object_get(c->input, "MaxItems");
    size_t max = mi ? (size_t)json_integer_value(mi) : 100;
    const char *marker = svc_str(c->input, "Marker");
    guint i = 0;
    while (marker && i < items->len && strcmp(((pg_item *)g_ptr_array_index(items, i))->key, marker) < 0)
        i++;
    json_t *out = json_array();
    for (; i < items->len && json_array_size(out) < max; i++)
        json_array_append(out, ((pg_item *)g_ptr_array_index(items, i))->item);
    if (!c->output)
        c->output = json_object();
    json_object_set_new(c->output, member, out);
    json_object_set_new(c->output, "IsTruncated", json_boolean(i < items->len));
    if (i < items->len)
        json_object_set_new(c->output, "Marker", json_string(((pg_item *)g_ptr_array_index(items, i))->key));
    g_ptr_array_free(items, TRUE);
}

/* ---- tags ---- */

/* IAM's tag keys differ by more than case. */
static int tag_index(json_t *tags, const char *key)
{
    size_t i;
    json_t *t;
    json_array_foreach(tags, i, t) if (g_ascii_strcasecmp(svc_str(t, "Key"), key) == 0) return (int)i;
    return -1;
}

/* Adds tags (the input's list, or NULL) to into, a key given again taking
 * the new value, after IAM's checks: no key twice in one request, at most
 * MAX_TAGS in all (quota names the limit: "TagsPerUser"). */
static int merge_tags(svc_call *c, json_t *into, json_t *tags, const char *quota)
{
    size_t i, added = 0;
    json_t *t;
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    json_array_foreach(tags, i, t) {
        char *low = g_ascii_strdown(svc_str(t, "Key"), -1);
        bool again = !g_hash_table_add(seen, low);
        added += !again && tag_index(into, svc_str(t, "Key")) < 0;
        if (again) {
            g_hash_table_destroy(seen);
            return aws_error_set(&c->err, "InvalidInput",
                                 "Duplicate tag keys found. Please note that Tag keys are case insensitive.");
        }
    }
    g_hash_table_destroy(seen);
    if (json_array_size(into) + added > MAX_TAGS)
        return aws_error_set(&c->err, "LimitExceeded", "Cannot exceed quota for %s: %d", quota, MAX_TAGS);
    /* copies: the store keeps nothing of the request's tree */
    json_array_foreach(tags, i, t) {
        int at = tag_index(into, svc_str(t, "Key"));
        if (at >= 0)
            json_array_set_new(into, (size_t)at, json_deep_copy(t));
        else
            json_array_append_new(into, json_deep_copy(t));
    }
    return 0;
}

static const char *tag_quota(iam_kind k) { return k == IAM_USER ? "TagsPerUser" : "TagsPerRole"; }

/* ---- users, roles, groups ---- */

static int create_entity(svc_call *c, iam_kind k)
{
    iam_state *st = c->state;
    const iam_kind_info *ki = &iam_kinds[k];
    const char *name = svc_str(c->input, ki->name_member);
    if (iam_store_find(st, k, name))
        return aws_error_set(&c->err, "EntityAlreadyExists", "%s with name %s already exists.", ki->Noun, name);
    const char *trust = svc_str(c->input, "AssumeRolePolicyDocument");
    if (trust) {
        if (iam_policy_size(trust) > TRUST_SIZE)
            return aws_error_set(&c->err, "LimitExceeded", "Cannot exceed quota for ACLSizePerRole: %d", TRUST_SIZE);
        if (check_document(c, trust, POLICY_TRUST) != 0)
            return -1;
    }
    iam_managed *boundary = NULL;
    if (json_object_get(c->input, "PermissionsBoundary") && !(boundary = need_policy(c, "PermissionsBoundary", true)))
        return -1;
    json_t *tags = json_array();
    if (merge_tags(c, tags, json_object_get(c->input, "Tags"), tag_quota(k)) != 0) {
        json_decref(tags);
        return -1;
    }
    char id[22];
    new_id(c, ki->id_prefix, id);
    iam_entity *e = iam_store_add(st, k, svc_partition(c->region), c->account, name, in_path(c), id, c->now_ms);
    if (trust)
        e->trust = g_strdup(trust);
    e->description = g_strdup(svc_str(c->input, "Description"));
    json_t *msd = json_object_get(c->input, "MaxSessionDuration");
    if (msd)
        e->max_session = json_integer_value(msd);
    if (boundary)
        iam_store_set_boundary(st, e, boundary);
    json_decref(e->tags);
    e->tags = tags;
    c->output = json_pack("{s:o}", ki->Noun, entity_json(e, true));
    json_object_del(json_object_get(c->output, ki->Noun), "RoleLastUsed");
    return 0;
}

static int get_entity(svc_call *c, iam_kind k)
{
    iam_entity *e = need(c, k);
    if (!e)
        return -1;
    c->output = json_pack("{s:o}", iam_kinds[k].Noun, entity_json(e, true));
    return 0;
}

static int list_entities(svc_call *c, iam_kind k)
{
    const char *prefix = svc_str(c->input, "PathPrefix");
    GPtrArray *items = pg_new();
    GTreeNode *n = g_tree_node_first(((iam_state *)c->state)->entities[k]);
    for (; n; n = g_tree_node_next(n)) {
        iam_entity *e = g_tree_node_value(n);
        if (!prefix || g_str_has_prefix(e->path, prefix))
            pg_add(items, g_strdup(g_tree_node_key(n)), entity_json(e, false));
    }
    pg_answer(c, items, iam_kinds[k].list_member);
    return 0;
}

static int delete_entity(svc_call *c, iam_kind k)
{
    iam_entity *e = need(c, k);
    if (!e)
        return -1;
    if (e->keys->len)
        return aws_error_set(&c->err, "DeleteConflict", "Cannot delete entity, must delete access keys first.");
    if (g_tree_nnodes(e->inline_policies))
        return aws_error_set(&c->err, "DeleteConflict", "Cannot delete entity, must delete policies first.");
    if (e->attached->len)
        return aws_error_set(&c->err, "DeleteConflict", "Cannot delete entity, must detach all policies first.");
    if (e->members->len)
        return aws_error_set(&c->err, "DeleteConflict", k == IAM_GROUP
                                                            ? "Cannot delete entity, must remove users from group first."
                                                            : "Cannot delete entity, must remove user from all groups first.");
    iam_store_set_boundary(c->state, e, NULL);
    iam_store_remove(c->state, e);
    return 0;
}

/* ---- inline policies ---- */

static size_t inline_total(iam_entity *e, const char *except)
{
    size_t n = 0;
    for (GTreeNode *t = g_tree_node_first(e->inline_policies); t; t = g_tree_node_next(t))
        if (strcmp(g_tree_node_key(t), except) != 0)
            n += iam_policy_size(g_tree_node_value(t));
    return n;
}

static int put_inline(svc_call *c, iam_kind k)
{
    iam_entity *e = need(c, k);
    if (!e)
        return -1;
    const char *name = svc_str(c->input, "PolicyName"), *doc = svc_str(c->input, "PolicyDocument");
    if (check_document(c, doc, POLICY_IDENTITY) != 0)
        return -1;
    size_t limit = iam_kinds[k].inline_limit;
    if (inline_total(e, name) + iam_policy_size(doc) > limit)
        return aws_error_set(&c->err, "LimitExceeded", "Maximum policy size of %zu bytes exceeded for %s %s", limit,
                             iam_kinds[k].noun, e->name);
    g_tree_replace(e->inline_policies, g_strdup(name), g_strdup(doc));
    return 0;
}

static const char *need_inline(svc_call *c, iam_kind k, iam_entity **out)
{
    iam_entity *e = *out = need(c, k);
    if (!e)
        return NULL;
    const char *name = svc_str(c->input, "PolicyName");
    const char *doc = g_tree_lookup(e->inline_policies, name);
    if (!doc)
        aws_error_set(&c->err, "NoSuchEntity", "The %s policy with name %s cannot be found.", iam_kinds[k].noun, name);
    return doc;
}

static int get_inline(svc_call *c, iam_kind k)
{
    iam_entity *e;
    const char *doc = need_inline(c, k, &e);
    if (!doc)
        return -1;
    c->output = json_pack("{s:s, s:s, s:o}", iam_kinds[k].name_member, e->name, "PolicyName",
                          svc_str(c->input, "PolicyName"), "PolicyDocument", encoded_new(doc));
    return 0;
}

static int delete_inline(svc_call *c, iam_kind k)
{
    iam_entity *e;
    if (!need_inline(c, k, &e))
        return -1;
    g_tree_remove(e->inline_policies, svc_str(c->input, "PolicyName"));
    return 0;
}

static int list_inline(svc_call *c, iam_kind k)
{
    iam_entity *e = need(c, k);
    if (!e)
        return -1;
    GPtrArray *items = pg_new();
    for (GTreeNode *t = g_tree_node_first(e->inline_policies); t; t = g_tree_node_next(t))
        pg_add(items, g_strdup(g_tree_node_key(t)), json_string(g_tree_node_key(t)));
    pg_answer(c, items, "PolicyNames");
    return 0;
}

/* ---- attached managed policies ---- */

static int attach(svc_call *c, iam_kind k)
{
    iam_entity *e = need(c, k);
    iam_managed *m = e ? need_policy(c, "PolicyArn", true) : NULL;
    if (!m)
        return -1;
    if (iam_strv_index(e->attached, m->arn) >= 0)
        return 0;
    if (e->attached->len >= MAX_ATTACHED)
        return aws_error_set(&c->err, "LimitExceeded", "Cannot exceed quota for %s: %d", iam_kinds[k].quota,
                             MAX_ATTACHED);
    iam_store_attach(e, m);
    return 0;
}

static int detach(svc_call *c, iam_kind k)
{
    iam_entity *e = need(c, k);
    if (!e)
        return -1;
    const char *arn = svc_str(c->input, "PolicyArn");
    iam_managed *m = iam_store_policy(c->state, arn);
    if (!m || iam_strv_index(e->attached, arn) < 0)
        return aws_error_set(&c->err, "NoSuchEntity", "Policy %s was not found.", arn);
    iam_store_detach(e, m);
    return 0;
}

static int list_attached(svc_call *c, iam_kind k)
{
    iam_entity *e = need(c, k);
    if (!e)
        return -1;
    const char *prefix = svc_str(c->input, "PathPrefix");
    GPtrArray *items = pg_new();
    for (guint i = 0; i < e->attached->len; i++) {
        iam_managed *m = iam_store_policy(c->state, g_ptr_array_index(e->attached, i));
        if (m && (!prefix || g_str_has_prefix(m->path, prefix)))
            pg_add(items, g_ascii_strdown(m->name, -1),
                   json_pack("{s:s, s:s}", "PolicyName", m->name, "PolicyArn", m->arn));
    }
    pg_answer(c, items, "AttachedPolicies");
    return 0;
}

/* ---- permissions boundaries and tags ---- */

static int put_boundary(svc_call *c, iam_kind k)
{
    iam_entity *e = need(c, k);
    iam_managed *m = e ? need_policy(c, "PermissionsBoundary", true) : NULL;
    if (!m)
        return -1;
    iam_store_set_boundary(c->state, e, m);
    return 0;
}

static int delete_boundary(svc_call *c, iam_kind k)
{
    iam_entity *e = need(c, k);
    if (!e)
        return -1;
    iam_store_set_boundary(c->state, e, NULL);
    return 0;
}

static int tag(svc_call *c, iam_kind k)
{
    iam_entity *e = need(c, k);
    if (!e)
        return -1;
    return merge_tags(c, e->tags, json_object_get(c->input, "Tags"), tag_quota(k));
}

static int untag(svc_call *c, iam_kind k)
{
    iam_entity *e = need(c, k);
    if (!e)
        return -1;
    size_t i;
    json_t *key;
    json_array_foreach(json_object_get(c->input, "TagKeys"), i, key) {
        int at = tag_index(e->tags, json_string_value(key));
        if (at >= 0)
            json_array_remove(e->tags, (size_t)at);
    }
    return 0;
}

static int list_tags(svc_call *c, iam_kind k)
{
    iam_entity *e = need(c, k);
    if (!e)
        return -1;
    GPtrArray *items = pg_new();
    size_t i;
    json_t *t;
    json_array_foreach(e->tags, i, t) pg_add(items, g_strdup(svc_str(t, "Key")), json_deep_copy(t));
    pg_answer(c, items, "Tags");
    return 0;
}

/* ---- groups ---- */

static int add_user_to_group(svc_call *c)
{
    iam_entity *g = need(c, IAM_GROUP);
    iam_entity *u = g ? need(c, IAM_USER) : NULL;
    if (!u)
        return -1;
    if (iam_strv_index(u->members, g->name) >= 0)
        return 0;
    if (u->members->len >= MAX_GROUPS)
        return aws_error_set(&c->err, "LimitExceeded", "Cannot exceed quota for GroupsPerUser: %d", MAX_GROUPS);
    iam_store_join(u, g);
    return 0;
}

static int remove_user_from_group(svc_call *c)
{
    iam_entity *g = need(c, IAM_GROUP);
    iam_entity *u = g ? need(c, IAM_USER) : NULL;
    if (!u)
        return -1;
    if (iam_strv_index(u->members, g->name) < 0)
        return not_found(c, IAM_USER, u->name);
    iam_store_leave(u, g);
    return 0;
}

static int list_groups_for_user(svc_call *c)
{
    iam_entity *u = need(c, IAM_USER);
    if (!u)
        return -1;
    GPtrArray *items = pg_new();
    for (guint i = 0; i < u->members->len; i++) {
        iam_entity *g = iam_store_find(c->state, IAM_GROUP, g_ptr_array_index(u->members, i));
        pg_add(items, g_ascii_strdown(g->name, -1), entity_json(g, false));
    }
    pg_answer(c, items, "Groups");
    return 0;
}

static int get_group(svc_call *c)
{
    iam_entity *g = need(c, IAM_GROUP);
    if (!g)
        return -1;
    GPtrArray *items = pg_new();
    for (guint i = 0; i < g->members->len; i++) {
        iam_entity *u = iam_store_find(c->state, IAM_USER, g_ptr_array_index(g->members, i));
        pg_add(items, g_ascii_strdown(u->name, -1), entity_json(u, false));
    }
    c->output = json_pack("{s:o}", "Group", entity_json(g, false));
    pg_answer(c, items, "Users");
    return 0;
}

/* ---- the caller, for operations whose UserName may be left out ---- */

typedef struct caller {
    char *arn, *user_id;
    bool root;
    iam_entity *user; /* an IAM user of this account, or NULL */
} caller;

static void caller_find(svc_call *c, caller *who)
{
    svc_principal(c, &who->arn, &who->user_id);
    who->root = g_str_has_suffix(who->arn, ":root");
    who->user = NULL;
    const char *slash = strrchr(who->arn, '/');
    if (strstr(who->arn, ":user/") && slash) {
        iam_entity *u = iam_store_find(c->state, IAM_USER, slash + 1);
        who->user = u && strcmp(u->arn, who->arn) == 0 ? u : NULL;
    }
}

static void caller_clear(caller *who)
{
    g_free(who->arn);
    g_free(who->user_id);
}

/* The user the input names or, without UserName, the caller's own: the
 * user, or NULL with *root set for the account's root user, or -1 with
 * the error set. */
static int user_or_caller(svc_call *c, iam_entity **user, bool *root)
{
    *root = false;
    *user = NULL;
    if (svc_str(c->input, "UserName"))
        return (*user = need(c, IAM_USER)) ? 0 : -1;
    caller who;
    caller_find(c, &who);
    *user = who.user;
    *root = who.root;
    caller_clear(&who);
    if (!*user && !*root)
        return aws_error_set(&c->err, "ValidationError", "Must specify userName when calling with non-User credentials");
    return 0;
}

static int get_user(svc_call *c)
{
    iam_entity *u;
    bool root;
    if (user_or_caller(c, &u, &root) != 0)
        return -1;
    if (u) {
        c->output = json_pack("{s:o}", "User", entity_json(u, true));
        return 0;
    }
    char *arn = g_strdup_printf("arn:%s:iam::%s:root", svc_partition(c->region), c->account);
    c->output = json_pack("{s:{s:s, s:s, s:I}}", "User", "UserId", c->account, "Arn", arn, "CreateDate",
                          (json_int_t)0);
    g_free(arn);
    return 0;
}

/* ---- access keys ---- */

static json_t *key_json(const char *user, const iam_key *k, bool secret)
{
    json_t *o = json_pack("{s:s, s:s, s:I}", "AccessKeyId", k->id, "Status", k->active ? "Active" : "Inactive",
                          "CreateDate", (json_int_t)(k->create_ms / 1000));
    if (user)
        json_object_set_new(o, "UserName", json_string(user));
    if (secret)
        json_object_set_new(o, "SecretAccessKey", json_string(k->secret));
    return o;
}

/* The caller's principal for a key of user u (or the root's). */
static void key_principal(svc_call *c, iam_entity *u, char **arn, const char **user_id)
{
    *arn = u ? g_strdup(u->arn) : g_strdup_printf("arn:%s:iam::%s:root", svc_partition(c->region), c->account);
    *user_id = u ? u->id : c->account;
}

static int create_access_key(svc_call *c)
{
    iam_entity *u;
    bool root;
    if (user_or_caller(c, &u, &root) != 0)
        return -1;
    GPtrArray *keys = u ? u->keys : ((iam_state *)c->state)->root_keys;
    if (keys->len >= MAX_KEYS)
        return aws_error_set(&c->err, "LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: %d", MAX_KEYS);
    char id[21], secret[41];
    memcpy(id, "AKIA", 4);
    svc_random_string(c, id + 4, 16, KEY_CHARS);
    svc_random_string(c, secret, 40, SECRET_CHARS);
    iam_key *k = iam_key_new(id, secret, true, c->now_ms);
    g_ptr_array_add(keys, k);
    char *arn;
    const char *user_id;
    key_principal(c, u, &arn, &user_id);
    iam_key_register(c->srv, c->account, arn, user_id, k);
    g_free(arn);
    c->output = json_pack("{s:o}", "AccessKey", key_json(u ? u->name : NULL, k, true));
    return 0;
}

static int need_key(svc_call *c, iam_entity **user, GPtrArray **keys, guint *index)
{
    bool root;
    if (user_or_caller(c, user, &root) != 0)
        return -1;
    *keys = *user ? (*user)->keys : ((iam_state *)c->state)->root_keys;
    const char *id = svc_str(c->input, "AccessKeyId");
    for (*index = 0; *index < (*keys)->len; (*index)++)
        if (strcmp(((iam_key *)g_ptr_array_index(*keys, *index))->id, id) == 0)
            return 0;
    return aws_error_set(&c->err, "NoSuchEntity", "The Access Key with id %s cannot be found.", id);
}

static int delete_access_key(svc_call *c)
{
    iam_entity *u;
    GPtrArray *keys;
    guint i;
    if (need_key(c, &u, &keys, &i) != 0)
        return -1;
    svc_credentials_remove(c, ((iam_key *)g_ptr_array_index(keys, i))->id);
    g_ptr_array_remove_index(keys, i);
    return 0;
}

static int update_access_key(svc_call *c)
{
    iam_entity *u;
    GPtrArray *keys;
    guint i;
    if (need_key(c, &u, &keys, &i) != 0)
        return -1;
    iam_key *k = g_ptr_array_index(keys, i);
    k->active = strcmp(svc_str(c->input, "Status"), "Active") == 0;
    if (!k->active) {
        svc_credentials_remove(c, k->id);
        return 0;
    }
    char *arn;
    const char *user_id;
    key_principal(c, u, &arn, &user_id);
    iam_key_register(c->srv, c->account, arn, user_id, k);
    g_free(arn);
    return 0;
}

static int list_access_keys(svc_call *c)
{
    iam_entity *u;
    bool root;
    if (user_or_caller(c, &u, &root) != 0)
        return -1;
    GPtrArray *keys = u ? u->keys : ((iam_state *)c->state)->root_keys;
    GPtrArray *items = pg_new();
    for (guint i = 0; i < keys->len; i++) {
        iam_key *k = g_ptr_array_index(keys, i);
        pg_add(items, g_strdup(k->id), key_json(u ? u->name : NULL, k, false));
    }
    pg_answer(c, items, "AccessKeyMetadata");
    return 0;
}

/* ---- managed policies and their versions ---- */

static int check_managed(svc_call *c, const char *doc)
{
    if (iam_policy_size(doc) > MANAGED_SIZE)
        return aws_error_set(&c->err, "LimitExceeded", "Cannot exceed quota for PolicySize: %d", MANAGED_SIZE);
    return check_document(c, doc, POLICY_IDENTITY);
}

static int create_policy(svc_call *c)
{
    iam_state *st = c->state;
    const char *name = svc_str(c->input, "PolicyName"), *doc = svc_str(c->input, "PolicyDocument");
    char *low = g_ascii_strdown(name, -1);
    bool taken = g_tree_lookup(st->policies, low) != NULL;
    g_free(low);
    if (taken)
        return aws_error_set(&c->err, "EntityAlreadyExists",
                             "A policy called %s already exists. Duplicate names are not allowed.", name);
    if (check_managed(c, doc) != 0)
        return -1;
    json_t *tags = json_array();
    if (merge_tags(c, tags, json_object_get(c->input, "Tags"), "TagsPerPolicy") != 0) {
        json_decref(tags);
        return -1;
    }
    char id[22];
    new_id(c, "ANPA", id);
    iam_managed *m = iam_store_policy_add(st, svc_partition(c->region), c->account, name, in_path(c), id, doc, c->now_ms);
    m->description = g_strdup(svc_str(c->input, "Description"));
    json_decref(m->tags);
    m->tags = tags;
    c->output = json_pack("{s:o}", "Policy", managed_json(m));
    /* CreatePolicy's answer leaves the description out (GetPolicy has it) */
    json_object_del(json_object_get(c->output, "Policy"), "Description");
    return 0;
}

static int get_policy(svc_call *c)
{
    iam_managed *m = need_policy(c, "PolicyArn", false);
    if (!m)
        return -1;
    c->output = json_pack("{s:o}", "Policy", managed_json(m));
    return 0;
}

static int list_policies(svc_call *c)
{
    const char *scope = svc_str(c->input, "Scope");
    const char *prefix = svc_str(c->input, "PathPrefix");
    bool only_attached = svc_true(c->input, "OnlyAttached");
    GPtrArray *items = pg_new();
    /* the account's own (Local); AWS managed policies are not kept */
    if (!scope || strcmp(scope, "AWS") != 0)
        for (GTreeNode *n = g_tree_node_first(((iam_state *)c->state)->policies); n; n = g_tree_node_next(n)) {
            iam_managed *m = g_tree_node_value(n);
            if ((!prefix || g_str_has_prefix(m->path, prefix)) && (!only_attached || m->attachments > 0)) {
                /* listings leave out what only GetPolicy shows */
                json_t *o = managed_json(m);
                json_object_del(o, "Description");
                json_object_del(o, "Tags");
                pg_add(items, g_strdup(g_tree_node_key(n)), o);
            }
        }
    pg_answer(c, items, "Policies");
    return 0;
}

static int delete_policy(svc_call *c)
{
    iam_managed *m = need_policy(c, "PolicyArn", false);
    if (!m)
        return -1;
    if (m->attachments || m->boundaries)
        return aws_error_set(&c->err, "DeleteConflict", "Cannot delete a policy attached to entities.");
    if (m->versions->len > 1)
        return aws_error_set(&c->err, "DeleteConflict",
                             "This policy has more than one version. Before you delete a policy, you must delete "
                             "the policy's versions. The default version is deleted with the policy.");
    iam_store_policy_remove(c->state, m);
    return 0;
}

static json_t *version_json(const iam_managed *m, const iam_version *v, bool document)
{
    json_t *o = json_pack("{s:s, s:b, s:I}", "VersionId", v->id, "IsDefaultVersion",
                          strcmp(v->id, m->default_version) == 0, "CreateDate", (json_int_t)(v->create_ms / 1000));
    if (document)
        json_object_set_new(o, "Document", encoded_new(v->document));
    return o;
}

static iam_version *need_version(svc_call *c, iam_managed **m)
{
    if (!(*m = need_policy(c, "PolicyArn", false)))
        return NULL;
    const char *id = svc_str(c->input, "VersionId");
    iam_version *v = iam_managed_version(*m, id);
    if (!v)
        aws_error_set(&c->err, "NoSuchEntity", "Policy %s version %s does not exist or is not attachable.",
                      (*m)->arn, id);
    return v;
}

static int get_policy_version(svc_call *c)
{
    iam_managed *m;
    iam_version *v = need_version(c, &m);
    if (!v)
        return -1;
    c->output = json_pack("{s:o}", "PolicyVersion", version_json(m, v, true));
    return 0;
}

static void set_default(iam_managed *m, const iam_version *v, int64_t now_ms)
{
    g_free(m->default_version);
    m->default_version = g_strdup(v->id);
    m->update_ms = now_ms;
}

static int create_policy_version(svc_call *c)
{
    iam_managed *m = need_policy(c, "PolicyArn", false);
    if (!m)
        return -1;
    if (m->versions->len >= MAX_VERSIONS)
        return aws_error_set(&c->err, "LimitExceeded",
                             "A managed policy can have up to %d versions. Before you create a new version, you "
                             "must delete an existing version.",
                             MAX_VERSIONS);
    const char *doc = svc_str(c->input, "PolicyDocument");
    if (check_managed(c, doc) != 0)
        return -1;
    iam_version *v = iam_managed_add_version(m, doc, c->now_ms);
    if (svc_true(c->input, "SetAsDefault"))
        set_default(m, v, c->now_ms);
    c->output = json_pack("{s:o}", "PolicyVersion", version_json(m, v, false));
    return 0;
}

static int list_policy_versions(svc_call *c)
{
    iam_managed *m = need_policy(c, "PolicyArn", false);
    if (!m)
        return -1;
    GPtrArray *items = pg_new();
    /* newest first, as IAM lists them: keys sort the other way round */
    for (guint i = 0; i < m->versions->len; i++) {
        iam_version *v = g_ptr_array_index(m->versions, i);
        pg_add(items, g_strdup_printf("%010ld", 2000000000L - strtol(v->id + 1, NULL, 10)),
               version_json(m, v, false));
    }
    pg_answer(c, items, "Versions");
    return 0;
}

static int delete_policy_version(svc_call *c)
{
    iam_managed *m;
    iam_version *v = need_version(c, &m);
    if (!v)
        return -1;
    if (strcmp(v->id, m->default_version) == 0)
        return aws_error_set(&c->err, "DeleteConflict", "Cannot delete the default version of a policy.");
    g_ptr_array_remove(m->versions, v);
    return 0;
}

static int set_default_policy_version(svc_call *c)
{
    iam_managed *m;
    iam_version *v = need_version(c, &m);
    if (!v)
        return -1;
    set_default(m, v, c->now_ms);
    return 0;
}

/* ---- roles ---- */

static int update_assume_role_policy(svc_call *c)
{
    iam_entity *r = need(c, IAM_ROLE);
    if (!r)
        return -1;
    const char *doc = svc_str(c->input, "PolicyDocument");
    if (iam_policy_size(doc) > TRUST_SIZE)
        return aws_error_set(&c->err, "LimitExceeded", "Cannot exceed quota for ACLSizePerRole: %d", TRUST_SIZE);
    if (check_document(c, doc, POLICY_TRUST) != 0)
        return -1;
    g_free(r->trust);
    r->trust = g_strdup(doc);
    return 0;
}

/* ---- what the core asks: a principal's identity-based policies ---- */

static void add_doc(iam_state *st, json_t *out, const char *text)
{
    json_t *doc = text ? iam_store_parsed(st, text) : NULL;
    if (doc)
        json_array_append_new(out, doc);
}

static void add_default(iam_state *st, json_t *out, const char *arn)
{
    iam_managed *m = iam_store_policy(st, arn);
    if (m)
        add_doc(st, out, iam_managed_version(m, m->default_version)->document);
}

static void add_own(iam_state *st, json_t *out, iam_entity *e)
{
    for (GTreeNode *t = g_tree_node_first(e->inline_policies); t; t = g_tree_node_next(t))
        add_doc(st, out, g_tree_node_value(t));
    for (guint i = 0; i < e->attached->len; i++)
        add_default(st, out, g_ptr_array_index(e->attached, i));
}

/* The user or role a principal ARN names, or NULL. */
static iam_entity *principal(iam_state *st, const char *principal_arn)
{
    const char *slash = principal_arn ? strrchr(principal_arn, '/') : NULL;
    iam_kind k = principal_arn && strstr(principal_arn, ":user/") ? IAM_USER : IAM_ROLE;
    if (!slash || (k == IAM_ROLE && !strstr(principal_arn, ":role/")))
        return NULL;
    iam_entity *e = iam_store_find(st, k, slash + 1);
    return e && strcmp(e->arn, principal_arn) == 0 ? e : NULL;
}

static json_t *identity_policies(void *state, const char *principal_arn, json_t **boundary)
{
    iam_state *st = state;
    json_t *out = json_array();
    *boundary = NULL;
    iam_entity *e = principal(st, principal_arn);
    if (!e)
        return out;
    add_own(st, out, e);
    for (guint i = 0; e->kind == IAM_USER && i < e->members->len; i++)
        add_own(st, out, iam_store_find(st, IAM_GROUP, g_ptr_array_index(e->members, i)));
    if (e->boundary) {
        json_t *b = json_array();
        add_default(st, b, e->boundary);
        *boundary = json_incref(json_array_get(b, 0));
        json_decref(b);
    }
    return out;
}

/* svc_def.principal_tags: the user's or role's tags, as {key: value}. */
static json_t *principal_tags(void *state, const char *principal_arn)
{
    iam_entity *e = principal(state, principal_arn);
    if (!e || !json_array_size(e->tags))
        return NULL;
    json_t *out = json_object();
    size_t i;
    json_t *t;
    json_array_foreach(e->tags, i, t) {
        if (svc_str(t, "Key") && svc_str(t, "Value"))
            json_object_set_new(out, svc_str(t, "Key"), json_string(svc_str(t, "Value")));
    }
    return out;
}

/* svc_def.resource_policy: a role's trust policy, the resource policy of
 * sts:AssumeRole on it. */
static json_t *resource_policy(void *state, const char *account, const char *region, const char *resource_arn,
                               char owner[13])
{
    (void)region;
    const char *slash = strrchr(resource_arn, '/');
    if (!strstr(resource_arn, ":role/") || !slash)
        return NULL;
    iam_entity *r = iam_store_find(state, IAM_ROLE, slash + 1);
    if (!r || strcmp(r->arn, resource_arn) != 0 || !r->trust)
        return NULL;
    g_strlcpy(owner, account, 13);
    return iam_store_parsed(state, r->trust);
}

/* ---- the operation table ---- */

#define FOR_KIND(fn, kind, op) \
    static int op(svc_call *c) { return fn(c, kind); }
#define FOR_KINDS(fn, user_op, role_op, group_op) \
    FOR_KIND(fn, IAM_USER, user_op) FOR_KIND(fn, IAM_ROLE, role_op) FOR_KIND(fn, IAM_GROUP, group_op)

FOR_KINDS(create_entity, create_user, create_role, create_group)
FOR_KIND(get_entity, IAM_ROLE, get_role)
FOR_KINDS(list_entities, list_users, list_roles, list_groups)
FOR_KINDS(delete_entity, delete_user, delete_role, delete_group)
FOR_KINDS(put_inline, put_user_policy, put_role_policy, put_group_policy)
FOR_KINDS(get_inline, get_user_policy, get_role_policy, get_group_policy)
FOR_KINDS(delete_inline, delete_user_policy, delete_role_policy, delete_group_policy)
FOR_KINDS(list_inline, list_user_policies, list_role_policies, list_group_policies)
FOR_KINDS(attach, attach_user_policy, attach_role_policy, attach_group_policy)
FOR_KINDS(detach, detach_user_policy, detach_role_policy, detach_group_policy)
FOR_KINDS(list_attached, list_attached_user_policies, list_attached_role_policies, list_attached_group_policies)
FOR_KIND(put_boundary, IAM_USER, put_user_boundary)
FOR_KIND(put_boundary, IAM_ROLE, put_role_boundary)
FOR_KIND(delete_boundary, IAM_USER, delete_user_boundary)
FOR_KIND(delete_boundary, IAM_ROLE, delete_role_boundary)
FOR_KIND(tag, IAM_USER, tag_user)
FOR_KIND(tag, IAM_ROLE, tag_role)
FOR_KIND(untag, IAM_USER, untag_user)
FOR_KIND(untag, IAM_ROLE, untag_role)
FOR_KIND(list_tags, IAM_USER, list_user_tags)
FOR_KIND(list_tags, IAM_ROLE, list_role_tags)

#define W SVC_LOCK_EXCLUSIVE
#define R SVC_LOCK_SHARED
static const svc_op ops[] = {
    {"CreateUser", create_user, W}, {"GetUser", get_user, R}, {"ListUsers", list_users, R},
    {"DeleteUser", delete_user, W}, {"CreateRole", create_role, W}, {"GetRole", get_role, R},
    {"ListRoles", list_roles, R}, {"DeleteRole", delete_role, W}, {"CreateGroup", create_group, W},
    {"GetGroup", get_group, R}, {"ListGroups", list_groups, R}, {"DeleteGroup", delete_group, W},
    {"CreatePolicy", create_policy, W}, {"GetPolicy", get_policy, R}, {"ListPolicies", list_policies, R},
    {"DeletePolicy", delete_policy, W}, {"CreateAccessKey", create_access_key, W},
    {"ListAccessKeys", list_access_keys, R}, {"DeleteAccessKey", delete_access_key, W},
    {"UpdateAccessKey", update_access_key, W}, {"PutUserPolicy", put_user_policy, W},
    {"GetUserPolicy", get_user_policy, R}, {"DeleteUserPolicy", delete_user_policy, W},
    {"ListUserPolicies", list_user_policies, R}, {"PutRolePolicy", put_role_policy, W},
    {"GetRolePolicy", get_role_policy, R}, {"DeleteRolePolicy", delete_role_policy, W},
    {"ListRolePolicies", list_role_policies, R}, {"PutGroupPolicy", put_group_policy, W},
    {"GetGroupPolicy", get_group_policy, R}, {"DeleteGroupPolicy", delete_group_policy, W},
    {"ListGroupPolicies", list_group_policies, R}, {"AttachUserPolicy", attach_user_policy, W},
    {"DetachUserPolicy", detach_user_policy, W}, {"ListAttachedUserPolicies", list_attached_user_policies, R},
    {"AttachRolePolicy", attach_role_policy, W}, {"DetachRolePolicy", detach_role_policy, W},
    {"ListAttachedRolePolicies", list_attached_role_policies, R}, {"AttachGroupPolicy", attach_group_policy, W},
    {"DetachGroupPolicy", detach_group_policy, W}, {"ListAttachedGroupPolicies", list_attached_group_policies, R},
    {"AddUserToGroup", add_user_to_group, W}, {"RemoveUserFromGroup", remove_user_from_group, W},
    {"ListGroupsForUser", list_groups_for_user, R}, {"GetPolicyVersion", get_policy_version, R},
    {"CreatePolicyVersion", create_policy_version, W}, {"ListPolicyVersions", list_policy_versions, R},
    {"DeletePolicyVersion", delete_policy_version, W}, {"SetDefaultPolicyVersion", set_default_policy_version, W},
    {"UpdateAssumeRolePolicy", update_assume_role_policy, W}, {"PutUserPermissionsBoundary", put_user_boundary, W},
    {"DeleteUserPermissionsBoundary", delete_user_boundary, W},
    {"PutRolePermissionsBoundary", put_role_boundary, W},
    {"DeleteRolePermissionsBoundary", delete_role_boundary, W}, {"TagUser", tag_user, W},
    {"UntagUser", untag_user, W}, {"ListUserTags", list_user_tags, R}, {"TagRole", tag_role, W},
    {"UntagRole", untag_role, W}, {"ListRoleTags", list_role_tags, R}, {NULL, NULL, W},
};
#undef W
#undef R

static void *state_new(const void *config)
{
    (void)config;
    return iam_store_new();
}

static void state_free(void *state) { iam_store_free(state); }
/* A deep copy (iam_store_clone): an account's identities are few. */
static void *state_clone(const void *state, const void *config)
{
    (void)config;
    return iam_store_clone(state);
}

/* The journal's and fault rules' resource: the entity or policy named. */
static char *resource_of(const char *operation, json_t *input)
{
    (void)operation;
    static const char *const members[] = {"UserName", "RoleName", "GroupName", "PolicyArn", "PolicyName"};
    for (size_t i = 0; i < G_N_ELEMENTS(members); i++)
        if (svc_str(input, members[i]))
            return g_strdup(svc_str(input, members[i]));
    return NULL;
}

const svc_def iam_service = {
    .name = "iam",
    .ops = ops,
    .scope = SVC_SCOPE_ACCOUNT,
    .state_new = state_new,
    .state_free = state_free,
    .state_clone = state_clone,
    .state_load = iam_fixture_load,
    .state_dump = iam_fixture_dump,
    .validation_code = "ValidationError",
    .unknown_operation_code = "InvalidAction",
    .unknown_operation_status = 400,
    .resource_of = resource_of,
    .authorize = iam_authorize,
    .access_denied = iam_access_denied,
    .identity_policies = identity_policies,
    .principal_tags = principal_tags,
    .resource_policy = resource_policy,
    .invoke_rank = 4, /* STS reads roles from it */
};
