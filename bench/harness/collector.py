# SPDX-License-Identifier: Apache-2.0
"""The real OpenTelemetry Collector (built by scripts/build-collector with ocb) that the exporting peers send
OTLP to, with bench/collector.yaml: OTLP/gRPC in, nop out. Its own Prometheus metrics tell what it accepted."""

import glob
import os
import re
import subprocess
import time
import urllib.request

from . import procs

_ACCEPTED = re.compile(
    r"^otelcol_receiver_(accepted|refused)_(spans|metric_points|log_records)(?:_total)?\{[^}]*\}\s+(\S+)", re.M
)


def find_binary(repo):
    """(path, None) of the collector binary, or (None, reason). Builds it with scripts/build-collector when that
    script is in the tree (the first build takes minutes; later runs reuse ~/.cache/h2otel/otelcol-*)."""
    script = os.path.join(repo, "scripts", "build-collector")
    if os.access(script, os.X_OK):
        r = subprocess.run([script], stdout=subprocess.PIPE, text=True)
        path = r.stdout.strip().splitlines()[-1] if r.stdout.strip() else ""
        if r.returncode == 0 and os.access(path, os.X_OK):
            return path, None
        return None, f"scripts/build-collector failed (status {r.returncode})"
    cache = os.environ.get("H2OTEL_CACHE", os.path.expanduser("~/.cache/h2otel"))
    found = sorted(glob.glob(os.path.join(cache, "otelcol-*", "otelcol-*")))
    found = [p for p in found if os.access(p, os.X_OK) and not p.endswith(".yaml")]
    if found:
        return found[-1], None
    return None, "no collector: scripts/build-collector (issue 5) is not in this tree and none is cached"


class Collector:
    def __init__(self, binary, repo, log_path, env=None):
        """Starts the collector; `env` adds variables (e.g. the Go runtime's GOGC) to its environment."""
        self.binary = binary
        self.otlp_port = procs.free_port()
        self.metrics_port = procs.free_port()
        env = dict(env or {})
        env.update({"BENCH_OTLP_PORT": str(self.otlp_port), "BENCH_COLLECTOR_METRICS_PORT": str(self.metrics_port)})
        self.server = procs.Server(
            [binary, f"--config={os.path.join(repo, 'bench', 'collector.yaml')}"], env=env, log_path=log_path
        )
        self.endpoint = f"http://127.0.0.1:{self.otlp_port}"

    def wait_ready(self, timeout=30.0):
        """None when its metrics endpoint answers (the receiver is up by then), else a reason."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.server.alive():
                return f"collector exited: {self.server.log_tail(3)}"
            try:
                self.counts()
                return None
            except OSError:
                time.sleep(0.2)
        return "collector not ready after 30 s"

    def counts(self):
        """{'accepted_spans': n, 'refused_spans': n, 'accepted_metric_points': n, ...} so far."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.metrics_port}/metrics", timeout=5) as r:
            text = r.read().decode()
        out = {}
        for kind, signal, value in _ACCEPTED.findall(text):
            k = f"{kind}_{signal}"
            out[k] = out.get(k, 0) + int(float(value))
        return out

    def stop(self):
        return self.server.stop()
