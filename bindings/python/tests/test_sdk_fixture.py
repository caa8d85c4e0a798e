"""Every case the official Python SDK put on the wire, replayed through the wrapper.

``tests/fixtures/official_sdk_requests.json`` holds, per case, the inputs under
the API's parameter names and the request the SDK sent. Each case goes through
the matching method (parameters renamed to snake_case, body as given) against a
capture server, and the request must match: method, decoded path, decoded query
pairs, JSON body, and the Authorization/Accept/Content-Type headers.

Where we deliberately differ from the SDK, the test says so and checks it:
- an id containing ``/`` is sent as ``%2F`` and stays in its path segment (the
  SDK sends it raw, splitting the segment: a path-injection hole);
- an id that is empty, ``.`` or ``..`` is refused before anything is sent (the
  SDK sends a path that servers resolve to a different endpoint);
- an empty list query parameter is not sent (the SDK sends ``name=``);
- a ``None`` field in a body dict is sent as ``null`` (the caller's JSON as
  given; the SDK's models drop unset fields).
"""

from __future__ import annotations

import json
import warnings
from typing import Any, Dict, List, Tuple
from urllib.parse import parse_qsl, quote, unquote

import pytest

from support import TOKEN, empty_reply, load_fixture, operations_by_id

from genesys_presence import InvalidArgumentError, PresenceClient, models
from genesys_presence._operations import DEPRECATED_OPERATIONS, OPERATION_METHODS

CASES = load_fixture()
OPERATIONS = operations_by_id()
REFUSED_IDS = ("", ".", "..")


def snake_case(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in name)


def segments(raw_path: str) -> List[str]:
    """The path's segments, each percent-decoded."""
    return [unquote(segment) for segment in raw_path.split("/")]


def normalized(raw_path: str) -> List[str]:
    """The path's segments as servers and proxies see it: empty segments
    collapsed, "." and ".." resolved (RFC 3986 section 5.2.4)."""
    out: List[str] = []
    for segment in raw_path.split("/"):
        if segment == "..":
            out = out[:-1]
        elif segment not in ("", "."):
            out.append(segment)
    return [""] + out


def expected_path(operation: Dict[str, Any], params: Dict[str, Any]) -> Tuple[str, List[str]]:
    """The raw path we must send (every byte but RFC 3986 unreserved characters
    percent-encoded), and its segments as the server decodes them."""
    raw, decoded = [], []
    for segment in operation["path"].split("/"):
        if segment.startswith("{"):
            value = params[segment[1:-1]]
            raw.append(quote(value, safe=""))
            decoded.append(value)
        else:
            raw.append(segment)
            decoded.append(segment)
    return "/".join(raw), decoded


def query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return ",".join(quote(item, safe="") for item in value)
    return quote(value, safe="")


def expected_query(operation: Dict[str, Any], params: Dict[str, Any]) -> str:
    """The raw query we must send: table order, ``%20`` for spaces, list items
    joined with literal commas (commas inside an item are ``%2C``), empty lists
    and None left out."""
    pairs = []
    for param in operation["params"]:
        value = params.get(param["name"])
        if param["in"] == "query" and value is not None and value != []:
            pairs.append(f"{param['name']}={query_value(value)}")
    return "&".join(pairs)


def without_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: without_none(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [without_none(item) for item in value]
    return value


def call_method(client: PresenceClient, case: Dict[str, Any]) -> Any:
    """Calls the case's method with snake_case keywords, checking the
    DeprecationWarning of deprecated operations (and its absence otherwise)."""
    operation_id = case["operationId"]
    kwargs = {snake_case(name): value for name, value in case["params"].items()}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            return getattr(client, OPERATION_METHODS[operation_id])(**kwargs)
        finally:
            deprecations = [w for w in caught if issubclass(w.category, DeprecationWarning)]
            assert len(deprecations) == (1 if operation_id in DEPRECATED_OPERATIONS else 0)


@pytest.mark.parametrize(
    "case", CASES, ids=[f"{case['operationId']}: {case['case']}" for case in CASES]
)
def test_matches_official_sdk(client, server, case):
    operation = OPERATIONS[case["operationId"]]
    params, sent = case["params"], case["sent"]
    server.responder = lambda request: empty_reply(operation)

    path_ids = {p["name"]: params[p["name"]] for p in operation["params"] if p["in"] == "path"}
    if any(value in REFUSED_IDS for value in path_ids.values()):
        # Deliberate difference: we refuse, the SDK sent a path that means
        # another endpoint (/users/../presences -> /presences, /users//...).
        with pytest.raises(InvalidArgumentError, match="must not be"):
            call_method(client, case)
        assert server.requests == []
        assert len(normalized(sent["path"])) < len(operation["path"].split("/"))
        return

    result = call_method(client, case)
    response = operation["response"]
    empty = None if response is None else [] if response["list"] else getattr(models, response["model"])()
    assert result == empty
    request = server.only_request()

    assert request.method == sent["method"]

    raw_path, decoded_segments = expected_path(operation, params)
    assert request.path == raw_path
    assert segments(request.path) == decoded_segments
    if any("/" in value for value in path_ids.values()):
        # Deliberate difference: the SDK sends "/" raw, splitting the id into
        # two segments; we send %2F. Same characters once decoded.
        assert segments(sent["path"]) != decoded_segments
        assert unquote(sent["path"]) == unquote(request.path)
        assert "%2F" in request.path
    else:
        assert segments(sent["path"]) == decoded_segments

    assert request.query == expected_query(operation, params)
    ours = parse_qsl(request.query, keep_blank_values=True)
    theirs = parse_qsl(sent["query"], keep_blank_values=True)
    for param in operation["params"]:
        name = param["name"]
        if param["in"] == "query" and params.get(name) == []:
            # Deliberate difference: an empty list is not sent; the SDK sends "name=".
            assert (name, "") in theirs and name not in dict(ours)
            theirs.remove((name, ""))
    assert ours == theirs

    if operation["body"] is None:
        assert request.body == b""
        assert sent["body"] is None
    else:
        body = json.loads(request.body)
        assert body == params["body"]  # the caller's JSON, as given
        if without_none(params["body"]) != params["body"]:
            # Deliberate difference: the SDK drops None fields; we send null.
            assert sent["body"] == without_none(params["body"]) != body
        else:
            assert body == sent["body"]

    for header in ("authorization", "accept", "content-type"):
        assert request.headers.get(header) == sent["headers"][header], header
    assert request.headers["authorization"] == f"Bearer {TOKEN}"


FIRST_CASES = {}
for _case in CASES:
    FIRST_CASES.setdefault(_case["operationId"], _case)


@pytest.mark.parametrize("operation_id", sorted(FIRST_CASES))
def test_call_by_operation_id_sends_the_same_request(client, server, operation_id):
    """``call(operationId, params)`` and the generated method take one path."""
    case = FIRST_CASES[operation_id]
    server.responder = lambda request: empty_reply(OPERATIONS[operation_id])
    call_method(client, case)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        client.call(operation_id, case["params"])
    by_method, by_call = server.requests
    assert by_method == by_call


def test_every_operation_has_fixture_cases():
    assert set(FIRST_CASES) == set(OPERATIONS)
