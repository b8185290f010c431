/* policy: IAM's checks of a document (MalformedPolicyDocument per kind) and
 * AWS's evaluation of a request against documents, as tables of cases
 * from the IAM User Guide's evaluation logic, condition operators and
 * policy-variable examples (docs/AWS-FACTS.md, "Policy evaluation").
 *
 * Documents are written with ' for " (and ^ for ') to stay readable. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <glib.h>
#include <string.h>

#include "policy/policy.h"
#include "test_linear.h"

#define ACCT "111122223333"
#define OTHER "444455556666"
#define ALICE "arn:aws:iam::" ACCT ":user/alice"
#define ROLE "arn:aws:iam::" ACCT ":role/ops/Admin"
#define SESSION "arn:aws:sts::" ACCT ":assumed-role/Admin/s1"
#define ROOT "arn:aws:iam::" ACCT ":root"
#define OBJ "arn:aws:s3:::photos/alice/cat.jpg"

/* ' becomes ", ^ becomes ' */
static char *q(const char *s)
{
    char *out = g_strdup(s);
    for (char *c = out; *c; c++)
        *c = *c == '\'' ? '"' : *c == '^' ? '\'' : *c;
    return out;
}

static json_t *load(const char *text)
{
    if (!text)
        return NULL;
    char *t = q(text);
    json_error_t e;
    json_t *j = json_loads(t, 0, &e);
    if (!j)
        fail_msg("bad test JSON: %s: %s", e.text, t);
    g_free(t);
    return j;
}

/* ---- policy_match: one document, one request ---- */

typedef struct match_case {
    const char *what;
    const char *statement; /* one statement, in a 2012-10-17 document */
    const char *action, *resource;
    const char *context; /* the request's keys (lowercased names), or NULL */
    policy_decision want;
} match_case;

#define ALLOW_ALL "'Effect':'Allow','Action':'*','Resource':'*'"
#define S3GET "s3:GetObject"

