/* state/pmap: a persistent map against a plain model (a sorted array of
 * what each map should hold), under random writes to several maps that
 * share nodes; the values' reference counts come back to zero at the end,
 * so that nothing is freed early (ASan) or kept (the live count). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <glib.h>
#include <string.h>

#include "state/pmap.h"

typedef struct val {
    int refs;
    int key;
    int data;  /* changed through pmap_get_mut */
    int *live; /* values alive, for the leak check */
} val;

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static const void *key_of(const void *v)
{
    return &((const val *)v)->key;
}

static void retain(void *v)
{
    ((val *)v)->refs++;
}

static void release(void *v)
{
    val *x = v;
    if (--x->refs == 0) {
        (*x->live)--;
        g_free(x);
    }
}

static void *unshare(void *v)
{
    val *x = v;
    if (x->refs == 1)
        return x;
    val *c = g_memdup2(x, sizeof *x);
    c->refs = 1;
    (*c->live)++;
    release(x);
    return c;
}

static const pmap_type VAL = {cmp_int, key_of, retain, release, unshare};

static val *val_new(int key, int data, int *live)
{
    val *v = g_new(val, 1);
    *v = (val){1, key, data, live};
    (*live)++;
    return v;
}

/* The model: data by key, -1 for absent. */
#define RANGE 400

static void check_against(const pmap *m, const int *model)
{
    assert_true(pmap_valid(m));
    size_t n = 0;
    pmap_iter it;
    int last = -1;
    for (val *v = pmap_first(m, &it); v; v = pmap_next(&it)) {
        assert_true(v->key > last);
        assert_int_equal(model[v->key], v->data);
        last = v->key;
        n++;
    }
    assert_int_equal(n, pmap_count(m));
    size_t want = 0;
    for (int k = 0; k < RANGE; k++) {
        if (model[k] >= 0)
            want++;
        val *v = pmap_get(m, &k);
        assert_int_equal(v ? v->data : -1, model[k]);
    }
    assert_int_equal(n, want);
    /* backwards too */
    n = 0;
    last = RANGE;
    for (val *v = pmap_last(m, &it); v; v = pmap_prev(&it)) {
        assert_true(v->key < last);
        last = v->key;
        n++;
    }
    assert_int_equal(n, want);
}

static void seeks_against(const pmap *m, const int *model, GRand *r)
{
    for (int i = 0; i < 20; i++) {
        int probe = g_rand_int_range(r, -2, RANGE + 2);
        bool strict = g_rand_boolean(r);
        pmap_iter it;
        /* forward: first key >= probe (> when strict), then walk on */
        val *v = pmap_seek(m, &it, &probe, strict);
        int k = probe + (strict ? 1 : 0);
        if (k < 0)
            k = 0;
        for (int steps = 0; steps < 5; steps++) {
            while (k < RANGE && model[k] < 0)
                k++;
            if (k >= RANGE) {
                assert_null(v);
                break;
            }
            assert_non_null(v);
            assert_int_equal(v->key, k);
            v = pmap_next(&it);
            k++;
        }
        /* backward: last key <= probe (< when strict) */
        v = pmap_seek_back(m, &it, &probe, strict);
        k = probe - (strict ? 1 : 0);
        if (k >= RANGE)
            k = RANGE - 1;
        for (int steps = 0; steps < 5; steps++) {
            while (k >= 0 && model[k] < 0)
                k--;
            if (k < 0) {
                assert_null(v);
                break;
            }
            assert_non_null(v);
            assert_int_equal(v->key, k);
            v = pmap_prev(&it);
            k--;
        }
    }
}

#define MAPS 4

/* Random puts, removes, takes and in-place changes on four maps, with
 * shares between them now and then; each checked against its model. */
