#include "services/dynamodb/query.h"

#include <string.h>

#include "services/dynamodb/capacity.h"
#include "services/dynamodb/expr_eval.h"
#include "services/dynamodb/expr_parse.h"
#include "services/dynamodb/index.h"
#include "services/dynamodb/item.h"
#include "services/dynamodb/keycond.h"
#include "services/dynamodb/legacy.h"
#include "services/dynamodb/request.h"
#include "services/dynamodb/ttl.h"
#include "services/dynamodb/value.h"
#include "services/service.h"

#define PREFIX "One or more parameter values were invalid: "
/* A page stops once it has read this much. */
#define PAGE_BYTES (1024 * 1024)

typedef struct read_req {
    svc_call *c;
    bool query;
    char *name;
    ddb_exprs *x;
    ddb_cond *filter;          /* FilterExpression, or QueryFilter / ScanFilter */
    ddb_cond *keycond;         /* KeyConditionExpression, parsed */
    ddb_projection *proj;      /* ProjectionExpression, or AttributesToGet */
    ddb_keyconds kc;
    const char *select;        /* as asked, or NULL */
    bool count_only;
    json_int_t limit;          /* 0: none */
    bool forward;
    bool consistent;
    json_t *esk;               /* ExclusiveStartKey (borrowed) */
    json_int_t segment, total; /* Scan: total 0 when not parallel */

    ddb_table *t;
    ddb_index *ix;             /* or NULL: the table */
    ddb_store *store;
    bool fetch_base;           /* an LSI read of what it does not project */
    char *succ;                /* begins_with: the first string after the prefix's range */
} read_req;

typedef struct page {
    json_t *items;
    json_int_t count, scanned;
    uint64_t bytes;
    double fetch_units; /* fetch_base: the table reads, each item's whole size in
                           read units (DynamoDB's LSI fetch cost) */
    const ddb_entry *last;
    bool stopped; /* at Limit or 1 MB: there may be more */
} page;

static void req_clear(read_req *r)
{
    g_free(r->name);
    g_free(r->succ);
    ddb_exprs_free(r->x);
}

/* ---- request checks ---- */

/* A start key's values; DynamoDB says "The provided starting key is
 * invalid" before most value messages, but not before all. */
static int start_key_values(svc_call *c, json_t *esk)
{
    static const char *const bare[] = {"contains duplicates", "number set", "numeric value", "significant digits",
                                       "number with magnitude"};
    const char *k;
    json_t *v;
    json_object_foreach(esk, k, v) {
        char *m = ddb_value_check(v, 1);
        if (!m)
            continue;
        bool prefix = true;
        for (size_t i = 0; i < G_N_ELEMENTS(bare); i++)
            prefix = prefix && !strstr(m, bare[i]);
        if (!prefix)
            return ddb_validation_take(c, m);
        int rc = ddb_validation(c, "The provided starting key is invalid: %s", m);
        g_free(m);
        return rc;
    }
    return 0;
}

/* Select against the projection asked for. */
static int select_checks(svc_call *c, read_req *r)
{
    json_t *in = c->input;
    const char *sel = r->select;
    bool pe = json_object_get(in, "ProjectionExpression") != NULL, atg = json_object_get(in, "AttributesToGet") != NULL;
    if (sel && strcmp(sel, "SPECIFIC_ATTRIBUTES") != 0 && (pe || atg))
        return ddb_validation(c, "Cannot specify the %s when choosing to get %s", pe ? "ProjectionExpression" : "AttributesToGet",
                              strcmp(sel, "COUNT") == 0 ? "only the Count" : sel);
    if (sel && strcmp(sel, "SPECIFIC_ATTRIBUTES") == 0 && !pe && !atg)
        return ddb_validation(c, "Must specify the AttributesToGet or ProjectionExpression when choosing to get "
                                 "SPECIFIC_ATTRIBUTES");
    if (sel && strcmp(sel, "ALL_PROJECTED_ATTRIBUTES") == 0 && !json_object_get(in, "IndexName"))
        return ddb_validation(c, "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName");
    return 0;
}

/* The request's expressions in DynamoDB's order, then unused names and
 * values. */
