/* model: a service model (botocore's service-2.json shape) as C data.
 *
 * The server's models are compiled at build time (tools/modelgen.c) into
 * static tables of the types below, so nothing is parsed at start or on a
 * request: shapes are structs with a kind, members are arrays with their
 * traits resolved, operations and error shapes are sorted for bsearch. The
 * same types are built at run time from a JSON document by model_compile
 * (the generator and the protocol conformance test use it); such a model
 * owns its memory and model_free releases it. A model is read-only once
 * made, so any thread may read it without locks.
 *
 * The m-prefixed types (mshape, mmember, mop, mtraits) are the model's
 * parts; every pointer in them points into the same model. */
#ifndef MOCKAWS_WIRE_MODEL_H
#define MOCKAWS_WIRE_MODEL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum mkind {
    MK_STRING = 0, /* also a shape with no "type" */
    MK_STRUCTURE,
    MK_LIST,
    MK_MAP,
    MK_BLOB,
    MK_BOOLEAN,
    MK_TIMESTAMP,
    MK_BYTE,
    MK_SHORT,
    MK_INTEGER,
    MK_LONG,
    MK_FLOAT,
    MK_DOUBLE,
    MK_BIGINTEGER,
    MK_BIGDECIMAL,
} mkind;

/* Where a member travels (a reference's "location"). */
typedef enum mlocation {
    ML_BODY = 0,
    ML_URI,
    ML_QUERYSTRING,
    ML_HEADER,
    ML_HEADERS, /* a map of prefixed headers */
    ML_STATUSCODE,
} mlocation;

/* "timestampFormat" */
typedef enum mtsformat {
    MTS_NONE = 0, /* the protocol's default for the location */
    MTS_ISO8601,
    MTS_RFC822,
    MTS_UNIX,
} mtsformat;

/* Boolean traits, on a reference or on a shape ("true" when present). */
enum {
    MF_FLATTENED = 1u << 0,
    MF_XML_ATTRIBUTE = 1u << 1,
    MF_JSONVALUE = 1u << 2,
    MF_HOST_LABEL = 1u << 3,
    MF_IDEMPOTENCY_TOKEN = 1u << 4,
    MF_STREAMING = 1u << 5,
    MF_DEPRECATED = 1u << 6,
    MF_REQUIRED = 1u << 7,     /* member: named in its structure's "required" */
    MF_EXCEPTION = 1u << 8,    /* shape: "exception" */
    MF_FAULT = 1u << 9,        /* shape: "fault" */
    MF_SENDER_FAULT = 1u << 10, /* shape: "error"."senderFault" */
    MF_DOCUMENT = 1u << 11,
    MF_UNION = 1u << 12,
    MF_EVENTSTREAM = 1u << 13,
    MF_EVENTPAYLOAD = 1u << 14,
    MF_EVENTHEADER = 1u << 15,
    MF_HAS_MIN = 1u << 16,     /* shape: "min" is set */
    MF_HAS_MAX = 1u << 17,     /* shape: "max" is set */
    MF_SENSITIVE = 1u << 18,
    MF_BOX = 1u << 19,
    MF_REQUIRES_LENGTH = 1u << 20,
    MF_TRIMMED = 1u << 21,     /* operation: kept for routing only; mockaws does not implement it,
                                  and only the input members routing reads are kept */
    MF_CHECKSUM_REQUIRED = 1u << 22, /* operation: "httpChecksum"."requestChecksumRequired" */
    MF_RECEIVER_FAULT = 1u << 23, /* shape: "error"."senderFault" is false (said, not missing) */
    MF_XML_TEXT = 1u << 24,    /* reference: "x-mockaws-xml-text", the member is the text of its
                                  structure's own element (S3's <LocationConstraint>region<) */
    MF_XML_INTERLEAVE = 1u << 25, /* reference: "x-mockaws-xml-interleave", a flattened list whose
                                  items are written merged with those of its structure's other
                                  such lists, in one listing order (restxml.c) */
};

/* The traits a reference and a shape may both carry; a member's effective
 * trait is the reference's, else its shape's (the mmember_* helpers). */
typedef struct mtraits {
    const char *location_name; /* "locationName" */
    const char *query_name;    /* "queryName" (EC2), or "x-mockaws-query-name": the name a JSON
                                  service's member has in its query door (SQS) */
    const char *xmlns_uri;     /* "xmlNamespace" (its "uri", or the string form) */
    const char *xmlns_prefix;  /* "xmlNamespace"."prefix" */
    uint32_t flags;            /* MF_* */
    uint8_t ts_format;         /* mtsformat */
} mtraits;

typedef struct mshape mshape;

/* A reference to a shape: a structure member, a list's member, a map's key
 * or value, an operation's input or output. */
typedef struct mmember {
    const char *name;    /* structure members: the member name; NULL elsewhere */
    const mshape *shape; /* never NULL */
    mtraits t;           /* the reference's own traits */
    uint8_t location;    /* mlocation */
} mmember;

struct mshape {
    const char *name;
    uint8_t kind; /* mkind */
    mtraits t;    /* the shape's own traits */

    /* MK_STRUCTURE */
    const mmember *members; /* in the model's order (the wire's XML order) */
    uint32_t nmembers;
    const char *const *required; /* "required", in the model's order */
    uint32_t nrequired;
    const mmember *payload; /* "payload": one of members, or NULL */

