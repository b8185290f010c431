/* sqs: Amazon SQS (AWS JSON 1.0, awsQueryCompatible), one state per
 * account and region (services/sqs/store.h). sqs.c holds the svc_def, the
 * queue operations and the fixture section; messages.c the message
 * operations; redrive.c dead-letter queues and message move tasks;
 * permission.c AddPermission and RemovePermission. The
 * helpers here are what those files share. */
#ifndef MOCKAWS_SQS_SQS_H
#define MOCKAWS_SQS_SQS_H

#include "services/sqs/store.h"
#include "services/svc_api.h"

/* The queue a QueueUrl names in c's namespace. Any scheme and host are
 * taken (http://localhost:4566/..., https://sqs.REGION.amazonaws.com/...,
 * https://queue.amazonaws.com/...): the path /ACCOUNT/NAME decides.
 * QueueDoesNotExist (c->err set) when it names no queue here. */
sqs_queue *sqs_queue_for_url(svc_call *c, const char *url);

/* InvalidParameterValue with a printf message; -1. */
int sqs_invalid(svc_call *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "Value V for parameter P is invalid. Reason: R." as InvalidParameterValue. */
int sqs_invalid_value(svc_call *c, const char *value, const char *param, const char *reason);

/* The queue's URL (g_malloc'd). */
char *sqs_queue_url(svc_call *c, const sqs_queue *q);

/* Wakes the long polls parked on q for `ready` messages it gained: as many
 * polls as messages, the longest waiting first. Waking every poll for each
 * message had all but one run again for nothing and park anew (99 runs of
 * ReceiveMessage per SendMessage with 100 polls parked: bench/longpoll.sh). */
void sqs_wake(svc_call *c, const sqs_queue *q, size_t ready);

/* An integer input member, or dflt when absent. */
long sqs_int_in(json_t *in, const char *name, long dflt);

/* ---- messages.c ---- */
int sqs_send_message(svc_call *c);
int sqs_send_message_batch(svc_call *c);
int sqs_receive_message(svc_call *c);
int sqs_delete_message(svc_call *c);
int sqs_delete_message_batch(svc_call *c);
int sqs_change_visibility(svc_call *c);
int sqs_change_visibility_batch(svc_call *c);
/* A message as a fixture or dump has it, and back. */
json_t *sqs_message_dump(const sqs_msg *m);
sqs_msg *sqs_message_load(json_t *o, int64_t now_ms, char *err, size_t errlen);

/* ---- redrive.c ---- */
/* Checks a RedrivePolicy / RedriveAllowPolicy value for queue q (NULL: a
 * queue being created, fifo given); 0 or -1 with c->err set. */
int sqs_redrive_check(svc_call *c, const char *value, bool fifo);
int sqs_redrive_allow_check(svc_call *c, const char *value);
/* q's redrive policy: the dead-letter queue (NULL: none or gone) and
 * maxReceiveCount. */
sqs_queue *sqs_dead_letter_of(sqs_state *st, const sqs_queue *q, int *max_receives);
int sqs_list_dead_letter_sources(svc_call *c);
int sqs_start_move_task(svc_call *c);
int sqs_list_move_tasks(svc_call *c);
int sqs_cancel_move_task(svc_call *c);
/* Moves messages for the running tasks as the clock allows. */
void sqs_run_move_tasks(svc_call *c, sqs_state *st);

/* ---- permission.c ---- */
int sqs_add_permission(svc_call *c);
int sqs_remove_permission(svc_call *c);

#endif
