/* DynamoDB transactions through the whole pipeline: TransactWriteItems all
 * or nothing with cancellation reasons per action, idempotency by
 * ClientRequestToken on the server clock, the transaction_conflict fault,
 * and TransactGetItems. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/server.h"

#include "test_dynamodb_call.h"

#define TABLES                                                                                                 \
    "{'dynamodb': {'tables': [{'TableName': 'accounts', 'BillingMode': 'PAY_PER_REQUEST', "                  \
    "'KeySchema': [{'AttributeName': 'id', 'KeyType': 'HASH'}], "                                             \
    "'AttributeDefinitions': [{'AttributeName': 'id', 'AttributeType': 'S'}], 'items': ["                    \
    "{'id': {'S': 'alice'}, 'balance': {'N': '100'}}, {'id': {'S': 'bob'}, 'balance': {'N': '5'}}, "          \
    "{'id': {'S': 'eve'}, 'balance': {'S': 'lots'}}]}, "                                                      \
    "{'TableName': 'ledger', 'BillingMode': 'PAY_PER_REQUEST', "                                              \
    "'KeySchema': [{'AttributeName': 'acct', 'KeyType': 'HASH'}, {'AttributeName': 'seq', 'KeyType': 'RANGE'}], " \
    "'AttributeDefinitions': [{'AttributeName': 'acct', 'AttributeType': 'S'}, {'AttributeName': 'seq', "    \
    "'AttributeType': 'N'}]}]}}"

/* A transfer of amount from one account to another, with its ledger line. */
#define TRANSFER(from, to, amount, seq)                                                                         \
    "{'TransactItems': ["                                                                                       \
    "{'Update': {'TableName': 'accounts', 'Key': {'id': {'S': '" from "'}}, 'UpdateExpression': "            \
    "'SET balance = balance - :a', 'ConditionExpression': 'balance >= :a', 'ExpressionAttributeValues': "     \
    "{':a': {'N': '" amount "'}}, 'ReturnValuesOnConditionCheckFailure': 'ALL_OLD'}}, "                        \
    "{'Update': {'TableName': 'accounts', 'Key': {'id': {'S': '" to "'}}, 'UpdateExpression': "              \
    "'SET balance = balance + :a', 'ConditionExpression': 'attribute_exists(id)', "                           \
    "'ExpressionAttributeValues': {':a': {'N': '" amount "'}}}}, "                                              \
    "{'Put': {'TableName': 'ledger', 'Item': {'acct': {'S': '" from "'}, 'seq': {'N': '" seq "'}, "           \
    "'amount': {'N': '" amount "'}}, 'ConditionExpression': 'attribute_not_exists(seq)'}}]"

static const char *balance(server *s, const char *id, json_t **keep)
{
    json_t *r = okq(s, "GetItem", "{'TableName': 'accounts', 'Key': {'id': {'S': '%s'}}, 'ConsistentRead': true}", id);
    *keep = r;
    return AT_STR(r, "Item", "balance", "N");
}

static void expect_balances(server *s, const char *alice, const char *bob)
{
    json_t *a, *b;
    assert_string_equal(balance(s, "alice", &a), alice);
    assert_string_equal(balance(s, "bob", &b), bob);
    json_decref(a);
    json_decref(b);
}

static size_t ledger_lines(server *s)
{
    json_t *r = okq(s, "Scan", "{'TableName': 'ledger', 'Select': 'COUNT'}");
    size_t n = (size_t)AT_INT(r, "Count");
    json_decref(r);
    return n;
}

