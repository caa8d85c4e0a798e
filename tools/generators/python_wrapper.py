"""The Python wrapper's operations, ``bindings/python/genesys_presence/_operations.py``.

One method per operation of the library's table, named and parameterised as in the
official Python SDK (``PureCloudPlatformClientV2``): ``getUserPresencesPurecloud(userId)``
becomes ``get_user_presences_purecloud(user_id)``. Written by ``tools/generate.py``.
"""

from __future__ import annotations

import json
import keyword
import re
import textwrap
from typing import Any, Dict, List, Optional, Tuple

#: Where the rendered source goes, from the repository's root.
OUTPUT = "bindings/python/genesys_presence/_operations.py"

WIDTH = 88
INDENT = "    "


def snake_case(name: str) -> str:
    """``getUserPresencesPurecloud`` -> ``get_user_presences_purecloud``, as the SDK names it."""
    name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    snake = name.lower()
    return snake + "_" if keyword.iskeyword(snake) else snake


def _doc_text(text: str) -> str:
    """Text safe inside a triple-quoted docstring."""
    return " ".join(text.split()).replace("\\", "\\\\").replace('"""', '\\"\\"\\"')


_NO_BREAK = "\x00"


def _wrap(text: str, indent: str, subsequent: Optional[str] = None) -> List[str]:
    """Wraps ``text``, never inside a ````literal```` span."""
    text = re.sub(r"``[^`]*``", lambda span: span.group(0).replace(" ", _NO_BREAK), text)
    lines = textwrap.wrap(
        text,
        width=WIDTH,
        initial_indent=indent,
        subsequent_indent=indent if subsequent is None else subsequent,
        break_long_words=False,
        break_on_hyphens=False,
    ) or [indent.rstrip()]
    return [line.replace(_NO_BREAK, " ") for line in lines]


def _payload_hint(payload: Optional[Dict[str, Any]], *, argument: bool) -> str:
    if payload is None:
        return "None"
    model = payload["model"]
    if argument:
        one = f"Union[{model}, Mapping[str, Any]]"
        return f"Sequence[{one}]" if payload["list"] else one
    return f"List[{model}]" if payload["list"] else model


def _payload_words(payload: Dict[str, Any], *, argument: bool) -> str:
    model = payload["model"]
    if argument:
        if payload["list"]:
            return f"a list of :class:`~genesys_presence.models.{model}` (or dicts of its JSON)"
        return f"a :class:`~genesys_presence.models.{model}` (or a dict of its JSON)"
    if payload["list"]:
        return f"a list of :class:`~genesys_presence.models.{model}`"
    return f"a :class:`~genesys_presence.models.{model}`"


def _query_hint(param: Dict[str, Any]) -> str:
    kind = param["type"]
    if kind == "integer":
        return "Optional[int]"
    if kind == "array":
        return "Optional[Sequence[str]]"
    # The library sends a boolean as true/false, as the official SDK does.
    return "Union[str, bool, None]"


def _permissions(permissions: Dict[str, Any]) -> str:
    mode, names = permissions["mode"], permissions["list"]
    if mode == "undocumented":
        return "not documented."
    if mode == "none" or not names:
        return "none."
    return f"{mode} of " + ", ".join(f"``{name}``" for name in names) + "."


def _signature(name: str, parameters: List[str], returns: str) -> List[str]:
    one_line = f"{INDENT}def {name}(" + ", ".join(["self"] + parameters) + f") -> {returns}:"
    if len(one_line) <= WIDTH:
        return [one_line]
    lines = [f"{INDENT}def {name}(", f"{INDENT * 2}self,"]
    lines += [f"{INDENT * 2}{parameter}," for parameter in parameters]
    lines.append(f"{INDENT}) -> {returns}:")
    return lines


def _call_line(
    operation_id: str,
    pairs: List[str],
    call: str = "_operation",
    extra: List[str] = (),
    returns: Optional[str] = None,
) -> List[str]:
    """``return cast(<returns>, self.<call>("<id>", {<pairs>}, <extra>...))``, or the
    call alone when it returns nothing, wrapped to fit."""
    # A quoted type: nothing to evaluate at run time.
    head = f"{INDENT * 2}self.{call}(" if returns is None else f"{INDENT * 2}return cast(\"{returns}\", self.{call}("
    close = ")" if returns is None else "))"
    tail = "".join(f", {arg}" for arg in extra)
    one_line = f'{head}"{operation_id}", ' + "{" + ", ".join(pairs) + "}" + tail + close
    if len(one_line) <= WIDTH:
        return [one_line]
    lines = [head, f'{INDENT * 3}"{operation_id}",']
    params_line = f"{INDENT * 3}{{" + ", ".join(pairs) + "},"
    if len(params_line) <= WIDTH:
        lines.append(params_line)
    else:
        lines.append(f"{INDENT * 3}{{")
        lines += [f"{INDENT * 4}{pair}," for pair in pairs]
        lines.append(f"{INDENT * 3}}},")
    lines += [f"{INDENT * 3}{arg}," for arg in extra]
    return lines + [f"{INDENT * 2}{close}"]


