"""AWS-managed policies (the catalogue: readable, attachable, unmodifiable), managed-policy tags
and AWS's protected roles, through boto3 and the aws CLI."""

import json

import pytest

from conftest import ACCOUNT_A, ACCOUNT_B, ROOT_A, error_of

ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
LAMBDA_BASIC = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
SERVICE_ROLE_POLICY = "arn:aws:iam::aws:policy/aws-service-role/AutoScalingServiceRolePolicy"
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


@pytest.fixture()
def iam(server):
    return server.iam(ROOT_A)


def test_aws_managed_policies_are_readable(server, iam):
    policy = iam.get_policy(PolicyArn=ADMIN)["Policy"]
    assert (policy["PolicyName"], policy["Path"], policy["IsAttachable"]) == ("AdministratorAccess", "/", True)
    assert policy["PolicyId"].startswith("ANPA") and len(policy["PolicyId"]) == 21
    version = iam.get_policy_version(PolicyArn=ADMIN, VersionId=policy["DefaultVersionId"])["PolicyVersion"]
    assert version["Document"] == {"Version": "2012-10-17",
                                    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    assert version["IsDefaultVersion"] is True
    assert [v["VersionId"] for v in iam.list_policy_versions(PolicyArn=ADMIN)["Versions"]] == [
        policy["DefaultVersionId"]]
    assert error_of(iam.get_policy_version, PolicyArn=ADMIN, VersionId="v99") == (
        "NoSuchEntity", 404, f"Policy {ADMIN} version v99 does not exist or is not attachable.")
    # The path is part of the name.
    wrong = "arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole"
    assert error_of(iam.get_policy, PolicyArn=wrong) == ("NoSuchEntity", 404, f"Policy {wrong} was not found.")
    assert iam.get_policy(PolicyArn=LAMBDA_BASIC)["Policy"]["Path"] == "/service-role/"
    aws_only = iam.list_policies(Scope="AWS", PathPrefix="/job-function/")["Policies"]
    assert aws_only and all(p["Arn"].startswith("arn:aws:iam::aws:policy/job-function/") for p in aws_only)
    local = iam.list_policies(Scope="Local")["Policies"]
    assert local and all(f":{ACCOUNT_A}:" in p["Arn"] for p in local)
    assert error_of(iam.list_policies, Scope="Everything")[:2] == ("ValidationError", 400)
    assert error_of(iam.list_policies, PolicyUsageFilter="Sometimes")[:2] == ("ValidationError", 400)
    # The aws CLI pages through the whole catalogue.
    code, out, _ = server.aws(["iam", "list-policies", "--scope", "AWS"], ROOT_A)
    assert code == 0 and len(out["Policies"]) > 1000


def test_aws_managed_policies_attach_and_grant(server, iam):
    iam.create_user(UserName="lambda-admin")
    iam.attach_user_policy(UserName="lambda-admin", PolicyArn="arn:aws:iam::aws:policy/IAMReadOnlyAccess")
    key = iam.create_access_key(UserName="lambda-admin")["AccessKey"]
    reader = server.iam((key["AccessKeyId"], key["SecretAccessKey"]))
    assert reader.get_role(RoleName="VendorAccess")["Role"]["RoleName"] == "VendorAccess"
    assert error_of(reader.create_group, GroupName="nope")[0] == "AccessDenied"
    counted = iam.get_policy(PolicyArn="arn:aws:iam::aws:policy/IAMReadOnlyAccess")["Policy"]
    assert counted["AttachmentCount"] == 1
    attached = iam.list_policies(Scope="AWS", OnlyAttached=True)["Policies"]
    assert "IAMReadOnlyAccess" in [p["PolicyName"] for p in attached]
    # Service-role policies belong to service-linked roles only.
    assert error_of(iam.attach_user_policy, UserName="lambda-admin", PolicyArn=SERVICE_ROLE_POLICY) == (
        "PolicyNotAttachable", 400, "Cannot attach a Service Role Policy to a Customer Role.")
    missing = "arn:aws:iam::aws:policy/NoSuchManagedPolicy"
    assert error_of(iam.attach_user_policy, UserName="lambda-admin", PolicyArn=missing) == (
        "NoSuchEntity", 404, f"Policy {missing} does not exist or is not attachable.")
    assert error_of(iam.attach_user_policy, UserName="lambda-admin", PolicyArn="arn:aws:iam::123456789012") == (
        "ValidationError", 400, "Invalid ARN:  Could not be parsed!")
    assert error_of(iam.attach_user_policy, UserName="lambda-admin",
                    PolicyArn="arn:aws-cn:iam::aws:policy/IAMReadOnlyAccess") == (
        "ValidationError", 400, "Invalid ARN partition")
    # As a session policy, too.
    iam.create_role(RoleName="CatalogueSession", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_A}:user/lambda-admin"},
                       "Action": "sts:AssumeRole"}]}))
    iam.attach_role_policy(RoleName="CatalogueSession", PolicyArn=ADMIN)
    iam.attach_user_policy(UserName="lambda-admin", PolicyArn=ADMIN)
    creds = server.sts((key["AccessKeyId"], key["SecretAccessKey"])).assume_role(
        RoleArn=f"arn:aws:iam::{ACCOUNT_A}:role/CatalogueSession", RoleSessionName="narrow",
        PolicyArns=[{"arn": "arn:aws:iam::aws:policy/IAMReadOnlyAccess"}])["Credentials"]
    narrowed = server.session_client("iam", creds)
    assert narrowed.list_roles()["Roles"]
    assert error_of(narrowed.create_group, GroupName="nope")[0] == "AccessDenied"


