// SPDX-License-Identifier: Apache-2.0
// Node.js `http` peer for bench/run: GET /api/v1/dummy/ -> {"message":"Hello, OpenTelemetry!"}.
//
// BENCH_TELEMETRY=1 starts the OpenTelemetry JS SDK the way most teams do: NodeSDK with the http
// instrumentation, a BatchSpanProcessor over the OTLP gRPC trace exporter, a periodic reader over the OTLP
// gRPC metric exporter, and the same total/failed request counters as the seed. The SDK must start before
// `http` is loaded, hence the order below. BENCH_TELEMETRY=0 (default) is plain Node.
'use strict';

const port = Number(process.env.PORT || 3000);
const host = process.env.HOST || '127.0.0.1';
let sdk = null;
let counters = null;

if (process.env.BENCH_TELEMETRY === '1') {
  const { NodeSDK } = require('@opentelemetry/sdk-node');
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-grpc');
  const { OTLPMetricExporter } = require('@opentelemetry/exporter-metrics-otlp-grpc');
  const { PeriodicExportingMetricReader } = require('@opentelemetry/sdk-metrics');
  const url = process.env.OTEL_EXPORTER_OTLP_ENDPOINT || 'http://127.0.0.1:4317';
  sdk = new NodeSDK({
    serviceName: process.env.OTEL_SERVICE_NAME || 'node-otel',
    traceExporter: new OTLPTraceExporter({ url }),
    metricReader: new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter({ url }) }),
    instrumentations: [new HttpInstrumentation()],
  });
  sdk.start();
  const meter = require('@opentelemetry/api').metrics.getMeter('bench.node');
  counters = {
    total: meter.createCounter('http_requests_total', { description: 'Total HTTP requests' }),
    failed: meter.createCounter('http_requests_failed_total', { description: 'Failed HTTP requests' }),
  };
  counters.total.add(0);
  counters.failed.add(0, { type: '4xx' });
  counters.failed.add(0, { type: '5xx' });
}

const http = require('http');
const body = JSON.stringify({ message: 'Hello, OpenTelemetry!' });
const notFound = JSON.stringify({ error: 'not found' });

const server = http.createServer((req, res) => {
  const ok = req.method === 'GET' && req.url === '/api/v1/dummy/';
  if (counters) {
    counters.total.add(1);
    if (!ok) counters.failed.add(1, { type: '4xx' });
  }
  const out = ok ? body : notFound;
  res.writeHead(ok ? 200 : 404, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(out) });
  res.end(out);
});
server.listen(port, host);

function stop() {
  server.close();
  // Flushes what the batch processor and the metric reader still hold, like a well-behaved service.
  (sdk ? sdk.shutdown() : Promise.resolve()).finally(() => process.exit(0));
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
