"""``PresenceClient``: the configuration, the handle's lifetime and the one call path."""

from __future__ import annotations

import os
import threading
import warnings
import weakref
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Union

from . import _calls, _ffi
from ._calls import Cancel, Progress
from ._operations import (
    CONFIG_KEYWORDS,
    DEPRECATED_OPERATIONS,
    OPERATION_METHODS,
    RETRY_KEYWORDS,
    PresenceOperations,
)
from ._model import InvalidTypeError, Model
from ._watch import Watch
from .errors import ClientClosedError, DecodeError, InternalError, InvalidArgumentError

def _unknown_keyword(name: str, known: Mapping[str, str], where: str) -> InvalidArgumentError:
    """``known``: keyword -> the library's key, so that a camelCase key is recognised."""
    import difflib

    candidates = [keyword for keyword, key in known.items() if key == name]
    candidates = candidates or difflib.get_close_matches(name, known, n=1)
    hint = f" (did you mean {candidates[0]!r}?)" if candidates else ""
    expected = ", ".join(known)
    return InvalidArgumentError(
        f"{where}: unknown keyword {name!r}{hint}; expected one of {expected}"
    )


def config_json(config: Mapping[str, Any]) -> Dict[str, Any]:
    """The library's camelCase config object for ``PresenceClient``'s keywords.

    None values are left out (the library's default applies); an unknown
    keyword, here or in ``retry``, is an :class:`InvalidArgumentError`.
    """
    result: Dict[str, Any] = {}
    for name, value in config.items():
        if name not in CONFIG_KEYWORDS:
            raise _unknown_keyword(name, CONFIG_KEYWORDS, "PresenceClient()")
        if value is None:
            continue
        if name == "retry":
            if not isinstance(value, Mapping):
                raise InvalidArgumentError(
                    f"PresenceClient(): retry must be a dict with keys {', '.join(RETRY_KEYWORDS)}, "
                    f"not {type(value).__name__}"
                )
            for key in value:
                if key not in RETRY_KEYWORDS:
                    raise _unknown_keyword(str(key), RETRY_KEYWORDS, "PresenceClient(retry=...)")
            value = {RETRY_KEYWORDS[key]: item for key, item in value.items() if item is not None}
        elif name == "ca_cert_path" and isinstance(value, os.PathLike):
            value = os.fspath(value)
        result[CONFIG_KEYWORDS[name]] = value
    return result


