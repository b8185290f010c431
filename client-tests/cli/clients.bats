#!/usr/bin/env bats
# The clients of the README's "Clients" section, each configured with only
# what `mockaws env --client NAME` prints (the README shows the same text,
# tools/check_readme_clients.sh checks that), against a server that checks
# signatures (--auth verify), so the dummy keys must really sign. Each makes
# a bucket, uploads, lists, downloads, compares the bytes and deletes.
# Snippets for SDKs this machine cannot run are checked for syntax where a
# checker is installed.

load helpers

setup_file() {
  start_mockaws --auth verify
}

teardown_file() {
  stop_mockaws
}

setup() {
  W="$(mktemp -d)"
  # only what the snippet gives: no endpoint or keys from outside
  unset AWS_ENDPOINT_URL AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_REGION AWS_DEFAULT_REGION
  head -c 70000 /dev/urandom >"$W/payload"
}

teardown() {
  if mountpoint -q "$W/mnt" 2>/dev/null; then fusermount -u "$W/mnt" || umount -l "$W/mnt"; fi
  rm -rf "$W"
}

snippet() { "$MOCKAWS_BIN" env --client "$1" --endpoint "$MOCKAWS_ENDPOINT"; }

# The bucket is gone: asked with the dummy keys, outside the client under test.
bucket_gone() {
  run curl -s -o /dev/null -w '%{http_code}' --aws-sigv4 aws:amz:us-east-1:s3 \
    -H "x-amz-content-sha256: $(sha256sum </dev/null | cut -d' ' -f1)" --user AKIAMOCKAWS00EXAMPLE:mockawsLocalOnlyNotARealSecretEXAMPLEKEY -I "$MOCKAWS_ENDPOINT/$1"
  [ "$output" = 404 ]
}

@test "s3cmd with the printed .s3cfg" {
  snippet s3cmd >"$W/s3cfg"
  s() { s3cmd -c "$W/s3cfg" "$@"; }
  s mb s3://env-s3cmd
  s put "$W/payload" s3://env-s3cmd/dir/payload.bin
  run s ls s3://env-s3cmd/dir/
  [ "$status" -eq 0 ]
  [[ "$output" == *"70000"*"s3://env-s3cmd/dir/payload.bin"* ]]
  s get s3://env-s3cmd/dir/payload.bin "$W/back"
  cmp "$W/payload" "$W/back"
  s del s3://env-s3cmd/dir/payload.bin
  s rb s3://env-s3cmd
  bucket_gone env-s3cmd
}

@test "rclone with the printed remote" {
  snippet rclone >"$W/rclone.conf"
  unset AWS_CA_BUNDLE  # rclone's own transport refuses one from the environment
  r() { RCLONE_CONFIG="$W/rclone.conf" rclone "$@"; }
  r mkdir mockaws:env-rclone
  r copyto "$W/payload" mockaws:env-rclone/dir/payload.bin
  run r lsl mockaws:env-rclone
  [ "$status" -eq 0 ]
  [[ "$output" == *"70000"*"dir/payload.bin"* ]]
  r copyto mockaws:env-rclone/dir/payload.bin "$W/back"
  cmp "$W/payload" "$W/back"
  r deletefile mockaws:env-rclone/dir/payload.bin
  r rmdir mockaws:env-rclone
  bucket_gone env-rclone
}

@test "Debian's aws CLI v2 (2.9.19) with the printed --endpoint-url function (awscli-old)" {
  [ -x /usr/bin/aws ] || { echo "Debian's awscli is missing (deps/test.txt)" >&2; return 1; }
  /usr/bin/aws --version | grep -q '^aws-cli/2\.'
  snippet awscli-old >"$W/aws.sh"
  # the snippet's aws() calls whichever aws comes first: Debian's here
  PATH="/usr/bin:$PATH"
  source "$W/aws.sh"
  aws s3 mb s3://env-awscli-old
  aws s3 cp "$W/payload" s3://env-awscli-old/dir/payload.bin
  run aws s3 ls s3://env-awscli-old/dir/
  [ "$status" -eq 0 ]
  [[ "$output" == *"70000 payload.bin"* ]]
  aws s3 cp s3://env-awscli-old/dir/payload.bin "$W/back"
  cmp "$W/payload" "$W/back"
  aws s3 rm s3://env-awscli-old/dir/payload.bin
  aws s3 rb s3://env-awscli-old
  bucket_gone env-awscli-old
}

