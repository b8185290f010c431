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
#include "wire/model_json.h"
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

typedef enum flavor { FLAVOR_QUERY, FLAVOR_EC2 } flavor;

/* ---------------------------------------------------------------------- */
/* shared model helpers                                                    */

/* A trait of a member reference, falling back to its target shape (the way
 * botocore merges them). Either may be NULL. */
static json_t *trait(json_t *ref, json_t *shape, const char *name)
{
    json_t *v = ref ? json_object_get(ref, name) : NULL;
    return v ? v : (shape ? json_object_get(shape, name) : NULL);
}

static const char *trait_string(json_t *ref, json_t *shape, const char *name)
{
    return json_string_value(trait(ref, shape, name));
}

static bool is_flattened(json_t *ref, json_t *shape)
{
    return json_is_true(trait(ref, shape, "flattened"));
}

static timefmt_kind timestamp_kind(json_t *ref, json_t *shape)
{
    timefmt_kind kind = TIMEFMT_ISO8601;
    const char *name = trait_string(ref, shape, "timestampFormat");
    if (name && !timefmt_kind_from_name(name, &kind))
        kind = TIMEFMT_ISO8601;
    return kind;
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
    const char *ns = model_meta_string(m, "xmlNamespace");
    if (ns && *ns)
        return g_str_has_suffix(ns, "/") ? g_strdup(ns) : g_strconcat(ns, "/", NULL);
    const char *prefix = model_meta_string(m, "endpointPrefix");
    const char *version = model_meta_string(m, "apiVersion");
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
    const model *m;
    flavor fl;
    const form *f;
    GString *key;  /* the wire name being looked at, grown and cut back */
    int depth;
    aws_error *err;
} pctx;

static int parse_value(pctx *c, json_t *ref, json_t *shape, json_t **out);

