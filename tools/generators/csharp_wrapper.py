"""The .NET wrapper's operations, ``bindings/csharp/src/PresenceClient.Operations.cs``.

One method per operation of the library's table, under the official .NET SDK's name
(the PascalCase ``operationId``). Written by ``tools/generate.py``.
"""

import json

#: Where the rendered source goes, from the repository's root.
OUTPUT = "bindings/csharp/src/PresenceClient.Operations.cs"

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
    raise SystemExit("csharp_wrapper: unknown permissions mode %r" % mode)


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
            raise SystemExit("csharp_wrapper: %s: unknown parameter type %r" % (op_id, param["type"]))
        if param["in"] not in ("path", "query"):
            raise SystemExit("csharp_wrapper: %s: unknown parameter location %r" % (op_id, param["in"]))

    # Arguments: required parameters in table order, then the body, then optional ones.
    required = [p for p in params if p["required"]]
    optional = [p for p in params if not p["required"]]
    arguments = ["%s %s" % (PARAM_TYPES[p["type"]][0], identifier(p["name"])) for p in required]
    if operation["body"]:
        arguments.append("%s body" % body_type(operation["body"]))
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
        doc.append("/// <param name=\"body\">The request body: %s.</param>" % payload(operation["body"], ""))
    for p in optional:
        note = ", sent comma-joined" if p["type"] == "array" else ""
        doc.append("/// <param name=\"%s\">%s (%s, optional%s; null leaves it out).</param>"
                   % (p["name"], clause(p["description"]), p["in"], note))
    returns = "The response: %s." % payload(operation["response"], "") if operation["response"] else None
    nullable = [p["name"] for p in required if p["type"] != "integer"] + (["body"] if operation["body"] else [])
    exceptions = []
    if nullable:
        names = " or ".join("<paramref name=\"%s\"/>" % n for n in nullable)
        exceptions.append("/// <exception cref=\"ArgumentNullException\">%s is null.</exception>" % names)
    exceptions.append("/// <exception cref=\"PresenceException\">The call failed; <see cref=\"PresenceException.Kind\"/> says how.</exception>")
    exceptions.append("/// <exception cref=\"ObjectDisposedException\">The client was disposed.</exception>")

    obsolete = []
    if operation["deprecated"]:
        message = "Deprecated by the API"
        if replaced_text:
            message += ": use %s" % replaced_text
            if replaced_name:
                message += " (%s)" % replaced_name
        obsolete.append("[Obsolete(%s)]" % json.dumps(message + "."))

    result = result_type(operation["response"])
    reader = result_reader(operation["response"])
    builder = name + "Params"
    argument_names = [identifier(p["name"]) for p in required] + (["body"] if operation["body"] else [])
    argument_names += [identifier(p["name"]) for p in optional]
    call_arguments = ", ".join(argument_names)

    sync = doc + (["/// <returns>%s</returns>" % returns] if returns else []) + exceptions + obsolete
    sync.append("public %s %s(%s)" % (result or "void", name, ", ".join(arguments)))
    sync.append("{")
    invoke = "Invoke(%s, %s(%s))" % (json.dumps(op_id), builder, call_arguments)
    sync.append("    %s;" % ("return %s" % reader(invoke) if result else invoke))
    sync.append("}")

    async_doc = list(doc)
    async_doc.insert(doc.index("/// </remarks>"), "/// <para>The call runs on a thread of its own; cancelling <paramref name=\"cancellationToken\"/> stops it in the native library within one round trip and cancels the task.</para>")
    async_doc.append("/// <param name=\"cancellationToken\">Stops the call (optional).</param>")
    async_doc.append("/// <returns>A task of %s</returns>" % (returns[0].lower() + returns[1:] if returns else "no result: the API returns no body."))
    async_lines = async_doc + exceptions + obsolete
    async_arguments = arguments + ["CancellationToken cancellationToken = default(CancellationToken)"]
    async_lines.append("public Task%s %sAsync(%s)" % ("<%s>" % result if result else "", name, ", ".join(async_arguments)))
    async_lines.append("{")
    async_lines.append("    string parameters = %s(%s);" % (builder, call_arguments))
    invoke = "InvokeWith(%s, parameters, null, cancellationToken)" % json.dumps(op_id)
    if result:
        async_lines.append("    return RunAsync(() => %s, cancellationToken);" % reader(invoke))
    else:
        async_lines.append("    return RunAsync(() => { %s; }, cancellationToken);" % invoke)
    async_lines.append("}")

    builder_lines = ["private static string %s(%s)" % (builder, ", ".join(a.replace(" = null", "") for a in arguments)), "{"]
    builder_lines.append("    var p = new ParamsWriter(%s);" % json.dumps(op_id))
    for p in required:
        builder_lines.append("    p.Required(%s, %s);" % (json.dumps(p["name"]), identifier(p["name"])))
    if operation["body"]:
        builder_lines.append("    p.Body(ModelJson.Body(body, \"body\"));")
    for p in optional:
        builder_lines.append("    p.Optional(%s, %s);" % (json.dumps(p["name"]), identifier(p["name"])))
    builder_lines += ["    return p.ToString();", "}"]

    members = [sync, async_lines, builder_lines]
    return "\n\n".join("\n".join("        " + line for line in member) for member in members)


