"""``AsyncPresenceClient``: every method of ``PresenceClient`` as a coroutine."""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
from typing import Any, AsyncIterator, Callable, Dict, Mapping, Optional, Sequence

from . import _calls
from ._calls import Cancel
from ._operations import AsyncPresenceOperations
from .client import PresenceClient
from ._watch import PresenceEvent
from .errors import ClientClosedError

#: Threads running blocking calls, as many as the library keeps pooled connections
#: per host (the widest a bulk call runs): more would only wait for a connection.
#: Started as calls need them.
THREADS = 64


def _retrieve(future: "asyncio.Future[Any]") -> None:
    """Marks the outcome of a call whose task was cancelled as seen (it is the
    expected ``CancelledError``, or a result nobody wants)."""
    if not future.cancelled():
        future.exception()


class AsyncPresenceClient(AsyncPresenceOperations):
    """A Genesys Cloud Presence API client for asyncio.

    Takes the keywords of :class:`PresenceClient`; every method is a coroutine with
    the same name, parameters and result. The blocking native calls run on a pool
    of threads, off the event loop, so many run at once::

        async with AsyncPresenceClient(environment="eu-west-1", client_id=..., client_secret=...) as client:
            presences = await asyncio.gather(*(client.get_user_presences_purecloud(user) for user in users))

    Cancelling a task stops its call in the library (the cancel handle of
    :class:`Cancel`): a bulk helper starts no more requests and the call ends within
    one round trip, the ``CancelledError`` of asyncio raised at once in the task.
    Progress callbacks of the bulk helpers run on those threads, not the loop's.
    """

    def __init__(self, **config: Any) -> None:
        self._client = PresenceClient(**config)
        self._threads = concurrent.futures.ThreadPoolExecutor(
            max_workers=THREADS, thread_name_prefix="genesys-presence"
        )

    @property
    def blocking(self) -> PresenceClient:
        """The blocking client the coroutines run on (same handle, same pool)."""
        return self._client

    async def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        if self._client.closed:
            raise ClientClosedError("this AsyncPresenceClient is closed; create a new one")
        cancel: Cancel = kwargs.get("cancel") or Cancel()
        function = getattr(self._client, method)
        call = functools.partial(_run_with, cancel, function, args, kwargs)
        future = asyncio.get_running_loop().run_in_executor(self._threads, call)
        try:
            return await asyncio.shield(future)
        except asyncio.CancelledError:
            cancel.cancel()
            future.add_done_callback(_retrieve)
            raise

    async def watch_presence(
        self,
        user_ids: Sequence[str],
        *,
        initial: bool = False,
        heartbeat_timeout_ms: Optional[int] = None,
    ) -> AsyncIterator[PresenceEvent]:
        """``async for event in client.watch_presence(user_ids):`` the events of a
        :meth:`PresenceClient.watch_presence` watch, each waited for off the event loop.
        The watch is closed and freed when the loop ends, is broken out of (once the
        generator is collected or closed) or its task is cancelled."""
        loop = asyncio.get_running_loop()
        start = functools.partial(
            self._client.watch_presence, user_ids, initial=initial, heartbeat_timeout_ms=heartbeat_timeout_ms
        )
        watch = await loop.run_in_executor(self._threads, start)
        try:
            while True:
                # No timeout: close() below wakes the wait at once.
                event = await loop.run_in_executor(self._threads, watch.next)
                if event is None or event.type == "closed":
                    return
                yield event
        finally:
            # Closing may free the watch, which deletes its subscriptions (a request): off
            # the loop, and not awaited, as a cancelled task may not await.
            try:
                loop.run_in_executor(self._threads, watch.close)
            except RuntimeError:  # the loop or the pool is shutting down
                watch.close()

    async def call(self, operation_id: str, params: Optional[Mapping[str, Any]] = None) -> Any:
        """The coroutine of :meth:`PresenceClient.call`: the raw-JSON path."""
        return await self._call("call", operation_id, params)

    def set_access_token(self, token: str) -> None:
        """As :meth:`PresenceClient.set_access_token` (it does not block)."""
        self._client.set_access_token(token)

    def set_token_callback(self, callback: Optional[Callable[[Dict[str, Any]], None]]) -> None:
        """As :meth:`PresenceClient.set_token_callback`; the callback runs on a call's thread."""
        self._client.set_token_callback(callback)

    async def close(self) -> None:
        """Closes the client: calls still running finish, later ones raise
        :class:`~genesys_presence.ClientClosedError`. Idempotent."""
        self._client.close()
        self._threads.shutdown(wait=False)

    @property
    def closed(self) -> bool:
        return self._client.closed

    async def __aenter__(self) -> "AsyncPresenceClient":
        self._client.__enter__()
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        await self.close()

    def __repr__(self) -> str:
        return "<Async" + repr(self._client)[1:]


def _run_with(cancel: Cancel, function: Callable[..., Any], args: Any, kwargs: Dict[str, Any]) -> Any:
    with _calls.ambient(cancel):
        return function(*args, **kwargs)
