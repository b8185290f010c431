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

#endif
