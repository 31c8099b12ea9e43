"""Users' other credentials, driven by boto3 and the aws CLI: SSH public keys, signing
certificates, server certificates and service-specific credentials. Keys and certificates are
made here with the `cryptography` package and read by the server for real (sizes, encodings,
validity, chains, key pairs).

Texts that AWS is not on record for (iam-complete §25) are Rolegate's AWS-pattern choices; they
are asserted all the same, so that a change to one is deliberate.
"""

import base64
import datetime
import hashlib
import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from botocore.exceptions import ClientError
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import NameOID

from conftest import ACCOUNT_A, ACCOUNT_B, ROOT_A, ROOT_B, error_of

ALLOW_ALL = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})

UNRECOGNIZED = ("UnrecognizedPublicKeyEncoding", 400,
                "The public key encoding format is unsupported or unrecognized. The key must be an "
                "ssh-rsa key in OpenSSH format or an RSA key in PEM format.")
INVALID_KEY = ("InvalidPublicKey", 400, "The public key is malformed or otherwise invalid.")
KEY_SIZE = ("InvalidPublicKey", 400, "The public key must be an RSA key of at least 2048 and at most 16384 bits.")
DUPLICATE_KEY = ("DuplicateSSHPublicKey", 400, "The SSH public key is already associated with the specified IAM user.")
UNPARSEABLE = ("MalformedCertificate", 400, "Unable to parse certificate. Please ensure the certificate is in PEM format.")
NOT_CURRENT = ("MalformedCertificate", 400,
               "The certificate is not valid at this time: it has expired or is not yet valid.")
EXPIRED_STATUS = ("InvalidInput", 400, "Invalid status Expired. The status must be Active or Inactive.")


def chain_error(index):
    return ("MalformedCertificate", 400,
            "Unable to validate certificate chain. The certificate chain must start with the immediate "
            "signing certificate, followed by any intermediaries in order. The index within the chain "
            f"of the invalid certificate is: {index}")


def unique(prefix):
    return f"{prefix}{uuid.uuid4().hex[:8]}"


# Material ------------------------------------------------------------------------------------

def rsa_key(bits=2048):
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def openssh(key, comment=" someone@example"):
    line = key.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()
    return line + comment


def public_pem(key):
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def md5_fingerprint(line):
    digest = hashlib.md5(base64.b64decode(line.split()[1])).hexdigest()
    return ":".join(digest[i:i + 2] for i in range(0, 32, 2))


def certificate(common_name, key, issuer=None, issuer_key=None, start_days=-1, days=365):
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    builder = (x509.CertificateBuilder()
               .subject_name(name)
               .issuer_name(issuer.subject if issuer is not None else name)
               .public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(now + datetime.timedelta(days=start_days))
               .not_valid_after(now + datetime.timedelta(days=start_days + days)))
    signer = issuer_key or key
    algorithm = None if isinstance(signer, ed25519.Ed25519PrivateKey) else hashes.SHA256()
    return builder.sign(signer, algorithm)


def pem(cert):
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def private_pem(key, fmt=serialization.PrivateFormat.PKCS8):
    return key.private_bytes(serialization.Encoding.PEM, fmt, serialization.NoEncryption()).decode()


@pytest.fixture(scope="module")
def ca():
    key = rsa_key()
    return certificate("Rolegate Test CA", key, days=3650), key


def leaf(ca, name="www.example.com", **kwargs):
    """A certificate `ca` signed, and its key."""
    key = rsa_key()
    return certificate(name, key, issuer=ca[0], issuer_key=ca[1], **kwargs), key


@pytest.fixture(scope="module")
def a(server):
    return server.iam(ROOT_A)


def new_user(iam, prefix="cred"):
    name = unique(prefix)
    iam.create_user(UserName=name)
    return name


def user_keys(iam, user):
    """An access key for `user` that may do anything in its account."""
    iam.put_user_policy(UserName=user, PolicyName="Admin", PolicyDocument=ALLOW_ALL)
    key = iam.create_access_key(UserName=user)["AccessKey"]
    time.sleep(0.01)
    return key["AccessKeyId"], key["SecretAccessKey"]


def audit_text(server):
    # The writer appends in batches a few milliseconds apart.
    time.sleep(0.3)
    return (server.data_dir / "audit.jsonl").read_text()


def stored_bytes(server):
    return b"".join(p.read_bytes() for p in server.data_dir.iterdir() if p.name.startswith("rolegate.sqlite3"))


# SSH public keys ------------------------------------------------------------------------------

