#!/usr/bin/env bash
# Runs the Python wrapper's tests (pytest). Call it from the repository root,
# with the library built (target/release or target/debug) or GENESYS_PRESENCE_LIB
# set to it. Creates .venv at the repository root with pytest, the package's
# one dependency, orjson, websocket-client and mypy, if missing.
# Extra arguments go to pytest, e.g. bindings/python/run_tests.sh -k concurrency
set -euo pipefail

if [ ! -f Cargo.toml ] || [ ! -d bindings/python ]; then
    echo "run_tests.sh: run me from the repository root" >&2
    exit 2
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    echo "run_tests.sh: creating .venv"
    "$PYTHON" -m venv .venv
fi
# websocket-client only for the README's sandbox example, mypy for the typing test; the
# package needs orjson alone.
if ! .venv/bin/python -c "import pytest, orjson, websocket, mypy" 2>/dev/null; then
    .venv/bin/python -m pip install --quiet --disable-pip-version-check pytest "orjson>=3.9" \
        websocket-client "mypy>=1.10,<2"
fi

# The tests import genesys_presence from bindings/python (not an installed copy)
# and find the library as the package does: $GENESYS_PRESENCE_LIB, then
# target/release, then target/debug.
cd bindings/python
exec ../../.venv/bin/python -m pytest -q -rfEs --tb=short "$@"
