"""A Genesys Cloud Presence API client, backed by the genesys-presence native library.

Method and parameter names are those of the official SDK's ``PresenceApi``
(``PureCloudPlatformClientV2``), and so are the models of
:mod:`genesys_presence.models`, so moving over is mostly a search-and-replace.
Results are models; bodies are models or dicts of the API's JSON. Example::

    from genesys_presence import PresenceClient, HttpError
    from genesys_presence.models import PresenceDefinition, UserPresence

    with PresenceClient(environment="mypurecloud.ie",
                        client_id="...", client_secret="...") as client:
        presence = client.get_user_presences_purecloud(user_id)
        print(presence.presence_definition.system_presence)
        client.patch_user_presences_purecloud(
            user_id, UserPresence(presence_definition=PresenceDefinition(id=busy_id),
                                  message="In a meeting"))
        for entry in client.get_users_presences_purecloud_bulk(id=[user_id, other_id]):
            print(entry.user_id, entry.message)
        try:
            client.get_presence_source("no-such-source")
        except HttpError as error:
            print(error.status, error.code, error.correlation_id)

A client is safe to share between threads, and calls on different threads run
at the same time. The native library is loaded on first use: see
``GENESYS_PRESENCE_LIB`` in the README for where it is looked for.
"""

from typing import TYPE_CHECKING, Any

from ._calls import Cancel
from ._model import InvalidTypeError
from ._watch import PresenceEvent, Watch
from .client import PresenceClient, library_version, operations
from .errors import (
    AuthError,
    CancelledError,
    ClientClosedError,
    DecodeError,
    HttpError,
    InternalError,
    InvalidArgumentError,
    PresenceError,
    TransportError,
)
from ._ffi import LibraryNotFoundError

if TYPE_CHECKING:
    from ._async import AsyncPresenceClient


def __getattr__(name: str) -> Any:
    # AsyncPresenceClient on first use: asyncio would double the time of the import.
    if name == "AsyncPresenceClient":
        from ._async import AsyncPresenceClient

        return AsyncPresenceClient
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "AsyncPresenceClient",
    "AuthError",
    "Cancel",
    "CancelledError",
    "ClientClosedError",
    "DecodeError",
    "HttpError",
    "InternalError",
    "InvalidArgumentError",
    "InvalidTypeError",
    "LibraryNotFoundError",
    "PresenceClient",
    "PresenceError",
    "PresenceEvent",
    "TransportError",
    "Watch",
    "library_version",
    "operations",
]
