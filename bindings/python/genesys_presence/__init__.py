"""A Genesys Cloud Presence API client, backed by the genesys-presence native library.

Method and parameter names are those of the official SDK's ``PresenceApi``
(``PureCloudPlatformClientV2``), so moving over is mostly a search-and-replace;
bodies are dicts and results are parsed JSON. Example::

    from genesys_presence import PresenceClient, HttpError

    with PresenceClient(environment="mypurecloud.ie",
                        client_id="...", client_secret="...") as client:
        presence = client.get_user_presences_purecloud(user_id)
        print(presence["presenceDefinition"]["systemPresence"])
        client.patch_user_presences_purecloud(
            user_id, {"presenceDefinition": {"id": busy_id}, "message": "In a meeting"})
        for entry in client.get_users_presences_purecloud_bulk(id=[user_id, other_id]):
            print(entry)
        try:
            client.get_presence_source("no-such-source")
        except HttpError as error:
            print(error.status, error.code, error.correlation_id)

A client is safe to share between threads, and calls on different threads run
at the same time. The native library is loaded on first use: see
``GENESYS_PRESENCE_LIB`` in the README for where it is looked for.
"""

from ._calls import Cancel
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

__all__ = [
    "AuthError",
    "Cancel",
    "CancelledError",
    "ClientClosedError",
    "DecodeError",
    "HttpError",
    "InternalError",
    "InvalidArgumentError",
    "LibraryNotFoundError",
    "PresenceClient",
    "PresenceError",
    "TransportError",
    "library_version",
    "operations",
]
