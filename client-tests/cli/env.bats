#!/usr/bin/env bats
# mockaws env (issue 20): the variables in each syntax, where the endpoint
# comes from, refusals of bad command lines (exit 2), the --check guard, and
# mockaws run giving its command exactly what mockaws env prints.

load helpers

setup() {
  W="$(mktemp -d)"
  unset MOCKAWS_ENDPOINT MOCKAWS_HOST MOCKAWS_PORT AWS_ENDPOINT_URL
  for v in $(env | grep -o '^AWS_ENDPOINT_URL_[A-Z0-9_]*'); do unset "$v"; done
}

teardown() {
  stop_mockaws
  rm -rf "$W"
}

menv() { "$MOCKAWS_BIN" env "$@"; }

@test "sh: eval sets every served service's endpoint, the dummy keys and the region" {
  run menv --endpoint http://127.0.0.1:4599
  [ "$status" -eq 0 ]
  # a leftover token and endpoint are replaced or removed
  out="$(AWS_SESSION_TOKEN=old AWS_ENDPOINT_URL_S3=https://s3.amazonaws.com bash -c "eval \"\$1\"; env" _ "$output")"
  for s in S3 DYNAMODB SNS SQS EC2 STS IAM; do
    grep -qx "AWS_ENDPOINT_URL_$s=http://127.0.0.1:4599" <<<"$out"
  done
  grep -qx 'AWS_ENDPOINT_URL=http://127.0.0.1:4599' <<<"$out"
  grep -qx 'AWS_ACCESS_KEY_ID=AKIAMOCKAWS00EXAMPLE' <<<"$out"
  grep -qx 'AWS_SECRET_ACCESS_KEY=mockawsLocalOnlyNotARealSecretEXAMPLEKEY' <<<"$out"
  grep -qx 'AWS_REGION=us-east-1' <<<"$out"
  grep -qx 'AWS_DEFAULT_REGION=us-east-1' <<<"$out"
  grep -qx 'AWS_EC2_METADATA_DISABLED=true' <<<"$out"
  grep -qx 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=false' <<<"$out"
  ! grep -q '^AWS_SESSION_TOKEN=' <<<"$out"
}

