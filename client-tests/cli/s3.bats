#!/usr/bin/env bats
# S3 through the aws CLI: the high-level `aws s3` commands (mb, cp up and down including
# a 20 MiB multipart upload, sync of a tree with odd names, ls, mv, rm --recursive, rb,
# presign) and `aws s3api` calls with --endpoint-url. One server for the file; every
# test uses its own bucket.

load helpers

setup_file() {
  start_mockaws
  export S3_WORK="$(mktemp -d)"
  # a tree with nested directories and names that need encoding
  mkdir -p "$S3_WORK/tree/sub/deeper" "$S3_WORK/tree/unicodé" "$S3_WORK/tree/日本"
  printf 'alpha\n' >"$S3_WORK/tree/a.txt"
  printf 'with a space\n' >"$S3_WORK/tree/sub/b c.txt"
  printf 'plus and amp\n' >"$S3_WORK/tree/sub/deeper/plus+amp&.txt"
  printf 'question\n' >"$S3_WORK/tree/q?mark=1.txt"
  printf 'percent\n' >"$S3_WORK/tree/percent%20.txt"
  printf 'accent\n' >"$S3_WORK/tree/unicodé/café.txt"
  printf 'nihongo\n' >"$S3_WORK/tree/日本/語.txt"
  printf '' >"$S3_WORK/tree/empty file"
  # A user's files were written before the sync, not within the second of it:
  # `aws s3 sync` re-uploads a file whose mtime is later than the object's
  # LastModified, which S3 gives to the whole second.
  find "$S3_WORK/tree" -type f -exec touch -d '2 hours ago' {} +
  head -c $((20 * 1024 * 1024)) /dev/urandom >"$S3_WORK/big.bin"
}

teardown_file() {
  rm -rf "$S3_WORK"
  stop_mockaws
}

setup() {
  aws_env
}

s3() { aws --endpoint-url "$MOCKAWS_ENDPOINT" s3 "$@"; }
s3api() { aws --endpoint-url "$MOCKAWS_ENDPOINT" --output json s3api "$@"; }
count_ops() {  # count_ops OPERATION: journal entries of that S3 operation so far
  journal "service=s3&operation=$1&limit=10000" | jq '.entries | length'
}

@test "mb, ls of buckets, rb" {
  run s3 mb s3://cli-mb
  [ "$status" -eq 0 ]
  [ "$output" = "make_bucket: cli-mb" ]
  run s3 ls
  [ "$status" -eq 0 ]
  [[ "$output" == *" cli-mb"* ]]
  run s3 rb s3://cli-mb
  [ "$status" -eq 0 ]
  [ "$output" = "remove_bucket: cli-mb" ]
  run s3api head-bucket --bucket cli-mb
  [ "$status" -ne 0 ]
  [[ "$output" == *"404"* ]]
}

@test "mb of an invalid name fails with InvalidBucketName" {
  run s3 mb s3://Not_Valid
  [ "$status" -ne 0 ]
  [[ "$output" == *"InvalidBucketName"* ]]
}

@test "cp a small file up and down; ls shows its size" {
  s3 mb s3://cli-cp
  run s3 cp --no-progress "$S3_WORK/tree/a.txt" "s3://cli-cp/dir/a file.txt"
  [ "$status" -eq 0 ]
  [[ "$output" == *"upload:"*"s3://cli-cp/dir/a file.txt"* ]]
  run s3 ls s3://cli-cp/dir/
  [ "$status" -eq 0 ]
  [[ "$output" =~ [[:space:]]6\ a\ file\.txt$ ]]
  run s3 cp --no-progress "s3://cli-cp/dir/a file.txt" "$BATS_TEST_TMPDIR/back.txt"
  [ "$status" -eq 0 ]
  cmp "$S3_WORK/tree/a.txt" "$BATS_TEST_TMPDIR/back.txt"
  # stdout as a destination
  run s3 cp --no-progress "s3://cli-cp/dir/a file.txt" -
  [ "$status" -eq 0 ]
  [ "$output" = "alpha" ]
}

