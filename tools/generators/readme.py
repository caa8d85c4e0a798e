"""The READMEs' generated sections: each sits between a begin and an end marker, and
everything else in the README is left as it is. Written by ``tools/generate.py``."""

from .python_wrapper import snake_case

#: The files, from the repository's root.
OUTPUT = "README.md"
PYTHON_OUTPUT = "bindings/python/README.md"
CSHARP_OUTPUT = "bindings/csharp/README.md"


def operations_table(operations):
    lines = ["| operationId | endpoint | C function |", "| --- | --- | --- |"]
    for op in sorted(operations, key=lambda op: op["operationId"].lower()):
        deprecated = " (deprecated)" if op["deprecated"] else ""
        lines.append(
            f"| `{op['operationId']}`{deprecated} | `{op['method']} {op['path']}` "
            f"| `{op['function']}` |"
        )
    return "\n".join(lines)


def helpers_table(helpers):
    lines = ["| C function | params JSON | does |", "| --- | --- | --- |"]
    for helper in helpers:
        params = ", ".join(
            f"`{p['name']}`" + ("" if p["required"] else " (optional)") for p in helper["params"]
        )
        summary = " ".join(helper["summary"].split())
        lines.append(f"| `{helper['function']}` | {params} | {summary} |")
    return "\n".join(lines)


def config_table(config_keys):
    lines = ["| key | type | meaning | default |", "| --- | --- | --- | --- |"]
    for key in config_keys:
        key_type = key["type"]
        if key.get("choices"):
            key_type = " or ".join(f"`\"{choice}\"`" for choice in key["choices"])
        default = key["default"] or "none"
        lines.append(f"| `{key['name']}` | {key_type} | {' '.join(key['doc'].split())} | {default} |")
    return "\n".join(lines)


def sections(operations, helpers, config_keys):
    """{section name: its generated Markdown}."""
    return {
        "operations": operations_table(operations),
        "helpers": helpers_table(helpers),
        "config": config_table(config_keys),
    }


def _returns(payload):
    if payload is None:
        return "`None`"
    return f"`list[{payload['model']}]`" if payload["list"] else f"`{payload['model']}`"


def _call(receiver, method, positional, keywords):
    arguments = list(positional) + [f"{name}=…" for name in keywords]
    return f"`{receiver}.{method}({', '.join(arguments)})`"


def migration_table(operations, helpers, sdk_methods):
    """Official SDK call -> ours, for every operation (``sdk_methods``: the SDK's
    ``PresenceApi`` methods, {name: [positional, all parameters, deprecated]})."""
    lines = [
        "| official SDK (`api = PresenceApi()`) | genesys-presence (`client = PresenceClient(...)`) | returns |",
        "| --- | --- | --- |",
    ]
    for op in sorted(operations, key=lambda op: snake_case(op["operationId"])):
        method = snake_case(op["operationId"])
        ours = [snake_case(p["name"]) for p in op["params"] if p["in"] == "path"] + (["body"] if op["body"] else [])
        our_keywords = [snake_case(p["name"]) for p in op["params"] if p["in"] == "query"]
        if method in sdk_methods:
            positional, every, _ = sdk_methods[method]
            official = _call("api", method, positional, [name for name in every if name not in positional])
        else:
            official = "(not in the SDK's snapshot)"
        deprecated = " (deprecated by the API)" if op["deprecated"] else ""
        lines.append(
            f"| {official}{deprecated} "
            f"| {_call('client', method, ours, our_keywords)} | {_returns(op['response'])} |"
        )
    for helper in helpers:
        method = snake_case(helper["name"])
        required = [snake_case(p["name"]) for p in helper["params"] if p["required"]]
        optional = [snake_case(p["name"]) for p in helper["params"] if not p["required"]]
        lines.append(
            f"| (a loop of your own) | {_call('client', method, required, optional + ['progress', 'cancel'])} "
            f"| `list[{helper['response']}]` |"
        )
    return "\n".join(lines)


def csharp_migration_table(operations, helpers):
    """Official .NET SDK call -> ours, for every operation: the same names and parameters
    (the API's, camelCase), models for bodies and results."""
    def csharp(name):
        return name[0].upper() + name[1:]

    lines = [
        "| official SDK (`var api = new PresenceApi();`) | genesys-presence (`var client = new PresenceClient(options);`) | returns |",
        "| --- | --- | --- |",
    ]
    for op in sorted(operations, key=lambda op: op["operationId"].lower()):
        method = csharp(op["operationId"])
        required = [p["name"] for p in op["params"] if p["required"]] + (["body"] if op["body"] else [])
        optional = [p["name"] for p in op["params"] if not p["required"]]
        arguments = ", ".join(required + ["%s: …" % name for name in optional])
        result = op["response"]
        returns = "—" if result is None else (
            "`List<%s>`" % result["model"] if result["list"] else "`%s`" % result["model"])
        deprecated = " (deprecated by the API)" if op["deprecated"] else ""
        lines.append("| `api.%s(%s)`, `…Async`%s | `client.%s(%s)`, `…Async(…, cancellationToken)` | %s |"
                     % (method, arguments, deprecated, method, arguments, returns))
    for helper in helpers:
        method = csharp(helper["name"])
        required = [p["name"] for p in helper["params"] if p["required"]]
        lines.append("| (a loop of your own) | `client.%s(%s, …, progress, cancellationToken)`, `…Async` | `List<%s>` |"
                     % (method, ", ".join(required), helper["response"]))
    return "\n".join(lines)


def render_csharp(operations, helpers, current):
    """``current`` (the .NET wrapper's README) with its migration table rewritten."""
    return rewrite(CSHARP_OUTPUT, {"csharp-migration": csharp_migration_table(operations, helpers)}, current)


def begin_marker(name):
    return f"<!-- BEGIN GENERATED {name}: tools/generate.py writes this; run `make generate` -->"


def end_marker(name):
    return f"<!-- END GENERATED {name} -->"


def render(operations, helpers, config_keys, current):
    """``current`` (the README's text) with every generated section rewritten."""
    return rewrite(OUTPUT, sections(operations, helpers, config_keys), current)


def render_python(operations, helpers, sdk_methods, current):
    """``current`` (the Python wrapper's README) with its migration table rewritten."""
    return rewrite(PYTHON_OUTPUT, {"python-migration": migration_table(operations, helpers, sdk_methods)}, current)


def rewrite(path, generated, current):
    """``current`` (the text of ``path``) with each of ``generated`` ({section name:
    Markdown}) between its markers."""
    text = current
    for name, body in generated.items():
        begin, end = begin_marker(name), end_marker(name)
        if text.count(begin) != 1 or text.count(end) != 1:
            raise SystemExit(f"{path}: needs exactly one '{begin}' and one '{end}'")
        head, rest = text.split(begin)
        _, tail = rest.split(end)
        text = f"{head}{begin}\n{body}\n{end}{tail}"
    return text
