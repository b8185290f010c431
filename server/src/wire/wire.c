#include "wire.h"

#include <string.h>

const wire_protocol *wire_protocol_find(const char *name)
{
    static const wire_protocol *const all[] = {&wire_rest_xml, &wire_json, &wire_query, &wire_ec2};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (name && strcmp(all[i]->name, name) == 0)
            return all[i];
    return NULL;
}

void wire_amzn_request_id(const char *request_id, http_response *resp)
{
    http_response_set_header(resp, "x-amzn-RequestId", request_id);
}

const wire_protocol *wire_protocol_for(const wire_protocol *own, const model *m, const http_request *req,
                                       bool query_like)
{
    if (own == &wire_json && m->query_compatible && query_like && !http_request_header(req, "x-amz-target"))
        return &wire_query_compat;
    return own;
}
