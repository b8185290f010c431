/* transact: TransactWriteItems (Put, Update, Delete, ConditionCheck; up to
 * 100 actions; all or nothing) and TransactGetItems.
 *
 * Every action is checked as its single-item operation would be (item.h),
 * no item may be named twice, then every action is evaluated against the
 * items as they are; only when none fails is anything written. A failure
 * is TransactionCanceledException with one CancellationReason per action
 * in request order (Code None, ConditionalCheckFailed, ValidationError,
 * TransactionConflict, ProvisionedThroughputExceeded; Message; Item when
 * ReturnValuesOnConditionCheckFailure is ALL_OLD) and the message
 * "Transaction cancelled, please refer cancellation reasons for specific
 * reasons [ConditionalCheckFailed, None]".
 *
 * ClientRequestToken makes a TransactWriteItems idempotent for ten minutes
 * of server time: the same token and request again succeed without
 * writing; the same token with another request is
 * IdempotentParameterMismatchException.
 *
 * A fault rule's {"transaction_conflict": f} makes that share of the n
 * actions (svc_fault_share in services/svc_api.h; spread evenly through them) conflict:
 * TransactionConflict, as if another transaction held their items. */
#ifndef MOCKAWS_DYNAMODB_TRANSACT_H
#define MOCKAWS_DYNAMODB_TRANSACT_H

#include "services/dynamodb/table.h"
#include "services/service.h"

int ddb_transact_write_items(svc_call *c);
int ddb_transact_get_items(svc_call *c);

/* The state's remembered ClientRequestTokens: made empty, freed, and
 * shared with a clone in O(1) (ddb_state_clone). */
void ddb_tokens_init(ddb_state *st);
void ddb_tokens_free(ddb_state *st);
void ddb_tokens_share(ddb_state *dst, const ddb_state *src);

#endif
