"""Black-box fixtures: start the real `rolegate` binary on 127.0.0.1 with a temp data dir and
a bootstrap file, and drive it with boto3, the aws CLI and hand-signed requests.

The binary comes from $ROLEGATE_BIN, else target/release/rolegate, else target/debug/rolegate
(nothing is built here).
"""

import datetime
import hashlib
import hmac
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

REPO = Path(__file__).resolve().parents[2]
ACCOUNT_A = "111122223333"
ACCOUNT_B = "444455556666"
REGION = "us-east-1"

# Long-term keys named in bootstrap.yaml.
ROOT_A = ("AKIAROOTA00000000001", "root-a-secret")
ROOT_B = ("AKIAROOTB00000000001", "root-b-secret")
VENDOR = ("AKIAVENDOR0000000001", "vendor-secret")
NOPOLICY = ("AKIANOPOLICY00000001", "nopolicy-secret")
MALLORY = ("AKIAMALLORY000000001", "mallory-secret")
ALICE = ("AKIAALICE00000000001", "alice-secret")
EC2 = ("AKIASERVICEEC2000001", "ec2-secret")
LAMBDA = ("AKIASERVICELAMBDA001", "lambda-secret")


def binary() -> str:
    explicit = os.environ.get("ROLEGATE_BIN")
    if explicit:
        return explicit
    for profile in ("release", "debug"):
        candidate = REPO / "target" / profile / "rolegate"
        if candidate.exists():
            return str(candidate)
    pytest.skip("no rolegate binary: build it or set ROLEGATE_BIN")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One `rolegate serve` process."""

    def __init__(self, data_dir: Path, bootstrap: Path | None, env: dict | None = None,
                 args: list | None = None):
        self.data_dir = data_dir
        self.bootstrap = bootstrap
        self.env = env or {}
        self.args = args or []
        self.port = None
        self.process = None
        self.log = data_dir.parent / f"{data_dir.name}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, extra_env: dict | None = None):
        self.port = free_port()
        args = [binary(), "serve", "--listen", f"127.0.0.1:{self.port}", "--data-dir", str(self.data_dir)]
        if self.bootstrap:
            args += ["--bootstrap", str(self.bootstrap)]
        args += self.args
        # The key ring comes from the data dir unless this server is given one.
        env = {name: value for name, value in os.environ.items() if name != "ROLEGATE_KEYRING"}
        env.update(self.env, **(extra_env or {}))
        self.process = subprocess.Popen(args, stdout=open(self.log, "a"), stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"rolegate exited: {self.log.read_text()}")
            try:
                with urllib.request.urlopen(self.url + "/health", timeout=1) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("rolegate did not become healthy")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    # Clients -----------------------------------------------------------------------------

    def client(self, service, key, token=None, validate=True):
        access, secret = key
        return boto3.client(
            service,
            endpoint_url=self.url,
            region_name=REGION,
            aws_access_key_id=access,
            aws_secret_access_key=secret,
            aws_session_token=token,
            config=Config(parameter_validation=validate, retries={"max_attempts": 1}),
        )

    def sts(self, key, token=None, validate=True):
        return self.client("sts", key, token, validate)

    def iam(self, key, token=None, validate=True):
        return self.client("iam", key, token, validate)

    def session_client(self, service, credentials):
        return self.client(
            service,
            (credentials["AccessKeyId"], credentials["SecretAccessKey"]),
            credentials["SessionToken"],
        )

    def aws(self, args, key, token=None, check=True):
        """Runs the aws CLI against this server; returns (exit code, parsed JSON or text)."""
        env = dict(os.environ)
        env.update(
            AWS_ACCESS_KEY_ID=key[0],
            AWS_SECRET_ACCESS_KEY=key[1],
            AWS_DEFAULT_REGION=REGION,
            AWS_CONFIG_FILE="/dev/null",
            AWS_SHARED_CREDENTIALS_FILE="/dev/null",
        )
        env.pop("AWS_SESSION_TOKEN", None)
        if token:
            env["AWS_SESSION_TOKEN"] = token
        cmd = [shutil.which("aws") or "aws", "--endpoint-url", self.url, "--output", "json"] + args
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)
        if check and done.returncode != 0:
            raise AssertionError(f"aws {' '.join(args)} failed: {done.stderr}")
        out = done.stdout.strip()
        try:
            return done.returncode, (json.loads(out) if out else None), done.stderr
        except json.JSONDecodeError:
            return done.returncode, out, done.stderr

    def signed(self, params, key, token=None, service="sts", when=None, tamper=None):
        """A hand-signed SigV4 POST (full control over time and bytes); returns (status, body)."""
        body = urllib.parse.urlencode(params)
        headers = sign(self.url, body, key, token, service, when or datetime.datetime.now(datetime.timezone.utc))
        if tamper:
            headers = tamper(headers)
        request = urllib.request.Request(self.url + "/", data=body.encode(), headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()


def sign(url, body, key, token, service, when):
    """SigV4 for a form POST to `/` (AWS's algorithm, written out for tests)."""
    host = urllib.parse.urlparse(url).netloc
    amz_date = when.strftime("%Y%m%dT%H%M%SZ")
    date = when.strftime("%Y%m%d")
    headers = {"content-type": "application/x-www-form-urlencoded; charset=utf-8", "host": host, "x-amz-date": amz_date}
    if token:
        headers["x-amz-security-token"] = token
    signed_names = ";".join(sorted(headers))
    canonical_headers = "".join(f"{n}:{headers[n]}\n" for n in sorted(headers))
    payload = hashlib.sha256(body.encode()).hexdigest()
    canonical = "\n".join(["POST", "/", "", canonical_headers, signed_names, payload])
    scope = f"{date}/{REGION}/{service}/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    k = ("AWS4" + key[1]).encode()
    for part in (date, REGION, service, "aws4_request"):
        k = hmac.new(k, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(k, to_sign.encode(), hashlib.sha256).hexdigest()
    out = {name.title(): value for name, value in headers.items() if name != "host"}
    out["Authorization"] = f"AWS4-HMAC-SHA256 Credential={key[0]}/{scope}, SignedHeaders={signed_names}, Signature={signature}"
    return out


def totp(seed_base32: str, at: float, step_offset: int = 0) -> str:
    """RFC 6238 TOTP (SHA-1, 6 digits, 30 s), as virtual MFA apps compute it."""
    import base64

    seed = base64.b32decode(seed_base32 + "=" * (-len(seed_base32) % 8))
    counter = int(at // 30) + step_offset
    digest = hmac.new(seed, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


def error_of(call, *args, **kwargs):
    """Calls a boto3 operation that must fail; returns (code, HTTP status, message)."""
    with pytest.raises(ClientError) as raised:
        call(*args, **kwargs)
    e = raised.value.response
    return e["Error"]["Code"], e["ResponseMetadata"]["HTTPStatusCode"], e["Error"].get("Message")


def not_authorized(caller_arn, action, resource):
    """STS's AccessDenied text (AssumeRole names the role's ARN and no reason)."""
    return f"User: {caller_arn} is not authorized to perform: {action} on resource: {resource}"


def iam_denied(caller_arn, action, resource, explicit=None):
    """IAM's AccessDenied text: the resource as IAM names it (`user alice`, `role R`, `policy
    <arn>`, or an ARN) and why (no identity-based policy allows it, or an explicit deny in the
    kind of policy `explicit` names)."""
    reason = (f"with an explicit deny in {explicit}" if explicit
              else f"because no identity-based policy allows the {action} action")
    return f"User: {caller_arn} is not authorized to perform: {action} on resource: {resource} {reason}"


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("rolegate")
    bootstrap = Path(__file__).parent / "bootstrap.yaml"
    srv = Server(root / "data", bootstrap).start()
    yield srv
    srv.stop()


@pytest.fixture()
def fresh_server(tmp_path):
    """A server of its own (for restart and clock tests)."""
    srv = Server(tmp_path / "data", Path(__file__).parent / "bootstrap.yaml")
    yield srv
    srv.stop()
