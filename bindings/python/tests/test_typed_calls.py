"""Every operation and helper answers its models and takes models as bodies.

The answers are the official SDK's recorded samples (tests/fixtures/official_sdk_models.json),
so each result is also checked against the SDK's own reading of the same JSON.
"""

from __future__ import annotations

import copy
import json
import warnings
from typing import Any, Dict
from urllib.parse import parse_qs

import pytest

from support import CaptureServer, Request
from test_models import RECORDED, tagged

import genesys_presence
from genesys_presence import DecodeError, InvalidArgumentError, InvalidTypeError, PresenceClient, models
from genesys_presence._operations import OPERATION_METHODS

OPERATIONS = genesys_presence.operations()


def sample(model: str, case: str = "every field") -> Dict[str, Any]:
    (found,) = [entry for entry in RECORDED[model]["samples"] if entry["case"] == case]
    return found  # type: ignore[no-any-return]


def call(client: PresenceClient, operation: Dict[str, Any], body: Any = None) -> Any:
    """Calls the operation's method with placeholder parameters and `body`."""
    method = getattr(client, OPERATION_METHODS[operation["operationId"]])
    path = [f"{param['name']}-1" for param in operation["params"] if param["in"] == "path"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # the API's deprecated operations
        return method(*path, *([body] if operation["body"] else []))


@pytest.mark.parametrize("operation", [op for op in OPERATIONS if op["response"]], ids=lambda op: op["operationId"])
def test_each_operation_answers_its_model_as_the_sdk_reads_it(
    server: CaptureServer, client: PresenceClient, operation: Dict[str, Any]
) -> None:
    model, many = operation["response"]["model"], operation["response"]["list"]
    recorded = sample(model)
    server.reply(body=json.dumps([recorded["wire"]] * 2 if many else recorded["wire"]))
    body = getattr(models, operation["body"]["model"])() if operation["body"] else None
    result = call(client, operation, [body] if operation["body"] and operation["body"]["list"] else body)
    expected = getattr(models, model).from_wire(copy.deepcopy(recorded["wire"]))
    for read in result if many else [result]:
        assert type(read) is getattr(models, model)
        assert read == expected
        assert tagged(read.to_dict()) == recorded["to_dict"]


@pytest.mark.parametrize("operation", [op for op in OPERATIONS if op["body"]], ids=lambda op: op["operationId"])
def test_each_body_may_be_a_model_and_goes_out_as_its_json_unknown_fields_too(
    server: CaptureServer, client: PresenceClient, operation: Dict[str, Any]
) -> None:
    model, many = operation["body"]["model"], operation["body"]["list"]
    server.reply(body="[]" if operation["response"]["list"] else "{}")
    sent = []
    for case in ("every field", "an undocumented enum value and an unknown field"):
        wire = sample(model, case)["wire"]
        body = getattr(models, model).from_wire(copy.deepcopy(wire))
        call(client, operation, [body, copy.deepcopy(wire)] if many else body)
        sent.append(json.loads(server.requests[-1].body))
        assert sent[-1] == ([wire, wire] if many else wire)


def test_bodies_as_dicts_still_go_out_as_given(server: CaptureServer, client: PresenceClient) -> None:
    server.reply(body="{}")
    client.patch_user_presences_purecloud("u", {"message": "raw", "futureField": 1})
    assert json.loads(server.only_request().body) == {"message": "raw", "futureField": 1}


def test_call_stays_the_raw_json_path(server: CaptureServer, client: PresenceClient) -> None:
    server.reply(body=json.dumps({"id": "u", "presenceDefinition": {"systemPresence": "Busy"}}))
    raw = client.call("getUserPresencesPurecloud", {"userId": "u"})
    assert raw == {"id": "u", "presenceDefinition": {"systemPresence": "Busy"}}
    typed = client.get_user_presences_purecloud("u")
    assert typed.presence_definition is not None and typed.presence_definition.system_presence == "Busy"


def test_the_helpers_answer_lists_of_models(server: CaptureServer, client: PresenceClient) -> None:
    def answer(request: Request) -> Any:
        if request.path.endswith("/presences/purecloud/bulk") or "/presences/bulk" in request.path:
            ids = parse_qs(request.query).get("id", [""])[0].split(",")
            if request.method == "PUT":
                return 200, {}, json.dumps([{"id": entry["id"]} for entry in json.loads(request.body)])
            return 200, {}, json.dumps([{"userId": user, "message": "hi"} for user in ids])
        return 200, {}, json.dumps({"entities": [{"id": "d1", "name": "Busy"}], "pageCount": 1})

    server.responder = answer
    read = client.get_users_presences_bulk_all([f"user-{n}" for n in range(120)])
    assert [type(entry) for entry in read] == [models.UcUserPresence] * 120
    assert read[119].user_id == "user-119" and read[0].message == "hi"
    written = client.put_users_presences_bulk_all(
        [models.MutableUserPresence(id=f"user-{n}", presence_definition=models.PresenceDefinition(id="b"))
         for n in range(60)]
    )
    assert [entry.id for entry in written] == [f"user-{n}" for n in range(60)]
    assert all(type(entry) is models.UserPresence for entry in written)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        definitions = client.get_presencedefinitions_all()
    assert definitions == [models.OrganizationPresence(id="d1", name="Busy")]


def test_a_model_field_of_the_wrong_type_is_refused_before_anything_is_sent(
    server: CaptureServer, client: PresenceClient
) -> None:
    with pytest.raises(InvalidTypeError, match="UserPresence.message: expected a str, got int 5"):
        client.patch_user_presences_purecloud("u", models.UserPresence(message=5))  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match=r"MutableUserPresence.presence_definition"):
        client.put_users_presences_bulk_all(
            [models.MutableUserPresence(id="a"), models.MutableUserPresence(presence_definition="busy")]  # type: ignore[arg-type]
        )
    with pytest.raises(InvalidArgumentError):
        client.patch_user_presences_purecloud(42, models.UserPresence())  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError):
        client.patch_user_presences_purecloud("u", 5)  # type: ignore[arg-type]
    assert server.requests == []


def test_an_answer_that_is_not_its_model_is_a_decode_error(server: CaptureServer, client: PresenceClient) -> None:
    server.reply(body=json.dumps({"id": "u", "modifiedDate": "not a date"}))
    with pytest.raises(DecodeError, match="UserPresence.modified_date: not an ISO-8601 date-time"):
        client.get_user_presences_purecloud("u")


def test_call_reaches_the_helpers_too(server: CaptureServer, client: PresenceClient) -> None:
    server.reply(body=json.dumps([{"userId": "a"}]))
    assert client.call("getUsersPresencesBulkAll", {"id": ["a"]}) == [{"userId": "a"}]
