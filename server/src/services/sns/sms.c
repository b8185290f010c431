#include "services/sns/sms.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "services/service.h"

static gint cmp_str(gconstpointer a, gconstpointer b, gpointer unused)
{
    (void)unused;
    return strcmp(a, b);
}

static GTree *numbers_new(void) { return g_tree_new_full(cmp_str, NULL, g_free, NULL); }

sns_sms *sns_sms_new(void)
{
    sns_sms *s = g_new0(sns_sms, 1);
    s->attrs = json_object();
    s->opted_out = numbers_new();
    s->sandbox = numbers_new();
    return s;
}

void sns_sms_free(sns_sms *s)
{
    if (!s)
        return;
    json_decref(s->attrs);
    g_tree_destroy(s->opted_out);
    g_tree_destroy(s->sandbox);
    g_free(s);
}

static gboolean copy_number(gpointer key, gpointer value, gpointer to)
{
    g_tree_insert(to, g_strdup(key), value);
    return FALSE;
}

sns_sms *sns_sms_clone(const sns_sms *s)
{
    sns_sms *c = sns_sms_new();
    json_decref(c->attrs);
    c->attrs = json_deep_copy(s->attrs);
    g_tree_foreach(s->opted_out, copy_number, c->opted_out);
    g_tree_foreach(s->sandbox, copy_number, c->sandbox);
    c->in_sandbox = s->in_sandbox;
    return c;
}

/* ---- rules ---- */

bool sns_e164_ok(const char *phone)
{
    if (!phone)
        return false;
    const char *p = phone + (*phone == '+');
    size_t n = strlen(p);
    if (n < 7 || n > 15 || *p == '0')
        return false;
    for (; *p; p++)
        if (!g_ascii_isdigit(*p))
            return false;
    return true;
}

/* GSM 03.38's basic set (and its extension table, which costs two), the
 * characters one 7-bit SMS carries; anything else makes the message UCS-2. */
static int gsm_cost(gunichar c)
{
    static const char basic[] = "@$\n\r_ !\"#%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                "abcdefghijklmnopqrstuvwxyz";
    static const gunichar latin[] = {0xa3, 0xa5, 0xe8, 0xe9, 0xf9, 0xec, 0xf2, 0xc7, 0xd8, 0xf8, 0xc5, 0xe5,
                                     0x394, 0x3a6, 0x393, 0x39b, 0x3a9, 0x3a0, 0x3a8, 0x3a3, 0x398, 0x39e,
                                     0xc6, 0xe6, 0xdf, 0xc9, 0xa4, 0xa1, 0xc4, 0xd6, 0xd1, 0xdc, 0xa7, 0xbf,
                                     0xe4, 0xf6, 0xf1, 0xfc, 0xe0};
    if (c < 0x80 && c && strchr(basic, (int)c))
        return 1;
    if (c < 0x80 && c && strchr("^{}\\[~]|\f", (int)c))
        return 2;
    if (c == 0x20ac) /* the euro sign, in the extension table */
        return 2;
    for (size_t i = 0; i < G_N_ELEMENTS(latin); i++)
        if (latin[i] == c)
            return 1;
    return -1;
}

bool sns_sms_text_ok(const char *text, unsigned *segments)
{
    *segments = 0;
    if (!g_utf8_validate(text, -1, NULL))
        return false;
    size_t chars = 0, septets = 0, units = 0;
    bool gsm = true;
    for (const char *p = text; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        chars++;
        int cost = gsm ? gsm_cost(c) : -1;
        if (cost < 0)
            gsm = false;
        else
            septets += (size_t)cost;
        units += c > 0xffff ? 2 : 1; /* UTF-16 code units */
        if (chars > SNS_SMS_MAX_CHARS)
            return false;
    }
    size_t len = gsm ? septets : units;
    size_t one = gsm ? 160 : 70, part = gsm ? 153 : 67;
    *segments = len <= one ? 1 : (unsigned)((len + part - 1) / part);
    return true;
}

