/* EC2 networking: CIDR arithmetic, security group rule identity, key pair
 * material and fingerprints (against keys made with ssh-keygen), and the
 * networking operations through the pipeline: the default VPC, rule
 * duplicates, the fixture section's "network" key. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/pipeline.h"
#include "core/server.h"
#include "services/ec2/cidr.h"
#include "services/ec2/keypair.h"
#include "services/ec2/secgroup.h"
#include "test_ec2_call.h"


/* ---- CIDR ---- */

static void cidr_arithmetic(void **unused)
{
    (void)unused;
    ec2_cidr c, d;
    char buf[19];
    assert_true(ec2_cidr_parse("10.0.0.0/16", true, &c));
    assert_int_equal(c.prefix, 16);
    assert_int_equal(c.base, 0x0a000000u);
    assert_int_equal(ec2_cidr_size(c), 65536);
    assert_string_equal(ec2_cidr_format(c, buf), "10.0.0.0/16");
    /* host bits: refused when strict (a VPC's block), cleared otherwise (a rule's) */
    assert_false(ec2_cidr_parse("10.0.0.1/16", true, &c));
    assert_true(ec2_cidr_parse("192.168.1.7/24", false, &c));
    assert_string_equal(ec2_cidr_format(c, buf), "192.168.1.0/24");
    assert_true(ec2_cidr_parse("0.0.0.0/0", true, &c));
    assert_int_equal(ec2_cidr_size(c), (uint64_t)1 << 32);
    const char *bad[] = {"10.0.0/16", "10.0.0.0", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/1a", "256.0.0.0/8",
                         "010.0.0.0/8", "10.0.0.0/08", "a.b.c.d/8", "10..0.0/8", "", "/8", "10.0.0.0/-1",
                         "10.0.0.0.0/8", "1000.0.0.0/8"};
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++)
        if (ec2_cidr_parse(bad[i], false, &c))
            fail_msg("'%s' parsed as a CIDR block", bad[i]);
    uint32_t ip;
    assert_true(ec2_ip_parse("172.31.0.4", &ip));
    assert_string_equal(ec2_ip_format(ip, buf), "172.31.0.4");
    assert_false(ec2_ip_parse("172.31.0.04", &ip));
    assert_false(ec2_ip_parse("172.31.0.4 ", &ip));

    assert_true(ec2_cidr_parse("10.0.0.0/16", true, &c));
    assert_true(ec2_cidr_parse("10.0.1.0/24", true, &d));
    assert_true(ec2_cidr_within(c, d));
    assert_false(ec2_cidr_within(d, c));
    assert_true(ec2_cidr_overlap(c, d) && ec2_cidr_overlap(d, c));
    assert_true(ec2_cidr_parse("10.1.0.0/24", true, &d));
    assert_false(ec2_cidr_within(c, d));
    assert_false(ec2_cidr_overlap(c, d));
    assert_true(ec2_cidr_parse("10.0.1.128/25", true, &d));
    ec2_cidr e;
    assert_true(ec2_cidr_parse("10.0.1.0/24", true, &e));
    assert_true(ec2_cidr_overlap(e, d));
    assert_true(ec2_ip_parse("10.0.255.255", &ip));
    assert_true(ec2_cidr_contains(c, ip));
    assert_true(ec2_ip_parse("10.1.0.0", &ip));
    assert_false(ec2_cidr_contains(c, ip));
}

/* ---- rules ---- */

