/* address: Elastic IPs (AllocateAddress, DescribeAddresses,
 * Associate/DisassociateAddress, ReleaseAddress) on net.h's state.
 *
 * Addresses come from the documentation ranges 198.51.100.0/24 and
 * 203.0.113.0/24 (RFC 5737), lowest free first, so that tests can predict
 * them and nothing they print routes anywhere. An address associated with
 * an instance's primary interface is that instance's PublicIpAddress
 * (ec2_instance.elastic_ip) until one of them lets go. */
#ifndef MOCKAWS_EC2_ADDRESS_H
#define MOCKAWS_EC2_ADDRESS_H

#include <jansson.h>

#include "services/ec2/net.h"
#include "services/service.h"

/* Addresses one account may hold in a region (EC2's default quota). */
#define EC2_ADDRESS_LIMIT 5

/* The address associated with a network interface (borrowed), or NULL. */
json_t *ec2_address_on(ec2_net *n, const char *eni);
/* Ends an address's association (and the instance's use of it). */
void ec2_address_unlink(svc_call *c, json_t *address);
/* A network interface's Association: its Elastic IP, else public_ip (the
 * address EC2 gave the instance; NULL: none). New reference or NULL. */
json_t *ec2_address_association(svc_call *c, ec2_net *n, const char *eni, const char *public_ip);

int ec2_address_allocate(svc_call *c);
int ec2_address_describe(svc_call *c);
int ec2_address_associate(svc_call *c);
int ec2_address_disassociate(svc_call *c);
int ec2_address_release(svc_call *c);

#endif
