#!/usr/bin/env bats
# STS through the aws CLI.

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

@test "get-caller-identity with --endpoint-url: default account" {
  run aws sts get-caller-identity --endpoint-url "$MOCKAWS_ENDPOINT" --output json
  [ "$status" -eq 0 ]
  [ "$(jq -r .Account <<<"$output")" = "123456789012" ]
  [[ "$(jq -r .Arn <<<"$output")" == *123456789012* ]]
  [ -n "$(jq -r .UserId <<<"$output")" ]
}

@test "get-caller-identity with AWS_ENDPOINT_URL and a 12-digit key" {
  AWS_ENDPOINT_URL="$MOCKAWS_ENDPOINT" AWS_ACCESS_KEY_ID=111122223333 \
    run aws sts get-caller-identity --query Account --output text
  [ "$status" -eq 0 ]
  [ "$output" = "111122223333" ]
}

@test "assume-role then get-caller-identity with the returned credentials" {
  run aws sts assume-role --endpoint-url "$MOCKAWS_ENDPOINT" --output json \
    --role-arn arn:aws:iam::210987654321:role/r --role-session-name sess
  [ "$status" -eq 0 ]
  creds="$output"
  [ "$(jq -r .AssumedRoleUser.Arn <<<"$creds")" = "arn:aws:sts::210987654321:assumed-role/r/sess" ]
  AWS_ACCESS_KEY_ID="$(jq -r .Credentials.AccessKeyId <<<"$creds")" \
  AWS_SECRET_ACCESS_KEY="$(jq -r .Credentials.SecretAccessKey <<<"$creds")" \
  AWS_SESSION_TOKEN="$(jq -r .Credentials.SessionToken <<<"$creds")" \
    run aws sts get-caller-identity --endpoint-url "$MOCKAWS_ENDPOINT" --output json
  [ "$status" -eq 0 ]
  [ "$(jq -r .Account <<<"$output")" = "210987654321" ]
  [ "$(jq -r .Arn <<<"$output")" = "arn:aws:sts::210987654321:assumed-role/r/sess" ]
}

@test "a server error makes the CLI fail with the error code" {
  run aws sts assume-role --endpoint-url "$MOCKAWS_ENDPOINT" \
    --role-arn this-is-not-an-arn-at-all-really --role-session-name sess
  [ "$status" -ne 0 ]
  [[ "$output" == *ValidationError* ]]
}

@test "the journal saw the CLI's calls with attempt 1" {
  before="$(journal 'service=sts&operation=GetCallerIdentity' | jq '.entries | length')"
  run aws sts get-caller-identity --endpoint-url "$MOCKAWS_ENDPOINT" --region ap-south-1
  [ "$status" -eq 0 ]
  entries="$(journal 'service=sts&operation=GetCallerIdentity')"
  [ "$(jq '.entries | length' <<<"$entries")" -eq $((before + 1)) ]
  [ "$(jq -r '.entries[-1].region' <<<"$entries")" = "ap-south-1" ]
  [ "$(jq -r '.entries[-1].attempt' <<<"$entries")" = "1" ]
  [ "$(jq -r '.entries[-1].invocation_id' <<<"$entries")" != "null" ]
}
