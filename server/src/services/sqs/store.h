/* store: SQS queues and their messages, for one account and region.
 *
 * A message is in exactly one of three states, each kept where the next
 * step finds it without a scan:
 *
 *   delayed   sent with a delay still running: in `pending`, keyed by the
 *             time it becomes visible;
 *   in flight received, its visibility timeout running: in `pending` too;
 *   visible   a standard queue's in `ready` (by arrival); a FIFO queue's at
 *             its place in its message group, the group listed in `avail`
 *             while none of its messages is in flight.
 *
 * Every message is also in `by_seq` (arrival number -> message), which a
 * receipt handle names, so delete and visibility changes are O(log n).
 * sqs_settle moves what the clock has made visible (each message once per
 * transition), so a receive costs O(log n) per message it returns. Nothing
 * here locks: the namespace lock is held around every call. */
#ifndef MOCKAWS_SQS_STORE_H
#define MOCKAWS_SQS_STORE_H

#include <glib.h>
#include <jansson.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct sqs_queue sqs_queue;
typedef struct sqs_group sqs_group;

typedef enum sqs_msg_state { SQS_VISIBLE, SQS_DELAYED, SQS_INFLIGHT } sqs_msg_state;

typedef struct sqs_msg {
    uint64_t seq;                 /* arrival number in its queue */
    char id[37];                  /* MessageId */
    char *body;                   /* g_malloc'd, NUL after body_len bytes */
    size_t body_len;
    json_t *attrs;                /* MessageAttributes as sent (owned), or NULL */
    json_t *sys_attrs;            /* MessageSystemAttributes as sent (owned), or NULL */
    char md5_body[33], md5_attrs[33], md5_sys[33]; /* "" when there are none */
    int64_t sent_ms;
    int64_t visible_ms;           /* delayed / in flight: when it is visible again */
    int64_t first_receive_ms;     /* 0: never received */
    int64_t last_receive_ms;      /* the receive its visibility timeout runs from */
    int receive_count;
    uint32_t receipt_gen;         /* which receive the newest receipt handle is from */
    sqs_msg_state state;
    char *sender_id;              /* owned */
    char *group_id;               /* MessageGroupId or NULL (owned) */
    char *dedup_id;               /* MessageDeduplicationId or NULL (owned) */
    char *sequence_number;        /* FIFO: SequenceNumber (owned), else NULL */
    char *dlq_source_arn;         /* moved here from this queue by its redrive policy */
    sqs_group *group;             /* FIFO: its group (borrowed) */
    GList *group_link;            /* FIFO: its link in the group's queue */
} sqs_msg;

struct sqs_group {
    char *id;
    GQueue msgs;      /* the group's messages in order (sqs_msg*, borrowed) */
    int inflight;     /* how many are in flight: the group is blocked while > 0 */
    uint64_t avail_key; /* its key in the queue's avail tree, 0 when not there */
};

/* A message move task (StartMessageMoveTask). */
typedef struct sqs_move_task {
    char *handle;          /* TaskHandle */
    char *source_arn;
    char *dest_arn;        /* NULL: each message back to its source queue */
    int rate;              /* MaxNumberOfMessagesPerSecond, 0: not given */
    char *status;          /* RUNNING, COMPLETED, CANCELLED, FAILED */
    char *failure;         /* FailureReason, or NULL */
    int64_t started_ms;
    int64_t to_move;       /* ApproximateNumberOfMessagesToMove */
    int64_t moved;
} sqs_move_task;

/* A FIFO ReceiveMessage's ReceiveRequestAttemptId: what it received, which
 * a retry within 5 minutes gets again. */
typedef struct sqs_attempt {
    int64_t expires_ms; /* first: the sweep reads it (store.c) */
    GArray *seqs; /* uint64_t */
} sqs_attempt;

struct sqs_queue {
    char *name;
    char *arn;
    bool fifo;
    json_t *attrs;         /* the settable attributes as strings (owned), defaults included */
    json_t *tags;          /* object of strings (owned) */
    int64_t created_ms, modified_ms;
    int64_t purged_ms;     /* last PurgeQueue, 0: never */
    uint64_t next_seq;
    GTree *by_seq;         /* seq -> sqs_msg (owns the messages) */
    GTree *pending;        /* (visible_ms, seq) -> sqs_msg: delayed and in flight */
    GTree *ready;          /* standard: seq -> sqs_msg, visible */
    GHashTable *groups;    /* FIFO: group id -> sqs_group (owned) */
    GTree *avail;          /* FIFO: avail_key -> sqs_group, groups with nothing in flight */
    GHashTable *dedup;     /* FIFO: dedup id -> expiry ms (int64_t*), 5 minutes */
    GQueue dedup_order;    /* FIFO: dedup ids as recorded (g_malloc'd copies), oldest first */
    GHashTable *attempts;  /* FIFO: ReceiveRequestAttemptId -> sqs_attempt (owned) */
    GQueue attempt_order;  /* FIFO: attempt ids as recorded (g_malloc'd copies) */
    size_t n_inflight, n_delayed;
    GPtrArray *tasks;      /* sqs_move_task*, oldest first (owned) */
};

