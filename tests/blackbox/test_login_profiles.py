"""Console passwords and the account password policy: CreateLoginProfile, GetLoginProfile,
UpdateLoginProfile, DeleteLoginProfile, ChangePassword and Get/Update/DeleteAccountPasswordPolicy,
with AWS's shapes, codes, statuses and texts; the policy's rules (length, character classes,
reuse of recent passwords, hard expiry); the grant AllowUsersToChangePassword gives; DeleteUser's
refusal while a password exists; races; cross-account refusal; and passwords never stored or
logged in clear.

The account password policy is account-wide, so this module runs its own server: whatever it
sets cannot change what other modules' users may do.
"""

import datetime
import json
import re
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import ACCOUNT_A, ACCOUNT_B, ROOT_A, ROOT_B, Server, error_of, iam_denied

ALLOW_ALL = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
NS = {"iam": "https://iam.amazonaws.com/doc/2010-05-08/"}

# Passwords that meet AWS's default policy (8 characters, three classes): every test uses these
# or builds on them, so that the audit log and the database can be searched for each in clear.
FIRST = "First-Passw0rd"
SECOND = "Second-Passw0rd"
THIRD = "Third-Passw0rd"
USED = set()


def pw(text):
    USED.add(text)
    return text


def violation():
    return ("PasswordPolicyViolation", 400, "Password does not conform to the account password policy.")


def no_profile(name):
    return ("NoSuchEntity", 404, f"Login Profile for User {name} cannot be found.")


def no_user(name):
    return ("NoSuchEntity", 404, f"The user with name {name} cannot be found.")


def no_policy(account):
    return ("NoSuchEntity", 404, f"The Password Policy with domain name {account} cannot be found.")


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    root = tmp_path_factory.mktemp("login-profiles")
    server = Server(root / "data", Path(__file__).parent / "bootstrap.yaml").start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def a(srv):
    return srv.iam(ROOT_A)


@pytest.fixture(autouse=True)
def no_policy_left(a):
    """Each test starts and ends without an account password policy in A."""
    yield
    try:
        a.delete_account_password_policy()
    except a.exceptions.NoSuchEntityException:
        pass


def user_with_key(iam, name, policy=None):
    iam.create_user(UserName=name)
    if policy:
        iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=policy)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return key["AccessKeyId"], key["SecretAccessKey"]


def self_service(*actions):
    """An identity policy that allows `actions` on the user itself."""
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": list(actions), "Resource": "arn:aws:iam::*:user/${aws:username}"}]})


def raw(srv, key, params):
    status, body = srv.signed({"Version": "2010-05-08", **params}, key, service="iam")
    return status, body


# --- lifecycle and shapes -------------------------------------------------------------------------

def test_login_profile_lifecycle_and_shapes(srv, a):
    a.create_user(UserName="lp-alice")
    created = a.create_login_profile(UserName="lp-alice", Password=pw(FIRST), PasswordResetRequired=True)["LoginProfile"]
    assert set(created) == {"UserName", "CreateDate", "PasswordResetRequired"}
    assert created["UserName"] == "lp-alice" and created["PasswordResetRequired"] is True
    got = a.get_login_profile(UserName="LP-ALICE")["LoginProfile"]
    assert got == created, "names are case-insensitive; the stored name is returned"

    a.update_login_profile(UserName="lp-alice", PasswordResetRequired=False)
    assert a.get_login_profile(UserName="lp-alice")["LoginProfile"]["PasswordResetRequired"] is False
    # A new password leaves the flag as it is when PasswordResetRequired is omitted.
    a.update_login_profile(UserName="lp-alice", Password=pw(SECOND))
    got = a.get_login_profile(UserName="lp-alice")["LoginProfile"]
    assert got["PasswordResetRequired"] is False and got["CreateDate"] == created["CreateDate"]

    # The flag is written even when false; the result is LoginProfile's three members only.
    status, body = raw(srv, ROOT_A, {"Action": "GetLoginProfile", "UserName": "lp-alice"})
    assert status == 200
    profile = ET.fromstring(body).find("iam:GetLoginProfileResult/iam:LoginProfile", NS)
    assert [child.tag.split("}")[1] for child in profile] == ["UserName", "CreateDate", "PasswordResetRequired"]
    assert profile.find("iam:PasswordResetRequired", NS).text == "false"
    status, body = raw(srv, ROOT_A, {"Action": "DeleteLoginProfile", "UserName": "lp-alice"})
    assert status == 200 and "<DeleteLoginProfileResult" not in body

    assert error_of(a.get_login_profile, UserName="lp-alice") == no_profile("lp-alice")
    assert error_of(a.delete_login_profile, UserName="lp-alice") == no_profile("lp-alice")
    assert error_of(a.update_login_profile, UserName="lp-alice", Password=pw(THIRD)) == no_profile("lp-alice")
    assert error_of(a.update_login_profile, UserName="lp-alice", PasswordResetRequired=True) == no_profile("lp-alice")

    a.create_login_profile(UserName="lp-alice", Password=pw(THIRD))
    assert a.get_login_profile(UserName="lp-alice")["LoginProfile"]["PasswordResetRequired"] is False
    assert error_of(a.create_login_profile, UserName="lp-alice", Password=pw(FIRST)) == (
        "EntityAlreadyExists", 409, "Login Profile for user lp-alice already exists.")
    for call, kwargs in [(a.create_login_profile, {"Password": pw(FIRST)}), (a.get_login_profile, {}),
                         (a.update_login_profile, {"Password": pw(FIRST)}), (a.delete_login_profile, {})]:
        assert error_of(call, UserName="lp-nobody", **kwargs) == no_user("lp-nobody"), call