/* ---- attributes ---- */

static const char *const sms_attrs[] = {"MonthlySpendLimit",
                                        "DeliveryStatusIAMRole",
                                        "DeliveryStatusSuccessSamplingRate",
                                        "DefaultSenderID",
                                        "DefaultSMSType",
                                        "UsageReportS3Bucket",
                                        NULL};

static bool digits_only(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!g_ascii_isdigit(*s))
            return false;
    return true;
}

/* A sender ID: 1 to 11 letters and digits, at least one a letter. */
static bool sender_id_ok(const char *s)
{
    size_t n = strlen(s);
    bool letter = false;
    if (n < 1 || n > 11)
        return false;
    for (; *s; s++) {
        if (!g_ascii_isalnum(*s))
            return false;
        letter = letter || g_ascii_isalpha(*s);
    }
    return letter;
}

static int check_sms_attribute(const char *name, const char *value, char *err, size_t errlen)
{
    if (!g_strv_contains(sms_attrs, name) || !value) {
        g_snprintf(err, errlen, "%s is not a valid attribute", name);
        return -1;
    }
    /* SNS's own words, its "DefaultSendID" spelling included */
    if (!strcmp(name, "DefaultSenderID") && !sender_id_ok(value)) {
        g_snprintf(err, errlen, "DefaultSendID is not a valid attribute");
        return -1;
    }
    if (!strcmp(name, "DefaultSMSType") && strcmp(value, "Promotional") && strcmp(value, "Transactional")) {
        g_snprintf(err, errlen, "DefaultSMSType is invalid");
        return -1;
    }
    if (!strcmp(name, "MonthlySpendLimit") && (!digits_only(value) || strlen(value) > 9)) {
        g_snprintf(err, errlen, "MonthlySpendLimit is invalid");
        return -1;
    }
    if (!strcmp(name, "DeliveryStatusSuccessSamplingRate") &&
        (!digits_only(value) || strlen(value) > 3 || atoi(value) > 100)) {
        g_snprintf(err, errlen, "DeliveryStatusSuccessSamplingRate is invalid");
        return -1;
    }
    return 0;
}

int sns_sms_set_attributes(sns_sms *s, json_t *attrs, char *err, size_t errlen)
{
    const char *k;
    json_t *v;
    json_object_foreach(attrs, k, v) {
        if (check_sms_attribute(k, json_string_value(v), err, errlen) != 0)
            return -1;
    }
    json_object_foreach(attrs, k, v) json_object_set(s->attrs, k, v);
    return 0;
}

json_t *sns_sms_attributes(const sns_sms *s, json_t *filter)
{
    json_t *all = json_pack("{s:s}", "MonthlySpendLimit", "1");
    json_object_update(all, s->attrs);
    if (!json_array_size(filter))
        return all;
    json_t *out = json_object();
    size_t i;
    json_t *name;
    json_array_foreach(filter, i, name) {
        json_t *v = json_is_string(name) ? json_object_get(all, json_string_value(name)) : NULL;
        if (v)
            json_object_set(out, json_string_value(name), v);
    }
    json_decref(all);
    return out;
}

/* ---- opt-outs ---- */

bool sns_sms_opted_out(const sns_sms *s, const char *phone)
{
    return phone && g_tree_lookup_extended(s->opted_out, phone, NULL, NULL);
}

void sns_sms_opt_out(sns_sms *s, const char *phone)
{
    if (!sns_sms_opted_out(s, phone))
        g_tree_insert(s->opted_out, g_strdup(phone), NULL);
}

void sns_sms_opt_in(sns_sms *s, const char *phone) { g_tree_remove(s->opted_out, phone); }

/* ---- fixtures ---- */