typedef struct sqs_state {
    GTree *queues;         /* name -> sqs_queue (owned), sorted for ListQueues */
    GHashTable *deleted;   /* name -> deletion time (gint64*), for QueueDeletedRecently */
    uint64_t next_task;
    _Atomic int64_t due;   /* no earlier than the first time some queue has work on the
                              clock (svc_def.due_ms reads it without the lock) */
} sqs_state;

sqs_state *sqs_state_new(void);
void sqs_state_free(sqs_state *st);
/* A deep copy of st, messages in every state included (svc_def.state_clone):
 * queues hold what a test sends, little next to S3 and DynamoDB, so
 * copying is cheaper than sharing would be to keep. Receipt handles stay
 * valid in the copy (they name a message's seq and receive). */
sqs_state *sqs_state_clone(const sqs_state *st);

/* A new queue (attrs: the attribute object, taken). The state owns it. */
sqs_queue *sqs_queue_add(sqs_state *st, const char *name, const char *arn, bool fifo, json_t *attrs,
                         json_t *tags, int64_t now_ms);
sqs_queue *sqs_queue_find(sqs_state *st, const char *name);
/* Finds a queue by its ARN in this namespace. */
sqs_queue *sqs_queue_by_arn(sqs_state *st, const char *arn);
void sqs_queue_remove(sqs_state *st, sqs_queue *q, int64_t now_ms);

/* An integer attribute of q (VisibilityTimeout, ...). */
long sqs_queue_int(const sqs_queue *q, const char *name);

/* Moves the messages whose delay or visibility timeout is over to visible,
 * drops those past the queue's retention period. */
void sqs_settle(sqs_queue *q, int64_t now_ms);

/* Adds a message (taking msg), delayed by delay_s. */
void sqs_enqueue(sqs_queue *q, sqs_msg *msg, int delay_s, int64_t now_ms);

/* Up to max visible messages, each made in flight for visibility_s with its
 * receive count raised; appended to out (borrowed). A message whose count
 * would pass max_receives (> 0) is not received: it is handed to
 * to_dead_letter (taken) instead. */
typedef void (*sqs_dead_fn)(sqs_msg *m, void *arg);
void sqs_receive(sqs_queue *q, int max, int visibility_s, int max_receives, sqs_dead_fn to_dead_letter,
                 void *arg, int64_t now_ms, GPtrArray *out);

sqs_msg *sqs_msg_find(sqs_queue *q, uint64_t seq);
/* Removes m from every index and frees it. */
void sqs_msg_delete(sqs_queue *q, sqs_msg *m);
/* Takes m out of q without freeing it (a move to another queue). */
void sqs_msg_detach(sqs_queue *q, sqs_msg *m);
/* A new visibility timeout for an in-flight message (0: visible now). */
void sqs_msg_set_visibility(sqs_queue *q, sqs_msg *m, int visibility_s, int64_t now_ms);
void sqs_msg_free(sqs_msg *m);

/* Drops every message. */
void sqs_purge(sqs_queue *q);

/* FIFO deduplication: whether id was seen within the 5-minute interval;
 * else records it. */
bool sqs_dedup_seen(sqs_queue *q, const char *id, int64_t now_ms);

/* FIFO ReceiveRequestAttemptId: what a receive with id got within the last
 * 5 minutes (NULL: none), and recording it (seqs taken). */
sqs_attempt *sqs_attempt_find(sqs_queue *q, const char *id, int64_t now_ms);
void sqs_attempt_record(sqs_queue *q, const char *id, GArray *seqs, int64_t now_ms);

/* The earliest time q has work on the clock (a delay or visibility timeout
 * ending, a message reaching its retention), INT64_MAX for none. */
int64_t sqs_queue_due(sqs_queue *q);

/* Lowers st->due to q's next work. */
void sqs_note_due(sqs_state *st, sqs_queue *q);

/* Approximate counts, after sqs_settle. */
size_t sqs_count_visible(const sqs_queue *q);

#endif
