/* IAM through the pipeline without sockets: users, roles, groups, inline
 * and managed policies with their versions, access keys that sign requests
 * as their user, paging, IAM's errors, the identity policies the core asks
 * for, and the fixture section loaded and dumped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/pipeline.h"
#include "test_form_call.h"
#include "core/server.h"
#include "services/iam/iam.h"
#include "services/svc_api.h"

#define ALLOW_S3 "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}"
#define ALLOW_SNS "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sns:*\",\"Resource\":\"*\"}]}"
#define TRUST                                                                                                    \
    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":"               \
    "\"ec2.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}"

/* A query request signed (in the scope only: --auth off) with key for
 * service, or unsigned (key NULL); params already URL-encoded. */
static result call(server *s, const char *key, const char *service, const char *params)
{
    const char *version = strcmp(service, "iam") == 0 ? "2010-05-08" : "2011-06-15";
    char *auth = g_strdup_printf("AWS4-HMAC-SHA256 Credential=%s/20261207/us-east-1/%s/aws4_request, "
                                 "SignedHeaders=host, Signature=0",
                                 key, service);
    char *body = g_strdup_printf("Version=%s&%s", version, params);
    result r = form_call(s, "POST", NULL, key ? auth : NULL, body);
    g_free(body);
    g_free(auth);
    return r;
}

