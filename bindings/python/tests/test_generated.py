"""The generated _operations.py against the library's table and the official SDK's names.

That the committed file is what the generator writes is checked by
`tools/generate.py --check` (`make generate-check`, in CI)."""

from __future__ import annotations

import ast
import json
import importlib.util
import inspect
import os

import pytest

from support import REPO_DIR

import genesys_presence
from genesys_presence import PresenceClient
from genesys_presence._operations import DEPRECATED_OPERATIONS, OPERATION_METHODS


def load_generator():
    """tools/generators/python_wrapper.py, the renderer of _operations.py."""
    path = os.path.join(REPO_DIR, "tools", "generators", "python_wrapper.py")
    spec = importlib.util.spec_from_file_location("python_wrapper", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_one_method_per_operation_with_the_tables_parameters():
    for operation in genesys_presence.operations():
        method = getattr(PresenceClient, OPERATION_METHODS[operation["operationId"]])
        parameters = list(inspect.signature(method).parameters.values())[1:]
        positional = [p.name for p in parameters if p.kind is p.POSITIONAL_OR_KEYWORD]
        keyword_only = {p.name: p.default for p in parameters if p.kind is p.KEYWORD_ONLY}
        path = [p["name"] for p in operation["params"] if p["in"] == "path"]
        query = [p["name"] for p in operation["params"] if p["in"] == "query"]
        body = ["body"] if operation["body"] else []
        snake = load_generator().snake_case
        assert positional == [snake(name) for name in path] + body
        assert keyword_only == {snake(name): None for name in query}
        assert all(p.default is p.empty for p in parameters if p.kind is p.POSITIONAL_OR_KEYWORD)
        assert (operation["operationId"] in DEPRECATED_OPERATIONS) == operation["deprecated"]
        assert operation["summary"].rstrip(".") in (method.__doc__ or "")


def official_sdk_presence_api():
    """presence_api.py of PureCloudPlatformClientV2, if it can be found (it is
    read, never imported): $GENESYS_SDK_PRESENCE_API or an installed SDK."""
    path = os.environ.get("GENESYS_SDK_PRESENCE_API")
    if path:
        return path
    spec = importlib.util.find_spec("PureCloudPlatformClientV2")
    if spec and spec.submodule_search_locations:
        candidate = os.path.join(
            list(spec.submodule_search_locations)[0], "apis", "presence_api.py"
        )
        if os.path.isfile(candidate):
            return candidate
    return None


SDK_SIGNATURES = os.path.join(
    os.path.dirname(__file__), "..", "..", "..", "tests", "fixtures", "official_sdk_presence_methods.json"
)


def sdk_signatures(presence_api_path):
    """{method: [positional params, all params, deprecated]} read from the
    official SDK's presence_api.py (parsed, never imported)."""
    with open(presence_api_path, encoding="utf-8") as source:
        tree = ast.parse(source.read())
    (api,) = [node for node in tree.body if isinstance(node, ast.ClassDef)]
    sdk = {}
    for function in api.body:
        if isinstance(function, ast.FunctionDef) and not function.name.startswith("_"):
            (all_params,) = [
                [element.value for element in statement.value.elts]
                for statement in function.body
                if isinstance(statement, ast.Assign)
                and getattr(statement.targets[0], "id", None) == "all_params"
            ]
            deprecated = any(
                isinstance(d, ast.Call) and getattr(d.func, "id", None) == "deprecated"
                for d in function.decorator_list
            )
            sdk[function.name] = [[a.arg for a in function.args.args[1:]], all_params, deprecated]
    return sdk


def test_names_match_the_official_sdk():
    """Against the signatures of PureCloudPlatformClientV2 269.0.0, snapshotted in
    tests/fixtures by sdk_signatures() so that this check needs no 170 MB SDK;
    test_snapshot_matches_the_official_sdk re-checks the snapshot where it is installed."""
    with open(SDK_SIGNATURES, encoding="utf-8") as snapshot:
        sdk = json.load(snapshot)
    ours = {}
    deprecated_methods = {OPERATION_METHODS[op] for op in DEPRECATED_OPERATIONS}
    for name in OPERATION_METHODS.values():
        parameters = list(inspect.signature(getattr(PresenceClient, name)).parameters.values())[1:]
        positional = [p.name for p in parameters if p.kind is p.POSITIONAL_OR_KEYWORD]
        ours[name] = [positional, [p.name for p in parameters], name in deprecated_methods]
    assert ours == sdk


@pytest.mark.skipif(
    official_sdk_presence_api() is None,
    reason="the snapshot is checked against the SDK only where it is installed",
)
def test_snapshot_matches_the_official_sdk():
    with open(SDK_SIGNATURES, encoding="utf-8") as snapshot:
        assert json.load(snapshot) == sdk_signatures(official_sdk_presence_api())
