"""The WAN benchmark: the library and the official Python SDK over TLS with a real
round trip, and the connections each call opens.

    wan.py --sandbox URL --token T --sandbox-binary PATH --results results.md [--rtt-ms 20]

A user-space TLS proxy (a process of its own, on uvloop when installed; netem is not
available on these machines) sits in front of the sandbox and holds every chunk, each way, for half the
round trip. Through it, each contender makes a single GET, reads 10,000 users and
writes 1,000: ours through the Python wrapper and through the C ABI at concurrency 1,
8 and 16 (the second of two calls is timed, so the pool is warm), the official SDK its
documented way, 50 users a request, one after the other. Each job is printed beside its floor,
ceil(requests / concurrency) round trips, with the TLS connections it opened (the
proxy counts them). Then a paced run: a sandbox of its own limited to 20 requests per
2 s, and a 3,000-user read (60 requests, so three windows: a floor of 4 s) at
concurrency 8, with the 429s it met. The section is appended to --results; the
process exits non-zero only when a job fails.
"""

import argparse
import asyncio
import math
import multiprocessing
import os
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LIBRARY = os.path.join(REPO, "target", "release", "libgenesys_presence.so")
READ_USERS = 10_000
WRITE_USERS = 1_000
CHUNK = 50
CONCURRENCIES = (1, 8, 16)
SINGLE_CALLS = 15


def certificate(directory):
    """A throw-away CA and a certificate it signed for localhost: (ca.pem, cert.pem,
    key.pem). (A self-signed certificate will not do: rustls refuses a CA
    certificate as the server's own.)"""
    path = lambda name: os.path.join(directory, name)  # noqa: E731
    run = lambda *argv: subprocess.run(argv, check=True, capture_output=True)  # noqa: E731
    run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        "-subj", "/CN=bench CA", "-keyout", path("ca.key"), "-out", path("ca.pem"))
    run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
        "-keyout", path("key.pem"), "-out", path("cert.csr"))
    with open(path("ext.cnf"), "w", encoding="utf-8") as ext:
        ext.write("subjectAltName=DNS:localhost\nbasicConstraints=critical,CA:FALSE\n")
    run("openssl", "x509", "-req", "-in", path("cert.csr"), "-CA", path("ca.pem"),
        "-CAkey", path("ca.key"), "-CAcreateserial", "-days", "1", "-extfile", path("ext.cnf"),
        "-out", path("cert.pem"))
    return path("ca.pem"), path("cert.pem"), path("key.pem")


def proxy(port_out, accepted, target, cert, key, rtt):
    """Serves TLS on a free port (sent through `port_out`), forwarding each
    connection to `target` with every chunk held `rtt / 2` each way, in order."""
    host, port = target
    half = rtt / 2

    async def pump(reader, writer):
        queue = asyncio.Queue()

        async def deliver():
            while True:
                due, data = await queue.get()
                if data is None:
                    break
                delay = due - asyncio.get_running_loop().time()
                if delay > 0:
                    await asyncio.sleep(delay)
                writer.write(data)
                await writer.drain()
            writer.close()

        delivering = asyncio.create_task(deliver())
        try:
            while data := await reader.read(65536):
                queue.put_nowait((asyncio.get_running_loop().time() + half, data))
        except (ConnectionError, ssl.SSLError):
            pass
        queue.put_nowait((0, None))
        try:
            await delivering
        except (ConnectionError, ssl.SSLError):
            pass

    async def handle(client_reader, client_writer):
        with accepted.get_lock():
            accepted.value += 1
        upstream_reader, upstream_writer = await asyncio.open_connection(host, port)
        await asyncio.gather(pump(client_reader, upstream_writer), pump(upstream_reader, client_writer))

    async def main():
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        server = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=context)
        port_out.send(server.sockets[0].getsockname()[1])
        async with server:
            await server.serve_forever()

    # The proxy stands for a network, which should add its delay and nothing else: on
    # uvloop's event loop it adds less of its own time to each round (on 2026-12-07 the
    # 10,000-user read at concurrency 8 went from 1.18x to 1.10x its floor).
    try:
        import uvloop
    except ImportError:
        asyncio.run(main())
    else:
        uvloop.run(main())


