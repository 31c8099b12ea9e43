#!/usr/bin/env bash
# Load harness on loopback: starts the real server (temp data dir, the black-box bootstrap file)
# and replays, with wrk, (1) GET /health — the HTTP floor —, (2) a presigned GetCallerIdentity
# and (3) a presigned AssumeRole (cross-account, trust policy + caller policy evaluated, fresh
# credentials minted and sealed on every call), then (4, 5) the same two calls as boto3 and the
# aws CLI send them: a form POST signed in the Authorization header. Reports requests/s, p99,
# the server's CPU µs per request and any non-2xx answers per endpoint, and AssumeRole's rate
# as a share of the floor's.
#
#   scripts/load.sh                 # 10 s per endpoint, 32 connections, 2 threads
#   DURATION=30s CONNECTIONS=64 scripts/load.sh
#   ROUNDS=3 scripts/load.sh        # the whole set three times; the ratio's median and spread
#                                   # (a shared VM's speed drifts by a fifth within minutes;
#                                   # the POST signatures last SigV4's 15 minutes, so keep
#                                   # ROUNDS x 5 x DURATION under that)
#
# Needs: wrk (Debian: apt-get install wrk), python3, a built binary (ROLEGATE_BIN, default
# target/dist/rolegate, the deployable build: cargo build --profile dist -p rolegate-cli).
set -euo pipefail
cd "$(dirname "$0")/.."

BIN="${ROLEGATE_BIN:-target/dist/rolegate}"
DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-32}"
THREADS="${THREADS:-2}"
ROUNDS="${ROUNDS:-1}"
command -v wrk >/dev/null || { echo "wrk not found (apt-get install wrk)" >&2; exit 1; }
[ -x "$BIN" ] || { echo "no binary at $BIN (cargo build --profile dist -p rolegate-cli)" >&2; exit 1; }

WORK="$(mktemp -d)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
"$BIN" serve --listen "127.0.0.1:$PORT" --data-dir "$WORK/data" \
  --bootstrap tests/blackbox/bootstrap.yaml >"$WORK/server.log" 2>&1 &