static const match_case match_cases[] = {
    /* Action: case-insensitive, wildcards; NotAction */
    {"action case", "{'Effect':'Allow','Action':'S3:getobject','Resource':'*'}", S3GET, OBJ, NULL, POLICY_ALLOW},
    {"action star", "{'Effect':'Allow','Action':'s3:Get*','Resource':'*'}", S3GET, OBJ, NULL, POLICY_ALLOW},
    {"action ?", "{'Effect':'Allow','Action':['s3:Put*','s3:?etObject'],'Resource':'*'}", S3GET, OBJ, NULL,
     POLICY_ALLOW},
    {"other action", "{'Effect':'Allow','Action':'s3:Put*','Resource':'*'}", S3GET, OBJ, NULL, POLICY_IMPLICIT_DENY},
    {"NotAction grants the rest", "{'Effect':'Allow','NotAction':'iam:*','Resource':'*'}", S3GET, OBJ, NULL,
     POLICY_ALLOW},
    {"NotAction leaves out its own", "{'Effect':'Allow','NotAction':['iam:*','s3:get*'],'Resource':'*'}", S3GET, OBJ,
     NULL, POLICY_IMPLICIT_DENY},
    /* Resource: case-sensitive, * spans '/', not ':' */
    {"resource prefix", "{'Effect':'Allow','Action':'s3:*','Resource':'arn:aws:s3:::photos/*'}", S3GET, OBJ, NULL,
     POLICY_ALLOW},
    {"resource case", "{'Effect':'Allow','Action':'s3:*','Resource':'arn:aws:s3:::Photos/*'}", S3GET, OBJ, NULL,
     POLICY_IMPLICIT_DENY},
    {"resource ?", "{'Effect':'Allow','Action':'s3:*','Resource':'arn:aws:s3:::photos/alice/ca?.jpg'}", S3GET, OBJ,
     NULL, POLICY_ALLOW},
    {"star in a segment", "{'Effect':'Allow','Action':'sns:*','Resource':'arn:aws:sns:*:" ACCT ":t'}", "sns:Publish",
     "arn:aws:sns:us-east-1:" ACCT ":t", NULL, POLICY_ALLOW},
    {"star does not cross a colon", "{'Effect':'Allow','Action':'sns:*','Resource':'arn:aws:sns:*:t'}",
     "sns:Publish", "arn:aws:sns:us-east-1:" ACCT ":t", NULL, POLICY_IMPLICIT_DENY},
    {"resource part keeps its colons", "{'Effect':'Allow','Action':'*','Resource':'arn:aws:lambda:*:*:function:*'}",
     "lambda:InvokeFunction", "arn:aws:lambda:us-east-1:" ACCT ":function:f:prod", NULL, POLICY_ALLOW},
    {"NotResource", "{'Effect':'Allow','Action':'s3:*','NotResource':'arn:aws:s3:::secret/*'}", S3GET, OBJ, NULL,
     POLICY_ALLOW},
    {"NotResource leaves out its own", "{'Effect':'Allow','Action':'s3:*','NotResource':'arn:aws:s3:::photos/*'}",
     S3GET, OBJ, NULL, POLICY_IMPLICIT_DENY},
    /* Deny wins within a document */
    {"deny wins", "{" ALLOW_ALL "},{'Effect':'Deny','Action':'s3:Get*','Resource':'*'}", S3GET, OBJ, NULL,
     POLICY_EXPLICIT_DENY},

    /* String operators; key names case-insensitive, values not */
    {"StringEquals", "{" ALLOW_ALL ",'Condition':{'StringEquals':{'S3:Prefix':'home/'}}}", "s3:ListBucket", "*",
     "{'s3:prefix':'home/'}", POLICY_ALLOW},
    {"StringEquals case", "{" ALLOW_ALL ",'Condition':{'StringEquals':{'s3:prefix':'HOME/'}}}", "s3:ListBucket", "*",
     "{'s3:prefix':'home/'}", POLICY_IMPLICIT_DENY},
    {"StringEquals values OR", "{" ALLOW_ALL ",'Condition':{'StringEquals':{'s3:prefix':['a','home/']}}}",
     "s3:ListBucket", "*", "{'s3:prefix':'home/'}", POLICY_ALLOW},
    {"StringEquals missing key", "{" ALLOW_ALL ",'Condition':{'StringEquals':{'s3:prefix':'home/'}}}",
     "s3:ListBucket", "*", NULL, POLICY_IMPLICIT_DENY},
    {"StringNotEquals NOR", "{" ALLOW_ALL ",'Condition':{'StringNotEquals':{'s3:prefix':['a','home/']}}}",
     "s3:ListBucket", "*", "{'s3:prefix':'home/'}", POLICY_IMPLICIT_DENY},
    {"StringNotEquals other", "{" ALLOW_ALL ",'Condition':{'StringNotEquals':{'s3:prefix':['a','b']}}}",
     "s3:ListBucket", "*", "{'s3:prefix':'home/'}", POLICY_ALLOW},
    {"StringNotEquals missing key", "{" ALLOW_ALL ",'Condition':{'StringNotEquals':{'s3:prefix':'a'}}}",
     "s3:ListBucket", "*", NULL, POLICY_ALLOW},
    {"StringEqualsIgnoreCase", "{" ALLOW_ALL ",'Condition':{'StringEqualsIgnoreCase':{'s3:prefix':'HOME/'}}}",
     "s3:ListBucket", "*", "{'s3:prefix':'home/'}", POLICY_ALLOW},
    {"StringNotEqualsIgnoreCase", "{" ALLOW_ALL ",'Condition':{'StringNotEqualsIgnoreCase':{'s3:prefix':'HOME/'}}}",
     "s3:ListBucket", "*", "{'s3:prefix':'home/'}", POLICY_IMPLICIT_DENY},
    {"StringLike", "{" ALLOW_ALL ",'Condition':{'StringLike':{'s3:prefix':['home/*','h?me']}}}", "s3:ListBucket",
     "*", "{'s3:prefix':'home/x/y'}", POLICY_ALLOW},
    {"StringEquals takes * literally", "{" ALLOW_ALL ",'Condition':{'StringEquals':{'s3:prefix':'home/*'}}}",
     "s3:ListBucket", "*", "{'s3:prefix':'home/x'}", POLICY_IMPLICIT_DENY},
    {"StringNotLike", "{" ALLOW_ALL ",'Condition':{'StringNotLike':{'s3:prefix':'home/*'}}}", "s3:ListBucket", "*",
     "{'s3:prefix':'home/x'}", POLICY_IMPLICIT_DENY},

    /* Numeric */
    {"NumericLessThan", "{" ALLOW_ALL ",'Condition':{'NumericLessThan':{'s3:max-keys':'10'}}}", "s3:ListBucket", "*",
     "{'s3:max-keys':'5'}", POLICY_ALLOW},
    {"NumericLessThan no", "{" ALLOW_ALL ",'Condition':{'NumericLessThan':{'s3:max-keys':10}}}", "s3:ListBucket",
     "*", "{'s3:max-keys':'20'}", POLICY_IMPLICIT_DENY},
    {"NumericLessThanEquals", "{" ALLOW_ALL ",'Condition':{'NumericLessThanEquals':{'s3:max-keys':'10'}}}",
     "s3:ListBucket", "*", "{'s3:max-keys':'10.0'}", POLICY_ALLOW},
    {"NumericGreaterThan", "{" ALLOW_ALL ",'Condition':{'NumericGreaterThan':{'s3:max-keys':'1.5'}}}",
     "s3:ListBucket", "*", "{'s3:max-keys':'2'}", POLICY_ALLOW},
    {"NumericGreaterThanEquals", "{" ALLOW_ALL ",'Condition':{'NumericGreaterThanEquals':{'s3:max-keys':'3'}}}",
     "s3:ListBucket", "*", "{'s3:max-keys':'2'}", POLICY_IMPLICIT_DENY},
    {"NumericEquals", "{" ALLOW_ALL ",'Condition':{'NumericEquals':{'s3:max-keys':'100'}}}", "s3:ListBucket", "*",
     "{'s3:max-keys':'1e2'}", POLICY_ALLOW},
    {"NumericNotEquals", "{" ALLOW_ALL ",'Condition':{'NumericNotEquals':{'s3:max-keys':['1','2']}}}",
     "s3:ListBucket", "*", "{'s3:max-keys':'2'}", POLICY_IMPLICIT_DENY},
    {"Numeric on text fails", "{" ALLOW_ALL ",'Condition':{'NumericLessThan':{'s3:max-keys':'10'}}}",
     "s3:ListBucket", "*", "{'s3:max-keys':'five'}", POLICY_IMPLICIT_DENY},
    {"Numeric takes no hex", "{" ALLOW_ALL ",'Condition':{'NumericEquals':{'s3:max-keys':'16'}}}", "s3:ListBucket",
     "*", "{'s3:max-keys':'0x10'}", POLICY_IMPLICIT_DENY},
    {"NumericNotEquals missing", "{" ALLOW_ALL ",'Condition':{'NumericNotEquals':{'s3:max-keys':'1'}}}",
     "s3:ListBucket", "*", NULL, POLICY_ALLOW},

    /* Date: ISO 8601 and epoch seconds, on either side */
    {"DateLessThan", "{" ALLOW_ALL ",'Condition':{'DateLessThan':{'aws:CurrentTime':'2027-01-01T00:00:00Z'}}}", S3GET,
     OBJ, "{'aws:currenttime':'2026-12-07T06:00:00Z'}", POLICY_ALLOW},
    {"DateGreaterThan", "{" ALLOW_ALL ",'Condition':{'DateGreaterThan':{'aws:CurrentTime':'2027-01-01'}}}", S3GET,
     OBJ, "{'aws:currenttime':'2026-12-07T06:00:00Z'}", POLICY_IMPLICIT_DENY},
    {"Date epoch against ISO", "{" ALLOW_ALL ",'Condition':{'DateGreaterThanEquals':{'aws:EpochTime':"
     "'2026-12-07T00:00:00Z'}}}", S3GET, OBJ, "{'aws:epochtime':'1796601600'}", POLICY_ALLOW},
    {"DateEquals epoch", "{" ALLOW_ALL ",'Condition':{'DateEquals':{'aws:CurrentTime':1796601600}}}", S3GET, OBJ,
     "{'aws:currenttime':'2026-12-07T00:00:00Z'}", POLICY_ALLOW},
    {"DateNotEquals", "{" ALLOW_ALL ",'Condition':{'DateNotEquals':{'aws:CurrentTime':'2026-12-07T00:00:00Z'}}}",
     S3GET, OBJ, "{'aws:currenttime':'2026-12-07T00:00:00+00:00'}", POLICY_IMPLICIT_DENY},
    {"DateLessThanEquals", "{" ALLOW_ALL ",'Condition':{'DateLessThanEquals':{'aws:CurrentTime':'2026-12-07'}}}",
     S3GET, OBJ, "{'aws:currenttime':'2026-12-07T00:00:01Z'}", POLICY_IMPLICIT_DENY},

    /* Bool, BinaryEquals */
    {"Bool", "{'Effect':'Deny','Action':'*','Resource':'*','Condition':{'Bool':{'aws:SecureTransport':'false'}}},"
     "{" ALLOW_ALL "}", S3GET, OBJ, "{'aws:securetransport':'false'}", POLICY_EXPLICIT_DENY},
    {"Bool true", "{" ALLOW_ALL ",'Condition':{'Bool':{'aws:MultiFactorAuthPresent':true}}}", S3GET, OBJ,
     "{'aws:multifactorauthpresent':'true'}", POLICY_ALLOW},
    {"BinaryEquals", "{" ALLOW_ALL ",'Condition':{'BinaryEquals':{'x:bin':'QmluYXJ5VmFsdWU='}}}", S3GET, OBJ,
     "{'x:bin':'QmluYXJ5VmFsdWU='}", POLICY_ALLOW},
    {"BinaryEquals other", "{" ALLOW_ALL ",'Condition':{'BinaryEquals':{'x:bin':'QmluYXJ5VmFsdWU='}}}", S3GET, OBJ,
     "{'x:bin':'b3RoZXI='}", POLICY_IMPLICIT_DENY},

    /* IpAddress: CIDR, a bare address, IPv6; families do not mix */
    {"IpAddress", "{" ALLOW_ALL ",'Condition':{'IpAddress':{'aws:SourceIp':['203.0.113.0/24','10.1.2.3']}}}", S3GET,
     OBJ, "{'aws:sourceip':'203.0.113.77'}", POLICY_ALLOW},
    {"IpAddress outside", "{" ALLOW_ALL ",'Condition':{'IpAddress':{'aws:SourceIp':'203.0.113.0/25'}}}", S3GET, OBJ,
     "{'aws:sourceip':'203.0.113.200'}", POLICY_IMPLICIT_DENY},
    {"IpAddress bare", "{" ALLOW_ALL ",'Condition':{'IpAddress':{'aws:SourceIp':'10.1.2.3'}}}", S3GET, OBJ,
     "{'aws:sourceip':'10.1.2.4'}", POLICY_IMPLICIT_DENY},
    {"IpAddress v6", "{" ALLOW_ALL ",'Condition':{'IpAddress':{'aws:SourceIp':'2001:db8::/32'}}}", S3GET, OBJ,
     "{'aws:sourceip':'2001:db8:1::5'}", POLICY_ALLOW},
    {"IpAddress v4 vs v6", "{" ALLOW_ALL ",'Condition':{'IpAddress':{'aws:SourceIp':'0.0.0.0/0'}}}", S3GET, OBJ,
     "{'aws:sourceip':'::1'}", POLICY_IMPLICIT_DENY},
    {"NotIpAddress (the guide's deny-outside-range)",
     "{" ALLOW_ALL "},{'Effect':'Deny','Action':'*','Resource':'*','Condition':{'NotIpAddress':"
     "{'aws:SourceIp':['192.0.2.0/24','203.0.113.0/24']}}}",
     S3GET, OBJ, "{'aws:sourceip':'198.51.100.1'}", POLICY_EXPLICIT_DENY},
    {"NotIpAddress inside", "{" ALLOW_ALL ",'Condition':{'NotIpAddress':{'aws:SourceIp':'192.0.2.0/24'}}}", S3GET,
     OBJ, "{'aws:sourceip':'192.0.2.9'}", POLICY_IMPLICIT_DENY},

    /* Arn operators: per segment */
    {"ArnLike", "{" ALLOW_ALL ",'Condition':{'ArnLike':{'aws:SourceArn':'arn:aws:s3:::pho*'}}}", "sns:Publish", "*",
     "{'aws:sourcearn':'arn:aws:s3:::photos'}", POLICY_ALLOW},
    {"ArnEquals segments", "{" ALLOW_ALL ",'Condition':{'ArnEquals':{'aws:SourceArn':'arn:aws:sns:*:" ACCT ":t'}}}",
     "sns:Publish", "*", "{'aws:sourcearn':'arn:aws:sns:eu-west-1:" ACCT ":t'}", POLICY_ALLOW},
    {"ArnLike no colon crossing", "{" ALLOW_ALL ",'Condition':{'ArnLike':{'aws:SourceArn':'arn:aws:sns:*:t'}}}",
     "sns:Publish", "*", "{'aws:sourcearn':'arn:aws:sns:eu-west-1:" ACCT ":t'}", POLICY_IMPLICIT_DENY},
    {"ArnNotEquals", "{" ALLOW_ALL ",'Condition':{'ArnNotEquals':{'aws:SourceArn':'arn:aws:s3:::photos'}}}",
     "sns:Publish", "*", "{'aws:sourcearn':'arn:aws:s3:::photos'}", POLICY_IMPLICIT_DENY},
    {"ArnNotLike missing", "{" ALLOW_ALL ",'Condition':{'ArnNotLike':{'aws:SourceArn':'arn:aws:s3:::x*'}}}",
     "sns:Publish", "*", NULL, POLICY_ALLOW},

    /* Null: the guide's "deny unencrypted uploads" */
    {"Null true on absent",
     "{" ALLOW_ALL "},{'Effect':'Deny','Action':'s3:PutObject','Resource':'*','Condition':{'Null':"
     "{'s3:x-amz-server-side-encryption':'true'}}}",
     "s3:PutObject", OBJ, NULL, POLICY_EXPLICIT_DENY},
    {"Null true on present",
     "{" ALLOW_ALL "},{'Effect':'Deny','Action':'s3:PutObject','Resource':'*','Condition':{'Null':"
     "{'s3:x-amz-server-side-encryption':true}}}",
     "s3:PutObject", OBJ, "{'s3:x-amz-server-side-encryption':'AES256'}", POLICY_ALLOW},
    {"Null false", "{" ALLOW_ALL ",'Condition':{'Null':{'aws:TagKeys':'false'}}}", S3GET, OBJ, "{'aws:tagkeys':[]}",
     POLICY_IMPLICIT_DENY},

    /* IfExists */
    {"IfExists absent", "{" ALLOW_ALL ",'Condition':{'StringEqualsIfExists':{'ec2:InstanceType':'t2.micro'}}}",
     "ec2:RunInstances", "*", NULL, POLICY_ALLOW},
    {"IfExists present", "{" ALLOW_ALL ",'Condition':{'StringEqualsIfExists':{'ec2:InstanceType':'t2.micro'}}}",
     "ec2:RunInstances", "*", "{'ec2:instancetype':'m5.large'}", POLICY_IMPLICIT_DENY},
    {"NumericLessThanIfExists", "{" ALLOW_ALL ",'Condition':{'NumericLessThanIfExists':{'s3:max-keys':'10'}}}",
     "s3:ListBucket", "*", "{'s3:max-keys':'5'}", POLICY_ALLOW},

    /* Set operators over multivalued keys, with their empty/absent rules */
    {"ForAnyValue hit", "{" ALLOW_ALL ",'Condition':{'ForAnyValue:StringEquals':{'aws:TagKeys':['b','z']}}}", S3GET,
     OBJ, "{'aws:tagkeys':['a','b']}", POLICY_ALLOW},
    {"ForAnyValue miss", "{" ALLOW_ALL ",'Condition':{'ForAnyValue:StringEquals':{'aws:TagKeys':'z'}}}", S3GET, OBJ,
     "{'aws:tagkeys':['a','b']}", POLICY_IMPLICIT_DENY},
    {"ForAnyValue empty", "{" ALLOW_ALL ",'Condition':{'ForAnyValue:StringEquals':{'aws:TagKeys':'a'}}}", S3GET, OBJ,
     "{'aws:tagkeys':[]}", POLICY_IMPLICIT_DENY},
    {"ForAnyValue absent", "{" ALLOW_ALL ",'Condition':{'ForAnyValue:StringEquals':{'aws:TagKeys':'a'}}}", S3GET,
     OBJ, NULL, POLICY_IMPLICIT_DENY},
    {"ForAnyValue negated", "{" ALLOW_ALL ",'Condition':{'ForAnyValue:StringNotEquals':{'aws:TagKeys':'a'}}}", S3GET,
     OBJ, "{'aws:tagkeys':['a','b']}", POLICY_ALLOW},
    {"ForAllValues all", "{" ALLOW_ALL ",'Condition':{'ForAllValues:StringLike':{'aws:TagKeys':['a*','b']}}}", S3GET,
     OBJ, "{'aws:tagkeys':['ab','b']}", POLICY_ALLOW},
    {"ForAllValues one outside", "{" ALLOW_ALL ",'Condition':{'ForAllValues:StringEquals':{'aws:TagKeys':['a']}}}",
     S3GET, OBJ, "{'aws:tagkeys':['a','b']}", POLICY_IMPLICIT_DENY},
    {"ForAllValues empty", "{" ALLOW_ALL ",'Condition':{'ForAllValues:StringEquals':{'aws:TagKeys':'a'}}}", S3GET,
     OBJ, "{'aws:tagkeys':[]}", POLICY_ALLOW},
    {"ForAllValues absent", "{" ALLOW_ALL ",'Condition':{'ForAllValues:StringEquals':{'aws:TagKeys':'a'}}}", S3GET,
     OBJ, NULL, POLICY_ALLOW},
    {"ForAllValues with Null false (the guide's pairing)",
     "{" ALLOW_ALL ",'Condition':{'ForAllValues:StringEquals':{'aws:TagKeys':'a'},'Null':{'aws:TagKeys':'false'}}}",
     S3GET, OBJ, NULL, POLICY_IMPLICIT_DENY},
    {"ForAllValues negated", "{" ALLOW_ALL ",'Condition':{'ForAllValues:StringNotEquals':{'aws:TagKeys':'x'}}}",
     S3GET, OBJ, "{'aws:tagkeys':['a','b']}", POLICY_ALLOW},
    {"plain operator on a multivalued key", "{" ALLOW_ALL ",'Condition':{'StringEquals':{'aws:TagKeys':'b'}}}",
     S3GET, OBJ, "{'aws:tagkeys':['a','b']}", POLICY_ALLOW},

    /* keys and operators AND */
    {"two keys AND", "{" ALLOW_ALL ",'Condition':{'StringEquals':{'s3:prefix':'a','s3:delimiter':'/'}}}",
     "s3:ListBucket", "*", "{'s3:prefix':'a','s3:delimiter':'-'}", POLICY_IMPLICIT_DENY},
    {"two operators AND",
     "{" ALLOW_ALL ",'Condition':{'StringEquals':{'s3:prefix':'a'},'NumericLessThan':{'s3:max-keys':'5'}}}",
     "s3:ListBucket", "*", "{'s3:prefix':'a','s3:max-keys':'3'}", POLICY_ALLOW},

    /* policy variables: the guide's home-folder example */
    {"variable in Resource", "{'Effect':'Allow','Action':'s3:*','Resource':'arn:aws:s3:::photos/${aws:username}/*'}",
     S3GET, OBJ, "{'aws:username':'alice'}", POLICY_ALLOW},
    {"variable for someone else",
     "{'Effect':'Allow','Action':'s3:*','Resource':'arn:aws:s3:::photos/${aws:username}/*'}", S3GET, OBJ,
     "{'aws:username':'bob'}", POLICY_IMPLICIT_DENY},
    {"variable absent", "{'Effect':'Allow','Action':'s3:*','Resource':'arn:aws:s3:::photos/${aws:username}/*'}",
     S3GET, OBJ, NULL, POLICY_IMPLICIT_DENY},
    {"variable default",
     "{'Effect':'Allow','Action':'s3:*','Resource':'arn:aws:s3:::photos/${aws:username, ^alice^}/*'}", S3GET, OBJ,
     NULL, POLICY_ALLOW},
    {"variable value is literal", "{'Effect':'Allow','Action':'s3:*','Resource':'arn:aws:s3:::photos/${aws:userid}'}",
     S3GET, OBJ, "{'aws:userid':'a*'}", POLICY_IMPLICIT_DENY},
    {"${*} is a literal star", "{'Effect':'Allow','Action':'s3:*','Resource':'arn:aws:s3:::photos/${*}'}", S3GET,
     "arn:aws:s3:::photos/*", NULL, POLICY_ALLOW},
    {"${*} is not a wildcard", "{'Effect':'Allow','Action':'s3:*','Resource':'arn:aws:s3:::photos/${*}'}", S3GET,
     OBJ, NULL, POLICY_IMPLICIT_DENY},
    {"${?} and ${$}", "{'Effect':'Allow','Action':'s3:*','Resource':'arn:aws:s3:::photos/${?}${$}'}", S3GET,
     "arn:aws:s3:::photos/?$", NULL, POLICY_ALLOW},
    {"PrincipalTag variable", "{'Effect':'Allow','Action':'s3:*','Resource':'arn:aws:s3:::${aws:PrincipalTag/team}/*'}",
     S3GET, OBJ, "{'aws:principaltag/team':'photos'}", POLICY_ALLOW},
    {"variable in a condition",
     "{" ALLOW_ALL ",'Condition':{'StringLike':{'s3:prefix':['${aws:username}/*','']}}}", "s3:ListBucket", "*",
     "{'aws:username':'alice','s3:prefix':'alice/docs'}", POLICY_ALLOW},
    /* ABAC: the resource's tag against the caller's, the tag key in either
     * name spelled in any case (the context holds names lowercased) */
    {"ResourceTag equals PrincipalTag",
     "{" ALLOW_ALL ",'Condition':{'StringEquals':{'aws:ResourceTag/Team':'${aws:PrincipalTag/TEAM}'}}}", S3GET, OBJ,
     "{'aws:principaltag/team':'red','aws:resourcetag/team':'red'}", POLICY_ALLOW},
    {"ResourceTag of another team",
     "{" ALLOW_ALL ",'Condition':{'StringEquals':{'aws:ResourceTag/team':'${aws:PrincipalTag/team}'}}}", S3GET, OBJ,
     "{'aws:principaltag/team':'red','aws:resourcetag/team':'blue'}", POLICY_IMPLICIT_DENY},
    {"an untagged caller matches no tag",
     "{" ALLOW_ALL ",'Condition':{'StringEquals':{'aws:ResourceTag/team':'${aws:PrincipalTag/team}'}}}", S3GET, OBJ,
     "{'aws:resourcetag/team':'red'}", POLICY_IMPLICIT_DENY},
    {"RequestTag and TagKeys together",
     "{" ALLOW_ALL ",'Condition':{'StringEquals':{'aws:RequestTag/team':'red'},"
     "'ForAllValues:StringEquals':{'aws:TagKeys':['team']}}}",
     "sns:CreateTopic", "*", "{'aws:requesttag/team':'red','aws:tagkeys':['team','cost']}", POLICY_IMPLICIT_DENY},
};

