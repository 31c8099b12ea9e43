"""IAM groups through boto3 and the aws CLI: lifecycle and shapes, members, the group's policies
reaching its members' decisions, delete rules, quotas, pagination and AWS's texts."""

import json

import pytest

from conftest import ACCOUNT_A, ROOT_A, error_of, iam_denied

READ_ROLES = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:GetRole", "Resource": "*"}]}


@pytest.fixture()
def iam(server):
    return server.iam(ROOT_A)


def user_with_key(iam, name):
    iam.create_user(UserName=name)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return key["AccessKeyId"], key["SecretAccessKey"]


def test_group_lifecycle_and_shapes(server, iam):
    created = iam.create_group(GroupName="Devs", Path="/eng/")["Group"]
    assert set(created) == {"Path", "GroupName", "GroupId", "Arn", "CreateDate"}
    assert created["Arn"] == f"arn:aws:iam::{ACCOUNT_A}:group/eng/Devs"
    assert created["GroupId"].startswith("AGPA") and len(created["GroupId"]) == 21
    assert error_of(iam.create_group, GroupName="devs") == (
        "EntityAlreadyExists", 409, "Group with name devs already exists.")
    iam.create_user(UserName="gina", Path="/eng/")
    iam.add_user_to_group(GroupName="devs", UserName="gina")
    iam.add_user_to_group(GroupName="Devs", UserName="GINA")  # already a member: no error
    got = iam.get_group(GroupName="Devs")
    assert got["Group"]["GroupName"] == "Devs"
    assert [u["UserName"] for u in got["Users"]] == ["gina"]
    assert "PermissionsBoundary" not in got["Users"][0] and got["IsTruncated"] is False
    assert [g["GroupName"] for g in iam.list_groups_for_user(UserName="gina")["Groups"]] == ["Devs"]
    assert [g["GroupName"] for g in iam.list_groups(PathPrefix="/eng/")["Groups"]] == ["Devs"]
    iam.update_group(GroupName="Devs", NewGroupName="Builders", NewPath="/build/")
    assert error_of(iam.get_group, GroupName="Devs") == (
        "NoSuchEntity", 404, "The group with name Devs cannot be found.")
    renamed = iam.get_group(GroupName="builders")
    assert renamed["Group"]["Arn"] == f"arn:aws:iam::{ACCOUNT_A}:group/build/Builders"
    assert [u["UserName"] for u in renamed["Users"]] == ["gina"], "members follow a rename"

    # Delete rules, in turn: members, inline policies, attached policies.
    assert error_of(iam.delete_group, GroupName="Builders") == (
        "DeleteConflict", 409, "Cannot delete entity, must remove users from group first.")
    assert error_of(iam.delete_user, UserName="gina") == (
        "DeleteConflict", 409, "Cannot delete entity, must remove users from group first.")
    iam.remove_user_from_group(GroupName="Builders", UserName="gina")
    iam.remove_user_from_group(GroupName="Builders", UserName="gina")  # not a member: no error
    iam.put_group_policy(GroupName="Builders", PolicyName="inline", PolicyDocument=json.dumps(READ_ROLES))
    assert error_of(iam.delete_group, GroupName="Builders") == (
        "DeleteConflict", 409, "Cannot delete entity, must delete policies first.")
    iam.delete_group_policy(GroupName="Builders", PolicyName="inline")
    arn = iam.create_policy(PolicyName="BuildersManaged", PolicyDocument=json.dumps(READ_ROLES))["Policy"]["Arn"]
    iam.attach_group_policy(GroupName="Builders", PolicyArn=arn)
    assert error_of(iam.delete_group, GroupName="Builders") == (
        "DeleteConflict", 409, "Cannot delete entity, must detach all policies first.")
    iam.detach_group_policy(GroupName="Builders", PolicyArn=arn)
    iam.delete_group(GroupName="Builders")
    iam.delete_user(UserName="gina")
    iam.delete_policy(PolicyArn=arn)


def test_group_errors(iam):
    missing = ("NoSuchEntity", 404, "The group with name nogroup cannot be found.")
    for call in (iam.get_group, iam.delete_group, iam.list_group_policies, iam.list_attached_group_policies):
        assert error_of(call, GroupName="nogroup") == missing, call
    assert error_of(iam.add_user_to_group, GroupName="nogroup", UserName="x") == missing
    iam.create_group(GroupName="Lonely")
    assert error_of(iam.add_user_to_group, GroupName="Lonely", UserName="ghost") == (
        "NoSuchEntity", 404, "The user with name ghost cannot be found.")
    assert error_of(iam.get_group_policy, GroupName="Lonely", PolicyName="none") == (
        "NoSuchEntity", 404, "The group policy with name none cannot be found.")
    assert error_of(iam.create_group, GroupName="bad/name")[:2] == ("ValidationError", 400)
    assert error_of(iam.create_group, GroupName="x", Path="no-slashes") == (
        "ValidationError", 400,
        "The specified value for path is invalid. It must begin and end with / and contain only "
        "alphanumeric characters and/or / characters.")
    # A group's inline policies total 5,120 characters at most.
    big = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::bucket/{'k' * 2400}"}]}
    iam.put_group_policy(GroupName="Lonely", PolicyName="one", PolicyDocument=json.dumps(big))
    iam.put_group_policy(GroupName="Lonely", PolicyName="two", PolicyDocument=json.dumps(big))
    assert error_of(iam.put_group_policy, GroupName="Lonely", PolicyName="three", PolicyDocument=json.dumps(big)) == (
        "LimitExceeded", 409, "Maximum policy size of 5120 bytes exceeded for group Lonely")
    assert iam.list_group_policies(GroupName="Lonely")["PolicyNames"] == ["one", "two"]
    for name in ("one", "two"):
        iam.delete_group_policy(GroupName="Lonely", PolicyName=name)
    iam.delete_group(GroupName="Lonely")


