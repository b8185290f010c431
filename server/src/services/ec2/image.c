#include "services/ec2/image.h"

#include <string.h>

#include "services/ec2/common.h"
#include "services/ec2/instance.h"
#include "services/ec2/volume.h"
#include "services/svc_api.h"

#define AMAZON "137112412989"     /* Amazon Linux */
#define WINDOWS "801119661308"    /* Windows Server ("amazon") */
#define CANONICAL "099720109477"
#define DEBIAN "136693071363"

/* The catalogue: what DescribeImages gives for these names on AWS today,
 * one older Amazon Linux 2023 release too, so that "the most recent" is a
 * choice. */
static const struct catalogued {
    const char *name, *owner, *alias, *arch, *root, *vtype, *description, *created;
    int size;
    bool windows;
} catalogue[] = {
    {"al2023-ami-2023.6.20241212.0-kernel-6.1-x86_64", AMAZON, "amazon", "x86_64", "/dev/xvda", "gp3",
     "Amazon Linux 2023 AMI 2023.6.20241212.0 x86_64 HVM kernel-6.1", "2024-12-11T20:37:10.000Z", 8, false},
    {"al2023-ami-2023.6.20241212.0-kernel-6.1-arm64", AMAZON, "amazon", "arm64", "/dev/xvda", "gp3",
     "Amazon Linux 2023 AMI 2023.6.20241212.0 arm64 HVM kernel-6.1", "2024-12-11T20:37:11.000Z", 8, false},
    {"al2023-ami-2023.6.20241121.0-kernel-6.1-x86_64", AMAZON, "amazon", "x86_64", "/dev/xvda", "gp3",
     "Amazon Linux 2023 AMI 2023.6.20241121.0 x86_64 HVM kernel-6.1", "2024-11-20T19:04:01.000Z", 8, false},
    {"amzn2-ami-hvm-2.0.20241217.0-x86_64-gp2", AMAZON, "amazon", "x86_64", "/dev/xvda", "gp2",
     "Amazon Linux 2 AMI 2.0.20241217.0 x86_64 HVM gp2", "2024-12-17T23:15:38.000Z", 8,
     false},
    {"ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20241206", CANONICAL, NULL, "x86_64", "/dev/sda1",
     "gp2", "Canonical, Ubuntu, 22.04 LTS, amd64 jammy image build on 2024-12-06", "2024-12-06T09:21:43.000Z", 8, false},
    {"ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20241206", CANONICAL, NULL, "x86_64",
     "/dev/sda1", "gp3", "Canonical, Ubuntu, 24.04, amd64 noble image", "2024-12-06T08:44:55.000Z", 8, false},
    {"ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-arm64-server-20241206", CANONICAL, NULL, "arm64",
     "/dev/sda1", "gp3", "Canonical, Ubuntu, 24.04, arm64 noble image", "2024-12-06T08:44:57.000Z", 8, false},
    {"debian-12-amd64-20241201-1948", DEBIAN, NULL, "x86_64", "/dev/xvda", "gp2", "Debian 12 (20241201-1948)",
     "2024-12-01T21:11:52.000Z", 8, false},
    {"debian-12-arm64-20241201-1948", DEBIAN, NULL, "arm64", "/dev/xvda", "gp2", "Debian 12 (20241201-1948)",
     "2024-12-01T21:12:10.000Z", 8, false},
    {"Windows_Server-2022-English-Full-Base-2024.12.13", WINDOWS, "amazon", "x86_64", "/dev/sda1", "gp2",
     "Microsoft Windows Server 2022 Full Locale English AMI provided by Amazon", "2024-12-13T05:55:22.000Z", 30, true},
};

/* An image the account made: as described, without State. */
typedef struct own_image {
    json_t *desc;      /* the image as DescribeImages shows it, without State and Tags */
    json_t *tags;      /* {key: value}: CreateImage's, then CreateTags / DeleteTags */
    int64_t created_ms;
} own_image;

