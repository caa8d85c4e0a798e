#!/usr/bin/env python3
"""The quick start in Python: list the system presences and presence definitions,
set a user's presence, read it back in bulk, and show an API error with its
correlation id.

Against the local sandbox:   python3 quickstart.py http://127.0.0.1:PORT
Against a real org, set GENESYS_CLOUD_REGION (e.g. eu-west-1),
GENESYS_CLOUD_CLIENT_ID and GENESYS_CLOUD_CLIENT_SECRET (an OAuth client with the
client-credentials grant), and GENESYS_CLOUD_USER_ID to change that user's
presence (without it, the example only reads).
"""

import os
import sys
from typing import Any, Dict

try:
    import genesys_presence
except ImportError:  # run from a source checkout without `pip install`
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    import genesys_presence

from genesys_presence import HttpError, PresenceClient, PresenceError
from genesys_presence.models import PresenceDefinition, UserPresence


def main() -> int:
    user_id = os.environ.get("GENESYS_CLOUD_USER_ID")
    config: Dict[str, Any]
    if os.environ.get("GENESYS_CLOUD_CLIENT_ID"):
        config = dict(
            environment=os.environ.get("GENESYS_CLOUD_REGION", "us-east-1"),
            client_id=os.environ["GENESYS_CLOUD_CLIENT_ID"],
            client_secret=os.environ.get("GENESYS_CLOUD_CLIENT_SECRET", ""),
        )
    elif len(sys.argv) == 2:
        sandbox = sys.argv[1]
        config = dict(
            base_path=sandbox,
            auth_base_path=sandbox,
            client_id="sandbox-client",
            client_secret="sandbox-secret",
        )
        user_id = user_id or "11111111-2222-3333-4444-555555555555"
    else:
        print(
            f"usage: {sys.argv[0]} SANDBOX_URL (or set GENESYS_CLOUD_* for a real org)",
            file=sys.stderr,
        )
        return 2

    print(f"genesys-presence {genesys_presence.library_version()} (Python)")
    with PresenceClient(**config) as client:
        print("\n== System presences")
        for presence in client.get_systempresences():
            print(f"  {presence.name}")

        print("\n== Presence definitions")
        busy_id = None
        for definition in client.get_presence_definitions(deactivated="false").entities or []:
            print(f"  {definition.system_presence:<10} {definition.id}")
            if busy_id is None and definition.system_presence == "Busy":
                busy_id = definition.id

        if user_id and busy_id:
            print(f"\n== Set user {user_id} to Busy")
            change = UserPresence(
                presence_definition=PresenceDefinition(id=busy_id), message="In a meeting until 3pm"
            )
            answer = client.patch_user_presences_purecloud(user_id, change)
            print(f"  {answer}")
        else:
            print("\n(no GENESYS_CLOUD_USER_ID: not changing anyone's presence)")

        print("\n== Read back in bulk")
        ids = [
            user_id or "99999999-0000-0000-0000-000000000001",
            "99999999-0000-0000-0000-000000000000",
        ]
        for entry in client.get_users_presences_purecloud_bulk(id=ids):
            system_presence = entry.presence_definition.system_presence if entry.presence_definition else ""
            print(f"  {entry.user_id}  {system_presence or '':<8} {entry.message or ''}")

        print("\n== An error, as the API reports it")
        try:
            client.get_presence_source("no-such-source")
        except HttpError as error:
            print(
                f"  {error.message}\n  status {error.status}, code {error.code}, "
                f"correlation id: {error.correlation_id}"
            )
            return 0
    print("expected an HTTP error", file=sys.stderr)
    return 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except PresenceError as error:
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
        sys.exit(1)