static int load_numbers(GTree *into, json_t *list, const char *what, char *err, size_t errlen)
{
    size_t i;
    json_t *v;
    if (list && !json_is_array(list)) {
        g_snprintf(err, errlen, "sms.%s must be a list", what);
        return -1;
    }
    json_array_foreach(list, i, v) {
        const char *phone = json_is_object(v) ? svc_str(v, "phone_number") : json_string_value(v);
        const char *status = json_is_object(v) ? svc_str(v, "status") : NULL;
        if (!sns_e164_ok(phone)) {
            g_snprintf(err, errlen, "sms.%s[%zu]: not an E.164 phone number", what, i);
            return -1;
        }
        if (json_is_object(v) && status && strcmp(status, "Pending") && strcmp(status, "Verified")) {
            g_snprintf(err, errlen, "sms.%s[%zu]: \"status\" must be Pending or Verified", what, i);
            return -1;
        }
        g_tree_insert(into, g_strdup(phone),
                      json_is_object(v) ? (gpointer)(status && !strcmp(status, "Pending") ? "Pending" : "Verified")
                                        : NULL);
    }
    return 0;
}

int sns_sms_load(sns_sms *s, json_t *section, char *err, size_t errlen)
{
    if (!json_is_object(section)) {
        g_snprintf(err, errlen, "sms must be an object");
        return -1;
    }
    const char *k;
    json_t *v;
    json_object_foreach(section, k, v) {
        if (strcmp(k, "attributes") && strcmp(k, "opted_out") && strcmp(k, "in_sandbox") &&
            strcmp(k, "sandbox_numbers")) {
            g_snprintf(err, errlen,
                       "sms: unknown field \"%s\" (known: attributes, opted_out, in_sandbox, sandbox_numbers)", k);
            return -1;
        }
    }
    json_t *attrs = json_object_get(section, "attributes");
    char e[200];
    if (attrs && (!json_is_object(attrs) || sns_sms_set_attributes(s, attrs, e, sizeof e) != 0)) {
        g_snprintf(err, errlen, "sms.attributes: %s", json_is_object(attrs) ? e : "must be an object");
        return -1;
    }
    json_t *sb = json_object_get(section, "in_sandbox");
    if (sb && !json_is_boolean(sb)) {
        g_snprintf(err, errlen, "sms.in_sandbox must be true or false");
        return -1;
    }
    s->in_sandbox = json_is_true(sb);
    json_t *numbers = json_object_get(section, "sandbox_numbers");
    if (load_numbers(s->opted_out, json_object_get(section, "opted_out"), "opted_out", err, errlen) != 0)
        return -1;
    size_t i;
    json_array_foreach(numbers, i, v) {
        if (!json_is_object(v)) {
            g_snprintf(err, errlen, "sms.sandbox_numbers[%zu] must be {\"phone_number\", \"status\"}", i);
            return -1;
        }
    }
    return load_numbers(s->sandbox, numbers, "sandbox_numbers", err, errlen);
}

static gboolean dump_opted_out(gpointer key, gpointer value, gpointer list)
{
    (void)value;
    json_array_append_new(list, json_string(key));
    return FALSE;
}

static gboolean dump_sandbox(gpointer key, gpointer value, gpointer list)
{
    json_array_append_new(list, json_pack("{s:s, s:s}", "phone_number", (const char *)key, "status",
                                          (const char *)value));
    return FALSE;
}

json_t *sns_sms_dump(const sns_sms *s)
{
    if (!json_object_size(s->attrs) && !g_tree_nnodes(s->opted_out) && !g_tree_nnodes(s->sandbox) &&
        !s->in_sandbox)
        return NULL;
    json_t *out = json_pack("{s:O, s:[], s:b, s:[]}", "attributes", s->attrs, "opted_out", "in_sandbox",
                            s->in_sandbox, "sandbox_numbers");
    g_tree_foreach(s->opted_out, dump_opted_out, json_object_get(out, "opted_out"));
    g_tree_foreach(s->sandbox, dump_sandbox, json_object_get(out, "sandbox_numbers"));
    return out;
}