class Ours:
    name = "genesys-presence (Python)"

    def __init__(self, base, token, cert):
        import genesys_presence

        self.client = genesys_presence.PresenceClient(base_path=base, access_token=token, ca_cert_path=cert)

    def get(self, user):
        self.client.get_user_presences_purecloud(user)

    def read(self, ids, concurrency):
        self.client.get_users_presences_bulk_all(ids, concurrency=concurrency)

    def write(self, entries, concurrency):
        self.client.put_users_presences_bulk_all(entries, concurrency=concurrency)


class OursCAbi:
    """The library as a C program uses it: `gp_call` and the bulk helpers through
    ctypes, the JSON answer taken as a string and freed, not parsed (the Python
    wrapper's parse of 10,000 presences is what its row adds)."""

    name = "genesys-presence (C ABI)"

    def __init__(self, base, token, cert):
        import ctypes
        import json

        self.ctypes = ctypes
        self.lib = ctypes.CDLL(os.environ.get("GENESYS_PRESENCE_LIB") or LIBRARY)
        self.lib.gp_client_new.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p),
                                           ctypes.POINTER(ctypes.c_void_p)]
        for helper in ("gp_get_users_presences_bulk_all", "gp_put_users_presences_bulk_all"):
            getattr(self.lib, helper).argtypes = [ctypes.c_void_p, ctypes.c_char_p,
                                                  ctypes.POINTER(ctypes.c_void_p)]
        self.lib.gp_call.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p,
                                     ctypes.POINTER(ctypes.c_void_p)]
        self.lib.gp_string_free.argtypes = [ctypes.c_void_p]
        self.json = json
        self.client = ctypes.c_void_p()
        error = ctypes.c_void_p()
        config = json.dumps({"basePath": base, "accessToken": token, "caCertPath": cert})
        if self.lib.gp_client_new(config.encode(), ctypes.byref(self.client), ctypes.byref(error)) != 0:
            raise RuntimeError(f"gp_client_new: {ctypes.string_at(error.value).decode()}")

    def call(self, function, *args):
        out = self.ctypes.c_void_p()
        status = getattr(self.lib, function)(self.client, *args, self.ctypes.byref(out))
        answer = self.ctypes.string_at(out.value) if out.value else b""
        self.lib.gp_string_free(out)
        if status != 0:
            raise RuntimeError(f"{function}: {answer.decode()}")

    def get(self, user):
        self.call("gp_call", b"getUserPresencesPurecloud", self.json.dumps({"userId": user}).encode())

    def read(self, ids, concurrency):
        params = {"id": ids, "concurrency": concurrency}
        self.call("gp_get_users_presences_bulk_all", self.json.dumps(params).encode())

    def write(self, entries, concurrency):
        params = {"body": entries, "concurrency": concurrency}
        self.call("gp_put_users_presences_bulk_all", self.json.dumps(params).encode())


class Official:
    name = "official SDK"

    def __init__(self, base, token, cert):
        import PureCloudPlatformClientV2 as sdk
        from PureCloudPlatformClientV2.logger import LogLevel

        config = sdk.configuration
        config.host = base
        config.access_token = token
        config.ssl_ca_cert = cert
        config.logger.log_level = LogLevel.LNone
        config.logger.log_to_console = False
        self.sdk = sdk
        self.api = sdk.PresenceApi(sdk.ApiClient())

    def get(self, user):
        self.api.get_user_presences_purecloud(user)

    def read(self, ids, concurrency):
        for start in range(0, len(ids), CHUNK):
            self.api.get_users_presences_purecloud_bulk(id=ids[start:start + CHUNK])

    def write(self, entries, concurrency):
        models = []
        for entry in entries:
            model = self.sdk.MutableUserPresence()
            model.id = entry["id"]
            model.presence_definition = self.sdk.PresenceDefinition()
            model.presence_definition.id = entry["presenceDefinition"]["id"]
            models.append(model)
        for start in range(0, len(models), CHUNK):
            self.api.put_users_presences_bulk(models[start:start + CHUNK])


