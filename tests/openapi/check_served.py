# SPDX-License-Identifier: Apache-2.0
"""Contract test: the real h2otel's responses match docs/openapi.yaml, route by route.

Usage: check_served.py OPENAPI_YAML H2OTEL_BINARY
Starts three h2otel instances on free 127.0.0.1 ports (A serves; B's downstream is A's slow route with a
short timeout, for 504; C's downstream is a closed port, for 502), sends one request per documented status
it can provoke, and checks each answer: the status is documented for that route, the Content-Type is
application/json, and the body validates against the documented schema. /openapi.json must be the YAML
document itself. Every process it starts is stopped before it returns.
"""
import concurrent.futures
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import yaml
from openapi_schema_validator import OAS31Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

failures = []
checked = 0


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(binary, port, *flags):
    proc = subprocess.Popen([binary, "--listen", f"127.0.0.1:{port}", "--threads", "1", "--access-log", "false",
                             *flags], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"h2otel exited with {proc.returncode} on port {port}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"h2otel did not listen on port {port}")


def request(port, method, path, body=None, timeout=30):
    data = None if body is None else body if isinstance(body, bytes) else json.dumps(body).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method,
                                 headers={"Content-Type": "application/json"} if data is not None else {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


class Contract:
    def __init__(self, doc):
        self.doc = doc
        # $refs inside schemas resolve against the whole document.
        self.registry = Registry().with_resource("urn:openapi", Resource(contents=doc, specification=DRAFT202012))

    def response(self, path, method, status):
        ops = self.doc["paths"].get(path, {})
        op = ops.get(method.lower())
        if op is None and status == 405 and ops:
            op = next(iter(ops.values()))  # a wrong method's 405 is documented on the route's own operation
        if op is None:
            return None
        resp = op["responses"].get(str(status))
        while isinstance(resp, dict) and "$ref" in resp:
            resp = self.pointer(resp["$ref"])
        return resp

    def pointer(self, ref):
        node = self.doc
        for part in ref[2:].split("/"):
            node = node[part]
        return node

    def check(self, label, path, method, status, headers, body, expect_status):
        global checked
        checked += 1
        if status != expect_status:
            fail(f"{label}: {method} {path} answered {status}, expected {expect_status}")
        resp = self.response(path, method, status)
        if resp is None:
            fail(f"{label}: {method} {path} answered {status}, which docs/openapi.yaml does not document")
            return None
        for name, spec in resp.get("headers", {}).items():
            if spec.get("required") and headers.get(name) is None:
                fail(f"{label}: {method} {path} {status}: documented header {name} is missing")
        ctype = headers.get("Content-Type", "")
        if not ctype.startswith("application/json"):
            fail(f"{label}: {method} {path} {status}: Content-Type {ctype!r}")
            return None
        try:
            value = json.loads(body)
        except ValueError as err:
            fail(f"{label}: {method} {path} {status}: body is not JSON ({err}): {body[:200]!r}")
            return None
        schema = resp["content"]["application/json"]["schema"]
        schema = {"$ref": "urn:openapi#" + schema["$ref"][1:]} if "$ref" in schema else schema
        errors = list(OAS31Validator(schema, registry=self.registry).iter_errors(value))
        if errors:
            fail(f"{label}: {method} {path} {status}: body does not match its schema: {errors[0].message}")
        return value


def main():
    spec_path, binary = sys.argv[1], sys.argv[2]
    with open(spec_path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    c = Contract(doc)
    a, b, dead = free_port(), free_port(), free_port()
    procs = []
    try:
        procs.append(start(binary, a, "--openapi-file", os.path.abspath(spec_path), "--dummy-delay-min-ms", "0",
                           "--dummy-delay-max-ms", "0", "--slow-delay-min-ms", "1500", "--slow-delay-max-ms", "1500",
                           "--downstream-url", f"http://127.0.0.1:{a}/api/v1/dummy/", "--max-body-bytes", "4096",
                           "--throttle-workers", "1", "--throttle-queue", "1"))
        procs.append(start(binary, b, "--downstream-url", f"http://127.0.0.1:{a}/api/v1/dummy/slow",
                           "--downstream-timeout-ms", "300"))
        c_port = free_port()
        procs.append(start(binary, c_port, "--downstream-url", f"http://127.0.0.1:{dead}/api/v1/dummy/"))

        def hit(label, port, method, path, expect, body=None):
            return c.check(label, path, method, *request(port, method, path, body), expect)

        hit("greeting", a, "GET", "/api/v1/dummy/", 200)
        slow = hit("slow", a, "GET", "/api/v1/dummy/slow", 200)
        if slow is not None and len(slow.get("payload", "")) != 100:
            fail("slow: payload is not 100 letters")
        hit("not-working", a, "GET", "/api/v1/dummy/not-working", 500)
        hit("downstream ok", a, "GET", "/api/v1/dummy/call-downstream", 200)
        hit("downstream timeout", b, "GET", "/api/v1/dummy/call-downstream", 504)
        hit("downstream refused", c_port, "GET", "/api/v1/dummy/call-downstream", 502)
        hit("healthz", a, "GET", "/healthz", 200)
        hit("readyz", a, "GET", "/readyz", 200)
        served = hit("openapi", a, "GET", "/openapi.json", 200)
        if served is not None and served != doc:
            fail("/openapi.json differs from docs/openapi.yaml")
        for path in doc["paths"]:
            hit("wrong method", a, "DELETE", path, 405)

        run = "/api/v1/throttle/run"
        hit("throttle ok", a, "POST", run, 200, {"distance_m": 300, "population": 20, "generations": 20, "seed": 3})
        hit("throttle bad field", a, "POST", run, 400, {"distance_m": 300, "turbo": 1})
        hit("throttle bad json", a, "POST", run, 400, b'{"distance_m":')
        hit("throttle too big", a, "POST", run, 413, b'{"distance_m":1' + b"0" * 8192 + b"}")
        # One worker, one queue slot: of four slow runs sent together, at least one must be turned away.
        heavy = {"distance_m": 1000, "time_step_s": 0.1108, "population": 200, "generations": 1000}
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(lambda _: request(a, "POST", run, heavy, timeout=60), range(4)))
        statuses = sorted(s for s, _, _ in answers)
        for s, headers, body in answers:
            c.check("throttle busy", run, "POST", s, headers, body, s)
        if 503 not in statuses or 200 not in statuses:
            fail(f"throttle busy: statuses {statuses}, expected both 200 and 503")
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    print(f"openapi-served: {checked} responses checked against docs/openapi.yaml, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
