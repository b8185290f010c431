/* model_json: TRANSITIONAL jansson accessors of a model's source document,
 * for the readers not yet moved to the compiled tables of wire/model.h.
 * Goes away with model.doc.
 *
 * Shapes, operations and members are handed out as borrowed jansson objects
 * of the model document: valid for the life of the model. */
#ifndef MOCKAWS_WIRE_MODEL_JSON_H
#define MOCKAWS_WIRE_MODEL_JSON_H

#include "wire/model.h"

#include <jansson.h>
#include <stdbool.h>

/* Wraps an already parsed document: model_compile. */
model *model_from_json(json_t *doc, char *err, size_t errlen);

json_t *model_doc(const model *m);                 /* the whole document */
json_t *model_metadata(const model *m);
/* metadata.protocol: "rest-xml", "json", "query", "ec2" */
const char *model_protocol(const model *m);
/* A metadata string (targetPrefix, apiVersion, xmlNamespace, ...) or NULL. */
const char *model_meta_string(const model *m, const char *key);

json_t *model_operation(const model *m, const char *name); /* NULL if absent */
json_t *model_operations(const model *m);                  /* object name -> op */
json_t *model_shape(const model *m, const char *name);     /* NULL if absent */

/* The input / output shape of an operation (its "input"/"output" "shape"),
 * or NULL when the operation has none. */
json_t *model_op_input(const model *m, json_t *op);
json_t *model_op_output(const model *m, json_t *op);
const char *model_op_input_name(json_t *op);
const char *model_op_output_name(json_t *op);

/* The shape a structure member / list member / map key or value refers to. */
json_t *model_ref_shape(const model *m, json_t *ref);

/* A trait of a member reference, falling back to the target shape:
 * e.g. "locationName", "timestampFormat", "xmlNamespace". NULL if neither
 * has it. */
json_t *model_trait(const model *m, json_t *ref, const char *trait);
const char *model_trait_string(const model *m, json_t *ref, const char *trait);
bool model_trait_true(const model *m, json_t *ref, const char *trait);

/* shape "type": "structure", "string", "list", ... ("" when missing) */
const char *model_shape_type(json_t *shape);

/* An error shape by its wire code: the shape whose "error"."code" is code,
 * else the shape named code that has "exception": true. NULL if none. */
json_t *model_error_shape(const model *m, const char *code, const char **shape_name);

#endif