def test_the_aws_cli_manages_login_profiles(srv, a):
    a.create_user(UserName="lp-cli")
    code, out, _ = srv.aws(["iam", "create-login-profile", "--user-name", "lp-cli", "--password", pw(FIRST),
                            "--password-reset-required"], ROOT_A)
    assert code == 0 and out["LoginProfile"]["UserName"] == "lp-cli"
    assert out["LoginProfile"]["PasswordResetRequired"] is True
    code, out, _ = srv.aws(["iam", "get-login-profile", "--user-name", "lp-cli"], ROOT_A)
    assert code == 0 and out["LoginProfile"]["PasswordResetRequired"] is True
    code, _, _ = srv.aws(["iam", "update-login-profile", "--user-name", "lp-cli", "--no-password-reset-required"], ROOT_A)
    assert code == 0
    code, _, err = srv.aws(["iam", "delete-login-profile", "--user-name", "lp-cli"], ROOT_A, check=False)
    assert code == 0, err
    code, _, err = srv.aws(["iam", "get-login-profile", "--user-name", "lp-cli"], ROOT_A, check=False)
    assert code != 0 and "(NoSuchEntity)" in err and "Login Profile for User lp-cli cannot be found." in err


def test_request_validation_never_echoes_a_password(srv, a):
    loose = srv.iam(ROOT_A, validate=False)
    a.create_user(UserName="lp-valid")
    secret = "x" * 129
    code, status, message = error_of(loose.create_login_profile, UserName="lp-valid", Password=secret)
    assert (code, status, message) == ("ValidationError", 400,
        "1 validation error detected: Value at 'password' failed to satisfy constraint: "
        "Member must have length less than or equal to 128")
    assert error_of(loose.create_login_profile, UserName="lp-valid") == ("ValidationError", 400,
        "1 validation error detected: Value at 'password' failed to satisfy constraint: Member must not be null")
    pattern = "Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+"
    # An empty value breaks the pattern (`+`) and the length, as for every IAM member.
    assert error_of(loose.change_password, OldPassword="", NewPassword="\u0100bc") == ("ValidationError", 400,
        f"3 validation errors detected: Value at 'oldPassword' failed to satisfy constraint: {pattern}; "
        "Value at 'oldPassword' failed to satisfy constraint: Member must have length greater than or equal "
        f"to 1; Value at 'newPassword' failed to satisfy constraint: {pattern}")
    assert error_of(loose.update_login_profile, Password=pw(FIRST)) == ("ValidationError", 400,
        "1 validation error detected: Value at 'userName' failed to satisfy constraint: Member must not be null")
    assert error_of(loose.create_login_profile, UserName="u" * 65, Password=pw(FIRST)) == ("ValidationError", 400,
        "1 validation error detected: Value at 'userName' failed to satisfy constraint: "
        "Member must have length less than or equal to 64")


