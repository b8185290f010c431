#!/usr/bin/env bats
# --auth enforce through the aws CLI: the root key makes an IAM user with an inline policy and an
# access key; as that user `aws s3 cp` of an allowed key works and of a denied one is AccessDenied;
# an EC2 denial's encoded message decodes with `aws sts decode-authorization-message`.

load helpers

setup_file() {
  MOCKAWS_AUTH=enforce start_mockaws
}

teardown_file() {
  stop_mockaws
}

setup() {
  aws_env
  export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
}

# as_user NAME POLICY-JSON: creates the user with that inline policy, exports its key
as_user() {
  aws iam create-user --user-name "$1" --endpoint-url "$MOCKAWS_ENDPOINT" >/dev/null
  aws iam put-user-policy --user-name "$1" --policy-name p --policy-document "$2" \
    --endpoint-url "$MOCKAWS_ENDPOINT"
  local key
  key="$(aws iam create-access-key --user-name "$1" --endpoint-url "$MOCKAWS_ENDPOINT" \
    --query 'AccessKey.[AccessKeyId,SecretAccessKey]' --output text)"
  export AWS_ACCESS_KEY_ID="${key%%$'\t'*}" AWS_SECRET_ACCESS_KEY="${key##*$'\t'}"
}

@test "an IAM user allowed reports/* copies reports/x and is refused payroll/x" {
  aws s3api create-bucket --bucket cli-corp --endpoint-url "$MOCKAWS_ENDPOINT" >/dev/null
  printf 'r' >"$BATS_TEST_TMPDIR/r"
  aws s3 cp "$BATS_TEST_TMPDIR/r" s3://cli-corp/reports/x --endpoint-url "$MOCKAWS_ENDPOINT"
  aws s3 cp "$BATS_TEST_TMPDIR/r" s3://cli-corp/payroll/x --endpoint-url "$MOCKAWS_ENDPOINT"
  as_user cli-alice '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
    "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::cli-corp/reports/*"}]}'
  [[ "$AWS_ACCESS_KEY_ID" == AKIA* ]]

  run aws s3 cp s3://cli-corp/reports/x "$BATS_TEST_TMPDIR/got" --endpoint-url "$MOCKAWS_ENDPOINT"
  [ "$status" -eq 0 ]
  [ "$(cat "$BATS_TEST_TMPDIR/got")" = "r" ]
  run aws s3 cp "$BATS_TEST_TMPDIR/r" s3://cli-corp/reports/y --endpoint-url "$MOCKAWS_ENDPOINT"
  [ "$status" -eq 0 ]

  run aws s3 cp s3://cli-corp/payroll/x "$BATS_TEST_TMPDIR/no" --endpoint-url "$MOCKAWS_ENDPOINT"
  [ "$status" -ne 0 ]
  [[ "$output" == *"(403)"* ]]
  run aws s3 cp "$BATS_TEST_TMPDIR/r" s3://cli-corp/payroll/y --endpoint-url "$MOCKAWS_ENDPOINT"
  [ "$status" -ne 0 ]
  [[ "$output" == *"AccessDenied"* ]]
  [[ "$output" == *'not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::cli-corp/payroll/y"'* ]]
  [ ! -e "$BATS_TEST_TMPDIR/no" ]
}

@test "aws sts decode-authorization-message decodes an EC2 denial" {
  as_user cli-viewer '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
    "Action": "ec2:Describe*", "Resource": "*"}]}'
  run aws ec2 run-instances --image-id ami-ab939b9c031512198 --count 1 --endpoint-url "$MOCKAWS_ENDPOINT"
  [ "$status" -ne 0 ]
  [[ "$output" == *"UnauthorizedOperation"* ]]
  blob="${output##*Encoded authorization failure message: }"
  blob="${blob%%[[:space:]]*}"
  [ -n "$blob" ]
  # the decoder is the root: the viewer may not call sts:DecodeAuthorizationMessage
  decoded="$(AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test aws sts decode-authorization-message \
    --encoded-message "$blob" --query DecodedMessage --output text --endpoint-url "$MOCKAWS_ENDPOINT")"
  [ "$(jq -r .allowed <<<"$decoded")" = "false" ]
  [ "$(jq -r .context.action <<<"$decoded")" = "ec2:RunInstances" ]
  [ "$(jq -r .context.principal.arn <<<"$decoded")" = "arn:aws:iam::123456789012:user/cli-viewer" ]
}
