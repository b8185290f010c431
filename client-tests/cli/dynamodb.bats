#!/usr/bin/env bats
# DynamoDB through the aws CLI: create-table, wait table-exists, put / get /
# update / delete items, errors.

load helpers

setup_file() {
  start_mockaws
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

advance_clock() {
  curl -fsS -X POST -H 'content-type: application/json' -d "{\"advance_ms\": ${1:-5000}}" \
    "$MOCKAWS_ENDPOINT/_mockaws/clock" >/dev/null
}

@test "create-table answers CREATING, wait table-exists sees it ACTIVE" {
  run ddb create-table --table-name clitable \
    --attribute-definitions AttributeName=id,AttributeType=S \
    --key-schema AttributeName=id,KeyType=HASH --billing-mode PAY_PER_REQUEST
  [ "$status" -eq 0 ]
  [ "$(jq -r .TableDescription.TableStatus <<<"$output")" = "CREATING" ]
  [ "$(jq -r .TableDescription.TableArn <<<"$output")" = "arn:aws:dynamodb:us-east-1:123456789012:table/clitable" ]
  # the CLI's waiter polls every 20 s: move the server clock instead of waiting
  advance_clock 5000
  run ddb wait table-exists --table-name clitable
  [ "$status" -eq 0 ]
  run ddb describe-table --table-name clitable --query Table.TableStatus --output text
  [ "$output" = "ACTIVE" ]
}

@test "put-item, get-item, update-item with expressions, delete-item" {
  run ddb put-item --table-name clitable \
    --item '{"id": {"S": "a"}, "n": {"N": "1.50"}, "tags": {"SS": ["x"]}}' \
    --condition-expression 'attribute_not_exists(id)'
  [ "$status" -eq 0 ]
  run ddb get-item --table-name clitable --key '{"id": {"S": "a"}}' --consistent-read
  [ "$status" -eq 0 ]
  [ "$(jq -r .Item.n.N <<<"$output")" = "1.5" ]
  run ddb update-item --table-name clitable --key '{"id": {"S": "a"}}' \
    --update-expression 'SET n = n + :d ADD tags :t' \
    --expression-attribute-values '{":d": {"N": "12345678901234567890123456789012345"}, ":t": {"SS": ["y"]}}' \
    --return-values UPDATED_NEW
  [ "$status" -eq 0 ]
  [ "$(jq -r .Attributes.n.N <<<"$output")" = "12345678901234567890123456789012346.5" ]
  [ "$(jq -r '.Attributes.tags.SS | sort | join(",")' <<<"$output")" = "x,y" ]
  run ddb get-item --table-name clitable --key '{"id": {"S": "a"}}' --projection-expression tags
  [ "$(jq -c 'keys' <<<"$(jq .Item <<<"$output")")" = '["tags"]' ]
  run ddb delete-item --table-name clitable --key '{"id": {"S": "a"}}' --return-values ALL_OLD
  [ "$status" -eq 0 ]
  [ "$(jq -r .Attributes.id.S <<<"$output")" = "a" ]
}

@test "a failed condition is ConditionalCheckFailedException" {
  ddb put-item --table-name clitable --item '{"id": {"S": "b"}}'
  run ddb put-item --table-name clitable --item '{"id": {"S": "b"}}' \
    --condition-expression 'attribute_not_exists(id)'
  [ "$status" -ne 0 ]
  [[ "$output" == *"ConditionalCheckFailedException"* ]]
  [[ "$output" == *"The conditional request failed"* ]]
}

@test "validation errors keep DynamoDB's messages" {
  run ddb update-item --table-name clitable --key '{"id": {"S": "b"}}' \
    --update-expression 'SET status = :v' --expression-attribute-values '{":v": {"S": "x"}}'
  [ "$status" -ne 0 ]
  [[ "$output" == *"ValidationException"* ]]
  [[ "$output" == *"Attribute name is a reserved keyword; reserved keyword: status"* ]]
  run ddb get-item --table-name clitable --key '{"nope": {"S": "b"}}'
  [ "$status" -ne 0 ]
  [[ "$output" == *"The provided key element does not match the schema"* ]]
  run ddb describe-table --table-name missing
  [ "$status" -ne 0 ]
  [[ "$output" == *"ResourceNotFoundException"* ]]
}

@test "delete-table and wait table-not-exists" {
  run ddb delete-table --table-name clitable
  [ "$status" -eq 0 ]
  [ "$(jq -r .TableDescription.TableStatus <<<"$output")" = "DELETING" ]
  advance_clock 5000
  run ddb wait table-not-exists --table-name clitable
  [ "$status" -eq 0 ]
  [ "$(journal 'service=dynamodb&operation=DeleteTable' | jq '.entries | length')" = "1" ]
}