SERVER=$!
cleanup() { kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break
  sleep 0.1
done

# Requests signed as account B's vendor user: presigned GET URLs (SigV4 query signing, valid for
# an hour), and wrk scripts that POST a form body with an Authorization header, as boto3 and the
# aws CLI send it (valid for SigV4's 15-minute window).
sign() {
  python3 - "$PORT" "$@" <<'PY'
import datetime, hashlib, hmac, sys, urllib.parse
port, form, params = sys.argv[1], sys.argv[2], dict(p.split("=", 1) for p in sys.argv[3:])
key, secret, region, service = "AKIAVENDOR0000000001", "vendor-secret", "us-east-1", "sts"
now = datetime.datetime.now(datetime.timezone.utc)
amz_date, date = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
scope = f"{date}/{region}/{service}/aws4_request"
host = f"127.0.0.1:{port}"
enc = lambda s: urllib.parse.quote(s, safe="-_.~")
k = ("AWS4" + secret).encode()
for part in (date, region, service, "aws4_request"):
    k = hmac.new(k, part.encode(), hashlib.sha256).digest()
def signature(canonical):
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    return hmac.new(k, to_sign.encode(), hashlib.sha256).hexdigest()
if form == "presigned":
    params.update({"X-Amz-Algorithm": "AWS4-HMAC-SHA256", "X-Amz-Credential": f"{key}/{scope}",
                   "X-Amz-Date": amz_date, "X-Amz-Expires": "3600", "X-Amz-SignedHeaders": "host"})
    query = "&".join(f"{enc(k)}={enc(v)}" for k, v in sorted(params.items()))
    canonical = "\n".join(["GET", "/", query, f"host:{host}\n", "host", hashlib.sha256(b"").hexdigest()])
    print(f"http://{host}/?{query}&X-Amz-Signature={signature(canonical)}")
else:
    body = "&".join(f"{enc(k)}={enc(v)}" for k, v in params.items())
    content_type = "application/x-www-form-urlencoded; charset=utf-8"
    headers = f"content-type:{content_type}\nhost:{host}\nx-amz-date:{amz_date}\n"
    signed = "content-type;host;x-amz-date"
    canonical = "\n".join(["POST", "/", "", headers, signed, hashlib.sha256(body.encode()).hexdigest()])
    print(f'wrk.method = "POST"\nwrk.body = "{body}"\n'
          f'wrk.headers["Content-Type"] = "{content_type}"\nwrk.headers["X-Amz-Date"] = "{amz_date}"\n'
          f'wrk.headers["Authorization"] = "AWS4-HMAC-SHA256 Credential={key}/{scope}, '
          f'SignedHeaders={signed}, Signature={signature(canonical)}"')
PY
}
IDENTITY=(Action=GetCallerIdentity Version=2011-06-15)
ASSUME=(Action=AssumeRole Version=2011-06-15
  RoleArn=arn:aws:iam::111122223333:role/VendorAccess RoleSessionName=load)
IDENTITY_URL="$(sign presigned "${IDENTITY[@]}")"
ASSUME_URL="$(sign presigned "${ASSUME[@]}")"
sign post "${IDENTITY[@]}" >"$WORK/identity.lua"
sign post "${ASSUME[@]}" >"$WORK/assume.lua"
for url in "$IDENTITY_URL" "$ASSUME_URL"; do
  curl -fs "$url" >/dev/null || { echo "sanity request failed: $url" >&2; curl -s "$url" >&2; exit 1; }
done

# The server's CPU time so far (user + kernel), in clock ticks, from /proc/<pid>/stat: the
# load generator shares the cores, so a rate alone says little; CPU per request says where the
# time went.
server_ticks() { awk '{print $14 + $15}' "/proc/$SERVER/stat"; }
TICK="$(getconf CLK_TCK)"

run() {
  local name="$1" url="$2" out before after
  before="$(server_ticks)"
  out="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "${@:3}" "$url")"
  after="$(server_ticks)"
  local rps p99 errors requests cpu
  rps="$(awk '/Requests\/sec/ {print $2}' <<<"$out")"
  p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
  errors="$(awk '/Non-2xx/ {print $5}' <<<"$out")"
  requests="$(awk '/requests in/ {print $1}' <<<"$out")"
  cpu="$(python3 -c 'import sys; t, tick, n = map(float, sys.argv[1:]); print(f"{t / tick * 1e6 / n:.1f}")' \
    "$((after - before))" "$TICK" "$requests")"
  printf '%-28s %12s req/s   p99 %8s   server CPU %6s µs/req   non-2xx %s\n' \
    "$name" "$rps" "$p99" "$cpu" "${errors:-0}"
  RPS["$name"]="$rps"
}
declare -A RPS

echo "rolegate load: $CONNECTIONS connections, $THREADS wrk threads, $DURATION each, $(nproc) cores"
# The goal is stated against the floor: AssumeRole's share of /health's rate, within one round.
RATIOS=()
for round in $(seq 1 "$ROUNDS"); do
  [ "$ROUNDS" -gt 1 ] && echo "round $round of $ROUNDS"
  run "GET /health" "http://127.0.0.1:$PORT/health"
  run "GetCallerIdentity" "$IDENTITY_URL"
  run "AssumeRole" "$ASSUME_URL"
  run "GetCallerIdentity (POST)" "http://127.0.0.1:$PORT/" -s "$WORK/identity.lua"
  run "AssumeRole (POST)" "http://127.0.0.1:$PORT/" -s "$WORK/assume.lua"
  RATIOS+=("$(python3 -c 'import sys; print(float(sys.argv[1]) / float(sys.argv[2]))' \
    "${RPS[AssumeRole]}" "${RPS[GET /health]}")")
done
python3 - "${RATIOS[@]}" <<'PY'
import statistics, sys
ratios = [float(r) for r in sys.argv[1:]]
line = f"AssumeRole / floor: {statistics.median(ratios):.2f}"
if len(ratios) > 1:
    line += f" (median of {len(ratios)} rounds: " + " ".join(f"{r:.2f}" for r in ratios) + ")"
print(line)
PY