static int expressions(svc_call *c, read_req *r)
{
    json_t *in = c->input;
    char *m = ddb_exprs_check_maps(r->x);
    const char *s;
    if (!m && (s = svc_str(in, "KeyConditionExpression")))
        r->keycond = ddb_parse_condition(r->x, "KeyConditionExpression", s, &m);
    if (!m && (s = svc_str(in, "FilterExpression")))
        r->filter = ddb_parse_condition(r->x, "FilterExpression", s, &m);
    if (!m && (s = svc_str(in, "ProjectionExpression")))
        r->proj = ddb_parse_projection(r->x, s, &m);
    if (!m)
        m = ddb_exprs_check_unused(r->x);
    return m ? ddb_validation_take(c, m) : 0;
}

static int request_checks(svc_call *c, read_req *r)
{
    static const char *const q_exprs[] = {"ProjectionExpression", "FilterExpression", "KeyConditionExpression", NULL};
    static const char *const q_legacy[] = {"AttributesToGet", "QueryFilter", "ConditionalOperator", "KeyConditions",
                                           NULL};
    static const char *const s_exprs[] = {"ProjectionExpression", "FilterExpression", NULL};
    static const char *const s_legacy[] = {"AttributesToGet", "ScanFilter", "ConditionalOperator", NULL};
    json_t *in = c->input;
    if (ddb_table_name(c, DDB_NAME_DATA, &r->name) != 0)
        return -1;
    r->x = ddb_exprs_new(json_object_get(in, "ExpressionAttributeNames"), json_object_get(in, "ExpressionAttributeValues"));
    r->select = svc_str(in, "Select");
    r->limit = json_integer_value(json_object_get(in, "Limit"));
    r->forward = !json_is_false(json_object_get(in, "ScanIndexForward"));
    r->consistent = svc_true(in, "ConsistentRead");
    r->esk = json_object_get(in, "ExclusiveStartKey");
    if (ddb_expression_params(c, in, r->query ? q_exprs : s_exprs, r->query ? q_legacy : s_legacy) != 0)
        return -1;
    const char *filter_name = r->query ? "QueryFilter" : "ScanFilter";
    json_t *legacy_filter = json_object_get(in, filter_name);
    char *m = NULL;
    json_t *atg = json_object_get(in, "AttributesToGet");
    /* Query checks its filter before AttributesToGet, Scan after */
    if (r->query && legacy_filter)
        m = ddb_legacy_filter(r->x, legacy_filter, svc_str(in, "ConditionalOperator"), &r->filter);
    if (!m && atg)
        m = ddb_legacy_attributes_to_get(r->x, atg, &r->proj);
    if (!m && !r->query && legacy_filter)
        m = ddb_legacy_filter(r->x, legacy_filter, svc_str(in, "ConditionalOperator"), &r->filter);
    if (m)
        return ddb_validation_take(c, m);
    if (start_key_values(c, r->esk) != 0)
        return -1;
    if (r->query) {
        json_t *kc = json_object_get(in, "KeyConditions");
        if (!kc && !json_object_get(in, "KeyConditionExpression"))
            return ddb_validation(c, "Either the KeyConditions or KeyConditionExpression parameter must be specified "
                                     "in the request.");
        if (expressions(c, r) != 0)
            return -1;
        if (r->keycond)
            m = ddb_keyconds_from_expr(r->keycond, &r->kc);
        else {
            ddb_cond *unused;
            m = ddb_legacy_filter(r->x, kc, NULL, &unused);
            if (!m)
                m = ddb_keyconds_from_legacy(kc, &r->kc);
        }
        if (m)
            return ddb_validation_take(c, m);
    } else {
        json_t *seg = json_object_get(in, "Segment"), *tot = json_object_get(in, "TotalSegments");
        if (json_integer_value(seg) && !tot)
            return ddb_validation(c, "The TotalSegments parameter is required but was not present in the request "
                                     "when Segment parameter is present");
        if (tot && !seg)
            return ddb_validation(c, "The Segment parameter is required but was not present in the request when "
                                     "parameter TotalSegments is present");
        r->segment = json_integer_value(seg);
        r->total = json_integer_value(tot);
        if (tot && r->segment >= r->total)
            return ddb_validation(c, "The Segment parameter is zero-based and must be less than parameter "
                                     "TotalSegments: Segment: %lld is not less than TotalSegments: %lld",
                                  (long long)r->segment, (long long)r->total);
        if (expressions(c, r) != 0)
            return -1;
    }
    return select_checks(c, r);
}

/* ---- table checks ---- */

