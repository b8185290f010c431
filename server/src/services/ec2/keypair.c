#include "services/ec2/keypair.h"

#include "services/ec2/common.h"
#include "services/ec2/net.h"
#include "services/svc_api.h"

#include <glib.h>
#include <gmp.h>
#include <nettle/eddsa.h>
#include <nettle/md5.h>
#include <nettle/nettle-meta.h>
#include <nettle/rsa.h>
#include <nettle/sha1.h>
#include <nettle/sha2.h>
#include <string.h>

/* ---- DER (nettle decodes ASN.1 but has no encoder) ---- */

static void der_tlv(GByteArray *out, guint8 tag, const guint8 *data, size_t len)
{
    g_byte_array_append(out, &tag, 1);
    if (len < 0x80) {
        guint8 l = (guint8)len;
        g_byte_array_append(out, &l, 1);
    } else {
        guint8 bytes[8];
        int n = 0;
        for (size_t v = len; v; v >>= 8)
            bytes[n++] = (guint8)(v & 0xff);
        guint8 l = (guint8)(0x80 | n);
        g_byte_array_append(out, &l, 1);
        while (n--)
            g_byte_array_append(out, &bytes[n], 1);
    }
    g_byte_array_append(out, data, (guint)len);
}

/* Wraps what is in inner into one element of out, and frees inner. */
static void der_wrap(GByteArray *out, guint8 tag, GByteArray *inner)
{
    der_tlv(out, tag, inner->data, inner->len);
    g_byte_array_free(inner, TRUE);
}

/* A non-negative integer's minimal two's complement bytes (as DER INTEGER
 * and SSH mpint both write it). g_free the result. */
static guint8 *mpz_bytes(const mpz_t v, size_t *len)
{
    size_t n = (mpz_sizeinbase(v, 2) + 7) / 8;
    guint8 *buf = g_malloc0(n + 1);
    size_t written = 0;
    if (mpz_sgn(v))
        mpz_export(buf + 1, &written, 1, 1, 1, 0, v);
    *len = written + 1;
    if (written && !(buf[1] & 0x80)) { /* no sign byte needed */
        memmove(buf, buf + 1, written);
        *len = written;
    }
    return buf;
}

static void der_mpz(GByteArray *out, const mpz_t v)
{
    size_t n;
    guint8 *b = mpz_bytes(v, &n);
    der_tlv(out, 0x02, b, n);
    g_free(b);
}

