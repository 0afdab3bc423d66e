# SPDX-License-Identifier: Apache-2.0
"""Collector and process faults with the real service under steady load (issue 10).

h2otel with full telemetry (always_on, metrics every 500 ms, access-log records, OTLP/gRPC, small queues so outages
drop) serves a steady loader while the real Collector is: absent at start, started, SIGKILLed, restarted, frozen
with SIGSTOP for longer than the export timeout, cut off by dropping every packet to and from its port (nftables: the
open connection goes silent, new SYNs are unanswered), replaced by a black hole (accepts TCP, never answers), then by
a listener whose accept queue is full (SYNs unanswered), restarted. The test runs in a user + network namespace of
its own (it re-executes itself under `unshare -rn`), so its nftables rule cannot touch the machine's network.
Then SIGTERM under load, and SIGKILL under load followed by a restart on the same port.

Asserted: every request answered 200 while the service runs; no crash; RSS within a bound of the start-up RSS;
each signal's export resumes within 5 s of each recovery; h2otel's self-metrics account for everything
(spans and log records: produced == exported + export_failed + queue_full; the Collector's count lies between
exported and exported + failed, for metric points too); SIGTERM exits 0 within the grace period with the queues
flushed; after a SIGKILL the same port serves and exports again. Throughput is printed, not asserted.

Usage: faults_e2e.py COLLECTOR_BINARY H2OTEL_BINARY. Exit 0 when every check passed."""
import os
import shutil
import signal
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from faultlib import (BlackHole, Collector, FullBacklog, H2otel, Loader, PacketDrop, Sampler,  # noqa: E402
                      enter_own_netns, kill_quietly)

RATE = int(os.environ.get("FAULTS_RATE", "300"))  # requests/s, steady
PHASE = float(os.environ.get("FAULTS_PHASE_S", "3"))  # seconds per phase
QUEUE = 512  # span and log queue capacity: a PHASE-long outage at RATE overflows it, because
BATCH = 64  # a failing export takes up to the 1 s export timeout, so an outage drains only BATCH items/s
RSS_ALLOWANCE_KB = int(os.environ.get("FAULTS_RSS_MB", "32")) * 1024  # full queues (2 x 512 items) + gRPC buffers
RESUME_S = 5.0
SLOW_CONNECTIONS = 8  # /api/v1/dummy/slow requests in flight at SIGTERM (each 300-600 ms)

failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        failures.append(what)


def resumed(col, since, what):
    """Seconds from `since` to the Collector's first accepted export of each signal (None: never)."""
    out = {}
    for sig in ("spans", "logs", "points"):
        end = time.monotonic() + RESUME_S + 1
        t = None
        while t is None and time.monotonic() < end:
            t = col.first_after(sig, since)
            if t is None:
                time.sleep(0.05)
        out[sig] = None if t is None else t - since
    ok = all(v is not None and v <= RESUME_S for v in out.values())
    check(ok, f"{what}: export resumes within {RESUME_S:.0f} s: "
          + ", ".join(f"{k} {'never' if v is None else f'{v:.2f} s'}" for k, v in out.items()))
    now = time.monotonic()  # and it is steady again (not only a backlog delivered at once): the last second
    last = {sig: col.received(sig, now - 1.0, now) for sig in ("spans", "logs")}
    check(all(last.values()), f"{what}: exports continue (last second: {last['spans']} spans, {last['logs']} logs)")


def account(col, gen, service, received_until, received_since, what):
    """Self-metric accounting of one h2otel instance (its final export, in Collector generation `gen`)."""
    m = col.last_metrics(service, gen)
    if not m:
        check(False, f"{what}: the final self-metrics of {service} reached the Collector")
        return {}
    g = lambda name, attr=None: m.get((name, attr), 0)  # noqa: E731
    spans = dict(produced=g("otel.sdk.span.started", "RECORD_AND_SAMPLE"), exported=g("otel.sdk.exporter.span.exported"),
                 failed=g("otel.sdk.exporter.span.exported", "export_failed"),
                 dropped=g("otel.sdk.processor.span.processed", "queue_full"),
                 queued=g("otel.sdk.processor.span.queue.size"))
    logs = dict(produced=g("otel.sdk.log.created"), exported=g("otel.sdk.exporter.log.exported"),
                failed=g("otel.sdk.exporter.log.exported", "export_failed"),
                dropped=g("otel.sdk.processor.log.processed", "queue_full"),
                queued=g("otel.sdk.processor.log.queue.size"))
    points = dict(exported=g("otel.sdk.exporter.metric_data_point.exported"),
                  failed=g("otel.sdk.exporter.metric_data_point.exported", "export_failed"))
    for name, c in (("spans", spans), ("log records", logs)):
        check(c["produced"] > 0 and c["produced"] == c["exported"] + c["failed"] + c["dropped"] and c["queued"] == 0,
              f"{what}: {name}: produced {c['produced']} == exported {c['exported']} + export_failed {c['failed']} + "
              f"queue_full {c['dropped']} (queue empty at exit: {c['queued']})")
    r_spans = col.received("spans", received_since, received_until)
    r_logs = col.received("logs", received_since, received_until)
    check(spans["exported"] <= r_spans <= spans["exported"] + spans["failed"],
          f"{what}: the Collector accepted {r_spans} spans: between exported {spans['exported']} and exported + failed")
    check(logs["exported"] <= r_logs <= logs["exported"] + logs["failed"],
          f"{what}: the Collector accepted {r_logs} log records: between exported {logs['exported']} and "
          f"exported + failed")
    # Metric points: the final export carries the counters as they were before it, so it is left out.
    with col.lock:
        pts = [(t, n) for t, w, n in col.events if w == "points" and received_since <= t < received_until]
    r_points = sum(n for _, n in pts[:-1])
    check(points["exported"] > 0 and points["exported"] <= r_points <= points["exported"] + points["failed"],
          f"{what}: metric points: the Collector accepted {r_points} before the final export: between exported "
          f"{points['exported']} and exported + export_failed {points['failed']}")
    return dict(spans=spans, logs=logs, points=points)


