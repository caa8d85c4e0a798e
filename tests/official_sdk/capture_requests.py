"""Capture the exact HTTP requests the official Genesys Cloud Python SDK sends
for every PresenceApi operation.

What it captures
    For each of the operations in /work/shared/spec/operations.json (the
    Presence API) this script calls the corresponding method of the official
    SDK ``PureCloudPlatformClientV2`` 269.0.0 (``PresenceApi``), usually several
    times with different inputs (no/all query params, list params with 1 and 3
    values, bool vs string flags, path params containing reserved, percent,
    slash and non-ASCII characters, realistic request bodies built with the
    SDK's model classes).  The SDK is pointed at a throw-away HTTP server on
    127.0.0.1 (random port) that records the method, the raw request target
    (path and query exactly as received, before any decoding), the headers and
    the raw body of every request, and answers 200 with ``{}`` or ``[]``.

Why
    genesys-presence (our Rust C-ABI client) must put the same bytes on the
    wire as the official SDK.  Our tests replay every case of the fixture
    (``params`` = inputs, keyed by the API's parameter names) through our
    library and compare the resulting request with ``sent``.

Output
    tests/fixtures/official_sdk_requests.json: a JSON array (sorted keys,
    2-space indent, UTF-8), one entry per case:
        {"operationId", "case", "params": {...}, "sent": {"method", "path",
         "query", "headers", "body"}}
    ``sent.headers`` has lower-cased names; ``host`` (it contains the random
    port) and hop-by-hop headers (connection, keep-alive, te, trailer,
    transfer-encoding, upgrade, proxy-*) are left out.  ``sent.body`` is the
    request body parsed as JSON, or null when no body was sent (check
    ``content-length`` to tell "no body" from a literal ``null``).
    Datetimes in ``params.body`` are given as the string Python's
    ``datetime.isoformat()`` yields for the datetime object handed to the SDK.

How to regenerate (no network access needed; the SDK only talks to 127.0.0.1)
    python3 -m venv /work/venv-sdk
    /work/venv-sdk/bin/pip install PureCloudPlatformClientV2==269.0.0
    cd <repo root> && /work/venv-sdk/bin/python tests/official_sdk/capture_requests.py
    (The capture was made with urllib3 2.8.0, which the SDK uses for HTTP.)
    The output is deterministic: re-running produces the same file
    byte-for-byte.
"""

import datetime
import http.server
import json
import os
import shutil
import tempfile
import threading
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
FIXTURE = REPO / "tests" / "fixtures" / "official_sdk_requests.json"
# The Presence API operation list (operationId, method, path, params); can be
# overridden with the OPERATIONS_JSON environment variable.
OPERATIONS_JSON = Path(os.environ.get("OPERATIONS_JSON", "/work/shared/spec/operations.json"))

SDK_VERSION = "269.0.0"
ACCESS_TOKEN = "test-token"

# The SDK reads ~/.genesyscloudpython/config at import time (it may set host,
# gateway, logging) and watches that directory.  Give it an empty HOME so a
# developer's config can never redirect requests anywhere.
_FAKE_HOME = tempfile.mkdtemp(prefix="sdk-capture-home-")
os.environ["HOME"] = _FAKE_HOME
for _var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
    os.environ.pop(_var, None)

import urllib3  # noqa: E402
import urllib3.util.connection  # noqa: E402
import PureCloudPlatformClientV2  # noqa: E402

# --------------------------------------------------------------------------
# Capture server
# --------------------------------------------------------------------------

HOP_HEADERS = {
    "host", "connection", "keep-alive", "proxy-connection", "proxy-authorization",
    "proxy-authenticate", "te", "trailer", "transfer-encoding", "upgrade",
}


class CaptureState:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = []
        self.response_body = b"{}"


STATE = CaptureState()


