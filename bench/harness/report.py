# SPDX-License-Identifier: Apache-2.0
"""bench/run's output: one CSV row per measured run, medians per peer, the table and ratios printed at the end
(also as Markdown for docs/benchmarks.md), and a PNG chart of throughput and p99 drawn by gnuplot."""

import csv
import os
import shutil
import statistics
import subprocess

FIELDS = [
    "run_id",
    "round",
    "peer",
    "role",
    "label",
    "seconds",
    "wrk_threads",
    "connections",
    "requests",
    "rps",
    "p50_us",
    "p90_us",
    "p99_us",
    "max_us",
    "errors",
    "err_connect",
    "err_read",
    "err_write",
    "err_timeout",
    "err_status",
    "wrk_duration_us",
    "server_cpu_pct",
    "cpu_us_per_req",
    "wrk_cpu_pct",
    "server_peak_rss_kb",
    "rss_start_kb",
    "rss_end_kb",
    "server_procs",
    "collector_cpu_pct",
    "wrk_cpu_us_per_req",
    "collector_cpu_us_per_req",
    "collector_items",
    "collector_us_per_item",
    "bound_rps",
    "bound_rps_collector_elsewhere",
    "collector_spans",
    "spans_per_request",
    "collector_metric_points",
    "collector_log_records",
    "load1_before",
    "load1_after",
    "started_at",
    "wrk_command",
    "server_cpus",
    "collector_env",
]


class CsvLog:
    """Appends rows to RESULTS/<run_id>/runs.csv as they are measured (a crash keeps what was done)."""

    def __init__(self, path, fields=None):
        self.path = path
        self.fields = fields or FIELDS
        with open(path, "w", newline="") as f:
            csv.DictWriter(f, self.fields).writeheader()

    def add(self, row):
        with open(self.path, "a", newline="") as f:
            csv.DictWriter(f, self.fields).writerow({k: row.get(k, "") for k in self.fields})


def medians(rows, peers):
    """{peer key: {figure: median over its rounds}} in the peers' order; rows with errors still count."""
    out = {}
    for p in peers:
        mine = [r for r in rows if r["peer"] == p.key]
        if not mine:
            continue
        m = {"rounds": len(mine), "role": p.role, "label": p.label, "errors": sum(int(r["errors"]) for r in mine)}
        m["single_core"] = p.single_core
        for k in (
            "rps",
            "p50_us",
            "p90_us",
            "p99_us",
            "max_us",
            "server_cpu_pct",
            "cpu_us_per_req",
            "wrk_cpu_pct",
            "server_peak_rss_kb",
            "collector_cpu_pct",
        ):
            m[k] = statistics.median(float(r[k]) for r in mine)
        if all(r.get("wrk_cpu_us_per_req") for r in mine):  # absent from CSVs older than the cost model
            m["wrk_cpu_us_per_req"] = statistics.median(float(r["wrk_cpu_us_per_req"]) for r in mine)
        for k in ("collector_cpu_us_per_req", "collector_us_per_item"):  # exporting peers only
            if all(r.get(k) for r in mine):
                m[k] = statistics.median(float(r[k]) for r in mine)
        m["rss_growth_kb"] = statistics.median(float(r["rss_end_kb"]) - float(r["rss_start_kb"]) for r in mine)
        if all(r.get("spans_per_request") for r in mine):
            m["spans_per_req"] = statistics.median(float(r["spans_per_request"]) for r in mine)
        out[p.key] = m
    return out


def _ms(us):
    return f"{us / 1000:.2f} ms" if us < 100_000 else f"{us / 1000:.0f} ms"


def table_rows(med):
    head = [
        "peer",
        "role",
        "rounds",
        "req/s",
        "p50",
        "p99",
        "max",
        "server CPU",
        "CPU/req",
        "wrk CPU",
        "peak RSS",
        "RSS growth",
        "collector CPU",
        "spans/req",
        "errors",
    ]
    rows = []
    for key, m in med.items():
        rows.append(
            [
                key,
                m["role"],
                str(m["rounds"]),
                f"{m['rps']:,.0f}",
                _ms(m["p50_us"]),
                _ms(m["p99_us"]),
                _ms(m["max_us"]),
                f"{m['server_cpu_pct']:.0f}%",
                f"{m['cpu_us_per_req']:.1f} us",
                f"{m['wrk_cpu_pct']:.0f}%",
                f"{m['server_peak_rss_kb'] / 1024:.1f} MB",
                f"{m['rss_growth_kb'] / 1024:+.1f} MB",
                f"{m['collector_cpu_pct']:.0f}%" if "spans_per_req" in m else "-",
                f"{m['spans_per_req']:.2f}" if "spans_per_req" in m else "-",
                str(m["errors"]),
            ]
        )
    return head, rows


