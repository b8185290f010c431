#include "services/s3/post.h"

#include <gmodule.h>
#include <libsoup/soup.h>
#include <string.h>

#include "services/s3/config.h"
#include "services/s3/object.h"
#include "services/s3/payload.h"
#include "services/s3/s3.h"
#include "services/svc_api.h"
#include "wire/body.h"
#include "wire/checksum.h"
#include "wire/timefmt.h"
#include "wire/xmlr.h"
#include "wire/xmlw.h"

/* RFC 2046: a boundary is 1 to 70 characters. The bound also keeps the
 * parser's scan linear (each '-' of the body costs one boundary compare). */
#define MAX_BOUNDARY 70
/* libsoup 3.2's parser (Debian 12's, without the fix for CVE-2025-32914)
 * finds the end of a part's headers with strstr, which runs to a NUL, and
 * looks at the bytes just before and after a boundary: the copy it parses
 * has NUL bytes on both sides. It also wants a byte after the closing
 * delimiter, which RFC 2046 makes optional: the copy it is given ends with
 * a CRLF of epilogue, which cannot complete a delimiter the body lacks. */
#define PAD_FRONT 2
#define PAD_BACK (MAX_BOUNDARY + 8)
#define EPILOGUE "\r\n"

/* ---- libsoup, opened on the first form upload ----
 *
 * Linking libsoup mapped 29 shared objects at every start (gio, sqlite3,
 * krb5, ...) and more than doubled exec-to-first-answer, for one operation.
 * So it is opened with GModule when a form first needs splitting, and its
 * functions are reached through this table, typed by libsoup's own headers.
 * The GLib calls on what libsoup hands out (its hash tables, its GBytes)
 * go through the table too: the executable carries a static GLib, and the
 * objects belong to the shared GLib libsoup loaded with it. */
typedef struct soup_api {
    __typeof__(soup_message_headers_new) *headers_new;
    __typeof__(soup_message_headers_append) *headers_append;
    __typeof__(soup_message_headers_get_content_type) *headers_get_content_type;
    __typeof__(soup_message_headers_get_content_disposition) *headers_get_content_disposition;
    __typeof__(soup_message_headers_unref) *headers_unref;
    __typeof__(soup_multipart_new_from_message) *multipart_new_from_message;
    __typeof__(soup_multipart_get_length) *multipart_get_length;
    __typeof__(soup_multipart_get_part) *multipart_get_part;
    __typeof__(soup_multipart_free) *multipart_free;
    __typeof__(g_hash_table_lookup) *table_lookup;
    __typeof__(g_hash_table_destroy) *table_destroy;
    __typeof__(g_bytes_new_static) *bytes_new_static;
    __typeof__(g_bytes_get_data) *bytes_get_data;
    __typeof__(g_bytes_unref) *bytes_unref;
    __typeof__(g_free) *str_free;
} soup_api;

/* Opens file and resolves every function of api from it: the module (one
 * reference, the caller's), or NULL if the library or a symbol is missing. */
static GModule *soup_open(const char *file, soup_api *api)
{
    static const struct {
        const char *name;
        size_t off;
    } syms[] = {
#define SYM(field, fn) {#fn, offsetof(soup_api, field)}
        SYM(headers_new, soup_message_headers_new),
        SYM(headers_append, soup_message_headers_append),
        SYM(headers_get_content_type, soup_message_headers_get_content_type),
        SYM(headers_get_content_disposition, soup_message_headers_get_content_disposition),
        SYM(headers_unref, soup_message_headers_unref),
        SYM(multipart_new_from_message, soup_multipart_new_from_message),
        SYM(multipart_get_length, soup_multipart_get_length),
        SYM(multipart_get_part, soup_multipart_get_part),
        SYM(multipart_free, soup_multipart_free),
        SYM(table_lookup, g_hash_table_lookup),
        SYM(table_destroy, g_hash_table_destroy),
        SYM(bytes_new_static, g_bytes_new_static),
        SYM(bytes_get_data, g_bytes_get_data),
        SYM(bytes_unref, g_bytes_unref),
        SYM(str_free, g_free),
#undef SYM
    };
    /* local: libsoup's GLib must not resolve the executable's later lookups */
    GModule *m = g_module_open(file, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);
    if (!m)
        return NULL;
    for (size_t i = 0; i < G_N_ELEMENTS(syms); i++) {
        gpointer fn = NULL;
        if (!g_module_symbol(m, syms[i].name, &fn) || !fn) {
            g_module_close(m);
            return NULL;
        }
        memcpy((char *)api + syms[i].off, &fn, sizeof fn);
    }
    return m;
}

