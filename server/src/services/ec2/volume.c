#include "services/ec2/volume.h"

#include <stdio.h>
#include <string.h>

#include "services/ec2/common.h"
#include "services/ec2/image.h"
#include "services/svc_api.h"

struct ec2_volumes {
    GHashTable *by_id; /* id -> ec2_volume*, owned */
    uint64_t next_seq;
};

static void volume_free(gpointer p)
{
    ec2_volume *v = p;
    g_free(v->az);
    g_free(v->type);
    g_free(v->snapshot_id);
    g_free(v->kms_key_id);
    g_free(v->instance_id);
    g_free(v->device);
    json_decref(v->tags);
    g_free(v);
}

ec2_volumes *ec2_volumes_new(void)
{
    ec2_volumes *vs = g_new0(ec2_volumes, 1);
    vs->by_id = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, volume_free);
    return vs;
}

void ec2_volumes_free(ec2_volumes *vs)
{
    if (!vs)
        return;
    g_hash_table_destroy(vs->by_id);
    g_free(vs);
}

ec2_volumes *ec2_volumes_clone(const ec2_volumes *vs)
{
    ec2_volumes *c = ec2_volumes_new();
    c->next_seq = vs->next_seq;
    GHashTableIter it;
    gpointer k, val;
    g_hash_table_iter_init(&it, vs->by_id);
    while (g_hash_table_iter_next(&it, &k, &val)) {
        const ec2_volume *from = val;
        ec2_volume *v = g_new(ec2_volume, 1);
        *v = *from;
        char **strings[] = {&v->az, &v->type, &v->snapshot_id, &v->kms_key_id, &v->instance_id, &v->device};
        for (size_t i = 0; i < G_N_ELEMENTS(strings); i++)
            *strings[i] = g_strdup(*strings[i]);
        v->tags = json_deep_copy(from->tags);
        g_hash_table_replace(c->by_id, v->id, v);
    }
    return c;
}

/* A new volume (no attachment), registered under id. */
/* When a transition that starts now began: now, or, with --transitions
 * instant, far enough back that it is already over. */
static int64_t transition_start(svc_call *c)
{
    const ec2_state *st = c->state;
    return svc_transitions_instant(c) ? c->now_ms - st->tr.pending_ms : c->now_ms;
}

static ec2_volume *volume_add(ec2_volumes *vs, const char *id, const char *az, const char *type, int64_t size,
                              int64_t now_ms)
{
    ec2_volume *v = g_new0(ec2_volume, 1);
    g_strlcpy(v->id, id, sizeof v->id);
    v->seq = ++vs->next_seq;
    v->az = g_strdup(az);
    v->type = g_strdup(type);
    v->size = size;
    v->create_ms = now_ms;
    v->tags = json_object();
    g_hash_table_replace(vs->by_id, v->id, v);
    return v;
}

static void detach(ec2_volume *v)
{
    g_clear_pointer(&v->instance_id, g_free);
    g_clear_pointer(&v->device, g_free);
    v->attach_ms = 0;
    v->delete_on_termination = false;
}

void ec2_volumes_settle(ec2_state *st, int64_t now_ms)
{
    GHashTableIter it;
    gpointer k, val;
    g_hash_table_iter_init(&it, st->volumes->by_id);
    while (g_hash_table_iter_next(&it, &k, &val)) {
        ec2_volume *v = val;
        if (!v->instance_id)
            continue;
        ec2_instance *in = ec2_state_get(st, v->instance_id, now_ms);
        if (in && in->state != EC2_TERMINATED)
            continue;
        if (v->delete_on_termination)
            g_hash_table_iter_remove(&it);
        else
            detach(v);
    }
}

ec2_volume *ec2_volume_lookup(ec2_state *st, const char *id)
{
    return id ? g_hash_table_lookup(st->volumes->by_id, id) : NULL;
}

static gint seq_cmp(gconstpointer a, gconstpointer b)
{
    const ec2_volume *x = *(ec2_volume *const *)a, *y = *(ec2_volume *const *)b;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

GPtrArray *ec2_volumes_list(ec2_state *st, int64_t now_ms)
{
    ec2_volumes_settle(st, now_ms);
    GPtrArray *out = ec2_hash_values(st->volumes->by_id);
    g_ptr_array_sort(out, seq_cmp);
    return out;
}

static gint attach_cmp(gconstpointer a, gconstpointer b)
{
    const ec2_volume *x = *(ec2_volume *const *)a, *y = *(ec2_volume *const *)b;
    if (x->attach_ms != y->attach_ms)
        return x->attach_ms < y->attach_ms ? -1 : 1;
    return seq_cmp(a, b);
}

GHashTable *ec2_volumes_by_instance(ec2_state *st, int64_t now_ms)
{
    GHashTable *out = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, (GDestroyNotify)g_ptr_array_unref);
    GPtrArray *all = ec2_volumes_list(st, now_ms);
    g_ptr_array_sort(all, attach_cmp);
    for (guint i = 0; i < all->len; i++) {
        ec2_volume *v = g_ptr_array_index(all, i);
        if (!v->instance_id)
            continue;
        GPtrArray *list = g_hash_table_lookup(out, v->instance_id);
        if (!list) {
            list = g_ptr_array_new();
            g_hash_table_insert(out, v->instance_id, list);
        }
        g_ptr_array_add(list, v);
    }
    g_ptr_array_free(all, TRUE);
    return out;
}

