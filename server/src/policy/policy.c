#include "policy/policy.h"

#include <glib.h>
#include <string.h>

#include "policy/policy_condition.h"
#include "policy/policy_wild.h"

/* ---- checking a document (IAM's MalformedPolicyDocument) ---- */

static int fail(char *err, size_t errlen, const char *msg)
{
    g_snprintf(err, errlen, "%s", msg);
    return -1;
}

#define SYNTAX "Syntax errors in policy."

/* A string or a non-empty array of strings. */
static bool strings(json_t *v)
{
    if (json_is_string(v))
        return true;
    if (!json_is_array(v) || json_array_size(v) == 0)
        return false;
    size_t i;
    json_t *e;
    json_array_foreach(v, i, e) {
        if (!json_is_string(e))
            return false;
    }
    return true;
}

/* Calls each on v, or on each string of v: the first failure's result. */
static int each_string(json_t *v, int (*each)(const char *s, char *err, size_t errlen), char *err, size_t errlen)
{
    if (json_is_string(v))
        return each(json_string_value(v), err, errlen);
    size_t i;
    json_t *e;
    json_array_foreach(v, i, e) {
        if (each(json_string_value(e), err, errlen) < 0)
            return -1;
    }
    return 0;
}

static int check_action(const char *a, char *err, size_t errlen)
{
    if (strcmp(a, "*") == 0)
        return 0;
    const char *colon = strchr(a, ':');
    if (!colon)
        return fail(err, errlen, "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.");
    if (strchr(colon + 1, ':'))
        return fail(err, errlen, "Actions/Condition can contain only one colon.");
    for (const char *c = a; c < colon; c++) {
        if (*c == '*' || *c == '?')
            return fail(err, errlen, "Action vendors (e.g., aws, ec2, etc.) must not contain wildcards");
    }
    for (const char *c = a; c < colon; c++) {
        if (!g_ascii_isalnum(*c) && *c != '-') {
            g_snprintf(err, errlen, "Vendor %.*s is not valid", (int)(colon - a), a);
            return -1;
        }
    }
    if (colon == a) {
        g_snprintf(err, errlen, "Vendor  is not valid");
        return -1;
    }
    return 0;
}

static int check_resource(const char *r, char *err, size_t errlen)
{
    if (strcmp(r, "*") == 0 || g_str_has_prefix(r, "arn:"))
        return 0;
    g_snprintf(err, errlen, "Resource %s must be in ARN format or \"*\".", r);
    return -1;
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!g_ascii_isdigit(s[i]))
            return false;
    }
    return n > 0;
}

/* A unique id (AIDA..., AROA...), which IAM writes into a stored trust
 * policy in place of a deleted user or role: a stored document read back
 * must pass. */
static bool unique_id(const char *p)
{
    size_t n = strlen(p);
    if (n < 16 || n > 128 || p[0] != 'A')
        return false;
    for (size_t i = 0; i < n; i++) {
        if (!g_ascii_isupper(p[i]) && !g_ascii_isdigit(p[i]))
            return false;
    }
    return true;
}

/* Where the account begins in "arn:PARTITION:SERVICE::ACCOUNT...", in any
 * partition ("aws", "aws-cn", "aws-us-gov", ...), or NULL: a policy written
 * for cn-north-1 names its principals arn:aws-cn:iam::. */
static const char *arn_account(const char *arn, const char *service)
{
    if (!arn || !g_str_has_prefix(arn, "arn:aws"))
        return NULL;
    const char *p = arn + strlen("arn:aws");
    while (*p == '-' || g_ascii_islower(*p))
        p++;
    size_t n = strlen(service);
    if (*p != ':' || strncmp(p + 1, service, n) != 0 || strncmp(p + 1 + n, "::", 2) != 0)
        return NULL;
    return p + 1 + n + 2;
}

static int check_aws_principal(const char *p, char *err, size_t errlen)
{
    if (strcmp(p, "*") == 0 || (strlen(p) == 12 && all_digits(p, 12)) || arn_account(p, "iam") ||
        arn_account(p, "sts") || unique_id(p))
        return 0;
    g_snprintf(err, errlen, "Invalid principal in policy: \"AWS\":\"%s\"", p);
    return -1;
}

