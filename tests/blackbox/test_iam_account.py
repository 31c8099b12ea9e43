"""The account itself (summary, alias), virtual MFA devices beyond enabling, and the texts AWS
gives to non-user callers, through boto3 and the aws CLI."""

import json
import time

import pytest

from conftest import ACCOUNT_A, ROOT_A, ROOT_B, VENDOR, error_of, totp


@pytest.fixture()
def iam(server):
    return server.iam(ROOT_A)


def test_account_summary_counts_and_quotas(server, iam):
    before = iam.get_account_summary()["SummaryMap"]
    assert before["UsersQuota"] == 5000 and before["RolesQuota"] == 1000 and before["GroupsQuota"] == 300
    assert before["AccessKeysPerUserQuota"] == 2 and before["AttachedPoliciesPerRoleQuota"] == 10
    assert before["AccountAccessKeysPresent"] == 1
    iam.create_user(UserName="counted")
    iam.create_group(GroupName="CountedGroup")
    after = iam.get_account_summary()["SummaryMap"]
    assert (after["Users"], after["Groups"]) == (before["Users"] + 1, before["Groups"] + 1)
    # Another account's summary is its own.
    other = server.iam(ROOT_B).get_account_summary()["SummaryMap"]
    assert other["Users"] != after["Users"] or other["Groups"] != after["Groups"]
    code, out, _ = server.aws(["iam", "get-account-summary"], ROOT_A)
    assert code == 0 and out["SummaryMap"]["Users"] == after["Users"]


def test_account_alias(server, iam):
    assert iam.list_account_aliases()["AccountAliases"] == []
    iam.create_account_alias(AccountAlias="rolegate-a")
    assert iam.list_account_aliases()["AccountAliases"] == ["rolegate-a"]
    iam.create_account_alias(AccountAlias="rolegate-a2")  # replaces, as AWS does
    assert iam.list_account_aliases()["AccountAliases"] == ["rolegate-a2"]
    other = server.iam(ROOT_B)
    assert error_of(other.create_account_alias, AccountAlias="rolegate-a2") == (
        "EntityAlreadyExists", 409, "The account alias rolegate-a2 already exists.")
    assert error_of(other.delete_account_alias, AccountAlias="rolegate-a2")[:2] == ("NoSuchEntity", 404)
    for bad in ("Upper", "double--hyphen", "-edge", "edge-"):
        assert error_of(iam.create_account_alias, AccountAlias=bad)[:2] == ("ValidationError", 400), bad
    iam.delete_account_alias(AccountAlias="rolegate-a2")
    assert iam.list_account_aliases()["AccountAliases"] == []
    # Needs permission like anything else.
    assert error_of(server.iam(VENDOR).create_account_alias, AccountAlias="vendor-alias")[0] == "AccessDenied"


def test_virtual_mfa_devices(server, iam):
    a = iam.create_virtual_mfa_device(VirtualMFADeviceName="spare-token", Tags=[{"Key": "k", "Value": "v"}])
    spare = a["VirtualMFADevice"]["SerialNumber"]
    assert a["VirtualMFADevice"]["Tags"] == [{"Key": "k", "Value": "v"}]
    b = iam.create_virtual_mfa_device(VirtualMFADeviceName="used-token")["VirtualMFADevice"]
    used, seed = b["SerialNumber"], b["Base32StringSeed"].decode()
    iam.create_user(UserName="tokenholder")
    now = time.time()
    iam.enable_mfa_device(UserName="tokenholder", SerialNumber=used,
                          AuthenticationCode1=totp(seed, now, -1), AuthenticationCode2=totp(seed, now))
    assigned = iam.list_virtual_mfa_devices(AssignmentStatus="Assigned")["VirtualMFADevices"]
    [entry] = [d for d in assigned if d["SerialNumber"] == used]
    assert entry["User"]["UserName"] == "tokenholder" and "EnableDate" in entry
    assert entry["User"]["Arn"] == f"arn:aws:iam::{ACCOUNT_A}:user/tokenholder"
    unassigned = [d["SerialNumber"] for d in iam.list_virtual_mfa_devices(AssignmentStatus="Unassigned")["VirtualMFADevices"]]
    assert spare in unassigned and used not in unassigned
    every = [d["SerialNumber"] for d in iam.list_virtual_mfa_devices()["VirtualMFADevices"]]
    assert {spare, used} <= set(every), "Any is the default"
    assert "Base32StringSeed" not in json.dumps(iam.list_virtual_mfa_devices(), default=str)
    assert iam.list_mfa_device_tags(SerialNumber=spare)["Tags"] == [{"Key": "k", "Value": "v"}]

    # Resync with two fresh consecutive codes; wrong codes are refused.
    assert error_of(iam.resync_mfa_device, UserName="tokenholder", SerialNumber=used,
                    AuthenticationCode1="000000", AuthenticationCode2="111111") == (
        "InvalidAuthenticationCode", 403, "Authentication code for device is not valid.")
    later = time.time()
    iam.resync_mfa_device(UserName="tokenholder", SerialNumber=used,
                          AuthenticationCode1=totp(seed, later, 0), AuthenticationCode2=totp(seed, later, 1))

    # An assigned device is not deleted; an unassigned one is, with its tags.
    assert error_of(iam.delete_virtual_mfa_device, SerialNumber=used)[:2] == ("DeleteConflict", 409)
    assert error_of(iam.delete_user, UserName="tokenholder") == (
        "DeleteConflict", 409, "Cannot delete entity, must delete MFA device first.")
    iam.delete_virtual_mfa_device(SerialNumber=spare)
    assert error_of(iam.delete_virtual_mfa_device, SerialNumber=spare) == (
        "NoSuchEntity", 404, f"MFA Device with serial number {spare} does not exist.")
    iam.deactivate_mfa_device(UserName="tokenholder", SerialNumber=used)
    iam.delete_virtual_mfa_device(SerialNumber=used)
    iam.delete_user(UserName="tokenholder")
    # Another account's root cannot delete or list this account's devices.
    c = iam.create_virtual_mfa_device(VirtualMFADeviceName="foreign-target")["VirtualMFADevice"]["SerialNumber"]
    other = server.iam(ROOT_B)
    assert error_of(other.delete_virtual_mfa_device, SerialNumber=c)[0] == "AccessDenied"
    assert c not in [d["SerialNumber"] for d in other.list_virtual_mfa_devices()["VirtualMFADevices"]]
    assert c in [d["SerialNumber"] for d in iam.list_virtual_mfa_devices()["VirtualMFADevices"]]


def test_non_user_callers_must_name_the_user(server):
    creds = server.sts(VENDOR).assume_role(
        RoleArn=f"arn:aws:iam::{ACCOUNT_A}:role/VendorAccess", RoleSessionName="nonuser")["Credentials"]
    session = server.session_client("iam", creds)
    text = ("ValidationError", 400, "Must specify userName when calling with non-User credentials")
    for call in (session.get_user, session.list_access_keys, session.create_access_key):
        assert error_of(call) == text, call
    # A root without the name is answered with the root user, which has no name or path.
    root = server.iam(ROOT_A).get_user()["User"]
    assert root["Arn"] == f"arn:aws:iam::{ACCOUNT_A}:root" and root["UserId"] == ACCOUNT_A
    assert "UserName" not in root and "Path" not in root
