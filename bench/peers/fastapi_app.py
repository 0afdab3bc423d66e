# SPDX-License-Identifier: Apache-2.0
"""The seed's FastAPI service reduced to the benchmarked route, with the seed's manual instrumentation.

What the seed did, and this keeps: a TracerProvider with a BatchSpanProcessor and an OTLP gRPC span exporter,
a MeterProvider with a PeriodicExportingMetricReader and an OTLP gRPC metric exporter, two counters
(total requests, failed requests by type=4xx|5xx) initialised to 0 and counted in an HTTP middleware, and
FastAPIInstrumentor on the app. GET /api/v1/dummy/ answers {"message": "Hello, OpenTelemetry!"} with no delay
(the seed's 2-5 s sleep is left out: we measure the stack, not the sleep).

The endpoint comes from OTEL_EXPORTER_OTLP_ENDPOINT (bench/run points it at its collector);
BENCH_TELEMETRY=0 builds the same app without any OpenTelemetry, for a plain reference.
"""

import os

from fastapi import FastAPI, Request

app = FastAPI(title="seed-fastapi-bench")

if os.environ.get("BENCH_TELEMETRY", "1") != "0":
    from opentelemetry import metrics, trace
    from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter
    from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    endpoint = os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4317")
    resource = Resource.create({"service.name": os.environ.get("OTEL_SERVICE_NAME", "fastapi-seed")})

    tracer_provider = TracerProvider(resource=resource)
    tracer_provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint, insecure=True)))
    trace.set_tracer_provider(tracer_provider)

    reader = PeriodicExportingMetricReader(OTLPMetricExporter(endpoint=endpoint, insecure=True))
    metrics.set_meter_provider(MeterProvider(resource=resource, metric_readers=[reader]))
    meter = metrics.get_meter("seed.fastapi")
    total_requests = meter.create_counter("http_requests_total", description="Total HTTP requests")
    failed_requests = meter.create_counter("http_requests_failed_total", description="Failed HTTP requests")
    # The seed's "avoid missing metrics": the series exist before the first request.
    total_requests.add(0)
    failed_requests.add(0, {"type": "4xx"})
    failed_requests.add(0, {"type": "5xx"})

    @app.middleware("http")
    async def count_requests(request: Request, call_next):
        total_requests.add(1)
        try:
            response = await call_next(request)
        except Exception:
            failed_requests.add(1, {"type": "5xx"})
            raise
        if response.status_code >= 500:
            failed_requests.add(1, {"type": "5xx"})
        elif response.status_code >= 400:
            failed_requests.add(1, {"type": "4xx"})
        return response

    FastAPIInstrumentor.instrument_app(app)


@app.get("/api/v1/dummy/")
async def dummy():
    return {"message": "Hello, OpenTelemetry!"}
