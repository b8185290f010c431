/* template: EC2 launch templates of one account and region, their
 * versions, the launch template operations, and what RunInstances takes
 * from a template. */
#ifndef MOCKAWS_EC2_TEMPLATE_H
#define MOCKAWS_EC2_TEMPLATE_H

#include <glib.h>
#include <jansson.h>

#include "services/service.h"

typedef struct ec2_templates ec2_templates;

ec2_templates *ec2_templates_new(void);
void ec2_templates_free(ec2_templates *t);
ec2_templates *ec2_templates_clone(const ec2_templates *t);

/* RunInstances' input with the data of its LaunchTemplate (if any) under
 * the request's own parameters: the request wins, TagSpecifications add up
 * (new reference; the input itself when there is no template). *lt_id and
 * *lt_version (g_free) name the version used, for the instance's
 * aws:ec2launchtemplate tags. NULL with c->err set when the template or
 * version is unknown. */
json_t *ec2_template_merge(svc_call *c, json_t *input, char **lt_id, char **lt_version);

/* EC2's refusal of a launch template name (also for the model's length
 * and pattern checks of LaunchTemplateName). */
int ec2_template_name_error(aws_error *e);

/* The tags of template id (borrowed), or NULL when there is none. */
json_t *ec2_template_tags(ec2_templates *ts, const char *id);
/* The ids of every template (borrowed), for DescribeTags. */
GPtrArray *ec2_template_ids(ec2_templates *ts);

int ec2_create_launch_template(svc_call *c);
int ec2_create_launch_template_version(svc_call *c);
int ec2_describe_launch_templates(svc_call *c);
int ec2_describe_launch_template_versions(svc_call *c);
int ec2_modify_launch_template(svc_call *c);
int ec2_delete_launch_template_versions(svc_call *c);
int ec2_delete_launch_template(svc_call *c);

/* The fixture section's "launch_templates": as dump gives them:
 * [{"id", "name", "created_ms", "created_by", "default_version", "tags",
 *   "versions": [{"number", "description", "created_ms", "data"}]}]. */
int ec2_templates_load(ec2_templates *t, json_t *list, char *err, size_t errlen);
json_t *ec2_templates_dump(const ec2_templates *t);

#endif
