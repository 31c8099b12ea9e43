"""The bootstrap file, a contract (DESIGN.md): JSON as well as YAML, everything it can name, safe
to apply again on every start, and a bad file refused at start with the field named."""

import json
import subprocess

from conftest import Server, binary, free_port

ACCOUNT = "210987654321"
ROOT = ("AKIABOOTROOT00000001", "boot-root-secret")
DEV = ("AKIABOOTDEV000000001", "boot-dev-secret")
EC2 = ("AKIABOOTEC2000000001", "boot-ec2-secret")
ALLOW_ASSUME = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}
READ_ROLES = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:GetRole", "Resource": "*"}]}

BOOTSTRAP = {
    "accounts": [{
        "id": ACCOUNT,
        "name": "boot",
        "organization": "o-boot123456",
        "ou_path": "o-boot123456/r-boot/ou-boot-11111111/",
        "root_keys": [{"access_key_id": ROOT[0], "secret_access_key": ROOT[1]}],
        "policies": [{"name": "ReadRoles", "path": "/boot/", "description": "read roles", "document": READ_ROLES}],
        "users": [{
            "name": "dev", "path": "/eng/", "tags": {"team": "blue"},
            "inline_policies": {"Assume": ALLOW_ASSUME},
            "access_keys": [{"access_key_id": DEV[0], "secret_access_key": DEV[1]}],
        }],
        "roles": [{
            "name": "Deploy", "description": "deploys", "max_session_duration": 7200,
            "trust_policy": {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/eng/dev"},
                 "Action": "sts:AssumeRole"},
                {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
            "tags": {"env": "prod"},
            "attached_policies": [f"arn:aws:iam::{ACCOUNT}:policy/boot/ReadRoles"],
        }],
        "services": [{"service": "ec2.amazonaws.com", "access_key_id": EC2[0], "secret_access_key": EC2[1]}],
    }],
}


def test_a_json_bootstrap_makes_everything_it_names_and_applies_again_unchanged(tmp_path):
    path = tmp_path / "bootstrap.json"
    path.write_text(json.dumps(BOOTSTRAP))
    server = Server(tmp_path / "data", path)

    def check():
        iam = server.iam(ROOT)
        role = iam.get_role(RoleName="Deploy")["Role"]
        assert (role["Description"], role["MaxSessionDuration"]) == ("deploys", 7200)
        assert iam.list_role_tags(RoleName="Deploy")["Tags"] == [{"Key": "env", "Value": "prod"}]
        assert [p["PolicyName"] for p in iam.list_attached_role_policies(RoleName="Deploy")["AttachedPolicies"]] == [
            "ReadRoles"]
        user = iam.get_user(UserName="dev")["User"]
        assert user["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/eng/dev"
        assert iam.list_user_tags(UserName="dev")["Tags"] == [{"Key": "team", "Value": "blue"}]
        assert [k["AccessKeyId"] for k in iam.list_access_keys(UserName="dev")["AccessKeyMetadata"]] == [DEV[0]]
        assert iam.list_user_policies(UserName="dev")["PolicyNames"] == ["Assume"]
        # The user, and the service identity, may assume the role; the session reads roles.
        for key, session in ((DEV, "dev"), (EC2, "i-0abc")):
            creds = server.sts(key).assume_role(RoleArn=role["Arn"], RoleSessionName=session)["Credentials"]
            assert server.session_client("iam", creds).get_role(RoleName="Deploy")["Role"]["RoleId"] == role["RoleId"]
        return role["RoleId"], user["UserId"]

    server.start()
    try:
        first = check()
    finally:
        server.stop()
    # Applied again on the next start: nothing is made twice, nothing is replaced.
    server.start()
    try:
        assert check() == first
    finally:
        server.stop()


def refusal(tmp_path, text, name):
    path = tmp_path / name
    path.write_text(text)
    done = subprocess.run(
        [binary(), "serve", "--listen", f"127.0.0.1:{free_port()}", "--data-dir", str(tmp_path / name) + ".data",
         "--bootstrap", str(path)],
        capture_output=True, text=True, timeout=30)
    assert done.returncode != 0, done.stderr
    return done.stderr.strip()


def test_a_bad_bootstrap_file_is_refused_at_start_naming_what_is_wrong(tmp_path):
    account = {"id": "123", "name": "x", "root_keys": [{"access_key_id": ROOT[0], "secret_access_key": ROOT[1]}]}
    assert refusal(tmp_path, json.dumps({"accounts": [account]}), "short-id.json").endswith(
        "bootstrap: account 123: the id must be 12 digits")

    misspelt = refusal(tmp_path, 'accounts:\n  - id: "111122223333"\n    nme: a\n', "misspelt.yaml")
    assert "accounts[0]: unknown field `nme`" in misspelt and "misspelt.yaml" in misspelt

    ghost = f"arn:aws:iam::{ACCOUNT}:user/ghost"
    role = {"name": "R", "trust_policy": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": ghost}, "Action": "sts:AssumeRole"}]}}
    text = json.dumps({"accounts": [dict(account, id=ACCOUNT, roles=[role])]})
    assert refusal(tmp_path, text, "ghost.json").endswith(
        f'bootstrap: account {ACCOUNT}: CreateRole R: MalformedPolicyDocument (400): '
        f'Invalid principal in policy: "AWS":"{ghost}"')
