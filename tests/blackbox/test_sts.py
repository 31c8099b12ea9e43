"""STS through boto3 and the aws CLI: the seed scenarios and AssumeRole's rules and errors."""

import json
import re
import time

import pytest

from conftest import (
    ACCOUNT_A, ACCOUNT_B, ALICE, EC2, LAMBDA, MALLORY, NOPOLICY, ROOT_A, ROOT_B, VENDOR,
    error_of, iam_denied, not_authorized, totp,
)

ROLE = f"arn:aws:iam::{ACCOUNT_A}:role/VendorAccess"
VENDOR_ARN = f"arn:aws:iam::{ACCOUNT_B}:user/vendor"


def assume(server, key, role=ROLE, **kwargs):
    return server.sts(key).assume_role(RoleArn=role, RoleSessionName=kwargs.pop("session", "s1"), **kwargs)


# --- Identity -----------------------------------------------------------------------------

def test_caller_identity_of_root_and_user(server):
    root = server.sts(ROOT_A).get_caller_identity()
    assert (root["Account"], root["Arn"], root["UserId"]) == (ACCOUNT_A, f"arn:aws:iam::{ACCOUNT_A}:root", ACCOUNT_A)
    user = server.sts(VENDOR).get_caller_identity()
    assert user["Arn"] == VENDOR_ARN and user["UserId"].startswith("AIDA") and len(user["UserId"]) == 21


# --- The seed: cross-account vendor access -------------------------------------------------

def test_cross_account_assume_role_with_boto3(server):
    out = assume(server, VENDOR, session="vendor-session")
    creds = out["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA") and len(creds["AccessKeyId"]) == 20
    assert len(creds["SecretAccessKey"]) == 40
    assert out["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT_A}:assumed-role/VendorAccess/vendor-session"
    assert out["AssumedRoleUser"]["AssumedRoleId"].startswith("AROA")
    assert out["AssumedRoleUser"]["AssumedRoleId"].endswith(":vendor-session")
    assert "PackedPolicySize" not in out
    remaining = (creds["Expiration"].timestamp() - time.time())
    assert 3500 < remaining <= 3600
    me = server.session_client("sts", creds).get_caller_identity()
    assert me == {**me, "Account": ACCOUNT_A, "Arn": out["AssumedRoleUser"]["Arn"], "UserId": out["AssumedRoleUser"]["AssumedRoleId"]}


def test_cross_account_assume_role_with_the_aws_cli(server):
    _, out, _ = server.aws(["sts", "assume-role", "--role-arn", ROLE, "--role-session-name", "cli"], VENDOR)
    creds = out["Credentials"]
    key = (creds["AccessKeyId"], creds["SecretAccessKey"])
    _, me, _ = server.aws(["sts", "get-caller-identity"], key, token=creds["SessionToken"])
    assert me["Arn"] == f"arn:aws:sts::{ACCOUNT_A}:assumed-role/VendorAccess/cli"
    assert me["Account"] == ACCOUNT_A


def test_session_carries_the_roles_permissions(server):
    creds = assume(server, VENDOR)["Credentials"]
    iam = server.session_client("iam", creds)
    assert iam.get_role(RoleName="VendorAccess")["Role"]["RoleName"] == "VendorAccess"
    code, status, message = error_of(iam.list_users)
    assert (code, status) == ("AccessDenied", 403)
    assert message == iam_denied(
        f"arn:aws:sts::{ACCOUNT_A}:assumed-role/VendorAccess/s1", "iam:ListUsers", f"arn:aws:iam::{ACCOUNT_A}:user/"
    )


LIST_ROLES_ONLY = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListRoles","Resource":"*"}]}'


def assert_session_may_only_list_roles(server, **session_policies):
    """VendorAccess may get and list roles; a session given these policies may only list them."""
    out = assume(server, VENDOR, **session_policies)
    assert 0 < out["PackedPolicySize"] <= 100
    iam = server.session_client("iam", out["Credentials"])
    assert iam.list_roles()["Roles"]
    assert error_of(iam.get_role, RoleName="VendorAccess")[:2] == ("AccessDenied", 403)


def test_session_policy_narrows_the_session(server):
    assert_session_may_only_list_roles(server, Policy=LIST_ROLES_ONLY)
    # GetCallerIdentity needs no permission: even a session that denies everything may call it.
    deny_all = '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}'
    denied = assume(server, VENDOR, Policy=deny_all)
    me = server.session_client("sts", denied["Credentials"]).get_caller_identity()
    assert me["Arn"] == denied["AssumedRoleUser"]["Arn"]


def test_session_policy_over_the_packed_limit(server):
    actions = [f"iam:GetRole{i}" for i in range(150)]
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]})
    code, status, message = error_of(assume, server, VENDOR, Policy=policy)
    assert (code, status) == ("PackedPolicyTooLarge", 400)
    percent = re.fullmatch(r"Packed policy consumes (\d+)% of allotted space, please use smaller policy\.", message)
    assert percent and int(percent.group(1)) > 100, message


