/* backup: DynamoDB's continuous backups settings, DescribeContinuousBackups
 * and UpdateContinuousBackups, which infrastructure tools (Terraform's
 * aws_dynamodb_table, CDK) read on every table.
 *
 * Continuous backups are ENABLED on every table, as in DynamoDB; point-in-
 * time recovery is DISABLED until UpdateContinuousBackups turns it on. Then
 * the description has RecoveryPeriodInDays (35 unless given) and the window
 * a restore could reach: EarliestRestorableDateTime is when recovery was
 * enabled (or the period's start, once it is longer ago), and
 * LatestRestorableDateTime five minutes before the server clock (DynamoDB:
 * "typically 5 minutes before the current time"), never before the
 * earliest. Nothing is restored: mockaws keeps no history of items.
 *
 * The setting travels in a fixture's table definition as CloudFormation
 * writes it: "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled":
 * true, "RecoveryPeriodInDays": 7}. */
#ifndef MOCKAWS_DYNAMODB_BACKUP_H
#define MOCKAWS_DYNAMODB_BACKUP_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "services/dynamodb/table.h"
#include "services/service.h"

int ddb_describe_continuous_backups(svc_call *c);
int ddb_update_continuous_backups(svc_call *c);

/* A fixture table's PointInTimeRecoverySpecification (spec may be NULL):
 * 0, or -1 and err. */
int ddb_backup_load(ddb_table *t, json_t *spec, int64_t now_ms, char *err, size_t errlen);
/* The table's setting as the fixture format keeps it, or NULL while
 * point-in-time recovery is off. New reference. */
json_t *ddb_backup_spec(const ddb_table *t);

#endif