struct ec2_images {
    GHashTable *own; /* id -> own_image*, owned */
    GQueue order;    /* own_image*, creation order (borrowed) */
};

static void own_free(gpointer p)
{
    own_image *o = p;
    json_decref(o->desc);
    json_decref(o->tags);
    g_free(o);
}

ec2_images *ec2_images_new(void)
{
    ec2_images *im = g_new0(ec2_images, 1);
    im->own = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, own_free);
    g_queue_init(&im->order);
    return im;
}

void ec2_images_free(ec2_images *im)
{
    if (!im)
        return;
    g_queue_clear(&im->order);
    g_hash_table_destroy(im->own);
    g_free(im);
}

/* desc: stolen; its "Tags" ([{Key, Value}]) become the image's tags. */
static void own_add(ec2_images *im, json_t *desc, int64_t created_ms)
{
    own_image *o = g_new0(own_image, 1);
    o->desc = desc;
    o->tags = json_object();
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(desc, "Tags"), i, t) {
        const char *k = svc_str(t, "Key");
        if (k)
            json_object_set_new(o->tags, k, json_string(svc_str(t, "Value") ? svc_str(t, "Value") : ""));
    }
    json_object_del(desc, "Tags");
    o->created_ms = created_ms;
    g_hash_table_replace(im->own, g_strdup(svc_str(desc, "ImageId")), o);
    g_queue_push_tail(&im->order, o);
}

/* The image's description with its tags (new reference): what a clone or a
 * dump starts from. */
static json_t *own_desc(const own_image *o)
{
    json_t *d = json_deep_copy(o->desc);
    if (json_object_size(o->tags))
        json_object_set_new(d, "Tags", ec2_tags_json(o->tags));
    return d;
}

ec2_images *ec2_images_clone(const ec2_images *im)
{
    ec2_images *c = ec2_images_new();
    for (GList *l = im->order.head; l; l = l->next) {
        const own_image *o = l->data;
        own_add(c, own_desc(o), o->created_ms);
    }
    return c;
}

GPtrArray *ec2_image_ids(ec2_images *im) { return ec2_hash_keys(im->own); }

json_t *ec2_image_tags(ec2_images *im, const char *id)
{
    own_image *o = g_hash_table_lookup(im->own, id);
    return o ? o->tags : NULL;
}

static char *derived(const char *prefix, const char *kind, const char *region, const char *name)
{
    char material[512], hex[18];
    g_snprintf(material, sizeof material, "%s/%s/%s", kind, region, name);
    ec2_derive_hex(hex, 17, material);
    return g_strconcat(prefix, hex, NULL);
}

static json_t *catalogue_json(const char *region, const struct catalogued *e)
{
    char *id = derived("ami-", "ami", region, e->name);
    char *snap = derived("snap-", "snap", region, e->name);
    char *location = g_strdup_printf("%s/%s", e->alias ? e->alias : e->owner, e->name);
    json_t *o = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:s, s:s, s:[{s:s, s:{s:b, s:s, s:i, s:s, s:b}}], s:s, s:b,"
        " s:s, s:s, s:s, s:s, s:s, s:s}",
        "Architecture", e->arch, "CreationDate", e->created, "ImageId", id, "ImageLocation", location, "ImageType",
        "machine", "Public", 1, "OwnerId", e->owner, "PlatformDetails", e->windows ? "Windows" : "Linux/UNIX",
        "UsageOperation", e->windows ? "RunInstances:0002" : "RunInstances", "State", "available",
        "BlockDeviceMappings", "DeviceName", e->root, "Ebs", "DeleteOnTermination", 1, "SnapshotId", snap,
        "VolumeSize", e->size, "VolumeType", e->vtype, "Encrypted", 0, "Description", e->description, "EnaSupport", 1,
        "Hypervisor", "xen", "Name", e->name, "RootDeviceName", e->root, "RootDeviceType", "ebs", "SriovNetSupport",
        "simple", "VirtualizationType", "hvm");
    if (e->alias)
        json_object_set_new(o, "ImageOwnerAlias", json_string(e->alias));
    if (e->windows)
        json_object_set_new(o, "Platform", json_string("windows"));
    json_object_set_new(o, "BootMode", json_string(e->windows ? "uefi" : strcmp(e->arch, "arm64") == 0 ? "uefi" : "uefi-preferred"));
    json_object_set_new(o, "ImdsSupport", json_string("v2.0"));
    g_free(id);
    g_free(snap);
    g_free(location);
    return o;
}

