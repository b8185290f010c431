#include "errcat.h"

#include <glib.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* What errcat_load allocates: the catalog, its entries and their strings,
 * freed together. */
typedef struct loaded {
    errcat c;           /* first: an errcat* is a loaded* */
    GStringChunk *strs; /* codes and messages */
    errcat_entry entries[];
} loaded;

/* Whether status is one an HTTP response can carry; the catalog also holds
 * 3xx codes (S3's NotModified, redirects). */
static bool valid_status(json_int_t s)
{
    return s >= 100 && s <= 599;
}

static bool load_entry(loaded *l, const char *code, json_t *obj, char *err, size_t errlen)
{
    if (!json_is_object(obj)) {
        g_snprintf(err, errlen, "errcat: %s: not an object", code);
        return false;
    }
    json_t *status = json_object_get(obj, "status");
    json_t *sender = json_object_get(obj, "sender");
    json_t *message = json_object_get(obj, "message");
    if (!json_is_integer(status) || !valid_status(json_integer_value(status))) {
        g_snprintf(err, errlen, "errcat: %s: \"status\" must be an HTTP status", code);
        return false;
    }
    if (sender && !json_is_boolean(sender)) {
        g_snprintf(err, errlen, "errcat: %s: \"sender\" must be true or false", code);
        return false;
    }
    if (message && !json_is_string(message) && !json_is_null(message)) {
        g_snprintf(err, errlen, "errcat: %s: \"message\" must be a string", code);
        return false;
    }
    errcat_entry *e = &l->entries[l->c.nentries++];
    e->code = g_string_chunk_insert(l->strs, code);
    e->status = (int)json_integer_value(status);
    /* An entry that does not say is a client fault below 500, as AWS's own
     * error references classify them. */
    e->sender = sender ? json_is_true(sender) : e->status < 500;
    e->message = json_is_string(message) ? g_string_chunk_insert(l->strs, json_string_value(message)) : NULL;
    return true;
}

static int entry_cmp(const void *a, const void *b)
{
    return strcmp(((const errcat_entry *)a)->code, ((const errcat_entry *)b)->code);
}

errcat *errcat_load(const char *text, size_t len, char *err, size_t errlen)
{
    json_error_t je;
    json_t *doc = json_loadb(text, len, 0, &je);
    if (!doc) {
        g_snprintf(err, errlen, "errcat: line %d: %s", je.line, je.text);
        return NULL;
    }
    json_t *errors = json_object_get(doc, "errors");
    if (!json_is_object(errors)) {
        g_snprintf(err, errlen, "errcat: no \"errors\" object");
        json_decref(doc);
        return NULL;
    }
    size_t n = json_object_size(errors);
    loaded *l = g_malloc0(sizeof *l + n * sizeof l->entries[0]);
    l->strs = g_string_chunk_new(1024);
    l->c.heap = l->strs;
    const char *code;
    json_t *obj;
    json_object_foreach(errors, code, obj) {
        if (!load_entry(l, code, obj, err, errlen)) {
            errcat_free(&l->c);
            json_decref(doc);
            return NULL;
        }
    }
    json_decref(doc);
    /* JSON object keys are unique, so the sorted codes are too */
    qsort(l->entries, l->c.nentries, sizeof l->entries[0], entry_cmp);
    l->c.entries = l->entries;
    return &l->c;
}

void errcat_free(errcat *c)
{
    if (!c || !c->heap)
        return;
    loaded *l = (loaded *)c;
    g_string_chunk_free(l->strs);
    g_free(l);
}

static int code_cmp(const void *key, const void *elt)
{
    return strcmp(key, ((const errcat_entry *)elt)->code);
}

const errcat_entry *errcat_lookup(const errcat *c, const char *code)
{
    if (!c || !code || !c->nentries)
        return NULL; /* an empty compiled-in catalog has no array for bsearch */
    return bsearch(code, c->entries, c->nentries, sizeof c->entries[0], code_cmp);
}

/* Fills from a modeled error shape: botocore carries
 * "error": {"httpStatusCode", "senderFault"} for query and rest-xml services,
 * and only "exception" / "fault" for JSON ones. */
static bool resolve_from_model(const model *m, aws_error *e)
{
    const mshape *shape = m ? model_find_error(m, e->code) : NULL;
    if (!shape)
        return false;
    bool fault = (shape->t.flags & MF_FAULT) != 0;
    if (e->status == 0)
        e->status = valid_status(shape->error_status) ? shape->error_status : fault ? 500 : 400;
    if (e->sender < 0) {
        if (shape->t.flags & (MF_SENDER_FAULT | MF_RECEIVER_FAULT))
            e->sender = (shape->t.flags & MF_SENDER_FAULT) != 0;
        else
            e->sender = !fault && e->status < 500;
    }
    return true;
}

bool errcat_resolve(const errcat *c, const model *m, aws_error *e)
{
    if (!e || !e->code)
        return false;
    const errcat_entry *ent = errcat_lookup(c, e->code);
    if (ent) {
        if (e->status == 0)
            e->status = ent->status;
        if (e->sender < 0)
            e->sender = ent->sender;
        if (!e->message && ent->message && !e->bare)
            e->message = g_strdup(ent->message);
        return true;
    }
    if (resolve_from_model(m, e))
        return true;
    if (e->status == 0)
        e->status = 400;
    if (e->sender < 0)
        e->sender = e->status < 500;
    return false;
}