def test_managed_session_policy_narrows_the_session(server):
    arn = server.iam(ROOT_A).create_policy(PolicyName="SessionListRoles", PolicyDocument=LIST_ROLES_ONLY)["Policy"]["Arn"]
    assert_session_may_only_list_roles(server, PolicyArns=[{"arn": arn}])
    # Inline and managed session policies together grant what either grants (within the role's).
    inline = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetRole","Resource":"*"}]}'
    both = server.session_client("iam", assume(server, VENDOR, Policy=inline, PolicyArns=[{"arn": arn}])["Credentials"])
    assert both.get_role(RoleName="VendorAccess")["Role"]["RoleName"] == "VendorAccess"
    assert both.list_roles()["Roles"]
    missing = f"arn:aws:iam::{ACCOUNT_A}:policy/NoSuchPolicy"
    code, status, _ = error_of(assume, server, VENDOR, PolicyArns=[{"arn": missing}])
    assert (code, status) == ("InvalidParameterValue", 400)


def test_trust_conditions_see_the_caller_and_the_request(server):
    condition = {
        "IpAddress": {"aws:SourceIp": "127.0.0.0/8"},
        "StringEquals": {
            "aws:PrincipalType": "User", "aws:PrincipalAccount": ACCOUNT_B, "aws:PrincipalTag/dept": "eng",
            "aws:RequestTag/team": "blue",
        },
        "ForAllValues:StringEquals": {"aws:TagKeys": ["team"]},
        "StringLike": {"sts:RoleSessionName": "ticket-*"},
        "DateGreaterThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"},
    }
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_B}:root"},
        "Action": ["sts:AssumeRole", "sts:TagSession"], "Condition": condition}]}
    server.iam(ROOT_A).create_role(RoleName="Conditioned", AssumeRolePolicyDocument=json.dumps(trust))
    role = f"arn:aws:iam::{ACCOUNT_A}:role/Conditioned"
    blue = [{"Key": "team", "Value": "blue"}]
    denied = ("AccessDenied", 403, not_authorized(VENDOR_ARN, "sts:AssumeRole", role))

    # The caller's own tag is read when the request is made: untagged, the vendor is refused.
    assert error_of(assume, server, VENDOR, role=role, session="ticket-1", Tags=blue) == denied
    iam_b = server.iam(ROOT_B)
    iam_b.tag_user(UserName="vendor", Tags=[{"Key": "dept", "Value": "eng"}])
    try:
        out = assume(server, VENDOR, role=role, session="ticket-1", Tags=blue)
        assert out["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT_A}:assumed-role/Conditioned/ticket-1"
        for kwargs in [
            dict(session="ticket-1"),                                          # no aws:RequestTag/team
            dict(session="ticket-1", Tags=[{"Key": "team", "Value": "red"}]),  # aws:RequestTag/team
            dict(session="ticket-1", Tags=blue + [{"Key": "x", "Value": "1"}]),  # aws:TagKeys
            dict(session="other", Tags=blue),                                  # sts:RoleSessionName
        ]:
            assert error_of(assume, server, VENDOR, role=role, **kwargs) == denied, kwargs
    finally:
        iam_b.untag_user(UserName="vendor", TagKeys=["dept"])


def test_permissions_boundary_bounds_the_role_session(server):
    root = server.iam(ROOT_A)
    boundary = root.create_policy(PolicyName="OnlyListRoles", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:ListRoles", "Resource": "*"}]}))
    boundary_arn = boundary["Policy"]["Arn"]
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_B}:root"}, "Action": "sts:AssumeRole"}]}
    root.create_role(RoleName="Bounded", AssumeRolePolicyDocument=json.dumps(trust), PermissionsBoundary=boundary_arn)
    root.put_role_policy(RoleName="Bounded", PolicyName="reads", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["iam:GetRole", "iam:ListRoles"],
                                               "Resource": "*"}]}))
    assert root.get_role(RoleName="Bounded")["Role"]["PermissionsBoundary"]["PermissionsBoundaryArn"] == boundary_arn
    iam = server.session_client("iam", assume(server, VENDOR, role=f"arn:aws:iam::{ACCOUNT_A}:role/Bounded")["Credentials"])
    assert iam.list_roles()["Roles"]
    # Allowed by the role's policy, outside its boundary.
    assert error_of(iam.get_role, RoleName="Bounded")[:2] == ("AccessDenied", 403)