/* ---- what a volume type allows ---- */

typedef struct vtype {
    const char *name;
    int64_t min_size, max_size, min_iops, max_iops, iops_per_gib;
} vtype;

static const vtype vtypes[] = {
    {"gp2", 1, 16384, 0, 0, 0},       {"gp3", 1, 16384, 3000, 16000, 500}, {"io1", 4, 16384, 100, 64000, 50},
    {"io2", 4, 65536, 100, 256000, 1000}, {"st1", 125, 16384, 0, 0, 0},    {"sc1", 125, 16384, 0, 0, 0},
    {"standard", 1, 1024, 0, 0, 0},
};

static const vtype *vtype_of(const char *name)
{
    for (size_t i = 0; i < G_N_ELEMENTS(vtypes); i++)
        if (strcmp(vtypes[i].name, name) == 0)
            return &vtypes[i];
    return NULL;
}

/* Checks a volume's type, size, IOPS and throughput (0: not given) as EC2
 * does and fills in the defaults. -1 with c->err set. */
static int check_spec(svc_call *c, const char *type, int64_t size, int64_t *iops, int64_t *throughput)
{
    const vtype *t = vtype_of(type);
    if (!t)
        return aws_error_set(&c->err, "InvalidParameterValue", "Invalid value '%s' for volumeType.", type);
    if (size < t->min_size)
        return aws_error_set(&c->err, "InvalidParameterValue",
                             "The volume size is invalid for %s volumes: %lld GiB. %s volumes must be at least %lld "
                             "GiB in size. Please specify a volume size above the minimum limit.",
                             type, (long long)size, type, (long long)t->min_size);
    if (size > t->max_size)
        return aws_error_set(&c->err, "InvalidParameterValue",
                             "The volume size is invalid for %s volumes: %lld GiB. %s volumes must be at most %lld "
                             "GiB in size. Please specify a volume size below the maximum limit.",
                             type, (long long)size, type, (long long)t->max_size);
    if (*iops && !t->max_iops)
        return aws_error_set(&c->err, "InvalidParameterCombination", "The parameter iops is not supported for %s volumes.",
                             type);
    if (!*iops && (strcmp(type, "io1") == 0 || strcmp(type, "io2") == 0))
        return aws_error_set(&c->err, "InvalidParameterCombination", "The parameter iops must be specified for %s volumes.",
                             type);
    if (*throughput && strcmp(type, "gp3") != 0)
        return aws_error_set(&c->err, "InvalidParameterCombination", "throughput can only be specified for volumeType gp3.");
    if (*iops && *iops < t->min_iops)
        return aws_error_set(&c->err, "InvalidParameterValue", "Volume iops of %lld is too low; minimum is %lld.",
                             (long long)*iops, (long long)t->min_iops);
    if (*iops > t->max_iops && t->max_iops)
        return aws_error_set(&c->err, "InvalidParameterValue", "Volume iops of %lld is too high; maximum is %lld.",
                             (long long)*iops, (long long)t->max_iops);
    /* gp3's 3000 baseline holds at any size; the ratio caps what is above */
    if (*iops > (strcmp(type, "gp3") == 0 ? 3000 : 0) && *iops > size * t->iops_per_gib)
        return aws_error_set(&c->err, "InvalidParameterValue",
                             "Iops to volume size ratio of %f is too high; maximum is %f.", (double)*iops / (double)size,
                             (double)t->iops_per_gib);
    if (*throughput && (*throughput < 125 || *throughput > 1000))
        return aws_error_set(&c->err, "InvalidParameterValue",
                             "Throughput (MiBps) of %lld is invalid; it must be between 125 and 1000.",
                             (long long)*throughput);
    if (strcmp(type, "gp3") == 0) {
        if (!*iops)
            *iops = 3000;
        if (!*throughput)
            *throughput = 125;
    } else if (strcmp(type, "gp2") == 0) {
        /* gp2 shows its baseline: 3 per GiB, 100 to 16000 */
        *iops = size * 3 < 100 ? 100 : size * 3 > 16000 ? 16000 : size * 3;
    }
    return 0;
}

/* The size of a snapshot mockaws knows (one behind an image), or -1. */
static int64_t snapshot_size(svc_call *c, const char *snap, json_t *image)
{
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(image, "BlockDeviceMappings"), i, m) {
        json_t *ebs = json_object_get(m, "Ebs");
        if (g_strcmp0(svc_str(ebs, "SnapshotId"), snap) == 0)
            return json_integer_value(json_object_get(ebs, "VolumeSize"));
    }
    (void)c;
    return -1;
}

static int64_t int_or(json_t *o, const char *k, int64_t dflt)
{
    json_t *v = json_object_get(o, k);
    return json_is_integer(v) ? json_integer_value(v) : dflt;
}