def test_delete_user_is_refused_while_a_login_profile_exists(a):
    a.create_user(UserName="lp-doomed")
    a.create_login_profile(UserName="lp-doomed", Password=pw(FIRST))
    a.create_access_key(UserName="lp-doomed")
    # The password is reported first, before the access key.
    assert error_of(a.delete_user, UserName="lp-doomed") == (
        "DeleteConflict", 409, "Cannot delete entity, must delete login profile first.")
    a.delete_login_profile(UserName="lp-doomed")
    assert error_of(a.delete_user, UserName="lp-doomed")[2] == "Cannot delete entity, must delete access keys first."
    for key in a.list_access_keys(UserName="lp-doomed")["AccessKeyMetadata"]:
        a.delete_access_key(UserName="lp-doomed", AccessKeyId=key["AccessKeyId"])
    a.delete_user(UserName="lp-doomed")
    assert error_of(a.get_login_profile, UserName="lp-doomed") == no_user("lp-doomed")


def test_a_renamed_user_keeps_its_login_profile(srv, a):
    key = user_with_key(a, "lp-old-name")
    a.create_login_profile(UserName="lp-old-name", Password=pw(FIRST))
    a.update_login_profile(UserName="lp-old-name", Password=pw(SECOND))
    a.update_user(UserName="lp-old-name", NewUserName="lp-new-name")
    assert a.get_login_profile(UserName="lp-new-name")["LoginProfile"]["UserName"] == "lp-new-name"
    assert error_of(a.get_login_profile, UserName="lp-old-name") == no_user("lp-old-name")
    # The password history came along: with reuse prevention the old passwords stay refused.
    a.update_account_password_policy(PasswordReusePrevention=2, AllowUsersToChangePassword=True)
    assert error_of(a.update_login_profile, UserName="lp-new-name", Password=FIRST) == violation()
    # And the renamed user's own key still changes its password.
    time.sleep(0.01)
    srv.iam(key).change_password(OldPassword=SECOND, NewPassword=pw(THIRD))


# --- who the user is ------------------------------------------------------------------------------

def test_user_name_defaults_to_the_calling_user(srv, a):
    key = user_with_key(a, "lp-self", self_service("iam:CreateLoginProfile", "iam:GetLoginProfile",
                                                    "iam:DeleteLoginProfile", "iam:UpdateLoginProfile"))
    me = srv.iam(key)
    assert me.create_login_profile(Password=pw(FIRST))["LoginProfile"]["UserName"] == "lp-self"
    assert me.get_login_profile()["LoginProfile"]["UserName"] == "lp-self"
    me.delete_login_profile()
    assert error_of(me.get_login_profile) == no_profile("lp-self")
    # The policy allows the user itself only.
    a.create_user(UserName="lp-other")
    assert error_of(me.get_login_profile, UserName="lp-other") == (
        "AccessDenied", 403, iam_denied(f"arn:aws:iam::{ACCOUNT_A}:user/lp-self", "iam:GetLoginProfile", "user lp-other"))
    assert error_of(me.create_login_profile, UserName="lp-other", Password=pw(FIRST))[0] == "AccessDenied"
    assert error_of(a.get_login_profile, UserName="lp-other") == no_profile("lp-other")


def test_roots_and_role_sessions_without_a_user_name(srv, a):
    # A root's own console password is not modelled: AWS's answer for a root without one.
    assert error_of(a.get_login_profile) == no_profile("null")
    assert error_of(a.delete_login_profile) == no_profile("null")
    assert error_of(a.create_login_profile, Password=pw(FIRST)) == (
        "ValidationError", 400, "Must specify userName when calling with non-User credentials")
    a.create_role(RoleName="LpAdmin", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": ACCOUNT_A}, "Action": "sts:AssumeRole"}]}))
    a.put_role_policy(RoleName="LpAdmin", PolicyName="Admin", PolicyDocument=ALLOW_ALL)
    assumer = user_with_key(a, "lp-assumer", json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}))
    time.sleep(0.01)
    creds = srv.sts(assumer).assume_role(RoleArn=f"arn:aws:iam::{ACCOUNT_A}:role/LpAdmin",
                                        RoleSessionName="lp")["Credentials"]
    session = srv.session_client("iam", creds)
    for call, kwargs in [(session.get_login_profile, {}), (session.delete_login_profile, {}),
                         (session.create_login_profile, {"Password": pw(FIRST)})]:
        assert error_of(call, **kwargs) == (
            "ValidationError", 400, "Must specify userName when calling with non-User credentials"), call
    # Naming a user works for a session whose role allows it.
    a.create_user(UserName="lp-by-role")
    assert session.create_login_profile(UserName="lp-by-role", Password=pw(FIRST))["LoginProfile"]["UserName"] == "lp-by-role"
    # ChangePassword is for IAM users only.
    invalid = ("InvalidUserType", 400, "Only IAM users can change their own password.")
    assert error_of(session.change_password, OldPassword=FIRST, NewPassword=pw(SECOND)) == invalid
    assert error_of(a.change_password, OldPassword=FIRST, NewPassword=pw(SECOND)) == invalid
    code, _, err = srv.aws(["iam", "change-password", "--old-password", FIRST, "--new-password", SECOND],
                           ROOT_A, check=False)
    assert code != 0 and "(InvalidUserType)" in err


