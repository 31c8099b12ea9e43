"""Black-box tests of the IAM workloads: service-linked roles, last used (access keys and roles),
the credential report and the virtual MFA device's QR code, each with its success shape, its
errors (code, HTTP status, text) and an attacker's view from another account (its root, an
administrator user, an administrator role session).

The module runs its own server (the shared bootstrap plus an `autoscaling.amazonaws.com`
service identity in A, to show that a service-linked role is assumable by its service alone), so
the one-per-account credential report and the account's roles are this module's own.
"""

import base64
import csv
import datetime
import io
import json
import re
import struct
import time
import urllib.parse
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path

import png
import pytest
import yaml
import zxingcpp
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from conftest import (ACCOUNT_A, ACCOUNT_B, ALICE, EC2, ROOT_A, ROOT_B, Server, error_of,
                      iam_denied, not_authorized, totp)

AUTOSCALING = ("AKIASERVICEASG000001", "asg-secret")
ALLOW_ALL = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
SLR_PATH = "/aws-service-role/autoscaling.amazonaws.com/"
SLR_NAME = "AWSServiceRoleForAutoScaling"
SLR_POLICY = "arn:aws:iam::aws:policy/aws-service-role/AutoScalingServiceRolePolicy"
IAM_NS = "{https://iam.amazonaws.com/doc/2010-05-08/}"
TASK_ID = re.compile(r"^task/aws-service-role/([^/]+)/([^/]+)/[0-9a-f-]{36}$")
HEADER = ("user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
          "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
          "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
          "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
          "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,"
          "cert_1_last_rotated,cert_2_active,cert_2_last_rotated")
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$")


def trust_of(service):
    return {"Version": "2012-10-17",
            "Statement": [{"Action": ["sts:AssumeRole"], "Effect": "Allow", "Principal": {"Service": [service]}}]}


def protected(name):
    return ("UnmodifiableEntity", 400,
            f"Cannot perform the operation on the protected role '{name}' - this role is only modifiable by AWS")


def cross_account_denied(caller_arn, action, resource):
    return ("AccessDenied", 403,
            f"User: {caller_arn} is not authorized to perform: {action} on resource: {resource} "
            f"because no resource-based policy allows the {action} action")


def write_bootstrap(path: Path) -> Path:
    doc = yaml.safe_load((Path(__file__).parent / "bootstrap.yaml").read_text())
    account_a = next(a for a in doc["accounts"] if a["id"] == ACCOUNT_A)
    account_a["services"].append({"service": "autoscaling.amazonaws.com",
                                  "access_key_id": AUTOSCALING[0], "secret_access_key": AUTOSCALING[1]})
    path.write_text(yaml.safe_dump(doc))
    return path


