#include "pmap.h"

#include <glib.h>
#include <stdatomic.h>
#include <stdint.h>

struct pmap_node {
    /* what a descent reads first, together at the start (one cache line
     * more often than not) */
    const void *key; /* the value's (pmap_type.key), kept here so that a
                        descent compares without a call per level */
    pmap_node *left, *right;
    void *value;      /* one reference (the type's) */
    atomic_uint refs; /* maps and parent nodes holding it */
    int height;       /* of the subtree: 1 for a leaf */
};

/* ---- nodes ---- */

static pmap_node *node_new(const pmap_type *t, void *value)
{
    pmap_node *n = g_new(pmap_node, 1);
    atomic_init(&n->refs, 1);
    n->height = 1;
    n->left = n->right = NULL;
    n->value = value;
    n->key = t->key(value);
    return n;
}

static void node_retain(pmap_node *n)
{
    if (n)
        atomic_fetch_add_explicit(&n->refs, 1, memory_order_relaxed);
}

/* Drops one reference; the last frees the subtree's nodes that no other map
 * holds, and the references they held. Recursion is as deep as the tree. */
static void node_release(const pmap_type *t, pmap_node *n)
{
    if (!n || atomic_fetch_sub_explicit(&n->refs, 1, memory_order_acq_rel) != 1)
        return;
    t->release(n->value);
    node_release(t, n->left);
    node_release(t, n->right);
    g_free(n);
}

/* Frees a node the caller owns alone whose value and children have been
 * handed on. */
static void node_free_shell(pmap_node *n)
{
    g_free(n);
}

/* The node in a slot made the slot's alone: n itself when its count is one
 * (no other map can reach it, and none can start to while the owner writes),
 * else a copy holding what n holds, the slot's reference to n dropped. */
static pmap_node *own(const pmap_type *t, pmap_node *n)
{
    if (atomic_load_explicit(&n->refs, memory_order_acquire) == 1)
        return n;
    pmap_node *c = g_new(pmap_node, 1);
    atomic_init(&c->refs, 1);
    c->height = n->height;
    c->left = n->left;
    c->right = n->right;
    c->value = n->value;
    c->key = n->key;
    node_retain(c->left);
    node_retain(c->right);
    t->retain(c->value);
    node_release(t, n);
    return c;
}

static int height(const pmap_node *n)
{
    return n ? n->height : 0;
}

static void update(pmap_node *n)
{
    int l = height(n->left), r = height(n->right);
    n->height = 1 + (l > r ? l : r);
}

/* ---- balance: n is owned; each rotation owns the child it changes ---- */

static pmap_node *rotate_right(const pmap_type *t, pmap_node *n)
{
    pmap_node *l = own(t, n->left);
    n->left = l->right;
    l->right = n;
    update(n);
    update(l);
    return l;
}

static pmap_node *rotate_left(const pmap_type *t, pmap_node *n)
{
    pmap_node *r = own(t, n->right);
    n->right = r->left;
    r->left = n;
    update(n);
    update(r);
    return r;
}

static pmap_node *rebalance(const pmap_type *t, pmap_node *n)
{
    update(n);
    int b = height(n->left) - height(n->right);
    if (b > 1) {
        if (height(n->left->left) < height(n->left->right)) {
            n->left = own(t, n->left);
            n->left = rotate_left(t, n->left);
        }
        return rotate_right(t, n);
    }
    if (b < -1) {
        if (height(n->right->right) < height(n->right->left)) {
            n->right = own(t, n->right);
            n->right = rotate_right(t, n->right);
        }
        return rotate_left(t, n);
    }
    return n;
}

/* ---- the map ---- */

void pmap_init(pmap *m, const pmap_type *type)
{
    m->type = type;
    m->root = NULL;
    m->count = 0;
}

void pmap_clear(pmap *m)
{
    node_release(m->type, m->root);
    m->root = NULL;
    m->count = 0;
}

void pmap_share(pmap *dst, const pmap *src)
{
    if (dst == src)
        return;
    node_retain(src->root);
    pmap_clear(dst);
    dst->type = src->type;
    dst->root = src->root;
    dst->count = src->count;
}

static pmap_node *find(const pmap *m, const void *key)
{
    pmap_node *n = m->root;
    while (n) {
        int c = m->type->cmp(key, n->key);
        if (c == 0)
            return n;
        n = c < 0 ? n->left : n->right;
    }
    return NULL;
}

void *pmap_get(const pmap *m, const void *key)
{
    pmap_node *n = find(m, key);
    return n ? n->value : NULL;
}

void *pmap_get_mut(pmap *m, const void *key)
{
    /* Copy nothing for a key that is not there. */
    if (!find(m, key))
        return NULL;
    const pmap_type *t = m->type;
    pmap_node **slot = &m->root;
    for (;;) {
        pmap_node *n = *slot = own(t, *slot);
        int c = t->cmp(key, n->key);
        if (c == 0) {
            if (t->unshare) {
                n->value = t->unshare(n->value);
                n->key = t->key(n->value);
            }
            return n->value;
        }
        slot = c < 0 ? &n->left : &n->right;
    }
}

static pmap_node *insert(const pmap_type *t, pmap_node *n, void *value, const void *key, void **old)
{
    if (!n)
        return node_new(t, value);
    n = own(t, n);
    int c = t->cmp(key, n->key);
    if (c == 0) {
        *old = n->value;
        n->value = value;
        n->key = t->key(value);
        return n; /* the shape is unchanged */
    }
    pmap_node **child = c < 0 ? &n->left : &n->right;
    int was = height(*child);
    *child = insert(t, *child, value, key, old);
    /* a subtree whose height did not change leaves n as balanced as it was */
    return height(*child) == was ? n : rebalance(t, n);
}

