"""The README's first command (`serve --dev`) and its aws CLI walkthrough, run as written: the
walkthrough's commands are read from README.md, so it cannot drift from what the server does."""

import json
import os
import re
import shlex
import shutil
import subprocess
import time
import urllib.request

import boto3
from botocore.config import Config

from conftest import REPO, Server, binary, free_port

SECTION = "## The seeds' scenario against the server, with the aws CLI"


def walkthrough_commands():
    """The README section's first `sh` block after 'In another shell', one command per entry."""
    text = (REPO / "README.md").read_text()
    section = text[text.index(SECTION):]
    block = re.search(r"In another shell:\s*```sh\n(.*?)```", section, re.S).group(1)
    joined = re.sub(r"\\\n\s*", " ", block)
    commands = (shlex.split(line, comments=True) for line in joined.splitlines())
    return [command for command in commands if command]


def test_the_readme_walkthrough_works_as_written(tmp_path):
    server = Server(tmp_path / "data", REPO / "examples" / "two-accounts.yaml").start()
    try:
        env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
        env.update(HOME=str(tmp_path), AWS_CONFIG_FILE=str(tmp_path / "config"),
                   AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "credentials"))
        aws = shutil.which("aws") or "aws"

        def run(args, check=True):
            done = subprocess.run([aws, "--output", "json"] + args, env=env, cwd=REPO,
                                  capture_output=True, text=True, timeout=60)
            assert done.returncode == 0 or not check, f"aws {' '.join(args)}: {done.stderr}"
            return done

        outputs = []
        for command in walkthrough_commands():
            if command[0] == "export":
                env.update(assignment.split("=", 1) for assignment in command[1:])
                # The walkthrough's port is the default one; this server has its own.
                env["AWS_ENDPOINT_URL"] = server.url
                continue
            assert command[0] == "aws", command
            outputs.append((command, run(command[1:]).stdout))
            if "create-access-key" in command and command[-1] == "developer":
                # "configure it as profile developer", as the comment on that line says.
                key = json.loads(outputs[-1][1])["AccessKey"]
                run(["configure", "set", "aws_access_key_id", key["AccessKeyId"], "--profile", "developer"])
                run(["configure", "set", "aws_secret_access_key", key["SecretAccessKey"], "--profile", "developer"])

        command, assumed = outputs[-1]
        assert command[1:4] == ["--profile", "developer", "sts"] and "assume-role" in command
        assumed = json.loads(assumed)
        role_user = assumed["AssumedRoleUser"]
        assert role_user["Arn"] == "arn:aws:sts::111122223333:assumed-role/S3AccessRole/DevToS3"
        assert role_user["AssumedRoleId"].startswith("AROA") and role_user["AssumedRoleId"].endswith(":DevToS3")
        assert assumed["Credentials"]["AccessKeyId"].startswith("ASIA")

        # What the prose after the block says of those credentials.
        creds = assumed["Credentials"]
        env.update(AWS_ACCESS_KEY_ID=creds["AccessKeyId"], AWS_SECRET_ACCESS_KEY=creds["SecretAccessKey"],
                   AWS_SESSION_TOKEN=creds["SessionToken"])
        me = json.loads(run(["sts", "get-caller-identity"]).stdout)
        assert me["Arn"] == role_user["Arn"]
        refused = run(["iam", "list-roles"], check=False)
        assert refused.returncode != 0
        assert "AccessDenied" in refused.stderr and "is not authorized to perform: iam:ListRoles" in refused.stderr
        audit = (tmp_path / "data" / "audit.jsonl").read_text().splitlines()
        assert any(json.loads(line)["eventName"] == "AssumeRole" for line in audit)
    finally:
        server.stop()


def test_serve_dev_makes_a_ready_account_in_the_default_data_dir(tmp_path):
    """`serve --dev`, as the README's first command runs it: no bootstrap, no --data-dir."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"

    def start():
        process = subprocess.Popen([binary(), "serve", "--dev", "--listen", f"127.0.0.1:{port}"], cwd=tmp_path,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url + "/health", timeout=1):
                    return process
            except OSError:
                assert process.poll() is None, process.stdout.read()
                time.sleep(0.05)
        raise AssertionError("serve --dev did not become healthy")

    def stop(process):
        process.terminate()
        return process.communicate(timeout=10)[0]

    def client(service, key=("test", "test")):
        return boto3.client(service, endpoint_url=url, region_name="us-east-1", aws_access_key_id=key[0],
                            aws_secret_access_key=key[1], config=Config(retries={"max_attempts": 1}))

    process = start()
    try:
        me = client("sts").get_caller_identity()
        assert (me["Account"], me["Arn"]) == ("000000000000", "arn:aws:iam::000000000000:user/admin")
        root = client("sts", ("root", "root")).get_caller_identity()
        assert root["Arn"] == "arn:aws:iam::000000000000:root"
        # A newcomer's first assume-role works: the dev key is an administrator user's.
        client("iam").create_role(RoleName="First", AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"AWS": "000000000000"}, "Action": "sts:AssumeRole"}]}))
        assumed = client("sts").assume_role(RoleArn="arn:aws:iam::000000000000:role/First", RoleSessionName="me")
        assert assumed["AssumedRoleUser"]["Arn"] == "arn:aws:sts::000000000000:assumed-role/First/me"
        client("iam").create_user(UserName="kept")
    finally:
        printed = stop(process)
    assert "000000000000" in printed and "test / secret test" in printed and "root access key root" in printed
    assert (tmp_path / "rolegate-data").is_dir()
    # Started again on the same directory, --dev leaves what is there as it was.
    process = start()
    try:
        assert client("iam").get_user(UserName="kept")["User"]["Arn"] == "arn:aws:iam::000000000000:user/kept"
    finally:
        stop(process)
