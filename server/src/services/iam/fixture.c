/* The "iam" fixture section. Each entry is its Create operation's input
 * (CreateUser, CreateRole, CreateGroup, CreatePolicy: checked against the
 * model as a request's is) plus what later requests would have added:
 *
 *   {"root_keys": [{"AccessKeyId", "SecretAccessKey"}],
 *    "policies": [{"PolicyName", "Path", "Description", "PolicyDocument", "Tags",
 *                  "PolicyId", "Versions": [{"VersionId", "Document", "IsDefaultVersion"}]}],
 *    "groups":   [{"GroupName", "Path", "GroupId", "Policies": {NAME: DOC}, "AttachedPolicies": [ARN]}],
 *    "users":    [{"UserName", "Path", "UserId", "PermissionsBoundary", "Tags",
 *                  "AccessKeys": [{"AccessKeyId", "SecretAccessKey", "Status"}],
 *                  "Policies", "AttachedPolicies", "Groups": [NAME]}],
 *    "roles":    [{"RoleName", "Path", "RoleId", "AssumeRolePolicyDocument", "Description",
 *                  "MaxSessionDuration", "PermissionsBoundary", "Tags", "Policies", "AttachedPolicies"}]}
 *
 * Documents are JSON objects or their text. Ids left out are derived from
 * the ARN, so a fixture loads the same way every time. */
#include "services/iam/fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy.h"
#include "services/iam/store.h"
#include "services/svc_api.h"

#define ID_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

/* ---- loading ---- */

typedef struct loader {
    iam_state *st;
    const svc_fixture_ctx *ctx;
    char *err;
    size_t errlen;
} loader;

static int fail(loader *l, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static int fail(loader *l, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_vsnprintf(l->err, l->errlen, fmt, ap);
    va_end(ap);
    return -1;
}

/* A stable id for arn: prefix and 17 characters drawn from its hash. */
static void stable_id(const char *prefix, const char *arn, char out[22])
{
    char *h = g_compute_checksum_for_string(G_CHECKSUM_SHA256, arn, -1);
    memcpy(out, prefix, 4);
    for (int i = 0; i < 17; i++)
        out[4 + i] = ID_CHARS[(unsigned char)h[i] * 7u % 36u];
    out[21] = '\0';
    g_free(h);
}

/* The id an entry gives (prefix + 17 of [A-Z0-9]) or a stable one. */
static int entry_id(loader *l, json_t *o, const char *member, const char *prefix, const char *arn, char out[22])
{
    const char *id = svc_str(o, member);
    if (!id) {
        stable_id(prefix, arn, out);
        return 0;
    }
    bool ok = strlen(id) == 21 && g_str_has_prefix(id, prefix);
    for (size_t i = 4; ok && i < 21; i++)
        ok = g_ascii_isupper(id[i]) || g_ascii_isdigit(id[i]);
    if (!ok)
        return fail(l, "%s %s: %s must be %s and 17 of [A-Z0-9]", member, id, member, prefix);
    memcpy(out, id, 22);
    return 0;
}

/* A document member as text (g_malloc'd): an object is written compactly. */
static char *doc_text(json_t *v)
{
    if (json_is_string(v))
        return g_strdup(json_string_value(v));
    if (json_is_object(v)) {
        char *s = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER);
        char *copy = g_strdup(s);
        free(s);
        return copy;
    }
    return NULL;
}

/* The entry with its documents as text, checked against op's input shape;
 * new reference or NULL with the error. */
static json_t *entry(loader *l, json_t *o, const char *what, size_t i, const char *op, const char *doc_member)
{
    if (!json_is_object(o))
        return fail(l, "%s %zu must be an object", what, i), NULL;
    json_t *e = json_deep_copy(o);
    json_t *doc = doc_member ? json_object_get(e, doc_member) : NULL;
    if (doc) {
        char *text = doc_text(doc);
        if (!text) {
            json_decref(e);
            return fail(l, "%s %zu: %s must be a JSON object or its text", what, i, doc_member), NULL;
        }
        json_object_set_new(e, doc_member, json_string(text));
        g_free(text);
    }
    char verr[400];
    if (l->ctx->check_input(l->ctx, op, e, verr, sizeof verr) != 0) {
        json_decref(e);
        return fail(l, "%s %zu: %s", what, i, verr), NULL;
    }
    return e;
}