static void all_or_nothing(void **st)
{
    server *s = *st;
    fresh(s);
    fixture_q(s, TABLES);
    json_t *r = okq(s, "TransactWriteItems", TRANSFER("alice", "bob", "30", "1") ", 'ReturnConsumedCapacity': 'TOTAL'}");
    /* a transactional write costs two units per KB */
    json_t *cc = AT(r, "ConsumedCapacity");
    assert_int_equal(json_array_size(cc), 2);
    assert_string_equal(AT_STR(cc, "0", "TableName"), "accounts");
    assert_true(json_number_value(AT(cc, "0", "CapacityUnits")) == 4.0);
    json_decref(r);
    expect_balances(s, "70", "35");
    assert_int_equal(ledger_lines(s), 1);

    /* bob cannot pay 50: nothing at all happens, and each action says why */
    answer a = callq(s, "TransactWriteItems", TRANSFER("bob", "alice", "50", "2") "}");
    assert_int_equal(a.status, 400);
    assert_string_equal(a.type, "TransactionCanceledException");
    assert_string_equal(a.message, "Transaction cancelled, please refer cancellation reasons for specific reasons "
                                   "[ConditionalCheckFailed, None, None]");
    json_t *reasons = AT(a.body, "CancellationReasons");
    assert_int_equal(json_array_size(reasons), 3);
    assert_string_equal(AT_STR(reasons, "0", "Code"), "ConditionalCheckFailed");
    assert_string_equal(AT_STR(reasons, "0", "Message"), "The conditional request failed");
    /* ReturnValuesOnConditionCheckFailure: the item as it was */
    assert_string_equal(AT_STR(reasons, "0", "Item", "balance", "N"), "35");
    assert_string_equal(AT_STR(reasons, "1", "Code"), "None");
    assert_null(AT(reasons, "1", "Message"));
    answer_free(&a);
    expect_balances(s, "70", "35");
    assert_int_equal(ledger_lines(s), 1);

    /* every failing action is reported, a ledger line already there too */
    a = callq(s, "TransactWriteItems", TRANSFER("bob", "nobody", "50", "1") "}");
    assert_string_equal(a.message, "Transaction cancelled, please refer cancellation reasons for specific reasons "
                                   "[ConditionalCheckFailed, ConditionalCheckFailed, None]");
    answer_free(&a);
    a = callq(s, "TransactWriteItems", "{'TransactItems': [{'Put': {'TableName': 'ledger', 'Item': {'acct': {'S': 'alice'}, "
                                       "'seq': {'N': '1'}}, 'ConditionExpression': 'attribute_not_exists(seq)'}}]}");
    assert_string_equal(AT_STR(a.body, "CancellationReasons", "0", "Code"), "ConditionalCheckFailed");
    assert_null(AT(a.body, "CancellationReasons", "0", "Item"));
    answer_free(&a);
    /* an update that cannot apply is a ValidationError reason */
    a = callq(s, "TransactWriteItems", TRANSFER("alice", "eve", "1", "9") "}");
    assert_string_equal(a.message, "Transaction cancelled, please refer cancellation reasons for specific reasons "
                                   "[None, ValidationError, None]");
    assert_string_equal(AT_STR(a.body, "CancellationReasons", "1", "Message"),
                        "An operand in the update expression has an incorrect data type");
    answer_free(&a);
    expect_balances(s, "70", "35");

    /* deletes and condition checks */
    doq(s, "TransactWriteItems", "{'TransactItems': [{'ConditionCheck': {'TableName': 'accounts', 'Key': {'id': {'S': 'alice'}}, "
                                 "'ConditionExpression': 'balance > :z', 'ExpressionAttributeValues': {':z': {'N': '0'}}}}, "
                                 "{'Delete': {'TableName': 'ledger', 'Key': {'acct': {'S': 'alice'}, 'seq': {'N': '1'}}}}]}");
    assert_int_equal(ledger_lines(s), 0);
}

