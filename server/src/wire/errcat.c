#include "wire/model_json.h"
#include "errcat.h"

#include <glib.h>
#include <jansson.h>
#include <string.h>

struct errcat {
    json_t *doc;          /* the parsed catalog; owns every string below */
    GHashTable *entries;  /* code (borrowed from doc) -> errcat_entry (owned) */
};

/* Whether status is one an HTTP response can carry; the catalog also holds
 * 3xx codes (S3's NotModified, redirects). */
static bool valid_status(json_int_t s)
{
    return s >= 100 && s <= 599;
}

static bool load_entry(errcat *c, const char *code, json_t *obj, char *err, size_t errlen)
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
    errcat_entry *e = g_new0(errcat_entry, 1);
    e->code = code;
    e->status = (int)json_integer_value(status);
    /* An entry that does not say is a client fault below 500, as AWS's own
     * error references classify them. */
    e->sender = sender ? json_is_true(sender) : e->status < 500;
    e->message = json_string_value(message);
    g_hash_table_insert(c->entries, (gpointer)code, e);
    return true;
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
    errcat *c = g_new0(errcat, 1);
    c->doc = doc;
    c->entries = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
    const char *code;
    json_t *obj;
    json_object_foreach(errors, code, obj) {
        if (!load_entry(c, code, obj, err, errlen)) {
            errcat_free(c);
            return NULL;
        }
    }
    return c;
}

void errcat_free(errcat *c)
{
    if (!c)
        return;
    g_hash_table_destroy(c->entries);
    json_decref(c->doc);
    g_free(c);
}

const errcat_entry *errcat_lookup(const errcat *c, const char *code)
{
    if (!c || !code)
        return NULL;
    return g_hash_table_lookup(c->entries, code);
}

/* Fills from a modeled error shape: botocore carries
 * "error": {"httpStatusCode", "senderFault"} for query and rest-xml services,
 * and only "exception" / "fault" for JSON ones. */
static bool resolve_from_model(const model *m, aws_error *e)
{
    json_t *shape = m ? model_error_shape(m, e->code, NULL) : NULL;
    if (!shape)
        return false;
    json_t *info = json_object_get(shape, "error");
    bool fault = json_is_true(json_object_get(shape, "fault"));
    if (e->status == 0) {
        json_t *st = json_object_get(info, "httpStatusCode");
        if (json_is_integer(st) && valid_status(json_integer_value(st)))
            e->status = (int)json_integer_value(st);
        else
            e->status = fault ? 500 : 400;
    }
    if (e->sender < 0) {
        json_t *sf = json_object_get(info, "senderFault");
        if (json_is_boolean(sf))
            e->sender = json_is_true(sf);
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
        if (!e->message && ent->message)
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
