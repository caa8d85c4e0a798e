"""The README's generated sections: each sits between a begin and an end marker, and
everything else in the README is left as it is. Written by ``tools/generate.py``."""

#: The file, from the repository's root.
OUTPUT = "README.md"


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


def begin_marker(name):
    return f"<!-- BEGIN GENERATED {name}: tools/generate.py writes this; run `make generate` -->"


def end_marker(name):
    return f"<!-- END GENERATED {name} -->"


def render(operations, helpers, config_keys, current):
    """``current`` (the README's text) with every generated section rewritten."""
    text = current
    for name, body in sections(operations, helpers, config_keys).items():
        begin, end = begin_marker(name), end_marker(name)
        if text.count(begin) != 1 or text.count(end) != 1:
            raise SystemExit(f"{OUTPUT}: needs exactly one '{begin}' and one '{end}'")
        head, rest = text.split(begin)
        _, tail = rest.split(end)
        text = f"{head}{begin}\n{body}\n{end}{tail}"
    return text
