# genesys-presence: build, test and demo entry points. `make test` is what CI runs.

CARGO ?= cargo
CC ?= cc
CXX ?= c++
RELEASE_DIR := target/release
# The sandbox is built in its own target dir: built beside the library, its
# dependencies' features would be unified into (and rebuild) the shipped one.
# `make sandbox` copies the binary next to the library.
SANDBOX_TARGET := target/sandbox
SANDBOX := $(RELEASE_DIR)/presence-sandbox
# The command-line tool shares the sandbox's target dir, for the same reason (and
# the library it links statically is built once for both).
CLI := $(SANDBOX_TARGET)/release/genesys-presence
WARNINGS := -Wall -Wextra -Werror -pedantic
LINK := -Iinclude -L$(RELEASE_DIR) -lgenesys_presence -Wl,-rpath,$(CURDIR)/$(RELEASE_DIR)
EXAMPLES := build/quickstart build/quickstart_cpp build/watch build/watch_cpp
SANITIZED := build/quickstart_asan build/quickstart_cpp_asan build/watch_asan build/watch_cpp_asan
SANITIZE := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all -g
VALGRIND := valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite,indirect \
	--show-leak-kinds=definite,indirect --error-exitcode=99 --suppressions=tools/valgrind.supp

.PHONY: all build sandbox cli examples demo test check lint header header-check generate generate-check \
	install uninstall install-check dist \
	one-row-proof package-check \
	rust-test memcheck \
	python-test python-package-test csharp-test fuzz-ci fuzz asan-rust bench clean

all: build

## The shipped library and its header: target/release/libgenesys_presence.{so,a},
## include/genesys_presence.h (copied from build.rs's OUT_DIR).
build:
	$(CARGO) build --release
	@# Its SONAME, the name programs linked with it look for at run time.
	ln -sf libgenesys_presence.so $(RELEASE_DIR)/libgenesys_presence.so.0
	python3 tools/header.py --release

## The local Presence API simulator.
sandbox:
	CARGO_TARGET_DIR=$(SANDBOX_TARGET) $(CARGO) build --release -p presence-sandbox
	@mkdir -p $(RELEASE_DIR)
	cp $(SANDBOX_TARGET)/release/presence-sandbox $(SANDBOX)

## The command-line tool, `genesys-presence` (crate cli/).
cli:
	CARGO_TARGET_DIR=$(SANDBOX_TARGET) $(CARGO) build --release -p genesys-presence-cli

## The quick start and the watch: the C and C++ examples against a fresh sandbox (or a real
## org when GENESYS_CLOUD_CLIENT_ID, _CLIENT_SECRET and _REGION are set).
demo: examples sandbox
	SANDBOX=$(SANDBOX) examples/run_against_sandbox.sh $(EXAMPLES)

examples: $(EXAMPLES)

build/quickstart: examples/quickstart.c examples/example_json.h build
	@mkdir -p build
	$(CC) -std=c11 $(WARNINGS) $< $(LINK) -o $@

build/watch: examples/watch.c examples/example_json.h build
	@mkdir -p build
	$(CC) -std=c11 $(WARNINGS) $< $(LINK) -o $@

build/watch_asan: examples/watch.c examples/example_json.h build
	@mkdir -p build
	$(CC) -std=c11 $(WARNINGS) $(SANITIZE) $< $(LINK) -o $@

build/quickstart_cpp: examples/quickstart.cpp include/genesys_presence.hpp build
	@mkdir -p build
	$(CXX) -std=c++17 $(WARNINGS) $< $(LINK) -o $@

build/watch_cpp: examples/watch.cpp include/genesys_presence.hpp build
	@mkdir -p build
	$(CXX) -std=c++17 $(WARNINGS) $< $(LINK) -o $@

build/watch_cpp_asan: examples/watch.cpp include/genesys_presence.hpp build
	@mkdir -p build
	$(CXX) -std=c++17 $(WARNINGS) $(SANITIZE) $< $(LINK) -o $@

build/quickstart_asan: examples/quickstart.c examples/example_json.h build
	@mkdir -p build
	$(CC) -std=c11 $(WARNINGS) $(SANITIZE) $< $(LINK) -o $@