    const mmember *member; /* MK_LIST */
    const mmember *key;    /* MK_MAP */
    const mmember *value;  /* MK_MAP */

    /* limits ("min" / "max" valid with MF_HAS_MIN / MF_HAS_MAX) */
    double min;
    double max;
    const char *pattern;
    const char *const *enums;
    uint32_t nenums;

    /* error shapes: "error"."code" (or NULL) and "httpStatusCode" (0: none) */
    const char *error_code;
    int error_status;
};

typedef struct mop {
    const char *name;
    const char *http_method; /* "http"."method", or NULL */
    const char *request_uri; /* "http"."requestUri", or NULL */
    int response_code;       /* "http"."responseCode" (0: none) */
    const mmember *input;    /* NULL when the operation takes none */
    const mmember *output;   /* NULL when it answers none */
    const char *result_wrapper; /* "output"."resultWrapper" (query protocols) */
    const char *host_prefix;    /* "endpoint"."hostPrefix" */
    const char *checksum_member; /* "httpChecksum"."requestAlgorithmMember" */
    uint32_t flags;          /* MF_DEPRECATED, MF_TRIMMED, MF_CHECKSUM_REQUIRED */
} mop;

/* An error shape by the code it has on the wire. */
typedef struct merror {
    const char *code;
    const mshape *shape;
} merror;

/* A code -> string pair (DynamoDB's per-code error namespaces). */
typedef struct mpair {
    const char *key;
    const char *value;
} mpair;

typedef struct model {
    const char *protocol;        /* "rest-xml", "json", "query", "ec2", "rest-json" ("" when missing) */
    const char *api_version;
    const char *target_prefix;   /* JSON protocol */
    const char *json_version;
    const char *xml_namespace;
    const char *query_path_member; /* x-mockaws-query-path-member: for a JSON service's query
                                      door (wire/query.c), the input member a request's path
                                      stands for when absent (SQS's QueueUrl: the query-era
                                      SDKs post to the queue's URL) */
    const char *endpoint_prefix;
    const char *service_id;
    const char *signing_name;
    const char *error_namespace; /* x-mockaws-error-namespace: DynamoDB's __type prefix */
    const mpair *error_namespaces; /* x-mockaws-error-namespaces, sorted by key */
    uint32_t nerror_namespaces;
    const char *source;          /* x-mockaws-source: where the data came from */
    bool query_compatible;       /* metadata.awsQueryCompatible: a JSON service that kept its
                                    query-era error codes (SQS), sent in x-amzn-query-error */

    const mop *ops;       /* sorted by name (strcmp) */
    uint32_t nops;
    const mshape *shapes; /* sorted by name */
    uint32_t nshapes;
    const merror *errors; /* sorted by code: each error shape by its "error"."code", and each
                             "exception" shape by its name unless a code entry has that key */
    uint32_t nerrors;

    void *heap; /* model_compile's allocations; NULL for the compiled-in models */
} model;

/* Builds a model from a parsed document ({"metadata", "operations",
 * "shapes"}). Takes one reference to doc and releases it. NULL + message on a malformed model
 * (unknown shape type, a reference to a missing shape, ...). */
model *model_compile(json_t *doc, char *err, size_t errlen);
/* Parses JSON text and compiles it. */
model *model_load(const char *text, size_t len, char *err, size_t errlen);
/* Frees a model_compile'd model; ignores NULL and compiled-in models. */
void model_free(model *m);

const mop *model_find_op(const model *m, const char *name);       /* NULL if absent */
const mshape *model_find_shape(const model *m, const char *name); /* NULL if absent */
/* An error shape by its wire code (see model.errors), or NULL. */
const mshape *model_find_error(const model *m, const char *code);
/* x-mockaws-error-namespaces[code], or NULL. */
const char *model_error_namespace(const model *m, const char *code);

/* The shape of an operation's input / output; NULL for no operation or
 * when it takes / answers none. */
static inline const mshape *mop_input(const mop *o) { return o && o->input ? o->input->shape : NULL; }
static inline const mshape *mop_output(const mop *o) { return o && o->output ? o->output->shape : NULL; }

/* The structure member of that name, or NULL. Linear in the members. */
const mmember *mshape_member(const mshape *s, const char *name);
static inline bool mshape_is(const mshape *s, mkind k) { return s && s->kind == k; }

/* A member's effective traits: the reference's, else its shape's. */
static inline const char *mmember_location_name(const mmember *r)
{
    return r->t.location_name ? r->t.location_name : r->shape->t.location_name;
}
static inline const char *mmember_query_name(const mmember *r)
{
    return r->t.query_name ? r->t.query_name : r->shape->t.query_name;
}
static inline bool mmember_flag(const mmember *r, uint32_t flag)
{
    return ((r->t.flags | r->shape->t.flags) & flag) != 0;
}
static inline mtsformat mmember_ts_format(const mmember *r)
{
    return (mtsformat)(r->t.ts_format ? r->t.ts_format : r->shape->t.ts_format);
}
/* The effective xmlNamespace (uri, and prefix or NULL): the reference's
 * when it has one, else the shape's. NULL uri when neither. */
static inline const char *mmember_xmlns(const mmember *r, const char **prefix)
{
    const mtraits *t = r->t.xmlns_uri ? &r->t : &r->shape->t;
    if (prefix)
        *prefix = t->xmlns_prefix;
    return t->xmlns_uri;
}

const char *mkind_name(mkind k); /* "structure", "string", ... */

#endif