/* One key attribute of a start key, as DynamoDB checks a key. */
static char *key_piece(json_t *map, const ddb_keydef *k, bool hash)
{
    json_t *v = json_object_get(map, k->name);
    json_t *p = v ? json_object_get(v, (char[]){k->type, '\0'}) : NULL;
    if (!json_is_string(p))
        return g_strdup("The provided key element does not match the schema");
    size_t n = json_string_length(p);
    if (n == 0 && k->type != 'N')
        return g_strdup_printf(PREFIX "The AttributeValue for a key attribute cannot contain an empty %s value. "
                                      "Key: %s",
                               k->type == 'S' ? "string" : "binary", k->name);
    if (k->type != 'N' && hash && n > 2048)
        return g_strdup(PREFIX "Size of hashkey has exceeded the maximum size limit of2048 bytes");
    if (k->type != 'N' && !hash && n > 1024)
        return g_strdup(PREFIX "Aggregated size of all range keys has exceeded the size limit of 1024 bytes");
    return NULL;
}

/* The start key restricted to the table's own keys, checked as a Key. */
static char *table_start_key(const ddb_table *t, json_t *esk)
{
    json_t *k = json_object();
    const ddb_keydef *ks[2] = {&t->hash, &t->range};
    for (int i = 0; i < 2; i++) {
        json_t *v = ks[i]->name ? json_object_get(esk, ks[i]->name) : NULL;
        if (v)
            json_object_set(k, ks[i]->name, v);
    }
    char *m = ddb_key_check(t, k);
    json_decref(k);
    if (!m)
        return NULL;
    char *full = g_strdup_printf("The provided starting key is invalid: %s", m);
    g_free(m);
    return full;
}

static size_t start_key_names(const read_req *r)
{
    const char *names[4];
    return ddb_ix_key_names(r->t, r->ix, names);
}

static const ddb_keydef *read_hash(const read_req *r)
{
    return r->ix ? &r->ix->hash : &r->t->hash;
}

static const ddb_keydef *read_range(const read_req *r)
{
    return r->ix ? &r->ix->range : &r->t->range;
}

static void cond_paths(const ddb_cond *c, GArray *out);

static void operand_paths(const ddb_operand *o, GArray *out)
{
    if (o->kind == DDB_OPD_PATH)
        g_array_append_val(out, o->path);
    for (size_t i = 0; i < o->nargs; i++)
        operand_paths(o->args[i], out);
}

static void cond_paths(const ddb_cond *c, GArray *out)
{
    if (!c)
        return;
    if (c->a)
        cond_paths(c->a, out);
    if (c->b)
        cond_paths(c->b, out);
    for (size_t i = 0; i < c->nops; i++)
        operand_paths(c->ops[i], out);
}

/* A Query's filter may not name the keys it reads by. */
static char *filter_on_keys(const read_req *r, GArray *paths)
{
    json_t *legacy = json_object_get(r->c->input, "QueryFilter");
    const ddb_keydef *ks[2] = {read_hash(r), read_range(r)};
    for (int i = 0; i < 2; i++) {
        if (!ks[i]->name)
            continue;
        bool named = false;
        if (legacy)
            named = json_object_get(legacy, ks[i]->name) != NULL;
        else
            for (guint k = 0; !named && k < paths->len; k++) {
                const ddb_path *p = &g_array_index(paths, ddb_path, k);
                named = !p->el[0].is_index && strcmp(p->el[0].name, ks[i]->name) == 0;
            }
        if (named)
            return g_strdup_printf("%s can only contain non-primary key attributes: Primary key attribute: %s",
                                   legacy ? "QueryFilter" : "Filter Expression", ks[i]->name);
    }
    return NULL;
}

/* The index a read names: it must exist and be readable. */
static int resolve_index(svc_call *c, read_req *r)
{
    const char *name = svc_str(c->input, "IndexName");
    if (!name)
        return 0;
    ddb_index *ix = ddb_table_index(r->t, name);
    if (!ix || !ddb_index_live(ix))
        return ddb_validation(c, "The table does not have the specified index: %s", name);
    if (ix->global && ddb_index_status(ix, c->now_ms) == DDB_CREATING)
        return ddb_validation(c, "Cannot read from backfilling global secondary index: %s", name);
    r->ix = ix;
    return 0;
}

