"""The benchmark driver: one interleaved run of every contender on one nginx.

    bench.py --base URL --ids IDS_JSON --python VENV_PYTHON --abi ABI_BENCH
             --floor FLOOR --results results.md [--command "make bench"]

Starts the contenders (the official SDK, our Python wrapper, our C ABI from C,
the raw ureq floor and its what-if with the library's settings) as long-lived
worker processes, several of each, warms them up, then runs rounds: in each
round every measurement (operation x threads) is taken from every contender in
turn, by the next of its processes, the order rotating from round to round, so
that drift (other load, CPU frequency, nginx) hits all alike. Then import time and
peak RSS in fresh processes. Prints the tables and writes them, as Markdown,
to --results.

Never fails on a ratio: a missed target is printed as MISSED. Exits non-zero
only when something is broken (a contender errors, dies or hangs).

Environment: BENCH_ROUNDS (default 10), BENCH_PROCESSES (worker processes per
contender, taking rounds in turn; default: one per round), BENCH_SCALE (multiplies
the least calls of a turn; default 1: 200 single-user calls and 60 bulk calls on one thread,
twice that on four), BENCH_TURN_MS (the least length of a turn; default 100: fast
contenders make more calls, sized from the warm-up). Short rounds keep the
contenders' turns close together in time, so drift hits all alike; turns of at
least 100 ms keep a stall of the machine or the threads' start from weighing
much in one turn. BENCH_PAIRS (default 500): turns of the paired measure below.

After the rounds, C ABI ÷ floor on single-user calls is measured a second way,
paired: the C ABI and the floor take turns of PAIRED_BATCH calls, one right
after the other, their processes in rotation. On this machine latency drifts
within a round's 100 ms turn of back-to-back calls, more for the C ABI than
for the floor (benches/README.md); batches of a few ms, alternating, share
whatever state the machine is in. Printed beside the target, which is judged
on the rounds' medians as every other target is.
"""

import argparse
import datetime
import json
import math
import os
import platform
import select
import shlex
import statistics
import subprocess
import sys
import tempfile
import time

CONTENDERS = [
    ("official", "official SDK"),
    ("python", "Python wrapper"),
    ("abi", "C ABI (C)"),
    ("floor", "ureq floor"),
    ("settings", "floor, library settings"),
]
OPS = [
    ("get", "GET user presence", "single"),
    ("patch", "PATCH user presence", "single"),
    ("bulk_get", "bulk GET, 50 users", "bulk"),
    ("bulk_put", "bulk PUT, 50 users", "bulk"),
    ("defs", "definitions page (25)", "bulk"),
]
SCALE_OPS = [
    ("bulk10k_get", "read 10,000 users"),
    ("bulk10k_put", "write 10,000 users"),
]
THREADS = (1, 4)
# Placement: run.sh puts nginx on the last CPU; one-thread runs go on the others,
# so that each call is a round trip between two CPUs, as over a network, rather
# than whatever the scheduler picks from run to run (a client sharing the
# server's CPU can be twice as fast, and then gains nothing from more threads).
# Runs on several threads may use every CPU.
ALL_CPUS = os.sched_getaffinity(0)
ONE_THREAD_CPUS = (ALL_CPUS - {max(ALL_CPUS)}) or ALL_CPUS
SCALE_CONCURRENCY = 8
PAIRED_OPS = ("get", "patch")
PAIRED_BATCH = 20  # calls: a few ms, so that both sides of a pair see the same machine
REPLY_TIMEOUT_S = 300
# A worker between runs only waits for its next command: more CPU than this over
# a run is background work of its own (see the note on HOME in main).
BACKGROUND_LIMIT_S = 1.0


class Broken(Exception):
    """Something that is not a measurement went wrong: exit non-zero."""


