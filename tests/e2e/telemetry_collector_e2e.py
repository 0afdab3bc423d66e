# SPDX-License-Identifier: Apache-2.0
"""h2otel -> real Collector (OTLP/gRPC) -> file exporter: one trace across two instances, metrics, logs.

Usage: telemetry_collector_e2e.py COLLECTOR_BINARY H2OTEL_BINARY. Starts everything on 127.0.0.1 with free
ports and stops it. Exit 0 when every check passed; prints what failed otherwise."""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

from otlp_check import attr_values, free_port, items, json_lines, wait_http


def get(url, headers=None):
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def main():
    collector, h2otel = sys.argv[1], sys.argv[2]
    work = tempfile.mkdtemp(prefix="h2otel-telcol-")
    procs = []
    failures = []

    def check(cond, what):
        print(("ok   " if cond else "FAIL ") + what)
        if not cond:
            failures.append(what)

    try:
        otlp, health = free_port(), free_port()
        cfg = os.path.join(work, "collector.yaml")
        with open(cfg, "w") as f:
            f.write(f"""
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:{otlp}
exporters:
  file/traces: {{path: {work}/traces.json, flush_interval: 100ms}}
  file/metrics: {{path: {work}/metrics.json, flush_interval: 100ms}}
  file/logs: {{path: {work}/logs.json, flush_interval: 100ms}}
extensions:
  health_check:
    endpoint: 127.0.0.1:{health}
service:
  extensions: [health_check]
  telemetry:
    metrics:
      level: none
  pipelines:
    traces: {{receivers: [otlp], exporters: [file/traces]}}
    metrics: {{receivers: [otlp], exporters: [file/metrics]}}
    logs: {{receivers: [otlp], exporters: [file/logs]}}
""")
        procs.append(subprocess.Popen([collector, f"--config={cfg}"], stdout=open(os.path.join(work, "collector.log"), "w"),
                                      stderr=subprocess.STDOUT))
        wait_http(f"http://127.0.0.1:{health}/")

        def start(name, extra):
            port = free_port()
            env = dict(os.environ, OTEL_SERVICE_NAME=name, OTEL_EXPORTER_OTLP_ENDPOINT=f"http://127.0.0.1:{otlp}",
                       OTEL_METRIC_EXPORT_INTERVAL="1000", OTEL_BSP_SCHEDULE_DELAY="200", OTEL_BLRP_SCHEDULE_DELAY="200")
            p = subprocess.Popen([h2otel, "--listen", f"127.0.0.1:{port}", "--threads", "2", "--dummy-delay-min-ms", "0",
                                  "--dummy-delay-max-ms", "0"] + extra, env=env,
                                 stdout=open(os.path.join(work, f"{name}.out"), "w"), stderr=subprocess.STDOUT)
            procs.append(p)
            wait_http(f"http://127.0.0.1:{port}/healthz")
            return p, port

        down, down_port = start("e2e-down", [])
        up, up_port = start("e2e-up", ["--downstream-url", f"http://127.0.0.1:{down_port}/api/v1/dummy/"])
        tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        check(get(f"http://127.0.0.1:{up_port}/api/v1/dummy/call-downstream", {"traceparent": tp}) == 200,
              "call-downstream answers 200")
        check(get(f"http://127.0.0.1:{up_port}/api/v1/dummy/not-working") == 500, "not-working answers 500")
        for p in (up, down):
            p.send_signal(signal.SIGTERM)
            check(p.wait(timeout=30) == 0, "h2otel exits 0 after SIGTERM (all signals flushed)")
        time.sleep(1.0)  # the file exporter's flush interval

        spans = [dict(s, service=res.get("service.name"), attrs=attr_values(s.get("attributes")))
                 for res, s in items(json_lines(os.path.join(work, "traces.json")), "spans")]
        trace = "4bf92f3577b34da6a3ce929d0e0e4736"
        in_trace = [s for s in spans if s["traceId"] == trace]
        by_name = {(s["service"], s["name"]): s for s in in_trace}
        srv_up = by_name.get(("e2e-up", "GET /api/v1/dummy/call-downstream"))
        cli = by_name.get(("e2e-up", "GET"))
        srv_down = by_name.get(("e2e-down", "GET /api/v1/dummy/"))
        check(srv_up is not None and srv_up.get("parentSpanId") == "00f067aa0ba902b7",
              "up's server span continues the incoming trace")
        check(cli is not None and srv_up is not None and cli.get("parentSpanId") == srv_up["spanId"],
              "client span is a child of up's server span")
        check(srv_down is not None and cli is not None and srv_down.get("parentSpanId") == cli["spanId"],
              "down's server span is a child of the client span (one distributed trace)")
        check(srv_up is not None and srv_up["attrs"].get("http.route") == "/api/v1/dummy/call-downstream",
              "http.route on the server span")
        err = [s for s in spans if s["name"] == "GET /api/v1/dummy/not-working"]
        check(len(err) == 1 and err[0].get("status", {}).get("code") in (2, "STATUS_CODE_ERROR")
              and any(e["name"] == "exception" for e in err[0].get("events", [])),
              "not-working: status ERROR with an exception event")

        metrics = {}
        for res, m in items(json_lines(os.path.join(work, "metrics.json")), "metrics"):
            metrics.setdefault((res.get("service.name"), m["name"]), []).append(m)
        for name in ("http.server.request.duration", "http.server.active_requests", "http.server.request.body.size",
                     "http.server.response.body.size", "http.client.request.duration", "h2otel.requests",
                     "h2otel.requests.failed", "otel.sdk.span.started", "otel.sdk.exporter.span.exported",
                     "otel.sdk.processor.span.queue.capacity"):
            check(("e2e-up", name) in metrics, f"metric {name} reached the Collector")
        exemplar_traces = set()
        for m in metrics.get(("e2e-up", "http.server.request.duration"), []):
            for p in m["histogram"]["dataPoints"]:
                for e in p.get("exemplars", []):
                    exemplar_traces.add(e.get("traceId"))
        check(trace in exemplar_traces, "a duration exemplar points at the distributed trace")

        records = [r for _, r in items(json_lines(os.path.join(work, "logs.json")), "logs")]
        check(any(r.get("traceId") == trace and r.get("spanId") == (srv_up or {}).get("spanId") for r in records),
              "the access log record carries the server span's ids")
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        if failures:
            print(f"work dir kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(f"telemetry-collector e2e: {len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