char *ec2_image_catalogue_id(const char *region, const char *name)
{
    for (size_t i = 0; i < G_N_ELEMENTS(catalogue); i++)
        if (strcmp(catalogue[i].name, name) == 0)
            return derived("ami-", "ami", region, name);
    return NULL;
}

static json_t *own_json(svc_call *c, const own_image *o)
{
    json_t *d = own_desc(o);
    ec2_state *st = c->state;
    json_object_set_new(d, "State", json_string(c->now_ms - o->created_ms < st->tr.pending_ms ? "pending" : "available"));
    return d;
}

json_t *ec2_image_find(svc_call *c, const char *id)
{
    ec2_state *st = c->state;
    own_image *o = g_hash_table_lookup(st->images->own, id);
    if (o)
        return own_json(c, o);
    if (!g_str_has_prefix(id, "ami-"))
        return NULL;
    for (size_t i = 0; i < G_N_ELEMENTS(catalogue); i++) {
        char *cid = derived("ami-", "ami", c->region, catalogue[i].name);
        bool hit = strcmp(cid, id) == 0;
        g_free(cid);
        if (hit)
            return catalogue_json(c->region, &catalogue[i]);
    }
    return NULL;
}

static bool holds(json_t *img, const char *snap)
{
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(img, "BlockDeviceMappings"), i, m) if (
        g_strcmp0(svc_str(json_object_get(m, "Ebs"), "SnapshotId"), snap) == 0) return true;
    return false;
}

json_t *ec2_image_with_snapshot(svc_call *c, const char *snap)
{
    ec2_state *st = c->state;
    for (GList *l = st->images->order.head; l; l = l->next)
        if (holds(((own_image *)l->data)->desc, snap))
            return own_json(c, l->data);
    for (size_t i = 0; i < G_N_ELEMENTS(catalogue); i++) {
        json_t *img = catalogue_json(c->region, &catalogue[i]);
        if (holds(img, snap))
            return img;
        json_decref(img);
    }
    return NULL;
}

/* ---- DescribeImages ---- */

static const ec2_filter_path image_filters[] = {
    {"architecture", "Architecture"},
    {"block-device-mapping.delete-on-termination", "BlockDeviceMappings.Ebs.DeleteOnTermination"},
    {"block-device-mapping.device-name", "BlockDeviceMappings.DeviceName"},
    {"block-device-mapping.snapshot-id", "BlockDeviceMappings.Ebs.SnapshotId"},
    {"block-device-mapping.volume-size", "BlockDeviceMappings.Ebs.VolumeSize"},
    {"block-device-mapping.volume-type", "BlockDeviceMappings.Ebs.VolumeType"},
    {"block-device-mapping.encrypted", "BlockDeviceMappings.Ebs.Encrypted"},
    {"creation-date", "CreationDate"},
    {"description", "Description"},
    {"ena-support", "EnaSupport"},
    {"free-tier-eligible", "FreeTierEligible"},
    {"hypervisor", "Hypervisor"},
    {"image-allowed", "ImageAllowed"},
    {"image-id", "ImageId"},
    {"image-watermark.source-image-creation-time", NULL},
    {"image-watermark.source-image-id", NULL},
    {"image-watermark.source-image-region", NULL},
    {"image-watermark.watermark-creation-time", NULL},
    {"image-watermark.watermark-key", NULL},
    {"image-type", "ImageType"},
    {"is-public", "Public"},
    {"kernel-id", "KernelId"},
    {"manifest-location", "ImageLocation"},
    {"name", "Name"},
    {"owner-alias", "ImageOwnerAlias"},
    {"owner-id", "OwnerId"},
    {"platform", "Platform"},
    {"product-code", "ProductCodes.ProductCodeId"},
    {"product-code.type", "ProductCodes.ProductCodeType"},
    {"public-ssm-parameter-name", NULL},
    {"ramdisk-id", "RamdiskId"},
    {"root-device-name", "RootDeviceName"},
    {"root-device-type", "RootDeviceType"},
    {"source-image-id", "SourceImageId"},
    {"source-image-region", "SourceImageRegion"},
    {"source-instance-id", "SourceInstanceId"},
    {"state", "State"},
    {"state-reason-code", "StateReason.Code"},
    {"state-reason-message", "StateReason.Message"},
    {"sriov-net-support", "SriovNetSupport"},
    {"virtualization-type", "VirtualizationType"},
    {NULL, NULL},
};

