/* value: DynamoDB attribute values as the wire layer hands them over.
 *
 * An attribute value is a jansson object with exactly one member named by
 * its type: {"S": "x"}, {"N": "1.5"}, {"B": <raw bytes>}, {"BOOL": true},
 * {"NULL": true}, {"M": {...}}, {"L": [...]}, {"SS": [...]}, {"NS": [...]},
 * {"BS": [...]}. Binaries hold their decoded bytes (the JSON wire decodes
 * base64 by the model); numbers are stored in their canonical form once
 * validated. An item is an object of attribute name -> attribute value.
 *
 * This module validates values with DynamoDB's messages, measures them by
 * DynamoDB's size rules, compares them, and converts them to and from the
 * wire's base64 form for fixtures. */
#ifndef MOCKAWS_DYNAMODB_VALUE_H
#define MOCKAWS_DYNAMODB_VALUE_H

#include <glib.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "services/dynamodb/num.h"

typedef enum ddb_type {
    DDB_T_NONE = 0,
    DDB_T_S,
    DDB_T_N,
    DDB_T_B,
    DDB_T_BOOL,
    DDB_T_NULL,
    DDB_T_M,
    DDB_T_L,
    DDB_T_SS,
    DDB_T_NS,
    DDB_T_BS,
} ddb_type;

/* DynamoDB's limit on nested documents. */
#define DDB_MAX_DEPTH 32
/* 400 KB */
#define DDB_MAX_ITEM_SIZE 409600

/* The type of a validated value (its first member), DDB_T_NONE for
 * anything else. */
ddb_type ddb_value_type(json_t *av);
/* Its payload (borrowed), or NULL. */
json_t *ddb_value_payload(json_t *av);
const char *ddb_type_name(ddb_type t);
/* By name ("SS"), DDB_T_NONE when unknown. */
ddb_type ddb_type_from_name(const char *name);
/* A new value of one type around payload (stolen). */
json_t *ddb_value_new(ddb_type t, json_t *payload);

/* Checks a value from a request the way DynamoDB does and puts its numbers
 * in canonical form (in place). NULL when valid, else DynamoDB's message
 * (g_free). depth: 1 for an item's attribute. */
char *ddb_value_check(json_t *av, int depth);
/* Every attribute of an item (an object). */
char *ddb_item_check(json_t *item);

/* DynamoDB's size of a value, and of an item (names included). */
size_t ddb_value_size(json_t *av);
size_t ddb_item_size(json_t *item);

/* Equality as DynamoDB's "=" sees it (sets compare unordered). */
bool ddb_value_equal(json_t *a, json_t *b);
/* A hash set of a set's members (an SS, NS or BS payload; numbers by
 * value), for membership tests in constant time: set operations stay
 * linear in the sets' sizes. Free with g_hash_table_destroy. add: false
 * when m was there already. */
GHashTable *ddb_set_index_new(json_t *members, bool numbers);
bool ddb_set_index_add(GHashTable *idx, json_t *m, bool numbers);
bool ddb_set_index_has(GHashTable *idx, json_t *m, bool numbers);
/* Order of two scalars of the same type (S and B bytewise, N by value);
 * 0 for other types. */
int ddb_value_cmp(json_t *a, json_t *b);

/* A hash of a JSON tree (keys, items, requests) that agrees with
 * json_equal, which compares strings by their bytes (binaries are not
 * UTF-8 and may hold NULs) and objects whatever their member order: a
 * GHashTable of json_t* with these two tells keys apart in time linear in
 * their size. */
guint ddb_json_hash(gconstpointer v);
gboolean ddb_json_equal(gconstpointer a, gconstpointer b);

/* A number value's decimal; false when av is not a valid number. */
bool ddb_value_dec(json_t *av, ddb_dec *out);
/* A new number value. */
json_t *ddb_value_from_dec(const ddb_dec *d);

/* Wire form (binaries base64) -> value: a new reference, or NULL and a
 * message in *err (g_free) for a value that is not shaped like one. The
 * result still needs ddb_value_check. */
json_t *ddb_value_from_wire(json_t *wire, char **err);
json_t *ddb_item_from_wire(json_t *wire, char **err);
/* value -> wire form (new reference). */
json_t *ddb_value_to_wire(json_t *av);
json_t *ddb_item_to_wire(json_t *item);

/* "{N:5}" / "{S:abc}" style, as DynamoDB writes an operand in messages. */
void ddb_value_render(GString *out, json_t *av);

#endif