def process_cpu_ns(pid):
    """CPU time a process has used so far (all its threads, user + system)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as file:
        fields = file.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1e9 / os.sysconf("SC_CLK_TCK")


class Worker:
    """A contender process speaking the line protocol."""

    def __init__(self, key, argv, env=None):
        self.key = key
        self.argv = argv
        self.process = subprocess.Popen(
            argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env, bufsize=1
        )
        self.cpu_at_ready_ns = 0
        self.cpu_in_runs_ns = 0

    def wait_ready(self):
        line = self._read(120)
        if line != "ready":
            raise Broken(f"{self.key}: did not start ({line!r}); command: {shlex.join(self.argv)}")
        self.cpu_at_ready_ns = process_cpu_ns(self.process.pid)

    def cpu_between_runs_ns(self):
        """CPU the process used since it was ready outside the runs it timed:
        background work of its own, which competes with every contender's turns."""
        used = process_cpu_ns(self.process.pid) - self.cpu_at_ready_ns - self.cpu_in_runs_ns
        return max(0, used)  # /proc counts in ticks (10 ms), the runs in ns

    def _read(self, timeout):
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        if not ready:
            raise Broken(f"{self.key}: no answer within {timeout} s")
        line = self.process.stdout.readline()
        if not line:
            code = self.process.wait()
            raise Broken(f"{self.key}: the worker died (exit status {code})")
        return line.strip()

    def run(self, op, threads, calls):
        """(wall_ns, cpu_ns, [latency_ns...]) of `calls` calls of `op` on `threads` threads."""
        # The worker's threads start from its main thread and take its CPUs.
        try:
            os.sched_setaffinity(self.process.pid, ONE_THREAD_CPUS if threads == 1 else ALL_CPUS)
        except ProcessLookupError:
            pass  # it died: the read below says so
        self.process.stdin.write(f"run {op} {threads} {calls}\n")
        self.process.stdin.flush()
        line = self._read(REPLY_TIMEOUT_S)
        words = line.split()
        if not words or words[0] != "ok":
            raise Broken(f"{self.key}: {op} on {threads} thread(s): {line[:600]}")
        numbers = [int(word) for word in words[1:]]
        self.cpu_in_runs_ns += numbers[1]
        return numbers[0], numbers[1], numbers[2:]

    def close(self):
        if self.process.poll() is None:
            try:
                self.process.stdin.write("quit\n")
                self.process.stdin.flush()
                self.process.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait()


class Results:
    def __init__(self):
        self.latencies = {}  # (contender, op, threads) -> [ns]
        self.walls = {}  # (contender, op, threads) -> [(wall_ns, calls)]
        self.cpu = {}  # (contender, op, threads) -> [cpu_ns]

    def add(self, key, wall, cpu, latencies):
        self.latencies.setdefault(key, []).extend(latencies)
        self.walls.setdefault(key, []).append((wall, len(latencies)))
        self.cpu.setdefault(key, []).append(cpu)

    def cpu_us(self, key):
        """The client process's CPU time per call (all its threads), µs."""
        calls = sum(calls for _, calls in self.walls[key])
        return sum(self.cpu[key]) / calls / 1e3

    def median_us(self, key):
        return statistics.median(self.latencies[key]) / 1e3

    def span_us(self, key):
        values = self.latencies[key]
        return min(values) / 1e3, max(values) / 1e3

    def calls_per_s(self, key):
        walls = self.walls[key]
        return sum(calls for _, calls in walls) / (sum(wall for wall, _ in walls) / 1e9)


# -- formatting ---------------------------------------------------------------


def us(value):
    """Microseconds, readable: 77.4, 412, 4,480, 2.41 s."""
    if value >= 1e6:
        return f"{value / 1e6:.2f} s"
    if value >= 1000:
        return f"{value:,.0f}"
    if value >= 100:
        return f"{value:.0f}"
    return f"{value:.1f}"


def cell(results, key):
    low, high = results.span_us(key)
    return f"{us(results.median_us(key))} ({us(low)}–{us(high)})"


def table(headers, rows):
    """A Markdown table, which reads well as plain text too."""
    widths = [max(len(str(row[i])) for row in [headers] + rows) for i in range(len(headers))]

    def line(values):
        return "| " + " | ".join(str(v).ljust(w) for v, w in zip(values, widths)) + " |"

    separator = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(headers), separator] + [line(row) for row in rows])


def verdict(ok):
    return "met" if ok else "**MISSED**"


