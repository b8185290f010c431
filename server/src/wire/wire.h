/* wire: the four AWS protocols behind one interface.
 *
 * A protocol turns an HTTP request into the operation's input tree and an
 * output tree or an aws_error into an HTTP response, driven by the service
 * model. Trees are jansson values shaped like botocore's parameters:
 *   structure -> object keyed by member name; list -> array; map -> object;
 *   string/enum -> string; integer/long -> integer; float/double -> real
 *   (NaN and infinities as the strings "NaN", "Infinity", "-Infinity");
 *   boolean -> true/false; timestamp -> epoch seconds (integer or real);
 *   blob -> string holding the raw bytes (json_stringn_nocheck; may be
 *   non-UTF-8). A "streaming" blob payload is never copied into the tree:
 *   handlers read it from the request body and write it with
 *   http_response's ext_data.
 *
 * Nothing here knows a service by name. */
#ifndef MOCKAWS_WIRE_WIRE_H
#define MOCKAWS_WIRE_WIRE_H

#include <jansson.h>
#include <stdbool.h>

#include "awserr.h"
#include "http.h"
#include "model.h"

/* How a protocol's services write their request ids. */
typedef enum wire_reqid_style {
    WIRE_REQID_UUID = 0, /* a UUID (query, ec2) */
    WIRE_REQID_HEX16,    /* 16 uppercase hex digits (rest-xml: S3) */
    WIRE_REQID_BASE32_52, /* 52 characters of [0-9A-Z] (json: DynamoDB; an
                             awsQueryCompatible model, SQS, keeps the UUID) */
} wire_reqid_style;

typedef struct wire_protocol {
    const char *name; /* the model's metadata.protocol */
    wire_reqid_style reqid_style;
    /* Unsigned requests name their service by Action + Version (the API
     * version) in the query string or form (query, ec2). */
    bool routes_by_version;

    /* The operation a request names (X-Amz-Target, Action, or for rest-xml
     * the method and URI matched against the model's requestUri
     * templates). Returns a name that is valid as long as the request
     * (maybe not in the model: the caller checks), or NULL with err set to
     * the protocol's error for a request that names none. */
    const char *(*operation_name)(const model *m, const http_request *req,
                                  char *buf, size_t buflen, aws_error *err);

    /* Request -> input tree. 0 and *input (new reference; an empty object
     * when the operation takes no input) or -1 and err (the service's
     * serialization / parse error: SerializationException, MalformedXML,
     * InvalidParameterValue...). Does not validate constraints: see
     * validate.h. */
    int (*parse_request)(const model *m, const char *op, const http_request *req,
                         json_t **input, aws_error *err);

    /* Output tree (borrowed) -> response (status, headers, body). request_id goes where
     * the protocol's body carries one (query, ec2); headers are core's job. */
    int (*serialize_output)(const model *m, const char *op, json_t *output,
                            const char *request_id, http_response *resp);

    /* Error -> the protocol's error envelope. err->status and sender must
     * already be resolved (see errcat.h). op may be NULL. */
    void (*serialize_error)(const model *m, const char *op, const aws_error *err,
                            const char *request_id, http_response *resp);

    /* The client's side, for tests and the embedding test client:
     * response -> output tree (0) or error (-1, err filled with code,
     * message and the error shape's fields). */
    int (*parse_response)(const model *m, const char *op, const http_response *resp,
                          json_t **output, aws_error *err);

    /* Adds the headers every answer of the protocol carries, success or
     * error, once the response is otherwise complete: the request id
     * (x-amz-request-id and x-amz-id-2 for rest-xml, x-amzn-RequestId for
     * the others). */
    void (*finish_response)(const char *request_id, http_response *resp);
} wire_protocol;

/* x-amzn-RequestId: the finish_response of the json, query and ec2
 * protocols, and the header of an answer no service gave. */
void wire_amzn_request_id(const char *request_id, http_response *resp);

/* By metadata.protocol name; NULL when unknown. */
const wire_protocol *wire_protocol_find(const char *name);

/* The protocol a request to a service speaks: own (the service's, by its
 * model), or wire_query_compat when the service is JSON and
 * awsQueryCompatible (SQS) and the request is not JSON (no X-Amz-Target)
 * but looks like the query protocol (query_like: a form body, or an Action
 * in its query string), as the query-era SDKs send. */
const wire_protocol *wire_protocol_for(const wire_protocol *own, const model *m, const http_request *req,
                                       bool query_like);

extern const wire_protocol wire_rest_xml;
extern const wire_protocol wire_json;
extern const wire_protocol wire_query;
extern const wire_protocol wire_ec2;
/* The query protocol served for a JSON service that still takes it
 * (metadata.awsQueryCompatible: SQS), by the query-era names its model
 * keeps (x-mockaws-query-name, wire/query.c); chosen per request by
 * wire_query_door. */
extern const wire_protocol wire_query_compat;

#endif