static void protocols_and_rule_identity(void **unused)
{
    (void)unused;
    char buf[4];
    const char *cases[][2] = {{"-1", "-1"}, {"all", "-1"},   {"TCP", "tcp"},  {"6", "tcp"},   {"udp", "udp"},
                              {"17", "udp"}, {"icmp", "icmp"}, {"1", "icmp"},  {"58", "icmpv6"}, {"47", "47"}};
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++)
        assert_string_equal(ec2_secgroup_protocol(cases[i][0], buf), cases[i][1]);
    const char *bad[] = {"256", "banana", "", "06", "1000", "-2", NULL};
    for (size_t i = 0; bad[i]; i++)
        assert_null(ec2_secgroup_protocol(bad[i], buf));
    assert_null(ec2_secgroup_protocol(NULL, buf));

    json_t *a = json_pack("{s:s, s:b, s:s, s:i, s:i, s:s, s:s}", "GroupId", "sg-1", "IsEgress", 0, "IpProtocol", "tcp",
                          "FromPort", 22, "ToPort", 22, "CidrIpv4", "10.0.0.0/8", "Description", "office");
    json_t *b = json_deep_copy(a);
    json_object_set_new(b, "Description", json_string("elsewhere"));
    char *ka = ec2_secgroup_rule_key(a), *kb = ec2_secgroup_rule_key(b);
    assert_string_equal(ka, kb); /* the description is no part of a rule's identity */
    g_free(kb);
    json_object_set_new(b, "IsEgress", json_true());
    kb = ec2_secgroup_rule_key(b);
    assert_string_not_equal(ka, kb);
    g_free(kb);
    json_object_set_new(b, "IsEgress", json_false());
    json_object_set_new(b, "ToPort", json_integer(23));
    kb = ec2_secgroup_rule_key(b);
    assert_string_not_equal(ka, kb);
    g_free(kb);
    /* the same text as a CIDR and as a group id are different peers */
    json_t *g = json_pack("{s:s, s:b, s:s, s:i, s:i, s:{s:s}}", "GroupId", "sg-1", "IsEgress", 0, "IpProtocol", "tcp",
                          "FromPort", 22, "ToPort", 22, "ReferencedGroupInfo", "GroupId", "10.0.0.0/8");
    kb = ec2_secgroup_rule_key(g);
    assert_string_not_equal(ka, kb);
    g_free(kb);
    g_free(ka);
    json_decref(a);
    json_decref(b);
    json_decref(g);
}

/* ---- key material ---- */

/* ssh-keygen -t rsa -b 2048 -C test; the fingerprint AWS shows for it once
 * imported, as its user guide computes it:
 *   ssh-keygen -e -m PKCS8 -f k.pub | openssl pkey -pubin -outform DER | openssl md5 -c */
static const char rsa_pub[] =
    "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDEa364kMPlz7PQAN5/ceunZk4MtVsBRbe+0/JA6xwe90Mn31V9KA+GlhhAfrSFT9YdvzuAS"
    "E74fK22JqVNwkDpX2TP+PRUYPD/XpUxdbb7PUnOxXeGf/qoxlVY2w1KcfFT1HNvvYnP/YgvtN7ikrn/mBvzT9n70vHOf6Y7OAlcpX5oSXS3Vu"
    "vDLWg+DNbxwP0WLqvtlu0No6q0+lFF+/k6H+XpiMJjQbeXH4oGZM5N7aU3D9KwQhcx8isy4OP9RFc9HjPp+X3g4TkJgD+Lmv+vSy97jZMKQxZ"
    "vQgEevUKnhFqwHSUZUFkxTaqXxMaPbHTtMTp43H7VMrTZ+ChMGeYb test";
/* ssh-keygen -t ed25519 -C x; `ssh-keygen -l -f e.pub` prints
 * SHA256:Qg2pGL1AGooFmsVWamMv5JgYkI+qqjXb2bR1TWl09U8 (AWS keeps the padding) */
static const char ed_pub[] = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKREO6aixnYidbm1p7t4Czr4Zc+FNN0Tx/IPNTsfns57 x";

static void imported_fingerprints(void **unused)
{
    (void)unused;
    ec2_keymat k;
    assert_true(ec2_keypair_import(rsa_pub, strlen(rsa_pub), &k));
    assert_string_equal(k.type, "rsa");
    assert_string_equal(k.fingerprint, "83:1f:7b:e4:13:16:84:e7:5a:a0:ea:73:19:0b:13:5f");
    assert_null(k.private_key);
    assert_true(g_str_has_prefix(rsa_pub, k.public_openssh)); /* the line without its comment */
    ec2_keymat_clear(&k);
    assert_true(ec2_keypair_import(ed_pub, strlen(ed_pub), &k));
    assert_string_equal(k.type, "ed25519");
    assert_string_equal(k.fingerprint, "Qg2pGL1AGooFmsVWamMv5JgYkI+qqjXb2bR1TWl09U8=");
    ec2_keymat_clear(&k);

    /* the line's type must be the blob's; a blob cut short or with more
     * after it is no key; neither is a NUL inside the line */
    char *swapped = g_strdup_printf("ssh-ed25519 %s", strchr(rsa_pub, ' ') + 1);
    char *cut = g_strndup(rsa_pub, 300);
    cut[300 - 300 % 4 - 1] = '\0';
    const char *junk[] = {"", "ssh-rsa", "ssh-rsa !!!!", "ssh-rsa AAAA", "ssh-dss AAAAB3NzaC1kc3M=", swapped, cut,
                          "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKREO6aixnYidbm1p7t4Czr4Zc+FNN0Tx/IPNTsfns57AAAA"};
    for (size_t i = 0; i < G_N_ELEMENTS(junk); i++) {
        if (ec2_keypair_import(junk[i], strlen(junk[i]), &k))
            fail_msg("'%s' was taken as a key", junk[i]);
        ec2_keymat_clear(&k);
    }
    assert_false(ec2_keypair_import(ed_pub, sizeof ed_pub, &k)); /* its NUL included */
    ec2_keymat_clear(&k);
    g_free(swapped);
    g_free(cut);
}