static result iam(server *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static result iam(server *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *params = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    result r = call(s, "AKIDEXAMPLE", "iam", params);
    g_free(params);
    return r;
}


/* Text of the first <tag> element at or after from, XML's entities
 * undone, g_malloc'd, or NULL. */
static char *elem(const char *from, const char *tag)
{
    char *open = g_strdup_printf("<%s>", tag), *close = g_strdup_printf("</%s>", tag);
    const char *p = strstr(from, open), *e = p ? strstr(p, close) : NULL;
    GString *out = e ? g_string_new_len(p + strlen(open), e - p - (gssize)strlen(open)) : NULL;
    g_free(open);
    g_free(close);
    if (!out)
        return NULL;
    const char *ent[][2] = {{"&apos;", "'"}, {"&quot;", "\""}, {"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}};
    for (size_t i = 0; i < G_N_ELEMENTS(ent); i++)
        g_string_replace(out, ent[i][0], ent[i][1], 0);
    return g_string_free(out, FALSE);
}

static int count_of(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

static void expect_ok(result r, const char *what)
{
    if (r.status != 200)
        fail_msg("%s: %d %s", what, r.status, r.body);
}

#define OK(s, ...)                                                                                               \
    do {                                                                                                         \
        result r_ = iam(s, __VA_ARGS__);                                                                         \
        expect_ok(r_, #__VA_ARGS__);                                                                             \
        rfree(&r_);                                                                                              \
    } while (0)

/* The error's code and message, exactly, and its status. */
static void expect_error(result r, int status, const char *code, const char *message)
{
    char *c = elem(r.body, "Code"), *m = elem(r.body, "Message");
    bool ok = r.status == status && c && strcmp(c, code) == 0 && (!message || (m && strcmp(m, message) == 0));
    if (!ok)
        fail_msg("expected %d %s '%s', got %d: %s", status, code, message ? message : "", r.status, r.body);
    g_free(c);
    g_free(m);
}

#define ERR(status, code, message, s, ...)                                                                       \
    do {                                                                                                         \
        result r_ = iam(s, __VA_ARGS__);                                                                         \
        expect_error(r_, status, code, message);                                                                 \
        rfree(&r_);                                                                                              \
    } while (0)

static char *enc(const char *text) { return g_uri_escape_string(text, NULL, FALSE); }

/* params with doc as PolicyDocument (CreateRole: AssumeRolePolicyDocument). */
static result with_doc(server *s, const char *params, const char *doc)
{
    char *d = enc(doc);
    bool role = g_str_has_prefix(params, "Action=CreateRole&");
    result r = iam(s, "%s&%s=%s", params, role ? "AssumeRolePolicyDocument" : "PolicyDocument", d);
    g_free(d);
    return r;
}

static void doc_ok(server *s, const char *params, const char *doc)
{
    result r = with_doc(s, params, doc);
    expect_ok(r, params);
    rfree(&r);
}

/* The caller's ARN as STS sees a request signed with key. */
static char *caller_arn(server *s, const char *key)
{
    result r = call(s, key, "sts", "Action=GetCallerIdentity");
    expect_ok(r, "GetCallerIdentity");
    char *arn = elem(r.body, "Arn");
    rfree(&r);
    return arn;
}

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

static bool id_ok(const char *id, const char *prefix)
{
    if (!id || strlen(id) != 21 || !g_str_has_prefix(id, prefix))
        return false;
    for (const char *p = id + 4; *p; p++)
        if (!g_ascii_isupper(*p) && !g_ascii_isdigit(*p))
            return false;
    return true;
}

static void users_are_created_found_and_deleted(void **st)
{
    server *s = *st;
    result r = iam(s, "Action=CreateUser&UserName=alice&Path=%%2Fdiv%%2F");
    expect_ok(r, "CreateUser");
    assert_non_null(strstr(r.body, "<CreateUserResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">"));
    assert_non_null(strstr(r.body, "<Arn>arn:aws:iam::123456789012:user/div/alice</Arn>"));
    assert_non_null(strstr(r.body, "<Path>/div/</Path>"));
    char *id = elem(r.body, "UserId");
    assert_true(id_ok(id, "AIDA"));
    assert_non_null(strstr(r.body, "<CreateDate>20"));
    rfree(&r);

    /* names are found without regard to case, and taken that way */
    r = iam(s, "Action=GetUser&UserName=ALICE");
    expect_ok(r, "GetUser");
    assert_non_null(strstr(r.body, "<UserName>alice</UserName>"));
    char *id2 = elem(r.body, "UserId");
    assert_string_equal(id, id2);
    rfree(&r);
    ERR(409, "EntityAlreadyExists", "User with name Alice already exists.", s, "Action=CreateUser&UserName=Alice");
    ERR(404, "NoSuchEntity", "The user with name bob cannot be found.", s, "Action=GetUser&UserName=bob");
    ERR(400, "ValidationError",
        "1 validation error detected: Value 'bad name' at 'userName' failed to satisfy constraint: Member must "
        "satisfy regular expression pattern: [\\w+=,.@-]+",
        s, "Action=CreateUser&UserName=bad%%20name");
    ERR(400, "InvalidAction", NULL, s, "Action=FlyToTheMoon");

    /* the default path, and without UserName the caller (the root user here) */
    r = iam(s, "Action=CreateUser&UserName=bob");
    assert_non_null(strstr(r.body, "<Path>/</Path>"));
    assert_non_null(strstr(r.body, "<Arn>arn:aws:iam::123456789012:user/bob</Arn>"));
    rfree(&r);
    r = iam(s, "Action=GetUser");
    expect_ok(r, "GetUser of the caller");
    assert_non_null(strstr(r.body, "<Arn>arn:aws:iam::123456789012:root</Arn>"));
    rfree(&r);

    OK(s, "Action=DeleteUser&UserName=alice");
    ERR(404, "NoSuchEntity", "The user with name alice cannot be found.", s, "Action=DeleteUser&UserName=alice");

    /* unsigned, the API version alone routes to IAM */
    r = call(s, NULL, "iam", "Action=ListUsers");
    expect_ok(r, "unsigned ListUsers");
    assert_non_null(strstr(r.body, "<ListUsersResponse"));
    assert_non_null(strstr(r.body, "<UserName>bob</UserName>"));
    rfree(&r);
    g_free(id);
    g_free(id2);
}

static void access_keys_sign_as_their_user(void **st)
{
    server *s = *st;
    OK(s, "Action=CreateUser&UserName=alice");
    result r = iam(s, "Action=CreateAccessKey&UserName=alice");
    expect_ok(r, "CreateAccessKey");
    char *key = elem(r.body, "AccessKeyId"), *secret = elem(r.body, "SecretAccessKey");
    assert_non_null(strstr(r.body, "<Status>Active</Status>"));
    assert_int_equal(strlen(key), 20);
    assert_true(g_str_has_prefix(key, "AKIA"));
    assert_int_equal(strlen(secret), 40);
    rfree(&r);

    /* the key is the user's: requests signed with it act as alice */
    char *arn = caller_arn(s, key);
    assert_string_equal(arn, "arn:aws:iam::123456789012:user/alice");
    g_free(arn);
    r = call(s, key, "iam", "Action=GetUser");
    assert_non_null(strstr(r.body, "<UserName>alice</UserName>"));
    rfree(&r);

    /* the secret is never shown again */
    r = iam(s, "Action=ListAccessKeys&UserName=alice");
    assert_non_null(strstr(r.body, key));
    assert_null(strstr(r.body, "SecretAccessKey"));
    rfree(&r);

    /* two keys per user */
    OK(s, "Action=CreateAccessKey&UserName=alice");
    ERR(409, "LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: 2", s,
        "Action=CreateAccessKey&UserName=alice");
    ERR(409, "DeleteConflict", "Cannot delete entity, must delete access keys first.", s,
        "Action=DeleteUser&UserName=alice");

    /* inactive: the server forgets it (the caller is then the account's root) */
    OK(s, "Action=UpdateAccessKey&UserName=alice&AccessKeyId=%s&Status=Inactive", key);
    arn = caller_arn(s, key);
    assert_string_equal(arn, "arn:aws:iam::123456789012:root");
    g_free(arn);
    r = iam(s, "Action=ListAccessKeys&UserName=alice");
    assert_non_null(strstr(r.body, "<Status>Inactive</Status>"));
    rfree(&r);
    OK(s, "Action=UpdateAccessKey&UserName=alice&AccessKeyId=%s&Status=Active", key);
    arn = caller_arn(s, key);
    assert_string_equal(arn, "arn:aws:iam::123456789012:user/alice");
    g_free(arn);
    ERR(400, "ValidationError", NULL, s, "Action=UpdateAccessKey&UserName=alice&AccessKeyId=%s&Status=Asleep", key);

    OK(s, "Action=DeleteAccessKey&UserName=alice&AccessKeyId=%s", key);
    arn = caller_arn(s, key);
    assert_string_equal(arn, "arn:aws:iam::123456789012:root");
    g_free(arn);
    ERR(404, "NoSuchEntity", NULL, s, "Action=DeleteAccessKey&UserName=alice&AccessKeyId=%s", key);
    g_free(key);
    g_free(secret);
}

static void keys_live_in_their_account_until_a_reset(void **st)
{
    server *s = *st;
    /* a key of 12 digits puts the request in that account */
    result r = call(s, "111122223333", "iam", "Action=CreateUser&UserName=carol");
    assert_non_null(strstr(r.body, "arn:aws:iam::111122223333:user/carol"));
    rfree(&r);
    r = call(s, "111122223333", "iam", "Action=CreateAccessKey&UserName=carol");
    char *key = elem(r.body, "AccessKeyId");
    rfree(&r);
    char *arn = caller_arn(s, key);
    assert_string_equal(arn, "arn:aws:iam::111122223333:user/carol");
    g_free(arn);
    /* the other account has no carol */
    ERR(404, "NoSuchEntity", NULL, s, "Action=GetUser&UserName=carol");

    mockaws_reset(s);
    arn = caller_arn(s, key);
    assert_string_equal(arn, "arn:aws:iam::123456789012:root");
    g_free(arn);
    g_free(key);
}

static void inline_policies(void **st)
{
    server *s = *st;
    OK(s, "Action=CreateUser&UserName=alice");
    doc_ok(s, "Action=PutUserPolicy&UserName=alice&PolicyName=s3", ALLOW_S3);
    doc_ok(s, "Action=PutUserPolicy&UserName=alice&PolicyName=sns", ALLOW_SNS);

    /* the document comes back as given, URL-encoded */
    result r = iam(s, "Action=GetUserPolicy&UserName=alice&PolicyName=s3");
    expect_ok(r, "GetUserPolicy");
    char *want = enc(ALLOW_S3);
    char *got = elem(r.body, "PolicyDocument");
    assert_string_equal(got, want);
    assert_true(g_str_has_prefix(got, "%7B%22Version%22%3A%222012-10-17%22"));
    g_free(got);
    g_free(want);
    rfree(&r);

    r = iam(s, "Action=ListUserPolicies&UserName=alice");
    assert_non_null(strstr(r.body, "<PolicyNames><member>s3</member><member>sns</member></PolicyNames>"));
    assert_non_null(strstr(r.body, "<IsTruncated>false</IsTruncated>"));
    rfree(&r);

    ERR(404, "NoSuchEntity", "The user policy with name nope cannot be found.", s,
        "Action=GetUserPolicy&UserName=alice&PolicyName=nope");
    ERR(409, "DeleteConflict", "Cannot delete entity, must delete policies first.", s,
        "Action=DeleteUser&UserName=alice");
    r = with_doc(s, "Action=PutUserPolicy&UserName=alice&PolicyName=bad", "not json");
    expect_error(r, 400, "MalformedPolicyDocument", NULL);
    rfree(&r);

    /* a user's inline policies share 2,048 characters, whitespace not counted */
    GString *big = g_string_new("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\","
                                "\"Resource\":\"arn:aws:s3:::");
    while (big->len < 2000)
        g_string_append_c(big, 'b');
    g_string_append(big, "\"}]}");
    r = with_doc(s, "Action=PutUserPolicy&UserName=alice&PolicyName=big", big->str);
    expect_error(r, 409, "LimitExceeded", "Maximum policy size of 2048 bytes exceeded for user alice");
    rfree(&r);
    g_string_free(big, TRUE);

    OK(s, "Action=DeleteUserPolicy&UserName=alice&PolicyName=s3");
    OK(s, "Action=DeleteUserPolicy&UserName=alice&PolicyName=sns");
    OK(s, "Action=DeleteUser&UserName=alice");

    /* roles and groups have theirs, with their own nouns */
    doc_ok(s, "Action=CreateRole&RoleName=r", TRUST);
    ERR(404, "NoSuchEntity", "The role policy with name p cannot be found.", s,
        "Action=GetRolePolicy&RoleName=r&PolicyName=p");
    OK(s, "Action=CreateGroup&GroupName=g");
    doc_ok(s, "Action=PutGroupPolicy&GroupName=g&PolicyName=p", ALLOW_S3);
    r = iam(s, "Action=GetGroupPolicy&GroupName=g&PolicyName=p");
    assert_non_null(strstr(r.body, "<GroupName>g</GroupName>"));
    rfree(&r);
    ERR(404, "NoSuchEntity", "The group policy with name q cannot be found.", s,
        "Action=DeleteGroupPolicy&GroupName=g&PolicyName=q");
}

static char *create_policy(server *s, const char *name, const char *doc)
{
    char *params = g_strdup_printf("Action=CreatePolicy&PolicyName=%s", name);
    result r = with_doc(s, params, doc);
    expect_ok(r, params);
    char *arn = elem(r.body, "Arn");
    char *id = elem(r.body, "PolicyId");
    assert_true(id_ok(id, "ANPA"));
    assert_non_null(strstr(r.body, "<DefaultVersionId>v1</DefaultVersionId>"));
    rfree(&r);
    g_free(id);
    g_free(params);
    return arn;
}

static void managed_policies_and_versions(void **st)
{
    server *s = *st;
    char *arn = create_policy(s, "mp", ALLOW_S3);
    assert_string_equal(arn, "arn:aws:iam::123456789012:policy/mp");
    result r = with_doc(s, "Action=CreatePolicy&PolicyName=MP", ALLOW_S3);
    expect_error(r, 409, "EntityAlreadyExists", "A policy called MP already exists. Duplicate names are not allowed.");
    rfree(&r);

    OK(s, "Action=CreateUser&UserName=alice");
    OK(s, "Action=AttachUserPolicy&UserName=alice&PolicyArn=%s", arn);
    r = iam(s, "Action=ListAttachedUserPolicies&UserName=alice");
    assert_non_null(strstr(r.body, "<AttachedPolicies><member><PolicyName>mp</PolicyName><PolicyArn>"
                                   "arn:aws:iam::123456789012:policy/mp</PolicyArn></member></AttachedPolicies>"));
    rfree(&r);
    r = iam(s, "Action=GetPolicy&PolicyArn=%s", arn);
    assert_non_null(strstr(r.body, "<AttachmentCount>1</AttachmentCount>"));
    assert_non_null(strstr(r.body, "<IsAttachable>true</IsAttachable>"));
    rfree(&r);
    ERR(409, "DeleteConflict", "Cannot delete entity, must detach all policies first.", s,
        "Action=DeleteUser&UserName=alice");
    ERR(409, "DeleteConflict", "Cannot delete a policy attached to entities.", s, "Action=DeletePolicy&PolicyArn=%s",
        arn);
    ERR(404, "NoSuchEntity", "Policy arn:aws:iam::123456789012:policy/none does not exist or is not attachable.", s,
        "Action=AttachUserPolicy&UserName=alice&PolicyArn=arn:aws:iam::123456789012:policy/none");
    ERR(404, "NoSuchEntity", "Policy arn:aws:iam::123456789012:policy/none was not found.", s,
        "Action=GetPolicy&PolicyArn=arn:aws:iam::123456789012:policy/none");

    /* up to 5 versions; the new one is the default only when asked */
    for (int i = 2; i <= 5; i++) {
        char *params = g_strdup_printf("Action=CreatePolicyVersion&PolicyArn=%s%s", arn,
                                       i == 3 ? "&SetAsDefault=true" : "");
        r = with_doc(s, params, ALLOW_SNS);
        expect_ok(r, params);
        char *v = g_strdup_printf("<VersionId>v%d</VersionId>", i);
        assert_non_null(strstr(r.body, v));
        g_free(v);
        rfree(&r);
        g_free(params);
    }
    char *params = g_strdup_printf("Action=CreatePolicyVersion&PolicyArn=%s", arn);
    r = with_doc(s, params, ALLOW_SNS);
    expect_error(r, 409, "LimitExceeded",
                 "A managed policy can have up to 5 versions. Before you create a new version, you must delete an "
                 "existing version.");
    rfree(&r);
    g_free(params);
    r = iam(s, "Action=GetPolicy&PolicyArn=%s", arn);
    assert_non_null(strstr(r.body, "<DefaultVersionId>v3</DefaultVersionId>"));
    rfree(&r);
    /* listed newest first */
    r = iam(s, "Action=ListPolicyVersions&PolicyArn=%s", arn);
    char *first = elem(r.body, "VersionId");
    assert_string_equal(first, "v5");
    g_free(first);
    assert_int_equal(count_of(r.body, "<IsDefaultVersion>true</IsDefaultVersion>"), 1);
    rfree(&r);
    r = iam(s, "Action=GetPolicyVersion&PolicyArn=%s&VersionId=v1", arn);
    char *doc = elem(r.body, "Document"), *want = enc(ALLOW_S3);
    assert_string_equal(doc, want);
    g_free(doc);
    g_free(want);
    rfree(&r);

    ERR(409, "DeleteConflict", "Cannot delete the default version of a policy.", s,
        "Action=DeletePolicyVersion&PolicyArn=%s&VersionId=v3", arn);
    ERR(404, "NoSuchEntity", NULL, s, "Action=SetDefaultPolicyVersion&PolicyArn=%s&VersionId=v9", arn);
    OK(s, "Action=SetDefaultPolicyVersion&PolicyArn=%s&VersionId=v1", arn);
    OK(s, "Action=DetachUserPolicy&UserName=alice&PolicyArn=%s", arn);
    ERR(404, "NoSuchEntity", NULL, s, "Action=DetachUserPolicy&UserName=alice&PolicyArn=%s", arn);
    ERR(409, "DeleteConflict",
        "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. "
        "The default version is deleted with the policy.",
        s, "Action=DeletePolicy&PolicyArn=%s", arn);
    for (int i = 2; i <= 5; i++)
        OK(s, "Action=DeletePolicyVersion&PolicyArn=%s&VersionId=v%d", arn, i);
    OK(s, "Action=DeletePolicy&PolicyArn=%s", arn);
    ERR(404, "NoSuchEntity", NULL, s, "Action=GetPolicy&PolicyArn=%s", arn);

    /* ten attached per principal */
    doc_ok(s, "Action=CreateRole&RoleName=r", TRUST);
    for (int i = 0; i <= 10; i++) {
        char name[8];
        g_snprintf(name, sizeof name, "p%02d", i);
        char *a = create_policy(s, name, ALLOW_S3);
        result ar = iam(s, "Action=AttachRolePolicy&RoleName=r&PolicyArn=%s", a);
        if (i < 10)
            expect_ok(ar, "AttachRolePolicy");
        else
            expect_error(ar, 409, "LimitExceeded", "Cannot exceed quota for PoliciesPerRole: 10");
        rfree(&ar);
        g_free(a);
    }
    g_free(arn);
}

static void lists_page_with_marker(void **st)
{
    server *s = *st;
    const char *names[] = {"eve", "Bob", "dave", "alice", "carol"};
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
        OK(s, "Action=CreateUser&UserName=%s&Path=%s", names[i], i % 2 ? "%2Fteam%2F" : "%2F");

    GString *seen = g_string_new(NULL);
    char *marker = NULL;
    int pages = 0;
    do {
        result r = marker ? iam(s, "Action=ListUsers&MaxItems=2&Marker=%s", marker) : iam(s, "Action=ListUsers&MaxItems=2");
        expect_ok(r, "ListUsers");
        g_free(marker);
        marker = elem(r.body, "Marker");
        bool truncated = strstr(r.body, "<IsTruncated>true</IsTruncated>") != NULL;
        assert_int_equal(truncated, marker != NULL);
        for (const char *p = strstr(r.body, "<UserName>"); p; p = strstr(p + 1, "<UserName>")) {
            char *n = elem(p, "UserName");
            g_string_append_printf(seen, "%s ", n);
            g_free(n);
        }
        rfree(&r);
        pages++;
    } while (marker && pages < 10);
    assert_int_equal(pages, 3);
    assert_string_equal(seen->str, "alice Bob carol dave eve ");
    g_string_free(seen, TRUE);

    result r = iam(s, "Action=ListUsers&PathPrefix=%%2Fteam%%2F");
    assert_int_equal(count_of(r.body, "<UserName>"), 2);
    assert_non_null(strstr(r.body, "<UserName>Bob</UserName>"));
    assert_non_null(strstr(r.body, "<UserName>alice</UserName>"));
    rfree(&r);
    ERR(400, "ValidationError",
        "1 validation error detected: Value '0' at 'maxItems' failed to satisfy constraint: Member must have value "
        "greater than or equal to 1",
        s, "Action=ListUsers&MaxItems=0");
}

static void groups_hold_users(void **st)
{
    server *s = *st;
    OK(s, "Action=CreateUser&UserName=alice");
    result r = iam(s, "Action=CreateGroup&GroupName=devs&Path=%%2Feng%%2F");
    char *id = elem(r.body, "GroupId");
    assert_true(id_ok(id, "AGPA"));
    assert_non_null(strstr(r.body, "<Arn>arn:aws:iam::123456789012:group/eng/devs</Arn>"));
    g_free(id);
    rfree(&r);
    ERR(409, "EntityAlreadyExists", "Group with name devs already exists.", s, "Action=CreateGroup&GroupName=devs");
    ERR(404, "NoSuchEntity", "The group with name ops cannot be found.", s,
        "Action=AddUserToGroup&GroupName=ops&UserName=alice");
    ERR(404, "NoSuchEntity", "The user with name zed cannot be found.", s,
        "Action=AddUserToGroup&GroupName=devs&UserName=zed");
    OK(s, "Action=AddUserToGroup&GroupName=devs&UserName=alice");
    OK(s, "Action=AddUserToGroup&GroupName=devs&UserName=alice"); /* again: nothing changes */

    r = iam(s, "Action=GetGroup&GroupName=devs");
    assert_non_null(strstr(r.body, "<Group>"));
    assert_int_equal(count_of(r.body, "<UserName>alice</UserName>"), 1);
    rfree(&r);
    r = iam(s, "Action=ListGroupsForUser&UserName=alice");
    assert_int_equal(count_of(r.body, "<GroupName>devs</GroupName>"), 1);
    rfree(&r);

    ERR(409, "DeleteConflict", "Cannot delete entity, must remove users from group first.", s,
        "Action=DeleteGroup&GroupName=devs");
    ERR(409, "DeleteConflict", NULL, s, "Action=DeleteUser&UserName=alice");
    OK(s, "Action=RemoveUserFromGroup&GroupName=devs&UserName=alice");
    ERR(404, "NoSuchEntity", NULL, s, "Action=RemoveUserFromGroup&GroupName=devs&UserName=alice");
    OK(s, "Action=DeleteGroup&GroupName=devs");
    OK(s, "Action=DeleteUser&UserName=alice");
}

static void roles_trust_boundaries_and_tags(void **st)
{
    server *s = *st;
    result r = with_doc(s, "Action=CreateRole&RoleName=app&Path=%2Fsvc%2F&Tags.member.1.Key=team&Tags.member.1.Value=a",
                        TRUST);
    expect_ok(r, "CreateRole");
    char *id = elem(r.body, "RoleId");
    assert_true(id_ok(id, "AROA"));
    g_free(id);
    assert_non_null(strstr(r.body, "<Arn>arn:aws:iam::123456789012:role/svc/app</Arn>"));
    assert_non_null(strstr(r.body, "<MaxSessionDuration>3600</MaxSessionDuration>"));
    rfree(&r);
    r = with_doc(s, "Action=CreateRole&RoleName=APP", TRUST);
    expect_error(r, 409, "EntityAlreadyExists", "Role with name APP already exists.");
    rfree(&r);
    r = with_doc(s, "Action=CreateRole&RoleName=long&MaxSessionDuration=60", TRUST);
    expect_error(r, 400, "ValidationError", NULL);
    rfree(&r);

    r = iam(s, "Action=GetRole&RoleName=app");
    char *doc = elem(r.body, "AssumeRolePolicyDocument"), *want = enc(TRUST);
    assert_string_equal(doc, want);
    g_free(doc);
    g_free(want);
    assert_non_null(strstr(r.body, "<Key>team</Key>"));
    rfree(&r);
    r = with_doc(s, "Action=UpdateAssumeRolePolicy&RoleName=app", TRUST);
    expect_ok(r, "UpdateAssumeRolePolicy");
    rfree(&r);
    r = iam(s, "Action=UpdateAssumeRolePolicy&RoleName=app&PolicyDocument=%%5B%%5D");
    expect_error(r, 400, "MalformedPolicyDocument", NULL);
    rfree(&r);

    /* a policy's tags and description: GetPolicy shows them, listings do not */
    r = with_doc(s, "Action=CreatePolicy&PolicyName=tagged&Description=d&Tags.member.1.Key=team&Tags.member.1.Value=a",
                 ALLOW_S3);
    expect_ok(r, "CreatePolicy with tags");
    rfree(&r);
    r = iam(s, "Action=GetPolicy&PolicyArn=arn:aws:iam::123456789012:policy/tagged");
    assert_non_null(strstr(r.body, "<Key>team</Key>"));
    assert_non_null(strstr(r.body, "<Description>d</Description>"));
    rfree(&r);
    r = iam(s, "Action=ListPolicies");
    assert_non_null(strstr(r.body, "<PolicyName>tagged</PolicyName>"));
    assert_null(strstr(r.body, "<Key>team</Key>"));
    rfree(&r);

    char *arn = create_policy(s, "bound", ALLOW_S3);
    OK(s, "Action=PutRolePermissionsBoundary&RoleName=app&PermissionsBoundary=%s", arn);
    r = iam(s, "Action=GetRole&RoleName=app");
    assert_non_null(strstr(r.body, "<PermissionsBoundaryType>PermissionsBoundaryPolicy</PermissionsBoundaryType>"));
    rfree(&r);
    r = iam(s, "Action=GetPolicy&PolicyArn=%s", arn);
    assert_non_null(strstr(r.body, "<PermissionsBoundaryUsageCount>1</PermissionsBoundaryUsageCount>"));
    rfree(&r);
    ERR(409, "DeleteConflict", NULL, s, "Action=DeletePolicy&PolicyArn=%s", arn);
    OK(s, "Action=DeleteRolePermissionsBoundary&RoleName=app");
    r = iam(s, "Action=GetRole&RoleName=app");
    assert_null(strstr(r.body, "PermissionsBoundary"));
    rfree(&r);

    OK(s, "Action=TagRole&RoleName=app&Tags.member.1.Key=team&Tags.member.1.Value=b&Tags.member.2.Key=env&Tags.member.2.Value=x");
    r = iam(s, "Action=ListRoleTags&RoleName=app");
    assert_int_equal(count_of(r.body, "<Key>"), 2);
    assert_non_null(strstr(r.body, "<Value>b</Value>"));
    rfree(&r);
    OK(s, "Action=UntagRole&RoleName=app&TagKeys.member.1=team");
    r = iam(s, "Action=ListRoleTags&RoleName=app");
    assert_int_equal(count_of(r.body, "<Key>"), 1);
    rfree(&r);

    /* keys differ by more than case, a request names each once, 50 in all */
    OK(s, "Action=TagRole&RoleName=app&Tags.member.1.Key=ENV&Tags.member.1.Value=y");
    r = iam(s, "Action=ListRoleTags&RoleName=app");
    assert_int_equal(count_of(r.body, "<Key>"), 1);
    assert_non_null(strstr(r.body, "<Key>ENV</Key><Value>y</Value>"));
    rfree(&r);
    ERR(400, "InvalidInput", "Duplicate tag keys found. Please note that Tag keys are case insensitive.", s,
        "Action=TagRole&RoleName=app&Tags.member.1.Key=a&Tags.member.1.Value=1&Tags.member.2.Key=A&Tags.member.2.Value=2");
    GString *many = g_string_new("Action=TagRole&RoleName=app");
    for (int i = 1; i <= 49; i++)
        g_string_append_printf(many, "&Tags.member.%d.Key=k%d&Tags.member.%d.Value=v", i, i, i);
    OK(s, "%s", many->str);
    g_string_free(many, TRUE);
    ERR(409, "LimitExceeded", "Cannot exceed quota for TagsPerRole: 50", s,
        "Action=TagRole&RoleName=app&Tags.member.1.Key=one-more&Tags.member.1.Value=v");
    OK(s, "Action=TagRole&RoleName=app&Tags.member.1.Key=k1&Tags.member.1.Value=new"); /* a new value, no new key */

    r = iam(s, "Action=ListRoles");
    assert_non_null(strstr(r.body, "<RoleName>app</RoleName>"));
    rfree(&r);
    OK(s, "Action=DeleteRole&RoleName=app");
    ERR(404, "NoSuchEntity", "The role with name app cannot be found.", s, "Action=GetRole&RoleName=app");
    g_free(arn);
}

static void the_caller_without_user_name(void **st)
{
    server *s = *st;
    /* the root user's own keys */
    result r = iam(s, "Action=CreateAccessKey");
    expect_ok(r, "CreateAccessKey for the root user");
    assert_null(strstr(r.body, "<UserName>"));
    char *key = elem(r.body, "AccessKeyId");
    rfree(&r);
    char *arn = caller_arn(s, key);
    assert_string_equal(arn, "arn:aws:iam::123456789012:root");
    g_free(arn);
    r = iam(s, "Action=ListAccessKeys");
    assert_non_null(strstr(r.body, key));
    rfree(&r);
    g_free(key);

    /* a role session is no user */
    r = call(s, "AKIDEXAMPLE", "sts",
             "Action=AssumeRole&RoleArn=arn:aws:iam::123456789012:role/r&RoleSessionName=sess");
    expect_ok(r, "AssumeRole");
    char *session = elem(r.body, "AccessKeyId");
    rfree(&r);
    r = call(s, session, "iam", "Action=GetUser");
    expect_error(r, 400, "ValidationError", "Must specify userName when calling with non-User credentials");
    rfree(&r);
    r = call(s, session, "iam", "Action=ListAccessKeys");
    expect_error(r, 400, "ValidationError", NULL);
    rfree(&r);
    g_free(session);
}

static void hostile_inputs_get_iam_errors(void **st)
{
    server *s = *st;
    OK(s, "Action=CreateUser&UserName=alice");
    ERR(400, "ValidationError", NULL, s, "Action=GetPolicy&PolicyArn=x");
    ERR(404, "NoSuchEntity", NULL, s, "Action=GetPolicy&PolicyArn=arn:aws:iam::123456789012:policy/");
    ERR(404, "NoSuchEntity", NULL, s, "Action=GetPolicy&PolicyArn=arn:aws:iam::123456789012:nopolicyhere");
    ERR(404, "NoSuchEntity", NULL, s, "Action=AttachUserPolicy&UserName=alice&PolicyArn=arn:aws:iam::aws:policy/ReadOnlyAccess");
    ERR(400, "ValidationError", NULL, s, "Action=ListUsers&MaxItems=1001");
    ERR(400, "ValidationError", NULL, s, "Action=ListUsers&PathPrefix=nope");
    ERR(400, "ValidationError", NULL, s, "Action=CreateUser&UserName=%s",
        "a123456789b123456789c123456789d123456789e123456789f123456789g12345");
    ERR(400, "ValidationError", NULL, s, "Action=CreateUser&UserName=x&Path=no-slashes");
    ERR(400, "ValidationError", NULL, s, "Action=CreateUser&UserName=a%%00b");
    ERR(400, "ValidationError", NULL, s, "Action=GetUser&UserName=");
    /* a marker past every name is an empty last page */
    result r = iam(s, "Action=ListUsers&Marker=%%7E%%7E%%7E");
    expect_ok(r, "ListUsers past the end");
    assert_non_null(strstr(r.body, "<IsTruncated>false</IsTruncated>"));
    assert_null(strstr(r.body, "<UserName>"));
    rfree(&r);
    /* a document that is not UTF-8 */
    r = iam(s, "Action=PutUserPolicy&UserName=alice&PolicyName=p&PolicyDocument=%%7B%%22a%%22%%3A%%22%%FF%%22%%7D");
    assert_int_equal(r.status, 400);
    rfree(&r);
}

/* ---- what the core asks ---- */

typedef struct ask {
    const char *arn;
    json_t *policies;
    json_t *boundary;
} ask;

static void ask_state(void *state, const char *account, const char *region, void *arg)
{
    (void)account;
    (void)region;
    ask *a = arg;
    a->policies = iam_service.identity_policies(state, a->arn, &a->boundary);
}

static ask identity(server *s, const char *arn)
{
    ask a = {arn, NULL, NULL};
    svc_foreach_state(s, &iam_service, "123456789012", NULL, SVC_LOCK_SHARED, ask_state, &a);
    assert_non_null(a.policies);
    return a;
}

static void ask_clear(ask *a)
{
    json_decref(a->policies);
    json_decref(a->boundary);
}

/* The actions the documents allow, in order, space-separated. */
static char *actions(json_t *docs)
{
    GString *s = g_string_new(NULL);
    size_t i;
    json_t *d;
    json_array_foreach(docs, i, d) {
        json_t *st = json_array_get(json_object_get(d, "Statement"), 0);
        g_string_append_printf(s, "%s ", svc_str(st, "Action"));
    }
    return g_string_free(s, FALSE);
}

#define POLICY_ALLOWING(action)                                                                                  \
    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"" action "\",\"Resource\":\"*\"}]}"

static void identity_policies_of_users_and_roles(void **st)
{
    server *s = *st;
    OK(s, "Action=CreateUser&UserName=alice&Path=%%2Fdiv%%2F");
    OK(s, "Action=CreateGroup&GroupName=devs");
    OK(s, "Action=CreateGroup&GroupName=ops");
    OK(s, "Action=AddUserToGroup&GroupName=devs&UserName=alice");
    doc_ok(s, "Action=PutUserPolicy&UserName=alice&PolicyName=own", POLICY_ALLOWING("a:own"));
    char *user_mp = create_policy(s, "user-mp", POLICY_ALLOWING("a:user-mp"));
    char *group_mp = create_policy(s, "group-mp", POLICY_ALLOWING("a:group-mp"));
    char *ops_mp = create_policy(s, "ops-mp", POLICY_ALLOWING("a:ops-mp"));
    char *bound = create_policy(s, "bound", POLICY_ALLOWING("a:bound"));
    OK(s, "Action=AttachUserPolicy&UserName=alice&PolicyArn=%s", user_mp);
    doc_ok(s, "Action=PutGroupPolicy&GroupName=devs&PolicyName=g", POLICY_ALLOWING("a:group-inline"));
    OK(s, "Action=AttachGroupPolicy&GroupName=devs&PolicyArn=%s", group_mp);
    OK(s, "Action=AttachGroupPolicy&GroupName=ops&PolicyArn=%s", ops_mp); /* alice is not in ops */
    OK(s, "Action=PutUserPermissionsBoundary&UserName=alice&PermissionsBoundary=%s", bound);
    /* the managed policy's default version counts, not its newest */
    char *params = g_strdup_printf("Action=CreatePolicyVersion&PolicyArn=%s", user_mp);
    doc_ok(s, params, POLICY_ALLOWING("a:not-default"));
    g_free(params);

    ask a = identity(s, "arn:aws:iam::123456789012:user/div/alice");
    char *got = actions(a.policies);
    assert_string_equal(got, "a:own a:user-mp a:group-inline a:group-mp ");
    g_free(got);
    assert_non_null(a.boundary);
    assert_string_equal(svc_str(json_array_get(json_object_get(a.boundary, "Statement"), 0), "Action"), "a:bound");
    ask_clear(&a);

    /* a role's own; the wrong path, an unknown name or the root: none */
    doc_ok(s, "Action=CreateRole&RoleName=app", TRUST);
    doc_ok(s, "Action=PutRolePolicy&RoleName=app&PolicyName=p", POLICY_ALLOWING("a:role"));
    a = identity(s, "arn:aws:iam::123456789012:role/app");
    got = actions(a.policies);
    assert_string_equal(got, "a:role ");
    assert_null(a.boundary);
    g_free(got);
    ask_clear(&a);
    const char *none[] = {"arn:aws:iam::123456789012:user/alice", "arn:aws:iam::123456789012:user/div/bob",
                          "arn:aws:iam::123456789012:root", "arn:aws:iam::123456789012:group/devs", "", "/"};
    for (size_t i = 0; i < G_N_ELEMENTS(none); i++) {
        a = identity(s, none[i]);
        assert_int_equal(json_array_size(a.policies), 0);
        assert_null(a.boundary);
        ask_clear(&a);
    }
    g_free(user_mp);
    g_free(group_mp);
    g_free(ops_mp);
    g_free(bound);
}

/* ---- fixtures ---- */

static const char FIXTURE[] =
    "{\"account\": \"123456789012\", \"iam\": {"
    " \"root_keys\": [{\"AccessKeyId\": \"AKIAROOTROOTROOT0001\", \"SecretAccessKey\": \"rootsecret\"}],"
    " \"policies\": [{\"PolicyName\": \"read\", \"PolicyDocument\": " POLICY_ALLOWING("s3:Get*") "}],"
    " \"groups\": [{\"GroupName\": \"devs\", \"AttachedPolicies\": [\"arn:aws:iam::123456789012:policy/read\"]}],"
    " \"users\": [{\"UserName\": \"alice\", \"Path\": \"/div/\","
    "   \"AccessKeys\": [{\"AccessKeyId\": \"AKIAALICEALICE000001\", \"SecretAccessKey\": \"alicesecret\"},"
    "                    {\"AccessKeyId\": \"AKIAALICEALICE000002\", \"SecretAccessKey\": \"s2\", \"Status\": \"Inactive\"}],"
    "   \"Policies\": {\"own\": " POLICY_ALLOWING("sns:Publish") "}, \"Groups\": [\"devs\"],"
    "   \"PermissionsBoundary\": \"arn:aws:iam::123456789012:policy/read\"}],"
    " \"roles\": [{\"RoleName\": \"app\", \"AssumeRolePolicyDocument\": " TRUST ", \"MaxSessionDuration\": 7200,"
    "   \"AttachedPolicies\": [\"arn:aws:iam::123456789012:policy/read\"]}]}}";

static void fixtures_load_and_dump(void **st)
{
    server *s = *st;
    char err[400];
    if (mockaws_load_fixtures_json(s, FIXTURE, err, sizeof err) != 0)
        fail_msg("load: %s", err);
    char *arn = caller_arn(s, "AKIAALICEALICE000001");
    assert_string_equal(arn, "arn:aws:iam::123456789012:user/div/alice");
    g_free(arn);
    arn = caller_arn(s, "AKIAROOTROOTROOT0001");
    assert_string_equal(arn, "arn:aws:iam::123456789012:root");
    g_free(arn);
    server_cred cred;
    assert_true(server_cred_lookup(s, "AKIAALICEALICE000001", &cred));
    assert_string_equal(cred.secret, "alicesecret");
    server_cred_clear(&cred);
    assert_false(server_cred_lookup(s, "AKIAALICEALICE000002", &cred)); /* inactive */
    assert_true(server_cred_lookup(s, "AKIAROOTROOTROOT0001", &cred));
    assert_string_equal(cred.secret, "rootsecret");
    server_cred_clear(&cred);

    result r = iam(s, "Action=GetRole&RoleName=app");
    assert_non_null(strstr(r.body, "<MaxSessionDuration>7200</MaxSessionDuration>"));
    rfree(&r);
    r = iam(s, "Action=ListAccessKeys");
    assert_non_null(strstr(r.body, "AKIAROOTROOTROOT0001"));
    rfree(&r);
    ask a = identity(s, "arn:aws:iam::123456789012:user/div/alice");
    assert_int_equal(json_array_size(a.policies), 2);
    assert_non_null(a.boundary);
    ask_clear(&a);

    /* the dump reloads into the same state, secrets and ids included */
    char *dump = mockaws_state_json(s);
    assert_non_null(strstr(dump, "alicesecret"));
    assert_non_null(strstr(dump, "rootsecret"));
    mockaws_options o = {.seed = 99};
    server *s2 = mockaws_start(&o, err, sizeof err);
    assert_non_null(s2);
    if (mockaws_load_fixtures_json(s2, dump, err, sizeof err) != 0)
        fail_msg("reload: %s", err);
    char *dump2 = mockaws_state_json(s2);
    assert_string_equal(dump, dump2);
    arn = caller_arn(s2, "AKIAALICEALICE000001");
    assert_string_equal(arn, "arn:aws:iam::123456789012:user/div/alice");
    g_free(arn);
    g_free(dump2);
    mockaws_stop(s2);
    g_free(dump);
}

/* The README's example loads, and its keys sign as the people it names. */
static void example_fixture_loads(void **st)
{
    server *s = *st;
    char err[400];
    if (mockaws_load_fixtures_file(s, MOCKAWS_SOURCE_DIR "/fixtures/iam-example.json", err, sizeof err) != 0)
        fail_msg("load: %s", err);
    char *arn = caller_arn(s, "AKIAEXAMPLECI0000001");
    assert_string_equal(arn, "arn:aws:iam::123456789012:user/bots/ci");
    g_free(arn);
    ask a = identity(s, "arn:aws:iam::123456789012:user/bots/ci");
    assert_int_equal(json_array_size(a.policies), 2); /* its own, and its group's managed policy */
    assert_non_null(a.boundary);
    ask_clear(&a);
    a = identity(s, "arn:aws:iam::123456789012:role/worker");
    assert_int_equal(json_array_size(a.policies), 1);
    ask_clear(&a);
}

static void bad_fixtures_are_refused(void **st)
{
    server *s = *st;
    const char *bad[] = {
        "{\"iam\": []}",
        "{\"iam\": {\"people\": []}}",
        "{\"iam\": {\"users\": {}}}",
        "{\"iam\": {\"users\": [7]}}",
        "{\"iam\": {\"users\": [{\"UserName\": \"bad name\"}]}}",
        "{\"iam\": {\"users\": [{}]}}",
        "{\"iam\": {\"users\": [{\"UserName\": \"a\", \"Groups\": [\"nope\"]}]}}",
        "{\"iam\": {\"users\": [{\"UserName\": \"a\", \"AttachedPolicies\": [\"arn:aws:iam::123456789012:policy/x\"]}]}}",
        "{\"iam\": {\"users\": [{\"UserName\": \"a\", \"Policies\": {\"p\": 5}}]}}",
        "{\"iam\": {\"users\": [{\"UserName\": \"a\", \"Policies\": {\"p\": \"not json\"}}]}}",
        "{\"iam\": {\"users\": [{\"UserName\": \"a\", \"AccessKeys\": [{\"AccessKeyId\": \"short\", \"SecretAccessKey\": \"s\"}]}]}}",
        "{\"iam\": {\"users\": [{\"UserName\": \"a\", \"AccessKeys\": [{\"AccessKeyId\": \"AKIAAAAAAAAAAAAAAAA1\"}]}]}}",
        "{\"iam\": {\"users\": [{\"UserName\": \"a\", \"UserId\": \"AROAAAAAAAAAAAAAAAAAA\"}]}}",
        "{\"iam\": {\"roles\": [{\"RoleName\": \"r\"}]}}",
        "{\"iam\": {\"roles\": [{\"RoleName\": \"r\", \"AssumeRolePolicyDocument\": [1]}]}}",
        "{\"iam\": {\"policies\": [{\"PolicyName\": \"p\"}]}}",
        "{\"iam\": {\"policies\": [{\"PolicyName\": \"p\", \"Versions\": []}]}}",
        "{\"iam\": {\"policies\": [{\"PolicyName\": \"p\", \"Versions\": [{\"VersionId\": \"x\", \"Document\": " ALLOW_S3 "}]}]}}",
        "{\"iam\": {\"policies\": [{\"PolicyName\": \"p\", \"Versions\": [{\"VersionId\": \"v1x\", \"Document\": " ALLOW_S3 "}]}]}}",
        "{\"iam\": {\"policies\": [{\"PolicyName\": \"p\", \"Versions\": [{\"VersionId\": \"v01\", \"Document\": " ALLOW_S3 "}]}]}}",
        "{\"iam\": {\"policies\": [{\"PolicyName\": \"p\", \"Versions\": [{\"VersionId\": \"v99999999999999999999\", \"Document\": " ALLOW_S3 "}]}]}}",
        "{\"iam\": {\"policies\": [{\"PolicyName\": \"p\", \"Versions\": [{\"VersionId\": \"v1\", \"Document\": " ALLOW_S3 "}, {\"VersionId\": \"v1\", \"Document\": " ALLOW_S3 "}]}]}}",
        "{\"iam\": {\"root_keys\": [{\"AccessKeyId\": \"AKIAAAAAAAAAAAAAAAA1\", \"SecretAccessKey\": \"s\", \"Status\": \"Maybe\"}]}}",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        char err[400] = "";
        if (mockaws_load_fixtures_json(s, bad[i], err, sizeof err) == 0)
            fail_msg("accepted: %s", bad[i]);
        assert_true(err[0] != '\0');
        mockaws_reset(s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(users_are_created_found_and_deleted, setup, teardown),
        cmocka_unit_test_setup_teardown(access_keys_sign_as_their_user, setup, teardown),
        cmocka_unit_test_setup_teardown(keys_live_in_their_account_until_a_reset, setup, teardown),
        cmocka_unit_test_setup_teardown(inline_policies, setup, teardown),
        cmocka_unit_test_setup_teardown(managed_policies_and_versions, setup, teardown),
        cmocka_unit_test_setup_teardown(lists_page_with_marker, setup, teardown),
        cmocka_unit_test_setup_teardown(groups_hold_users, setup, teardown),
        cmocka_unit_test_setup_teardown(roles_trust_boundaries_and_tags, setup, teardown),
        cmocka_unit_test_setup_teardown(the_caller_without_user_name, setup, teardown),
        cmocka_unit_test_setup_teardown(hostile_inputs_get_iam_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(identity_policies_of_users_and_roles, setup, teardown),
        cmocka_unit_test_setup_teardown(fixtures_load_and_dump, setup, teardown),
        cmocka_unit_test_setup_teardown(example_fixture_loads, setup, teardown),
        cmocka_unit_test_setup_teardown(bad_fixtures_are_refused, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