def healthz(h):
    try:
        with urllib.request.urlopen(h.url("/healthz"), timeout=5) as r:
            return r.status
    except OSError:
        return 0


def phase_report(loader, name, t0, t1):
    c = loader.counts(t0, t1)
    total = sum(c.values())
    print(f"     {name:<28} {t1 - t0:5.1f} s  {total / (t1 - t0):7.1f} req/s  statuses {dict(sorted(c.items()))}")
    return c


def main():
    enter_own_netns()
    collector_bin, h2otel_bin = sys.argv[1], sys.argv[2]
    work = tempfile.mkdtemp(prefix="h2otel-faults-")
    col = a = b = c = loader = slow = sampler = hole = drop = None
    env = {"OTEL_BSP_MAX_QUEUE_SIZE": str(QUEUE), "OTEL_BLRP_MAX_QUEUE_SIZE": str(QUEUE),
           "OTEL_BSP_MAX_EXPORT_BATCH_SIZE": str(BATCH), "OTEL_BLRP_MAX_EXPORT_BATCH_SIZE": str(BATCH)}
    try:
        col = Collector(collector_bin, work)
        # ---- Part 1: one instance through every Collector fault.
        a = H2otel(h2otel_bin, work, "faults-a", col.port, env=env,
                   args=["--slow-delay-min-ms", "300", "--slow-delay-max-ms", "600"])
        t_start = time.monotonic()
        check(a.proc.poll() is None and healthz(a) == 200, "h2otel starts and serves with the Collector absent")
        sampler = Sampler(a.pid)
        time.sleep(0.3)
        rss0 = sampler.samples[-1][1]
        loader = Loader(a.url(), rate=RATE)
        phases = []

        def phase(name, seconds):
            t0 = time.monotonic()
            time.sleep(seconds)
            phases.append((name, t0, time.monotonic()))

        phase("collector absent", PHASE)
        rec = col.start()
        phase("collector started", PHASE)
        resumed(col, rec, "start after absence")

        col.send(signal.SIGKILL)
        col.proc.wait()
        phase("collector SIGKILLed", PHASE)
        rec = col.start()
        phase("collector restarted", PHASE)
        resumed(col, rec, "restart after SIGKILL")

        col.send(signal.SIGSTOP)
        t_freeze = time.monotonic()
        phase("collector frozen (SIGSTOP)", PHASE)
        frozen = col.received("spans", t_freeze + 0.05, time.monotonic()) + col.received(
            "logs", t_freeze + 0.05, time.monotonic())
        check(frozen == 0, f"nothing is accepted while the Collector is frozen ({frozen})")
        col.send(signal.SIGCONT)
        rec = time.monotonic()
        phase("collector thawed", PHASE)
        resumed(col, rec, "thaw after SIGSTOP (3 x the export timeout)")

        drop = PacketDrop(col.port)
        t_drop = time.monotonic()
        phase("network path black-holed (packets dropped)", PHASE)
        through = sum(col.received(s, t_drop + 0.3, time.monotonic()) for s in ("spans", "logs"))
        drop.stop()
        drop = None
        rec = time.monotonic()
        check(through == 0, f"nothing reaches the Collector while its packets are dropped ({through})")
        phase("network path restored", PHASE)
        resumed(col, rec, "recovery after the dropped packets (the same connection, or a new one)")

        check(col.stop() == 0, "the Collector exits 0 on SIGTERM")
        hole = BlackHole(col.port)
        phase("path black-holed", PHASE)
        held = hole.stop()
        hole = None
        check(held > 0, f"the exporter connected to the black hole ({held} connections held unanswered)")
        hole = FullBacklog(col.port)
        check(hole.full(), "a listener whose accept queue is full: new connections get no answer to their SYN")
        phase("listener with a full backlog", PHASE)
        hole.stop()
        hole = None
        rec = col.start()
        phase("collector back", PHASE)
        resumed(col, rec, "recovery after the black hole and the full backlog")

        # SIGTERM under load, with slow requests in flight: they finish (200), every queue is flushed, exit 0 within
        # the grace period + the 5 s telemetry budget.
        slow = Loader(a.url("/api/v1/dummy/slow"), rate=SLOW_CONNECTIONS / 0.2, connections=SLOW_CONNECTIONS)
        time.sleep(0.2)
        t_term = time.monotonic()
        a.proc.send_signal(signal.SIGTERM)
        try:
            rc = a.proc.wait(timeout=30)
        except Exception:  # noqa: BLE001
            rc = None
        took = time.monotonic() - t_term
        check(rc == 0 and took < 15, f"SIGTERM under load: exit status {rc} after {took:.2f} s (grace 10 s + 5 s)")
        sampler.stop()
        t_end = time.monotonic()
        loader.pause()
        slow.stop()
        in_flight = slow.counts(t_term, t_end)
        check(in_flight.get(200, 0) >= SLOW_CONNECTIONS and set(in_flight) <= {0, 200},
              f"slow requests in flight at SIGTERM finished with 200: {in_flight}")
        counts = loader.counts(t_start, t_term)
        bad = {s: n for s, n in counts.items() if s != 200}
        check(sum(counts.values()) > 0 and not bad,
              f"every request before SIGTERM answered 200: {counts.get(200, 0)} ok, other {bad}")
        after = loader.counts(t_term, t_end)
        check(all(s in (0, 200) for s in after), f"after SIGTERM only 200s or refused connections: {after}")
        max_rss = sampler.max_rss()
        check(max_rss - rss0 <= RSS_ALLOWANCE_KB,
              f"RSS within bounds: start {rss0 // 1024} MB, max {max_rss // 1024} MB "
              f"(growth {(max_rss - rss0) / 1024:.1f} MB <= {RSS_ALLOWANCE_KB // 1024} MB)")
        for name, t0, t1 in phases:
            phase_report(loader, name, t0, t1)
        gen_a = col.generation
        check(col.stop() == 0, "the Collector exits 0 on SIGTERM")
        acc = account(col, gen_a, "faults-a", t_end + 5, 0.0, "faults-a")
        if acc:
            check(acc["spans"]["dropped"] > 0 and acc["logs"]["dropped"] > 0,
                  f"the outages overflowed the {QUEUE}-item queues and the drops were counted "
                  f"(spans {acc['spans']['dropped']}, log records {acc['logs']['dropped']})")
            answered = counts.get(200, 0) + after.get(200, 0) + slow.counts().get(200, 0)
            check(acc["spans"]["produced"] == answered,
                  f"one span per answered request ({acc['spans']['produced']} spans, {answered} requests)")

        # ---- Part 2: SIGKILL under load, then a restart on the same port.
        rec = col.start()
        t_b = time.monotonic()
        b = H2otel(h2otel_bin, work, "faults-b", col.port, env=env)
        loader.retarget(b.url())
        loader.resume()
        time.sleep(2)
        check(col.received("spans", t_b) > 0, "faults-b exports before it is killed")
        b.proc.send_signal(signal.SIGKILL)
        check(b.proc.wait(timeout=10) == -signal.SIGKILL, "faults-b killed with SIGKILL under load")
        time.sleep(0.5)
        t_c = time.monotonic()
        c = H2otel(h2otel_bin, work, "faults-c", col.port, port=b.port, env=env)
        t_ready = time.monotonic()
        check(c.proc.poll() is None and healthz(c) == 200,
              f"faults-c starts on the same port {b.port} and answers /healthz {t_ready - t_c:.2f} s after it was "
              "launched, 0.5 s after the SIGKILL")
        time.sleep(PHASE)
        served = loader.counts(t_ready, time.monotonic())
        check(served.get(200, 0) > 0, f"faults-c serves the loader on that port: {served}")
        resumed(col, t_c, "faults-c after the SIGKILL of faults-b")
        t_term = time.monotonic()
        rc = c.stop()
        check(rc == 0, f"faults-c exits 0 on SIGTERM under load (status {rc})")
        loader.stop()
        t_end = time.monotonic()
        late = {s: n for s, n in loader.counts(t_ready, t_term).items() if s != 200}
        check(not late, f"every request to faults-c before SIGTERM answered 200 (other: {late})")
        gen_c = col.generation
        check(col.stop() == 0, "the Collector exits 0 on SIGTERM")
        acc = account(col, gen_c, "faults-c", t_end + 5, t_c, "faults-c")
        if acc:
            check(acc["spans"]["failed"] == 0 and acc["spans"]["dropped"] == 0 and acc["logs"]["failed"] == 0
                  and acc["logs"]["dropped"] == 0, "faults-c (Collector up all along) lost nothing")
    finally:
        kill_quietly(loader, slow, sampler, drop, hole, a, b, c, col)
        if failures or os.environ.get("KEEP_TMP"):
            print(f"work dir kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(f"faults e2e: {len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
