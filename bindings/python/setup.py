"""Builds the package with the genesys-presence native library inside it.

``pip install ./bindings/python`` (or ``pip wheel``) compiles the Rust workspace of
this repository (``../../``) with cargo and puts the shared library in the
``genesys_presence`` package folder as ``libgenesys_presence.so``, where ``_ffi.py``
looks for it first. The library is a plain C-ABI library loaded with ctypes, not a
Python extension, so the wheel is tagged ``py3-none-<platform>``: one wheel for every
Python 3, with the platform's glibc floor read off the library as built
(``manylinux_2_NN``). An sdist carries the whole workspace under ``rust/`` and builds
the same wheel from its own contents. Needs a Rust toolchain (rustup.rs); set
``CARGO_TARGET_DIR`` to build somewhere other than the workspace's ``target/``.
"""

import os
import platform
import re
import shutil
import subprocess
import sys

from setuptools import Distribution, setup
from setuptools.command.build_py import build_py as _build_py
from setuptools.command.sdist import sdist as _sdist

try:  # setuptools >= 70 carries bdist_wheel itself
    from setuptools.command.bdist_wheel import bdist_wheel as _bdist_wheel
except ImportError:  # older: the wheel package's
    from wheel.bdist_wheel import bdist_wheel as _bdist_wheel

HERE = os.path.dirname(os.path.abspath(__file__))
# In an sdist, the workspace is under rust/; in the repository, two levels up.
VENDORED = os.path.join(HERE, "rust")
WORKSPACE = VENDORED if os.path.isfile(os.path.join(VENDORED, "Cargo.toml")) else os.path.normpath(
    os.path.join(HERE, "..", "..")
)
# What cargo needs to build the library from the workspace: every member's manifest
# and sources, the lock file (--locked), the build script and its inputs.
WORKSPACE_FILES = ["Cargo.toml", "Cargo.lock", "build.rs", "cbindgen.toml", "README.md", "LICENSE"]
WORKSPACE_DIRS = ["src", "include", os.path.join("sandbox", "src"), os.path.join("cli", "src")]
WORKSPACE_MEMBER_FILES = [os.path.join("sandbox", "Cargo.toml"), os.path.join("cli", "Cargo.toml")]
LIBRARY = {"win32": "genesys_presence.dll", "darwin": "libgenesys_presence.dylib"}.get(
    sys.platform, "libgenesys_presence.so"
)


def crate_version() -> str:
    """The package's version is the crate's: one number for both."""
    with open(os.path.join(WORKSPACE, "Cargo.toml"), encoding="utf-8") as manifest:
        text = manifest.read()
    package = text.split("[package]", 1)[1].split("\n[", 1)[0]
    match = re.search(r'^version\s*=\s*"([^"]+)"', package, re.MULTILINE)
    if not match:
        raise RuntimeError(f"no version in the [package] table of {WORKSPACE}/Cargo.toml")
    return match.group(1)


class build_py(_build_py):
    """Builds the library with cargo and puts it in the package, replacing any
    library a previous build left in build/ (a stale one must never ship)."""

    def run(self):
        super().run()
        target = os.environ.get("CARGO_TARGET_DIR") or os.path.join(WORKSPACE, "target")
        subprocess.run(
            ["cargo", "build", "--release", "--locked", "-p", "genesys-presence",
             "--manifest-path", os.path.join(WORKSPACE, "Cargo.toml"), "--target-dir", target],
            check=True,
        )
        package_dir = os.path.join(self.build_lib, "genesys_presence")
        for name in os.listdir(package_dir):
            if name.startswith(("libgenesys_presence", "genesys_presence.dll")):
                os.remove(os.path.join(package_dir, name))
        shutil.copy2(os.path.join(target, "release", LIBRARY), os.path.join(package_dir, LIBRARY))


def glibc_floor(library: str):
    """The newest GLIBC_2.N symbol version `library` needs, as N; None if unknown."""
    try:
        symbols = subprocess.run(["objdump", "-T", library], check=True, capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    versions = [int(minor) for minor in re.findall(r"GLIBC_2\.(\d+)", symbols)]
    return max(versions) if versions else None


class bdist_wheel(_bdist_wheel):
    """A platform wheel for any Python 3: py3-none-manylinux_2_NN_<arch>."""

    def finalize_options(self):
        super().finalize_options()
        self.root_is_pure = False  # the library goes to platlib

    def get_tag(self):
        plat = super().get_tag()[2]
        if sys.platform.startswith("linux"):
            built = None
            for root, _dirs, files in os.walk(self.bdist_dir or "."):
                if LIBRARY in files:
                    built = os.path.join(root, LIBRARY)
                    break
            floor = glibc_floor(built) if built else None
            machine = platform.machine()
            plat = f"manylinux_2_{floor}_{machine}" if floor else f"linux_{machine}"
        return "py3", "none", plat


class sdist(_sdist):
    """Carries the Rust workspace under rust/, so that the sdist builds on its own."""

    def make_release_tree(self, base_dir, files):
        super().make_release_tree(base_dir, files)
        if WORKSPACE == VENDORED:
            return  # an sdist of an sdist: rust/ is among the files already
        vendored = os.path.join(base_dir, "rust")
        for name in WORKSPACE_FILES + WORKSPACE_MEMBER_FILES:
            os.makedirs(os.path.dirname(os.path.join(vendored, name)), exist_ok=True)
            shutil.copy2(os.path.join(WORKSPACE, name), os.path.join(vendored, name))
        for name in WORKSPACE_DIRS:
            shutil.copytree(os.path.join(WORKSPACE, name), os.path.join(vendored, name))


class BinaryDistribution(Distribution):
    """Not pure Python: it carries a native library."""

    def has_ext_modules(self):
        return True


setup(
    version=crate_version(),
    distclass=BinaryDistribution,
    cmdclass={"build_py": build_py, "bdist_wheel": bdist_wheel, "sdist": sdist},
)