static int table_checks(svc_call *c, read_req *r)
{
    r->t = ddb_usable_table(c, r->name);
    if (!r->t)
        return -1;
    if (resolve_index(c, r) != 0)
        return -1;
    r->store = r->ix ? r->ix->items : r->t->items;
    if (r->ix && r->ix->global && r->consistent)
        return ddb_validation(c, "Consistent reads are not supported on global secondary indexes");
    char *m = NULL;
    size_t nkeys = start_key_names(r);
    if (r->esk && json_object_size(r->esk) != nkeys)
        m = g_strdup(r->query || r->ix ? "The provided starting key is invalid"
                                       : "The provided starting key is invalid: The provided key element does not "
                                         "match the schema");
    const ddb_keydef *ks[2] = {read_hash(r), read_range(r)};
    bool has_range = ks[1]->name != NULL;
    for (int i = 0; !m && i < 2; i++) {
        if (!ks[i]->name)
            continue;
        if (r->esk && (r->query || r->ix)) {
            if (!json_object_get(r->esk, ks[i]->name))
                m = g_strdup("The provided starting key is invalid");
            else
                m = key_piece(r->esk, ks[i], i == 0);
        }
        if (!m && r->query)
            m = ddb_keyconds_check(&r->kc, ks[i], i == 0, has_range);
    }
    bool gsi_partial = r->ix && r->ix->global && r->ix->proj != DDB_PROJ_ALL;
    bool want_all = r->select && strcmp(r->select, "ALL_ATTRIBUTES") == 0;
    if (!m && !r->query && gsi_partial && want_all)
        m = g_strdup_printf(PREFIX "Select type ALL_ATTRIBUTES is not supported for global secondary index %s "
                                   "because its projection type is not ALL",
                            r->ix->name);
    if (!m && r->esk)
        m = table_start_key(r->t, r->esk);
    if (!m && r->esk && r->query) {
        const ddb_keycond *hc = ddb_keyconds_find(&r->kc, ks[0]->name);
        const ddb_keycond *rc = has_range ? ddb_keyconds_find(&r->kc, ks[1]->name) : NULL;
        bool same_hash = hc && ddb_value_equal(json_object_get(r->esk, ks[0]->name), hc->v[0]);
        if (!rc) {
            if (!same_hash)
                m = g_strdup("The provided starting key is outside query boundaries based on provided conditions");
        } else if (!ddb_keycond_match(rc, json_object_get(r->esk, ks[1]->name))) {
            m = g_strdup("The provided starting key does not match the range key predicate");
        } else if (!same_hash) {
            m = g_strdup("The query can return at most one row and cannot be restarted");
        }
    }
    if (!m && r->proj)
        m = ddb_nested_keys(r->t, r->proj->paths, r->proj->n);
    GArray *paths = g_array_new(FALSE, FALSE, sizeof(ddb_path));
    cond_paths(r->filter, paths);
    if (!m && r->query && r->filter)
        m = filter_on_keys(r, paths);
    if (!m && r->query && gsi_partial && want_all)
        m = g_strdup_printf(PREFIX "Select type ALL_ATTRIBUTES is not supported for global secondary index %s "
                                   "because its projection type is not ALL",
                            r->ix->name);
    if (!m && paths->len)
        m = ddb_nested_keys(r->t, (const ddb_path *)(void *)paths->data, paths->len);
    g_array_unref(paths);
    if (m)
        return ddb_validation_take(c, m);
    r->count_only = r->select && strcmp(r->select, "COUNT") == 0;
    /* an LSI fetches from the table what it does not project */
    r->fetch_base = r->ix && !r->ix->global && r->ix->proj != DDB_PROJ_ALL && (want_all || r->proj);
    return 0;
}

/* ---- the page ---- */

/* Visits one entry in read order; false once the page is full. */
static bool visit(read_req *r, page *pg, const ddb_entry *e)
{
    json_t *whole = e->base ? e->base : e->item;
    pg->scanned++;
    pg->bytes += e->size;
    pg->last = e;
    if (r->fetch_base)
        pg->fetch_units += ddb_units(ddb_item_size(whole), true, r->consistent);
    json_t *view = r->fetch_base ? whole : e->item;
    if (!r->filter || ddb_cond_eval(r->filter, view)) {
        pg->count++;
        if (!r->count_only)
            json_array_append_new(pg->items,
                                  r->proj ? ddb_project(view, r->proj->paths, r->proj->n) : json_incref(view));
    }
    if ((r->limit && pg->scanned >= r->limit) || pg->bytes >= PAGE_BYTES) {
        pg->stopped = true;
        return false;
    }
    return true;
}

