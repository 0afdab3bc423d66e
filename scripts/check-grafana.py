#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Checks the observability chart's Grafana provisioning and dashboards, and writes every PromQL
# expression they contain into a Prometheus rules file so that `promtool check rules` parses them.
# Usage: check-grafana.py GRAFANA_DIR RULES_OUT   (GRAFANA_DIR = charts/observability/files/grafana)
import json
import pathlib
import re
import sys

import yaml

errors = []


def fail(msg):
    errors.append(msg)


# Grafana's template variables, replaced by values PromQL accepts.
SUBSTITUTIONS = {
    "$__rate_interval": "1m",
    "$__interval": "1m",
    "$__range": "1h",
    "$$__tags": 'service_name="h2otel"',
    "$__tags": 'service_name="h2otel"',
}


def to_promql(expr, variables):
    for k, v in SUBSTITUTIONS.items():
        expr = expr.replace(k, v)
    for name in variables:
        expr = re.sub(r"\$\{?" + re.escape(name) + r"\}?(?![A-Za-z0-9_])", ".*", expr)
    leftover = re.findall(r"\$\{?[A-Za-z_][A-Za-z0-9_]*", expr)
    if leftover:
        fail(f"unknown template variable(s) {leftover} in: {expr}")
    return expr


def main():
    if len(sys.argv) != 3:
        print(__doc__ or "usage: check-grafana.py GRAFANA_DIR RULES_OUT", file=sys.stderr)
        return 2
    root = pathlib.Path(sys.argv[1])
    exprs = []  # (where, promql)

    ds_doc = yaml.safe_load((root / "datasources.yaml").read_text())
    if ds_doc.get("apiVersion") != 1:
        fail("datasources.yaml: apiVersion must be 1")
    datasources = ds_doc.get("datasources") or []
    uids = {}
    for ds in datasources:
        for key in ("name", "uid", "type", "url"):
            if not ds.get(key):
                fail(f"datasource {ds.get('name')!r}: missing {key}")
        if ds.get("uid") in uids:
            fail(f"datasource uid {ds['uid']!r} defined twice")
        uids[ds.get("uid")] = ds.get("type")
    if sum(1 for ds in datasources if ds.get("isDefault")) != 1:
        fail("exactly one datasource must be isDefault")

    def need_uid(where, uid, typ=None):
        if uid not in uids:
            fail(f"{where}: datasource uid {uid!r} is not provisioned (have {sorted(uids)})")
        elif typ and uids[uid] != typ:
            fail(f"{where}: datasource {uid!r} is a {uids[uid]}, expected {typ}")

    for ds in datasources:
        jd = ds.get("jsonData") or {}
        for dest in jd.get("exemplarTraceIdDestinations") or []:
            need_uid(f"{ds['name']}.exemplarTraceIdDestinations", dest.get("datasourceUid"), "tempo")
        t2m = jd.get("tracesToMetrics")
        if t2m:
            need_uid(f"{ds['name']}.tracesToMetrics", t2m.get("datasourceUid"), "prometheus")
            for q in t2m.get("queries") or []:
                exprs.append((f"{ds['name']}.tracesToMetrics {q.get('name')}", to_promql(q["query"], [])))
        if "serviceMap" in jd:
            need_uid(f"{ds['name']}.serviceMap", jd["serviceMap"].get("datasourceUid"), "prometheus")

    prov = yaml.safe_load((root / "dashboards.yaml").read_text())
    providers = prov.get("providers") or []
    if not providers:
        fail("dashboards.yaml: no providers")
    for p in providers:
        if p.get("type") != "file" or not (p.get("options") or {}).get("path"):
            fail(f"dashboard provider {p.get('name')!r}: needs type file and options.path")

    dashboards = sorted((root / "dashboards").glob("*.json"))
    if not dashboards:
        fail("no dashboards/*.json")
    seen_uids = set()
    for path in dashboards:
        d = json.loads(path.read_text())
        name = path.name
        for key in ("uid", "title", "panels", "schemaVersion"):
            if key not in d:
                fail(f"{name}: missing {key}")
        if d.get("uid") in seen_uids:
            fail(f"{name}: dashboard uid {d.get('uid')!r} used twice")
        seen_uids.add(d.get("uid"))
        variables = []
        for v in (d.get("templating") or {}).get("list", []):
            variables.append(v["name"])
            ds = v.get("datasource") or {}
            need_uid(f"{name} variable {v['name']}", ds.get("uid"))
            q = v.get("query")
            q = q.get("query") if isinstance(q, dict) else q
            m = re.fullmatch(r"\s*label_values\((.+),\s*([A-Za-z_][A-Za-z0-9_]*)\)\s*", q or "")
            if v.get("type") == "query":
                if not m:
                    fail(f"{name} variable {v['name']}: expected label_values(<selector>, <label>), got {q!r}")
                else:
                    exprs.append((f"{name} variable {v['name']}", to_promql(m.group(1), variables)))
        panel_ids = set()
        all_panels = []
        for p in d.get("panels", []):
            all_panels.append(p)
            all_panels.extend(p.get("panels", []))
        for p in all_panels:
            where = f"{name} panel {p.get('id')} {p.get('title')!r}"
            if p.get("id") in panel_ids:
                fail(f"{where}: duplicate panel id")
            panel_ids.add(p.get("id"))
            g = p.get("gridPos") or {}
            if not all(k in g for k in ("h", "w", "x", "y")) or g["x"] + g["w"] > 24:
                fail(f"{where}: gridPos {g} outside the 24-column grid")
            if p.get("type") == "row":
                continue
            if not p.get("targets"):
                fail(f"{where}: no targets")
            pds = (p.get("datasource") or {}).get("uid")
            need_uid(where, pds)
            for t in p.get("targets", []):
                tds = (t.get("datasource") or {}).get("uid", pds)
                need_uid(f"{where} target {t.get('refId')}", tds)
                if uids.get(tds) == "prometheus":
                    if not t.get("expr"):
                        fail(f"{where} target {t.get('refId')}: empty expr")
                    else:
                        exprs.append((f"{where} target {t.get('refId')}", to_promql(t["expr"], variables)))

    rules = {
        "groups": [
            {
                "name": "grafana-expressions",
                "rules": [
                    {"record": f"h2otel:grafana_expr_{i}", "expr": e, "labels": {"source": w[:200]}}
                    for i, (w, e) in enumerate(exprs)
                ],
            }
        ]
    }
    pathlib.Path(sys.argv[2]).write_text(yaml.safe_dump(rules, sort_keys=False, width=1000))
    for e in errors:
        print(f"check-grafana: {e}", file=sys.stderr)
    print(
        f"check-grafana: {len(datasources)} datasources, {len(dashboards)} dashboard(s), "
        f"{len(exprs)} PromQL expressions -> {sys.argv[2]}, {len(errors)} error(s)"
    )
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
