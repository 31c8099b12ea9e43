"""Nothing in IAM reaches across accounts: every action that names a resource by ARN or id, called
by account B on account A's resource, is refused as AWS refuses it, and nothing changes.

B calls as its root, as an administrator user (`Allow *` on `*`), and as a session of an
administrator role. IAM resources have no resource-based policies, so no identity grant in B can
open A's resources; names (`RoleName`, `UserName`) always resolve in the caller's own account.
"""

import json
import time

import pytest

from conftest import ACCOUNT_A, ACCOUNT_B, ROOT_A, ROOT_B, error_of, totp

ALLOW_ALL = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
READ_ONLY = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]})


def cross_account_denied(caller_arn, action, resource):
    return ("AccessDenied", 403,
            f"User: {caller_arn} is not authorized to perform: {action} on resource: {resource} "
            f"because no resource-based policy allows the {action} action")


@pytest.fixture(scope="module")
def world(server):
    """A's resources (a policy attached to a role, an unattached policy, a user with a key and
    two MFA devices, one enabled) and B's three callers."""
    a = server.iam(ROOT_A)
    target = a.create_policy(PolicyName="XAcctTarget", PolicyDocument=READ_ONLY)["Policy"]["Arn"]
    loose = a.create_policy(PolicyName="XAcctLoose", PolicyDocument=READ_ONLY)["Policy"]["Arn"]
    a.create_role(RoleName="XAcctRole", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": ACCOUNT_A}, "Action": "sts:AssumeRole"}]}))
    a.attach_role_policy(RoleName="XAcctRole", PolicyArn=target)
    a.create_user(UserName="xalice")
    a_key = a.create_access_key(UserName="xalice")["AccessKey"]["AccessKeyId"]
    enabled = a.create_virtual_mfa_device(VirtualMFADeviceName="xalice-enabled")["VirtualMFADevice"]
    seed = enabled["Base32StringSeed"].decode()
    now = time.time()
    a.enable_mfa_device(UserName="xalice", SerialNumber=enabled["SerialNumber"],
                        AuthenticationCode1=totp(seed, now, -1), AuthenticationCode2=totp(seed, now))
    spare = a.create_virtual_mfa_device(VirtualMFADeviceName="xalice-spare")["VirtualMFADevice"]

    b = server.iam(ROOT_B)
    b.create_user(UserName="xalice")  # same name as A's user: names never cross
    b.create_user(UserName="xadmin")
    b.put_user_policy(UserName="xadmin", PolicyName="Admin", PolicyDocument=ALLOW_ALL)
    admin = b.create_access_key(UserName="xadmin")["AccessKey"]
    admin_key = (admin["AccessKeyId"], admin["SecretAccessKey"])
    b.create_role(RoleName="XAdminRole", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": ACCOUNT_B}, "Action": "sts:AssumeRole"}]}))
    b.put_role_policy(RoleName="XAdminRole", PolicyName="Admin", PolicyDocument=ALLOW_ALL)
    time.sleep(0.01)
    session = server.sts(admin_key).assume_role(
        RoleArn=f"arn:aws:iam::{ACCOUNT_B}:role/XAdminRole", RoleSessionName="xs")["Credentials"]
    callers = {
        "root": (server.iam(ROOT_B), f"arn:aws:iam::{ACCOUNT_B}:root"),
        "admin user": (server.iam(admin_key), f"arn:aws:iam::{ACCOUNT_B}:user/xadmin"),
        "role session": (server.session_client("iam", session),
                         f"arn:aws:sts::{ACCOUNT_B}:assumed-role/XAdminRole/xs"),
    }
    return {
        "a": a, "target": target, "loose": loose, "a_key": a_key,
        "enabled": enabled["SerialNumber"], "spare": spare["SerialNumber"],
        "callers": callers, "admin_key": admin_key,
    }


def snapshot(world):
    """What account A and B's entities hold, to show that nothing changed."""
    a = world["a"]
    b_root = world["callers"]["root"][0]
    return {
        "target": a.get_policy(PolicyArn=world["target"])["Policy"]["DefaultVersionId"],
        "target versions": [v["VersionId"] for v in a.list_policy_versions(PolicyArn=world["target"])["Versions"]],
        "loose": a.get_policy(PolicyArn=world["loose"])["Policy"]["Arn"],
        "role attached": a.list_attached_role_policies(RoleName="XAcctRole")["AttachedPolicies"],
        "key": [(k["AccessKeyId"], k["Status"]) for k in a.list_access_keys(UserName="xalice")["AccessKeyMetadata"]],
        "devices": sorted(d["SerialNumber"] for d in a.list_mfa_devices(UserName="xalice")["MFADevices"]),
        "b admin role attached": b_root.list_attached_role_policies(RoleName="XAdminRole")["AttachedPolicies"],
        "b xalice attached": b_root.list_attached_user_policies(UserName="xalice")["AttachedPolicies"],
        "b roles": sorted(r["RoleName"] for r in b_root.list_roles()["Roles"]),
        "b users": sorted(u["UserName"] for u in b_root.list_users()["Users"]),
    }


@pytest.mark.parametrize("who", ["root", "admin user", "role session"])
def test_policy_actions_on_another_accounts_policy_are_denied(world, who):
    iam, arn = world["callers"][who]
    before = snapshot(world)
    target, loose = world["target"], world["loose"]
    calls = [
        ("iam:GetPolicy", target, iam.get_policy, {"PolicyArn": target}),
        ("iam:GetPolicyVersion", target, iam.get_policy_version, {"PolicyArn": target, "VersionId": "v1"}),
        ("iam:ListPolicyVersions", target, iam.list_policy_versions, {"PolicyArn": target}),
        ("iam:CreatePolicyVersion", target, iam.create_policy_version,
         {"PolicyArn": target, "PolicyDocument": ALLOW_ALL, "SetAsDefault": True}),
        ("iam:SetDefaultPolicyVersion", target, iam.set_default_policy_version,
         {"PolicyArn": target, "VersionId": "v1"}),
        ("iam:DeletePolicyVersion", target, iam.delete_policy_version, {"PolicyArn": target, "VersionId": "v1"}),
        ("iam:DeletePolicy", loose, iam.delete_policy, {"PolicyArn": loose}),
    ]
    for action, resource, call, kwargs in calls:
        assert error_of(call, **kwargs) == cross_account_denied(arn, action, resource), action
    assert snapshot(world) == before


@pytest.mark.parametrize("who", ["root", "admin user", "role session"])
def test_another_accounts_policy_cannot_be_attached_or_used_as_a_boundary(world, who):
    iam, _ = world["callers"][who]
    before = snapshot(world)
    target = world["target"]
    missing = ("NoSuchEntity", 404, f"Policy {target} does not exist or is not attachable.")
    assert error_of(iam.attach_role_policy, RoleName="XAdminRole", PolicyArn=target) == missing
    assert error_of(iam.attach_user_policy, UserName="xalice", PolicyArn=target) == missing
    assert error_of(iam.detach_role_policy, RoleName="XAdminRole", PolicyArn=target) == (
        "NoSuchEntity", 404, f"Policy {target} was not found.")
    scope = ("NoSuchEntity", 404, f"Scope ARN: {target} does not exist or is not attachable.")
    assert error_of(iam.create_user, UserName="xbounded", PermissionsBoundary=target) == scope
    assert error_of(iam.create_role, RoleName="XBounded", PermissionsBoundary=target,
                    AssumeRolePolicyDocument=json.dumps({
                        "Version": "2012-10-17",
                        "Statement": [{"Effect": "Allow", "Principal": {"AWS": ACCOUNT_B},
                                       "Action": "sts:AssumeRole"}]})) == scope
    assert snapshot(world) == before


@pytest.mark.parametrize("who", ["root", "admin user", "role session"])
def test_another_accounts_keys_and_devices_are_not_found(world, who):
    iam, _ = world["callers"][who]
    before = snapshot(world)
    key = world["a_key"]
    no_key = ("NoSuchEntity", 404, f"The Access Key with id {key} cannot be found.")
    assert error_of(iam.update_access_key, UserName="xalice", AccessKeyId=key, Status="Inactive") == no_key
    assert error_of(iam.delete_access_key, UserName="xalice", AccessKeyId=key) == no_key
    for serial in (world["enabled"], world["spare"]):
        assert error_of(iam.deactivate_mfa_device, UserName="xalice", SerialNumber=serial) == (
            "NoSuchEntity", 404, f"MFA Device with serial number {serial} does not exist.")
    assert error_of(iam.enable_mfa_device, UserName="xalice", SerialNumber=world["spare"],
                    AuthenticationCode1="123456", AuthenticationCode2="654321") == (
        "NoSuchEntity", 404, f"MFA Device with serial number {world['spare']} does not exist.")
    assert snapshot(world) == before


def test_another_accounts_policy_is_no_session_policy(server, world):
    sts = server.sts(world["admin_key"])
    target = world["target"]
    assert error_of(sts.assume_role, RoleArn=f"arn:aws:iam::{ACCOUNT_B}:role/XAdminRole",
                    RoleSessionName="xs", PolicyArns=[{"arn": target}]) == (
        "InvalidParameterValue", 400, f"Policy {target} does not exist or is not attachable.")


def test_the_owner_still_manages_its_own_policy(world):
    a = world["a"]
    assert a.get_policy(PolicyArn=world["target"])["Policy"]["AttachmentCount"] == 1
    assert [v["VersionId"] for v in a.list_policy_versions(PolicyArn=world["target"])["Versions"]] == ["v1"]