/* Whether img is one of the Owners named (account ids, amazon,
 * aws-marketplace, self); no Owners: every image. */
static bool owned_by(svc_call *c, json_t *img, json_t *owners)
{
    if (!json_array_size(owners))
        return true;
    size_t i;
    json_t *v;
    json_array_foreach(owners, i, v) {
        const char *o = json_string_value(v);
        if (!o)
            continue;
        if (strcmp(o, "self") == 0 ? strcmp(svc_str(img, "OwnerId"), c->account) == 0
            : strcmp(o, "amazon") == 0 || strcmp(o, "aws-marketplace") == 0
                ? g_strcmp0(svc_str(img, "ImageOwnerAlias"), o) == 0
                : strcmp(svc_str(img, "OwnerId"), o) == 0)
            return true;
    }
    return false;
}

/* ExecutableUsers: "all" takes public images, "self" or the account the
 * ones it may launch (its own and the public ones). */
static bool launchable_by(svc_call *c, json_t *img, json_t *users)
{
    if (!json_array_size(users))
        return true;
    size_t i;
    json_t *v;
    json_array_foreach(users, i, v) {
        const char *u = json_string_value(v);
        bool pub = json_is_true(json_object_get(img, "Public"));
        if (strcmp(u, "all") == 0 ? pub
            : strcmp(u, "self") == 0 || strcmp(u, c->account) == 0
                ? pub || strcmp(svc_str(img, "OwnerId"), c->account) == 0
                : pub)
            return true;
    }
    return false;
}

static int check_owners(svc_call *c, json_t *owners)
{
    size_t i;
    json_t *v;
    json_array_foreach(owners, i, v) {
        const char *o = json_string_value(v);
        if (strcmp(o, "self") && strcmp(o, "amazon") && strcmp(o, "aws-marketplace") &&
            !(strlen(o) == 12 && strspn(o, "0123456789") == 12))
            return aws_error_set(&c->err, "InvalidUserID.Malformed", "Invalid user id: \"%s\"", o);
    }
    return 0;
}

static int not_found(svc_call *c, GPtrArray *missing)
{
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < missing->len; i++)
        g_string_append_printf(s, "%s%s", i ? ", " : "", (char *)g_ptr_array_index(missing, i));
    if (missing->len == 1)
        aws_error_set(&c->err, "InvalidAMIID.NotFound", "The image id '[%s]' does not exist", s->str);
    else
        aws_error_set(&c->err, "InvalidAMIID.NotFound", "The image ids '[%s]' do not exist", s->str);
    g_string_free(s, TRUE);
    return -1;
}

static int malformed(svc_call *c, const char *id)
{
    return aws_error_set(&c->err, "InvalidAMIID.Malformed", "Invalid id: \"%s\" (expecting \"ami-...\")", id);
}

