#!/usr/bin/env bash
# Part of stage 40-charts: the configuration the h2otel chart renders must be accepted by the real
# binary. Starts H2OTEL_BIN on a free 127.0.0.1 port with the rendered config.yaml (the flags the chart
# passes, with --listen moved to loopback and --openapi-file pointing at the repo's copy), checks
# /healthz, /readyz and /openapi.json, then SIGTERM must give exit status 0.
# Usage: chart-config-run.sh BINARY RENDERED_CONFIG
set -uo pipefail
bin=$1 config=$2
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log=$(mktemp)
"$bin" --config="$config" --listen="127.0.0.1:$port" --threads=1 --openapi-file="$PWD/docs/openapi.yaml" >"$log" 2>&1 &
pid=$!
cleanup() { kill -KILL "$pid" 2>/dev/null; rm -f "$log"; }
trap cleanup EXIT
ok=0
for _ in $(seq 100); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null; then ok=1; break; fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
done
if [ "$ok" != 1 ]; then
    echo "h2otel did not come up with the chart's config:"
    cat "$config" "$log"
    exit 1
fi
for path in /healthz /readyz /openapi.json; do
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port$path")
    [ "$code" = 200 ] || { echo "GET $path: $code, expected 200"; cat "$log"; exit 1; }
done
kill -TERM "$pid"
wait "$pid"
status=$?
[ "$status" = 0 ] || { echo "exit status after SIGTERM: $status, expected 0"; cat "$log"; exit 1; }
echo "h2otel accepted the chart's config (healthz, readyz, openapi.json 200; SIGTERM -> 0)"
