# SPDX-License-Identifier: Apache-2.0
"""Helpers the e2e scripts share: free loopback ports, waiting for an HTTP answer, and reading the Collector's
OTLP/JSON output (file exporter lines) into plain Python values."""
import json
import os
import socket
import time
import urllib.request


def free_port():
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url, timeout=20.0):
    """Polls url until it answers 200; raises RuntimeError after timeout seconds."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def attr_values(kvs):
    """OTLP/JSON attributes ([{key, value: {stringValue: ...}}]) as {key: plain value} (the first value field)."""
    out = {}
    for a in kvs or []:
        v = a.get("value", {})
        out[a["key"]] = next(iter(v.values())) if v else None
    return out


def json_lines(path):
    """The JSON documents of a file exporter output (one per line); a torn last line is skipped."""
    if not os.path.exists(path):
        return []
    docs = []
    with open(path) as f:
        for line in f:
            if line.strip():
                try:
                    docs.append(json.loads(line))
                except ValueError:
                    pass
    return docs


def items(docs, kind):
    """Yields (resource attributes, item) for every span ("spans"), metric ("metrics") or log record ("logs") in
    file exporter documents."""
    top, scoped, leaf = {"spans": ("resourceSpans", "scopeSpans", "spans"),
                         "metrics": ("resourceMetrics", "scopeMetrics", "metrics"),
                         "logs": ("resourceLogs", "scopeLogs", "logRecords")}[kind]
    for d in docs:
        for r in d.get(top, []):
            res = attr_values(r.get("resource", {}).get("attributes"))
            for s in r.get(scoped, []):
                for it in s.get(leaf, []):
                    yield res, it
