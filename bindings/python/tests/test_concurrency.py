"""Calls on one client from many threads run at the same time.

No timing is measured: the server only answers once four requests are in
flight together (a ``threading.Barrier``). If the wrapper held the GIL or a
lock across the native call, or the library serialised calls, the first
request would wait at the barrier alone until it times out, the handler would
answer 500, and the calls would fail.
"""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

from genesys_presence import PresenceClient

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
    assert results == [{"id": user} for user in users]
    assert not barrier.broken


def test_many_threads_get_their_own_answers(server):
    """Each thread gets the response to its own request, however calls interleave."""
    server.responder = lambda request: (200, {}, json.dumps({"id": request.path.split("/")[4]}))
    with PresenceClient(base_path=server.url, access_token=TOKEN) as client:

        def work(thread: int) -> bool:
            return all(
                client.get_user_presences_purecloud(f"t{thread}-{n}") == {"id": f"t{thread}-{n}"}
                for n in range(25)
            )

        with ThreadPoolExecutor(8) as pool:
            assert all(pool.map(work, range(8)))
    assert len(server.requests) == 8 * 25
