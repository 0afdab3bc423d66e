# SPDX-License-Identifier: Apache-2.0
"""The SDK micro-benchmarks (span, counter, histogram, log record, OTLP encode) run from bench/run: each case's
timing from its own benchmark program (bench/trace_spans_bench.c, bench/metrics_bench.c, bench/logs_emit_bench.c,
bench/otlp_export_bench.c, owned by their areas: called, not rewritten) beside its callgrind instruction count per
operation, the figure that holds on a busy machine. The commands are the ones of docs/benchmarks.md (Traces,
Metrics, OTLP export sections).

A case that fails, or whose output no longer parses (a benchmark's CLI changed), becomes a row that says so; the
other cases still run. Optional cases (a program or mode that not every tree has yet) are left out when the
program is not in the tree or answers with its usage."""

import os
import re
import shutil
import statistics
import subprocess
from dataclasses import dataclass

FIELDS = [
    "run_id",
    "bench",
    "case",
    "threads",
    "unit",
    "median_ns",
    "min_ns",
    "cpu_median_ns",
    "instructions_per_op",
    "note",
    "load1",
    "time_command",
    "callgrind_command",
]

TARGETS = ("trace_spans_bench", "metrics_bench", "logs_emit_bench", "otlp_export_bench")
GROUPS = ("traces", "metrics", "logs", "encode")


@dataclass
class Counting:
    """How callgrind counts one case: `args(n)` run at n1 and n2 operations, only inside function `toggle` (all of
    the program when empty); instructions/op = (Ir(n2) - Ir(n1)) / ((n2 - n1) * ops_per_n), or Ir(n2) / (n2 *
    ops_per_n) when n1 is 0 (the loop function alone is counted, nothing else)."""

    toggle: str
    args: object  # n -> argv tail
    n1: int
    n2: int
    ops_per_n: float = 1.0


@dataclass
class Case:
    group: str  # traces, metrics, encode
    bench: str  # executable in BUILD/bench
    name: str
    unit: str
    threads: int
    timing: tuple  # argv tail of the timing run (shared runs are cached), or () for a callgrind-only row
    parse: object  # (output, case) -> {median_ns, min_ns, cpu_median_ns, note}; raises ValueError
    counting: Counting = None
    optional: bool = False  # left out when the program or its mode is not in this tree (see the module's doc)
    repeat: int = 1  # timing runs (the median and minimum of their figures) for a program that times once


def _num(pattern, text, what):
    m = re.search(pattern, text, re.M)
    if not m:
        raise ValueError(f"no '{what}' in the output")
    return float(m.group(1))


def _parse_spans(out, _case):
    res = {
        "median_ns": _num(r"median (\d+(?:\.\d+)?) ns/span", out, "median ns/span"),
        "min_ns": _num(r"ns/span \(min (\d+(?:\.\d+)?)", out, "min"),
        "cpu_median_ns": _num(r"thread CPU time: median (\d+(?:\.\d+)?)", out, "thread CPU time"),
    }
    m = re.search(r"dropped \d+ \((\d+(?:\.\d+)?)%\)", out)
    res["note"] = f"{m.group(1)}% dropped at the no-op exporter's queue" if m and float(m.group(1)) else ""
    return res


def _parse_metrics(out, case):
    # One table for every case: "name threads median min" (collect_2000x3 in ms).
    for line in out.splitlines():
        f = line.split()
        if len(f) >= 4 and f[0] == case.name and f[1] == str(case.threads):
            if f[3] == "ms":  # "collect_2000x3 1 1.097 ms 1.054 ms"
                return {"median_ns": float(f[2]) * 1e6, "min_ns": float(f[4]) * 1e6, "note": "times: thread CPU"}
            return {"median_ns": float(f[2]), "min_ns": float(f[3]), "note": "times: thread CPU"}
    raise ValueError(f"no row '{case.name} {case.threads}' in metrics_bench's table")


def _parse_encode(out, case):
    """otlp_export_bench encode / encode-logs: "median X ns/<unit> (runs A..B); Y bytes/<unit> ..."."""
    u = case.unit
    n = r"(\d+(?:\.\d+)?)"
    note = f"{_num(n + f' bytes/{u}', out, f'bytes/{u}'):.0f} bytes/{u}"
    if f"bytes/{u} deflated" in out:
        note += f" plain, {_num(n + f' bytes/{u} deflated', out, 'deflated'):.0f} gzip"
    return {
        "median_ns": _num(rf"median {n} ns/{u}", out, f"median ns/{u}"),
        "min_ns": _num(rf"ns/{u} \(runs {n}", out, "runs"),
        "note": note + f", 512-{u} requests",
    }


def _parse_log_emit(out, _case):
    cpu = _num(r"(\d+(?:\.\d+)?) ns CPU per emit", out, "ns CPU per emit")
    return {"median_ns": cpu, "min_ns": cpu, "note": "times: thread CPU"}