static void transaction_validation(void **st)
{
    server *s = *st;
    fresh(s);
    fixture_q(s, TABLES);
    const char *v = "ValidationException";
    errq(s, "TransactWriteItems", v, "Transaction request cannot include multiple operations on one item",
         "{'TransactItems': [{'Put': {'TableName': 'accounts', 'Item': {'id': {'S': 'x'}}}}, "
         "{'ConditionCheck': {'TableName': 'accounts', 'Key': {'id': {'S': 'x'}}, 'ConditionExpression': 'attribute_exists(id)'}}]}");
    errq(s, "TransactWriteItems", v, "TransactItems can only contain one of Check, Put, Update or Delete",
         "{'TransactItems': [{'Put': {'TableName': 'accounts', 'Item': {'id': {'S': 'x'}}}, "
         "'Delete': {'TableName': 'accounts', 'Key': {'id': {'S': 'y'}}}}]}");
    errq(s, "TransactWriteItems", v, "Invalid Request: TransactWriteRequest should contain Delete or Put or Update request",
         "{'TransactItems': [{}]}");
    errq(s, "TransactWriteItems", v, "The provided key element does not match the schema",
         "{'TransactItems': [{'Delete': {'TableName': 'accounts', 'Key': {'nope': {'S': 'x'}}}}]}");
    errq(s, "TransactWriteItems", v, "One or more parameter values were invalid: Missing the key id in the item",
         "{'TransactItems': [{'Put': {'TableName': 'accounts', 'Item': {'nope': {'S': 'x'}}}}]}");
    errq(s, "TransactWriteItems", v, "Invalid UpdateExpression: Syntax error; token: \"<EOF>\", near: \"SET\"",
         "{'TransactItems': [{'Update': {'TableName': 'accounts', 'Key': {'id': {'S': 'x'}}, 'UpdateExpression': 'SET'}}]}");
    errq(s, "TransactWriteItems", v, "Value provided in ExpressionAttributeValues unused in expressions: keys: {:b}",
         "{'TransactItems': [{'ConditionCheck': {'TableName': 'accounts', 'Key': {'id': {'S': 'x'}}, "
         "'ConditionExpression': 'a = :a', 'ExpressionAttributeValues': {':a': {'N': '1'}, ':b': {'N': '1'}}}}]}");
    errq(s, "TransactWriteItems", "ResourceNotFoundException", "Requested resource not found",
         "{'TransactItems': [{'Put': {'TableName': 'nowhere', 'Item': {'id': {'S': 'x'}}}}]}");
    errq(s, "TransactGetItems", v, "Transaction request cannot include multiple operations on one item",
         "{'TransactItems': [{'Get': {'TableName': 'accounts', 'Key': {'id': {'S': 'x'}}}}, "
         "{'Get': {'TableName': 'accounts', 'Key': {'id': {'S': 'x'}}}}]}");
    /* 101 actions: the model's limit */
    GString *b = g_string_new("{'TransactItems': [");
    for (int i = 0; i < 101; i++)
        g_string_append_printf(b, "%s{'Put': {'TableName': 'accounts', 'Item': {'id': {'S': 'k%d'}}}}", i ? ", " : "", i);
    g_string_append(b, "]}");
    answer a = callq(s, "TransactWriteItems", "%s", b->str);
    assert_int_equal(a.status, 400);
    assert_string_equal(a.type, "ValidationException");
    assert_non_null(strstr(a.message, "Member must have length less than or equal to 100"));
    answer_free(&a);
    g_string_free(b, TRUE);
}

static void idempotency(void **st)
{
    server *s = *st;
    fresh(s);
    fixture_q(s, TABLES);
    const char *add = "{'ClientRequestToken': 'tok-1', 'TransactItems': [{'Update': {'TableName': 'accounts', 'Key': "
                      "{'id': {'S': 'alice'}}, 'UpdateExpression': 'ADD balance :one', 'ExpressionAttributeValues': "
                      "{':one': {'N': '%s'}}}}]}";
    doq(s, "TransactWriteItems", add, "1");
    /* the same request again: success, and nothing written twice */
    doq(s, "TransactWriteItems", add, "1");
    expect_balances(s, "101", "5");
    errq(s, "TransactWriteItems", "IdempotentParameterMismatchException", NULL, add, "2");
    /* a cancelled transaction is not remembered */
    const char *fail = "{'ClientRequestToken': 'tok-2', 'TransactItems': [{'ConditionCheck': {'TableName': 'accounts', "
                       "'Key': {'id': {'S': 'bob'}}, 'ConditionExpression': 'balance > :n', 'ExpressionAttributeValues': "
                       "{':n': {'N': '%s'}}}}]}";
    errq(s, "TransactWriteItems", "TransactionCanceledException", NULL, fail, "10");
    doq(s, "TransactWriteItems", fail, "1");
    /* ten minutes on, the token is forgotten */
    mockaws_clock_advance(s, 9 * 60 * 1000);
    doq(s, "TransactWriteItems", add, "1");
    expect_balances(s, "101", "5");
    mockaws_clock_advance(s, 61 * 1000);
    doq(s, "TransactWriteItems", add, "1");
    expect_balances(s, "102", "5");
}