static policy_request request(const char *action, const char *resource, json_t *ctx)
{
    return (policy_request){.principal_arn = ALICE,
                            .principal_account = ACCT,
                            .action = action,
                            .resource = resource,
                            .context = ctx};
}

/* One case: text (owns it) decides r as want, and IAM accepts it as kind. */
static void check_match(const char *what, char *text, policy_kind kind, const policy_request *r,
                        policy_decision want)
{
    json_t *doc = load(text);
    policy_decision got = policy_match(doc, r, NULL);
    if (got != want)
        fail_msg("%s: got %d, want %d", what, got, want);
    char *raw = q(text), err[256];
    if (policy_validate(raw, strlen(raw), kind, NULL, err, sizeof err) != 0)
        fail_msg("%s: refused: %s", what, err);
    g_free(raw);
    json_decref(doc);
    g_free(text);
}

static void match_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < G_N_ELEMENTS(match_cases); i++) {
        const match_case *c = &match_cases[i];
        json_t *ctx = load(c->context);
        policy_request r = request(c->action, c->resource, ctx);
        check_match(c->what, g_strdup_printf("{'Version':'2012-10-17','Statement':[%s]}", c->statement),
                    POLICY_IDENTITY, &r, c->want);
        json_decref(ctx);
    }
}

static void version_2008_has_no_variables(void **state)
{
    (void)state;
    json_t *doc = load("{'Version':'2008-10-17','Statement':{'Effect':'Allow','Action':'s3:*',"
                       "'Resource':'arn:aws:s3:::photos/${aws:username}'}}");
    json_t *ctx = load("{'aws:username':'alice'}");
    policy_request r = request(S3GET, "arn:aws:s3:::photos/alice", ctx);
    assert_int_equal(policy_match(doc, &r, NULL), POLICY_IMPLICIT_DENY);
    r.resource = "arn:aws:s3:::photos/${aws:username}";
    assert_int_equal(policy_match(doc, &r, NULL), POLICY_ALLOW);
    json_decref(ctx);
    json_decref(doc);
}

