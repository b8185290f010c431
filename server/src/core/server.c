/* server: the server object: its creation and release, random material,
 * credentials and logging. The parts with their own jobs (the HTTP edge,
 * the service registry, fixtures, the pipeline, the control API) live in
 * their modules and take the server as a parameter; this module includes
 * none of them, so that they may all include core/server.h. */
#include "core/server.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/decisions.h"
#include "core/jtext.h"

#define DEFAULT_JOURNAL 10000

/* ---- random material ---- */

void server_random_bytes(server *s, unsigned char *buf, size_t len)
{
    g_mutex_lock(&s->rand_lock);
    for (size_t i = 0; i < len; i++)
        buf[i] = (unsigned char)g_rand_int_range(s->rand, 0, 256);
    g_mutex_unlock(&s->rand_lock);
}

void server_random_string(server *s, char *out, size_t n, const char *alphabet)
{
    size_t alen = strlen(alphabet);
    g_mutex_lock(&s->rand_lock);
    for (size_t i = 0; i < n; i++)
        out[i] = alphabet[g_rand_int_range(s->rand, 0, (gint32)alen)];
    g_mutex_unlock(&s->rand_lock);
    out[n] = '\0';
}

void server_uuid(server *s, char out[37])
{
    unsigned char b[16];
    server_random_bytes(s, b, sizeof b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    g_snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
               b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
               b[15]);
}

/* ---- credentials ---- */

void server_cred_clear(server_cred *c)
{
    g_free(c->access_key);
    g_free(c->account);
    g_free(c->arn);
    g_free(c->user_id);
    g_free(c->secret);
    g_free(c->session_token);
    g_free(c->role_arn);
    g_free(c->session_policy);
    g_free(c->session_tags);
    memset(c, 0, sizeof *c);
}

static void cred_free(gpointer p)
{
    server_cred_clear(p);
    g_free(p);
}

static void cred_copy(server_cred *dst, const server_cred *src)
{
    dst->access_key = g_strdup(src->access_key);
    dst->account = g_strdup(src->account);
    dst->arn = g_strdup(src->arn);
    dst->user_id = g_strdup(src->user_id);
    dst->expires_ms = src->expires_ms;
    dst->secret = g_strdup(src->secret);
    dst->session_token = g_strdup(src->session_token);
    dst->role_arn = g_strdup(src->role_arn);
    dst->session_policy = g_strdup(src->session_policy);
    dst->session_tags = g_strdup(src->session_tags);
}

void server_cred_add(server *s, const server_cred *c)
{
    server_cred *copy = g_new0(server_cred, 1);
    cred_copy(copy, c);
    g_mutex_lock(&s->cred_lock);
    g_hash_table_replace(s->creds, copy->access_key, copy);
    g_mutex_unlock(&s->cred_lock);
}

static GHashTable *cred_table_new(void)
{
    return g_hash_table_new_full(g_str_hash, g_str_equal, NULL, cred_free);
}

/* A table of copies of from's entries; the caller guards from. */
static GHashTable *cred_table_copy(GHashTable *from)
{
    GHashTable *to = cred_table_new();
    GHashTableIter it;
    gpointer value;
    g_hash_table_iter_init(&it, from);
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        server_cred *copy = g_new0(server_cred, 1);
        cred_copy(copy, value);
        g_hash_table_insert(to, copy->access_key, copy);
    }
    return to;
}

GHashTable *server_cred_save(server *s)
{
    g_mutex_lock(&s->cred_lock);
    GHashTable *saved = cred_table_copy(s->creds);
    g_mutex_unlock(&s->cred_lock);
    return saved;
}

void server_cred_restore(server *s, GHashTable *saved)
{
    GHashTable *fresh = cred_table_copy(saved);
    g_mutex_lock(&s->cred_lock);
    GHashTable *old = s->creds;
    s->creds = fresh;
    g_mutex_unlock(&s->cred_lock);
    g_hash_table_destroy(old);
}

void server_cred_remove(server *s, const char *access_key)
{
    g_mutex_lock(&s->cred_lock);
    g_hash_table_remove(s->creds, access_key);
    g_mutex_unlock(&s->cred_lock);
}

bool server_cred_lookup(server *s, const char *access_key, server_cred *out)
{
    g_mutex_lock(&s->cred_lock);
    server_cred *c = access_key ? g_hash_table_lookup(s->creds, access_key) : NULL;
    if (c)
        cred_copy(out, c);
    g_mutex_unlock(&s->cred_lock);
    return c != NULL;
}

