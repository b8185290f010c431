#include "services/dynamodb/backup.h"

#include "services/dynamodb/request.h"
#include "services/service.h"

/* RecoveryPeriodInDays when none is given, and its range (the model's). */
#define DEFAULT_DAYS 35
#define MIN_DAYS 1
#define MAX_DAYS 35
#define DAY_MS (86400LL * 1000)
/* LatestRestorableDateTime trails the clock by this much. */
#define LATEST_LAG_MS (5LL * 60 * 1000)

static json_t *seconds(int64_t ms)
{
    return json_real((double)ms / 1000.0);
}

static json_t *description(const ddb_table *t, int64_t now_ms)
{
    json_t *p;
    if (!t->pitr) {
        p = json_pack("{s:s}", "PointInTimeRecoveryStatus", "DISABLED");
    } else {
        int64_t earliest = MAX(t->pitr_since_ms, now_ms - t->pitr_days * DAY_MS);
        int64_t latest = MAX(earliest, now_ms - LATEST_LAG_MS);
        p = json_pack("{s:s, s:I, s:o, s:o}", "PointInTimeRecoveryStatus", "ENABLED", "RecoveryPeriodInDays",
                      (json_int_t)t->pitr_days, "EarliestRestorableDateTime", seconds(earliest),
                      "LatestRestorableDateTime", seconds(latest));
    }
    return json_pack("{s:{s:s, s:o}}", "ContinuousBackupsDescription", "ContinuousBackupsStatus", "ENABLED",
                     "PointInTimeRecoveryDescription", p);
}

/* The table named, or NULL with DynamoDB's TableNotFoundException. */
static ddb_table *backup_table(svc_call *c)
{
    return ddb_named_table(c, "TableNotFoundException", "Table not found: %s");
}

/* Turns recovery on (keeping when it started if it was on) or off. */
static void set(ddb_table *t, bool on, int64_t days, int64_t now_ms)
{
    if (on && !t->pitr)
        t->pitr_since_ms = now_ms;
    t->pitr = on;
    t->pitr_days = on ? days : 0;
}

int ddb_describe_continuous_backups(svc_call *c)
{
    ddb_table *t = backup_table(c);
    if (!t)
        return -1;
    c->output = description(t, c->now_ms);
    return 0;
}

int ddb_update_continuous_backups(svc_call *c)
{
    ddb_state_settle(c->state, c->now_ms);
    ddb_table *t = backup_table(c);
    if (!t)
        return -1;
    json_t *spec = json_object_get(c->input, "PointInTimeRecoverySpecification");
    json_t *days = json_object_get(spec, "RecoveryPeriodInDays");
    set(t, svc_true(spec, "PointInTimeRecoveryEnabled"), days ? json_integer_value(days) : DEFAULT_DAYS, c->now_ms);
    c->output = description(t, c->now_ms);
    return 0;
}

int ddb_backup_load(ddb_table *t, json_t *spec, int64_t now_ms, char *err, size_t errlen)
{
    if (!spec)
        return 0;
    json_t *on = json_object_get(spec, "PointInTimeRecoveryEnabled"), *days = json_object_get(spec, "RecoveryPeriodInDays");
    if (!json_is_boolean(on) || (days && (!json_is_integer(days) || json_integer_value(days) < MIN_DAYS ||
                                          json_integer_value(days) > MAX_DAYS))) {
        g_snprintf(err, errlen,
                   "table %s: PointInTimeRecoverySpecification needs PointInTimeRecoveryEnabled (a boolean) and "
                   "an optional RecoveryPeriodInDays from 1 to 35",
                   t->name);
        return -1;
    }
    set(t, json_is_true(on), days ? json_integer_value(days) : DEFAULT_DAYS, now_ms);
    return 0;
}

json_t *ddb_backup_spec(const ddb_table *t)
{
    if (!t->pitr)
        return NULL;
    return json_pack("{s:b, s:I}", "PointInTimeRecoveryEnabled", 1, "RecoveryPeriodInDays", (json_int_t)t->pitr_days);
}
