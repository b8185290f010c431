#!/usr/bin/env bats
# SNS through the aws CLI: topics, subscriptions, publish, publish-batch, and
# what was published as the inspection API shows it.

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

sns() {
  aws sns --endpoint-url "$MOCKAWS_ENDPOINT" --output json "$@"
}

inspect() {  # inspect [query-string]
  curl -fsS "$MOCKAWS_ENDPOINT/_mockaws/sns/messages${1:+?$1}"
}

@test "create-topic is idempotent and list-topics shows it" {
  run sns create-topic --name cli-orders
  [ "$status" -eq 0 ]
  arn="$(jq -r .TopicArn <<<"$output")"
  [ "$arn" = "arn:aws:sns:us-east-1:123456789012:cli-orders" ]
  [ "$(sns create-topic --name cli-orders | jq -r .TopicArn)" = "$arn" ]
  run sns list-topics --query 'Topics[].TopicArn' --output text
  [[ "$output" == *"$arn"* ]]
}

@test "publish with attributes, then inspect it" {
  arn="$(sns create-topic --name cli-events | jq -r .TopicArn)"
  sns subscribe --topic-arn "$arn" --protocol sqs \
    --notification-endpoint arn:aws:sqs:us-east-1:123456789012:events >/dev/null
  run sns publish --topic-arn "$arn" --message hello --subject Hi \
    --message-attributes '{"kind": {"DataType": "String", "StringValue": "created"}}'
  [ "$status" -eq 0 ]
  id="$(jq -r .MessageId <<<"$output")"
  run inspect "topic_arn=$arn"
  [ "$status" -eq 0 ]
  [ "$(jq -r '.messages[0].message_id' <<<"$output")" = "$id" ]
  [ "$(jq -r '.messages[0].message' <<<"$output")" = "hello" ]
  [ "$(jq -r '.messages[0].attributes.kind.StringValue' <<<"$output")" = "created" ]
  # there is no queue "events": the delivery fails, the publish does not
  [ "$(jq -r '.messages[0].deliveries[0].status' <<<"$output")" = "failed" ]
  curl -fsS -X DELETE "$MOCKAWS_ENDPOINT/_mockaws/sns/messages" >/dev/null
  [ "$(inspect | jq '.messages | length')" -eq 0 ]
}

@test "email subscriptions wait for confirm-subscription" {
  arn="$(sns create-topic --name cli-alerts | jq -r .TopicArn)"
  run sns subscribe --topic-arn "$arn" --protocol email --notification-endpoint ops@example.com
  [ "$(jq -r .SubscriptionArn <<<"$output")" = "pending confirmation" ]
  token="$(inspect | jq -r --arg t "$arn" '.confirmations[] | select(.topic_arn == $t) | .token')"
  run sns confirm-subscription --topic-arn "$arn" --token "$token"
  [ "$status" -eq 0 ]
  sub="$(jq -r .SubscriptionArn <<<"$output")"
  run sns get-subscription-attributes --subscription-arn "$sub" --query Attributes.PendingConfirmation --output text
  [ "$output" = "false" ]
}

@test "publish-batch answers per entry" {
  arn="$(sns create-topic --name cli-batch | jq -r .TopicArn)"
  run sns publish-batch --topic-arn "$arn" \
    --publish-batch-request-entries Id=a,Message=one Id=b,Message=two
  [ "$status" -eq 0 ]
  [ "$(jq '.Successful | length' <<<"$output")" -eq 2 ]
}

@test "errors: unknown topic, empty message, FIFO without a group" {
  run sns publish --topic-arn arn:aws:sns:us-east-1:123456789012:missing --message x
  [ "$status" -ne 0 ]
  [[ "$output" == *"NotFound"* ]]
  [[ "$output" == *"Topic does not exist"* ]]
  fifo="$(sns create-topic --name cli.fifo --attributes FifoTopic=true,ContentBasedDeduplication=true | jq -r .TopicArn)"
  run sns publish --topic-arn "$fifo" --message x
  [ "$status" -ne 0 ]
  [[ "$output" == *"The MessageGroupId parameter is required for FIFO topics"* ]]
  run sns publish --topic-arn "$fifo" --message x --message-group-id g
  [ "$status" -eq 0 ]
  [ "$(jq -r .SequenceNumber <<<"$output" | wc -c)" -eq 21 ]
}