void server_account_for_key(server *s, const char *access_key, char out[13])
{
    size_t len = access_key ? strlen(access_key) : 0;
    bool digits = len == 12;
    for (size_t i = 0; digits && i < len; i++)
        digits = g_ascii_isdigit(access_key[i]);
    if (digits) {
        memcpy(out, access_key, 13);
        return;
    }
    server_cred c;
    if (len && server_cred_lookup(s, access_key, &c)) {
        g_strlcpy(out, c.account, 13);
        server_cred_clear(&c);
        return;
    }
    g_strlcpy(out, "123456789012", 13);
}

/* ---- logging ---- */

void server_log(server *s, mockaws_log_level level, const char *fmt, ...)
{
    if (level > s->log_level || level == MOCKAWS_LOG_OFF)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    static const char *const names[] = {"off", "error", "warn", "info", "debug"};
    GDateTime *now = g_date_time_new_now_utc();
    char *ts = g_date_time_format(now, "%Y-%m-%dT%H:%M:%S.%fZ");
    g_date_time_unref(now);
    g_mutex_lock(&s->log_lock);
    if (s->log_format == MOCKAWS_LOG_JSON && msg[0] == '{')
        fprintf(s->log, "%s\n", msg);
    else if (s->log_format == MOCKAWS_LOG_JSON) {
        json_t *o = json_pack("{s:s, s:s, s:o}", "time", ts, "level", names[level], "message", jtext_string(msg));
        char *t = jtext_dumps(o, JSON_COMPACT);
        fprintf(s->log, "%s\n", t);
        free(t);
        json_decref(o);
    } else
        fprintf(s->log, "%s %s %s\n", ts, names[level], msg);
    fflush(s->log);
    g_mutex_unlock(&s->log_lock);
    g_free(ts);
    g_free(msg);
}

/* ---- the object ---- */

server *server_new(const mockaws_options *opts, const svc_def *const *services)
{
    server *s = g_new0(server, 1);
    s->services = services;
    clock_init(&s->clock);
    g_rw_lock_init(&s->reset_lock);
    g_mutex_init(&s->rand_lock);
    g_mutex_init(&s->cred_lock);
    g_mutex_init(&s->log_lock);
    g_mutex_init(&s->scenario_lock);
    s->rand = opts->seed ? g_rand_new_with_seed((guint32)(opts->seed ^ (opts->seed >> 32))) : g_rand_new();
    s->journal = journal_new(opts->journal_size ? opts->journal_size : DEFAULT_JOURNAL);
    s->capture_bodies = (gint)opts->capture_bodies;
    s->ns = ns_table_new(services, opts);
    s->creds = cred_table_new();
    s->auth = opts->auth;
    s->transitions = (gint)opts->transitions;
    g_mutex_init(&s->sigkey_lock);
    if (s->auth != MOCKAWS_AUTH_OFF)
        s->sigkeys = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    if (s->auth == MOCKAWS_AUTH_ENFORCE)
        s->decisions = decisions_new();
    s->log_level = opts->log_level;
    s->log_format = opts->log_format;
    s->log = opts->log_stream ? (FILE *)opts->log_stream : stderr;
    g_strlcpy(s->host, opts->host && *opts->host ? opts->host : "127.0.0.1", sizeof s->host);
    if (opts->control_token && *opts->control_token)
        s->control_token = g_strdup(opts->control_token);
    if (opts->allow_hosts) {
        size_t n = 0;
        while (opts->allow_hosts[n])
            n++;
        s->allow_hosts = g_new0(char *, n + 1);
        for (size_t i = 0; i < n; i++)
            s->allow_hosts[i] = g_ascii_strdown(opts->allow_hosts[i], -1);
    }
    return s;
}

void server_free(server *s)
{
    ns_table_free(s->ns);
    fault_set_free(s->faults);
    scenario_free(s->scenario);
    g_mutex_clear(&s->scenario_lock);
    journal_free(s->journal);
    if (s->creds)
        g_hash_table_destroy(s->creds);
    if (s->sigkeys)
        g_hash_table_destroy(s->sigkeys);
    g_mutex_clear(&s->sigkey_lock);
    decisions_free(s->decisions);
    if (s->rand)
        g_rand_free(s->rand);
    clock_clear(&s->clock);
    g_rw_lock_clear(&s->reset_lock);
    g_mutex_clear(&s->rand_lock);
    g_mutex_clear(&s->cred_lock);
    g_mutex_clear(&s->log_lock);
    g_free(s->control_token);
    json_decref(s->kept_settings);
    g_strfreev(s->allow_hosts);
    free(s->fixtures_dir);
    g_free(s);
}