/* Copies of the document's tags: the store shares nothing with it. */
static void add_tags(json_t *into, json_t *tags)
{
    json_t *copy = json_deep_copy(tags);
    json_array_extend(into, copy);
    json_decref(copy);
}

static int check_doc(loader *l, const char *who, const char *text, policy_kind kind)
{
    char verr[256];
    if (policy_validate(text, strlen(text), kind, NULL, verr, sizeof verr) != 0)
        return fail(l, "%s: MalformedPolicyDocument: %s", who, verr);
    return 0;
}

static iam_managed *policy_named(loader *l, const char *who, json_t *arn)
{
    iam_managed *m = json_is_string(arn) ? iam_store_policy(l->st, json_string_value(arn)) : NULL;
    if (!m)
        fail(l, "%s: no managed policy %s in this fixture's account", who,
             json_is_string(arn) ? json_string_value(arn) : "(not a string)");
    return m;
}

/* Inline "Policies" and "AttachedPolicies" of a user, role or group. */
static int load_policies(loader *l, iam_entity *e, json_t *o)
{
    json_t *inl = json_object_get(o, "Policies"), *att = json_object_get(o, "AttachedPolicies");
    if ((inl && !json_is_object(inl)) || (att && !json_is_array(att)))
        return fail(l, "%s: Policies must be an object of documents, AttachedPolicies a list of ARNs", e->arn);
    const char *name;
    json_t *v;
    json_object_foreach(inl, name, v) {
        char *text = doc_text(v);
        int rc = text ? check_doc(l, e->arn, text, POLICY_IDENTITY)
                      : fail(l, "%s: policy %s must be a JSON object or its text", e->arn, name);
        if (rc != 0) {
            g_free(text);
            return -1;
        }
        g_tree_replace(e->inline_policies, g_strdup(name), text);
    }
    size_t i;
    json_array_foreach(att, i, v) {
        iam_managed *m = policy_named(l, e->arn, v);
        if (!m)
            return -1;
        if (iam_strv_index(e->attached, m->arn) < 0)
            iam_store_attach(e, m);
    }
    json_t *b = json_object_get(o, "PermissionsBoundary");
    iam_managed *m = b ? policy_named(l, e->arn, b) : NULL;
    if (b && !m)
        return -1;
    if (m)
        iam_store_set_boundary(l->st, e, m);
    json_t *tags = json_object_get(o, "Tags");
    if (tags)
        add_tags(e->tags, tags);
    return 0;
}

static iam_entity *load_entity(loader *l, iam_kind k, json_t *o, size_t i, const char *op, const char *doc_member)
{
    const iam_kind_info *ki = &iam_kinds[k];
    json_t *e = entry(l, o, ki->noun, i, op, doc_member);
    if (!e)
        return NULL;
    const char *name = svc_str(e, ki->name_member);
    const char *path = svc_str(e, "Path") ? svc_str(e, "Path") : "/";
    char *arn = iam_arn(svc_partition(l->ctx->region), l->ctx->account, ki->noun, path, name);
    char id[22];
    iam_entity *ent = NULL;
    if (iam_store_find(l->st, k, name))
        fail(l, "%s with name %s already exists", ki->Noun, name);
    else if (entry_id(l, e, ki->id_member, ki->id_prefix, arn, id) == 0)
        ent = iam_store_add(l->st, k, svc_partition(l->ctx->region), l->ctx->account, name, path, id, l->ctx->now_ms);
    if (ent && doc_member) {
        ent->trust = g_strdup(svc_str(e, doc_member));
        if (check_doc(l, arn, ent->trust, POLICY_TRUST) != 0)
            ent = NULL; /* stays in the store, complete enough to be freed */
    }
    if (ent) {
        ent->description = g_strdup(svc_str(e, "Description"));
        json_t *msd = json_object_get(e, "MaxSessionDuration");
        if (msd)
            ent->max_session = json_integer_value(msd);
        if (load_policies(l, ent, e) != 0)
            ent = NULL;
    }
    g_free(arn);
    json_decref(e);
    return ent;
}

