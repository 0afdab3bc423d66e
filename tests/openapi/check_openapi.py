# SPDX-License-Identifier: Apache-2.0
"""Checks docs/openapi.yaml against issue 2's routes and against the C throttle code.

Usage: check_openapi.py OPENAPI_YAML THROTTLE_BENCH
Run by tests/stages/20-openapi inside the validator venv (PyYAML and openapi-schema-validator come from it).
"""
import json
import subprocess
import sys

import yaml
from openapi_schema_validator import OAS31Validator

# Every route of issue 2 with the statuses it must document.
ROUTES = {
    ("/api/v1/dummy/", "get"): {"200"},
    ("/api/v1/dummy/slow", "get"): {"200"},
    ("/api/v1/dummy/not-working", "get"): {"500"},
    ("/api/v1/dummy/call-downstream", "get"): {"200", "502", "504"},
    ("/api/v1/throttle/run", "post"): {"200", "400", "413", "503"},
    ("/healthz", "get"): {"200"},
    ("/readyz", "get"): {"200", "503"},
    ("/openapi.json", "get"): {"200"},
}

# Requests on which the schema and the C parser must agree (True = accepted).
AGREE = [
    ({"distance_m": 1000}, True),
    ({"distance_m": 1, "max_speed_mps": 100, "max_accel_mps2": 20, "max_brake_mps2": 0.1, "time_step_s": 10,
      "population": 4, "generations": 1000, "stall_generations": 0, "seed": 9007199254740991}, True),
    ({"distance_m": 500, "population": 10.0}, True),
    ({}, False),
    ({"distance_m": 0}, False),
    ({"distance_m": 100000.5}, False),
    ({"distance_m": "100"}, False),
    ({"distance_m": True}, False),
    ({"distance_m": None}, False),
    ({"distance_m": 100, "max_speed_mps": 0}, False),
    ({"distance_m": 100, "max_speed_mps": 100.5}, False),
    ({"distance_m": 100, "max_accel_mps2": 0.05}, False),
    ({"distance_m": 100, "max_brake_mps2": 21}, False),
    ({"distance_m": 100, "time_step_s": 0.001}, False),
    ({"distance_m": 100, "time_step_s": 10.5}, False),
    ({"distance_m": 100, "population": 3}, False),
    ({"distance_m": 100, "population": 501}, False),
    ({"distance_m": 100, "population": 10.5}, False),
    ({"distance_m": 100, "generations": 0}, False),
    ({"distance_m": 100, "generations": 1001}, False),
    ({"distance_m": 100, "stall_generations": -1}, False),
    ({"distance_m": 100, "seed": -1}, False),
    ({"distance_m": 100, "seed": 9007199254740992}, False),
    ({"distance_m": 100, "seed": "1"}, False),
    ({"distance_m": 100, "turbo": True}, False),
    ([], False),
    (42, False),
]

# Requests the schema cannot judge (cross-field caps): the C parser must reject them, naming the field.
C_ONLY_REJECTS = [
    ({"distance_m": 100, "population": 500, "generations": 1000}, "generations"),
    ({"distance_m": 100000, "time_step_s": 0.01}, "time_step_s"),
]

# Real GA runs whose results must validate against the result schema.
RUNS = [
    {"distance_m": 200, "population": 30, "generations": 40, "seed": 9},
    {"distance_m": 5000, "max_speed_mps": 40, "time_step_s": 2, "population": 20, "generations": 5},
    {"distance_m": 10, "time_step_s": 10, "population": 4, "generations": 1},  # too coarse to arrive
    # weak brakes: trips "arrive" still rolling; fitness must stay <= 1 as documented
    {"distance_m": 1, "max_accel_mps2": 20, "max_brake_mps2": 0.5, "time_step_s": 0.01, "population": 40,
     "generations": 50, "seed": 3},
]

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg)


def resolve(doc, node):
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/"), ref
        node = doc
        for part in ref[2:].split("/"):
            node = node[part]
    return node


def c_parse(bench, body):
    out = subprocess.run([bench, "--parse", json.dumps(body)], capture_output=True, text=True, timeout=60)
    return out.returncode, out.stdout.strip()


def main():
    spec_path, bench = sys.argv[1], sys.argv[2]
    with open(spec_path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    schemas = doc["components"]["schemas"]

    for (path, method), statuses in ROUTES.items():
        op = doc["paths"].get(path, {}).get(method)
        if op is None:
            fail(f"{method.upper()} {path} is not documented")
            continue
        missing = statuses - set(op["responses"])
        if missing:
            fail(f"{method.upper()} {path} does not document {sorted(missing)}")
        for status, resp in op["responses"].items():
            resp = resolve(doc, resp)
            media = resp.get("content", {}).get("application/json")
            if media is None or "schema" not in media:
                fail(f"{method.upper()} {path} {status}: no application/json schema")
                continue
            if "example" in media:
                schema = resolve(doc, media["schema"])
                errors = list(OAS31Validator(schema).iter_errors(media["example"]))
                if errors:
                    fail(f"{method.upper()} {path} {status}: example does not match its schema: {errors[0].message}")
            if status[0] in "45" and resolve(doc, media["schema"]) is not schemas["Error"]:
                fail(f"{method.upper()} {path} {status}: error responses must use the Error schema")
    for path, ops in doc["paths"].items():
        for method in ops:
            if (path, method) not in ROUTES:
                fail(f"{method.upper()} {path} is documented but is not a route of the service")

    request = OAS31Validator(schemas["ThrottleRequest"])
    for body, accepted in AGREE:
        schema_ok = request.is_valid(body)
        rc, msg = c_parse(bench, body)
        if schema_ok != accepted:
            fail(f"schema {'accepts' if schema_ok else 'rejects'} {json.dumps(body)}, expected otherwise")
        if (rc == 0) != accepted:
            fail(f"C parser {'accepts' if rc == 0 else 'rejects'} {json.dumps(body)} ({msg}), expected otherwise")
    for body, field in C_ONLY_REJECTS:
        rc, msg = c_parse(bench, body)
        if rc != 2 or not msg.startswith(field + ":"):
            fail(f"C parser on {json.dumps(body)}: rc {rc} '{msg}', expected a rejection naming {field}")

    result = OAS31Validator(schemas["ThrottleResult"])
    for body in RUNS:
        out = subprocess.run([bench, "--json", json.dumps(body)], capture_output=True, text=True, timeout=120)
        if out.returncode != 0:
            fail(f"GA run {json.dumps(body)} failed: {out.stdout.strip()} {out.stderr.strip()}")
            continue
        errors = list(result.iter_errors(json.loads(out.stdout)))
        if errors:
            fail(f"GA result for {json.dumps(body)} does not match ThrottleResult: {errors[0].message}")

    checks = len(ROUTES) + len(AGREE) + len(C_ONLY_REJECTS) + len(RUNS)
    print(f"openapi: {checks} checks over {len(doc['paths'])} paths, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