def test_ssh_key_upload_get_list_update_delete(server, a):
    user = new_user(a)
    key = rsa_key()
    line = openssh(key)
    canonical = line.rsplit(" ", 1)[0]
    uploaded = a.upload_ssh_public_key(UserName=user, SSHPublicKeyBody=line)["SSHPublicKey"]
    assert set(uploaded) == {"UserName", "SSHPublicKeyId", "Fingerprint", "SSHPublicKeyBody", "Status", "UploadDate"}
    key_id = uploaded["SSHPublicKeyId"]
    assert key_id.startswith("APKA") and len(key_id) >= 20
    assert uploaded["UserName"] == user and uploaded["Status"] == "Active"
    assert uploaded["Fingerprint"] == md5_fingerprint(line)
    assert uploaded["SSHPublicKeyBody"] == canonical, "stored without its comment"

    got = a.get_ssh_public_key(UserName=user, SSHPublicKeyId=key_id, Encoding="SSH")["SSHPublicKey"]
    assert got == uploaded
    as_pem = a.get_ssh_public_key(UserName=user, SSHPublicKeyId=key_id, Encoding="PEM")["SSHPublicKey"]
    assert as_pem["SSHPublicKeyBody"] == public_pem(key)
    assert as_pem["Fingerprint"] == uploaded["Fingerprint"]

    listed = a.list_ssh_public_keys(UserName=user)
    assert listed["IsTruncated"] is False and "Marker" not in listed
    assert listed["SSHPublicKeys"] == [{"UserName": user, "SSHPublicKeyId": key_id, "Status": "Active",
                                        "UploadDate": uploaded["UploadDate"]}]

    a.update_ssh_public_key(UserName=user, SSHPublicKeyId=key_id, Status="Inactive")
    assert a.list_ssh_public_keys(UserName=user)["SSHPublicKeys"][0]["Status"] == "Inactive"
    assert error_of(a.update_ssh_public_key, UserName=user, SSHPublicKeyId=key_id, Status="Expired") == EXPIRED_STATUS

    a.delete_ssh_public_key(UserName=user, SSHPublicKeyId=key_id)
    missing = ("NoSuchEntity", 404, f"The Public Key with id {key_id} cannot be found.")
    assert error_of(a.get_ssh_public_key, UserName=user, SSHPublicKeyId=key_id, Encoding="SSH") == missing
    assert error_of(a.delete_ssh_public_key, UserName=user, SSHPublicKeyId=key_id) == missing
    assert error_of(a.update_ssh_public_key, UserName=user, SSHPublicKeyId=key_id, Status="Active") == missing
    assert a.list_ssh_public_keys(UserName=user)["SSHPublicKeys"] == []


def test_a_pem_key_is_the_same_key_as_its_ssh_line(a):
    user = new_user(a)
    key = rsa_key(3072)
    uploaded = a.upload_ssh_public_key(UserName=user, SSHPublicKeyBody=public_pem(key))["SSHPublicKey"]
    assert uploaded["SSHPublicKeyBody"] == openssh(key, comment="")
    assert uploaded["Fingerprint"] == md5_fingerprint(openssh(key))
    assert error_of(a.upload_ssh_public_key, UserName=user, SSHPublicKeyBody=openssh(key, " other comment")) == DUPLICATE_KEY
    # PKCS #1 PEM too.
    pkcs1 = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.PKCS1).decode()
    assert pkcs1.startswith("-----BEGIN RSA PUBLIC KEY-----")
    assert error_of(a.upload_ssh_public_key, UserName=user, SSHPublicKeyBody=pkcs1) == DUPLICATE_KEY
    # Another user may hold the same key.
    other = new_user(a)
    a.upload_ssh_public_key(UserName=other, SSHPublicKeyBody=openssh(key))


def test_ssh_keys_that_iam_refuses(server, a):
    user = new_user(a)
    ed = ed25519.Ed25519PrivateKey.generate()
    ed_line = openssh(ed)
    ec_key = ec.generate_private_key(ec.SECP256R1())
    cases = [
        (ed_line, UNRECOGNIZED),
        (openssh(ec_key), UNRECOGNIZED),
        (public_pem(ec_key), UNRECOGNIZED),
        ("not a key at all", UNRECOGNIZED),
        ("ssh-rsa", INVALID_KEY),
        ("ssh-rsa !!!not-base64!!!", INVALID_KEY),
        ("ssh-rsa " + base64.b64encode(b"\x00\x00\x00\x07ssh-rsa\x00\x00").decode(), INVALID_KEY),
        ("ssh-rsa " + ed_line.split()[1], INVALID_KEY),
        ("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", INVALID_KEY),
        (openssh(rsa_key(1024)), KEY_SIZE),
    ]
    for body, expected in cases:
        assert error_of(a.upload_ssh_public_key, UserName=user, SSHPublicKeyBody=body) == expected, body
    assert a.list_ssh_public_keys(UserName=user)["SSHPublicKeys"] == []
    assert error_of(a.upload_ssh_public_key, UserName="nobody-here", SSHPublicKeyBody=openssh(rsa_key())) == (
        "NoSuchEntity", 404, "The user with name nobody-here cannot be found.")
    assert error_of(a.list_ssh_public_keys, UserName="nobody-here") == (
        "NoSuchEntity", 404, "The user with name nobody-here cannot be found.")
    key_id = a.upload_ssh_public_key(UserName=user, SSHPublicKeyBody=openssh(rsa_key()))["SSHPublicKey"]["SSHPublicKeyId"]
    raw = server.iam(ROOT_A, validate=False)
    assert error_of(raw.get_ssh_public_key, UserName=user, SSHPublicKeyId=key_id, Encoding="DER") == (
        "UnrecognizedPublicKeyEncoding", 400, "The encoding must be SSH or PEM.")
    code, status, message = error_of(raw.upload_ssh_public_key, UserName=user, SSHPublicKeyBody="")
    assert (code, status) == ("ValidationError", 400) and "sSHPublicKeyBody" in message