# --- ChangePassword -------------------------------------------------------------------------------

def test_change_password(srv, a):
    key = user_with_key(a, "lp-changer")
    user_arn = f"arn:aws:iam::{ACCOUNT_A}:user/lp-changer"
    me = srv.iam(key)
    # No password yet, and no permission: permission is checked first.
    assert error_of(me.change_password, OldPassword=FIRST, NewPassword=pw(SECOND)) == (
        "AccessDenied", 403, iam_denied(user_arn, "iam:ChangePassword", "user lp-changer"))
    assert error_of(me.get_account_password_policy) == (
        "AccessDenied", 403, iam_denied(user_arn, "iam:GetAccountPasswordPolicy", "*"))
    # AllowUsersToChangePassword: IAM grants both without an identity policy.
    a.update_account_password_policy(AllowUsersToChangePassword=True)
    assert error_of(me.change_password, OldPassword=FIRST, NewPassword=pw(SECOND)) == no_profile("lp-changer")
    assert me.get_account_password_policy()["PasswordPolicy"]["AllowUsersToChangePassword"] is True
    a.create_login_profile(UserName="lp-changer", Password=pw(FIRST), PasswordResetRequired=True)
    assert error_of(me.change_password, OldPassword=SECOND, NewPassword=pw(THIRD)) == (
        "AccessDenied", 403, "The old password is incorrect.")
    me.change_password(OldPassword=FIRST, NewPassword=SECOND)
    assert a.get_login_profile(UserName="lp-changer")["LoginProfile"]["PasswordResetRequired"] is False
    assert error_of(me.change_password, OldPassword=FIRST, NewPassword=pw(THIRD))[2] == "The old password is incorrect."
    code, _, err = srv.aws(["iam", "change-password", "--old-password", SECOND, "--new-password", THIRD], key, check=False)
    assert code == 0, err
    # The new password must meet the policy.
    assert error_of(me.change_password, OldPassword=THIRD, NewPassword="short") == violation()
    # The grant never beats an explicit deny.
    a.put_user_policy(UserName="lp-changer", PolicyName="deny", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "iam:ChangePassword", "Resource": "*"}]}))
    time.sleep(0.01)
    assert error_of(me.change_password, OldPassword=THIRD, NewPassword=pw(FIRST)) == (
        "AccessDenied", 403, iam_denied(user_arn, "iam:ChangePassword", "user lp-changer",
                                        explicit="an identity-based policy"))
    a.delete_user_policy(UserName="lp-changer", PolicyName="deny")
    # Without the flag, an identity policy is what allows it.
    a.update_account_password_policy(AllowUsersToChangePassword=False)
    time.sleep(0.01)
    assert error_of(me.change_password, OldPassword=THIRD, NewPassword=pw(FIRST))[0] == "AccessDenied"
    a.put_user_policy(UserName="lp-changer", PolicyName="self", PolicyDocument=self_service("iam:ChangePassword"))
    time.sleep(0.01)
    me.change_password(OldPassword=THIRD, NewPassword=FIRST)
    # Without the flag, reading the policy needs an identity policy too.
    assert error_of(me.get_account_password_policy)[0] == "AccessDenied"


