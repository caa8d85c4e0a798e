"""Progress reports, cancelling, per-user failures and Ctrl-C, against the sandbox."""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
import urllib.request
from typing import Iterator, List, Tuple

import pytest

import genesys_presence
from support import REPO_DIR, run_python
from test_readme_sandbox import sandbox_binary

TOKEN = "sandbox-token"


class Sandbox:
    """A presence-sandbox process accepting ``TOKEN``, stopped when closed."""

    def __init__(self, *flags: str) -> None:
        self.process = subprocess.Popen(
            [sandbox_binary(), "--port", "0", "--token", TOKEN, *flags],
            stdout=subprocess.PIPE,
            text=True,
        )
        line = self.process.stdout.readline()
        assert line.startswith("listening on "), line
        self.url = line.split()[-1]

    def stats(self) -> dict:
        with urllib.request.urlopen(self.url + "/_sandbox/stats") as answer:
            return json.load(answer)

    def fail_users(self, users: List[str], status: int) -> None:
        request = urllib.request.Request(
            self.url + "/_sandbox/faults/users",
            data=json.dumps({"userIds": users, "status": status}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        urllib.request.urlopen(request).close()

    def client(self) -> genesys_presence.PresenceClient:
        return genesys_presence.PresenceClient(base_path=self.url, access_token=TOKEN)

    def close(self) -> None:
        self.process.kill()
        self.process.wait()
        self.process.stdout.close()


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    running = Sandbox()
    yield running
    running.close()


@pytest.fixture
def slow_sandbox() -> Iterator[Sandbox]:
    running = Sandbox("--latency-ms", "50")
    yield running
    running.close()


def ids(count: int) -> List[str]:
    return [f"user-{n:05d}" for n in range(count)]


def test_progress_rises_to_the_total(sandbox):
    reports: List[Tuple[int, int]] = []
    with sandbox.client() as client:
        presences = client.get_users_presences_bulk_all(
            ids(1234), progress=lambda done, total: reports.append((done, total))
        )
    assert len(presences) == 1234
    assert len(reports) == 25
    assert all(a[0] < b[0] for a, b in zip(reports, reports[1:]))
    assert reports[-1] == (1234, 1234)


def test_a_cancel_from_another_thread_stops_a_read_and_says_what_was_read(slow_sandbox):
    cancel = genesys_presence.Cancel()
    with slow_sandbox.client() as client:
        timer = threading.Timer(0.4, cancel.cancel)
        timer.start()
        started = time.monotonic()
        with pytest.raises(genesys_presence.CancelledError) as raised:
            client.get_users_presences_bulk_all(ids(10_000), cancel=cancel)
        took = time.monotonic() - started
    assert took < 1.5, took
    error = raised.value
    assert error.kind == "cancelled" and cancel.cancelled
    assert len(error.presences) + len(error.failures) == 10_000
    assert all(failure["error"]["kind"] == "cancelled" for failure in error.failures)
    sent = slow_sandbox.stats()["requests"]
    time.sleep(0.3)
    assert slow_sandbox.stats()["requests"] == sent, "no request after the call returned"


def test_a_progress_callback_that_raises_stops_the_call_with_its_exception(sandbox):
    class Stop(Exception):
        pass

    def progress(done: int, total: int) -> None:
        raise Stop(f"at {done} of {total}")

    with sandbox.client() as client:
        with pytest.raises(Stop, match="at 50 of 5000") as raised:
            client.get_users_presences_bulk_all(ids(5000), concurrency=1, progress=progress)
        assert isinstance(raised.value.__cause__, genesys_presence.CancelledError)
        assert sandbox.stats()["requests"] < 5
        # The client goes on working, cancellable again.
        assert len(client.get_users_presences_bulk_all(ids(60))) == 60


def test_users_not_set_are_named_one_by_one(sandbox):
    sandbox.fail_users(["bad-1", "bad-2"], 400)
    users = ids(120)
    users[7], users[90] = "bad-1", "bad-2"
    with sandbox.client() as client:
        busy = next(d.id for d in client.get_presence_definitions().entities if d.system_presence == "Busy")
        entries = [{"id": user, "presenceDefinition": {"id": busy}} for user in users]
        with pytest.raises(genesys_presence.HttpError) as raised:
            client.put_users_presences_bulk_all(entries)
    error = raised.value
    assert error.status == 400
    assert sorted(failure["userId"] for failure in error.failures) == ["bad-1", "bad-2"]
    assert len(error.succeeded) == 118


def test_bad_progress_or_cancel_arguments(sandbox):
    with sandbox.client() as client:
        with pytest.raises(genesys_presence.InvalidArgumentError, match="progress must be callable"):
            client.get_users_presences_bulk_all(["a"], progress=42)
        with pytest.raises(genesys_presence.InvalidArgumentError, match="cancel must be"):
            client.get_users_presences_bulk_all(["a"], cancel=threading.Event())
        with pytest.raises(genesys_presence.InvalidArgumentError, match="concurrency"):
            client.get_users_presences_bulk_all(["a"], concurrency=0)


CTRL_C = """
import os, signal, sys, threading, time, json, urllib.request
import genesys_presence
url = sys.argv[1] if len(sys.argv) > 1 else os.environ["SANDBOX_URL"]
client = genesys_presence.PresenceClient(base_path=url, access_token="sandbox-token")
ids = [f"user-{n:05d}" for n in range(10_000)]
def interrupt():
    global pressed
    pressed = time.monotonic()
    os.kill(os.getpid(), signal.SIGINT)
threading.Timer(1.0, interrupt).start()
try:
    client.get_users_presences_bulk_all(ids, concurrency=1)
    print("finished")
except KeyboardInterrupt:
    late = time.monotonic() - pressed
    sent = json.load(urllib.request.urlopen(url + "/_sandbox/stats"))["requests"]
    time.sleep(0.3)
    after = json.load(urllib.request.urlopen(url + "/_sandbox/stats"))["requests"]
    print(json.dumps({"late": late, "sent": sent, "after": after}))
"""


def test_ctrl_c_during_a_long_call_raises_keyboard_interrupt_within_a_second(slow_sandbox):
    result = run_python(CTRL_C, SANDBOX_URL=slow_sandbox.url,
                        GENESYS_PRESENCE_LIB=genesys_presence._ffi.library_path())
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["late"] < 1.0, outcome
    assert outcome["after"] == outcome["sent"], "the work stopped"
    assert outcome["sent"] < 200, outcome


def test_refresh_tokens_rotate_and_reach_the_callback(caplog):
    sandbox = Sandbox("--refresh-token", "first-refresh-token")
    try:
        seen = []
        with genesys_presence.PresenceClient(
            base_path=sandbox.url, auth_base_path=sandbox.url, client_id="sandbox-client",
            client_secret="sandbox-secret", refresh_token="first-refresh-token",
        ) as client:
            client.set_token_callback(seen.append)
            client.get_presence_settings()
        assert len(seen) == 1
        assert seen[0]["refreshToken"] not in ("", "first-refresh-token")
        assert seen[0]["accessToken"] and seen[0]["expiresIn"] == 3600

        def broken(grant):
            raise RuntimeError("cannot persist")

        with genesys_presence.PresenceClient(
            base_path=sandbox.url, auth_base_path=sandbox.url, client_id="sandbox-client",
            client_secret="sandbox-secret", refresh_token=seen[0]["refreshToken"],
        ) as client:
            client.set_token_callback(broken)
            with caplog.at_level("ERROR", logger="genesys_presence"):
                client.get_presence_settings()
        assert "the token callback raised" in caplog.text

        stale = genesys_presence.PresenceClient(
            base_path=sandbox.url, auth_base_path=sandbox.url, client_id="sandbox-client",
            client_secret="sandbox-secret", refresh_token="first-refresh-token",
        )
        with pytest.raises(genesys_presence.AuthError, match="invalid_grant"):
            stale.get_presence_settings()
        stale.close()
        with pytest.raises(genesys_presence.InvalidArgumentError):
            stale.set_token_callback(42)
    finally:
        sandbox.close()