static gpointer soup_load_once(gpointer file)
{
    soup_api *api = g_new0(soup_api, 1);
    if (!soup_open(file, api)) {
        g_free(api);
        return NULL;
    }
    return api; /* never freed, nor the module closed: loaded for the process */
}

static int soup_missing(aws_error *err, const char *file)
{
    return aws_error_set_status(err, 501, "NotImplemented",
                                "POST Object needs %s, from the Debian package %s, which could not be loaded.",
                                file, S3_POST_SOUP_PACKAGE);
}

/* The process's one libsoup table, or NULL with err set (501) when it
 * cannot be loaded. The once-only load is process state by nature (a
 * library is mapped once per process), not a server's. */
static const soup_api *soup_get(aws_error *err)
{
    static GOnce once = G_ONCE_INIT;
    const soup_api *api = g_once(&once, soup_load_once, (gpointer)S3_POST_SOUP_LIBRARY);
    if (!api)
        soup_missing(err, S3_POST_SOUP_LIBRARY);
    return api;
}

int s3_post_soup_probe(const char *file, aws_error *err)
{
    soup_api api;
    GModule *m = soup_open(file, &api);
    if (!m)
        return soup_missing(err, file);
    g_module_close(m);
    return 0;
}

static int malformed(aws_error *err)
{
    return aws_error_set(err, "MalformedPOSTRequest",
                         "The body of your POST request is not well-formed multipart/form-data.");
}

void s3_post_form_clear(s3_post_form *f)
{
    if (f->fields)
        g_hash_table_destroy(f->fields);
    if (f->order)
        g_ptr_array_free(f->order, TRUE);
    s3_blob_unref(f->bytes);
    g_free(f->filename);
    memset(f, 0, sizeof *f);
}

/* The padded copy libsoup parses, as a blob the stored object can slice. */
static s3_blob *padded_copy(const char *body, size_t len)
{
    static const char zeros[PAD_BACK] = {0};
    body_buf *b = body_new(0, NULL);
    if (body_append(b, zeros, PAD_FRONT) != 0 || (len && body_append(b, body, len) != 0) ||
        body_append(b, EPILOGUE, 2) != 0 || body_append(b, zeros, PAD_BACK) != 0 || body_finish(b) != 0) {
        body_free(b);
        return NULL;
    }
    return s3_blob_adopt_body(b);
}

/* One part: its name (lowercased) and filename (or NULL) from
 * Content-Disposition, both g_malloc'd, the caller's to free; false, with
 * neither, for a part that is no named form-data field. */
static bool part_names(const soup_api *soup, SoupMessageHeaders *h, char **name, char **filename)
{
    char *disp = NULL;
    GHashTable *params = NULL;
    *name = *filename = NULL;
    if (!soup->headers_get_content_disposition(h, &disp, &params))
        return false;
    const char *n = g_ascii_strcasecmp(disp, "form-data") == 0 ? soup->table_lookup(params, "name") : NULL;
    const char *fn = soup->table_lookup(params, "filename");
    if (n) {
        *name = g_ascii_strdown(n, -1);
        *filename = g_strdup(fn);
    }
    soup->str_free(disp);
    soup->table_destroy(params);
    return *name != NULL;
}