json_t *ec2_bdm_plan(svc_call *c, json_t *image, json_t *request)
{
    /* device name -> mapping, in the order devices first appear */
    json_t *plan = json_array();
    json_t *index = json_object();
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(image, "BlockDeviceMappings"), i, m) {
        if (!json_object_get(m, "Ebs"))
            continue;
        json_t *copy = json_deep_copy(m);
        json_array_append_new(plan, copy);
        json_object_set(index, svc_str(m, "DeviceName"), copy);
    }
    json_array_foreach(request, i, m) {
        const char *dev = svc_str(m, "DeviceName");
        json_t *ebs = json_object_get(m, "Ebs");
        if (!dev) {
            aws_error_set(&c->err, "MissingParameter", "The request must contain the parameter BlockDeviceMapping.DeviceName");
            goto fail;
        }
        if (!ebs && !json_object_get(m, "VirtualName") && !json_object_get(m, "NoDevice")) {
            aws_error_set(&c->err, "MissingParameter", "The request must contain the parameter ebs");
            goto fail;
        }
        json_t *have = json_object_get(index, dev);
        if (!ebs) {
            /* NoDevice suppresses the image's mapping; an instance store
             * (VirtualName) is no EBS volume */
            if (have) {
                /* dropped below, in one pass: removing here would cost the
                 * length of the plan per mapping */
                json_object_set_new(have, "NoDevice", json_true());
                json_object_del(index, dev);
            }
            continue;
        }
        if (!have) {
            have = json_pack("{s:s, s:{}}", "DeviceName", dev, "Ebs");
            json_array_append_new(plan, have);
            json_object_set(index, dev, have);
        }
        json_t *e = json_object_get(have, "Ebs");
        bool sized = json_object_get(e, "VolumeSize") || json_object_get(e, "SnapshotId");
        json_object_update(e, ebs);
        if (json_object_get(ebs, "SnapshotId") && !json_object_get(ebs, "VolumeSize"))
            json_object_del(e, "VolumeSize");
        if (json_object_get(ebs, "VolumeType") && !json_object_get(ebs, "Iops"))
            json_object_del(e, "Iops");
        if (!sized && !json_object_get(e, "VolumeSize") && !json_object_get(e, "SnapshotId")) {
            aws_error_set(&c->err, "MissingParameter", "The request must contain the parameter size or snapshotId");
            goto fail;
        }
    }
    json_t *kept = json_array();
    json_array_foreach(plan, i, m) if (!json_object_get(m, "NoDevice")) json_array_append(kept, m);
    json_decref(plan);
    plan = kept;
    json_array_foreach(plan, i, m) {
        json_t *e = json_object_get(m, "Ebs");
        const char *snap = svc_str(e, "SnapshotId");
        int64_t snap_size = snap ? snapshot_size(c, snap, image) : -1;
        if (snap && snap_size < 0) {
            aws_error_set(&c->err, "InvalidSnapshot.NotFound", "The snapshot '%s' does not exist.", snap);
            goto fail;
        }
        int64_t size = int_or(e, "VolumeSize", snap_size);
        if (snap && size < snap_size) {
            aws_error_set(&c->err, "InvalidBlockDeviceMapping",
                          "Volume of size %lldGB is smaller than snapshot '%s', expect size >= %lldGB", (long long)size,
                          snap, (long long)snap_size);
            goto fail;
        }
        const char *type = svc_str(e, "VolumeType") ? svc_str(e, "VolumeType") : "gp2";
        int64_t iops = int_or(e, "Iops", 0), tp = int_or(e, "Throughput", 0);
        if (check_spec(c, type, size, &iops, &tp) != 0)
            goto fail;
        bool encrypted = svc_true(e, "Encrypted") || svc_str(e, "KmsKeyId");
        json_t *full = json_pack("{s:I, s:s, s:I, s:I, s:b, s:b}", "VolumeSize", (json_int_t)size, "VolumeType", type,
                                 "Iops", (json_int_t)iops, "Throughput", (json_int_t)tp, "Encrypted", encrypted,
                                 "DeleteOnTermination",
                                 json_object_get(e, "DeleteOnTermination") ? svc_true(e, "DeleteOnTermination") : 1);
        if (snap)
            json_object_set_new(full, "SnapshotId", json_string(snap));
        if (svc_str(e, "KmsKeyId"))
            json_object_set_new(full, "KmsKeyId", json_string(svc_str(e, "KmsKeyId")));
        json_object_set_new(m, "Ebs", full);
    }
    json_decref(index);
    return plan;
fail:
    json_decref(index);
    json_decref(plan);
    return NULL;
}

static void set_from_plan(ec2_volume *v, json_t *e)
{
    v->iops = int_or(e, "Iops", 0);
    v->throughput = int_or(e, "Throughput", 0);
    v->encrypted = svc_true(e, "Encrypted");
    v->snapshot_id = g_strdup(svc_str(e, "SnapshotId"));
    v->kms_key_id = g_strdup(svc_str(e, "KmsKeyId"));
    if (v->encrypted && !v->kms_key_id)
        v->kms_key_id = NULL; /* the account's default key, not modelled */
}