def test_cross_account_caller_needs_its_own_policy(server):
    code, status, message = error_of(assume, server, NOPOLICY)
    assert (code, status) == ("AccessDenied", 403)
    assert message == not_authorized(f"arn:aws:iam::{ACCOUNT_B}:user/nopolicy", "sts:AssumeRole", ROLE)


def test_same_account_trust_naming_the_user_suffices_naming_the_account_does_not(server):
    root = server.iam(ROOT_A)
    root.create_user(UserName="nopolicy-a")
    key = root.create_access_key(UserName="nopolicy-a")["AccessKey"]
    caller, caller_arn = (key["AccessKeyId"], key["SecretAccessKey"]), f"arn:aws:iam::{ACCOUNT_A}:user/nopolicy-a"

    def role(name, principal):
        trust = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}]}
        return root.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]

    # The trust policy names the user: that alone grants, with no identity policy.
    named = role("NamesTheUser", caller_arn)
    assert assume(server, caller, role=named)["AssumedRoleUser"]["Arn"].endswith("assumed-role/NamesTheUser/s1")
    # It names only the account: the caller's own policies must allow sts:AssumeRole too.
    account_only = role("NamesTheAccount", f"arn:aws:iam::{ACCOUNT_A}:root")
    assert error_of(assume, server, caller, role=account_only) == (
        "AccessDenied", 403, not_authorized(caller_arn, "sts:AssumeRole", account_only))
    root.put_user_policy(UserName="nopolicy-a", PolicyName="assume", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": account_only}]}))
    assert assume(server, caller, role=account_only)["Credentials"]


def test_missing_role_answers_like_a_denied_one(server):
    missing = f"arn:aws:iam::{ACCOUNT_A}:role/DoesNotExist"
    code, status, message = error_of(assume, server, VENDOR, role=missing)
    assert (code, status, message) == ("AccessDenied", 403, not_authorized(VENDOR_ARN, "sts:AssumeRole", missing))


def test_roots_cannot_assume_roles(server):
    assert error_of(assume, server, ROOT_B) == ("AccessDenied", 403, "Roles may not be assumed by root accounts.")


def test_explicit_deny_in_trust_policy(server):
    role = f"arn:aws:iam::{ACCOUNT_A}:role/VendorDenyMallory"
    code, status, message = error_of(assume, server, MALLORY, role=role)
    assert (code, status) == ("AccessDenied", 403)
    assert message == not_authorized(f"arn:aws:iam::{ACCOUNT_B}:user/mallory", "sts:AssumeRole", role)
    assert assume(server, VENDOR, role=role)["AssumedRoleUser"]


# --- ExternalId -----------------------------------------------------------------------------

@pytest.mark.parametrize("external_id,allowed", [("vendor-secret-42", True), ("wrong-secret", False), (None, False)])
def test_external_id(server, external_id, allowed):
    role = f"arn:aws:iam::{ACCOUNT_A}:role/VendorExternalId"
    kwargs = {"ExternalId": external_id} if external_id else {}
    if allowed:
        assert assume(server, VENDOR, role=role, **kwargs)["Credentials"]
    else:
        assert error_of(assume, server, VENDOR, role=role, **kwargs) == (
            "AccessDenied", 403, not_authorized(VENDOR_ARN, "sts:AssumeRole", role))


# --- Service principals -----------------------------------------------------------------------

def test_service_trust_is_evaluated(server):
    ec2_role = f"arn:aws:iam::{ACCOUNT_A}:role/Ec2Instance"
    out = assume(server, EC2, role=ec2_role, session="i-0123456789abcdef0")
    assert out["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT_A}:assumed-role/Ec2Instance/i-0123456789abcdef0"
    code, _, message = error_of(assume, server, LAMBDA, role=ec2_role)
    assert (code, message) == ("AccessDenied", not_authorized("lambda.amazonaws.com", "sts:AssumeRole", ec2_role))
    assert assume(server, LAMBDA, role=f"arn:aws:iam::{ACCOUNT_A}:role/LambdaExec")["Credentials"]
    assert error_of(assume, server, VENDOR, role=ec2_role)[0] == "AccessDenied"


def test_instance_profile_credentials_are_not_role_chaining(server):
    instance, function = (f"arn:aws:iam::{ACCOUNT_A}:role/{name}" for name in ("Ec2Instance", "LambdaExec"))
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": [instance, function]}, "Action": "sts:AssumeRole"}]}
    server.iam(ROOT_A).create_role(RoleName="FromWorkloads", AssumeRolePolicyDocument=json.dumps(trust),
                                   MaxSessionDuration=43200)
    target = f"arn:aws:iam::{ACCOUNT_A}:role/FromWorkloads"
    # EC2's instance-profile session may ask for more than an hour: that is not role chaining.
    profile = server.session_client("sts", assume(server, EC2, role=instance, session="i-0abc")["Credentials"])
    out = profile.assume_role(RoleArn=target, RoleSessionName="from-instance", DurationSeconds=7200)
    assert 7100 < out["Credentials"]["Expiration"].timestamp() - time.time() <= 7200
    # Any other role session assuming a role is chaining, capped at an hour.
    execution = server.session_client("sts", assume(server, LAMBDA, role=function, session="fn")["Credentials"])
    assert error_of(execution.assume_role, RoleArn=target, RoleSessionName="from-function", DurationSeconds=7200) == (
        "ValidationError", 400,
        "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")


def test_principal_org_id_condition(server):
    role = f"arn:aws:iam::{ACCOUNT_A}:role/OrgOnly"
    assert assume(server, ALICE, role=role)["Credentials"]
    assert error_of(assume, server, VENDOR, role=role)[0] == "AccessDenied"
    # The organization path, as AWS gives it: a multivalued key, matched here with a wildcard.
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole",
        "Condition": {"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"}}}]}
    server.iam(ROOT_A).create_role(RoleName="OuOnly", AssumeRolePolicyDocument=json.dumps(trust))
    role = f"arn:aws:iam::{ACCOUNT_A}:role/OuOnly"
    assert assume(server, ALICE, role=role)["Credentials"]
    assert error_of(assume, server, VENDOR, role=role) == (
        "AccessDenied", 403, not_authorized(VENDOR_ARN, "sts:AssumeRole", role))


