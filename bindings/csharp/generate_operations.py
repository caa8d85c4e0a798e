#!/usr/bin/env python3
"""Writes src/PresenceClient.Operations.cs from the native library's operation table.

The table comes from the built library itself (`gp_operations_json()`, loaded with
ctypes), so the C# methods cannot drift from what the library accepts. The output is
committed; `--check` regenerates it in memory and exits 1 if the committed file differs.

    python3 bindings/csharp/generate_operations.py [--lib PATH] [--check]

The library is `--lib`, else `$GENESYS_PRESENCE_LIB`, else `target/release/` of the repo.
"""

import argparse
import ctypes
import difflib
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUTPUT = os.path.join(HERE, "src", "PresenceClient.Operations.cs")

LIBRARY_FILES = {"linux": "libgenesys_presence.so", "darwin": "libgenesys_presence.dylib", "win32": "genesys_presence.dll"}

# C# keywords that an API parameter name could collide with (escaped with @).
CSHARP_KEYWORDS = set("""
abstract as base bool break byte case catch char checked class const continue decimal default
delegate do double else enum event explicit extern false finally fixed float for foreach goto if
implicit in int interface internal is lock long namespace new null object operator out override
params private protected public readonly ref return sbyte sealed short sizeof stackalloc static
string struct switch this throw true try typeof uint ulong unchecked unsafe ushort using virtual
void volatile while
""".split())

# (C# type of a required argument, of an optional one) by the table's parameter type.
PARAM_TYPES = {
    "string": ("string", "string"),
    "integer": ("int", "int?"),
    "array": ("IEnumerable<string>", "IEnumerable<string>"),
}


def default_library():
    name = LIBRARY_FILES.get(sys.platform, LIBRARY_FILES["linux"])
    return os.environ.get("GENESYS_PRESENCE_LIB") or os.path.join(ROOT, "target", "release", name)


def load_operations(path):
    library = ctypes.CDLL(os.path.abspath(path))
    table = library.gp_operations_json
    table.argtypes = []
    table.restype = ctypes.c_void_p  # a static string: read, never freed
    return json.loads(ctypes.string_at(table()).decode("utf-8"))


def pascal(operation_id):
    return operation_id[0].upper() + operation_id[1:]


def identifier(name):
    return "@" + name if name in CSHARP_KEYWORDS else name


def xml(text):
    text = " ".join((text or "").split())
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def sentence(text):
    text = xml(text)
    return text if text.endswith((".", "!", "?")) else text + "."


def clause(text):
    return xml(text).rstrip(".")


def payload(shape, what):
    """`{"model", "list"}` as prose: 'one `Source` object' or 'a JSON array of ... objects'."""
    if shape["list"]:
        return "a JSON array of <c>%s</c> objects%s" % (xml(shape["model"]), what)
    return "one <c>%s</c> object%s" % (xml(shape["model"]), what)


def permissions(entry):
    mode, names = entry["mode"], ", ".join("<c>%s</c>" % xml(name) for name in entry["list"])
    if mode == "all":
        return "all of " + names
    if mode == "any":
        return "any of " + names
    if mode == "none":
        return "none required"
    if mode == "undocumented":
        return "not documented"
    raise SystemExit("generate_operations.py: unknown permissions mode %r" % mode)


def replacement(operation, by_endpoint):
    """The operation that replaces a deprecated one: (text, method name or None)."""
    text = operation.get("replacedBy")
    if not text:
        return None, None
    target = by_endpoint.get(text)
    return text, pascal(target["operationId"]) if target else None


