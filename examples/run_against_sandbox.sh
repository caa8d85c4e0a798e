#!/usr/bin/env bash
# Runs each given command with the Presence API's base URL as its last
# argument: a freshly started local sandbox, stopped whatever happens, or, when
# GENESYS_CLOUD_CLIENT_ID is set, a real org (the programs read GENESYS_CLOUD_*
# themselves and get no argument).
#   examples/run_against_sandbox.sh build/quickstart "valgrind build/quickstart"
set -euo pipefail
cd "$(dirname "$0")/.."
SANDBOX=${SANDBOX:-target/release/presence-sandbox}

if [ -n "${GENESYS_CLOUD_CLIENT_ID:-}" ]; then
    echo "Running against the real org in ${GENESYS_CLOUD_REGION:-us-east-1}"
    for command in "$@"; do
        echo; echo "### $command"; $command
    done
    exit 0
fi

log=$(mktemp)
"$SANDBOX" --port 0 >"$log" 2>&1 &
sandbox_pid=$!
trap 'kill "$sandbox_pid" 2>/dev/null; wait "$sandbox_pid" 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 100); do
    grep -q '^listening on ' "$log" && break
    kill -0 "$sandbox_pid" 2>/dev/null || { cat "$log"; exit 1; }
    sleep 0.1
done
url=$(sed -n 's/^listening on //p' "$log" | head -n 1)
[ -n "$url" ] || { echo "the sandbox did not start:"; cat "$log"; exit 1; }
echo "Sandbox listening on $url"
for command in "$@"; do
    echo; echo "### $command $url"; $command "$url"
done
