/* The AWS query protocol (SNS, STS) and its EC2 dialect.
 *
 * Both take a form (POST body, or the query string of a GET) whose names
 * flatten the input tree ("Tags.member.1.Key"), and answer XML. They differ
 * in how names are spelled:
 *   query: a member is its locationName or its name; a list is
 *     Name.member.N (the member's locationName instead of "member" when it
 *     has one), or Name.N when flattened; a map is Name.entry.N.key /
 *     .value (locationNames of key and value win), or Name.N.key when
 *     flattened; an empty list is sent as "Name=".
 *   ec2: a member is its queryName, else its locationName with the first
 *     letter upper-cased, else its name upper-cased the same way; a list is
 *     always Name.N.
 * Where botocore departs from the protocol definition (the Smithy test
 * vectors), requests in either spelling are accepted and responses follow
 * the definition; botocore reads both the same on the real models.
 *
 * Responses: query wraps the output in <OpResponse><OpResult> and ends with
 * <ResponseMetadata><RequestId>; ec2 puts the members straight under
 * <OpResponse> after <requestId>. Lists are <Name><member/>...</Name> (the
 * member's locationName when it has one: "item" all over EC2's model), or
 * repeated <Name> elements when flattened; maps are <entry><key/><value/>.
 *
 * Error codes for what a form cannot express. Live services were not
 * probed for these; the codes are AWS's documented common errors, and the
 * wording of ValidationError imitates the Coral validator behind STS:
 *   no Action:            MissingAction, 400
 *   bad percent-escape:   MalformedQueryString, 404 (as documented)
 *   a value of the wrong type ("abc" for an integer, bad base64, and any
 *   non-string value holding a NUL, "10%005"):
 *     ec2:   InvalidParameterValue, 400 (EC2's code for any bad value)
 *     query: ValidationError, 400 ("1 validation error detected: ...")
 *   a list or map position that is not a number from 1 to 4294967295
 *   without leading zeros ("Tags.member.01", "InstanceId.4294967296"):
 *     ec2:   UnknownParameter, 400 ("The parameter ... is not recognized")
 *     query: ValidationError, 400
 * Values keep their length: a string or map key holding a NUL (%00) goes
 * into the tree whole, for the validator to refuse. The service's own
 * constraint checks (validate.h) come after parsing. */
#include "wire.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "timefmt.h"
#include "xmlr.h"
#include "xmlw.h"

/* No AWS input nests this deep; the bound keeps a hostile form from
 * recursing through a self-referencing shape until the stack runs out. */
#define MAX_DEPTH 64
/* How much of an offending value an error message quotes. */
#define MAX_QUOTED 256

/* FLAVOR_COMPAT is the query protocol served for a JSON service that
 * still takes it (awsQueryCompatible: SQS): its model is the JSON one, and
 * the names the query protocol gives its members, lists' members and maps'
 * keys and values are kept in query_name (x-mockaws-query-name), its
 * locationNames being the JSON wire's. */
typedef enum flavor { FLAVOR_QUERY, FLAVOR_EC2, FLAVOR_COMPAT } flavor;

/* The name a reference goes by in a query form or answer (NULL: its
 * member name, or the protocol's default): the locationName, or for
 * FLAVOR_COMPAT the query-era name. own: the reference's trait alone (a
 * list's member, a map's key and value), else merged with its shape's. */
static const char *ref_wire_name(flavor fl, const mmember *ref, bool own)
{
    if (!ref)
        return NULL;
    if (fl == FLAVOR_COMPAT)
        return own ? ref->t.query_name : mmember_query_name(ref);
    return own ? ref->t.location_name : mmember_location_name(ref);
}

/* ---------------------------------------------------------------------- */
/* shared model helpers                                                    */

/* A value is reached through a member reference (ref) whose target is
 * shape, or, for the operation's input or output itself, through no
 * reference (ref NULL). Its traits are the reference's, falling back to
 * the shape's (the way botocore merges them). */

static bool is_flattened(const mmember *ref, const mshape *shape)
{
    return (((ref ? ref->t.flags : 0) | shape->t.flags) & MF_FLATTENED) != 0;
}

static timefmt_kind timestamp_kind(const mmember *ref, const mshape *shape)
{
    return timefmt_kind_of(ref ? mmember_ts_format(ref) : (mtsformat)shape->t.ts_format, TIMEFMT_ISO8601);
}

/* Epoch seconds as a tree value: an integer when whole, so that handlers
 * and comparisons see 1422172800 rather than 1422172800.0. */
static json_t *epoch_value(double t)
{
    if (t == floor(t) && fabs(t) < 9.0e15)
        return json_integer((json_int_t)t);
    return json_real(t);
}

/* The XML namespace of the response envelope: the model's xmlNamespace
 * (EC2's lacks the trailing slash the real service sends), else the
 * address every query service uses. NULL when neither can be made.
 * Returns a new string (g_free). */
static char *response_namespace(const model *m)
{
    const char *ns = m->xml_namespace;
    if (ns && *ns)
        return g_str_has_suffix(ns, "/") ? g_strdup(ns) : g_strconcat(ns, "/", NULL);
    const char *prefix = m->endpoint_prefix;
    const char *version = m->api_version;
    if (prefix && version)
        return g_strdup_printf("https://%s.amazonaws.com/doc/%s/", prefix, version);
    return NULL;
}

/* ---------------------------------------------------------------------- */
/* the form                                                                */

typedef struct form_pair {
    const char *name;
    const char *value;
    size_t value_len; /* a value may hold NUL bytes (%00): never cut there */
} form_pair;

/* A request's parameters sorted by name, so that everything under one
 * prefix ("Tags.member.") is a single run found by binary search. The sort
 * is stable and the body comes first: on a repeated name the body's value
 * wins, then the first one given. */
typedef struct form {
    http_params body, query; /* owned: the decoded pairs */
    GArray *pairs;           /* of form_pair, borrowing from body and query, sorted */
} form;

static int pair_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(((const form_pair *)a)->name, ((const form_pair *)b)->name);
}

static bool content_type_is_form(const http_request *req)
{
    const char *ct = http_request_header(req, "content-type");
    /* SDKs always label the body; an unlabelled one can only be a form */
    if (!ct)
        return true;
    char *low = g_ascii_strdown(ct, -1);
    bool is_form = strstr(low, "x-www-form-urlencoded") != NULL;
    g_free(low);
    return is_form;
}

