#!/usr/bin/env bash
# `make python-package-test`: builds the wheel of bindings/python (py3-none-manylinux,
# checked with auditwheel), installs it into a fresh venv and runs the Python quick
# start from outside the checkout against the sandbox with no environment variable
# set; then builds the sdist and a wheel from the sdist alone.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
. tools/sandbox.sh
DIST=${DIST:-build/dist}
say() { echo "python-package: $*"; }

WORK=$(mktemp -d)
SANDBOX_PID=""
cleanup() {
    [ -n "$SANDBOX_PID" ] && kill "$SANDBOX_PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

python3 -m venv "$WORK/tools"
"$WORK/tools/bin/pip" install --quiet --disable-pip-version-check build auditwheel
rm -rf "$DIST" && mkdir -p "$DIST"
"$WORK/tools/bin/pip" wheel --quiet --disable-pip-version-check --no-deps -w "$DIST" ./bindings/python
wheel=$(ls "$DIST"/genesys_presence-*.whl)
case "$(basename "$wheel")" in
    *-py3-none-manylinux_2_*_"$(uname -m)".whl) ;;
    *) say "unexpected wheel name: $wheel"; exit 1 ;;
esac
tag=$(basename "$wheel" .whl | sed 's/.*-py3-none-//')
"$WORK/tools/bin/auditwheel" show "$wheel" | tr '\n' ' ' | grep -q "consistent with the following platform tag: \"$tag\"" ||
    { "$WORK/tools/bin/auditwheel" show "$wheel"; say "auditwheel disagrees with $tag"; exit 1; }
say "built $(basename "$wheel"), $tag as auditwheel reads it"

start_sandbox "$WORK/sandbox.log"

python3 -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install --quiet --disable-pip-version-check "$wheel"
cp bindings/python/examples/quickstart.py "$WORK/"
(cd "$WORK" && env -u GENESYS_PRESENCE_LIB -u PYTHONPATH "$WORK/venv/bin/python" quickstart.py "$SANDBOX_URL" >/dev/null)
say "the wheel installed into a fresh venv runs the quick start from $WORK"

"$WORK/tools/bin/python" -m build --sdist -o "$DIST" bindings/python >/dev/null
sdist=$(ls "$DIST"/genesys_presence-*.tar.gz)
# From the sdist alone: its own copy of the workspace, a target dir of its own.
(cd "$WORK" && CARGO_TARGET_DIR="$WORK/sdist-target" "$WORK/tools/bin/pip" wheel --quiet \
    --disable-pip-version-check --no-deps -w "$WORK/from-sdist" "$ROOT/$sdist")
ls "$WORK"/from-sdist/genesys_presence-*-py3-none-manylinux_2_*.whl >/dev/null
say "ok: $(basename "$sdist") builds the same kind of wheel from its own contents"