def test_change_password_is_audited_as_granted_and_never_shows_a_password(srv, a):
    key = user_with_key(a, "lp-audited")
    a.update_account_password_policy(AllowUsersToChangePassword=True)
    a.create_login_profile(UserName="lp-audited", Password=pw("Audit-Old-Passw0rd"))
    time.sleep(0.01)
    srv.iam(key).change_password(OldPassword="Audit-Old-Passw0rd", NewPassword=pw("Audit-New-Passw0rd"))
    event = None
    for _ in range(40):
        lines = [json.loads(line) for line in (srv.data_dir / "audit.jsonl").read_text().splitlines()]
        found = [e for e in lines if e["eventName"] == "ChangePassword"
                 and e["userIdentity"]["arn"].endswith("user/lp-audited")]
        if found:
            event = found[-1]
            break
        time.sleep(0.05)
    assert event is not None, "ChangePassword not audited"
    assert event["requestParameters"] == {"oldPassword": "HIDDEN_DUE_TO_SECURITY_REASONS",
                                          "newPassword": "HIDDEN_DUE_TO_SECURITY_REASONS"}
    assert event["authorization"][0]["decision"] == "Allowed"
    assert event["authorization"][0]["matchedStatements"] == ["account-password-policy"], event["authorization"]


# --- the account password policy ------------------------------------------------------------------

def test_account_password_policy_lifecycle(srv, a):
    assert error_of(a.get_account_password_policy) == no_policy(ACCOUNT_A)
    assert error_of(a.delete_account_password_policy) == no_policy(ACCOUNT_A)
    a.update_account_password_policy()
    assert a.get_account_password_policy()["PasswordPolicy"] == {
        "MinimumPasswordLength": 6, "RequireSymbols": False, "RequireNumbers": False,
        "RequireUppercaseCharacters": False, "RequireLowercaseCharacters": False,
        "AllowUsersToChangePassword": False, "ExpirePasswords": False, "HardExpiry": False}
    a.update_account_password_policy(
        MinimumPasswordLength=14, RequireSymbols=True, RequireNumbers=True, RequireUppercaseCharacters=True,
        RequireLowercaseCharacters=True, AllowUsersToChangePassword=True, MaxPasswordAge=90,
        PasswordReusePrevention=24, HardExpiry=True)
    assert a.get_account_password_policy()["PasswordPolicy"] == {
        "MinimumPasswordLength": 14, "RequireSymbols": True, "RequireNumbers": True,
        "RequireUppercaseCharacters": True, "RequireLowercaseCharacters": True,
        "AllowUsersToChangePassword": True, "ExpirePasswords": True, "MaxPasswordAge": 90,
        "PasswordReusePrevention": 24, "HardExpiry": True}
    # The wire order is the model's.
    status, body = raw(srv, ROOT_A, {"Action": "GetAccountPasswordPolicy"})
    policy = ET.fromstring(body).find("iam:GetAccountPasswordPolicyResult/iam:PasswordPolicy", NS)
    assert [child.tag.split("}")[1] for child in policy] == [
        "MinimumPasswordLength", "RequireSymbols", "RequireNumbers", "RequireUppercaseCharacters",
        "RequireLowercaseCharacters", "AllowUsersToChangePassword", "ExpirePasswords", "MaxPasswordAge",
        "PasswordReusePrevention", "HardExpiry"]
    # Replaced whole: what is left out goes back to its default.
    a.update_account_password_policy(RequireNumbers=True)
    assert a.get_account_password_policy()["PasswordPolicy"] == {
        "MinimumPasswordLength": 6, "RequireSymbols": False, "RequireNumbers": True,
        "RequireUppercaseCharacters": False, "RequireLowercaseCharacters": False,
        "AllowUsersToChangePassword": False, "ExpirePasswords": False, "HardExpiry": False}
    code, _, err = srv.aws(["iam", "update-account-password-policy", "--minimum-password-length", "12",
                            "--require-symbols", "--max-password-age", "30"], ROOT_A, check=False)
    assert code == 0, err
    code, out, _ = srv.aws(["iam", "get-account-password-policy"], ROOT_A)
    assert out["PasswordPolicy"]["MinimumPasswordLength"] == 12 and out["PasswordPolicy"]["RequireSymbols"] is True
    assert out["PasswordPolicy"]["ExpirePasswords"] is True and out["PasswordPolicy"]["MaxPasswordAge"] == 30
    status, body = raw(srv, ROOT_A, {"Action": "DeleteAccountPasswordPolicy"})
    assert status == 200 and "<DeleteAccountPasswordPolicyResult" not in body
    assert error_of(a.get_account_password_policy) == no_policy(ACCOUNT_A)
    code, _, err = srv.aws(["iam", "get-account-password-policy"], ROOT_A, check=False)
    assert code != 0 and f"The Password Policy with domain name {ACCOUNT_A} cannot be found." in err