/* A repeatable random source for key generation in tests. */
static void counter_random(void *ctx, size_t n, uint8_t *dst)
{
    uint64_t *state = ctx;
    for (size_t i = 0; i < n; i++) {
        *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
        dst[i] = (uint8_t)(*state >> 56);
    }
}

static guint8 *pem_body(const char *pem, const char *label, gsize *len)
{
    char *begin = g_strdup_printf("-----BEGIN %s-----\n", label);
    char *end = g_strdup_printf("\n-----END %s-----", label);
    assert_true(g_str_has_prefix(pem, begin));
    assert_true(g_str_has_suffix(pem, end));
    char *b64 = g_strndup(pem + strlen(begin), strlen(pem) - strlen(begin) - strlen(end));
    guint8 *der = g_base64_decode(b64, len);
    g_free(b64);
    g_free(begin);
    g_free(end);
    return der;
}

static void created_keys(void **unused)
{
    (void)unused;
    uint64_t seed = 42;
    ec2_keymat k;
    assert_true(ec2_keypair_create("rsa", &seed, counter_random, &k));
    assert_string_equal(k.type, "rsa");
    /* the fingerprint is SHA-1 over PKCS#8 PrivateKeyInfo { 0, rsaEncryption,
     * OCTET STRING { the PKCS#1 key in the PEM } }: rebuilt here by hand */
    gsize n;
    guint8 *pkcs1 = pem_body(k.private_key, "RSA PRIVATE KEY", &n);
    assert_true(n > 1100 && n < 1300 && pkcs1[0] == 0x30 && pkcs1[1] == 0x82);
    static const guint8 head[] = {0x02, 0x01, 0x00, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
                                  0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00, 0x04, 0x82};
    gsize inner = sizeof head + 2 + n;
    GByteArray *p8 = g_byte_array_new();
    guint8 seq[] = {0x30, 0x82, (guint8)(inner >> 8), (guint8)inner};
    guint8 len[] = {(guint8)(n >> 8), (guint8)n};
    g_byte_array_append(p8, seq, 4);
    g_byte_array_append(p8, head, sizeof head);
    g_byte_array_append(p8, len, 2);
    g_byte_array_append(p8, pkcs1, (guint)n);
    char *sha1 = g_compute_checksum_for_data(G_CHECKSUM_SHA1, p8->data, p8->len);
    GString *pairs = g_string_new(NULL);
    for (int i = 0; i < 40; i += 2)
        g_string_append_printf(pairs, "%s%.2s", i ? ":" : "", sha1 + i);
    assert_string_equal(k.fingerprint, pairs->str);
    g_string_free(pairs, TRUE);
    g_free(sha1);
    g_byte_array_free(p8, TRUE);
    g_free(pkcs1);
    /* its public half reads back as an OpenSSH key */
    ec2_keymat pub;
    assert_true(ec2_keypair_import(k.public_openssh, strlen(k.public_openssh), &pub));
    assert_string_equal(pub.type, "rsa");
    ec2_keymat_clear(&pub);
    ec2_keymat_clear(&k);

    assert_true(ec2_keypair_create("ed25519", &seed, counter_random, &k));
    guint8 *file = pem_body(k.private_key, "OPENSSH PRIVATE KEY", &n);
    assert_memory_equal(file, "openssh-key-v1\0\0\0\0\4none\0\0\0\4none", 31);
    /* the public blob in the file is the one of the public line, whose
     * fingerprint is the created key's */
    gsize blen;
    guint8 *blob = g_base64_decode(strchr(k.public_openssh, ' ') + 1, &blen);
    assert_int_equal(blen, 51);
    /* magic 15, cipher and kdf "none" 8 + 8, kdf options 4, one key 4, its length 4 */
    assert_true(n > 43 + blen);
    assert_memory_equal(file + 43, blob, blen);
    assert_true(ec2_keypair_import(k.public_openssh, strlen(k.public_openssh), &pub));
    assert_string_equal(pub.fingerprint, k.fingerprint);
    ec2_keymat_clear(&pub);
    g_free(blob);
    g_free(file);
    ec2_keymat_clear(&k);
    assert_false(ec2_keypair_create("dsa", &seed, counter_random, &k));
    ec2_keymat_clear(&k);
}