def _json_default(value: Any) -> Any:
    """JSON for what ``json`` does not know: datetimes as ISO 8601 (as the
    official SDK sends them), sets and other iterables as arrays."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, Mapping):
        return dict(value)
    if hasattr(value, "__iter__") and not isinstance(value, (str, bytes)):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _encode_json(value: Any, what: str) -> bytes:
    # orjson, not json: encoding a 50-user body with json holds the GIL ~10x
    # longer, which is what limits calls on several threads. Imported on first
    # use, as the library is loaded: it costs more than the rest of the import.
    import orjson

    try:
        encoded = orjson.dumps(value, default=_json_default)
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        # Keys that are not str (ints, UUIDs...), as json writes them; the
        # option doubles the time of every call, so only when needed.
        try:
            encoded = orjson.dumps(value, default=_json_default, option=orjson.OPT_NON_STR_KEYS)
        except TypeError as error:
            raise InvalidArgumentError(f"{what}: {error}") from None
    # orjson writes NaN and the infinities as null; json refuses them, as the
    # API would. Rare: calls leave out None parameters before this. Looking
    # for the "l" first is memchr (presence bodies seldom hold one); the
    # four-byte search alone holds the GIL as long as encoding the body.
    if b"l" in encoded and b"null" in encoded:
        import json

        try:
            json.dumps(value, allow_nan=False, default=_json_default_or_null)
        except ValueError as error:
            raise InvalidArgumentError(f"{what}: {error}") from None
    return encoded


def _encode_params(params: Mapping[str, Any], what: str) -> bytes:
    """A ``params_json`` object: a None parameter is one not given; a body of models
    is their JSON (``to_wire``, which checks each field's type)."""
    params = {name: value for name, value in params.items() if value is not None}
    body = params.get("body")
    if isinstance(body, Model):
        params["body"] = body.to_wire()
    elif isinstance(body, (list, tuple)):
        params["body"] = [item.to_wire() if isinstance(item, Model) else item for item in body]
    return _encode_json(params, what)


def _models(result: Any, model: Any, many: bool) -> Any:
    """The parsed JSON `result` as `model`s (a list of them when `many`)."""
    if result is None:
        return None
    if many:
        if not isinstance(result, list):
            raise DecodeError(f"{model.__name__}[]: expected a JSON array, got {result!r:.80}")
        return [model.from_wire(item) for item in result]
    return model.from_wire(result)


def _json_default_or_null(value: Any) -> Any:
    """``_json_default`` for the NaN check: what orjson encodes but json cannot
    (UUIDs, dataclasses) must not stop the search."""
    try:
        return _json_default(value)
    except TypeError:
        return None


def _encode_text(value: Any, what: str) -> bytes:
    if not isinstance(value, str):
        raise InvalidArgumentError(f"{what} must be a str, not {type(value).__name__}")
    if "\0" in value:
        raise InvalidArgumentError(f"{what} must not contain NUL characters")
    try:
        return value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise InvalidArgumentError(f"{what}: {error}") from None


class PresenceClient(PresenceOperations):
    """A Genesys Cloud Presence API client.

    Takes the configuration as keywords (all optional; the library's config keys in
    snake_case)::

        PresenceClient(
            environment="mypurecloud.ie",       # or a region: "eu-west-1"
            client_id="...", client_secret="...",  # or access_token="..."
            timeout_ms=30000, connect_timeout_ms=10000,
            retry={"max_retries": 3, "max_retry_time_ms": 60000, "max_retry_after_sec": 180},
            proxy=None, ca_cert_path=None, user_agent=None,
            base_path=None, auth_base_path=None, allow_insecure_http=False,
            log_level="off", max_response_bytes=33554432,
        )

    One client may be used from many threads at once; calls run in parallel
    (the GIL is released while the library works). Close it with
    :meth:`close` or a ``with`` block; a client that is garbage-collected
    unclosed is freed then. Every method raises a
    :class:`~genesys_presence.PresenceError` subclass on failure.

    With a ``log_level`` other than ``"off"``, the library's log lines (one per
    request: method, path, status, duration, retries, correlation id; never a
    token or secret) go to the ``genesys_presence`` :mod:`logging` logger.
    """

    def __init__(
        self,
        *,
        environment: Optional[str] = None,
        base_path: Optional[str] = None,
        auth_base_path: Optional[str] = None,
        access_token: Optional[str] = None,
        client_id: Optional[str] = None,
        client_secret: Optional[str] = None,
        refresh_token: Optional[str] = None,
        timeout_ms: Optional[int] = None,
        connect_timeout_ms: Optional[int] = None,
        retry: Optional[Mapping[str, Optional[int]]] = None,
        rate_limit: Union[str, int, None] = None,
        proxy: Optional[str] = None,
        ca_cert_path: Union[str, "os.PathLike[str]", None] = None,
        user_agent: Optional[str] = None,
        allow_insecure_http: Optional[bool] = None,
        log_level: Optional[str] = None,
        max_response_bytes: Optional[int] = None,
        **unknown: Any,
    ) -> None:
        # First, so that close() works whatever fails below.
        self._handle: Any = None
        self._lock = threading.Lock()
        self._in_flight = 0
        self._closed = True
        given = locals()
        config = {name: given[name] for name in CONFIG_KEYWORDS}
        config.update(unknown)
        self._label = base_path or environment or "default environment"
        config_text = _encode_json(config_json(config), "config")
        self._handle = _ffi.new_client(config_text)
        # Frees the handle when the client is collected (no call can be running
        # then: each holds a reference to the client) or closed, once. Not at
        # exit: daemon threads may still be in a call, and module globals that
        # a __del__ would need may already be gone.
        self._free_handle = weakref.finalize(self, _ffi.free_client, self._handle)
        self._free_handle.atexit = False  # type: ignore[misc]  # typeshed's __slots__ omit it
        self._closed = False
        if log_level not in (None, "off"):
            _ffi.route_logs_to_python(self._handle)

    # -- lifetime ---------------------------------------------------------

    def close(self) -> None:
        """Frees the native client. Idempotent; later calls raise
        :class:`ClientClosedError`. Calls still running on other threads finish
        normally; the client is freed when the last of them returns."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            idle = self._forget_handle_if_idle()
        if idle:
            self._free_handle()

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._closed

    def __enter__(self) -> "PresenceClient":
        if self._closed:
            raise ClientClosedError("this PresenceClient is closed; create a new one")
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return f"<PresenceClient {self._label} ({state})>"

    def _forget_handle_if_idle(self) -> bool:
        """With the lock held: drops the handle and says so, if closed and no
        call is running; the caller then frees it, after the lock."""
        if self._closed and self._in_flight == 0 and self._handle is not None:
            self._handle = None
            return True
        return False

    def _acquire(self) -> Any:
        with self._lock:
            if self._closed:
                raise ClientClosedError("this PresenceClient is closed; create a new one")
            self._in_flight += 1
            return self._handle

    def _release(self) -> None:
        with self._lock:
            self._in_flight -= 1
            idle = self._forget_handle_if_idle()
        if idle:
            self._free_handle()

    # -- calls ------------------------------------------------------------

    def set_token_callback(self, callback: Optional[Callable[[Dict[str, Any]], None]]) -> None:
        """With ``refresh_token``: ``callback({"refreshToken", "accessToken", "expiresIn"})``
        after every renewal, on the thread that renewed; persist ``refreshToken`` there (the
        login service rotates it: the one before is spent). An exception it raises is logged
        to the ``genesys_presence`` logger, and the call goes on. None removes it."""
        if callback is not None and not callable(callback):
            raise InvalidArgumentError("set_token_callback: callback must be callable(dict)")
        handle = self._acquire()
        try:
            self._token_callback = _ffi.set_token_callback(handle, callback)
        finally:
            self._release()

    def set_access_token(self, token: str) -> None:
        """Replaces the bearer token (for your own OAuth flow: authorization
        code, PKCE, SAML). Applies to calls that start after it returns."""
        encoded = _encode_text(token, "token")
        handle = self._acquire()
        try:
            _ffi.set_access_token(handle, encoded)
        finally:
            self._release()

    def watch_presence(
        self,
        user_ids: Sequence[str],
        *,
        initial: bool = False,
        heartbeat_timeout_ms: Optional[int] = None,
    ) -> Watch:
        """Watches the presence of `user_ids` (1 to 20,000): a :class:`Watch` to iterate
        over, or to take events from with ``next(timeout=...)``; use it in a ``with``
        block. By the time it returns, the notification channels are subscribed and
        connected and the users' presences read (reported too when `initial`): a change
        made after that is reported. Lost links reconnect by themselves and report what
        changed meanwhile. `heartbeat_timeout_ms`: silence after which a link counts as
        lost (default 75,000)."""
        if isinstance(user_ids, (str, bytes)) or not isinstance(user_ids, Sequence):
            raise InvalidTypeError(
                f"watch_presence: user_ids must be a list of user ids, not {type(user_ids).__name__}")
        for index, user in enumerate(user_ids):
            if not isinstance(user, str):
                raise InvalidTypeError(
                    f"watch_presence: user_ids[{index}] must be a str, not {type(user).__name__}")
        if not isinstance(initial, bool):
            raise InvalidTypeError(f"watch_presence: initial must be a bool, not {type(initial).__name__}")
        params = {"userIds": list(user_ids), "initial": initial, "heartbeatTimeoutMs": heartbeat_timeout_ms}
        params_json = _encode_params(params, "watch_presence")
        handle = self._acquire()
        try:
            watch = _ffi.watch_new(handle, params_json)
        finally:
            self._release()
        return Watch(watch, f"{len(user_ids)} users")

    def call(self, operation_id: str, params: Optional[Mapping[str, Any]] = None) -> Any:
        """Calls any operation by its ``operationId``, or a bulk helper by its name
        (``getUsersPresencesBulkAll``), with its parameters under their API names, e.g.
        ``call("getUserPresencesPurecloud", {"userId": ...})``: the raw-JSON path.
        Returns the parsed JSON response (None when there is no body)."""
        if params is not None and not isinstance(params, Mapping):
            raise InvalidArgumentError(
                f"params must be a dict of API parameter names, not {type(params).__name__}"
            )
        return self._operation(operation_id, dict(params or {}))

    def _operation(
        self, operation_id: str, params: Dict[str, Any], model: Any = None, many: bool = False
    ) -> Any:
        """The one path every call takes to the library: the parsed JSON, or `model`s
        read from it (a list of them when `many`)."""
        if operation_id in DEPRECATED_OPERATIONS:
            replacement = DEPRECATED_OPERATIONS[operation_id]
            method = OPERATION_METHODS[operation_id]
            warnings.warn(
                f"{method} ({operation_id}) is deprecated by the API"
                + (f"; use {replacement}" if replacement else ""),
                DeprecationWarning,
                stacklevel=3,
            )
        operation = _encode_text(operation_id, "operation_id")
        params_json = _encode_params(params, f"{operation_id}: params")
        result = self._native(operation_id, _calls.run, operation, params_json)
        return result if model is None else _models(result, model, many)

    def _native(self, what: str, function: Any, *args: Any) -> Any:
        """Runs ``function(handle, *args)`` with the handle held, and parses its JSON."""
        handle = self._acquire()
        try:
            text = function(handle, *args)
        finally:
            self._release()
        import orjson

        try:
            return orjson.loads(text)
        except ValueError as error:  # orjson.JSONDecodeError is a ValueError
            raise InternalError(f"{what}: the library returned invalid JSON: {error}") from None

    # -- past the API's per-request limits: the generated ``..._all`` methods ----

    def _helper(
        self,
        name: str,
        params: Dict[str, Any],
        model: Any,
        progress: Optional[Progress] = None,
        cancel: Optional[Cancel] = None,
    ) -> Any:
        """A helper past the API's limits, by its name (``getUsersPresencesBulkAll``):
        its list, as `model`s."""
        if progress is not None and not callable(progress):
            raise InvalidArgumentError(f"{name}: progress must be callable(done, total)")
        if cancel is not None and not isinstance(cancel, Cancel):
            raise InvalidArgumentError(f"{name}: cancel must be a genesys_presence.Cancel")
        params_json = _encode_params(params, f"{name}: params")
        result = self._native(name, _calls.run, name.encode(), params_json, progress, cancel)
        return _models(result, model, many=True)


def operations() -> List[Dict[str, Any]]:
    """The library's operation table (``gp_operations_json``), parsed."""
    import orjson

    table: List[Dict[str, Any]] = orjson.loads(_ffi.operations_json())
    return table


def library_version() -> str:
    """The native library's version, e.g. ``"0.1.0"``."""
    return _ffi.version()
