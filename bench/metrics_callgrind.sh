#!/usr/bin/env bash
# Instructions per operation of each metrics_bench case, measured with callgrind (stable on a busy machine).
# Usage: bench/metrics_callgrind.sh [BUILD_DIR]   (default: build; needs `cmake --build build --target metrics_bench`)
set -euo pipefail
bin=${1:-build}/bench/metrics_bench
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
printf '%-26s %12s\n' case "instr/op"
for spec in counter_bound:100000 counter_attrs3:100000 histogram_bound:100000 histogram_attrs3:100000 \
    histogram_bound_sampled:100000 collect_2000x3:3; do
    name=${spec%%:*} ops=${spec##*:}
    valgrind --tool=callgrind --callgrind-out-file="$out/$name" --toggle-collect="loop_$name" \
        "$bin" --once "$name" "$ops" 2>"$out/$name.log"
    total=$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$out/$name.log")
    printf '%-26s %12d\n' "$name" $((total / ops))
done
