/* SPDX-License-Identifier: Apache-2.0 */
/* OTLP export benchmarks: encode cost and size per span, and sustained rates to a real Collector.
 *   otlp_export_bench encode [ITERATIONS]                  ns/span, bytes/span (plain and gzip)
 *   otlp_export_bench encode-logs [ITERATIONS]             ns/record, bytes/record (the service's request log record)
 *   otlp_export_bench spans ENDPOINT RATE SECONDS [GZIP]   tracer -> batch processor -> OTLP -> Collector
 *   otlp_export_bench logs ENDPOINT RATE SECONDS [GZIP]    logger -> batch processor -> OTLP -> Collector */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>
#include "common/common_internal.h"
#include "export/otlp_encode_internal.h"
#include "otel/otel.h"

#define BATCH 512

static uint64_t now_ns(void)
{
    return otel_time_monotonic_ns();
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Times 5 runs of `iterations` encodes of the BATCH items (spans, or log records when `logs`); runs sorted. */
static bool time_encodes(bool logs, const void *const *items, int iterations, otel_arena_t *arena,
                         otel_otlp__buffer_t *buf, uint64_t runs[5])
{
    for (int r = 0; r < 5; r++) {
        uint64_t t = now_ns();
        for (int it = 0; it < iterations; it++) {
            otel_status_t st =
                logs ? otel_otlp__encode_logs(arena, (const otel_log_record_data_t *const *)items, BATCH, buf)
                     : otel_otlp__encode_spans(arena, (const otel_span_data_t *const *)items, BATCH, buf);
            if (st != OTEL_OK)
                return false;
        }
        runs[r] = now_ns() - t;
    }
    qsort(runs, 5, sizeof(runs[0]), cmp_u64);
    return true;
}

/* The service's resource (what every encoded request starts with); destroy it after use. */
static otel_resource_t *bench_resource(void)
{
    otel_attribute_t ra[4] = {OTEL_ATTR_STR("service.name", "h2otel"), OTEL_ATTR_STR("service.version", "0.1.0"),
                              OTEL_ATTR_STR("telemetry.sdk.name", "otelc"), OTEL_ATTR_STR("host.name", "bench")};
    return otel_resource_create(ra, 4, NULL);
}

static otel_scope_t bench_scope(void)
{
    return (otel_scope_t){.name = OTEL_STR("h2otel"), .version = OTEL_STR("0.1.0")};
}

/* A typical server span of the service: 7 attributes, no events; random ids and times. */
static int encode_bench(int iterations)
{
    otel_resource_t *res = bench_resource();
    otel_scope_t scope = bench_scope();
    otel_attribute_t attrs[7] = {
        OTEL_ATTR_STR("http.request.method", "GET"),  OTEL_ATTR_STR("url.path", "/api/v1/dummy"),
        OTEL_ATTR_STR("http.route", "/api/v1/dummy"), OTEL_ATTR_INT("http.response.status_code", 200),
        OTEL_ATTR_STR("url.scheme", "http"),          OTEL_ATTR_STR("network.protocol.version", "1.1"),
        OTEL_ATTR_STR("client.address", "127.0.0.1"),
    };
    static otel_span_data_t spans[BATCH];
    static const otel_span_data_t *ptrs[BATCH];
    for (int i = 0; i < BATCH; i++) {
        otel_span_data_t *s = &spans[i];
        *s = (otel_span_data_t){.trace_flags = 1,
                                .name = OTEL_STR("GET /api/v1/dummy"),
                                .kind = OTEL_SPAN_KIND_SERVER,
                                .start_time_unix_ns = 1700000000000000000ULL + (uint64_t)i * 1000,
                                .end_time_unix_ns = 1700000000000000000ULL + (uint64_t)i * 1000 + 150000,
                                .attributes = attrs,
                                .attribute_count = 7,
                                .resource = res,
                                .scope = &scope};
        otel_random__fill(s->trace_id.bytes, 16); /* random ids, as in real traffic (they do not compress) */
        otel_random__fill(s->span_id.bytes, 8);
        s->start_time_unix_ns += otel_random__u64() % 1000000;
        s->end_time_unix_ns += otel_random__u64() % 100000000;
        ptrs[i] = s;
    }
    otel_arena_t arena = {0};
    otel_otlp__buffer_t buf = {0};
    uint64_t runs[5];
    if (!time_encodes(false, (const void *const *)ptrs, iterations, &arena, &buf, runs))
        return 1;
    uLongf zlen = compressBound(buf.len);
    unsigned char *z = malloc(zlen);
    /* gRPC's gzip: zlib deflate at the default level with a gzip header; compress2 uses a zlib header
     * (same deflate stream, 12 bytes less framing) - close enough per 512-span request. */
    compress2(z, &zlen, buf.data, buf.len, Z_DEFAULT_COMPRESSION);
    printf("encode: %d x %d spans; median %.1f ns/span (runs %.1f..%.1f); %.1f bytes/span plain, %.1f bytes/span "
           "deflated (request of %zu -> %lu bytes)\n",
           iterations, BATCH, (double)runs[2] / ((double)iterations * BATCH),
           (double)runs[0] / ((double)iterations * BATCH), (double)runs[4] / ((double)iterations * BATCH),
           (double)buf.len / BATCH, (double)zlen / BATCH, buf.len, (unsigned long)zlen);
    free(z);
    otel_arena__dispose(&arena);
    otel_otlp__buffer_dispose(&buf);
    otel_resource_destroy(res);
    return 0;
}

/* The service's per-request log record (src/api/telemetry_http.c): string body, 5 attributes, event name, trace ids. */
static int encode_logs_bench(int iterations)
{
    otel_resource_t *res = bench_resource();
    otel_scope_t scope = bench_scope();
    otel_attribute_t attrs[5] = {
        OTEL_ATTR_STR("http.request.method", "GET"),     OTEL_ATTR_STR("url.path", "/api/v1/dummy/"),
        OTEL_ATTR_INT("http.response.status_code", 200), OTEL_ATTR_DOUBLE("http.server.request.duration", 0.000152),
        OTEL_ATTR_STR("http.route", "/api/v1/dummy/"),
    };
    static otel_log_record_data_t recs[BATCH];
    static const otel_log_record_data_t *ptrs[BATCH];
    for (int i = 0; i < BATCH; i++) {
        otel_log_record_data_t *r = &recs[i];
        *r = (otel_log_record_data_t){.timestamp_ns = 1700000000000000000ULL + (uint64_t)i * 1000,
                                      .severity_number = OTEL_SEVERITY_INFO,
                                      .severity_text = OTEL_STR("INFO"),
                                      .body = {.type = OTEL_VALUE_STRING, .u.string = OTEL_STR("request")},
                                      .attributes = attrs,
                                      .attribute_count = 5,
                                      .event_name = OTEL_STR("http.server.request"),
                                      .trace_flags = 1,
                                      .resource = res,
                                      .scope = &scope};
        r->observed_timestamp_ns = r->timestamp_ns;
        otel_random__fill(r->trace_id.bytes, 16);
        otel_random__fill(r->span_id.bytes, 8);
        ptrs[i] = r;
    }
    otel_arena_t arena = {0};
    otel_otlp__buffer_t buf = {0};
    uint64_t runs[5];
    if (!time_encodes(true, (const void *const *)ptrs, iterations, &arena, &buf, runs))
        return 1;
    printf("encode-logs: %d x %d records; median %.1f ns/record (runs %.1f..%.1f); %.1f bytes/record\n", iterations,
           BATCH, (double)runs[2] / ((double)iterations * BATCH), (double)runs[0] / ((double)iterations * BATCH),
           (double)runs[4] / ((double)iterations * BATCH), (double)buf.len / BATCH);
    otel_arena__dispose(&arena);
    otel_otlp__buffer_dispose(&buf);
    otel_resource_destroy(res);
    return 0;
}

static otel_otlp_options_t options_for(const char *endpoint, bool gzip)
{
    otel_otlp_options_t o;
    otel_otlp_options_init(&o);
    snprintf(o.endpoint, sizeof(o.endpoint), "%s", endpoint);
    o.insecure = true;
    o.gzip = gzip;
    const char *n = getenv("OTELC_EXPORTER_OTLP_CONCURRENT_EXPORTS"); /* pipelined exports */
    o.concurrent_exports = n != NULL ? (uint32_t)atoi(n) : 1;
    return o;
}

/* Paces `emit` at `rate` per second for `seconds` from this thread. */
static uint64_t paced(uint64_t rate, int seconds, void (*emit)(void *), void *arg)
{
    uint64_t start = now_ns(), n = 0, total = rate * (uint64_t)seconds;
    while (n < total) {
        uint64_t due = (uint64_t)((double)(now_ns() - start) * (double)rate / 1e9);
        if (n >= due) {
            struct timespec ts = {0, 50000};
            nanosleep(&ts, NULL);
            continue;
        }
        while (n < due && n < total) {
            emit(arg);
            n++;
        }
    }
    return n;
}

static void emit_span(void *arg)
{
    otel_attribute_t attrs[4] = {OTEL_ATTR_STR("http.request.method", "GET"),
                                 OTEL_ATTR_STR("http.route", "/api/v1/dummy"),
                                 OTEL_ATTR_INT("http.response.status_code", 200), OTEL_ATTR_STR("url.scheme", "http")};
    otel_span_start_options_t o = {.kind = OTEL_SPAN_KIND_SERVER, .attributes = attrs, .attribute_count = 4};
    otel_span_t *s = otel_tracer_start_span(arg, OTEL_STR("GET /api/v1/dummy"), &o);
    otel_span_end(s, 0);
}

static int spans_bench(const char *endpoint, uint64_t rate, int seconds, bool gzip)
{
    otel_otlp_options_t oo = options_for(endpoint, gzip);
    otel_span_exporter_t exp;
    char err[256];
    if (otel_otlp_span_exporter_create(&oo, &exp, err, sizeof(err)) != OTEL_OK)
        return fprintf(stderr, "%s\n", err), 1;
    otel_batch_span_processor_options_t bo;
    otel_batch_span_processor_options_init(&bo);
    otel_batch_span_processor_options_from_env(&bo, err, sizeof(err)); /* OTEL_BSP_* tuning */
    otel_tracer_provider_options_t po;
    otel_tracer_provider_options_init(&po);
    if (otel_batch_span_processor_create(&bo, exp, &po.processors[0]) != OTEL_OK)
        return 1;
    po.processor_count = 1;
    po.resource = otel_resource_create(NULL, 0, NULL);
    otel_tracer_provider_t *p;
    if (otel_tracer_provider_create(&po, &p) != OTEL_OK)
        return 1;
    otel_resource_destroy(po.resource);
    otel_scope_t scope = {.name = OTEL_STR("bench")};
    otel_tracer_t *tracer = otel_tracer_provider_get_tracer(p, &scope);
    uint64_t t = now_ns();
    uint64_t n = paced(rate, seconds, emit_span, tracer);
    double secs = (double)(now_ns() - t) / 1e9;
    otel_tracer_provider_force_flush(p, 30000);
    otel_trace_stats_t st;
    otel_tracer_provider_get_stats(p, &st);
    otel_tracer_provider_destroy(p);
    printf("spans: target %" PRIu64 "/s, emitted %" PRIu64 " in %.2f s (%.0f/s), exported %" PRIu64 ", dropped %" PRIu64
           ", failed %" PRIu64 ", gzip %s\n",
           rate, n, secs, (double)n / secs, st.spans_exported, st.spans_dropped, st.spans_failed, gzip ? "on" : "off");
    return st.spans_dropped != 0 || st.spans_failed != 0;
}

static void emit_log(void *arg)
{
    otel_attribute_t attrs[2] = {OTEL_ATTR_STR("http.route", "/api/v1/dummy"), OTEL_ATTR_INT("status", 200)};
    otel_log_record_t r = {.severity_number = OTEL_SEVERITY_INFO,
                           .severity_text = OTEL_STR("INFO"),
                           .body = {.type = OTEL_VALUE_STRING, .u.string = OTEL_STR("request served")},
                           .attributes = attrs,
                           .attribute_count = 2};
    otel_logger_emit(arg, &r);
}

static int logs_bench(const char *endpoint, uint64_t rate, int seconds, bool gzip)
{
    otel_otlp_options_t oo = options_for(endpoint, gzip);
    otel_log_record_exporter_t exp;
    char err[256];
    if (otel_otlp_log_record_exporter_create(&oo, &exp, err, sizeof(err)) != OTEL_OK)
        return fprintf(stderr, "%s\n", err), 1;
    otel_batch_log_record_processor_options_t bo;
    otel_batch_log_record_processor_options_init(&bo);
    otel_batch_log_record_processor_options_from_env(&bo, err, sizeof(err)); /* OTEL_BLRP_* tuning */
    otel_log_record_processor_t *proc;
    otel_logger_provider_t *p;
    if (otel_batch_log_record_processor_create(&bo, exp, &proc) != OTEL_OK ||
        otel_logger_provider_create(NULL, NULL, proc, &p) != OTEL_OK)
        return 1;
    otel_scope_t scope = {.name = OTEL_STR("bench")};
    otel_logger_t *logger = otel_logger_provider_get_logger(p, &scope);
    uint64_t t = now_ns();
    uint64_t n = paced(rate, seconds, emit_log, logger);
    double secs = (double)(now_ns() - t) / 1e9;
    otel_logger_provider_force_flush(p, 30000);
    otel_log_record_processor_stats_t st;
    otel_logger_provider_get_stats(p, &st);
    otel_logger_provider_destroy(p);
    printf("logs: target %" PRIu64 "/s, emitted %" PRIu64 " in %.2f s (%.0f/s), exported %" PRIu64 ", dropped %" PRIu64
           ", failed %" PRIu64 ", gzip %s\n",
           rate, n, secs, (double)n / secs, st.records_exported, st.records_dropped, st.records_failed,
           gzip ? "on" : "off");
    return st.records_dropped != 0 || st.records_failed != 0;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "encode") == 0)
        return encode_bench(argc > 2 ? atoi(argv[2]) : 200);
    if (argc >= 2 && strcmp(argv[1], "encode-logs") == 0)
        return encode_logs_bench(argc > 2 ? atoi(argv[2]) : 200);
    if (argc >= 5 && strcmp(argv[1], "spans") == 0)
        return spans_bench(argv[2], strtoull(argv[3], NULL, 10), atoi(argv[4]), argc > 5 && atoi(argv[5]));
    if (argc >= 5 && strcmp(argv[1], "logs") == 0)
        return logs_bench(argv[2], strtoull(argv[3], NULL, 10), atoi(argv[4]), argc > 5 && atoi(argv[5]));
    fprintf(stderr, "usage: %s encode|encode-logs [ITER] | spans|logs ENDPOINT RATE SECONDS [GZIP]\n", argv[0]);
    return 2;
}