@test "the aws CLI v1.29+ / v2.13+ with the printed profile (awscli)" {
  v="$(aws --version 2>&1)"
  echo "$v"
  [[ "$v" =~ ^aws-cli/([0-9]+)\.([0-9]+) ]]
  major=${BASH_REMATCH[1]} minor=${BASH_REMATCH[2]}
  if { [ "$major" -eq 1 ] && [ "$minor" -lt 29 ]; } || { [ "$major" -eq 2 ] && [ "$minor" -lt 13 ]; }; then
    skip "the aws CLI on the PATH ($v) reads no endpoint_url from a profile"
  fi
  snippet awscli >"$W/config"
  export AWS_CONFIG_FILE="$W/config" AWS_PROFILE=mockaws
  aws s3 mb s3://env-awscli
  aws s3 cp "$W/payload" s3://env-awscli/dir/payload.bin
  run aws s3 ls s3://env-awscli/dir/
  [ "$status" -eq 0 ]
  [[ "$output" == *"70000 payload.bin"* ]]
  aws s3 cp s3://env-awscli/dir/payload.bin "$W/back"
  cmp "$W/payload" "$W/back"
  aws s3 rm s3://env-awscli/dir/payload.bin
  aws s3 rb s3://env-awscli
  bucket_gone env-awscli
}

@test "restic with the printed repository" {
  snippet restic >"$W/restic.sh"
  source "$W/restic.sh"
  export RESTIC_PASSWORD=not-a-secret RESTIC_CACHE_DIR="$W/cache"
  mkdir "$W/data" && cp "$W/payload" "$W/data/payload.bin"
  restic init
  restic backup --host mockaws "$W/data"
  run restic snapshots --json
  [ "$status" -eq 0 ]
  [ "$(jq length <<<"$output")" -eq 1 ]
  restic restore latest --target "$W/out"
  cmp "$W/payload" "$W/out$W/data/payload.bin"
  restic forget --prune latest
  run restic snapshots --json
  [ "$(jq length <<<"$output")" -eq 0 ]
}

@test "s3fs with the printed passwd file and options" {
  command -v s3fs >/dev/null || { echo "s3fs is missing (deps/test.txt)" >&2; return 1; }
  [ -c /dev/fuse ] || skip "no /dev/fuse here: s3fs cannot mount"
  snippet s3cmd >"$W/s3cfg"
  s3cmd -c "$W/s3cfg" mb s3://env-s3fs
  snippet s3fs >"$W/mount.sh"
  mkdir "$W/mnt" "$W/home"
  if ! HOME="$W/home" BUCKET=env-s3fs MOUNTPOINT="$W/mnt" bash "$W/mount.sh" 2>"$W/err"; then
    cat "$W/err" >&2
    grep -qiE 'fuse|permission|operation not permitted' "$W/err" && skip "s3fs cannot mount here: $(head -c 200 "$W/err")"
    return 1
  fi
  [ "$(stat -c %a "$W/home/.passwd-s3fs")" = 600 ]
  cp "$W/payload" "$W/mnt/payload.bin"
  sync
  s3cmd -c "$W/s3cfg" get s3://env-s3fs/payload.bin "$W/back"
  cmp "$W/payload" "$W/back"
  ls "$W/mnt" | grep -qx payload.bin
  cmp "$W/payload" "$W/mnt/payload.bin"
  rm "$W/mnt/payload.bin"
  fusermount -u "$W/mnt"
  s3cmd -c "$W/s3cfg" rb s3://env-s3fs
  bucket_gone env-s3fs
}

@test "snippets for SDKs not on this machine parse (terraform fmt, node --check, rustfmt)" {
  checked=0
  if command -v terraform >/dev/null; then
    snippet terraform >"$W/main.tf"
    terraform fmt -check -diff "$W/main.tf"
    checked=$((checked + 1))
  fi
  snippet js-v2 >"$W/v2.cjs"
  node --check "$W/v2.cjs"
  snippet js-v3 >"$W/v3.mjs"
  node --check "$W/v3.mjs"
  checked=$((checked + 2))
  if command -v rustfmt >/dev/null; then
    { echo 'async fn f() {'; snippet rust; echo '}'; } >"$W/main.rs"
    rustfmt --edition 2021 --emit stdout "$W/main.rs" >/dev/null
    checked=$((checked + 1))
  fi
  echo "# $checked snippets checked; go-v1, go-v2, java-v2 and dotnet have no checker here" >&3
}
