"""IAM's rules under concurrency, over the wire: twenty boto3 clients at once against each quota
and delete rule. Exactly the allowed number succeed; the others get AWS's refusal (never a 500),
and what is stored afterwards is what some serial order of the winners would give."""

import json
from concurrent.futures import ThreadPoolExecutor

from botocore.exceptions import ClientError

from conftest import ROOT_A, error_of

RACERS = 20
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


def race(calls):
    """Runs the calls at once; returns each one's result or (code, status)."""
    def attempt(call):
        try:
            return ("ok", call())
        except ClientError as e:
            return (e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"])
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(attempt, calls))


def clients(server, n=RACERS):
    return [server.iam(ROOT_A) for _ in range(n)]


def test_access_key_quota_holds(server):
    iam = server.iam(ROOT_A)
    iam.create_user(UserName="racer-keys")
    results = race([lambda c=c: c.create_access_key(UserName="racer-keys") for c in clients(server)])
    assert sum(r[0] == "ok" for r in results) == 2
    assert all(r == ("LimitExceeded", 409) for r in results if r[0] != "ok")
    assert len(iam.list_access_keys(UserName="racer-keys")["AccessKeyMetadata"]) == 2


def test_inline_policy_total_holds(server):
    iam = server.iam(ROOT_A)
    iam.create_role(RoleName="RacerInline", AssumeRolePolicyDocument=TRUST)
    # Each document is about a quarter of the role's 10,240 characters.
    doc = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::b/{'k' * 2450}"}]})
    results = race([lambda c=c, i=i: c.put_role_policy(RoleName="RacerInline", PolicyName=f"p{i}", PolicyDocument=doc)
                    for i, c in enumerate(clients(server))])
    winners = sum(r[0] == "ok" for r in results)
    assert winners == 4
    assert all(r == ("LimitExceeded", 409) for r in results if r[0] != "ok")
    names = iam.list_role_policies(RoleName="RacerInline")["PolicyNames"]
    total = sum(len("".join(json.dumps(iam.get_role_policy(RoleName="RacerInline", PolicyName=n)["PolicyDocument"]).split()))
                for n in names)
    assert len(names) == 4 and total <= 10_240


def test_delete_user_racing_create_access_key_leaves_no_orphan_key(server):
    iam = server.iam(ROOT_A)
    for round_ in range(5):
        name = f"doomed-{round_}"
        iam.create_user(UserName=name)
        [deleting, creating] = clients(server, 2)
        deleted, created = race([lambda: deleting.delete_user(UserName=name),
                                 lambda: creating.create_access_key(UserName=name)])
        assert (deleted[0] == "ok") != (created[0] == "ok"), (deleted, created)
        if created[0] == "ok":
            assert deleted == ("DeleteConflict", 409)
            key = created[1]["AccessKey"]
            iam.delete_access_key(UserName=name, AccessKeyId=key["AccessKeyId"])
            iam.delete_user(UserName=name)
        else:
            assert created == ("NoSuchEntity", 404)
        # A new user of the same name starts with no keys at all.
        iam.create_user(UserName=name)
        assert iam.list_access_keys(UserName=name)["AccessKeyMetadata"] == []
        iam.delete_user(UserName=name)


def test_delete_role_racing_itself(server):
    iam = server.iam(ROOT_A)
    iam.create_role(RoleName="RacerOnce", AssumeRolePolicyDocument=TRUST)
    results = race([lambda c=c: c.delete_role(RoleName="RacerOnce") for c in clients(server)])
    assert sum(r[0] == "ok" for r in results) == 1
    assert all(r == ("NoSuchEntity", 404) for r in results if r[0] != "ok")


def test_policy_versions_and_group_memberships_hold(server):
    iam = server.iam(ROOT_A)
    arn = iam.create_policy(PolicyName="RacerVersions", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]}))["Policy"]["Arn"]
    doc = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:List*", "Resource": "*"}]})
    results = race([lambda c=c: c.create_policy_version(PolicyArn=arn, PolicyDocument=doc, SetAsDefault=True)
                    for c in clients(server)])
    assert sum(r[0] == "ok" for r in results) == 4
    assert len(iam.list_policy_versions(PolicyArn=arn)["Versions"]) == 5

    iam.create_user(UserName="racer-joiner")
    for i in range(RACERS):
        iam.create_group(GroupName=f"racer-club-{i}")
    results = race([lambda c=c, i=i: c.add_user_to_group(GroupName=f"racer-club-{i}", UserName="racer-joiner")
                    for i, c in enumerate(clients(server))])
    assert sum(r[0] == "ok" for r in results) == 10
    assert all(r == ("LimitExceeded", 409) for r in results if r[0] != "ok")
    assert len(iam.list_groups_for_user(UserName="racer-joiner")["Groups"]) == 10


def test_attach_racing_delete_policy(server):
    iam = server.iam(ROOT_A)
    iam.create_role(RoleName="RacerHolder", AssumeRolePolicyDocument=TRUST)
    for round_ in range(5):
        arn = iam.create_policy(PolicyName=f"RacerTarget{round_}", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]}))["Policy"]["Arn"]
        [attaching, deleting] = clients(server, 2)
        attached, deleted = race([lambda: attaching.attach_role_policy(RoleName="RacerHolder", PolicyArn=arn),
                                  lambda: deleting.delete_policy(PolicyArn=arn)])
        assert (attached[0] == "ok") != (deleted[0] == "ok"), (attached, deleted)
        listed = [p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName="RacerHolder")["AttachedPolicies"]]
        if attached[0] == "ok":
            assert arn in listed and deleted == ("DeleteConflict", 409)
            iam.detach_role_policy(RoleName="RacerHolder", PolicyArn=arn)
            iam.delete_policy(PolicyArn=arn)
        else:
            assert arn not in listed and attached == ("NoSuchEntity", 404)
            assert error_of(iam.get_policy, PolicyArn=arn)[0] == "NoSuchEntity"
