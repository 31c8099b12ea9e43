"""IAM GetAccountAuthorizationDetails (aws CLI and boto3: shapes, decoded documents, MaxItems and
Marker pages, Filter, errors) and `rolegate lint --endpoint`, which reads the same inventory from
the server and must report what `lint --inventory DIR` reports for the CLI's export."""

import json
import os
import subprocess
from pathlib import Path

import pytest

from conftest import ACCOUNT_A, ACCOUNT_B, NOPOLICY, ROOT_B, Server, binary, error_of, free_port, iam_denied

BOOTSTRAP = Path(__file__).parent / "bootstrap.yaml"
SHARED_EXTERNAL_ID = "shared-vendor-id-7"


def doc(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def trust(principal, condition=None):
    statement = {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
    if condition:
        statement["Condition"] = condition
    return doc(statement)


PARTNER_TRUST = trust({"AWS": f"arn:aws:iam::{ACCOUNT_A}:root"}, {"StringEquals": {"sts:ExternalId": SHARED_EXTERNAL_ID}})
READ_S3 = doc({"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "*"})
READ_S3_V2 = doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data/*"})
INLINE = doc({"Effect": "Deny", "Action": "iam:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}})


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    """A server of this module's own, so the account holds exactly what the tests create."""
    server = Server(tmp_path_factory.mktemp("inventory") / "data", BOOTSTRAP).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def account(srv):
    """Account B (the bootstrap gives it three users and nothing else) with roles and a policy:
    two roles sharing an ExternalId (TP012) and two roles trusting each other (TP038)."""
    iam = srv.iam(ROOT_B)
    policy_arn = iam.create_policy(PolicyName="ReadS3", Path="/data/", PolicyDocument=json.dumps(READ_S3),
                                   Description="read the data bucket")["Policy"]["Arn"]
    iam.create_policy_version(PolicyArn=policy_arn, PolicyDocument=json.dumps(READ_S3_V2), SetAsDefault=True)
    for name in ("PartnerOne", "PartnerTwo"):
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(PARTNER_TRUST),
                        Tags=[{"Key": "vendor", "Value": "acme co: +=@"}])
    iam.attach_role_policy(RoleName="PartnerOne", PolicyArn=policy_arn)
    iam.put_role_policy(RoleName="PartnerOne", PolicyName="NoPlainHttp", PolicyDocument=json.dumps(INLINE))
    ping_arn = f"arn:aws:iam::{ACCOUNT_B}:role/loop/Ping"
    pong_arn = f"arn:aws:iam::{ACCOUNT_B}:role/loop/Pong"
    iam.create_role(RoleName="Ping", Path="/loop/", AssumeRolePolicyDocument=json.dumps(trust({"AWS": ACCOUNT_B})),
                    PermissionsBoundary=policy_arn)
    iam.create_role(RoleName="Pong", Path="/loop/", AssumeRolePolicyDocument=json.dumps(trust({"AWS": ping_arn})))
    iam.update_assume_role_policy(RoleName="Ping", PolicyDocument=json.dumps(trust({"AWS": pong_arn})))
    iam.attach_user_policy(UserName="vendor", PolicyArn=policy_arn)
    iam.tag_user(UserName="vendor", Tags=[{"Key": "team", "Value": "integrations"}])
    return {
        "policy_arn": policy_arn,
        "roles": {"PartnerOne", "PartnerTwo", "Ping", "Pong"},
        "users": {"vendor", "nopolicy", "mallory"},
        "trusts": {"PartnerOne": PARTNER_TRUST, "PartnerTwo": PARTNER_TRUST,
                   "Ping": trust({"AWS": pong_arn}), "Pong": trust({"AWS": ping_arn})},
    }


def by_name(items, key):
    return {item[key]: item for item in items}


def test_cli_export_has_every_entity_with_decoded_documents(srv, account):
    _, out, _ = srv.aws(["iam", "get-account-authorization-details"], ROOT_B)
    users = by_name(out["UserDetailList"], "UserName")
    roles = by_name(out["RoleDetailList"], "RoleName")
    assert set(users) == account["users"]
    assert set(roles) == account["roles"]
    assert out["GroupDetailList"] == []

    vendor = users["vendor"]
    assert vendor["Arn"] == f"arn:aws:iam::{ACCOUNT_B}:user/vendor"
    assert vendor["UserId"].startswith("AIDA")
    assert vendor["UserPolicyList"] == [{
        "PolicyName": "AssumeIntoA",
        "PolicyDocument": doc({"Effect": "Allow", "Action": ["sts:AssumeRole", "sts:TagSession"],
                               "Resource": f"arn:aws:iam::{ACCOUNT_A}:role/*"}),
    }]
    assert vendor["AttachedManagedPolicies"] == [{"PolicyName": "ReadS3", "PolicyArn": account["policy_arn"]}]
    assert vendor["Tags"] == [{"Key": "team", "Value": "integrations"}]
    assert vendor["GroupList"] == []
    assert users["nopolicy"]["UserPolicyList"] == [] and "Tags" not in users["nopolicy"]

    for name, role in roles.items():
        assert role["AssumeRolePolicyDocument"] == account["trusts"][name], name
        assert role["RoleId"].startswith("AROA")
        assert role["InstanceProfileList"] == []
    one = roles["PartnerOne"]
    assert one["RolePolicyList"] == [{"PolicyName": "NoPlainHttp", "PolicyDocument": INLINE}]
    assert one["AttachedManagedPolicies"] == [{"PolicyName": "ReadS3", "PolicyArn": account["policy_arn"]}]
    assert one["Tags"] == [{"Key": "vendor", "Value": "acme co: +=@"}]
    assert roles["Ping"]["Arn"] == f"arn:aws:iam::{ACCOUNT_B}:role/loop/Ping"
    assert roles["Ping"]["PermissionsBoundary"] == {
        "PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": account["policy_arn"]}
    assert "PermissionsBoundary" not in roles["Pong"]

    [policy] = out["Policies"]
    assert policy["Arn"] == account["policy_arn"] and policy["Path"] == "/data/"
    assert policy["PolicyId"].startswith("ANPA")
    assert policy["DefaultVersionId"] == "v2"
    assert policy["AttachmentCount"] == 2 and policy["IsAttachable"] is True
    assert policy["Description"] == "read the data bucket"
    versions = by_name(policy["PolicyVersionList"], "VersionId")
    assert versions["v1"]["Document"] == READ_S3 and versions["v1"]["IsDefaultVersion"] is False
    assert versions["v2"]["Document"] == READ_S3_V2 and versions["v2"]["IsDefaultVersion"] is True


def test_documents_are_url_encoded_on_the_wire(srv, account):
    status, xml = srv.signed({"Action": "GetAccountAuthorizationDetails", "Version": "2010-05-08",
                              "Filter.member.1": "Role", "MaxItems": "1"}, ROOT_B, service="iam")
    assert status == 200
    assert "<AssumeRolePolicyDocument>%7B%22Version%22%3A%20%222012-10-17%22" in xml
    assert '{"' not in xml
    # A truncated page carries an opaque marker for the next one.
    assert "<IsTruncated>true</IsTruncated>" in xml and "<Marker>" in xml


def entity_names(page):
    return ([("User", u["UserName"]) for u in page["UserDetailList"]]
            + [("Role", r["RoleName"]) for r in page["RoleDetailList"]]
            + [("Policy", p["PolicyName"]) for p in page["Policies"]])


def test_max_items_pages_across_all_lists(srv, account):
    iam = srv.iam(ROOT_B)
    whole = iam.get_account_authorization_details()
    assert whole["IsTruncated"] is False and "Marker" not in whole
    everything = entity_names(whole)
    assert len(everything) == len(account["users"]) + len(account["roles"]) + 1

    first = iam.get_account_authorization_details(MaxItems=1)
    assert first["IsTruncated"] is True and first["Marker"]
    assert entity_names(first) == everything[:1]

    seen, marker, pages = [], None, 0
    while True:
        page = iam.get_account_authorization_details(MaxItems=3, **({"Marker": marker} if marker else {}))
        pages += 1
        assert len(entity_names(page)) <= 3
        seen += entity_names(page)
        if not page["IsTruncated"]:
            break
        marker = page["Marker"]
    assert seen == everything
    assert pages == -(-len(everything) // 3)

    # botocore's paginator follows the markers too.
    paginator = iam.get_paginator("get_account_authorization_details")
    merged = paginator.paginate(PaginationConfig={"PageSize": 2}).build_full_result()
    assert entity_names(merged) == everything


def test_filter_selects_entity_types(srv, account):
    iam = srv.iam(ROOT_B)
    roles_only = iam.get_account_authorization_details(Filter=["Role"])
    assert {r["RoleName"] for r in roles_only["RoleDetailList"]} == account["roles"]
    assert roles_only["UserDetailList"] == [] and roles_only["Policies"] == []

    policies = iam.get_account_authorization_details(Filter=["LocalManagedPolicy", "User"])
    assert [p["Arn"] for p in policies["Policies"]] == [account["policy_arn"]]
    assert {u["UserName"] for u in policies["UserDetailList"]} == account["users"]
    assert policies["RoleDetailList"] == []

    # No groups and no AWS managed policies in Rolegate.
    empty = iam.get_account_authorization_details(Filter=["Group", "AWSManagedPolicy"])
    assert entity_names(empty) == [] and empty["IsTruncated"] is False

    _, cli, _ = srv.aws(["iam", "get-account-authorization-details", "--filter", "User"], ROOT_B)
    assert {u["UserName"] for u in cli["UserDetailList"]} == account["users"]
    assert cli["RoleDetailList"] == []


def test_bad_parameters_and_callers_are_refused(srv, account):
    raw = srv.iam(ROOT_B, validate=False)
    assert error_of(raw.get_account_authorization_details, MaxItems=0) == (
        "ValidationError", 400,
        "1 validation error detected: Value at 'maxItems' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1")
    assert error_of(raw.get_account_authorization_details, MaxItems=1001) == (
        "ValidationError", 400,
        "1 validation error detected: Value at 'maxItems' failed to satisfy constraint: "
        "Member must have value less than or equal to 1000")
    code, status, message = error_of(raw.get_account_authorization_details, Filter=["Role", "Bucket"])
    assert (code, status) == ("ValidationError", 400)
    assert "at 'filter' failed to satisfy constraint" in message and "enum value set" in message

    nopolicy = srv.iam(NOPOLICY)
    assert error_of(nopolicy.get_account_authorization_details) == (
        "AccessDenied", 403,
        iam_denied(f"arn:aws:iam::{ACCOUNT_B}:user/nopolicy", "iam:GetAccountAuthorizationDetails", "*"))


def lint(args, key=None, extra_env=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    if key:
        env.update(AWS_ACCESS_KEY_ID=key[0], AWS_SECRET_ACCESS_KEY=key[1], AWS_DEFAULT_REGION="us-east-1")
    env.update(extra_env or {})
    return subprocess.run([binary(), "lint", *args], env=env, capture_output=True, text=True, timeout=120)


def test_lint_endpoint_matches_lint_inventory_of_the_cli_export(srv, account, tmp_path):
    live = lint(["--endpoint", srv.url, "--json", "--fail-on", "Critical"], ROOT_B)
    assert live.returncode == 0, live.stderr
    findings = json.loads(live.stdout)["findings"]

    reused = [f for f in findings if f["id"] == "TP012" and "reused by 2 roles" in f["message"]]
    assert sorted(f["source"] for f in reused) == [f"arn:aws:iam::{ACCOUNT_B}:role/PartnerOne",
                                                   f"arn:aws:iam::{ACCOUNT_B}:role/PartnerTwo"]
    assert all(f"'{SHARED_EXTERNAL_ID}'" in f["message"] for f in reused)
    cycles = [f for f in findings if f["id"] == "TP038"]
    assert len(cycles) == 1
    assert "role/loop/Ping" in cycles[0]["message"] and "role/loop/Pong" in cycles[0]["message"]

    _, export, _ = srv.aws(["iam", "get-account-authorization-details"], ROOT_B)
    directory = tmp_path / "inventory"
    directory.mkdir()
    (directory / f"{ACCOUNT_B}.json").write_text(json.dumps(export))
    offline = lint(["--inventory", str(directory), "--json", "--fail-on", "Critical"])
    assert offline.returncode == 0, offline.stderr
    assert json.loads(offline.stdout)["findings"] == findings

    # --fail-on applies as for files: TP012 is Medium.
    assert lint(["--endpoint", srv.url, "--fail-on", "Medium"], ROOT_B).returncode == 1


def test_lint_endpoint_errors_exit_2_with_the_aws_code(srv, account):
    denied = lint(["--endpoint", srv.url], NOPOLICY)
    assert denied.returncode == 2
    assert "AccessDenied" in denied.stderr and "iam:GetAccountAuthorizationDetails" in denied.stderr

    wrong_secret = lint(["--endpoint", srv.url], (ROOT_B[0], "not-the-secret"))
    assert wrong_secret.returncode == 2 and "SignatureDoesNotMatch" in wrong_secret.stderr

    refused = lint(["--endpoint", f"http://127.0.0.1:{free_port()}"], ROOT_B)
    assert refused.returncode == 2 and refused.stderr.startswith("rolegate: ")

    no_keys = lint(["--endpoint", srv.url])
    assert no_keys.returncode == 2 and "AWS_ACCESS_KEY_ID" in no_keys.stderr

    https = lint(["--endpoint", srv.url.replace("http:", "https:")], ROOT_B)
    assert https.returncode == 2 and "https is not supported" in https.stderr