def _method(
    operation: Dict[str, Any], methods_by_endpoint: Dict[str, str]
) -> Tuple[List[str], List[str]]:
    """The method's source, and its coroutine's (``_async_twin``)."""
    operation_id = operation["operationId"]
    name = snake_case(operation_id)
    path_params = [p for p in operation["params"] if p["in"] == "path"]
    query_params = [p for p in operation["params"] if p["in"] == "query"]
    body = operation["body"]

    parameters = [f"{snake_case(p['name'])}: str" for p in path_params]
    if body is not None:
        parameters.append(f"body: {_payload_hint(body, argument=True)}")
    if query_params:
        parameters.append("*")
        parameters += [f"{snake_case(p['name'])}: {_query_hint(p)} = None" for p in query_params]
    returns = _payload_hint(operation["response"], argument=False)

    doc_indent = INDENT * 2
    doc: List[str] = []
    summary = _doc_text(operation["summary"] or operation_id).rstrip(".") + "."
    doc += _wrap(summary, doc_indent)
    doc[0] = f'{doc_indent}"""{doc[0].strip()}'
    doc.append("")
    doc += _wrap(
        f"``{operation['method']} {operation['path']}`` (operation ``{operation_id}``).", doc_indent
    )
    if operation.get("description"):
        doc.append("")
        doc += _wrap(_doc_text(operation["description"]), doc_indent)
    if operation["deprecated"]:
        replaced_by = operation.get("replacedBy")
        doc += ["", f"{doc_indent}.. deprecated::"]
        text = "Deprecated by the API"
        if replaced_by:
            text += f": use ``{replaced_by}``"
            if replaced_by in methods_by_endpoint:
                text += f" (:meth:`{methods_by_endpoint[replaced_by]}`)"
        text += ". Calling it emits a :class:`DeprecationWarning`."
        doc += _wrap(text, doc_indent + INDENT)

    arg_indent = doc_indent + INDENT
    if operation["params"] or body is not None:
        doc += ["", f"{doc_indent}Args:"]
    for param in path_params:
        doc += _arg_doc(param, arg_indent)
    if body is not None:
        doc += _wrap(f"body: {_payload_words(body, argument=True)}.", arg_indent, arg_indent + INDENT)
    for param in query_params:
        doc += _arg_doc(param, arg_indent)

    doc += ["", f"{doc_indent}Returns:"]
    response = operation["response"]
    words = _payload_words(response, argument=False) if response else ""
    doc += _wrap(
        words[0].upper() + words[1:] + "." if response else "None: the API returns no body.",
        arg_indent,
    )
    doc += ["", f"{doc_indent}Permissions: {_permissions(operation['permissions'])}"]
    doc.append(f'{doc_indent}"""')

    pairs = [f'"{p["name"]}": {snake_case(p["name"])}' for p in operation["params"]]
    if body is not None:
        pairs.append('"body": body')
    extra = [] if response is None else [response["model"]] + (["many=True"] if response["list"] else [])
    call = _call_line(operation_id, pairs, extra=extra, returns=None if response is None else returns)
    return _signature(name, parameters, returns) + doc + call, _async_twin(name, parameters, returns)