@pytest.fixture(scope="module")
def own(tmp_path_factory):
    """This module's server."""
    root = tmp_path_factory.mktemp("workloads")
    srv = Server(root / "data", write_bootstrap(root / "bootstrap.yaml")).start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def callers(own):
    """B's three callers: its root, an administrator user and an administrator role session."""
    b = own.iam(ROOT_B)
    b.create_user(UserName="wadmin")
    b.put_user_policy(UserName="wadmin", PolicyName="Admin", PolicyDocument=ALLOW_ALL)
    admin = b.create_access_key(UserName="wadmin")["AccessKey"]
    admin_key = (admin["AccessKeyId"], admin["SecretAccessKey"])
    b.create_role(RoleName="WAdminRole", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": ACCOUNT_B}, "Action": "sts:AssumeRole"}]}))
    b.put_role_policy(RoleName="WAdminRole", PolicyName="Admin", PolicyDocument=ALLOW_ALL)
    time.sleep(0.01)
    session = own.sts(admin_key).assume_role(
        RoleArn=f"arn:aws:iam::{ACCOUNT_B}:role/WAdminRole", RoleSessionName="ws")["Credentials"]
    return {
        "root": (own.iam(ROOT_B), f"arn:aws:iam::{ACCOUNT_B}:root"),
        "admin user": (own.iam(admin_key), f"arn:aws:iam::{ACCOUNT_B}:user/wadmin"),
        "role session": (own.session_client("iam", session), f"arn:aws:sts::{ACCOUNT_B}:assumed-role/WAdminRole/ws"),
    }


@pytest.fixture(scope="module")
def slr(own):
    """A's Auto Scaling service-linked role, created with a description."""
    role = own.iam(ROOT_A).create_service_linked_role(
        AWSServiceName="autoscaling.amazonaws.com", Description="scaling for the tests")["Role"]
    return role


# --- Service-linked roles ----------------------------------------------------------------------


def test_create_service_linked_role_shape(own, slr):
    assert slr["Path"] == SLR_PATH
    assert slr["RoleName"] == SLR_NAME
    assert slr["Arn"] == f"arn:aws:iam::{ACCOUNT_A}:role{SLR_PATH}{SLR_NAME}"
    assert slr["RoleId"].startswith("AROA")
    assert slr["AssumeRolePolicyDocument"] == trust_of("autoscaling.amazonaws.com")
    assert isinstance(slr["CreateDate"], datetime.datetime)
    # AWS's own example passes a description and shows none in the result; the role keeps it.
    assert "Description" not in slr and "MaxSessionDuration" not in slr
    a = own.iam(ROOT_A)
    got = a.get_role(RoleName=SLR_NAME)["Role"]
    assert got["Description"] == "scaling for the tests"
    assert got["MaxSessionDuration"] == 3600
    assert got["RoleLastUsed"] == {}
    assert got["AssumeRolePolicyDocument"] == trust_of("autoscaling.amazonaws.com")
    assert a.list_attached_role_policies(RoleName=SLR_NAME)["AttachedPolicies"] == [
        {"PolicyName": "AutoScalingServiceRolePolicy", "PolicyArn": SLR_POLICY}]
    assert a.list_role_policies(RoleName=SLR_NAME)["PolicyNames"] == []
    listed = [r for r in a.list_roles(PathPrefix="/aws-service-role/")["Roles"]]
    assert [r["RoleName"] for r in listed] == [SLR_NAME]


def test_custom_suffix_and_taken_names(own, slr):
    a = own.iam(ROOT_A)
    suffixed = a.create_service_linked_role(AWSServiceName="autoscaling.amazonaws.com", CustomSuffix="mysuffix")["Role"]
    assert suffixed["RoleName"] == f"{SLR_NAME}_mysuffix"
    assert suffixed["Path"] == SLR_PATH
    taken = "Service role name {} has been taken in this account, please try a different suffix."
    assert error_of(a.create_service_linked_role, AWSServiceName="autoscaling.amazonaws.com") == (
        "InvalidInput", 400, taken.format(SLR_NAME))
    assert error_of(a.create_service_linked_role, AWSServiceName="autoscaling.amazonaws.com",
                    CustomSuffix="MYSUFFIX") == ("InvalidInput", 400, taken.format(f"{SLR_NAME}_MYSUFFIX"))
    # A customer role of the SLR's name takes it too (names are unique case-insensitively).
    a.create_role(RoleName="AWSServiceRoleForAmazonSSM", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": ACCOUNT_A}, "Action": "sts:AssumeRole"}]}))
    assert error_of(a.create_service_linked_role, AWSServiceName="ssm.amazonaws.com") == (
        "InvalidInput", 400, taken.format("AWSServiceRoleForAmazonSSM"))
    assert error_of(a.create_service_linked_role, AWSServiceName="es.amazonaws.com", CustomSuffix="x") == (
        "InvalidInput", 400, "Custom suffix is not allowed for es.amazonaws.com")
    assert a.list_roles(PathPrefix="/aws-service-role/es.amazonaws.com/")["Roles"] == []
    # Unconfirmed texts (AWS's pattern): an unknown service, a suffixed name over 64 characters.
    assert error_of(a.create_service_linked_role, AWSServiceName="nope.amazonaws.com") == (
        "InvalidInput", 400, "Service linked role is not supported for nope.amazonaws.com")
    assert error_of(a.create_service_linked_role, AWSServiceName="AutoScaling.amazonaws.com") == (
        "InvalidInput", 400, "Service linked role is not supported for AutoScaling.amazonaws.com")
    long = "s" * 40
    assert error_of(a.create_service_linked_role, AWSServiceName="autoscaling.amazonaws.com", CustomSuffix=long) == (
        "InvalidInput", 400,
        f"Service role name {SLR_NAME}_{long} exceeds the maximum length of 64 characters.")


def test_create_service_linked_role_validation(own):
    a = own.iam(ROOT_A, validate=False)
    assert error_of(a.create_service_linked_role, AWSServiceName="bad name") == (
        "ValidationError", 400,
        "1 validation error detected: Value at 'aWSServiceName' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [\\w+=,.@-]+")
    code, status, message = error_of(a.create_service_linked_role, AWSServiceName="autoscaling.amazonaws.com",
                                     CustomSuffix="x" * 65)
    assert (code, status) == ("ValidationError", 400)
    assert "at 'customSuffix' failed to satisfy constraint: Member must have length less than or equal to 64" in message
    status, body = own.signed({"Action": "CreateServiceLinkedRole", "Version": "2010-05-08"}, ROOT_A, service="iam")
    assert status == 400
    assert ("1 validation error detected: Value at 'aWSServiceName' failed to satisfy constraint: "
            "Member must not be null") in body


def test_no_customer_call_modifies_a_service_linked_role(own, slr):
    a = own.iam(ROOT_A)
    customer = a.create_policy(PolicyName="WCustomer", PolicyDocument=ALLOW_ALL)["Policy"]["Arn"]
    a.create_instance_profile(InstanceProfileName="WProfile")
    before = a.get_role(RoleName=SLR_NAME)["Role"]
    doc = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})
    trust = json.dumps({"Version": "2012-10-17",
                        "Statement": [{"Effect": "Allow", "Principal": {"AWS": ACCOUNT_A}, "Action": "sts:AssumeRole"}]})
    calls = [
        (a.delete_role, {}),
        (a.put_role_policy, {"PolicyName": "x", "PolicyDocument": doc}),
        (a.delete_role_policy, {"PolicyName": "x"}),
        (a.attach_role_policy, {"PolicyArn": customer}),
        (a.attach_role_policy, {"PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}),
        (a.detach_role_policy, {"PolicyArn": SLR_POLICY}),
        (a.update_assume_role_policy, {"PolicyDocument": trust}),
        (a.put_role_permissions_boundary, {"PermissionsBoundary": customer}),
        (a.delete_role_permissions_boundary, {}),
        (a.update_role, {"MaxSessionDuration": 7200}),
        (a.update_role_description, {"Description": "mine now"}),
    ]
    for call, kwargs in calls:
        assert error_of(call, RoleName=SLR_NAME, **kwargs) == protected(SLR_NAME), call.__name__
    assert error_of(a.add_role_to_instance_profile, InstanceProfileName="WProfile", RoleName=SLR_NAME) == protected(SLR_NAME)
    after = a.get_role(RoleName=SLR_NAME)["Role"]
    assert after == before
    assert a.list_attached_role_policies(RoleName=SLR_NAME)["AttachedPolicies"] == [
        {"PolicyName": "AutoScalingServiceRolePolicy", "PolicyArn": SLR_POLICY}]
    assert a.get_instance_profile(InstanceProfileName="WProfile")["InstanceProfile"]["Roles"] == []
    # Its policy attaches to no customer role.
    a.create_role(RoleName="WCustomerRole", AssumeRolePolicyDocument=trust)
    assert error_of(a.attach_role_policy, RoleName="WCustomerRole", PolicyArn=SLR_POLICY) == (
        "PolicyNotAttachable", 400, "Cannot attach a Service Role Policy to a Customer Role.")
    # CreateRole cannot make one.
    assert error_of(a.create_role, RoleName="Fake", Path=SLR_PATH, AssumeRolePolicyDocument=trust) == (
        "InvalidInput", 400, "Path prefix '/aws-service-role/' can only be used for AWS Service linked Roles")


def test_only_its_service_assumes_a_service_linked_role(own, slr):
    arn = slr["Arn"]
    for key, caller in [(ALICE, f"arn:aws:iam::{ACCOUNT_A}:user/alice"), (EC2, "ec2.amazonaws.com")]:
        assert error_of(own.sts(key).assume_role, RoleArn=arn, RoleSessionName="sess") == (
            "AccessDenied", 403, not_authorized(caller, "sts:AssumeRole", arn))
    code, status, _ = error_of(own.sts(ROOT_A).assume_role, RoleArn=arn, RoleSessionName="sess")
    assert (code, status) == ("AccessDenied", 403)
    session = own.sts(AUTOSCALING).assume_role(RoleArn=arn, RoleSessionName="scaling")
    assert session["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT_A}:assumed-role/{SLR_NAME}/scaling"
    used = own.iam(ROOT_A).get_role(RoleName=SLR_NAME)["Role"]["RoleLastUsed"]
    assert used["Region"] == "us-east-1"


def test_create_service_linked_role_needs_the_permission_and_its_service_name(own):
    a = own.iam(ROOT_A)
    a.create_user(UserName="wslrmaker")
    a.put_user_policy(UserName="wslrmaker", PolicyName="OnlyEs", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "iam:CreateServiceLinkedRole", "Resource": "*",
                       "Condition": {"StringEquals": {"iam:AWSServiceName": "es.amazonaws.com"}}}]}))
    key = a.create_access_key(UserName="wslrmaker")["AccessKey"]
    maker = own.iam((key["AccessKeyId"], key["SecretAccessKey"]))
    made = maker.create_service_linked_role(AWSServiceName="es.amazonaws.com")["Role"]
    assert made["RoleName"] == "AWSServiceRoleForAmazonElasticsearchService"
    target = f"arn:aws:iam::{ACCOUNT_A}:role/aws-service-role/elasticbeanstalk.amazonaws.com/AWSServiceRoleForElasticBeanstalk"
    assert error_of(maker.create_service_linked_role, AWSServiceName="elasticbeanstalk.amazonaws.com") == (
        "AccessDenied", 403, iam_denied(f"arn:aws:iam::{ACCOUNT_A}:user/wslrmaker", "iam:CreateServiceLinkedRole", target))
    assert a.list_roles(PathPrefix="/aws-service-role/elasticbeanstalk.amazonaws.com/")["Roles"] == []


