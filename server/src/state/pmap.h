/* pmap: a persistent ordered map, for state that snapshots share.
 *
 * A snapshot (POST /_mockaws/snapshots) and the live state it was taken
 * from, or restored into, hold the same maps: pmap_share makes a second map
 * of the same entries in O(1), and each side then changes only its own.
 * A write copies the few nodes on the path from the root to what it changes
 * (O(log n), at most one copy of each node per share), so that restoring a
 * snapshot of 10,000 objects costs no more than restoring one of ten, and
 * the first write after it no more than any other write.
 *
 * The map is an AVL tree whose nodes carry a reference count. A node held
 * by one map only (the count is one) is changed in place, as in any AVL
 * tree; a node held by several is copied first. Values are the caller's
 * objects, reference counted by the caller through pmap_type: a copied node
 * takes a reference to its value, and pmap_get_mut hands out a value that no
 * other map holds (pmap_type.unshare), so that a value shared with a
 * snapshot is never changed through the live map.
 *
 * A value carries its own key (pmap_type.key), so that a node is one
 * pointer to it, and a copied value brings its key along.
 *
 * Locking is the owner's: readers may share a map, a writer must have it
 * alone (the namespace lock). pmap_share and dropping a map that shares
 * nodes with others touch the shared nodes' counts, which are atomic, so
 * that two maps sharing nodes may be written under two different locks.
 *
 * Height is at most 1.44 log2(n + 2): 64 levels hold more entries than any
 * address space, which bounds the iterators' stacks. */
#ifndef MOCKAWS_STATE_PMAP_H
#define MOCKAWS_STATE_PMAP_H

#include <stdbool.h>
#include <stddef.h>

#define PMAP_MAX_HEIGHT 64

/* What a map holds. Static, shared by every map of one kind. */
typedef struct pmap_type {
    /* The order of two keys (strcmp's contract). A probe given to the
     * lookups may be a key no value has (a prefix, a bound). */
    int (*cmp)(const void *a, const void *b);
    /* A value's key; stays valid as long as the value. */
    const void *(*key)(const void *value);
    /* Take and drop one reference to a value; release frees it with the
     * last one. */
    void (*retain)(void *value);
    void (*release)(void *value);
    /* A value that the caller may change: value itself when the caller's
     * reference is the only one, else a copy (with one reference, the
     * caller's), the caller's reference to the original being dropped.
     * NULL: values are never changed in place (pmap_get_mut is not used). */
    void *(*unshare)(void *value);
} pmap_type;

typedef struct pmap_node pmap_node;

/* A map, embedded by value in its owner. Zeroed memory is not a map:
 * pmap_init it. */
typedef struct pmap {
    const pmap_type *type;
    pmap_node *root;
    size_t count;
} pmap;

void pmap_init(pmap *m, const pmap_type *type);
/* Drops every entry (and the map's references to the values). The map
 * stays usable, empty. */
void pmap_clear(pmap *m);
/* dst (initialized, and cleared first) becomes a map of the same entries
 * as src, sharing them: O(1). */
void pmap_share(pmap *dst, const pmap *src);

static inline size_t pmap_count(const pmap *m)
{
    return m->count;
}

/* The value under key, or NULL. Not to be changed: see pmap_get_mut. */
void *pmap_get(const pmap *m, const void *key);
/* The value under key, made the map's own first (the path to it copied
 * where shared, the value unshared), so that the caller may change it
 * in place, except its key. NULL when there is none. */
void *pmap_get_mut(pmap *m, const void *key);
/* Puts value under its key, stealing the caller's reference. Returns the
 * value it replaces, with the map's reference now the caller's, or NULL. */
void *pmap_put(pmap *m, void *value);
/* Removes the entry under key. Returns its value, with the map's reference
 * now the caller's, or NULL when there was none. key may be the value's own
 * key: the map is done with it before it hands the value over. */
void *pmap_take(pmap *m, const void *key);
/* Removes the entry under key and drops the map's reference to its value;
 * true when there was one. */
bool pmap_remove(pmap *m, const void *key);

/* Walks a map in key order, either way. Valid until the map is next
 * written; an iterator that ran off either end stays there (NULL). */
typedef struct pmap_iter {
    const pmap_node *path[PMAP_MAX_HEIGHT];
    int depth; /* path[depth - 1] is the current node; 0 when at an end */
} pmap_iter;

/* Each returns the value the iterator is left on, or NULL when none. */
void *pmap_first(const pmap *m, pmap_iter *it);
void *pmap_last(const pmap *m, pmap_iter *it);
/* The first value whose key is >= probe (after: > probe). */
void *pmap_seek(const pmap *m, pmap_iter *it, const void *probe, bool after);
/* The last value whose key is <= probe (before: < probe). */
void *pmap_seek_back(const pmap *m, pmap_iter *it, const void *probe, bool before);
void *pmap_next(pmap_iter *it);
void *pmap_prev(pmap_iter *it);
/* The value the iterator is on, or NULL. */
void *pmap_current(const pmap_iter *it);

/* Calls fn for every value in key order until it returns false. The map
 * must not be written meanwhile. */
void pmap_foreach(const pmap *m, bool (*fn)(void *value, void *arg), void *arg);

/* For tests: the tree is ordered, balanced, its heights and count right. */
bool pmap_valid(const pmap *m);

#endif
