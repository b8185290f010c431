/* cidr: IPv4 addresses and CIDR blocks as EC2 takes them for VPCs, subnets,
 * security group rules and private addresses. */
#ifndef MOCKAWS_EC2_CIDR_H
#define MOCKAWS_EC2_CIDR_H

#include <stdbool.h>
#include <stdint.h>

typedef struct ec2_cidr {
    uint32_t base; /* network address, host order, host bits zero */
    int prefix;    /* 0..32 */
} ec2_cidr;

/* A dotted quad, each part 0..255 in decimal without leading zeros. */
bool ec2_ip_parse(const char *s, uint32_t *out);
/* buf: at least 16 bytes; returns buf. */
char *ec2_ip_format(uint32_t ip, char *buf);
/* "a.b.c.d/n". strict: the host bits must be zero (VPC and subnet blocks,
 * which EC2 refuses otherwise); when not strict they are cleared (rule
 * ranges, which EC2 normalizes). */
bool ec2_cidr_parse(const char *s, bool strict, ec2_cidr *out);
/* buf: at least 19 bytes; returns buf. */
char *ec2_cidr_format(ec2_cidr c, char *buf);
uint64_t ec2_cidr_size(ec2_cidr c);
bool ec2_cidr_contains(ec2_cidr outer, uint32_t ip);
/* inner lies wholly inside outer */
bool ec2_cidr_within(ec2_cidr outer, ec2_cidr inner);
bool ec2_cidr_overlap(ec2_cidr a, ec2_cidr b);

#endif
