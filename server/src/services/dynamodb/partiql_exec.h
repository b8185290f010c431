/* partiql_exec: ExecuteStatement, BatchExecuteStatement and
 * ExecuteTransaction.
 *
 * A statement (partiql.h) becomes the request of the operation DynamoDB
 * runs for it, and that operation's own handler does the work, with its
 * validation, condition and update evaluator, capacity and errors:
 *
 *   SELECT   a Query when the WHERE pins the partition key with = (its
 *            sort key condition, if any, becomes part of the key
 *            condition, the rest the filter), one Query per distinct key
 *            when it names them with IN [...], else a Scan filtered by the
 *            whole WHERE; ORDER BY the key: ScanIndexForward (and the order
 *            of an IN's keys)
 *   INSERT   PutItem on condition attribute_not_exists(partition key):
 *            DuplicateItemException when the item exists
 *   UPDATE   UpdateItem of the item the WHERE's key equalities name, the
 *            rest of the WHERE and attribute_exists(key) its condition;
 *            set_add / set_delete are ADD / DELETE; RETURNING is ReturnValues
 *   DELETE   DeleteItem, the rest of the WHERE its condition (a missing
 *            item is no error)
 *   EXISTS   a transaction's ConditionCheck
 *
 * BatchExecuteStatement runs up to 25 statements, all reads (each naming
 * one item by its whole key) or all writes, each answering alone in
 * Responses (an Error {Code, Message} for one that fails). ExecuteTransaction
 * runs up to 100 as TransactGetItems or TransactWriteItems (transact.h) do,
 * an INSERT's ConditionalCheckFailed reason turned to DuplicateItem.
 *
 * A SELECT's NextToken carries its LastEvaluatedKey (and which of an IN's
 * keys it is in) and a digest of the statement, so that a token goes back
 * only to the statement it came from. */
#ifndef MOCKAWS_DYNAMODB_PARTIQL_EXEC_H
#define MOCKAWS_DYNAMODB_PARTIQL_EXEC_H

#include "services/service.h"

int ddb_execute_statement(svc_call *c);
int ddb_batch_execute_statement(svc_call *c);
int ddb_execute_transaction(svc_call *c);

/* The tables the statements of an ExecuteStatement, BatchExecuteStatement
 * or ExecuteTransaction input name, in order, each once, joined by ","
 * (g_malloc'd), or NULL: the request's resource for fault rules and the
 * journal. Statements that do not read are left out. */
char *ddb_pql_tables(json_t *input);

#endif
