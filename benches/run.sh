#!/usr/bin/env bash
# The benchmark (`make bench`): the official Python SDK, our Python wrapper, our
# C ABI from C and a raw ureq floor, interleaved, against one nginx on loopback
# serving canned Presence API answers; then presence-sandbox beside that nginx,
# as servers, under wrk. Run from anywhere; see benches/README.md.
#
# Installs what is missing: nginx (Debian's nginx-light, else nginx; needs root
# or sudo), wrk, the venv benches/.venv with PureCloudPlatformClientV2==269.0.0
# and orjson (our wrapper's one dependency).
# Exits non-zero only when something is broken, never because of a ratio.
#
# Environment: BENCH_ROUNDS (10), BENCH_PROCESSES (one per round), BENCH_SCALE (1),
# BENCH_TURN_MS (100), BENCH_PAIRS (500), BENCH_SERVER_ROUNDS (3),
# BENCH_SERVER_SECONDS (3), BENCH_COMMAND (the command recorded in the results;
# default "make bench"); see benches/README.md.
set -euo pipefail

cd "$(dirname "$0")/.."
REPO=$PWD
BENCHES=$REPO/benches
VENV=$BENCHES/.venv
SDK_VERSION=269.0.0

say() { echo "bench: $*" >&2; }

# --- nginx -----------------------------------------------------------------
find_nginx() { command -v nginx 2>/dev/null || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; } || true; }
NGINX=$(find_nginx)
if [ -z "$NGINX" ]; then
    SUDO=""
    if [ "$(id -u)" != 0 ]; then
        command -v sudo >/dev/null || { say "nginx is missing and we are not root: install nginx-light"; exit 1; }
        SUDO=sudo
    fi
    say "installing nginx from Debian's packages"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nginx-light >/dev/null ||
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nginx >/dev/null
    NGINX=$(find_nginx)
    [ -n "$NGINX" ] || { say "nginx did not install"; exit 1; }
fi

# --- wrk, the load generator of the servers' comparison ------------------------
if ! command -v wrk >/dev/null; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    say "installing wrk from Debian's packages"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >/dev/null
    command -v wrk >/dev/null || { say "wrk did not install"; exit 1; }
fi

# --- the official SDK's venv -------------------------------------------------
if ! "$VENV/bin/python" -c "import importlib.metadata as m, sys, orjson, uvloop; \
        sys.exit(m.version('PureCloudPlatformClientV2') != '$SDK_VERSION')" 2>/dev/null; then
    say "creating $VENV with PureCloudPlatformClientV2==$SDK_VERSION"
    rm -rf "$VENV"
    if ! python3 -m venv "$VENV" 2>/dev/null; then
        say "installing python3-venv from Debian's packages"
        rm -rf "$VENV"
        SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
        $SUDO apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-venv >/dev/null
        python3 -m venv "$VENV"
    fi
    "$VENV/bin/pip" install --quiet --disable-pip-version-check \
        "PureCloudPlatformClientV2==$SDK_VERSION" "orjson>=3.9" "uvloop>=0.19"
fi

# --- builds ----------------------------------------------------------------
say "building the library, the C bench and the floor"
cargo build --release --quiet
ln -sf libgenesys_presence.so target/release/libgenesys_presence.so.0   # its SONAME
mkdir -p "$BENCHES/build"
"${CC:-cc}" -std=c11 -O2 -Wall -Wextra -Werror -pthread "$BENCHES/abi_bench.c" -Iinclude \
    -Ltarget/release -lgenesys_presence -Wl,-rpath,"$REPO/target/release" -o "$BENCHES/build/abi_bench"
cargo build --release --quiet --locked --manifest-path "$BENCHES/floor/Cargo.toml"
# As `make sandbox` builds it: its own target dir keeps the library as shipped.
CARGO_TARGET_DIR=target/sandbox cargo build --release --quiet -p presence-sandbox
SANDBOX=$REPO/target/sandbox/release/presence-sandbox
FLOOR=$BENCHES/floor/target/release/presence-bench-floor