def test_delete_service_linked_role_and_its_status(own):
    a = own.iam(ROOT_A)
    a.create_service_linked_role(AWSServiceName="backup.amazonaws.com")
    task = a.delete_service_linked_role(RoleName="AWSServiceRoleForBackup")["DeletionTaskId"]
    match = TASK_ID.match(task)
    assert match and match.groups() == ("backup.amazonaws.com", "AWSServiceRoleForBackup"), task
    assert error_of(a.get_role, RoleName="AWSServiceRoleForBackup") == (
        "NoSuchEntity", 404, "The role with name AWSServiceRoleForBackup cannot be found.")
    assert a.get_service_linked_role_deletion_status(DeletionTaskId=task)["Status"] == "SUCCEEDED"
    assert "Reason" not in a.get_service_linked_role_deletion_status(DeletionTaskId=task)
    # Done: a second call finds no role; the name is free again.
    assert error_of(a.delete_service_linked_role, RoleName="AWSServiceRoleForBackup") == (
        "NoSuchEntity", 404, "The role with name AWSServiceRoleForBackup cannot be found.")
    again = a.create_service_linked_role(AWSServiceName="backup.amazonaws.com")["Role"]
    assert a.list_attached_role_policies(RoleName=again["RoleName"])["AttachedPolicies"] == [
        {"PolicyName": "AWSBackupServiceLinkedRolePolicyForBackup",
         "PolicyArn": "arn:aws:iam::aws:policy/aws-service-role/AWSBackupServiceLinkedRolePolicyForBackup"}]
    # Not a service-linked role (unconfirmed text): refused, the role stays.
    a.create_role(RoleName="WPlainRole", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": ACCOUNT_A}, "Action": "sts:AssumeRole"}]}))
    assert error_of(a.delete_service_linked_role, RoleName="wplainrole") == (
        "NoSuchEntity", 404, "The role with name WPlainRole is not a service-linked role.")
    assert a.get_role(RoleName="WPlainRole")["Role"]["RoleName"] == "WPlainRole"
    # Unknown and malformed task ids (unconfirmed texts).
    unknown = "task/aws-service-role/backup.amazonaws.com/AWSServiceRoleForBackup/00000000-0000-0000-0000-000000000000"
    assert error_of(a.get_service_linked_role_deletion_status, DeletionTaskId=unknown) == (
        "NoSuchEntity", 404, f"The deletion task with id {unknown} cannot be found.")
    assert error_of(a.get_service_linked_role_deletion_status, DeletionTaskId="garbage") == (
        "InvalidInput", 400, "Invalid deletion task id: garbage")
    # Without the permission.
    alice = own.iam(ALICE)
    assert error_of(alice.delete_service_linked_role, RoleName=again["RoleName"]) == (
        "AccessDenied", 403, iam_denied(f"arn:aws:iam::{ACCOUNT_A}:user/alice", "iam:DeleteServiceLinkedRole",
                                        f"role {again['RoleName']}"))
    assert error_of(alice.get_service_linked_role_deletion_status, DeletionTaskId=task) == (
        "AccessDenied", 403, iam_denied(f"arn:aws:iam::{ACCOUNT_A}:user/alice", "iam:GetServiceLinkedRoleDeletionStatus",
                                        f"arn:aws:iam::{ACCOUNT_A}:role/aws-service-role/backup.amazonaws.com/AWSServiceRoleForBackup"))
    a.delete_service_linked_role(RoleName=again["RoleName"])


@pytest.mark.parametrize("who", ["root", "admin user", "role session"])
def test_another_account_cannot_reach_service_linked_roles(own, slr, callers, who):
    iam, _ = callers[who]
    a = own.iam(ROOT_A)
    a.create_service_linked_role(AWSServiceName="fis.amazonaws.com")
    task = a.delete_service_linked_role(RoleName="AWSServiceRoleForFIS")["DeletionTaskId"]
    before = (a.get_role(RoleName=SLR_NAME)["Role"],
              a.list_attached_role_policies(RoleName=SLR_NAME)["AttachedPolicies"])
    # Names resolve in the caller's own account, task ids are looked up there.
    assert error_of(iam.delete_service_linked_role, RoleName=SLR_NAME) == (
        "NoSuchEntity", 404, f"The role with name {SLR_NAME} cannot be found.")
    assert error_of(iam.get_service_linked_role_deletion_status, DeletionTaskId=task) == (
        "NoSuchEntity", 404, f"The deletion task with id {task} cannot be found.")
    assert error_of(iam.get_role, RoleName=SLR_NAME)[0] == "NoSuchEntity"
    assert (a.get_role(RoleName=SLR_NAME)["Role"],
            a.list_attached_role_policies(RoleName=SLR_NAME)["AttachedPolicies"]) == before
    assert a.get_service_linked_role_deletion_status(DeletionTaskId=task)["Status"] == "SUCCEEDED"


def test_service_linked_roles_through_the_aws_cli(own):
    code, made, _ = own.aws(["iam", "create-service-linked-role", "--aws-service-name", "elasticbeanstalk.amazonaws.com",
                             "--description", "from the CLI"], ROOT_A)
    assert made["Role"]["Arn"] == (f"arn:aws:iam::{ACCOUNT_A}:role/aws-service-role/elasticbeanstalk.amazonaws.com/"
                                   "AWSServiceRoleForElasticBeanstalk")
    code, deleted, _ = own.aws(["iam", "delete-service-linked-role", "--role-name", "AWSServiceRoleForElasticBeanstalk"], ROOT_A)
    code, status, _ = own.aws(["iam", "get-service-linked-role-deletion-status", "--deletion-task-id",
                               deleted["DeletionTaskId"]], ROOT_A)
    assert status == {"Status": "SUCCEEDED"}
    code, _, err = own.aws(["iam", "create-service-linked-role", "--aws-service-name", "es.amazonaws.com",
                            "--custom-suffix", "x"], ROOT_A, check=False)
    assert code != 0
    assert "An error occurred (InvalidInput) when calling the CreateServiceLinkedRole operation: " \
           "Custom suffix is not allowed for es.amazonaws.com" in err


# --- Last used -------------------------------------------------------------------------------------


def new_user_key(own, name):
    a = own.iam(ROOT_A)
    a.create_user(UserName=name)
    a.put_user_policy(UserName=name, PolicyName="ReadIam", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:Get*", "Resource": "*"}]}))
    key = a.create_access_key(UserName=name)["AccessKey"]
    return key["AccessKeyId"], key["SecretAccessKey"]


def test_access_key_last_used(own):
    a = own.iam(ROOT_A)
    key = new_user_key(own, "wkeyuser")
    never = a.get_access_key_last_used(AccessKeyId=key[0])
    assert never["UserName"] == "wkeyuser"
    assert never["AccessKeyLastUsed"] == {"ServiceName": "N/A", "Region": "N/A"}
    started = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    own.sts(key).get_caller_identity()
    # Seen at once, before any flush.
    used = a.get_access_key_last_used(AccessKeyId=key[0])["AccessKeyLastUsed"]
    assert (used["ServiceName"], used["Region"]) == ("sts", "us-east-1")
    assert started - datetime.timedelta(seconds=1) <= used["LastUsedDate"] <= started + datetime.timedelta(seconds=5)
    own.iam(key).get_user()
    used = a.get_access_key_last_used(AccessKeyId=key[0])["AccessKeyLastUsed"]
    assert used["ServiceName"] == "iam"
    # And after the flush (every few seconds), from the store.
    time.sleep(4)
    assert a.get_access_key_last_used(AccessKeyId=key[0])["AccessKeyLastUsed"]["ServiceName"] == "iam"
    # The user may ask about its own key; the root's key has no UserName.
    own_view = own.iam(key).get_access_key_last_used(AccessKeyId=key[0])
    assert own_view["UserName"] == "wkeyuser"
    root = a.get_access_key_last_used(AccessKeyId=ROOT_A[0])
    assert "UserName" not in root
    assert root["AccessKeyLastUsed"]["ServiceName"] == "iam"
    # Unknown key (Rolegate's choice: IAM's access-key text); bad id (model validation).
    assert error_of(a.get_access_key_last_used, AccessKeyId="AKIANOSUCHKEY0000000") == (
        "NoSuchEntity", 404, "The Access Key with id AKIANOSUCHKEY0000000 cannot be found.")
    code, status, message = error_of(own.iam(ROOT_A, validate=False).get_access_key_last_used, AccessKeyId="short")
    assert (code, status) == ("ValidationError", 400)
    assert "at 'accessKeyId' failed to satisfy constraint: Member must have length greater than or equal to 16" in message
    # A user without the permission.
    assert error_of(own.iam(ALICE).get_access_key_last_used, AccessKeyId=key[0]) == (
        "AccessDenied", 403, iam_denied(f"arn:aws:iam::{ACCOUNT_A}:user/alice", "iam:GetAccessKeyLastUsed", "user wkeyuser"))


@pytest.mark.parametrize("who", ["root", "admin user", "role session"])
def test_another_accounts_key_last_use_is_refused(own, callers, who):
    iam, arn = callers[who]
    assert error_of(iam.get_access_key_last_used, AccessKeyId=ALICE[0]) == cross_account_denied(
        arn, "iam:GetAccessKeyLastUsed", f"arn:aws:iam::{ACCOUNT_A}:user/alice")
    assert error_of(iam.get_access_key_last_used, AccessKeyId=ROOT_A[0]) == cross_account_denied(
        arn, "iam:GetAccessKeyLastUsed", f"arn:aws:iam::{ACCOUNT_A}:root")


def test_role_last_used(own):
    a = own.iam(ROOT_A)
    a.create_role(RoleName="WUsedRole", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_A}:user/alice"},
                       "Action": "sts:AssumeRole"}]}))
    assert a.get_role(RoleName="WUsedRole")["Role"]["RoleLastUsed"] == {}
    # ListRoles never carries it.
    assert all("RoleLastUsed" not in r for r in a.list_roles()["Roles"])
    time.sleep(0.01)
    started = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    own.sts(ALICE).assume_role(RoleArn=f"arn:aws:iam::{ACCOUNT_A}:role/WUsedRole", RoleSessionName="wsess")
    used = a.get_role(RoleName="WUsedRole")["Role"]["RoleLastUsed"]
    assert used["Region"] == "us-east-1"
    assert started - datetime.timedelta(seconds=1) <= used["LastUsedDate"] <= started + datetime.timedelta(seconds=5)
    details = a.get_account_authorization_details(Filter=["Role"])["RoleDetailList"]
    assert next(r for r in details if r["RoleName"] == "WUsedRole")["RoleLastUsed"] == used
    # A role recreated under the same name starts unused.
    time.sleep(4)
    a.delete_role(RoleName="WUsedRole")
    a.create_role(RoleName="WUsedRole", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": ACCOUNT_A}, "Action": "sts:AssumeRole"}]}))
    assert a.get_role(RoleName="WUsedRole")["Role"]["RoleLastUsed"] == {}


def test_last_use_survives_a_restart(fresh_server):
    fresh_server.start()
    fresh_server.sts(ALICE).get_caller_identity()
    fresh_server.sts(ALICE).assume_role(RoleArn=f"arn:aws:iam::{ACCOUNT_A}:role/ChainTarget", RoleSessionName="rsess")
    fresh_server.stop()  # well within the flush interval: the shutdown flush writes them
    fresh_server.start()
    a = fresh_server.iam(ROOT_A)
    used = a.get_access_key_last_used(AccessKeyId=ALICE[0])["AccessKeyLastUsed"]
    assert (used["ServiceName"], used["Region"]) == ("sts", "us-east-1")
    assert a.get_role(RoleName="ChainTarget")["Role"]["RoleLastUsed"]["Region"] == "us-east-1"


# --- Credential report ------------------------------------------------------------------------------


def self_signed_pem() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "report")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=30))
            .sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def report_rows(content: bytes):
    text = content.decode()
    assert text.split("\n")[0] == HEADER
    return list(csv.DictReader(io.StringIO(text)))