/* AlgorithmIdentifier { rsaEncryption, NULL } */
static void der_rsa_algorithm(GByteArray *out)
{
    static const guint8 alg[] = {0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7,
                                 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
    g_byte_array_append(out, alg, sizeof alg);
}

/* ---- SSH wire strings ---- */

static void ssh_string(GByteArray *out, const void *data, size_t len)
{
    guint8 l[4] = {(guint8)(len >> 24), (guint8)(len >> 16), (guint8)(len >> 8), (guint8)len};
    g_byte_array_append(out, l, 4);
    g_byte_array_append(out, data, (guint)len);
}

static void ssh_cstring(GByteArray *out, const char *s) { ssh_string(out, s, strlen(s)); }

static void ssh_mpz(GByteArray *out, const mpz_t v)
{
    size_t n;
    guint8 *b = mpz_bytes(v, &n);
    ssh_string(out, b, n);
    g_free(b);
}

/* The next string of an SSH blob; false past its end. */
static bool ssh_next(const guint8 **p, const guint8 *end, const guint8 **s, size_t *len)
{
    if (end - *p < 4)
        return false;
    size_t n = (size_t)(*p)[0] << 24 | (size_t)(*p)[1] << 16 | (size_t)(*p)[2] << 8 | (*p)[3];
    *p += 4;
    if ((size_t)(end - *p) < n)
        return false;
    *s = *p;
    *len = n;
    *p += n;
    return true;
}

/* The digest of data by h into out (h->digest_size bytes). */
static void digest(const struct nettle_hash *h, const GByteArray *data, guint8 *out)
{
    void *ctx = g_malloc(h->context_size);
    h->init(ctx);
    h->update(ctx, data->len, data->data);
    h->digest(ctx, h->digest_size, out);
    g_free(ctx);
}

/* ---- text forms ---- */

static char *hex_pairs(const guint8 *d, size_t n)
{
    GString *s = g_string_sized_new(n * 3);
    for (size_t i = 0; i < n; i++)
        g_string_append_printf(s, "%s%02x", i ? ":" : "", d[i]);
    return g_string_free(s, FALSE);
}

static char *pem(const char *label, const guint8 *der, size_t n)
{
    char *b64 = g_base64_encode(der, n);
    GString *s = g_string_new(NULL);
    g_string_append_printf(s, "-----BEGIN %s-----\n", label);
    for (size_t i = 0, len = strlen(b64); i < len; i += 64)
        g_string_append_printf(s, "%.64s\n", b64 + i);
    g_string_append_printf(s, "-----END %s-----", label);
    g_free(b64);
    return g_string_free(s, FALSE);
}

static char *openssh_line(const char *type, const GByteArray *blob)
{
    char *b64 = g_base64_encode(blob->data, blob->len);
    char *line = g_strdup_printf("%s %s", type, b64);
    g_free(b64);
    return line;
}

static char *ed25519_fingerprint(const GByteArray *blob)
{
    guint8 d[SHA256_DIGEST_SIZE];
    digest(&nettle_sha256, blob, d);
    return g_base64_encode(d, sizeof d);
}

/* SubjectPublicKeyInfo of an RSA key from its two INTEGER contents. */
static char *rsa_import_fingerprint(const guint8 *n, size_t nlen, const guint8 *e, size_t elen)
{
    GByteArray *rsa = g_byte_array_new(), *bits = g_byte_array_new(), *spki = g_byte_array_new(),
               *out = g_byte_array_new();
    der_tlv(rsa, 0x02, n, nlen);
    der_tlv(rsa, 0x02, e, elen);
    guint8 zero = 0; /* no unused bits */
    g_byte_array_append(bits, &zero, 1);
    der_wrap(bits, 0x30, rsa);
    der_rsa_algorithm(spki);
    der_wrap(spki, 0x03, bits);
    der_wrap(out, 0x30, spki);
    guint8 d[MD5_DIGEST_SIZE];
    digest(&nettle_md5, out, d);
    g_byte_array_free(out, TRUE);
    return hex_pairs(d, sizeof d);
}

/* ---- creation ---- */

static bool create_rsa(void *random_ctx, nettle_random_func *random, ec2_keymat *out)
{
    struct rsa_public_key pub;
    struct rsa_private_key key;
    rsa_public_key_init(&pub);
    rsa_private_key_init(&key);
    mpz_set_ui(pub.e, 65537);
    bool ok = rsa_generate_keypair(&pub, &key, random_ctx, random, NULL, NULL, 2048, 0) != 0;
    if (ok) {
        /* RSAPrivateKey (PKCS#1), what AWS hands out as the PEM */
        GByteArray *seq = g_byte_array_new(), *pkcs1 = g_byte_array_new();
        static const guint8 version0[] = {0x02, 0x01, 0x00};
        g_byte_array_append(seq, version0, sizeof version0);
        const mpz_srcptr parts[] = {pub.n, pub.e, key.d, key.p, key.q, key.a, key.b, key.c};
        for (size_t i = 0; i < G_N_ELEMENTS(parts); i++)
            der_mpz(seq, parts[i]);
        der_wrap(pkcs1, 0x30, seq);
        out->private_key = pem("RSA PRIVATE KEY", pkcs1->data, pkcs1->len);

        /* PrivateKeyInfo (PKCS#8) around it, whose SHA-1 is the fingerprint */
        GByteArray *info = g_byte_array_new(), *pkcs8 = g_byte_array_new();
        g_byte_array_append(info, version0, sizeof version0);
        der_rsa_algorithm(info);
        der_tlv(info, 0x04, pkcs1->data, pkcs1->len);
        der_wrap(pkcs8, 0x30, info);
        guint8 d[SHA1_DIGEST_SIZE];
        digest(&nettle_sha1, pkcs8, d);
        out->fingerprint = hex_pairs(d, sizeof d);
        g_byte_array_free(pkcs8, TRUE);
        g_byte_array_free(pkcs1, TRUE);

        GByteArray *blob = g_byte_array_new();
        ssh_cstring(blob, "ssh-rsa");
        ssh_mpz(blob, pub.e);
        ssh_mpz(blob, pub.n);
        out->public_openssh = openssh_line("ssh-rsa", blob);
        g_byte_array_free(blob, TRUE);
        out->type = g_strdup("rsa");
    }
    rsa_public_key_clear(&pub);
    rsa_private_key_clear(&key);
    return ok;
}

static bool create_ed25519(void *random_ctx, nettle_random_func *random, ec2_keymat *out)
{
    guint8 seed[ED25519_KEY_SIZE], pubkey[ED25519_KEY_SIZE], check[4];
    random(random_ctx, sizeof seed, seed);
    random(random_ctx, sizeof check, check);
    ed25519_sha512_public_key(pubkey, seed);
    GByteArray *blob = g_byte_array_new();
    ssh_cstring(blob, "ssh-ed25519");
    ssh_string(blob, pubkey, sizeof pubkey);

    /* openssh-key-v1, unencrypted: PROTOCOL.key in OpenSSH's sources */
    GByteArray *priv = g_byte_array_new();
    g_byte_array_append(priv, check, 4);
    g_byte_array_append(priv, check, 4);
    ssh_cstring(priv, "ssh-ed25519");
    ssh_string(priv, pubkey, sizeof pubkey);
    guint8 both[2 * ED25519_KEY_SIZE];
    memcpy(both, seed, ED25519_KEY_SIZE);
    memcpy(both + ED25519_KEY_SIZE, pubkey, ED25519_KEY_SIZE);
    ssh_string(priv, both, sizeof both);
    ssh_cstring(priv, "");
    for (guint8 pad = 1; priv->len % 8; pad++)
        g_byte_array_append(priv, &pad, 1);
    GByteArray *file = g_byte_array_new();
    g_byte_array_append(file, (const guint8 *)"openssh-key-v1", 15); /* with its NUL */
    ssh_cstring(file, "none");
    ssh_cstring(file, "none");
    ssh_cstring(file, "");
    static const guint8 one[] = {0, 0, 0, 1};
    g_byte_array_append(file, one, 4);
    ssh_string(file, blob->data, blob->len);
    ssh_string(file, priv->data, priv->len);
    out->private_key = pem("OPENSSH PRIVATE KEY", file->data, file->len);
    out->public_openssh = openssh_line("ssh-ed25519", blob);
    out->fingerprint = ed25519_fingerprint(blob);
    out->type = g_strdup("ed25519");
    memset(seed, 0, sizeof seed);
    memset(both, 0, sizeof both);
    g_byte_array_free(priv, TRUE);
    g_byte_array_free(file, TRUE);
    g_byte_array_free(blob, TRUE);
    return true;
}

bool ec2_keypair_create(const char *type, void *random_ctx, nettle_random_func *random, ec2_keymat *out)
{
    memset(out, 0, sizeof *out);
    if (strcmp(type, "rsa") == 0)
        return create_rsa(random_ctx, random, out);
    if (strcmp(type, "ed25519") == 0)
        return create_ed25519(random_ctx, random, out);
    return false;
}

/* ---- import ---- */

/* 1024 to 16384-bit moduli, as far as anyone uses them. */
static bool rsa_modulus_ok(const guint8 *n, size_t len)
{
    while (len && *n == 0)
        n++, len--;
    return len >= 128 && len <= 2048;
}

bool ec2_keypair_import(const char *line, size_t len, ec2_keymat *out)
{
    memset(out, 0, sizeof *out);
    char *text = g_strndup(line, len);
    if (strlen(text) != len) { /* a NUL inside */
        g_free(text);
        return false;
    }
    char **words = g_strsplit_set(g_strstrip(text), " \t", 3);
    bool ok = false;
    const char *type = words[0], *b64 = type ? words[1] : NULL;
    size_t blen = b64 ? strlen(b64) : 0;
    if (!b64 || !blen || blen % 4 ||
        strspn(b64, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") != blen)
        goto out;
    gsize n = 0;
    guint8 *blob = g_base64_decode(b64, &n);
    const guint8 *p = blob, *end = blob + n, *s;
    size_t slen;
    /* the blob names its type again, and must agree with the line's */
    if (ssh_next(&p, end, &s, &slen) && slen == strlen(type) && memcmp(s, type, slen) == 0) {
        GByteArray *copy = g_byte_array_new();
        g_byte_array_append(copy, blob, (guint)n);
        const guint8 *e, *m;
        size_t elen, mlen;
        if (strcmp(type, "ssh-rsa") == 0 && ssh_next(&p, end, &e, &elen) && ssh_next(&p, end, &m, &mlen) &&
            p == end && elen && elen <= 8 && rsa_modulus_ok(m, mlen) && !(m[0] & 0x80) && !(e[0] & 0x80)) {
            out->type = g_strdup("rsa");
            out->fingerprint = rsa_import_fingerprint(m, mlen, e, elen);
            ok = true;
        } else if (strcmp(type, "ssh-ed25519") == 0 && ssh_next(&p, end, &m, &mlen) && p == end &&
                   mlen == ED25519_KEY_SIZE) {
            out->type = g_strdup("ed25519");
            out->fingerprint = ed25519_fingerprint(copy);
            ok = true;
        }
        if (ok)
            out->public_openssh = openssh_line(type, copy);
        g_byte_array_free(copy, TRUE);
    }
    g_free(blob);
out:
    g_strfreev(words);
    g_free(text);
    return ok;
}

void ec2_keymat_clear(ec2_keymat *k)
{
    g_free(k->type);
    if (k->private_key)
        memset(k->private_key, 0, strlen(k->private_key));
    g_free(k->private_key);
    g_free(k->public_openssh);
    g_free(k->fingerprint);
    memset(k, 0, sizeof *k);
}

/* ---- CreateKeyPair, ImportKeyPair, DescribeKeyPairs, DeleteKeyPair ---- */

/* Key pairs one account may hold in a region (EC2's default quota). */
#define KEY_PAIR_LIMIT 5000

static void random_bytes(void *ctx, size_t n, uint8_t *dst) { svc_random_bytes(ctx, dst, n); }

static bool key_name_ok(svc_call *c, const char *name)
{
    if (!name || !*name) {
        aws_error_set(&c->err, "MissingParameter", "The request must contain the parameter KeyName");
        return false;
    }
    size_t n = strlen(name);
    bool ascii = true;
    for (const char *p = name; *p && ascii; p++)
        ascii = (unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f;
    if (n > 255 || !ascii) {
        aws_error_set(&c->err, "InvalidParameterValue",
                      "Value (%s) for parameter keyName is invalid. Key names must be ASCII and at most 255 "
                      "characters long.",
                      n > 255 ? "(too long)" : name);
        return false;
    }
    return true;
}

/* Checks shared by CreateKeyPair and ImportKeyPair, before their work. */
static bool key_pair_new_ok(svc_call *c, const char *name)
{
    ec2_net *n = ec2_net_of(c);
    if (!key_name_ok(c, name))
        return false;
    if (json_object_get(n->keys, name)) {
        aws_error_set(&c->err, "InvalidKeyPair.Duplicate", "The keypair '%s' already exists.", name);
        return false;
    }
    if (json_object_size(n->keys) >= KEY_PAIR_LIMIT) {
        aws_error_set(&c->err, "ResourceLimitExceeded", "You have reached the maximum number of key pairs.");
        return false;
    }
    return ec2_net_tag_specs(c, "key-pair", NULL, true) == 0 && !ec2_dry_run(c);
}

/* Stores the key pair and answers with what both operations return. */
static void key_pair_store(svc_call *c, const char *name, const ec2_keymat *k)
{
    ec2_net *n = ec2_net_of(c);
    char *id = ec2_net_new_id(c, "key-");
    json_t *kp = json_pack("{s:s, s:s, s:s, s:s, s:I, s:s}", "KeyPairId", id, "KeyName", name, "KeyFingerprint",
                           k->fingerprint, "KeyType", k->type, "CreateTime", (json_int_t)(c->now_ms / 1000),
                           "PublicKey", k->public_openssh);
    json_object_set_new(n->keys, name, kp);
    ec2_net_tag_specs(c, "key-pair", id, false);
    json_t *shown = ec2_net_render(c, kp, id, "Tags");
    c->output = json_pack("{s:s, s:s, s:s}", "KeyPairId", id, "KeyName", name, "KeyFingerprint", k->fingerprint);
    if (json_object_get(shown, "Tags"))
        json_object_set(c->output, "Tags", json_object_get(shown, "Tags"));
    json_decref(shown);
    g_free(id);
}

int ec2_keypair_op_create(svc_call *c)
{
    const char *name = svc_str(c->input, "KeyName");
    const char *type = svc_str(c->input, "KeyType") ? svc_str(c->input, "KeyType") : "rsa";
    const char *format = svc_str(c->input, "KeyFormat") ? svc_str(c->input, "KeyFormat") : "pem";
    if (strcmp(format, "pem") != 0)
        return aws_error_set(&c->err, "UnsupportedOperation",
                             "mockaws does not write key material in the '%s' format; ask for KeyFormat pem", format);
    if (strcmp(type, "rsa") != 0 && strcmp(type, "ed25519") != 0)
        return aws_error_set(&c->err, "InvalidParameterValue", "Invalid value '%s' for keyType.", type);
    if (!key_pair_new_ok(c, name))
        return -1;
    ec2_keymat k;
    if (!ec2_keypair_create(type, c, random_bytes, &k)) {
        ec2_keymat_clear(&k);
        return aws_error_set(&c->err, "InternalError", "An internal error has occurred");
    }
    key_pair_store(c, name, &k);
    json_object_set_new(c->output, "KeyMaterial", json_string(k.private_key));
    ec2_keymat_clear(&k);
    return 0;
}

int ec2_keypair_op_import(svc_call *c)
{
    const char *name = svc_str(c->input, "KeyName");
    /* the model has decoded the blob's base64: this is the key line itself */
    json_t *material = json_object_get(c->input, "PublicKeyMaterial");
    if (!json_is_string(material))
        return aws_error_set(&c->err, "MissingParameter", "The request must contain the parameter PublicKeyMaterial");
    ec2_keymat k = {0};
    if (!ec2_keypair_import(json_string_value(material), json_string_length(material), &k)) {
        ec2_keymat_clear(&k);
        return aws_error_set(&c->err, "InvalidKey.Format", "Key is not in valid OpenSSH public key format");
    }
    if (key_pair_new_ok(c, name))
        key_pair_store(c, name, &k);
    ec2_keymat_clear(&k);
    return c->output ? 0 : -1;
}

static const ec2_filter_path key_filters[] = {
    {"key-pair-id", "KeyPairId"},
    {"fingerprint", "KeyFingerprint"},
    {"key-name", "KeyName"},
    {NULL, NULL},
};

static const ec2_kind key_kind = {"key-", "KeyPairs", "InvalidKeyPair.NotFound", "InvalidKeyPair.NotFound",
                                  "The key pair '%s' does not exist", "Tags", key_filters, false};

int ec2_keypair_op_describe(svc_call *c)
{
    ec2_net *n = ec2_net_of(c);
    json_t *ids = ec2_net_id_list(c, "KeyPairIds");
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(c->input, "KeyNames"), i, v) {
        json_t *kp = json_object_get(n->keys, json_string_value(v));
        if (!kp) {
            json_decref(ids);
            return aws_error_set(&c->err, "InvalidKeyPair.NotFound", "The key pair '%s' does not exist",
                                 json_string_value(v));
        }
        json_array_append(ids, json_object_get(kp, "KeyPairId"));
    }
    bool with_public = svc_true(c->input, "IncludePublicKey");
    json_t *all = json_object();
    const char *name;
    json_object_foreach(n->keys, name, v) {
        const char *id = svc_str(v, "KeyPairId");
        json_t *r = ec2_net_render(c, v, id, "Tags");
        if (!with_public)
            json_object_del(r, "PublicKey");
        json_object_set_new(all, id, r);
    }
    int rc = ec2_net_describe(c, &key_kind, all, ids);
    json_decref(all);
    json_decref(ids);
    return rc;
}

int ec2_keypair_op_delete(svc_call *c)
{
    ec2_net *n = ec2_net_of(c);
    const char *name = svc_str(c->input, "KeyName"), *id = svc_str(c->input, "KeyPairId");
    if (!name && !id)
        return aws_error_set(&c->err, "MissingParameter", "The request must contain the parameter KeyName or KeyPairId");
    if (id && !ec2_id_ok(id, "key-"))
        return aws_error_set(&c->err, "InvalidKeyPair.NotFound", "The key pair '%s' does not exist", id);
    if (ec2_dry_run(c))
        return -1;
    /* Deleting a key pair that is not there succeeds, as on EC2. */
    json_t *kp = name ? json_object_get(n->keys, name) : NULL;
    if (!name) {
        const char *k;
        json_t *v;
        json_object_foreach(n->keys, k, v) if (g_strcmp0(svc_str(v, "KeyPairId"), id) == 0) kp = v, name = k;
    }
    c->output = json_pack("{s:b}", "Return", 1);
    if (kp) {
        json_object_set(c->output, "KeyPairId", json_object_get(kp, "KeyPairId"));
        ec2_net_forget_tags(c, svc_str(kp, "KeyPairId"));
        json_object_del(n->keys, name);
    }
    return 0;
}
