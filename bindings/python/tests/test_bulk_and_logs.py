"""The helpers past the API's per-request limits, and log lines in Python logging."""

from __future__ import annotations

import json
import logging
from urllib.parse import parse_qs, urlsplit

import pytest

import genesys_presence
from support import TOKEN, CaptureServer


def bulk_echo(server: CaptureServer) -> None:
    """Answers a bulk read with one UcUserPresence per requested id, reversed."""

    def respond(request):
        ids = parse_qs(urlsplit(request.target).query)["id"][0].split(",")
        body = [{"userId": user, "presenceDefinition": {"systemPresence": "Busy"}} for user in reversed(ids)]
        return 200, {"Content-Type": "application/json"}, json.dumps(body)

    server.responder = respond


def test_bulk_read_of_any_number_of_users_keeps_their_order(server, client):
    bulk_echo(server)
    ids = [f"user-{n:04d}" for n in range(120)]
    presences = client.get_users_presences_bulk_all(ids, concurrency=2)
    assert [presence.user_id for presence in presences] == ids
    sizes = sorted(len(parse_qs(urlsplit(r.target).query)["id"][0].split(",")) for r in server.requests)
    assert sizes == [20, 50, 50]
    assert all(r.path == "/api/v2/users/presences/purecloud/bulk" for r in server.requests)


def test_bulk_read_on_another_source(server, client):
    bulk_echo(server)
    client.get_users_presences_bulk_all(["a"], source_id="src/1")
    assert server.only_request().path == "/api/v2/users/presences/src%2F1/bulk"


def test_bulk_write_in_chunks(server, client):
    server.responder = lambda request: (200, {}, json.dumps(json.loads(request.body)))
    entries = [{"id": f"u{n}", "source": "PURECLOUD", "presenceDefinition": {"id": "d"}} for n in range(60)]
    written = client.put_users_presences_bulk_all(entries, concurrency=1)
    assert [presence.to_wire() for presence in written] == entries
    assert [len(json.loads(r.body)) for r in server.requests] == [50, 10]


def test_all_pages_of_definitions(server, client):
    def page(request):
        number = int(parse_qs(urlsplit(request.target).query)["pageNumber"][0])
        body = {"entities": [{"id": f"p{number}"}], "pageNumber": number, "pageCount": 3}
        return 200, {}, json.dumps(body)

    server.responder = page
    assert [d.id for d in client.get_presencedefinitions_all(page_size=1)] == ["p1", "p2", "p3"]


def test_helper_errors_are_the_usual_exceptions(server, client):
    with pytest.raises(genesys_presence.InvalidArgumentError, match="concurrency"):
        client.get_users_presences_bulk_all(["a"], concurrency=0)
    server.reply(404, '{"message": "gone", "code": "not.found"}', **{"inin-correlation-id": "c-1"})
    with pytest.raises(genesys_presence.HttpError) as raised:
        client.get_users_presences_bulk_all(["a"])
    assert (raised.value.status, raised.value.correlation_id) == (404, "c-1")
    assert raised.value.message.startswith("request 1 of 1: ")


def test_log_lines_go_to_python_logging_without_secrets(server, caplog):
    with genesys_presence.PresenceClient(base_path=server.url, access_token=TOKEN, log_level="info") as client:
        with caplog.at_level(logging.INFO, logger="genesys_presence"):
            client.get_presence_settings()
    lines = [record.getMessage() for record in caplog.records if record.name == "genesys_presence"]
    assert any(line.startswith("GET /api/v2/presence/settings -> 200 in ") for line in lines), lines
    assert not any(TOKEN in line for line in lines)


def test_no_routing_when_logging_is_off(server, client, caplog):
    with caplog.at_level(logging.DEBUG, logger="genesys_presence"):
        client.get_presence_settings()
    assert not [record for record in caplog.records if record.name == "genesys_presence"]