def test_five_ssh_keys_per_user_paginated(a):
    user = new_user(a)
    ids = [a.upload_ssh_public_key(UserName=user, SSHPublicKeyBody=openssh(rsa_key()))["SSHPublicKey"]["SSHPublicKeyId"]
           for _ in range(5)]
    assert error_of(a.upload_ssh_public_key, UserName=user, SSHPublicKeyBody=openssh(rsa_key())) == (
        "LimitExceeded", 409, "Cannot exceed quota for SSHPublicKeysPerUser: 5")
    seen, marker = [], None
    while True:
        page = a.list_ssh_public_keys(UserName=user, MaxItems=2, **({"Marker": marker} if marker else {}))
        assert len(page["SSHPublicKeys"]) <= 2
        seen += [k["SSHPublicKeyId"] for k in page["SSHPublicKeys"]]
        if not page["IsTruncated"]:
            assert "Marker" not in page
            break
        marker = page["Marker"]
    assert sorted(seen) == sorted(ids)
    paginated = a.get_paginator("list_ssh_public_keys").paginate(UserName=user, PaginationConfig={"PageSize": 3})
    assert sorted(k["SSHPublicKeyId"] for p in paginated for k in p["SSHPublicKeys"]) == sorted(ids)


def test_twenty_racing_uploads_leave_five_keys(server, a):
    user = new_user(a)
    bodies = [openssh(rsa_key()) for _ in range(20)]

    def upload(body):
        try:
            server.iam(ROOT_A).upload_ssh_public_key(UserName=user, SSHPublicKeyBody=body)
            return "ok"
        except ClientError as e:
            return (e.response["Error"]["Code"], e.response["Error"]["Message"])

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(upload, bodies))
    assert results.count("ok") == 5
    assert all(r == ("LimitExceeded", "Cannot exceed quota for SSHPublicKeysPerUser: 5") for r in results if r != "ok")
    assert len(a.list_ssh_public_keys(UserName=user)["SSHPublicKeys"]) == 5


def test_list_ssh_keys_of_the_caller(server, a):
    user = new_user(a)
    mine = user_keys(a, user)
    a.upload_ssh_public_key(UserName=user, SSHPublicKeyBody=openssh(rsa_key()))
    own = server.iam(mine).list_ssh_public_keys()["SSHPublicKeys"]
    assert [k["UserName"] for k in own] == [user]
    assert a.list_ssh_public_keys()["SSHPublicKeys"] == [], "the root holds no SSH keys"


def test_the_aws_cli_uploads_and_lists_ssh_keys(server, a):
    user = new_user(a)
    line = openssh(rsa_key())
    _, uploaded, _ = server.aws(["iam", "upload-ssh-public-key", "--user-name", user, "--ssh-public-key-body", line], ROOT_A)
    assert uploaded["SSHPublicKey"]["Fingerprint"] == md5_fingerprint(line)
    _, listed, _ = server.aws(["iam", "list-ssh-public-keys", "--user-name", user], ROOT_A)
    assert [k["SSHPublicKeyId"] for k in listed["SSHPublicKeys"]] == [uploaded["SSHPublicKey"]["SSHPublicKeyId"]]
    code, _, err = server.aws(["iam", "upload-ssh-public-key", "--user-name", user, "--ssh-public-key-body", line],
                              ROOT_A, check=False)
    assert code != 0 and "DuplicateSSHPublicKey" in err


# Signing certificates -------------------------------------------------------------------------

def test_signing_certificates(a, ca):
    user = new_user(a)
    first, _ = leaf(ca, "signer-1")
    body = pem(first)
    uploaded = a.upload_signing_certificate(UserName=user, CertificateBody=body)["Certificate"]
    assert set(uploaded) == {"UserName", "CertificateId", "CertificateBody", "Status", "UploadDate"}
    assert uploaded["UserName"] == user and uploaded["Status"] == "Active" and uploaded["CertificateBody"] == body
    cert_id = uploaded["CertificateId"]
    assert 24 <= len(cert_id) <= 128 and cert_id.isalnum()

    # One certificate is held once in the account, whoever holds it.
    other = new_user(a)
    duplicate = ("DuplicateCertificate", 409, "The same certificate is already associated with an IAM user in the account.")
    assert error_of(a.upload_signing_certificate, UserName=other, CertificateBody=body) == duplicate
    assert error_of(a.upload_signing_certificate, UserName=other, CertificateBody=body.replace("\n", "\r\n")) == duplicate

    ec_key = ec.generate_private_key(ec.SECP384R1())
    second = pem(certificate("signer-2", ec_key))
    a.upload_signing_certificate(UserName=user, CertificateBody=second)
    third, _ = leaf(ca, "signer-3")
    assert error_of(a.upload_signing_certificate, UserName=user, CertificateBody=pem(third)) == (
        "LimitExceeded", 409, "Cannot exceed quota for SigningCertificatesPerUser: 2")

    listed = a.list_signing_certificates(UserName=user)
    assert listed["IsTruncated"] is False
    assert [c["CertificateBody"] for c in listed["Certificates"]] == [body, second], "bodies included"
    page = a.list_signing_certificates(UserName=user, MaxItems=1)
    assert page["IsTruncated"] is True and len(page["Certificates"]) == 1
    rest = a.list_signing_certificates(UserName=user, Marker=page["Marker"])
    assert [c["CertificateBody"] for c in rest["Certificates"]] == [second]

    a.update_signing_certificate(UserName=user, CertificateId=cert_id, Status="Inactive")
    assert a.list_signing_certificates(UserName=user)["Certificates"][0]["Status"] == "Inactive"
    assert error_of(a.update_signing_certificate, UserName=user, CertificateId=cert_id, Status="Expired") == EXPIRED_STATUS
    a.delete_signing_certificate(UserName=user, CertificateId=cert_id)
    missing = ("NoSuchEntity", 404, f"The Certificate with id {cert_id} cannot be found.")
    assert error_of(a.delete_signing_certificate, UserName=user, CertificateId=cert_id) == missing
    assert error_of(a.update_signing_certificate, UserName=user, CertificateId=cert_id, Status="Active") == missing
    # Freed, the certificate may be uploaded again, by anyone in the account.
    a.upload_signing_certificate(UserName=other, CertificateBody=body)


