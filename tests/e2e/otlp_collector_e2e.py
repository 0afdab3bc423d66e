# SPDX-License-Identifier: Apache-2.0
# End-to-end proof against the real OpenTelemetry Collector (built by scripts/build-collector):
#  1. our exporter sends known spans, metrics and logs; the Collector's file exporter output is
#     asserted field by field;
#  2. the bytes we send are decoded by the official Python bindings (opentelemetry-proto) and pass
#     the very same assertions (independent decoder);
#  3. faults: Collector absent at start, started, killed mid-run, restarted: no crash, emitting never
#     blocks, every record is exported or counted, export resumes within seconds;
#  4. the service's path: the SDK configured from OTEL_* only (the seed's TRACES_ENDPOINT=host:port +
#     TRACES_INSECURE=true form), a log and a measurement inside a span, the SDK's own metrics.
# Usage: python otlp_collector_e2e.py COLLECTOR_BIN EMITTER_BIN
import base64
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

from google.protobuf.json_format import MessageToDict
from opentelemetry.proto.collector.logs.v1 import logs_service_pb2
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2
from otlp_check import free_port, json_lines

T0 = 1700000000000000000
passed = 0
failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what, flush=True)


def eq(actual, expected, what):
    check(actual == expected, f"{what}: got {actual!r}, expected {expected!r}")


def hex_ids(b, first):
    return bytes((first + i) & 0xFF for i in range(b)).hex()


TRACE_ID = hex_ids(16, 0x01)
SERVER_SPAN_ID = hex_ids(8, 0x11)
PARENT_ID = hex_ids(8, 0x21)
CLIENT_SPAN_ID = hex_ids(8, 0x31)


def attrs(kvs):
    return {kv["key"]: kv.get("value", {}) for kv in kvs or []}


def resource_ok(rs, where):
    a = attrs(rs.get("resource", {}).get("attributes"))
    eq(a.get("service.name"), {"stringValue": "h2otel-e2e"}, f"{where} resource service.name")
    eq(a.get("service.version"), {"stringValue": "0.1.0"}, f"{where} resource service.version")
    eq(a.get("process.pid"), {"intValue": "4242"}, f"{where} resource process.pid")
    eq(rs.get("schemaUrl"), "https://opentelemetry.io/schemas/1.26.0", f"{where} resource schemaUrl")


def scope_ok(ss, where):
    eq(ss.get("scope", {}).get("name"), "h2otel.e2e", f"{where} scope name")
    eq(ss.get("scope", {}).get("version"), "1.2.3", f"{where} scope version")