int s3_post_form_parse(const char *content_type, const char *body, size_t len, s3_post_form *out,
                       aws_error *err)
{
    memset(out, 0, sizeof *out);
    const soup_api *soup = soup_get(err);
    if (!soup)
        return -1;
    SoupMessageHeaders *h = soup->headers_new(SOUP_MESSAGE_HEADERS_MULTIPART);
    soup->headers_append(h, "Content-Type", content_type);
    GHashTable *params = NULL;
    const char *ct = soup->headers_get_content_type(h, &params);
    const char *boundary = ct && params ? soup->table_lookup(params, "boundary") : NULL;
    size_t blen = boundary ? strlen(boundary) : 0;
    if (params)
        soup->table_destroy(params);
    if (!ct || g_ascii_strcasecmp(ct, "multipart/form-data") != 0 || blen < 1 || blen > MAX_BOUNDARY) {
        soup->headers_unref(h);
        return malformed(err);
    }
    out->bytes = padded_copy(body, len);
    if (!out->bytes) {
        soup->headers_unref(h);
        return aws_error_set_status(err, 500, "InternalError", "We encountered an internal error. Please try again.");
    }
    const char *base = out->bytes->data + PAD_FRONT;
    GBytes *all = soup->bytes_new_static(base, len + 2);
    SoupMultipart *mp = soup->multipart_new_from_message(h, all);
    soup->headers_unref(h);
    if (!mp) {
        soup->bytes_unref(all);
        s3_post_form_clear(out);
        return malformed(err);
    }
    out->fields = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    out->order = g_ptr_array_new();
    int rc = 0;
    int n = soup->multipart_get_length(mp);
    for (int i = 0; i < n && rc == 0 && !out->has_file; i++) {
        SoupMessageHeaders *ph;
        GBytes *pb;
        char *name, *filename;
        if (!soup->multipart_get_part(mp, i, &ph, &pb) || !part_names(soup, ph, &name, &filename)) {
            rc = malformed(err);
            break;
        }
        gsize vlen;
        const char *v = soup->bytes_get_data(pb, &vlen);
        if (strcmp(name, "file") == 0) {
            out->has_file = true;
            out->file_off = (size_t)(v - out->bytes->data);
            out->file_len = vlen;
            out->filename = filename;
            g_free(name);
            break;
        }
        g_free(filename);
        if (memchr(v, '\0', vlen) || g_hash_table_contains(out->fields, name)) {
            /* a field is text, and one name means one value (S3's answer
             * to a repeated field is unconfirmed: refused, not guessed) */
            rc = aws_error_set(err, "InvalidArgument", "POST form field %s is invalid or repeated.", name);
            aws_error_field(err, "ArgumentName", json_string(name));
            g_free(name);
            break;
        }
        g_ptr_array_add(out->order, name);
        g_hash_table_insert(out->fields, name, g_strndup(v, vlen));
    }
    soup->multipart_free(mp);
    soup->bytes_unref(all);
    if (rc != 0)
        s3_post_form_clear(out);
    return rc;
}

/* ---- the policy document ---- */

static int bad_policy(aws_error *err, const char *why)
{
    /* S3's exact wording past "Invalid Policy: " is unconfirmed but for the
     * simple-condition case (docs/AWS-FACTS.md) */
    return aws_error_set(err, "InvalidPolicyDocument", "Invalid Policy: %s", why);
}

static int denied(aws_error *err, const char *fmt, const char *what)
{
    return aws_error_set_status(err, 403, "AccessDenied", fmt, what);
}

/* A condition as S3 quotes it when it fails: JSON with ", " separators. */
static char *condition_text(json_t *items)
{
    GString *g = g_string_new("[");
    size_t i;
    json_t *v;
    json_array_foreach(items, i, v) {
        char *t = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        g_string_append_printf(g, "%s%s", i ? ", " : "", t ? t : "null");
        free(t);
    }
    g_string_append_c(g, ']');
    return g_string_free(g, FALSE);
}

/* A field's value: the URL's bucket for "bucket", else the form's. */
static const char *field_value(const s3_post_form *f, const char *bucket, const char *name)
{
    return strcmp(name, "bucket") == 0 ? bucket : g_hash_table_lookup(f->fields, name);
}

/* A bound of content-length-range: a number or a numeric string (a
 * negative number is refused before: S3 answers it 400). */
static bool range_bound(json_t *v, json_int_t *out)
{
    if (json_is_integer(v)) {
        *out = json_integer_value(v);
        return true;
    }
    const char *s = json_string_value(v);
    if (!s || !*s)
        return false;
    char *end;
    long long n = g_ascii_strtoll(s, &end, 10);
    *out = n;
    return !*end && n >= 0 && g_ascii_isdigit(*s);
}

