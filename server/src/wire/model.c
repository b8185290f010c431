#include "model.h"

#include <glib.h>
#include <string.h>

struct model {
    json_t *doc;
    json_t *metadata;
    json_t *operations;
    json_t *shapes;
    GHashTable *error_codes; /* wire code -> shape name (borrowed from doc) */
};

model *model_from_json(json_t *doc, char *err, size_t errlen)
{
    if (!json_is_object(doc) || !json_is_object(json_object_get(doc, "shapes"))) {
        g_snprintf(err, errlen, "model has no \"shapes\" object");
        json_decref(doc);
        return NULL;
    }
    model *m = g_new0(model, 1);
    m->doc = doc;
    m->metadata = json_object_get(doc, "metadata");
    m->operations = json_object_get(doc, "operations");
    m->shapes = json_object_get(doc, "shapes");
    m->error_codes = g_hash_table_new(g_str_hash, g_str_equal);
    const char *name;
    json_t *shape;
    json_object_foreach(m->shapes, name, shape) {
        const char *code = json_string_value(json_object_get(json_object_get(shape, "error"), "code"));
        if (code)
            g_hash_table_insert(m->error_codes, (gpointer)code, (gpointer)name);
    }
    return m;
}

model *model_load(const char *text, size_t len, char *err, size_t errlen)
{
    json_error_t je;
    json_t *doc = json_loadb(text, len, 0, &je);
    if (!doc) {
        g_snprintf(err, errlen, "model: line %d: %s", je.line, je.text);
        return NULL;
    }
    return model_from_json(doc, err, errlen);
}

void model_free(model *m)
{
    if (!m)
        return;
    g_hash_table_destroy(m->error_codes);
    json_decref(m->doc);
    g_free(m);
}

json_t *model_doc(const model *m) { return m->doc; }
json_t *model_metadata(const model *m) { return m->metadata; }

const char *model_meta_string(const model *m, const char *key)
{
    return json_string_value(json_object_get(m->metadata, key));
}

const char *model_protocol(const model *m)
{
    const char *p = model_meta_string(m, "protocol");
    return p ? p : "";
}

json_t *model_operation(const model *m, const char *name)
{
    return name ? json_object_get(m->operations, name) : NULL;
}

json_t *model_operations(const model *m) { return m->operations; }

json_t *model_shape(const model *m, const char *name)
{
    return name ? json_object_get(m->shapes, name) : NULL;
}

const char *model_op_input_name(json_t *op)
{
    return json_string_value(json_object_get(json_object_get(op, "input"), "shape"));
}

const char *model_op_output_name(json_t *op)
{
    return json_string_value(json_object_get(json_object_get(op, "output"), "shape"));
}

json_t *model_op_input(const model *m, json_t *op) { return model_shape(m, model_op_input_name(op)); }
json_t *model_op_output(const model *m, json_t *op) { return model_shape(m, model_op_output_name(op)); }

json_t *model_ref_shape(const model *m, json_t *ref)
{
    return model_shape(m, json_string_value(json_object_get(ref, "shape")));
}

json_t *model_trait(const model *m, json_t *ref, const char *trait)
{
    json_t *v = json_object_get(ref, trait);
    if (v)
        return v;
    json_t *shape = model_ref_shape(m, ref);
    return shape ? json_object_get(shape, trait) : NULL;
}

const char *model_trait_string(const model *m, json_t *ref, const char *trait)
{
    return json_string_value(model_trait(m, ref, trait));
}

bool model_trait_true(const model *m, json_t *ref, const char *trait)
{
    return json_is_true(model_trait(m, ref, trait));
}

const char *model_shape_type(json_t *shape)
{
    const char *t = json_string_value(json_object_get(shape, "type"));
    return t ? t : "";
}

json_t *model_error_shape(const model *m, const char *code, const char **shape_name)
{
    const char *name = g_hash_table_lookup(m->error_codes, code);
    json_t *shape = name ? model_shape(m, name) : NULL;
    if (!shape) {
        shape = model_shape(m, code);
        name = code;
        if (shape && !json_is_true(json_object_get(shape, "exception")))
            shape = NULL;
    }
    if (shape_name)
        *shape_name = shape ? name : NULL;
    return shape;
}