static void deciding_statement(void **state)
{
    (void)state;
    json_t *doc = load("{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Action':'sns:*','Resource':'*'},"
                       "{'Sid':'Reads','Effect':'Allow','Action':'s3:*','Resource':'*'},"
                       "{'Effect':'Deny','Action':'s3:Delete*','Resource':'*'}]}");
    char *st = NULL;
    policy_request r = request(S3GET, OBJ, NULL);
    assert_int_equal(policy_match(doc, &r, &st), POLICY_ALLOW);
    assert_string_equal(st, "Reads");
    g_free(st);
    r.action = "s3:DeleteObject";
    assert_int_equal(policy_match(doc, &r, &st), POLICY_EXPLICIT_DENY);
    assert_string_equal(st, "Statement[2]");
    g_free(st);
    r.action = "ec2:RunInstances";
    assert_int_equal(policy_match(doc, &r, &st), POLICY_IMPLICIT_DENY);
    assert_null(st);
    json_decref(doc);
}

/* ---- Principal / NotPrincipal ---- */

typedef struct principal_case {
    const char *what;
    const char *principal; /* the statement's "Principal": ... or "NotPrincipal": ... member */
    const char *arn, *account, *service;
    policy_decision want;
} principal_case;

static const principal_case principal_cases[] = {
    {"everyone", "'Principal':'*'", ALICE, ACCT, NULL, POLICY_ALLOW},
    {"everyone, anonymous", "'Principal':{'AWS':'*'}", NULL, NULL, NULL, POLICY_ALLOW},
    {"account id", "'Principal':{'AWS':'" ACCT "'}", ALICE, ACCT, NULL, POLICY_ALLOW},
    {"root ARN", "'Principal':{'AWS':'" ROOT "'}", ALICE, ACCT, NULL, POLICY_ALLOW},
    {"another account", "'Principal':{'AWS':'" OTHER "'}", ALICE, ACCT, NULL, POLICY_IMPLICIT_DENY},
    {"the user", "'Principal':{'AWS':['arn:aws:iam::" ACCT ":user/x','" ALICE "']}", ALICE, ACCT, NULL, POLICY_ALLOW},
    {"another user", "'Principal':{'AWS':'arn:aws:iam::" ACCT ":user/bob'}", ALICE, ACCT, NULL, POLICY_IMPLICIT_DENY},
    {"a session by its role", "'Principal':{'AWS':'" ROLE "'}", SESSION, ACCT, NULL, POLICY_ALLOW},
    {"a session by its ARN", "'Principal':{'AWS':'" SESSION "'}", SESSION, ACCT, NULL, POLICY_ALLOW},
    {"another role", "'Principal':{'AWS':'arn:aws:iam::" ACCT ":role/Admin2'}", SESSION, ACCT, NULL,
     POLICY_IMPLICIT_DENY},
    {"anonymous is not the account", "'Principal':{'AWS':'" ACCT "'}", NULL, NULL, NULL, POLICY_IMPLICIT_DENY},
    {"a service", "'Principal':{'Service':['s3.amazonaws.com']}", NULL, NULL, "s3.amazonaws.com", POLICY_ALLOW},
    {"another service", "'Principal':{'Service':'sns.amazonaws.com'}", NULL, NULL, "s3.amazonaws.com",
     POLICY_IMPLICIT_DENY},
    {"a user is not a service", "'Principal':{'Service':'s3.amazonaws.com'}", ALICE, ACCT, NULL,
     POLICY_IMPLICIT_DENY},
    /* NotPrincipal with Allow: everyone but those it lists */
    {"NotPrincipal others", "'NotPrincipal':{'AWS':['arn:aws:iam::" ACCT ":user/bob','" ACCT "']}", ALICE, ACCT, NULL,
     POLICY_ALLOW},
    {"NotPrincipal listed with account", "'NotPrincipal':{'AWS':['" ALICE "','" ACCT "']}", ALICE, ACCT, NULL,
     POLICY_IMPLICIT_DENY},
    {"NotPrincipal needs the account too", "'NotPrincipal':{'AWS':['" ALICE "']}", ALICE, ACCT, NULL, POLICY_ALLOW},
    {"NotPrincipal session needs its role", "'NotPrincipal':{'AWS':['" SESSION "','" ROOT "']}", SESSION, ACCT, NULL,
     POLICY_ALLOW},
    {"NotPrincipal session with role", "'NotPrincipal':{'AWS':['" SESSION "','" ROLE "','" ROOT "']}", SESSION, ACCT,
     NULL, POLICY_IMPLICIT_DENY},
    {"NotPrincipal service", "'NotPrincipal':{'Service':'s3.amazonaws.com'}", NULL, NULL, "s3.amazonaws.com",
     POLICY_IMPLICIT_DENY},
};