def test_credential_report(fresh_server):
    srv = fresh_server.start()
    a = srv.iam(ROOT_A)
    assert error_of(a.get_credential_report) == ("ReportNotPresent", 410, None)
    status, body = srv.signed({"Action": "GetCredentialReport", "Version": "2010-05-08"}, ROOT_A, service="iam")
    assert status == 410 and "<Code>ReportNotPresent</Code>" in body and "<Message>" not in body
    # State to report on: alice's key used, a user with an MFA device and an inactive second key.
    srv.sts(ALICE).get_caller_identity()
    a.create_user(UserName="wreport")
    first = a.create_access_key(UserName="wreport")["AccessKey"]["AccessKeyId"]
    second = a.create_access_key(UserName="wreport")["AccessKey"]["AccessKeyId"]
    a.update_access_key(UserName="wreport", AccessKeyId=second, Status="Inactive")
    device = a.create_virtual_mfa_device(VirtualMFADeviceName="wreport-phone")["VirtualMFADevice"]
    seed, now = device["Base32StringSeed"].decode(), time.time()
    a.enable_mfa_device(UserName="wreport", SerialNumber=device["SerialNumber"],
                        AuthenticationCode1=totp(seed, now, -1), AuthenticationCode2=totp(seed, now))
    # A console password under a policy whose passwords last 90 days, and a signing certificate
    # (made inactive) beside the root's own.
    a.update_account_password_policy(MinimumPasswordLength=8, MaxPasswordAge=90)
    a.create_login_profile(UserName="wreport", Password="Report-password-1")
    changed = a.get_login_profile(UserName="wreport")["LoginProfile"]["CreateDate"]
    cert_id = a.upload_signing_certificate(UserName="wreport", CertificateBody=self_signed_pem())[
        "Certificate"]["CertificateId"]
    a.update_signing_certificate(UserName="wreport", CertificateId=cert_id, Status="Inactive")
    a.upload_signing_certificate(CertificateBody=self_signed_pem())

    started = a.generate_credential_report()
    assert (started["State"], started["Description"]) == ("STARTED", "No report exists. Starting a new report generation task")
    again = a.generate_credential_report()
    assert again["State"] == "COMPLETE" and "Description" not in again
    report = a.get_credential_report()
    assert report["ReportFormat"] == "text/csv"
    assert isinstance(report["GeneratedTime"], datetime.datetime)
    assert not report["Content"].endswith(b"\n")
    rows = report_rows(report["Content"])
    root = rows[0]
    assert root["user"] == "<root_account>" and root["arn"] == f"arn:aws:iam::{ACCOUNT_A}:root"
    assert (root["password_enabled"], root["password_last_used"], root["password_last_changed"],
            root["password_next_rotation"]) == ("not_supported", "no_information", "not_supported", "not_supported")
    assert root["access_key_1_active"] == "true" and ISO.match(root["access_key_1_last_rotated"])
    assert (root["access_key_2_active"], root["access_key_2_last_rotated"]) == ("false", "N/A")
    assert root["cert_1_active"] == "true" and ISO.match(root["cert_1_last_rotated"])
    assert (root["cert_2_active"], root["cert_2_last_rotated"]) == ("false", "N/A")
    assert [r["user"] for r in rows[1:]] == sorted((r["user"] for r in rows[1:]), key=str.lower)
    alice = next(r for r in rows if r["user"] == "alice")
    assert alice["arn"] == f"arn:aws:iam::{ACCOUNT_A}:user/alice"
    assert ISO.match(alice["user_creation_time"])
    assert (alice["password_enabled"], alice["password_last_used"], alice["password_last_changed"],
            alice["password_next_rotation"], alice["mfa_active"]) == ("false", "N/A", "N/A", "N/A", "false")
    assert alice["access_key_1_active"] == "true"
    assert ISO.match(alice["access_key_1_last_used_date"])
    assert (alice["access_key_1_last_used_region"], alice["access_key_1_last_used_service"]) == ("us-east-1", "sts")
    assert [alice[c] for c in ("access_key_2_active", "access_key_2_last_rotated", "access_key_2_last_used_date",
                                "access_key_2_last_used_region", "access_key_2_last_used_service")] == [
        "false", "N/A", "N/A", "N/A", "N/A"]
    assert [alice[c] for c in ("cert_1_active", "cert_1_last_rotated", "cert_2_active", "cert_2_last_rotated")] == [
        "false", "N/A", "false", "N/A"]
    mine = next(r for r in rows if r["user"] == "wreport")
    assert mine["mfa_active"] == "true"
    assert [mine[c] for c in ("access_key_1_active", "access_key_1_last_used_date", "access_key_1_last_used_region",
                               "access_key_1_last_used_service")] == ["true", "N/A", "N/A", "N/A"]
    assert mine["access_key_2_active"] == "false" and ISO.match(mine["access_key_2_last_rotated"])
    assert (mine["password_enabled"], mine["password_last_used"]) == ("true", "no_information")
    assert datetime.datetime.fromisoformat(mine["password_last_changed"]) == changed
    assert datetime.datetime.fromisoformat(mine["password_next_rotation"]) == changed + datetime.timedelta(days=90)
    assert mine["cert_1_active"] == "false" and ISO.match(mine["cert_1_last_rotated"])
    assert (mine["cert_2_active"], mine["cert_2_last_rotated"]) == ("false", "N/A")
    # One report per account: B's is its own.
    b = srv.iam(ROOT_B)
    assert error_of(b.get_credential_report) == ("ReportNotPresent", 410, None)
    assert b.generate_credential_report()["State"] == "STARTED"
    b_users = {r["user"] for r in report_rows(b.get_credential_report()["Content"])}
    assert b_users == {"<root_account>", "vendor", "nopolicy", "mallory"}
    # Without the permission.
    for call, action in [(srv.iam(ALICE).generate_credential_report, "iam:GenerateCredentialReport"),
                         (srv.iam(ALICE).get_credential_report, "iam:GetCredentialReport")]:
        assert error_of(call) == ("AccessDenied", 403, iam_denied(f"arn:aws:iam::{ACCOUNT_A}:user/alice", action, "*"))

    # The aws CLI reads the same report.
    code, out, _ = srv.aws(["iam", "get-credential-report"], ROOT_A)
    assert base64.b64decode(out["Content"]) == report["Content"]

    # Four hours on, a new report is generated (STARTED, no description: it is not the first).
    srv.stop()
    offset = 4 * 3600 + 60
    srv.start(extra_env={"ROLEGATE_TEST_CLOCK_OFFSET": str(offset)})
    later = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=offset)
    status, body = srv.signed({"Action": "GenerateCredentialReport", "Version": "2010-05-08"}, ROOT_A,
                              service="iam", when=later)
    result = ET.fromstring(body).find(f"{IAM_NS}GenerateCredentialReportResult")
    assert status == 200
    assert result.find(f"{IAM_NS}State").text == "STARTED" and result.find(f"{IAM_NS}Description") is None
    status, body = srv.signed({"Action": "GetCredentialReport", "Version": "2010-05-08"}, ROOT_A,
                              service="iam", when=later)
    generated = ET.fromstring(body).find(f"{IAM_NS}GetCredentialReportResult/{IAM_NS}GeneratedTime").text
    generated = datetime.datetime.fromisoformat(generated.replace("Z", "+00:00"))
    assert generated - report["GeneratedTime"] >= datetime.timedelta(hours=4)


