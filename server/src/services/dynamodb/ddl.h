/* ddl: DynamoDB's control plane: CreateTable, DescribeTable, ListTables,
 * UpdateTable, DeleteTable, TagResource, UntagResource, ListTagsOfResource,
 * DescribeLimits, DescribeEndpoints, with DynamoDB's validation order and
 * messages (after the model's own constraints, which the pipeline checks
 * first). */
#ifndef MOCKAWS_DYNAMODB_DDL_H
#define MOCKAWS_DYNAMODB_DDL_H

#include <jansson.h>
#include <stdint.h>

#include "services/dynamodb/table.h"
#include "services/service.h"

int ddb_create_table(svc_call *c);
int ddb_describe_table(svc_call *c);
int ddb_list_tables(svc_call *c);
int ddb_update_table(svc_call *c);
int ddb_delete_table(svc_call *c);
int ddb_tag_resource(svc_call *c);
int ddb_untag_resource(svc_call *c);
int ddb_list_tags(svc_call *c);
int ddb_describe_limits(svc_call *c);
int ddb_describe_endpoints(svc_call *c);

/* The checks CreateTable makes of its input beyond the model: NULL when
 * the definition is sound, else DynamoDB's ValidationException message
 * (g_free). Fixtures use it too. */
char *ddb_create_check(json_t *in);

/* A new table from a checked CreateTable input; CREATING until ready_ms
 * (ACTIVE at once when ready_ms <= now_ms). Takes copies of what it keeps. */
ddb_table *ddb_table_build(json_t *in, const char *name, const char *arn, const char *id, int64_t now_ms,
                           int64_t ready_ms);

#endif