static void principal_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < G_N_ELEMENTS(principal_cases); i++) {
        const principal_case *c = &principal_cases[i];
        policy_request r = {.principal_arn = c->arn,
                            .principal_account = c->account,
                            .service = c->service,
                            .action = S3GET,
                            .resource = OBJ};
        check_match(c->what,
                    g_strdup_printf("{'Version':'2012-10-17','Statement':{'Effect':'Allow',%s,'Action':'s3:*',"
                                    "'Resource':'*'}}",
                                    c->principal),
                    POLICY_RESOURCE, &r, c->want);
    }
}

/* ---- policy_evaluate: every policy that applies ---- */

typedef struct eval_case {
    const char *what;
    const char *identity, *resource, *boundary, *session; /* statements (arrays of docs for identity and session: one
                                                             document each here), or NULL */
    const char *principal, *account, *resource_account;
    policy_decision want;
    const char *by;
} eval_case;

#define ID_ALLOW "{'Effect':'Allow','Action':'s3:*','Resource':'*'}"
#define ID_OTHER "{'Effect':'Allow','Action':'sns:*','Resource':'*'}"
#define RES_ALLOW(who) "{'Effect':'Allow','Principal':{'AWS':'" who "'},'Action':'s3:GetObject','Resource':'*'}"
#define DENY "{'Effect':'Deny','Action':'s3:GetObject','Resource':'*'}"
#define RES_DENY "{'Effect':'Deny','Principal':'*','Action':'s3:GetObject','Resource':'*'}"