@test "cp of a 20 MiB file uses multipart; the download is byte-identical" {
  s3 mb s3://cli-big
  before_create="$(count_ops CreateMultipartUpload)"
  before_parts="$(count_ops UploadPart)"
  run s3 cp --no-progress "$S3_WORK/big.bin" s3://cli-big/big.bin
  [ "$status" -eq 0 ]
  [ $(( $(count_ops CreateMultipartUpload) - before_create )) -eq 1 ]
  # the CLI's default chunk is 8 MiB: 8 + 8 + 4
  [ $(( $(count_ops UploadPart) - before_parts )) -eq 3 ]
  run s3api head-object --bucket cli-big --key big.bin
  [ "$status" -eq 0 ]
  [ "$(jq -r .ContentLength <<<"$output")" -eq $((20 * 1024 * 1024)) ]
  # md5 of the three part md5s, then -3
  want="$(python3 - "$S3_WORK/big.bin" <<'PY'
import hashlib, sys
data = open(sys.argv[1], "rb").read()
parts = [data[i:i + 8 * 1024 * 1024] for i in range(0, len(data), 8 * 1024 * 1024)]
print('"%s-%d"' % (hashlib.md5(b"".join(hashlib.md5(p).digest() for p in parts)).hexdigest(), len(parts)))
PY
)"
  [ "$(jq -r .ETag <<<"$output")" = "$want" ]
  run s3 cp --no-progress s3://cli-big/big.bin "$BATS_TEST_TMPDIR/big.bin"
  [ "$status" -eq 0 ]
  cmp "$S3_WORK/big.bin" "$BATS_TEST_TMPDIR/big.bin"
}

@test "sync a tree with nested and odd names up, again (no-op), and down" {
  s3 mb s3://cli-sync
  run s3 sync --no-progress "$S3_WORK/tree" s3://cli-sync/tree
  [ "$status" -eq 0 ]
  [ "$(grep -c '^upload:' <<<"$output")" -eq 8 ]

  run s3api list-objects-v2 --bucket cli-sync --query 'Contents[].Key' --output json
  [ "$status" -eq 0 ]
  got="$(jq -r '.[]' <<<"$output" | LC_ALL=C sort)"
  want="$(cd "$S3_WORK/tree" && find . -type f | sed 's|^\./|tree/|' | LC_ALL=C sort)"
  [ "$got" = "$want" ]

  # nothing changed: the listing must match the local files exactly, so nothing is sent
  run s3 sync --no-progress "$S3_WORK/tree" s3://cli-sync/tree
  [ "$status" -eq 0 ]
  [ -z "$output" ]

  run s3 sync --no-progress s3://cli-sync/tree "$BATS_TEST_TMPDIR/down"
  [ "$status" -eq 0 ]
  diff -r "$S3_WORK/tree" "$BATS_TEST_TMPDIR/down"

  # change one file: exactly one upload
  printf 'changed\n' >"$BATS_TEST_TMPDIR/down/sub/b c.txt"
  touch -d '1 hour ago' "$BATS_TEST_TMPDIR/down/sub/b c.txt"
  run s3 sync --no-progress "$BATS_TEST_TMPDIR/down" s3://cli-sync/tree
  [ "$status" -eq 0 ]
  [ "$(grep -c '^upload:' <<<"$output")" -eq 1 ]
  [[ "$output" == *"s3://cli-sync/tree/sub/b c.txt"* ]]

  # --delete removes what is gone locally
  rm "$BATS_TEST_TMPDIR/down/q?mark=1.txt"
  run s3 sync --no-progress --delete "$BATS_TEST_TMPDIR/down" s3://cli-sync/tree
  [ "$status" -eq 0 ]
  [[ "$output" == "delete: s3://cli-sync/tree/q?mark=1.txt" ]]
}

