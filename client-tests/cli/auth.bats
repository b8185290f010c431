#!/usr/bin/env bats
# --auth verify through the aws CLI, set by MOCKAWS_AUTH: the root secret `test` works,
# a wrong one or an unknown key does not, and a presigned URL lapses with the server's clock.

load helpers

setup_file() {
  MOCKAWS_AUTH=verify start_mockaws
}

teardown_file() {
  stop_mockaws
}

setup() {
  aws_env
  export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
}

@test "the root key with secret test works for S3 and STS" {
  run aws s3api create-bucket --bucket cli-auth --endpoint-url "$MOCKAWS_ENDPOINT"
  [ "$status" -eq 0 ]
  printf 'hi' >"$BATS_TEST_TMPDIR/f"
  run aws s3 cp "$BATS_TEST_TMPDIR/f" s3://cli-auth/f --endpoint-url "$MOCKAWS_ENDPOINT"
  [ "$status" -eq 0 ]
  run aws sts get-caller-identity --query Account --output text --endpoint-url "$MOCKAWS_ENDPOINT"
  [ "$status" -eq 0 ]
  [ "$output" = "123456789012" ]
}

@test "a wrong secret is SignatureDoesNotMatch" {
  AWS_SECRET_ACCESS_KEY=wrong run aws s3api list-buckets --endpoint-url "$MOCKAWS_ENDPOINT"
  [ "$status" -ne 0 ]
  [[ "$output" == *SignatureDoesNotMatch* ]]
  AWS_SECRET_ACCESS_KEY=wrong run aws dynamodb list-tables --endpoint-url "$MOCKAWS_ENDPOINT"
  [ "$status" -ne 0 ]
  [[ "$output" == *InvalidSignatureException* ]]
}

@test "an unknown key is InvalidAccessKeyId" {
  AWS_ACCESS_KEY_ID=AKIANOSUCHKEY0000000 run aws s3api list-buckets --endpoint-url "$MOCKAWS_ENDPOINT"
  [ "$status" -ne 0 ]
  [[ "$output" == *InvalidAccessKeyId* ]]
}

@test "aws s3 presign works, then expires on the server's clock" {
  printf 'pp' >"$BATS_TEST_TMPDIR/p"
  run aws s3api put-object --bucket cli-auth --key p --body "$BATS_TEST_TMPDIR/p" --endpoint-url "$MOCKAWS_ENDPOINT"
  [ "$status" -eq 0 ]
  url="$(aws s3 presign s3://cli-auth/p --expires-in 120 --endpoint-url "$MOCKAWS_ENDPOINT")"
  [ "$(curl -sS "$url")" = "pp" ]
  curl -fsS -X POST -H 'Content-Type: application/json' "$MOCKAWS_ENDPOINT/_mockaws/clock" -d '{"advance_ms": 121000}' >/dev/null
  run curl -sS -o /dev/null -w '%{http_code}' "$url"
  [ "$output" = "403" ]
  [[ "$(curl -sS "$url")" == *"Request has expired"* ]]
}
