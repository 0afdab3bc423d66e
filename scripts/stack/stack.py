# SPDX-License-Identifier: Apache-2.0
"""The local stack as processes on 127.0.0.1: Jaeger, the Collector, Prometheus, h2otel-backend, h2otel-frontend.

Used by `make run` (scripts/stack/run) and by the e2e test (tests/e2e/stack_e2e.py), so both start exactly the same
thing. Standard library only (plus Debian's python3-yaml), for /usr/bin/python3.

- The Collector runs the chart's charts/observability/files/collector.yaml unchanged, its addresses set through the
  ${env:...} variables that file declares, plus scripts/stack/collector-local.yaml (logs also to a file).
- Prometheus runs a prometheus.yml generated at start from the chart's: same jobs and settings, each target mapped
  to its local address (the chart's "tempo" job becomes "jaeger", the local trace store); an unknown target is an
  error, so a new job in the chart cannot be silently dropped here.
- Everything writes into one folder: <dir>/logs/<part>.log, the OTLP log records in <dir>/logs/otel-logs.jsonl,
  generated configuration and Prometheus' data under <dir>/data/.
- Children run in their own sessions (Ctrl-C reaches only the runner, which then stops them in order: services
  first so they flush, then the Collector, then the stores) and die with the runner (PR_SET_PDEATHSIG).
"""
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CHART_FILES = os.path.join(ROOT, "charts", "observability", "files")
STACK_FILES = os.path.dirname(os.path.abspath(__file__))

# Ports `make run` prefers (the usual ones, so bookmarks work); taken ones fall back to free ports.
PREFERRED = {
    "frontend": 8080,
    "backend": 8081,
    "prometheus": 9090,
    "jaeger_query_http": 16686,
    "jaeger_query_grpc": 16685,
    "jaeger_otlp_grpc": 14317,
    "jaeger_health": 14133,
    "jaeger_metrics": 14888,
    "otlp_grpc": 4317,
    "otlp_http": 4318,
    "collector_prometheus": 8889,
    "collector_health": 13133,
    "collector_metrics": 8888,
}


class StackError(Exception):
    """A part did not build, start or become ready; the message says which and where its log is."""


def _die_with_parent():
    # Runs in the child between fork and exec: SIGTERM when the runner dies, whatever the reason.
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def pick_ports(preferred):
    """One port per name of PREFERRED on 127.0.0.1, all distinct and free now: the preferred one when
    `preferred` is true and it is free, else one the kernel picks. (Sockets stay open until all are picked.)"""
    held, ports = [], {}
    try:
        for name, want in PREFERRED.items():
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind(("127.0.0.1", want if preferred else 0))
            except OSError:
                s.bind(("127.0.0.1", 0))
            held.append(s)
            ports[name] = s.getsockname()[1]
    finally:
        for s in held:
            s.close()
    return ports


def http_get(url, timeout=5.0, headers=None):
    """(status, body bytes) of a GET; status 0 when the connection failed."""
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except (urllib.error.URLError, OSError):
        return 0, b""


def prometheus_config(chart_file, targets, scrape_interval=None):
    """The chart's prometheus.yml as a dict with each static target replaced through `targets`
    ({"otel-collector:8889": "127.0.0.1:NNNN", ...}), the "tempo" job renamed "jaeger", and optionally a shorter
    scrape interval (the e2e test); raises StackError on a target that has no local counterpart."""
    with open(chart_file) as f:
        cfg = yaml.safe_load(f)
    renames = {"tempo": "jaeger"}
    for job in cfg.get("scrape_configs", []):
        job["job_name"] = renames.get(job["job_name"], job["job_name"])
        for sc in job.get("static_configs", []):
            local = []
            for t in sc.get("targets", []):
                if t not in targets:
                    raise StackError(f"{chart_file}: job '{job['job_name']}': target '{t}' has no local "
                                     f"counterpart in scripts/stack/stack.py (known: {', '.join(sorted(targets))})")
                local.append(targets[t])
            sc["targets"] = local
    if scrape_interval:
        cfg.setdefault("global", {})["scrape_interval"] = scrape_interval
        cfg["global"]["evaluation_interval"] = scrape_interval
    return cfg


def build_tool(script, progress=True):
    """Runs scripts/build-<tool> (builds once, cached in ~/.cache/h2otel) and returns the binary's path.
    Its progress goes to our stderr when `progress`, else into the returned error on failure."""
    r = subprocess.run([os.path.join(ROOT, "scripts", script)], stdout=subprocess.PIPE,
                       stderr=None if progress else subprocess.PIPE, text=True)
    if r.returncode != 0:
        raise StackError(f"scripts/{script} failed" + ("" if progress else ":\n" + (r.stderr or "")[-3000:]))
    return r.stdout.strip().splitlines()[-1]


