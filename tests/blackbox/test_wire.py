"""The wire: SigV4 failures (wrong secret, unknown key, incomplete header, outside the clock
window, expired presigned URL), tokens (tampered, expired), unknown actions, presigned GET, the
audit log, and a restart that keeps state and sessions."""

import base64
import datetime
import json
import socket
import time
import urllib.error
import urllib.request

import pytest
from pathlib import Path

from conftest import ACCOUNT_A, ROOT_A, VENDOR, Server, error_of

ROLE = f"arn:aws:iam::{ACCOUNT_A}:role/VendorAccess"
IDENTITY = {"Action": "GetCallerIdentity", "Version": "2011-06-15"}


def error_parts(body):
    def tag(name):
        start = body.index(f"<{name}>") + len(name) + 2
        return body[start:body.index(f"</{name}>")]
    return tag("Code"), tag("Message")


def session(server):
    return server.sts(VENDOR).assume_role(RoleArn=ROLE, RoleSessionName="wire")["Credentials"]


def test_unsigned_request(server):
    request = urllib.request.Request(server.url + "/", data=b"Action=GetCallerIdentity&Version=2011-06-15", method="POST")
    try:
        urllib.request.urlopen(request, timeout=5)
        raise AssertionError("unsigned request accepted")
    except urllib.error.HTTPError as e:
        body = e.read().decode()
        assert e.code == 403
        assert error_parts(body) == ("MissingAuthenticationToken", "Request is missing Authentication Token")
        assert e.headers["x-amzn-RequestId"] and "<RequestId>" in body


def test_body_over_the_query_limit(server):
    # AWS accepts 10,000,000 body bytes and answers a longer body 413 with no body.
    for size, status in ((10_000_000, 403), (10_000_001, 413)):
        request = urllib.request.Request(server.url + "/", data=b"a" * size, method="POST")
        try:
            urllib.request.urlopen(request, timeout=30)
            raise AssertionError(f"{size}-byte body accepted")
        except urllib.error.HTTPError as e:
            assert (size, e.code) == (size, status)
            if status == 413:
                assert e.read() == b"" and e.headers["x-amzn-RequestId"]


def test_wrong_secret_and_unknown_key(server):
    status, body = server.signed(IDENTITY, (VENDOR[0], "not-the-secret"))
    assert status == 403
    assert error_parts(body) == ("SignatureDoesNotMatch",
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret "
        "Access Key and signing method. Consult the service documentation for details.")
    status, body = server.signed(IDENTITY, ("AKIAUNKNOWN000000000", "x"))
    assert (status, error_parts(body)) == (403, ("InvalidClientTokenId", "The security token included in the request is invalid."))


def test_request_time_outside_the_window(server):
    old = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=20)
    status, body = server.signed(IDENTITY, VENDOR, when=old)
    code, message = error_parts(body)
    assert (status, code) == (403, "SignatureDoesNotMatch")
    assert message.startswith("Signature expired: ") and message.endswith(" - 15 min.)")


def test_incomplete_signature(server):
    sent = {}

    def without_signature(headers):
        headers["Authorization"] = headers["Authorization"].split(", Signature=")[0]
        sent.update(headers)
        return headers

    status, body = server.signed(IDENTITY, VENDOR, tamper=without_signature)
    assert (status, error_parts(body)) == (400, (
        "IncompleteSignature",
        "Authorization header requires 'Signature' parameter. Authorization=" + sent["Authorization"]))


def test_expired_presigned_url(server):
    url = server.sts(VENDOR).generate_presigned_url("get_caller_identity", ExpiresIn=1, HttpMethod="GET")
    time.sleep(2.2)
    try:
        urllib.request.urlopen(url, timeout=5)
        raise AssertionError("expired presigned URL accepted")
    except urllib.error.HTTPError as e:
        code, message = error_parts(e.read().decode())
        assert (e.code, code) == (403, "SignatureDoesNotMatch")
        assert message.startswith("Signature expired: ") and message.endswith(" - 1 sec.)"), message


