"""Each error kind of the library arrives as its exception, with its fields."""

from __future__ import annotations

import base64
import json
import socket
from urllib.parse import parse_qsl

import pytest

from support import RawServer

import genesys_presence
from genesys_presence import (
    AuthError,
    DecodeError,
    HttpError,
    InternalError,
    InvalidArgumentError,
    PresenceClient,
    PresenceError,
    TransportError,
)
from genesys_presence.errors import error_from_native

NOT_FOUND = {
    "message": "The user 4f1c could not be found.",
    "code": "not.found",
    "status": 404,
    "messageParams": {},
    "contextId": "e5b1c1ae-0d7b-4a1e-9a2c-77b8c8a3c0f1",
    "details": [],
    "errors": [],
}


def test_http_404_carries_the_error_body_and_correlation_id(client, server):
    server.reply(404, json.dumps(NOT_FOUND), inin_correlation_id="corr-4711")
    with pytest.raises(HttpError) as raised:
        client.get_user_presences_purecloud("4f1c")
    error = raised.value
    assert isinstance(error, PresenceError)
    assert error.kind == "http"
    assert error.status == 404
    assert error.code == "not.found"
    assert error.correlation_id == "corr-4711"
    assert error.body == NOT_FOUND
    assert error.retry_after_seconds is None
    assert "The user 4f1c could not be found." in error.message
    assert "corr-4711" in str(error)


def test_html_502_is_an_http_error_with_a_useful_message(client, server):
    page = (
        "<html><head><title>502 Bad Gateway</title></head>\n<body>\n"
        "<h1>502 Bad Gateway</h1>\n<p>upstream connect error</p></body></html>"
    )
    server.reply(502, page, content_type="text/html")
    with pytest.raises(HttpError) as raised:
        client.get_presence_settings()
    error = raised.value
    assert error.status == 502
    assert error.code is None and error.body is None
    assert "502" in error.message and "upstream connect error" in error.message
    assert "\n" not in error.message


def test_429_reports_retry_after(client, server):
    server.reply(
        429,
        json.dumps({"message": "Rate limit exceeded", "code": "too.many.requests", "status": 429}),
        retry_after="7",
    )
    with pytest.raises(HttpError) as raised:
        client.get_systempresences()
    assert raised.value.status == 429
    assert raised.value.retry_after_seconds == 7
    assert raised.value.code == "too.many.requests"


def _circular():
    body = {}
    body["self"] = body
    return body


INVALID_CALLS = {
    "query integer given a string": lambda c: c.get_presencedefinitions(page_size="ten"),
    "list of non-strings": lambda c: c.get_users_presences_purecloud_bulk(id=[1, 2]),
    "path param None": lambda c: c.get_user_presences_purecloud(None),
    "path param not a string": lambda c: c.get_user_presences_purecloud(5),
    "empty path param": lambda c: c.get_presence_source(""),
    "dot-dot path param": lambda c: c.get_user_presence("..", "PURECLOUD"),
    "body not an object": lambda c: c.patch_user_presences_purecloud("u", "busy"),
    "body field of the wrong type": lambda c: c.patch_user_presence("u", "s", {"primary": "yes"}),
    "bulk body not a list": lambda c: c.put_users_presences_bulk({"id": "u"}),
    "body None": lambda c: c.put_presence_settings(None),
    "NaN in body": lambda c: c.put_presence_settings({"x": float("nan")}),
    "infinity beside a null": lambda c: c.put_presence_settings({"a": None, "b": [float("inf")]}),
    "integer past 64 bits": lambda c: c.get_presencedefinitions(page_size=2**70),
    "circular body": lambda c: c.put_presence_settings(_circular()),
    "body not JSON-serializable": lambda c: c.put_presence_settings({"x": object()}),
    "lone surrogate": lambda c: c.get_user_presences_purecloud("\ud800"),
    "unknown parameter": lambda c: c.call("getUserPresencesPurecloud", {"userId": "u", "x": 1}),
    "unknown operation": lambda c: c.call("getUserPresencePurecloud", {"userId": "u"}),
    "params not a dict": lambda c: c.call("getUserPresencesPurecloud", ["u"]),
    "NUL in operation id": lambda c: c.call("getSystempresences\0x"),
}


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize("call", INVALID_CALLS.values(), ids=INVALID_CALLS.keys())
def test_invalid_arguments_raise_before_anything_is_sent(client, server, call):
    with pytest.raises(InvalidArgumentError) as raised:
        call(client)
    assert raised.value.kind == "invalid_argument"
    assert isinstance(raised.value, ValueError)
    assert server.requests == []


def test_invalid_argument_messages_name_the_culprit(client):
    with pytest.raises(InvalidArgumentError, match="pageSize"), pytest.warns(DeprecationWarning):
        client.get_presencedefinitions(page_size="ten")
    with pytest.raises(InvalidArgumentError, match="unknown operation"):
        client.call("getUserPresencePurecloud")
    with pytest.raises(InvalidArgumentError, match="primary"):
        client.patch_user_presence("u", "s", {"primary": "yes"})