static bool key_fields(json_t *k, const char **id, const char **secret)
{
    *id = svc_str(k, "AccessKeyId");
    *secret = svc_str(k, "SecretAccessKey");
    return *id && *secret && strlen(*id) >= 16 && strlen(*id) <= 128 && (*secret)[0];
}

/* Keys of a user (u) or the root user (u NULL), registered with the server. */
static int load_keys(loader *l, iam_entity *u, json_t *keys)
{
    const char *who = u ? u->arn : "root_keys";
    if (keys && !json_is_array(keys))
        return fail(l, "%s: access keys must be a list", who);
    GPtrArray *to = u ? u->keys : l->st->root_keys;
    char *root = g_strdup_printf("arn:%s:iam::%s:root", svc_partition(l->ctx->region), l->ctx->account);
    size_t i;
    json_t *k;
    int rc = 0;
    json_array_foreach(keys, i, k) {
        const char *id, *secret, *status = svc_str(k, "Status");
        if (!key_fields(k, &id, &secret) || (status && strcmp(status, "Active") && strcmp(status, "Inactive"))) {
            rc = fail(l, "%s: key %zu needs AccessKeyId (16 to 128 characters), SecretAccessKey and a Status of "
                         "Active or Inactive",
                      who, i);
            break;
        }
        if (to->len >= 2) {
            rc = fail(l, "%s: Cannot exceed quota for AccessKeysPerUser: 2", who);
            break;
        }
        iam_key *key = iam_key_new(id, secret, !status || strcmp(status, "Active") == 0, l->ctx->now_ms);
        g_ptr_array_add(to, key);
        if (key->active)
            iam_key_register(l->ctx->srv, l->ctx->account, u ? u->arn : root, u ? u->id : l->ctx->account, key);
    }
    g_free(root);
    return rc;
}

static int load_versions(loader *l, iam_managed *m, json_t *versions)
{
    if (!json_is_array(versions) || json_array_size(versions) == 0 || json_array_size(versions) > 5)
        return fail(l, "%s: Versions must be a list of 1 to 5 versions", m->arn);
    g_ptr_array_set_size(m->versions, 0);
    m->next_version = 1;
    bool have_default = false;
    size_t i;
    json_t *v;
    json_array_foreach(versions, i, v) {
        char *text = doc_text(json_object_get(v, "Document"));
        const char *vid = svc_str(v, "VersionId");
        guint64 n = 0;
        /* v1, v2, ...: the form IAM gives them (and GetPolicyVersion's pattern) */
        bool id_ok = !vid || (vid[0] == 'v' && vid[1] != '0' &&
                              g_ascii_string_to_unsigned(vid + 1, 10, 1, 1000000, &n, NULL));
        if (!text || !id_ok) {
            g_free(text);
            return fail(l, "%s: version %zu needs a Document and a VersionId of v1, v2, ...", m->arn, i);
        }
        if (check_doc(l, m->arn, text, POLICY_IDENTITY) != 0) {
            g_free(text);
            return -1;
        }
        if (vid && iam_managed_version(m, vid)) {
            g_free(text);
            return fail(l, "%s: version %s given twice", m->arn, vid);
        }
        if (vid && (int)n >= m->next_version)
            m->next_version = (int)n;
        iam_version *ver = iam_managed_add_version(m, text, l->ctx->now_ms);
        g_free(text);
        if (vid) {
            g_free(ver->id);
            ver->id = g_strdup(vid);
        }
        if (svc_true(v, "IsDefaultVersion") || (!have_default && i + 1 == json_array_size(versions))) {
            g_free(m->default_version);
            m->default_version = g_strdup(ver->id);
            have_default = true;
        }
    }
    return 0;
}

