"""The sandbox against nginx, as servers: requests/s with 64 keep-alive connections,
and the latency of a 50-user bulk GET over one keep-alive connection.

    servers.py --wrk WRK --ids ids.json --server NAME=URL ... --results results.md
               [--rounds N] [--seconds S] [--client-cpu CPU]

Each server is measured by `wrk` (one thread, pinned to --client-cpu when given) in
every round, the order alternating, and reported by the median over rounds. Prints a
table and the sandbox ÷ nginx ratios (target: within 2×), and appends both to
--results. Exits non-zero only when a run fails (a non-2xx answer, wrk missing).
"""

import argparse
import json
import re
import statistics
import subprocess
import sys

TOKEN = "bench-token"
CONNECTIONS = 64
TARGET = 2.0
UNITS_US = {"us": 1.0, "ms": 1000.0, "s": 1_000_000.0}


def wrk(args, client_cpu, connections, seconds, url):
    """Runs wrk; answers (requests/s, {percentile: µs})."""
    command = [args.wrk, "-t1", f"-c{connections}", f"-d{seconds}s", "--latency",
               "-H", f"Authorization: Bearer {TOKEN}", url]
    if client_cpu is not None:
        command = ["taskset", "-c", str(client_cpu)] + command
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    if "Non-2xx" in output or "Socket errors" in output:
        sys.exit(f"servers: {url} answered with errors:\n{output}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    percentiles = {
        int(p): float(value) * UNITS_US[unit]
        for p, value, unit in re.findall(r"^\s+(\d+)%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
    }
    return rate, percentiles


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--wrk", required=True)
    parser.add_argument("--ids", required=True)
    parser.add_argument("--server", action="append", required=True, help="NAME=URL")
    parser.add_argument("--results", required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--client-cpu", type=int)
    args = parser.parse_args()

    with open(args.ids, encoding="utf-8") as file:
        ids = json.load(file)
    single = "/api/v2/users/{}/presences/purecloud".format(ids["user"])
    bulk = "/api/v2/users/presences/purecloud/bulk?id=" + ",".join(ids["users"])
    servers = [entry.split("=", 1) for entry in args.server]

    rates = {name: [] for name, _ in servers}
    p50 = {name: [] for name, _ in servers}
    p99 = {name: [] for name, _ in servers}
    for name, url in servers:  # warm-up: connections, caches, the sandbox's users
        wrk(args, args.client_cpu, CONNECTIONS, 1, url + single)
        wrk(args, args.client_cpu, 1, 1, url + bulk)
    for round_index in range(args.rounds):
        order = servers if round_index % 2 == 0 else servers[::-1]
        for name, url in order:
            rate, _ = wrk(args, args.client_cpu, CONNECTIONS, args.seconds, url + single)
            _, latency = wrk(args, args.client_cpu, 1, args.seconds, url + bulk)
            rates[name].append(rate)
            p50[name].append(latency[50])
            p99[name].append(latency[99])
        print(f"servers: round {round_index + 1}/{args.rounds} done", file=sys.stderr)

    median = statistics.median
    lines = [
        "## The sandbox beside nginx",
        "",
        f"`wrk` (one thread), {args.rounds} rounds of {args.seconds} s, medians. "
        f"Requests/s: `GET {single.replace(ids['user'], '{id}')}` on {CONNECTIONS} "
        "keep-alive connections. Bulk GET: 50 ids on one keep-alive connection.",
        "",
        "| server | requests/s, 64 connections | 50-user bulk GET p50 | p99 |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, _ in servers:
        lines.append(f"| {name} | {median(rates[name]):,.0f} | "
                     f"{median(p50[name]):,.0f} µs | {median(p99[name]):,.0f} µs |")
    sandbox, reference = servers[0][0], servers[1][0]
    checks = [
        ("requests/s", median(rates[reference]) / median(rates[sandbox])),
        ("bulk GET p50", median(p50[sandbox]) / median(p50[reference])),
        ("bulk GET p99", median(p99[sandbox]) / median(p99[reference])),
    ]
    lines += ["", f"{sandbox} ÷ {reference} (target: within {TARGET:g}×):", ""]
    for label, ratio in checks:
        verdict = "met" if ratio <= TARGET else "**MISSED**"
        lines.append(f"- {label}: {ratio:.2f}× — {verdict}")
    text = "\n".join(lines) + "\n"
    print("\n" + text)
    with open(args.results, "a", encoding="utf-8") as file:
        file.write("\n" + text)


if __name__ == "__main__":
    main()
