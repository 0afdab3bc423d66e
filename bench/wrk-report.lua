-- SPDX-License-Identifier: Apache-2.0
-- wrk script for bench/run: after the run, prints one machine-readable line with exact figures
-- (latencies in microseconds) so the harness never parses wrk's rounded human-readable text.
done = function(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      "BENCH_RESULT requests=%d duration_us=%d bytes=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d " ..
      "mean_us=%.1f err_connect=%d err_read=%d err_write=%d err_timeout=%d err_status=%d p999_us=%d\n",
      summary.requests, summary.duration, summary.bytes,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
      latency.mean, e.connect, e.read, e.write, e.timeout, e.status, latency:percentile(99.9)))
end
