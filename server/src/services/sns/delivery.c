#include "services/sns/delivery.h"

#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "services/sns/httpc.h"

#define RETRY_BASE_MS 100
#define RETRY_MAX_MS 2000
/* Jobs waiting for the worker at most: a subscriber that hangs must not make
 * mockaws hoard every message published to it. */
#define MAX_QUEUED 10000

struct sns_delivery {
    sns_log *log;
    GMutex lock;        /* guards thread start and stop */
    GThread *thread;    /* NULL until the first job */
    GAsyncQueue *queue; /* sns_job*, or the delivery itself as the stop sign */
    int cancel[2];      /* written on stop: wakes a worker blocked on a socket */
    bool insecure;      /* https: certificates not checked */
};

sns_job *sns_job_new(const char *url, char *body, sns_outcome *outcome, int max_attempts)
{
    sns_job *j = g_new0(sns_job, 1);
    j->url = g_strdup(url);
    j->body = body;
    j->body_len = strlen(body);
    j->headers = g_ptr_array_new_with_free_func(g_free);
    j->outcome = outcome;
    j->max_attempts = max_attempts < 1 ? 1 : max_attempts;
    return j;
}

void sns_job_header(sns_job *job, const char *name, const char *value)
{
    g_ptr_array_add(job->headers, g_strdup_printf("%s: %s", name, value));
}

static void job_free(sns_log *log, sns_job *j)
{
    g_free(j->url);
    g_free(j->body);
    g_ptr_array_free(j->headers, TRUE);
    sns_outcome_unref(log, j->outcome);
    g_free(j);
}

static gint by_due(gconstpointer a, gconstpointer b)
{
    const sns_job *x = a, *y = b;
    return x->due_us < y->due_us ? -1 : x->due_us > y->due_us;
}

/* One attempt. Returns true when the job is finished (delivered or given up). */
static bool attempt(sns_delivery *d, sns_job *j)
{
    char err[256] = "";
    j->attempts++;
    int status = sns_http_post(j->url, (const char *const *)j->headers->pdata, j->headers->len, j->body, j->body_len,
                               SNS_DELIVERY_TIMEOUT_MS, d->cancel[0], d->insecure, err, sizeof err);
    if (status >= 200 && status < 300) {
        sns_outcome_set(d->log, j->outcome, "delivered", j->attempts, status, NULL);
        return true;
    }
    char msg[300];
    if (status > 0)
        g_snprintf(msg, sizeof msg, "the endpoint answered HTTP %d", status);
    else
        g_strlcpy(msg, err, sizeof msg);
    /* SNS retries what may heal (no answer, 5xx), not a 4xx refusal. */
    bool retry = (status == 0 || status >= 500 || status == 429) && j->attempts < j->max_attempts;
    sns_outcome_set(d->log, j->outcome, retry ? "retrying" : "failed", j->attempts, status > 0 ? status : 0, msg);
    if (!retry)
        return true;
    gint64 delay_ms = RETRY_BASE_MS << (j->attempts - 1 < 5 ? j->attempts - 1 : 5);
    j->due_us = g_get_monotonic_time() + (delay_ms > RETRY_MAX_MS ? RETRY_MAX_MS : delay_ms) * 1000;
    return false;
}

static gpointer worker(gpointer arg)
{
    sns_delivery *d = arg;
    GList *waiting = NULL; /* jobs due later, soonest first */
    for (;;) {
        gpointer item;
        if (waiting) {
            gint64 wait = ((sns_job *)waiting->data)->due_us - g_get_monotonic_time();
            item = wait > 0 ? g_async_queue_timeout_pop(d->queue, (guint64)wait) : g_async_queue_try_pop(d->queue);
        } else {
            item = g_async_queue_pop(d->queue);
        }
        if (item == d)
            break;
        if (item) {
            ((sns_job *)item)->due_us = 0;
            waiting = g_list_insert_sorted(waiting, item, by_due);
        }
        while (waiting && ((sns_job *)waiting->data)->due_us <= g_get_monotonic_time()) {
            sns_job *j = waiting->data;
            waiting = g_list_delete_link(waiting, waiting);
            if (attempt(d, j))
                job_free(d->log, j);
            else
                waiting = g_list_insert_sorted(waiting, j, by_due);
            if (g_async_queue_length(d->queue) > 0)
                break; /* new work, or the stop sign: look at it first */
        }
    }
    for (GList *l = waiting; l; l = l->next) {
        sns_job *j = l->data;
        sns_outcome_set(d->log, j->outcome, "failed", j->attempts, 0, "mockaws stopped before delivering");
        job_free(d->log, j);
    }
    g_list_free(waiting);
    return NULL;
}

sns_delivery *sns_delivery_new(sns_log *log, bool insecure)
{
    sns_delivery *d = g_new0(sns_delivery, 1);
    d->log = log;
    d->insecure = insecure;
    g_mutex_init(&d->lock);
    d->queue = g_async_queue_new();
    d->cancel[0] = d->cancel[1] = -1;
    return d;
}

void sns_delivery_submit(sns_delivery *d, sns_job *job)
{
    if (g_async_queue_length(d->queue) >= MAX_QUEUED) {
        sns_outcome_set(d->log, job->outcome, "failed", 0, 0, "mockaws's delivery queue is full");
        job_free(d->log, job);
        return;
    }
    g_mutex_lock(&d->lock);
    if (!d->thread) {
        if (pipe(d->cancel) == 0) {
            for (int i = 0; i < 2; i++) {
                fcntl(d->cancel[i], F_SETFD, FD_CLOEXEC);
                fcntl(d->cancel[i], F_SETFL, fcntl(d->cancel[i], F_GETFL) | O_NONBLOCK);
            }
        } else {
            d->cancel[0] = d->cancel[1] = -1; /* still works; stopping waits for timeouts */
        }
        d->thread = g_thread_new("mockaws-sns", worker, d);
    }
    g_mutex_unlock(&d->lock);
    g_async_queue_push(d->queue, job);
}

void sns_delivery_free(sns_delivery *d)
{
    if (!d)
        return;
    g_mutex_lock(&d->lock);
    if (d->thread) {
        if (d->cancel[1] >= 0 && write(d->cancel[1], "x", 1) < 0) {
            /* a full pipe is already a wake-up */
        }
        g_async_queue_push_front(d->queue, d);
        g_thread_join(d->thread);
        d->thread = NULL;
    }
    g_mutex_unlock(&d->lock);
    gpointer item;
    while ((item = g_async_queue_try_pop(d->queue)))
        if (item != d)
            job_free(d->log, item);
    g_async_queue_unref(d->queue);
    for (int i = 0; i < 2; i++)
        if (d->cancel[i] >= 0)
            close(d->cancel[i]);
    g_mutex_clear(&d->lock);
    g_free(d);
}
