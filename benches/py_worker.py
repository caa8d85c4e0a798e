"""A Python contender of the benchmark: the official SDK or our wrapper.

    py_worker.py official|ours|raw BASE_URL IDS_JSON

Speaks the workers' line protocol on stdin/stdout (see benches/README.md):
``run OP THREADS CALLS`` -> ``ok WALL_NS CPU_NS LATENCY_NS...`` (or ``err MESSAGE``),
``quit``. Every answer is checked (type and length), so a contender that
errors or returns the wrong thing stops the benchmark.

Each is used as its users use it: the official SDK through one ``ApiClient``
(shared by all threads) and ``PresenceApi`` with model objects for bodies; ours
through one ``PresenceClient``, its typed methods with models for bodies (``ours``)
or its raw-JSON path, ``call()`` with dicts (``raw``). Bodies are built once,
outside the timed calls, for all.
"""

import json
import sys
import threading
import time

TOKEN = "bench-token"


def ten_thousand_ids():
    """The ids every contender reads and writes in the bulk-at-scale runs."""
    return ["%08x-0000-4000-8000-%012x" % (i, i) for i in range(10000)]


def chunks(items, size=50):
    return [items[start:start + size] for start in range(0, len(items), size)]


def expect(condition, what):
    if not condition:
        raise RuntimeError(what)


class Official:
    """PureCloudPlatformClientV2 269.0.0, configured as its README shows."""

    def __init__(self, base, ids):
        import PureCloudPlatformClientV2 as sdk
        from PureCloudPlatformClientV2.logger import LogLevel

        config = sdk.configuration
        config.host = base
        config.access_token = TOKEN
        config.logger.log_level = LogLevel.LNone
        config.logger.log_to_console = False
        self.api = sdk.PresenceApi(sdk.ApiClient())
        self.user = ids["user"]
        self.users = ids["users"]

        def definition(definition_id):
            value = sdk.PresenceDefinition()
            value.id = definition_id
            return value

        def entry(user):
            value = sdk.MutableUserPresence()
            value.id = user
            value.source = "PURECLOUD"
            value.presence_definition = definition(ids["busy"])
            return value

        self.patch_body = sdk.UserPresence()
        self.patch_body.presence_definition = definition(ids["busy"])
        self.patch_body.message = "In a meeting"
        self.put_body = [entry(user) for user in self.users]
        self.many = ten_thousand_ids()
        self.many_entries = [entry(user) for user in self.many]
        self.UserPresence = sdk.UserPresence
        self.listing = sdk.OrganizationPresenceEntityListing

    def call(self, op):
        api = self.api
        if op == "get":
            result = api.get_user_presences_purecloud(self.user)
            expect(isinstance(result, self.UserPresence) and result.presence_definition, op)
        elif op == "patch":
            result = api.patch_user_presences_purecloud(self.user, self.patch_body)
            expect(isinstance(result, self.UserPresence) and result.message, op)
        elif op == "bulk_get":
            result = api.get_users_presences_purecloud_bulk(id=self.users)
            expect(len(result) == 50 and result[49].user_id, op)
        elif op == "bulk_put":
            result = api.put_users_presences_bulk(self.put_body)
            expect(len(result) == 50 and result[49].presence_definition, op)
        elif op == "defs":
            result = api.get_presencedefinitions(page_size=25)
            expect(isinstance(result, self.listing) and len(result.entities) == 25, op)
        else:
            raise ValueError(op)

    def bulk10k(self, op, concurrency):
        # The usual way: one request per 50 users, one after the other.
        presences = []
        if op == "bulk10k_get":
            for chunk in chunks(self.many):
                presences.extend(self.api.get_users_presences_purecloud_bulk(id=chunk))
        else:
            for chunk in chunks(self.many_entries):
                presences.extend(self.api.put_users_presences_bulk(chunk))
        expect(len(presences) == 10000, op)


class Ours:
    """genesys_presence.PresenceClient, the ctypes wrapper: its typed methods, models
    in and out."""

    def __init__(self, base, ids):
        import genesys_presence
        from genesys_presence.models import MutableUserPresence, PresenceDefinition, UserPresence

        self.client = genesys_presence.PresenceClient(base_path=base, access_token=TOKEN)
        self.user = ids["user"]
        self.users = ids["users"]
        self.patch_body = UserPresence(
            presence_definition=PresenceDefinition(id=ids["busy"]), message="In a meeting")

        def entry(user):
            return MutableUserPresence(
                id=user, source="PURECLOUD", presence_definition=PresenceDefinition(id=ids["busy"]))

        self.put_body = [entry(user) for user in self.users]
        self.many = ten_thousand_ids()
        self.many_entries = [entry(user) for user in self.many]

    def call(self, op):
        client = self.client
        if op == "get":
            result = client.get_user_presences_purecloud(self.user)
            expect(result.presence_definition, op)
        elif op == "patch":
            result = client.patch_user_presences_purecloud(self.user, self.patch_body)
            expect(result.message, op)
        elif op == "bulk_get":
            result = client.get_users_presences_purecloud_bulk(id=self.users)
            expect(len(result) == 50 and result[49].user_id, op)
        elif op == "bulk_put":
            result = client.put_users_presences_bulk(self.put_body)
            expect(len(result) == 50 and result[49].presence_definition, op)
        elif op == "defs":
            result = client.get_presencedefinitions(page_size=25)
            expect(len(result.entities) == 25, op)
        else:
            raise ValueError(op)

    def bulk10k(self, op, concurrency):
        client = self.client
        method = "get_users_presences_bulk_all" if op == "bulk10k_get" else "put_users_presences_bulk_all"
        argument = self.many if op == "bulk10k_get" else self.many_entries
        presences = getattr(client, method)(argument, concurrency=concurrency)
        expect(len(presences) == 10000, op)


