# SPDX-License-Identifier: Apache-2.0
"""Pieces shared by the fault test (faults_e2e.py), bench/faults and bench/soak: the real Collector counting what
it receives, h2otel with full telemetry, a black-hole listener, a steady-rate HTTP loader and /proc sampling.

Everything listens on 127.0.0.1 with free ports; each class has stop() and the callers stop in try/finally."""
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time

from otlp_check import attr_values, free_port, items, json_lines, wait_http  # noqa: F401 (free_port re-exported)


# --------------------------------------------------------------------------------------------- the Collector --


class Collector:
    """The real Collector (ocb build): OTLP/gRPC in; the debug exporter (synchronous, no queue) logs one JSON line per
    accepted export with its item count, written to stderr before the receiver answers OK, so a SIGKILL loses nothing
    already acknowledged. Metrics also go to a file (read after a graceful stop) for the values of h2otel's
    self-metrics. One object keeps the port across restarts; counts are kept per signal with the arrival time."""

    KEYS = {"Traces": ("spans", "spans"), "Logs": ("logs", "log records"), "Metrics": ("points", "data points")}

    def __init__(self, binary, work, port=None):
        self.binary, self.work = binary, work
        self.port = port or free_port()
        self.health = free_port()
        self.proc = None
        self.generation = 0
        self.lock = threading.Lock()
        self.events = []  # (monotonic time, signal, count)
        self.readers = []

    def config(self):
        path = os.path.join(self.work, f"collector-{self.generation}.yaml")
        metrics_file = os.path.join(self.work, f"metrics-{self.generation}.json")
        with open(path, "w") as f:
            f.write(f"""
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:{self.port}
exporters:
  debug: {{verbosity: basic}}
  file/metrics: {{path: {metrics_file}, flush_interval: 100ms}}
extensions:
  health_check:
    endpoint: 127.0.0.1:{self.health}
service:
  extensions: [health_check]
  telemetry:
    logs: {{encoding: json, level: info, sampling: {{enabled: false}}}}
    metrics: {{level: none}}
  pipelines:
    traces: {{receivers: [otlp], exporters: [debug]}}
    metrics: {{receivers: [otlp], exporters: [debug, file/metrics]}}
    logs: {{receivers: [otlp], exporters: [debug]}}
""")
        return path

    def start(self):
        """Starts a new Collector process on the same port and waits until its health check answers."""
        self.generation += 1
        cfg = self.config()
        self.proc = subprocess.Popen([self.binary, f"--config={cfg}"], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True)
        t = threading.Thread(target=self._read, args=(self.proc, self.generation), daemon=True)
        t.start()
        self.readers.append(t)
        wait_http(f"http://127.0.0.1:{self.health}/")
        return time.monotonic()

    def _read(self, proc, generation):
        log = open(os.path.join(self.work, f"collector-{generation}.log"), "w")
        for line in proc.stderr:
            log.write(line)
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            key = self.KEYS.get(rec.get("msg"))
            if key is None or key[1] not in rec:
                continue
            with self.lock:
                self.events.append((time.monotonic(), key[0], int(rec[key[1]])))
        log.close()

    def send(self, sig):
        self.proc.send_signal(sig)

    def stop(self, sig=signal.SIGTERM, timeout=15):
        """Stops the current process (SIGCONT first, in case it is frozen); returns its exit status."""
        if self.proc is None or self.proc.poll() is not None:
            return None if self.proc is None else self.proc.returncode
        self.proc.send_signal(signal.SIGCONT)
        self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        for t in self.readers:
            t.join(timeout=5)
        return rc

    def received(self, what, since=0.0, until=float("inf")):
        """Items of one signal ("spans", "logs", "points") the Collector accepted between two monotonic times."""
        with self.lock:
            return sum(n for t, w, n in self.events if w == what and since <= t < until)

    def first_after(self, what, since):
        """Monotonic time of the first accepted export of a signal at or after `since`, or None."""
        with self.lock:
            times = [t for t, w, _ in self.events if w == what and t >= since]
        return min(times) if times else None

    def last_metrics(self, service, generation=None):
        """The last values (cumulative sums) of one service's otel.sdk.* self-metrics in the metrics file of one
        Collector generation: {(name, error.type or sampling result or None): value}; needs that Collector stopped
        (file flushed)."""
        path = os.path.join(self.work, f"metrics-{generation or self.generation}.json")
        out = {}
        for res, m in items(json_lines(path), "metrics"):
            data = m.get("sum") or m.get("gauge")
            if res.get("service.name") != service or not data or not m["name"].startswith("otel.sdk."):
                continue
            for p in data.get("dataPoints", []):
                a = attr_values(p.get("attributes"))
                out[(m["name"], a.get("error.type") or a.get("otel.span.sampling_result"))] = int(
                    p.get("asInt", p.get("asDouble", 0)))
        return out
        with open(path) as f:
            for line in f:
                try:
                    doc = json.loads(line)
                except ValueError:
                    continue
                for rm in doc.get("resourceMetrics", []):
                    res = {a["key"]: next(iter(a["value"].values())) for a in rm["resource"].get("attributes", [])}
                    if res.get("service.name") != service:
                        continue
                    for sm in rm.get("scopeMetrics", []):
                        for m in sm.get("metrics", []):
                            data = m.get("sum") or m.get("gauge")
                            if not data or not m["name"].startswith("otel.sdk."):
                                continue
                            for p in data.get("dataPoints", []):
                                attrs = {a["key"]: next(iter(a["value"].values())) for a in p.get("attributes", [])}
                                key = (m["name"], attrs.get("error.type") or attrs.get("otel.span.sampling_result"))
                                out[key] = int(p.get("asInt", p.get("asDouble", 0)))
        return out


