"""Instance profiles and permissions boundaries set after creation, through boto3 and the aws CLI."""

import json

import pytest

from conftest import ACCOUNT_A, ROOT_A, error_of, iam_denied

EC2_TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
ALLOW_S3 = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})


@pytest.fixture()
def iam(server):
    return server.iam(ROOT_A)


def test_profile_lifecycle_and_shapes(server, iam):
    created = iam.create_instance_profile(InstanceProfileName="Web", Path="/app/",
                                          Tags=[{"Key": "tier", "Value": "web"}])["InstanceProfile"]
    assert created["Arn"] == f"arn:aws:iam::{ACCOUNT_A}:instance-profile/app/Web"
    assert created["InstanceProfileId"].startswith("AIPA") and created["Roles"] == []
    assert created["Tags"] == [{"Key": "tier", "Value": "web"}]
    assert error_of(iam.create_instance_profile, InstanceProfileName="web") == (
        "EntityAlreadyExists", 409, "Instance Profile web already exists.")
    iam.create_role(RoleName="WebRole", AssumeRolePolicyDocument=EC2_TRUST)
    iam.add_role_to_instance_profile(InstanceProfileName="Web", RoleName="WebRole")
    got = iam.get_instance_profile(InstanceProfileName="WEB")["InstanceProfile"]
    [role] = got["Roles"]
    assert role["RoleName"] == "WebRole" and role["AssumeRolePolicyDocument"] == json.loads(EC2_TRUST)
    assert "MaxSessionDuration" not in role
    # One role per profile, whatever it is.
    iam.create_role(RoleName="OtherRole", AssumeRolePolicyDocument=EC2_TRUST)
    for again in ("WebRole", "OtherRole"):
        assert error_of(iam.add_role_to_instance_profile, InstanceProfileName="Web", RoleName=again) == (
            "LimitExceeded", 409, "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1")
    listed = iam.list_instance_profiles(PathPrefix="/app/")["InstanceProfiles"]
    assert [p["InstanceProfileName"] for p in listed] == ["Web"] and "Tags" not in listed[0]
    for_role = iam.list_instance_profiles_for_role(RoleName="WebRole")["InstanceProfiles"]
    assert [p["InstanceProfileName"] for p in for_role] == ["Web"]
    assert iam.list_instance_profile_tags(InstanceProfileName="Web")["Tags"] == [{"Key": "tier", "Value": "web"}]
    iam.untag_instance_profile(InstanceProfileName="Web", TagKeys=["tier"])
    assert iam.list_instance_profile_tags(InstanceProfileName="Web")["Tags"] == []

    # The account's inventory shows the profile under its role.
    details = iam.get_account_authorization_details(Filter=["Role"])["RoleDetailList"]
    [detail] = [d for d in details if d["RoleName"] == "WebRole"]
    assert [p["InstanceProfileName"] for p in detail["InstanceProfileList"]] == ["Web"]

    assert error_of(iam.delete_role, RoleName="WebRole") == (
        "DeleteConflict", 409, "Cannot delete entity, must remove roles from instance profile first.")
    assert error_of(iam.delete_instance_profile, InstanceProfileName="Web") == (
        "DeleteConflict", 409, "Cannot delete entity, must remove roles from instance profile first.")
    iam.remove_role_from_instance_profile(InstanceProfileName="Web", RoleName="WebRole")
    iam.delete_instance_profile(InstanceProfileName="Web")
    assert error_of(iam.get_instance_profile, InstanceProfileName="Web") == (
        "NoSuchEntity", 404, "Instance Profile Web cannot be found.")
    for name in ("WebRole", "OtherRole"):
        iam.delete_role(RoleName=name)


