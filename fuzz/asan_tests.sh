#!/usr/bin/env bash
# Runs the library's Rust tests under AddressSanitizer and LeakSanitizer
# (nightly): the unit tests, the C ABI tests and the hardening tests, so every
# pointer crossing the C ABI and every fault path is checked for memory errors
# and leaks, not only for its result.
#
#   fuzz/asan_tests.sh [extra cargo test args]
#
# Skips, with a message and exit 0, when no nightly toolchain is installed.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! cargo +nightly --version >/dev/null 2>&1; then
    echo "asan-tests: skipped: needs a nightly toolchain (rustup toolchain install nightly)"
    exit 0
fi

host=$(rustc +nightly -vV | sed -n 's/^host: //p')
# Its own target dir: sanitized artifacts must not mix with the normal build.
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target/asan}
export RUSTFLAGS="-Zsanitizer=address -Cforce-frame-pointers=yes"
export RUSTDOCFLAGS=$RUSTFLAGS
# A small quarantine keeps use-after-free detection for recent frees while the
# resident-memory bounds of tests/hardening_*.rs stay meaningful.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:quarantine_size_mb=16:abort_on_error=0}
# The stress test at a fifth of its size: ASan makes each call several times slower.
export GP_STRESS_CALLS=${GP_STRESS_CALLS:-2000}
# An explicit --target keeps build scripts and proc macros uninstrumented.
cargo +nightly test --target "$host" \
    --lib --test abi --test hardening_faults --test hardening_input \
    --test hardening_secrets --test stress "$@"
