#!/usr/bin/env bats
# S3 versioning through rclone (the Debian package): `rclone ls --s3-versions` lists
# old versions through ListObjectVersions, and `rclone purge` removes a bucket
# after reading its versioning state with GetBucketVersioning (which logged an
# error while that answered 501). Objects are written with the aws CLI.

load helpers

setup_file() {
  start_mockaws
  export RCLONE_WORK="$(mktemp -d)"
  : >"$RCLONE_WORK/none.conf"  # an empty config: rclone notes a missing one on stderr
}

teardown_file() {
  rm -rf "$RCLONE_WORK"
  stop_mockaws
}

setup() {
  aws_env
  # a remote named mock, configured from the environment alone
  export RCLONE_CONFIG="$RCLONE_WORK/none.conf"
  export RCLONE_CONFIG_MOCK_TYPE=s3 RCLONE_CONFIG_MOCK_PROVIDER=Other
  export RCLONE_CONFIG_MOCK_ENDPOINT="$MOCKAWS_ENDPOINT" RCLONE_CONFIG_MOCK_FORCE_PATH_STYLE=true
  export RCLONE_CONFIG_MOCK_ACCESS_KEY_ID=AKIDEXAMPLE RCLONE_CONFIG_MOCK_SECRET_ACCESS_KEY=secret
  export RCLONE_CONFIG_MOCK_REGION=us-east-1
  # rclone's own HTTP transport refuses a CA bundle from the environment
  unset AWS_CA_BUNDLE
}

s3api() { aws --endpoint-url "$MOCKAWS_ENDPOINT" --output json s3api "$@"; }

put() {  # put BUCKET KEY TEXT
  printf '%s' "$3" >"$RCLONE_WORK/body"
  s3api put-object --bucket "$1" --key "$2" --body "$RCLONE_WORK/body" >/dev/null
}

@test "ls --s3-versions lists the old versions beside the current ones" {
  s3api create-bucket --bucket rc-versions >/dev/null
  s3api put-bucket-versioning --bucket rc-versions --versioning-configuration Status=Enabled
  put rc-versions doc.txt one
  put rc-versions doc.txt second
  put rc-versions other.txt x
  run rclone ls mock:rc-versions
  [ "$status" -eq 0 ]
  [ "$(printf '%s\n' "$output" | wc -l)" -eq 2 ]
  run rclone ls --s3-versions mock:rc-versions
  [ "$status" -eq 0 ]
  echo "$output"
  # the current doc.txt (6 bytes), its old version named with a -v timestamp (3 bytes), other.txt
  [ "$(printf '%s\n' "$output" | wc -l)" -eq 3 ]
  [[ "$output" =~ [[:space:]]6\ doc\.txt ]]
  [[ "$output" =~ [[:space:]]3\ doc-v[0-9-]+\.txt ]]
  [[ "$output" =~ [[:space:]]1\ other\.txt ]]
  # the old version reads back by that name
  old="$(printf '%s\n' "$output" | grep -o 'doc-v[^ ]*\.txt')"
  run rclone cat --s3-versions "mock:rc-versions/$old"
  [ "$status" -eq 0 ]
  [ "$output" = "one" ]
}

@test "purge of a versioned bucket logs no error and removes it" {
  s3api create-bucket --bucket rc-purge >/dev/null
  s3api put-bucket-versioning --bucket rc-purge --versioning-configuration Status=Enabled
  put rc-purge a/b.txt 1
  put rc-purge c.txt 2
  run rclone purge mock:rc-purge
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" != *ERROR* ]]
  # the objects are gone (delete markers on top of their versions)
  run rclone ls mock:rc-purge
  [ -z "$output" ] || [[ "$output" == *"directory not found"* ]]
  run s3api list-objects-v2 --bucket rc-purge
  [[ "$output" != *'"Key"'* ]]
  # rclone asked for the versioning state, and was answered
  journal "service=s3&operation=GetBucketVersioning&limit=100" >"$RCLONE_WORK/j"
  [ "$(jq '.entries | length' "$RCLONE_WORK/j")" -ge 1 ]
  [ "$(jq '[.entries[] | select(.status != 200)] | length' "$RCLONE_WORK/j")" -eq 0 ]
}

@test "purge of an unversioned bucket removes the bucket" {
  s3api create-bucket --bucket rc-plain >/dev/null
  put rc-plain x.txt 1
  run rclone purge mock:rc-plain
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" != *ERROR* ]]
  run s3api head-bucket --bucket rc-plain
  [ "$status" -ne 0 ]
}
