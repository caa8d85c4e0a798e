"""Record how the official Genesys Cloud Python SDK reads every model of the
Presence API, for the typed Python wrapper's tests to compare against.

What it records
    For each model of spec/models.json (the 17 the Presence operations use and
    the ones they reference, ``User`` and below), the SDK's own
    ``attribute_map`` (snake_case attribute -> JSON name) and ``swagger_types``,
    and a few sample answers (built from the spec: every field with a value of
    its type; one field with a value the API does not document plus a field the
    model does not know; an empty object), each deserialized by the SDK
    (``ApiClient``'s own deserializer, as for a real response) and then turned
    back by its ``to_dict()`` and ``to_json()``.

Output
    tests/fixtures/official_sdk_models.json (sorted keys, 1-space indent):
        {"sdk": version, "models": {Name: {"attributes": {...}, "types": {...},
         "samples": [{"case", "wire", "to_dict", "to_json"}]}}}
    In ``to_dict``, a ``datetime`` is written {"$datetime": isoformat()} and a
    ``date`` {"$date": isoformat()}.

How to regenerate (no network needed)
    python3 -m venv /tmp/venv-sdk
    /tmp/venv-sdk/bin/pip install PureCloudPlatformClientV2==269.0.0
    cd <repo root> && /tmp/venv-sdk/bin/python tests/official_sdk/record_models.py
    The output is deterministic.
"""

import datetime
import importlib.metadata
import json
from pathlib import Path

import PureCloudPlatformClientV2 as sdk

REPO = Path(__file__).resolve().parents[2]
SPEC = REPO / "spec" / "models.json"
FIXTURE = REPO / "tests" / "fixtures" / "official_sdk_models.json"
# Deep enough to reach every field of the Presence models and User's first level;
# the referenced models below that are recorded on their own.
MAX_DEPTH = 2
UNKNOWN_ENUM = "ValueAddedLater"
UNKNOWN_FIELD = ("fieldAddedLater", {"nested": [1, "two", None]})


def sample_value(kind, name, depth, models):
    """A value of spec type `kind` for the field `name` (None: leave the field out)."""
    if kind == "str":
        return f"{name}-value"
    if kind == "int":
        return 7
    if kind == "float":
        return 2.5
    if kind == "bool":
        return True
    if kind == "datetime":
        return "2026-12-07T06:30:00.123Z"
    if kind == "date":
        return "2026-12-07"
    if kind.startswith("dict("):
        item = sample_value(kind[len("dict(str, "):-1], name, depth, models)
        return {"en_US": item, "fr": item}
    if kind.startswith("list["):
        item = sample_value(kind[len("list["):-1], name, depth, models)
        return None if item is None else [item]
    if depth >= MAX_DEPTH:
        return None
    return full_sample(kind, depth + 1, models)


def full_sample(model, depth, models):
    wire = {}
    for field in models[model]:
        value = field["enum"][0] if field.get("enum") else sample_value(
            field["type"], field["json"], depth, models)
        if value is not None:
            wire[field["json"]] = value
    return wire


def samples(model, models):
    fields = models[model]
    cases = [("every field", full_sample(model, 0, models)), ("empty", {})]
    first = sample_value(fields[0]["type"], fields[0]["json"], MAX_DEPTH, models)
    sparse = {} if first is None else {fields[0]["json"]: first}
    for field in fields:
        if field.get("enum"):
            sparse[field["json"]] = UNKNOWN_ENUM
            break
    sparse[UNKNOWN_FIELD[0]] = UNKNOWN_FIELD[1]
    cases.append(("an undocumented enum value and an unknown field", sparse))
    return cases


def tagged(value):
    """`to_dict()`'s output with datetimes and dates made JSON."""
    if isinstance(value, datetime.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"$date": value.isoformat()}
    if isinstance(value, list):
        return [tagged(item) for item in value]
    if isinstance(value, dict):
        return {key: tagged(item) for key, item in value.items()}
    return value


def main():
    spec = json.loads(SPEC.read_text(encoding="utf-8"))
    models = {**spec["models"], **spec["referenced"]}
    client = sdk.ApiClient()
    deserialize = client._ApiClient__deserialize  # the SDK's path for response bodies
    recorded = {}
    for name in sorted(models):
        instance = getattr(sdk, name)()
        entry = {"attributes": instance.attribute_map, "types": instance.swagger_types, "samples": []}
        for case, wire in samples(name, models):
            read = deserialize(json.loads(json.dumps(wire)), name)
            entry["samples"].append(
                {"case": case, "wire": wire, "to_dict": tagged(read.to_dict()), "to_json": read.to_json()})
        recorded[name] = entry
    version = importlib.metadata.version("PureCloudPlatformClientV2")
    FIXTURE.write_text(json.dumps({"sdk": version, "models": recorded}, indent=1, sort_keys=True,
                                  ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{FIXTURE.relative_to(REPO)}: {len(recorded)} models, SDK {version}")


if __name__ == "__main__":
    main()
