# SPDX-License-Identifier: Apache-2.0
"""Instructions per request, the figure that stays put on a busy machine: the server runs under valgrind's
callgrind (children traced: nginx forks its workers), answers an exact number of requests from a small
keep-alive client, and exits; its instruction count (summed over its processes) is read from callgrind's
output. Two runs with N1 and N2 requests give (Ir(N2) - Ir(N1)) / (N2 - N1): start-up and shutdown cancel."""

import glob
import http.client
import json
import os
import shutil
import tempfile
import threading

from . import procs
from .peers import EXPECT, ROUTE


def _client(port, count, conns):
    """Sends `count` GETs over `conns` keep-alive connections; raises RuntimeError on any wrong answer."""
    errors = []

    def worker(n):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        try:
            for _ in range(n):
                c.request("GET", ROUTE)
                r = c.getresponse()
                body = r.read()
                if r.status != 200 or json.loads(body) != EXPECT:
                    errors.append(f"status {r.status}, body {body[:60]!r}")
                    return
        except Exception as e:  # reported below, the run is then invalid
            errors.append(str(e))
        finally:
            c.close()

    shares = [count // conns + (1 if i < count % conns else 0) for i in range(conns)]
    threads = [threading.Thread(target=worker, args=(n,)) for n in shares]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise RuntimeError(f"request failed under callgrind: {errors[0]}")


def instructions(ctx, peer, requests, outdir, conns=4):
    """Total instructions executed by the peer's processes from start to exit after `requests` requests."""
    port = procs.free_port()
    argv, env = peer.command(ctx, port)
    # nginx's workers drop root for `nobody` and write their output as that user when they exit: they write
    # into a fresh world-writable directory under /tmp (the results directory may not be reachable for them),
    # moved into the results afterwards.
    cgdir = tempfile.mkdtemp(prefix="h2otel-callgrind-")
    os.chmod(cgdir, 0o777)
    pattern = os.path.join(cgdir, f"callgrind.{peer.key}.{requests}.%p")
    vg = ["valgrind", "--tool=callgrind", "--trace-children=yes", "--vgdb=no", f"--callgrind-out-file={pattern}"]
    srv = procs.Server(vg + argv, env=env, log_path=os.path.join(outdir, f"callgrind-{peer.key}.log"))
    try:
        why = procs.wait_http_json(srv, f"http://127.0.0.1:{port}{ROUTE}", EXPECT, timeout=120)
        if why:
            raise RuntimeError(f"failed to start under valgrind: {why}")
        _client(port, requests, conns)
    except BaseException:
        srv.stop(grace=120)
        shutil.rmtree(cgdir, ignore_errors=True)
        raise
    status = srv.stop(grace=120)
    total = 0
    files = glob.glob(pattern.replace("%p", "*"))
    keep = os.path.join(outdir, "callgrind")
    os.makedirs(keep, exist_ok=True)
    for path in files:
        with open(path) as f:
            for line in f:
                if line.startswith("totals:") or line.startswith("summary:"):
                    total += int(line.split()[1])
                    break
        shutil.move(path, os.path.join(keep, os.path.basename(path)))
    shutil.rmtree(cgdir, ignore_errors=True)
    if not files or not total:
        raise RuntimeError(f"no callgrind output (exit status {status}): {srv.log_tail(3)}")
    return total


def per_request(ctx, peer, n1, n2, outdir):
    """(instructions per request, Ir at n1, Ir at n2)."""
    ir1 = instructions(ctx, peer, n1, outdir)
    ir2 = instructions(ctx, peer, n2, outdir)
    return (ir2 - ir1) / (n2 - n1), ir1, ir2
