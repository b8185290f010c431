#include "services/s3/bucket.h"

#include <string.h>

#include "services/s3/config.h"
#include "services/s3/s3.h"
#include "services/s3/token.h"
#include "services/service.h"
#include "services/svc_api.h"

#define US_EAST_1 "us-east-1"

static bool is_ip_address(const char *name)
{
    int dots = 0;
    for (const char *p = name; *p; p++) {
        if (*p == '.')
            dots++;
        else if (!g_ascii_isdigit(*p))
            return false;
    }
    return dots == 3;
}

bool s3_bucket_name_valid(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n < 3 || n > 63)
        return false;
    for (size_t i = 0; i < n; i++) {
        char ch = name[i];
        if (!(g_ascii_islower(ch) || g_ascii_isdigit(ch) || ch == '.' || ch == '-'))
            return false;
    }
    if (!g_ascii_isalnum(name[0]) || !g_ascii_isalnum(name[n - 1]))
        return false;
    if (strstr(name, "..") || strstr(name, ".-") || strstr(name, "-.") || is_ip_address(name))
        return false;
    static const char *const bad_prefixes[] = {"xn--", "sthree-", "amzn-s3-demo-"};
    static const char *const bad_suffixes[] = {"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"};
    for (size_t i = 0; i < G_N_ELEMENTS(bad_prefixes); i++)
        if (g_str_has_prefix(name, bad_prefixes[i]))
            return false;
    for (size_t i = 0; i < G_N_ELEMENTS(bad_suffixes); i++)
        if (g_str_has_suffix(name, bad_suffixes[i]))
            return false;
    return true;
}

static void bucket_location(svc_call *c, const s3_bucket *b)
{
    char *loc = strcmp(b->region, US_EAST_1) == 0 ? g_strdup_printf("/%s", b->name)
                                                  : g_strdup_printf("http://%s.s3.amazonaws.com/", b->name);
    char *arn = g_strdup_printf("arn:%s:s3:::%s", svc_partition(b->region), b->name);
    c->output = json_pack("{s:s, s:s}", "Location", loc, "BucketArn", arn);
    g_free(loc);
    g_free(arn);
}

/* Whether lc is one of the model's location constraints (kept out of the
 * validator's way by tools/trim_models.py, so that the region is checked
 * first). */
static bool location_known(svc_call *c, const char *lc)
{
    const mshape *s = model_find_shape(c->model, "MockawsLocationConstraints");
    for (uint32_t i = 0; s && i < s->nenums; i++)
        if (strcmp(s->enums[i], lc) == 0)
            return true;
    return false;
}

int s3_create_bucket(svc_call *c)
{
    if (s3_check_request(c) != 0)
        return -1;
    const char *name = s3_in(c, "Bucket");
    if (!s3_bucket_name_valid(name)) {
        aws_error_set(&c->err, "InvalidBucketName", NULL);
        aws_error_field(&c->err, "BucketName", s3_text(name));
        return -1;
    }
    json_t *cfg = json_object_get(c->input, "CreateBucketConfiguration");
    const char *lc = svc_str(cfg, "LocationConstraint");
    if (lc && !*lc)
        lc = NULL;
    const char *region = !lc ? US_EAST_1 : strcmp(lc, "EU") == 0 ? "eu-west-1" : lc;
    /* us-east-1 is the global endpoint and takes any constraint; a regional
     * endpoint only its own, which S3 checks before the constraint's
     * spelling. */
    if (strcmp(c->region, US_EAST_1) != 0) {
        if (!lc)
            return aws_error_set(&c->err, "IllegalLocationConstraintException", NULL);
        if (strcmp(region, c->region) != 0)
            return aws_error_set(&c->err, "IllegalLocationConstraintException",
                                 "The %s location constraint is incompatible for the region specific "
                                 "endpoint this request was sent to.",
                                 lc);
    }
    if (lc && (strcmp(lc, US_EAST_1) == 0 || !location_known(c, lc))) {
        aws_error_set(&c->err, "InvalidLocationConstraint", "The specified location-constraint is not valid");
        aws_error_field(&c->err, "LocationConstraint", s3_text(lc));
        return -1;
    }
    if (s3_config_check_create(c) != 0)
        return -1;
    s3_bucket *b = g_tree_lookup(s3_st(c)->buckets, name);
    if (b) {
        if (strcmp(b->owner, c->account) != 0) {
            aws_error_set(&c->err, "BucketAlreadyExists", NULL);
            aws_error_field(&c->err, "BucketName", json_string(name));
            return -1;
        }
        /* us-east-1 keeps its legacy answer: success, nothing changes */
        if (strcmp(b->region, US_EAST_1) == 0 && strcmp(region, US_EAST_1) == 0) {
            bucket_location(c, b);
            return 0;
        }
        aws_error_set(&c->err, "BucketAlreadyOwnedByYou", NULL);
        aws_error_field(&c->err, "BucketName", json_string(name));
        return -1;
    }
    b = s3_bucket_add(s3_st(c), name, region, c->account, c->now_ms);
    s3_config_apply_create(c, b);
    if (svc_true(c->input, "ObjectLockEnabledForBucket")) {
        /* object lock needs versions, and keeps versioning on for good */
        s3_versioning_set(b, S3_VERSIONING_ENABLED);
        b->lock.enabled = true;
    }
    bucket_location(c, b);
    return 0;
}

