#include "services/sts/authz.h"

#include <stdlib.h>
#include <string.h>

#include "services/svc_api.h"
#include "services/tagctx.h"

void sts_authorize(svc_call *c, GArray *out, json_t *context)
{
    const char *op = c->operation;
    if (strcmp(op, "AssumeRole") == 0 && svc_str(c->input, "RoleArn")) {
        svc_authz_add(out, "sts:AssumeRole", g_strdup(svc_str(c->input, "RoleArn")), -1);
        /* the session's tags are the request's: passing them (or marking
         * keys transitive) is sts:TagSession on the role too */
        json_t *tags = json_object_get(c->input, "Tags");
        if (json_array_size(tags) || json_array_size(json_object_get(c->input, "TransitiveTagKeys")))
            svc_authz_add(out, "sts:TagSession", g_strdup(svc_str(c->input, "RoleArn")), -1);
        tagctx_request(context, tags, NULL);
    } else if (strcmp(op, "GetFederationToken") == 0 && svc_str(c->input, "Name"))
        svc_authz_add(out, "sts:GetFederationToken",
                      g_strdup_printf("arn:%s:sts::%s:federated-user/%s", svc_partition(c->region), c->account, svc_str(c->input, "Name")), -1);
    else if (strcmp(op, "DecodeAuthorizationMessage") == 0 || strcmp(op, "GetAccessKeyInfo") == 0)
        svc_authz_add(out, strcmp(op, "GetAccessKeyInfo") == 0 ? "sts:GetAccessKeyInfo"
                                                                : "sts:DecodeAuthorizationMessage",
                      g_strdup("*"), -1);
    /* GetCallerIdentity, GetSessionToken, the web identity and SAML
     * operations: no permission is needed */
}

void sts_access_denied(svc_call *c, const char *principal_arn, const svc_authz *a, bool explicit_deny,
                       const char *by, aws_error *err)
{
    (void)c;
    (void)explicit_deny;
    (void)by;
    aws_error_set_status(err, 403, "AccessDenied", "User: %s is not authorized to perform: %s on resource: %s",
                         principal_arn, a->action, a->resource);
}

int sts_decode_authorization_message(svc_call *c)
{
    /* the blob is what access_denied encoded (ec2/authz.c): the message's
     * JSON in URL-safe base64 */
    const char *blob = svc_str(c->input, "EncodedMessage");
    char *std = g_strdup(blob ? blob : "");
    for (char *p = std; *p; p++)
        *p = *p == '-' ? '+' : *p == '_' ? '/' : *p;
    char *text = NULL;
    size_t len = 0;
    json_t *doc = svc_base64_decode(std, strlen(std), &text, &len) ? json_loadb(text, len, 0, NULL) : NULL;
    g_free(std);
    g_free(text);
    if (!json_is_object(doc)) {
        json_decref(doc);
        return aws_error_set(&c->err, "InvalidAuthorizationMessageException",
                             "The encoded authorization message is invalid.");
    }
    char *decoded = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    c->output = json_pack("{s:s}", "DecodedMessage", decoded);
    free(decoded);
    return 0;
}
