#!/usr/bin/env bats
# SQS through the aws CLI: a queue's life (create, send, receive, delete), then
# an SNS topic fanning out to it. Whichever protocol the installed CLI speaks to
# SQS (JSON for botocore >= 1.31.64, query before it) gets the same answers.

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

sqs() {
  aws sqs --endpoint-url "$MOCKAWS_ENDPOINT" --output json "$@"
}

sns() {
  aws sns --endpoint-url "$MOCKAWS_ENDPOINT" --output json "$@"
}

@test "create-queue, send-message, receive-message, delete-message" {
  run sqs create-queue --queue-name cli-jobs --attributes VisibilityTimeout=30
  [ "$status" -eq 0 ]
  url="$(jq -r .QueueUrl <<<"$output")"
  [ "$url" = "$MOCKAWS_ENDPOINT/123456789012/cli-jobs" ]
  run sqs send-message --queue-url "$url" --message-body "job 1" \
    --message-attributes '{"kind": {"DataType": "String", "StringValue": "resize"}}'
  [ "$status" -eq 0 ]
  id="$(jq -r .MessageId <<<"$output")"
  [ "$(jq -r .MD5OfMessageBody <<<"$output")" = "$(printf 'job 1' | md5sum | cut -d' ' -f1)" ]
  run sqs receive-message --queue-url "$url" --message-attribute-names All --attribute-names All
  [ "$status" -eq 0 ]
  [ "$(jq -r '.Messages[0].MessageId' <<<"$output")" = "$id" ]
  [ "$(jq -r '.Messages[0].Body' <<<"$output")" = "job 1" ]
  [ "$(jq -r '.Messages[0].MessageAttributes.kind.StringValue' <<<"$output")" = "resize" ]
  [ "$(jq -r '.Messages[0].Attributes.ApproximateReceiveCount' <<<"$output")" = "1" ]
  handle="$(jq -r '.Messages[0].ReceiptHandle' <<<"$output")"
  run sqs delete-message --queue-url "$url" --receipt-handle "$handle"
  [ "$status" -eq 0 ]
  # gone, not merely in flight: past its visibility timeout nothing comes back
  run sqs get-queue-attributes --queue-url "$url" \
    --attribute-names ApproximateNumberOfMessages ApproximateNumberOfMessagesNotVisible
  [ "$(jq -r .Attributes.ApproximateNumberOfMessages <<<"$output")" = "0" ]
  [ "$(jq -r .Attributes.ApproximateNumberOfMessagesNotVisible <<<"$output")" = "0" ]
  run sqs get-queue-url --queue-name cli-not-there
  [ "$status" -ne 0 ]
  [[ "$output" == *"NonExistentQueue"* ]]
}

@test "sns subscribe and publish land in the queue" {
  topic="$(sns create-topic --name cli-events | jq -r .TopicArn)"
  url="$(sqs create-queue --queue-name cli-events | jq -r .QueueUrl)"
  arn="$(sqs get-queue-attributes --queue-url "$url" --attribute-names QueueArn | jq -r .Attributes.QueueArn)"
  [ "$arn" = "arn:aws:sqs:us-east-1:123456789012:cli-events" ]
  policy="$(jq -cn --arg q "$arn" --arg t "$topic" '{Version: "2012-10-17", Statement: [{Effect: "Allow",
    Principal: {Service: "sns.amazonaws.com"}, Action: "sqs:SendMessage", Resource: $q,
    Condition: {ArnEquals: {"aws:SourceArn": $t}}}]}')"
  sqs set-queue-attributes --queue-url "$url" --attributes "$(jq -cn --arg p "$policy" '{Policy: $p}')"
  sns subscribe --topic-arn "$topic" --protocol sqs --notification-endpoint "$arn" >/dev/null
  id="$(sns publish --topic-arn "$topic" --message "order placed" --subject Orders | jq -r .MessageId)"
  run sqs receive-message --queue-url "$url" --wait-time-seconds 5
  [ "$status" -eq 0 ]
  body="$(jq -r '.Messages[0].Body' <<<"$output")"
  [ "$(jq -r .Type <<<"$body")" = "Notification" ]
  [ "$(jq -r .MessageId <<<"$body")" = "$id" ]
  [ "$(jq -r .TopicArn <<<"$body")" = "$topic" ]
  [ "$(jq -r .Subject <<<"$body")" = "Orders" ]
  [ "$(jq -r .Message <<<"$body")" = "order placed" ]
}
