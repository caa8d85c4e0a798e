"""Calls on one client from many threads run at the same time, and a forked
child does not share the parent's connections.

No timing is measured: the server only answers once four requests are in
flight together (a ``threading.Barrier``). If the wrapper held the GIL or a
lock across the native call, or the library serialised calls, the first
request would wait at the barrier alone until it times out, the handler would
answer 500, and the calls would fail.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor

import pytest

from genesys_presence import PresenceClient
from genesys_presence.models import UserPresence

from support import TOKEN

PARALLEL = 4


def test_calls_run_concurrently(server):
    barrier = threading.Barrier(PARALLEL, timeout=10)

    def respond(request):
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            return 500, {}, json.dumps({"message": "requests did not overlap", "code": "serial"})
        user_id = request.path.split("/")[4]
        return 200, {}, json.dumps({"id": user_id})

    server.responder = respond
    # The timeout bounds how long a regression that holds the GIL during calls
    # (so the server cannot run either) takes to fail.
    with PresenceClient(
        base_path=server.url, access_token=TOKEN, retry={"max_retries": 0}, timeout_ms=15000
    ) as client:
        with ThreadPoolExecutor(PARALLEL) as pool:
            users = [f"user-{n}" for n in range(PARALLEL)]
            results = list(pool.map(client.get_user_presences_purecloud, users))
    assert results == [UserPresence(id=user) for user in users]
    assert not barrier.broken


def test_many_threads_get_their_own_answers(server):
    """Each thread gets the response to its own request, however calls interleave."""
    server.responder = lambda request: (200, {}, json.dumps({"id": request.path.split("/")[4]}))
    with PresenceClient(base_path=server.url, access_token=TOKEN) as client:

        def work(thread: int) -> bool:
            return all(
                client.get_user_presences_purecloud(f"t{thread}-{n}") == UserPresence(id=f"t{thread}-{n}")
                for n in range(25)
            )

        with ThreadPoolExecutor(8) as pool:
            assert all(pool.map(work, range(8)))
    assert len(server.requests) == 8 * 25


def answer_with_connection(request):
    """Each answer names the connection (client port) its request came on."""
    return 200, {}, json.dumps({"userId": request.path.split("/")[4], "port": request.client_port})


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no os.fork on this platform")
def test_a_forked_child_pools_its_own_connections(client, server):
    # A child inherits the parent's pooled keep-alive sockets; were it to send
    # on one, both processes would read the one stream and could each take the
    # other's answer (another user's presence). It must open its own.
    server.responder = answer_with_connection
    # The raw path: the answers carry the port as a field no model knows.
    parents = client.call("getUserPresencesPurecloud", {"userId": "parent"})["port"]
    reader, writer = os.pipe()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # 3.12+: fork with threads
        pid = os.fork()
    if pid == 0:  # the child: answer through the pipe, then leave without pytest's teardown
        status = 1
        try:
            answers = [client.call("getUserPresencesPurecloud", {"userId": f"child{n}"}) for n in range(2)]
            os.write(writer, json.dumps(answers).encode())
            status = 0
        except BaseException as error:  # noqa: BLE001 - reported by the exit status
            print(f"child: {error!r}", file=sys.stderr)
        finally:
            os._exit(status)
    os.close(writer)
    with os.fdopen(reader, "rb") as pipe:
        answers = json.loads(pipe.read() or b"null")
    assert os.waitpid(pid, 0)[1] == 0
    assert [answer["userId"] for answer in answers] == ["child0", "child1"]
    assert answers[0]["port"] != parents
    assert answers[1]["port"] == answers[0]["port"]  # the child's own pool, reused
    assert client.call("getUserPresencesPurecloud", {"userId": "parent"}) == {"userId": "parent", "port": parents}