static int check_principal(json_t *p, char *err, size_t errlen)
{
    if (json_is_string(p))
        return strcmp(json_string_value(p), "*") == 0 ? 0 : fail(err, errlen, SYNTAX);
    if (!json_is_object(p) || json_object_size(p) == 0)
        return fail(err, errlen, SYNTAX);
    const char *type;
    json_t *v;
    json_object_foreach(p, type, v) {
        if (strcmp(type, "AWS") && strcmp(type, "Service") && strcmp(type, "Federated") &&
            strcmp(type, "CanonicalUser"))
            return fail(err, errlen, SYNTAX);
        if (!strings(v))
            return fail(err, errlen, SYNTAX);
        if (strcmp(type, "AWS") == 0 && each_string(v, check_aws_principal, err, errlen) < 0)
            return -1;
    }
    return 0;
}

static bool sid_alnum(const char *s)
{
    for (; *s; s++) {
        if (!g_ascii_isalnum(*s))
            return false;
    }
    return true;
}

static int check_statement(json_t *st, policy_kind kind, GHashTable *sids, char *err, size_t errlen)
{
    static const char *const fields[] = {"Sid",         "Effect",   "Principal", "NotPrincipal", "Action",
                                         "NotAction",   "Resource", "NotResource", "Condition"};
    if (!json_is_object(st))
        return fail(err, errlen, SYNTAX);
    const char *k;
    json_t *v;
    json_object_foreach(st, k, v) {
        bool known = false;
        for (size_t i = 0; i < G_N_ELEMENTS(fields) && !known; i++)
            known = strcmp(k, fields[i]) == 0;
        if (!known)
            return fail(err, errlen, SYNTAX);
    }
    json_t *sid = json_object_get(st, "Sid");
    if (sid) {
        if (!json_is_string(sid))
            return fail(err, errlen, SYNTAX);
        /* IAM's own documents (identity and trust) take alphanumeric Sids;
         * S3 and SNS accept any text */
        if (kind != POLICY_RESOURCE && !sid_alnum(json_string_value(sid)))
            return fail(err, errlen,
                        "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular "
                        "expression [0-9A-Za-z]*");
        if (json_string_length(sid) && !g_hash_table_add(sids, (gpointer)json_string_value(sid)))
            return fail(err, errlen, "Statement IDs (SID) in a single policy must be unique.");
    }
    const char *effect = json_string_value(json_object_get(st, "Effect"));
    if (!effect || (strcmp(effect, "Allow") && strcmp(effect, "Deny")))
        return fail(err, errlen, SYNTAX);

    json_t *pr = json_object_get(st, "Principal"), *npr = json_object_get(st, "NotPrincipal");
    if (kind == POLICY_IDENTITY && (pr || npr))
        return fail(err, errlen, "Policy document should not specify a principal.");
    if (kind != POLICY_IDENTITY && !pr && !npr)
        return fail(err, errlen, "Missing required field Principal");
    if (pr && npr)
        return fail(err, errlen, SYNTAX);
    if ((pr || npr) && check_principal(pr ? pr : npr, err, errlen) < 0)
        return -1;

    json_t *ac = json_object_get(st, "Action"), *nac = json_object_get(st, "NotAction");
    if (ac && nac)
        return fail(err, errlen, SYNTAX);
    if (!ac && !nac)
        return fail(err, errlen, "Policy statement must contain actions.");
    if (!strings(ac ? ac : nac))
        return fail(err, errlen, SYNTAX);
    if (each_string(ac ? ac : nac, check_action, err, errlen) < 0)
        return -1;

    json_t *rs = json_object_get(st, "Resource"), *nrs = json_object_get(st, "NotResource");
    if (kind == POLICY_TRUST && (rs || nrs))
        return fail(err, errlen, rs ? "Has prohibited field Resource" : "Has prohibited field NotResource");
    if (rs && nrs)
        return fail(err, errlen, SYNTAX);
    if (kind != POLICY_TRUST) {
        if (!rs && !nrs)
            return fail(err, errlen, "Policy statement must contain resources.");
        if (!strings(rs ? rs : nrs))
            return fail(err, errlen, SYNTAX);
        if (each_string(rs ? rs : nrs, check_resource, err, errlen) < 0)
            return -1;
    }
    json_t *cond = json_object_get(st, "Condition");
    return cond ? policy_condition_check(cond, err, errlen) : 0;
}

