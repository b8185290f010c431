/* store: SNS's state for one account and region: topics, subscriptions,
 * the message log and the delivery worker, and the rules for their
 * attributes (shared by the handlers and the fixture loader).
 *
 * Topics sit in a GTree by ARN, so ListTopics pages in a stable order;
 * subscriptions in a hash by ARN plus a GTree by creation number for
 * ListSubscriptions, and each topic lists its own in creation order. The
 * namespace lock guards all of it, except the log and the delivery worker,
 * which the worker thread also reaches (log.h, delivery.h). */
#ifndef MOCKAWS_SNS_STORE_H
#define MOCKAWS_SNS_STORE_H

#include <glib.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "services/service.h"
#include "services/sns/delivery.h"
#include "services/sns/log.h"
#include "services/sns/platform.h"
#include "services/sns/policy.h"
#include "services/sns/sms.h"

#define SNS_MAX_TOPICS 100000
#define SNS_MAX_SUBSCRIPTIONS 100000
#define SNS_MAX_TAGS 50
/* FIFO deduplication window */
#define SNS_DEDUP_MS (5 * 60 * 1000)

typedef struct sns_topic sns_topic;

typedef struct sns_sub {
    char *arn;
    uint64_t seq;
    sns_topic *topic;
    char *protocol;
    char *endpoint;
    char *owner;
    bool pending;        /* waits for ConfirmSubscription */
    bool authenticated;  /* ConfirmationWasAuthenticated */
    char *token;         /* the confirmation token while pending */
    json_t *attrs;       /* what was set: FilterPolicy, RawMessageDelivery, ... (owned) */
    sns_policy *policy;  /* compiled FilterPolicy, or NULL */
} sns_sub;

struct sns_topic {
    char *arn;
    char *name;
    bool fifo;
    json_t *attrs;      /* what was set: DisplayName, Policy, DeliveryPolicy, ... (owned) */
    json_t *tags;       /* {key: value} in the order set (owned) */
    GPtrArray *subs;    /* sns_sub*, creation order (borrowed from the state) */
    unsigned deleted;   /* SubscriptionsDeleted */
    uint64_t sequence;  /* FIFO: last SequenceNumber handed out */
    uint64_t published; /* messages published to it (GET /_mockaws/sns/topics) */
    GHashTable *dedup;  /* FIFO: deduplication id -> dedup entry (owned) */
    GQueue dedup_order; /* the same entries, oldest first, for expiry */
};

/* What a FIFO topic remembers of a message for deduplication. */
typedef struct sns_dedup {
    char *id;
    int64_t expires_ms;
    char *message_id;
    char *sequence;
} sns_dedup;

typedef struct sns_state {
    GTree *topics;          /* arn -> sns_topic*, owned */
    GHashTable *subs;       /* arn -> sns_sub*, owned */
    GTree *subs_by_seq;     /* seq (as pointer-sized int) -> sns_sub*, borrowed */
    uint64_t next_seq;
    sns_log *log;
    sns_delivery *delivery; /* its worker starts with the first HTTP job */
    bool insecure_tls;      /* the server's --sns-insecure-tls */
    sns_sms *sms;           /* SMS attributes, opt-outs, the sandbox */
    sns_platform *platform; /* platform applications and endpoints */
} sns_state;

/* insecure_tls: https subscribers' certificates go unchecked (delivery.h). */
sns_state *sns_state_new(bool insecure_tls);
void sns_state_free(sns_state *st);
/* A deep copy of st (svc_def.state_clone): topics, subscriptions and the
 * message log are small next to what S3 and DynamoDB hold, so copying is
 * cheaper than sharing would be to keep. The copy has a delivery worker of
 * its own, idle: deliveries queued in st are not carried over (a reset
 * drops them too), and the log says so (sns_log_clone). */
sns_state *sns_state_clone(const sns_state *st);

