# Shared by the .bats files: one mockaws server per file, started in
# setup_file and stopped in teardown_file. The binary is $MOCKAWS_BIN, or
# build/bin/mockaws in the source tree.

: "${MOCKAWS_BIN:=$BATS_TEST_DIRNAME/../../build/bin/mockaws}"

start_mockaws() {  # start_mockaws [more flags]
  MOCKAWS_DIR="$(mktemp -d)"
  "$MOCKAWS_BIN" --host 127.0.0.1 --port 0 --port-file "$MOCKAWS_DIR/port" "$@" \
    >"$MOCKAWS_DIR/out" 2>&1 </dev/null 3>&- &
  MOCKAWS_PID=$!
  local i
  # generous: a loaded machine (and ASan) can be slow to start a server
  for i in $(seq 1 6000); do
    if [[ -s "$MOCKAWS_DIR/port" ]] && grep -qE '^[0-9]+$' "$MOCKAWS_DIR/port"; then
      MOCKAWS_PORT="$(cat "$MOCKAWS_DIR/port")"
      export MOCKAWS_DIR MOCKAWS_PID MOCKAWS_PORT
      export MOCKAWS_ENDPOINT="http://127.0.0.1:$MOCKAWS_PORT"
      return 0
    fi
    kill -0 "$MOCKAWS_PID" 2>/dev/null || { cat "$MOCKAWS_DIR/out" >&2; echo "mockaws exited" >&2; return 1; }
    sleep 0.01
  done
  echo "mockaws wrote no port file in 60 s" >&2
  kill -9 "$MOCKAWS_PID"
  return 1
}

stop_mockaws() {
  [[ -n "${MOCKAWS_PID:-}" ]] || return 0
  kill -TERM "$MOCKAWS_PID"
  local code=0
  wait "$MOCKAWS_PID" 2>/dev/null || code=$?
  # wait on a process started in setup_file may not be our child here: fall back to polling
  local i
  for i in $(seq 1 6000); do kill -0 "$MOCKAWS_PID" 2>/dev/null || break; sleep 0.01; done
  if kill -0 "$MOCKAWS_PID" 2>/dev/null; then
    kill -9 "$MOCKAWS_PID"; echo "mockaws did not stop on SIGTERM" >&2; return 1
  fi
  rm -rf "$MOCKAWS_DIR"
  [[ $code -eq 0 || $code -eq 127 ]] || { echo "mockaws exited with $code" >&2; return 1; }
}

# A clean AWS CLI environment: no profile, no config files, fake credentials.
aws_env() {
  export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
  export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=secret AWS_DEFAULT_REGION=us-east-1
  export AWS_PAGER="" AWS_RETRY_MODE=standard
  unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL
}

journal() {  # journal [query-string]
  curl -fsS "$MOCKAWS_ENDPOINT/_mockaws/journal${1:+?$1}"
}