int s3_delete_bucket(svc_call *c)
{
    s3_bucket *b = s3_call_bucket(c);
    if (!b)
        return -1;
    if (pmap_count(s3_version_map(b)) > 0) { /* delete markers count too */
        aws_error_set(&c->err, "BucketNotEmpty", NULL);
        aws_error_field(&c->err, "BucketName", json_string(b->name));
        return -1;
    }
    s3_bucket_remove(s3_st(c), b);
    return 0;
}

int s3_head_bucket(svc_call *c)
{
    s3_bucket *b = s3_call_bucket(c);
    if (!b)
        return -1;
    c->output = json_pack("{s:s, s:b}", "BucketRegion", b->region, "AccessPointAlias", 0);
    return 0;
}

int s3_get_bucket_location(svc_call *c)
{
    s3_bucket *b = s3_call_bucket(c);
    if (!b)
        return -1;
    /* the region is the text of the answer's root element, none for us-east-1 */
    c->output = json_object();
    if (strcmp(b->region, US_EAST_1) != 0)
        json_object_set_new(c->output, "LocationConstraint", json_string(b->region));
    return 0;
}

int s3_list_buckets(svc_call *c)
{
    if (s3_check_request(c) != 0)
        return -1;
    s3_state *st = s3_st(c);
    json_t *maxj = json_object_get(c->input, "MaxBuckets");
    json_int_t max = maxj ? json_integer_value(maxj) : 10000;
    if (maxj && (max < 1 || max > 10000))
        return s3_err_invalid_argument(c, "max-buckets", NULL,
                                       "Argument max-buckets must be an integer between 1 and 10000.");
    const char *prefix = s3_in(c, "Prefix");
    const char *region = s3_in(c, "BucketRegion");
    const char *token = s3_in(c, "ContinuationToken");
    char scope[64];
    g_snprintf(scope, sizeof scope, "ListBuckets:%s", c->account);
    GTreeNode *n;
    if (token) {
        char *after;
        size_t alen;
        if (!s3_token_decode(s3_secret(c), scope, token, &after, &alen))
            return s3_err_invalid_argument(c, "continuation-token", token,
                                           "The continuation token provided is incorrect");
        n = g_tree_upper_bound(st->buckets, after);
        g_free(after);
    } else {
        n = prefix ? g_tree_lower_bound(st->buckets, prefix) : g_tree_node_first(st->buckets);
    }
    json_t *list = json_array();
    const char *last = NULL;
    bool more = false;
    for (; n; n = g_tree_node_next(n)) {
        s3_bucket *b = g_tree_node_value(n);
        if (prefix && !g_str_has_prefix(b->name, prefix)) {
            if (strcmp(b->name, prefix) > 0)
                break; /* past every name with the prefix */
            continue;
        }
        if (strcmp(b->owner, c->account) != 0 || (region && strcmp(b->region, region) != 0))
            continue;
        if ((json_int_t)json_array_size(list) == max) {
            more = true;
            break;
        }
        json_array_append_new(list, json_pack("{s:s, s:o, s:s}", "Name", b->name, "CreationDate",
                                              s3_time_json(b->created_ms), "BucketRegion", b->region));
        last = b->name;
    }
    c->output = json_pack("{s:o, s:o}", "Buckets", list, "Owner", s3_owner_json(c->account));
    if (prefix)
        json_object_set_new(c->output, "Prefix", json_string(prefix));
    if (more && last) {
        char *t = s3_token_encode(s3_secret(c), scope, last, strlen(last));
        json_object_set_new(c->output, "ContinuationToken", json_string(t));
        g_free(t);
    }
    return 0;
}
