"""IAM through boto3: every action family, AWS's exact errors, and who may call what."""

import json
import urllib.parse

import pytest

from conftest import ACCOUNT_A, ACCOUNT_B, ALICE, ROOT_A, ROOT_B, VENDOR, error_of, iam_denied, not_authorized

TRUST_B = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_B}:root"}, "Action": "sts:AssumeRole"}],
}
ALLOW_ALL_GET = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:Get*", "Resource": "*"}]}


@pytest.fixture()
def iam(server):
    return server.iam(ROOT_A)


def trust(principal, action="sts:AssumeRole"):
    return json.dumps({"Version": "2012-10-17",
                       "Statement": [{"Effect": "Allow", "Principal": principal, "Action": action}]})


def test_role_lifecycle_and_shapes(iam):
    created = iam.create_role(RoleName="Deploy", Path="/app/", AssumeRolePolicyDocument=json.dumps(TRUST_B),
                              Description="deployer", MaxSessionDuration=7200, Tags=[{"Key": "env", "Value": ""}])["Role"]
    assert created["Arn"] == f"arn:aws:iam::{ACCOUNT_A}:role/app/Deploy"
    assert created["RoleId"].startswith("AROA") and len(created["RoleId"]) == 21
    # botocore URL-decodes policy documents: they come back as the JSON we sent.
    assert created["AssumeRolePolicyDocument"] == TRUST_B
    assert "MaxSessionDuration" not in created
    got = iam.get_role(RoleName="deploy")["Role"]
    assert (got["RoleName"], got["MaxSessionDuration"], got["Description"]) == ("Deploy", 7200, "deployer")
    assert got["Tags"] == [{"Key": "env", "Value": ""}]
    listed = [r for r in iam.list_roles(PathPrefix="/app/")["Roles"]]
    assert [r["RoleName"] for r in listed] == ["Deploy"] and "Tags" not in listed[0]
    iam.update_role(RoleName="Deploy", MaxSessionDuration=3600)
    assert iam.get_role(RoleName="Deploy")["Role"]["Description"] == "deployer"
    assert iam.update_role_description(RoleName="Deploy", Description="d2")["Role"]["Description"] == "d2"
    iam.tag_role(RoleName="Deploy", Tags=[{"Key": "team", "Value": "blue"}])
    iam.untag_role(RoleName="Deploy", TagKeys=["env"])
    assert iam.list_role_tags(RoleName="Deploy")["Tags"] == [{"Key": "team", "Value": "blue"}]
    iam.delete_role(RoleName="Deploy")
    assert error_of(iam.get_role, RoleName="Deploy") == (
        "NoSuchEntity", 404, "The role with name Deploy cannot be found.")


def test_role_errors(iam):
    iam.create_role(RoleName="Dup", AssumeRolePolicyDocument=json.dumps(TRUST_B))
    assert error_of(iam.create_role, RoleName="DUP", AssumeRolePolicyDocument=json.dumps(TRUST_B)) == (
        "EntityAlreadyExists", 409, "Role with name DUP already exists.")
    for call in (iam.get_role, iam.delete_role, iam.list_role_tags):
        assert error_of(call, RoleName="test-nonexistent-role") == (
            "NoSuchEntity", 404, "The role with name test-nonexistent-role cannot be found.")