def check_traces(doc, where):
    rss = doc.get("resourceSpans", [])
    eq(len(rss), 1, f"{where} resourceSpans")
    if not rss:
        return
    resource_ok(rss[0], where)
    scope_ok(rss[0]["scopeSpans"][0], where)
    spans = {s["name"]: s for s in rss[0]["scopeSpans"][0]["spans"]}
    eq(sorted(spans), ["GET /api/v1/slow", "GET downstream"], f"{where} span names")
    s = spans.get("GET /api/v1/slow", {})
    eq(s.get("traceId"), TRACE_ID, f"{where} server traceId")
    eq(s.get("spanId"), SERVER_SPAN_ID, f"{where} server spanId")
    eq(s.get("parentSpanId"), PARENT_ID, f"{where} server parentSpanId")
    eq(s.get("traceState"), "congo=t61rcWkgMzE", f"{where} traceState")
    eq(s.get("flags"), 0x301, f"{where} flags (sampled, remote parent)")
    eq(s.get("kind"), 2, f"{where} kind SERVER")
    eq(s.get("startTimeUnixNano"), str(T0 + 1000), f"{where} start")
    eq(s.get("endTimeUnixNano"), str(T0 + 2000), f"{where} end")
    a = attrs(s.get("attributes"))
    eq(a.get("http.request.method"), {"stringValue": "GET"}, f"{where} string attr")
    eq(a.get("feature.on"), {"boolValue": True}, f"{where} bool attr")
    eq(a.get("http.response.status_code"), {"intValue": "503"}, f"{where} int attr")
    eq(a.get("ratio"), {"doubleValue": 0.75}, f"{where} double attr")
    eq(a.get("tags"), {"arrayValue": {"values": [{"stringValue": "a"}, {"stringValue": "b"}]}}, f"{where} str[]")
    eq(a.get("flags"), {"arrayValue": {"values": [{"boolValue": True}, {"boolValue": False}]}}, f"{where} bool[]")
    eq(a.get("ints"), {"arrayValue": {"values": [{"intValue": "1"}, {"intValue": "-2"}, {"intValue": "3"}]}},
       f"{where} int[]")
    eq(a.get("dbls"), {"arrayValue": {"values": [{"doubleValue": 0.5}, {"doubleValue": -1.25}]}}, f"{where} double[]")
    eq(s.get("droppedAttributesCount"), 3, f"{where} droppedAttributesCount")
    eq(s.get("droppedEventsCount"), 4, f"{where} droppedEventsCount")
    eq(s.get("droppedLinksCount"), 5, f"{where} droppedLinksCount")
    ev = (s.get("events") or [{}])[0]
    eq(ev.get("name"), "exception", f"{where} event name")
    eq(ev.get("timeUnixNano"), str(T0 + 1500), f"{where} event time")
    eq(attrs(ev.get("attributes")).get("exception.type"), {"stringValue": "TimeoutError"}, f"{where} event attr")
    eq(ev.get("droppedAttributesCount"), 1, f"{where} event dropped attrs")
    ln = (s.get("links") or [{}])[0]
    eq(ln.get("traceId"), hex_ids(16, 0xA0), f"{where} link traceId")
    eq(ln.get("spanId"), hex_ids(8, 0xB0), f"{where} link spanId")
    eq(ln.get("traceState"), "vendor=1", f"{where} link traceState")
    eq(ln.get("flags"), 0x301, f"{where} link flags")
    eq(attrs(ln.get("attributes")).get("link.kind"), {"stringValue": "follows"}, f"{where} link attr")
    eq(ln.get("droppedAttributesCount"), 2, f"{where} link dropped attrs")
    eq(s.get("status"), {"message": "upstream unavailable", "code": 2}, f"{where} status")
    c = spans.get("GET downstream", {})
    eq(c.get("parentSpanId"), SERVER_SPAN_ID, f"{where} child parentSpanId")
    eq(c.get("spanId"), CLIENT_SPAN_ID, f"{where} child spanId")
    eq(c.get("kind"), 3, f"{where} child kind CLIENT")
    eq(c.get("flags"), 0x101, f"{where} child flags (local parent)")
    eq(c.get("status"), {"code": 1}, f"{where} child status OK")


