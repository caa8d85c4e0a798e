#!/usr/bin/env python3
"""Writes every file generated from the library's tables (operations, helpers, config
keys) and the API's models (``spec/models.json``): the Python wrapper's operation code
and models, the .NET wrapper's operation code and options, and the README's generated
sections.

The tables come from the built library itself (``gp_operations_json()``,
``gp_helpers_json()`` and ``gp_config_keys_json()``, loaded with ctypes), so nothing
generated can drift from what the library accepts. The output is
committed; ``--check`` renders it in memory and exits 1, with a diff, when a committed
file differs (CI runs it).

    python3 tools/generate.py [--lib PATH] [--check]      # or: make generate

The library is ``--lib``, else ``$GENESYS_PRESENCE_LIB``, else ``target/release/``.
"""

import argparse
import ctypes
import difflib
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from generators import (  # noqa: E402
    csharp_models,
    csharp_options,
    csharp_wrapper,
    python_models,
    python_wrapper,
    readme,
)

#: The official SDK's ``PresenceApi`` methods, recorded from it (tests/official_sdk/).
SDK_METHODS = "tests/fixtures/official_sdk_presence_methods.json"

LIBRARY_FILES = {
    "linux": "libgenesys_presence.so",
    "darwin": "libgenesys_presence.dylib",
    "win32": "genesys_presence.dll",
}


def default_library():
    name = LIBRARY_FILES.get(sys.platform, LIBRARY_FILES["linux"])
    return os.environ.get("GENESYS_PRESENCE_LIB") or os.path.join(ROOT, "target", "release", name)


def load_tables(path):
    """The operation, helper and config-key tables of the library at ``path``."""
    library = ctypes.CDLL(os.path.abspath(path))
    tables = []
    for name in ("gp_operations_json", "gp_helpers_json", "gp_config_keys_json"):
        table = getattr(library, name)
        table.argtypes = []
        table.restype = ctypes.c_void_p  # a static string: read, never freed
        tables.append(json.loads(ctypes.string_at(table()).decode("utf-8")))
    return tables


def read(relative):
    try:
        with open(os.path.join(ROOT, relative), encoding="utf-8", newline="") as file:
            return file.read()
    except FileNotFoundError:
        return ""


def outputs(operations, helpers, config_keys):
    """[(path from the root, the text it should hold)]."""
    spec = json.loads(read(python_models.SPEC))
    return [
        (python_wrapper.OUTPUT, python_wrapper.render(operations, helpers, config_keys)),
        (python_models.OUTPUT, python_models.render(spec)),
        (csharp_wrapper.OUTPUT, csharp_wrapper.render(operations, helpers)),
        (csharp_options.OUTPUT, csharp_options.render(config_keys)),
        (csharp_models.OUTPUT, csharp_models.render(spec)),
        (readme.OUTPUT, readme.render(operations, helpers, config_keys, read(readme.OUTPUT))),
        (readme.CSHARP_OUTPUT, readme.render_csharp(operations, helpers, read(readme.CSHARP_OUTPUT))),
        (readme.PYTHON_OUTPUT, readme.render_python(
            operations, helpers, json.loads(read(SDK_METHODS)), read(readme.PYTHON_OUTPUT))),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lib", default=default_library(), help="the built native library")
    parser.add_argument("--check", action="store_true", help="fail if a committed file is stale")
    args = parser.parse_args()
    if not os.path.exists(args.lib):
        sys.exit(f"generate.py: {args.lib} not found: build it with `cargo build --release`, "
                 "or pass --lib / set GENESYS_PRESENCE_LIB")
    operations, helpers, config_keys = load_tables(args.lib)
    stale = []
    for relative, text in outputs(operations, helpers, config_keys):
        committed = read(relative)
        if committed == text:
            continue
        if args.check:
            diff = difflib.unified_diff(committed.splitlines(True), text.splitlines(True),
                                        relative + " (committed)", relative + " (generated)")
            sys.stderr.writelines(list(diff)[:80])
            stale.append(relative)
        else:
            with open(os.path.join(ROOT, relative), "w", encoding="utf-8", newline="\n") as file:
                file.write(text)
            print(f"wrote {relative}")
    if stale:
        sys.exit("stale, run `make generate`: " + ", ".join(stale))
    print(f"generated files up to date ({len(operations)} operations, {len(helpers)} helpers, "
          f"{len(config_keys)} config keys)")


if __name__ == "__main__":
    main()