def test_signing_certificates_iam_refuses(a, ca):
    user = new_user(a)
    expired, _ = leaf(ca, "old", start_days=-30, days=10)
    future, _ = leaf(ca, "later", start_days=10, days=10)
    ed = ed25519.Ed25519PrivateKey.generate()
    cases = [
        ("not a certificate", UNPARSEABLE),
        (pem(leaf(ca)[0])[:200], UNPARSEABLE),
        (private_pem(rsa_key()), UNPARSEABLE),
        (pem(expired), NOT_CURRENT),
        (pem(future), NOT_CURRENT),
        (pem(certificate("ed", ed)), ("InvalidCertificate", 400,
                                      "The certificate's public key must be an RSA or ECDSA (P-256 or P-384) key.")),
    ]
    for body, expected in cases:
        assert error_of(a.upload_signing_certificate, UserName=user, CertificateBody=body) == expected
    assert a.list_signing_certificates(UserName=user)["Certificates"] == []
    assert error_of(a.upload_signing_certificate, UserName="nobody-here", CertificateBody=pem(leaf(ca)[0])) == (
        "NoSuchEntity", 404, "The user with name nobody-here cannot be found.")


def test_the_root_holds_its_own_signing_certificates(server, a, ca):
    cert, _ = leaf(ca, "root-signer")
    uploaded = a.upload_signing_certificate(CertificateBody=pem(cert))["Certificate"]
    assert "UserName" not in uploaded
    try:
        assert [c["CertificateId"] for c in a.list_signing_certificates()["Certificates"]] == [uploaded["CertificateId"]]
        assert a.get_account_summary()["SummaryMap"]["AccountSigningCertificatesPresent"] == 1
        # A user's own listing is its own.
        user = new_user(a)
        assert server.iam(user_keys(a, user)).list_signing_certificates()["Certificates"] == []
    finally:
        a.delete_signing_certificate(CertificateId=uploaded["CertificateId"])
    assert a.get_account_summary()["SummaryMap"]["AccountSigningCertificatesPresent"] == 0


# Server certificates --------------------------------------------------------------------------

def test_server_certificate_with_chain_and_tags(server, a, ca):
    name = unique("web")
    cert, key = leaf(ca, "web.example.com")
    uploaded = a.upload_server_certificate(
        Path="/edge/", ServerCertificateName=name, CertificateBody=pem(cert), PrivateKey=private_pem(key),
        CertificateChain=pem(ca[0]), Tags=[{"Key": "team", "Value": "edge"}])
    metadata = uploaded["ServerCertificateMetadata"]
    assert set(metadata) == {"Path", "ServerCertificateName", "ServerCertificateId", "Arn", "UploadDate", "Expiration"}
    assert metadata["ServerCertificateId"].startswith("ASCA")
    assert metadata["Arn"] == f"arn:aws:iam::{ACCOUNT_A}:server-certificate/edge/{name}"
    assert metadata["Path"] == "/edge/" and metadata["ServerCertificateName"] == name
    assert metadata["Expiration"] == cert.not_valid_after_utc
    assert uploaded["Tags"] == [{"Key": "team", "Value": "edge"}]

    got = a.get_server_certificate(ServerCertificateName=name)["ServerCertificate"]
    assert set(got) == {"ServerCertificateMetadata", "CertificateBody", "CertificateChain", "Tags"}
    assert got["ServerCertificateMetadata"] == metadata
    assert got["CertificateBody"] == pem(cert) and got["CertificateChain"] == pem(ca[0])
    listed = a.list_server_certificates(PathPrefix="/edge/")
    assert listed["ServerCertificateMetadataList"] == [metadata] and listed["IsTruncated"] is False

    a.tag_server_certificate(ServerCertificateName=name, Tags=[{"Key": "env", "Value": "prod"}])
    a.untag_server_certificate(ServerCertificateName=name, TagKeys=["team"])
    assert a.list_server_certificate_tags(ServerCertificateName=name)["Tags"] == [{"Key": "env", "Value": "prod"}]

    renamed = unique("edge")
    a.update_server_certificate(ServerCertificateName=name, NewServerCertificateName=renamed, NewPath="/cloudfront/")
    missing = ("NoSuchEntity", 404, f"The Server Certificate with name {name} cannot be found.")
    assert error_of(a.get_server_certificate, ServerCertificateName=name) == missing
    moved = a.get_server_certificate(ServerCertificateName=renamed)["ServerCertificate"]
    assert moved["ServerCertificateMetadata"]["Arn"] == f"arn:aws:iam::{ACCOUNT_A}:server-certificate/cloudfront/{renamed}"
    assert moved["ServerCertificateMetadata"]["ServerCertificateId"] == metadata["ServerCertificateId"]
    assert moved["Tags"] == [{"Key": "env", "Value": "prod"}], "tags follow a rename"

    a.delete_server_certificate(ServerCertificateName=renamed)
    gone = ("NoSuchEntity", 404, f"The Server Certificate with name {renamed} cannot be found.")
    for call, kwargs in [(a.get_server_certificate, {}), (a.delete_server_certificate, {}),
                         (a.update_server_certificate, {"NewPath": "/x/"}),
                         (a.list_server_certificate_tags, {}),
                         (a.tag_server_certificate, {"Tags": [{"Key": "k", "Value": "v"}]}),
                         (a.untag_server_certificate, {"TagKeys": ["k"]})]:
        assert error_of(call, ServerCertificateName=renamed, **kwargs) == gone