/* A document's statements: its array's, or its one statement object's
 * (borrowed; no allocation). n is 0 when Statement is neither. */
typedef struct statements {
    json_t *array, *one;
    size_t n;
} statements;

static statements statements_of(json_t *doc)
{
    json_t *sts = json_object_get(doc, "Statement");
    if (json_is_array(sts))
        return (statements){sts, NULL, json_array_size(sts)};
    if (json_is_object(sts))
        return (statements){NULL, sts, 1};
    return (statements){NULL, NULL, 0};
}

static json_t *statement_at(const statements *s, size_t i)
{
    return s->array ? json_array_get(s->array, i) : s->one;
}

static int check_document(json_t *d, policy_kind kind, char *err, size_t errlen)
{
    if (!json_is_object(d))
        return fail(err, errlen, SYNTAX);
    const char *k;
    json_t *v;
    json_object_foreach(d, k, v) {
        if (strcmp(k, "Version") && strcmp(k, "Id") && strcmp(k, "Statement"))
            return fail(err, errlen, SYNTAX);
    }
    json_t *ver = json_object_get(d, "Version");
    if (ver && !(json_is_string(ver) && (strcmp(json_string_value(ver), "2012-10-17") == 0 ||
                                         strcmp(json_string_value(ver), "2008-10-17") == 0)))
        return fail(err, errlen, "The policy failed legacy parsing");
    json_t *id = json_object_get(d, "Id");
    if (id && !json_is_string(id))
        return fail(err, errlen, SYNTAX);
    statements sts = statements_of(d);
    if (sts.n == 0)
        return fail(err, errlen, SYNTAX);
    GHashTable *sids = g_hash_table_new(g_str_hash, g_str_equal);
    int rc = 0;
    for (size_t i = 0; i < sts.n && rc == 0; i++)
        rc = check_statement(statement_at(&sts, i), kind, sids, err, errlen);
    g_hash_table_destroy(sids);
    return rc;
}

int policy_validate(const char *text, size_t len, policy_kind kind, json_t **doc, char *err, size_t errlen)
{
    if (doc)
        *doc = NULL;
    json_t *d = text ? json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL) : NULL;
    if (check_document(d, kind, err, errlen) < 0) {
        json_decref(d);
        return -1;
    }
    if (doc)
        *doc = d;
    else
        json_decref(d);
    return 0;
}

size_t policy_size(const char *text, size_t len)
{
    size_t n = 0;
    bool in_string = false;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (in_string) {
            n++;
            if (c == '\\' && i + 1 < len) {
                n++;
                i++;
            } else if (c == '"') {
                in_string = false;
            }
        } else if (!g_ascii_isspace(c)) {
            n++;
            in_string = c == '"';
        }
    }
    return n;
}

/* ---- evaluating a request ---- */

/* How a statement's Principal names the requester, weakest first: a
 * resource policy's Allow that names the principal itself (a user, a role
 * session, a service) grants past a boundary or session policy; one that
 * names everyone or the session's role is limited by them; one that names
 * only the account delegates to the account's identity policies. */
typedef enum prin_match {
    PRIN_NONE = 0,
    PRIN_ACCOUNT,
    PRIN_BROAD,
    PRIN_DIRECT,
} prin_match;

/* For an assumed-role session "arn:aws:sts::A:assumed-role/R/S": whether
 * arn is its role "arn:aws:iam::A:role/[path/]R". */