static void form_clear(form *f)
{
    http_params_clear(&f->body);
    http_params_clear(&f->query);
    if (f->pairs)
        g_array_free(f->pairs, TRUE);
    f->pairs = NULL;
}

/* Parses one "a=b&c=d" text into into and adds its pairs. False on a
 * malformed percent-escape. A name holding a NUL byte can be no
 * parameter's name: it is left out like any unknown name, rather than read
 * as the name it starts with. */
static bool form_add(form *f, http_params *into, const char *s, size_t len)
{
    if (!http_params_parse(into, s, len, true))
        return false;
    for (guint i = 0; i < into->items->len; i++) {
        const http_param *it = &g_array_index(into->items, http_param, i);
        if (strlen(it->name) == it->name_len) {
            form_pair p = {it->name, it->value, it->value_len};
            g_array_append_val(f->pairs, p);
        }
    }
    return true;
}

/* Body and query string of the request. False (err set) on a malformed
 * percent-escape. */
static bool form_load(form *f, const http_request *req, aws_error *err)
{
    *f = (form){.pairs = g_array_new(FALSE, FALSE, sizeof(form_pair))};
    bool ok = true;
    if (req->body_len > 0 && content_type_is_form(req))
        ok = form_add(f, &f->body, req->body, req->body_len);
    if (ok && req->query && *req->query)
        ok = form_add(f, &f->query, req->query, strlen(req->query));
    if (!ok) {
        form_clear(f);
        aws_error_set_status(err, 404, "MalformedQueryString",
                             "The query string contains a syntax error.");
        err->sender = 1;
        return false;
    }
    /* GLib's sort is a stable merge sort */
    g_array_sort(f->pairs, pair_cmp);
    return true;
}