class OursRaw(Ours):
    """The same client's raw-JSON path: ``call()`` with dicts, parsed JSON back."""

    def __init__(self, base, ids):
        super().__init__(base, ids)
        self.patch_body = self.patch_body.to_wire()
        self.put_body = [entry.to_wire() for entry in self.put_body]
        self.many_entries = [entry.to_wire() for entry in self.many_entries]

    def call(self, op):
        call = self.client.call
        if op == "get":
            result = call("getUserPresencesPurecloud", {"userId": self.user})
            expect(result["presenceDefinition"], op)
        elif op == "patch":
            result = call("patchUserPresencesPurecloud", {"userId": self.user, "body": self.patch_body})
            expect(result["message"], op)
        elif op == "bulk_get":
            result = call("getUsersPresencesPurecloudBulk", {"id": self.users})
            expect(len(result) == 50 and result[49]["userId"], op)
        elif op == "bulk_put":
            result = call("putUsersPresencesBulk", {"body": self.put_body})
            expect(len(result) == 50 and result[49]["presenceDefinition"], op)
        elif op == "defs":
            result = call("getPresencedefinitions", {"pageSize": 25})
            expect(len(result["entities"]) == 25, op)
        else:
            raise ValueError(op)

    def bulk10k(self, op, concurrency):
        if op == "bulk10k_get":
            params = {"id": self.many, "concurrency": concurrency}
            presences = self.client.call("getUsersPresencesBulkAll", params)
        else:
            params = {"body": self.many_entries, "concurrency": concurrency}
            presences = self.client.call("putUsersPresencesBulkAll", params)
        expect(len(presences) == 10000, op)


def run(contender, op, threads, calls):
    """Times `calls` calls of `op` on `threads` threads sharing the contender."""
    if op.startswith("bulk10k_"):
        started = time.perf_counter_ns()
        contender.bulk10k(op, threads)
        wall = time.perf_counter_ns() - started
        return wall, [wall]
    barrier = threading.Barrier(threads)
    latencies = []
    starts, ends, errors = [], [], []
    counts = [calls // threads + (t < calls % threads) for t in range(threads)]

    def work(count):
        mine = []
        call = contender.call
        clock = time.perf_counter_ns
        try:
            barrier.wait()
            starts.append(clock())
            for _ in range(count):
                t0 = clock()
                call(op)
                mine.append(clock() - t0)
        except Exception as error:  # reported to the driver, which stops
            errors.append(f"{op}: {type(error).__name__}: {error}")
        ends.append(clock())
        latencies.extend(mine)

    if threads == 1:
        work(calls)
    else:
        workers = [threading.Thread(target=work, args=(count,)) for count in counts]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    if errors:
        raise RuntimeError(errors[0])
    return max(ends) - min(starts), latencies


def main():
    # get_presencedefinitions is deprecated by the API and both clients warn on
    # every call (the official SDK even forces its filter to "always"): the
    # warnings are still raised and timed, only not written to stderr.
    import warnings

    warnings.showwarning = lambda *args, **kwargs: None
    kind, base, ids_path = sys.argv[1:4]
    with open(ids_path, encoding="utf-8") as file:
        ids = json.load(file)
    contender = {"official": Official, "ours": Ours, "raw": OursRaw}[kind](base, ids)
    out = sys.stdout
    out.write("ready\n")
    out.flush()
    for line in sys.stdin:
        words = line.split()
        if words == ["quit"]:
            break
        try:
            if len(words) != 4 or words[0] != "run":
                raise ValueError(f"unknown command {line!r}")
            cpu_started = time.process_time_ns()
            wall, latencies = run(contender, words[1], int(words[2]), int(words[3]))
            cpu = time.process_time_ns() - cpu_started
            out.write("ok %d %d %s\n" % (wall, cpu, " ".join(map(str, latencies))))
        except Exception as error:
            message = str(error).replace("\n", " ")[:500]
            out.write(f"err {type(error).__name__}: {message}\n")
        out.flush()


if __name__ == "__main__":
    main()
