#!/usr/bin/env bats
# DynamoDB reads, batches and transactions through the aws CLI (issue 6): query and scan
# with the CLI's own pagination, parallel scans, batch-write-item / batch-get-item,
# transact-write-items with cancellation reasons, time to live.

load helpers

setup_file() {
  start_mockaws
  curl -fsS -X POST -H 'content-type: application/json' "$MOCKAWS_ENDPOINT/_mockaws/state" -d '{
    "dynamodb": {"tables": [
      {"TableName": "events", "BillingMode": "PAY_PER_REQUEST",
       "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
       "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"}],
       "generate": {"partition": "p", "count": 250, "size": 10}},
      {"TableName": "flat", "BillingMode": "PAY_PER_REQUEST",
       "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
       "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
       "generate": {"count": 120, "size": 10}}]}}' >/dev/null
}

teardown_file() {
  stop_mockaws
}

setup() {
  aws_env
}

ddb() {
  aws dynamodb --endpoint-url "$MOCKAWS_ENDPOINT" --output json "$@"
}

@test "query follows LastEvaluatedKey page by page to the end" {
  run ddb query --table-name events --key-condition-expression 'pk = :p AND sk >= :s' \
    --expression-attribute-values '{":p": {"S": "p"}, ":s": {"N": "100"}}' --page-size 40
  [ "$status" -eq 0 ]
  [ "$(jq -r '.Items | length' <<<"$output")" = "150" ]
  [ "$(jq -r '.Items[0].sk.N' <<<"$output")" = "100" ]
  [ "$(jq -r '.Items[-1].sk.N' <<<"$output")" = "249" ]
  # one invocation per page
  [ "$(journal 'operation=Query' | jq '.entries | length')" -ge 4 ]
  run ddb query --table-name events --key-condition-expression 'pk = :p AND sk < :s' \
    --expression-attribute-values '{":p": {"S": "p"}, ":s": {"N": "10"}}' --no-scan-index-forward \
    --max-items 3
  [ "$status" -eq 0 ]
  [ "$(jq -c '[.Items[].sk.N]' <<<"$output")" = '["9","8","7"]' ]
  [ "$(jq -r '.NextToken | length > 0' <<<"$output")" = "true" ]
}

@test "scan with segments covers the table once" {
  total=0
  for seg in 0 1 2; do
    run ddb scan --table-name flat --segment "$seg" --total-segments 3 --page-size 25 --select COUNT
    [ "$status" -eq 0 ]
    total=$(( total + $(jq -r .Count <<<"$output") ))
  done
  [ "$total" -eq 120 ]
  run ddb scan --table-name flat --segment 3 --total-segments 3
  [ "$status" -ne 0 ]
  [[ "$output" == *"The Segment parameter is zero-based and must be less than parameter TotalSegments"* ]]
}

@test "batch-write-item and batch-get-item" {
  run ddb batch-write-item --request-items '{"flat": [
    {"PutRequest": {"Item": {"id": {"S": "new1"}, "v": {"N": "1"}}}},
    {"DeleteRequest": {"Key": {"id": {"S": "0000000000"}}}}]}'
  [ "$status" -eq 0 ]
  [ "$(jq -c .UnprocessedItems <<<"$output")" = "{}" ]
  run ddb batch-get-item --request-items '{"flat": {"Keys": [{"id": {"S": "new1"}}, {"id": {"S": "0000000000"}}],
    "ProjectionExpression": "v"}}'
  [ "$status" -eq 0 ]
  [ "$(jq -c .Responses.flat <<<"$output")" = '[{"v":{"N":"1"}}]' ]
  run ddb batch-write-item --request-items '{"flat": [
    {"PutRequest": {"Item": {"id": {"S": "d"}}}}, {"DeleteRequest": {"Key": {"id": {"S": "d"}}}}]}'
  [ "$status" -ne 0 ]
  [[ "$output" == *"Provided list of item keys contains duplicates"* ]]
}

@test "transact-write-items is all or nothing, with reasons" {
  run ddb transact-write-items --transact-items '[
    {"Put": {"TableName": "flat", "Item": {"id": {"S": "t1"}}, "ConditionExpression": "attribute_not_exists(id)"}},
    {"Put": {"TableName": "flat", "Item": {"id": {"S": "new1"}}, "ConditionExpression": "attribute_not_exists(id)"}}]'
  [ "$status" -ne 0 ]
  [[ "$output" == *"TransactionCanceledException"* ]]
  [[ "$output" == *"[None, ConditionalCheckFailed]"* ]]
  run ddb get-item --table-name flat --key '{"id": {"S": "t1"}}'
  [ "$status" -eq 0 ]
  [ -z "$(jq -r '.Item // empty' <<<"$output")" ]
  run ddb transact-write-items --client-request-token tok-cli --transact-items '[
    {"Update": {"TableName": "flat", "Key": {"id": {"S": "new1"}}, "UpdateExpression": "ADD v :one",
                "ExpressionAttributeValues": {":one": {"N": "1"}}}}]'
  [ "$status" -eq 0 ]
  run ddb transact-write-items --client-request-token tok-cli --transact-items '[
    {"Update": {"TableName": "flat", "Key": {"id": {"S": "new1"}}, "UpdateExpression": "ADD v :one",
                "ExpressionAttributeValues": {":one": {"N": "1"}}}}]'
  [ "$status" -eq 0 ]
  run ddb get-item --table-name flat --key '{"id": {"S": "new1"}}'
  [ "$(jq -r .Item.v.N <<<"$output")" = "2" ]
}

@test "update-time-to-live and describe-time-to-live" {
  run ddb update-time-to-live --table-name flat --time-to-live-specification Enabled=true,AttributeName=expires
  [ "$status" -eq 0 ]
  [ "$(jq -r .TimeToLiveSpecification.AttributeName <<<"$output")" = "expires" ]
  run ddb describe-time-to-live --table-name flat
  [ "$status" -eq 0 ]
  [ "$(jq -r .TimeToLiveDescription.AttributeName <<<"$output")" = "expires" ]
  run ddb update-time-to-live --table-name flat --time-to-live-specification Enabled=true,AttributeName=expires
  [ "$status" -ne 0 ]
  [[ "$output" == *"TimeToLive is already enabled"* ]]
}