def targets(repo, groups):
    """The benchmark programs the selected groups need that this tree has (bench/<name>.c)."""
    want = {c.bench for c in cases(True) if c.group in groups}
    return [t for t in TARGETS if t in want and os.path.exists(os.path.join(repo, "bench", t + ".c"))]


def cases(quick):
    """Every case, in report order. Quick: fewer rounds/iterations for the timings; the same counts."""
    rounds = "5" if quick else "21"
    iters = "20" if quick else "100"

    def span_case(name, flags, threads=1, counted=True):
        cnt = None
        if counted:
            cnt = Counting("bench_run_spans", lambda n, f=flags: ["--callgrind", "--spans", str(n)] + f, 20000, 40000)
        timing = ("--rounds", rounds, "--threads", str(threads), *flags)
        return Case("traces", "trace_spans_bench", name, "span", threads, timing, _parse_spans, cnt)

    out = [
        span_case("span_sampled", []),
        span_case("span_sampled", [], threads=2, counted=False),
        span_case("span_bare", ["--bare"]),
        # h2otel's server span (9 attributes to start, the status code at the end), keys copied / referenced.
        span_case("span_server", ["--server"]),
        span_case("span_server_static_keys", ["--server", "--static-keys"]),
        span_case("span_unsampled", ["--unsampled"]),
        # The batch processor's export thread: the same callgrind run drains 2n spans (warm-up + measured).
        Case(
            "traces",
            "trace_spans_bench",
            "span_export_thread",
            "span",
            1,
            (),
            None,
            Counting("export_thread", lambda n: ["--callgrind", "--spans", str(n)], 20000, 40000, 2.0),
        ),
    ]
    for name, ops, unit, two in [
        ("counter_bound", 100000, "op", True),
        ("counter_attrs3", 100000, "op", True),
        ("histogram_bound", 100000, "op", True),
        ("histogram_attrs3", 100000, "op", True),
        ("histogram_bound_sampled", 100000, "op", True),
        ("collect_2000x3", 3, "collection", False),
    ]:
        cnt = Counting(f"loop_{name}", lambda n, c=name: ["--once", c, str(n)], 0, ops)
        out.append(Case("metrics", "metrics_bench", name, unit, 1, ("ALL",), _parse_metrics, cnt))
        if two:
            out.append(Case("metrics", "metrics_bench", name, unit, 2, ("ALL",), _parse_metrics, None))
    # The per-request log record (h2otel's five attributes, a span context) emitted into the batch processor.
    for threads in (1, 2):
        cnt = None
        if threads == 1:
            cnt = Counting("emit_loop", lambda n: [str(n), "1"], 20000, 40000)
        out.append(
            Case(
                "logs",
                "logs_emit_bench",
                "log_emit",
                "record",
                threads,
                ("1000000", str(threads)),
                _parse_log_emit,
                cnt,
                optional=True,
                repeat=3 if quick else 11,
            )
        )
    # Encode: 5 runs x ITER batches of 512 spans; the counted difference of ITER=3 and ITER=1 is 5*2*512 spans.
    out.append(
        Case(
            "encode",
            "otlp_export_bench",
            "otlp_encode_spans",
            "span",
            1,
            ("encode", iters),
            _parse_encode,
            Counting("", lambda n: ["encode", str(n)], 1, 3, 5 * 512),
        )
    )
    out.append(
        Case(
            "encode",
            "otlp_export_bench",
            "otlp_encode_logs",
            "record",
            1,
            ("encode-logs", iters),
            _parse_encode,
            Counting("", lambda n: ["encode-logs", str(n)], 1, 3, 5 * 512),
            optional=True,
        )
    )
    return out


def _collected(argv, toggle):
    vg = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"]
    if toggle:
        vg.append(f"--toggle-collect={toggle}")
    r = subprocess.run(vg + argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=600)
    m = re.search(r"Collected : (\d+)", r.stderr)
    if r.returncode != 0 or not m:
        raise ValueError(f"callgrind run failed (status {r.returncode}): {r.stderr.strip()[-160:]}")
    return int(m.group(1))


def _count(exe, c):
    """(instructions per operation, the command line) of one case."""
    k = c.counting
    tog = [f"--toggle-collect={k.toggle}"] if k.toggle else []
    cmd = " ".join(["valgrind --tool=callgrind", *tog, os.path.relpath(exe), *k.args(k.n2)])
    b = _collected([exe, *k.args(k.n2)], k.toggle)
    if not k.n1:
        return b / (k.n2 * k.ops_per_n), cmd
    a = _collected([exe, *k.args(k.n1)], k.toggle)
    return (b - a) / ((k.n2 - k.n1) * k.ops_per_n), f"{cmd} minus the same at {k.n1}"


