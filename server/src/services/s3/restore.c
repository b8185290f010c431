#include "services/s3/restore.h"

#include <string.h>

#include "services/s3/object.h"
#include "services/s3/s3.h"
#include "wire/timefmt.h"

#define DAY_MS ((int64_t)86400 * 1000)

bool s3_restore_archived(const s3_meta *m)
{
    const char *sc = m ? m->storage_class : NULL;
    return sc && (strcmp(sc, "GLACIER") == 0 || strcmp(sc, "DEEP_ARCHIVE") == 0);
}

/* Whether the restored copy of o is there to read at now. */
static bool restored(const s3_meta *m, int64_t now_ms)
{
    return m && m->restore_ready_ms && now_ms >= m->restore_ready_ms && now_ms < m->restore_expiry_ms;
}

int s3_restore_check_readable(svc_call *c, const s3_object *o)
{
    if (!s3_restore_archived(o->meta) || restored(o->meta, c->now_ms))
        return 0;
    aws_error_set(&c->err, "InvalidObjectState", "The operation is not valid for the object's storage class");
    aws_error_field(&c->err, "StorageClass", json_string(o->meta->storage_class));
    return -1;
}

void s3_restore_describe(svc_call *c, const s3_object *o, json_t *out)
{
    const s3_meta *m = o->meta;
    if (!m || !m->restore_ready_ms)
        return;
    if (c->now_ms < m->restore_ready_ms) {
        json_object_set_new(out, "Restore", json_string("ongoing-request=\"true\""));
        return;
    }
    GString *t = g_string_new("ongoing-request=\"false\", expiry-date=\"");
    timefmt_http_date(t, (double)(m->restore_expiry_ms / 1000));
    g_string_append_c(t, '"');
    json_object_set_new(out, "Restore", json_string(t->str));
    g_string_free(t, TRUE);
}

/* When a copy restored at ready_ms for days expires: 00:00 GMT after the
 * days have passed (S3 rounds up to the next midnight). */
static int64_t expiry_of(int64_t ready_ms, json_int_t days)
{
    int64_t end = ready_ms + (int64_t)days * DAY_MS;
    return (end + DAY_MS - 1) / DAY_MS * DAY_MS;
}

int s3_restore_object(svc_call *c)
{
    if (s3_check_request(c) != 0)
        return -1;
    s3_bucket *b;
    s3_object *o;
    if (s3_object_lookup(c, &b, &o) != 0)
        return -1;
    if (!s3_restore_archived(o->meta))
        return aws_error_set(&c->err, "InvalidObjectState",
                             "Restore is not allowed for the object's current storage class");
    json_t *rr = json_object_get(c->input, "RestoreRequest");
    json_t *dj = json_object_get(rr, "Days");
    json_int_t days = json_integer_value(dj);
    if (svc_str(rr, "Type"))
        return aws_error_set_status(&c->err, 501, "NotImplemented",
                                    "A header you provided implies functionality that is not implemented");
    if (!dj || days < 1)
        return aws_error_set(&c->err, "MalformedXML", NULL);
    s3_meta *m = o->meta;
    if (m->restore_ready_ms && c->now_ms < m->restore_ready_ms)
        return aws_error_set_status(&c->err, 409, "RestoreAlreadyInProgress", "Object restore is already in progress");
    if (restored(m, c->now_ms)) {
        /* a restored copy: the new Days count from now */
        m->restore_expiry_ms = expiry_of(c->now_ms, days);
        c->resp->status = 200;
        return 0;
    }
    m->restore_ready_ms = c->now_ms + s3_st(c)->restore_delay_ms;
    if (m->restore_ready_ms == 0)
        m->restore_ready_ms = 1; /* 0 means never asked */
    m->restore_expiry_ms = expiry_of(m->restore_ready_ms, days);
    c->resp->status = 202;
    return 0;
}