# --- QR code -------------------------------------------------------------------------------------


def png_size(data: bytes):
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    width, height = struct.unpack(">II", data[16:24])
    assert zlib.crc32(data[12:29]) == struct.unpack(">I", data[29:33])[0]
    return width, height


def qr_text(data: bytes) -> str:
    width, height, pixels, _ = png.Reader(bytes=data).asDirect()
    gray = bytearray()
    for row in pixels:
        gray.extend(0 if value == 0 else 255 for value in row)
    found = zxingcpp.read_barcodes(memoryview(bytes(gray)).cast("B", (height, width)))
    assert len(found) == 1 and found[0].format == zxingcpp.BarcodeFormat.QRCode
    return found[0].text


def test_virtual_mfa_device_qr_code(own):
    alice = own.iam(ALICE)
    device = alice.create_virtual_mfa_device(VirtualMFADeviceName="wqr-phone")["VirtualMFADevice"]
    seed = device["Base32StringSeed"].decode()
    qr = device["QRCodePNG"]
    width, height = png_size(qr)
    assert width == height and width >= 21 * 4
    assert qr_text(qr) == (f"otpauth://totp/Amazon%20Web%20Services:wqr-phone@{ACCOUNT_A}?secret={seed}"
                           f"&issuer=Amazon%20Web%20Services")
    # The seed in the code is the device's: it enables the device.
    secret = urllib.parse.parse_qs(urllib.parse.urlparse(qr_text(qr)).query)["secret"][0]
    now = time.time()
    own.iam(ROOT_A).enable_mfa_device(UserName="alice", SerialNumber=device["SerialNumber"],
                                      AuthenticationCode1=totp(secret, now, -1), AuthenticationCode2=totp(secret, now))
    # Neither seed form reaches the audit log.
    audit = (own.data_dir / "audit.jsonl").read_text()
    assert base64.b64encode(qr).decode() not in audit and seed not in audit
    assert base64.b64encode(seed.encode()).decode() not in audit