def test_trust_policy_validation(iam):
    bad = [
        ("not json", "This policy contains invalid Json"),
        (trust({"AWS": f"arn:aws:iam::{ACCOUNT_B}:root"}, "sts:InvalidAction"),
         "AssumeRole policy may only specify STS AssumeRole actions."),
        (json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"},
                                                             "Action": "sts:AssumeRole", "Resource": "*"}]}),
         "Has prohibited field Resource"),
        (trust({"AWS": f"arn:aws:iam::{ACCOUNT_A}:role/NonExistent"}),
         f'Invalid principal in policy: "AWS":"arn:aws:iam::{ACCOUNT_A}:role/NonExistent"'),
        (trust({"AWS": f"arn:aws:iam::{ACCOUNT_B}:user/ghost"}),
         f'Invalid principal in policy: "AWS":"arn:aws:iam::{ACCOUNT_B}:user/ghost"'),
    ]
    for document, message in bad:
        assert error_of(iam.create_role, RoleName="Bad", AssumeRolePolicyDocument=document) == (
            "MalformedPolicyDocument", 400, message), document
    # Wildcards inside principal ARNs are refused, in user and in session ARNs alike.
    for wildcard in (f"arn:aws:iam::{ACCOUNT_B}:user/*", f"arn:aws:sts::{ACCOUNT_A}:assumed-role/VendorAccess/*"):
        assert error_of(iam.create_role, RoleName="Bad", AssumeRolePolicyDocument=trust({"AWS": wildcard})) == (
            "MalformedPolicyDocument", 400, f'Invalid principal in policy: "AWS":"{wildcard}"'), wildcard
    not_principal = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "NotPrincipal": {"AWS": ACCOUNT_B}, "Action": "sts:AssumeRole"}]})
    assert error_of(iam.create_role, RoleName="Bad", AssumeRolePolicyDocument=not_principal)[:2] == (
        "MalformedPolicyDocument", 400)
    # Accepted: one session by its ARN, and every action of the assume family.
    session = trust({"AWS": f"arn:aws:sts::{ACCOUNT_A}:assumed-role/VendorAccess/s1"},
                    ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity", "sts:SetContext"])
    iam.create_role(RoleName="OneSession", AssumeRolePolicyDocument=session)
    iam.create_role(RoleName="Good", AssumeRolePolicyDocument=json.dumps(TRUST_B))
    assert error_of(iam.update_assume_role_policy, RoleName="Good", PolicyDocument="not json") == (
        "MalformedPolicyDocument", 400, "This policy contains invalid Json")


def test_recreated_user_is_not_trusted(server, iam):
    iam_b = server.iam(ROOT_B)
    iam_b.create_user(UserName="contractor")
    iam_b.put_user_policy(UserName="contractor", PolicyName="assume", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}))
    key = iam_b.create_access_key(UserName="contractor")["AccessKey"]
    user_arn = f"arn:aws:iam::{ACCOUNT_B}:user/contractor"
    iam.create_role(RoleName="ContractorRole", AssumeRolePolicyDocument=trust({"AWS": user_arn}))
    role_arn = f"arn:aws:iam::{ACCOUNT_A}:role/ContractorRole"
    creds = (key["AccessKeyId"], key["SecretAccessKey"])
    assert server.sts(creds).assume_role(RoleArn=role_arn, RoleSessionName="c1")["Credentials"]
    # GetRole still shows the policy as written.
    assert iam.get_role(RoleName="ContractorRole")["Role"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"AWS": user_arn}

    iam_b.delete_access_key(UserName="contractor", AccessKeyId=key["AccessKeyId"])
    iam_b.delete_user_policy(UserName="contractor", PolicyName="assume")
    iam_b.delete_user(UserName="contractor")
    iam_b.create_user(UserName="contractor")
    iam_b.put_user_policy(UserName="contractor", PolicyName="assume", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}))
    key = iam_b.create_access_key(UserName="contractor")["AccessKey"]
    creds = (key["AccessKeyId"], key["SecretAccessKey"])
    assert error_of(server.sts(creds).assume_role, RoleArn=role_arn, RoleSessionName="c2") == (
        "AccessDenied", 403, not_authorized(user_arn, "sts:AssumeRole", role_arn))