static int size_error(aws_error *err, bool large, size_t size, json_int_t bound)
{
    if (large)
        aws_error_set(err, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size");
    else
        aws_error_set(err, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size");
    aws_error_field(err, "ProposedSize", json_integer((json_int_t)size));
    aws_error_field(err, large ? "MaxSizeAllowed" : "MinSizeAllowed", json_integer(bound));
    return -1;
}

/* One condition: the fields it names join `covered`. */
static int check_condition(json_t *cond, const s3_post_form *f, const char *bucket, GHashTable *covered,
                           aws_error *err)
{
    json_t *items;
    if (json_is_object(cond)) {
        if (json_object_size(cond) != 1)
            return bad_policy(err, "Invalid Simple-Condition: Simple-Conditions must have exactly one "
                                   "property specified.");
        const char *k = json_object_iter_key(json_object_iter(cond));
        json_t *v = json_object_iter_value(json_object_iter(cond));
        if (!json_is_string(v))
            return bad_policy(err, "Invalid Simple-Condition: value must be a string.");
        char *dollar = g_strconcat("$", k, NULL);
        items = json_pack("[s, s, O]", "eq", dollar, v);
        g_free(dollar);
    } else if (json_is_array(cond) && json_array_size(cond) == 3 && json_is_string(json_array_get(cond, 0))) {
        items = json_incref(cond);
    } else {
        return bad_policy(err, "Invalid Condition: a condition must be an object or an array of three.");
    }
    const char *op = json_string_value(json_array_get(items, 0));
    json_t *a = json_array_get(items, 1), *b = json_array_get(items, 2);
    int rc = 0;
    bool ok = false;
    if (g_ascii_strcasecmp(op, "content-length-range") == 0) {
        if ((json_is_integer(a) && json_integer_value(a) < 0) || (json_is_integer(b) && json_integer_value(b) < 0)) {
            json_decref(items);
            return bad_policy(err, "Invalid content-length-range: the bounds must not be negative.");
        }
        json_int_t lo, hi;
        ok = range_bound(a, &lo) && range_bound(b, &hi);
        if (ok && f->file_len > (size_t)hi)
            rc = size_error(err, true, f->file_len, hi);
        else if (ok && f->file_len < (size_t)lo)
            rc = size_error(err, false, f->file_len, lo);
    } else if (g_ascii_strcasecmp(op, "eq") == 0 || g_ascii_strcasecmp(op, "starts-with") == 0) {
        if (!json_is_string(a) || !json_is_string(b)) {
            json_decref(items);
            return bad_policy(err, "Invalid Condition: field and value must be strings.");
        }
        const char *field = json_string_value(a);
        const char *want = json_string_value(b);
        if (field[0] == '$') {
            /* names compare case-insensitively, values as they are */
            char *name = g_ascii_strdown(field + 1, -1);
            const char *have = field_value(f, bucket, name);
            if (!have)
                have = "";
            ok = g_ascii_strcasecmp(op, "eq") == 0 ? strcmp(have, want) == 0 : g_str_has_prefix(have, want);
            g_hash_table_add(covered, name);
        }
    } else {
        json_decref(items);
        return bad_policy(err, "Invalid Condition: unknown operator.");
    }
    if (rc == 0 && !ok) {
        char *t = condition_text(items);
        rc = denied(err, "Invalid according to Policy: Policy Condition failed: %s", t);
        g_free(t);
    }
    json_decref(items);
    return rc;
}

/* Fields no condition needs to name. */
static bool exempt(const char *name)
{
    return strcmp(name, "policy") == 0 || strcmp(name, "x-amz-signature") == 0 || strcmp(name, "signature") == 0 ||
           strcmp(name, "file") == 0 || strcmp(name, "awsaccesskeyid") == 0 || g_str_has_prefix(name, "x-ignore-");
}

int s3_post_policy_check(const char *policy_b64, const s3_post_form *f, const char *bucket, int64_t now_ms,
                         aws_error *err)
{
    char *text;
    size_t tlen;
    if (!svc_base64_decode(policy_b64, strlen(policy_b64), &text, &tlen))
        return bad_policy(err, "The policy is not base64.");
    json_error_t je;
    json_t *doc = json_loadb(text, tlen, JSON_REJECT_DUPLICATES, &je);
    g_free(text);
    if (!json_is_object(doc)) {
        json_decref(doc);
        return bad_policy(err, "Invalid JSON.");
    }
    int rc = 0;
    json_t *exp = json_object_get(doc, "expiration");
    json_t *conds = json_object_get(doc, "conditions");
    GDateTime *when = json_is_string(exp) ? g_date_time_new_from_iso8601(json_string_value(exp), NULL) : NULL;
    if (!exp)
        rc = bad_policy(err, "Policy missing expiration.");
    else if (!when)
        rc = bad_policy(err, "Invalid 'expiration' value: must be an ISO 8601 date and time.");
    else if (!json_is_array(conds))
        rc = bad_policy(err, "Policy missing conditions.");
    else if (g_date_time_to_unix(when) * 1000 + g_date_time_get_microsecond(when) / 1000 <= now_ms)
        rc = denied(err, "Invalid according to Policy: %s", "Policy expired.");
    if (when)
        g_date_time_unref(when);
    GHashTable *covered = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    size_t i;
    json_t *cond;
    if (rc == 0)
        json_array_foreach(conds, i, cond) if ((rc = check_condition(cond, f, bucket, covered, err)) != 0) break;
    if (rc == 0) {
        /* every field a condition did not name, bucket (the URL's) first */
        GString *extra = g_string_new(NULL);
        if (!g_hash_table_contains(covered, "bucket"))
            g_string_append(extra, "bucket");
        for (guint k = 0; k < f->order->len; k++) {
            const char *name = g_ptr_array_index(f->order, k);
            if (!exempt(name) && !g_hash_table_contains(covered, name))
                g_string_append_printf(extra, "%s%s", extra->len ? ", " : "", name);
        }
        if (extra->len)
            rc = denied(err, "Invalid according to Policy: Extra input fields: %s", extra->str);
        g_string_free(extra, TRUE);
    }
    g_hash_table_destroy(covered);
    json_decref(doc);
    return rc;
}

/* ---- the handler ---- */

static const char *field(const s3_post_form *f, const char *name)
{
    return g_hash_table_lookup(f->fields, name);
}

static int missing(svc_call *c, const char *name)
{
    s3_err_invalid_argument(c, name, "",
                            "Bucket POST must contain a field named '%s'.  If it is specified, please check the "
                            "order of the fields.",
                            name);
    return -1;
}

/* The access key of a signed form, after its fields are all there. NULL
 * with c->err set; an unsigned form is AccessDenied (fresh buckets are
 * private, and mockaws has no public-write bucket ACLs). */
static const char *form_access_key(svc_call *c, const s3_post_form *f)
{
    static const char *const v4[][2] = {{"x-amz-algorithm", "X-Amz-Algorithm"},
                                        {"x-amz-credential", "X-Amz-Credential"},
                                        {"x-amz-date", "X-Amz-Date"},
                                        {"x-amz-signature", "X-Amz-Signature"},
                                        {"policy", "Policy"}};
    static const char *const v2[][2] = {{"awsaccesskeyid", "AWSAccessKeyId"}, {"signature", "Signature"},
                                        {"policy", "Policy"}};
    bool sig4 = false, sig2 = field(f, "awsaccesskeyid") || field(f, "signature");
    for (size_t i = 0; i < 4; i++)
        sig4 = sig4 || field(f, v4[i][0]);
    if (!sig4 && !sig2) {
        aws_error_set_status(&c->err, 403, "AccessDenied", "Access Denied");
        return NULL;
    }
    const char *const(*names)[2] = sig4 ? v4 : v2;
    size_t n = sig4 ? G_N_ELEMENTS(v4) : G_N_ELEMENTS(v2);
    for (size_t i = 0; i < n; i++)
        if (!field(f, names[i][0])) {
            missing(c, names[i][1]);
            return NULL;
        }
    if (sig2)
        return field(f, "awsaccesskeyid");
    const char *alg = field(f, "x-amz-algorithm");
    if (strcmp(alg, "AWS4-HMAC-SHA256") != 0) {
        s3_err_invalid_argument(c, "X-Amz-Algorithm", alg, "Unsupported algorithm: %s", alg);
        return NULL;
    }
    return field(f, "x-amz-credential");
}

/* A value of the model's enum shape, as PutObject's validation holds it. */
static bool in_enum(svc_call *c, const char *shape, const char *v)
{
    const mshape *s = model_find_shape(c->model, shape);
    for (uint32_t i = 0; s && i < s->nenums; i++)
        if (strcmp(s->enums[i], v) == 0)
            return true;
    return false;
}

/* The form's tagging document as the x-amz-tagging header would carry it,
 * so that PutObject's tag checks apply. *out g_malloc'd or NULL. */
static int tagging_query(svc_call *c, const char *xml, char **out)
{
    char msg[128];
    *out = NULL;
    xmlr_node *root = xmlr_parse(xml, strlen(xml), msg, sizeof msg);
    if (!root)
        return aws_error_set(&c->err, "MalformedXML", NULL);
    GString *q = g_string_new(NULL);
    xmlr_node *set = strcmp(xmlr_local_name(root), "Tagging") == 0 ? xmlr_child(root, "TagSet") : NULL;
    for (xmlr_node *t = set ? xmlr_child(set, "Tag") : NULL; t; t = xmlr_next(t, "Tag")) {
        xmlr_node *k = xmlr_child(t, "Key"), *v = xmlr_child(t, "Value");
        if (!k) {
            xmlr_free(root);
            g_string_free(q, TRUE);
            return aws_error_set(&c->err, "MalformedXML", NULL);
        }
        if (q->len)
            g_string_append_c(q, '&');
        http_percent_encode(q, k->text, k->text_len, false);
        g_string_append_c(q, '=');
        if (v)
            http_percent_encode(q, v->text, v->text_len, false);
    }
    xmlr_free(root);
    *out = g_string_free(q, FALSE);
    return 0;
}

/* The fields PutObject would have from headers, into c->input (the core's
 * empty object for an operation outside the model), in its members' names,
 * so that the object is made by PutObject's own code. */
static int input_from_form(svc_call *c, const s3_post_form *f, const char *bucket, const char *key)
{
    static const char *const plain[][2] = {
        {"content-type", "ContentType"},           {"cache-control", "CacheControl"},
        {"content-disposition", "ContentDisposition"}, {"content-encoding", "ContentEncoding"},
        {"x-amz-website-redirect-location", "WebsiteRedirectLocation"},
    };
    json_object_set_new(c->input, "Bucket", json_string(bucket));
    json_object_set_new(c->input, "Key", json_string(key));
    for (size_t i = 0; i < G_N_ELEMENTS(plain); i++)
        if (field(f, plain[i][0]))
            json_object_set_new(c->input, plain[i][1], json_string(field(f, plain[i][0])));
    const char *v;
    if ((v = field(f, "expires"))) {
        double when;
        if (!timefmt_parse(v, &when))
            return s3_err_invalid_argument(c, "Expires", v, "Invalid date for Expires");
        json_object_set_new(c->input, "Expires", json_integer((json_int_t)when));
    }
    if ((v = field(f, "x-amz-storage-class"))) {
        if (!in_enum(c, "StorageClass", v)) {
            aws_error_set(&c->err, "InvalidStorageClass", NULL);
            aws_error_field(&c->err, "StorageClassRequested", s3_text(v));
            return -1;
        }
        json_object_set_new(c->input, "StorageClass", json_string(v));
    }
    if ((v = field(f, "acl")) && !in_enum(c, "ObjectCannedACL", v))
        return s3_err_invalid_argument(c, "acl", v, "Invalid canned ACL");
    if (v) /* x-amz-acl's member: the ACL store reads it there */
        json_object_set_new(c->input, "ACL", json_string(v));
    if ((v = field(f, "x-amz-server-side-encryption")) && !in_enum(c, "ServerSideEncryption", v))
        return s3_err_invalid_argument(c, "x-amz-server-side-encryption", v,
                                       "The encryption method specified is not supported");
    json_t *meta = json_object();
    for (guint i = 0; i < f->order->len; i++) {
        const char *name = g_ptr_array_index(f->order, i);
        if (g_str_has_prefix(name, "x-amz-meta-"))
            json_object_set_new(meta, name + 11, s3_text(field(f, name)));
    }
    json_object_set_new(c->input, "Metadata", meta);
    if ((v = field(f, "tagging"))) {
        char *q;
        if (tagging_query(c, v, &q) != 0)
            return -1;
        json_object_set_new(c->input, "Tagging", json_string(q));
        g_free(q);
    }
    return 0;
}

/* Content-MD5 and x-amz-checksum-* fields against the file; the checksum
 * to keep in *algo / *b64 (g_malloc'd), as PutObject keeps one. */
static int check_digests(svc_call *c, const s3_post_form *f, const char *data, unsigned char md5[16],
                         checksum_algo *algo, char **b64)
{
    *algo = CHECKSUM_NONE;
    *b64 = NULL;
    const char *given = NULL;
    for (guint i = 0; i < f->order->len && *algo == CHECKSUM_NONE; i++) {
        const char *name = g_ptr_array_index(f->order, i);
        if ((*algo = checksum_algo_from_header(name)) != CHECKSUM_NONE)
            given = field(f, name);
    }
    const char *named = field(f, "x-amz-checksum-algorithm");
    if (named && *algo == CHECKSUM_NONE && (*algo = checksum_algo_from_name(named)) == CHECKSUM_NONE)
        return aws_error_set(&c->err, "InvalidRequest", "Value for x-amz-checksum-algorithm header is invalid.");
    s3_digest(data, f->file_len, md5, *algo, b64);
    const char *cmd5 = field(f, "content-md5");
    if (cmd5) {
        char *want = NULL;
        size_t wlen = 0;
        bool ok = svc_base64_decode(cmd5, strlen(cmd5), &want, &wlen) && wlen == 16;
        bool same = ok && memcmp(want, md5, 16) == 0;
        g_free(want);
        if (!ok)
            return aws_error_set(&c->err, "InvalidDigest", NULL);
        if (!same) {
            aws_error_set(&c->err, "BadDigest", NULL);
            aws_error_field(&c->err, "ExpectedDigest", json_string(cmd5));
            return -1;
        }
    }
    if (given && strcmp(given, *b64) != 0)
        return aws_error_set(&c->err, "BadDigest", "The %s you specified did not match the calculated checksum.",
                             checksum_algo_name(*algo));
    return 0;
}

/* An absolute URL S3 can redirect to, or NULL: S3 ignores anything else. */
static bool redirect_target(const char *url)
{
    GUri *u = url ? g_uri_parse(url, G_URI_FLAGS_NONE, NULL) : NULL;
    bool ok = u && g_uri_get_host(u) && *g_uri_get_host(u);
    if (u)
        g_uri_unref(u);
    return ok;
}

static void answer(svc_call *c, const s3_post_form *f, const char *bucket, const char *key, const char *etag,
                   checksum_algo algo, const char *b64)
{
    http_response *r = c->resp;
    http_response_set_header(r, "ETag", etag);
    http_response_set_header(r, "x-amz-server-side-encryption", "AES256");
    if (algo != CHECKSUM_NONE && b64) {
        http_response_set_header(r, checksum_header_name(algo), b64);
        http_response_set_header(r, "x-amz-checksum-type", "FULL_OBJECT");
    }
    const char *redirect = field(f, "success_action_redirect");
    if (!redirect)
        redirect = field(f, "redirect");
    if (redirect_target(redirect)) {
        GString *loc = g_string_new(redirect);
        g_string_append_c(loc, strchr(redirect, '?') ? '&' : '?');
        g_string_append(loc, "bucket=");
        http_percent_encode(loc, bucket, strlen(bucket), false);
        g_string_append(loc, "&key=");
        http_percent_encode(loc, key, strlen(key), false);
        g_string_append(loc, "&etag=");
        http_percent_encode(loc, etag, strlen(etag), false);
        http_response_set_header(r, "Location", loc->str);
        g_string_free(loc, TRUE);
        r->status = 303;
        return;
    }
    const char *status = field(f, "success_action_status");
    if (status && strcmp(status, "200") == 0) {
        r->status = 200;
    } else if (status && strcmp(status, "201") == 0) {
        GString *loc = g_string_new(svc_endpoint(c));
        g_string_append_c(loc, '/');
        http_percent_encode(loc, bucket, strlen(bucket), false);
        g_string_append_c(loc, '/');
        http_percent_encode(loc, key, strlen(key), true);
        xmlw w;
        xmlw_init(&w, r->body, 1);
        xmlw_start(&w, "PostResponse");
        xmlw_attr(&w, "xmlns", "http://s3.amazonaws.com/doc/2006-03-01/");
        xmlw_element(&w, "Location", loc->str);
        xmlw_element(&w, "Bucket", bucket);
        xmlw_element(&w, "Key", key);
        xmlw_element(&w, "ETag", etag);
        xmlw_end(&w);
        xmlw_finish(&w);
        http_response_set_header(r, "Location", loc->str);
        http_response_set_header(r, "Content-Type", "application/xml");
        g_string_free(loc, TRUE);
        r->status = 201;
    } else {
        r->status = 204;
    }
}

/* The bucket of "/bucket" (path style: s3.c's route_host made a
 * virtual-hosted request one). g_malloc'd. */
static char *path_bucket(const char *path)
{
    const char *p = path[0] == '/' ? path + 1 : path;
    const char *end = strchr(p, '/');
    return g_strndup(p, end ? (size_t)(end - p) : strlen(p));
}

/* A SigV4 form is signed for its scope's region, which must be the
 * bucket's, as a presigned URL's X-Amz-Credential must (S3's words for
 * that parameter; the form's own are unconfirmed). */
static bool wrong_region(svc_call *c, const s3_bucket *b, const char *region)
{
    if (strcmp(b->region, region) == 0)
        return false;
    http_response_set_header(c->resp, "x-amz-bucket-region", b->region);
    aws_error_set_status(&c->err, 400, "AuthorizationQueryParametersError",
                         "Error parsing the X-Amz-Credential parameter; the region '%s' is wrong; expecting '%s'",
                         region, b->region);
    aws_error_field(&c->err, "Region", json_string(b->region));
    return true;
}

/* Runs with no namespace lock, as PutObject: the form is parsed and hashed
 * with none held, and the object stored under the exclusive lock. */
int s3_post_object(svc_call *c)
{
    const char *ct = s3_header(c, "content-type");
    if (!ct || g_ascii_strncasecmp(ct, "multipart/form-data", 19) != 0) {
        aws_error_set(&c->err, "PreconditionFailed", NULL);
        aws_error_field(&c->err, "Condition",
                        json_string("Bucket POST must be of the enclosure-type multipart/form-data"));
        return -1;
    }
    char *bucket = path_bucket(c->req->path);
    c->resource = g_strdup(bucket);
    s3_post_form f;
    if (s3_post_form_parse(ct, c->req->body, c->req->body_len, &f, &c->err) != 0) {
        g_free(bucket);
        return -1;
    }
    int rc = -1;
    char *key = NULL, *b64 = NULL, *scope_region = NULL;
    s3_meta *m = NULL;
    s3_blob *blob = NULL;
    const char *akid = form_access_key(c, &f);
    if (!akid)
        goto done;
    if (!field(&f, "key")) {
        missing(c, "key");
        goto done;
    }
    if (!f.has_file) {
        s3_err_invalid_argument(c, "file", "", "POST requires exactly one file upload per request.");
        goto done;
    }
    /* the signature before the policy it signs is read (a tampered policy
     * is a signature that does not match), under --auth verify and enforce */
    if (svc_form_signed(c, f.fields, &scope_region) != 0)
        goto done;
    /* the account of the form's key owns what it writes (the request has
     * no Authorization header to route by) */
    char account[13];
    char *id = g_strndup(akid, strcspn(akid, "/"));
    svc_account_for_key(c, id, account);
    g_free(id);
    c->account = account;
    GString *k = g_string_new(field(&f, "key"));
    if (f.filename)
        g_string_replace(k, "${filename}", f.filename, 0);
    key = g_string_free(k, FALSE);
    g_free(c->resource);
    c->resource = g_strdup_printf("%s/%s", bucket, key);
    if (s3_check_key(c, key) != 0 || s3_post_policy_check(field(&f, "policy"), &f, bucket, c->now_ms, &c->err) != 0)
        goto done;
    svc_lock_shared(c);
    const s3_bucket *sb = s3_bucket_lookup(c, bucket, NULL);
    bool found = sb && !(scope_region && wrong_region(c, sb, scope_region));
    svc_unlock_shared(c);
    /* the signer may put this object (--auth enforce), as the form's
     * fields ask to put it */
    if (!found || input_from_form(c, &f, bucket, key) != 0 || svc_authorize(c) != 0)
        goto done;
    m = s3_meta_from_input(c);
    if (s3_user_metadata(c, &m->user) != 0 || s3_tags_from_header(c, &m->tags) != 0)
        goto done;
    unsigned char md5[16];
    checksum_algo algo;
    if (check_digests(c, &f, f.bytes->data + f.file_off, md5, &algo, &b64) != 0)
        goto done;
    if (algo != CHECKSUM_NONE) {
        m->algo = algo;
        m->checksum = g_strdup(b64);
    }
    m = s3_meta_compact(m);
    blob = s3_blob_slice(f.bytes, f.file_off, f.file_len);
    svc_lock_exclusive(c);
    s3_bucket *b = s3_bucket_lookup(c, bucket, NULL); /* it may have gone meanwhile */
    /* the acl field as PutObject's x-amz-acl: refused where Object
     * Ownership disables ACLs, else the new object's ACL */
    if (b && s3_config_check_object_acl(c, b) != 0)
        b = NULL;
    if (b) {
        s3_object_put(b, s3_object_new(key, blob, m, c->now_ms, md5, 0));
        m = NULL;
        s3_config_store_object_acl(c, b);
    }
    svc_unlock_exclusive(c);
    if (b) {
        char etag[48];
        s3_etag_text(md5, 0, true, etag);
        answer(c, &f, bucket, key, etag, algo, b64);
        rc = 0;
    }
done:
    g_free(scope_region);
    s3_blob_unref(blob);
    s3_meta_free(m);
    g_free(b64);
    g_free(key);
    g_free(bucket);
    s3_post_form_clear(&f);
    return rc;
}