int ec2_describe_images(svc_call *c)
{
    ec2_state *st = c->state;
    json_t *ids = json_object_get(c->input, "ImageIds");
    json_t *owners = json_object_get(c->input, "Owners");
    json_t *users = json_object_get(c->input, "ExecutableUsers");
    size_t i;
    json_t *v;
    json_array_foreach(ids, i, v) if (!ec2_id_ok(json_string_value(v), "ami-")) return malformed(c, json_string_value(v));
    if (json_array_size(ids) && json_object_get(c->input, "MaxResults"))
        return aws_error_set(&c->err, "InvalidParameterCombination",
                             "The parameter imagesSet cannot be used with the parameter maxResults");
    if (check_owners(c, owners) != 0)
        return -1;
    GPtrArray *filters = ec2_filters_from(c, image_filters);
    if (!filters)
        return -1;
    if (ec2_dry_run(c)) {
        ec2_filters_free(filters);
        return -1;
    }
    json_t *all = json_array();
    if (json_array_size(ids)) {
        GPtrArray *missing = g_ptr_array_new();
        GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
        json_array_foreach(ids, i, v) {
            if (!g_hash_table_add(seen, (gpointer)json_string_value(v)))
                continue;
            json_t *img = ec2_image_find(c, json_string_value(v));
            if (img)
                json_array_append_new(all, img);
            else
                g_ptr_array_add(missing, (gpointer)json_string_value(v));
        }
        g_hash_table_destroy(seen);
        if (missing->len) {
            not_found(c, missing);
            g_ptr_array_free(missing, TRUE);
            json_decref(all);
            ec2_filters_free(filters);
            return -1;
        }
        g_ptr_array_free(missing, TRUE);
    } else {
        for (size_t k = 0; k < G_N_ELEMENTS(catalogue); k++)
            json_array_append_new(all, catalogue_json(c->region, &catalogue[k]));
        for (GList *l = st->images->order.head; l; l = l->next)
            json_array_append_new(all, own_json(c, l->data));
    }
    /* nothing in the catalogue is deprecated: IncludeDeprecated changes nothing */
    json_t *kept = json_array();
    json_array_foreach(all, i, v) {
        if (owned_by(c, v, owners) && launchable_by(c, v, users) && ec2_filters_match(filters, image_filters, v))
            json_array_append(kept, v);
    }
    json_decref(all);
    ec2_filters_free(filters);
    return ec2_page_out(c, kept, "Images", 1, 1000);
}

/* ---- CreateImage / DeregisterImage / DescribeImageAttribute ---- */

/* 3 to 128 of letters, digits and ()[] ./-'@_ */
static bool name_ok(const char *name)
{
    size_t n = strlen(name);
    return n >= 3 && n <= 128 &&
           strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789()[] ./-'@_") == n;
}