# --- nginx on a free loopback port, stopped whatever happens -----------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/presence-bench.XXXXXX")
chmod 755 "$WORK"   # nginx's workers run as an unprivileged user
NGINX_PID=""
SANDBOX_PID=""
cleanup() {
    for pid in "$NGINX_PID" "$SANDBOX_PID"; do
        if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
            kill -TERM "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
        fi
    done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$VENV/bin/python" "$BENCHES/server/canned.py" "$WORK/canned"
PORT=$("$VENV/bin/python" -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
# The server on the last CPU; bench.py keeps one-thread clients off it (see
# benches/README.md, "Placement").
CPUS=$(nproc)
AFFINITY="1$(printf '%*s' $((CPUS - 1)) '' | tr ' ' 0)"
sed -e "s#@TMP@#$WORK#g; s#@CANNED@#$WORK/canned#g; s#@PORT@#$PORT#g; s#@AFFINITY@#$AFFINITY $AFFINITY#g" \
    "$BENCHES/server/nginx.conf.in" >"$WORK/nginx.conf"
"$NGINX" -q -t -c "$WORK/nginx.conf" -g 'daemon off;'
"$NGINX" -c "$WORK/nginx.conf" -g 'daemon off;' &
NGINX_PID=$!
BASE=http://127.0.0.1:$PORT
"$VENV/bin/python" - "$BASE" "$NGINX_PID" <<'EOF' || { cat "$WORK/error.log" >&2 2>/dev/null; exit 1; }
import os, sys, time, urllib.request
base, pid = sys.argv[1], int(sys.argv[2])
request = urllib.request.Request(base + "/api/v2/presencedefinitions?pageSize=25",
                                 headers={"Authorization": "Bearer bench-token"})
for _ in range(100):
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit("bench: nginx exited at start")
    try:
        with urllib.request.urlopen(request, timeout=2) as response:
            if response.status == 200 and response.read():
                sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit("bench: nginx does not answer on " + base)
EOF
NGINX_VERSION=$("$NGINX" -v 2>&1 | sed 's#.*/##')
say "nginx $NGINX_VERSION on $BASE"

# Byte-compiled, as `pip install` leaves an installed package: the footprint's import
# time is then what users see, not this checkout's first compile (PYTHONDONTWRITEBYTECODE
# may be set here, and the generated models are thousands of lines).
"$VENV/bin/python" -m compileall -q "$REPO/bindings/python/genesys_presence"

"$VENV/bin/python" "$BENCHES/bench.py" \
    --base "$BASE" --ids "$WORK/canned/ids.json" --python "$VENV/bin/python" \
    --abi "$BENCHES/build/abi_bench" --floor "$FLOOR" --results "$BENCHES/results.md" \
    --command "${BENCH_COMMAND:-make bench}" \
    --server "nginx $NGINX_VERSION (Debian), 2 workers on CPU $((CPUS - 1)), keep-alive, canned JSON, on $BASE"

# --- the sandbox beside nginx, as servers ------------------------------------
# Placed as nginx is (the last CPU, 2 threads); wrk runs on the first.
taskset -c $((CPUS - 1)) "$SANDBOX" --port 0 --token bench-token --workers 2 >"$WORK/sandbox.log" 2>&1 &
SANDBOX_PID=$!
SANDBOX_URL=""
for _ in $(seq 100); do
    SANDBOX_URL=$(sed -n 's/^listening on //p' "$WORK/sandbox.log" | head -n 1)
    [ -n "$SANDBOX_URL" ] && break
    kill -0 "$SANDBOX_PID" 2>/dev/null || break
    sleep 0.1
done
[ -n "$SANDBOX_URL" ] || { say "the sandbox did not start:"; cat "$WORK/sandbox.log" >&2; exit 1; }
say "presence-sandbox on $SANDBOX_URL"
"$VENV/bin/python" "$BENCHES/servers.py" --wrk "$(command -v wrk)" --ids "$WORK/canned/ids.json" \
    --server "presence-sandbox=$SANDBOX_URL" --server "nginx $NGINX_VERSION=$BASE" \
    --results "$BENCHES/results.md" --client-cpu 0 \
    --rounds "${BENCH_SERVER_ROUNDS:-3}" --seconds "${BENCH_SERVER_SECONDS:-3}"

say "over TLS with a round trip: the library and the official SDK through a delaying proxy"
PYTHONPATH="$REPO/bindings/python" GENESYS_PRESENCE_LIB="$REPO/target/release/libgenesys_presence.so" \
    "$VENV/bin/python" "$BENCHES/wan.py" --sandbox "$SANDBOX_URL" --token bench-token \
    --sandbox-binary "$SANDBOX" --results "$BENCHES/results.md" --rtt-ms "${BENCH_RTT_MS:-20}" >/dev/null

say "watching presence: event latency, a 20,000-user watch's memory, reconciliation"
GENESYS_PRESENCE_LIB="$REPO/target/release/libgenesys_presence.so" \
    "$VENV/bin/python" "$BENCHES/watch.py" --sandbox-binary "$SANDBOX" \
    --results "$BENCHES/results.md" ${BENCH_SKIP_PACED_WATCH:+--skip-paced} >/dev/null
