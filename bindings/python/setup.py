"""Builds the package with the genesys-presence native library inside it.

``pip install ./bindings/python`` compiles the Rust crate of this repository
(``../../Cargo.toml``) with cargo and copies the shared library into the
``genesys_presence`` package folder, where ``_ffi.py`` looks for it first.
Needs a Rust toolchain (rustup.rs). Set ``CARGO_TARGET_DIR`` to build
somewhere other than the repository's ``target/``.
"""

import os
import re

from setuptools import setup
from setuptools_rust import Binding, RustExtension

HERE = os.path.dirname(os.path.abspath(__file__))
CARGO_TOML = os.path.join(HERE, "..", "..", "Cargo.toml")


def crate_version() -> str:
    """The package's version is the crate's: one number for both."""
    with open(CARGO_TOML, encoding="utf-8") as manifest:
        text = manifest.read()
    package = text.split("[package]", 1)[1].split("\n[", 1)[0]
    match = re.search(r'^version\s*=\s*"([^"]+)"', package, re.MULTILINE)
    if not match:
        raise RuntimeError(f"no version in the [package] table of {CARGO_TOML}")
    return match.group(1)


setup(
    version=crate_version(),
    rust_extensions=[
        RustExtension(
            # A plain C-ABI library loaded with ctypes, not a Python extension
            # module; setuptools-rust names the file libgenesys_presence<EXT_SUFFIX>.
            "genesys_presence.libgenesys_presence",
            path=os.path.normpath(CARGO_TOML),
            binding=Binding.NoBinding,
            # Build with the committed Cargo.lock; never rewrite it.
            cargo_manifest_args=["--locked"],
            py_limited_api=False,
        )
    ],
)