static const eval_case eval_cases[] = {
    {"nothing allows", NULL, NULL, NULL, NULL, ALICE, ACCT, ACCT, POLICY_IMPLICIT_DENY, "identity-based policy"},
    {"identity allows", ID_ALLOW, NULL, NULL, NULL, ALICE, ACCT, ACCT, POLICY_ALLOW, "identity-based policy"},
    {"identity allows other things", ID_OTHER, NULL, NULL, NULL, ALICE, ACCT, ACCT, POLICY_IMPLICIT_DENY,
     "identity-based policy"},
    {"deny in identity wins", ID_ALLOW "," DENY, RES_ALLOW(ALICE), NULL, NULL, ALICE, ACCT, ACCT,
     POLICY_EXPLICIT_DENY, "identity-based policy"},
    {"deny in resource wins", ID_ALLOW, RES_DENY, NULL, NULL, ALICE, ACCT, ACCT, POLICY_EXPLICIT_DENY,
     "resource-based policy"},
    {"deny in boundary wins", ID_ALLOW, NULL, ID_ALLOW "," DENY, NULL, ALICE, ACCT, ACCT, POLICY_EXPLICIT_DENY,
     "permissions boundary"},
    {"deny in session policy wins", ID_ALLOW, NULL, NULL, ID_ALLOW "," DENY, SESSION, ACCT, ACCT,
     POLICY_EXPLICIT_DENY, "session policy"},
    /* same account: a resource policy naming the user grants alone */
    {"resource names the user", NULL, RES_ALLOW(ALICE), NULL, NULL, ALICE, ACCT, ACCT, POLICY_ALLOW,
     "resource-based policy"},
    {"...past a boundary's implicit deny", NULL, RES_ALLOW(ALICE), ID_OTHER, NULL, ALICE, ACCT, ACCT, POLICY_ALLOW,
     "resource-based policy"},
    {"resource names the session", NULL, RES_ALLOW(SESSION), NULL, ID_OTHER, SESSION, ACCT, ACCT, POLICY_ALLOW,
     "resource-based policy"},
    {"resource names the role: session policy limits", NULL, RES_ALLOW(ROLE), NULL, ID_OTHER, SESSION, ACCT, ACCT,
     POLICY_IMPLICIT_DENY, "identity-based policy"},
    {"resource names the role: allowed within the session policy", NULL, RES_ALLOW(ROLE), NULL, ID_ALLOW, SESSION,
     ACCT, ACCT, POLICY_ALLOW, "resource-based policy"},
    {"resource names the account: identity must allow", NULL, RES_ALLOW(ACCT), NULL, NULL, ALICE, ACCT, ACCT,
     POLICY_IMPLICIT_DENY, "identity-based policy"},
    /* boundaries and session policies limit identity grants */
    {"boundary does not allow", ID_ALLOW, NULL, ID_OTHER, NULL, ALICE, ACCT, ACCT, POLICY_IMPLICIT_DENY,
     "permissions boundary"},
    {"boundary allows", ID_ALLOW, NULL, "{'Effect':'Allow','Action':'s3:Get*','Resource':'*'}", NULL, ALICE, ACCT,
     ACCT, POLICY_ALLOW, "identity-based policy"},
    {"session policy does not allow", ID_ALLOW, NULL, NULL, ID_OTHER, SESSION, ACCT, ACCT, POLICY_IMPLICIT_DENY,
     "session policy"},
    {"session policy allows", ID_ALLOW, NULL, ID_ALLOW, ID_ALLOW, SESSION, ACCT, ACCT, POLICY_ALLOW,
     "identity-based policy"},
    {"boundary alone grants nothing", NULL, NULL, ID_ALLOW, NULL, ALICE, ACCT, ACCT, POLICY_IMPLICIT_DENY,
     "identity-based policy"},
    /* across accounts both sides */
    {"cross-account, identity only", ID_ALLOW, NULL, NULL, NULL, ALICE, ACCT, OTHER, POLICY_IMPLICIT_DENY,
     "resource-based policy"},
    {"cross-account, resource only", NULL, RES_ALLOW(ALICE), NULL, NULL, ALICE, ACCT, OTHER, POLICY_IMPLICIT_DENY,
     "identity-based policy"},
    {"cross-account, both (resource names the account)", ID_ALLOW, RES_ALLOW(ACCT), NULL, NULL, ALICE, ACCT, OTHER,
     POLICY_ALLOW, "identity-based policy"},
    {"cross-account, boundary limits", ID_ALLOW, RES_ALLOW(ALICE), ID_OTHER, NULL, ALICE, ACCT, OTHER,
     POLICY_IMPLICIT_DENY, "permissions boundary"},
    {"cross-account, resource names another account", ID_ALLOW, RES_ALLOW(OTHER), NULL, NULL, ALICE, ACCT, OTHER,
     POLICY_IMPLICIT_DENY, "resource-based policy"},
    /* the account's root: everything not explicitly denied */
    {"root", NULL, NULL, NULL, NULL, ROOT, ACCT, ACCT, POLICY_ALLOW, NULL},
    {"root denied", NULL, RES_DENY, NULL, NULL, ROOT, ACCT, ACCT, POLICY_EXPLICIT_DENY, "resource-based policy"},
    {"root across accounts", NULL, NULL, NULL, NULL, ROOT, ACCT, OTHER, POLICY_IMPLICIT_DENY,
     "resource-based policy"},
    /* anonymous: only the resource's policy */
    {"anonymous allowed", NULL, RES_ALLOW("*"), NULL, NULL, NULL, NULL, ACCT, POLICY_ALLOW, "resource-based policy"},
    {"anonymous", NULL, RES_ALLOW(ACCT), NULL, NULL, NULL, NULL, ACCT, POLICY_IMPLICIT_DENY,
     "resource-based policy"},
};