/* Index of the first pair whose name is >= s. */
static guint form_lower_bound(const form *f, const char *s)
{
    guint lo = 0, hi = f->pairs->len;
    while (lo < hi) {
        guint mid = lo + (hi - lo) / 2;
        if (strcmp(g_array_index(f->pairs, form_pair, mid).name, s) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The value of a parameter and its length (len may be NULL), or NULL. */
static const char *form_getn(const form *f, const char *name, size_t *len)
{
    guint i = form_lower_bound(f, name);
    if (i < f->pairs->len && strcmp(g_array_index(f->pairs, form_pair, i).name, name) == 0) {
        if (len)
            *len = g_array_index(f->pairs, form_pair, i).value_len;
        return g_array_index(f->pairs, form_pair, i).value;
    }
    return NULL;
}

static const char *form_get(const form *f, const char *name)
{
    return form_getn(f, name, NULL);
}

/* A client's value as an error message may quote it: cut short, and made
 * valid UTF-8 so that the XML envelope carrying it stays well-formed.
 * Returns a new string (g_free). */
static char *quote(const char *value)
{
    char *cut = g_strndup(value, MAX_QUOTED);
    char *valid = g_utf8_make_valid(cut, -1);
    g_free(cut);
    return valid;
}

/* ---------------------------------------------------------------------- */
/* operation_name                                                          */

static const char *operation_name(const model *m, const http_request *req, char *buf,
                                  size_t buflen, aws_error *err)
{
    form f;
    if (!form_load(&f, req, err))
        return NULL;
    size_t action_len = 0;
    const char *action = form_getn(&f, "Action", &action_len);
    const char *result = NULL;
    if (!action || !*action) {
        aws_error_set_status(err, 400, "MissingAction",
                             "The request is missing an action or a required parameter.");
        err->sender = 1;
    } else if (strlen(action) != action_len || g_strlcpy(buf, action, buflen) >= buflen) {
        /* longer than any operation name, or holding a NUL: it cannot be one */
        char *q = quote(action);
        aws_error_set_status(err, 400, "InvalidAction",
                             "The action %s is not valid for this web service.", q);
        g_free(q);
        err->sender = 1;
    } else {
        result = buf;
    }
    form_clear(&f);
    return result;
}

/* ---------------------------------------------------------------------- */
/* parse_request                                                           */

typedef struct pctx {
    flavor fl;
    const form *f;
    GString *key;  /* the wire name being looked at, grown and cut back */
    int depth;
    aws_error *err;
} pctx;

static int parse_value(pctx *c, const mmember *ref, const mshape *shape, json_t **out);

/* A name a member or a map's key or value goes by on the wire: text, with
 * its first letter upper-cased when upper (ec2). */
typedef struct wire_name {
    const char *text;
    bool upper;
} wire_name;

static void key_push(pctx *c, const char *segment)
{
    if (c->key->len > 0)
        g_string_append_c(c->key, '.');
    g_string_append(c->key, segment);
}

static void key_push_name(pctx *c, wire_name n)
{
    if (c->key->len > 0)
        g_string_append_c(c->key, '.');
    size_t at = c->key->len;
    g_string_append(c->key, n.text);
    if (n.upper)
        c->key->str[at] = g_ascii_toupper(c->key->str[at]);
}

/* True when some parameter starts with the current key plus a dot. */
static bool key_has_children(pctx *c)
{
    size_t save = c->key->len;
    g_string_append_c(c->key, '.');
    guint i = form_lower_bound(c->f, c->key->str);
    bool found = i < c->f->pairs->len &&
                 strncmp(g_array_index(c->f->pairs, form_pair, i).name, c->key->str,
                         c->key->len) == 0;
    g_string_truncate(c->key, save);
    return found;
}

static int bad_value(pctx *c, const char *value, const char *expected)
{
    char *q = quote(value);
    if (c->fl == FLAVOR_EC2)
        aws_error_set_status(c->err, 400, "InvalidParameterValue",
                             "Invalid value '%s' for %s: expected %s.", q, c->key->str, expected);
    else
        aws_error_set_status(c->err, 400, "ValidationError",
                             "1 validation error detected: Value '%s' at '%s' failed to "
                             "satisfy constraint: Member must be %s",
                             q, c->key->str, expected);
    g_free(q);
    c->err->sender = 1;
    return -1;
}

static int too_deep(pctx *c)
{
    aws_error_set_status(c->err, 400,
                         c->fl == FLAVOR_EC2 ? "InvalidParameterValue" : "ValidationError",
                         "Parameter %.*s... is nested more than %d levels deep.", MAX_QUOTED,
                         c->key->str, MAX_DEPTH);
    c->err->sender = 1;
    return -1;
}

/* The wire names a structure member may go by, most likely first; returns
 * how many (1 or 2). The second is a spelling botocore's ec2 serializer
 * uses: unlike the protocol definition, it keeps a member name without
 * locationName as it is ("label"), so both are accepted. */
static int member_wire_names(flavor fl, const mmember *ref, wire_name names[2])
{
    const char *loc = ref_wire_name(fl, ref, false);
    if (fl != FLAVOR_EC2) {
        names[0] = (wire_name){loc ? loc : ref->name, false};
        return 1;
    }
    const char *qn = mmember_query_name(ref);
    if (qn) {
        names[0] = (wire_name){qn, false};
        return 1;
    }
    names[0] = (wire_name){loc ? loc : ref->name, true};
    if (loc || g_ascii_toupper(ref->name[0]) == ref->name[0])
        return 1;
    names[1] = (wire_name){ref->name, false};
    return 2;
}

/* Map key / value names, by the reference's own traits: ec2 spells a
 * locationName capitalized, both default to "key" / "value". */
static wire_name map_part_name(flavor fl, const mmember *ref, const char *dflt)
{
    const char *loc = ref_wire_name(fl, ref, true);
    if (fl == FLAVOR_EC2) {
        const char *qn = ref ? ref->t.query_name : NULL;
        if (qn)
            return (wire_name){qn, false};
        return loc ? (wire_name){loc, true} : (wire_name){dflt, false};
    }
    return (wire_name){loc ? loc : dflt, false};
}

static int parse_structure(pctx *c, const mshape *shape, json_t **out)
{
    /* the input itself always exists; a nested structure exists when
     * something is named under it */
    if (c->key->len > 0 && !key_has_children(c))
        return 0;
    json_t *obj = json_object();
    for (uint32_t m = 0; m < shape->nmembers; m++) {
        const mmember *ref = &shape->members[m];
        wire_name names[2];
        int nnames = member_wire_names(c->fl, ref, names);
        size_t save = c->key->len;
        json_t *v = NULL;
        int rc = 0;
        for (int i = 0; i < nnames && rc == 0; i++) {
            key_push_name(c, names[i]);
            rc = parse_value(c, ref, ref->shape, &v);
            g_string_truncate(c->key, save);
        }
        if (rc < 0) {
            json_decref(obj);
            return -1;
        }
        if (rc > 0)
            json_object_set_new(obj, ref->name, v);
    }
    *out = obj;
    return 1;
}

static gint uint_cmp(gconstpointer a, gconstpointer b)
{
    guint x = *(const guint *)a, y = *(const guint *)b;
    return x < y ? -1 : x > y;
}

/* A parameter under a list or map whose position is not one: "0", "01",
 * "4294967296", "1x", "x". Dropping it would answer for a different
 * request (DescribeInstances with InstanceId.4294967296 would describe
 * every instance), so it is refused: ec2 as EC2 refuses a parameter it
 * does not know, query in the Coral validator's words. */
static void bad_index(pctx *c, const char *name, const char *position)
{
    char *q = quote(name);
    char *p = quote(position);
    if (c->fl == FLAVOR_EC2)
        aws_error_set_status(c->err, 400, "UnknownParameter", "The parameter %s is not recognized", q);
    else
        aws_error_set_status(c->err, 400, "ValidationError",
                             "1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: "
                             "Member must be a list position from 1 to %u without leading zeros",
                             p, q, G_MAXUINT);
    g_free(q);
    g_free(p);
    c->err->sender = 1;
}

/* The positions N named as "<key>.N" or "<key>.N.<more>", ascending and
 * without repeats. Gaps are allowed: the services do not insist on them
 * and a missing entry is no reason to refuse the rest. New array, or NULL
 * (c->err set) when a name under the key has no valid position. */
static GArray *collect_indices(pctx *c)
{
    GArray *idx = g_array_new(FALSE, FALSE, sizeof(guint));
    size_t save = c->key->len;
    g_string_append_c(c->key, '.');
    const char *prefix = c->key->str;
    size_t plen = c->key->len;
    for (guint i = form_lower_bound(c->f, prefix); i < c->f->pairs->len; i++) {
        const char *name = g_array_index(c->f->pairs, form_pair, i).name;
        if (strncmp(name, prefix, plen) != 0)
            break;
        const char *p = name + plen;
        /* a position is digits without a leading zero, so that the name
         * rebuilt from it is the name that was sent */
        guint64 n = 0;
        const char *q = p;
        while (*q >= '0' && *q <= '9' && n <= G_MAXUINT)
            n = n * 10 + (guint64)(*q++ - '0');
        if (*p < '1' || *p > '9' || (*q != '\0' && *q != '.') || n > G_MAXUINT) {
            size_t seg = strcspn(p, ".");
            char *position = g_strndup(p, seg);
            bad_index(c, name, position);
            g_free(position);
            g_string_truncate(c->key, save);
            g_array_free(idx, TRUE);
            return NULL;
        }
        guint v = (guint)n;
        g_array_append_val(idx, v);
    }
    g_string_truncate(c->key, save);
    g_array_sort(idx, uint_cmp);
    guint w = 0;
    for (guint r = 0; r < idx->len; r++)
        if (w == 0 || g_array_index(idx, guint, r) != g_array_index(idx, guint, w - 1))
            g_array_index(idx, guint, w++) = g_array_index(idx, guint, r);
    g_array_set_size(idx, w);
    return idx;
}

static int parse_list(pctx *c, const mmember *ref, const mshape *shape, json_t **out)
{
    const mmember *mref = shape->member;
    if (!mref)
        return 0;
    char *orig = g_strdup(c->key->str);
    bool flattened = c->fl != FLAVOR_EC2 && is_flattened(ref, shape);
    const char *member_loc = ref_wire_name(c->fl, mref, true);
    if (c->fl != FLAVOR_EC2 && !flattened)
        key_push(c, member_loc ? member_loc : "member");
    GArray *idx = collect_indices(c);
    if (idx && idx->len == 0 && flattened && member_loc) {
        /* botocore names a flattened list after its member's locationName
         * rather than after the structure member */
        const char *dot = strrchr(c->key->str, '.');
        g_string_truncate(c->key, dot ? (size_t)(dot - c->key->str) : 0);
        key_push(c, member_loc);
        g_array_free(idx, TRUE);
        idx = collect_indices(c);
    }
    if (!idx) {
        g_string_assign(c->key, orig);
        g_free(orig);
        return -1;
    }
    int rc = 0;
    if (idx->len == 0) {
        /* "Name=" is how the query protocol sends an empty list */
        const char *v = form_get(c->f, orig);
        if (v && *v == '\0') {
            *out = json_array();
            rc = 1;
        }
    } else {
        json_t *arr = json_array();
        size_t base = c->key->len;
        rc = 1;
        for (guint i = 0; i < idx->len && rc >= 0; i++) {
            g_string_append_printf(c->key, ".%u", g_array_index(idx, guint, i));
            json_t *v = NULL;
            rc = parse_value(c, mref, mref->shape, &v);
            if (rc > 0)
                json_array_append_new(arr, v);
            g_string_truncate(c->key, base);
        }
        if (rc < 0) {
            json_decref(arr);
        } else {
            *out = arr;
            rc = 1;
        }
    }
    g_array_free(idx, TRUE);
    g_string_assign(c->key, orig);
    g_free(orig);
    return rc;
}

static int parse_map(pctx *c, const mmember *ref, const mshape *shape, json_t **out)
{
    const mmember *vref = shape->value;
    if (!vref)
        return 0;
    size_t save = c->key->len;
    if (!(c->fl != FLAVOR_EC2 && is_flattened(ref, shape)))
        key_push(c, "entry");
    GArray *idx = collect_indices(c);
    if (!idx || idx->len == 0) {
        if (idx)
            g_array_free(idx, TRUE);
        g_string_truncate(c->key, save);
        return idx ? 0 : -1;
    }
    wire_name kname = map_part_name(c->fl, shape->key, "key");
    wire_name vname = map_part_name(c->fl, vref, "value");
    json_t *obj = json_object();
    size_t base = c->key->len;
    int rc = 1;
    for (guint i = 0; i < idx->len && rc >= 0; i++) {
        guint n = g_array_index(idx, guint, i);
        g_string_append_printf(c->key, ".%u", n);
        size_t entry = c->key->len;
        key_push_name(c, kname);
        size_t klen = 0;
        const char *k = form_getn(c->f, c->key->str, &klen);
        g_string_truncate(c->key, entry);
        if (!k) {
            g_string_truncate(c->key, base);
            continue; /* an entry without its key says nothing */
        }
        key_push_name(c, vname);
        json_t *v = NULL;
        rc = parse_value(c, vref, vref->shape, &v);
        /* by length: a key holding a NUL stays whole, for the validator
         * to judge */
        if (rc > 0 && json_object_setn_new(obj, k, klen, v) != 0)
            rc = bad_value(c, k, "a UTF-8 map key");
        g_string_truncate(c->key, base);
    }
    g_array_free(idx, TRUE);
    g_string_truncate(c->key, save);
    if (rc < 0) {
        json_decref(obj);
        return -1;
    }
    *out = obj;
    return 1;
}

/* Base64 as the SDKs send it (standard alphabet, padded). GLib's decoder
 * skips what it does not know, so the alphabet is checked first. */
static bool base64_well_formed(const char *s)
{
    size_t n = 0, pad = 0;
    for (const char *p = s; *p; p++, n++) {
        if (*p == '=') {
            pad++;
        } else if (pad > 0 || !(g_ascii_isalnum(*p) || *p == '+' || *p == '/')) {
            return false;
        }
    }
    return n % 4 == 0 && pad <= 2;
}

static int parse_scalar(pctx *c, mkind kind, json_t **out)
{
    size_t len = 0;
    const char *v = form_getn(c->f, c->key->str, &len);
    if (!v)
        return 0;
    /* "12%003" is not 12: a number, flag, date or base64 text holding a
     * NUL is no value of its type, never the part before the NUL */
    bool cut = strlen(v) != len;
    switch (kind) {
    case MK_BOOLEAN:
        if (!cut && g_ascii_strcasecmp(v, "true") == 0)
            *out = json_true();
        else if (!cut && g_ascii_strcasecmp(v, "false") == 0)
            *out = json_false();
        else
            return bad_value(c, v, "a boolean");
        return 1;
    case MK_INTEGER:
    case MK_LONG: {
        bool is_long = kind == MK_LONG;
        char *end;
        errno = 0;
        long long n = strtoll(v, &end, 10);
        if (cut || !*v || *end || errno || g_ascii_isspace(*v) ||
            (!is_long && (n < INT32_MIN || n > INT32_MAX)))
            return bad_value(c, v, is_long ? "a long" : "an integer");
        *out = json_integer((json_int_t)n);
        return 1;
    }
    case MK_FLOAT:
    case MK_DOUBLE: {
        if (!cut && (strcmp(v, "NaN") == 0 || strcmp(v, "Infinity") == 0 || strcmp(v, "-Infinity") == 0)) {
            *out = json_string(v);
            return 1;
        }
        /* strtod would also take "inf", "nan" and hex: none of them is how
         * a client writes a number */
        const char *p = v + (*v == '-' || *v == '+');
        bool plain = (g_ascii_isdigit(*p) || *p == '.') && !strpbrk(v, "xXnN");
        char *end;
        double d = g_ascii_strtod(v, &end);
        if (cut || !plain || *end || !isfinite(d))
            return bad_value(c, v, "a number");
        *out = json_real(d);
        return 1;
    }
    case MK_TIMESTAMP: {
        double t;
        if (cut || !timefmt_parse(v, &t))
            return bad_value(c, v, "a timestamp");
        *out = epoch_value(t);
        return 1;
    }
    case MK_BLOB: {
        if (cut || !base64_well_formed(v))
            return bad_value(c, v, "base64-encoded");
        gsize n = 0;
        guchar *bytes = *v ? g_base64_decode(v, &n) : NULL;
        *out = json_stringn_nocheck(bytes ? (const char *)bytes : "", n);
        g_free(bytes);
        return 1;
    }
    default:
        /* string, and anything else a model may call a scalar: by length,
         * so that a NUL (%00) is kept for the validator to judge, never a
         * place where the value silently ends */
        *out = json_stringn(v, len);
        if (!*out)
            return bad_value(c, v, "UTF-8 text");
        return 1;
    }
}

/* 1 and *out (new reference) when the value is present, 0 when absent,
 * -1 with c->err set when it cannot be read. */
static int parse_value(pctx *c, const mmember *ref, const mshape *shape, json_t **out)
{
    if (c->depth >= MAX_DEPTH)
        return too_deep(c);
    c->depth++;
    int rc;
    switch ((mkind)shape->kind) {
    case MK_STRUCTURE:
        rc = parse_structure(c, shape, out);
        break;
    case MK_LIST:
        rc = parse_list(c, ref, shape, out);
        break;
    case MK_MAP:
        rc = parse_map(c, ref, shape, out);
        break;
    default:
        rc = parse_scalar(c, (mkind)shape->kind, out);
        break;
    }
    c->depth--;
    return rc;
}

/* A JSON service's query door: a request sent to a resource's URL (SQS's
 * query-era SDKs post to the queue's, /ACCOUNT/NAME) names the resource
 * when the form does not, as the model's query_path_member: that member
 * is set to the URL (this host, the path). */
static void path_names_member(const model *m, const mshape *shape, const http_request *req, json_t *input)
{
    const char *member = m->query_path_member;
    if (!member || !mshape_member(shape, member) || json_object_get(input, member) || !req->path ||
        !req->path[0] || !req->path[1] || !req->host || !*req->host)
        return;
    char *url = g_strdup_printf("http://%s%s", req->host, req->path);
    json_t *v = json_string(url); /* NULL when not UTF-8: left absent, for the validator */
    if (v)
        json_object_set_new(input, member, v);
    g_free(url);
}

static int parse_request(flavor fl, const model *m, const char *op, const http_request *req,
                         json_t **input, aws_error *err)
{
    *input = NULL;
    const mshape *shape = mop_input(model_find_op(m, op));
    if (!shape) {
        *input = json_object();
        return 0;
    }
    form f;
    if (!form_load(&f, req, err))
        return -1;
    pctx c = {.fl = fl, .f = &f, .key = g_string_new(NULL), .err = err};
    json_t *tree = NULL;
    int rc = parse_value(&c, NULL, shape, &tree);
    g_string_free(c.key, TRUE);
    form_clear(&f);
    if (rc < 0)
        return -1;
    *input = rc > 0 ? tree : json_object();
    if (fl == FLAVOR_COMPAT)
        path_names_member(m, shape, req, *input);
    return 0;
}

static int query_parse_request(const model *m, const char *op, const http_request *req,
                               json_t **input, aws_error *err)
{
    return parse_request(FLAVOR_QUERY, m, op, req, input, err);
}

static int ec2_parse_request(const model *m, const char *op, const http_request *req,
                             json_t **input, aws_error *err)
{
    return parse_request(FLAVOR_EC2, m, op, req, input, err);
}

static int compat_parse_request(const model *m, const char *op, const http_request *req,
                                json_t **input, aws_error *err)
{
    return parse_request(FLAVOR_COMPAT, m, op, req, input, err);
}

/* ---------------------------------------------------------------------- */
/* serialize_output / serialize_error                                      */

/* The shortest decimal that reads back as the same double. */
static void append_double(GString *out, double d)
{
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    for (int prec = 15; prec <= 17; prec++) {
        char fmt[8];
        g_snprintf(fmt, sizeof fmt, "%%.%dg", prec);
        g_ascii_formatd(buf, sizeof buf, fmt, d);
        if (prec == 17 || g_ascii_strtod(buf, NULL) == d)
            break;
    }
    g_string_append(out, buf);
}

/* A scalar tree value as element text, by the shape's type. Handlers may
 * hand over a number as a string or the reverse: what they give is
 * written in the form the type asks for when it can be. */
static void scalar_text(GString *out, const mmember *ref, const mshape *shape, json_t *v, bool ms)
{
    mkind kind = shape ? (mkind)shape->kind : MK_STRING;
    if (kind == MK_BLOB && json_is_string(v)) {
        if (json_string_length(v) > 0) {
            char *b64 = g_base64_encode((const guchar *)json_string_value(v),
                                        json_string_length(v));
            g_string_append(out, b64);
            g_free(b64);
        }
        return;
    }
    if (kind == MK_TIMESTAMP && json_is_number(v)) {
        timefmt_kind tk = timestamp_kind(ref, shape);
        /* EC2 writes its times with milliseconds (launchTime 2026-...:00.000Z) */
        timefmt_format(out, json_number_value(v), ms && tk == TIMEFMT_ISO8601 ? TIMEFMT_ISO8601_MS : tk);
        return;
    }
    if (json_is_string(v))
        g_string_append_len(out, json_string_value(v), (gssize)json_string_length(v));
    else if (json_is_integer(v))
        g_string_append_printf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    else if (json_is_real(v) && (kind == MK_INTEGER || kind == MK_LONG))
        g_string_append_printf(out, "%.0f", json_real_value(v));
    else if (json_is_real(v))
        append_double(out, json_real_value(v));
    else if (json_is_boolean(v))
        g_string_append(out, json_is_true(v) ? "true" : "false");
}

/* xmlNamespace of a member reference, as an attribute on its element. The
 * target shape's own namespace is left out: it only names a document's
 * root, which here is always the operation's envelope. */
static void write_ref_namespace(xmlw *w, const mmember *ref)
{
    const char *uri = ref ? ref->t.xmlns_uri : NULL;
    if (!uri)
        return;
    if (ref->t.xmlns_prefix) {
        char *attr = g_strconcat("xmlns:", ref->t.xmlns_prefix, NULL);
        xmlw_attr(w, attr, uri);
        g_free(attr);
    } else {
        xmlw_attr(w, "xmlns", uri);
    }
}

typedef struct wctx {
    flavor fl;
    xmlw *w;
    GString *scratch;
} wctx;

static void write_value(wctx *c, const mmember *ref, const mshape *shape, const char *name, json_t *v);

static void write_members(wctx *c, const mshape *shape, json_t *obj, const char *const *skip)
{
    for (uint32_t m = 0; m < shape->nmembers; m++) {
        const mmember *ref = &shape->members[m];
        bool skipped = false;
        for (const char *const *s = skip; s && *s && !skipped; s++)
            skipped = g_ascii_strcasecmp(ref->name, *s) == 0;
        json_t *v = json_object_get(obj, ref->name);
        if (skipped || !v || json_is_null(v))
            continue;
        const char *loc = ref_wire_name(c->fl, ref, false);
        write_value(c, ref, ref->shape, loc ? loc : ref->name, v);
    }
}

static void write_map_entry(wctx *c, const mshape *shape, const char *key, json_t *v)
{
    const mmember *kref = shape->key, *vref = shape->value;
    const char *kname = ref_wire_name(c->fl, kref, true);
    const char *vname = ref_wire_name(c->fl, vref, true);
    xmlw_start(c->w, kname ? kname : "key");
    write_ref_namespace(c->w, kref);
    xmlw_text(c->w, key, strlen(key));
    xmlw_end(c->w);
    if (vref && !json_is_null(v))
        write_value(c, vref, vref->shape, vname ? vname : "value", v);
}

static void write_value(wctx *c, const mmember *ref, const mshape *shape, const char *name, json_t *v)
{
    switch ((mkind)shape->kind) {
    case MK_STRUCTURE:
        xmlw_start(c->w, name);
        write_ref_namespace(c->w, ref);
        if (json_is_object(v))
            write_members(c, shape, v, NULL);
        xmlw_end(c->w);
        break;
    case MK_LIST: {
        const mmember *mref = shape->member;
        if (!json_is_array(v) || !mref)
            return;
        size_t i;
        json_t *item;
        const char *iname = ref_wire_name(c->fl, mref, true);
        if (is_flattened(ref, shape)) {
            /* one element per item, named as the member itself (SQS
             * names them after the list's member: <QueueUrl>, <Message>) */
            const char *each = c->fl == FLAVOR_COMPAT && iname ? iname : name;
            json_array_foreach(v, i, item)
                if (!json_is_null(item))
                    write_value(c, mref, mref->shape, each, item);
            return;
        }
        xmlw_start(c->w, name);
        write_ref_namespace(c->w, ref);
        json_array_foreach(v, i, item)
            if (!json_is_null(item))
                write_value(c, mref, mref->shape, iname ? iname : "member", item);
        xmlw_end(c->w);
        break;
    }
    case MK_MAP: {
        if (!json_is_object(v))
            return;
        const char *k;
        json_t *item;
        if (is_flattened(ref, shape)) {
            json_object_foreach(v, k, item) {
                xmlw_start(c->w, name);
                write_ref_namespace(c->w, ref);
                write_map_entry(c, shape, k, item);
                xmlw_end(c->w);
            }
            return;
        }
        xmlw_start(c->w, name);
        write_ref_namespace(c->w, ref);
        json_object_foreach(v, k, item) {
            xmlw_start(c->w, "entry");
            write_map_entry(c, shape, k, item);
            xmlw_end(c->w);
        }
        xmlw_end(c->w);
        break;
    }
    default:
        g_string_truncate(c->scratch, 0);
        scalar_text(c->scratch, ref, shape, v, c->fl == FLAVOR_EC2);
        xmlw_start(c->w, name);
        write_ref_namespace(c->w, ref);
        xmlw_text(c->w, c->scratch->str, c->scratch->len);
        xmlw_end(c->w);
        break;
    }
}

/* A value the model says nothing about (an error field a fault rule
 * added): written by its JSON type. */
static void write_untyped(wctx *c, const char *name, json_t *v)
{
    if (json_is_null(v))
        return;
    if (json_is_object(v)) {
        xmlw_start(c->w, name);
        const char *k;
        json_t *item;
        json_object_foreach(v, k, item)
            write_untyped(c, k, item);
        xmlw_end(c->w);
    } else if (json_is_array(v)) {
        xmlw_start(c->w, name);
        size_t i;
        json_t *item;
        json_array_foreach(v, i, item)
            write_untyped(c, "member", item);
        xmlw_end(c->w);
    } else {
        g_string_truncate(c->scratch, 0);
        scalar_text(c->scratch, NULL, NULL, v, false);
        xmlw_element_len(c->w, name, c->scratch->str, c->scratch->len);
    }
}

static int serialize_output(flavor fl, const model *m, const char *op, json_t *output,
                            const char *request_id, http_response *resp)
{
    const mop *o = model_find_op(m, op);
    if (!o)
        return -1;
    const mshape *shape = mop_output(o);
    char *ns = response_namespace(m);
    char *root = g_strconcat(op, "Response", NULL);
    xmlw w;
    xmlw_init(&w, resp->body, 1);
    wctx c = {.fl = fl, .w = &w, .scratch = g_string_new(NULL)};
    xmlw_start(&w, root);
    if (ns)
        xmlw_attr(&w, "xmlns", ns);
    if (fl == FLAVOR_EC2) {
        xmlw_element(&w, "requestId", request_id ? request_id : "");
        if (shape && json_is_object(output))
            write_members(&c, shape, output, NULL);
    } else {
        if (shape) {
            /* botocore reads the output under the model's resultWrapper;
             * the protocol itself always calls it <Op>Result */
            const char *wrapper = o->result_wrapper;
            char *dflt = wrapper ? NULL : g_strconcat(op, "Result", NULL);
            xmlw_start(&w, wrapper ? wrapper : dflt);
            if (json_is_object(output))
                write_members(&c, shape, output, NULL);
            xmlw_end(&w);
            g_free(dflt);
        }
        xmlw_start(&w, "ResponseMetadata");
        xmlw_element(&w, "RequestId", request_id ? request_id : "");
        xmlw_end(&w);
    }
    xmlw_finish(&w);
    g_string_free(c.scratch, TRUE);
    g_free(root);
    g_free(ns);
    resp->status = 200;
    http_response_set_header(resp, "Content-Type", "text/xml");
    return 0;
}

static int query_serialize_output(const model *m, const char *op, json_t *output,
                                  const char *request_id, http_response *resp)
{
    return serialize_output(FLAVOR_QUERY, m, op, output, request_id, resp);
}

static int ec2_serialize_output(const model *m, const char *op, json_t *output,
                                const char *request_id, http_response *resp)
{
    return serialize_output(FLAVOR_EC2, m, op, output, request_id, resp);
}

static int compat_serialize_output(const model *m, const char *op, json_t *output,
                                   const char *request_id, http_response *resp)
{
    return serialize_output(FLAVOR_COMPAT, m, op, output, request_id, resp);
}

/* Code, Message, then the error's other fields: by the model's error shape
 * when it has one, by their JSON types otherwise. */
static void write_error_body(wctx *c, const model *m, const aws_error *err)
{
    static const char *const envelope[] = {"Code", "Message", "Type", NULL};
    /* a JSON service's query door answers the query-era code of the error
     * shape ("error"."code": AWS.SimpleQueueService.NonExistentQueue) */
    const mshape *coded = c->fl == FLAVOR_COMPAT && err->code ? model_find_error(m, err->code) : NULL;
    const char *code = coded && coded->error_code ? coded->error_code : err->code;
    /* an operation the service lacks: the JSON era's UnknownOperationException
     * was the query era's InvalidAction (400, the same sentence) */
    if (c->fl == FLAVOR_COMPAT && code && strcmp(code, "UnknownOperationException") == 0)
        code = "InvalidAction";
    xmlw_element(c->w, "Code", code ? code : "InternalError");
    if (err->message)
        xmlw_element(c->w, "Message", err->message);
    if (!json_is_object(err->fields))
        return;
    const mshape *eshape = model_find_error(m, err->code);
    if (eshape)
        write_members(c, eshape, err->fields, envelope);
    const char *k;
    json_t *v;
    json_object_foreach(err->fields, k, v) {
        bool in_envelope = false;
        for (const char *const *s = envelope; *s; s++)
            in_envelope = in_envelope || g_ascii_strcasecmp(k, *s) == 0;
        if (!in_envelope && !mshape_member(eshape, k))
            write_untyped(c, k, v);
    }
}

static void serialize_error(flavor fl, const model *m, const aws_error *err,
                            const char *request_id, http_response *resp)
{
    int status = err->status ? err->status : (err->sender == 0 ? 500 : 400);
    bool sender = err->sender >= 0 ? err->sender != 0 : status < 500;
    xmlw w;
    xmlw_init(&w, resp->body, 1);
    wctx c = {.fl = fl, .w = &w, .scratch = g_string_new(NULL)};
    if (fl == FLAVOR_EC2) {
        xmlw_start(&w, "Response");
        xmlw_start(&w, "Errors");
        xmlw_start(&w, "Error");
        write_error_body(&c, m, err);
        xmlw_end(&w);
        xmlw_end(&w);
        xmlw_element(&w, "RequestID", request_id ? request_id : "");
    } else {
        char *ns = response_namespace(m);
        xmlw_start(&w, "ErrorResponse");
        if (ns)
            xmlw_attr(&w, "xmlns", ns);
        g_free(ns);
        xmlw_start(&w, "Error");
        xmlw_element(&w, "Type", sender ? "Sender" : "Receiver");
        write_error_body(&c, m, err);
        if (fl == FLAVOR_COMPAT)
            xmlw_element(&w, "Detail", ""); /* SQS's envelope has it, empty */
        xmlw_end(&w);
        xmlw_element(&w, "RequestId", request_id ? request_id : "");
    }
    xmlw_finish(&w);
    g_string_free(c.scratch, TRUE);
    resp->status = status;
    http_response_set_header(resp, "Content-Type", "text/xml");
}

static void query_serialize_error(const model *m, const char *op, const aws_error *err,
                                  const char *request_id, http_response *resp)
{
    serialize_error(FLAVOR_QUERY, m, err, request_id, resp);
}

static void ec2_serialize_error(const model *m, const char *op, const aws_error *err,
                                const char *request_id, http_response *resp)
{
    serialize_error(FLAVOR_EC2, m, err, request_id, resp);
}

static void compat_serialize_error(const model *m, const char *op, const aws_error *err,
                                   const char *request_id, http_response *resp)
{
    serialize_error(FLAVOR_COMPAT, m, err, request_id, resp);
}

/* ---------------------------------------------------------------------- */
/* parse_response (the client's side)                                      */

static json_t *read_value(const mmember *ref, const mshape *shape, const xmlr_node *n);

static json_t *read_scalar(mkind kind, const xmlr_node *n)
{
    if (kind == MK_STRING)
        return json_stringn(n->text, n->text_len);
    char *text = g_strstrip(g_strndup(n->text, n->text_len));
    json_t *v = NULL;
    switch (kind) {
    case MK_BOOLEAN:
        if (strcmp(text, "true") == 0)
            v = json_true();
        else if (strcmp(text, "false") == 0)
            v = json_false();
        break;
    case MK_INTEGER:
    case MK_LONG: {
        char *end;
        errno = 0;
        long long x = strtoll(text, &end, 10);
        if (*text && !*end && !errno)
            v = json_integer((json_int_t)x);
        break;
    }
    case MK_FLOAT:
    case MK_DOUBLE:
        if (strcmp(text, "NaN") == 0 || strcmp(text, "Infinity") == 0 ||
            strcmp(text, "-Infinity") == 0) {
            v = json_string(text);
        } else {
            char *end;
            double d = g_ascii_strtod(text, &end);
            if (*text && !*end && isfinite(d))
                v = json_real(d);
        }
        break;
    case MK_TIMESTAMP: {
        double t;
        if (timefmt_parse(text, &t))
            v = epoch_value(t);
        break;
    }
    case MK_BLOB: {
        gsize len = 0;
        guchar *bytes = *text ? g_base64_decode(text, &len) : NULL;
        v = json_stringn_nocheck(bytes ? (const char *)bytes : "", len);
        g_free(bytes);
        break;
    }
    default:
        v = json_stringn(n->text, n->text_len);
        break;
    }
    g_free(text);
    return v;
}

static void read_map_entry(const mshape *shape, const xmlr_node *entry, json_t *obj)
{
    const mmember *kref = shape->key, *vref = shape->value;
    const char *kname = kref ? kref->t.location_name : NULL;
    const char *vname = vref ? vref->t.location_name : NULL;
    xmlr_node *kn = xmlr_child(entry, kname ? kname : "key");
    xmlr_node *vn = xmlr_child(entry, vname ? vname : "value");
    if (!kn || !vn || !vref)
        return;
    json_t *v = read_value(vref, vref->shape, vn);
    /* set_new releases v even when it refuses the key */
    if (v)
        json_object_set_new(obj, kn->text, v);
}

static json_t *read_structure(const mshape *shape, const xmlr_node *n)
{
    json_t *obj = json_object();
    for (uint32_t m = 0; m < shape->nmembers; m++) {
        const mmember *ref = &shape->members[m];
        const mshape *mshp = ref->shape;
        const char *loc = mmember_location_name(ref);
        const char *el = loc ? loc : ref->name;
        bool flat = is_flattened(ref, mshp);
        json_t *v = NULL;
        if (flat && mshp->kind == MK_LIST) {
            const mmember *mref = mshp->member;
            xmlr_node *c = xmlr_child(n, el);
            const char *mloc = mref ? mref->t.location_name : NULL;
            /* botocore writes a flattened list under its member's name */
            if (!c && mloc) {
                el = mloc;
                c = xmlr_child(n, el);
            }
            if (c && mref) {
                v = json_array();
                for (; c; c = xmlr_next(c, el)) {
                    json_t *item = read_value(mref, mref->shape, c);
                    if (item)
                        json_array_append_new(v, item);
                }
            }
        } else if (flat && mshp->kind == MK_MAP) {
            xmlr_node *c = xmlr_child(n, el);
            if (c) {
                v = json_object();
                for (; c; c = xmlr_next(c, el))
                    read_map_entry(mshp, c, v);
            }
        } else {
            xmlr_node *c = xmlr_child(n, el);
            if (c)
                v = read_value(ref, mshp, c);
        }
        if (v)
            json_object_set_new(obj, ref->name, v);
    }
    return obj;
}

/* NULL when the element holds nothing the shape can read. */
static json_t *read_value(const mmember *ref, const mshape *shape, const xmlr_node *n)
{
    switch ((mkind)shape->kind) {
    case MK_STRUCTURE:
        return read_structure(shape, n);
    case MK_LIST: {
        /* items may be called anything ("member", "item", a locationName):
         * every child element is one, as botocore reads them */
        const mmember *mref = shape->member;
        if (!mref)
            return NULL;
        json_t *arr = json_array();
        for (xmlr_node *c = n->first_child; c; c = c->next) {
            json_t *item = read_value(mref, mref->shape, c);
            if (item)
                json_array_append_new(arr, item);
        }
        return arr;
    }
    case MK_MAP: {
        json_t *obj = json_object();
        for (xmlr_node *c = n->first_child; c; c = c->next)
            read_map_entry(shape, c, obj);
        return obj;
    }
    default:
        return read_scalar((mkind)shape->kind, n);
    }
}

static bool blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!g_ascii_isspace(s[i]))
            return false;
    return true;
}

static int parse_error_response(const model *m, int status, const char *body, size_t len,
                                aws_error *err)
{
    char xerr[256];
    xmlr_node *root = blank(body, len) ? NULL : xmlr_parse(body, len, xerr, sizeof xerr);
    xmlr_node *e = NULL;
    if (root) {
        /* query: ErrorResponse/Error; ec2: Response/Errors/Error; a bare
         * Error root is tolerated too */
        if (strcmp(xmlr_local_name(root), "Error") == 0)
            e = root;
        else if (!(e = xmlr_child(root, "Error")))
            e = xmlr_child(xmlr_child(root, "Errors"), "Error");
    }
    xmlr_node *code = e ? xmlr_child(e, "Code") : NULL;
    aws_error_clear(err);
    err->status = status;
    if (!code) {
        /* not an AWS envelope (a proxy's page, an empty 503): the status
         * is all there is, which is what botocore reports too */
        err->code = g_strdup_printf("%d", status);
        err->sender = status < 500;
        xmlr_free(root);
        return -1;
    }
    xmlr_node *msg = xmlr_child(e, "Message");
    if (!msg)
        msg = xmlr_child(e, "message");
    xmlr_node *type = xmlr_child(e, "Type");
    err->code = g_strdup(code->text);
    err->message = msg ? g_strdup(msg->text) : NULL;
    if (type)
        err->sender = strcmp(type->text, "Receiver") != 0;
    else
        err->sender = status < 500;
    const mshape *eshape = model_find_error(m, code->text);
    if (eshape) {
        json_t *fields = read_structure(eshape, e);
        if (json_object_size(fields) > 0)
            err->fields = fields;
        else
            json_decref(fields);
    }
    xmlr_free(root);
    return -1;
}

static int parse_response(flavor fl, const model *m, const char *op, const http_response *resp,
                          json_t **output, aws_error *err)
{
    *output = NULL;
    size_t len;
    const char *body = http_response_body(resp, &len);
    int status = resp->status ? resp->status : 200;
    if (status >= 300)
        return parse_error_response(m, status, body, len, err);

    const mop *o = model_find_op(m, op);
    const mshape *shape = mop_output(o);
    if (!shape || blank(body, len)) {
        *output = json_object();
        return 0;
    }
    char xerr[256];
    xmlr_node *root = xmlr_parse(body, len, xerr, sizeof xerr);
    if (!root) {
        aws_error_set_status(err, status, "ResponseParserError", "invalid XML in response: %s",
                             xerr);
        return -1;
    }
    const xmlr_node *start = root;
    if (fl == FLAVOR_QUERY) {
        const char *wrapper = o->result_wrapper;
        char *dflt = g_strconcat(op, "Result", NULL);
        xmlr_node *w = xmlr_child(root, wrapper ? wrapper : dflt);
        g_free(dflt);
        if (w)
            start = w;
    }
    *output = read_structure(shape, start);
    xmlr_free(root);
    return 0;
}

static int query_parse_response(const model *m, const char *op, const http_response *resp,
                                json_t **output, aws_error *err)
{
    return parse_response(FLAVOR_QUERY, m, op, resp, output, err);
}

static int ec2_parse_response(const model *m, const char *op, const http_response *resp,
                              json_t **output, aws_error *err)
{
    return parse_response(FLAVOR_EC2, m, op, resp, output, err);
}

const wire_protocol wire_query = {
    .name = "query",
    .routes_by_version = true,
    .operation_name = operation_name,
    .parse_request = query_parse_request,
    .serialize_output = query_serialize_output,
    .serialize_error = query_serialize_error,
    .parse_response = query_parse_response,
    .finish_response = wire_amzn_request_id,
};

const wire_protocol wire_ec2 = {
    .name = "ec2",
    .routes_by_version = true,
    .operation_name = operation_name,
    .parse_request = ec2_parse_request,
    .serialize_output = ec2_serialize_output,
    .serialize_error = ec2_serialize_error,
    .parse_response = ec2_parse_response,
    .finish_response = wire_amzn_request_id,
};

/* Not in wire_protocol_find's table: the pipeline picks it for a request
 * in the query protocol to a service whose model is JSON and
 * awsQueryCompatible (wire_query_door). Its parse_response reads answers
 * the plain query way. */
const wire_protocol wire_query_compat = {
    .name = "query",
    .routes_by_version = true,
    .operation_name = operation_name,
    .parse_request = compat_parse_request,
    .serialize_output = compat_serialize_output,
    .serialize_error = compat_serialize_error,
    .parse_response = query_parse_response,
    .finish_response = wire_amzn_request_id,
};
