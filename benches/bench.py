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
import select
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from plan import (
    ALL_CPUS,
    CONTENDERS,
    ONE_THREAD_CPUS,
    OPS,
    PAIRED_BATCH,
    PAIRED_OPS,
    REPLY_TIMEOUT_S,
    SCALE_CONCURRENCY,
    SCALE_OPS,
    THREADS,
)
from report import machine, load_average, report


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
            "python_raw": ([args.python, worker, "raw", args.base, args.ids], env_ours),
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