# -- the run ------------------------------------------------------------------


def machine():
    cpu = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as file:
            for line in file:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory = ""
    try:
        with open("/proc/meminfo", encoding="ascii") as file:
            kib = int(file.readline().split()[1])
            memory = f", {kib / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return f"{cpu}, {os.cpu_count()} cores{memory}, {platform.system()} {platform.release()}"


def load_average():
    return "/".join(f"{value:.2f}" for value in os.getloadavg())


def measurements(scale):
    single, bulk = max(4, int(200 * scale)), max(4, int(60 * scale))
    plan = []
    for threads in THREADS:
        # Twice the calls on four threads, so that starting them is no part of it.
        factor = 1 if threads == 1 else 2
        for op, _, kind in OPS:
            plan.append((op, threads, factor * (single if kind == "single" else bulk)))
    for op, _ in SCALE_OPS:
        plan.append((op, SCALE_CONCURRENCY, 1))
    return plan


def warm_up(workers, plan, turn_s):
    """Warms every process up and sizes the turns: {(contender, op, threads):
    calls}, the plan's calls or, for a faster contender, as many as it makes in
    `turn_s` at its warm-up pace."""
    turns = {}
    for op, threads, calls in plan:
        for key, processes in workers.items():
            warm_calls = max(threads, min(calls // 4, 50))
            for worker in processes:
                worker.run(op, threads, warm_calls)  # connections, caches
            if op.startswith("bulk10k_"):  # one job a turn, whatever its pace
                turns[key, op, threads] = calls
                continue
            rates = []
            for worker in processes:
                wall, _, _ = worker.run(op, threads, warm_calls)
                rates.append(warm_calls / (wall / 1e9))
            turns[key, op, threads] = max(calls, math.ceil(statistics.median(rates) * turn_s))
    return turns


def interleaved(workers, plan, turns, rounds, results, progress):
    keys = [key for key, _ in CONTENDERS]
    for round_index in range(rounds):
        order = keys[round_index % len(keys):] + keys[: round_index % len(keys)]
        started = time.monotonic()
        for op, threads, _ in plan:
            for key in order:
                calls = turns[key, op, threads]
                # Each round takes another of the contender's processes: one
                # process can be several % faster or slower than another of the
                # same program for the whole of its life, which more rounds of
                # the same process cannot average out (benches/README.md).
                worker = workers[key][round_index % len(workers[key])]
                if not op.startswith("bulk10k_"):
                    # Untimed: the other contenders' turns just evicted this one's
                    # caches, which would weigh most on the smallest calls.
                    worker.run(op, threads, max(threads, calls // 10))
                wall, cpu, latencies = worker.run(op, threads, calls)
                results.add((key, op, threads), wall, cpu, latencies)
        progress(f"round {round_index + 1}/{rounds}: {time.monotonic() - started:.1f} s, "
                 f"load {load_average()}")


def paired(workers, pairs, results):
    """C ABI and floor in alternating turns: results under (key, op, "paired")."""
    for op in PAIRED_OPS:
        for index in range(pairs):
            # Which goes first alternates: the first batch after the other
            # contender's starts with the caches it left.
            order = ("abi", "floor") if index % 2 == 0 else ("floor", "abi")
            for key in order:
                worker = workers[key][index % len(workers[key])]
                wall, cpu, latencies = worker.run(op, 1, PAIRED_BATCH)
                results.add((key, op, "paired"), wall, cpu, latencies)


def footprints(args, env_python, env_ours, runs):
    """Median import time, first-call time and peak RSS over fresh processes."""
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "footprint.py")
    measured = {}
    commands = {
        "python-baseline": ([args.python, script, "python", args.base, args.ids], env_python),
        "official": ([args.python, script, "official", args.base, args.ids], env_python),
        "python": ([args.python, script, "ours", args.base, args.ids], env_ours),
        "abi": ([args.abi, args.base, args.ids, "--once"], None),
        "floor": ([args.floor, args.base, args.ids, "--once"], None),
    }
    for key, (argv, env) in commands.items():
        samples = []
        for run in range(runs + 1):  # the first run only warms the caches
            started = time.perf_counter()
            done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=300)
            wall_ms = (time.perf_counter() - started) * 1e3
            if done.returncode != 0:
                raise Broken(f"footprint {key}: exit {done.returncode}: {done.stderr[-800:]}")
            text = done.stdout.strip()
            sample = json.loads(text) if text.startswith("{") else {"rss_kib": int(text)}
            sample["process_ms"] = wall_ms
            if run:
                samples.append(sample)
        measured[key] = {
            name: statistics.median(sample[name] for sample in samples)
            for name in samples[0]
        }
    return measured


# -- the report ---------------------------------------------------------------


def report(results, feet, rounds, plan, context):
    names = dict(CONTENDERS)
    keys = [key for key, _ in CONTENDERS]
    header = ["operation"] + [names[k] for k in keys]
    least = {op: calls for op, threads, calls in plan if threads == 1}
    timed = {key: sum(len(results.latencies[key, op, threads])
                      for op, _, _ in OPS for threads in THREADS) for key in keys}
    median = results.median_us
    out = []
    out.append("# genesys-presence benchmark\n")
    out.append(f"- date: {context['date']}")
    out.append(f"- machine: {context['machine']}")
    out.append(f"- load average (1/5/15 min): {context['load_before']} before, "
               f"{context['load_after']} after")
    out.append(f"- command: `{context['command']}`")
    out.append(f"- server: {context['server']}")
    out.append(f"- contenders: {context['versions']}")
    out.append(f"- {rounds} interleaved rounds, taken in turn by {context['processes']} worker "
               f"processes of each contender; a turn is {least['get']:,} single-user or "
               f"{least['bulk_get']:,} bulk/page calls on one thread (twice that on four) or, "
               f"for a faster contender, as many as it makes in {context['turn_ms']:g} ms; "
               f"{rounds} runs of each 10,000-user job")
    out.append("- calls timed (all five operations, one and four threads): " + ", ".join(
        f"{names[key]} {timed[key]:,}" for key in keys))
    between = context["between_runs_s"]
    out.append("- CPU the worker processes used outside their runs, after start-up (background "
               "work, which competes with every contender's turns): " + ", ".join(
                   f"{names[key]} {sum(between[key]):.1f} s" for key in keys))
    out.append(f"- placement: one-thread runs on CPU {context['one_thread_cpus']}, away from "
               "nginx (a round trip between two CPUs, as over a network); four threads and "
               "the 10,000-user jobs on any CPU")
    out.append("- *ureq floor* is a bare keep-alive `ureq::Agent` (default configuration) "
               "making the same requests; *floor, library settings* is not a contender but a "
               "what-if: that agent configured as the library's is (timeouts, user agent, no "
               "redirects, a caching resolver), to show what those settings cost "
               "(see benches/README.md)\n")

    out.append("## Per call, one thread: median µs (min–max)\n")
    rows = [[label] + [cell(results, (key, op, 1)) for key in keys] for op, label, _ in OPS]
    out.append(table(header, rows))

    out.append("\n## Ratios of the medians, one thread\n")
    rows = []
    for op, label, _ in OPS:
        official, ours, abi, floor, settings = (median((key, op, 1)) for key in keys)
        rows.append([label, f"{official / ours:.1f}×", f"{official / abi:.1f}×",
                     f"{abi / floor:.2f}×", f"{ours / floor:.2f}×", f"{abi / settings:.2f}×"])
    out.append(table(["operation", "official ÷ Python wrapper", "official ÷ C ABI",
                      "C ABI ÷ floor", "Python wrapper ÷ floor",
                      "C ABI ÷ floor with library settings"], rows))

    out.append("\n## Client CPU per call, one thread: µs (the client process, all threads, "
               "user + system)\n")
    rows = [[label] + [f"{results.cpu_us((key, op, 1)):,.1f}" for key in keys]
            for op, label, _ in OPS]
    out.append(table(header, rows))

    out.append("\n## Four threads sharing one client: calls/s (and × one thread)\n")
    rows = []
    for op, label, _ in OPS:
        row = [label]
        for key in keys:
            one = results.calls_per_s((key, op, 1))
            four = results.calls_per_s((key, op, 4))
            row.append(f"{four:,.0f} ({four / one:.2f}×)")
        rows.append(row)
    out.append(table(header, rows))
    out.append("\nOne thread, for reference (calls/s):\n")
    rows = [[label] + [f"{results.calls_per_s((key, op, 1)):,.0f}" for key in keys]
            for op, label, _ in OPS]
    out.append(table(header, rows))
    out.append("\nPer-call latency on four threads, median µs (min–max):\n")
    rows = [[label] + [cell(results, (key, op, 4)) for key in keys] for op, label, _ in OPS]
    out.append(table(header, rows))

    out.append("\n## C ABI ÷ floor, paired: median µs (min–max)\n")
    out.append(f"The same single-user calls again, after the rounds: {context['pairs']} turns "
               f"each of {PAIRED_BATCH} calls, the C ABI's and the floor's alternating (the "
               "order within a pair too), their processes in rotation. Turns of a few ms "
               "share whatever state the machine is in, where latency drifts within the "
               "rounds' 100 ms turns (see benches/README.md).\n")
    rows = []
    for op, label, _ in OPS:
        if op in PAIRED_OPS:
            abi, floor = (median((key, op, "paired")) for key in ("abi", "floor"))
            rows.append([label, cell(results, ("abi", op, "paired")),
                         cell(results, ("floor", op, "paired")), f"{abi / floor:.2f}×"])
    out.append(table(["operation", names["abi"], names["floor"], "C ABI ÷ floor"], rows))

    out.append("\n## 10,000 users: whole job, median ms (min–max), and client CPU ms\n")
    out.append("The official SDK the usual way: 200 sequential 50-user calls "
               "(`get_users_presences_purecloud_bulk(id=chunk)`, `put_users_presences_bulk(chunk)`), "
               "collected into one list. Ours: one call of the `*_bulk_all` helper with "
               f"`concurrency={SCALE_CONCURRENCY}` (`PresenceClient.get_users_presences_bulk_all"
               f"(ids, concurrency={SCALE_CONCURRENCY})` / `put_users_presences_bulk_all(entries, "
               f"concurrency={SCALE_CONCURRENCY})` from Python; "
               "`gp_get_users_presences_bulk_all` / `gp_put_users_presences_bulk_all` from C). "
               f"Floors: the same 200 requests on {SCALE_CONCURRENCY} threads, bodies read, "
               "not parsed.\n")
    rows = []
    for op, label in SCALE_OPS:
        cells = []
        for contender in keys:
            key = (contender, op, SCALE_CONCURRENCY)
            low, high = results.span_us(key)
            cells.append(f"{median(key) / 1e3:,.1f} ({low / 1e3:,.1f}–{high / 1e3:,.1f})")
        ratio = median(("official", op, SCALE_CONCURRENCY)) / median(("python", op, SCALE_CONCURRENCY))
        rows.append([label] + cells + [f"{ratio:.1f}×"])
        rows.append([f"{label}: client CPU"] + [
            f"{results.cpu_us((contender, op, SCALE_CONCURRENCY)) / 1e3:,.1f}" for contender in keys
        ] + [""])
    out.append(table(["job"] + [names[k] for k in keys] + ["official ÷ Python wrapper"], rows))

    out.append("\n## Footprint: fresh process, median of several\n")
    out.append("Import: the `import` statement alone, timed inside the process. First answer: "
               "from before the import to the first call's answer (library load, client, "
               "one GET). Process: the whole process, as seen from outside. "
               "Peak RSS: VmHWM at exit.\n")
    rows = []
    labels = [("python-baseline", "bare `python` (baseline)"),
              ("official", "official SDK + one call"),
              ("python", "Python wrapper + one call"),
              ("abi", "C program (C ABI) + one call"),
              ("floor", "ureq floor + one call")]
    for key, label in labels:
        foot = feet[key]
        rows.append([
            label,
            f"{foot['import_ms']:,.1f}" if "import_ms" in foot else "–",
            f"{foot['first_call_ms']:,.1f}" if "first_call_ms" in foot else "–",
            f"{foot['process_ms']:,.1f}",
            f"{foot['rss_kib'] / 1024:.1f}",
        ])
    out.append(table(["process", "import (ms)", "first answer (ms)", "process (ms)",
                      "peak RSS (MiB)"], rows))

    out.append("\n## Targets\n")
    rows = []
    for op, label in [("get", "GET"), ("patch", "PATCH")]:
        ratio = median(("official", op, 1)) / median(("python", op, 1))
        rows.append([f"Python wrapper ≥ 3× faster than the official SDK, single {label}",
                     f"{ratio:.1f}×", verdict(ratio >= 3)])
    for op, label in [("bulk_get", "bulk GET"), ("bulk_put", "bulk PUT")]:
        ratio = median(("official", op, 1)) / median(("python", op, 1))
        rows.append([f"Python wrapper ≥ 15× faster than the official SDK, 50-user {label}",
                     f"{ratio:.1f}×", verdict(ratio >= 15)])
    for op, label in [("get", "GET"), ("patch", "PATCH")]:
        ratio = median(("abi", op, 1)) / median(("floor", op, 1))
        pair = median(("abi", op, "paired")) / median(("floor", op, "paired"))
        rows.append([f"C ABI ≤ 1.15× the ureq floor, single {label}",
                     f"{ratio:.2f}× (paired: {pair:.2f}×)", verdict(ratio <= 1.15)])
    for key in ("python", "abi"):
        for op, label, _ in OPS:
            ratio = results.calls_per_s((key, op, 4)) / results.calls_per_s((key, op, 1))
            rows.append([f"{names[key]}: 4 threads ≥ 1.6× the calls/s of 1, {label}",
                         f"{ratio:.2f}×", verdict(ratio >= 1.6)])
    import_ms = feet["python"]["import_ms"]
    rows.append(["`import genesys_presence` ≤ 50 ms", f"{import_ms:.1f} ms", verdict(import_ms <= 50)])
    rss = feet["python"]["rss_kib"] / 1024
    rows.append(["Python process with a client that made one call ≤ 25 MiB RSS",
                 f"{rss:.1f} MiB", verdict(rss <= 25)])
    rss = feet["abi"]["rss_kib"] / 1024
    rows.append(["C program with a client that made one call ≤ 25 MiB RSS",
                 f"{rss:.1f} MiB", verdict(rss <= 25)])
    missed = sum(1 for row in rows if "MISSED" in row[2])
    counted = len(rows)
    out.append(table(["target", "measured", ""], rows))
    out.append(f"\n{counted - missed} of {counted} targets met "
               "(medians of this run; a loaded machine moves them: see the load average).")
    for key in keys:
        busiest = max(between[key])
        if busiest > BACKGROUND_LIMIT_S:
            out.append(f"\n**Note:** a {names[key]} process used {busiest:.1f} s of CPU outside "
                       "its runs: background work that competed with every contender's turns "
                       "and may have moved every ratio.")
    # Only the load before the run tells of other work: the run's own four-thread
    # turns keep two cores busy, so the load after is ~2 whatever else ran.
    busy = float(context["load_before"].split("/")[0])
    if busy > (os.cpu_count() or 1):
        out.append(f"\n**Note:** the load average before the run ({busy:.1f}) shows other "
                   "work on the machine, which may have competed with this run: it inflates "
                   "latencies (most for clients that wait on thread wake-ups) and flattens "
                   "thread scaling.")
    return "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True)
    parser.add_argument("--ids", required=True)
    parser.add_argument("--python", required=True, help="the venv's python")
    parser.add_argument("--abi", required=True, help="the built abi_bench")
    parser.add_argument("--floor", required=True, help="the built floor")
    parser.add_argument("--results", required=True, help="Markdown output file")
    parser.add_argument("--command", default="make bench")
    parser.add_argument("--server", default="nginx")
    args = parser.parse_args()
    rounds = int(os.environ.get("BENCH_ROUNDS", "10"))
    turn_ms = float(os.environ.get("BENCH_TURN_MS", "100"))
    # One process per round: a process's lifelong luck (benches/README.md)
    # then weighs as one round's drift does.
    processes = max(1, int(os.environ.get("BENCH_PROCESSES", str(rounds))))
    scale = float(os.environ.get("BENCH_SCALE", "1"))
    pairs = max(2, int(os.environ.get("BENCH_PAIRS", "500")))

    def progress(message):
        print(f"bench: {message}", file=sys.stderr, flush=True)

    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(here)
    # The Python processes get an empty home. The official SDK watches the
    # directory of its config file (~/.genesyscloudpython), or the nearest parent
    # that exists, recursively, from a thread it starts at import. Depending on a
    # race in that start, the watcher either never runs or crawls that directory
    # without end: here ~ is /root, with Rust toolchains (270,000 entries), and up
    # to 3 of 10 official processes burned a CPU each for whole runs, slowing every
    # contender. On an empty home the watcher, if it runs, has nothing to crawl.
    home = tempfile.TemporaryDirectory(prefix="presence-bench-home.")
    env_python = dict(os.environ, HOME=home.name)
    env_ours = dict(env_python)
    env_ours["PYTHONPATH"] = os.path.join(repo, "bindings", "python")
    # GENESYS_PRESENCE_LIB, if set, points the Python contender at another build
    # (to A/B a library change); by default, the one run.sh just built.
    library = os.environ.get("GENESYS_PRESENCE_LIB") or os.path.join(
        repo, "target", "release", "libgenesys_presence.so")
    env_ours["GENESYS_PRESENCE_LIB"] = library
    worker = os.path.join(here, "py_worker.py")
    context = {
        "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "machine": machine(),
        "load_before": load_average(),
        "command": args.command,
        "server": args.server,
        "processes": processes,
        "turn_ms": turn_ms,
        "pairs": pairs,
        "one_thread_cpus": ", ".join(str(cpu) for cpu in sorted(ONE_THREAD_CPUS)),
    }
    plan = measurements(scale)
    workers = {}
    try:
        progress(f"starting the contenders, {processes} processes each")
        commands = {
            "official": ([args.python, worker, "official", args.base, args.ids], env_python),
            "python": ([args.python, worker, "ours", args.base, args.ids], env_ours),
            "abi": ([args.abi, args.base, args.ids], None),
            "floor": ([args.floor, args.base, args.ids], None),
            "settings": ([args.floor, args.base, args.ids, "--library-settings"], None),
        }
        for key, (argv, env) in commands.items():
            workers[key] = [Worker(key, argv, env=env) for _ in range(processes)]
        for each in workers.values():
            for process in each:
                process.wait_ready()
        progress("warming up")
        turns = warm_up(workers, plan, turn_ms / 1e3)
        results = Results()
        interleaved(workers, plan, turns, rounds, results, progress)
        progress(f"C ABI and floor, paired: {pairs} turns each of {PAIRED_BATCH} calls")
        paired(workers, pairs, results)
        context["between_runs_s"] = {
            key: [process.cpu_between_runs_ns() / 1e9 for process in each]
            for key, each in workers.items()}
    finally:
        for each in workers.values():
            for process in each:
                process.close()
    progress("import time and peak RSS, fresh processes")
    feet = footprints(args, env_python, env_ours, runs=5)
    home.cleanup()
    context["load_after"] = load_average()
    versions = subprocess.run(
        [args.python, "-c",
         "import importlib.metadata as m, platform; "
         "print('PureCloudPlatformClientV2', m.version('PureCloudPlatformClientV2'), "
         "'on Python', platform.python_version())"],
        capture_output=True, text=True, check=True).stdout.strip()
    context["versions"] = (
        f"{versions}; genesys-presence {os.path.relpath(library, repo)} (Python), "
        f"{os.path.relpath(args.abi, repo)} (C); ureq 3 (floors)")
    text = report(results, feet, rounds, plan, context)
    print(text)
    with open(args.results, "w", encoding="utf-8") as file:
        file.write(text)
    progress(f"written to {args.results}")


if __name__ == "__main__":
    try:
        main()
    except Broken as error:
        print(f"bench: BROKEN: {error}", file=sys.stderr)
        sys.exit(1)
