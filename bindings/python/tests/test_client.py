"""Configuration keywords, the client's lifetime, and the Python-side conveniences."""

from __future__ import annotations

import dataclasses
import datetime
import uuid
import gc
import inspect
import json
import os
import pathlib
import re
import ssl
import sys
import threading
import warnings

import pytest

from support import TOKEN, run_python

import genesys_presence
from genesys_presence import ClientClosedError, InvalidArgumentError, PresenceClient, _ffi
from genesys_presence._operations import CONFIG_KEYWORDS, RETRY_KEYWORDS
from genesys_presence.client import config_json

# --- configuration ---------------------------------------------------------


def test_keywords_become_the_librarys_camel_case_keys():
    assert config_json(
        {
            "environment": "mypurecloud.ie",
            "base_path": "https://api.example.test",
            "auth_base_path": "https://login.example.test",
            "access_token": "t",
            "client_id": "i",
            "client_secret": "s",
            "timeout_ms": 1000,
            "connect_timeout_ms": 500,
            "retry": {"max_retries": 1, "max_retry_time_ms": 2000, "max_retry_after_sec": 3},
            "proxy": "http://proxy.test:3128",
            "ca_cert_path": pathlib.Path("/etc/ca.pem"),
            "user_agent": "ua",
            "allow_insecure_http": True,
            "log_level": "debug",
            "max_response_bytes": 1024,
        }
    ) == {
        "environment": "mypurecloud.ie",
        "basePath": "https://api.example.test",
        "authBasePath": "https://login.example.test",
        "accessToken": "t",
        "clientId": "i",
        "clientSecret": "s",
        "timeoutMs": 1000,
        "connectTimeoutMs": 500,
        "retry": {"maxRetries": 1, "maxRetryTimeMs": 2000, "maxRetryAfterSec": 3},
        "proxy": "http://proxy.test:3128",
        "caCertPath": "/etc/ca.pem",
        "userAgent": "ua",
        "allowInsecureHttp": True,
        "logLevel": "debug",
        "maxResponseBytes": 1024,
    }


def test_none_means_the_librarys_default():
    assert config_json({"proxy": None, "retry": {"max_retries": 0, "max_retry_time_ms": None}}) == {
        "retry": {"maxRetries": 0}
    }


def test_config_keywords_are_the_signature():
    signature = inspect.signature(PresenceClient.__init__)
    keyword_only = [p.name for p in signature.parameters.values() if p.kind is p.KEYWORD_ONLY]
    assert tuple(keyword_only) == tuple(CONFIG_KEYWORDS)


def test_the_library_accepts_every_keyword(server):
    """Each keyword reaches the library under a key it knows (it refuses unknown keys)."""
    everything = dict(
        environment="eu-west-1",
        base_path=server.url,
        auth_base_path=server.url,
        timeout_ms=20000,
        connect_timeout_ms=5000,
        retry={"max_retries": 2, "max_retry_time_ms": 30000, "max_retry_after_sec": 60},
        proxy="http://127.0.0.1:9",
        user_agent="presence-tests/1.0",
        allow_insecure_http=False,
        log_level="off",
        max_response_bytes=1 << 20,
    )
    cafile = ssl.get_default_verify_paths().cafile
    if cafile and os.path.isfile(cafile):
        everything["ca_cert_path"] = cafile
    for credentials in ({"access_token": "t"}, {"client_id": "i", "client_secret": "s"}):
        PresenceClient(**everything, **credentials).close()


def test_every_key_of_the_library_is_a_keyword():
    """The reverse of the test above: the library's refusal of an unknown key
    lists the keys it knows, and each has its keyword here."""

    def library_keys(config: bytes) -> list:
        with pytest.raises(InvalidArgumentError) as raised:
            _ffi.new_client(config)
        listed = re.search(r"expected one of (.*) at line", str(raised.value))
        assert listed, raised.value
        return re.findall(r"`(\w+)`", listed.group(1))

    assert library_keys(b'{"unknownKey": 1}') == list(CONFIG_KEYWORDS.values())
    assert library_keys(b'{"retry": {"unknownKey": 1}}') == list(RETRY_KEYWORDS.values())


@pytest.mark.parametrize(
    "config, named",
    [
        ({"acess_token": "t"}, "'acess_token' (did you mean 'access_token'?)"),
        ({"basePath": "https://x.test"}, "'basePath' (did you mean 'base_path'?)"),
        ({"retry": {"maxRetries": 1}}, "'maxRetries' (did you mean 'max_retries'?)"),
        ({"retry": {"attempts": 1}}, "'attempts'"),
    ],
)
def test_unknown_keywords_are_named(config, named):
    with pytest.raises(InvalidArgumentError) as raised:
        PresenceClient(**config)
    assert named in str(raised.value)


def test_bad_values_are_refused_by_the_library():
    with pytest.raises(InvalidArgumentError, match="logLevel"):
        PresenceClient(log_level="loud")
    with pytest.raises(InvalidArgumentError, match="environment"):
        PresenceClient(environment="not a host")
    with pytest.raises(InvalidArgumentError, match="not both"):
        PresenceClient(access_token="t", client_id="i", client_secret="s")
    with pytest.raises(InvalidArgumentError, match="retry"):
        PresenceClient(retry=3)  # type: ignore[arg-type]


def test_user_agent_reaches_the_wire(server):
    server.reply(200, "[]")
    with PresenceClient(base_path=server.url, access_token=TOKEN, user_agent="sync/2.0") as client:
        client.get_systempresences()
    assert server.only_request().headers["user-agent"] == "sync/2.0"


# --- lifetime ----------------------------------------------------------------


