"""Watching presence from Python, blocking and asyncio, against the sandbox."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from typing import Iterator, List

import pytest

from support import PYTHON_DIR
from test_cancel_and_progress import TOKEN, Sandbox

from genesys_presence import (
    AsyncPresenceClient,
    InvalidArgumentError,
    InvalidTypeError,
    PresenceEvent,
    PresenceClient,
    Watch,
)
from genesys_presence.models import UserPresence


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    running = Sandbox()
    yield running
    running.close()


def post(sandbox: Sandbox, path: str) -> None:
    request = urllib.request.Request(sandbox.url + path, data=b"", method="POST")
    urllib.request.urlopen(request).close()


def presences(watch: Watch, count: int, timeout: float = 10) -> List[PresenceEvent]:
    """The next `count` presence events (others skipped)."""
    found: List[PresenceEvent] = []
    deadline = time.monotonic() + timeout
    while len(found) < count and time.monotonic() < deadline:
        event = watch.next(timeout=0.5)
        if event is not None and event.type == "presence":
            found.append(event)
    return found


def test_initial_presences_then_a_change_as_models(sandbox: Sandbox) -> None:
    with sandbox.client() as client:
        with client.watch_presence(["alice", "bob"], initial=True) as watch:
            initial = presences(watch, 2)
            assert sorted(event.user_id or "" for event in initial) == ["alice", "bob"]
            assert all(event.origin == "initial" and isinstance(event.presence, UserPresence) for event in initial)
            assert watch.next(timeout=0.2) is None, "nothing more until something changes"
            client.patch_user_presences_purecloud("bob", UserPresence(message="back at 3"))
            (change,) = presences(watch, 1)
            assert (change.user_id, change.origin) == ("bob", "notification")
            assert change.presence is not None and change.presence.message == "back at 3"
        assert watch.closed
        assert watch.next(timeout=0) == PresenceEvent(type="closed")


def test_close_from_another_thread_ends_the_iteration_at_once(sandbox: Sandbox) -> None:
    with sandbox.client() as client:
        watch = client.watch_presence(["alice"])
        threading.Timer(0.3, watch.close).start()
        started = time.monotonic()
        assert list(watch) == []
        assert time.monotonic() - started < 1.0


def test_a_dropped_link_reconnects_and_reconciles(sandbox: Sandbox) -> None:
    with sandbox.client() as client, client.watch_presence(["alice"]) as watch:
        post(sandbox, "/_sandbox/notifications/drop")
        # Changed while no socket is open: the sandbox replays nothing; the watch reads it.
        client.patch_user_presences_purecloud("alice", UserPresence(message="while you were away"))
        events: List[PresenceEvent] = []
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not any(e.type == "presence" for e in events):
            event = watch.next(timeout=0.5)
            if event is not None:
                events.append(event)
        (change,) = [event for event in events if event.type == "presence"]
        assert change.presence is not None and change.presence.message == "while you were away"
        assert change.origin in ("notification", "reconcile")


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT")
def test_ctrl_c_gets_through_an_iteration_within_a_fifth_of_a_second(sandbox: Sandbox) -> None:
    code = (
        "import sys, time, genesys_presence as gp\n"
        f"client = gp.PresenceClient(base_path={sandbox.url!r}, access_token={TOKEN!r})\n"
        "watch = client.watch_presence(['alice'])\n"
        "print('watching', flush=True)\n"
        "try:\n"
        "    for event in watch: pass\n"
        "except KeyboardInterrupt:\n"
        "    print(time.monotonic(), flush=True)\n"
    )
    env = dict(os.environ, PYTHONPATH=PYTHON_DIR)
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "watching"
        time.sleep(0.3)
        sent = time.monotonic()
        child.send_signal(signal.SIGINT)
        interrupted = float(child.stdout.readline())
        assert interrupted - sent < 0.25
    finally:
        child.kill()
        child.wait()
        if child.stdout is not None:
            child.stdout.close()


def test_bad_arguments_are_refused_before_anything_is_opened(sandbox: Sandbox) -> None:
    with sandbox.client() as client:
        with pytest.raises(InvalidTypeError, match="user_ids must be a list"):
            client.watch_presence("alice")
        with pytest.raises(InvalidTypeError, match=r"user_ids\[1\] must be a str"):
            client.watch_presence(["alice", 7])  # type: ignore[list-item]
        with pytest.raises(InvalidTypeError, match="initial must be a bool"):
            client.watch_presence(["alice"], initial="yes")  # type: ignore[arg-type]
        with pytest.raises(InvalidArgumentError):
            client.watch_presence([])
        with pytest.raises(InvalidArgumentError):
            client.watch_presence([f"user-{n}" for n in range(20_001)])
    assert sandbox.stats()["channels"] == 0


def test_async_for_reports_a_change_and_frees_the_watch_when_broken_out_of(sandbox: Sandbox) -> None:
    async def main() -> None:
        async with AsyncPresenceClient(base_path=sandbox.url, access_token=TOKEN) as client:
            seen = []
            async for event in client.watch_presence(["carol"], initial=True):
                seen.append(event.origin)
                if event.origin == "initial":  # the watch is live: change what it watches
                    await client.patch_user_presences_purecloud("carol", UserPresence(message="async"))
                elif event.presence is not None and event.presence.message == "async":
                    break
            assert seen == ["initial", "notification"]
            await asyncio.sleep(0.5)  # the generator's finaliser closes the watch off the loop

    asyncio.run(asyncio.wait_for(main(), 20))
    wait_for_no_websocket(sandbox)


def wait_for_no_websocket(sandbox: Sandbox) -> None:
    deadline = time.monotonic() + 5
    while sandbox.stats()["websockets"] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert sandbox.stats()["websockets"] == 0, "the watch was freed: its socket closed"


def test_cancelling_the_task_of_an_async_watch_ends_it(sandbox: Sandbox) -> None:
    async def main() -> float:
        async with AsyncPresenceClient(base_path=sandbox.url, access_token=TOKEN) as client:

            async def follow() -> None:
                async for _ in client.watch_presence(["dave"]):
                    pass

            task = asyncio.ensure_future(follow())
            await asyncio.sleep(1.0)
            started = time.monotonic()
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            return time.monotonic() - started

    assert asyncio.run(main()) < 0.5
    wait_for_no_websocket(sandbox)


def test_the_example_sees_its_own_change(sandbox: Sandbox) -> None:
    example = os.path.join(PYTHON_DIR, "examples", "watch.py")
    env = dict(os.environ, PYTHONPATH=PYTHON_DIR)
    result = subprocess.run(
        [sys.executable, example, sandbox.url], capture_output=True, text=True, timeout=60, env=env
    )
    assert result.returncode == 0, result.stderr
    assert "'Watched by genesys-presence'" in result.stdout.splitlines()[-1]