def test_delete_conflicts(iam):
    iam.create_role(RoleName="Busy", AssumeRolePolicyDocument=json.dumps(TRUST_B))
    arn = iam.create_policy(PolicyName="BusyPolicy", PolicyDocument=json.dumps(ALLOW_ALL_GET))["Policy"]["Arn"]
    iam.attach_role_policy(RoleName="Busy", PolicyArn=arn)
    assert error_of(iam.delete_role, RoleName="Busy") == (
        "DeleteConflict", 409, "Cannot delete entity, must detach all policies first.")
    assert error_of(iam.delete_policy, PolicyArn=arn) == (
        "DeleteConflict", 409, "Cannot delete a policy attached to entities.")
    iam.detach_role_policy(RoleName="Busy", PolicyArn=arn)
    assert error_of(iam.detach_role_policy, RoleName="Busy", PolicyArn=arn) == (
        "NoSuchEntity", 404, f"Policy {arn} was not found.")
    iam.put_role_policy(RoleName="Busy", PolicyName="inline", PolicyDocument=json.dumps(ALLOW_ALL_GET))
    assert error_of(iam.delete_role, RoleName="Busy") == (
        "DeleteConflict", 409, "Cannot delete entity, must delete policies first.")
    got = iam.get_role_policy(RoleName="Busy", PolicyName="inline")
    assert got["PolicyDocument"] == ALLOW_ALL_GET
    assert iam.list_role_policies(RoleName="Busy")["PolicyNames"] == ["inline"]
    iam.delete_role_policy(RoleName="Busy", PolicyName="inline")
    assert error_of(iam.get_role_policy, RoleName="Busy", PolicyName="inline") == (
        "NoSuchEntity", 404, "The role policy with name inline cannot be found.")
    iam.delete_role(RoleName="Busy")
    iam.delete_policy(PolicyArn=arn)


def test_attach_errors(iam):
    iam.create_role(RoleName="Attach", AssumeRolePolicyDocument=json.dumps(TRUST_B))
    missing = f"arn:aws:iam::{ACCOUNT_A}:policy/nonexistent-policy"
    assert error_of(iam.attach_role_policy, RoleName="Attach", PolicyArn=missing) == (
        "NoSuchEntity", 404, f"Policy {missing} does not exist or is not attachable.")
    assert error_of(iam.attach_role_policy, RoleName="Attach", PolicyArn="longpolicynamebutnoarn") == (
        "ValidationError", 400, "ARN longpolicynamebutnoarn is not valid.")


def test_managed_policy_versions(iam):
    policy = iam.create_policy(PolicyName="Versioned", Path="/team/", PolicyDocument=json.dumps(ALLOW_ALL_GET))["Policy"]
    arn = policy["Arn"]
    assert arn == f"arn:aws:iam::{ACCOUNT_A}:policy/team/Versioned"
    assert policy["PolicyId"].startswith("ANPA") and policy["DefaultVersionId"] == "v1"
    assert error_of(iam.create_policy, PolicyName="versioned", PolicyDocument=json.dumps(ALLOW_ALL_GET)) == (
        "EntityAlreadyExists", 409, "A policy called versioned already exists. Duplicate names are not allowed.")
    for _ in range(4):
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(ALLOW_ALL_GET))
    assert error_of(iam.create_policy_version, PolicyArn=arn, PolicyDocument=json.dumps(ALLOW_ALL_GET)) == (
        "LimitExceeded", 409,
        "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.")
    versions = iam.list_policy_versions(PolicyArn=arn)["Versions"]
    assert [v["VersionId"] for v in versions] == ["v5", "v4", "v3", "v2", "v1"]
    assert error_of(iam.delete_policy_version, PolicyArn=arn, VersionId="v1") == (
        "DeleteConflict", 409, "Cannot delete the default version of a policy.")
    assert error_of(iam.get_policy_version, PolicyArn=arn, VersionId="v9") == (
        "NoSuchEntity", 404, f"Policy {arn} version v9 does not exist or is not attachable.")
    iam.set_default_policy_version(PolicyArn=arn, VersionId="v3")
    assert iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"] == "v3"
    assert iam.get_policy_version(PolicyArn=arn, VersionId="v3")["PolicyVersion"]["Document"] == ALLOW_ALL_GET
    assert error_of(iam.delete_policy, PolicyArn=arn)[:2] == ("DeleteConflict", 409)
    for version in ("v1", "v2", "v4", "v5"):
        iam.delete_policy_version(PolicyArn=arn, VersionId=version)
    iam.delete_policy(PolicyArn=arn)
    for call in (iam.get_policy, iam.delete_policy, iam.list_policy_versions):
        assert error_of(call, PolicyArn=arn) == ("NoSuchEntity", 404, f"Policy {arn} was not found.")


def test_malformed_identity_policies(iam):
    iam.create_user(UserName="malformed")
    with_principal = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:*", "Resource": "*"}]}
    assert error_of(iam.put_user_policy, UserName="malformed", PolicyName="p",
                    PolicyDocument=json.dumps(with_principal)) == (
        "MalformedPolicyDocument", 400, "Policy document should not specify a principal.")


