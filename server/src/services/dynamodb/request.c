#include "services/dynamodb/request.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "services/service.h"
#include "services/svc_api.h"

#define NAME_PATTERN "[a-zA-Z0-9_.-]+"

void ddb_coral_init(ddb_coral *v)
{
    v->msgs = g_ptr_array_new_with_free_func(g_free);
}

void ddb_coral_add(ddb_coral *v, const char *value, const char *path, const char *constraint)
{
    if (v->msgs->len >= 10) /* Coral stops counting there */
        return;
    if (value)
        g_ptr_array_add(v->msgs, g_strdup_printf("Value '%s' at '%s' failed to satisfy constraint: %s", value,
                                                 path, constraint));
    else
        g_ptr_array_add(v->msgs,
                        g_strdup_printf("Value null at '%s' failed to satisfy constraint: %s", path, constraint));
}

char *ddb_coral_take(ddb_coral *v)
{
    guint n = v->msgs->len;
    char *out = NULL;
    if (n) {
        GString *m = g_string_new(NULL);
        g_string_printf(m, "%u validation error%s detected: ", n, n == 1 ? "" : "s");
        for (guint i = 0; i < n; i++) {
            if (i)
                g_string_append(m, "; ");
            g_string_append(m, v->msgs->pdata[i]);
        }
        out = g_string_free(m, FALSE);
    }
    g_ptr_array_unref(v->msgs);
    v->msgs = NULL;
    return out;
}

int ddb_coral_finish(ddb_coral *v, svc_call *c)
{
    char *m = ddb_coral_take(v);
    return m ? ddb_validation_take(c, m) : 0;
}

int ddb_validation(svc_call *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *m = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    return ddb_validation_take(c, m);
}

int ddb_validation_take(svc_call *c, char *msg)
{
    aws_error_set(&c->err, "ValidationException", "%s", msg);
    g_free(msg);
    return -1;
}

static bool name_chars_ok(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!g_ascii_isalnum(*s) && *s != '_' && *s != '.' && *s != '-')
            return false;
    return true;
}

char *ddb_table_arn(svc_call *c, const char *name)
{
    return g_strdup_printf("arn:%s:dynamodb:%s:%s:table/%s", svc_partition(c->region), c->region, c->account, name);
}

int ddb_table_name(svc_call *c, ddb_name_style style, char **name)
{
    return ddb_table_name_in(c, c->input, style, name);
}

int ddb_table_name_in(svc_call *c, json_t *in, ddb_name_style style, char **name)
{
    const char *s = svc_str(in, "TableName");
    *name = NULL;
    if (!s)
        return ddb_validation(c, "The parameter 'TableName' is required but was not present in the request");
    if (g_str_has_prefix(s, "arn:")) {
        /* arn:aws:dynamodb:REGION:ACCOUNT:table/NAME */
        char **parts = g_strsplit(s, ":", 6);
        bool ok = g_strv_length(parts) == 6 && strcmp(parts[2], "dynamodb") == 0 &&
                  g_str_has_prefix(parts[5], "table/") && name_chars_ok(parts[5] + 6) &&
                  !strchr(parts[5] + 6, '/');
        if (ok) {
            bool here = strcmp(parts[3], c->region) == 0 && strcmp(parts[4], c->account) == 0;
            /* another account's or region's table is none of ours */
            *name = here ? g_strdup(parts[5] + 6) : g_strdup_printf("\x01%s", s);
        }
        g_strfreev(parts);
        if (ok)
            return 0;
        return ddb_validation(c, "Invalid TableArn: Invalid ResourceArn provided as input %s", s);
    }
    size_t len = strlen(s);
    bool bad_len = len < 3 || len > 255, bad_chars = !name_chars_ok(s);
    if (style == DDB_NAME_CONTROL && bad_len)
        return ddb_validation(c, "TableName must be at least 3 characters long and at most 255 characters long");
    ddb_coral v;
    ddb_coral_init(&v);
    if (bad_chars)
        ddb_coral_add(&v, s, "tableName", "Member must satisfy regular expression pattern: " NAME_PATTERN);
    if (len < 3)
        ddb_coral_add(&v, s, "tableName", "Member must have length greater than or equal to 3");
    if (len > 255)
        ddb_coral_add(&v, s, "tableName", "Member must have length less than or equal to 255");
    if (ddb_coral_finish(&v, c) != 0)
        return -1;
    *name = g_strdup(s);
    return 0;
}

double ddb_units(size_t size, bool read, bool consistent)
{
    double units;
    if (read) {
        units = size ? ceil((double)size / 4096.0) : 1;
        if (!consistent)
            units /= 2;
    } else {
        units = size ? ceil((double)size / 1024.0) : 1;
    }
    return units;
}

bool ddb_consumed_wanted(svc_call *c, bool *indexes)
{
    const char *mode = svc_str(c->input, "ReturnConsumedCapacity");
    bool want = mode && (strcmp(mode, "TOTAL") == 0 || strcmp(mode, "INDEXES") == 0);
    if (indexes)
        *indexes = want && strcmp(mode, "INDEXES") == 0;
    return want;
}