static int load_policy(loader *l, json_t *o, size_t i)
{
    json_t *versions = json_object_get(o, "Versions");
    /* Versions stand for PolicyDocument: the rest is checked with a stand-in */
    json_t *given = versions ? json_deep_copy(o) : json_incref(o);
    if (versions)
        json_object_set_new(given, "PolicyDocument", json_string("{}"));
    json_t *e = entry(l, given, "policy", i, "CreatePolicy", "PolicyDocument");
    json_decref(given);
    if (!e)
        return -1;
    const char *name = svc_str(e, "PolicyName"), *path = svc_str(e, "Path") ? svc_str(e, "Path") : "/";
    char *arn = iam_arn(svc_partition(l->ctx->region), l->ctx->account, "policy", path, name);
    char id[22];
    int rc = 0;
    char *low = g_ascii_strdown(name, -1);
    if (g_tree_lookup(l->st->policies, low))
        rc = fail(l, "A policy called %s already exists. Duplicate names are not allowed.", name);
    else if (!versions && check_doc(l, arn, svc_str(e, "PolicyDocument"), POLICY_IDENTITY) != 0)
        rc = -1;
    else if ((rc = entry_id(l, e, "PolicyId", "ANPA", arn, id)) == 0) {
        const char *doc = versions ? "{}" : svc_str(e, "PolicyDocument");
        iam_managed *m = iam_store_policy_add(l->st, svc_partition(l->ctx->region), l->ctx->account, name, path, id, doc, l->ctx->now_ms);
        m->description = g_strdup(svc_str(e, "Description"));
        json_t *tags = json_object_get(e, "Tags");
        if (tags)
            add_tags(m->tags, tags);
        if (versions)
            rc = load_versions(l, m, versions);
    }
    g_free(low);
    g_free(arn);
    json_decref(e);
    return rc;
}

static int load_groups_of(loader *l, iam_entity *u, json_t *groups)
{
    if (groups && !json_is_array(groups))
        return fail(l, "%s: Groups must be a list of group names", u->arn);
    size_t i;
    json_t *g;
    json_array_foreach(groups, i, g) {
        iam_entity *grp = json_is_string(g) ? iam_store_find(l->st, IAM_GROUP, json_string_value(g)) : NULL;
        if (!grp)
            return fail(l, "%s: no group %s in this fixture", u->arn,
                        json_is_string(g) ? json_string_value(g) : "(not a string)");
        if (iam_strv_index(u->members, grp->name) < 0)
            iam_store_join(u, grp);
    }
    return 0;
}

/* section[name] (borrowed; NULL when absent, which loops take as empty). */
static int list_of(loader *l, json_t *section, const char *name, json_t **out)
{
    *out = json_object_get(section, name);
    return *out && !json_is_array(*out) ? fail(l, "\"%s\" must be a list", name) : 0;
}

int iam_fixture_load(void *state, json_t *section, const svc_fixture_ctx *ctx, char *err, size_t errlen)
{
    loader l = {state, ctx, err, errlen};
    err[0] = '\0';
    if (!json_is_object(section))
        return fail(&l, "the iam section must be an object");
    static const char *const known[] = {"root_keys", "policies", "groups", "users", "roles"};
    const char *k;
    json_t *v;
    json_object_foreach(section, k, v) {
        bool ok = false;
        for (size_t i = 0; i < G_N_ELEMENTS(known); i++)
            ok |= strcmp(k, known[i]) == 0;
        if (!ok)
            return fail(&l, "unknown field \"%s\" (known: root_keys, policies, groups, users, roles)", k);
    }
    json_t *lists[G_N_ELEMENTS(known)];
    for (size_t i = 0; i < G_N_ELEMENTS(known); i++)
        if (list_of(&l, section, known[i], &lists[i]) != 0)
            return -1;
    size_t i;
    /* policies first: the others attach them; groups before the users in them */
    json_array_foreach(lists[1], i, v) if (load_policy(&l, v, i) != 0) return -1;
    json_array_foreach(lists[2], i, v) if (!load_entity(&l, IAM_GROUP, v, i, "CreateGroup", NULL)) return -1;
    json_array_foreach(lists[3], i, v) {
        iam_entity *u = load_entity(&l, IAM_USER, v, i, "CreateUser", NULL);
        if (!u || load_keys(&l, u, json_object_get(v, "AccessKeys")) != 0 ||
            load_groups_of(&l, u, json_object_get(v, "Groups")) != 0)
            return -1;
    }
    json_array_foreach(lists[4], i, v) if (!load_entity(&l, IAM_ROLE, v, i, "CreateRole", "AssumeRolePolicyDocument")) return -1;
    return load_keys(&l, NULL, lists[0]);
}

/* ---- dumping ---- */