def test_a_self_signed_ec_certificate_without_chain(a):
    name = unique("ec")
    key = ec.generate_private_key(ec.SECP256R1())
    cert = certificate("ec.example.com", key)
    sec1 = private_pem(key, serialization.PrivateFormat.TraditionalOpenSSL)
    assert sec1.startswith("-----BEGIN EC PRIVATE KEY-----")
    uploaded = a.upload_server_certificate(ServerCertificateName=name, CertificateBody=pem(cert), PrivateKey=sec1)
    assert "Tags" not in uploaded and uploaded["ServerCertificateMetadata"]["Path"] == "/"
    got = a.get_server_certificate(ServerCertificateName=name)["ServerCertificate"]
    assert set(got) == {"ServerCertificateMetadata", "CertificateBody"}, "no chain, no tags"
    assert error_of(a.upload_server_certificate, ServerCertificateName=name, CertificateBody=pem(cert), PrivateKey=sec1) == (
        "EntityAlreadyExists", 409, f"The Server Certificate with name {name} already exists.")
    other = unique("ec")
    a.upload_server_certificate(ServerCertificateName=other, CertificateBody=pem(cert), PrivateKey=private_pem(key))
    assert error_of(a.update_server_certificate, ServerCertificateName=other, NewServerCertificateName=name.upper()) == (
        "EntityAlreadyExists", 409, f"The Server Certificate with name {name.upper()} already exists.")
    for n in (name, other):
        a.delete_server_certificate(ServerCertificateName=n)


def test_server_certificates_iam_refuses(server, a, ca):
    name = unique("bad")
    cert, key = leaf(ca, "bad.example.com")
    body, private = pem(cert), private_pem(key)
    other_ca = (certificate("Other CA", rsa_key()), None)
    expired, expired_key = leaf(ca, "expired", start_days=-30, days=10)
    encrypted = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.BestAvailableEncryption(b"secret")).decode()
    mismatch = ("KeyPairMismatch", 400, "The public key certificate and the private key do not match.")
    cases = [
        ({"CertificateBody": "garbage"}, UNPARSEABLE),
        ({"CertificateBody": pem(expired), "PrivateKey": private_pem(expired_key)}, NOT_CURRENT),
        ({"PrivateKey": "garbage"}, UNPARSEABLE),
        ({"PrivateKey": encrypted}, UNPARSEABLE),
        ({"PrivateKey": private_pem(rsa_key())}, mismatch),
        ({"PrivateKey": private_pem(ec.generate_private_key(ec.SECP256R1()))}, mismatch),
        ({"CertificateChain": pem(other_ca[0])}, chain_error(-1)),
        ({"CertificateChain": pem(ca[0]) + pem(other_ca[0])}, chain_error(0)),
        ({"CertificateChain": "garbage"}, UNPARSEABLE),
    ]
    for override, expected in cases:
        kwargs = {"ServerCertificateName": name, "CertificateBody": body, "PrivateKey": private, **override}
        assert error_of(a.upload_server_certificate, **kwargs) == expected, override
    assert error_of(a.get_server_certificate, ServerCertificateName=name) == (
        "NoSuchEntity", 404, f"The Server Certificate with name {name} cannot be found.")
    assert error_of(a.upload_server_certificate, ServerCertificateName=name, CertificateBody=body, PrivateKey=private,
                    Tags=[{"Key": "a", "Value": "1"}, {"Key": "A", "Value": "2"}]) == (
        "InvalidInput", 400, "Duplicate tag keys found. Please note that Tag keys are case insensitive.")
    # A chain of the signer and the signer's signer is fine.
    a.upload_server_certificate(ServerCertificateName=name, CertificateBody=body, PrivateKey=private,
                                CertificateChain=pem(ca[0]) + pem(ca[0]))
    a.delete_server_certificate(ServerCertificateName=name)


def test_twenty_server_certificates_per_account(server, a):
    key = ec.generate_private_key(ec.SECP256R1())
    body, private = pem(certificate("quota.example.com", key)), private_pem(key)
    existing = len(a.list_server_certificates()["ServerCertificateMetadataList"])
    names = [unique("quota") for _ in range(20 - existing)]

    def upload(name):
        try:
            server.iam(ROOT_A).upload_server_certificate(ServerCertificateName=name, CertificateBody=body, PrivateKey=private)
            return "ok"
        except ClientError as e:
            return e.response["Error"]["Code"]

    try:
        with ThreadPoolExecutor(max_workers=20) as pool:
            results = list(pool.map(upload, names + [unique("quota") for _ in range(5)]))
        assert results.count("ok") == 20 - existing and results.count("LimitExceeded") == 5
        assert error_of(a.upload_server_certificate, ServerCertificateName="one-too-many", CertificateBody=body,
                        PrivateKey=private) == ("LimitExceeded", 409, "Cannot exceed quota for ServerCertificatesPerAccount: 20")
        assert a.get_account_summary()["SummaryMap"]["ServerCertificates"] == 20
        pages = a.get_paginator("list_server_certificates").paginate(PaginationConfig={"PageSize": 7})
        assert len([m for p in pages for m in p["ServerCertificateMetadataList"]]) == 20
    finally:
        for m in a.list_server_certificates()["ServerCertificateMetadataList"]:
            if m["ServerCertificateName"].startswith("quota"):
                a.delete_server_certificate(ServerCertificateName=m["ServerCertificateName"])