static bool is_sessions_role(const char *session, const char *arn)
{
    const char *acct = arn_account(session, "sts");
    if (!acct)
        return false;
    const char *ar = strstr(acct, ":assumed-role/");
    if (!ar)
        return false;
    const char *role = ar + strlen(":assumed-role/");
    const char *slash = strchr(role, '/');
    if (!slash)
        return false;
    size_t an = (size_t)(ar - acct), rn = (size_t)(slash - role);
    const char *racct = arn_account(arn, "iam");
    if (!racct || strncmp(racct, acct, an) != 0 || strncmp(racct + an, ":role/", 6) != 0)
        return false;
    size_t n = strlen(arn);
    return n >= rn && strncmp(arn + n - rn, role, rn) == 0 && (arn[n - rn - 1] == '/');
}

static bool names_account(const char *v, const char *account)
{
    if (!account)
        return false;
    size_t an = strlen(account);
    if (strcmp(v, account) == 0)
        return true;
    const char *in = arn_account(v, "iam");
    return in && strncmp(in, account, an) == 0 && strcmp(in + an, ":root") == 0;
}

static prin_match aws_value(const char *v, const policy_request *r)
{
    if (strcmp(v, "*") == 0)
        return PRIN_BROAD;
    if (!r->principal_arn)
        return PRIN_NONE;
    if (strcmp(v, r->principal_arn) == 0)
        return PRIN_DIRECT;
    if (is_sessions_role(r->principal_arn, v))
        return PRIN_BROAD;
    if (names_account(v, r->principal_account))
        return PRIN_ACCOUNT;
    return PRIN_NONE;
}

/* The strongest way a Principal names the requester. */
static prin_match principal_match(json_t *p, const policy_request *r)
{
    if (json_is_string(p))
        return strcmp(json_string_value(p), "*") == 0 ? PRIN_BROAD : PRIN_NONE;
    prin_match best = PRIN_NONE;
    json_t *aws = json_object_get(p, "AWS"), *svc = json_object_get(p, "Service");
    json_t *one[2] = {aws, svc};
    for (int t = 0; t < 2; t++) {
        json_t *v = one[t];
        size_t n = json_is_array(v) ? json_array_size(v) : (v ? 1 : 0);
        for (size_t i = 0; i < n; i++) {
            const char *s = json_string_value(json_is_array(v) ? json_array_get(v, i) : v);
            if (!s)
                continue;
            prin_match m = t == 0 ? aws_value(s, r)
                                  : (r->service && strcmp(s, r->service) == 0 ? PRIN_DIRECT : PRIN_NONE);
            if (m > best)
                best = m;
        }
    }
    return best;
}

static bool lists(json_t *v, bool (*pred)(const char *s, const void *arg), const void *arg)
{
    size_t n = json_is_array(v) ? json_array_size(v) : (v ? 1 : 0);
    for (size_t i = 0; i < n; i++) {
        const char *s = json_string_value(json_is_array(v) ? json_array_get(v, i) : v);
        if (s && pred(s, arg))
            return true;
    }
    return false;
}

static bool str_is(const char *s, const void *arg) { return strcmp(s, arg) == 0; }
static bool names_account_of(const char *s, const void *r)
{
    return names_account(s, ((const policy_request *)r)->principal_account);
}
static bool is_role_of(const char *s, const void *r)
{
    return is_sessions_role(((const policy_request *)r)->principal_arn, s);
}

/* NotPrincipal excludes a requester only when it lists the requester
 * itself and its account (and, for a role session, the role too), as
 * AWS documents for NotPrincipal with Deny. */
static bool not_principal_excludes(json_t *np, const policy_request *r)
{
    if (json_is_string(np))
        return strcmp(json_string_value(np), "*") == 0;
    if (r->service)
        return lists(json_object_get(np, "Service"), str_is, r->service);
    if (!r->principal_arn)
        return false;
    json_t *aws = json_object_get(np, "AWS");
    if (!lists(aws, str_is, r->principal_arn) || !lists(aws, names_account_of, r))
        return false;
    return !arn_account(r->principal_arn, "sts") || lists(aws, is_role_of, r);
}

static bool action_pred(const char *pattern, const void *action)
{
    return policy_wild_match(pattern, strlen(pattern), action, strlen(action), true, false);
}

typedef struct resource_arg {
    const char *resource;
    json_t *ctx;
    bool vars;
    GString **scratch;  /* for substituted variables, made when one is met */
    bool *read_context; /* policy_request.read_context */
} resource_arg;