def check_metrics(doc, where):
    rms = doc.get("resourceMetrics", [])
    eq(len(rms), 1, f"{where} resourceMetrics")
    if not rms:
        return
    resource_ok(rms[0], where)
    scope_ok(rms[0]["scopeMetrics"][0], where)
    ms = {m["name"]: m for m in rms[0]["scopeMetrics"][0]["metrics"]}
    s = ms.get("http.server.requests", {})
    eq(s.get("description"), "requests served", f"{where} description")
    eq(s.get("unit"), "1", f"{where} unit")
    eq(s.get("sum", {}).get("aggregationTemporality"), 2, f"{where} sum cumulative")
    eq(s.get("sum", {}).get("isMonotonic"), True, f"{where} sum monotonic")
    p = s.get("sum", {}).get("dataPoints", [{}])[0]
    eq(p.get("asInt"), "42", f"{where} sum value")
    eq(p.get("startTimeUnixNano"), str(T0), f"{where} sum start")
    eq(p.get("timeUnixNano"), str(T0 + 50), f"{where} sum time")
    eq(attrs(p.get("attributes")).get("http.route"), {"stringValue": "/api/v1/slow"}, f"{where} point attr")
    ex = (p.get("exemplars") or [{}])[0]
    eq(ex.get("asInt"), "7", f"{where} int exemplar value")
    eq(ex.get("timeUnixNano"), str(T0 + 40), f"{where} exemplar time")
    eq(ex.get("traceId"), TRACE_ID, f"{where} exemplar traceId")
    eq(ex.get("spanId"), SERVER_SPAN_ID, f"{where} exemplar spanId")
    ud = ms.get("queue.depth", {}).get("sum", {})
    eq(ud.get("isMonotonic", False), False, f"{where} up-down not monotonic")
    eq(ud.get("dataPoints", [{}])[0].get("asInt"), "-3", f"{where} up-down value")
    g = ms.get("temperature", {}).get("gauge", {}).get("dataPoints", [{}])[0]
    eq(g.get("asDouble"), 36.6, f"{where} gauge value")
    h = ms.get("http.server.request.duration", {}).get("histogram", {})
    eq(h.get("aggregationTemporality"), 1, f"{where} histogram delta")
    hp = h.get("dataPoints", [{}])[0]
    eq(hp.get("count"), "4", f"{where} histogram count")
    eq(hp.get("sum"), 1.73, f"{where} histogram sum")
    eq(hp.get("min"), 0.01, f"{where} histogram min")
    eq(hp.get("max"), 1.2, f"{where} histogram max")
    eq(hp.get("bucketCounts"), ["2", "1", "0", "1"], f"{where} histogram buckets")
    eq(hp.get("explicitBounds"), [0.1, 0.5, 1.0], f"{where} histogram bounds")
    hx = (hp.get("exemplars") or [{}])[0]
    eq(hx.get("asDouble"), 0.42, f"{where} double exemplar")
    eq(hx.get("spanId"), CLIENT_SPAN_ID, f"{where} histogram exemplar spanId")
    eq(attrs(hx.get("filteredAttributes")).get("user.tier"), {"stringValue": "gold"}, f"{where} filtered attrs")
    e = ms.get("payload.size", {}).get("exponentialHistogram", {})
    eq(e.get("aggregationTemporality"), 2, f"{where} exp histogram cumulative")
    ep = e.get("dataPoints", [{}])[0]
    eq(ep.get("count"), "7", f"{where} exp count")
    eq(ep.get("sum"), 9.5, f"{where} exp sum")
    eq(ep.get("scale"), 2, f"{where} exp scale")
    eq(ep.get("zeroCount"), "1", f"{where} exp zero count")
    eq(ep.get("positive"), {"offset": 3, "bucketCounts": ["1", "0", "3"]}, f"{where} exp positive")
    eq(ep.get("negative"), {"offset": 4, "bucketCounts": ["2"]}, f"{where} exp negative")
    eq((ep.get("min"), ep.get("max")), (-2.0, 6.0), f"{where} exp min/max")


def check_logs(doc, where):
    rls = doc.get("resourceLogs", [])
    eq(len(rls), 1, f"{where} resourceLogs")
    if not rls:
        return
    resource_ok(rls[0], where)
    scope_ok(rls[0]["scopeLogs"][0], where)
    recs = rls[0]["scopeLogs"][0]["logRecords"]
    eq(len(recs), 2, f"{where} log records")
    by_sev = {r.get("severityText"): r for r in recs}
    w = by_sev.get("WARN", {})
    eq(w.get("timeUnixNano"), str(T0 + 1200), f"{where} log time")
    eq(w.get("observedTimeUnixNano"), str(T0 + 1201), f"{where} log observed time")
    eq(w.get("severityNumber"), 13, f"{where} severity number")
    eq(w.get("body"), {"stringValue": "downstream slow"}, f"{where} string body")
    a = attrs(w.get("attributes"))
    eq(a.get("http.route"), {"stringValue": "/api/v1/slow"}, f"{where} log attr")
    eq(a.get("attempt"), {"intValue": "2"}, f"{where} log int attr")
    eq(w.get("traceId"), TRACE_ID, f"{where} log traceId (current span)")
    eq(w.get("spanId"), SERVER_SPAN_ID, f"{where} log spanId (current span)")
    eq(w.get("flags"), 1, f"{where} log trace flags")
    i = by_sev.get("INFO", {})
    eq(i.get("severityNumber"), 9, f"{where} INFO number")
    eq(i.get("eventName"), "h2otel.startup", f"{where} event name")
    eq(i.get("body"), {"kvlistValue": {"values": [{"key": "event", "value": {"stringValue": "startup"}},
                                                  {"key": "threads", "value": {"intValue": "4"}}]}},
       f"{where} structured body")
    check("traceId" not in i, f"{where} no trace context outside a span")


