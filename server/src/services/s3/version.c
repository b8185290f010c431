#include "services/s3/version.h"

#include <string.h>

#include "services/s3/lifecycle.h"
#include "services/s3/payload.h"
#include "services/s3/s3.h"
#include "services/service.h"

/* 64 characters, S3's version id alphabet */
static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._";

#define SEQ_CHARS 11 /* 6 bits each: 66 >= 64 */
#define MIX_CHARS (S3_VERSION_ID_LEN - SEQ_CHARS)

/* A bijection of 64-bit values (splitmix64's finaliser): the varying part
 * of an id. */
static uint64_t mix(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

static void render(uint64_t vseq, char out[S3_VERSION_ID_LEN + 1])
{
    uint64_t h = mix(vseq);
    for (int i = 0; i < MIX_CHARS; i++) {
        if (i % 10 == 0 && i)
            h = mix(h + (uint64_t)i);
        out[i] = alphabet[h & 63];
        h >>= 6;
    }
    uint64_t v = vseq;
    for (int i = S3_VERSION_ID_LEN - 1; i >= MIX_CHARS; i--) {
        out[i] = alphabet[v & 63];
        v >>= 6;
    }
    out[S3_VERSION_ID_LEN] = '\0';
}

void s3_version_id(const s3_object *v, char out[S3_VERSION_ID_LEN + 1])
{
    if (v->vflags & S3_V_NULL)
        g_strlcpy(out, "null", S3_VERSION_ID_LEN + 1);
    else
        render(v->vseq, out);
}

s3_vid_kind s3_version_parse(const char *id, uint64_t *vseq)
{
    *vseq = 0;
    if (strcmp(id, "null") == 0)
        return S3_VID_OK;
    if (strlen(id) != S3_VERSION_ID_LEN)
        return S3_VID_MALFORMED;
    uint64_t v = 0;
    bool overflow = false;
    for (int i = 0; i < S3_VERSION_ID_LEN; i++) {
        const char *p = strchr(alphabet, id[i]);
        if (!id[i] || !p)
            return S3_VID_MALFORMED;
        if (i >= MIX_CHARS) {
            overflow |= (v >> 58) != 0;
            v = v << 6 | (uint64_t)(p - alphabet);
        }
    }
    char again[S3_VERSION_ID_LEN + 1];
    if (overflow || v == 0)
        return S3_VID_UNKNOWN;
    render(v, again);
    if (strcmp(again, id) != 0)
        return S3_VID_UNKNOWN;
    *vseq = v;
    return S3_VID_OK;
}

static int err_invalid_version(svc_call *c, const char *arg, const char *id)
{
    return s3_err_invalid_argument(c, arg, id, "Invalid version id specified");
}

int s3_version_find(svc_call *c, s3_bucket *b, const char *key, const char *id, const char *arg,
                    s3_object **out)
{
    *out = NULL;
    uint64_t vseq;
    s3_vid_kind k = s3_version_parse(id, &vseq);
    if (k == S3_VID_MALFORMED || (!s3_versioned(b) && strcmp(id, "null") != 0))
        return err_invalid_version(c, arg, id);
    *out = k == S3_VID_OK ? s3_version_get(b, key, vseq) : NULL;
    if (*out)
        return 0;
    if (!s3_versioned(b))
        return s3_err_no_such_key(c, key);
    aws_error_set(&c->err, "NoSuchVersion", NULL);
    aws_error_field(&c->err, "Key", s3_text(key));
    aws_error_field(&c->err, "VersionId", s3_text(id));
    return -1;
}

int s3_err_delete_marker(svc_call *c)
{
    aws_error_set(&c->err, "MethodNotAllowed", NULL);
    aws_error_field(&c->err, "Method", json_string(c->req->method));
    aws_error_field(&c->err, "ResourceType", json_string("DeleteMarker"));
    http_response_set_header(c->resp, "x-amz-delete-marker", "true");
    http_response_set_header(c->resp, "Allow", "DELETE");
    return -1;
}

int s3_err_no_such_key_marker(svc_call *c, s3_bucket *b, const char *key)
{
    s3_object *top = s3_versioned(b) ? s3_version_latest(b, key) : NULL;
    if (top && (top->vflags & S3_V_MARKER)) {
        char id[S3_VERSION_ID_LEN + 1];
        s3_version_id(top, id);
        http_response_set_header(c->resp, "x-amz-delete-marker", "true");
        http_response_set_header(c->resp, "x-amz-version-id", id);
    }
    return s3_err_no_such_key(c, key);
}

void s3_version_output(const s3_bucket *b, const s3_object *v, json_t *out)
{
    if (!s3_versioned(b) || !out)
        return;
    char id[S3_VERSION_ID_LEN + 1];
    s3_version_id(v, id);
    json_object_set_new(out, "VersionId", json_string(id));
}

/* ---- versioning configuration ---- */

int s3_put_bucket_versioning(svc_call *c)
{
    s3_bucket *b = s3_call_bucket(c);
    if (!b)
        return -1;
    if (s3_payload_verify_raw(c, false) != 0)
        return -1;
    json_t *cfg = json_object_get(c->input, "VersioningConfiguration");
    if (!cfg)
        return aws_error_set(&c->err, "MalformedXML", NULL);
    const char *status = svc_str(cfg, "Status");
    if (!status)
        return aws_error_set(&c->err, "IllegalVersioningConfigurationException",
                             "The Versioning element must be specified");
    /* the model's enum was checked already: Enabled or Suspended */
    bool enable = strcmp(status, "Enabled") == 0;
    if (!enable && b->lock.enabled)
        return aws_error_set_status(&c->err, 409, "InvalidBucketState",
                                    "An Object Lock configuration is present on this bucket, so the versioning "
                                    "state cannot be changed.");
    s3_versioning_set(b, enable ? S3_VERSIONING_ENABLED : S3_VERSIONING_SUSPENDED);
    return 0;
}

int s3_get_bucket_versioning(svc_call *c)
{
    s3_bucket *b = s3_call_bucket(c);
    if (!b)
        return -1;
    c->output = json_object();
    if (b->versioning != S3_VERSIONING_OFF)
        json_object_set_new(c->output, "Status",
                            json_string(b->versioning == S3_VERSIONING_ENABLED ? "Enabled" : "Suspended"));
    return 0;
}

/* ---- object lock ---- */

#define DAY_MS ((int64_t)86400 * 1000)

static int err_lock_missing(svc_call *c)
{
    return aws_error_set(&c->err, "InvalidRequest", "Bucket is missing Object Lock Configuration");
}

static int err_locked(svc_call *c)
{
    return aws_error_set(&c->err, "AccessDenied", "Access Denied because object protected by object lock.");
}

static const char *mode_name(char mode)
{
    return mode == 'C' ? "COMPLIANCE" : "GOVERNANCE";
}

static char mode_of(const char *name)
{
    return !name ? 0 : strcmp(name, "COMPLIANCE") == 0 ? 'C' : strcmp(name, "GOVERNANCE") == 0 ? 'G' : 0;
}

/* A timestamp of the input as milliseconds; false when absent. */
static bool time_in(json_t *v, int64_t *ms)
{
    if (!json_is_number(v))
        return false;
    *ms = (int64_t)(json_number_value(v) * 1000.0);
    return true;
}

static json_t *time_out(int64_t ms)
{
    return ms % 1000 ? json_real((double)ms / 1000.0) : json_integer((json_int_t)(ms / 1000));
}

int s3_lock_for_new(svc_call *c, const s3_bucket *b, s3_meta **m)
{
    const char *mode = s3_in(c, "ObjectLockMode");
    json_t *until = json_object_get(c->input, "ObjectLockRetainUntilDate");
    const char *hold = s3_in(c, "ObjectLockLegalHoldStatus");
    if ((mode || until || hold) && !b->lock.enabled)
        return err_lock_missing(c);
    if (!mode != !until)
        return s3_err_invalid_argument(c, mode ? "x-amz-object-lock-retain-until-date" : "x-amz-object-lock-mode",
                                       NULL, "x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must "
                                             "both be supplied");
    char lm = 0;
    int64_t until_ms = 0;
    if (mode) {
        lm = mode_of(mode);
        if (!lm)
            return s3_err_invalid_argument(c, "x-amz-object-lock-mode", mode, "Unknown wormMode directive.");
        if (!time_in(until, &until_ms) || until_ms <= c->now_ms)
            return s3_err_invalid_argument(c, "x-amz-object-lock-retain-until-date", NULL,
                                           "The retain until date must be in the future!");
    } else if (b->lock.enabled && b->lock.mode) {
        lm = b->lock.mode;
        until_ms = c->now_ms + (int64_t)b->lock.period * (b->lock.years ? 365 : 1) * DAY_MS;
    }
    if (!lm && !hold)
        return 0;
    if (!*m)
        *m = s3_meta_new();
    (*m)->lock_mode = lm;
    (*m)->lock_until_ms = until_ms;
    if (hold)
        (*m)->lock_hold = strcmp(hold, "ON") == 0 ? 'Y' : 'N';
    return 0;
}

static bool retained(const s3_meta *m, int64_t now_ms)
{
    return m && m->lock_mode && m->lock_until_ms > now_ms;
}

bool s3_lock_protects(const s3_object *v, int64_t now_ms)
{
    const s3_meta *m = v->meta;
    return m && !(v->vflags & S3_V_MARKER) && (m->lock_hold == 'Y' || retained(m, now_ms));
}

int s3_lock_check_delete(svc_call *c, const s3_bucket *b, const s3_object *v, bool bypass)
{
    const s3_meta *m = v->meta;
    if (!s3_lock_protects(v, c->now_ms))
        return 0;
    if (m->lock_hold == 'Y' || m->lock_mode == 'C' || !bypass)
        return err_locked(c);
    return 0;
}

int s3_lock_bypass(svc_call *c, const s3_bucket *b, bool *bypass)
{
    json_t *h = json_object_get(c->input, "BypassGovernanceRetention");
    *bypass = json_is_true(h);
    if (h && !b->lock.enabled)
        return s3_err_invalid_argument(c, "x-amz-bypass-governance-retention", NULL,
                                       "x-amz-bypass-governance-retention is only applicable to Object Lock "
                                       "enabled buckets.");
    return 0;
}

/* The body of a Put of object lock settings: there, and matching its
 * Content-MD5 / checksum when given. */
static int lock_body(svc_call *c)
{
    if (c->req->body_len == 0)
        return aws_error_set(&c->err, "MissingRequestBodyError", NULL);
    return s3_payload_verify_raw(c, false);
}

int s3_put_object_lock_configuration(svc_call *c)
{
    s3_bucket *b = s3_call_bucket(c);
    if (!b)
        return -1;
    if (lock_body(c) != 0)
        return -1;
    json_t *cfg = json_object_get(c->input, "ObjectLockConfiguration");
    const char *en = svc_str(cfg, "ObjectLockEnabled");
    json_t *rule = json_object_get(cfg, "Rule");
    if (!en || strcmp(en, "Enabled") != 0 || (rule && !json_is_object(rule)))
        return aws_error_set(&c->err, "MalformedXML", NULL);
    s3_lock_config lc = {.enabled = true};
    if (rule) {
        json_t *dr = json_object_get(rule, "DefaultRetention");
        json_t *days = json_object_get(dr, "Days"), *years = json_object_get(dr, "Years");
        lc.mode = mode_of(svc_str(dr, "Mode"));
        if (!lc.mode || !days == !years)
            return aws_error_set(&c->err, "MalformedXML", NULL);
        json_int_t period = json_integer_value(days ? days : years);
        if (period <= 0 || period > (years ? 100 : 36500))
            return s3_err_invalid_argument(c, years ? "Years" : "Days", NULL,
                                           "Default retention period must be a positive integer value.");
        lc.years = years != NULL;
        lc.period = (int)period;
    }
    if (!b->lock.enabled && b->versioning != S3_VERSIONING_ENABLED)
        return aws_error_set_status(&c->err, 409, "InvalidBucketState",
                                    "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration");
    b->lock = lc;
    return 0;
}

int s3_get_object_lock_configuration(svc_call *c)
{
    s3_bucket *b = s3_call_bucket(c);
    if (!b)
        return -1;
    if (!b->lock.enabled) {
        aws_error_set_status(&c->err, 404, "ObjectLockConfigurationNotFoundError",
                             "Object Lock configuration does not exist for this bucket");
        aws_error_field(&c->err, "BucketName", json_string(b->name));
        return -1;
    }
    json_t *cfg = json_pack("{s:s}", "ObjectLockEnabled", "Enabled");
    if (b->lock.mode)
        json_object_set_new(cfg, "Rule",
                            json_pack("{s:{s:s, s:i}}", "DefaultRetention", "Mode", mode_name(b->lock.mode),
                                      b->lock.years ? "Years" : "Days", b->lock.period));
    c->output = json_pack("{s:o}", "ObjectLockConfiguration", cfg);
    return 0;
}

/* The version a retention or legal hold request names, on a bucket with
 * object lock (after the checks every request gets). */
static s3_object *lock_target(svc_call *c, s3_bucket **bp)
{
    if (s3_check_request(c) != 0)
        return NULL;
    s3_bucket *b = s3_bucket_for(c, s3_in(c, "Bucket"));
    if (!b)
        return NULL;
    if (bp)
        *bp = b;
    const char *key = s3_in(c, "Key");
    if (s3_check_key(c, key) != 0)
        return NULL;
    if (!b->lock.enabled) {
        err_lock_missing(c);
        return NULL;
    }
    const char *vid = s3_in(c, "VersionId");
    s3_object *v;
    if (vid) {
        if (s3_version_find(c, b, key, vid, "versionId", &v) != 0)
            return NULL;
    } else if (!(v = s3_object_get(b, key))) {
        s3_err_no_such_key_marker(c, b, key);
        return NULL;
    }
    if (v->vflags & S3_V_MARKER) {
        s3_err_delete_marker(c);
        return NULL;
    }
    return v;
}

static int err_no_lock_config(svc_call *c)
{
    return aws_error_set_status(&c->err, 404, "NoSuchObjectLockConfiguration",
                                "The specified object does not have a ObjectLock configuration");
}

int s3_put_object_retention(svc_call *c)
{
    s3_bucket *b;
    s3_object *v = lock_target(c, &b);
    if (!v)
        return -1;
    if (lock_body(c) != 0)
        return -1;
    bool bypass = json_is_true(json_object_get(c->input, "BypassGovernanceRetention"));
    json_t *r = json_object_get(c->input, "Retention");
    const char *mode = svc_str(r, "Mode");
    json_t *until = json_object_get(r, "RetainUntilDate");
    char lm = mode_of(mode);
    int64_t until_ms = 0;
    if (!r || (mode && !lm) || !mode != !until || (until && !time_in(until, &until_ms)))
        return aws_error_set(&c->err, "MalformedXML", NULL);
    if (until && until_ms <= c->now_ms)
        return s3_err_invalid_argument(c, "RetainUntilDate", NULL, "The retain until date must be in the future!");
    const s3_meta *m = v->meta;
    if (retained(m, c->now_ms)) {
        /* protection may grow; it shrinks only for GOVERNANCE with the bypass */
        bool weaker = !lm || until_ms < m->lock_until_ms || (m->lock_mode == 'C' && lm != 'C');
        if (weaker && (m->lock_mode == 'C' || !bypass))
            return err_locked(c);
    }
    v = s3_object_mut(b, v); /* a snapshot may share it */
    if (!v->meta)
        v->meta = s3_meta_new();
    v->meta->lock_mode = lm;
    v->meta->lock_until_ms = until_ms;
    v->meta = s3_meta_compact(v->meta);
    s3_lifecycle_note_lock(s3_st(c), b, v);
    return 0;
}

int s3_get_object_retention(svc_call *c)
{
    s3_object *v = lock_target(c, NULL);
    if (!v)
        return -1;
    if (!v->meta || !v->meta->lock_mode)
        return err_no_lock_config(c);
    c->output = json_pack("{s:{s:s, s:o}}", "Retention", "Mode", mode_name(v->meta->lock_mode), "RetainUntilDate",
                          time_out(v->meta->lock_until_ms));
    return 0;
}

int s3_put_object_legal_hold(svc_call *c)
{
    s3_bucket *b;
    s3_object *v = lock_target(c, &b);
    if (!v)
        return -1;
    if (lock_body(c) != 0)
        return -1;
    const char *status = svc_str(json_object_get(c->input, "LegalHold"), "Status");
    if (!status)
        return aws_error_set(&c->err, "MalformedXML", NULL);
    v = s3_object_mut(b, v); /* a snapshot may share it */
    if (!v->meta)
        v->meta = s3_meta_new();
    v->meta->lock_hold = strcmp(status, "ON") == 0 ? 'Y' : 'N';
    s3_lifecycle_note_lock(s3_st(c), b, v);
    return 0;
}

int s3_get_object_legal_hold(svc_call *c)
{
    s3_object *v = lock_target(c, NULL);
    if (!v)
        return -1;
    if (!v->meta || !v->meta->lock_hold)
        return err_no_lock_config(c);
    c->output = json_pack("{s:{s:s}}", "LegalHold", "Status", v->meta->lock_hold == 'Y' ? "ON" : "OFF");
    return 0;
}