static bool resource_pred(const char *pattern, const void *arg)
{
    const resource_arg *a = arg;
    size_t pn = strlen(pattern);
    bool esc = false;
    if (a->vars && strstr(pattern, "${")) {
        if (a->read_context)
            *a->read_context = true;
        if (!*a->scratch)
            *a->scratch = g_string_sized_new(64);
        if (!policy_wild_expand(pattern, a->ctx, *a->scratch))
            return false;
        pattern = (*a->scratch)->str;
        pn = (*a->scratch)->len;
        esc = true;
    }
    return policy_wild_arn(pattern, pn, a->resource, strlen(a->resource), esc);
}

/* How st applies to r: PRIN_NONE when it does not; for a statement
 * without Principal (identity policies), PRIN_DIRECT. */
static prin_match statement_applies(json_t *st, const policy_request *r, bool vars, GString **scratch)
{
    prin_match how = PRIN_DIRECT;
    json_t *p = json_object_get(st, "Principal"), *np = json_object_get(st, "NotPrincipal");
    if (p)
        how = principal_match(p, r);
    else if (np)
        how = not_principal_excludes(np, r) ? PRIN_NONE : PRIN_BROAD;
    if (how == PRIN_NONE)
        return PRIN_NONE;

    const char *action = r->action ? r->action : "";
    json_t *a = json_object_get(st, "Action"), *na = json_object_get(st, "NotAction");
    if (a ? !lists(a, action_pred, action) : (!na || lists(na, action_pred, action)))
        return PRIN_NONE;

    json_t *res = json_object_get(st, "Resource"), *nres = json_object_get(st, "NotResource");
    resource_arg ra = {r->resource ? r->resource : "", r->context, vars, scratch, r->read_context};
    if (res ? !lists(res, resource_pred, &ra) : (nres && lists(nres, resource_pred, &ra)))
        return PRIN_NONE;

    json_t *cond = json_object_get(st, "Condition");
    if (cond && r->read_context)
        *r->read_context = true;
    if (cond && !policy_condition_holds(cond, r->context, vars))
        return PRIN_NONE;
    return how;
}

static char *statement_name(json_t *st, size_t index)
{
    const char *sid = json_string_value(json_object_get(st, "Sid"));
    return sid && *sid ? g_strdup(sid) : g_strdup_printf("Statement[%zu]", index);
}

/* policy_match, also saying how the deciding Allow named the principal. */
static policy_decision match_doc(json_t *doc, const policy_request *r, char **statement, prin_match *allowed_as)
{
    if (statement)
        *statement = NULL;
    *allowed_as = PRIN_NONE;
    statements sts = statements_of(doc);
    const char *ver = json_string_value(json_object_get(doc, "Version"));
    /* variables are text under the 2008 grammar */
    bool vars = ver && strcmp(ver, "2012-10-17") == 0;
    GString *scratch = NULL;
    policy_decision d = POLICY_IMPLICIT_DENY;
    size_t decided_at = 0;
    for (size_t i = 0; i < sts.n; i++) {
        json_t *st = statement_at(&sts, i);
        const char *effect = json_string_value(json_object_get(st, "Effect"));
        if (!effect)
            continue;
        bool deny = strcmp(effect, "Deny") == 0;
        if (!deny && strcmp(effect, "Allow") != 0)
            continue;
        if (!deny && *allowed_as == PRIN_DIRECT)
            continue; /* nothing stronger to find */
        prin_match how = statement_applies(st, r, vars, &scratch);
        if (how == PRIN_NONE)
            continue;
        if (deny) {
            d = POLICY_EXPLICIT_DENY;
            decided_at = i;
            *allowed_as = PRIN_NONE;
            break;
        }
        if (how > *allowed_as) {
            *allowed_as = how;
            decided_at = i;
            d = POLICY_ALLOW;
        }
    }
    if (statement && d != POLICY_IMPLICIT_DENY)
        *statement = statement_name(statement_at(&sts, decided_at), decided_at);
    if (scratch)
        g_string_free(scratch, TRUE);
    return d;
}

