"""The benchmark's report: the tables, as Markdown, and the targets' verdicts."""

import os
import platform

from plan import (
    BACKGROUND_LIMIT_S,
    CONTENDERS,
    OPS,
    PAIRED_BATCH,
    PAIRED_OPS,
    SCALE_CONCURRENCY,
    SCALE_OPS,
    THREADS,
)


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
               "redirects), to show what those settings cost "
               "(see benches/README.md)\n")

    out.append("## Per call, one thread: median µs (min–max)\n")
    rows = [[label] + [cell(results, (key, op, 1)) for key in keys] for op, label, _ in OPS]
    out.append(table(header, rows))

    out.append("\n## Ratios of the medians, one thread\n")
    rows = []
    for op, label, _ in OPS:
        official, ours, abi, floor, settings = (
            median((key, op, 1)) for key in ("official", "python", "abi", "floor", "settings"))
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
        ratio = median(("python", op, 1)) / median(("python_raw", op, 1))
        rows.append([f"Python wrapper's models ≤ 1.10× its raw JSON path, single {label}",
                     f"{ratio:.2f}×", verdict(ratio <= 1.10)])
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
