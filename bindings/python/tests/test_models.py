"""The generated models against the official SDK's, on the same answers.

``tests/fixtures/official_sdk_models.json`` (recorded by
``tests/official_sdk/record_models.py`` with PureCloudPlatformClientV2 269.0.0) holds,
for every model, the SDK's attribute names and a few answers as the SDK read them
(``to_dict()``, ``to_json()``). Ours must read the same answers into the same
attributes and give the same ``to_dict()``/``to_json()``, field by field.

Where we deliberately differ from the SDK, the test says so and checks it: an enum
value the SDK does not know becomes ``"outdated_sdk_version"`` there and stays as it
came here, and fields a model does not know are kept here (``unknown_fields``,
``to_wire()``) where the SDK drops them.
"""

from __future__ import annotations

import copy
import datetime
import json
import os
import re
from typing import Any, Dict, Iterator, List, Tuple

import pytest

from support import REPO_DIR

from genesys_presence import DecodeError, InvalidArgumentError, models, operations
from genesys_presence._model import InvalidTypeError

FIXTURE = os.path.join(REPO_DIR, "tests", "fixtures", "official_sdk_models.json")
with open(FIXTURE, encoding="utf-8") as _file:
    RECORDED = json.load(_file)["models"]
SDK_UNKNOWN_ENUM = "outdated_sdk_version"


def samples() -> Iterator[Tuple[str, Dict[str, Any]]]:
    for name, entry in sorted(RECORDED.items()):
        for sample in entry["samples"]:
            yield name, sample


def sample_id(value: Any) -> str:
    return value["case"] if isinstance(value, dict) else str(value)


def tagged(value: Any) -> Any:
    """``to_dict()`` output with dates as the recorder wrote them."""
    if isinstance(value, datetime.datetime):
        assert value.tzinfo is not None, "date-times are timezone-aware"
        return {"$datetime": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"$date": value.isoformat()}
    if isinstance(value, list):
        return [tagged(item) for item in value]
    if isinstance(value, dict):
        return {key: tagged(item) for key, item in value.items()}
    return value


def undocumented_enums(model: str, wire: Dict[str, Any]) -> Dict[str, str]:
    """{attribute: value} of the enum fields of `wire` holding a value the SDK does not know."""
    attributes = {json_name: attribute for attribute, json_name in RECORDED[model]["attributes"].items()}
    spec = {field["json"]: field for field in spec_fields(model)}
    return {
        attributes[name]: value
        for name, value in wire.items()
        if name in spec and spec[name].get("enum") and value not in spec[name]["enum"]
    }


def spec_fields(model: str) -> List[Dict[str, Any]]:
    with open(os.path.join(REPO_DIR, "spec", "models.json"), encoding="utf-8") as file:
        spec = json.load(file)
    return {**spec["models"], **spec["referenced"]}[model]  # type: ignore[no-any-return]


def test_every_model_of_the_sdk_is_generated_with_its_attribute_names_and_types() -> None:
    assert sorted(RECORDED) == sorted(name for name in models.__all__ if name not in ("InvalidTypeError", "Model"))
    for name, entry in RECORDED.items():
        ours = getattr(models, name)
        assert dict(ours._fields) == entry["attributes"], name  # their order: see to_json's test
        types = {attribute: field["type"] for (attribute, _), field in zip(ours._fields, spec_fields(name))}
        assert types == entry["types"], name


def test_every_model_the_operations_name_exists() -> None:
    named = {operation[key]["model"] for operation in operations() for key in ("body", "response") if operation[key]}
    assert named and all(isinstance(getattr(models, name), type) for name in named)


@pytest.mark.parametrize(("model", "sample"), list(samples()), ids=sample_id)
def test_reads_answers_as_the_sdk_does(model: str, sample: Dict[str, Any]) -> None:
    ours = getattr(models, model).from_wire(copy.deepcopy(sample["wire"]))
    expected_dict = sample["to_dict"]
    expected_json = json.loads(sample["to_json"])
    for attribute, value in undocumented_enums(model, sample["wire"]).items():
        # Deliberate: the SDK forgets the value; we keep it, to send it back as it came.
        assert expected_dict[attribute] == SDK_UNKNOWN_ENUM == expected_json[attribute]
        assert getattr(ours, attribute) == value
        expected_dict[attribute] = expected_json[attribute] = value
    assert tagged(ours.to_dict()) == expected_dict
    assert ours.to_json() == json.dumps(expected_json), "same keys, same order, same text"


@pytest.mark.parametrize(("model", "sample"), list(samples()), ids=sample_id)
def test_the_wire_form_round_trips_unknown_fields_and_enum_values(model: str, sample: Dict[str, Any]) -> None:
    cls = getattr(models, model)
    ours = cls.from_wire(copy.deepcopy(sample["wire"]))
    assert ours.to_wire() == sample["wire"]
    assert cls.from_wire(ours.to_wire()) == ours
    known = {json_name for _, json_name in cls._fields}
    assert ours.unknown_fields == {name: value for name, value in sample["wire"].items() if name not in known}


