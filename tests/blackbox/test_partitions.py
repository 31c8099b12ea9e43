"""Partitions: a request signed for a region of another partition (China, GovCloud, ISO) gets
ARNs of that partition, as AWS's endpoints there answer, and its policies name that partition."""

import json

import boto3
import pytest
from botocore.config import Config

from conftest import ACCOUNT_A, ACCOUNT_B, MALLORY, ROOT_A, VENDOR, error_of


def client(server, service, key, region, token=None):
    return boto3.client(service, endpoint_url=server.url, region_name=region, aws_access_key_id=key[0],
                        aws_secret_access_key=key[1], aws_session_token=token,
                        config=Config(retries={"max_attempts": 1}))


@pytest.mark.parametrize("region, partition", [
    ("cn-north-1", "aws-cn"), ("us-gov-west-1", "aws-us-gov"), ("us-isob-east-1", "aws-iso-b")])
def test_arns_follow_the_regions_partition(server, region, partition):
    sts = client(server, "sts", VENDOR, region)
    assert sts.get_caller_identity()["Arn"] == f"arn:{partition}:iam::{ACCOUNT_B}:user/vendor"
    iam = client(server, "iam", ROOT_A, region)
    name = f"Part{partition.replace('-', '')}"
    user = iam.create_user(UserName=name)["User"]
    assert user["Arn"] == f"arn:{partition}:iam::{ACCOUNT_A}:user/{name}"
    policy = iam.create_policy(PolicyName=name, PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:{partition}:s3:::bucket/*"}]}))
    assert policy["Policy"]["Arn"] == f"arn:{partition}:iam::{ACCOUNT_A}:policy/{name}"
    # A policy naming another partition's resources is refused there.
    assert error_of(iam.create_policy, PolicyName=f"{name}Other", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/*"}]})) == (
        "MalformedPolicyDocument", 400,
        f'Partition "aws" is not valid for resource "arn:aws:s3:::bucket/*".')
    # A role trusting an account of this partition, assumed there (by mallory, whose own policy
    # allows sts:AssumeRole on any resource; vendor's names roles of the aws partition only).
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:{partition}:iam::{ACCOUNT_B}:root"},
                       "Action": "sts:AssumeRole"}]}))
    role_arn = f"arn:{partition}:iam::{ACCOUNT_A}:role/{name}"
    assert error_of(sts.assume_role, RoleArn=role_arn, RoleSessionName="px")[0] == "AccessDenied"
    out = client(server, "sts", MALLORY, region).assume_role(RoleArn=role_arn, RoleSessionName="px")
    assert out["AssumedRoleUser"]["Arn"] == f"arn:{partition}:sts::{ACCOUNT_A}:assumed-role/{name}/px"
    creds = out["Credentials"]
    session = client(server, "sts", (creds["AccessKeyId"], creds["SecretAccessKey"]), region, creds["SessionToken"])
    assert session.get_caller_identity()["Arn"] == out["AssumedRoleUser"]["Arn"]
    # The AWS-managed policies are there in every partition, in its ARNs.
    admin = iam.get_policy(PolicyArn=f"arn:{partition}:iam::aws:policy/ReadOnlyAccess")["Policy"]
    assert admin["Arn"] == f"arn:{partition}:iam::aws:policy/ReadOnlyAccess"