build/quickstart_cpp_asan: examples/quickstart.cpp include/genesys_presence.hpp build
	@mkdir -p build
	$(CXX) -std=c++17 $(WARNINGS) $(SANITIZE) $< $(LINK) -o $@

## Everything CI runs: formatting, lints, header and generated-file drift, and every
## test suite.
test: check rust-test package-check demo memcheck install-check python-test python-package-test csharp-test fuzz-ci \
	one-row-proof

check: lint header-check generate-check

## Rewrites what derives from the operation table: both wrappers' operation code and
## the README's generated sections.
generate: build
	python3 tools/generate.py --lib $(RELEASE_DIR)/libgenesys_presence.so

## Adds a made-up operation to the table of a scratch copy, and finds it in the
## header, the sandbox, both wrappers and the README (tools/one_row_proof.sh).
one-row-proof:
	tools/one_row_proof.sh

## Fails when a generated file is not what `make generate` would write.
generate-check: build
	python3 tools/generate.py --check --lib $(RELEASE_DIR)/libgenesys_presence.so

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) fmt --manifest-path fuzz/Cargo.toml -- --check
	$(CARGO) clippy --manifest-path fuzz/Cargo.toml --all-targets -- -D warnings

## Copies the header build.rs generates (in its OUT_DIR) to include/.
header:
	python3 tools/header.py

## The committed header must be what build.rs generates.
header-check: header
	git diff --exit-code -- include/ || { echo "include/ is stale: commit the regenerated header"; exit 1; }

## The crate as published builds on its own: `cargo package` verifies it, and fails if
## the build script writes anywhere but its OUT_DIR (after rust-test: its dependencies
## are built by then).
package-check:
	$(CARGO) package -p genesys-presence --allow-dirty --quiet

## Rust unit and integration tests, the wire replay, the C/C++ header test.
rust-test:
	@# The command-line tool's progress-bar test runs it on a real terminal, in tmux.
	@command -v tmux >/dev/null || { sudo=; [ "$$(id -u)" = 0 ] || sudo=sudo; \
		echo "rust-test: installing tmux from Debian's packages"; \
		$$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		$$sudo apt-get install -y -qq --no-install-recommends tmux >/dev/null; }
	$(CARGO) test --workspace

## The examples under valgrind and built with AddressSanitizer + UBSan: no
## memory error and no definite or indirect leak.
memcheck: $(EXAMPLES) $(SANITIZED) sandbox
	SANDBOX=$(SANDBOX) examples/run_against_sandbox.sh \
		"$(VALGRIND) build/quickstart" "$(VALGRIND) build/quickstart_cpp" "$(VALGRIND) build/watch" \
		"$(VALGRIND) build/watch_cpp" \
		build/quickstart_asan build/quickstart_cpp_asan build/watch_asan build/watch_cpp_asan

## The Python wrapper's tests (creates .venv with pytest), the README's sandbox
## example among them.
python-test: build sandbox
	GENESYS_PRESENCE_LIB=$(CURDIR)/$(RELEASE_DIR)/libgenesys_presence.so \
		PRESENCE_SANDBOX=$(CURDIR)/$(SANDBOX) bindings/python/run_tests.sh

## The Python package: a py3-none-manylinux wheel (checked with auditwheel) installed
## into a fresh venv runs the quick start from outside the checkout; the sdist builds
## such a wheel from its own contents (tools/python_package_check.sh).
python-package-test: build sandbox
	tools/python_package_check.sh

## dist/: the wheel, the sdist and a .tar.gz of the C install tree.
dist: build sandbox
	rm -rf dist && mkdir -p dist
	DIST=dist tools/python_package_check.sh
	rm -rf build/c-dist && $(MAKE) --no-print-directory install PREFIX=/usr/local DESTDIR=$(CURDIR)/build/c-dist/genesys-presence-$(VERSION)
	tar -C build/c-dist -czf dist/genesys-presence-$(VERSION)-$(shell uname -m)-linux.tar.gz genesys-presence-$(VERSION)

## The .NET wrapper (installs mono-mcs and NUnit from Debian's packages if missing).
csharp-test: build sandbox
	PRESENCE_SANDBOX=$(SANDBOX) bindings/csharp/run_tests.sh