/* ---- through the pipeline ---- */

static int setup(void **st)
{
    char err[256];
    mockaws_options o = {.seed = 7};
    *st = mockaws_start(&o, err, sizeof err);
    if (!*st)
        fprintf(stderr, "start: %s\n", err);
    return *st ? 0 : -1;
}

static int teardown(void **st)
{
    mockaws_stop(*st);
    return 0;
}

static void default_vpc_exists_from_the_start(void **st)
{
    server *s = *st;
    result r = ec2(s, "Action=DescribeVpcs");
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "<cidrBlock>172.31.0.0/16</cidrBlock>"));
    assert_non_null(strstr(r.body, "<isDefault>true</isDefault>"));
    rfree(&r);
    /* an instance in it names the same VPC */
    r = ec2(s, "Action=RunInstances&ImageId=ami-ab939b9c031512198&MinCount=1&MaxCount=1");
    assert_int_equal(r.status, 200);
    char *vpc = strstr(r.body, "<vpcId>vpc-");
    assert_non_null(vpc);
    char id[22];
    memcpy(id, vpc + 7, 21);
    id[21] = '\0';
    rfree(&r);
    r = ec2(s, "Action=DescribeVpcs&VpcId.1=%s", id);
    assert_int_equal(r.status, 200);
    rfree(&r);
    r = ec2(s, "Action=DescribeSubnets&Filter.1.Name=default-for-az&Filter.1.Value.1=true");
    int subnets = 0;
    for (const char *p = strstr(r.body, "<subnetId>"); p; p = strstr(p + 1, "<subnetId>"))
        subnets++;
    assert_int_equal(subnets, 6);
    rfree(&r);
}

static void duplicate_rules_are_refused(void **st)
{
    server *s = *st;
    result r = ec2(s, "Action=CreateSecurityGroup&GroupName=g&GroupDescription=d");
    assert_int_equal(r.status, 200);
    const char *at = strstr(r.body, "<groupId>");
    assert_non_null(at);
    char *gid = g_strndup(at + 9, 20);
    rfree(&r);
    const char *rule = "IpPermissions.1.IpProtocol=tcp&IpPermissions.1.FromPort=22&IpPermissions.1.ToPort=22&"
                       "IpPermissions.1.IpRanges.1.CidrIp=10.0.0.0/8";
    r = ec2(s, "Action=AuthorizeSecurityGroupIngress&GroupId=%s&%s", gid, rule);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "<securityGroupRuleId>sgr-"));
    rfree(&r);
    r = ec2(s, "Action=AuthorizeSecurityGroupIngress&GroupId=%s&%s", gid, rule);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "InvalidPermission.Duplicate"));
    rfree(&r);
    /* the same rule twice in one request is a duplicate too */
    r = ec2(s, "Action=AuthorizeSecurityGroupIngress&GroupId=%s&IpProtocol=udp&FromPort=53&ToPort=53&CidrIp=1.1.1.1/32&"
               "IpPermissions.1.IpProtocol=17&IpPermissions.1.FromPort=53&IpPermissions.1.ToPort=53&"
               "IpPermissions.1.IpRanges.1.CidrIp=1.1.1.1/32",
            gid);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "InvalidPermission.Duplicate"));
    rfree(&r);
    g_free(gid);
}