void ec2_volumes_launch(svc_call *c, ec2_instance *in, json_t *plan, json_t *tags)
{
    ec2_state *st = c->state;
    size_t i;
    json_t *m;
    json_array_foreach(plan, i, m) {
        json_t *e = json_object_get(m, "Ebs");
        char id[24];
        do
            ec2_new_id(c, "vol-", id, sizeof id);
        while (g_hash_table_contains(st->volumes->by_id, id));
        ec2_volume *v = volume_add(st->volumes, id, in->az, svc_str(e, "VolumeType"),
                                   json_integer_value(json_object_get(e, "VolumeSize")), transition_start(c));
        set_from_plan(v, e);
        json_object_update(v->tags, tags);
        v->instance_id = g_strdup(in->id);
        v->device = g_strdup(svc_str(m, "DeviceName"));
        v->attach_ms = transition_start(c);
        v->delete_on_termination = svc_true(e, "DeleteOnTermination");
    }
}

void ec2_volumes_fixture_root(ec2_state *st, ec2_instance *in, int64_t now_ms)
{
    char material[64], hex[18], id[24];
    g_snprintf(material, sizeof material, "vol/%s", in->id);
    ec2_derive_hex(hex, 17, material);
    g_snprintf(id, sizeof id, "vol-%s", hex);
    ec2_volume *v = volume_add(st->volumes, id, in->az, "gp2", 8, now_ms - st->tr.pending_ms);
    v->iops = 100;
    v->instance_id = g_strdup(in->id);
    const char *root = svc_str(in->params, "RootDeviceName");
    v->device = g_strdup(root ? root : "/dev/xvda");
    v->attach_ms = in->launch_ms;
    v->delete_on_termination = true;
}

json_t *ec2_volume_mapping_json(const ec2_volume *v)
{
    return json_pack("{s:s, s:{s:I, s:b, s:s, s:s}}", "DeviceName", v->device, "Ebs", "AttachTime",
                     (json_int_t)(v->attach_ms / 1000), "DeleteOnTermination", v->delete_on_termination, "Status",
                     "attached", "VolumeId", v->id);
}

/* ---- the operations ---- */

static const char *vstate(svc_call *c, const ec2_volume *v)
{
    ec2_state *st = c->state;
    if (v->instance_id)
        return "in-use"; /* a launch's volumes are in use from the start */
    return c->now_ms - v->create_ms < st->tr.pending_ms ? "creating" : "available";
}

static json_t *attachment_json(svc_call *c, const ec2_volume *v, const char *state)
{
    ec2_state *st = c->state;
    if (!state)
        state = c->now_ms - v->attach_ms < st->tr.pending_ms ? "attaching" : "attached";
    return json_pack("{s:b, s:s, s:s, s:s, s:s, s:I}", "DeleteOnTermination", v->delete_on_termination, "VolumeId",
                     v->id, "InstanceId", v->instance_id, "Device", v->device, "State", state, "AttachTime",
                     (json_int_t)(v->attach_ms / 1000));
}

static json_t *volume_json(svc_call *c, const ec2_volume *v)
{
    json_t *att = json_array();
    if (v->instance_id)
        json_array_append_new(att, attachment_json(c, v, NULL));
    json_t *o = json_pack("{s:s, s:I, s:b, s:s, s:s, s:I, s:s, s:s, s:b, s:o, s:b, s:s}", "AvailabilityZone", v->az,
                          "CreateTime", (json_int_t)(v->create_ms / 1000), "Encrypted", v->encrypted, "VolumeId",
                          v->id, "VolumeType", v->type, "Size", (json_int_t)v->size, "SnapshotId",
                          v->snapshot_id ? v->snapshot_id : "", "State", vstate(c, v), "MultiAttachEnabled", 0,
                          "Attachments", att, "FastRestored", 0, "AvailabilityZoneId", "");
    json_object_del(o, "AvailabilityZoneId");
    if (v->iops)
        json_object_set_new(o, "Iops", json_integer(v->iops));
    if (v->throughput)
        json_object_set_new(o, "Throughput", json_integer(v->throughput));
    if (v->kms_key_id)
        json_object_set_new(o, "KmsKeyId", json_string(v->kms_key_id));
    if (json_object_size(v->tags))
        json_object_set_new(o, "Tags", ec2_tags_json(v->tags));
    return o;
}

static int malformed(svc_call *c, const char *id)
{
    return aws_error_set(&c->err, "InvalidVolumeID.Malformed", "Invalid id: \"%s\" (expecting \"vol-...\")", id);
}

static int missing(svc_call *c, const char *id)
{
    return aws_error_set(&c->err, "InvalidVolume.NotFound", "The volume '%s' does not exist.", id);
}

/* The volume the input's VolumeId names, settled; NULL with c->err set. */
static ec2_volume *named(svc_call *c)
{
    const char *id = svc_str(c->input, "VolumeId");
    if (!ec2_id_ok(id, "vol-")) {
        malformed(c, id);
        return NULL;
    }
    ec2_volumes_settle(c->state, c->now_ms);
    ec2_volume *v = ec2_volume_lookup(c->state, id);
    if (!v)
        missing(c, id);
    return v;
}