def test_a_groups_policies_reach_its_members(server, iam):
    creds = user_with_key(iam, "member")
    member = server.iam(creds)
    arn = f"arn:aws:iam::{ACCOUNT_A}:role/VendorAccess"
    denied = error_of(member.get_role, RoleName="VendorAccess")
    assert denied == ("AccessDenied", 403, iam_denied(
        f"arn:aws:iam::{ACCOUNT_A}:user/member", "iam:GetRole", "role VendorAccess"))
    iam.create_group(GroupName="Readers")
    iam.put_group_policy(GroupName="Readers", PolicyName="read", PolicyDocument=json.dumps(READ_ROLES))
    iam.add_user_to_group(GroupName="Readers", UserName="member")
    assert member.get_role(RoleName="VendorAccess")["Role"]["Arn"] == arn
    # Leaving the group takes the permission with it at once.
    iam.remove_user_from_group(GroupName="Readers", UserName="member")
    assert error_of(member.get_role, RoleName="VendorAccess")[0] == "AccessDenied"
    # A managed policy attached to the group works the same way, and an explicit deny in any
    # group wins.
    managed = iam.create_policy(PolicyName="ReadersManaged", PolicyDocument=json.dumps(READ_ROLES))["Policy"]["Arn"]
    iam.attach_group_policy(GroupName="Readers", PolicyArn=managed)
    iam.add_user_to_group(GroupName="Readers", UserName="member")
    assert member.get_role(RoleName="VendorAccess")["Role"]["RoleName"] == "VendorAccess"
    iam.create_group(GroupName="Deniers")
    iam.put_group_policy(GroupName="Deniers", PolicyName="deny", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "iam:*", "Resource": "*"}]}))
    iam.add_user_to_group(GroupName="Deniers", UserName="member")
    assert error_of(member.get_role, RoleName="VendorAccess") == ("AccessDenied", 403, iam_denied(
        f"arn:aws:iam::{ACCOUNT_A}:user/member", "iam:GetRole", "role VendorAccess",
        explicit="an identity-based policy"))
    listed = iam.list_attached_group_policies(GroupName="Readers")["AttachedPolicies"]
    assert listed == [{"PolicyName": "ReadersManaged", "PolicyArn": managed}]
    entities = iam.list_entities_for_policy(PolicyArn=managed)
    assert [g["GroupName"] for g in entities["PolicyGroups"]] == ["Readers"]
    assert entities["PolicyUsers"] == [] and entities["PolicyRoles"] == []


def test_groups_per_user_and_pagination(server, iam):
    iam.create_user(UserName="joiner")
    for i in range(10):
        iam.create_group(GroupName=f"club{i:02}")
        iam.add_user_to_group(GroupName=f"club{i:02}", UserName="joiner")
    iam.create_group(GroupName="club10")
    assert error_of(iam.add_user_to_group, GroupName="club10", UserName="joiner") == (
        "LimitExceeded", 409, "Cannot exceed quota for GroupsPerUser: 10")
    # Pages of three, marker after marker, cover the listing exactly once.
    names, marker = [], None
    while True:
        page = iam.list_groups(PathPrefix="/", MaxItems=3, **({"Marker": marker} if marker else {}))
        names += [g["GroupName"] for g in page["Groups"]]
        assert len(page["Groups"]) <= 3
        if not page["IsTruncated"]:
            assert "Marker" not in page
            break
        marker = page["Marker"]
    assert names == [g["GroupName"] for g in iam.list_groups()["Groups"]]
    assert len(names) == len(set(names)) and {f"club{i:02}" for i in range(11)} <= set(names)
    assert error_of(iam.list_groups, Marker="not-a-marker-we-issued") == ("ValidationError", 400, "Invalid Marker.")
    # The aws CLI pages through by itself.
    code, out, _ = server.aws(["iam", "list-groups-for-user", "--user-name", "joiner", "--max-items", "4"], ROOT_A)
    assert code == 0 and len(out["Groups"]) == 4 and "NextToken" in out