def _helper_method(helper: Dict[str, Any]) -> Tuple[List[str], List[str]]:
    """A helper past the API's limits (``gp_helpers_json``): required params positional,
    the rest keyword-only; it answers one list."""
    required = [p for p in helper["params"] if p["required"]]
    optional = [p for p in helper["params"] if not p["required"]]
    hints = {"array": "Sequence[str]"}
    parameters = [
        f"{snake_case(p['name'])}: "
        + (f"Sequence[Union[{p['model']}, Mapping[str, Any]]]" if p["type"] == "body" else hints[p["type"]])
        for p in required
    ]
    parameters.append("*")
    optional_hints = {"integer": "Optional[int]", "string": "Optional[str]"}
    parameters += [f"{snake_case(p['name'])}: {optional_hints[p['type']]} = None" for p in optional]
    parameters += ["progress: Optional[Progress] = None", "cancel: Optional[Cancel] = None"]

    doc_indent, arg_indent = INDENT * 2, INDENT * 3
    doc = _wrap(_doc_text(helper["summary"]).replace("`", "``"), doc_indent)
    doc[0] = f'{doc_indent}"""{doc[0].strip()}'
    doc += ["", f"{doc_indent}Args:"]
    for param in helper["params"]:
        what = f" (``{param['model']}`` models or dicts)" if param.get("model") else ""
        optional_text = "" if param["required"] else "; optional"
        text = f"{snake_case(param['name'])}: {_doc_text(param['description'])}{what}{optional_text}."
        doc += _wrap(text, arg_indent, arg_indent + INDENT)
    # Short: every helper repeats them (README, "Cancelling a call", says more).
    doc.append(f"{arg_indent}progress: callable(done, total) after each request; optional.")
    doc.append(f"{arg_indent}cancel: a :class:`~genesys_presence.Cancel` to stop the call; optional.")
    doc += ["", f"{doc_indent}Returns:"]
    doc += _wrap(f"A list of :class:`~genesys_presence.models.{helper['response']}`.", arg_indent)
    doc += ["", f"{doc_indent}Raises:"]
    doc += _wrap(
        "PresenceError: when some users are not read or not set: the first failure, "
        "its ``failures`` naming each such user.",
        arg_indent,
        arg_indent + INDENT,
    )
    doc += ["", f"{doc_indent}C function: ``{helper['function']}``.", f'{doc_indent}"""']

    # Sequences become lists, the JSON arrays the library reads.
    pairs = [
        f'"{p["name"]}": '
        + (f"list({snake_case(p['name'])})" if p["required"] else snake_case(p["name"]))
        for p in helper["params"]
    ]
    name = snake_case(helper["name"])
    returns = f"List[{helper['response']}]"
    call = _call_line(
        helper["name"], pairs, "_helper", [helper["response"], "progress", "cancel"], returns=returns
    )
    return _signature(name, parameters, returns) + doc + call, _async_twin(name, parameters, returns)


def _async_twin(name: str, parameters: List[str], returns: str) -> List[str]:
    """The coroutine of ``AsyncPresenceOperations`` for the method ``name``: the same
    parameters, the call run by ``AsyncPresenceClient._call`` off the event loop."""
    keyword_only = False
    arguments = [f'"{name}"']
    for parameter in parameters:
        if parameter == "*":
            keyword_only = True
            continue
        argument = parameter.split(":")[0]
        arguments.append(f"{argument}={argument}" if keyword_only else argument)
    lines = _signature(name, parameters, returns)
    lines[0] = lines[0].replace(f"{INDENT}def ", f"{INDENT}async def ", 1)
    lines.append(f'{INDENT * 2}"""The coroutine of :meth:`PresenceClient.{name}`."""')
    call = f"await self._call({', '.join(arguments)})"
    if returns == "None":
        one_line = f"{INDENT * 2}{call}"
    else:
        one_line = f'{INDENT * 2}return cast("{returns}", {call})'
    if len(one_line) <= WIDTH:
        return lines + [one_line]
    head = f"{INDENT * 2}await self._call(" if returns == "None" else f'{INDENT * 2}return cast("{returns}", await self._call('
    close = ")" if returns == "None" else "))"
    return lines + [head] + [f"{INDENT * 3}{argument}," for argument in arguments] + [f"{INDENT * 2}{close}"]


def _arg_doc(param: Dict[str, Any], indent: str) -> List[str]:
    description = _doc_text(param.get("description") or "").rstrip(".")
    name = snake_case(param["name"])
    text = f"{name}: {description}." if description else f"{name}:"
    text += f" {param['in'].capitalize()} parameter ``{param['name']}``"
    if param["type"] == "array":
        text += ", sent comma-joined"
    text += "." if param["required"] else "; optional."
    return _wrap(text, indent, indent + INDENT)


