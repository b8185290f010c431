/* ec2: the EC2 service: instances (RunInstances, DescribeInstances,
 * DescribeInstanceStatus, Start / Stop / Reboot / TerminateInstances) with
 * the lifecycle of instance.h behind the SDKs' waiters, tags
 * (CreateTags, DeleteTags, DescribeTags), DescribeRegions and
 * DescribeAvailabilityZones.
 *
 * EC2 speaks its own dialect everywhere: errors are InvalidParameterValue /
 * MissingParameter rather than Coral's ValidationException, every operation
 * takes DryRun (412 DryRunOperation, nothing done), ids are checked for
 * form (Malformed) before existence (NotFound). One state per account and
 * region. */
#ifndef MOCKAWS_EC2_EC2_H
#define MOCKAWS_EC2_EC2_H

#include "services/service.h"

extern const svc_def ec2_service;

/* The region's availability zones: REGION + 'a'.., 6 in us-east-1, 3
 * elsewhere. */
int ec2_zone_count(const char *region);
bool ec2_zone_valid(const char *region, const char *zone);
/* "use1-az2" for us-east-1b; g_free it. zone must be valid. */
char *ec2_zone_id(const char *region, const char *zone);

#endif