def test_account_password_policy_ranges(srv):
    loose = srv.iam(ROOT_A, validate=False)
    for member, value, bound in [("MinimumPasswordLength", 5, "greater than or equal to 6"),
                                 ("MinimumPasswordLength", 129, "less than or equal to 128"),
                                 ("MaxPasswordAge", 0, "greater than or equal to 1"),
                                 ("MaxPasswordAge", 1096, "less than or equal to 1095"),
                                 ("PasswordReusePrevention", 0, "greater than or equal to 1"),
                                 ("PasswordReusePrevention", 25, "less than or equal to 24")]:
        field = member[0].lower() + member[1:]
        assert error_of(loose.update_account_password_policy, **{member: value}) == ("ValidationError", 400,
            f"1 validation error detected: Value at '{field}' failed to satisfy constraint: "
            f"Member must have value {bound}"), (member, value)
    assert error_of(loose.get_account_password_policy) == no_policy(ACCOUNT_A), "nothing was set"


def test_aws_default_policy_applies_without_one(a):
    a.create_user(UserName="lp-default")
    for weak in ["Sh0rt!x", "alllowercase1", "NoDigitsOrSymbols"]:
        assert error_of(a.create_login_profile, UserName="lp-default", Password=pw(weak)) == violation(), weak
    a.create_login_profile(UserName="lp-default", Password=pw("lowercase-and-1"))
    # A custom policy replaces the default entirely, for better or worse.
    a.update_account_password_policy(MinimumPasswordLength=6)
    a.update_login_profile(UserName="lp-default", Password=pw("simplest"))


def test_the_policy_rules_apply_to_every_new_password(srv, a):
    key = user_with_key(a, "lp-strict")
    a.update_account_password_policy(MinimumPasswordLength=10, RequireSymbols=True, RequireNumbers=True,
                                     RequireUppercaseCharacters=True, RequireLowercaseCharacters=True,
                                     AllowUsersToChangePassword=True)
    good = pw("Good-Pass-1")
    for bad in ["Good-Pas1", "good-pass-1", "GOOD-PASS-1", "Good-Pass-x", "GoodPass1.~", "Good Pass 1"]:
        assert error_of(a.create_login_profile, UserName="lp-strict", Password=pw(bad)) == violation(), bad
    a.create_login_profile(UserName="lp-strict", Password=good)
    for bad in ["Good-Pas1", "goodpass!1x"]:
        assert error_of(a.update_login_profile, UserName="lp-strict", Password=pw(bad)) == violation(), bad
        assert error_of(srv.iam(key).change_password, OldPassword=good, NewPassword=bad) == violation(), bad
    # Every symbol of AWS's set counts.
    symbols = "!@#$%^&*()_+-=[]{}|'"
    current = good
    for symbol in symbols:
        new = pw(f"Abcdefgh1{symbol}")
        srv.iam(key).change_password(OldPassword=current, NewPassword=new)
        current = new
    # A refused password changes nothing: the old one still works.
    assert error_of(srv.iam(key).change_password, OldPassword=current, NewPassword="weak") == violation()
    srv.iam(key).change_password(OldPassword=current, NewPassword=good)


def test_password_reuse_prevention(srv, a):
    key = user_with_key(a, "lp-reuse")
    a.update_account_password_policy(PasswordReusePrevention=3, AllowUsersToChangePassword=True)
    passwords = [pw(f"Reuse-Passw0rd-{n}") for n in range(6)]
    a.create_login_profile(UserName="lp-reuse", Password=passwords[0])
    a.update_login_profile(UserName="lp-reuse", Password=passwords[1])
    a.update_login_profile(UserName="lp-reuse", Password=passwords[2])
    me = srv.iam(key)
    # The last three (including the current one) are refused, by an administrator too.
    for old in passwords[:3]:
        assert error_of(me.change_password, OldPassword=passwords[2], NewPassword=old) == violation(), old
        assert error_of(a.update_login_profile, UserName="lp-reuse", Password=old) == violation(), old
    me.change_password(OldPassword=passwords[2], NewPassword=passwords[3])
    # Now the oldest has fallen out of the last three.
    me.change_password(OldPassword=passwords[3], NewPassword=passwords[0])
    # Deleting the console password keeps the history: a recreated one may not reuse it.
    a.delete_login_profile(UserName="lp-reuse")
    assert error_of(a.create_login_profile, UserName="lp-reuse", Password=passwords[3]) == violation()
    a.create_login_profile(UserName="lp-reuse", Password=passwords[4])
    # Without reuse prevention, any password goes.
    a.update_account_password_policy(AllowUsersToChangePassword=True)
    me.change_password(OldPassword=passwords[4], NewPassword=passwords[4])


