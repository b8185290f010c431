#!/usr/bin/env bats
# SQS through the aws CLI, issue 16's list as far as the CLI can say it: a
# worker loop (receive-message, never delete) that sees its message land in the
# dead-letter queue; a visibility timeout lapsing on the virtual clock (moved
# with curl); FIFO order across groups; SNS to SQS with a filter policy; an S3
# upload arriving as an event; send-message-batch with a failed entry injected.
# The CLI's protocol to SQS (JSON, or query on older botocore) gets the same
# answers.

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

# The clock and the fault rules are the server's: each test leaves them as it found them.
teardown() {
  control POST clock '{"mode": "real"}' >/dev/null
  curl -fsS -X DELETE "$MOCKAWS_ENDPOINT/_mockaws/faults" >/dev/null
}

control() {  # control METHOD PATH [JSON]
  curl -fsS -X "$1" -H 'content-type: application/json' ${3:+--data "$3"} "$MOCKAWS_ENDPOINT/_mockaws/$2"
}

sqs() {
  aws sqs --endpoint-url "$MOCKAWS_ENDPOINT" --output json "$@"
}

sns() {
  aws sns --endpoint-url "$MOCKAWS_ENDPOINT" --output json "$@"
}

s3api() {
  aws s3api --endpoint-url "$MOCKAWS_ENDPOINT" --output json "$@"
}

queue_arn() {
  sqs get-queue-attributes --queue-url "$1" --attribute-names QueueArn | jq -r .Attributes.QueueArn
}

# allow QUEUE_URL SERVICE SOURCE_ARN: the queue's policy lets SERVICE send for SOURCE_ARN.
allow() {
  local policy
  policy="$(jq -cn --arg q "$(queue_arn "$1")" --arg svc "$2" --arg src "$3" '{Version: "2012-10-17",
    Statement: [{Effect: "Allow", Principal: {Service: $svc}, Action: "sqs:SendMessage", Resource: $q,
    Condition: {ArnEquals: {"aws:SourceArn": $src}}}]}')"
  sqs set-queue-attributes --queue-url "$1" --attributes "$(jq -cn --arg p "$policy" '{Policy: $p}')"
}

@test "a worker loop that never deletes sees its message moved to the dead-letter queue" {
  control POST clock '{"mode": "virtual"}'
  dlq="$(sqs create-queue --queue-name cli-dlq | jq -r .QueueUrl)"
  redrive="$(jq -cn --arg a "$(queue_arn "$dlq")" '{deadLetterTargetArn: $a, maxReceiveCount: "3"}')"
  work="$(sqs create-queue --queue-name cli-work \
    --attributes "$(jq -cn --arg r "$redrive" '{VisibilityTimeout: "30", RedrivePolicy: $r}')" | jq -r .QueueUrl)"
  sqs send-message --queue-url "$work" --message-body poison >/dev/null
  counts=()
  for round in 1 2 3 4; do
    # the handler fails: no delete-message; the clock runs the visibility timeout out
    out="$(sqs receive-message --queue-url "$work" --wait-time-seconds 1 --message-system-attribute-names ApproximateReceiveCount)"
    counts+=("$(jq -r '.Messages[0].Attributes.ApproximateReceiveCount // "none"' <<<"${out:-{\}}")")
    control POST clock '{"advance_ms": 30000}' >/dev/null
  done
  [ "${counts[*]}" = "1 2 3 none" ]
  run sqs receive-message --queue-url "$dlq" --message-system-attribute-names All
  [ "$status" -eq 0 ]
  [ "$(jq -r '.Messages[0].Body' <<<"$output")" = "poison" ]
  [ "$(jq -r '.Messages[0].Attributes.DeadLetterQueueSourceArn' <<<"$output")" = "$(queue_arn "$work")" ]
  [ "$(sqs list-dead-letter-source-queues --queue-url "$dlq" | jq -r '.queueUrls[0]')" = "$work" ]
}

@test "a visibility timeout lapses when the virtual clock passes it" {
  control POST clock '{"mode": "virtual"}'
  url="$(sqs create-queue --queue-name cli-lapse --attributes VisibilityTimeout=600 | jq -r .QueueUrl)"
  sqs send-message --queue-url "$url" --message-body "retry me" >/dev/null
  first="$(sqs receive-message --queue-url "$url" | jq -r '.Messages[0].MessageId')"
  [ -n "$first" ] && [ "$first" != null ]
  control POST clock '{"advance_ms": 599000}' >/dev/null
  run sqs receive-message --queue-url "$url"
  [ "$status" -eq 0 ]
  [ "$(jq -r '.Messages // [] | length' <<<"${output:-{\}}")" = "0" ]
  control POST clock '{"advance_ms": 1000}' >/dev/null
  run sqs receive-message --queue-url "$url" --message-system-attribute-names ApproximateReceiveCount
  [ "$(jq -r '.Messages[0].MessageId' <<<"$output")" = "$first" ]
  [ "$(jq -r '.Messages[0].Attributes.ApproximateReceiveCount' <<<"$output")" = "2" ]
}

