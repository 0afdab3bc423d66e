# SPDX-License-Identifier: Apache-2.0
"""Runs wrk (Debian) against a URL and returns exact figures from bench/wrk-report.lua's result line."""

import os
import resource
import subprocess


BENCH = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_SCRIPT = os.path.join(BENCH, "wrk-report.lua")
# bench/soak-pace.lua: the same result line, each connection waiting SOAK_DELAY_MS before each request.
PACE_SCRIPT = os.path.join(BENCH, "soak-pace.lua")


def command(url, threads, connections, seconds, cpus="", script=_SCRIPT):
    """wrk's argv; `cpus` (taskset -c list) pins it to those CPUs; `script` prints the BENCH_RESULT line."""
    pin = ["taskset", "-c", cpus] if cpus else []
    return pin + ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script, url]


def run(url, threads, connections, seconds, log_path=None, cpus="", script=_SCRIPT, env=None):
    """Returns a dict (requests, rps, p50_us, p90_us, p99_us, p999_us, max_us, err_*, client_cpu_s), or raises
    RuntimeError. `env` adds variables to wrk's environment (SOAK_DELAY_MS for PACE_SCRIPT)."""
    argv = command(url, threads, connections, seconds, cpus, script)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    r = subprocess.run(
        argv,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=seconds + 60,
        env=dict(os.environ, **(env or {})),
    )
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
