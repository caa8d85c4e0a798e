"""The exceptions: one class per error kind of the C ABI, and the one mapping to them.

Every failure of the library arrives as a status code and an error JSON object
(`{"kind", "message", "status", "code", "correlationId", "retryAfterSeconds",
"body"}`); :func:`error_from_native` turns the pair into the matching exception.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Type


class PresenceError(Exception):
    """Base class of every error raised by :mod:`genesys_presence`.

    Attributes:
        kind: ``"invalid_argument"``, ``"http"``, ``"transport"``, ``"auth"``,
            ``"decode"``, ``"internal"`` or ``"cancelled"``.
        message: what went wrong, for people.
        status: the HTTP status, when a response arrived.
        code: the API's error code (``ErrorBody.code``, e.g. ``"not.found"``).
        correlation_id: the ``inin-correlation-id`` response header, to quote
            to Genesys support.
        retry_after_seconds: how long the server asked to wait before retrying.
        body: the error response's JSON body (an ``ErrorBody`` dict), when it was JSON.
        failures: from the bulk helpers, when some users were not read or not set:
            ``[{"userId": ..., "error": {...}}, ...]``, one per such user; else None.
        presences: from ``get_users_presences_bulk_all`` with ``failures``: the
            presences of the users that were read.
        succeeded: from ``put_users_presences_bulk_all`` with ``failures``: the API's
            answers for the users that were set.
    """

    kind: str = "unknown"

    def __init__(
        self,
        message: str,
        *,
        kind: Optional[str] = None,
        status: Optional[int] = None,
        code: Optional[str] = None,
        correlation_id: Optional[str] = None,
        retry_after_seconds: Optional[int] = None,
        body: Any = None,
        failures: Optional[List[Dict[str, Any]]] = None,
        presences: Optional[List[Dict[str, Any]]] = None,
        succeeded: Optional[List[Dict[str, Any]]] = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if kind is not None:
            self.kind = kind
        self.status = status
        self.code = code
        self.correlation_id = correlation_id
        self.retry_after_seconds = retry_after_seconds
        self.body = body
        self.failures = failures
        self.presences = presences
        self.succeeded = succeeded

    def __str__(self) -> str:
        if self.correlation_id:
            return f"{self.message} (inin-correlation-id: {self.correlation_id})"
        return self.message


class InvalidArgumentError(PresenceError, ValueError):
    """A bad parameter, config key or operation name; nothing was sent."""

    kind = "invalid_argument"


class ClientClosedError(InvalidArgumentError):
    """The client was used after :meth:`PresenceClient.close`; nothing was sent."""


class HttpError(PresenceError):
    """The API answered with a non-2xx status (see ``status``, ``code``, ``body``)."""

    kind = "http"


class TransportError(PresenceError):
    """Connect, DNS or TLS failure, timeout, connection reset."""

    kind = "transport"


class AuthError(PresenceError):
    """No token could be obtained (none configured, or the token request failed)."""

    kind = "auth"


class DecodeError(PresenceError):
    """A 2xx response whose body is not the documented JSON."""

    kind = "decode"


class InternalError(PresenceError):
    """A bug in genesys-presence (for instance a caught panic); please report it."""

    kind = "internal"


class CancelledError(PresenceError):
    """The call was cancelled (a :class:`~genesys_presence.Cancel`, or a progress
    callback that raised); from a bulk helper, ``failures`` names the users not
    read or not set and ``presences`` / ``succeeded`` carry the others."""

    kind = "cancelled"


# The C ABI's status codes (stable, only ever appended) and their exceptions.
ERROR_CLASSES: Dict[int, Type[PresenceError]] = {
    1: InvalidArgumentError,
    2: HttpError,
    3: TransportError,
    4: AuthError,
    5: DecodeError,
    6: InternalError,
    7: CancelledError,
}


def error_from_native(status: int, error_json: Optional[bytes]) -> PresenceError:
    """The exception for a non-OK status and the error JSON that came with it.

    A status this wrapper does not know yet (a newer library) becomes a plain
    :class:`PresenceError` carrying the kind the library named.
    """
    cls = ERROR_CLASSES.get(status, PresenceError)
    import orjson  # on first use, as in client.py

    try:
        fields = orjson.loads(error_json) if error_json else None
    except ValueError:
        fields = None
    if not isinstance(fields, dict):
        text = error_json.decode("utf-8", "replace") if error_json else error_json
        return cls(
            f"genesys-presence returned status {status} without a readable error "
            f"object: {text!r}"
        )
    kind = fields.get("kind")
    return cls(
        str(fields.get("message") or f"genesys-presence returned status {status}"),
        kind=kind if isinstance(kind, str) else None,
        status=fields.get("status"),
        code=fields.get("code"),
        correlation_id=fields.get("correlationId"),
        retry_after_seconds=fields.get("retryAfterSeconds"),
        body=fields.get("body"),
        failures=fields.get("failures"),
        presences=fields.get("presences"),
        succeeded=fields.get("succeeded"),
    )