@test "ls and ls --recursive" {
  s3 mb s3://cli-ls
  s3 sync "$S3_WORK/tree" s3://cli-ls >/dev/null
  run s3 ls s3://cli-ls/
  [ "$status" -eq 0 ]
  [[ "$output" == *"PRE sub/"* ]]
  [[ "$output" == *"PRE 日本/"* ]]
  [[ "$output" =~ [[:space:]]6\ a\.txt ]]
  [[ "$output" == *" percent%20.txt"* ]]
  [[ "$output" != *"plus+amp"* ]]
  run s3 ls --recursive s3://cli-ls
  [ "$status" -eq 0 ]
  [ "$(wc -l <<<"$output")" -eq 8 ]
  [[ "$output" == *" sub/deeper/plus+amp&.txt"* ]]
  [[ "$output" == *" 日本/語.txt"* ]]
  [[ "$output" == *" 0 empty file"* ]]
  run s3 ls s3://cli-ls/sub/deeper/
  [ "$status" -eq 0 ]
  [[ "$output" =~ plus\+amp\&\.txt$ ]]
  run s3 ls --recursive --summarize s3://cli-ls
  [[ "$output" == *"Total Objects: 8"* ]]
}

@test "mv and rm --recursive" {
  s3 mb s3://cli-rm
  s3 sync "$S3_WORK/tree" s3://cli-rm >/dev/null
  run s3 mv --no-progress "s3://cli-rm/sub/b c.txt" "s3://cli-rm/moved/b c.txt"
  [ "$status" -eq 0 ]
  run s3api head-object --bucket cli-rm --key "sub/b c.txt"
  [ "$status" -ne 0 ]
  run s3api head-object --bucket cli-rm --key "moved/b c.txt"
  [ "$status" -eq 0 ]
  run s3 rm --recursive s3://cli-rm/sub/
  [ "$status" -eq 0 ]
  [ "$(grep -c '^delete:' <<<"$output")" -eq 1 ]
  run s3 rm --recursive s3://cli-rm
  [ "$status" -eq 0 ]
  [ "$(grep -c '^delete:' <<<"$output")" -eq 7 ]
  run s3api list-objects-v2 --bucket cli-rm
  [ "$status" -eq 0 ]
  [ "$(jq '.Contents | length' <<<"$output")" -eq 0 ]
  run s3 rb s3://cli-rm
  [ "$status" -eq 0 ]
}

@test "rb of a non-empty bucket fails with BucketNotEmpty; rb --force empties it" {
  s3 mb s3://cli-rb
  s3 cp "$S3_WORK/tree/a.txt" s3://cli-rb/a.txt >/dev/null
  run s3 rb s3://cli-rb
  [ "$status" -ne 0 ]
  [[ "$output" == *"BucketNotEmpty"* ]]
  run s3 rb --force s3://cli-rb
  [ "$status" -eq 0 ]
  run s3api head-bucket --bucket cli-rb
  [ "$status" -ne 0 ]
}

@test "s3api: create-bucket in eu-west-1, put/head/get-object with metadata, location" {
  run s3api create-bucket --bucket cli-api-eu --region eu-west-1 \
    --create-bucket-configuration LocationConstraint=eu-west-1
  [ "$status" -eq 0 ]
  run s3api get-bucket-location --bucket cli-api-eu --region eu-west-1
  [ "$(jq -r .LocationConstraint <<<"$output")" = "eu-west-1" ]
  run s3api put-object --region eu-west-1 --bucket cli-api-eu --key "k e y+&.txt" \
    --body "$S3_WORK/tree/a.txt" --content-type text/plain --metadata color=blue
  [ "$status" -eq 0 ]
  [ "$(jq -r .ETag <<<"$output")" = "\"$(md5sum "$S3_WORK/tree/a.txt" | cut -d' ' -f1)\"" ]
  run s3api head-object --region eu-west-1 --bucket cli-api-eu --key "k e y+&.txt"
  [ "$status" -eq 0 ]
  [ "$(jq -r .ContentType <<<"$output")" = "text/plain" ]
  [ "$(jq -r .Metadata.color <<<"$output")" = "blue" ]
  [ "$(jq -r .ContentLength <<<"$output")" -eq 6 ]
  run s3api get-object --region eu-west-1 --bucket cli-api-eu --key "k e y+&.txt" \
    --range bytes=1-3 "$BATS_TEST_TMPDIR/part"
  [ "$status" -eq 0 ]
  [ "$(jq -r .ContentRange <<<"$output")" = "bytes 1-3/6" ]
  [ "$(cat "$BATS_TEST_TMPDIR/part")" = "lph" ]
  # the second create in eu-west-1 is BucketAlreadyOwnedByYou
  run s3api create-bucket --bucket cli-api-eu --region eu-west-1 \
    --create-bucket-configuration LocationConstraint=eu-west-1
  [ "$status" -ne 0 ]
  [[ "$output" == *"BucketAlreadyOwnedByYou"* ]]
}