def ratios(med, skipped, selected):
    """Lines 'a/b: x' for issue 9's ratios (on req/s medians) between the roles in `selected`, with the
    reason when one side is missing."""

    def role(r):
        return next(((k, m) for k, m in med.items() if m["role"] == r), (None, None))

    def why(r):
        k = next((k for k, (rl, _) in skipped.items() if rl == r), None)
        return f"{k} not measured: {skipped[k][1]}" if k else f"no peer with role {r} in this run"

    lines = []
    for a, b, what in [
        ("2", "1", "instrumentation cost (target >= 0.95)"),
        ("2", "3", "against the seed as it runs (target >= 30)"),
        ("2", "3b", "against the seed's fastest configuration (target >= 10)"),
        ("2", "4", "against Node + OpenTelemetry (target >= 8)"),
        ("2", "5", "against the C ceiling, nginx (target >= 0.85)"),
        ("1", "3", "h2otel telemetry off / seed as it runs"),
        ("1", "3b", "h2otel telemetry off / seed's fastest"),
        ("1", "4", "h2otel telemetry off / Node + OpenTelemetry"),
        ("1", "4p", "h2otel telemetry off / plain Node"),
        ("1", "5", "h2otel telemetry off / nginx"),
        ("2o", "2", "full telemetry with the collector stopped / running (target >= 0.95)"),
        ("3o", "3", "the seed with the collector stopped / running"),
        ("4o", "4", "Node + OpenTelemetry with the collector stopped / running"),
    ]:
        if a not in selected or b not in selected:
            continue
        (ka, ma), (kb, mb) = role(a), role(b)
        if ma and mb:
            # Besides req/s, the inverse ratio of server CPU per request: it holds up better on a loaded box.
            cpu = mb["cpu_us_per_req"] / ma["cpu_us_per_req"] if ma["cpu_us_per_req"] else float("nan")
            lines.append(
                f"{a}/{b} {what}: {ma['rps'] / mb['rps']:.2f} on req/s, {cpu:.2f} on server CPU per request "
                f"({ka} / {kb})"
            )
        else:
            lines.append(f"{a}/{b} {what}: n/a - {why(a) if not ma else why(b)}")
    (_, m1), (_, m2) = role("1"), role("2")
    if m1 and m2:
        lines.append(f"p99 of 2 minus p99 of 1: {(m2['p99_us'] - m1['p99_us']):+.0f} us (target <= +50 us)")
    for r in ("2o", "3o", "4o"):
        k, m = role(r)
        if m:
            lines.append(
                f"{k}: resident memory during the measured run with the collector stopped "
                f"{m['rss_growth_kb'] / 1024:+.1f} MB (median; target for h2otel: flat)"
            )
    return lines


def text_table(head, rows, left=(0, 1)):
    """Columns padded to width; the columns in `left` (indexes, negative from the end) left-aligned."""
    widths = [max(len(x) for x in col) for col in zip(head, *rows, strict=True)]
    left = {i % len(head) for i in left}
    fmt = "  ".join(f"{{:<{w}}}" if i in left else f"{{:>{w}}}" for i, w in enumerate(widths))
    return "\n".join([fmt.format(*head), fmt.format(*["-" * w for w in widths])] + [fmt.format(*r) for r in rows])


def markdown_table(head, rows, left=(0, 1)):
    left = {i % len(head) for i in left}
    rule = "|" + "|".join("---" if i in left else "---:" for i in range(len(head))) + "|"
    out = ["| " + " | ".join(head) + " |", rule]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out)


def chart(med, outdir, load_text):
    """Draws outdir/chart.png (throughput and p99 per peer, log scales) with gnuplot; returns its path or None."""
    if not med or not shutil.which("gnuplot"):
        return None
    dat = os.path.join(outdir, "medians.dat")
    ncpu = os.cpu_count()
    with open(dat, "w") as f:
        f.write("# peer rps p99_ms bound_rps (cost model: the cores / (server + wrk + collector CPU per request))\n")
        for key, m in med.items():
            bound = 0
            if "wrk_cpu_us_per_req" in m:
                bound = min(_bound(ncpu, sum(_parts(m))), _server_bound(ncpu, m, _parts(m)[0]))
            f.write(f'"{key}" {m["rps"]:.0f} {m["p99_us"] / 1000:.3f} {bound:.0f}\n')
    png = os.path.join(outdir, "chart.png")
    # Room above the tallest bar for its label and the key (log scales).
    top_rps = 10 * max(max(m["rps"] for m in med.values()), 1000)
    top_p99 = 4 * max(m["p99_us"] for m in med.values()) / 1000
    script = f"""
set terminal pngcairo size 1100,800 font "DejaVu Sans,10"
set output "{png}"
set multiplot layout 2,1 title "GET /api/v1/dummy/ on loopback: {load_text}"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set grid ytics
set logscale y
set xtics rotate by -20 noenhanced
set key top right
set title "Throughput (requests/s, log scale, higher is better)"
set yrange [100:{top_rps:.0f}]
plot "{dat}" using 2:xtic(1) lc rgb "#3366cc" title "measured", \
     "" using 4 lc rgb "#bbbbbb" title "cost model: what the {ncpu} cores allow (CPU/request of server + wrk + collector)", \
     "" using ($0 - 0.17):2:(sprintf("%.0f", $2)) with labels offset 0,0.8 font ",8" notitle
set key off
set style histogram clustered gap 1
set boxwidth 0.7
set title "p99 latency (ms, log scale, lower is better)"
set yrange [0.01:{top_p99:.3f}]
plot "{dat}" using 3:xtic(1) lc rgb "#cc6633", "" using 0:3:(sprintf("%.2f", $3)) with labels offset 0,0.8 notitle
unset multiplot
"""
    r = subprocess.run(["gnuplot"], input=script, text=True, stderr=subprocess.PIPE)
    if r.returncode != 0 or not os.path.exists(png):
        print(f"chart: gnuplot failed: {r.stderr.strip()[-300:]}")
        return None
    return png


