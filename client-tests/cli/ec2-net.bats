#!/usr/bin/env bats
# EC2 networking through the aws CLI: a VPC, subnet, group and imported key
# pair, and an instance launched into them.

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

@test "run-instances into a created VPC, subnet and security group with an imported key" {
  vpc="$(ec2 create-vpc --cidr-block 10.40.0.0/16 --query Vpc.VpcId --output text)"
  subnet="$(ec2 create-subnet --vpc-id "$vpc" --cidr-block 10.40.1.0/24 --query Subnet.SubnetId --output text)"
  sg="$(ec2 create-security-group --group-name cli --description cli --vpc-id "$vpc" --query GroupId --output text)"
  run ec2 authorize-security-group-ingress --group-id "$sg" --protocol tcp --port 22 --cidr 10.0.0.0/8
  [ "$status" -eq 0 ]
  [ "$(jq -r '.SecurityGroupRules[0].CidrIpv4' <<<"$output")" = "10.0.0.0/8" ]
  key="$BATS_TEST_TMPDIR/k"
  ssh-keygen -q -t ed25519 -N "" -f "$key"
  run ec2 import-key-pair --key-name cli --public-key-material "fileb://$key.pub"
  [ "$status" -eq 0 ]
  # AWS's Ed25519 fingerprint: ssh-keygen's SHA256, base64 padded
  want="$(ssh-keygen -l -f "$key.pub" | awk '{print $2}' | sed 's/^SHA256://')="
  [ "$(jq -r .KeyFingerprint <<<"$output")" = "$want" ]
  run ec2 run-instances --image-id ami-ab939b9c031512198 --subnet-id "$subnet" --security-group-ids "$sg" --key-name cli
  [ "$status" -eq 0 ]
  [ "$(jq -r '.Instances[0].VpcId' <<<"$output")" = "$vpc" ]
  [ "$(jq -r '.Instances[0].PrivateIpAddress' <<<"$output")" = "10.40.1.4" ]
  [ "$(jq -r '.Instances[0].KeyName' <<<"$output")" = "cli" ]
  run ec2 delete-subnet --subnet-id "$subnet"
  [ "$status" -ne 0 ]
  [[ "$output" == *DependencyViolation* ]]
}