def test_the_private_key_is_never_returned_logged_or_stored_in_the_clear(server, a, ca):
    name = unique("secret")
    cert, key = leaf(ca, "secret.example.com")
    private = private_pem(key)
    a.upload_server_certificate(ServerCertificateName=name, CertificateBody=pem(cert), PrivateKey=private)
    inner = "".join(private.strip().splitlines()[1:-1])
    marker = inner[10:70]
    got = json.dumps(a.get_server_certificate(ServerCertificateName=name), default=str)
    assert marker not in got
    assert marker not in audit_text(server)
    assert marker.encode() not in stored_bytes(server)
    a.delete_server_certificate(ServerCertificateName=name)


# Service-specific credentials -----------------------------------------------------------------

def test_service_specific_credentials(server, a):
    user = new_user(a)
    first = a.create_service_specific_credential(UserName=user, ServiceName="codecommit.amazonaws.com")["ServiceSpecificCredential"]
    assert set(first) == {"CreateDate", "ServiceName", "ServiceUserName", "ServicePassword",
                          "ServiceSpecificCredentialId", "UserName", "Status"}
    assert first["ServiceUserName"] == f"{user}-at-{ACCOUNT_A}"
    assert first["ServiceSpecificCredentialId"].startswith("ACCA") and first["Status"] == "Active"
    assert len(first["ServicePassword"]) >= 20
    second = a.create_service_specific_credential(UserName=user, ServiceName="codecommit.amazonaws.com")["ServiceSpecificCredential"]
    assert second["ServiceUserName"] == f"{user}+1-at-{ACCOUNT_A}"
    assert error_of(a.create_service_specific_credential, UserName=user, ServiceName="codecommit.amazonaws.com") == (
        "LimitExceeded", 409, "Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: 2")
    keyspaces = a.create_service_specific_credential(UserName=user, ServiceName="cassandra.amazonaws.com")["ServiceSpecificCredential"]

    listed = a.list_service_specific_credentials(UserName=user)["ServiceSpecificCredentials"]
    assert [c["ServiceSpecificCredentialId"] for c in listed] == [c["ServiceSpecificCredentialId"] for c in (first, second, keyspaces)]
    assert set(listed[0]) == {"UserName", "Status", "ServiceUserName", "CreateDate", "ServiceSpecificCredentialId", "ServiceName"}
    only = a.list_service_specific_credentials(UserName=user, ServiceName="cassandra.amazonaws.com")["ServiceSpecificCredentials"]
    assert [c["ServiceSpecificCredentialId"] for c in only] == [keyspaces["ServiceSpecificCredentialId"]]
    page = a.list_service_specific_credentials(UserName=user, MaxItems=2)
    assert page["IsTruncated"] is True and len(page["ServiceSpecificCredentials"]) == 2
    rest = a.list_service_specific_credentials(UserName=user, MaxItems=2, Marker=page["Marker"])
    assert rest["IsTruncated"] is False and len(rest["ServiceSpecificCredentials"]) == 1

    reset = a.reset_service_specific_credential(UserName=user, ServiceSpecificCredentialId=first["ServiceSpecificCredentialId"])
    reset = reset["ServiceSpecificCredential"]
    assert reset["ServicePassword"] != first["ServicePassword"]
    assert reset["ServiceUserName"] == first["ServiceUserName"] and reset["CreateDate"] == first["CreateDate"]

    a.update_service_specific_credential(UserName=user, ServiceSpecificCredentialId=second["ServiceSpecificCredentialId"],
                                         Status="Inactive")
    assert a.list_service_specific_credentials(UserName=user)["ServiceSpecificCredentials"][1]["Status"] == "Inactive"
    cid = second["ServiceSpecificCredentialId"]
    assert error_of(a.update_service_specific_credential, UserName=user, ServiceSpecificCredentialId=cid,
                    Status="Expired") == EXPIRED_STATUS
    a.delete_service_specific_credential(UserName=user, ServiceSpecificCredentialId=cid)
    missing = ("NoSuchEntity", 404, f"The Service Specific Credential with id {cid} cannot be found.")
    assert error_of(a.delete_service_specific_credential, UserName=user, ServiceSpecificCredentialId=cid) == missing
    assert error_of(a.reset_service_specific_credential, UserName=user, ServiceSpecificCredentialId=cid) == missing
    # The freed slot is given again.
    again = a.create_service_specific_credential(UserName=user, ServiceName="codecommit.amazonaws.com")["ServiceSpecificCredential"]
    assert again["ServiceUserName"] == f"{user}+1-at-{ACCOUNT_A}"

    # Passwords are never in the audit log nor in the database in the clear.
    log = audit_text(server)
    stored = stored_bytes(server)
    for password in (first["ServicePassword"], reset["ServicePassword"], again["ServicePassword"]):
        assert password not in log and password.encode() not in stored