static void conflicts_and_gets(void **st)
{
    server *s = *st;
    fresh(s);
    fixture_q(s, TABLES);
    fault_q(s, "{'service': 'dynamodb', 'operation': 'TransactWriteItems', 'transaction_conflict': 1.0, 'times': 1}");
    answer a = callq(s, "TransactWriteItems", TRANSFER("alice", "bob", "1", "1") "}");
    assert_string_equal(a.type, "TransactionCanceledException");
    assert_string_equal(a.message, "Transaction cancelled, please refer cancellation reasons for specific reasons "
                                   "[TransactionConflict, TransactionConflict, TransactionConflict]");
    assert_string_equal(AT_STR(a.body, "CancellationReasons", "0", "Message"), "Transaction is ongoing for the item");
    answer_free(&a);
    expect_balances(s, "100", "5");
    /* the rule is spent: the retry goes through */
    doq(s, "TransactWriteItems", TRANSFER("alice", "bob", "1", "1") "}");
    expect_balances(s, "99", "6");
    /* a share of the actions */
    fault_q(s, "{'service': 'dynamodb', 'operation': 'TransactWriteItems', 'resource': 'accounts,ledger', "
               "'transaction_conflict': 0.5}");
    a = callq(s, "TransactWriteItems", TRANSFER("alice", "bob", "1", "2") "}");
    assert_string_equal(a.message, "Transaction cancelled, please refer cancellation reasons for specific reasons "
                                   "[None, None, TransactionConflict]");
    answer_free(&a);
    mockaws_faults_clear(s);

    json_t *r = okq(s, "TransactGetItems", "{'TransactItems': [{'Get': {'TableName': 'accounts', 'Key': {'id': {'S': 'bob'}}, "
                                           "'ProjectionExpression': 'balance'}}, {'Get': {'TableName': 'accounts', 'Key': "
                                           "{'id': {'S': 'nobody'}}}}, {'Get': {'TableName': 'ledger', 'Key': {'acct': "
                                           "{'S': 'alice'}, 'seq': {'N': '1'}}}}], 'ReturnConsumedCapacity': 'TOTAL'}");
    json_t *resp = AT(r, "Responses");
    assert_int_equal(json_array_size(resp), 3);
    assert_string_equal(AT_STR(resp, "0", "Item", "balance", "N"), "6");
    assert_null(AT(resp, "0", "Item", "id"));
    assert_int_equal(json_object_size(AT(resp, "1")), 0);
    assert_string_equal(AT_STR(resp, "2", "Item", "amount", "N"), "1");
    assert_int_equal(json_array_size(AT(r, "ConsumedCapacity")), 2);
    json_decref(r);
    fault_q(s, "{'service': 'dynamodb', 'operation': 'TransactGetItems', 'transaction_conflict': 1.0}");
    a = callq(s, "TransactGetItems", "{'TransactItems': [{'Get': {'TableName': 'accounts', 'Key': {'id': {'S': 'bob'}}}}]}");
    assert_string_equal(a.type, "TransactionCanceledException");
    assert_string_equal(AT_STR(a.body, "CancellationReasons", "0", "Code"), "TransactionConflict");
    answer_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(all_or_nothing),
        cmocka_unit_test(transaction_validation),
        cmocka_unit_test(idempotency),
        cmocka_unit_test(conflicts_and_gets),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
