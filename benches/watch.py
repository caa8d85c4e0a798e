"""The watch benchmark: how soon a change arrives, what a 20,000-user watch costs, and
how long the reconciliation after a reconnect takes.

    watch.py --sandbox-binary PATH --results results.md [--skip-paced]

Against sandboxes of its own (loopback), through the Python wrapper (``gp_watch``
underneath):
- latency: a 100-user watch; 200 times, a PATCH of one user, timed from the PATCH's
  answer to ``next()`` returning that change (targets: p50 20 ms, p99 100 ms);
- memory: in a fresh process, the resident memory a 20,000-user watch adds once started
  (target: under 50 MiB);
- reconciliation: a 20,000-user watch (20 channels); every socket dropped; the time from
  the drop until the watch's reads of all 20,000 users (400 requests) are answered,
  unpaced and under ``--rate-limit 300/60s`` (the API's default budget; ``rateLimit:
  auto`` paces the reads, so that takes minutes: ``--skip-paced`` leaves it out).
The section is appended to --results; the process exits non-zero only when a job fails.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "bindings", "python"))

from sandbox_process import Sandbox  # noqa: E402  (benches/, the script's own directory)

TOKEN = "bench-token"
LATENCY_USERS = 100
LATENCY_CHANGES = 200
ORG_USERS = 20_000
READS = ORG_USERS // 50
PACED_LIMIT = "300/60s"


def org_users():
    return [f"org-user-{n:05d}" for n in range(ORG_USERS)]


def latency(binary):
    """(milliseconds from each PATCH's answer to its event, from its sending)."""
    import genesys_presence
    from genesys_presence.models import UserPresence

    sandbox = Sandbox(binary, TOKEN)
    try:
        users = [f"watched-{n}" for n in range(LATENCY_USERS)]
        with genesys_presence.PresenceClient(base_path=sandbox.url, access_token=TOKEN) as client, \
                client.watch_presence(users) as watch:
            samples, round_trips = [], []
            for n in range(LATENCY_CHANGES):
                user, message = users[n % LATENCY_USERS], f"change {n}"
                sent = time.perf_counter()
                client.patch_user_presences_purecloud(user, UserPresence(message=message))
                answered = time.perf_counter()
                while True:
                    event = watch.next(timeout=5)
                    if event is None:
                        raise RuntimeError(f"no event for {user} within 5 s")
                    if event.user_id == user and event.presence and event.presence.message == message:
                        arrived = time.perf_counter()
                        samples.append((arrived - answered) * 1000)
                        round_trips.append((arrived - sent) * 1000)
                        break
            return samples, round_trips
    finally:
        sandbox.close()


MEMORY_CHILD = """
import sys, genesys_presence
def resident():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
client = genesys_presence.PresenceClient(base_path=sys.argv[1], access_token=sys.argv[2])
client.get_user_presences_purecloud("warm-up")
before = resident()
watch = client.watch_presence([f"org-user-{n:05d}" for n in range(20000)])
while watch.next(timeout=1) is not None:
    pass
print(resident() - before)
watch.close()
"""


def memory(binary):
    """KiB of resident memory a started 20,000-user watch adds."""
    sandbox = Sandbox(binary, TOKEN)
    try:
        env = dict(os.environ, PYTHONPATH=os.path.join(REPO, "bindings", "python"))
        result = subprocess.run([sys.executable, "-c", MEMORY_CHILD, sandbox.url, TOKEN],
                                capture_output=True, text=True, env=env, timeout=600, check=True)
        return int(result.stdout.split()[-1])
    finally:
        sandbox.close()


def reconciliation(binary, *flags):
    """Seconds from a drop of every socket until the 20,000 users are read again."""
    import genesys_presence

    sandbox = Sandbox(binary, TOKEN, *flags)
    try:
        with genesys_presence.PresenceClient(base_path=sandbox.url, access_token=TOKEN) as client, \
                client.watch_presence(org_users()) as watch:
            before = sandbox.requests()
            dropped = time.perf_counter()
            sandbox.drop()
            while sandbox.requests() - before < READS:
                watch.next(timeout=0.005)
            return time.perf_counter() - dropped
    finally:
        sandbox.close()


def percentiles(samples):
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.99) - 1]


def render(latencies, added_kib, unpaced, paced):
    samples, round_trips = latencies
    p50, p99 = percentiles(samples)
    sent50, sent99 = percentiles(round_trips)
    added = added_kib / 1024
    lines = [
        "## Watching presence\n",
        f"Against the sandbox on loopback, through the Python wrapper (`gp_watch` underneath). "
        f"Latency: a {LATENCY_USERS}-user watch, {LATENCY_CHANGES} PATCHes one after the other, "
        f"each timed from its answer to `next()` returning its change (the sandbox sends the "
        f"notification as it answers, so the event is often there first). Memory: what a started "
        f"{ORG_USERS:,}-user watch (20 channels) adds to a fresh process's resident set. "
        f"Reconciliation: every socket of a {ORG_USERS:,}-user watch dropped; the time until the "
        f"watch's {READS} reads of its users are answered.\n",
        "| measure | value | target |",
        "| --- | ---: | --- |",
        f"| change to event, p50 | {p50:.1f} ms | ≤ 20 ms: {'met' if p50 <= 20 else '**MISSED**'} |",
        f"| change to event, p99 | {p99:.1f} ms | ≤ 100 ms: {'met' if p99 <= 100 else '**MISSED**'} |",
        f"| PATCH sent to its event (the PATCH's round trip included), p50 / p99 | {sent50:.1f} / "
        f"{sent99:.1f} ms | |",
        f"| resident memory of a {ORG_USERS:,}-user watch | {added:.1f} MiB | < 50 MiB: "
        f"{'met' if added < 50 else '**MISSED**'} |",
        f"| reconciliation after a drop, unpaced | {unpaced:.2f} s | |",
    ]
    if paced is not None:
        lines.append(f"| reconciliation after a drop, sandbox limited to {PACED_LIMIT} (`rateLimit: auto`) "
                     f"| {paced:.1f} s | |")
    lines.append(
        f"\nEach reconnect costs one read per 50 watched users ({READS} for {ORG_USERS:,}): under the "
        f"API's default budget of 300 requests a minute that is most of a minute's budget, so "
        f"reconnects are spread out (jittered backoff) and paced with the client's other calls.")
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sandbox-binary", required=True)
    parser.add_argument("--results", required=True)
    parser.add_argument("--skip-paced", action="store_true")
    args = parser.parse_args()
    print("watch: latency", file=sys.stderr)
    samples = latency(args.sandbox_binary)
    print("watch: memory", file=sys.stderr)
    added = memory(args.sandbox_binary)
    print("watch: reconciliation, unpaced", file=sys.stderr)
    unpaced = reconciliation(args.sandbox_binary)
    paced = None
    if not args.skip_paced:
        print(f"watch: reconciliation under {PACED_LIMIT} (minutes)", file=sys.stderr)
        paced = reconciliation(args.sandbox_binary, "--rate-limit", PACED_LIMIT)
    report = render(samples, added, unpaced, paced)
    print(report)
    with open(args.results, "a", encoding="utf-8") as file:
        file.write("\n" + report)


if __name__ == "__main__":
    main()
