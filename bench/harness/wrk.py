# SPDX-License-Identifier: Apache-2.0
"""Runs wrk (Debian) against a URL and returns exact figures from bench/wrk-report.lua's result line."""

import os
import resource
import subprocess

_SCRIPT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "wrk-report.lua")


def command(url, threads, connections, seconds, cpus=""):
    """wrk's argv; `cpus` (taskset -c list) pins it to those CPUs."""
    pin = ["taskset", "-c", cpus] if cpus else []
    return pin + ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", _SCRIPT, url]


def run(url, threads, connections, seconds, log_path=None, cpus=""):
    """Returns a dict (requests, rps, p50_us, p90_us, p99_us, max_us, err_*, client_cpu_s), or raises RuntimeError."""
    argv = command(url, threads, connections, seconds, cpus)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=seconds + 60)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if log_path:
        with open(log_path, "a") as f:
            f.write(" ".join(argv) + "\n" + r.stdout + "\n")
    line = next((ln for ln in r.stdout.splitlines() if ln.startswith("BENCH_RESULT ")), None)
    if r.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed (status {r.returncode}): {r.stdout.strip()[-200:]}")
    res = {}
    for kv in line.split()[1:]:
        k, v = kv.split("=", 1)
        res[k] = float(v) if "." in v else int(v)
    res["rps"] = res["requests"] / (res["duration_us"] / 1e6) if res["duration_us"] else 0.0
    # wrk's own CPU (it shares the cores with the server: for the fastest servers it is the bottleneck).
    res["client_cpu_s"] = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    res["errors"] = sum(res[k] for k in ("err_connect", "err_read", "err_write", "err_timeout", "err_status"))
    return res
