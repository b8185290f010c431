/* image: EC2 images (AMIs) of one account and region, and the image
 * operations (DescribeImages, CreateImage, DeregisterImage,
 * DescribeImageAttribute).
 *
 * Two kinds: a built-in catalogue of well-known public images (Amazon
 * Linux 2023 and 2, Ubuntu 22.04 and 24.04, Debian 12, Windows Server
 * 2022), the same in every account, whose ami-, snap- ids are derived from
 * the region and the image name so that a test can name them; and the
 * images an account makes with CreateImage, which are pending until the
 * server clock has passed the instances' pending time, like an instance. */
#ifndef MOCKAWS_EC2_IMAGE_H
#define MOCKAWS_EC2_IMAGE_H

#include <jansson.h>
#include <stdint.h>

#include "services/service.h"

typedef struct ec2_images ec2_images;

ec2_images *ec2_images_new(void);
void ec2_images_free(ec2_images *im);
ec2_images *ec2_images_clone(const ec2_images *im);
/* The tags of one of the account's own images ({key: value}, borrowed: what
 * CreateTags and DeleteTags change), NULL for any other id. */
json_t *ec2_image_tags(ec2_images *im, const char *id);
/* The ids of the account's own images (a new array of borrowed strings). */
GPtrArray *ec2_image_ids(ec2_images *im);

/* The image as DescribeImages gives it (new reference), settled to
 * c->now_ms; NULL when region has no such image. */
json_t *ec2_image_find(svc_call *c, const char *id);
/* The image (as described, new reference) one of whose block devices is
 * the snapshot snap, or NULL: snapshots mockaws knows are those. */
json_t *ec2_image_with_snapshot(svc_call *c, const char *snap);
/* The id of the catalogue image named name in region (g_free), or NULL:
 * what tests and fixtures use to name one. */
char *ec2_image_catalogue_id(const char *region, const char *name);

int ec2_describe_images(svc_call *c);
int ec2_create_image(svc_call *c);
int ec2_deregister_image(svc_call *c);
int ec2_describe_image_attribute(svc_call *c);

/* The fixture section's "images": [{"id", "name", "description",
 * "source_instance", "created" (epoch ms), "image": {...as described}}];
 * dump gives what load takes, NULL when the account made none. */
int ec2_images_load(ec2_images *im, json_t *list, char *err, size_t errlen);
json_t *ec2_images_dump(const ec2_images *im);

#endif