static void network_fixtures(void **st)
{
    server *s = *st;
    char err[512];
    /* a saved state goes back in whole */
    result r = ec2(s, "Action=CreateVpc&CidrBlock=10.3.0.0/16");
    assert_int_equal(r.status, 200);
    rfree(&r);
    char *dump = mockaws_state_json(s);
    assert_non_null(strstr(dump, "\"network\""));
    assert_non_null(strstr(dump, "10.3.0.0/16"));
    mockaws_free(dump);
    const char *bad[] = {
        "{\"ec2\": {\"network\": []}}",
        "{\"ec2\": {\"network\": {\"colour\": 1}}}",
        "{\"ec2\": {\"network\": {\"vpcs\": []}}}",
        "{\"ec2\": {\"network\": {\"vpcs\": {\"vpc-1\": {\"VpcId\": \"vpc-2\", \"CidrBlock\": \"10.0.0.0/16\", "
        "\"OwnerId\": \"1\"}}}}}",
        "{\"ec2\": {\"network\": {\"vpcs\": {\"vpc-1\": {\"VpcId\": \"vpc-1\", \"CidrBlock\": \"10.0.0.1/16\", "
        "\"OwnerId\": \"1\"}}}}}",
        "{\"ec2\": {\"network\": {\"security_groups\": {\"sg-1\": {\"GroupId\": \"sg-1\", \"GroupName\": \"g\", "
        "\"VpcId\": \"vpc-1\", \"_rules\": [{\"IpProtocol\": 6}]}}}}}",
        "{\"ec2\": {\"network\": {\"tags\": {\"vpc-1\": {\"k\": 1}}}}}",
        "{\"ec2\": {\"network\": {\"defaults_made\": \"yes\"}}}",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++)
        if (mockaws_load_fixtures_json(s, bad[i], err, sizeof err) == 0)
            fail_msg("fixture %zu was taken: %s", i, bad[i]);
    /* a VPC of a fixture shows, with its tags */
    assert_int_equal(mockaws_load_fixtures_json(
                         s,
                         "{\"ec2\": {\"network\": {\"vpcs\": {\"vpc-0123456789abcdef0\": {\"VpcId\": "
                         "\"vpc-0123456789abcdef0\", \"CidrBlock\": \"10.9.0.0/16\", \"OwnerId\": \"123456789012\", "
                         "\"State\": \"available\"}}, \"tags\": {\"vpc-0123456789abcdef0\": {\"Name\": \"fx\"}}}}}",
                         err, sizeof err),
                     0);
    r = ec2(s, "Action=DescribeVpcs&Filter.1.Name=tag:Name&Filter.1.Value.1=fx");
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "<cidrBlock>10.9.0.0/16</cidrBlock>"));
    rfree(&r);
    /* and on a fresh server, a fixture's VPC joins the default one */
    server *fresh = mockaws_start(&(mockaws_options){.seed = 1}, err, sizeof err);
    assert_non_null(fresh);
    assert_int_equal(mockaws_load_fixtures_json(
                         fresh,
                         "{\"ec2\": {\"network\": {\"vpcs\": {\"vpc-0123456789abcdef0\": {\"VpcId\": "
                         "\"vpc-0123456789abcdef0\", \"CidrBlock\": \"10.9.0.0/16\", \"OwnerId\": \"123456789012\"}}}}}",
                         err, sizeof err),
                     0);
    r = ec2(fresh, "Action=DescribeVpcs");
    assert_non_null(strstr(r.body, "<cidrBlock>10.9.0.0/16</cidrBlock>"));
    assert_non_null(strstr(r.body, "<cidrBlock>172.31.0.0/16</cidrBlock>"));
    rfree(&r);
    mockaws_stop(fresh);
}

/* Malformed and hostile requests: each gets EC2's own 4xx, never a crash or
 * a 5xx. */