def test_qr_code_names_the_account_alias(own, callers):
    b, _ = callers["root"]
    b.create_account_alias(AccountAlias="wvendor-alias")
    device = b.create_virtual_mfa_device(VirtualMFADeviceName="wqr", Path="/team/")["VirtualMFADevice"]
    assert device["SerialNumber"] == f"arn:aws:iam::{ACCOUNT_B}:mfa/team/wqr"
    assert qr_text(device["QRCodePNG"]) == (
        f"otpauth://totp/Amazon%20Web%20Services:wqr@wvendor-alias?secret={device['Base32StringSeed'].decode()}"
        f"&issuer=Amazon%20Web%20Services")


def test_qr_code_through_the_aws_cli(own, tmp_path):
    out = tmp_path / "qr.png"
    code, made, _ = own.aws(["iam", "create-virtual-mfa-device", "--virtual-mfa-device-name", "wcli-phone",
                             "--outfile", str(out), "--bootstrap-method", "QRCodePNG"], ROOT_A)
    assert made["VirtualMFADevice"]["SerialNumber"] == f"arn:aws:iam::{ACCOUNT_A}:mfa/wcli-phone"
    assert qr_text(out.read_bytes()).startswith("otpauth://totp/Amazon%20Web%20Services:wcli-phone@111122223333?secret=")
