/* fuzz_pmap: the persistent map (state/pmap.c) under any sequence of
 * writes to three maps that share nodes.
 *
 * Each pair of input bytes is one step: the first picks the operation and
 * the map, the second the key (0-63). A plain array per map says what it
 * should hold; after every step the written map is checked against it
 * (order, balance, count, every key's value), and a value's data says
 * which map last changed it, so a write that reached another map through a
 * shared node shows. At the end every value must have been freed once. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "state/pmap.h"

#define CHECK(cond) \
    do {            \
        if (!(cond)) \
            abort(); \
    } while (0)

#define MAPS 3
#define KEYS 64

typedef struct val {
    int refs;
    int key;
    int data;
} val;

static int live;

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static const void *key_of(const void *v) { return &((const val *)v)->key; }
static void retain(void *v) { ((val *)v)->refs++; }

static void release(void *v)
{
    val *x = v;
    CHECK(x->refs > 0);
    if (--x->refs == 0) {
        live--;
        free(x);
    }
}

static void *unshare(void *v)
{
    val *x = v;
    if (x->refs == 1)
        return x;
    val *c = malloc(sizeof *c);
    *c = *x;
    c->refs = 1;
    live++;
    release(x);
    return c;
}

static const pmap_type VAL = {cmp_int, key_of, retain, release, unshare};

static void check(const pmap *m, const int *model)
{
    CHECK(pmap_valid(m));
    pmap_iter it;
    int k = 0;
    for (val *v = pmap_first(m, &it); v; v = pmap_next(&it), k++) {
        while (k < KEYS && model[k] < 0)
            k++;
        CHECK(k < KEYS && v->key == k && v->data == model[k]);
    }
    while (k < KEYS && model[k] < 0)
        k++;
    CHECK(k == KEYS);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pmap maps[MAPS];
    int model[MAPS][KEYS];
    for (int i = 0; i < MAPS; i++) {
        pmap_init(&maps[i], &VAL);
        memset(model[i], -1, sizeof model[i]);
    }
    int stamp = 0;
    for (size_t p = 0; p + 1 < size; p += 2) {
        int i = (data[p] & 3) % MAPS, op = data[p] >> 2, k = data[p + 1] % KEYS;
        pmap *m = &maps[i];
        stamp++;
        if (op < 24) {
            val *v = malloc(sizeof *v);
            *v = (val){1, k, stamp};
            live++;
            val *old = pmap_put(m, v);
            CHECK((old ? old->data : -1) == model[i][k]);
            if (old)
                release(old);
            model[i][k] = stamp;
        } else if (op < 40) {
            CHECK(pmap_remove(m, &k) == (model[i][k] >= 0));
            model[i][k] = -1;
        } else if (op < 56) {
            val *v = pmap_get_mut(m, &k);
            CHECK((v ? v->data : -1) == model[i][k]);
            if (v) {
                CHECK(v->refs == 1);
                v->data = model[i][k] = stamp;
            }
        } else {
            int j = (i + 1 + (op & 1)) % MAPS;
            pmap_share(&maps[j], m);
            memcpy(model[j], model[i], sizeof model[i]);
            check(&maps[j], model[j]);
        }
        check(m, model[i]);
    }
    for (int i = 0; i < MAPS; i++) {
        check(&maps[i], model[i]);
        pmap_clear(&maps[i]);
    }
    CHECK(live == 0);
    return 0;
}