class BlackHole:
    """A listener on a port that accepts TCP connections and never answers (nor reads): the path is black-holed."""

    def __init__(self, port):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen(64)
        self.conns = []
        self.closing = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.closing:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(c)

    def stop(self):
        self.closing = True
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()
        for c in self.conns:
            c.close()
        return len(self.conns)


class PacketDrop:
    """Every packet to or from a port silently dropped by nftables: established connections stay open and go quiet,
    new SYNs get no answer - the network path black-holed. Only inside a network namespace of the test's own
    (see enter_own_netns): the rule must never touch the machine's loopback."""

    TABLE = "h2otel_faults"

    def __init__(self, port):
        rules = (f"table inet {self.TABLE} {{\n chain out {{\n type filter hook output priority 0;\n"
                 f" tcp dport {port} drop\n tcp sport {port} drop\n }}\n}}\n")
        subprocess.run(["nft", "-f", "-"], input=rules, text=True, check=True)

    def stop(self):
        subprocess.run(["nft", "delete", "table", "inet", self.TABLE], check=True)


def enter_own_netns():
    """Re-executes this script in a new user + network namespace (unshare -rn) with only loopback, up, unless it is
    already there. Servers, load and nftables rules then cannot reach or change the machine's own network."""
    if os.environ.get("H2OTEL_OWN_NETNS") == "1":
        subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
        return
    os.environ["H2OTEL_OWN_NETNS"] = "1"
    argv = ["unshare", "-rn", "--", sys.executable, os.path.abspath(sys.argv[0]), *sys.argv[1:]]
    os.execvp(argv[0], argv)


class FullBacklog:
    """A listener on a port that never accepts, its accept queue already full (listen(0) plus one connection that is
    never accepted): new SYNs are dropped, so connecting hangs until the client's own connect timeout."""

    def __init__(self, port):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen(0)
        self.fillers = []
        for _ in range(2):  # listen(0) still queues one: fill it (the second connect may already time out)
            c = socket.socket()
            c.settimeout(0.5)
            try:
                c.connect(("127.0.0.1", port))
            except OSError:
                pass
            self.fillers.append(c)

    def full(self):
        """True if a further connection attempt times out (the queue is full)."""
        c = socket.socket()
        c.settimeout(0.5)
        try:
            c.connect(("127.0.0.1", self.sock.getsockname()[1]))
            return False
        except OSError:
            return True
        finally:
            c.close()

    def stop(self):
        for c in self.fillers:
            c.close()
        self.sock.close()


# --------------------------------------------------------------------------------------------------- h2otel --

FULL_TELEMETRY = {
    "OTEL_TRACES_SAMPLER": "always_on",
    "OTEL_TRACES_EXPORTER": "otlp",
    "OTEL_METRICS_EXPORTER": "otlp",
    "OTEL_LOGS_EXPORTER": "otlp",
    "OTEL_BSP_SCHEDULE_DELAY": "200",
    "OTEL_BLRP_SCHEDULE_DELAY": "200",
    "OTEL_METRIC_EXPORT_INTERVAL": "500",
    "OTEL_EXPORTER_OTLP_TIMEOUT": "1000",
}


