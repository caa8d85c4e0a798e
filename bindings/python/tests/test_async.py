"""AsyncPresenceClient: the same methods as coroutines, run off the event loop, and
a cancelled task stops its call in the library."""

from __future__ import annotations

import asyncio
import inspect
import time
from typing import Any, Iterator

import pytest

from test_cancel_and_progress import TOKEN, Sandbox

import genesys_presence
from genesys_presence import AsyncPresenceClient, ClientClosedError, HttpError, PresenceClient, models


@pytest.fixture
def latency_sandbox() -> Iterator[Sandbox]:
    running = Sandbox("--latency-ms", "100")
    yield running
    running.close()


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


def test_every_method_has_its_coroutine_with_the_same_parameters() -> None:
    public = [name for name, _ in inspect.getmembers(PresenceClient, inspect.isfunction) if not name.startswith("_")]
    for name in public:
        if name in ("close", "set_access_token", "set_token_callback"):
            continue
        coroutine = getattr(AsyncPresenceClient, name)
        ours, theirs = inspect.signature(coroutine), inspect.signature(getattr(PresenceClient, name))
        if name == "watch_presence":  # an async iterator of what the blocking watch yields
            assert inspect.isasyncgenfunction(coroutine)
            assert list(ours.parameters.values()) == list(theirs.parameters.values())
            continue
        assert inspect.iscoroutinefunction(coroutine), name
        assert ours == theirs, name


def test_fifty_calls_at_once_take_about_one_round_trip(latency_sandbox: Sandbox) -> None:
    async def main() -> float:
        async with AsyncPresenceClient(base_path=latency_sandbox.url, access_token=TOKEN) as client:
            await client.get_systempresences()  # the connection and the first token
            started = time.perf_counter()
            answers = await asyncio.gather(*(client.get_user_presences_purecloud(f"user-{n}") for n in range(50)))
            elapsed = time.perf_counter() - started
            assert [answer.id for answer in answers] == [f"user-{n}" for n in range(50)]
            assert all(type(answer) is models.UserPresence for answer in answers)
            return elapsed

    # One after the other they would take 50 × 100 ms.
    assert run(main()) < 1.5


def test_results_errors_and_the_raw_path(latency_sandbox: Sandbox) -> None:
    async def main() -> None:
        async with AsyncPresenceClient(base_path=latency_sandbox.url, access_token=TOKEN) as client:
            listing = await client.get_presence_definitions()
            assert isinstance(listing, models.OrganizationPresenceDefinitionEntityListing) and listing.entities
            raw = await client.call("getUserPresencesPurecloud", {"userId": "u"})
            assert raw["id"] == "u"
            with pytest.raises(HttpError) as raised:
                await client.get_presence_source("no-such-source")
            assert raised.value.status == 404
            read = await client.get_users_presences_bulk_all([f"u{n}" for n in range(120)], concurrency=4)
            assert [entry.user_id for entry in read] == [f"u{n}" for n in range(120)]
        assert client.closed
        with pytest.raises(ClientClosedError):
            await client.get_user_presences_purecloud("u")

    run(main())


def test_calls_do_not_block_the_event_loop(latency_sandbox: Sandbox) -> None:
    async def main() -> int:
        ticks = 0

        async def tick() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        ticker = asyncio.ensure_future(tick())
        async with AsyncPresenceClient(base_path=latency_sandbox.url, access_token=TOKEN) as client:
            for _ in range(3):
                await client.get_user_presences_purecloud("u")  # 3 × 100 ms
        ticker.cancel()
        return ticks

    assert run(main()) >= 15


def test_cancelling_a_task_stops_its_bulk_call_within_a_round_trip(latency_sandbox: Sandbox) -> None:
    async def main() -> None:
        async with AsyncPresenceClient(base_path=latency_sandbox.url, access_token=TOKEN) as client:
            # 40 requests one at a time: 4 s unless stopped.
            task = asyncio.ensure_future(
                client.get_users_presences_bulk_all([f"u{n}" for n in range(2000)], concurrency=1)
            )
            await asyncio.sleep(0.35)
            started = time.perf_counter()
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            assert time.perf_counter() - started < 0.2, "the task ends at once, not with the call"
            sent_at_cancel = requests(latency_sandbox)
            await asyncio.sleep(0.4)  # past the round trip in flight
            assert requests(latency_sandbox) <= sent_at_cancel + 1, "no request after the one in flight"
            assert sent_at_cancel < 10

    run(main())


def test_cancelling_a_task_stops_a_single_call(latency_sandbox: Sandbox) -> None:
    async def main() -> None:
        async with AsyncPresenceClient(base_path=latency_sandbox.url, access_token=TOKEN) as client:
            task = asyncio.ensure_future(client.get_user_presences_purecloud("u"))
            await asyncio.sleep(0.02)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            # The client goes on serving.
            assert (await client.get_user_presences_purecloud("v")).id == "v"

    run(main())


def test_a_cancel_given_to_a_helper_still_works() -> None:
    sandbox = Sandbox("--latency-ms", "50")
    try:

        async def main() -> None:
            async with AsyncPresenceClient(base_path=sandbox.url, access_token=TOKEN) as client:
                cancel = genesys_presence.Cancel()
                cancel.cancel()
                with pytest.raises(genesys_presence.CancelledError):
                    await client.get_users_presences_bulk_all(["a", "b"], cancel=cancel)

        run(main())
    finally:
        sandbox.close()


def requests(sandbox: Sandbox) -> int:
    return int(sandbox.stats()["requests"])