static json_t *doc_of(const char *statements)
{
    if (!statements)
        return NULL;
    char *t = g_strdup_printf("{'Version':'2012-10-17','Statement':[%s]}", statements);
    json_t *d = load(t);
    g_free(t);
    return d;
}

static json_t *docs_of(const char *statements)
{
    json_t *d = doc_of(statements);
    if (!d)
        return NULL;
    json_t *a = json_array();
    json_array_append_new(a, d);
    return a;
}

static void evaluate_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < G_N_ELEMENTS(eval_cases); i++) {
        const eval_case *c = &eval_cases[i];
        policy_set set = {.identity = docs_of(c->identity),
                          .resource = doc_of(c->resource),
                          .resource_account = c->resource_account,
                          .boundary = doc_of(c->boundary),
                          .session = docs_of(c->session)};
        policy_request r = {.principal_arn = c->principal,
                            .principal_account = c->account,
                            .action = S3GET,
                            .resource = OBJ};
        policy_result out;
        policy_evaluate(&set, &r, &out);
        if (out.decision != c->want)
            fail_msg("%s: got %d, want %d", c->what, out.decision, c->want);
        if (g_strcmp0(out.by, c->by) != 0)
            fail_msg("%s: by %s, want %s", c->what, out.by ? out.by : "NULL", c->by ? c->by : "NULL");
        /* a decision names its statement; the root's Allow has none */
        if (c->by && (out.decision == POLICY_IMPLICIT_DENY) != (out.statement == NULL))
            fail_msg("%s: statement %s", c->what, out.statement ? out.statement : "NULL");
        policy_result_clear(&out);
        json_decref(set.identity);
        json_decref(set.resource);
        json_decref(set.boundary);
        json_decref(set.session);
    }
}

/* ---- policy_validate ---- */

typedef struct valid_case {
    policy_kind kind;
    const char *text;
    const char *err; /* NULL: accepted */
} valid_case;

#define V(st) "{'Version':'2012-10-17','Statement':[" st "]}"
#define PR "'Principal':{'AWS':'" ACCT "'},"

static const valid_case valid_cases[] = {
    {POLICY_IDENTITY, V(ID_ALLOW), NULL},
    {POLICY_IDENTITY, "{'Statement':" ID_ALLOW "}", NULL},
    {POLICY_IDENTITY, "{'Version':'2008-10-17','Id':'x','Statement':" ID_ALLOW "}", NULL},
    {POLICY_IDENTITY, "not json", "Syntax errors in policy."},
    {POLICY_IDENTITY, "['Statement']", "Syntax errors in policy."},
    {POLICY_IDENTITY, "{'Version':'2012-10-17'}", "Syntax errors in policy."},
    {POLICY_IDENTITY, "{'Version':'2012-10-17','Statement':[]}", "Syntax errors in policy."},
    {POLICY_IDENTITY, "{'Version':'2012-10-17','Statement':'x'}", "Syntax errors in policy."},
    {POLICY_IDENTITY, "{'Version':'2012-10-18','Statement':" ID_ALLOW "}", "The policy failed legacy parsing"},
    {POLICY_IDENTITY, "{'Version':20121017,'Statement':" ID_ALLOW "}", "The policy failed legacy parsing"},
    {POLICY_IDENTITY, "{'Version':'2012-10-17','Extra':1,'Statement':" ID_ALLOW "}", "Syntax errors in policy."},
    {POLICY_IDENTITY, V("{'Effect':'Allow','Action':'s3:*','Resource':'*','Foo':1}"), "Syntax errors in policy."},
    {POLICY_IDENTITY, V("{'Effect':'allow','Action':'s3:*','Resource':'*'}"), "Syntax errors in policy."},
    {POLICY_IDENTITY, V("{'Action':'s3:*','Resource':'*'}"), "Syntax errors in policy."},
    {POLICY_IDENTITY, V("{'Effect':'Allow','Resource':'*'}"), "Policy statement must contain actions."},
    {POLICY_IDENTITY, V("{'Effect':'Allow','Action':'s3:*','NotAction':'s3:x','Resource':'*'}"),
     "Syntax errors in policy."},
    {POLICY_IDENTITY, V("{'Effect':'Allow','Action':'GetObject','Resource':'*'}"),
     "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."},
    {POLICY_IDENTITY, V("{'Effect':'Allow','Action':'s3:Get:Object','Resource':'*'}"),
     "Actions/Condition can contain only one colon."},
    {POLICY_IDENTITY, V("{'Effect':'Allow','Action':'s 3:Get','Resource':'*'}"), "Vendor s 3 is not valid"},
    {POLICY_IDENTITY, V("{'Effect':'Allow','Action':['s3:GetObject','*:Untag*'],'Resource':'*'}"),
     "Action vendors (e.g., aws, ec2, etc.) must not contain wildcards"},
    {POLICY_IDENTITY, V("{'Effect':'Allow','Action':[],'Resource':'*'}"), "Syntax errors in policy."},
    {POLICY_IDENTITY, V("{'Effect':'Allow','Action':[1],'Resource':'*'}"), "Syntax errors in policy."},
    {POLICY_IDENTITY, V("{'Effect':'Allow','Action':'s3:*'}"), "Policy statement must contain resources."},
    {POLICY_IDENTITY, V("{'Effect':'Allow','Action':'s3:*','Resource':'bucket'}"),
     "Resource bucket must be in ARN format or \"*\"."},
    {POLICY_IDENTITY, V("{'Effect':'Allow','Action':'s3:*','NotResource':'arn:aws:s3:::b'}"), NULL},
    {POLICY_IDENTITY, V("{'Effect':'Allow'," PR "'Action':'s3:*','Resource':'*'}"),
     "Policy document should not specify a principal."},
    {POLICY_IDENTITY, V("{'Effect':'Allow','NotPrincipal':'*','Action':'s3:*','Resource':'*'}"),
     "Policy document should not specify a principal."},
    {POLICY_IDENTITY, V("{'Sid':'A b','Effect':'Allow','Action':'s3:*','Resource':'*'}"),
     "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression "
     "[0-9A-Za-z]*"},
    {POLICY_IDENTITY, V("{'Sid':'A','Effect':'Allow','Action':'s3:*','Resource':'*'},"
                        "{'Sid':'A','Effect':'Deny','Action':'s3:*','Resource':'*'}"),
     "Statement IDs (SID) in a single policy must be unique."},
    /* Condition: operators, keys, values */
    {POLICY_IDENTITY, V("{'Effect':'Allow','Action':'s3:*','Resource':'*','Condition':{'StringEqualz':{'a:b':'c'}}}"),
     "Syntax errors in policy."},
    {POLICY_IDENTITY, V("{'Effect':'Allow','Action':'s3:*','Resource':'*','Condition':{'NullIfExists':{'a:b':'true'}}}"),
     "Syntax errors in policy."},
    {POLICY_IDENTITY, V("{'Effect':'Allow','Action':'s3:*','Resource':'*','Condition':{'StringEquals':{'ab':'c'}}}"),
     "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."},
    {POLICY_IDENTITY,
     V("{'Effect':'Allow','Action':'s3:*','Resource':'*','Condition':{'StringEquals':{'aws:ResourceTag/aws:cf:x':'c'}}}"),
     NULL},
    {POLICY_IDENTITY,
     V("{'Effect':'Allow','Action':'s3:*','Resource':'*','Condition':{'NumericLessThan':{'s3:max-keys':'ten'}}}"),
     "Syntax errors in policy."},
    {POLICY_IDENTITY,
     V("{'Effect':'Allow','Action':'s3:*','Resource':'*','Condition':{'DateLessThan':{'aws:CurrentTime':'soon'}}}"),
     "Syntax errors in policy."},
    {POLICY_IDENTITY, V("{'Effect':'Allow','Action':'s3:*','Resource':'*','Condition':{'Bool':{'aws:x':'yes'}}}"),
     "Syntax errors in policy."},
    {POLICY_IDENTITY,
     V("{'Effect':'Allow','Action':'s3:*','Resource':'*','Condition':{'IpAddress':{'aws:SourceIp':'10.0.0.0/33'}}}"),
     "Syntax errors in policy."},
    {POLICY_IDENTITY,
     V("{'Effect':'Allow','Action':'s3:*','Resource':'*','Condition':{'StringEquals':{'aws:x':{'a':1}}}}"),
     "Syntax errors in policy."},
    {POLICY_IDENTITY, "{'Version':'2012-10-17','Version':'2012-10-17','Statement':" ID_ALLOW "}",
     "Syntax errors in policy."},
    /* trust policies */
    {POLICY_TRUST, V("{'Effect':'Allow'," PR "'Action':'sts:AssumeRole'}"), NULL},
    {POLICY_TRUST, V("{'Effect':'Allow','Principal':{'Service':'ec2.amazonaws.com'},'Action':'sts:AssumeRole'}"),
     NULL},
    {POLICY_TRUST, V("{'Effect':'Allow','Action':'sts:AssumeRole'}"), "Missing required field Principal"},
    {POLICY_TRUST, V("{'Effect':'Allow'," PR "'Action':'sts:AssumeRole','Resource':'*'}"),
     "Has prohibited field Resource"},
    {POLICY_TRUST, V("{'Effect':'Allow','Principal':{'AWS':'bob'},'Action':'sts:AssumeRole'}"),
     "Invalid principal in policy: \"AWS\":\"bob\""},
    {POLICY_TRUST, V("{'Effect':'Allow','Principal':{'AWS':'AROAEXAMPLE123456789'},'Action':'sts:AssumeRole'}"),
     NULL},
    {POLICY_TRUST, V("{'Effect':'Allow','Principal':{'Person':'x'},'Action':'sts:AssumeRole'}"),
     "Syntax errors in policy."},
    {POLICY_TRUST, V("{'Effect':'Allow','Principal':'someone','Action':'sts:AssumeRole'}"),
     "Syntax errors in policy."},
    /* resource policies: a Principal and a Resource; any Sid text */
    {POLICY_RESOURCE, V("{'Sid':'Let S3 publish','Effect':'Allow','Principal':'*','Action':'sns:Publish',"
                        "'Resource':'arn:aws:sns:us-east-1:" ACCT ":t'}"),
     NULL},
    {POLICY_RESOURCE, V("{'Effect':'Allow','Action':'sns:Publish','Resource':'*'}"),
     "Missing required field Principal"},
    {POLICY_RESOURCE, V("{'Effect':'Allow','Principal':'*','Action':'sns:Publish'}"),
     "Policy statement must contain resources."},
};