def test_tampered_session_token(server):
    creds = session(server)
    key = (creds["AccessKeyId"], creds["SecretAccessKey"])
    raw = bytearray(base64.b64decode(creds["SessionToken"]))
    for index in (0, len(raw) // 2, len(raw) - 1):
        changed = bytearray(raw)
        changed[index] ^= 0x01
        token = base64.b64encode(bytes(changed)).decode()
        status, body = server.signed(IDENTITY, key, token=token)
        assert (status, error_parts(body)) == (403, ("InvalidClientTokenId", "The security token included in the request is invalid.")), index
    # A valid token presented with another session's key id is refused too.
    other = session(server)
    status, body = server.signed(IDENTITY, (other["AccessKeyId"], other["SecretAccessKey"]), token=creds["SessionToken"])
    assert status == 403 and error_parts(body)[0] == "InvalidClientTokenId"
    status, _ = server.signed(IDENTITY, key, token=creds["SessionToken"])
    assert status == 200


def test_unknown_action_and_version(server):
    status, body = server.signed({"Action": "NoSuchThing", "Version": "2011-06-15"}, VENDOR)
    assert (status, error_parts(body)) == (400, ("InvalidAction", "Could not find operation NoSuchThing for version 2011-06-15"))
    # IAM actions are not STS actions: the signing service picks the table.
    status, body = server.signed({"Action": "CreateRole", "Version": "2011-06-15"}, VENDOR)
    assert (status, error_parts(body)) == (400, ("InvalidAction", "Could not find operation CreateRole for version 2011-06-15"))


def test_missing_required_parameter(server):
    status, body = server.signed({"Action": "AssumeRole", "Version": "2011-06-15", "RoleSessionName": "x1"}, VENDOR)
    assert status == 400
    assert error_parts(body) == ("ValidationError",
        "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null")


def test_presigned_get_caller_identity(server):
    # Signed for GET, as EKS-style identity tokens are (botocore otherwise signs the model's POST).
    url = server.sts(VENDOR).generate_presigned_url("get_caller_identity", ExpiresIn=300, HttpMethod="GET")
    with urllib.request.urlopen(url, timeout=5) as r:
        body = r.read().decode()
    assert r.status == 200 and "<Arn>arn:aws:iam::444455556666:user/vendor</Arn>" in body


def test_every_call_is_audited(server):
    server.sts(VENDOR).get_caller_identity()
    granted = server.sts(VENDOR).assume_role(RoleArn=f"arn:aws:iam::{ACCOUNT_A}:role/VendorAccess", RoleSessionName="audited-ok")
    error_of(server.sts(VENDOR).assume_role, RoleArn=f"arn:aws:iam::{ACCOUNT_A}:role/Ec2Instance", RoleSessionName="audited")

    def assume_role_events(session_name):
        # The writer appends in batches a few milliseconds apart: give it up to a second.
        for _ in range(20):
            lines = [json.loads(line) for line in (server.data_dir / "audit.jsonl").read_text().splitlines()]
            found = [e for e in lines if e["eventName"] == "AssumeRole" and e["requestParameters"]
                     and e["requestParameters"].get("roleSessionName") == session_name]
            if found:
                return found
            time.sleep(0.05)
        return []

    denied = assume_role_events("audited")
    assert denied, "denied AssumeRole not audited"
    event = denied[-1]
    assert event["errorCode"] == "AccessDenied" and event["eventSource"] == "sts.amazonaws.com"
    assert event["userIdentity"]["arn"] == "arn:aws:iam::444455556666:user/vendor"
    assert event["authorization"][0]["decision"] == "ImplicitlyDenied"
    allowed = assume_role_events("audited-ok")
    assert allowed and "secretAccessKey" not in json.dumps(allowed[-1])
    assert "sessionToken" not in json.dumps(allowed[-1])
    elements = allowed[-1]["responseElements"]
    assert elements["credentials"]["accessKeyId"] == granted["Credentials"]["AccessKeyId"]
    assert elements["assumedRoleUser"] == {"assumedRoleId": granted["AssumedRoleUser"]["AssumedRoleId"],
                                           "arn": f"arn:aws:sts::{ACCOUNT_A}:assumed-role/VendorAccess/audited-ok"}
    assert allowed[-1]["authorization"][0]["decision"] == "Allowed"


def test_restart_keeps_state_and_sessions(fresh_server):
    fresh_server.start()
    iam = fresh_server.iam(ROOT_A)
    iam.create_role(RoleName="Survivor", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": "sts:AssumeRole"}]}))
    creds = fresh_server.sts(VENDOR).assume_role(RoleArn=f"arn:aws:iam::{ACCOUNT_A}:role/Survivor", RoleSessionName="before")["Credentials"]
    fresh_server.stop()
    fresh_server.start()  # same data dir, bootstrap applied again (idempotent)
    assert fresh_server.iam(ROOT_A).get_role(RoleName="Survivor")["Role"]["RoleName"] == "Survivor"
    me = fresh_server.session_client("sts", creds).get_caller_identity()
    assert me["Arn"] == f"arn:aws:sts::{ACCOUNT_A}:assumed-role/Survivor/before"
    assert (fresh_server.data_dir / "keyring").stat().st_mode & 0o777 == 0o600


def test_long_term_secrets_are_not_stored_in_the_clear(fresh_server):
    fresh_server.start()
    iam = fresh_server.iam(ROOT_A)
    iam.create_user(UserName="stored")
    secret = iam.create_access_key(UserName="stored")["AccessKey"]["SecretAccessKey"]
    fresh_server.stop()
    stored = b"".join(p.read_bytes() for p in fresh_server.data_dir.iterdir() if p.name.startswith("rolegate.sqlite3"))
    assert b"AKIAVENDOR0000000001" in stored  # the key ids are there...
    for clear in (secret.encode(), b"alice-secret", b"root-a-secret"):
        assert clear not in stored  # ...their secrets are not


def test_a_replica_with_the_same_key_ring_accepts_the_session(tmp_path):
    """DESIGN.md: any replica holding the key ring verifies a session without a database read."""
    bootstrap = Path(__file__).parent / "bootstrap.yaml"
    first = Server(tmp_path / "first", bootstrap).start()
    try:
        creds = first.sts(VENDOR).assume_role(RoleArn=ROLE, RoleSessionName="roaming")["Credentials"]
        ring = base64.b64encode((tmp_path / "first" / "keyring").read_bytes()).decode()
    finally:
        first.stop()
    replica = Server(tmp_path / "replica", bootstrap, env={"ROLEGATE_KEYRING": ring}).start()
    stranger = Server(tmp_path / "stranger", bootstrap).start()
    try:
        me = replica.session_client("sts", creds).get_caller_identity()
        assert me["Arn"] == f"arn:aws:sts::{ACCOUNT_A}:assumed-role/VendorAccess/roaming"
        assert not (tmp_path / "replica" / "keyring").exists()
        # A server with a key ring of its own cannot open the token.
        assert error_of(stranger.session_client("sts", creds).get_caller_identity) == (
            "InvalidClientTokenId", 403, "The security token included in the request is invalid.")
    finally:
        replica.stop()
        stranger.stop()


def test_expired_session(fresh_server):
    fresh_server.start()
    creds = fresh_server.sts(VENDOR).assume_role(RoleArn=ROLE, RoleSessionName="short", DurationSeconds=900)["Credentials"]
    fresh_server.stop()
    # The same server 20 minutes later; requests are signed at that time too.
    fresh_server.start(extra_env={"ROLEGATE_TEST_CLOCK_OFFSET": "1200"})
    later = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=1200)
    status, body = fresh_server.signed(IDENTITY, (creds["AccessKeyId"], creds["SecretAccessKey"]),
                                       token=creds["SessionToken"], when=later)
    assert (status, error_parts(body)) == (403, ("ExpiredToken", "The security token included in the request is expired"))


def closed_within(conn, seconds):
    """Whether the server closes `conn` within `seconds` (whatever it writes first)."""
    conn.settimeout(seconds)
    try:
        while conn.recv(4096):
            pass
        return True
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


def test_idle_and_half_sent_connections_are_closed_and_capped(tmp_path):
    """A connection that sends no (or half a) request head is closed after the header timeout,
    and connections beyond the cap are turned away, so idle sockets cannot exhaust the server."""
    srv = Server(tmp_path / "data", Path(__file__).parent / "bootstrap.yaml",
                 args=["--header-timeout", "1", "--max-connections", "4"]).start()
    try:
        half = socket.create_connection(("127.0.0.1", srv.port))
        half.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-")
        idle = [socket.create_connection(("127.0.0.1", srv.port)) for _ in range(3)]
        # The cap is reached: a fifth connection is closed at once.
        time.sleep(0.2)
        extra = socket.create_connection(("127.0.0.1", srv.port))
        extra.settimeout(2)
        assert extra.recv(1) == b""
        # After the timeout every idle and half-sent connection has been closed by the server.
        for conn in [half] + idle:
            assert closed_within(conn, 3)
        # And the server serves again.
        with urllib.request.urlopen(srv.url + "/health", timeout=2) as r:
            assert r.status == 200
        assert srv.sts(VENDOR).get_caller_identity()["Account"] == "444455556666"
    finally:
        srv.stop()


def test_data_files_are_private(server):
    """The store, its WAL, the key ring and the audit log are readable by their owner only."""
    server.sts(VENDOR).get_caller_identity()
    for name in ("rolegate.sqlite3", "rolegate.sqlite3-wal", "keyring", "audit.jsonl"):
        path = server.data_dir / name
        if path.exists():
            assert path.stat().st_mode & 0o777 == 0o600, name


def test_unreadable_requests_are_audited_too(server):
    """A body over the limit is answered as AWS answers it (413, no body) and still audited: one
    byte over (read whole, refused by the decoder) and far over (refused while reading)."""
    def audited_413s():
        lines = [json.loads(line) for line in (server.data_dir / "audit.jsonl").read_text().splitlines()]
        return sum(e.get("errorCode") == "RequestEntityTooLarge" for e in lines)

    before = audited_413s()
    prefix = b"Action=GetCallerIdentity&Version=2011-06-15&x="
    one_over = urllib.request.Request(server.url + "/", data=prefix + b"a" * (10_000_001 - len(prefix)),
                                      headers={"Content-Type": "application/x-www-form-urlencoded"})
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(one_over, timeout=10)
    assert raised.value.code == 413 and raised.value.read() == b""
    # Far over: refused while reading, once the limit is passed. The client sends a little past
    # the limit and stops, then reads the answer (the server closes the connection after it, so
    # a client still writing the rest could see EPIPE before it reads the 413).
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as conn:
        conn.sendall(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Content-Type: application/x-www-form-urlencoded\r\n"
                     b"Content-Length: 12000000\r\n\r\n" + prefix + b"a" * 10_000_100)
        head = conn.makefile("rb").readline()
    assert head.startswith(b"HTTP/1.1 413"), head
    for _ in range(40):
        if audited_413s() >= before + 2:
            break
        time.sleep(0.05)
    assert audited_413s() == before + 2