policy_decision policy_match(json_t *doc, const policy_request *r, char **statement)
{
    prin_match how;
    return match_doc(doc, r, statement, &how);
}

/* Every document of docs (an array, or one document): an explicit Deny in
 * any, else an Allow in any. */
static policy_decision match_any(json_t *docs, const policy_request *r, char **statement)
{
    if (!docs)
        return POLICY_IMPLICIT_DENY;
    if (!json_is_array(docs)) {
        prin_match how;
        return match_doc(docs, r, statement, &how);
    }
    policy_decision best = POLICY_IMPLICIT_DENY;
    size_t i;
    json_t *doc;
    json_array_foreach(docs, i, doc) {
        char *st = NULL;
        prin_match how;
        policy_decision d = match_doc(doc, r, statement ? &st : NULL, &how);
        if (d > best) {
            best = d;
            if (statement) {
                g_free(*statement);
                *statement = st;
                st = NULL;
            }
        }
        g_free(st);
        if (best == POLICY_EXPLICIT_DENY)
            break;
    }
    return best;
}

static bool is_root(const char *arn)
{
    return arn_account(arn, "iam") && g_str_has_suffix(arn, ":root");
}

void policy_evaluate(const policy_set *set, const policy_request *r, policy_result *out)
{
    out->decision = POLICY_IMPLICIT_DENY;
    out->statement = NULL;
    out->by = NULL;
    char *st[4] = {NULL, NULL, NULL, NULL};
    static const char *const by[4] = {"identity-based policy", "resource-based policy", "permissions boundary",
                                      "session policy"};
    prin_match res_how = PRIN_NONE;
    policy_decision d[4];
    d[0] = match_any(set->identity, r, &st[0]);
    d[1] = set->resource ? match_doc(set->resource, r, &st[1], &res_how) : POLICY_IMPLICIT_DENY;
    d[2] = match_any(set->boundary, r, &st[2]);
    d[3] = match_any(set->session, r, &st[3]);

    int decided = -1;
    for (int i = 0; i < 4 && decided < 0; i++) {
        if (d[i] == POLICY_EXPLICIT_DENY) {
            out->decision = POLICY_EXPLICIT_DENY;
            decided = i;
        }
    }
    if (decided < 0) {
        bool root = is_root(r->principal_arn);
        bool anonymous = !r->principal_arn;
        bool same = !set->resource_account || !r->principal_account ||
                    strcmp(set->resource_account, r->principal_account) == 0;
        bool boundary_ok = !set->boundary || d[2] == POLICY_ALLOW;
        bool session_ok = !set->session || d[3] == POLICY_ALLOW;
        bool identity_ok = root || d[0] == POLICY_ALLOW;
        /* which policy left the identity side without an Allow */
        int missing = !identity_ok ? 0 : !boundary_ok ? 2 : !session_ok ? 3 : -1;
        bool requester = missing < 0;
        if (anonymous) {
            /* anonymous or a service: only the resource's policy speaks */
            decided = d[1] == POLICY_ALLOW ? 1 : -1;
            missing = 1;
        } else if (same) {
            if (res_how == PRIN_DIRECT || (res_how == PRIN_BROAD && boundary_ok && session_ok))
                decided = 1;
            else if (requester)
                decided = root && d[0] != POLICY_ALLOW ? -1 : 0;
            if (decided < 0 && requester)
                out->decision = POLICY_ALLOW; /* the root, with no statement to name */
        } else {
            /* across accounts both sides must allow */
            if (!requester) {
                decided = -1;
            } else if (d[1] != POLICY_ALLOW) {
                missing = 1;
            } else {
                decided = root && d[0] != POLICY_ALLOW ? 1 : 0;
            }
        }
        if (decided >= 0)
            out->decision = POLICY_ALLOW;
        else if (out->decision != POLICY_ALLOW && missing >= 0)
            out->by = by[missing];
    }
    if (decided >= 0) {
        out->by = by[decided];
        out->statement = st[decided];
        st[decided] = NULL;
    }
    for (int i = 0; i < 4; i++)
        g_free(st[i]);
}

void policy_result_clear(policy_result *r)
{
    g_free(r->statement);
    r->statement = NULL;
}