static void validate_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < G_N_ELEMENTS(valid_cases); i++) {
        const valid_case *c = &valid_cases[i];
        char *text = q(c->text), err[512] = "";
        json_t *doc = NULL;
        int rc = policy_validate(text, strlen(text), c->kind, &doc, err, sizeof err);
        if (c->err) {
            if (rc != -1 || strcmp(err, c->err) != 0 || doc)
                fail_msg("%s: rc %d, err \"%s\", want \"%s\"", text, rc, err, c->err);
        } else if (rc != 0 || !json_is_object(doc)) {
            fail_msg("%s: refused: %s", text, err);
        }
        json_decref(doc);
        g_free(text);
    }
}

static void size_counts_without_whitespace(void **state)
{
    (void)state;
    const char *t = "{ \"Version\" :\n\t\"2012-10-17\", \"Id\": \"a b\\\" c\" }";
    /* {"Version":"2012-10-17","Id":"a b\" c"} */
    assert_int_equal(policy_size(t, strlen(t)), strlen("{\"Version\":\"2012-10-17\",\"Id\":\"a b\\\" c\"}"));
}

/* ---- wildcards stay linear in the text ---- */

typedef struct linear_ctx {
    json_t *doc;
} linear_ctx;

static void long_resource(void *vctx, int n)
{
    linear_ctx *c = vctx;
    GString *res = g_string_new("arn:aws:s3:::b/");
    for (int i = 0; i < n; i++)
        g_string_append_c(res, 'a');
    json_t *ctx = json_pack("{s:s, s:s}", "aws:username", "aaaa", "s3:prefix", res->str + 15);
    policy_request r = request(S3GET, res->str, ctx);
    assert_int_equal(policy_match(c->doc, &r, NULL), POLICY_IMPLICIT_DENY);
    json_decref(ctx);
    g_string_free(res, TRUE);
}

static void wildcards_are_linear(void **state)
{
    (void)state;
    /* many stars that nearly match everywhere: a backtracking matcher
     * would take time exponential in the stars */
    GString *p = g_string_new("arn:aws:s3:::b/");
    for (int i = 0; i < 30; i++)
        g_string_append(p, "*a");
    g_string_append(p, "b");
    char *text = g_strdup_printf("{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Action':'s3:*',"
                                 "'Resource':'%s'},{'Effect':'Allow','Action':'s3:*','Resource':'*','Condition':"
                                 "{'StringLike':{'s3:prefix':'%s${aws:username}*b'}}}]}",
                                 p->str, p->str + 15);
    linear_ctx c = {load(text)};
    assert_true(linear_in_size(long_resource, &c, 80000));
    json_decref(c.doc);
    g_free(text);
    g_string_free(p, TRUE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(match_table),
        cmocka_unit_test(version_2008_has_no_variables),
        cmocka_unit_test(deciding_statement),
        cmocka_unit_test(principal_table),
        cmocka_unit_test(evaluate_table),
        cmocka_unit_test(validate_table),
        cmocka_unit_test(size_counts_without_whitespace),
        cmocka_unit_test(wildcards_are_linear),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