@test "FIFO delivers each group in order, one message in flight per group" {
  url="$(sqs create-queue --queue-name cli-ledger.fifo \
    --attributes FifoQueue=true,ContentBasedDeduplication=true | jq -r .QueueUrl)"
  for m in a1 b1 a2 b2; do
    sqs send-message --queue-url "$url" --message-body "$m" --message-group-id "${m:0:1}" >/dev/null
  done
  got=()
  for i in 1 2 3; do
    out="$(sqs receive-message --queue-url "$url")"
    got+=("$(jq -r '.Messages[0].Body // "none"' <<<"${out:-{\}}")")
    [ "$i" -eq 1 ] && a1="$(jq -r '.Messages[0].ReceiptHandle' <<<"$out")"
  done
  [ "${got[*]}" = "a1 b1 none" ]
  sqs delete-message --queue-url "$url" --receipt-handle "$a1"
  [ "$(sqs receive-message --queue-url "$url" | jq -r '.Messages[0].Body')" = "a2" ]
}

@test "SNS fans out to a queue only what its filter policy accepts" {
  topic="$(sns create-topic --name cli-orders | jq -r .TopicArn)"
  url="$(sqs create-queue --queue-name cli-big-orders | jq -r .QueueUrl)"
  allow "$url" sns.amazonaws.com "$topic"
  sns subscribe --topic-arn "$topic" --protocol sqs --notification-endpoint "$(queue_arn "$url")" \
    --attributes '{"RawMessageDelivery": "true", "FilterPolicy": "{\"total\": [{\"numeric\": [\">=\", 100]}]}"}' >/dev/null
  for total in 20 250; do
    sns publish --topic-arn "$topic" --message "order of $total" \
      --message-attributes "{\"total\": {\"DataType\": \"Number\", \"StringValue\": \"$total\"}}" >/dev/null
  done
  run sqs receive-message --queue-url "$url" --max-number-of-messages 10 --wait-time-seconds 5 \
    --message-attribute-names All
  [ "$status" -eq 0 ]
  [ "$(jq -c '[.Messages[].Body]' <<<"$output")" = '["order of 250"]' ]
  [ "$(jq -r '.Messages[0].MessageAttributes.total.StringValue' <<<"$output")" = "250" ]
}

@test "an S3 upload arrives in the queue as an event record" {
  s3api create-bucket --bucket cli-uploads >/dev/null
  url="$(sqs create-queue --queue-name cli-upload-events | jq -r .QueueUrl)"
  allow "$url" s3.amazonaws.com arn:aws:s3:::cli-uploads
  s3api put-bucket-notification-configuration --bucket cli-uploads --notification-configuration \
    "$(jq -cn --arg q "$(queue_arn "$url")" '{QueueConfigurations: [{Id: "csv-in", QueueArn: $q,
      Events: ["s3:ObjectCreated:*"], Filter: {Key: {FilterRules: [{Name: "suffix", Value: ".csv"}]}}}]}')"
  out="$(sqs receive-message --queue-url "$url" --wait-time-seconds 5)"
  [ "$(jq -r '.Messages[0].Body | fromjson | .Event' <<<"$out")" = "s3:TestEvent" ]
  sqs delete-message --queue-url "$url" --receipt-handle "$(jq -r '.Messages[0].ReceiptHandle' <<<"$out")"
  printf 'a,b\n1,2\n' >"$BATS_TEST_TMPDIR/day.csv"
  etag="$(s3api put-object --bucket cli-uploads --key "in/day 1.csv" --body "$BATS_TEST_TMPDIR/day.csv" | jq -r .ETag)"
  run sqs receive-message --queue-url "$url" --wait-time-seconds 5
  [ "$status" -eq 0 ]
  record="$(jq -c '.Messages[0].Body | fromjson | .Records[0]' <<<"$output")"
  [ "$(jq -r .eventName <<<"$record")" = "ObjectCreated:Put" ]
  [ "$(jq -r .s3.configurationId <<<"$record")" = "csv-in" ]
  [ "$(jq -r .s3.object.key <<<"$record")" = "in/day+1.csv" ]
  [ "$(jq -r .s3.object.size <<<"$record")" = "8" ]
  [ "\"$(jq -r .s3.object.eTag <<<"$record")\"" = "$etag" ]
}

@test "send-message-batch reports the entry a fault rule failed" {
  url="$(sqs create-queue --queue-name cli-batch | jq -r .QueueUrl)"
  control POST faults '{"service": "sqs", "operation": "SendMessageBatch", "failed_entries": 0.5, "times": 1}' >/dev/null
  run sqs send-message-batch --queue-url "$url" \
    --entries Id=e0,MessageBody=job0 Id=e1,MessageBody=job1 Id=e2,MessageBody=job2 Id=e3,MessageBody=job3
  # a partial failure is an answer, not an error: the CLI exits 0 and prints both lists
  [ "$status" -eq 0 ]
  [ "$(jq '.Successful | length' <<<"$output")" = "2" ]
  [ "$(jq -c '[.Failed[] | [.Code, .SenderFault]] | unique' <<<"$output")" = '[["InternalError",false]]' ]
  [ "$(jq '.Failed | length' <<<"$output")" = "2" ]
  run sqs get-queue-attributes --queue-url "$url" --attribute-names ApproximateNumberOfMessages
  [ "$(jq -r .Attributes.ApproximateNumberOfMessages <<<"$output")" = "2" ]
}
