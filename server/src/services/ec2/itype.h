/* itype: the instance types mockaws knows (a catalogue of the common
 * current families and m1.small, RunInstances' default), and
 * DescribeInstanceTypes / DescribeInstanceTypeOfferings. Immutable: no
 * state. */
#ifndef MOCKAWS_EC2_ITYPE_H
#define MOCKAWS_EC2_ITYPE_H

#include <stdbool.h>

#include "services/service.h"

/* The architectures the type runs, "x86_64" or "arm64" (m1.small and t2
 * also run i386); NULL when the type is not in the catalogue. */
const char *ec2_itype_arch(const char *type);
/* Whether a T type (CreditSpecification applies). */
bool ec2_itype_burstable(const char *type);
/* "nitro" or "xen"; NULL when unknown. */
const char *ec2_itype_hypervisor(const char *type);

int ec2_describe_instance_types(svc_call *c);
int ec2_describe_instance_type_offerings(svc_call *c);

#endif