# --- Durations and chaining -----------------------------------------------------------------------

def test_duration_over_max_session_duration(server):
    assert error_of(assume, server, VENDOR, DurationSeconds=7200) == (
        "ValidationError", 400, "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")


def test_role_chaining_is_capped_at_one_hour(server):
    creds = assume(server, VENDOR)["Credentials"]
    sts = server.session_client("sts", creds)
    target = f"arn:aws:iam::{ACCOUNT_A}:role/ChainTarget"
    with pytest.raises(Exception) as raised:
        sts.assume_role(RoleArn=target, RoleSessionName="chained", DurationSeconds=3601)
    e = raised.value.response
    assert (e["Error"]["Code"], e["ResponseMetadata"]["HTTPStatusCode"], e["Error"]["Message"]) == (
        "ValidationError", 400,
        "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
    out = sts.assume_role(RoleArn=target, RoleSessionName="chained", DurationSeconds=3600)
    assert out["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT_A}:assumed-role/ChainTarget/chained"
    # Not chained: the same role allows 12 hours to a user.
    assert assume(server, ALICE, role=target, DurationSeconds=43200)["Credentials"]


# --- Validation --------------------------------------------------------------------------------

def test_model_validation_messages(server):
    sts = server.sts(VENDOR, validate=False)
    cases = [
        (dict(RoleArn=ROLE, RoleSessionName="Session1:2"),
         "1 validation error detected: Value 'Session1:2' at 'roleSessionName' failed to satisfy constraint: "
         "Member must satisfy regular expression pattern: [\\w+=,.@-]*"),
        (dict(RoleArn=ROLE, RoleSessionName="s" * 65),
         f"1 validation error detected: Value '{'s' * 65}' at 'roleSessionName' failed to satisfy constraint: "
         "Member must have length less than or equal to 64"),
        (dict(RoleArn=ROLE, RoleSessionName="ok", DurationSeconds=43201),
         "1 validation error detected: Value '43201' at 'durationSeconds' failed to satisfy constraint: "
         "Member must have value less than or equal to 43200"),
        (dict(RoleArn="nothing-valid-in-here", RoleSessionName="ok"), "nothing-valid-in-here is invalid"),
    ]
    for kwargs, message in cases:
        assert error_of(sts.assume_role, **kwargs) == ("ValidationError", 400, message), kwargs
    arn_chars = "[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u0085\\u00A0-\\uD7FF\\uE000-\\uFFFD\\u10000-\\u10FFFF]+"
    assert error_of(sts.assume_role, RoleArn="", RoleSessionName="ok") == ("ValidationError", 400,
        "2 validation errors detected: Value '' at 'roleArn' failed to satisfy constraint: "
        f"Member must satisfy regular expression pattern: {arn_chars}; "
        "Value '' at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20")


def test_the_session_arn_drops_the_role_path(server):
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_B}:root"}, "Action": "sts:AssumeRole"}]}
    role = server.iam(ROOT_A).create_role(RoleName="Pathed", Path="/team/ops/",
                                          AssumeRolePolicyDocument=json.dumps(trust))["Role"]
    assert role["Arn"] == f"arn:aws:iam::{ACCOUNT_A}:role/team/ops/Pathed"
    out = assume(server, VENDOR, role=role["Arn"], session="pathed")
    assert out["AssumedRoleUser"] == {
        "Arn": f"arn:aws:sts::{ACCOUNT_A}:assumed-role/Pathed/pathed", "AssumedRoleId": f"{role['RoleId']}:pathed"}
    assert server.session_client("sts", out["Credentials"]).get_caller_identity()["Arn"] == out["AssumedRoleUser"]["Arn"]


# --- Session tags -------------------------------------------------------------------------------

def test_session_tags_need_tag_session(server):
    tags = [{"Key": "Project", "Value": "X"}]
    out = assume(server, VENDOR, role=f"arn:aws:iam::{ACCOUNT_A}:role/VendorTagged", Tags=tags, TransitiveTagKeys=["Project"])
    assert out["PackedPolicySize"] >= 1
    assert error_of(assume, server, VENDOR, Tags=tags) == (
        "AccessDenied", 403, not_authorized(VENDOR_ARN, "sts:TagSession", ROLE))


def test_session_tags_override_role_tags_as_principal_tags(server):
    root = server.iam(ROOT_A)
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_B}:root"},
        "Action": ["sts:AssumeRole", "sts:TagSession"]}]}
    root.create_role(RoleName="TagGated", AssumeRolePolicyDocument=json.dumps(trust),
                     Tags=[{"Key": "Project", "Value": "Y"}])
    root.put_role_policy(RoleName="TagGated", PolicyName="gated", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "iam:GetRole", "Resource": "*",
            "Condition": {"StringEquals": {"aws:PrincipalTag/Project": "X"}}}]}))
    role = f"arn:aws:iam::{ACCOUNT_A}:role/TagGated"
    # The role's own tag is the session's principal tag until a session tag of the same key, in
    # any case, replaces it.
    untagged = server.session_client("iam", assume(server, VENDOR, role=role)["Credentials"])
    assert error_of(untagged.get_role, RoleName="TagGated")[:2] == ("AccessDenied", 403)
    tagged = server.session_client(
        "iam", assume(server, VENDOR, role=role, Tags=[{"Key": "project", "Value": "X"}])["Credentials"])
    assert tagged.get_role(RoleName="TagGated")["Role"]["RoleName"] == "TagGated"