@pytest.mark.parametrize("who", ["root", "admin"])
def test_nobody_modifies_an_aws_managed_policy(server, iam, who):
    if who == "root":
        caller, arn = iam, f"arn:aws:iam::{ACCOUNT_A}:root"
    else:
        iam.create_user(UserName=f"catalogue-{who}")
        iam.attach_user_policy(UserName=f"catalogue-{who}", PolicyArn=ADMIN)
        key = iam.create_access_key(UserName=f"catalogue-{who}")["AccessKey"]
        caller, arn = server.iam((key["AccessKeyId"], key["SecretAccessKey"])), f"arn:aws:iam::{ACCOUNT_A}:user/catalogue-{who}"
    before = iam.get_policy(PolicyArn=ADMIN)["Policy"]
    doc = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]})
    version = before["DefaultVersionId"]
    for action, call, kwargs in [
        ("iam:CreatePolicyVersion", caller.create_policy_version, {"PolicyDocument": doc, "SetAsDefault": True}),
        ("iam:SetDefaultPolicyVersion", caller.set_default_policy_version, {"VersionId": version}),
        ("iam:DeletePolicyVersion", caller.delete_policy_version, {"VersionId": version}),
        ("iam:DeletePolicy", caller.delete_policy, {}),
        ("iam:TagPolicy", caller.tag_policy, {"Tags": [{"Key": "k", "Value": "v"}]}),
        ("iam:UntagPolicy", caller.untag_policy, {"TagKeys": ["k"]}),
    ]:
        assert error_of(call, PolicyArn=ADMIN, **kwargs) == ("AccessDenied", 403,
            f"User: {arn} is not authorized to perform: {action} on resource: policy {ADMIN} "
            f"because no resource-based policy allows the {action} action"), action
    assert iam.get_policy(PolicyArn=ADMIN)["Policy"] == before