def test_missing_positional_arguments_are_a_type_error(client):
    with pytest.raises(TypeError):
        client.get_user_presences_purecloud()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        client.get_presencedefinitions(2)  # type: ignore[misc]  # query params are keyword-only


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_closed_port_is_a_transport_error():
    with PresenceClient(
        base_path=f"http://127.0.0.1:{closed_port()}",
        access_token="t",
        connect_timeout_ms=5000,
        retry={"max_retries": 0},
    ) as client:
        with pytest.raises(TransportError) as raised:
            client.get_systempresences()
    assert raised.value.kind == "transport"
    assert raised.value.status is None


@pytest.mark.parametrize(
    "response",
    [
        # the server closes the connection partway through the JSON
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n"
        b'{"id": "abc", "na',
        # a complete HTTP message whose JSON is cut short
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 17\r\n\r\n"
        b'{"id": "abc", "na',
    ],
    ids=["close-delimited", "content-length"],
)
def test_truncated_2xx_body_is_a_decode_error(response):
    raw = RawServer(response)
    try:
        with PresenceClient(
            base_path=raw.url, access_token="t", retry={"max_retries": 0}
        ) as client:
            with pytest.raises(DecodeError) as raised:
                client.get_presence_source("abc")
    finally:
        raw.close()
    assert raised.value.kind == "decode"
    assert raised.value.status == 200
    assert "getPresenceSource" in raised.value.message


def test_body_shorter_than_content_length_is_a_transport_error():
    # The connection broke before the announced body arrived: the library
    # reports the transport failure (with the status it had read), not a decode.
    raw = RawServer(
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n"
        b'{"id": "abc", "na'
    )
    try:
        with PresenceClient(
            base_path=raw.url, access_token="t", retry={"max_retries": 0}
        ) as client:
            with pytest.raises(TransportError) as raised:
                client.get_presence_source("abc")
    finally:
        raw.close()
    assert raised.value.status == 200


def test_wrong_json_shape_is_a_decode_error(client, server):
    server.reply(200, "[]")
    with pytest.raises(DecodeError, match="Source"):
        client.get_presence_source("abc")


def test_no_token_is_an_auth_error_and_nothing_is_sent(server):
    with PresenceClient(base_path=server.url) as client:
        with pytest.raises(AuthError) as raised:
            client.get_systempresences()
        assert raised.value.kind == "auth"
        assert server.requests == []
        server.reply(200, "[]")
        client.set_access_token("late-token")
        assert client.get_systempresences() == []
    assert server.only_request().headers["authorization"] == "Bearer late-token"


def token_server(server, token_status=200):
    def respond(request):
        if request.path == "/oauth/token":
            if token_status != 200:
                return (
                    token_status,
                    {},
                    json.dumps({"error": "invalid_client", "description": "client not found"}),
                )
            return (
                200,
                {},
                json.dumps(
                    {"access_token": "granted-token", "token_type": "bearer", "expires_in": 86400}
                ),
            )
        return 200, {}, "[]"

    server.responder = respond


def test_client_credentials_grant(server):
    token_server(server)
    with PresenceClient(
        base_path=server.url, auth_base_path=server.url, client_id="my-id", client_secret="s3cret"
    ) as client:
        assert client.get_systempresences() == []
    token_request, api_request = server.requests
    assert token_request.method == "POST"
    assert (
        token_request.headers["authorization"]
        == "Basic " + base64.b64encode(b"my-id:s3cret").decode()
    )
    assert parse_qsl(token_request.body.decode()) == [("grant_type", "client_credentials")]
    assert api_request.headers["authorization"] == "Bearer granted-token"


def test_refused_client_credentials_are_an_auth_error(server):
    token_server(server, token_status=401)
    with PresenceClient(
        base_path=server.url, auth_base_path=server.url, client_id="my-id", client_secret="bad"
    ) as client:
        with pytest.raises(AuthError) as raised:
            client.get_systempresences()
    assert raised.value.status == 401
    assert [request.path for request in server.requests] == ["/oauth/token"]


@pytest.mark.parametrize(
    "status, cls, kind",
    [
        (1, InvalidArgumentError, "invalid_argument"),
        (2, HttpError, "http"),
        (3, TransportError, "transport"),
        (4, AuthError, "auth"),
        (5, DecodeError, "decode"),
        (6, InternalError, "internal"),
    ],
)
def test_each_status_code_maps_to_its_class(status, cls, kind):
    error = error_from_native(
        status, json.dumps({"kind": kind, "message": "m", "status": None}).encode()
    )
    assert type(error) is cls and error.kind == kind and error.message == "m"


def test_unknown_status_and_unreadable_error_json():
    newer = error_from_native(42, json.dumps({"kind": "quota", "message": "over quota"}).encode())
    assert type(newer) is PresenceError and newer.kind == "quota"
    garbled = error_from_native(6, b"not json")
    assert type(garbled) is InternalError and "'not json'" in garbled.message
    missing = error_from_native(3, None)
    assert type(missing) is TransportError and "status 3" in missing.message


def test_errors_pickle_with_their_fields():
    import pickle

    error = error_from_native(
        2,
        json.dumps(
            {
                "kind": "http",
                "message": "HTTP 404",
                "status": 404,
                "code": "not.found",
                "correlationId": "c",
            }
        ),
    )
    copy = pickle.loads(pickle.dumps(error))
    assert (type(copy), copy.status, copy.code, copy.correlation_id, str(copy)) == (
        HttpError,
        404,
        "not.found",
        "c",
        str(error),
    )


def test_library_not_found_is_an_import_error():
    assert issubclass(genesys_presence.LibraryNotFoundError, ImportError)