class CaptureHandler(http.server.BaseHTTPRequestHandler):
    server_version = "capture"
    sys_version = ""

    def _handle(self):
        # Raw request line bytes, e.g. b"GET /api/v2/x?y=1 HTTP/1.1\r\n".
        line = self.raw_requestline.decode("latin-1").rstrip("\r\n")
        method, target, _version = line.split(" ")
        if "?" in target:
            path, query = target.split("?", 1)
        else:
            path, query = target, ""
        headers = {}
        for name, value in self.headers.items():
            key = name.lower()
            if key in HOP_HEADERS:
                continue
            if key in headers:
                headers[key] = headers[key] + ", " + value
            else:
                headers[key] = value
        length = int(self.headers.get("Content-Length") or 0)
        raw_body = self.rfile.read(length) if length else b""
        with STATE.lock:
            STATE.requests.append(
                {"method": method, "path": path, "query": query, "headers": headers, "raw_body": raw_body}
            )
            body = STATE.response_body
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _handle

    def log_message(self, format, *args):  # keep stderr quiet
        pass


# --------------------------------------------------------------------------
# Test data
# --------------------------------------------------------------------------

USER_ID = "8e2c4f0a-3b7d-4a61-9c1e-5d2f7a9b0c13"
USER_ID_2 = "1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed"
USER_ID_3 = "c56a4180-65aa-42ec-a945-5fd21dec0538"
SOURCE_ID = "e1a9f0c2-64b5-4f7e-8d3a-2b6c9e0f1a47"
PRESENCE_ID = "6a3af858-942f-489d-9700-5f9bcdcdae9b"  # an org presence definition
DEFINITION_ID = "31fe3bac-dea6-44b7-bed7-47f91660a1a0"
BUSY_ID = "0b2b4a4b-1c5f-4a6e-8f3c-7d1e9a2b3c4d"
DIVISION_ID = "5b1b3c8e-2d4f-4a6b-9c8d-7e6f5a4b3c2d"
DIVISION_ID_2 = "a7c3e5f1-9b2d-4c6e-8a1f-3d5b7c9e1f20"
DIVISION_ID_3 = "d4e5f6a7-b8c9-4d0e-9f1a-2b3c4d5e6f70"

UTC = datetime.timezone.utc

# (description, value) pairs for path parameters with tricky characters.
TRICKY_PATH_VALUES = [
    ("space", "a b"),
    ("question mark", "a?b"),
    ("hash", "a#b"),
    ("percent (incl. an already-encoded-looking %20)", "a%b%20c"),
    ("ampersand", "a&b"),
    ("plus", "a+b"),
    ("colon", "a:b"),
    ("at sign", "a@b"),
    ("non-ASCII e-acute", "caf\u00e9"),
    ("non-ASCII CJK", "\u65e5\u672c"),
    ("slash", "a/b"),
    ("single-dot segment", "."),
    ("dot-dot segment", ".."),
    ("empty string", ""),
    ("unreserved -._~", "a-b.c_d~e"),
    ("sub-delims !$'()*,;=", "a!$'()*,;=b"),
    ("equals and semicolon", "k=v;x"),
    ("everything mixed", "a b?c#d%e&f+g:h@i/j\u00e9\u65e5\u672c"),
]
MIXED = TRICKY_PATH_VALUES[-1][1]


# --------------------------------------------------------------------------
# Building bodies with the SDK's model classes
# --------------------------------------------------------------------------

def build(type_name, value):
    """Turn a JSON-shaped spec (wire field names) into SDK model objects.

    Model instances are created with the SDK class and each field is set
    through its (snake_case) property setter, exactly as user code would do:
    ``p = PureCloudPlatformClientV2.UserPresence(); p.message = "..."``.
    """
    if value is None:
        return None
    if type_name.startswith("list["):
        inner = type_name[5:-1]
        return [build(inner, v) for v in value]
    if type_name.startswith("dict("):
        return dict(value)
    if type_name in ("str", "int", "bool", "float", "datetime", "date", "object"):
        return value
    cls = getattr(PureCloudPlatformClientV2, type_name)
    model = cls()
    json_to_attr = {j: a for a, j in model.attribute_map.items()}
    for key, v in value.items():
        attr = json_to_attr[key]  # KeyError = typo in the test data
        setattr(model, attr, build(model.swagger_types[attr], v))
    return model


def to_plain_json(value):
    """The JSON equivalent of a body spec (for the fixture's params)."""
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: to_plain_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_plain_json(v) for v in value]
    return value


def user_presence(**extra):
    body = {
        "presenceDefinition": {"id": PRESENCE_ID},
        "primary": True,
        "message": "In a meeting",
    }
    body.update(extra)
    return body