static void set_resource(svc_call *c, const char *id)
{
    g_free(c->resource);
    c->resource = g_strdup(id);
}

static bool zone_ok(const char *region, const char *zone)
{
    size_t n = strlen(region);
    int zones = strcmp(region, "us-east-1") == 0 ? 6 : 3;
    return strncmp(zone, region, n) == 0 && zone[n] >= 'a' && zone[n] < 'a' + zones && !zone[n + 1];
}

int ec2_create_volume(svc_call *c)
{
    ec2_state *st = c->state;
    json_t *in = c->input;
    const char *az = svc_str(in, "AvailabilityZone");
    if (!az && svc_str(in, "AvailabilityZoneId"))
        return aws_error_set(&c->err, "InvalidParameterValue", "Invalid availability zone ID: [%s]",
                             svc_str(in, "AvailabilityZoneId"));
    if (!az)
        return aws_error_set(&c->err, "MissingParameter", "The request must contain the parameter AvailabilityZone");
    if (!zone_ok(c->region, az))
        return aws_error_set(&c->err, "InvalidParameterValue", "Invalid availability zone: [%s]", az);
    const char *snap = svc_str(in, "SnapshotId");
    if (snap && !ec2_id_ok(snap, "snap-"))
        return aws_error_set(&c->err, "InvalidSnapshotID.Malformed", "Invalid id: \"%s\" (expecting \"snap-...\")",
                             snap);
    if (!json_object_get(in, "Size") && !snap)
        return aws_error_set(&c->err, "MissingParameter", "The request must contain the parameter size or snapshotId");
    /* planned like a launch's mapping, from the image that holds the
     * snapshot when there is one */
    json_t *ebs = json_object();
    const char *keys[] = {"Size", "VolumeSize", "SnapshotId", "SnapshotId", "VolumeType", "VolumeType", "Iops", "Iops",
                          "Throughput", "Throughput", "Encrypted", "Encrypted", "KmsKeyId", "KmsKeyId"};
    for (size_t i = 0; i < G_N_ELEMENTS(keys); i += 2)
        if (json_object_get(in, keys[i]))
            json_object_set(ebs, keys[i + 1], json_object_get(in, keys[i]));
    json_t *req = json_pack("[{s:s, s:o}]", "DeviceName", "/dev/sdf", "Ebs", ebs);
    json_t *holder = snap ? ec2_image_with_snapshot(c, snap) : NULL;
    json_t *plan = ec2_bdm_plan(c, holder, req);
    json_decref(req);
    json_decref(holder);
    if (!plan)
        return -1;
    json_t *tags = ec2_spec_tags(c, in, "volume");
    if (!tags || ec2_dry_run(c)) {
        json_decref(tags);
        json_decref(plan);
        return -1;
    }
    json_t *e = json_object_get(json_array_get(plan, 0), "Ebs");
    char id[24];
    do
        ec2_new_id(c, "vol-", id, sizeof id);
    while (g_hash_table_contains(st->volumes->by_id, id));
    ec2_volume *v = volume_add(st->volumes, id, az, svc_str(e, "VolumeType"),
                               json_integer_value(json_object_get(e, "VolumeSize")), transition_start(c));
    set_from_plan(v, e);
    json_object_update(v->tags, tags);
    json_decref(tags);
    json_decref(plan);
    c->output = volume_json(c, v);
    json_object_del(c->output, "Attachments");
    set_resource(c, id);
    return 0;
}

static const ec2_filter_path volume_filters[] = {
    {"attachment.attach-time", "Attachments.AttachTime@time"},
    {"attachment.delete-on-termination", "Attachments.DeleteOnTermination"},
    {"attachment.device", "Attachments.Device"},
    {"attachment.instance-id", "Attachments.InstanceId"},
    {"attachment.status", "Attachments.State"},
    {"availability-zone", "AvailabilityZone"},
    {"availability-zone-id", "AvailabilityZoneId"},
    {"create-time", "CreateTime@time"},
    {"encrypted", "Encrypted"},
    {"fast-restored", "FastRestored"},
    {"multi-attach-enabled", "MultiAttachEnabled"},
    {"operator.managed", NULL},
    {"operator.principal", NULL},
    {"size", "Size"},
    {"snapshot-id", "SnapshotId"},
    {"status", "State"},
    {"volume-id", "VolumeId"},
    {"volume-type", "VolumeType"},
    {NULL, NULL},
};

/* The volumes of the input's VolumeIds (all when none), described, in
 * creation order; NULL with c->err set. */