## Each fuzz target (config, params, response) briefly on stable, without a
## sanitizer: panics and wrong answers still fail. Skips if it cannot build.
fuzz-ci:
	FUZZ_SANITIZER=none fuzz/run.sh 20

## Long local fuzzing with AddressSanitizer (nightly): FUZZ_SECONDS per target.
FUZZ_SECONDS ?= 600
fuzz:
	FUZZ_SANITIZER=address fuzz/run.sh $(FUZZ_SECONDS)

## The Rust tests of the C ABI, hardening and stress under AddressSanitizer and
## LeakSanitizer (nightly; skips with a message without it).
asan-rust:
	fuzz/asan_tests.sh

## The benchmark: the official Python SDK, our Python wrapper, our C ABI and a
## raw ureq floor, interleaved on a loopback nginx (installed if missing).
## Prints the tables and writes benches/results.md; never fails on a ratio.
bench:
	BENCH_COMMAND="make bench" benches/run.sh

clean:
	$(CARGO) clean
	rm -rf build benches/build benches/floor/target fuzz/target

## Installs the C library: the shared library (SONAME libgenesys_presence.so.$(MAJOR)),
## the static one, the header, a pkg-config file and a CMake package, under
## $(DESTDIR)$(PREFIX). `make uninstall` removes exactly those files.
PREFIX ?= /usr/local
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
MAJOR := $(firstword $(subst ., ,$(VERSION)))
LIBDIR := $(DESTDIR)$(PREFIX)/lib
BINDIR := $(DESTDIR)$(PREFIX)/bin
INCLUDEDIR := $(DESTDIR)$(PREFIX)/include
CMAKEDIR := $(LIBDIR)/cmake/genesys-presence
INSTALLED := $(LIBDIR)/libgenesys_presence.so.$(VERSION) $(LIBDIR)/libgenesys_presence.so.$(MAJOR) \
	$(LIBDIR)/libgenesys_presence.so $(LIBDIR)/libgenesys_presence.a \
	$(INCLUDEDIR)/genesys_presence.h $(INCLUDEDIR)/genesys_presence.hpp \
	$(LIBDIR)/pkgconfig/genesys-presence.pc \
	$(CMAKEDIR)/genesys-presenceConfig.cmake $(CMAKEDIR)/genesys-presenceConfigVersion.cmake \
	$(BINDIR)/genesys-presence

install: build cli
	install -d $(LIBDIR)/pkgconfig $(INCLUDEDIR) $(CMAKEDIR) $(BINDIR)
	install -m 755 $(CLI) $(BINDIR)/genesys-presence
	install -m 755 $(RELEASE_DIR)/libgenesys_presence.so $(LIBDIR)/libgenesys_presence.so.$(VERSION)
	ln -sf libgenesys_presence.so.$(VERSION) $(LIBDIR)/libgenesys_presence.so.$(MAJOR)
	ln -sf libgenesys_presence.so.$(MAJOR) $(LIBDIR)/libgenesys_presence.so
	install -m 644 $(RELEASE_DIR)/libgenesys_presence.a $(LIBDIR)/libgenesys_presence.a
	install -m 644 include/genesys_presence.h include/genesys_presence.hpp $(INCLUDEDIR)/
	sed -e 's#@PREFIX@#$(PREFIX)#g; s#@VERSION@#$(VERSION)#g' packaging/genesys-presence.pc.in \
		> $(LIBDIR)/pkgconfig/genesys-presence.pc
	install -m 644 packaging/genesys-presenceConfig.cmake $(CMAKEDIR)/genesys-presenceConfig.cmake
	sed -e 's#@VERSION@#$(VERSION)#g' packaging/genesys-presenceConfigVersion.cmake.in \
		> $(CMAKEDIR)/genesys-presenceConfigVersion.cmake

uninstall:
	rm -f $(INSTALLED)
	-rmdir $(CMAKEDIR) 2>/dev/null

## Installs into a scratch prefix, builds a C program with pkg-config and a CMake
## project with find_package against it alone, runs both against the sandbox,
## then uninstalls and checks nothing is left (installs cmake from Debian's
## packages when missing).
install-check: sandbox
	tools/install_check.sh