ORG_PRESENCE = {
    "languageLabels": {"en_US": "Focus time", "fr": "Concentration", "ja": "\u96c6\u4e2d"},
    "systemPresence": "Busy",
}

ORG_PRESENCE_DEFINITION = {
    "type": "User",
    "languageLabels": {"en_US": "Focus time", "de": "Fokuszeit"},
    "systemPresence": "Busy",
    "divisionId": DIVISION_ID,
}

BULK_PRESENCES = [
    {"id": USER_ID, "source": "PURECLOUD", "presenceDefinition": {"id": PRESENCE_ID}},
    {"id": USER_ID_2, "source": "PURECLOUD", "presenceDefinition": {"id": BUSY_ID}},
    {"id": USER_ID_3, "source": "PURECLOUD", "presenceDefinition": {"id": PRESENCE_ID},
     "message": "Back at 3pm", "primary": True},
]


# --------------------------------------------------------------------------
# Cases: operationId -> list of (case description, params keyed by API names)
# --------------------------------------------------------------------------

def tricky(param_name, base=None):
    """Cases with one path parameter set to each tricky value."""
    out = []
    for desc, val in TRICKY_PATH_VALUES:
        params = dict(base or {})
        params[param_name] = val
        out.append(("%s with %s" % (param_name, desc), params))
    return out


