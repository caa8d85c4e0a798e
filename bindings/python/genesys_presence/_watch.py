"""Watching presence change: :class:`Watch` over ``gp_watch``, and its events."""

from __future__ import annotations

import threading
import time
import weakref
from typing import Any, ClassVar, Dict, Iterator, Mapping, Optional, Tuple

from . import _ffi
from ._model import Model
from .models import UserPresence

#: Longest a wait stays in the library: Python runs signal handlers only between
#: bytecodes, so Ctrl-C on the main thread is honoured within this.
_SLICE_S = 0.2


class PresenceEvent(Model):
    """One event of a watch.

    ``type`` is ``"presence"`` (``user_id``, ``presence``, and ``origin``:
    ``"notification"``, ``"initial"`` or ``"reconcile"``), ``"reconnected"`` (``reason``:
    ``"connection_lost"``, ``"heartbeat_timeout"``, ``"socket_closing"``,
    ``"channel_expired"`` or ``"token_renewed"``; the watch then reports what changed
    meanwhile as ``reconcile``) or ``"closed"`` (after :meth:`Watch.close`).
    """

    __slots__ = ("type", "user_id", "presence", "origin", "reason")
    _fields: ClassVar[Tuple[Tuple[str, str], ...]] = (
        ("type", "type"),
        ("user_id", "userId"),
        ("presence", "presence"),
        ("origin", "origin"),
        ("reason", "reason"),
    )
    _known = frozenset(name for _, name in _fields)

    type: str
    user_id: Optional[str]
    presence: Optional[UserPresence]
    origin: Optional[str]
    reason: Optional[str]

    def __init__(
        self,
        *,
        type: str,
        user_id: Optional[str] = None,
        presence: Optional[UserPresence] = None,
        origin: Optional[str] = None,
        reason: Optional[str] = None,
    ) -> None:
        self.type = type
        self.user_id = user_id
        self.presence = presence
        self.origin = origin
        self.reason = reason
        self._unknown = None

    @classmethod
    def from_wire(cls, wire: Mapping[str, Any]) -> "PresenceEvent":
        """Reads an event's JSON object (a dict)."""
        presence = wire.get("presence")
        event = cls(
            type=str(wire.get("type")),
            user_id=wire.get("userId"),
            presence=None if presence is None else UserPresence.from_wire(presence),
            origin=wire.get("origin"),
            reason=wire.get("reason"),
        )
        if not wire.keys() <= cls._known:
            event._unknown = {name: value for name, value in wire.items() if name not in cls._known}
        return event

    def to_wire(self) -> Dict[str, Any]:
        wire: Dict[str, Any] = dict(self._unknown or {})
        for attribute, name in self._fields:
            value = getattr(self, attribute)
            if value is not None:
                wire[name] = value.to_wire() if isinstance(value, Model) else value
        return wire


class Watch:
    """A watch of some users' presence (``PresenceClient.watch_presence``).

    Iterate over it (``for event in watch``: blocks until each event, ends after
    :meth:`close`; Ctrl-C on the main thread raises ``KeyboardInterrupt`` within
    0.2 s), or take events one at a time with :meth:`next`. A ``with`` block closes and
    frees it. Any thread may :meth:`close` it, which wakes the others at once.
    """

    def __init__(self, handle: int, label: str) -> None:
        self._handle = handle
        self._label = label
        self._lock = threading.Lock()
        self._waiting = 0
        self._closed = False
        self._free = weakref.finalize(self, _ffi.lib().gp_watch_free, handle)
        self._free.atexit = False  # type: ignore[misc]  # typeshed's __slots__ omit it

    def next(self, timeout: Optional[float] = None) -> Optional[PresenceEvent]:
        """The next event, waiting up to `timeout` seconds (forever when None): None when
        none came in time. After :meth:`close`, a ``"closed"`` event every time. A
        failure that ends the watch for good (revoked credentials) raises once, as a
        :class:`~genesys_presence.PresenceError`."""
        import orjson

        deadline = None if timeout is None else time.monotonic() + max(0.0, timeout)
        while True:
            wait = _SLICE_S if deadline is None else min(_SLICE_S, max(0.0, deadline - time.monotonic()))
            text = self._native_next(int(wait * 1000))
            if text != b"null":
                return PresenceEvent.from_wire(orjson.loads(text))
            if deadline is not None and time.monotonic() >= deadline:
                return None

    def _native_next(self, timeout_ms: int) -> bytes:
        with self._lock:
            if self._closed:  # and maybe freed: never past here
                return b'{"type": "closed"}'
            self._waiting += 1
        try:
            return _ffi.watch_next(self._handle, timeout_ms)
        finally:
            with self._lock:
                self._waiting -= 1
                free_now = self._closed and self._waiting == 0
            if free_now:
                self._dispose()

    def __iter__(self) -> Iterator[PresenceEvent]:
        while True:
            event = self.next()
            if event is None or event.type == "closed":
                return
            yield event

    def close(self) -> None:
        """Ends the watch: iterations end and waits return a ``"closed"`` event at once.
        Any thread, any number of times. The watch is freed (its sockets closed and
        its subscriptions deleted) once no thread is waiting on it."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            idle = self._waiting == 0
        _ffi.lib().gp_watch_close(self._handle)
        if idle:
            self._dispose()

    def _dispose(self) -> None:
        with self._lock:
            handle, self._handle = self._handle, 0
        if handle:
            self._free()

    @property
    def closed(self) -> bool:
        return self._closed

    def __enter__(self) -> "Watch":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<genesys_presence.Watch of {self._label} ({'closed' if self._closed else 'open'})>"
