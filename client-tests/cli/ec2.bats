#!/usr/bin/env bats
# EC2 through the aws CLI: run-instances, describe, the `aws ec2 wait`
# waiters, DryRun and errors.

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

ec2() {
  aws ec2 --endpoint-url "$MOCKAWS_ENDPOINT" --output json "$@"
}

control() {  # control METHOD PATH [JSON]
  curl -fsS -X "$1" -H 'content-type: application/json' ${3:+--data "$3"} "$MOCKAWS_ENDPOINT/_mockaws/$2"
}

@test "run-instances answers pending instances in a reservation" {
  run ec2 run-instances --image-id ami-ab939b9c031512198 --count 2 --instance-type t3.micro
  [ "$status" -eq 0 ]
  [[ "$(jq -r .ReservationId <<<"$output")" == r-* ]]
  [ "$(jq '.Instances | length' <<<"$output")" -eq 2 ]
  [ "$(jq -r '.Instances[0].State.Name' <<<"$output")" = "pending" ]
  [[ "$(jq -r '.Instances[0].InstanceId' <<<"$output")" =~ ^i-[0-9a-f]{17}$ ]]
}

@test "wait instance-running polls until the instance runs" {
  # Each CLI call takes about a second to start, so the transition counts
  # polls here rather than time: the first two polls see pending. The CLI
  # waits 15 s between polls, so this takes one such wait.
  control POST state '{"region": "us-west-2", "ec2": {"transitions": {"pending_ms": 0, "pending_polls": 2}}}' >/dev/null
  export AWS_DEFAULT_REGION=us-west-2
  # image ids are the region's: the catalogue's Amazon Linux 2023 here
  ami="$(ec2 describe-images --owners amazon --filters 'Name=name,Values=al2023-ami-2023.*-x86_64' \
    --query 'sort_by(Images, &CreationDate)[-1].ImageId' --output text)"
  id="$(ec2 run-instances --image-id "$ami" --query 'Instances[0].InstanceId' --output text)"
  [ "$(ec2 describe-instances --instance-ids "$id" --query 'Reservations[0].Instances[0].State.Name' --output text)" = "pending" ]
  run ec2 wait instance-running --instance-ids "$id"
  [ "$status" -eq 0 ]
  [ "$(ec2 describe-instances --instance-ids "$id" --query 'Reservations[0].Instances[0].State.Name' --output text)" = "running" ]
  [ "$(journal "service=ec2&operation=DescribeInstances" | jq '[.entries[] | select(.region == "us-west-2")] | length')" -eq 4 ]
}

describe_polls() {  # DescribeInstances calls journaled so far
  journal "service=ec2&operation=DescribeInstances&limit=10000" | jq '.entries | length'
}

@test "wait instance-stopped and instance-terminated on the virtual clock" {
  # Each waiter sleeps 15 s before a second poll: one that polled once
  # succeeded at once, because the clock had moved.
  control POST clock '{"mode": "virtual"}' >/dev/null
  id="$(ec2 run-instances --image-id ami-ab939b9c031512198 --query 'Instances[0].InstanceId' --output text)"
  control POST clock '{"advance_ms": 1000}' >/dev/null
  before="$(describe_polls)"
  run ec2 wait instance-running --instance-ids "$id"
  [ "$status" -eq 0 ]
  [ "$(describe_polls)" -eq $((before + 1)) ]
  ec2 stop-instances --instance-ids "$id" >/dev/null
  control POST clock '{"advance_ms": 1000}' >/dev/null
  before="$(describe_polls)"
  run ec2 wait instance-stopped --instance-ids "$id"
  [ "$status" -eq 0 ]
  [ "$(describe_polls)" -eq $((before + 1)) ]
  ec2 terminate-instances --instance-ids "$id" >/dev/null
  control POST clock '{"advance_ms": 1000}' >/dev/null
  before="$(describe_polls)"
  run ec2 wait instance-terminated --instance-ids "$id"
  [ "$status" -eq 0 ]
  [ "$(describe_polls)" -eq $((before + 1)) ]
  control POST clock '{"mode": "real"}' >/dev/null
}

@test "wait instance-running fails on a terminated instance" {
  id="$(ec2 run-instances --image-id ami-ab939b9c031512198 --query 'Instances[0].InstanceId' --output text)"
  ec2 terminate-instances --instance-ids "$id" >/dev/null
  run ec2 wait instance-running --instance-ids "$id"
  [ "$status" -ne 0 ]
  [[ "$output" == *"terminal failure"* ]]
}

@test "dry run: 412 DryRunOperation and nothing launched" {
  before="$(ec2 describe-instances --query 'length(Reservations)')"
  run ec2 run-instances --image-id ami-ab939b9c031512198 --dry-run
  [ "$status" -ne 0 ]
  [[ "$output" == *"DryRunOperation"* ]]
  [[ "$output" == *"Request would have succeeded, but DryRun flag is set."* ]]
  [ "$(ec2 describe-instances --query 'length(Reservations)')" = "$before" ]
}

@test "malformed and unknown instance ids" {
  run ec2 describe-instances --instance-ids i-nope
  [ "$status" -ne 0 ]
  [[ "$output" == *"InvalidInstanceID.Malformed"* ]]
  run ec2 stop-instances --instance-ids i-0123456789abcdef0
  [ "$status" -ne 0 ]
  [[ "$output" == *"InvalidInstanceID.NotFound"* ]]
  [[ "$output" == *"The instance ID 'i-0123456789abcdef0' does not exist"* ]]
}

@test "filters and tags" {
  id="$(ec2 run-instances --image-id ami-ab939b9c031512198 \
        --tag-specifications 'ResourceType=instance,Tags=[{Key=Name,Value=cli-box}]' \
        --query 'Instances[0].InstanceId' --output text)"
  run ec2 describe-instances --filters 'Name=tag:Name,Values=cli-*' --query 'Reservations[].Instances[].InstanceId' --output text
  [ "$status" -eq 0 ]
  [ "$output" = "$id" ]
  ec2 create-tags --resources "$id" --tags Key=team,Value=infra
  run ec2 describe-tags --filters "Name=resource-id,Values=$id" "Name=key,Values=team" --query 'Tags[0].Value' --output text
  [ "$output" = "infra" ]
}

@test "describe-regions and describe-availability-zones" {
  run ec2 describe-regions --query 'Regions[].RegionName' --output text
  [ "$status" -eq 0 ]
  [[ "$output" == *"us-east-1"* ]]
  run ec2 describe-availability-zones --region eu-west-1 --query 'AvailabilityZones[].ZoneName' --output text
  [ "$output" = "$(printf 'eu-west-1a\teu-west-1b\teu-west-1c')" ]
}
