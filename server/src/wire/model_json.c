/* TRANSITIONAL: see model_json.h. */
#include "wire/model_json.h"

#include <glib.h>
#include <string.h>

model *model_from_json(json_t *doc, char *err, size_t errlen) { return model_compile(doc, err, errlen); }

json_t *model_doc(const model *m) { return m->doc; }
json_t *model_metadata(const model *m) { return json_object_get(m->doc, "metadata"); }

const char *model_meta_string(const model *m, const char *key)
{
    return json_string_value(json_object_get(model_metadata(m), key));
}

const char *model_protocol(const model *m) { return m->protocol; }

json_t *model_operation(const model *m, const char *name)
{
    return name ? json_object_get(model_operations(m), name) : NULL;
}

json_t *model_operations(const model *m) { return json_object_get(m->doc, "operations"); }

json_t *model_shape(const model *m, const char *name)
{
    return name ? json_object_get(json_object_get(m->doc, "shapes"), name) : NULL;
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
    const mshape *s = code ? model_find_error(m, code) : NULL;
    if (shape_name)
        *shape_name = s ? s->name : NULL;
    return s ? model_shape(m, s->name) : NULL;
}