def test_managed_policy_tags(server, iam):
    created = iam.create_policy(PolicyName="Tagged", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]}),
        Tags=[{"Key": "team", "Value": "data"}])["Policy"]
    assert created["Tags"] == [{"Key": "team", "Value": "data"}], "CreatePolicy echoes its tags"
    arn = created["Arn"]
    iam.tag_policy(PolicyArn=arn, Tags=[{"Key": "Team", "Value": "ml"}, {"Key": "env", "Value": "prod"}])
    assert iam.list_policy_tags(PolicyArn=arn)["Tags"] == [
        {"Key": "Team", "Value": "ml"}, {"Key": "env", "Value": "prod"}]
    assert iam.get_policy(PolicyArn=arn)["Policy"]["Tags"] == iam.list_policy_tags(PolicyArn=arn)["Tags"]
    assert "Tags" not in [p for p in iam.list_policies(Scope="Local")["Policies"] if p["Arn"] == arn][0]
    iam.untag_policy(PolicyArn=arn, TagKeys=["TEAM"])
    assert iam.list_policy_tags(PolicyArn=arn)["Tags"] == [{"Key": "env", "Value": "prod"}]
    missing = f"arn:aws:iam::{ACCOUNT_A}:policy/NoSuchPolicy"
    assert error_of(iam.tag_policy, PolicyArn=missing, Tags=[{"Key": "a", "Value": "b"}]) == (
        "NoSuchEntity", 404, f"Policy {missing} was not found.")
    assert error_of(iam.tag_policy, PolicyArn=arn, Tags=[{"Key": "a", "Value": "1"}, {"Key": "A", "Value": "2"}]) == (
        "InvalidInput", 400, "Duplicate tag keys found. Please note that Tag keys are case insensitive.")
    many = [{"Key": f"k{i}", "Value": "v"} for i in range(50)]
    assert error_of(iam.tag_policy, PolicyArn=arn, Tags=many) == (
        "LimitExceeded", 409, "Cannot exceed quota for TagsPerResource: 50")
    assert len(iam.list_policy_tags(PolicyArn=arn)["Tags"]) == 1, "a refused tagging changes nothing"
    # Another account's policy cannot be tagged, even by its root.
    other = server.iam(("AKIAROOTB00000000001", "root-b-secret"))
    assert error_of(other.tag_policy, PolicyArn=arn, Tags=[{"Key": "a", "Value": "b"}])[0] == "AccessDenied"
    assert error_of(other.list_policy_tags, PolicyArn=arn)[0] == "AccessDenied"


def test_resource_tags_are_condition_keys(server, iam):
    """aws:ResourceTag/* is evaluated for IAM resources."""
    iam.create_role(RoleName="TeamRed", AssumeRolePolicyDocument=TRUST, Tags=[{"Key": "team", "Value": "red"}])
    iam.create_role(RoleName="TeamBlue", AssumeRolePolicyDocument=TRUST, Tags=[{"Key": "team", "Value": "blue"}])
    iam.create_user(UserName="red-admin")
    iam.put_user_policy(UserName="red-admin", PolicyName="red", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["iam:GetRole", "iam:TagRole"], "Resource": "*",
                       "Condition": {"StringEquals": {"aws:ResourceTag/team": "red"}}}]}))
    key = iam.create_access_key(UserName="red-admin")["AccessKey"]
    red = server.iam((key["AccessKeyId"], key["SecretAccessKey"]))
    assert red.get_role(RoleName="TeamRed")["Role"]["RoleName"] == "TeamRed"
    assert error_of(red.get_role, RoleName="TeamBlue")[0] == "AccessDenied"
    assert error_of(red.tag_role, RoleName="TeamBlue", Tags=[{"Key": "team", "Value": "red"}])[0] == "AccessDenied"
    assert iam.list_role_tags(RoleName="TeamBlue")["Tags"] == [{"Key": "team", "Value": "blue"}]


def test_aws_protected_roles_are_unmodifiable(server, iam):
    assert error_of(iam.create_role, RoleName="Fake", Path="/aws-service-role/x.amazonaws.com/",
                    AssumeRolePolicyDocument=TRUST) == (
        "InvalidInput", 400, "Path prefix '/aws-service-role/' can only be used for AWS Service linked Roles")
    assert error_of(iam.create_role, RoleName="FakeSso", Path="/aws-reserved/sso.amazonaws.com/",
                    AssumeRolePolicyDocument=TRUST)[:2] == ("InvalidInput", 400)