def test_users_and_access_keys(server, iam):
    user = iam.create_user(UserName="bob", Path="/eng/", Tags=[{"Key": "team", "Value": "red"}])["User"]
    assert user["Arn"] == f"arn:aws:iam::{ACCOUNT_A}:user/eng/bob" and user["UserId"].startswith("AIDA")
    assert error_of(iam.create_user, UserName="BOB") == ("EntityAlreadyExists", 409, "User with name BOB already exists.")
    assert error_of(iam.get_user, UserName="nobody") == ("NoSuchEntity", 404, "The user with name nobody cannot be found.")
    k1 = iam.create_access_key(UserName="bob")["AccessKey"]
    iam.create_access_key(UserName="bob")
    assert error_of(iam.create_access_key, UserName="bob") == (
        "LimitExceeded", 409, "Cannot exceed quota for AccessKeysPerUser: 2")
    assert len(iam.list_access_keys(UserName="bob")["AccessKeyMetadata"]) == 2
    bob = (k1["AccessKeyId"], k1["SecretAccessKey"])
    assert server.sts(bob).get_caller_identity()["Arn"] == f"arn:aws:iam::{ACCOUNT_A}:user/eng/bob"
    # Without policies bob may do nothing in IAM.
    code, status, message = error_of(server.iam(bob).create_role, RoleName="x", AssumeRolePolicyDocument=json.dumps(TRUST_B))
    assert (code, status, message) == ("AccessDenied", 403, iam_denied(
        f"arn:aws:iam::{ACCOUNT_A}:user/eng/bob", "iam:CreateRole", f"arn:aws:iam::{ACCOUNT_A}:role/x"))
    iam.update_access_key(UserName="bob", AccessKeyId=k1["AccessKeyId"], Status="Inactive")
    assert error_of(server.sts(bob).get_caller_identity) == (
        "InvalidClientTokenId", 403, "The security token included in the request is invalid.")
    assert error_of(iam.delete_user, UserName="bob") == (
        "DeleteConflict", 409, "Cannot delete entity, must delete access keys first.")
    assert error_of(iam.delete_access_key, UserName="bob", AccessKeyId="AKIAIOSFODNN7EXAMPLE") == (
        "NoSuchEntity", 404, "The Access Key with id AKIAIOSFODNN7EXAMPLE cannot be found.")
    iam.tag_user(UserName="bob", Tags=[{"Key": "TEAM", "Value": "blue"}])
    assert iam.list_user_tags(UserName="bob")["Tags"] == [{"Key": "TEAM", "Value": "blue"}]
    assert error_of(iam.tag_user, UserName="bob", Tags=[{"Key": "a", "Value": "1"}, {"Key": "A", "Value": "2"}]) == (
        "InvalidInput", 400, "Duplicate tag keys found. Please note that Tag keys are case insensitive.")
    iam.update_user(UserName="bob", NewUserName="robert")
    assert iam.get_user(UserName="robert")["User"]["Arn"] == f"arn:aws:iam::{ACCOUNT_A}:user/eng/robert"


def test_identity_policy_grants_iam_actions(server, iam):
    iam.create_user(UserName="reader")
    iam.put_user_policy(UserName="reader", PolicyName="get", PolicyDocument=json.dumps(ALLOW_ALL_GET))
    key = iam.create_access_key(UserName="reader")["AccessKey"]
    reader = server.iam((key["AccessKeyId"], key["SecretAccessKey"]))
    assert reader.get_role(RoleName="VendorAccess")["Role"]["RoleName"] == "VendorAccess"
    assert error_of(reader.delete_role, RoleName="VendorAccess")[:2] == ("AccessDenied", 403)
    assert iam.list_user_policies(UserName="reader")["PolicyNames"] == ["get"]


