#!/usr/bin/env bats
# --state-dir through the aws CLI: what was written before a SIGTERM is there
# after a restart; a torn state.json stops the start and stays as it was.

load helpers

setup() {
  aws_env
  STATE="$(mktemp -d)"
}

teardown() {
  stop_mockaws || true
  rm -rf "$STATE"
}

@test "objects and topics survive a restart, saved on SIGTERM and on demand" {
  start_mockaws --state-dir "$STATE"
  aws s3 mb s3://cli-state --endpoint-url "$MOCKAWS_ENDPOINT"
  printf 'kept across restarts\n' | aws s3 cp - s3://cli-state/dir/file.txt --endpoint-url "$MOCKAWS_ENDPOINT"
  aws sns create-topic --name cli-kept --endpoint-url "$MOCKAWS_ENDPOINT" >/dev/null
  run curl -fsS -X POST "$MOCKAWS_ENDPOINT/_mockaws/state/save"
  [ "$status" -eq 0 ]
  [ "$(jq -r .saved <<<"$output")" = "$(realpath "$STATE")/state.json" ]
  stop_mockaws
  MOCKAWS_PID=
  start_mockaws --state-dir "$STATE"
  run aws s3 cp s3://cli-state/dir/file.txt - --endpoint-url "$MOCKAWS_ENDPOINT"
  [ "$status" -eq 0 ]
  [ "$output" = "kept across restarts" ]
  run aws sns list-topics --endpoint-url "$MOCKAWS_ENDPOINT" --output json
  [[ "$output" == *":cli-kept\""* ]]
}

@test "a torn state.json is refused, named, and left as it was" {
  printf '{"namespaces": [{"s3": ' >"$STATE/state.json"
  run "$MOCKAWS_BIN" --port 0 --state-dir "$STATE"
  [ "$status" -eq 1 ]
  [[ "$output" == *"$(realpath "$STATE")/state.json: not valid JSON at line 1"* ]]
  [ "$(cat "$STATE/state.json")" = '{"namespaces": [{"s3": ' ]
}
