/* eni: network interfaces (Create/Describe/Attach/Detach/Delete
 * NetworkInterface) on net.h's state.
 *
 * The primary interface of an instance launched without one is not
 * stored: it is made up from the instance whenever it is read, so it lives
 * and dies with the instance (DeleteOnTermination true). Interfaces made by
 * CreateNetworkInterface are stored, and follow their instance when it
 * terminates (ec2_net_follow_instances). */
#ifndef MOCKAWS_EC2_ENI_H
#define MOCKAWS_EC2_ENI_H

#include <jansson.h>

#include "services/ec2/instance.h"
#include "services/ec2/net.h"
#include "services/service.h"

/* The instance's NetworkInterfaces as DescribeInstances shows them (its
 * primary interface and any attached to it since). New reference. */
json_t *ec2_eni_instance_interfaces(svc_call *c, const ec2_instance *in);
/* The interface a request names: a stored one (*stored, borrowed), or the
 * primary interface of a live instance (*stored NULL, *owner set); *owner
 * is also set for a stored interface at device index 0. false with
 * InvalidNetworkInterfaceID.Malformed / .NotFound set. */
bool ec2_eni_named(svc_call *c, const char *id, json_t **stored, ec2_instance **owner);

int ec2_eni_create(svc_call *c);
int ec2_eni_describe(svc_call *c);
int ec2_eni_attach(svc_call *c);
int ec2_eni_detach(svc_call *c);
int ec2_eni_delete(svc_call *c);

#endif
