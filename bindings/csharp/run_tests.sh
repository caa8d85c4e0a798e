#!/usr/bin/env bash
# Builds the .NET wrapper with mono's mcs and runs its NUnit tests against the native
# library. Run from anywhere (usually the repo root), after `cargo build --release`:
#
#     bindings/csharp/run_tests.sh
#
# The library is $GENESYS_PRESENCE_LIB, else target/release/libgenesys_presence.so.
# Installs mono-mcs, nunit-console and libnunit-cil-dev with apt-get when missing
# (as root, or through sudo). Build output goes to bindings/csharp/bin/ (git-ignored).
# Exits non-zero if the generated code is stale, a build fails or any test fails.

set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
OUT="$HERE/bin"
LIB="${GENESYS_PRESENCE_LIB:-$ROOT/target/release/libgenesys_presence.so}"

step() { printf '\n== %s\n' "$*"; }
fail() { printf 'run_tests.sh: %s\n' "$*" >&2; exit 1; }

[ -f "$LIB" ] || fail "$LIB not found: run 'cargo build --release' first, or set GENESYS_PRESENCE_LIB"
LIB="$(cd "$(dirname "$LIB")" && pwd)/$(basename "$LIB")"

nunit_framework() {  # the newest NUnit 2 framework Debian installed, if any
    ls /usr/lib/cli/nunit.framework-2.*/nunit.framework.dll 2>/dev/null | sort -V | tail -n 1 || true
}

step "tools"
missing=()
command -v python3 >/dev/null || missing+=(python3)
command -v mcs >/dev/null || missing+=(mono-mcs)
command -v nunit-console >/dev/null || missing+=(nunit-console)
[ -n "$(nunit_framework)" ] || missing+=(libnunit-cil-dev)
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]}"
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || fail "missing ${missing[*]}; install them or run as root"
        sudo="sudo"
    fi
    apt_log="$(mktemp)"
    if ! { $sudo apt-get update -qq && $sudo env DEBIAN_FRONTEND=noninteractive \
            apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$apt_log" 2>&1; then
        cat "$apt_log" >&2
        fail "apt-get could not install ${missing[*]}"
    fi
    rm -f "$apt_log"
fi
NUNIT_FRAMEWORK="$(nunit_framework)"
[ -n "$NUNIT_FRAMEWORK" ] || fail "nunit.framework.dll not found under /usr/lib/cli (libnunit-cil-dev)"
echo "mcs $(mcs --version | awk '{print $NF}'), $(mono --version | head -n 1 | cut -d' ' -f1-5)"
echo "NUnit framework: $NUNIT_FRAMEWORK"
echo "native library: $LIB"

step "generated operations"
python3 "$HERE/../../tools/generate.py" --check --lib "$LIB"

step "compile"
rm -rf "$OUT"
mkdir -p "$OUT"
mcs -nologo -langversion:7.2 -target:library -warnaserror+ -debug \
    -doc:"$OUT/Genesys.Presence.xml" -out:"$OUT/Genesys.Presence.dll" "$HERE"/src/*.cs
echo "bin/Genesys.Presence.dll"
mcs -nologo -langversion:7.2 -target:library -warnaserror+ -debug \
    -r:"$OUT/Genesys.Presence.dll" -r:"$NUNIT_FRAMEWORK" \
    -out:"$OUT/Genesys.Presence.Tests.dll" "$HERE"/tests/*.cs
echo "bin/Genesys.Presence.Tests.dll"
for example in SetPresence WatchPresence; do
    mcs -nologo -langversion:7.2 -warnaserror+ -r:"$OUT/Genesys.Presence.dll" \
        -out:"$OUT/$example.exe" "$HERE/examples/$example.cs"
    echo "bin/$example.exe"
done
# DllImport("genesys_presence") is probed as libgenesys_presence.so next to the assembly
# and on LD_LIBRARY_PATH.
cp "$LIB" "$OUT/libgenesys_presence.so"

# Absolute: the tests run from $OUT, and `make` passes a path relative to the root.
PRESENCE_SANDBOX="$(realpath -m "${PRESENCE_SANDBOX:-$(dirname "$LIB")/presence-sandbox}")"
export PRESENCE_SANDBOX

step "tests"
rc=0
(
    cd "$OUT"
    export GENESYS_PRESENCE_FIXTURES="$ROOT/tests/fixtures/official_sdk_requests.json"
    export LD_LIBRARY_PATH="$OUT${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    nunit-console -nologo -noshadow -xml="$OUT/TestResult.xml" "$OUT/Genesys.Presence.Tests.dll"
) || rc=$?

# nunit-console's exit code is the number of failed tests, or negative for a runner
# error; also require the result file to show tests that ran and none that failed.
summary="$(grep -o '<test-results [^>]*' "$OUT/TestResult.xml" 2>/dev/null || true)"
attr() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$summary"; }
total="$(attr total)"; failures="$(attr failures)"; errors="$(attr errors)"
if [ "$rc" -ne 0 ] || [ -z "$total" ] || [ "$total" -eq 0 ] || [ "${failures:-1}" -ne 0 ] || [ "${errors:-1}" -ne 0 ]; then
    fail "tests FAILED (nunit-console exit $rc; total=${total:-?} failures=${failures:-?} errors=${errors:-?}; see $OUT/TestResult.xml)"
fi
echo "$total tests passed"

step "example"
SANDBOX="$PRESENCE_SANDBOX"
if [ ! -x "$SANDBOX" ]; then
    echo "skipped: no $SANDBOX (make sandbox, or set PRESENCE_SANDBOX)"
else
    sandbox_log="$(mktemp)"
    "$SANDBOX" --port 0 >"$sandbox_log" 2>&1 &
    sandbox_pid=$!
    trap 'kill "$sandbox_pid" 2>/dev/null || true; rm -f "$sandbox_log"' EXIT
    url=""
    for _ in $(seq 100); do
        url="$(sed -n 's/^listening on //p' "$sandbox_log" | head -n 1)"
        [ -n "$url" ] && break
        sleep 0.1
    done
    [ -n "$url" ] || { cat "$sandbox_log" >&2; fail "presence-sandbox did not start"; }
    for example in SetPresence WatchPresence; do
        (cd "$OUT" && mono "$example.exe" "$url") || fail "examples/$example.cs failed against $url"
    done
fi

step "ok"
