#!/usr/bin/env bash
# Builds the fuzz targets and runs each for SECONDS.
#
#   fuzz/run.sh SECONDS [TARGET...]        # targets: config params response (default: all)
#
# FUZZ_SANITIZER=address (the default when a nightly toolchain is installed):
#   nightly + AddressSanitizer + LeakSanitizer, for long local runs.
# FUZZ_SANITIZER=none (the default otherwise): the stable toolchain, coverage-guided
#   libFuzzer without a sanitizer, for CI. Panics still fail: every target treats
#   GP_ERROR_INTERNAL (a panic caught by the library) as a crash.
#
# The targets are built with cargo directly, with the flags cargo-fuzz passes, so
# neither cargo-fuzz nor nightly is needed (`cargo +nightly fuzz run config` works
# too). Debug assertions and overflow checks are on. New inputs go to fuzz/work/
# (not committed), the seeds in fuzz/corpus/ are only read, and crashing inputs are
# written to fuzz/artifacts/TARGET/. Exits 1 if any target crashed; exits 0 with a
# "skipped" line when the toolchain it needs is missing.
set -euo pipefail

usage() { echo "usage: $0 SECONDS [config|params|response]..." >&2; exit 2; }
[[ $# -ge 1 && $1 =~ ^[0-9]+$ ]] || usage
seconds=$1
shift
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(config params response)

fuzz_dir=$(cd "$(dirname "$0")" && pwd)
cd "$fuzz_dir"

skip() { echo "fuzz: skipped: $*"; exit 0; }

if [[ -z ${FUZZ_SANITIZER:-} ]]; then
    if cargo +nightly --version >/dev/null 2>&1; then FUZZ_SANITIZER=address; else FUZZ_SANITIZER=none; fi
fi
case $FUZZ_SANITIZER in
    address)
        cargo +nightly --version >/dev/null 2>&1 \
            || skip "FUZZ_SANITIZER=address needs a nightly toolchain (rustup toolchain install nightly)"
        toolchain=+nightly
        sanitizer_flags="-Zsanitizer=address"
        ;;
    none)
        toolchain=+stable
        cargo +stable --version >/dev/null 2>&1 || toolchain=
        sanitizer_flags=""
        ;;
    *) echo "FUZZ_SANITIZER must be address or none" >&2; exit 2 ;;
esac
command -v "${CXX:-c++}" >/dev/null \
    || skip "libfuzzer-sys compiles libFuzzer and needs a C++ compiler (${CXX:-c++})"

# cargo-fuzz's instrumentation: libFuzzer's coverage counters and comparison hooks.
export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Cdebug-assertions -Coverflow-checks \
$sanitizer_flags"
# An explicit --target keeps build scripts and proc macros uninstrumented.
host=$(rustc $toolchain -vV | sed -n 's/^host: //p')
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$fuzz_dir/target}
echo "fuzz: building ${targets[*]} (sanitizer: $FUZZ_SANITIZER, ${toolchain:-default toolchain})"
bins=()
for target in "${targets[@]}"; do bins+=(--bin "$target"); done
cargo $toolchain build --release --target "$host" "${bins[@]}"

failed=()
for target in "${targets[@]}"; do
    mkdir -p "work/$target" "artifacts/$target"
    log="work/$target.log"
    echo "fuzz: running $target for ${seconds}s (log: fuzz/$log)"
    # Leak checking is LeakSanitizer's, so only with ASan.
    if "$CARGO_TARGET_DIR/$host/release/$target" -max_total_time="$seconds" -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="artifacts/$target/" \
        "work/$target" "corpus/$target" >"$log" 2>&1; then
        runs=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1 runs in \2 s/p' "$log")
        echo "fuzz: $target: ok, ${runs:-no summary}"
    else
        echo "fuzz: $target: CRASHED; the input is in fuzz/artifacts/$target/, the report:"
        grep -E -A30 "^==[0-9]+==ERROR|panicked at|deadly signal|Test unit written" "$log" | head -60
        failed+=("$target")
    fi
done
[[ ${#failed[@]} -eq 0 ]] || { echo "fuzz: crashed: ${failed[*]}"; exit 1; }