class H2otel:
    """h2otel with full telemetry exporting to a Collector endpoint; `env` adds or replaces variables; `quiet` sends
    its stdout (the JSON access log) to /dev/null instead of a file, for benchmarks."""

    def __init__(self, binary, work, name, otlp_port, port=None, threads=2, env=None, telemetry=True, args=(),
                 quiet=False):
        self.port = port or free_port()
        self.name = name
        full = dict(FULL_TELEMETRY, OTEL_SERVICE_NAME=name, OTEL_EXPORTER_OTLP_ENDPOINT=f"http://127.0.0.1:{otlp_port}")
        if not telemetry:
            full = {"OTEL_SDK_DISABLED": "true"}
        e = dict(os.environ)
        e.update(full)
        e.update(env or {})
        self.out_path = os.devnull if quiet else os.path.join(work, f"{name}.out")
        self.proc = subprocess.Popen([binary, "--listen", f"127.0.0.1:{self.port}", "--threads", str(threads),
                                      "--dummy-delay-min-ms", "0", "--dummy-delay-max-ms", "0", *args],
                                     env=e, stdout=open(self.out_path, "w"), stderr=subprocess.STDOUT)
        wait_http(f"http://127.0.0.1:{self.port}/healthz")

    @property
    def pid(self):
        return self.proc.pid

    def url(self, path="/api/v1/dummy/"):
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self, sig=signal.SIGTERM, timeout=30):
        if self.proc.poll() is not None:
            return self.proc.returncode
        self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None

    def tail(self, n=10):
        with open(self.out_path) as f:
            return "".join(f.readlines()[-n:])


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def fd_count(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


class Sampler:
    """Samples a process's RSS (kB) and open fds every `interval` seconds: samples = [(monotonic, rss_kb, fds)]."""

    def __init__(self, pid, interval=0.2):
        self.pid, self.interval = pid, interval
        self.samples = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stopping.is_set():
            try:
                self.samples.append((time.monotonic(), rss_kb(self.pid), fd_count(self.pid)))
            except OSError:
                return
            self.stopping.wait(self.interval)

    def stop(self):
        self.stopping.set()
        self.thread.join()

    def max_rss(self, since=0.0, until=float("inf")):
        return max((r for t, r, _ in self.samples if since <= t < until), default=0)


# --------------------------------------------------------------------------------------------------- loader --


class Loader:
    """A steady-rate HTTP/1.1 keep-alive loader: `connections` threads, each pacing its requests to rate/connections
    per second. Records every answer (monotonic time, status; status 0 = connection error) so phases can be
    judged afterwards. retarget() moves it to another URL (a restarted server)."""

    def __init__(self, url, rate=200, connections=4):
        self.url = url
        self.rate, self.connections = rate, connections
        self.results = []  # (monotonic time, status)
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.paused = threading.Event()
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(connections)]
        for t in self.threads:
            t.start()

    def retarget(self, url):
        self.url = url

    def pause(self):
        self.paused.set()
        time.sleep(0.3)  # lets every in-flight request finish

    def resume(self):
        self.paused.clear()

    def _run(self):
        period = self.connections / self.rate
        conn, conn_url = None, None
        next_at = time.monotonic()
        while not self.stopping.is_set():
            if self.paused.is_set():
                if conn is not None:
                    conn.close()
                    conn = None
                time.sleep(0.02)
                next_at = time.monotonic()
                continue
            url = self.url
            host, rest = url.split("//", 1)[1].split("/", 1)
            if conn is None or conn_url != host:
                if conn is not None:
                    conn.close()
                h, p = host.split(":")
                conn, conn_url = http.client.HTTPConnection(h, int(p), timeout=10), host
            try:
                conn.request("GET", "/" + rest)
                r = conn.getresponse()
                r.read()
                status = r.status
            except (OSError, http.client.HTTPException):
                status = 0
                conn.close()
                conn = None
            with self.lock:
                self.results.append((time.monotonic(), status))
            next_at += period
            delay = next_at - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            elif delay < -1.0:
                next_at = time.monotonic()  # fell behind: do not burst to catch up
        if conn is not None:
            conn.close()

    def stop(self):
        self.stopping.set()
        for t in self.threads:
            t.join(timeout=15)

    def counts(self, since=0.0, until=float("inf")):
        """{status: count} of the answers between two monotonic times."""
        out = {}
        with self.lock:
            for t, s in self.results:
                if since <= t < until:
                    out[s] = out.get(s, 0) + 1
        return out


def kill_quietly(*things):
    """Stops whatever is given (Collector, H2otel, BlackHole, PacketDrop, FullBacklog, Loader, Sampler), ignoring errors: for
    finally blocks."""
    for t in things:
        if t is None:
            continue
        try:
            if isinstance(t, (Collector, H2otel)):
                t.stop(signal.SIGKILL, timeout=5)
            else:
                t.stop()
        except Exception:  # noqa: BLE001 -- best effort clean-up
            pass