HEADER = '''\
# Generated by tools/generate.py from the library's tables (gp_operations_json,
# gp_helpers_json, gp_config_keys_json); do not edit. Regenerate with `make generate`.
"""The Presence API operations as methods, one per operation of the library's table.

Names follow the official Python SDK (``PureCloudPlatformClientV2.PresenceApi``):
the method is the snake_case ``operationId`` and parameters are the snake_case API
names. Path parameters and ``body`` are positional-or-keyword and required; query
parameters are keyword-only and default to None (not sent). Bodies are models of
:mod:`genesys_presence.models` or dicts of the API's JSON (lists of either for bulk
operations); results are models. Every method goes through
``PresenceClient._operation``; the helpers past the API's per-request limits
(``..._all``) through ``PresenceClient._helper``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Optional, Sequence, Union, cast

if TYPE_CHECKING:  # annotations only: _calls imports the library this module precedes
    from ._calls import Cancel, Progress

__all__ = [
    "AsyncPresenceOperations",
    "CONFIG_KEYWORDS",
    "DEPRECATED_OPERATIONS",
    "OPERATION_METHODS",
    "PresenceOperations",
    "RETRY_KEYWORDS",
]
'''


def _literal(text: Optional[str]) -> str:
    """A Python literal for a string or None, in double quotes."""
    return "None" if text is None else json.dumps(text)


def _keywords(name: str, keys: List[Dict[str, Any]], doc: str) -> List[str]:
    """A dict literal: snake_case keyword -> the library's camelCase key."""
    lines = [f"#: {doc}", f"{name}: Dict[str, str] = {{"]
    lines += [f'    "{snake_case(key["name"])}": "{key["name"]}",' for key in keys]
    return lines + ["}"]


def render(
    operations: List[Dict[str, Any]],
    helpers: List[Dict[str, Any]],
    config_keys: List[Dict[str, Any]],
) -> str:
    """The source of ``_operations.py`` for the operation, helper and config-key tables."""
    methods_by_endpoint = {
        f"{op['method']} {op['path']}": snake_case(op["operationId"]) for op in operations
    }
    names = [snake_case(op["operationId"]) for op in operations]
    names += [snake_case(helper["name"]) for helper in helpers]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise SystemExit(f"operations map to the same method name: {duplicates}")

    (retry,) = [key for key in config_keys if key["name"] == "retry"]
    models = sorted(
        {op[key]["model"] for op in operations for key in ("body", "response") if op[key]}
        | {helper["response"] for helper in helpers}
        | {p["model"] for helper in helpers for p in helper["params"] if p.get("model")}
    )
    imports = "\nfrom .models import (\n" + "".join(f"    {model},\n" for model in models) + ")\n"
    lines = [HEADER.replace("\nif TYPE_CHECKING:", imports + "\nif TYPE_CHECKING:"), ""]
    lines += _keywords(
        "CONFIG_KEYWORDS",
        config_keys,
        "PresenceClient's keywords (in this order) -> the library's config keys.",
    )
    lines.append("")
    lines += _keywords("RETRY_KEYWORDS", retry["keys"], "The ``retry`` dict's keys -> the library's.")
    lines += ["", "#: operationId -> method name.", "OPERATION_METHODS: Dict[str, str] = {"]
    lines += [f'    "{op["operationId"]}": "{snake_case(op["operationId"])}",' for op in operations]
    lines += [
        "}",
        "",
        "#: Deprecated operationId -> the endpoint that replaces it (or None).",
        "DEPRECATED_OPERATIONS: Dict[str, Optional[str]] = {",
    ]
    lines += [
        f'    "{op["operationId"]}": {_literal(op.get("replacedBy"))},'
        for op in operations
        if op["deprecated"]
    ]
    lines += [
        "}",
        "",
        "",
        "class PresenceOperations:",
        '    """One method per Presence API operation and per helper past the API\'s limits;',
        '    mixed into ``PresenceClient``."""',
        "",
        "    def _operation(",
        "        self, operation_id: str, params: Dict[str, Any], model: Any = None, many: bool = False",
        "    ) -> Any:",
        "        raise NotImplementedError",
        "",
        "    def _helper(",
        "        self,",
        "        function: str,",
        "        params: Dict[str, Any],",
        "        model: Any,",
        "        progress: Optional[Progress] = None,",
        "        cancel: Optional[Cancel] = None,",
        "    ) -> Any:",
        "        raise NotImplementedError",
    ]
    coroutines: List[str] = []
    for method, coroutine in [_method(op, methods_by_endpoint) for op in operations] + [
        _helper_method(helper) for helper in helpers
    ]:
        lines += [""] + method
        coroutines += [""] + coroutine
    lines += [
        "",
        "",
        "class AsyncPresenceOperations:",
        '    """A coroutine per method of ``PresenceOperations``, same names and parameters;',
        '    mixed into ``AsyncPresenceClient``."""',
        "",
        "    async def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:",
        "        raise NotImplementedError",
    ]
    return "\n".join(lines + coroutines) + "\n"
