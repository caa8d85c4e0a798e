#!/usr/bin/env python3
"""Copies the C header that build.rs generated (in its OUT_DIR) to include/.

build.rs writes only its own output; this finds where by building the library with
``cargo build --message-format=json`` (the build script's ``out_dir``), so it works
whatever the profile and target directory.

    python3 tools/header.py [cargo build options...]     # or: make header
"""

import json
import os
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HEADER = "genesys_presence.h"


def main():
    command = ["cargo", "build", "--message-format=json", "-p", "genesys-presence"] + sys.argv[1:]
    build = subprocess.run(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    if build.returncode != 0:
        sys.exit(f"header.py: {' '.join(command)} failed")
    out_dirs = [
        message["out_dir"]
        for message in map(json.loads, build.stdout.splitlines())
        if message.get("reason") == "build-script-executed"
        and "genesys-presence" in message.get("package_id", "")
    ]
    if not out_dirs:
        sys.exit("header.py: the build reported no out_dir for genesys-presence")
    source = os.path.join(out_dirs[-1], HEADER)
    target = os.path.join(ROOT, "include", HEADER)
    with open(source, encoding="utf-8") as new:
        header = new.read()
    if os.path.exists(target):
        with open(target, encoding="utf-8") as old:
            if old.read() == header:
                return
    shutil.copyfile(source, target)
    print(f"header.py: updated include/{HEADER}")


if __name__ == "__main__":
    main()