def proto_doc(path, request_cls):
    """Decodes captured request bytes with the official bindings into OTLP-JSON shape (hex ids)."""
    msg = request_cls()
    with open(path, "rb") as f:
        msg.ParseFromString(f.read())
    doc = MessageToDict(msg, use_integers_for_enums=True)

    def fix(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if k in ("traceId", "spanId", "parentSpanId") and isinstance(v, str):
                    node[k] = base64.b64decode(v).hex()
                else:
                    fix(v)
        elif isinstance(node, list):
            for v in node:
                fix(v)
    fix(doc)
    return doc


def collector_config(path, port, health, outdir, suffix=""):
    with open(path, "w") as f:
        f.write(f"""
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:{port}
exporters:
  file/traces:
    path: {outdir}/traces{suffix}.json
    flush_interval: 100ms
  file/metrics:
    path: {outdir}/metrics{suffix}.json
    flush_interval: 100ms
  file/logs:
    path: {outdir}/logs{suffix}.json
    flush_interval: 100ms
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


def start_collector(binary, config, health, log):
    proc = subprocess.Popen([binary, f"--config={config}"], stdout=log, stderr=log)
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"collector exited with {proc.returncode}; see {log.name}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{health}/", timeout=1) as r:
                if r.status == 200:
                    return proc
        except OSError:
            pass
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError("collector not healthy within 60 s")


def stop(proc, sig=signal.SIGTERM):
    if proc and proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def read_json_lines(path, want, timeout=10):
    """The JSON documents of a file exporter output, waiting until `want` returns true."""
    deadline = time.time() + timeout
    docs = []
    while time.time() < deadline:
        docs = json_lines(path)  # the Collector may be mid-line (it writes through a 4 KB buffer)
        if want(docs):
            break
        time.sleep(0.1)
    return docs


def merge(docs, key):
    return {key: [x for d in docs for x in d.get(key, [])]}


def main():
    collector, emitter = sys.argv[1], sys.argv[2]
    work = tempfile.mkdtemp(prefix="otlp-e2e-")
    log = open(os.path.join(work, "collector.log"), "w")
    procs = []
    try:
        # 1 + 2: known data through the real Collector, and the captured bytes through the official decoder.
        port, health = free_port(), free_port()
        cfg = os.path.join(work, "collector.yaml")
        collector_config(cfg, port, health, work)
        procs.append(start_collector(collector, cfg, health, log))
        run = subprocess.run([emitter, "emit", f"127.0.0.1:{port}", work], capture_output=True, text=True, timeout=60)
        print(run.stderr.strip())
        eq(run.returncode, 0, "emitter exit status")
        for name, key, checker, cls in [
            ("traces", "resourceSpans", check_traces, trace_service_pb2.ExportTraceServiceRequest),
            ("metrics", "resourceMetrics", check_metrics, metrics_service_pb2.ExportMetricsServiceRequest),
            ("logs", "resourceLogs", check_logs, logs_service_pb2.ExportLogsServiceRequest),
        ]:
            docs = read_json_lines(os.path.join(work, f"{name}.json"), lambda d: len(d) > 0)
            check(len(docs) > 0, f"collector wrote {name}")
            checker(merge(docs, key), f"collector {name}")
            checker(proto_doc(os.path.join(work, f"{name}.bin"), cls), f"python-decoded {name}")
        stop(procs.pop())

        # 3: absent at start (0-1.5 s), started, killed at 4 s, restarted at 5.5 s, frozen (SIGSTOP: a hung,
        # "slow" Collector that accepts but never answers) from 7 to 8.5 s; the emitter runs 11 s.
        port, health = free_port(), free_port()
        cfg_a, cfg_b = os.path.join(work, "a.yaml"), os.path.join(work, "b.yaml")
        collector_config(cfg_a, port, health, work, "-a")
        collector_config(cfg_b, port, health, work, "-b")
        t0 = time.time()
        em = subprocess.Popen([emitter, "outage", f"127.0.0.1:{port}", "11"], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True)
        time.sleep(1.5)
        t_start_a = time.time() - t0
        procs.append(start_collector(collector, cfg_a, health, log))
        time.sleep(max(0, 4 - (time.time() - t0)))
        stop(procs.pop(), signal.SIGKILL)
        t_kill = time.time() - t0
        time.sleep(1.5)
        t_start_b = time.time() - t0
        procs.append(start_collector(collector, cfg_b, health, log))
        time.sleep(max(0, 7 - (time.time() - t0)))
        procs[-1].send_signal(signal.SIGSTOP)
        t_stop = time.time() - t0
        time.sleep(1.5)
        procs[-1].send_signal(signal.SIGCONT)
        t_cont = time.time() - t0
        out, _ = em.communicate(timeout=60)
        eq(em.returncode, 0, "outage emitter exit status (no crash)")
        summary = json.loads(out)
        timeline = summary["timeline"]

        def resumed_after(t_s):
            base = max((e for ms, e, f in timeline if ms / 1000 <= t_s), default=0)
            for ms, e, f in timeline:
                if ms / 1000 > t_s and e > base:
                    return ms / 1000 - t_s
            return None

        first = resumed_after(t_start_a)
        second = resumed_after(t_start_b)
        third = resumed_after(t_cont)
        stalled = [e for ms, e, f in timeline if t_stop + 0.6 < ms / 1000 < t_cont - 0.1]
        check(len(set(stalled)) <= 1, f"nothing is exported while the collector is frozen ({sorted(set(stalled))})")
        print(f"outage: {json.dumps({k: v for k, v in summary.items() if k != 'timeline'})}; collector up at "
              f"{t_start_a:.1f}s, killed at {t_kill:.1f}s, back at {t_start_b:.1f}s, frozen {t_stop:.1f}-{t_cont:.1f}s; "
              f"exports resumed {first}s / {second}s / {third}s after each start / the thaw")
        check(first is not None and first < 5, f"export starts within 5 s of the collector's start ({first})")
        check(second is not None and second < 5, f"export resumes within 5 s of the restart ({second})")
        check(third is not None and third < 3, f"export resumes within 3 s of the thaw ({third})")
        check(summary["failed"] > 0, "records lost while the collector was away are counted")
        eq(summary["exported"] + summary["failed"] + summary["dropped"], summary["emitted"],
           "every record is exported, or counted as failed or dropped")
        check(summary["max_emit_us"] < 10000, f"emitting never blocks (max {summary['max_emit_us']} us)")
        docs = read_json_lines(os.path.join(work, "logs-b.json"), lambda d: len(d) > 0)
        bodies = [r["body"]["stringValue"] for d in docs for rl in d["resourceLogs"] for sl in rl["scopeLogs"]
                  for r in sl["logRecords"]]
        check(any(b.startswith("outage-") for b in bodies), "the restarted collector received records")
        stop(procs.pop())

        # 4: configuration from the environment only, as the service does it.
        port, health = free_port(), free_port()
        cfg = os.path.join(work, "env.yaml")
        collector_config(cfg, port, health, work, "-env")
        procs.append(start_collector(collector, cfg, health, log))
        env = dict(os.environ)
        for k in list(env):
            if k.startswith("OTEL_"):
                del env[k]
        env.update({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": f"127.0.0.1:{port}",
                    "OTEL_EXPORTER_OTLP_TRACES_INSECURE": "true",
                    "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{port}",
                    "OTEL_EXPORTER_OTLP_COMPRESSION": "gzip",
                    "OTEL_EXPORTER_OTLP_HEADERS": "x-tenant=h2otel%20e2e",
                    "OTELC_EXPORTER_OTLP_CONCURRENT_EXPORTS": "2"})  # pipelined: flush must settle
        run = subprocess.run([emitter, "env"], capture_output=True, text=True, timeout=60, env=env)
        print(run.stderr.strip())
        eq(run.returncode, 0, "env emitter exit status")
        ids = json.loads(run.stdout)
        spans = [s for d in read_json_lines(os.path.join(work, "traces-env.json"), lambda d: len(d) > 0)
                 for rs in d["resourceSpans"] for ss in rs["scopeSpans"] for s in ss["spans"]]
        eq([(s["name"], s["traceId"], s["spanId"], s["kind"]) for s in spans],
           [("GET /env", ids["trace_id"], ids["span_id"], 2)], "env: the span")
        recs = [r for d in read_json_lines(os.path.join(work, "logs-env.json"), lambda d: len(d) > 0)
                for rl in d["resourceLogs"] for sl in rl["scopeLogs"] for r in sl["logRecords"]]
        eq([(r["body"], r.get("traceId"), r.get("spanId")) for r in recs],
           [({"stringValue": "inside the span"}, ids["trace_id"], ids["span_id"])], "env: log correlated to the span")
        metrics = {}
        for d in read_json_lines(os.path.join(work, "metrics-env.json"),
                                 lambda d: any("otel.sdk.log.created" in json.dumps(x) for x in d)):
            for rm in d["resourceMetrics"]:
                for sm in rm["scopeMetrics"]:
                    for m in sm["metrics"]:
                        metrics.setdefault(m["name"], m)  # the first collection (force_flush) has the exemplars
        req = metrics.get("e2e.env.requests", {}).get("sum", {}).get("dataPoints", [{}])[0]
        eq((req.get("asInt"), attrs(req.get("attributes")).get("http.route")), ("3", {"stringValue": "/env"}),
           "env: the measurement")
        h = metrics.get("e2e.env.duration", {}).get("histogram", {})
        hp = h.get("dataPoints", [{}])[0]
        eq((h.get("aggregationTemporality"), hp.get("count"), hp.get("sum"), hp.get("min"), hp.get("max")),
           (2, "2", 3.542, 0.042, 3.5), "env: SDK histogram (cumulative, count, sum, min, max)")
        eq(len(hp.get("explicitBounds", [])), 14, "env: histogram bounds")
        eq(sum(int(c) for c in hp.get("bucketCounts", [])), 2, "env: histogram bucket counts")
        exemplars = hp.get("exemplars", [])
        check(any(e.get("traceId") == ids["trace_id"] and e.get("spanId") == ids["span_id"] for e in exemplars),
              f"env: a histogram exemplar points at the span ({exemplars})")
        e = metrics.get("e2e.env.size", {}).get("exponentialHistogram", {}).get("dataPoints", [{}])[0]
        eq((e.get("count"), e.get("sum"), e.get("min"), e.get("max")), ("2", 5000.0, 1000.0, 4000.0),
           "env: SDK exponential histogram")
        eq(sum(int(c) for c in e.get("positive", {}).get("bucketCounts", [])), 2, "env: exponential buckets")
        ud = metrics.get("e2e.env.inflight", {}).get("sum", {})
        eq((ud.get("isMonotonic", False), ud.get("dataPoints", [{}])[0].get("asInt")), (False, "3"),
           "env: SDK up-down counter")
        eq(metrics.get("e2e.env.temperature", {}).get("gauge", {}).get("dataPoints", [{}])[0].get("asDouble"), 21.5,
           "env: SDK gauge")
        sdk_spans = metrics.get("otel.sdk.exporter.span.exported", {}).get("sum", {}).get("dataPoints", [])
        ok_points = [p for p in sdk_spans if "error.type" not in attrs(p.get("attributes"))]
        eq([p.get("asInt") for p in ok_points], ["1"], "env: otel.sdk.exporter.span.exported counts the span")
        created = metrics.get("otel.sdk.log.created", {}).get("sum", {}).get("dataPoints", [{}])[0]
        eq(created.get("asInt"), "1", "env: otel.sdk.log.created")
    finally:
        for p in procs:
            stop(p)
        log.close()
    if failed:
        print(f"otlp-collector-e2e: kept {work} (collector.log, *.json, *.bin)")
    else:
        shutil.rmtree(work, ignore_errors=True)
    print(f"otlp-collector-e2e: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