def test_hard_expiry(tmp_path):
    srv = Server(tmp_path / "data", Path(__file__).parent / "bootstrap.yaml").start()
    try:
        a = srv.iam(ROOT_A)
        soft = user_with_key(a, "lp-soft")
        hard = user_with_key(a, "lp-hard")
        a.update_account_password_policy(MaxPasswordAge=1, AllowUsersToChangePassword=True)
        a.create_login_profile(UserName="lp-soft", Password=pw(FIRST))
        a.create_login_profile(UserName="lp-hard", Password=pw(FIRST))
        srv.stop()
        # Two days later: both passwords have expired.
        offset = 2 * 86400
        srv.start(extra_env={"ROLEGATE_TEST_CLOCK_OFFSET": str(offset)})
        later = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=offset)

        def call(key, **params):
            return srv.signed({"Version": "2010-05-08", **params}, key, service="iam", when=later)

        def set_policy(hard_expiry):
            status, body = call(ROOT_A, Action="UpdateAccountPasswordPolicy", MaxPasswordAge="1",
                                AllowUsersToChangePassword="true", HardExpiry=hard_expiry)
            assert status == 200, body

        # Without HardExpiry a user renews an expired password itself.
        set_policy("false")
        status, body = call(soft, Action="ChangePassword", OldPassword=FIRST, NewPassword=pw(SECOND))
        assert status == 200, body
        # With it, only an administrator can.
        set_policy("true")
        status, body = call(hard, Action="ChangePassword", OldPassword=FIRST, NewPassword=pw(SECOND))
        assert status == 400 and "<Code>PasswordPolicyViolation</Code>" in body
        assert "<Message>Password does not conform to the account password policy.</Message>" in body
        status, body = call(ROOT_A, Action="UpdateLoginProfile", UserName="lp-hard", Password=pw(THIRD),
                            PasswordResetRequired="true")
        assert status == 200, body
        status, body = call(hard, Action="ChangePassword", OldPassword=THIRD, NewPassword=pw(SECOND))
        assert status == 200, body
        # A renewed password is not expired.
        status, body = call(soft, Action="ChangePassword", OldPassword=SECOND, NewPassword=pw(THIRD))
        assert status == 200, body
    finally:
        srv.stop()


# --- races ----------------------------------------------------------------------------------------

def run_threads(count, work):
    results = [None] * count
    barrier = threading.Barrier(count)

    def runner(i):
        barrier.wait()
        try:
            results[i] = ("ok", work(i))
        except Exception as e:  # noqa: BLE001 - the test inspects every outcome
            response = getattr(e, "response", None)
            if response is None:
                results[i] = ("raised", repr(e))
            else:
                results[i] = ("error", response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"],
                              response["Error"].get("Message"))

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_twenty_concurrent_create_login_profile_give_one_profile(srv, a):
    a.create_user(UserName="lp-race")
    clients = [srv.iam(ROOT_A) for _ in range(20)]
    results = run_threads(20, lambda i: clients[i].create_login_profile(
        UserName="lp-race", Password=pw(f"Race-Passw0rd-{i:02}")))
    assert sum(1 for r in results if r[0] == "ok") == 1, results
    for r in results:
        if r[0] != "ok":
            assert r == ("error", "EntityAlreadyExists", 409, "Login Profile for user lp-race already exists."), r


def test_twenty_concurrent_change_password_from_one_password(srv, a):
    key = user_with_key(a, "lp-race-change")
    a.update_account_password_policy(AllowUsersToChangePassword=True, PasswordReusePrevention=5)
    a.create_login_profile(UserName="lp-race-change", Password=pw(FIRST))
    time.sleep(0.01)
    clients = [srv.iam(key) for _ in range(20)]
    news = [pw(f"Changed-Passw0rd-{i:02}") for i in range(20)]
    results = run_threads(20, lambda i: clients[i].change_password(OldPassword=FIRST, NewPassword=news[i]))
    winners = [i for i, r in enumerate(results) if r[0] == "ok"]
    assert len(winners) == 1, results
    for r in results:
        if r[0] != "ok":
            assert r in [("error", "AccessDenied", 403, "The old password is incorrect."),
                         ("error", "EntityTemporarilyUnmodifiable", 409,
                          "Login Profile for User lp-race-change cannot be modified while login profile is being created.")], r
    # The winner's password is the current one.
    srv.iam(key).change_password(OldPassword=news[winners[0]], NewPassword=pw(SECOND))