static json_t *selected(svc_call *c, const ec2_filter_path *table, const char *ids_conflict)
{
    json_t *ids = json_object_get(c->input, "VolumeIds");
    size_t i;
    json_t *v;
    json_array_foreach(ids, i, v) if (!ec2_id_ok(json_string_value(v), "vol-")) {
        malformed(c, json_string_value(v));
        return NULL;
    }
    if (json_array_size(ids) && json_object_get(c->input, "MaxResults")) {
        aws_error_set(&c->err, "InvalidParameterCombination",
                      "The parameter volumeSet cannot be used with the parameter maxResults");
        return NULL;
    }
    (void)ids_conflict;
    GPtrArray *filters = ec2_filters_from(c, table);
    if (!filters)
        return NULL;
    if (ec2_dry_run(c)) {
        ec2_filters_free(filters);
        return NULL;
    }
    GPtrArray *all = ec2_volumes_list(c->state, c->now_ms);
    json_t *out = json_array();
    if (json_array_size(ids)) {
        GHashTable *wanted = g_hash_table_new(g_str_hash, g_str_equal);
        json_array_foreach(ids, i, v) {
            if (!ec2_volume_lookup(c->state, json_string_value(v))) {
                missing(c, json_string_value(v));
                g_hash_table_destroy(wanted);
                g_ptr_array_free(all, TRUE);
                ec2_filters_free(filters);
                json_decref(out);
                return NULL;
            }
            g_hash_table_add(wanted, (gpointer)json_string_value(v));
        }
        for (guint k = all->len; k-- > 0;)
            if (!g_hash_table_contains(wanted, ((ec2_volume *)g_ptr_array_index(all, k))->id))
                g_ptr_array_remove_index(all, k);
        g_hash_table_destroy(wanted);
    }
    for (guint k = 0; k < all->len; k++) {
        json_t *o = volume_json(c, g_ptr_array_index(all, k));
        if (ec2_filters_match(filters, table, o))
            json_array_append(out, o);
        json_decref(o);
    }
    g_ptr_array_free(all, TRUE);
    ec2_filters_free(filters);
    return out;
}

int ec2_describe_volumes(svc_call *c)
{
    json_t *out = selected(c, volume_filters, "volumeSet");
    return out ? ec2_page_out(c, out, "Volumes", 5, 500) : -1;
}

static const ec2_filter_path status_filters[] = {
    {"action.code", NULL},           {"action.description", NULL},  {"action.event-id", NULL},
    {"availability-zone", "AvailabilityZone"},
    {"event.description", NULL},     {"event.event-id", NULL},      {"event.event-type", NULL},
    {"event.not-after", NULL},       {"event.not-before", NULL},
    {"volume-status.details-name", "VolumeStatus.Details.Name"},
    {"volume-status.details-status", "VolumeStatus.Details.Status"},
    {"volume-status.status", "VolumeStatus.Status"},
    {NULL, NULL},
};

int ec2_describe_volume_status(svc_call *c)
{
    /* described first, then read as statuses: the filters apply to those */
    json_t *saved = json_incref(json_object_get(c->input, "Filters"));
    json_object_del(c->input, "Filters");
    json_t *vols = selected(c, volume_filters, "volumeSet");
    if (saved)
        json_object_set_new(c->input, "Filters", saved);
    if (!vols)
        return -1;
    GPtrArray *filters = ec2_filters_from(c, status_filters);
    if (!filters) {
        json_decref(vols);
        return -1;
    }
    json_t *out = json_array();
    size_t i;
    json_t *v;
    json_array_foreach(vols, i, v) {
        json_t *s = json_pack("{s:O, s:O, s:{s:s, s:[{s:s, s:s}, {s:s, s:s}]}, s:[], s:[]}", "VolumeId",
                              json_object_get(v, "VolumeId"), "AvailabilityZone", json_object_get(v, "AvailabilityZone"),
                              "VolumeStatus", "Status", "ok", "Details", "Name", "io-enabled", "Status", "passed", "Name",
                              "io-performance", "Status", "not-applicable", "Actions", "Events");
        if (ec2_filters_match(filters, status_filters, s))
            json_array_append(out, s);
        json_decref(s);
    }
    json_decref(vols);
    ec2_filters_free(filters);
    return ec2_page_out(c, out, "VolumeStatuses", 5, 1000);
}

/* /dev/sd[f-p], /dev/xvd[a-z]..., xvdf, sdf: what Linux and Windows
 * instances take as device names. */
static bool device_ok(const char *d)
{
    const char *p = g_str_has_prefix(d, "/dev/") ? d + 5 : d;
    if (g_str_has_prefix(p, "xvd"))
        p += 3;
    else if (g_str_has_prefix(p, "sd"))
        p += 2;
    else
        return false;
    size_t n = strlen(p);
    return n >= 1 && n <= 3 && g_ascii_islower(p[0]) && (n == 1 || strspn(p + 1, "abcdefghijklmnopqrstuvwxyz0123456789") == n - 1);
}