def test_with_closes_and_later_use_raises_a_clear_error(server):
    server.reply(200, "[]")
    with PresenceClient(base_path=server.url, access_token=TOKEN) as client:
        assert not client.closed
        assert client.get_systempresences() == []
    assert client.closed
    assert "closed" in repr(client)
    with pytest.raises(ClientClosedError, match="closed") as raised:
        client.get_systempresences()
    assert isinstance(raised.value, InvalidArgumentError)
    with pytest.raises(ClientClosedError):
        client.call("getSystempresences")
    with pytest.raises(ClientClosedError):
        client.set_access_token("t")
    with pytest.raises(ClientClosedError):
        with client:
            pass
    client.close()  # idempotent
    assert len(server.requests) == 1


def test_close_waits_for_calls_in_flight(server):
    """close() during a call on another thread: that call completes, the client
    is freed once it has returned, and later calls raise."""
    arrived, release = threading.Event(), threading.Event()

    def respond(request):
        arrived.set()
        release.wait(10)
        return 200, {}, "[]"

    server.responder = respond
    client = PresenceClient(base_path=server.url, access_token=TOKEN)
    results = []
    worker = threading.Thread(target=lambda: results.append(client.get_systempresences()))
    worker.start()
    assert arrived.wait(10)
    client.close()
    assert client._handle is not None  # still in use by the worker
    release.set()
    worker.join(10)
    assert results == [[]]
    assert client._handle is None
    with pytest.raises(ClientClosedError):
        client.get_systempresences()


def test_garbage_collection_frees_without_errors(server):
    unraisable = []
    previous, sys.unraisablehook = sys.unraisablehook, unraisable.append
    try:
        client = PresenceClient(base_path=server.url, access_token=TOKEN)
        del client
        with pytest.raises(InvalidArgumentError):
            PresenceClient(log_level="loud")  # a half-built client is collected too
        gc.collect()
    finally:
        sys.unraisablehook = previous
    assert unraisable == []


def test_a_client_left_open_at_exit_is_quiet(server):
    # A script function kept by another module (here warnings) keeps the
    # script's globals, the client among them, until modules are torn down at
    # exit: the client's cleanup must not need module globals (it once raised
    # "'NoneType' object is not callable").
    server.reply(200, "[]")
    script = (
        "import warnings\n"
        "warnings.showwarning = lambda *args, **kwargs: None\n"
        "import genesys_presence\n"
        f"client = genesys_presence.PresenceClient(base_path={server.url!r}, access_token='t')\n"
        "assert client.get_systempresences() == []\n"
    )
    result = run_python(script, **{_ffi.LIBRARY_ENV: _ffi.library_path()})
    assert (result.returncode, result.stderr) == (0, "")


def test_set_access_token(client, server):
    server.reply(200, "[]")
    client.set_access_token("second-token")
    client.get_systempresences()
    assert server.only_request().headers["authorization"] == "Bearer second-token"
    for bad in ("", "line\nbreak", "nul\0"):
        with pytest.raises(InvalidArgumentError):
            client.set_access_token(bad)
    with pytest.raises(InvalidArgumentError):
        client.set_access_token(None)  # type: ignore[arg-type]


# --- calls ---------------------------------------------------------------------


def test_deprecated_operations_warn_at_the_callers_line(client, server):
    with pytest.warns(DeprecationWarning, match="use GET /api/v2/presence/definitions") as caught:
        client.get_presencedefinitions()
    assert caught[0].filename == __file__
    with pytest.warns(DeprecationWarning, match="getPresencedefinition") as caught:
        client.call("getPresencedefinition", {"presenceId": "p"})
    assert caught[0].filename == __file__
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        client.get_presence_definitions()


def test_datetimes_tuples_and_sets_are_converted(client, server):
    client.patch_user_presences_purecloud(
        "u", {"primary": True, "modifiedDate": datetime.datetime(2024, 5, 6, 7, 8, 9)}
    )
    server.reply(200, "[]")
    client.get_users_presences_purecloud_bulk(id=("a", "b"))
    server.reply(200, "{}")
    client.get_presence_definitions(division_id={"d"})
    patch, bulk, definitions = server.requests
    # As the official SDK sends a datetime: isoformat().
    assert json.loads(patch.body) == {"primary": True, "modifiedDate": "2024-05-06T07:08:09"}
    assert bulk.query == "id=a,b"
    assert definitions.query == "divisionId=d"


def test_nulls_uuids_dataclasses_and_int_keys_in_bodies(client, server):
    @dataclasses.dataclass
    class Definition:
        id: str

    user = uuid.UUID("12345678-1234-5678-1234-567812345678")
    body = {"message": None, "id": user, "presenceDefinition": Definition("d"), "x": {1: 1.5}}
    client.patch_user_presence("u", "s", body)
    assert json.loads(server.requests[0].body) == {
        "message": None,
        "id": str(user),
        "presenceDefinition": {"id": "d"},
        "x": {"1": 1.5},
    }


def test_results_are_models_of_the_json(client, server):
    presence = {
        "source": "PURECLOUD",
        "presenceDefinition": {"id": "p", "systemPresence": "Available", "futureField": [1]},
        "message": "héllo 日本",
    }
    server.reply(200, json.dumps(presence, ensure_ascii=False))
    read = client.get_user_presences_purecloud("u")
    assert read.message == "héllo 日本" and read.presence_definition.system_presence == "Available"
    assert read.to_wire() == presence
    assert client.call("getUserPresencesPurecloud", {"userId": "u"}) == presence
    server.reply(204, "")
    assert client.delete_presence_source("s") is None


def test_library_version_and_operations():
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", genesys_presence.library_version())
    table = genesys_presence.operations()
    assert {"getUserPresencesPurecloud", "patchUserPresence"} <= {op["operationId"] for op in table}