def _bound(ncpu, us):
    return ncpu * 1e6 / us if us > 0 else float("nan")


def bound(ncpu, server_us, wrk_us, collector_us, single_core):
    """The cost model's req/s for CPU-us per request of each part: the cores over their sum, and at most one
    core over the server's share for a single-threaded server."""
    total = _bound(ncpu, server_us + wrk_us + collector_us)
    return min(total, _bound(1, server_us)) if single_core else total


def _server_bound(ncpu, m, us):
    """The req/s the server alone allows: all the cores, or one for a server that runs on one thread."""
    return _bound(1 if m.get("single_core") else ncpu, us)


def _parts(m):
    """(server, wrk, collector) CPU-microseconds per request of one peer's medians."""
    return m["cpu_us_per_req"], m["wrk_cpu_us_per_req"], m.get("collector_cpu_us_per_req", 0.0)


def cost_rows(med, ncpu):
    """The cost model per peer: CPU-us per request of each part that shares the cores (server, wrk, collector), and
    the req/s `ncpu` fully used cores would allow with all of them, without the collector, and for the server
    alone (one core for a single-threaded server). It explains the measured req/s (measured/bound says how
    much of the cores the parts got); it does not replace it."""
    head = [
        "peer",
        "req/s",
        "server us/req",
        "wrk us/req",
        "collector us/req",
        "total us/req",
        f"{ncpu}-core bound",
        "measured/bound",
        "bound, collector elsewhere",
        "bound, server alone",
    ]
    rows = []
    for key, m in med.items():
        if "wrk_cpu_us_per_req" not in m:
            continue  # a CSV from before the cost model
        srv, wrk_us, col = _parts(m)
        total = srv + wrk_us + col
        bound = min(_bound(ncpu, total), _server_bound(ncpu, m, srv))
        rows.append(
            [
                key,
                f"{m['rps']:,.0f}",
                f"{srv:.1f}",
                f"{wrk_us:.1f}",
                f"{col:.1f}" if "collector_cpu_us_per_req" in m else "-",
                f"{total:.1f}",
                f"{bound:,.0f}" + (" (1 core)" if bound < _bound(ncpu, total) else ""),
                f"{m['rps'] / bound:.2f}",
                f"{min(_bound(ncpu, srv + wrk_us), _server_bound(ncpu, m, srv)):,.0f}"
                if "collector_cpu_us_per_req" in m
                else "-",
                f"{_server_bound(ncpu, m, srv):,.0f}",
            ]
        )
    return head, rows


def cost_lines(med, ncpu):
    """What the model says about full telemetry: the collector's share, and 2/1 with the collector elsewhere."""
    by_role = {m["role"]: (k, m) for k, m in med.items() if "wrk_cpu_us_per_req" in m}
    lines = []
    for key, m in med.items():
        if "collector_us_per_item" in m:
            lines.append(
                f"{key}: the collector spends {m['collector_us_per_item']:.2f} us of CPU per item received "
                f"(span, log record or metric point), {m['collector_cpu_us_per_req']:.1f} us per request"
            )
    if "1" in by_role and "2" in by_role:
        (k1, m1), (k2, m2) = by_role["1"], by_role["2"]
        s1, w1, _ = _parts(m1)
        s2, w2, c2 = _parts(m2)
        total2 = s2 + w2 + c2
        lines.append(
            f"model 2/1 with the collector on the same {ncpu} cores: {(s1 + w1) / total2:.2f} "
            f"(measured {m2['rps'] / m1['rps']:.2f}); the collector is {100 * c2 / total2:.0f}% of 2's CPU per request"
        )
        lines.append(
            f"model 2/1 with the collector elsewhere (server + wrk only): {(s1 + w1) / (s2 + w2):.2f} -> "
            f"{k2} would reach ~{_bound(ncpu, s2 + w2) * m1['rps'] / _bound(ncpu, s1 + w1):,.0f} req/s at the "
            f"utilisation {k1} got ({_bound(ncpu, s2 + w2):,.0f} on {ncpu} fully used cores)"
        )
        lines.append(f"model 2/1, server CPU alone (wrk and collector elsewhere): {s1 / s2:.2f}")
    if "5" in by_role and "2" in by_role:
        (_, m5), (_, m2) = by_role["5"], by_role["2"]
        s5, w5, _ = _parts(m5)
        s2, w2, _ = _parts(m2)
        lines.append(f"model 2/5 with the collector elsewhere (server + wrk only): {(s5 + w5) / (s2 + w2):.2f}")
    return lines