# --- cross-account --------------------------------------------------------------------------------

def test_another_account_never_reaches_a_login_profile_or_the_policy(srv, a):
    key = user_with_key(a, "lp-victim")
    a.create_login_profile(UserName="lp-victim", Password=pw(FIRST), PasswordResetRequired=True)
    a.update_account_password_policy(MinimumPasswordLength=8, AllowUsersToChangePassword=True)
    before = (a.get_login_profile(UserName="lp-victim")["LoginProfile"], a.get_account_password_policy()["PasswordPolicy"])

    b = srv.iam(ROOT_B)
    b.create_user(UserName="lp-badmin")
    b.put_user_policy(UserName="lp-badmin", PolicyName="Admin", PolicyDocument=ALLOW_ALL)
    admin = b.create_access_key(UserName="lp-badmin")["AccessKey"]
    admin_key = (admin["AccessKeyId"], admin["SecretAccessKey"])
    b.create_role(RoleName="LpBAdmin", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": ACCOUNT_B}, "Action": "sts:AssumeRole"}]}))
    b.put_role_policy(RoleName="LpBAdmin", PolicyName="Admin", PolicyDocument=ALLOW_ALL)
    time.sleep(0.01)
    creds = srv.sts(admin_key).assume_role(RoleArn=f"arn:aws:iam::{ACCOUNT_B}:role/LpBAdmin",
                                           RoleSessionName="lpx")["Credentials"]
    callers = {"root": b, "admin user": srv.iam(admin_key), "role session": srv.session_client("iam", creds)}
    for who, iam in callers.items():
        # Names resolve in the caller's own account, where there is no such user.
        for call, kwargs in [(iam.get_login_profile, {}), (iam.delete_login_profile, {}),
                             (iam.update_login_profile, {"Password": pw(SECOND), "PasswordResetRequired": False}),
                             (iam.create_login_profile, {"Password": pw(SECOND)})]:
            assert error_of(call, UserName="lp-victim", **kwargs) == no_user("lp-victim"), (who, call)
        # The password policy is the caller's own account's.
        assert error_of(iam.get_account_password_policy) == no_policy(ACCOUNT_B), who
        assert error_of(iam.delete_account_password_policy) == no_policy(ACCOUNT_B), who
        # ChangePassword acts on the caller itself: B's admin user has no console password.
        expected = (no_profile("lp-badmin") if who == "admin user"
                    else ("InvalidUserType", 400, "Only IAM users can change their own password."))
        assert error_of(iam.change_password, OldPassword=FIRST, NewPassword=pw(SECOND)) == expected, who
    # B's policy is B's: setting one leaves A's alone.
    b.update_account_password_policy(MinimumPasswordLength=20)
    b.delete_account_password_policy()
    after = (a.get_login_profile(UserName="lp-victim")["LoginProfile"], a.get_account_password_policy()["PasswordPolicy"])
    assert after == before
    # A's user still has its password (nobody changed it).
    srv.iam(key).change_password(OldPassword=FIRST, NewPassword=pw(SECOND))


# --- secrets at rest and in the log ---------------------------------------------------------------

def test_no_password_is_stored_or_logged_in_clear(srv):
    # Let the audit writer flush, then look at every byte the server wrote.
    time.sleep(0.3)
    assert USED, "the tests above used passwords"
    files = [p for p in srv.data_dir.rglob("*") if p.is_file()] + [srv.log]
    assert any(p.name == "audit.jsonl" for p in files)
    assert any(p.name.endswith(".sqlite3") for p in files)
    for path in files:
        data = path.read_bytes()
        for password in USED:
            assert password.encode() not in data, f"{password!r} in clear in {path.name}"
    hashes = re.findall(rb"\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$", b"".join(
        p.read_bytes() for p in files if p.name.startswith("rolegate.sqlite3")))
    assert hashes, "passwords are stored as Argon2id PHC strings"