static void garbage_is_refused(void **st)
{
    server *s = *st;
    const char *bad[] = {
        "Action=CreateVpc",
        "Action=CreateVpc&CidrBlock=",
        "Action=CreateVpc&CidrBlock=1.2.3.4/",
        "Action=CreateVpc&CidrBlock=10.0.0.0/16%00",
        "Action=CreateSubnet&CidrBlock=10.0.0.0/24",
        "Action=CreateSubnet&VpcId=vpc-x&CidrBlock=10.0.0.0/24",
        "Action=DescribeVpcs&VpcId.1=vpc-%ff",
        "Action=DescribeVpcs&NextToken=bW9ja2F3czp4",
        "Action=DescribeVpcs&Filter.1.Value.1=x",
        "Action=DescribeVpcAttribute&VpcId=vpc-0123456789abcdef0&Attribute=enableDnsSupport",
        "Action=ModifyVpcAttribute&VpcId=vpc-0123456789abcdef0",
        "Action=AuthorizeSecurityGroupIngress&IpProtocol=tcp",
        "Action=AuthorizeSecurityGroupIngress&GroupName=default",
        "Action=AuthorizeSecurityGroupIngress&GroupName=default&IpPermissions.1.IpProtocol=tcp&"
        "IpPermissions.1.FromPort=70000&IpPermissions.1.ToPort=1&IpPermissions.1.IpRanges.1.CidrIp=0.0.0.0/0",
        "Action=AuthorizeSecurityGroupIngress&GroupName=default&IpPermissions.1.IpProtocol=icmp&"
        "IpPermissions.1.FromPort=-9&IpPermissions.1.IpRanges.1.CidrIp=0.0.0.0/0",
        "Action=AuthorizeSecurityGroupIngress&GroupName=default&IpPermissions.1.IpProtocol=tcp&"
        "IpPermissions.1.FromPort=1&IpPermissions.1.ToPort=2&IpPermissions.1.UserIdGroupPairs.1.UserId=1",
        "Action=AuthorizeSecurityGroupIngress&GroupName=default&IpPermissions.1.IpProtocol=-1&"
        "IpPermissions.1.Ipv6Ranges.1.CidrIpv6=::/999",
        "Action=AuthorizeSecurityGroupIngress&GroupName=default&IpPermissions.1.IpProtocol=-1&"
        "IpPermissions.1.PrefixListIds.1.PrefixListId=pl-zz",
        "Action=AuthorizeSecurityGroupEgress&GroupName=default&IpProtocol=-1&CidrIp=0.0.0.0/0",
        "Action=RevokeSecurityGroupIngress&GroupName=default&SecurityGroupRuleId.1=sgr-0123456789abcdef0",
        "Action=RevokeSecurityGroupIngress&GroupName=default",
        "Action=DeleteSecurityGroup",
        "Action=CreateSecurityGroup&GroupName=sg-x&GroupDescription=d",
        "Action=ImportKeyPair&KeyName=k&PublicKeyMaterial=%%%%",
        "Action=ImportKeyPair&KeyName=k&PublicKeyMaterial=c3NoLXJzYSAvLy8vLy8vLy8%3D",
        /* "ssh-rsa " and a blob whose first length claims 4 GiB */
        "Action=ImportKeyPair&KeyName=k&PublicKeyMaterial=c3NoLXJzYSAvLy8vQUFBQQ%3D%3D",
        "Action=CreateKeyPair&KeyName=%01",
        "Action=CreateKeyPair&KeyName=k&KeyType=dsa",
        "Action=DeleteKeyPair",
        "Action=DeleteKeyPair&KeyPairId=key-zz",
        "Action=AssociateAddress&AllocationId=eipalloc-0123456789abcdef0",
        "Action=AssociateAddress",
        "Action=DisassociateAddress&AssociationId=eipassoc-zz",
        "Action=ReleaseAddress",
        "Action=AllocateAddress&Domain=moon",
        "Action=CreateNetworkInterface&SubnetId=subnet-0123456789abcdef0",
        "Action=AttachNetworkInterface&NetworkInterfaceId=eni-0123456789abcdef0&InstanceId=i-0123456789abcdef0&"
        "DeviceIndex=-1",
        "Action=DetachNetworkInterface&AttachmentId=eni-attach-zz",
        "Action=DeleteNetworkInterface&NetworkInterfaceId=eni-",
        "Action=DescribeNetworkInterfaces&MaxResults=2000",
        "Action=RunInstances&ImageId=ami-ab939b9c031512198&MinCount=1&MaxCount=1&PrivateIpAddress=abc",
        "Action=RunInstances&ImageId=ami-ab939b9c031512198&MinCount=1&MaxCount=1&SecurityGroupId.1=sg-zz",
        "Action=RunInstances&ImageId=ami-ab939b9c031512198&MinCount=1&MaxCount=1&NetworkInterface.1.DeviceIndex=1",
        "Action=RunInstances&ImageId=ami-ab939b9c031512198&MinCount=1&MaxCount=1&NetworkInterface.1.NetworkInterfaceId=eni-zz",
        "Action=RunInstances&ImageId=ami-ab939b9c031512198&MinCount=1&MaxCount=1&SecurityGroup.1=nope",
        "Action=CreateDefaultSubnet&AvailabilityZone=us-east-1z",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        result r = ec2(s, "%s", bad[i]);
        if (r.status < 400 || r.status >= 500)
            fail_msg("%s: %d %s", bad[i], r.status, r.body);
        rfree(&r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cidr_arithmetic),
        cmocka_unit_test(protocols_and_rule_identity),
        cmocka_unit_test(imported_fingerprints),
        cmocka_unit_test(created_keys),
        cmocka_unit_test_setup_teardown(default_vpc_exists_from_the_start, setup, teardown),
        cmocka_unit_test_setup_teardown(duplicate_rules_are_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(network_fixtures, setup, teardown),
        cmocka_unit_test_setup_teardown(garbage_is_refused, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
