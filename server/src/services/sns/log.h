/* log: what SNS published in one namespace and what became of each delivery,
 * for the inspection API (GET /_mockaws/sns/messages).
 *
 * The log is shared between request handlers (which add messages under the
 * namespace lock) and the namespace's delivery thread (which records the
 * outcome of each HTTP attempt without that lock), so it has a mutex of its
 * own that guards everything in it. A message is an immutable JSON document
 * plus one outcome per subscription it went to; an outcome is refcounted
 * (under the same mutex) because a queued delivery may outlive the message
 * when the log is cleared or trimmed. The log keeps the newest
 * SNS_LOG_MAX messages. */
#ifndef MOCKAWS_SNS_LOG_H
#define MOCKAWS_SNS_LOG_H

#include <glib.h>
#include <jansson.h>
#include <stdint.h>

#define SNS_LOG_MAX 10000

typedef struct sns_log sns_log;

/* The fate of one message at one subscription (or of one subscription
 * confirmation). Fields are read and written under the log's mutex. */
typedef struct sns_outcome {
    int refs;
    char *subscription_arn;
    char *protocol;
    char *endpoint;
    const char *status; /* static: "queued", "retrying", "delivered", "failed",
                           "filtered", "pending_confirmation", "recorded" */
    int attempts;
    int http_status;    /* last answer, 0 = none */
    char *error;        /* why the last attempt failed, or a note; NULL */
    char *dead_letter;  /* the subscription's dead-letter queue the failed
                           message went to (or was meant to), or NULL */
    char *dead_letter_error; /* why it did not land there, or NULL */
    char *payload;      /* what this endpoint was given when it is not the
                           message itself (a platform's or SMS's key of a
                           structured message), or NULL; set before the
                           outcome is logged, never after */
    int64_t updated_ms; /* wall clock of the last change */
} sns_outcome;

sns_log *sns_log_new(void);
/* Call once no delivery thread uses it any more. */
void sns_log_free(sns_log *l);
/* A copy of l, messages and outcomes (a snapshot's: svc_def.state_clone).
 * No delivery will ever finish in the copy, so an outcome still queued or
 * retrying is copied as failed, saying so. Thread-safe. */
sns_log *sns_log_clone(sns_log *l);

/* A new outcome holding one reference, for the caller to hand to
 * sns_log_add / sns_log_add_confirmation. note may be NULL. */
sns_outcome *sns_outcome_new(const char *subscription_arn, const char *protocol, const char *endpoint,
                             const char *status, const char *note);
void sns_outcome_ref(sns_log *l, sns_outcome *o);
void sns_outcome_unref(sns_log *l, sns_outcome *o);
/* Records an attempt's result. error may be NULL. */
void sns_outcome_set(sns_log *l, sns_outcome *o, const char *status, int attempts, int http_status,
                     const char *error);

/* Records that the failed message was redriven to the dead-letter queue
 * arn; error (may be NULL) says why it did not land there. */
void sns_outcome_dead_letter(sns_log *l, sns_outcome *o, const char *arn, const char *error);

/* Adds a published message: doc (taken) with "message_id", "topic_arn"
 * and the rest; outcomes (taken, each with the reference the log keeps). */
void sns_log_add(sns_log *l, json_t *doc, GPtrArray *outcomes);
/* A SubscriptionConfirmation sent to an HTTP endpoint. */
void sns_log_add_confirmation(sns_log *l, json_t *doc, sns_outcome *o);

/* Appends copies of the messages (topic_arn NULL = all), each with
 * "deliveries", to messages, and the confirmations to confirmations (may
 * be NULL). */
void sns_log_export(sns_log *l, const char *topic_arn, json_t *messages, json_t *confirmations);
void sns_log_clear(sns_log *l);

#endif
