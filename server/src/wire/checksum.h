/* checksum: the integrity checks S3 speaks: Content-MD5 and the flexible
 * checksums x-amz-checksum-{crc32,crc32c,crc64nvme,sha1,sha256}.
 *
 * MD5, SHA-1 and SHA-256 come from GLib (GChecksum), CRC-32 from zlib.
 * CRC-32C (Castagnoli) and CRC-64/NVME have no Debian library, so they are
 * table-driven here. Values travel base64-encoded on the wire, as S3 sends
 * them. */
#ifndef MOCKAWS_WIRE_CHECKSUM_H
#define MOCKAWS_WIRE_CHECKSUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum checksum_algo {
    CHECKSUM_NONE = 0,
    CHECKSUM_CRC32,
    CHECKSUM_CRC32C,
    CHECKSUM_CRC64NVME,
    CHECKSUM_SHA1,
    CHECKSUM_SHA256,
    CHECKSUM_MD5, /* Content-MD5 and ETags, not an x-amz-checksum algorithm */
} checksum_algo;

/* "CRC32", "crc32", "CRC64NVME", ... -> algo; CHECKSUM_NONE if unknown. */
checksum_algo checksum_algo_from_name(const char *name);
/* "CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256", "MD5" */
const char *checksum_algo_name(checksum_algo a);
/* "x-amz-checksum-crc32", ... (NULL for MD5 / NONE) */
const char *checksum_header_name(checksum_algo a);
/* The digest size in bytes (4, 4, 8, 20, 32, 16). */
size_t checksum_size(checksum_algo a);

/* Incremental computation. */
typedef struct checksum_ctx {
    checksum_algo algo;
    uint64_t crc;
    void *gchecksum; /* GChecksum* for the hash algorithms */
} checksum_ctx;

void checksum_init(checksum_ctx *c, checksum_algo a);
void checksum_update(checksum_ctx *c, const void *data, size_t len);
/* Writes checksum_size(a) raw bytes (big-endian for CRCs) and frees
 * whatever the context held. */
void checksum_final(checksum_ctx *c, unsigned char *out);

/* One shot: the base64 of the digest (g_free). */
char *checksum_base64(checksum_algo a, const void *data, size_t len);
/* The hex of the MD5 digest (33 bytes with the NUL), for ETags. */
void checksum_md5_hex(const void *data, size_t len, char out[33]);

/* Low-level CRCs (continuing from crc; start with 0). */
uint32_t checksum_crc32c(uint32_t crc, const void *data, size_t len);
uint64_t checksum_crc64nvme(uint64_t crc, const void *data, size_t len);

/* "x-amz-checksum-crc32", ... (any case, as x-amz-trailer names
 * them) -> algo; CHECKSUM_NONE if unknown (MD5 has no such header). */
checksum_algo checksum_algo_from_header(const char *header);
/* checksum_final, then the base64 of the digest (g_free; "" for
 * CHECKSUM_NONE). */
char *checksum_final_base64(checksum_ctx *c);

#endif