int ec2_create_image(svc_call *c)
{
    ec2_state *st = c->state;
    const char *iid = svc_str(c->input, "InstanceId");
    const char *name = svc_str(c->input, "Name");
    if (!ec2_id_ok(iid, "i-"))
        return aws_error_set(&c->err, "InvalidInstanceID.Malformed", "Invalid id: \"%s\"", iid);
    if (!name_ok(name))
        return aws_error_set(&c->err, "InvalidAMIName.Malformed",
                             "AMI names must be between 3 and 128 characters long, and may contain letters, "
                             "numbers, '(', ')', '.', '-', '/' and '_'");
    json_t *tags = ec2_spec_tags(c, c->input, "image");
    if (!tags)
        return -1;
    ec2_instance *in = ec2_state_get(st, iid, c->now_ms);
    int rc = -1;
    if (!in) {
        aws_error_set(&c->err, "InvalidInstanceID.NotFound", "The instance ID '%s' does not exist", iid);
        goto out;
    }
    if (in->state != EC2_RUNNING && in->state != EC2_STOPPED) {
        aws_error_set(&c->err, "IncorrectInstanceState",
                      "The instance '%s' is not in a state from which it can be imaged.", iid);
        goto out;
    }
    for (GList *l = st->images->order.head; l; l = l->next) {
        json_t *d = ((own_image *)l->data)->desc;
        if (strcmp(svc_str(d, "Name"), name) == 0) {
            aws_error_set(&c->err, "InvalidAMIName.Duplicate", "AMI name %s is already in use by AMI %s", name,
                          svc_str(d, "ImageId"));
            goto out;
        }
    }
    if (ec2_dry_run(c))
        goto out;
    char id[32];
    do
        ec2_new_id(c, "ami-", id, sizeof id);
    while (g_hash_table_contains(st->images->own, id));
    /* a snapshot of each volume the instance has */
    json_t *bdm = json_array();
    GHashTable *by = ec2_volumes_by_instance(st, c->now_ms);
    GPtrArray *vols = g_hash_table_lookup(by, in->id);
    for (guint i = 0; vols && i < vols->len; i++) {
        ec2_volume *v = g_ptr_array_index(vols, i);
        char snap[32];
        ec2_new_id(c, "snap-", snap, sizeof snap);
        json_t *ebs = json_pack("{s:b, s:s, s:I, s:s, s:b}", "DeleteOnTermination", v->delete_on_termination,
                                "SnapshotId", snap, "VolumeSize", (json_int_t)v->size, "VolumeType", v->type,
                                "Encrypted", v->encrypted);
        if (v->iops && strcmp(v->type, "gp2") != 0)
            json_object_set_new(ebs, "Iops", json_integer(v->iops));
        if (v->throughput)
            json_object_set_new(ebs, "Throughput", json_integer(v->throughput));
        json_array_append_new(bdm, json_pack("{s:s, s:o}", "DeviceName", v->device, "Ebs", ebs));
    }
    g_hash_table_destroy(by);
    char *created = ec2_iso_time(c->now_ms / 1000);
    char *location = g_strdup_printf("%s/%s", c->account, name);
    json_t *p = in->params;
    const char *platform = svc_str(p, "Platform");
    json_t *desc = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:s, s:o, s:s, s:b, s:s, s:s, s:s, s:s, s:s,"
                             " s:s, s:s}",
                             "Architecture", svc_str(p, "Architecture") ? svc_str(p, "Architecture") : "x86_64",
                             "CreationDate", created, "ImageId", id, "ImageLocation", location, "ImageType",
                             "machine", "Public", 0, "OwnerId", c->account, "PlatformDetails",
                             platform ? "Windows" : "Linux/UNIX", "UsageOperation",
                             platform ? "RunInstances:0002" : "RunInstances", "BlockDeviceMappings", bdm,
                             "Description", svc_str(c->input, "Description") ? svc_str(c->input, "Description") : "",
                             "EnaSupport", 1, "Hypervisor", "xen", "Name", name, "RootDeviceName",
                             svc_str(p, "RootDeviceName") ? svc_str(p, "RootDeviceName") : "/dev/xvda",
                             "RootDeviceType", "ebs", "SriovNetSupport", "simple", "VirtualizationType", "hvm",
                             "SourceInstanceId", in->id);
    g_free(created);
    g_free(location);
    if (platform)
        json_object_set_new(desc, "Platform", json_string(platform));
    if (json_object_size(tags))
        json_object_set_new(desc, "Tags", ec2_tags_json(tags));
    /* --transitions instant: available at once, as if made pending_ms ago */
    own_add(st->images, desc, svc_transitions_instant(c) ? c->now_ms - st->tr.pending_ms : c->now_ms);
    c->output = json_pack("{s:s}", "ImageId", id);
    g_free(c->resource);
    c->resource = g_strdup(id);
    rc = 0;
out:
    json_decref(tags);
    return rc;
}

/* The account's own image named by the input's ImageId; NULL with c->err
 * set (Malformed, NotFound, or AuthFailure for another owner's). */
static own_image *own_named(svc_call *c)
{
    ec2_state *st = c->state;
    const char *id = svc_str(c->input, "ImageId");
    if (!ec2_id_ok(id, "ami-")) {
        malformed(c, id);
        return NULL;
    }
    own_image *o = g_hash_table_lookup(st->images->own, id);
    if (o)
        return o;
    json_t *img = ec2_image_find(c, id);
    if (img)
        aws_error_set_status(&c->err, 401, "AuthFailure", "Not authorized for image:%s", id);
    else
        aws_error_set(&c->err, "InvalidAMIID.NotFound", "The image id '[%s]' does not exist", id);
    json_decref(img);
    return NULL;
}