def test_only_the_trust_policy_grants_tagging_even_in_one_account(server):
    root = server.iam(ROOT_A)
    root.create_user(UserName="tagger")
    root.put_user_policy(UserName="tagger", PolicyName="all-sts", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:*", "Resource": "*"}]}))
    key = root.create_access_key(UserName="tagger")["AccessKey"]
    tagger, tagger_arn = (key["AccessKeyId"], key["SecretAccessKey"]), f"arn:aws:iam::{ACCOUNT_A}:user/tagger"
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": tagger_arn}, "Action": "sts:AssumeRole"}]}
    role = root.create_role(RoleName="AssumeOnly", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    assert assume(server, tagger, role=role)["Credentials"]
    # The caller's own sts:* does not stand in for the trust policy's sts:TagSession or
    # sts:SetSourceIdentity.
    assert error_of(assume, server, tagger, role=role, Tags=[{"Key": "k", "Value": "v"}]) == (
        "AccessDenied", 403, not_authorized(tagger_arn, "sts:TagSession", role))
    assert error_of(assume, server, tagger, role=role, SourceIdentity="tagger") == (
        "AccessDenied", 403, not_authorized(tagger_arn, "sts:SetSourceIdentity", role))


def test_session_tag_rules(server):
    role = f"arn:aws:iam::{ACCOUNT_A}:role/VendorTagged"
    dup = [{"Key": "k", "Value": "1"}, {"Key": "K", "Value": "2"}]
    assert error_of(assume, server, VENDOR, role=role, Tags=dup) == (
        "InvalidParameterValue", 400, "Duplicate tag keys found. Please note that Tag keys are case insensitive.")
    assert error_of(assume, server, VENDOR, role=role, Tags=[{"Key": "a", "Value": "1"}], TransitiveTagKeys=["b"]) == (
        "InvalidParameterValue", 400, "The specified transitive tag key must be included in the requested tags.")


def test_transitive_tags_cannot_be_overridden_when_chaining(server):
    first = assume(server, VENDOR, role=f"arn:aws:iam::{ACCOUNT_A}:role/VendorTagged",
                   Tags=[{"Key": "Project", "Value": "X"}], TransitiveTagKeys=["Project"])
    sts = server.session_client("sts", first["Credentials"])
    target = f"arn:aws:iam::{ACCOUNT_A}:role/ChainTagged"
    assert error_of(sts.assume_role, RoleArn=target, RoleSessionName="c1", Tags=[{"Key": "project", "Value": "Y"}]) == (
        "InvalidParameterValue", 400,
        "One of the specified transitive tag keys can't be set because it conflicts with a transitive tag key "
        "from the calling session.")
    chained = sts.assume_role(RoleArn=target, RoleSessionName="c1", Tags=[{"Key": "Stage", "Value": "2"}])
    assert chained["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT_A}:assumed-role/ChainTagged/c1"


# --- Source identity ------------------------------------------------------------------------------

def test_source_identity_needs_permission_and_sticks_through_the_chain(server):
    iam = server.iam(ROOT_A)

    def trust(principal, actions, source=None):
        statement = {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": actions}
        if source:
            statement["Condition"] = {"StringEquals": {"sts:SourceIdentity": source}}
        return json.dumps({"Version": "2012-10-17", "Statement": [statement]})

    alice_arn = f"arn:aws:iam::{ACCOUNT_A}:user/alice"
    iam.create_role(RoleName="SourcedEntry",
                    AssumeRolePolicyDocument=trust(alice_arn, ["sts:AssumeRole", "sts:SetSourceIdentity"], "alice"))
    entry = f"arn:aws:iam::{ACCOUNT_A}:role/SourcedEntry"
    iam.create_role(RoleName="SourcedNext",
                    AssumeRolePolicyDocument=trust(entry, ["sts:AssumeRole", "sts:SetSourceIdentity"], "alice"))
    iam.create_role(RoleName="SourcedOpen",
                    AssumeRolePolicyDocument=trust(entry, ["sts:AssumeRole", "sts:SetSourceIdentity"]))
    iam.create_role(RoleName="SourcedPlain", AssumeRolePolicyDocument=trust(entry, "sts:AssumeRole"))
    following, open_, plain = (
        f"arn:aws:iam::{ACCOUNT_A}:role/{name}" for name in ("SourcedNext", "SourcedOpen", "SourcedPlain"))

    # Setting one needs sts:SetSourceIdentity, and the trust policy sees it as sts:SourceIdentity.
    assert error_of(assume, server, VENDOR, SourceIdentity="vendor-dev") == (
        "AccessDenied", 403, not_authorized(VENDOR_ARN, "sts:SetSourceIdentity", ROLE))
    assert error_of(assume, server, ALICE, role=entry, SourceIdentity="bob") == (
        "AccessDenied", 403, not_authorized(alice_arn, "sts:AssumeRole", entry))
    out = assume(server, ALICE, role=entry, SourceIdentity="alice")
    assert out["SourceIdentity"] == "alice"

    # It sticks: the next role sees it without being told, must allow carrying it on, and the
    # session cannot name another.
    sts = server.session_client("sts", out["Credentials"])
    session_arn = out["AssumedRoleUser"]["Arn"]
    assert error_of(sts.assume_role, RoleArn=plain, RoleSessionName="c1") == (
        "AccessDenied", 403, not_authorized(session_arn, "sts:SetSourceIdentity", plain))
    assert error_of(sts.assume_role, RoleArn=following, RoleSessionName="c1", SourceIdentity="mallory") == (
        "AccessDenied", 403, not_authorized(session_arn, "sts:AssumeRole", following))
    chained = sts.assume_role(RoleArn=following, RoleSessionName="c1")
    assert chained["SourceIdentity"] == "alice"
    assert error_of(sts.assume_role, RoleArn=open_, RoleSessionName="c2", SourceIdentity="alice2") == (
        "AccessDenied", 403, not_authorized(session_arn, "sts:SetSourceIdentity", open_))
    assert sts.assume_role(RoleArn=open_, RoleSessionName="c2", SourceIdentity="alice")["SourceIdentity"] == "alice"

    # The value's own rules.
    unchecked = server.sts(ALICE, validate=False)
    for value, constraint in [
        ("a", "Member must have length greater than or equal to 2"),
        ("aws:alice", "Member must satisfy regular expression pattern: [\\w+=,.@-]*"),
    ]:
        assert error_of(unchecked.assume_role, RoleArn=entry, RoleSessionName="s1", SourceIdentity=value) == (
            "ValidationError", 400,
            f"1 validation error detected: Value '{value}' at 'sourceIdentity' failed to satisfy constraint: "
            f"{constraint}"), value


def test_transitive_tags_stand_in_for_the_next_roles_tags_in_its_trust_policy(server):
    tagged_role = f"arn:aws:iam::{ACCOUNT_A}:role/VendorTagged"
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": tagged_role}, "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"aws:ResourceTag/Project": "X"}}}]}
    target = server.iam(ROOT_A).create_role(RoleName="ChainGated", AssumeRolePolicyDocument=json.dumps(trust),
                                            Tags=[{"Key": "project", "Value": "Y"}])["Role"]["Arn"]
    # The role's own tag (Y) is what its trust policy sees from a session without transitive tags...
    plain = assume(server, VENDOR, role=tagged_role, session="plain")
    assert error_of(server.session_client("sts", plain["Credentials"]).assume_role,
                    RoleArn=target, RoleSessionName="c1") == (
        "AccessDenied", 403, not_authorized(plain["AssumedRoleUser"]["Arn"], "sts:AssumeRole", target))
    # ...and a transitive session tag of the same key, in any case, replaces it.
    carried = assume(server, VENDOR, role=tagged_role, session="carried",
                     Tags=[{"Key": "Project", "Value": "X"}], TransitiveTagKeys=["Project"])
    out = server.session_client("sts", carried["Credentials"]).assume_role(RoleArn=target, RoleSessionName="c1")
    assert out["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT_A}:assumed-role/ChainGated/c1"


# --- MFA ------------------------------------------------------------------------------------------

def test_mfa_code_is_checked_and_used_once(server):
    iam = server.iam(ALICE)
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice-phone")["VirtualMFADevice"]
    serial, seed = device["SerialNumber"], device["Base32StringSeed"].decode()
    assert serial == f"arn:aws:iam::{ACCOUNT_A}:mfa/alice-phone"
    now = time.time()
    iam.enable_mfa_device(UserName="alice", SerialNumber=serial,
                          AuthenticationCode1=totp(seed, now, -1), AuthenticationCode2=totp(seed, now))
    listed = iam.list_mfa_devices(UserName="alice")["MFADevices"]
    assert [d["SerialNumber"] for d in listed] == [serial]

    role = f"arn:aws:iam::{ACCOUNT_A}:role/NeedsMfa"
    alice_arn = f"arn:aws:iam::{ACCOUNT_A}:user/alice"
    assert error_of(assume, server, ALICE, role=role) == (
        "AccessDenied", 403, not_authorized(alice_arn, "sts:AssumeRole", role))
    # The enabling codes are spent; wait for the next step if needed.
    code = totp(seed, time.time(), 1)
    out = assume(server, ALICE, role=role, SerialNumber=serial, TokenCode=code)
    assert out["AssumedRoleUser"]["Arn"].endswith("assumed-role/NeedsMfa/s1")
    assert error_of(assume, server, ALICE, role=role, SerialNumber=serial, TokenCode=code) == (
        "AccessDenied", 403, "MultiFactorAuthentication failed with invalid MFA one time pass code. ")

    # Deactivating needs iam:DeactivateMFADevice, which alice's policy does not grant; the root may.
    assert error_of(iam.deactivate_mfa_device, UserName="alice", SerialNumber=serial) == (
        "AccessDenied", 403, iam_denied(alice_arn, "iam:DeactivateMFADevice", "user alice"))
    root = server.iam(ROOT_A)
    root.deactivate_mfa_device(UserName="alice", SerialNumber=serial)
    assert iam.list_mfa_devices(UserName="alice")["MFADevices"] == []
    assert error_of(root.deactivate_mfa_device, UserName="alice", SerialNumber=serial) == (
        "NoSuchEntity", 404, f"MFA Device with serial number {serial} does not exist.")


# --- GetSessionToken and GetAccessKeyInfo -------------------------------------------------------------

def test_get_session_token(server):
    creds = server.sts(ALICE).get_session_token(DurationSeconds=900)["Credentials"]
    sts = server.session_client("sts", creds)
    assert sts.get_caller_identity()["Arn"] == f"arn:aws:iam::{ACCOUNT_A}:user/alice"
    assert error_of(sts.get_session_token) == ("AccessDenied", 403, "Cannot call GetSessionToken with session credentials")
    # Not role chaining: a GetSessionToken session may ask for more than an hour.
    out = sts.assume_role(RoleArn=f"arn:aws:iam::{ACCOUNT_A}:role/ChainTarget", RoleSessionName="gst", DurationSeconds=7200)
    assert out["Credentials"]


def test_get_session_token_limits(server):
    unchecked = server.sts(ALICE, validate=False)
    for value, constraint in [(899, "greater than or equal to 900"), (129601, "less than or equal to 129600")]:
        assert error_of(unchecked.get_session_token, DurationSeconds=value) == (
            "ValidationError", 400,
            f"1 validation error detected: Value '{value}' at 'durationSeconds' failed to satisfy constraint: "
            f"Member must have value {constraint}"), value
    # An account root's session is capped at an hour, whatever it asks for.
    creds = server.sts(ROOT_A).get_session_token(DurationSeconds=7200)["Credentials"]
    assert 3500 < creds["Expiration"].timestamp() - time.time() <= 3600
    # Without MFA, such a session may not call IAM, even the root's.
    assert error_of(server.session_client("iam", creds).list_users) == (
        "InvalidClientTokenId", 403, "The security token included in the request is invalid.")
    assert server.session_client("sts", creds).get_caller_identity()["Account"] == ACCOUNT_A


def test_mfa_proven_to_get_session_token_carries_into_assume_role(server):
    root = server.iam(ROOT_A)
    root.create_user(UserName="carol")
    root.put_user_policy(UserName="carol", PolicyName="assume", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}))
    key = root.create_access_key(UserName="carol")["AccessKey"]
    carol, carol_arn = (key["AccessKeyId"], key["SecretAccessKey"]), f"arn:aws:iam::{ACCOUNT_A}:user/carol"
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": carol_arn}, "Action": "sts:AssumeRole",
        "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"},
                      "NumericLessThan": {"aws:MultiFactorAuthAge": "300"}}}]}
    root.create_role(RoleName="CarolNeedsMfa", AssumeRolePolicyDocument=json.dumps(trust))
    role = f"arn:aws:iam::{ACCOUNT_A}:role/CarolNeedsMfa"
    device = root.create_virtual_mfa_device(VirtualMFADeviceName="carol-phone")["VirtualMFADevice"]
    serial, seed = device["SerialNumber"], device["Base32StringSeed"].decode()
    now = time.time()
    root.enable_mfa_device(UserName="carol", SerialNumber=serial,
                           AuthenticationCode1=totp(seed, now, -1), AuthenticationCode2=totp(seed, now))

    denied = ("AccessDenied", 403, not_authorized(carol_arn, "sts:AssumeRole", role))
    assert error_of(assume, server, carol, role=role) == denied
    # A session without MFA does not count; one that proved MFA does, and passes it on.
    plain = server.sts(carol).get_session_token(DurationSeconds=900)["Credentials"]
    assert error_of(server.session_client("sts", plain).assume_role, RoleArn=role, RoleSessionName="c1") == denied
    proven = server.sts(carol).get_session_token(
        DurationSeconds=900, SerialNumber=serial, TokenCode=totp(seed, time.time(), 1))["Credentials"]
    out = server.session_client("sts", proven).assume_role(RoleArn=role, RoleSessionName="c1")
    assert out["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT_A}:assumed-role/CarolNeedsMfa/c1"
    # GetSessionToken's credentials reach IAM only with MFA: without it they are not even
    # authenticated there; with it, carol's own (missing) permissions decide.
    assert error_of(server.session_client("iam", plain).list_users) == (
        "InvalidClientTokenId", 403, "The security token included in the request is invalid.")
    assert error_of(server.session_client("iam", proven).list_users) == (
        "AccessDenied", 403, iam_denied(carol_arn, "iam:ListUsers", f"arn:aws:iam::{ACCOUNT_A}:user/"))


def test_get_access_key_info_reads_the_account_from_the_key(server):
    iam = server.iam(ROOT_A)
    iam.create_user(UserName="keyinfo")
    key = iam.create_access_key(UserName="keyinfo")["AccessKey"]
    assert key["AccessKeyId"].startswith("AKIA")
    assert server.sts(ROOT_B).get_access_key_info(AccessKeyId=key["AccessKeyId"])["Account"] == ACCOUNT_A
    creds = assume(server, VENDOR)["Credentials"]
    assert server.sts(ROOT_B).get_access_key_info(AccessKeyId=creds["AccessKeyId"])["Account"] == ACCOUNT_A
