"""A program with one type error a line: ``mypy --strict`` must report each
(test_typing.py lists them by line). It is type-checked, not run."""

from __future__ import annotations

from genesys_presence import AsyncPresenceClient, PresenceClient
from genesys_presence.models import PresenceDefinition, UcUserPresence, UserPresence


def wrong(client: PresenceClient) -> None:
    presence = UserPresence()
    presence.message = 5  # WRONG: an int where a str goes
    presence.presence_definition = {"id": "busy"}  # WRONG: a dict where the model goes
    UserPresence(presenceDefinition=PresenceDefinition())  # WRONG: the JSON name, not the attribute
    client.get_user_presences_purecloud(42)  # WRONG: the user id is a str
    listed: UcUserPresence = client.get_user_presences_purecloud("x")  # WRONG: another model
    client.get_users_presences_bulk_all("abc", concurrency="8")  # WRONG: concurrency is an int


async def wrong_async(client: AsyncPresenceClient) -> None:
    presence: UcUserPresence = await client.get_user_presences_purecloud("x")  # WRONG: another model
    client.get_user_presences_purecloud("x").message  # WRONG: a coroutine, not awaited
