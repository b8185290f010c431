#include "services/service.h"

#include <glib.h>
#include <string.h>

extern const svc_def sts_service;
extern const svc_def dynamodb_service;
extern const svc_def s3_service;
extern const svc_def ec2_service;
extern const svc_def sns_service;
extern const svc_def iam_service;
extern const svc_def sqs_service;

const svc_def *const services_all[] = {&dynamodb_service, &ec2_service, &s3_service, &sns_service, &sts_service,
                                        &iam_service, &sqs_service, NULL};

const svc_def *services_find(const char *name)
{
    for (size_t i = 0; services_all[i]; i++)
        if (strcmp(services_all[i]->name, name) == 0)
            return services_all[i];
    return NULL;
}

body_buf *svc_take_body(svc_call *c)
{
    body_buf *store = c->req->body_store;
    if (store && body_data(store) == c->req->body && body_len(store) == c->req->body_len) {
        /* the body is the whole store: take it as it is */
        return body_steal(store);
    }
    size_t len = c->req->body_len;
    return body_adopt(len ? g_memdup2(c->req->body, len) : NULL, len);
}