def test_service_specific_credentials_iam_refuses(server, a):
    user = new_user(a)
    assert error_of(a.create_service_specific_credential, UserName=user, ServiceName="s3.amazonaws.com") == (
        "NotSupportedService", 404, "Service s3.amazonaws.com is not supported for service-specific credentials.")
    assert error_of(a.list_service_specific_credentials, UserName=user, ServiceName="s3.amazonaws.com") == (
        "NotSupportedService", 404, "Service s3.amazonaws.com is not supported for service-specific credentials.")
    assert error_of(a.create_service_specific_credential, UserName=user, ServiceName="codecommit.amazonaws.com",
                    CredentialAgeDays=30) == (
        "InvalidInput", 400, "CredentialAgeDays is only valid for services that support long-term API keys.")
    assert error_of(a.create_service_specific_credential, UserName="nobody-here", ServiceName="codecommit.amazonaws.com") == (
        "NoSuchEntity", 404, "The user with name nobody-here cannot be found.")
    assert error_of(a.list_service_specific_credentials, UserName=user, AllUsers=True) == (
        "InvalidInput", 400, "AllUsers cannot be specified together with UserName.")
    code, status, message = error_of(server.iam(ROOT_A, validate=False).create_service_specific_credential,
                                     UserName=user, ServiceName="bedrock.amazonaws.com", CredentialAgeDays=0)
    assert (code, status) == ("ValidationError", 400) and "credentialAgeDays" in message


def test_api_keys_for_bedrock_expire(a):
    user = new_user(a)
    key = a.create_service_specific_credential(UserName=user, ServiceName="bedrock.amazonaws.com",
                                               CredentialAgeDays=30)["ServiceSpecificCredential"]
    assert set(key) == {"CreateDate", "ExpirationDate", "ServiceName", "ServiceCredentialAlias", "ServiceCredentialSecret",
                        "ServiceSpecificCredentialId", "UserName", "Status"}
    assert key["ExpirationDate"] - key["CreateDate"] == datetime.timedelta(days=30)
    listed = a.list_service_specific_credentials(UserName=user)["ServiceSpecificCredentials"]
    assert "ServiceCredentialSecret" not in listed[0] and listed[0]["ServiceCredentialAlias"] == key["ServiceCredentialAlias"]
    assert listed[0]["ExpirationDate"] == key["ExpirationDate"]


def test_all_users_lists_every_users_credentials(server, a):
    first, second = new_user(a), new_user(a)
    for user in (first, second):
        a.create_service_specific_credential(UserName=user, ServiceName="cassandra.amazonaws.com")
    everyone = a.list_service_specific_credentials(AllUsers=True, ServiceName="cassandra.amazonaws.com")
    users = {c["UserName"] for c in everyone["ServiceSpecificCredentials"]}
    assert {first, second} <= users
    # Without UserName: the signing user's own; the root holds none.
    assert [c["UserName"] for c in server.iam(user_keys(a, first)).list_service_specific_credentials()[
        "ServiceSpecificCredentials"]] == [first]
    assert a.list_service_specific_credentials()["ServiceSpecificCredentials"] == []


def test_twenty_racing_creates_leave_two_credentials(server, a):
    user = new_user(a)

    def create(_):
        try:
            return server.iam(ROOT_A).create_service_specific_credential(
                UserName=user, ServiceName="codecommit.amazonaws.com")["ServiceSpecificCredential"]["ServiceUserName"]
        except ClientError as e:
            return e.response["Error"]["Code"]

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(create, range(20)))
    assert sorted(r for r in results if r != "LimitExceeded") == sorted([f"{user}-at-{ACCOUNT_A}", f"{user}+1-at-{ACCOUNT_A}"])
    assert results.count("LimitExceeded") == 18


# DeleteUser and renames -----------------------------------------------------------------------

def test_delete_user_waits_for_every_credential_and_renames_carry_them(a, ca):
    user = new_user(a)
    cert_id = a.upload_signing_certificate(UserName=user, CertificateBody=pem(leaf(ca, "blocker")[0]))["Certificate"]["CertificateId"]
    key_id = a.upload_ssh_public_key(UserName=user, SSHPublicKeyBody=openssh(rsa_key()))["SSHPublicKey"]["SSHPublicKeyId"]
    cred_id = a.create_service_specific_credential(UserName=user, ServiceName="codecommit.amazonaws.com")[
        "ServiceSpecificCredential"]["ServiceSpecificCredentialId"]

    renamed = unique("renamed")
    a.update_user(UserName=user, NewUserName=renamed)
    assert [c["CertificateId"] for c in a.list_signing_certificates(UserName=renamed)["Certificates"]] == [cert_id]
    assert [k["UserName"] for k in a.list_ssh_public_keys(UserName=renamed)["SSHPublicKeys"]] == [renamed]
    creds = a.list_service_specific_credentials(UserName=renamed)["ServiceSpecificCredentials"]
    assert [(c["UserName"], c["ServiceSpecificCredentialId"]) for c in creds] == [(renamed, cred_id)]

    def conflict(what):
        return ("DeleteConflict", 409, f"Cannot delete entity, must delete {what} first.")

    assert error_of(a.delete_user, UserName=renamed) == conflict("signing certificates")
    a.delete_signing_certificate(UserName=renamed, CertificateId=cert_id)
    assert error_of(a.delete_user, UserName=renamed) == conflict("SSH public keys")
    a.delete_ssh_public_key(UserName=renamed, SSHPublicKeyId=key_id)
    assert error_of(a.delete_user, UserName=renamed) == conflict("service-specific credentials")
    a.delete_service_specific_credential(UserName=renamed, ServiceSpecificCredentialId=cred_id)
    a.delete_user(UserName=renamed)


