/* delivery: HTTP delivery to SNS subscribers, off the request path.
 *
 * The core has no per-service threads, so each SNS namespace that has an
 * HTTP subscriber owns one worker thread and one queue, made on the first
 * submitted job and stopped (and joined) when the namespace's state is
 * freed (reset, server stop). Handlers only enqueue: a request worker never
 * waits for a subscriber.
 *
 * The worker POSTs each job (httpc.h) and records every attempt in the job's
 * outcome (log.h). Like SNS it retries network errors and 5xx answers, not
 * 4xx; unlike SNS (20 s apart by default) its retries are 100 ms, 200 ms,
 * 400 ms... apart (at most 2 s), so that tests see them. A job waiting for its
 * retry does not hold up the others, but one attempt in flight does (at most
 * SNS_DELIVERY_TIMEOUT_MS). At most 10000 jobs wait; more are recorded as
 * failed. Stopping cancels the exchange in flight at once (a pipe the worker
 * polls) and drops what is left. */
#ifndef MOCKAWS_SNS_DELIVERY_H
#define MOCKAWS_SNS_DELIVERY_H

#include <glib.h>
#include <stdbool.h>

#include "services/sns/log.h"

/* The longest one attempt may take, connect to answer. */
#define SNS_DELIVERY_TIMEOUT_MS 5000

typedef struct sns_delivery sns_delivery;

typedef struct sns_job {
    char *url;
    char *body;
    size_t body_len;
    GPtrArray *headers;   /* "Name: value" lines, owned */
    sns_outcome *outcome; /* one reference, released with the job */
    int max_attempts;     /* 1 + retries */
    int attempts;         /* made so far (the worker's) */
    gint64 due_us;        /* monotonic time of the next attempt (the worker's) */
} sns_job;

/* Takes body and the reference to outcome. */
sns_job *sns_job_new(const char *url, char *body, sns_outcome *outcome, int max_attempts);
void sns_job_header(sns_job *job, const char *name, const char *value);

/* Outcomes are recorded in log, which must outlive the delivery.
 * insecure: https endpoints' certificates are not checked
 * (--sns-insecure-tls). */
sns_delivery *sns_delivery_new(sns_log *log, bool insecure);
/* Queues a job (taken); starts the worker on first use. Never blocks. */
void sns_delivery_submit(sns_delivery *d, sns_job *job);
/* Stops the worker (cancelling what is in flight), joins it, frees the
 * jobs left. NULL is fine. */
void sns_delivery_free(sns_delivery *d);

#endif