CASES = {
    "deletePresencedefinition": [
        ("plain UUID", {"presenceId": PRESENCE_ID}),
        ("presenceId with mixed reserved/non-ASCII chars", {"presenceId": MIXED}),
    ],
    "deletePresenceDefinition": [
        ("plain UUID", {"definitionId": DEFINITION_ID}),
        ("definitionId with slash", {"definitionId": "a/b"}),
        ("definitionId with mixed reserved/non-ASCII chars", {"definitionId": MIXED}),
    ],
    "deletePresenceSource": [
        ("plain UUID", {"sourceId": SOURCE_ID}),
        ("sourceId with mixed reserved/non-ASCII chars", {"sourceId": MIXED}),
    ],
    "getPresencedefinition": [
        ("no query params", {"presenceId": PRESENCE_ID}),
        ("localeCode=ALL", {"presenceId": PRESENCE_ID, "localeCode": "ALL"}),
        ("localeCode=en-US", {"presenceId": PRESENCE_ID, "localeCode": "en-US"}),
        ("presenceId with mixed reserved/non-ASCII chars", {"presenceId": MIXED}),
    ],
    "getPresenceDefinition": [
        ("no query params", {"definitionId": DEFINITION_ID}),
        ("localeCode=ALL", {"definitionId": DEFINITION_ID, "localeCode": "ALL"}),
        ("localeCode with reserved/non-ASCII chars",
         {"definitionId": DEFINITION_ID, "localeCode": "fr CA&x=y+z/\u00e9?#%:@,"}),
        ("definitionId with mixed chars and localeCode",
         {"definitionId": MIXED, "localeCode": "ja"}),
    ],
    "getPresencedefinitions": [
        ("no query params", {}),
        ("all query params (bool deleted)",
         {"pageNumber": 2, "pageSize": 100, "deleted": True, "localeCode": "ALL"}),
        ("all query params given in reverse keyword order",
         {"localeCode": "en-US", "deleted": False, "pageSize": 25, "pageNumber": 1}),
        ("pageNumber only", {"pageNumber": 3}),
        ("pageSize only", {"pageSize": 500}),
        ("deleted=True (bool)", {"deleted": True}),
        ("deleted=False (bool)", {"deleted": False}),
        ("deleted='true' (string)", {"deleted": "true"}),
        ("deleted='false' (string)", {"deleted": "false"}),
        ("deleted='ALL' (string, not a bool)", {"deleted": "ALL"}),
        ("localeCode only", {"localeCode": "ALL"}),
    ],
    "getPresenceDefinitions": [
        ("no query params", {}),
        ("deactivated=True (bool)", {"deactivated": True}),
        ("deactivated=False (bool)", {"deactivated": False}),
        ("deactivated='true' (string)", {"deactivated": "true"}),
        ("deactivated='false' (string)", {"deactivated": "false"}),
        ("divisionId with 1 value", {"divisionId": [DIVISION_ID]}),
        ("divisionId with 3 values", {"divisionId": [DIVISION_ID, DIVISION_ID_2, DIVISION_ID_3]}),
        ("divisionId empty list", {"divisionId": []}),
        ("divisionId with reserved/non-ASCII chars", {"divisionId": ["a b", "c&d=e", "f+g/\u00e9"]}),
        ("localeCode only", {"localeCode": "ALL"}),
        ("all query params",
         {"deactivated": True, "divisionId": [DIVISION_ID, DIVISION_ID_2, DIVISION_ID_3], "localeCode": "ALL"}),
    ],
    "getPresenceSettings": [
        ("no params", {}),
    ],
    "getPresenceSource": [
        ("plain UUID", {"sourceId": SOURCE_ID}),
        ("sourceId with mixed reserved/non-ASCII chars", {"sourceId": MIXED}),
    ],
    "getPresenceSources": [
        ("no query params", {}),
        ("deactivated=True (bool)", {"deactivated": True}),
        ("deactivated=False (bool)", {"deactivated": False}),
        ("deactivated='true' (string)", {"deactivated": "true"}),
        ("deactivated='false' (string)", {"deactivated": "false"}),
    ],
    "getPresenceUserPrimarysource": [
        ("plain UUID", {"userId": USER_ID}),
        ("userId with mixed reserved/non-ASCII chars", {"userId": MIXED}),
    ],
    "getSystempresences": [
        ("no params", {}),
    ],
    "getUserPresence": [
        ("plain UUIDs", {"userId": USER_ID, "sourceId": SOURCE_ID}),
        ("sourceId=PURECLOUD", {"userId": USER_ID, "sourceId": "PURECLOUD"}),
        ("both path params with tricky chars", {"userId": "u/1 \u00e9", "sourceId": "s?#%&+:@\u65e5"}),
        ("userId dot-dot segment", {"userId": "..", "sourceId": SOURCE_ID}),
    ],
    "getUserPresencesPurecloud": (
        [("plain UUID", {"userId": USER_ID})]
        + tricky("userId")
    ),
    "getUsersPresenceBulk": [
        ("no id", {"sourceId": SOURCE_ID}),
        ("id with 1 value", {"sourceId": SOURCE_ID, "id": [USER_ID]}),
        ("id with 3 values", {"sourceId": SOURCE_ID, "id": [USER_ID, USER_ID_2, USER_ID_3]}),
        ("sourceId with tricky chars and 3 ids",
         {"sourceId": MIXED, "id": [USER_ID, USER_ID_2, USER_ID_3]}),
    ],
    "getUsersPresencesPurecloudBulk": [
        ("no id", {}),
        ("id with 1 value", {"id": [USER_ID]}),
        ("id with 3 values", {"id": [USER_ID, USER_ID_2, USER_ID_3]}),
        ("id empty list", {"id": []}),
        ("id values with reserved/non-ASCII chars", {"id": ["a b", "c&d=e", "f+g/\u00e9\u65e5?#%"]}),
    ],
    "patchUserPresence": [
        ("presenceDefinition + primary + message",
         {"userId": USER_ID, "sourceId": SOURCE_ID, "body": user_presence()}),
        ("primary only", {"userId": USER_ID, "sourceId": SOURCE_ID, "body": {"primary": True}}),
        ("message only, non-ASCII", {"userId": USER_ID, "sourceId": SOURCE_ID,
                                     "body": {"message": "En r\u00e9union \u2014 \u65e5\u672c \"quoted\" \\ back"}}),
        ("tricky path params", {"userId": "u/1 \u00e9", "sourceId": "s?#%&+:@\u65e5",
                                "body": user_presence()}),
    ],
    "patchUserPresencesPurecloud": [
        ("presenceDefinition + primary + message", {"userId": USER_ID, "body": user_presence()}),
        ("presenceDefinition only", {"userId": USER_ID, "body": {"presenceDefinition": {"id": BUSY_ID}}}),
        ("primary=False is kept", {"userId": USER_ID, "body": user_presence(primary=False)}),
        ("empty message string is kept", {"userId": USER_ID, "body": user_presence(message="")}),
        ("message=None is dropped", {"userId": USER_ID, "body": user_presence(message=None)}),
        ("read-only fields set (aware datetime with microseconds)",
         {"userId": USER_ID, "body": user_presence(
             id=USER_ID, name="Jane Doe", source="PURECLOUD", sourceId=SOURCE_ID,
             presenceDefinition={"id": PRESENCE_ID, "systemPresence": "Meeting",
                                 "selfUri": "/api/v2/presencedefinitions/" + PRESENCE_ID},
             futurePresenceDefinition={"id": BUSY_ID},
             modifiedDate=datetime.datetime(2024, 5, 6, 7, 8, 9, 123000, tzinfo=UTC),
             selfUri="/api/v2/users/%s/presences/purecloud" % USER_ID)}),
        ("naive datetime without microseconds",
         {"userId": USER_ID, "body": user_presence(modifiedDate=datetime.datetime(2024, 5, 6, 7, 8, 9))}),
        ("userId with mixed chars", {"userId": MIXED, "body": user_presence()}),
    ],
    "postPresencedefinitions": [
        ("languageLabels + systemPresence", {"body": ORG_PRESENCE}),
        ("with deactivated/primary flags and createdDate",
         {"body": dict(ORG_PRESENCE, deactivated=False, primary=False,
                       createdDate=datetime.datetime(2023, 12, 31, 23, 59, 59, tzinfo=UTC))}),
    ],
    "postPresenceDefinitions": [
        ("type + languageLabels + systemPresence + divisionId", {"body": ORG_PRESENCE_DEFINITION}),
        ("minimal (languageLabels + systemPresence)",
         {"body": {"languageLabels": {"en_US": "Lunch"}, "systemPresence": "Meal"}}),
    ],
    "postPresenceSources": [
        ("name + description", {"body": {"name": "Microsoft Teams", "description": "Teams presence sync"}}),
        ("name only, non-ASCII", {"body": {"name": "Source \u00e9\u65e5\u672c"}}),
    ],
    "putPresencedefinition": [
        ("languageLabels + systemPresence",
         {"presenceId": PRESENCE_ID, "body": dict(ORG_PRESENCE, id=PRESENCE_ID, name="Focus time")}),
        ("presenceId with tricky chars", {"presenceId": MIXED, "body": ORG_PRESENCE}),
    ],
    "putPresenceDefinition": [
        ("full definition",
         {"definitionId": DEFINITION_ID,
          "body": dict(ORG_PRESENCE_DEFINITION, id=DEFINITION_ID, deactivated=False)}),
        ("definitionId with tricky chars", {"definitionId": MIXED, "body": ORG_PRESENCE_DEFINITION}),
    ],
    "putPresenceSettings": [
        ("restorePresenceSettings",
         {"body": {"restorePresenceSettings": {"enabled": True, "restoreTimeMilliseconds": 300000,
                                               "restoreOnQueueEnabled": False}}}),
        ("empty PresenceSettings model", {"body": {}}),
        ("all writable fields",
         {"body": {"restorePresenceSettings": {"enabled": False},
                   "requestingOffQueueEnabled": True,
                   "defaultPrimaryPresenceRegisteredSourceId": SOURCE_ID}}),
    ],
    "putPresenceSource": [
        ("name + description",
         {"sourceId": SOURCE_ID, "body": {"name": "Microsoft Teams", "description": "Teams presence sync"}}),
        ("sourceId with tricky chars, with deactivated flag",
         {"sourceId": MIXED, "body": {"name": "Zoom", "description": "", "deactivated": True}}),
    ],
    "putPresenceUserPrimarysource": [
        ("id", {"userId": USER_ID, "body": {"id": SOURCE_ID}}),
        ("userId with tricky chars", {"userId": MIXED, "body": {"id": "PURECLOUD"}}),
    ],
    "putUsersPresencesBulk": [
        ("3 MutableUserPresence objects", {"body": BULK_PRESENCES}),
        ("1 MutableUserPresence object", {"body": BULK_PRESENCES[:1]}),
        ("empty list", {"body": []}),
    ],
}