static json_t *keys_json(GPtrArray *keys)
{
    json_t *a = json_array();
    for (guint i = 0; i < keys->len; i++) {
        iam_key *k = g_ptr_array_index(keys, i);
        json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "AccessKeyId", k->id, "SecretAccessKey", k->secret,
                                           "Status", k->active ? "Active" : "Inactive"));
    }
    return a;
}

static json_t *strv_json(GPtrArray *a)
{
    json_t *out = json_array();
    for (guint i = 0; i < a->len; i++)
        json_array_append_new(out, json_string(g_ptr_array_index(a, i)));
    return out;
}

static json_t *entity_dump(const iam_entity *e)
{
    const iam_kind_info *ki = &iam_kinds[e->kind];
    json_t *o = json_pack("{s:s, s:s, s:s}", ki->name_member, e->name, "Path", e->path, ki->id_member, e->id);
    if (e->kind == IAM_ROLE) {
        json_object_set_new(o, "AssumeRolePolicyDocument", json_string(e->trust));
        json_object_set_new(o, "MaxSessionDuration", json_integer(e->max_session));
        if (e->description)
            json_object_set_new(o, "Description", json_string(e->description));
    }
    if (g_tree_nnodes(e->inline_policies)) {
        json_t *p = json_object();
        for (GTreeNode *t = g_tree_node_first(e->inline_policies); t; t = g_tree_node_next(t))
            json_object_set_new(p, g_tree_node_key(t), json_string(g_tree_node_value(t)));
        json_object_set_new(o, "Policies", p);
    }
    if (e->attached->len)
        json_object_set_new(o, "AttachedPolicies", strv_json(e->attached));
    if (e->boundary)
        json_object_set_new(o, "PermissionsBoundary", json_string(e->boundary));
    if (json_array_size(e->tags))
        json_object_set_new(o, "Tags", json_deep_copy(e->tags)); /* dumps outlive the lock */
    if (e->kind == IAM_USER && e->keys->len)
        json_object_set_new(o, "AccessKeys", keys_json(e->keys));
    if (e->kind == IAM_USER && e->members->len)
        json_object_set_new(o, "Groups", strv_json(e->members));
    return o;
}

static json_t *policy_dump(const iam_managed *m)
{
    json_t *o = json_pack("{s:s, s:s, s:s}", "PolicyName", m->name, "Path", m->path, "PolicyId", m->id);
    if (m->description)
        json_object_set_new(o, "Description", json_string(m->description));
    if (json_array_size(m->tags))
        json_object_set_new(o, "Tags", json_deep_copy(m->tags));
    json_t *versions = json_array();
    for (guint i = 0; i < m->versions->len; i++) {
        iam_version *v = g_ptr_array_index(m->versions, i);
        json_array_append_new(versions, json_pack("{s:s, s:s, s:b}", "VersionId", v->id, "Document", v->document,
                                                  "IsDefaultVersion", strcmp(v->id, m->default_version) == 0));
    }
    json_object_set_new(o, "Versions", versions);
    return o;
}

json_t *iam_fixture_dump(void *state, const svc_dump_ctx *ctx)
{
    iam_state *st = state;
    json_t *out = json_object();
    static const char *const names[IAM_NKINDS] = {[IAM_USER] = "users", [IAM_ROLE] = "roles", [IAM_GROUP] = "groups"};
    for (int k = 0; k < IAM_NKINDS; k++) {
        if (!g_tree_nnodes(st->entities[k]))
            continue;
        json_t *a = json_array();
        for (GTreeNode *n = g_tree_node_first(st->entities[k]); n; n = g_tree_node_next(n))
            json_array_append_new(a, entity_dump(g_tree_node_value(n)));
        json_object_set_new(out, names[k], a);
    }
    if (g_tree_nnodes(st->policies)) {
        json_t *a = json_array();
        for (GTreeNode *n = g_tree_node_first(st->policies); n; n = g_tree_node_next(n))
            json_array_append_new(a, policy_dump(g_tree_node_value(n)));
        json_object_set_new(out, "policies", a);
    }
    if (st->root_keys->len)
        json_object_set_new(out, "root_keys", keys_json(st->root_keys));
    if (json_object_size(out) == 0) {
        json_decref(out);
        return NULL;
    }
    return out;
}