sns_topic *sns_topic_find(sns_state *st, const char *arn);
sns_topic *sns_topic_add(sns_state *st, const char *arn, const char *name, bool fifo);
/* Deletes the topic and its subscriptions. */
void sns_topic_remove(sns_state *st, sns_topic *t);
/* Validates and sets one attribute (name as SetTopicAttributes takes it).
 * 0, or -1 with err set to the text after "Invalid parameter: ". */
int sns_topic_set_attribute(sns_topic *t, const char *name, const char *value, bool creating, char *err,
                            size_t errlen);
/* AddPermission: a statement labelled label in the topic's policy (the
 * default one first, when none was set) letting the accounts' root
 * principals do the actions (names without "SNS:"). 0, or -1 with err set
 * as for sns_topic_set_attribute. */
int sns_topic_add_permission(sns_topic *t, const char *account, const char *label, json_t *accounts, json_t *actions,
                             char *err, size_t errlen);
/* RemovePermission: drops the statement labelled label; none is fine. */
void sns_topic_remove_permission(sns_topic *t, const char *account, const char *label);
/* A data protection policy's JSON and top-level shape (Name, Description,
 * Version 2021-06-01, Statement): 0, or -1 with err set as for
 * sns_topic_set_attribute. */
int sns_data_protection_check(const char *value, char *err, size_t errlen);
/* Every attribute GetTopicAttributes shows (new reference). */
json_t *sns_topic_attributes(sns_topic *t, const char *account);
/* FIFO deduplication: the entry remembered for id at now_ms, or NULL. */
sns_dedup *sns_topic_dedup_find(sns_topic *t, const char *id, int64_t now_ms);
void sns_topic_dedup_add(sns_topic *t, const char *id, int64_t now_ms, const char *message_id, const char *seq);

/* One of the protocols SNS subscribes (http, https, email, ...); false for NULL. */
bool sns_protocol_known(const char *protocol);

sns_sub *sns_sub_find(sns_state *st, const char *arn);
sns_sub *sns_sub_add(sns_state *st, sns_topic *t, const char *arn, const char *protocol, const char *endpoint,
                     const char *owner);
void sns_sub_remove(sns_state *st, sns_sub *s);
/* As sns_topic_set_attribute, for SetSubscriptionAttributes. */
int sns_sub_set_attribute(sns_sub *s, const char *name, const char *value, char *err, size_t errlen);
json_t *sns_sub_attributes(sns_sub *s);
/* The deadLetterTargetArn of the subscription's RedrivePolicy (g_malloc'd),
 * or NULL without one. */
char *sns_sub_dead_letter_target(const sns_sub *s);
bool sns_sub_raw(const sns_sub *s);

/* Retries for HTTP delivery: the subscription's DeliveryPolicy, else the
 * topic's, else SNS's default of 3. */
int sns_sub_retries(const sns_sub *s);
/* Content-Type for HTTP delivery: requestPolicy.headerContentType of the
 * subscription's DeliveryPolicy, else of the topic's, else text/plain
 * (g_malloc'd). */
char *sns_sub_content_type(const sns_sub *s);

/* Topic names: 1..256 of [A-Za-z0-9_-], plus ".fifo" for FIFO topics. */
bool sns_topic_name_ok(const char *name, bool fifo);
/* arn:aws:sns:REGION:ACCOUNT:RESOURCE (g_malloc'd): every SNS ARN is made here. */
char *sns_arn_format(const char *region, const char *account, const char *resource);
/* arn:aws:sns:REGION:ACCOUNT:NAME pieces (g_malloc'd), false when it is not one. */
bool sns_arn_split(const char *arn, char **region, char **account, char **rest);

/* The "sns" fixture section (see sns.h) into st. */
int sns_state_load(sns_state *st, json_t *section, const svc_fixture_ctx *ctx, char *err, size_t errlen);
json_t *sns_state_dump(sns_state *st);

#endif