# API parameter name -> SDK keyword name.
SDK_KWARG = {
    "userId": "user_id",
    "sourceId": "source_id",
    "presenceId": "presence_id",
    "definitionId": "definition_id",
    "localeCode": "locale_code",
    "pageNumber": "page_number",
    "pageSize": "page_size",
    "deleted": "deleted",
    "deactivated": "deactivated",
    "divisionId": "division_id",
    "id": "id",
    "body": "body",
}


def snake_case(operation_id):
    out = []
    for ch in operation_id:
        if ch.isupper():
            out.append("_")
            out.append(ch.lower())
        else:
            out.append(ch)
    return "".join(out)


def body_type_of(op):
    body = op["params"]["body"]
    if body is None:
        return None
    t = body["type"]
    if t.endswith("[]"):
        return "list[%s]" % t[:-2]
    return t


def response_for(op):
    types = [s["type"] for s in op["success"] if s["type"]]
    if types and all(t.endswith("[]") for t in types):
        return b"[]"
    return b"{}"


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------

def main():
    operations = json.loads(OPERATIONS_JSON.read_text(encoding="utf-8"))
    op_ids = [op["operationId"] for op in operations]
    missing = set(op_ids) - set(CASES)
    extra = set(CASES) - set(op_ids)
    assert not missing and not extra, (missing, extra)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), CaptureHandler)
    server.daemon_threads = True
    port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    # Hard guard: the SDK may only ever connect to our capture server.
    real_create_connection = urllib3.util.connection.create_connection

    def guarded_create_connection(address, *args, **kwargs):
        if tuple(address[:2]) != ("127.0.0.1", port):
            raise RuntimeError("SDK tried to connect to %r; refusing" % (address,))
        return real_create_connection(address, *args, **kwargs)

    urllib3.util.connection.create_connection = guarded_create_connection

    config = PureCloudPlatformClientV2.configuration
    config.host = "http://127.0.0.1:%d" % port
    config.gateway_configuration = None
    config.access_token = ACCESS_TOKEN
    config.proxy = None
    api = PureCloudPlatformClientV2.PresenceApi()
    assert api.api_client.host == config.host, api.api_client.host
    assert api.api_client.get_conf_url("api", api.api_client.host) == config.host
    assert PureCloudPlatformClientV2.Configuration().host == config.host

    entries = []
    try:
        for op in operations:
            op_id = op["operationId"]
            method_name = snake_case(op_id)
            fn = getattr(api, method_name)
            allowed = {p["name"] for p in op["params"]["path"]} | {q["name"] for q in op["params"]["query"]}
            if op["params"]["body"] is not None:
                allowed.add("body")
            btype = body_type_of(op)
            for case_desc, params in CASES[op_id]:
                assert set(params) <= allowed, (op_id, case_desc, set(params) - allowed)
                kwargs = {}
                for name, value in params.items():
                    if name == "body":
                        value = build(btype, value)
                    elif isinstance(value, list):
                        value = list(value)
                    kwargs[SDK_KWARG[name]] = value
                with STATE.lock:
                    STATE.requests.clear()
                    STATE.response_body = response_for(op)
                # record=True also swallows the DeprecationWarnings that the
                # SDK's @deprecated wrapper forces with simplefilter('always').
                with warnings.catch_warnings(record=True):
                    fn(**kwargs)
                with STATE.lock:
                    captured = list(STATE.requests)
                assert len(captured) == 1, (op_id, case_desc, len(captured))
                req = captured[0]
                raw = req["raw_body"]
                sent_body = json.loads(raw.decode("utf-8")) if raw else None
                entries.append({
                    "operationId": op_id,
                    "case": case_desc,
                    "params": to_plain_json(params),
                    "sent": {
                        "method": req["method"],
                        "path": req["path"],
                        "query": req["query"],
                        "headers": req["headers"],
                        "body": sent_body,
                    },
                })
    finally:
        urllib3.util.connection.create_connection = real_create_connection
        server.shutdown()
        server.server_close()

    text = json.dumps(entries, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    FIXTURE.parent.mkdir(parents=True, exist_ok=True)
    FIXTURE.write_text(text, encoding="utf-8")
    print("wrote %d cases for %d operations to %s" % (len(entries), len(op_ids), FIXTURE))


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(_FAKE_HOME, ignore_errors=True)