@pytest.mark.parametrize(("model", "sample"), list(samples()), ids=sample_id)
def test_repr_reads_as_the_constructor_call(model: str, sample: Dict[str, Any]) -> None:
    ours = getattr(models, model).from_wire(copy.deepcopy(sample["wire"]))
    if ours.unknown_fields:
        assert repr(ours).endswith(f"unknown_fields={ours.unknown_fields!r})")
        return
    namespace = {name: getattr(models, name) for name in models.__all__}
    assert eval(repr(ours), {"datetime": datetime, **namespace}) == ours  # noqa: S307


def test_built_by_assignment_or_keywords_alike() -> None:
    assigned = models.UserPresence()
    assigned.presence_definition = models.PresenceDefinition()
    assigned.presence_definition.id = "busy-id"
    assigned.message = "In a meeting"
    keywords = models.UserPresence(
        presence_definition=models.PresenceDefinition(id="busy-id"), message="In a meeting"
    )
    assert assigned == keywords
    assert assigned.to_wire() == {"presenceDefinition": {"id": "busy-id"}, "message": "In a meeting"}
    assert repr(keywords) == "UserPresence(presence_definition=PresenceDefinition(id='busy-id'), message='In a meeting')"
    keywords.message = "Lunch"
    assert assigned != keywords
    assert models.UserPresence() != models.MutableUserPresence(), "another model, never equal"
    with pytest.raises(TypeError):
        models.UserPresence(presenceDefinition=None)  # type: ignore[call-arg]  # the JSON name
    with pytest.raises(AttributeError):
        assigned.presenceDefinition = None  # type: ignore[attr-defined]  # a typo is not a new field


def test_date_times_are_timezone_aware_and_written_as_the_api_writes_them() -> None:
    read = models.UserPresence.from_wire({"modifiedDate": "2026-12-07T06:30:00.123Z"})
    assert read.modified_date == datetime.datetime(2026, 12, 7, 6, 30, 0, 123000, tzinfo=datetime.timezone.utc)
    offset = datetime.timezone(datetime.timedelta(hours=2))
    written = models.UserPresence(modified_date=datetime.datetime(2026, 12, 7, 8, 30, tzinfo=offset))
    assert written.to_wire() == {"modifiedDate": "2026-12-07T06:30:00.000Z"}
    for text in ("2026-12-07T06:30:00Z", "2026-12-07T06:30:00.123456+00:00", "2026-12-07T06:30:00"):
        value = models.UserPresence.from_wire({"modifiedDate": text}).modified_date
        assert value is not None and value.utcoffset() == datetime.timedelta(0), text


@pytest.mark.parametrize(
    ("wire", "message"),
    [
        ({"modifiedDate": "yesterday"}, "UserPresence.modified_date: not an ISO-8601 date-time: 'yesterday'"),
        ({"modifiedDate": 1765088400}, "UserPresence.modified_date: not an ISO-8601 date-time: 1765088400"),
        ({"presenceDefinition": "busy"}, "PresenceDefinition: expected a JSON object, got 'busy'"),
    ],
)
def test_a_garbled_answer_is_a_decode_error(wire: Dict[str, Any], message: str) -> None:
    with pytest.raises(DecodeError, match="^" + message.replace("(", r"\(").replace(")", r"\)") + "$"):
        models.UserPresence.from_wire(wire)
    with pytest.raises(DecodeError, match="expected a JSON object"):
        models.UserPresence.from_wire([])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("build", "error", "message"),
    [
        (lambda: models.UserPresence(message=5), InvalidTypeError, "UserPresence.message: expected a str, got int 5"),
        (lambda: models.UserPresence(primary="yes"), InvalidTypeError, "UserPresence.primary: expected a bool"),
        (
            lambda: models.UserPresence(presence_definition={"id": "busy"}),
            InvalidTypeError,
            "UserPresence.presence_definition: expected a PresenceDefinition, got dict",
        ),
        (
            lambda: models.OrganizationPresenceDefinition(language_labels={"en_US": 1}),
            InvalidTypeError,
            r"OrganizationPresenceDefinition.language_labels\['en_US'\]: expected a str",
        ),
        (
            lambda: models.OrganizationPresenceEntityListing(entities=[models.OrganizationPresence(), "x"]),
            InvalidTypeError,
            r"OrganizationPresenceEntityListing.entities\[1\]: expected an OrganizationPresence",
        ),
        (lambda: models.RestorePresenceSettings(restore_time_milliseconds=True), InvalidTypeError, "expected an int"),
        (
            lambda: models.UserPresence(modified_date=datetime.datetime(2026, 12, 7)),
            InvalidArgumentError,
            "UserPresence.modified_date: the datetime .* has no timezone",
        ),
        (lambda: models.UserPresence(modified_date="2026-12-07"), InvalidTypeError, "expected a timezone-aware datetime"),
    ],
)
def test_a_field_of_the_wrong_type_is_refused_when_written(build: Any, error: type, message: str) -> None:
    model = build()
    with pytest.raises(error, match=message):
        model.to_wire()
    assert issubclass(InvalidTypeError, TypeError) and issubclass(InvalidTypeError, ValueError)


def test_the_readme_example_runs_as_written() -> None:
    with open(os.path.join(REPO_DIR, "bindings", "python", "README.md"), encoding="utf-8") as file:
        readme = file.read()
    example = next(block for block in re.findall(r"```python\n(.*?)```", readme, re.S) if "from_wire" in block)
    exec(compile(example, "bindings/python/README.md", "exec"), {})  # noqa: S102