class Stack:
    """Starts and stops the local stack. `directory` receives logs/ and data/ (emptied first)."""

    def __init__(self, directory, h2otel, preferred_ports=False, scrape_interval=None,
                 service_env=None, service_config=None, metric_interval_ms=5000, progress=True):
        self.dir = os.path.abspath(directory)
        self.logs = os.path.join(self.dir, "logs")
        self.data = os.path.join(self.dir, "data")
        self.h2otel = os.path.abspath(h2otel)
        self.ports = pick_ports(preferred_ports)
        self.scrape_interval = scrape_interval
        self.service_env = dict(service_env or {})
        self.service_config = service_config  # YAML text for both h2otel instances (H2OTEL_CONFIG), or None
        self.metric_interval_ms = metric_interval_ms
        self.progress = progress
        self.procs = {}  # name -> Popen, in start order
        self.log_files = {}
        self.otel_logs_file = os.path.join(self.logs, "otel-logs.jsonl")

    # ------------------------------------------------------------------------------------------- urls --
    def url(self, part):
        p = {"frontend": "frontend", "backend": "backend", "prometheus": "prometheus",
             "jaeger": "jaeger_query_http", "collector_health": "collector_health",
             "collector_prometheus": "collector_prometheus", "collector_metrics": "collector_metrics",
             "jaeger_metrics": "jaeger_metrics"}[part]
        return f"http://127.0.0.1:{self.ports[p]}"

    def otlp_endpoint(self):
        return f"http://127.0.0.1:{self.ports['otlp_grpc']}"

    # ---------------------------------------------------------------------------------------- helpers --
    def _say(self, msg):
        if self.progress:
            print(f"stack: {msg}", file=sys.stderr, flush=True)

    def _spawn(self, name, argv, env_extra):
        env = dict(os.environ)
        env.update(env_extra)
        log = open(os.path.join(self.logs, f"{name}.log"), "ab")
        self.log_files[name] = log
        self.procs[name] = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                            env=env, cwd=ROOT, start_new_session=True, preexec_fn=_die_with_parent)

    def log_tail(self, name, lines=30):
        path = os.path.join(self.logs, f"{name}.log")
        try:
            with open(path, errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return ""

    def _wait_ready(self, name, url, timeout=60.0, ok=(200,)):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            p = self.procs[name]
            if p.poll() is not None:
                raise StackError(f"{name} exited with status {p.returncode} while starting; "
                                 f"{self.logs}/{name}.log ends with:\n{self.log_tail(name)}")
            status, _ = http_get(url, timeout=2.0)
            if status in ok:
                return
            time.sleep(0.2)
        raise StackError(f"{name} not ready at {url} after {timeout:.0f} s; "
                         f"{self.logs}/{name}.log ends with:\n{self.log_tail(name)}")

    # ----------------------------------------------------------------------------------- start / stop --
    def start(self):
        """Builds the tools if needed (first time: minutes, with progress), then starts every part and waits
        until each answers its readiness URL. Raises StackError (after stopping what started) on failure."""
        for d in (self.logs, self.data):
            shutil.rmtree(d, ignore_errors=True)
            os.makedirs(d)
        try:
            self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self):
        if not os.access(self.h2otel, os.X_OK):
            raise StackError(f"{self.h2otel} not found: build h2otel first (make build)")
        prometheus = shutil.which("prometheus")
        if prometheus is None:
            raise StackError("prometheus not found: scripts/install-deps installs Debian's package")
        self._say("building/locating the OpenTelemetry Collector (scripts/build-collector)")
        collector = build_tool("build-collector", self.progress)
        self._say("building/locating Jaeger (scripts/build-jaeger)")
        jaeger = build_tool("build-jaeger", self.progress)
        P = self.ports
        lo = "127.0.0.1"

        self._say("starting jaeger")
        self._spawn("jaeger", [jaeger, "--config", os.path.join(STACK_FILES, "jaeger.yaml")], {
            "JAEGER_OTLP_GRPC_ENDPOINT": f"{lo}:{P['jaeger_otlp_grpc']}",
            "JAEGER_QUERY_HTTP_ENDPOINT": f"{lo}:{P['jaeger_query_http']}",
            "JAEGER_QUERY_GRPC_ENDPOINT": f"{lo}:{P['jaeger_query_grpc']}",
            "JAEGER_HEALTH_ENDPOINT": f"{lo}:{P['jaeger_health']}",
            "JAEGER_METRICS_HOST": lo,
            "JAEGER_METRICS_PORT": str(P["jaeger_metrics"]),
        })
        self._wait_ready("jaeger", self.url("jaeger") + "/api/services")

        self._say("starting the collector")
        self._spawn("collector", [collector, "--config", os.path.join(CHART_FILES, "collector.yaml"),
                                  "--config", os.path.join(STACK_FILES, "collector-local.yaml")], {
            "OTELCOL_OTLP_GRPC_ENDPOINT": f"{lo}:{P['otlp_grpc']}",
            "OTELCOL_OTLP_HTTP_ENDPOINT": f"{lo}:{P['otlp_http']}",
            "OTELCOL_TRACES_ENDPOINT": f"{lo}:{P['jaeger_otlp_grpc']}",
            "OTELCOL_PROMETHEUS_ENDPOINT": f"{lo}:{P['collector_prometheus']}",
            "OTELCOL_HEALTH_ENDPOINT": f"{lo}:{P['collector_health']}",
            "OTELCOL_SELF_METRICS_HOST": lo,
            "OTELCOL_SELF_METRICS_PORT": str(P["collector_metrics"]),
            "OTELCOL_LOGS_FILE": self.otel_logs_file,
            "DEPLOYMENT_ENVIRONMENT": "local",
        })
        self._wait_ready("collector", self.url("collector_health") + "/")

        self._say("starting prometheus")
        targets = {
            "otel-collector:8889": f"{lo}:{P['collector_prometheus']}",
            "otel-collector:8888": f"{lo}:{P['collector_metrics']}",
            "tempo:3200": f"{lo}:{P['jaeger_metrics']}",
            "localhost:9090": f"{lo}:{P['prometheus']}",
        }
        cfg = prometheus_config(os.path.join(CHART_FILES, "prometheus.yml"), targets, self.scrape_interval)
        prom_yml = os.path.join(self.data, "prometheus.yml")
        with open(prom_yml, "w") as f:
            f.write("# Generated by scripts/stack/stack.py from charts/observability/files/prometheus.yml\n")
            yaml.safe_dump(cfg, f, sort_keys=False)
        self._spawn("prometheus", [prometheus, f"--config.file={prom_yml}",
                                   f"--storage.tsdb.path={os.path.join(self.data, 'prometheus')}",
                                   f"--web.listen-address={lo}:{P['prometheus']}",
                                   "--enable-feature=exemplar-storage"], {})
        self._wait_ready("prometheus", self.url("prometheus") + "/-/ready")

        common = {
            "OTEL_EXPORTER_OTLP_ENDPOINT": self.otlp_endpoint(),
            "OTEL_EXPORTER_OTLP_INSECURE": "true",
            "OTEL_METRIC_EXPORT_INTERVAL": str(self.metric_interval_ms),
            "OTEL_BSP_SCHEDULE_DELAY": "500",
            "OTEL_BLRP_SCHEDULE_DELAY": "500",
            "H2OTEL_THREADS": "2",
        }
        if self.service_config is not None:
            path = os.path.join(self.data, "h2otel.yaml")
            with open(path, "w") as f:
                f.write(self.service_config)
            common["H2OTEL_CONFIG"] = path
        common.update(self.service_env)
        self._say("starting h2otel-backend")
        self._spawn("h2otel-backend", [self.h2otel], dict(common, **{
            "OTEL_SERVICE_NAME": "h2otel-backend",
            "H2OTEL_LISTEN": f"{lo}:{P['backend']}",
        }))
        self._wait_ready("h2otel-backend", self.url("backend") + "/readyz")
        self._say("starting h2otel-frontend")
        self._spawn("h2otel-frontend", [self.h2otel], dict(common, **{
            "OTEL_SERVICE_NAME": "h2otel-frontend",
            "H2OTEL_LISTEN": f"{lo}:{P['frontend']}",
            "H2OTEL_DOWNSTREAM_URL": self.url("backend") + "/api/v1/dummy/",
        }))
        self._wait_ready("h2otel-frontend", self.url("frontend") + "/readyz")

    def stop_part(self, name, timeout=15.0):
        """SIGTERM to one part, then SIGKILL after `timeout` s; returns its exit status (None if not started)."""
        p = self.procs.get(name)
        if p is None:
            return None
        if p.poll() is None:
            try:
                p.send_signal(signal.SIGTERM)
                p.wait(timeout)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        log = self.log_files.pop(name, None)
        if log:
            log.close()
        return p.returncode

    def stop(self):
        """Stops everything that runs, services first (they flush to the Collector), then the Collector (it
        flushes to Jaeger and serves its last scrape), then Prometheus and Jaeger. Idempotent."""
        statuses = {}
        for name in ("h2otel-frontend", "h2otel-backend", "collector", "prometheus", "jaeger"):
            if name in self.procs:
                statuses[name] = self.stop_part(name)
        return statuses

    def exited(self):
        """Names of parts that are no longer running (empty while all run)."""
        return [n for n, p in self.procs.items() if p.poll() is not None]
