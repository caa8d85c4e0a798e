#!/usr/bin/env bash
# `make install-check`: installs into a scratch prefix, builds examples/quickstart.c
# and quickstart.cpp with pkg-config and tests/install/ with CMake's find_package against that prefix
# alone, runs them against a fresh sandbox, then uninstalls and checks that nothing
# is left. Installs cmake from Debian's packages when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
. tools/sandbox.sh
say() { echo "install-check: $*"; }

if ! command -v cmake >/dev/null || ! command -v pkg-config >/dev/null; then
    sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
    say "installing cmake and pkg-config from Debian's packages"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends cmake pkg-config >/dev/null
fi

WORK=$(mktemp -d)
PREFIX=$WORK/prefix
SANDBOX_PID=""
cleanup() {
    [ -n "$SANDBOX_PID" ] && kill "$SANDBOX_PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

make --no-print-directory install PREFIX="$PREFIX" >/dev/null
say "installed into $PREFIX"
soname=$(readelf -d "$PREFIX/lib/libgenesys_presence.so" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
[ "$soname" = libgenesys_presence.so.0 ] || { say "SONAME is '$soname'"; exit 1; }

start_sandbox "$WORK/sandbox.log" --token install-check

# Built and run with nothing of the repository but the source file.
export PKG_CONFIG_PATH="$PREFIX/lib/pkgconfig"
cp examples/quickstart.c examples/quickstart.cpp examples/example_json.h tests/install/version_check.c "$WORK/"
(cd "$WORK" && cc -std=c11 -Wall -Wextra -Werror quickstart.c $(pkg-config --cflags --libs genesys-presence) -o quickstart)
(cd "$WORK" && ./quickstart "$SANDBOX_URL" >/dev/null)
(cd "$WORK" && c++ -std=c++17 -Wall -Wextra -Werror quickstart.cpp $(pkg-config --cflags --libs genesys-presence) -o quickstart_cpp)
(cd "$WORK" && ./quickstart_cpp "$SANDBOX_URL" >/dev/null)
say "examples/quickstart.c and quickstart.cpp built with pkg-config alone, and ran"

cmake -S tests/install -B "$WORK/cmake" -DCMAKE_PREFIX_PATH="$PREFIX" >/dev/null
cmake --build "$WORK/cmake" >/dev/null
"$WORK/cmake/version_check" "$SANDBOX_URL"
say "a CMake project with find_package(genesys-presence) built, and ran"

"$PREFIX/bin/genesys-presence" --base-path "$SANDBOX_URL" --token install-check \
    set install-check-user --presence busy >/dev/null
"$PREFIX/bin/genesys-presence" --base-path "$SANDBOX_URL" --token install-check \
    get install-check-user | grep -q '"systemPresence":"Busy"'
say "bin/genesys-presence set and read a presence"

make --no-print-directory uninstall PREFIX="$PREFIX" >/dev/null
left=$(find "$PREFIX" -type f -o -type l)
[ -z "$left" ] || { say "left after uninstall: $left"; exit 1; }
say "ok: uninstall left nothing"