def test_adding_a_role_to_a_profile_passes_it(server, iam):
    """AddRoleToInstanceProfile needs iam:PassRole on the role as well."""
    iam.create_instance_profile(InstanceProfileName="Passing")
    iam.create_role(RoleName="Passed", AssumeRolePolicyDocument=EC2_TRUST)
    iam.create_user(UserName="profiler")
    iam.put_user_policy(UserName="profiler", PolicyName="p", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "iam:AddRoleToInstanceProfile", "Resource": "*"}]}))
    key = iam.create_access_key(UserName="profiler")["AccessKey"]
    profiler = server.iam((key["AccessKeyId"], key["SecretAccessKey"]))
    user_arn = f"arn:aws:iam::{ACCOUNT_A}:user/profiler"
    assert error_of(profiler.add_role_to_instance_profile, InstanceProfileName="Passing", RoleName="Passed") == (
        "AccessDenied", 403, iam_denied(user_arn, "iam:PassRole", "role Passed"))
    iam.put_user_policy(UserName="profiler", PolicyName="pass", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": f"arn:aws:iam::{ACCOUNT_A}:role/Passed"}]}))
    profiler.add_role_to_instance_profile(InstanceProfileName="Passing", RoleName="Passed")
    assert iam.get_instance_profile(InstanceProfileName="Passing")["InstanceProfile"]["Roles"][0]["RoleName"] == "Passed"


def test_boundaries_after_creation(server, iam):
    boundary = iam.create_policy(PolicyName="OnlyS3", PolicyDocument=ALLOW_S3)["Policy"]["Arn"]
    iam.create_user(UserName="bounded")
    iam.put_user_permissions_boundary(UserName="bounded", PermissionsBoundary=boundary)
    assert iam.get_user(UserName="bounded")["User"]["PermissionsBoundary"] == {
        "PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": boundary}
    assert "PermissionsBoundary" not in [u for u in iam.list_users()["Users"] if u["UserName"] == "bounded"][0]
    policy = iam.get_policy(PolicyArn=boundary)["Policy"]
    assert (policy["PermissionsBoundaryUsageCount"], policy["AttachmentCount"]) == (1, 0)
    # A boundary in use cannot be deleted (it would stop bounding).
    assert error_of(iam.delete_policy, PolicyArn=boundary) == (
        "DeleteConflict", 409, "Cannot delete a policy attached to entities.")
    entities = iam.list_entities_for_policy(PolicyArn=boundary, PolicyUsageFilter="PermissionsBoundary")
    assert [u["UserName"] for u in entities["PolicyUsers"]] == ["bounded"]
    assert iam.list_entities_for_policy(PolicyArn=boundary, PolicyUsageFilter="PermissionsPolicy")["PolicyUsers"] == []
    # The boundary bounds: even an Allow-all identity policy reaches only S3.
    iam.put_user_policy(UserName="bounded", PolicyName="all", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
    key = iam.create_access_key(UserName="bounded")["AccessKey"]
    bounded = server.iam((key["AccessKeyId"], key["SecretAccessKey"]))
    assert error_of(bounded.list_roles) == ("AccessDenied", 403,
        f"User: arn:aws:iam::{ACCOUNT_A}:user/bounded is not authorized to perform: iam:ListRoles on resource: "
        f"arn:aws:iam::{ACCOUNT_A}:role/ because no permissions boundary allows the iam:ListRoles action")
    iam.delete_user_permissions_boundary(UserName="bounded")
    assert "PermissionsBoundary" not in iam.get_user(UserName="bounded")["User"]
    assert bounded.list_roles()["Roles"]

    # Roles the same way, and an AWS-managed boundary.
    iam.create_role(RoleName="BoundedRole", AssumeRolePolicyDocument=EC2_TRUST)
    iam.put_role_permissions_boundary(RoleName="BoundedRole",
                                      PermissionsBoundary="arn:aws:iam::aws:policy/ReadOnlyAccess")
    assert iam.get_role(RoleName="BoundedRole")["Role"]["PermissionsBoundary"]["PermissionsBoundaryArn"] == \
        "arn:aws:iam::aws:policy/ReadOnlyAccess"
    iam.delete_role_permissions_boundary(RoleName="BoundedRole")
    # The texts of a bad boundary.
    missing = f"arn:aws:iam::{ACCOUNT_A}:policy/NoSuchBoundary"
    assert error_of(iam.put_role_permissions_boundary, RoleName="BoundedRole", PermissionsBoundary=missing) == (
        "NoSuchEntity", 404, f"Scope ARN: {missing} does not exist or is not attachable.")
    assert error_of(iam.put_user_permissions_boundary, UserName="bounded",
                    PermissionsBoundary="arn:aws:iam::aws:policy/NoSuchAwsPolicy") == (
        "NoSuchEntity", 404, "Scope ARN: arn:aws:iam::aws:policy/NoSuchAwsPolicy does not exist or is not attachable.")
    not_policy = f"arn:aws:iam::{ACCOUNT_A}:role/BoundedRole"
    assert error_of(iam.put_user_permissions_boundary, UserName="bounded", PermissionsBoundary=not_policy) == (
        "InvalidInput", 400, f"ARN {not_policy} is not valid.")
    assert error_of(iam.put_user_permissions_boundary, UserName="ghost", PermissionsBoundary=boundary) == (
        "NoSuchEntity", 404, "The user with name ghost cannot be found.")
    code, _, _ = server.aws(["iam", "put-role-permissions-boundary", "--role-name", "BoundedRole",
                             "--permissions-boundary", boundary], ROOT_A)
    assert code == 0
    assert iam.get_policy(PolicyArn=boundary)["Policy"]["PermissionsBoundaryUsageCount"] == 1