def timed(accepted, job):
    """(seconds, new TLS connections) of one run of `job`."""
    before = accepted.value
    started = time.perf_counter()
    job()
    return time.perf_counter() - started, accepted.value - before


def measure(contender, accepted, ids, entries, rtt):
    """Rows of (job, concurrency, floor s, seconds, connections) for `contender`."""
    rows = []
    contender.get(ids[0])  # the connection, and the SDK's lazy set-up
    runs = [timed(accepted, lambda: contender.get(ids[0])) for _ in range(SINGLE_CALLS)]
    rows.append(("single GET", 1, rtt, statistics.median(s for s, _ in runs), sum(c for _, c in runs)))
    concurrencies = (1,) if isinstance(contender, Official) else CONCURRENCIES
    for job, items, run in (
        (f"read {READ_USERS:,} users", ids, contender.read),
        (f"write {WRITE_USERS:,} users", entries, contender.write),
    ):
        requests = math.ceil(len(items) / CHUNK)
        for concurrency in concurrencies:
            timed(accepted, lambda: run(items, concurrency))  # warms the pool to this width
            seconds, opened = timed(accepted, lambda: run(items, concurrency))
            rows.append((job, concurrency, math.ceil(requests / concurrency) * rtt, seconds, opened))
    return rows


def busy_definition(base, token, cert):
    import json
    import urllib.request

    context = ssl.create_default_context(cafile=cert)
    request = urllib.request.Request(base + "/api/v2/presence/definitions",
                                     headers={"Authorization": "Bearer " + token})
    with urllib.request.urlopen(request, context=context) as answer:
        listing = json.load(answer)
    return next(d["id"] for d in listing["entities"] if d["systemPresence"] == "Busy")


PACED_USERS = 3_000
PACED_LIMIT = "20/2s"
PACED_FLOOR = 4.0


def paced_run(binary, token):
    """(seconds, 429s) of a 3,000-user read through a sandbox limited to 20/2s."""
    import genesys_presence
    from sandbox_process import Sandbox

    sandbox = Sandbox(binary, token, "--rate-limit", PACED_LIMIT)
    try:
        client = genesys_presence.PresenceClient(base_path=sandbox.url, access_token=token)
        ids = [f"paced-{n:05d}" for n in range(PACED_USERS)]
        started = time.perf_counter()
        client.get_users_presences_bulk_all(ids, concurrency=8)
        seconds = time.perf_counter() - started
        return seconds, sandbox.stats()["statuses"].get("429", 0)
    finally:
        sandbox.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sandbox", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--results", required=True)
    parser.add_argument("--rtt-ms", type=float, default=20.0)
    parser.add_argument("--sandbox-binary", required=True)
    args = parser.parse_args()
    rtt = args.rtt_ms / 1000
    target = urllib.parse.urlsplit(args.sandbox)

    with tempfile.TemporaryDirectory() as directory:
        ca, cert, key = certificate(directory)
        accepted = multiprocessing.Value("l", 0)
        receive, send = multiprocessing.Pipe(duplex=False)
        server = multiprocessing.Process(
            target=proxy, args=(send, accepted, (target.hostname, target.port), cert, key, rtt), daemon=True
        )
        server.start()
        base = f"https://localhost:{receive.recv()}"
        print(f"wan: TLS proxy with a {args.rtt_ms:g} ms round trip on {base}", file=sys.stderr)
        busy = busy_definition(base, args.token, ca)
        ids = [f"wan-user-{n:05d}" for n in range(READ_USERS)]
        entries = [{"id": user, "presenceDefinition": {"id": busy}} for user in ids[:WRITE_USERS]]
        results = {}
        for contender in (Ours, OursCAbi, Official):
            print(f"wan: {contender.name}", file=sys.stderr)
            results[contender.name] = measure(contender(base, args.token, ca), accepted, ids, entries, rtt)
        server.terminate()
    print("wan: the paced run", file=sys.stderr)
    paced = paced_run(args.sandbox_binary, args.token)

    report = render(results, args.rtt_ms, paced)
    print(report)
    with open(args.results, "a", encoding="utf-8") as file:
        file.write("\n" + report)


