"""A program written against the typed API: ``mypy --strict`` must accept it as it is
(test_typing.py). It is type-checked, not run."""

from __future__ import annotations

import asyncio
import datetime
from typing import List, Optional

from genesys_presence import AsyncPresenceClient, Cancel, PresenceClient
from genesys_presence.models import (
    MutableUserPresence,
    OrganizationPresenceDefinition,
    PresenceDefinition,
    UcUserPresence,
    UserPresence,
)


def busy_definition(client: PresenceClient) -> Optional[str]:
    listing = client.get_presence_definitions(deactivated="false")
    definitions: List[OrganizationPresenceDefinition] = listing.entities or []
    for definition in definitions:
        if definition.system_presence == "Busy":
            return definition.id
    return None


def set_busy(client: PresenceClient, user_id: str, busy_id: str) -> datetime.datetime:
    change = UserPresence()
    change.presence_definition = PresenceDefinition(id=busy_id)
    change.message = "In a meeting"
    answer: UserPresence = client.patch_user_presences_purecloud(user_id, change)
    return answer.modified_date or datetime.datetime.now(datetime.timezone.utc)


def everyone(client: PresenceClient, ids: List[str], busy_id: str) -> List[UcUserPresence]:
    client.put_users_presences_bulk_all(
        [MutableUserPresence(id=user, presence_definition=PresenceDefinition(id=busy_id)) for user in ids],
        concurrency=8,
        cancel=Cancel(),
    )
    read: List[UcUserPresence] = client.get_users_presences_bulk_all(ids, progress=lambda done, total: None)
    return read


def as_dict(presence: UserPresence) -> str:
    return presence.to_json() + str(presence.to_dict()) + str(presence.to_wire())


async def gather(ids: List[str]) -> List[UserPresence]:
    async with AsyncPresenceClient(environment="eu-west-1", access_token="t") as client:
        presences = await asyncio.gather(*(client.get_user_presences_purecloud(user) for user in ids))
        read: List[UcUserPresence] = await client.get_users_presences_bulk_all(ids)
        return list(presences) + [UserPresence(id=entry.user_id) for entry in read]