static void key_push(pctx *c, const char *segment)
{
    if (c->key->len > 0)
        g_string_append_c(c->key, '.');
    g_string_append(c->key, segment);
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

static char *upper_first(const char *s)
{
    char *r = g_strdup(s);
    r[0] = g_ascii_toupper(r[0]);
    return r;
}

/* The wire names a structure member may go by, most likely first. *alt is
 * NULL or a second spelling: botocore's ec2 serializer, unlike the protocol
 * definition, keeps a member name without locationName as it is
 * ("label"), so both are accepted. Both returned strings are g_free'd by
 * the caller. */
static void member_wire_names(flavor fl, const char *member, json_t *ref, json_t *shape,
                              char **primary, char **alt)
{
    *alt = NULL;
    if (fl == FLAVOR_QUERY) {
        const char *loc = trait_string(ref, shape, "locationName");
        *primary = g_strdup(loc ? loc : member);
        return;
    }
    const char *qn = trait_string(ref, shape, "queryName");
    if (qn) {
        *primary = g_strdup(qn);
        return;
    }
    const char *loc = trait_string(ref, shape, "locationName");
    *primary = upper_first(loc ? loc : member);
    if (!loc && strcmp(*primary, member) != 0)
        *alt = g_strdup(member);
}

/* Map key / value names: ec2 spells a locationName capitalized, both
 * default to "key" / "value". */
static char *map_part_name(flavor fl, json_t *ref, const char *dflt)
{
    const char *loc = json_string_value(json_object_get(ref, "locationName"));
    if (fl == FLAVOR_EC2) {
        const char *qn = json_string_value(json_object_get(ref, "queryName"));
        if (qn)
            return g_strdup(qn);
        return loc ? upper_first(loc) : g_strdup(dflt);
    }
    return g_strdup(loc ? loc : dflt);
}

static int parse_structure(pctx *c, json_t *shape, json_t **out)
{
    /* the input itself always exists; a nested structure exists when
     * something is named under it */
    if (c->key->len > 0 && !key_has_children(c))
        return 0;
    json_t *obj = json_object();
    const char *name;
    json_t *ref;
    json_object_foreach(json_object_get(shape, "members"), name, ref) {
        json_t *mshp = model_ref_shape(c->m, ref);
        if (!mshp)
            continue;
        char *names[2];
        member_wire_names(c->fl, name, ref, mshp, &names[0], &names[1]);
        size_t save = c->key->len;
        json_t *v = NULL;
        int rc = 0;
        for (int i = 0; i < 2 && names[i] && rc == 0; i++) {
            key_push(c, names[i]);
            rc = parse_value(c, ref, mshp, &v);
            g_string_truncate(c->key, save);
        }
        g_free(names[0]);
        g_free(names[1]);
        if (rc < 0) {
            json_decref(obj);
            return -1;
        }
        if (rc > 0)
            json_object_set_new(obj, name, v);
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

static int parse_list(pctx *c, json_t *ref, json_t *shape, json_t **out)
{
    json_t *mref = json_object_get(shape, "member");
    json_t *mshp = model_ref_shape(c->m, mref);
    if (!mshp)
        return 0;
    char *orig = g_strdup(c->key->str);
    bool flattened = c->fl == FLAVOR_QUERY && is_flattened(ref, shape);
    const char *member_loc = trait_string(mref, NULL, "locationName");
    if (c->fl == FLAVOR_QUERY && !flattened)
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
            rc = parse_value(c, mref, mshp, &v);
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

static int parse_map(pctx *c, json_t *ref, json_t *shape, json_t **out)
{
    json_t *kref = json_object_get(shape, "key");
    json_t *vref = json_object_get(shape, "value");
    json_t *vshape = model_ref_shape(c->m, vref);
    if (!vshape)
        return 0;
    size_t save = c->key->len;
    if (!(c->fl == FLAVOR_QUERY && is_flattened(ref, shape)))
        key_push(c, "entry");
    GArray *idx = collect_indices(c);
    if (!idx || idx->len == 0) {
        if (idx)
            g_array_free(idx, TRUE);
        g_string_truncate(c->key, save);
        return idx ? 0 : -1;
    }
    char *kname = map_part_name(c->fl, kref, "key");
    char *vname = map_part_name(c->fl, vref, "value");
    json_t *obj = json_object();
    size_t base = c->key->len;
    int rc = 1;
    for (guint i = 0; i < idx->len && rc >= 0; i++) {
        guint n = g_array_index(idx, guint, i);
        g_string_append_printf(c->key, ".%u.%s", n, kname);
        size_t klen = 0;
        const char *k = form_getn(c->f, c->key->str, &klen);
        g_string_truncate(c->key, base);
        if (!k)
            continue; /* an entry without its key says nothing */
        g_string_append_printf(c->key, ".%u.%s", n, vname);
        json_t *v = NULL;
        rc = parse_value(c, vref, vshape, &v);
        /* by length: a key holding a NUL stays whole, for the validator
         * to judge */
        if (rc > 0 && json_object_setn_new(obj, k, klen, v) != 0)
            rc = bad_value(c, k, "a UTF-8 map key");
        g_string_truncate(c->key, base);
    }
    g_free(kname);
    g_free(vname);
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

static int parse_scalar(pctx *c, json_t *ref, json_t *shape, const char *type, json_t **out)
{
    size_t len = 0;
    const char *v = form_getn(c->f, c->key->str, &len);
    if (!v)
        return 0;
    /* "12%003" is not 12: a number, flag, date or base64 text holding a
     * NUL is no value of its type, never the part before the NUL */
    bool cut = strlen(v) != len;
    if (strcmp(type, "boolean") == 0) {
        if (!cut && g_ascii_strcasecmp(v, "true") == 0)
            *out = json_true();
        else if (!cut && g_ascii_strcasecmp(v, "false") == 0)
            *out = json_false();
        else
            return bad_value(c, v, "a boolean");
        return 1;
    }
    if (strcmp(type, "integer") == 0 || strcmp(type, "long") == 0) {
        bool is_long = type[0] == 'l';
        char *end;
        errno = 0;
        long long n = strtoll(v, &end, 10);
        if (cut || !*v || *end || errno || g_ascii_isspace(*v) ||
            (!is_long && (n < INT32_MIN || n > INT32_MAX)))
            return bad_value(c, v, is_long ? "a long" : "an integer");
        *out = json_integer((json_int_t)n);
        return 1;
    }
    if (strcmp(type, "float") == 0 || strcmp(type, "double") == 0) {
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
    if (strcmp(type, "timestamp") == 0) {
        double t;
        if (cut || !timefmt_parse(v, &t))
            return bad_value(c, v, "a timestamp");
        *out = epoch_value(t);
        return 1;
    }
    if (strcmp(type, "blob") == 0) {
        if (cut || !base64_well_formed(v))
            return bad_value(c, v, "base64-encoded");
        gsize n = 0;
        guchar *bytes = *v ? g_base64_decode(v, &n) : NULL;
        *out = json_stringn_nocheck(bytes ? (const char *)bytes : "", n);
        g_free(bytes);
        return 1;
    }
    /* string, and anything else a model may call a scalar: by length, so
     * that a NUL (%00) is kept for the validator to judge, never a place
     * where the value silently ends */
    *out = json_stringn(v, len);
    if (!*out)
        return bad_value(c, v, "UTF-8 text");
    return 1;
}

/* 1 and *out (new reference) when the value is present, 0 when absent,
 * -1 with c->err set when it cannot be read. */
static int parse_value(pctx *c, json_t *ref, json_t *shape, json_t **out)
{
    if (c->depth >= MAX_DEPTH)
        return too_deep(c);
    c->depth++;
    const char *type = model_shape_type(shape);
    int rc;
    if (strcmp(type, "structure") == 0)
        rc = parse_structure(c, shape, out);
    else if (strcmp(type, "list") == 0)
        rc = parse_list(c, ref, shape, out);
    else if (strcmp(type, "map") == 0)
        rc = parse_map(c, ref, shape, out);
    else
        rc = parse_scalar(c, ref, shape, type, out);
    c->depth--;
    return rc;
}

static int parse_request(flavor fl, const model *m, const char *op, const http_request *req,
                         json_t **input, aws_error *err)
{
    *input = NULL;
    json_t *shape = model_op_input(m, model_operation(m, op));
    if (!shape) {
        *input = json_object();
        return 0;
    }
    form f;
    if (!form_load(&f, req, err))
        return -1;
    pctx c = {.m = m, .fl = fl, .f = &f, .key = g_string_new(NULL), .err = err};
    json_t *tree = NULL;
    int rc = parse_value(&c, NULL, shape, &tree);
    g_string_free(c.key, TRUE);
    form_clear(&f);
    if (rc < 0)
        return -1;
    *input = rc > 0 ? tree : json_object();
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
static void scalar_text(GString *out, json_t *ref, json_t *shape, const char *type, json_t *v, bool ms)
{
    if (strcmp(type, "blob") == 0 && json_is_string(v)) {
        if (json_string_length(v) > 0) {
            char *b64 = g_base64_encode((const guchar *)json_string_value(v),
                                        json_string_length(v));
            g_string_append(out, b64);
            g_free(b64);
        }
        return;
    }
    if (strcmp(type, "timestamp") == 0 && json_is_number(v)) {
        timefmt_kind kind = timestamp_kind(ref, shape);
        /* EC2 writes its times with milliseconds (launchTime 2026-...:00.000Z) */
        timefmt_format(out, json_number_value(v), ms && kind == TIMEFMT_ISO8601 ? TIMEFMT_ISO8601_MS : kind);
        return;
    }
    if (json_is_string(v))
        g_string_append_len(out, json_string_value(v), (gssize)json_string_length(v));
    else if (json_is_integer(v))
        g_string_append_printf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    else if (json_is_real(v) && (strcmp(type, "integer") == 0 || strcmp(type, "long") == 0))
        g_string_append_printf(out, "%.0f", json_real_value(v));
    else if (json_is_real(v))
        append_double(out, json_real_value(v));
    else if (json_is_boolean(v))
        g_string_append(out, json_is_true(v) ? "true" : "false");
}

/* xmlNamespace of a member reference, as an attribute on its element. The
 * target shape's own namespace is left out: it only names a document's
 * root, which here is always the operation's envelope. */
static void write_ref_namespace(xmlw *w, json_t *ref)
{
    json_t *ns = ref ? json_object_get(ref, "xmlNamespace") : NULL;
    if (json_is_string(ns)) {
        xmlw_attr(w, "xmlns", json_string_value(ns));
    } else if (json_is_object(ns)) {
        const char *uri = json_string_value(json_object_get(ns, "uri"));
        const char *prefix = json_string_value(json_object_get(ns, "prefix"));
        if (!uri)
            return;
        if (prefix) {
            char *attr = g_strconcat("xmlns:", prefix, NULL);
            xmlw_attr(w, attr, uri);
            g_free(attr);
        } else {
            xmlw_attr(w, "xmlns", uri);
        }
    }
}

typedef struct wctx {
    const model *m;
    flavor fl;
    xmlw *w;
    GString *scratch;
} wctx;

static void write_value(wctx *c, json_t *ref, json_t *shape, const char *name, json_t *v);

static void write_members(wctx *c, json_t *shape, json_t *obj, const char *const *skip)
{
    const char *name;
    json_t *ref;
    json_object_foreach(json_object_get(shape, "members"), name, ref) {
        bool skipped = false;
        for (const char *const *s = skip; s && *s && !skipped; s++)
            skipped = g_ascii_strcasecmp(name, *s) == 0;
        json_t *v = json_object_get(obj, name);
        json_t *mshp = model_ref_shape(c->m, ref);
        if (skipped || !v || json_is_null(v) || !mshp)
            continue;
        const char *loc = trait_string(ref, mshp, "locationName");
        write_value(c, ref, mshp, loc ? loc : name, v);
    }
}

static void write_map_entry(wctx *c, json_t *shape, const char *key, json_t *v)
{
    json_t *kref = json_object_get(shape, "key");
    json_t *vref = json_object_get(shape, "value");
    const char *kname = trait_string(kref, NULL, "locationName");
    const char *vname = trait_string(vref, NULL, "locationName");
    xmlw_start(c->w, kname ? kname : "key");
    write_ref_namespace(c->w, kref);
    xmlw_text(c->w, key, strlen(key));
    xmlw_end(c->w);
    json_t *vshape = model_ref_shape(c->m, vref);
    if (vshape && !json_is_null(v))
        write_value(c, vref, vshape, vname ? vname : "value", v);
}

static void write_value(wctx *c, json_t *ref, json_t *shape, const char *name, json_t *v)
{
    const char *type = model_shape_type(shape);
    if (strcmp(type, "structure") == 0) {
        xmlw_start(c->w, name);
        write_ref_namespace(c->w, ref);
        if (json_is_object(v))
            write_members(c, shape, v, NULL);
        xmlw_end(c->w);
    } else if (strcmp(type, "list") == 0) {
        if (!json_is_array(v))
            return;
        json_t *mref = json_object_get(shape, "member");
        json_t *mshp = model_ref_shape(c->m, mref);
        if (!mshp)
            return;
        size_t i;
        json_t *item;
        if (is_flattened(ref, shape)) {
            /* one element per item, named as the member itself */
            json_array_foreach(v, i, item)
                if (!json_is_null(item))
                    write_value(c, mref, mshp, name, item);
            return;
        }
        const char *iname = trait_string(mref, NULL, "locationName");
        xmlw_start(c->w, name);
        write_ref_namespace(c->w, ref);
        json_array_foreach(v, i, item)
            if (!json_is_null(item))
                write_value(c, mref, mshp, iname ? iname : "member", item);
        xmlw_end(c->w);
    } else if (strcmp(type, "map") == 0) {
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
    } else {
        g_string_truncate(c->scratch, 0);
        scalar_text(c->scratch, ref, shape, type, v, c->fl == FLAVOR_EC2);
        xmlw_start(c->w, name);
        write_ref_namespace(c->w, ref);
        xmlw_text(c->w, c->scratch->str, c->scratch->len);
        xmlw_end(c->w);
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
        scalar_text(c->scratch, NULL, NULL, "string", v, false);
        xmlw_element_len(c->w, name, c->scratch->str, c->scratch->len);
    }
}

static int serialize_output(flavor fl, const model *m, const char *op, json_t *output,
                            const char *request_id, http_response *resp)
{
    json_t *opj = model_operation(m, op);
    if (!opj)
        return -1;
    json_t *shape = model_op_output(m, opj);
    char *ns = response_namespace(m);
    char *root = g_strconcat(op, "Response", NULL);
    xmlw w;
    xmlw_init(&w, resp->body, 1);
    wctx c = {.m = m, .fl = fl, .w = &w, .scratch = g_string_new(NULL)};
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
            const char *wrapper = json_string_value(
                json_object_get(json_object_get(opj, "output"), "resultWrapper"));
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

/* Code, Message, then the error's other fields: by the model's error shape
 * when it has one, by their JSON types otherwise. */
static void write_error_body(wctx *c, const model *m, const aws_error *err)
{
    static const char *const envelope[] = {"Code", "Message", "Type", NULL};
    xmlw_element(c->w, "Code", err->code ? err->code : "InternalError");
    if (err->message)
        xmlw_element(c->w, "Message", err->message);
    if (!json_is_object(err->fields))
        return;
    json_t *eshape = err->code ? model_error_shape(m, err->code, NULL) : NULL;
    json_t *members = json_object_get(eshape, "members");
    if (eshape)
        write_members(c, eshape, err->fields, envelope);
    const char *k;
    json_t *v;
    json_object_foreach(err->fields, k, v) {
        bool in_envelope = false;
        for (const char *const *s = envelope; *s; s++)
            in_envelope = in_envelope || g_ascii_strcasecmp(k, *s) == 0;
        if (!in_envelope && !json_object_get(members, k))
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
    wctx c = {.m = m, .fl = fl, .w = &w, .scratch = g_string_new(NULL)};
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

/* ---------------------------------------------------------------------- */
/* parse_response (the client's side)                                      */

static json_t *read_value(const model *m, json_t *ref, json_t *shape, const xmlr_node *n);

static json_t *read_scalar(json_t *ref, json_t *shape, const char *type, const xmlr_node *n)
{
    if (strcmp(type, "string") == 0 || strcmp(type, "character") == 0 || !*type)
        return json_stringn(n->text, n->text_len);
    char *text = g_strstrip(g_strndup(n->text, n->text_len));
    json_t *v = NULL;
    if (strcmp(type, "boolean") == 0) {
        if (strcmp(text, "true") == 0)
            v = json_true();
        else if (strcmp(text, "false") == 0)
            v = json_false();
    } else if (strcmp(type, "integer") == 0 || strcmp(type, "long") == 0) {
        char *end;
        errno = 0;
        long long x = strtoll(text, &end, 10);
        if (*text && !*end && !errno)
            v = json_integer((json_int_t)x);
    } else if (strcmp(type, "float") == 0 || strcmp(type, "double") == 0) {
        if (strcmp(text, "NaN") == 0 || strcmp(text, "Infinity") == 0 ||
            strcmp(text, "-Infinity") == 0) {
            v = json_string(text);
        } else {
            char *end;
            double d = g_ascii_strtod(text, &end);
            if (*text && !*end && isfinite(d))
                v = json_real(d);
        }
    } else if (strcmp(type, "timestamp") == 0) {
        double t;
        if (timefmt_parse(text, &t))
            v = epoch_value(t);
    } else if (strcmp(type, "blob") == 0) {
        gsize len = 0;
        guchar *bytes = *text ? g_base64_decode(text, &len) : NULL;
        v = json_stringn_nocheck(bytes ? (const char *)bytes : "", len);
        g_free(bytes);
    } else {
        v = json_stringn(n->text, n->text_len);
    }
    g_free(text);
    return v;
}

static void read_map_entry(const model *m, json_t *shape, const xmlr_node *entry, json_t *obj)
{
    json_t *kref = json_object_get(shape, "key");
    json_t *vref = json_object_get(shape, "value");
    const char *kname = trait_string(kref, NULL, "locationName");
    const char *vname = trait_string(vref, NULL, "locationName");
    xmlr_node *kn = xmlr_child(entry, kname ? kname : "key");
    xmlr_node *vn = xmlr_child(entry, vname ? vname : "value");
    json_t *vshape = model_ref_shape(m, vref);
    if (!kn || !vn || !vshape)
        return;
    json_t *v = read_value(m, vref, vshape, vn);
    /* set_new releases v even when it refuses the key */
    if (v)
        json_object_set_new(obj, kn->text, v);
}

static json_t *read_structure(const model *m, json_t *shape, const xmlr_node *n)
{
    json_t *obj = json_object();
    const char *name;
    json_t *ref;
    json_object_foreach(json_object_get(shape, "members"), name, ref) {
        json_t *mshp = model_ref_shape(m, ref);
        if (!mshp)
            continue;
        const char *type = model_shape_type(mshp);
        const char *loc = trait_string(ref, mshp, "locationName");
        const char *el = loc ? loc : name;
        bool flat = is_flattened(ref, mshp);
        json_t *v = NULL;
        if (flat && strcmp(type, "list") == 0) {
            json_t *mref = json_object_get(mshp, "member");
            json_t *ishape = model_ref_shape(m, mref);
            xmlr_node *c = xmlr_child(n, el);
            const char *mloc = trait_string(mref, NULL, "locationName");
            /* botocore writes a flattened list under its member's name */
            if (!c && mloc) {
                el = mloc;
                c = xmlr_child(n, el);
            }
            if (c && ishape) {
                v = json_array();
                for (; c; c = xmlr_next(c, el)) {
                    json_t *item = read_value(m, mref, ishape, c);
                    if (item)
                        json_array_append_new(v, item);
                }
            }
        } else if (flat && strcmp(type, "map") == 0) {
            xmlr_node *c = xmlr_child(n, el);
            if (c) {
                v = json_object();
                for (; c; c = xmlr_next(c, el))
                    read_map_entry(m, mshp, c, v);
            }
        } else {
            xmlr_node *c = xmlr_child(n, el);
            if (c)
                v = read_value(m, ref, mshp, c);
        }
        if (v)
            json_object_set_new(obj, name, v);
    }
    return obj;
}

/* NULL when the element holds nothing the shape can read. */
static json_t *read_value(const model *m, json_t *ref, json_t *shape, const xmlr_node *n)
{
    const char *type = model_shape_type(shape);
    if (strcmp(type, "structure") == 0)
        return read_structure(m, shape, n);
    if (strcmp(type, "list") == 0) {
        /* items may be called anything ("member", "item", a locationName):
         * every child element is one, as botocore reads them */
        json_t *mref = json_object_get(shape, "member");
        json_t *ishape = model_ref_shape(m, mref);
        if (!ishape)
            return NULL;
        json_t *arr = json_array();
        for (xmlr_node *c = n->first_child; c; c = c->next) {
            json_t *item = read_value(m, mref, ishape, c);
            if (item)
                json_array_append_new(arr, item);
        }
        return arr;
    }
    if (strcmp(type, "map") == 0) {
        json_t *obj = json_object();
        for (xmlr_node *c = n->first_child; c; c = c->next)
            read_map_entry(m, shape, c, obj);
        return obj;
    }
    return read_scalar(ref, shape, type, n);
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
    json_t *eshape = model_error_shape(m, code->text, NULL);
    if (eshape) {
        json_t *fields = read_structure(m, eshape, e);
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

    json_t *opj = model_operation(m, op);
    json_t *shape = opj ? model_op_output(m, opj) : NULL;
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
        const char *wrapper =
            json_string_value(json_object_get(json_object_get(opj, "output"), "resultWrapper"));
        char *dflt = g_strconcat(op, "Result", NULL);
        xmlr_node *w = xmlr_child(root, wrapper ? wrapper : dflt);
        g_free(dflt);
        if (w)
            start = w;
    }
    *output = read_structure(m, shape, start);
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
