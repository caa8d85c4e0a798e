#!/usr/bin/env python3
"""Keeps one user's presence in view: watches it, changes it, and prints what the watch
reports, until the change shows up (or Ctrl-C).

Against the local sandbox:   python3 watch.py http://127.0.0.1:PORT
Against a real org, set GENESYS_CLOUD_REGION, GENESYS_CLOUD_CLIENT_ID,
GENESYS_CLOUD_CLIENT_SECRET and GENESYS_CLOUD_USER_ID (the example sets that user's
presence message, then clears it).
"""

import os
import sys
from typing import Any, Dict

try:
    import genesys_presence
except ImportError:  # run from a source checkout without `pip install`
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    import genesys_presence

from genesys_presence import PresenceClient
from genesys_presence.models import UserPresence


def main() -> int:
    config: Dict[str, Any]
    if len(sys.argv) > 1:
        config = {"base_path": sys.argv[1], "access_token": "sandbox-token"}
    else:
        config = {
            "environment": os.environ["GENESYS_CLOUD_REGION"],
            "client_id": os.environ["GENESYS_CLOUD_CLIENT_ID"],
            "client_secret": os.environ["GENESYS_CLOUD_CLIENT_SECRET"],
        }
    user_id = os.environ.get("GENESYS_CLOUD_USER_ID", "8e2c4f0a-3b7d-4a61-9c1e-5d2f7a9b0c13")
    message = "Watched by genesys-presence"
    with PresenceClient(**config) as client:
        with client.watch_presence([user_id], initial=True) as watch:
            # The watch is live: a change made from now on is reported.
            client.patch_user_presences_purecloud(user_id, UserPresence(message=message))
            for event in watch:
                if event.type == "presence" and event.presence is not None:
                    definition = event.presence.presence_definition
                    state = definition.system_presence if definition else None
                    print(f"{event.origin:<12} {event.user_id} {state} {event.presence.message!r}")
                    if event.presence.message == message:
                        break
                else:
                    print(f"{event.type}: {event.reason}")
        if len(sys.argv) == 1:
            client.patch_user_presences_purecloud(user_id, UserPresence(message=""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
