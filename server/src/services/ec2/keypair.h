/* keypair: EC2 key pairs (CreateKeyPair, ImportKeyPair, DescribeKeyPairs,
 * DeleteKeyPair) and their key material: RSA (PEM, PKCS#1) and
 * Ed25519 (OpenSSH private key format) generation for CreateKeyPair, the
 * OpenSSH public key lines ImportKeyPair takes, and the fingerprints EC2
 * shows for each:
 *   created RSA    SHA-1 of the DER PKCS#8 private key, hex pairs with ':'
 *   imported RSA   MD5 of the DER SubjectPublicKeyInfo, hex pairs with ':'
 *                  (what `openssl pkey -pubout -outform DER | openssl md5 -c`
 *                  gives, which AWS's user guide tells users to compare)
 *   Ed25519        SHA-256 of the OpenSSH public key blob, base64 (padded) */
#ifndef MOCKAWS_EC2_KEYPAIR_H
#define MOCKAWS_EC2_KEYPAIR_H

#include <nettle/nettle-types.h>
#include <stdbool.h>
#include <stddef.h>

#include "services/service.h"

typedef struct ec2_keymat {
    char *type;           /* "rsa" | "ed25519" */
    char *private_key;    /* CreateKeyPair's KeyMaterial, or NULL (imported) */
    char *public_openssh; /* "ssh-rsa AAAA..." without a comment */
    char *fingerprint;
} ec2_keymat;

/* A new key of type "rsa" (2048 bits) or "ed25519" from the given random
 * source. false for another type. out is cleared by ec2_keymat_clear. */
bool ec2_keypair_create(const char *type, void *random_ctx, nettle_random_func *random, ec2_keymat *out);
/* An OpenSSH public key line ("ssh-rsa BASE64 [comment]" or ssh-ed25519),
 * len bytes that need not be terminated. false when it is not one. */
bool ec2_keypair_import(const char *line, size_t len, ec2_keymat *out);
void ec2_keymat_clear(ec2_keymat *k);

/* The operations, on net.h's state: key pairs are kept by name with their
 * public half (PublicKey), never their private one. */
int ec2_keypair_op_create(svc_call *c);
int ec2_keypair_op_import(svc_call *c);
int ec2_keypair_op_describe(svc_call *c);
int ec2_keypair_op_delete(svc_call *c);

#endif
