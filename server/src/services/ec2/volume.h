/* volume: EBS volumes of one account and region, the block devices
 * RunInstances gives an instance, and the volume operations (CreateVolume,
 * DescribeVolumes, AttachVolume, DetachVolume, DeleteVolume, ModifyVolume,
 * DescribeVolumeStatus).
 *
 * A volume is "creating" for the instances' pending time, then
 * "available", or "in-use" while attached. No hook runs when an instance
 * settles to terminated: every read of the volumes first settles them
 * against their instances (ec2_volumes_settle), and a volume whose instance
 * is terminated or gone is deleted (DeleteOnTermination) or detached. */
#ifndef MOCKAWS_EC2_VOLUME_H
#define MOCKAWS_EC2_VOLUME_H

#include <glib.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "services/ec2/instance.h"
#include "services/service.h"

typedef struct ec2_volume {
    char id[24]; /* "vol-" + 17 hex digits */
    uint64_t seq;
    char *az;
    char *type;
    char *snapshot_id; /* or NULL */
    char *kms_key_id;  /* or NULL */
    int64_t size;       /* GiB */
    int64_t iops;       /* 0: none (gp2 shows its baseline) */
    int64_t throughput; /* MiB/s, gp3 only, else 0 */
    bool encrypted;
    int64_t create_ms;
    json_t *tags; /* {key: value}, owned */
    /* the attachment: instance_id NULL when none */
    char *instance_id;
    char *device;
    int64_t attach_ms;
    bool delete_on_termination;
} ec2_volume;

typedef struct ec2_volumes ec2_volumes;

ec2_volumes *ec2_volumes_new(void);
void ec2_volumes_free(ec2_volumes *v);
ec2_volumes *ec2_volumes_clone(const ec2_volumes *v);

/* Deletes or detaches the volumes of terminated (or gone) instances. */
void ec2_volumes_settle(ec2_state *st, int64_t now_ms);
/* instance id -> GPtrArray of its ec2_volume* in attach order (borrowed
 * volumes; the table owns the arrays), after settling. */
GHashTable *ec2_volumes_by_instance(ec2_state *st, int64_t now_ms);
/* Every volume, settled, in creation order (borrowed volumes). */
GPtrArray *ec2_volumes_list(ec2_state *st, int64_t now_ms);
/* The volume, or NULL. */
ec2_volume *ec2_volume_lookup(ec2_state *st, const char *id);

/* The block devices a launch gives each instance: the image's mappings
 * (image: as DescribeImages gives it) merged with the request's
 * BlockDeviceMappings by device name, as [{DeviceName, Ebs: {...}}] with
 * every Ebs complete (new reference). NULL with c->err set as EC2 words a
 * mapping it refuses. */
json_t *ec2_bdm_plan(svc_call *c, json_t *image, json_t *request);
/* Creates and attaches the planned volumes of a new instance, tagged. */
void ec2_volumes_launch(svc_call *c, ec2_instance *in, json_t *plan, json_t *tags);
/* The root volume a fixture's instance had before volumes were kept: its
 * id derived from the instance's as it always was. */
void ec2_volumes_fixture_root(ec2_state *st, ec2_instance *in, int64_t now_ms);

/* {"DeviceName", "Ebs": {AttachTime, DeleteOnTermination, Status, VolumeId}}
 * of an attached volume (new reference). */
json_t *ec2_volume_mapping_json(const ec2_volume *v);

int ec2_create_volume(svc_call *c);
int ec2_describe_volumes(svc_call *c);
int ec2_attach_volume(svc_call *c);
int ec2_detach_volume(svc_call *c);
int ec2_delete_volume(svc_call *c);
int ec2_modify_volume(svc_call *c);
int ec2_describe_volume_status(svc_call *c);

/* The fixture section's "volumes": [{"id", "availability_zone", "size",
 * "type", "iops", "throughput", "encrypted", "kms_key_id", "snapshot_id",
 * "tags", "instance_id", "device", "delete_on_termination"}]. Load after
 * the instances. */
int ec2_volumes_load(ec2_state *st, json_t *list, int64_t now_ms, char *err, size_t errlen);
json_t *ec2_volumes_dump(const ec2_volumes *v);

#endif