def render_operation(operation, by_endpoint):
    op_id = operation["operationId"]
    name = pascal(op_id)
    params = operation["params"]
    for param in params:
        if param["type"] not in PARAM_TYPES:
            raise SystemExit("generate_operations.py: %s: unknown parameter type %r" % (op_id, param["type"]))
        if param["in"] not in ("path", "query"):
            raise SystemExit("generate_operations.py: %s: unknown parameter location %r" % (op_id, param["in"]))

    # Arguments: required parameters in table order, then the body, then optional ones.
    required = [p for p in params if p["required"]]
    optional = [p for p in params if not p["required"]]
    arguments = ["%s %s" % (PARAM_TYPES[p["type"]][0], identifier(p["name"])) for p in required]
    if operation["body"]:
        arguments.append("string body")
    arguments += ["%s %s = null" % (PARAM_TYPES[p["type"]][1], identifier(p["name"])) for p in optional]

    doc = ["/// <summary>%s</summary>" % sentence(operation["summary"]), "/// <remarks>"]
    doc.append("/// <para><c>%s %s</c> (operation <c>%s</c>).</para>" % (operation["method"], xml(operation["path"]), op_id))
    if operation.get("description"):
        doc.append("/// <para>%s</para>" % xml(operation["description"]))
    doc.append("/// <para>Permissions: %s.</para>" % permissions(operation["permissions"]))
    replaced_text, replaced_name = replacement(operation, by_endpoint)
    if operation["deprecated"]:
        use = " Use <c>%s</c>" % xml(replaced_text) if replaced_text else ""
        if replaced_name:
            use += " (<see cref=\"%s\"/>)" % replaced_name
        doc.append("/// <para>Deprecated by the API.%s</para>" % (use + "." if use else ""))
    doc.append("/// </remarks>")
    for p in required:
        doc.append("/// <param name=\"%s\">%s (%s, required).</param>" % (p["name"], clause(p["description"]), p["in"]))
    if operation["body"]:
        doc.append("/// <param name=\"body\">The request body, as JSON text: %s.</param>" % payload(operation["body"], ""))
    for p in optional:
        note = ", sent comma-joined" if p["type"] == "array" else ""
        doc.append("/// <param name=\"%s\">%s (%s, optional%s; null leaves it out).</param>"
                   % (p["name"], clause(p["description"]), p["in"], note))
    if operation["response"]:
        doc.append("/// <returns>The response: %s, as JSON text.</returns>" % payload(operation["response"], ""))
    else:
        doc.append("/// <returns>The text <c>\"null\"</c>: the API returns no body.</returns>")
    nullable = [p["name"] for p in required if p["type"] != "integer"] + (["body"] if operation["body"] else [])
    if nullable:
        names = " or ".join("<paramref name=\"%s\"/>" % n for n in nullable)
        doc.append("/// <exception cref=\"ArgumentNullException\">%s is null.</exception>" % names)
    doc.append("/// <exception cref=\"PresenceException\">The call failed; <see cref=\"PresenceException.Kind\"/> says how.</exception>")
    doc.append("/// <exception cref=\"ObjectDisposedException\">The client was disposed.</exception>")

    lines = ["        " + line for line in doc]
    if operation["deprecated"]:
        message = "Deprecated by the API"
        if replaced_text:
            message += ": use %s" % replaced_text
            if replaced_name:
                message += " (%s)" % replaced_name
        lines.append("        [Obsolete(%s)]" % json.dumps(message + "."))
    lines.append("        public string %s(%s)" % (name, ", ".join(arguments)))
    lines.append("        {")
    lines.append("            var p = new ParamsWriter(%s);" % json.dumps(op_id))
    for p in required:
        lines.append("            p.Required(%s, %s);" % (json.dumps(p["name"]), identifier(p["name"])))
    if operation["body"]:
        lines.append("            p.Body(body);")
    for p in optional:
        lines.append("            p.Optional(%s, %s);" % (json.dumps(p["name"]), identifier(p["name"])))
    lines.append("            return Invoke(%s, p.ToString());" % json.dumps(op_id))
    lines.append("        }")
    return "\n".join(lines)


def render(operations):
    by_endpoint = {"%s %s" % (op["method"], op["path"]): op for op in operations}
    names = [pascal(op["operationId"]) for op in operations]
    if len(set(names)) != len(names):
        raise SystemExit("generate_operations.py: two operations map to one method name")
    body = "\n\n".join(render_operation(op, by_endpoint) for op in sorted(operations, key=lambda op: op["operationId"]))
    return (
        "// Generated by bindings/csharp/generate_operations.py from the native library's\n"
        "// operation table (gp_operations_json); do not edit. Regenerate after changing the table.\n"
        "\n"
        "using System;\n"
        "using System.Collections.Generic;\n"
        "\n"
        "namespace Genesys.Presence\n"
        "{\n"
        "    public sealed partial class PresenceClient\n"
        "    {\n"
        + body + "\n"
        "    }\n"
        "}\n"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lib", default=default_library(), help="the built native library")
    parser.add_argument("--check", action="store_true", help="fail if the committed file is out of date")
    args = parser.parse_args()
    if not os.path.exists(args.lib):
        sys.exit("generate_operations.py: %s not found: build it with `cargo build --release` "
                 "or pass --lib / set GENESYS_PRESENCE_LIB" % args.lib)
    text = render(load_operations(args.lib))
    relative = os.path.relpath(OUTPUT, ROOT)
    if args.check:
        try:
            with open(OUTPUT, encoding="utf-8", newline="") as f:
                committed = f.read()
        except FileNotFoundError:
            committed = ""
        if committed != text:
            diff = difflib.unified_diff(committed.splitlines(True), text.splitlines(True),
                                        relative + " (committed)", relative + " (from the library)")
            sys.stderr.writelines(list(diff)[:80])
            sys.exit("%s is out of date: run python3 bindings/csharp/generate_operations.py" % relative)
        print("%s is up to date (%d operations)" % (relative, text.count("return Invoke(")))
        return
    with open(OUTPUT, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    print("wrote %s" % relative)


if __name__ == "__main__":
    main()