def _timing_outputs(argv, repeat, log, label):
    """The outputs of `repeat` timing runs; raises ValueError (with the output) when one fails."""
    outs = []
    log(f"micro: {label}" + (f" ({repeat} runs)" if repeat > 1 else ""))
    for _ in range(repeat):
        try:
            r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=900)
        except (OSError, subprocess.TimeoutExpired) as e:
            raise ValueError(str(e)) from e
        if r.returncode != 0:
            raise ValueError(f"status {r.returncode}: {r.stdout}")
        outs.append(r.stdout)
    return outs


def _timing(c, outs):
    """Parsed figures of one case: over several runs, the median of their medians and the least minimum."""
    parsed = [c.parse(o, c) for o in outs]
    res = {"note": parsed[0].get("note", "")}
    for k in ("median_ns", "cpu_median_ns"):
        if k in parsed[0]:
            res[k] = statistics.median(p[k] for p in parsed)
    if "min_ns" in parsed[0]:
        res["min_ns"] = min(p["min_ns"] for p in parsed)
    return res


def run(build_dir, groups, quick, log, run_id):
    """Runs the selected groups' cases; returns the rows (dicts with FIELDS)."""
    have_valgrind = bool(shutil.which("valgrind"))
    outputs = {}  # (bench, timing argv) -> list of outputs, or the ValueError of a failed run
    rows = []
    for c in [c for c in cases(quick) if c.group in groups]:
        exe = os.path.join(build_dir, "bench", c.bench)
        if c.optional and not os.access(exe, os.X_OK):
            log(f"micro {c.name}: left out ({c.bench} is not in this tree)")
            continue
        row = {"run_id": run_id, "bench": c.bench, "case": c.name, "threads": c.threads, "unit": c.unit}
        notes = []
        if c.timing:
            argv = [exe] if c.timing == ("ALL",) else [exe, *c.timing]
            key = (c.bench, c.timing)
            row["time_command"] = " ".join([os.path.relpath(exe), *argv[1:]])
            if key not in outputs:
                try:
                    outputs[key] = _timing_outputs(argv, c.repeat, log, row["time_command"])
                except ValueError as e:
                    outputs[key] = e
            failed = outputs[key] if isinstance(outputs[key], ValueError) else None
            if failed and c.optional and "usage" in str(failed):
                log(f"micro {c.name}: left out ({c.bench} has no such mode in this tree)")
                continue
            try:
                if failed:
                    raise failed
                parsed = _timing(c, outputs[key])
                for k in ("median_ns", "min_ns", "cpu_median_ns"):
                    if k in parsed:
                        row[k] = f"{parsed[k]:.2f}"
                if parsed.get("note"):
                    notes.append(parsed["note"])
            except ValueError as e:
                notes.append(f"timing failed: {str(e).strip()[-200:]}")
        if c.counting and have_valgrind:
            try:
                per, row["callgrind_command"] = _count(exe, c)
                row["instructions_per_op"] = f"{per:.0f}"
            except (ValueError, OSError, subprocess.TimeoutExpired) as e:
                notes.append(f"callgrind failed: {e}")
        elif c.counting:
            notes.append("valgrind not installed: no instruction count")
        row["note"] = "; ".join(notes)
        row["load1"] = f"{os.getloadavg()[0]:.2f}"
        log(f"micro {c.name} ({c.threads} thread{'s' if c.threads > 1 else ''}): {describe(row)}")
        rows.append(row)
    return rows


def describe(row):
    parts = []
    if row.get("median_ns"):
        parts.append(f"median {_ns(row['median_ns'])} (min {_ns(row['min_ns'])})")
    if row.get("cpu_median_ns"):
        parts.append(f"thread CPU {_ns(row['cpu_median_ns'])}")
    if row.get("instructions_per_op"):
        parts.append(f"{int(row['instructions_per_op']):,} instructions/{row['unit']}")
    if row.get("note"):
        parts.append(row["note"])
    return ", ".join(parts) or "no figure"


def _ns(v):
    v = float(v)
    return f"{v / 1e6:.3f} ms" if v >= 1e5 else f"{v:.1f} ns"


def table(rows):
    """(head, rows) for report.text_table / markdown_table."""
    head = ["case", "threads", "per", "median", "min", "thread CPU", "instructions", "note"]
    out = []
    for r in rows:
        out.append(
            [
                r["case"],
                str(r["threads"]),
                r["unit"],
                _ns(r["median_ns"]) if r.get("median_ns") else "-",
                _ns(r["min_ns"]) if r.get("min_ns") else "-",
                _ns(r["cpu_median_ns"]) if r.get("cpu_median_ns") else "-",
                f"{int(r['instructions_per_op']):,}" if r.get("instructions_per_op") else "-",
                r.get("note", ""),
            ]
        )
    return head, out