int ec2_deregister_image(svc_call *c)
{
    ec2_state *st = c->state;
    own_image *o = own_named(c);
    if (!o || ec2_dry_run(c))
        return -1;
    g_queue_remove(&st->images->order, o);
    g_hash_table_remove(st->images->own, svc_str(o->desc, "ImageId"));
    c->output = json_pack("{s:b}", "Return", 1);
    return 0;
}

int ec2_describe_image_attribute(svc_call *c)
{
    const char *attr = svc_str(c->input, "Attribute");
    own_image *o = own_named(c);
    if (!o || ec2_dry_run(c))
        return -1;
    json_t *d = o->desc;
    c->output = json_pack("{s:s}", "ImageId", svc_str(d, "ImageId"));
    static const char *const values[][2] = {
        {"description", "Description"}, {"kernel", "KernelId"}, {"ramdisk", "RamdiskId"},
        {"sriovNetSupport", "SriovNetSupport"}, {"bootMode", "BootMode"}, {"tpmSupport", "TpmSupport"},
        {"uefiData", "UefiData"}, {"lastLaunchedTime", "LastLaunchedTime"}, {"imdsSupport", "ImdsSupport"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(values); i++) {
        if (strcmp(attr, values[i][0]) != 0)
            continue;
        json_t *v = json_object_get(d, values[i][1]);
        json_object_set_new(c->output, values[i][1], v ? json_pack("{s:O}", "Value", v) : json_object());
        return 0;
    }
    if (strcmp(attr, "launchPermission") == 0)
        json_object_set_new(c->output, "LaunchPermissions", json_array());
    else if (strcmp(attr, "productCodes") == 0)
        json_object_set_new(c->output, "ProductCodes", json_array());
    else if (strcmp(attr, "blockDeviceMapping") == 0)
        json_object_set(c->output, "BlockDeviceMappings", json_object_get(d, "BlockDeviceMappings"));
    else if (strcmp(attr, "deregistrationProtection") == 0)
        json_object_set_new(c->output, "DeregistrationProtection", json_pack("{s:s}", "Value", "disabled"));
    return 0;
}

/* ---- fixtures ---- */

int ec2_images_load(ec2_images *im, json_t *list, char *err, size_t errlen)
{
    if (!json_is_array(list)) {
        g_snprintf(err, errlen, "\"images\" must be a list");
        return -1;
    }
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v) {
        json_t *d = json_object_get(v, "image");
        json_t *at = json_object_get(v, "created_ms");
        const char *id = svc_str(d, "ImageId");
        if (!json_is_object(d) || !ec2_id_ok(id, "ami-") || !svc_str(d, "Name") || !svc_str(d, "OwnerId") ||
            (at && !json_is_integer(at)) || json_object_size(v) != 1u + (at != NULL)) {
            g_snprintf(err, errlen,
                       "images[%zu] must be {\"image\": {\"ImageId\": \"ami-...\", \"Name\", \"OwnerId\", ...}, "
                       "\"created_ms\": N}",
                       i);
            return -1;
        }
        if (g_hash_table_contains(im->own, id)) {
            g_snprintf(err, errlen, "images[%zu]: image %s already exists", i, id);
            return -1;
        }
        json_t *copy = json_deep_copy(d);
        json_object_del(copy, "State");
        own_add(im, copy, json_integer_value(at));
    }
    return 0;
}

json_t *ec2_images_dump(const ec2_images *im)
{
    if (!im->order.length)
        return NULL;
    json_t *out = json_array();
    for (GList *l = im->order.head; l; l = l->next) {
        const own_image *o = l->data;
        json_array_append_new(out, json_pack("{s:o, s:I}", "image", own_desc(o), "created_ms", (json_int_t)o->created_ms));
    }
    return out;
}
