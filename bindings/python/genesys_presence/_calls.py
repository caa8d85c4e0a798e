"""Calls that can be stopped: :class:`Cancel`, progress reports, and Ctrl-C.

Every call goes through ``gp_call_with`` with a native cancel request. Calls made
on the main thread register theirs while they run; on the first such call a
daemon thread starts that reads the signal wakeup fd (``signal.set_wakeup_fd``)
and, on SIGINT with Python's default handler in place, requests those cancels.
The native call then returns within one round trip, and Python's own handler
raises :class:`KeyboardInterrupt` as soon as the call is back in Python. Where the
wakeup fd is already someone else's (asyncio's loop, say), Ctrl-C is honoured when
the call returns, as before.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from typing import Any, Callable, Iterator, List, Optional, Set

from . import _ffi
from .errors import CancelledError

Progress = Callable[[int, int], None]


class Cancel:
    """A cancel request for calls of any client.

    Pass it to a bulk helper as ``cancel=`` and call :meth:`cancel` from any thread:
    the call stops starting requests, and raises
    :class:`~genesys_presence.CancelledError` once its requests in flight are back
    (within one round trip); its ``failures`` name the users not read or not set,
    and ``presences`` / ``succeeded`` carry the others. One cancel may serve several
    calls; once cancelled it stays cancelled.
    """

    def __init__(self) -> None:
        self._handle: int = _ffi.lib().gp_cancel_new()  # 0 once freed
        self._cancelled = False

    def cancel(self) -> None:
        """Requests the cancel; any thread, any number of times."""
        self._cancelled = True
        if self._handle:
            _ffi.lib().gp_cancel_request(self._handle)

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def __repr__(self) -> str:
        return f"<genesys_presence.Cancel cancelled={self._cancelled}>"

    def __del__(self) -> None:
        # A call holds a reference to its Cancel while it runs: none is using it now.
        handle, self._handle = self._handle, 0
        if handle:
            try:
                _ffi.lib().gp_cancel_free(handle)
            except Exception:  # noqa: BLE001 - interpreter shutdown
                pass


# Cancels of the calls now running on the main thread, and those a SIGINT requested.
_lock = threading.Lock()
_running: Set[int] = set()
_interrupted: Set[int] = set()
_watcher_state = {"tried": False}
_local = threading.local()


def _watch_interrupts(read_fd: int) -> None:
    while True:
        try:
            data = os.read(read_fd, 64)
        except OSError:
            return
        if not data:
            return
        if signal.SIGINT not in data or signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
            continue
        with _lock:
            for handle in _running:
                _ffi.lib().gp_cancel_request(handle)
                _interrupted.add(handle)


def _start_interrupt_watcher() -> None:
    """On the main thread, once: read the signal wakeup fd on a daemon thread."""
    if _watcher_state["tried"]:
        return
    _watcher_state["tried"] = True
    read_fd, write_fd = os.pipe()
    os.set_blocking(write_fd, False)
    try:
        previous = signal.set_wakeup_fd(write_fd, warn_on_full_buffer=False)
    except (ValueError, OSError):
        previous = None
    if previous != -1:
        # Not ours to take (or not settable): put back what was there.
        if previous is not None:
            signal.set_wakeup_fd(previous)
        os.close(read_fd)
        os.close(write_fd)
        return
    threading.Thread(
        target=_watch_interrupts, args=(read_fd,), name="genesys-presence-interrupts", daemon=True
    ).start()


def _thread_cancel() -> int:
    """This thread's native cancel for calls without one of their own, reused."""
    handle: Optional[int] = getattr(_local, "cancel", None)
    if handle is None:
        handle = _local.cancel = int(_ffi.lib().gp_cancel_new())
    return handle


@contextlib.contextmanager
def ambient(cancel: Cancel) -> Iterator[None]:
    """Within it, this thread's calls given no cancel of their own take `cancel`
    (``AsyncPresenceClient`` runs each call so, to stop it when its task is cancelled)."""
    _local.ambient = cancel
    try:
        yield
    finally:
        _local.ambient = None


def run(
    client: Any,
    name: bytes,
    params_json: bytes,
    progress: Optional[Progress] = None,
    cancel: Optional[Cancel] = None,
) -> bytes:
    """``gp_call_with`` for ``name`` (an operation or a helper), stoppable by ``cancel``,
    a raising ``progress`` callback, or Ctrl-C on the main thread."""
    if cancel is None:
        cancel = getattr(_local, "ambient", None)
    own = cancel is None
    handle: int = _thread_cancel() if cancel is None else cancel._handle  # noqa: SLF001
    options = _ffi.CallOptions()
    options.cancel = handle
    raised: List[BaseException] = []
    if progress is not None:

        def report(_user_data: Any, done: int, total: int) -> None:
            # Runs on one of the call's threads, with the GIL; it must not raise.
            if raised:
                return
            try:
                progress(done, total)
            except BaseException as error:  # noqa: BLE001 - reported after the call
                raised.append(error)
                _ffi.lib().gp_cancel_request(handle)

        options.progress = _ffi.ProgressCallback(report)
    main = threading.current_thread() is threading.main_thread()
    if main:
        _start_interrupt_watcher()
        with _lock:
            _running.add(handle)
    try:
        return _ffi.call_with(client, name, params_json, options)
    except CancelledError as error:
        if raised:
            raise raised[0] from error
        raise
    finally:
        interrupted = False
        if main:
            with _lock:
                _running.discard(handle)
                interrupted = handle in _interrupted
                _interrupted.discard(handle)
        if raised and cancel is not None:
            cancel._cancelled = True  # noqa: SLF001 - the callback's error cancelled it
        if own and (interrupted or raised):
            # Requested for good: this thread's next call gets a fresh one.
            _local.cancel = None
            _ffi.lib().gp_cancel_free(handle)
        # The callback lives until here, past the library's last use of it.
        del options
