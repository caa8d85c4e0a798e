"""What the benchmark measures and how: the contenders, the operations, threads and
placement, shared by the driver (bench.py) and the report (report.py)."""

import os

CONTENDERS = [
    ("official", "official SDK"),
    ("python", "Python wrapper"),
    ("python_raw", "Python wrapper, raw JSON"),
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