static double sum_units(json_t *map)
{
    double total = 0;
    const char *k;
    json_t *v;
    json_object_foreach(map, k, v) total += json_number_value(json_object_get(v, "CapacityUnits"));
    return total;
}

json_t *ddb_consumed_units(svc_call *c, const char *table, double table_units, json_t *gsis, json_t *lsis)
{
    bool indexes;
    if (!ddb_consumed_wanted(c, &indexes)) {
        json_decref(gsis);
        json_decref(lsis);
        return NULL;
    }
    double total = table_units + sum_units(gsis) + sum_units(lsis);
    json_t *cc = json_pack("{s:s, s:f}", "TableName", table, "CapacityUnits", total);
    if (indexes) {
        json_object_set_new(cc, "Table", json_pack("{s:f}", "CapacityUnits", table_units));
        if (json_object_size(gsis))
            json_object_set(cc, "GlobalSecondaryIndexes", gsis);
        if (json_object_size(lsis))
            json_object_set(cc, "LocalSecondaryIndexes", lsis);
    }
    json_decref(gsis);
    json_decref(lsis);
    return cc;
}

json_t *ddb_consumed(svc_call *c, const char *table, size_t size, bool read, bool consistent)
{
    return ddb_consumed_units(c, table, ddb_units(size, read, consistent), NULL, NULL);
}

char *ddb_render_json(json_t *v)
{
    if (json_is_string(v))
        return g_strdup(json_string_value(v));
    if (json_is_array(v)) {
        GString *s = g_string_new("[");
        size_t i;
        json_t *m;
        json_array_foreach(v, i, m) {
            if (i)
                g_string_append(s, ", ");
            char *r = ddb_render_json(m);
            g_string_append(s, r);
            g_free(r);
        }
        g_string_append_c(s, ']');
        return g_string_free(s, FALSE);
    }
    char *t = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    char *out = g_strdup(t ? t : "");
    free(t);
    return out;
}

int ddb_expression_params(svc_call *c, json_t *in, const char *const *exprs, const char *const *legacy)
{
    GString *e = g_string_new(NULL), *l = g_string_new(NULL);
    for (size_t i = 0; exprs[i]; i++)
        if (json_object_get(in, exprs[i]))
            g_string_append_printf(e, "%s%s", e->len ? ", " : "", exprs[i]);
    /* a Query may name KeyConditions with expressions for the rest, as long
     * as it has no KeyConditionExpression */
    bool keyconds_ok = !json_object_get(in, "KeyConditionExpression");
    for (size_t i = 0; legacy[i]; i++)
        if (json_object_get(in, legacy[i]) && !(keyconds_ok && strcmp(legacy[i], "KeyConditions") == 0))
            g_string_append_printf(l, "%s%s", l->len ? ", " : "", legacy[i]);
    int rc = 0;
    if (e->len && l->len)
        rc = ddb_validation(c,
                            "Can not use both expression and non-expression parameters in the same request: "
                            "Non-expression parameters: {%s} Expression parameters: {%s}",
                            l->str, e->str);
    else if (json_object_get(in, "ExpressionAttributeNames") && !e->len)
        rc = ddb_validation(c, "ExpressionAttributeNames can only be specified when using expressions");
    else if (json_object_get(in, "ExpressionAttributeValues")) {
        /* values serve every expression but a projection */
        GString *names = g_string_new(NULL);
        size_t n = 0;
        bool any = false;
        for (size_t i = 0; exprs[i]; i++) {
            if (!strcmp(exprs[i], "ProjectionExpression"))
                continue;
            g_string_append_printf(names, "%s%s", n ? " and " : "", exprs[i]);
            n++;
            any = any || json_object_get(in, exprs[i]);
        }
        if (n && !any)
            rc = ddb_validation(c, "ExpressionAttributeValues can only be specified when using expressions: %s %s null",
                                names->str, n > 1 ? "are" : "is");
        g_string_free(names, TRUE);
    }
    g_string_free(e, TRUE);
    g_string_free(l, TRUE);
    return rc;
}

ddb_table *ddb_named_table(svc_call *c, const char *code, const char *missing_fmt)
{
    char *name;
    if (ddb_table_name(c, DDB_NAME_DATA, &name) != 0)
        return NULL;
    ddb_table *t = ddb_state_table(c->state, name, c->now_ms);
    /* a table ARN of another account or region is marked by \x01 */
    if (!t)
        aws_error_set(&c->err, code, missing_fmt, name[0] == '\x01' ? name + 1 : name);
    g_free(name);
    return t;
}

ddb_table *ddb_usable_table(svc_call *c, const char *name)
{
    ddb_table *t = ddb_state_table(c->state, name, c->now_ms);
    ddb_status s = t ? ddb_table_status(t, c->now_ms) : DDB_GONE;
    if (s != DDB_ACTIVE && s != DDB_UPDATING) {
        aws_error_set(&c->err, "ResourceNotFoundException", "Requested resource not found");
        return NULL;
    }
    return t;
}