def body_type(payload):
    return "IEnumerable<%s>" % payload["model"] if payload["list"] else payload["model"]


def result_type(payload):
    if payload is None:
        return None
    return "List<%s>" % payload["model"] if payload["list"] else payload["model"]


def result_reader(payload):
    """A function of an expression of the answer's JSON text to the typed result."""
    if payload is None:
        return None
    method = "Many" if payload["list"] else "One"
    return lambda text: "ModelJson.%s(%s, %s.Read, %s)" % (method, text, payload["model"], json.dumps(payload["model"]))


def code_spans(text):
    """Markdown `code` as <c>code</c>, the rest escaped for XML (spacing kept)."""
    escaped = " ".join(text.split()).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    parts = escaped.split("`")
    return "".join(part if i % 2 == 0 else "<c>%s</c>" % part for i, part in enumerate(parts))


def render_helper(helper):
    """A helper past the API's limits (gp_helpers_json): a method over its C function,
    and its <c>Async</c> twin."""
    name, function = pascal(helper["name"]), helper["function"]
    required = [p for p in helper["params"] if p["required"]]
    optional = [p for p in helper["params"] if not p["required"]]
    arguments = [
        "%s %s" % ("IEnumerable<%s>" % p["model"] if p["type"] == "body" else "IEnumerable<string>", identifier(p["name"]))
        for p in required
    ]
    arguments += ["%s %s = null" % (PARAM_TYPES[p["type"]][1], identifier(p["name"])) for p in optional]
    arguments += ["IProgress<BulkProgress> progress = null", "CancellationToken cancellationToken = default(CancellationToken)"]
    doc = ["/// <summary>%s</summary>" % code_spans(" ".join(helper["summary"].split())),
           "/// <remarks><para>C function <c>%s</c>.</para></remarks>" % function]
    for p in required:
        what = ": <c>%s</c> models" % xml(p["model"]) if p.get("model") else ""
        doc.append("/// <param name=\"%s\">%s%s (required).</param>" % (p["name"], clause(p["description"]), what))
    for p in optional:
        doc.append("/// <param name=\"%s\">%s (optional; null leaves it out).</param>"
                   % (p["name"], clause(code_spans(p["description"]))))
    doc.append("/// <param name=\"progress\">Told after each request how far the call got (optional).</param>")
    doc.append("/// <param name=\"cancellationToken\">Stops the call within one round trip (optional).</param>")
    exceptions = []
    if required:
        names = " or ".join("<paramref name=\"%s\"/>" % p["name"] for p in required)
        exceptions.append("/// <exception cref=\"ArgumentNullException\">%s is null.</exception>" % names)
    exceptions.append("/// <exception cref=\"PresenceException\">The first request that failed, its message saying which;"
                      " <see cref=\"PresenceException.Failures\"/> names every user not read or not set.</exception>")
    exceptions.append("/// <exception cref=\"OperationCanceledException\">The token was cancelled; its inner"
                      " <see cref=\"PresenceException\"/> says which users were done.</exception>")
    exceptions.append("/// <exception cref=\"ObjectDisposedException\">The client was disposed.</exception>")
    result = "List<%s>" % helper["response"]
    reader = 'ModelJson.Many(%%s, %s.Read, "%s")' % (helper["response"], helper["response"])
    builder = name + "Params"
    names = ", ".join(identifier(p["name"]) for p in required + optional)

    sync = doc + ["/// <returns>The <c>%s</c> models.</returns>" % xml(helper["response"])] + exceptions
    sync.append("public %s %s(%s)" % (result, name, ", ".join(arguments)))
    sync.append("{")
    sync.append("    return %s;" % (reader % ("InvokeWith(%s, %s(%s), progress, cancellationToken)" % (json.dumps(helper["name"]), builder, names))))
    sync.append("}")

    async_lines = doc + ["/// <returns>A task of the <c>%s</c> models; cancelled with the token.</returns>" % xml(helper["response"])] + exceptions
    async_lines.append("public Task<%s> %sAsync(%s)" % (result, name, ", ".join(arguments)))
    async_lines.append("{")
    async_lines.append("    string parameters = %s(%s);" % (builder, names))
    async_lines.append("    return RunAsync(() => %s, cancellationToken);" % (reader % ("InvokeWith(%s, parameters, progress, cancellationToken)" % json.dumps(helper["name"]))))
    async_lines.append("}")

    builder_arguments = [a.replace(" = null", "") for a in arguments[:-2]]
    builder_lines = ["private static string %s(%s)" % (builder, ", ".join(builder_arguments)), "{"]
    builder_lines.append("    var p = new ParamsWriter(%s);" % json.dumps(function))
    for p in helper["params"]:
        if p["type"] == "body":
            builder_lines.append("    p.Body(ModelJson.Body(%s, %s));" % (identifier(p["name"]), json.dumps(p["name"])))
        else:
            method = "Required" if p["required"] else "Optional"
            builder_lines.append("    p.%s(%s, %s);" % (method, json.dumps(p["name"]), identifier(p["name"])))
    builder_lines += ["    return p.ToString();", "}"]
    return "\n\n".join("\n".join("        " + line for line in member) for member in (sync, async_lines, builder_lines))


def render(operations, helpers):
    by_endpoint = {"%s %s" % (op["method"], op["path"]): op for op in operations}
    names = [pascal(op["operationId"]) for op in operations] + [pascal(h["name"]) for h in helpers]
    if len(set(names)) != len(names):
        raise SystemExit("csharp_wrapper: two operations or helpers map to one method name")
    methods = [render_operation(op, by_endpoint) for op in sorted(operations, key=lambda op: op["operationId"])]
    methods += [render_helper(helper) for helper in helpers]
    return (
        "// Generated by tools/generate.py from the native library's operation and helper\n"
        "// tables (gp_operations_json, gp_helpers_json); do not edit. Regenerate with\n"
        "// `make generate`.\n"
        "\n"
        "using System;\n"
        "using System.Collections.Generic;\n"
        "using System.Threading;\n"
        "using System.Threading.Tasks;\n"
        "using Genesys.Presence.Model;\n"
        "\n"
        "namespace Genesys.Presence\n"
        "{\n"
        "    public sealed partial class PresenceClient\n"
        "    {\n"
        + "\n\n".join(methods) + "\n"
        "    }\n"
        "}\n"
    )