def test_attached_managed_policy_grants(server, iam):
    iam.create_user(UserName="attached")
    arn = f"arn:aws:iam::{ACCOUNT_A}:policy/ReadRoles"
    iam.attach_user_policy(UserName="attached", PolicyArn=arn)
    assert iam.list_attached_user_policies(UserName="attached")["AttachedPolicies"] == [
        {"PolicyName": "ReadRoles", "PolicyArn": arn}]
    key = iam.create_access_key(UserName="attached")["AccessKey"]
    assert server.iam((key["AccessKeyId"], key["SecretAccessKey"])).list_roles()["Roles"]
    assert iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"] >= 2


def test_listings_and_detaching(server, iam):
    iam.create_user(UserName="lister", Path="/listing/")
    iam.put_user_policy(UserName="lister", PolicyName="get", PolicyDocument=json.dumps(ALLOW_ALL_GET))
    # boto3 decodes the URL-encoded document back into the policy.
    got = iam.get_user_policy(UserName="lister", PolicyName="get")
    assert (got["UserName"], got["PolicyName"], got["PolicyDocument"]) == ("lister", "get", ALLOW_ALL_GET)
    assert [u["UserName"] for u in iam.list_users(PathPrefix="/listing/")["Users"]] == ["lister"]

    arn = iam.create_policy(PolicyName="ListedLocal", Path="/listing/",
                            PolicyDocument=json.dumps(ALLOW_ALL_GET))["Policy"]["Arn"]
    local = {p["PolicyName"] for p in iam.list_policies(Scope="Local", PathPrefix="/listing/")["Policies"]}
    assert local == {"ListedLocal"}
    assert iam.list_policies(Scope="Local", PathPrefix="/listing/", OnlyAttached=True)["Policies"] == []

    iam.create_role(RoleName="Listed", AssumeRolePolicyDocument=json.dumps(TRUST_B))
    iam.attach_role_policy(RoleName="Listed", PolicyArn=arn)
    assert iam.list_attached_role_policies(RoleName="Listed")["AttachedPolicies"] == [
        {"PolicyName": "ListedLocal", "PolicyArn": arn}]
    attached = iam.list_policies(Scope="Local", PathPrefix="/listing/", OnlyAttached=True)["Policies"]
    assert [(p["PolicyName"], p["AttachmentCount"]) for p in attached] == [("ListedLocal", 1)]

    # A detached policy stops granting at once.
    iam.create_user(UserName="detached")
    iam.attach_user_policy(UserName="detached", PolicyArn=arn)
    key = iam.create_access_key(UserName="detached")["AccessKey"]
    detached = server.iam((key["AccessKeyId"], key["SecretAccessKey"]))
    assert detached.get_role(RoleName="Listed")["Role"]["RoleName"] == "Listed"
    iam.detach_user_policy(UserName="detached", PolicyArn=arn)
    assert iam.list_attached_user_policies(UserName="detached")["AttachedPolicies"] == []
    assert error_of(detached.get_role, RoleName="Listed")[:2] == ("AccessDenied", 403)
    assert error_of(iam.detach_user_policy, UserName="detached", PolicyArn=arn) == (
        "NoSuchEntity", 404, f"Policy {arn} was not found.")