# Across accounts ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def world(server, a, ca):
    """A's user `xcred` with one of each credential and A's server certificate `xcert`; B has a
    user of the same name, and B's three callers."""
    a.create_user(UserName="xcred")
    key_id = a.upload_ssh_public_key(UserName="xcred", SSHPublicKeyBody=openssh(rsa_key()))["SSHPublicKey"]["SSHPublicKeyId"]
    cert_id = a.upload_signing_certificate(UserName="xcred", CertificateBody=pem(leaf(ca, "xcred")[0]))["Certificate"]["CertificateId"]
    cred_id = a.create_service_specific_credential(UserName="xcred", ServiceName="codecommit.amazonaws.com")[
        "ServiceSpecificCredential"]["ServiceSpecificCredentialId"]
    cert, key = leaf(ca, "xcert.example.com")
    a.upload_server_certificate(ServerCertificateName="xcert", CertificateBody=pem(cert), PrivateKey=private_pem(key),
                                Tags=[{"Key": "owner", "Value": "a"}])

    b = server.iam(ROOT_B)
    b.create_user(UserName="xcred")
    b.create_user(UserName="xcredadmin")
    b.put_user_policy(UserName="xcredadmin", PolicyName="Admin", PolicyDocument=ALLOW_ALL)
    admin = b.create_access_key(UserName="xcredadmin")["AccessKey"]
    admin_key = (admin["AccessKeyId"], admin["SecretAccessKey"])
    b.create_role(RoleName="XCredAdmin", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": ACCOUNT_B}, "Action": "sts:AssumeRole"}]}))
    b.put_role_policy(RoleName="XCredAdmin", PolicyName="Admin", PolicyDocument=ALLOW_ALL)
    time.sleep(0.01)
    session = server.sts(admin_key).assume_role(
        RoleArn=f"arn:aws:iam::{ACCOUNT_B}:role/XCredAdmin", RoleSessionName="xc")["Credentials"]
    return {
        "key_id": key_id, "cert_id": cert_id, "cred_id": cred_id,
        "callers": {
            "root": server.iam(ROOT_B),
            "admin user": server.iam(admin_key),
            "role session": server.session_client("iam", session),
        },
    }


def snapshot(a):
    return {
        "ssh": a.list_ssh_public_keys(UserName="xcred")["SSHPublicKeys"],
        "certs": a.list_signing_certificates(UserName="xcred")["Certificates"],
        "creds": a.list_service_specific_credentials(UserName="xcred")["ServiceSpecificCredentials"],
        "server": a.get_server_certificate(ServerCertificateName="xcert")["ServerCertificate"],
    }


@pytest.mark.parametrize("who", ["root", "admin user", "role session"])
def test_another_accounts_credentials_are_not_found(a, world, who):
    iam = world["callers"][who]
    before = snapshot(a)
    key_id, cert_id, cred_id = world["key_id"], world["cert_id"], world["cred_id"]
    no_key = ("NoSuchEntity", 404, f"The Public Key with id {key_id} cannot be found.")
    assert error_of(iam.get_ssh_public_key, UserName="xcred", SSHPublicKeyId=key_id, Encoding="SSH") == no_key
    assert error_of(iam.update_ssh_public_key, UserName="xcred", SSHPublicKeyId=key_id, Status="Inactive") == no_key
    assert error_of(iam.delete_ssh_public_key, UserName="xcred", SSHPublicKeyId=key_id) == no_key
    no_cert = ("NoSuchEntity", 404, f"The Certificate with id {cert_id} cannot be found.")
    assert error_of(iam.update_signing_certificate, UserName="xcred", CertificateId=cert_id, Status="Inactive") == no_cert
    assert error_of(iam.delete_signing_certificate, UserName="xcred", CertificateId=cert_id) == no_cert
    no_cred = ("NoSuchEntity", 404, f"The Service Specific Credential with id {cred_id} cannot be found.")
    assert error_of(iam.reset_service_specific_credential, UserName="xcred", ServiceSpecificCredentialId=cred_id) == no_cred
    assert error_of(iam.update_service_specific_credential, UserName="xcred", ServiceSpecificCredentialId=cred_id,
                    Status="Inactive") == no_cred
    assert error_of(iam.delete_service_specific_credential, UserName="xcred", ServiceSpecificCredentialId=cred_id) == no_cred
    no_server = ("NoSuchEntity", 404, "The Server Certificate with name xcert cannot be found.")
    for call, kwargs in [(iam.get_server_certificate, {}), (iam.delete_server_certificate, {}),
                         (iam.update_server_certificate, {"NewServerCertificateName": "stolen"}),
                         (iam.tag_server_certificate, {"Tags": [{"Key": "owner", "Value": "b"}]}),
                         (iam.untag_server_certificate, {"TagKeys": ["owner"]}),
                         (iam.list_server_certificate_tags, {})]:
        assert error_of(call, ServerCertificateName="xcert", **kwargs) == no_server
    # B's own listings show nothing of A's.
    assert all(m["ServerCertificateName"] != "xcert"
               for m in iam.list_server_certificates()["ServerCertificateMetadataList"])
    assert iam.list_service_specific_credentials(AllUsers=True)["ServiceSpecificCredentials"] == []
    assert snapshot(a) == before


def test_a_role_session_must_name_the_user(world):
    iam = world["callers"]["role session"]
    non_user = ("ValidationError", 400, "Must specify userName when calling with non-User credentials")
    assert error_of(iam.list_ssh_public_keys) == non_user
    assert error_of(iam.list_signing_certificates) == non_user
    assert error_of(iam.list_service_specific_credentials) == non_user
    assert error_of(iam.delete_service_specific_credential, ServiceSpecificCredentialId="ACCA" + "A" * 16) == non_user
