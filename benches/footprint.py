"""Import time and peak RSS of one client in a fresh process.

    footprint.py official|ours|python BASE_URL IDS_JSON

Imports the client's package (timed), creates one client, makes one call (a
user's presence), and prints one JSON line: the import time, the time from
before the import to the first answer, and the process's peak RSS (VmHWM).
``python`` imports nothing and makes no call: the interpreter's own baseline.
Only ``sys``, ``time`` and ``json`` (which both clients import anyway) are
imported before the measured import.
"""

import sys
import time


def peak_rss_kib():
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def main():
    kind, base, ids_path = sys.argv[1:4]
    started = time.perf_counter()
    if kind == "official":
        import PureCloudPlatformClientV2 as sdk

        imported = time.perf_counter()
        from PureCloudPlatformClientV2.logger import LogLevel

        sdk.configuration.host = base
        sdk.configuration.access_token = "bench-token"
        sdk.configuration.logger.log_level = LogLevel.LNone
        sdk.configuration.logger.log_to_console = False
        api = sdk.PresenceApi(sdk.ApiClient())
        call = api.get_user_presences_purecloud
    elif kind == "ours":
        import genesys_presence

        imported = time.perf_counter()
        client = genesys_presence.PresenceClient(base_path=base, access_token="bench-token")
        call = client.get_user_presences_purecloud
    else:
        imported = time.perf_counter()
        call = None
    if call is not None:
        import json

        with open(ids_path, encoding="utf-8") as file:
            user = json.load(file)["user"]
        if not call(user):
            raise SystemExit("footprint: empty answer")
    answered = time.perf_counter()
    print(
        '{"import_ms": %.2f, "first_call_ms": %.2f, "rss_kib": %d}'
        % ((imported - started) * 1e3, (answered - started) * 1e3, peak_rss_kib())
    )


if __name__ == "__main__":
    main()