int ec2_attach_volume(svc_call *c)
{
    ec2_state *st = c->state;
    const char *iid = svc_str(c->input, "InstanceId");
    const char *dev = svc_str(c->input, "Device");
    if (!ec2_id_ok(iid, "i-"))
        return aws_error_set(&c->err, "InvalidInstanceID.Malformed", "Invalid id: \"%s\"", iid);
    ec2_volume *v = named(c);
    if (!v)
        return -1;
    if (!device_ok(dev))
        return aws_error_set(&c->err, "InvalidParameterValue",
                             "Value (%s) for parameter device is invalid. %s is not a valid EBS device name.", dev, dev);
    ec2_instance *in = ec2_state_get(st, iid, c->now_ms);
    if (!in || in->state == EC2_TERMINATED)
        return aws_error_set(&c->err, "InvalidInstanceID.NotFound", "The instance ID '%s' does not exist", iid);
    if (v->instance_id)
        return aws_error_set(&c->err, "VolumeInUse", "%s is already attached to an instance", v->id);
    if (strcmp(vstate(c, v), "available") != 0)
        return aws_error_set(&c->err, "IncorrectState", "The volume '%s' is not in the 'available' state.", v->id);
    if (strcmp(v->az, in->az) != 0)
        return aws_error_set(&c->err, "InvalidVolume.ZoneMismatch",
                             "The volume '%s' is not in the same availability zone as instance '%s'", v->id, in->id);
    if (in->state != EC2_RUNNING && in->state != EC2_STOPPED)
        return aws_error_set(&c->err, "IncorrectState", "Instance '%s' is not 'running'.", in->id);
    GHashTable *by = ec2_volumes_by_instance(st, c->now_ms);
    GPtrArray *has = g_hash_table_lookup(by, in->id);
    for (guint i = 0; has && i < has->len; i++) {
        if (strcmp(((ec2_volume *)g_ptr_array_index(has, i))->device, dev) == 0) {
            g_hash_table_destroy(by);
            return aws_error_set(&c->err, "InvalidParameterValue",
                                 "Invalid value '%s' for unixDevice. Attachment point %s is already in use", dev, dev);
        }
    }
    g_hash_table_destroy(by);
    if (ec2_dry_run(c))
        return -1;
    v->instance_id = g_strdup(in->id);
    v->device = g_strdup(dev);
    v->attach_ms = transition_start(c);
    v->delete_on_termination = false;
    c->output = attachment_json(c, v, "attaching");
    set_resource(c, v->id);
    return 0;
}

int ec2_detach_volume(svc_call *c)
{
    ec2_state *st = c->state;
    const char *iid = svc_str(c->input, "InstanceId");
    const char *dev = svc_str(c->input, "Device");
    if (iid && !ec2_id_ok(iid, "i-"))
        return aws_error_set(&c->err, "InvalidInstanceID.Malformed", "Invalid id: \"%s\"", iid);
    ec2_volume *v = named(c);
    if (!v)
        return -1;
    if (!v->instance_id)
        return aws_error_set(&c->err, "IncorrectState", "Volume '%s' is in the '%s' state.", v->id, vstate(c, v));
    if ((iid && strcmp(iid, v->instance_id) != 0) || (dev && strcmp(dev, v->device) != 0))
        return aws_error_set(&c->err, "InvalidAttachment.NotFound",
                             "Volume '%s' can not be detached from '%s' because it is not attached", v->id,
                             iid ? iid : v->instance_id);
    ec2_instance *in = ec2_state_get(st, v->instance_id, c->now_ms);
    const char *root = in ? svc_str(in->params, "RootDeviceName") : NULL;
    if (in && in->state != EC2_STOPPED && strcmp(v->device, root ? root : "/dev/xvda") == 0)
        return aws_error_set(&c->err, "OperationNotPermitted", "Unable to detach root volume '%s' from instance '%s'",
                             v->id, v->instance_id);
    if (ec2_dry_run(c))
        return -1;
    c->output = attachment_json(c, v, "detaching");
    set_resource(c, v->id);
    detach(v);
    return 0;
}

int ec2_delete_volume(svc_call *c)
{
    ec2_state *st = c->state;
    ec2_volume *v = named(c);
    if (!v)
        return -1;
    if (v->instance_id)
        return aws_error_set(&c->err, "VolumeInUse", "Volume %s is currently attached to %s", v->id, v->instance_id);
    if (ec2_dry_run(c))
        return -1;
    set_resource(c, v->id);
    g_hash_table_remove(st->volumes->by_id, v->id);
    return 0;
}

int ec2_modify_volume(svc_call *c)
{
    json_t *in = c->input;
    ec2_volume *v = named(c);
    if (!v)
        return -1;
    int64_t size = int_or(in, "Size", v->size);
    const char *type = svc_str(in, "VolumeType") ? svc_str(in, "VolumeType") : v->type;
    bool same_type = strcmp(type, v->type) == 0;
    int64_t iops = int_or(in, "Iops", same_type && strcmp(type, "gp2") != 0 ? v->iops : 0);
    int64_t tp = int_or(in, "Throughput", same_type ? v->throughput : 0);
    if (size < v->size)
        return aws_error_set(&c->err, "InvalidParameterValue", "New size cannot be smaller than existing size");
    if (check_spec(c, type, size, &iops, &tp) != 0 || ec2_dry_run(c))
        return -1;
    json_t *mod = json_pack("{s:s, s:s, s:I, s:I, s:s, s:I, s:I, s:s, s:I, s:I, s:I}", "VolumeId", v->id,
                            "ModificationState", "modifying", "TargetSize", (json_int_t)size, "TargetIops",
                            (json_int_t)iops, "TargetVolumeType", type, "TargetThroughput", (json_int_t)tp,
                            "OriginalSize", (json_int_t)v->size, "OriginalVolumeType", v->type, "OriginalIops",
                            (json_int_t)v->iops, "Progress", (json_int_t)0, "StartTime", (json_int_t)(c->now_ms / 1000));
    if (!tp)
        json_object_del(mod, "TargetThroughput");
    char *new_type = g_strdup(type); /* type may be v->type itself */
    g_free(v->type);
    v->type = new_type;
    v->size = size;
    v->iops = iops;
    v->throughput = tp;
    c->output = json_pack("{s:o}", "VolumeModification", mod);
    set_resource(c, v->id);
    return 0;
}