static void random_with_shares(void **state)
{
    (void)state;
    int live = 0;
    GRand *r = g_rand_new_with_seed(17);
    pmap maps[MAPS];
    int models[MAPS][RANGE];
    for (int i = 0; i < MAPS; i++) {
        pmap_init(&maps[i], &VAL);
        memset(models[i], -1, sizeof models[i]);
    }
    for (int round = 0; round < 6000; round++) {
        int i = g_rand_int_range(r, 0, MAPS);
        int k = g_rand_int_range(r, 0, RANGE);
        int op = g_rand_int_range(r, 0, 100);
        pmap *m = &maps[i];
        if (op < 45) {
            int data = g_rand_int_range(r, 0, 1000000);
            val *old = pmap_put(m, val_new(k, data, &live));
            assert_int_equal(old ? old->data : -1, models[i][k]);
            if (old)
                release(old);
            models[i][k] = data;
        } else if (op < 65) {
            assert_int_equal(pmap_remove(m, &k), models[i][k] >= 0);
            models[i][k] = -1;
        } else if (op < 75) {
            val *v = pmap_take(m, &k);
            assert_int_equal(v ? v->data : -1, models[i][k]);
            if (v)
                release(v);
            models[i][k] = -1;
        } else if (op < 95) {
            val *v = pmap_get_mut(m, &k);
            assert_int_equal(v ? v->data : -1, models[i][k]);
            if (v) {
                assert_int_equal(v->refs, 1); /* no other map sees the change */
                v->data = g_rand_int_range(r, 0, 1000000);
                models[i][k] = v->data;
            }
        } else {
            int j = g_rand_int_range(r, 0, MAPS);
            pmap_share(&maps[j], m);
            memcpy(models[j], models[i], sizeof models[i]);
        }
        if (round % 250 == 0)
            for (int x = 0; x < MAPS; x++) {
                check_against(&maps[x], models[x]);
                seeks_against(&maps[x], models[x], r);
            }
    }
    for (int x = 0; x < MAPS; x++) {
        check_against(&maps[x], models[x]);
        pmap_clear(&maps[x]);
        assert_int_equal(pmap_count(&maps[x]), 0);
    }
    assert_int_equal(live, 0);
    g_rand_free(r);
}

/* A share costs nothing that grows with the map, and a write after it
 * copies a path, not the map: the values a write leaves alone stay the
 * same objects in both maps. */
static void share_copies_a_path(void **state)
{
    (void)state;
    int live = 0;
    pmap a, b;
    pmap_init(&a, &VAL);
    pmap_init(&b, &VAL);
    for (int k = 0; k < 10000; k++)
        assert_null(pmap_put(&a, val_new(k, k, &live)));
    pmap_share(&b, &a);
    assert_int_equal(live, 10000);
    int k = 5000;
    val *v = pmap_get_mut(&b, &k);
    v->data = -5;
    assert_int_equal(live, 10001); /* one value copied */
    assert_int_equal(((val *)pmap_get(&a, &k))->data, 5000);
    int other = 4999;
    assert_ptr_equal(pmap_get(&a, &other), pmap_get(&b, &other));
    assert_true(pmap_remove(&a, &other));
    assert_non_null(pmap_get(&b, &other));
    assert_null(pmap_get(&a, &other));
    /* freeing the original first leaves the share whole */
    pmap_clear(&a);
    assert_true(pmap_valid(&b));
    assert_int_equal(pmap_count(&b), 10000);
    assert_int_equal(((val *)pmap_get(&b, &k))->data, -5);
    pmap_clear(&b);
    assert_int_equal(live, 0);
}

/* Sorted and reversed insertions keep the height within AVL's bound. */
static void stays_balanced(void **state)
{
    (void)state;
    int live = 0;
    pmap m;
    pmap_init(&m, &VAL);
    for (int k = 0; k < 100000; k++)
        pmap_put(&m, val_new(k, k, &live));
    for (int k = 99999; k >= 0; k -= 2)
        assert_true(pmap_remove(&m, &k));
    assert_true(pmap_valid(&m));
    assert_int_equal(pmap_count(&m), 50000);
    pmap_iter it;
    int k = 777;
    val *v = pmap_seek(&m, &it, &k, false);
    assert_int_equal(v->key, 778);
    assert_int_equal(((val *)pmap_prev(&it))->key, 776);
    /* running off the end stays there */
    assert_null(pmap_last(&m, &it) ? pmap_next(&it) : NULL);
    assert_null(pmap_next(&it));
    pmap_clear(&m);
    assert_int_equal(live, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(random_with_shares),
        cmocka_unit_test(share_copies_a_path),
        cmocka_unit_test(stays_balanced),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
