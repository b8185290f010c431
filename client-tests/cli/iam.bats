#!/usr/bin/env bats
# IAM through the aws CLI: the setup a script writes before it tests --auth.

load helpers

setup_file() {
  start_mockaws
}

teardown_file() {
  stop_mockaws
}

setup() {
  aws_env
  export AWS_ENDPOINT_URL="$MOCKAWS_ENDPOINT"
}

@test "create-user, create-access-key: the key signs as the user" {
  run aws iam create-user --user-name deploy --path /ci/ --output json
  [ "$status" -eq 0 ]
  [ "$(jq -r .User.Arn <<<"$output")" = "arn:aws:iam::123456789012:user/ci/deploy" ]
  [[ "$(jq -r .User.UserId <<<"$output")" =~ ^AIDA[A-Z0-9]{17}$ ]]

  run aws iam create-access-key --user-name deploy --output json
  [ "$status" -eq 0 ]
  key="$(jq -r .AccessKey.AccessKeyId <<<"$output")"
  secret="$(jq -r .AccessKey.SecretAccessKey <<<"$output")"
  [[ "$key" =~ ^AKIA[A-Z0-9]{16}$ ]]
  [ "${#secret}" -eq 40 ]

  AWS_ACCESS_KEY_ID="$key" AWS_SECRET_ACCESS_KEY="$secret" \
    run aws sts get-caller-identity --query Arn --output text
  [ "$status" -eq 0 ]
  [ "$output" = "arn:aws:iam::123456789012:user/ci/deploy" ]
}

@test "put-user-policy then get-user-policy gives the document back" {
  aws iam create-user --user-name reader
  run aws iam put-user-policy --user-name reader --policy-name s3 \
    --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}'
  [ "$status" -eq 0 ]
  run aws iam get-user-policy --user-name reader --policy-name s3 --output json
  [ "$status" -eq 0 ]
  [ "$(jq -r '.PolicyDocument.Statement[0].Action' <<<"$output")" = "s3:GetObject" ]

  run aws iam put-user-policy --user-name reader --policy-name bad --policy-document 'not json'
  [ "$status" -ne 0 ]
  [[ "$output" == *MalformedPolicyDocument* ]]
}

@test "list-attached-role-policies lists what attach-role-policy attached" {
  aws iam create-role --role-name app \
    --assume-role-policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
  arn="$(aws iam create-policy --policy-name app-read --query Policy.Arn --output text \
    --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:List*","Resource":"*"}]}')"
  [ "$arn" = "arn:aws:iam::123456789012:policy/app-read" ]
  aws iam attach-role-policy --role-name app --policy-arn "$arn"
  run aws iam list-attached-role-policies --role-name app --output json
  [ "$status" -eq 0 ]
  [ "$(jq -r '.AttachedPolicies | length' <<<"$output")" -eq 1 ]
  [ "$(jq -r '.AttachedPolicies[0].PolicyArn' <<<"$output")" = "$arn" ]
  [ "$(jq -r '.AttachedPolicies[0].PolicyName' <<<"$output")" = "app-read" ]
}

@test "get-user of a missing user: NoSuchEntity" {
  run aws iam get-user --user-name ghost
  [ "$status" -ne 0 ]
  [[ "$output" == *"NoSuchEntity"* ]]
  [[ "$output" == *"The user with name ghost cannot be found."* ]]
}