@test "s3api: CLI pagination of list-objects-v2 and delete-objects" {
  s3api create-bucket --bucket cli-api-pages >/dev/null
  for i in $(seq -w 1 23); do
    s3api put-object --bucket cli-api-pages --key "p/$i x+y" >/dev/null
  done
  # the CLI follows continuation tokens itself with --page-size
  run s3api list-objects-v2 --bucket cli-api-pages --page-size 5 --query 'Contents[].Key' --output json
  [ "$status" -eq 0 ]
  [ "$(jq length <<<"$output")" -eq 23 ]
  [ "$(jq -r '.[0]' <<<"$output")" = "p/01 x+y" ]
  [ "$(jq -r '.[22]' <<<"$output")" = "p/23 x+y" ]
  # --max-items gives a NextToken to resume from
  run s3api list-objects-v2 --bucket cli-api-pages --page-size 5 --max-items 7
  [ "$status" -eq 0 ]
  [ "$(jq '.Contents | length' <<<"$output")" -eq 7 ]
  token="$(jq -r .NextToken <<<"$output")"
  [ -n "$token" ] && [ "$token" != null ]
  run s3api list-objects-v2 --bucket cli-api-pages --page-size 5 --starting-token "$token"
  [ "$(jq '.Contents | length' <<<"$output")" -eq 16 ]
  [ "$(jq -r '.Contents[0].Key' <<<"$output")" = "p/08 x+y" ]

  run s3api delete-objects --bucket cli-api-pages \
    --delete '{"Objects":[{"Key":"p/01 x+y"},{"Key":"p/02 x+y"},{"Key":"never"}]}'
  [ "$status" -eq 0 ]
  [ "$(jq -r '[.Deleted[].Key] | sort | join(",")' <<<"$output")" = "never,p/01 x+y,p/02 x+y" ]
  run s3api list-objects-v2 --bucket cli-api-pages
  [ "$(jq '.Contents | length' <<<"$output")" -eq 21 ]
}

@test "s3api errors: NoSuchKey, 404 on head, NoSuchBucket" {
  s3api create-bucket --bucket cli-api-errs >/dev/null
  run s3api get-object --bucket cli-api-errs --key missing "$BATS_TEST_TMPDIR/x"
  [ "$status" -ne 0 ]
  [[ "$output" == *"NoSuchKey"* ]]
  run s3api head-object --bucket cli-api-errs --key missing
  [ "$status" -ne 0 ]
  [[ "$output" == *"404"* ]]
  run s3api list-objects-v2 --bucket cli-api-no-such-bucket
  [ "$status" -ne 0 ]
  [[ "$output" == *"NoSuchBucket"* ]]
}

@test "presign: a GET URL fetched with curl" {
  s3 mb s3://cli-presign
  s3 cp "$S3_WORK/tree/a.txt" "s3://cli-presign/a b+c.txt" >/dev/null
  run s3 presign "s3://cli-presign/a b+c.txt" --expires-in 300
  [ "$status" -eq 0 ]
  url="$output"
  [[ "$url" == "$MOCKAWS_ENDPOINT/cli-presign/"* ]]
  run curl -fsS "$url"
  [ "$status" -eq 0 ]
  [ "$output" = "alpha" ]
}

@test "AWS_ENDPOINT_URL instead of --endpoint-url" {
  AWS_ENDPOINT_URL="$MOCKAWS_ENDPOINT" run aws s3 mb s3://cli-env
  [ "$status" -eq 0 ]
  AWS_ENDPOINT_URL="$MOCKAWS_ENDPOINT" run aws s3 cp "$S3_WORK/tree/a.txt" s3://cli-env/a
  [ "$status" -eq 0 ]
  run s3 ls s3://cli-env/
  [[ "$output" == *" a"* ]]
}