def test_size_and_tag_limits_and_reference_errors(server):
    iam = server.iam(ROOT_A, validate=False)
    # Quotas, with AWS's texts.
    many_ids = {"StringEquals": {"sts:ExternalId": [f"{'x' * 40}{i}" for i in range(60)]}}
    big_trust = {"Version": "2012-10-17", "Statement": [dict(TRUST_B["Statement"][0], Condition=many_ids)]}
    assert error_of(iam.create_role, RoleName="BigTrust", AssumeRolePolicyDocument=json.dumps(big_trust)) == (
        "LimitExceeded", 409, "Cannot exceed quota for ACLSizePerRole: 2048")

    def allow(count):
        return json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": [f"iam:GetRole{i}" for i in range(count)], "Resource": "*"}]})

    assert error_of(iam.create_policy, PolicyName="BigManaged", PolicyDocument=allow(500)) == (
        "LimitExceeded", 409, "Cannot exceed quota for PolicySize: 6144")
    iam.create_role(RoleName="Limits", AssumeRolePolicyDocument=json.dumps(TRUST_B))
    iam.put_role_policy(RoleName="Limits", PolicyName="p1", PolicyDocument=allow(300))
    iam.put_role_policy(RoleName="Limits", PolicyName="p2", PolicyDocument=allow(300))
    assert error_of(iam.put_role_policy, RoleName="Limits", PolicyName="p3", PolicyDocument=allow(300)) == (
        "LimitExceeded", 409, "Maximum policy size of 10240 bytes exceeded for role Limits")
    assert iam.list_role_policies(RoleName="Limits")["PolicyNames"] == ["p1", "p2"]

    # Tags.
    too_many = [{"Key": f"k{i}", "Value": "v"} for i in range(51)]
    cases = [
        (iam.tag_role, dict(Tags=too_many), "Value at 'tags' failed to satisfy constraint: "
         "Member must have length less than or equal to 50"),
        (iam.tag_role, dict(Tags=[{"Key": "k" * 129, "Value": "v"}]), "Value at 'tags.1.member.key' failed to "
         "satisfy constraint: Member must have length less than or equal to 128"),
        (iam.tag_role, dict(Tags=[{"Key": "k", "Value": "v" * 257}]), "Value at 'tags.1.member.value' failed to "
         "satisfy constraint: Member must have length less than or equal to 256"),
        (iam.untag_role, dict(TagKeys=["k" * 129]), "Value at 'tagKeys' failed to satisfy constraint: Member must "
         "satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater "
         "than or equal to 1, Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+, "
         "Member must not be null]"),
    ]
    for call, kwargs, message in cases:
        assert error_of(call, RoleName="Limits", **kwargs) == (
            "ValidationError", 400, f"1 validation error detected: {message}"), kwargs
    assert iam.list_role_tags(RoleName="Limits")["Tags"] == []

    # References to what does not exist, or is not an ARN.
    assert error_of(iam.create_role, RoleName="Bounded2", AssumeRolePolicyDocument=json.dumps(TRUST_B),
                    PermissionsBoundary=f"arn:aws:iam::{ACCOUNT_A}:policy/nonexistent-policy") == (
        "NoSuchEntity", 404,
        f"Scope ARN: arn:aws:iam::{ACCOUNT_A}:policy/nonexistent-policy does not exist or is not attachable.")
    assert error_of(iam.create_role, RoleName="Bounded2", AssumeRolePolicyDocument=json.dumps(TRUST_B),
                    PermissionsBoundary=f"arn:aws:iam::{ACCOUNT_A}:not_a_policy/invalid") == (
        "InvalidInput", 400, f"ARN arn:aws:iam::{ACCOUNT_A}:not_a_policy/invalid is not valid.")
    assert error_of(iam.attach_role_policy, RoleName="Limits", PolicyArn="longpolicynamebutnoarn") == (
        "ValidationError", 400, "ARN longpolicynamebutnoarn is not valid.")
    assert error_of(iam.get_role_policy, RoleName="Limits", PolicyName="nope") == (
        "NoSuchEntity", 404, "The role policy with name nope cannot be found.")


def test_policy_documents_are_url_encoded_on_the_wire(server):
    status, body = server.signed({"Action": "GetRole", "Version": "2010-05-08", "RoleName": "VendorAccess"},
                                 ROOT_A, service="iam")
    assert status == 200
    start = body.index("<AssumeRolePolicyDocument>") + len("<AssumeRolePolicyDocument>")
    encoded = body[start:body.index("</AssumeRolePolicyDocument>")]
    assert "%7B" in encoded and "{" not in encoded
    assert json.loads(urllib.parse.unquote(encoded))["Statement"][0]["Action"] == "sts:AssumeRole"


def test_iam_validation_error_wording(server):
    iam = server.iam(ROOT_A, validate=False)
    code, status, message = error_of(iam.create_role, RoleName="x" * 65, AssumeRolePolicyDocument=json.dumps(TRUST_B))
    assert (code, status) == ("ValidationError", 400)
    assert message == ("1 validation error detected: Value at 'roleName' failed to satisfy constraint: "
                       "Member must have length less than or equal to 64")
    tags = [{"Key": f"k{i}", "Value": "v"} for i in range(51)]
    assert error_of(iam.create_role, RoleName="t", AssumeRolePolicyDocument=json.dumps(TRUST_B), Tags=tags) == (
        "ValidationError", 400,
        "1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50")