static bool av_keyval(json_t *av, ddb_keyval *out)
{
    ddb_type t = ddb_value_type(av);
    json_t *p = ddb_value_payload(av);
    if ((t != DDB_T_S && t != DDB_T_N && t != DDB_T_B) || !json_is_string(p))
        return false;
    out->type = ddb_type_name(t)[0];
    out->data = json_string_value(p);
    out->len = json_string_length(p);
    return true;
}

/* Where a start key sits in the store: its partition key and sort key. */
static bool start_position(const read_req *r, ddb_keyval *hash, ddb_keyval *sort, size_t *nsort)
{
    return ddb_ix_position(r->t, r->ix, r->esk, hash, sort, nsort);
}

typedef struct bound {
    bool set;
    ddb_keyval v;
    bool inclusive;
} bound;

/* The smallest string after every string that starts with prefix: the
 * prefix with its last byte below 0xff raised by one; NULL when there is
 * none (every byte 0xff). */
static char *prefix_successor(const char *p, size_t n, size_t *len)
{
    while (n > 0 && (unsigned char)p[n - 1] == 0xff)
        n--;
    if (n == 0)
        return NULL;
    char *s = g_malloc(n + 1);
    memcpy(s, p, n);
    s[n - 1] = (char)((unsigned char)s[n - 1] + 1);
    s[n] = '\0';
    *len = n;
    return s;
}

static void range_bounds(read_req *r, const ddb_keycond *rc, bound *lo, bound *hi)
{
    memset(lo, 0, sizeof *lo);
    memset(hi, 0, sizeof *hi);
    if (!rc)
        return;
    ddb_keyval a = {0}, b = {0};
    av_keyval(rc->v[0], &a);
    if (rc->nv > 1)
        av_keyval(rc->v[1], &b);
    switch (rc->op) {
    case DDB_KC_EQ: *lo = (bound){true, a, true}; *hi = (bound){true, a, true}; break;
    case DDB_KC_LT: *hi = (bound){true, a, false}; break;
    case DDB_KC_LE: *hi = (bound){true, a, true}; break;
    case DDB_KC_GT: *lo = (bound){true, a, false}; break;
    case DDB_KC_GE: *lo = (bound){true, a, true}; break;
    case DDB_KC_BETWEEN: *lo = (bound){true, a, true}; *hi = (bound){true, b, true}; break;
    case DDB_KC_BEGINS_WITH: {
        *lo = (bound){true, a, true};
        size_t n = 0;
        r->succ = prefix_successor(a.data, a.len, &n);
        if (r->succ)
            *hi = (bound){true, {a.type, r->succ, n}, false};
        break;
    }
    case DDB_KC_OTHER: break;
    }
}

static bool below_hi(const bound *hi, const ddb_entry *e)
{
    if (!hi->set)
        return true;
    const ddb_skey *k = e->key;
    int c = ddb_keyval_cmp(&k->k[0], &hi->v);
    return hi->inclusive ? c <= 0 : c < 0;
}

static bool above_lo(const bound *lo, const ddb_entry *e)
{
    if (!lo->set)
        return true;
    const ddb_skey *k = e->key;
    int c = ddb_keyval_cmp(&k->k[0], &lo->v);
    return lo->inclusive ? c >= 0 : c > 0;
}

static void query_walk(read_req *r, page *pg)
{
    const ddb_keycond *hc = ddb_keyconds_find(&r->kc, read_hash(r)->name);
    const ddb_keycond *rc = read_range(r)->name ? ddb_keyconds_find(&r->kc, read_range(r)->name) : NULL;
    ddb_keyval hash;
    if (!hc || !av_keyval(hc->v[0], &hash))
        return;
    const ddb_part *p = ddb_store_partition(r->store, &hash);
    if (!p)
        return;
    bound lo, hi;
    range_bounds(r, rc, &lo, &hi);
    ddb_keyval eh, es[DDB_SKEY_MAX];
    size_t ens = 0;
    bool resume = r->esk && start_position(r, &eh, es, &ens);
    pmap_iter it;
    const ddb_entry *e;
    if (r->forward) {
        if (resume)
            e = ddb_part_seek(p, &it, es, ens, true);
        else
            e = lo.set ? ddb_part_seek(p, &it, &lo.v, 1, !lo.inclusive) : pmap_first(&p->items, &it);
        for (; e && below_hi(&hi, e); e = pmap_next(&it))
            if (!visit(r, pg, e))
                return;
    } else {
        if (resume)
            e = ddb_part_seek_back(p, &it, es, ens, true);
        else
            e = hi.set ? ddb_part_seek_back(p, &it, &hi.v, 1, !hi.inclusive) : pmap_last(&p->items, &it);
        for (; e && above_lo(&lo, e); e = pmap_prev(&it))
            if (!visit(r, pg, e))
                return;
    }
}