@test "json, dotenv and fish carry the same variables" {
  menv --format json --region eu-west-2 >"$W/j"
  [ "$(jq -r .AWS_ENDPOINT_URL_DYNAMODB "$W/j")" = http://127.0.0.1:4566 ]
  [ "$(jq -r .AWS_REGION "$W/j")" = eu-west-2 ]
  [ "$(jq .AWS_SESSION_TOKEN "$W/j")" = null ]
  [ "$(jq 'keys | length' "$W/j")" -eq 15 ]
  menv --format dotenv >"$W/d"
  grep -qx 'AWS_ENDPOINT_URL_SQS="http://127.0.0.1:4566"' "$W/d"
  [ "$(grep -c '=' "$W/d")" -eq 15 ]
  menv --format fish >"$W/f"
  grep -qx "set -gx AWS_ENDPOINT_URL_STS 'http://127.0.0.1:4566'" "$W/f"
  grep -qx 'set -e AWS_SESSION_TOKEN' "$W/f"
  if command -v fish >/dev/null; then
    fish -c "source $W/f; echo \$AWS_ENDPOINT_URL_STS" | grep -qx http://127.0.0.1:4566
  fi
}

@test "the endpoint: --endpoint, else --port, else MOCKAWS_ENDPOINT, else MOCKAWS_HOST / MOCKAWS_PORT" {
  [ "$(menv --format json | jq -r .AWS_ENDPOINT_URL)" = http://127.0.0.1:4566 ]
  [ "$(MOCKAWS_PORT=5001 menv --format json | jq -r .AWS_ENDPOINT_URL)" = http://127.0.0.1:5001 ]
  [ "$(MOCKAWS_HOST=0.0.0.0 MOCKAWS_PORT=5001 menv --format json | jq -r .AWS_ENDPOINT_URL)" = http://127.0.0.1:5001 ]
  [ "$(MOCKAWS_HOST=::1 menv --format json | jq -r .AWS_ENDPOINT_URL)" = 'http://[::1]:4566' ]
  [ "$(MOCKAWS_ENDPOINT=http://localhost:7000 MOCKAWS_PORT=5001 menv --format json | jq -r .AWS_ENDPOINT_URL)" = http://localhost:7000 ]
  [ "$(MOCKAWS_ENDPOINT=http://localhost:7000 menv --port 5002 --format json | jq -r .AWS_ENDPOINT_URL)" = http://127.0.0.1:5002 ]
  [ "$(MOCKAWS_ENDPOINT=http://localhost:7000 menv --endpoint https://mock.test/ --format json | jq -r .AWS_ENDPOINT_URL)" = https://mock.test ]
}

@test "bad command lines: a message and exit 2, never a crash" {
  for args in "--client nope" "--format csh" "--format" "--endpoint" "--endpoint 127.0.0.1:4566" \
              "--endpoint ftp://x" "--endpoint http://x/path" "--endpoint http://x:70000" \
              "--endpoint http://a'b" "--port 0" "--port -1" "--port 65536" "--port x" \
              "--region US_EAST" "--region=" "--endpoint http://x --port 1" \
              "--client s3cmd --format json" "--check --client rclone" "extra" "--bogus"; do
    run menv $args
    echo "$args -> $status: $output"
    [ "$status" -eq 2 ]
    [ -n "$output" ]
  done
  run menv --client nope
  [[ "$output" == *"no client 'nope' (mockaws env --client list names them)"* ]]
  run env MOCKAWS_PORT=abc "$MOCKAWS_BIN" env
  [ "$status" -eq 2 ]
  [[ "$output" == *"'abc' is not a number"* ]]
  run env MOCKAWS_ENDPOINT='http://x y' "$MOCKAWS_BIN" env
  [ "$status" -eq 2 ]
}

@test "--client list names every client, and each prints a snippet" {
  run menv --client list
  [ "$status" -eq 0 ]
  for c in awscli awscli-old boto3 js-v2 js-v3 go-v1 go-v2 java-v2 dotnet rust s3cmd rclone restic s3fs terraform pytest-guard node-guard; do
    grep -q "^$c " <<<"$output"
    menv --client "$c" --endpoint http://127.0.0.1:4599 >"$W/$c"
    [ -s "$W/$c" ]
    ! grep -q '@[A-Z_]*@' "$W/$c"
  done
  run menv --help
  [ "$status" -eq 0 ]
  [[ "$output" == *"--client list"* ]]
}

@test "--check: local endpoints pass; missing, remote or ignored endpoints and real-looking keys fail" {
  run env -u AWS_ENDPOINT_URL "$MOCKAWS_BIN" env --check
  [ "$status" -eq 1 ]
  [[ "$output" == *"AWS_ENDPOINT_URL is not set"* ]]
  eval "$(menv)"
  run menv --check
  [ "$status" -eq 0 ]
  run env AWS_ENDPOINT_URL_S3=https://s3.us-east-1.amazonaws.com "$MOCKAWS_BIN" env --check
  [ "$status" -eq 1 ]
  [[ "$output" == *"AWS_ENDPOINT_URL_S3=https://s3.us-east-1.amazonaws.com is not a local endpoint"* ]]
  run env AWS_ACCESS_KEY_ID=AKIAZZZZZZZZZZZZZZZZ "$MOCKAWS_BIN" env --check
  [ "$status" -eq 1 ]
  [[ "$output" == *"looks like a real access key"* ]]
  run env AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true "$MOCKAWS_BIN" env --check
  [ "$status" -eq 1 ]
  # the old dummy pair is no real key
  run env AWS_ACCESS_KEY_ID=test "$MOCKAWS_BIN" env --check
  [ "$status" -eq 0 ]
  # a server named on purpose (a compose service) is local
  run env AWS_ENDPOINT_URL=http://mockaws:4566 "$MOCKAWS_BIN" env --check
  [ "$status" -eq 1 ]
  run env AWS_ENDPOINT_URL=http://mockaws:4566 "$MOCKAWS_BIN" env --check --endpoint http://mockaws:4566
  [ "$status" -eq 0 ]
}

dump_env='import json, os; print(json.dumps({k: v for k, v in os.environ.items() if k.startswith("AWS_")}))'

@test "mockaws run gives its command exactly what mockaws env --format json prints" {
  echo '{"name": "env"}' >"$W/s.json"
  env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_REGION -u AWS_DEFAULT_REGION \
      -u AWS_EC2_METADATA_DISABLED AWS_SESSION_TOKEN=old AWS_ENDPOINT_URL_SQS=https://sqs.amazonaws.com \
      AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true \
    "$MOCKAWS_BIN" run --scenario "$W/s.json" -- python3 -c "$dump_env" >"$W/child" 2>"$W/err"
  endpoint="$(jq -r .AWS_ENDPOINT_URL "$W/child")"
  [[ "$endpoint" =~ ^http://127\.0\.0\.1:[0-9]+$ ]]
  # of the variables env names, the child has each value env prints, and not the one it unsets
  menv --endpoint "$endpoint" --format json >"$W/all"
  jq -S 'with_entries(select(.value != null))' "$W/all" >"$W/want"
  jq -S --slurpfile all "$W/all" 'with_entries(select(.key as $k | $all[0] | has($k)))' "$W/child" >"$W/got"
  diff "$W/want" "$W/got"
}

@test "mockaws run keeps the command's own credentials and region, never its endpoints" {
  echo '{"name": "env"}' >"$W/s.json"
  AWS_ACCESS_KEY_ID=111122223333 AWS_SECRET_ACCESS_KEY=test AWS_SESSION_TOKEN=tok AWS_REGION=eu-west-1 \
  AWS_ENDPOINT_URL=https://example.com \
    "$MOCKAWS_BIN" run --scenario "$W/s.json" -- python3 -c "$dump_env" >"$W/child" 2>"$W/err"
  [ "$(jq -r .AWS_ACCESS_KEY_ID "$W/child")" = 111122223333 ]
  [ "$(jq -r .AWS_SESSION_TOKEN "$W/child")" = tok ]
  [ "$(jq -r .AWS_REGION "$W/child")" = eu-west-1 ]
  [[ "$(jq -r .AWS_ENDPOINT_URL "$W/child")" =~ ^http://127\.0\.0\.1:[0-9]+$ ]]
  [ "$(jq -r .AWS_ENDPOINT_URL_EC2 "$W/child")" = "$(jq -r .AWS_ENDPOINT_URL "$W/child")" ]
}

@test "the dummy keys sign for --auth verify, and so does the old test pair" {
  start_mockaws --auth verify
  eval "$(menv --endpoint "$MOCKAWS_ENDPOINT")"
  who() { aws --endpoint-url "$MOCKAWS_ENDPOINT" --output text sts get-caller-identity --query Account; }
  run who
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = 123456789012 ]
  AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test run who
  [ "$status" -eq 0 ]
  [ "$output" = 123456789012 ]
  # each key its own secret
  AWS_SECRET_ACCESS_KEY=test run who
  [ "$status" -ne 0 ]
  [[ "$output" == *SignatureDoesNotMatch* ]]
}
