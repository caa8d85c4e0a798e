# genesys-presence: build, test and demo entry points. `make test` is what CI runs.

CARGO ?= cargo
RELEASE_LIB := target/release/libgenesys_presence.so
SANDBOX := target/release/presence-sandbox

.PHONY: all build sandbox test check rust-test header-check lint clean

all: build

## The shipped library (without the sandbox) and its header.
build:
	$(CARGO) build --release

## The local Presence API simulator.
sandbox:
	$(CARGO) build --release --features sandbox --bin presence-sandbox

## Everything CI runs: formatting, lints, header drift, and every test suite.
test: check rust-test

check: lint header-check

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --all-targets --all-features -- -D warnings

## The committed header must be what build.rs generates.
header-check:
	$(CARGO) build
	git diff --exit-code -- include/ || { echo "include/ is stale: commit the regenerated header"; exit 1; }

## Rust unit and integration tests, the wire replay, the C/C++ header test.
rust-test:
	$(CARGO) test --all-features

clean:
	$(CARGO) clean