/* A segment's share of the 32-bit hash range: [lo, hi). */
static void segment_range(const read_req *r, uint64_t *lo, uint64_t *hi)
{
    *lo = 0;
    *hi = (uint64_t)1 << 32;
    if (r->total > 1) {
        *lo = ((uint64_t)r->segment << 32) / (uint64_t)r->total;
        *hi = ((uint64_t)(r->segment + 1) << 32) / (uint64_t)r->total;
    }
}

static int scan_walk(read_req *r, page *pg)
{
    uint64_t lo, hi;
    segment_range(r, &lo, &hi);
    pmap_iter pit, it;
    const ddb_part *p;
    const ddb_entry *e = NULL;
    if (r->esk) {
        ddb_keyval eh, es[DDB_SKEY_MAX];
        size_t ens = 0;
        if (!start_position(r, &eh, es, &ens))
            return ddb_validation(r->c, "The provided starting key is invalid");
        guint32 h = ddb_store_hash(&eh);
        if (h < lo || h >= hi)
            return ddb_validation(r->c, "The provided starting key is invalid: Invalid ExclusiveStartKey. Please use "
                                        "ExclusiveStartKey with correct Segment. TotalSegments: %lld Segment: %lld",
                                  (long long)r->total, (long long)r->segment);
        p = ddb_store_resume(r->store, &pit, &it, &eh, es, ens, &e);
    } else {
        p = ddb_store_part_seek(r->store, &pit, (guint32)lo, NULL, false);
    }
    for (; p; p = pmap_next(&pit)) {
        if (p->hash >= hi)
            break;
        if (!e)
            e = pmap_first(&p->items, &it);
        for (; e; e = pmap_next(&it))
            if (!visit(r, pg, e))
                return 0;
        e = NULL;
    }
    return 0;
}

/* ---- the answer ---- */

static json_t *last_key(const read_req *r, const ddb_entry *e)
{
    return ddb_ix_entry_key(r->t, r->ix, e);
}

/* units: the read of the table or index; fetch_units: an LSI's reads of
 * the table for what it does not project, which the table is charged. */
static void consumed(svc_call *c, const read_req *r, double units, double fetch_units)
{
    json_t *gsis = NULL, *lsis = NULL;
    double table_units = units;
    if (r->ix) {
        json_t *m = json_pack("{s:{s:f}}", r->ix->name, "CapacityUnits", units);
        if (r->ix->global)
            gsis = m;
        else
            lsis = m;
        table_units = fetch_units;
    }
    json_t *cc = ddb_consumed_units(c, r->t->name, table_units, gsis, lsis);
    if (cc)
        json_object_set_new(c->output, "ConsumedCapacity", cc);
}

static int read_op(svc_call *c, bool query)
{
    read_req r = {.c = c, .query = query};
    page pg = {0};
    int rc = -1;
    if (request_checks(c, &r) != 0 || table_checks(c, &r) != 0)
        goto out;
    pg.items = json_array();
    if (query)
        query_walk(&r, &pg);
    else if (scan_walk(&r, &pg) != 0)
        goto out;
    double units = ddb_units(pg.bytes, true, r.consistent);
    ddb_cap cap = ddb_capacity_read(c->state, r.t, r.ix, units + pg.fetch_units, c->now_ms);
    if (cap != DDB_CAP_OK) {
        ddb_capacity_error(c, cap, true);
        goto out;
    }
    c->output = json_object();
    if (!r.count_only)
        json_object_set(c->output, "Items", pg.items);
    json_object_set_new(c->output, "Count", json_integer(pg.count));
    json_object_set_new(c->output, "ScannedCount", json_integer(pg.scanned));
    if (pg.stopped && pg.last)
        json_object_set_new(c->output, "LastEvaluatedKey", last_key(&r, pg.last));
    consumed(c, &r, units, pg.fetch_units);
    rc = 0;
out:
    json_decref(pg.items);
    req_clear(&r);
    return rc;
}

int ddb_query(svc_call *c)
{
    return read_op(c, true);
}

int ddb_scan(svc_call *c)
{
    return read_op(c, false);
}