void *pmap_put(pmap *m, void *value)
{
    void *old = NULL;
    m->root = insert(m->type, m->root, value, m->type->key(value), &old);
    if (!old)
        m->count++;
    return old;
}

/* Removes the smallest entry of n's subtree (n non-NULL), handing its value
 * (with the node's reference) to *value. */
static pmap_node *remove_min(const pmap_type *t, pmap_node *n, void **value)
{
    n = own(t, n);
    if (!n->left) {
        pmap_node *r = n->right;
        *value = n->value;
        node_free_shell(n);
        return r;
    }
    n->left = remove_min(t, n->left, value);
    return rebalance(t, n);
}

/* The key is in n's subtree (the caller checked). */
static pmap_node *remove_key(const pmap_type *t, pmap_node *n, const void *key, void **value)
{
    n = own(t, n);
    int c = t->cmp(key, n->key);
    if (c < 0) {
        n->left = remove_key(t, n->left, key, value);
    } else if (c > 0) {
        n->right = remove_key(t, n->right, key, value);
    } else {
        *value = n->value;
        if (!n->left || !n->right) {
            pmap_node *child = n->left ? n->left : n->right;
            node_free_shell(n);
            return child;
        }
        n->right = remove_min(t, n->right, &n->value);
        n->key = t->key(n->value);
    }
    return rebalance(t, n);
}

void *pmap_take(pmap *m, const void *key)
{
    if (!find(m, key))
        return NULL;
    void *value = NULL;
    m->root = remove_key(m->type, m->root, key, &value);
    m->count--;
    return value;
}

bool pmap_remove(pmap *m, const void *key)
{
    void *v = pmap_take(m, key);
    if (!v)
        return false;
    m->type->release(v);
    return true;
}

/* ---- iterators: path[] is the chain of nodes from the root down to the
 * current one ---- */

void *pmap_current(const pmap_iter *it)
{
    return it->depth ? it->path[it->depth - 1]->value : NULL;
}

static void *descend(pmap_iter *it, const pmap_node *n, bool leftmost)
{
    while (n) {
        it->path[it->depth++] = n;
        n = leftmost ? n->left : n->right;
    }
    return pmap_current(it);
}

void *pmap_first(const pmap *m, pmap_iter *it)
{
    it->depth = 0;
    return descend(it, m->root, true);
}

void *pmap_last(const pmap *m, pmap_iter *it)
{
    it->depth = 0;
    return descend(it, m->root, false);
}

void *pmap_seek(const pmap *m, pmap_iter *it, const void *probe, bool after)
{
    const pmap_type *t = m->type;
    int depth = 0, best = 0;
    for (const pmap_node *n = m->root; n;) {
        it->path[depth++] = n;
        int c = t->cmp(probe, n->key);
        if (c < 0 || (c == 0 && !after)) {
            best = depth;
            n = n->left;
        } else {
            n = n->right;
        }
    }
    it->depth = best;
    return pmap_current(it);
}

void *pmap_seek_back(const pmap *m, pmap_iter *it, const void *probe, bool before)
{
    const pmap_type *t = m->type;
    int depth = 0, best = 0;
    for (const pmap_node *n = m->root; n;) {
        it->path[depth++] = n;
        int c = t->cmp(probe, n->key);
        if (c > 0 || (c == 0 && !before)) {
            best = depth;
            n = n->right;
        } else {
            n = n->left;
        }
    }
    it->depth = best;
    return pmap_current(it);
}

/* One step: forward takes the leftmost node of the right subtree, or the
 * first ancestor reached from its left side; backward mirrors it. */
static void *step(pmap_iter *it, bool forward)
{
    if (!it->depth)
        return NULL;
    const pmap_node *n = it->path[it->depth - 1];
    const pmap_node *down = forward ? n->right : n->left;
    if (down)
        return descend(it, down, forward);
    const pmap_node *child;
    do {
        child = it->path[--it->depth];
    } while (it->depth && (forward ? it->path[it->depth - 1]->right : it->path[it->depth - 1]->left) == child);
    return pmap_current(it);
}

void *pmap_next(pmap_iter *it)
{
    return step(it, true);
}

void *pmap_prev(pmap_iter *it)
{
    return step(it, false);
}

static bool walk(const pmap_node *n, bool (*fn)(void *value, void *arg), void *arg)
{
    if (!n)
        return true;
    return walk(n->left, fn, arg) && fn(n->value, arg) && walk(n->right, fn, arg);
}

void pmap_foreach(const pmap *m, bool (*fn)(void *value, void *arg), void *arg)
{
    walk(m->root, fn, arg);
}

/* ---- for tests ---- */

static int check(const pmap_type *t, const pmap_node *n, const void *lo, const void *hi, size_t *count)
{
    if (!n)
        return 0;
    const void *k = t->key(n->value);
    if (n->key != k)
        return -1;
    if ((lo && t->cmp(lo, k) >= 0) || (hi && t->cmp(k, hi) >= 0))
        return -1;
    if (atomic_load(&n->refs) == 0)
        return -1;
    int l = check(t, n->left, lo, k, count);
    int r = check(t, n->right, k, hi, count);
    if (l < 0 || r < 0 || l - r > 1 || r - l > 1 || n->height != 1 + (l > r ? l : r))
        return -1;
    (*count)++;
    return n->height;
}

bool pmap_valid(const pmap *m)
{
    size_t count = 0;
    return check(m->type, m->root, NULL, NULL, &count) >= 0 && count == m->count;
}