/* ---- fixtures ---- */

static const char *const volume_fields[] = {"id", "availability_zone", "size", "type", "iops", "throughput",
                                            "encrypted", "kms_key_id", "snapshot_id", "tags", "instance_id",
                                            "device", "delete_on_termination", "created_ms", "attached_ms", NULL};

int ec2_volumes_load(ec2_state *st, json_t *list, int64_t now_ms, char *err, size_t errlen)
{
    if (!json_is_array(list)) {
        g_snprintf(err, errlen, "\"volumes\" must be a list");
        return -1;
    }
    size_t i;
    json_t *o;
    json_array_foreach(list, i, o) {
        const char *k;
        json_t *x;
        if (!json_is_object(o)) {
            g_snprintf(err, errlen, "volumes[%zu] must be an object", i);
            return -1;
        }
        json_object_foreach(o, k, x) {
            if (!g_strv_contains(volume_fields, k)) {
                g_snprintf(err, errlen, "volumes[%zu]: unknown field \"%s\"", i, k);
                return -1;
            }
        }
        const char *id = svc_str(o, "id");
        const char *type = svc_str(o, "type") ? svc_str(o, "type") : "gp2";
        const char *iid = svc_str(o, "instance_id");
        if (!ec2_id_ok(id, "vol-") || g_hash_table_contains(st->volumes->by_id, id)) {
            g_snprintf(err, errlen, "volumes[%zu].id must be a new vol- id", i);
            return -1;
        }
        if (!vtype_of(type) || int_or(o, "size", 8) < 1) {
            g_snprintf(err, errlen, "volumes[%zu]: type must be gp2, gp3, io1, io2, st1, sc1 or standard, size >= 1",
                       i);
            return -1;
        }
        if (iid && !g_hash_table_contains(st->by_id, iid)) {
            g_snprintf(err, errlen, "volumes[%zu].instance_id %s is not an instance of the fixture", i, iid);
            return -1;
        }
        const char *az = svc_str(o, "availability_zone");
        ec2_instance *owner = iid ? g_hash_table_lookup(st->by_id, iid) : NULL;
        ec2_volume *v = volume_add(st->volumes, id, az ? az : owner ? owner->az : "us-east-1a", type,
                                   int_or(o, "size", 8), int_or(o, "created_ms", now_ms - st->tr.pending_ms));
        v->iops = int_or(o, "iops", 0);
        v->throughput = int_or(o, "throughput", 0);
        v->encrypted = svc_true(o, "encrypted");
        v->kms_key_id = g_strdup(svc_str(o, "kms_key_id"));
        v->snapshot_id = g_strdup(svc_str(o, "snapshot_id"));
        if (json_is_object(json_object_get(o, "tags")))
            json_object_update(v->tags, json_object_get(o, "tags"));
        if (owner) {
            v->instance_id = g_strdup(iid);
            v->device = g_strdup(svc_str(o, "device") ? svc_str(o, "device") : "/dev/xvda");
            v->attach_ms = int_or(o, "attached_ms", owner->launch_ms);
            v->delete_on_termination = svc_true(o, "delete_on_termination");
        }
    }
    return 0;
}

json_t *ec2_volumes_dump(const ec2_volumes *vs)
{
    GPtrArray *all = ec2_hash_values(vs->by_id);
    g_ptr_array_sort(all, seq_cmp);
    json_t *out = json_array();
    for (guint i = 0; i < all->len; i++) {
        const ec2_volume *v = g_ptr_array_index(all, i);
        json_t *o = json_pack("{s:s, s:s, s:I, s:s, s:I, s:I, s:b, s:O, s:I}", "id", v->id, "availability_zone", v->az,
                              "size", (json_int_t)v->size, "type", v->type, "iops", (json_int_t)v->iops, "throughput",
                              (json_int_t)v->throughput, "encrypted", v->encrypted, "tags", v->tags, "created_ms",
                              (json_int_t)v->create_ms);
        if (v->kms_key_id)
            json_object_set_new(o, "kms_key_id", json_string(v->kms_key_id));
        if (v->snapshot_id)
            json_object_set_new(o, "snapshot_id", json_string(v->snapshot_id));
        if (v->instance_id) {
            json_object_set_new(o, "instance_id", json_string(v->instance_id));
            svc_json_set_bytes(o, "device", v->device, strlen(v->device));
            json_object_set_new(o, "delete_on_termination", json_boolean(v->delete_on_termination));
            json_object_set_new(o, "attached_ms", json_integer(v->attach_ms));
        }
        json_array_append_new(out, o);
    }
    g_ptr_array_free(all, TRUE);
    return out;
}