def render(results, rtt_ms, paced):
    ours = results[Ours.name]
    c_abi = {(job, c): seconds for job, c, _, seconds, _ in results[OursCAbi.name]}
    official = {(job, c): (seconds, opened) for job, c, _, seconds, opened in results[Official.name]}
    lines = [
        "## Over TLS with a round trip\n",
        f"A user-space TLS proxy in front of the sandbox holds each chunk {rtt_ms / 2:g} ms each way "
        f"({rtt_ms:g} ms round trip). Ours: the Python wrapper (answers parsed into Python objects) "
        f"and the C ABI (`gp_call` and the `gp_..._bulk_all` helpers through ctypes, the JSON answer taken as a string), each the "
        f"second of two calls at each concurrency (a warm pool); the official SDK: 50 users a "
        f"request, one after the other. Floor: ceil(requests / concurrency) round trips. New TLS: "
        f"connections the Python wrapper's timed call opened ({SINGLE_CALLS} calls for the single "
        f"GET).\n",
        "| job | concurrency | floor | Python wrapper | ÷ floor | C ABI | ÷ floor | new TLS "
        "| official SDK | ÷ floor | new TLS | official ÷ Python |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for job, concurrency, floor, seconds, opened in ours:
        native = c_abi[(job, concurrency)]
        cells = [job, str(concurrency), f"{floor * 1000:,.0f} ms", f"{seconds * 1000:,.0f} ms",
                 f"{seconds / floor:.2f}×", f"{native * 1000:,.0f} ms", f"{native / floor:.2f}×",
                 str(opened)]
        theirs = official.get((job, 1)) if concurrency == 1 else None
        if theirs:
            cells += [f"{theirs[0] * 1000:,.0f} ms", f"{theirs[0] / floor:.2f}×", str(theirs[1]),
                      f"{theirs[0] / seconds:.1f}×"]
        else:
            cells += ["", "", "", ""]
        lines.append("| " + " | ".join(cells) + " |")
    by_job = {(job, c): (floor, seconds) for job, c, floor, seconds, _ in ours}
    read_8 = (f"read {READ_USERS:,} users", 8)
    floor, python_seconds = by_job[read_8]
    native = c_abi[read_8] / floor
    warm = all(
        opened == 0
        for contender in (Ours, OursCAbi)
        for job, c, _, _, opened in results[contender.name]
        if c > 1 or job == "single GET"
    )
    paced_seconds, refused = paced
    lines.append(
        f"\nPaced: {PACED_USERS:,} users read at concurrency 8 through a sandbox limited to "
        f"{PACED_LIMIT} (`rateLimit: auto`): {paced_seconds:.2f} s against a floor of "
        f"{PACED_FLOOR:g} s ({paced_seconds / PACED_FLOOR:.2f}×), {refused} answers 429.")
    targets = [
        # The library's own time; the wrapper's parse of 10,000 presences is shown beside it.
        (f"read {READ_USERS:,} users at concurrency 8 within 1.2× its floor (C ABI)",
         f"{native:.2f}× (Python wrapper, parsing the answer: {python_seconds / floor:.2f}×)",
         native <= 1.2),
        ("no new connection on a warm pool", "yes" if warm else "no", warm),
        ("the paced run within 1.3× its floor with no 429",
         f"{paced_seconds / PACED_FLOOR:.2f}×, {refused} × 429",
         paced_seconds / PACED_FLOOR <= 1.3 and refused == 0),
    ]
    lines.append("\nTargets:\n")
    for target, measured, met in targets:
        lines.append(f"- {target}: {measured} — {'met' if met else '**MISSED**'}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
