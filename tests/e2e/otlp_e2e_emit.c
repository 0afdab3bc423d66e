/* SPDX-License-Identifier: Apache-2.0 */
/* Driven by tests/e2e/otlp_collector_e2e.py: exports known spans, metrics and logs to a real Collector
 * (and dumps the encoded requests for the Python cross-check), or keeps emitting logs through an outage.
 *   otlp_e2e_emit emit ENDPOINT DUMPDIR
 *   otlp_e2e_emit outage ENDPOINT SECONDS
 *   otlp_e2e_emit env        (everything from OTEL_* variables: the service's own setup path) */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "common/common_internal.h"
#include "export/otlp_encode_internal.h"
#include "otel/otel.h"
#include "otlp_fixtures.h"

/* Fixed values the Python side asserts on (keep in sync with otlp_collector_e2e.py; the spans' are in
 * otlp_fixtures.h). */
#define T0 OTLP_FX_T0

static int dump(const char *dir, const char *name, const otel_otlp__buffer_t *buf)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(buf->data, 1, buf->len, f) != buf->len) {
        perror(path);
        return 1;
    }
    fclose(f);
    return 0;
}

static otel_otlp_options_t options_for(const char *endpoint)
{
    otel_otlp_options_t o;
    otel_otlp_options_init(&o);
    snprintf(o.endpoint, sizeof(o.endpoint), "%s", endpoint);
    o.insecure = true;
    o.gzip = true;
    o.timeout_ms = 5000;
    return o;
}

static int emit_spans(const char *endpoint, const char *dir, otel_resource_t *res)
{
    otel_scope_t scope = {.name = OTEL_STR("h2otel.e2e"), .version = OTEL_STR("1.2.3")};
    otlp_fx_spans_t fx; /* a server span with every field kind and its client child */
    otlp_fx_spans_init(&fx, res, &scope);
    const otel_span_data_t *spans[2] = {&fx.server, &fx.client};

    otel_arena_t arena = {0};
    otel_otlp__buffer_t buf = {0};
    int rc = otel_otlp__encode_spans(&arena, spans, 2, &buf) != OTEL_OK || dump(dir, "traces.bin", &buf);
    otel_arena__dispose(&arena);
    otel_otlp__buffer_dispose(&buf);

    otel_otlp_options_t o = options_for(endpoint);
    otel_span_exporter_t exp;
    char err[256];
    if (otel_otlp_span_exporter_create(&o, &exp, err, sizeof(err)) != OTEL_OK) {
        fprintf(stderr, "span exporter: %s\n", err);
        return 1;
    }
    otel_status_t st = exp.export_spans(exp.self, spans, 2);
    exp.shutdown(exp.self, 1000);
    exp.destroy(exp.self);
    fprintf(stderr, "spans: %s\n", otel_strerror(st));
    return rc || st != OTEL_OK;
}

static int emit_metrics(const char *endpoint, const char *dir, otel_resource_t *res)
{
    otel_exemplar_t sum_ex = {.time_ns = T0 + 40, .value = {.type = OTEL_NUMBER_INT64, .as_int = 7}};
    otlp_fx_fill(sum_ex.trace_id.bytes, 16, 0x01);
    otlp_fx_fill(sum_ex.span_id.bytes, 8, 0x11);
    otel_attribute_t filtered[1] = {OTEL_ATTR_STR("user.tier", "gold")};
    otel_exemplar_t hist_ex = {.filtered_attributes = filtered,
                               .filtered_attribute_count = 1,
                               .time_ns = T0 + 41,
                               .value = {.type = OTEL_NUMBER_DOUBLE, .as_double = 0.42}};
    otlp_fx_fill(hist_ex.trace_id.bytes, 16, 0x01);
    otlp_fx_fill(hist_ex.span_id.bytes, 8, 0x31);
    static const double bounds[3] = {0.1, 0.5, 1};
    static const uint64_t counts[4] = {2, 1, 0, 1};
    static const uint64_t pos[3] = {1, 0, 3};
    static const uint64_t neg[1] = {2};
    otel_attribute_t route[1] = {OTEL_ATTR_STR("http.route", "/api/v1/slow")};
    otel_metric_point_t sum_pt = {.attributes = route,
                                  .attribute_count = 1,
                                  .start_time_ns = T0,
                                  .time_ns = T0 + 50,
                                  .value = {.type = OTEL_NUMBER_INT64, .as_int = 42},
                                  .exemplars = &sum_ex,
                                  .exemplar_count = 1};
    otel_metric_point_t updown_pt = {
        .start_time_ns = T0, .time_ns = T0 + 50, .value = {.type = OTEL_NUMBER_INT64, .as_int = -3}};
    otel_metric_point_t gauge_pt = {.time_ns = T0 + 50, .value = {.type = OTEL_NUMBER_DOUBLE, .as_double = 36.6}};
    otel_metric_point_t hist_pt = {.attributes = route,
                                   .attribute_count = 1,
                                   .start_time_ns = T0 + 10,
                                   .time_ns = T0 + 50,
                                   .exemplars = &hist_ex,
                                   .exemplar_count = 1};
    hist_pt.histogram = (otel_histogram_data_t){.count = 4,
                                                .sum = 1.73,
                                                .has_min_max = true,
                                                .min = 0.01,
                                                .max = 1.2,
                                                .bounds = bounds,
                                                .bound_count = 3,
                                                .bucket_counts = counts,
                                                .bucket_count = 4};
    otel_metric_point_t exp_pt = {.start_time_ns = T0, .time_ns = T0 + 50};
    exp_pt.exp_histogram = (otel_exp_histogram_data_t){.count = 7,
                                                       .sum = 9.5,
                                                       .has_min_max = true,
                                                       .min = -2,
                                                       .max = 6,
                                                       .scale = 2,
                                                       .zero_count = 1,
                                                       .zero_threshold = 0,
                                                       .positive = {.offset = 3, .counts = pos, .count = 3},
                                                       .negative = {.offset = 4, .counts = neg, .count = 1}};
    otel_metric_data_t metrics[5] = {
        {.name = OTEL_STR("http.server.requests"),
         .description = OTEL_STR("requests served"),
         .unit = OTEL_STR("1"),
         .type = OTEL_METRIC_SUM,
         .temporality = OTEL_TEMPORALITY_CUMULATIVE,
         .is_monotonic = true,
         .points = &sum_pt,
         .point_count = 1},
        {.name = OTEL_STR("queue.depth"),
         .type = OTEL_METRIC_SUM,
         .temporality = OTEL_TEMPORALITY_CUMULATIVE,
         .is_monotonic = false,
         .points = &updown_pt,
         .point_count = 1},
        {.name = OTEL_STR("temperature"),
         .unit = OTEL_STR("Cel"),
         .type = OTEL_METRIC_GAUGE,
         .points = &gauge_pt,
         .point_count = 1},
        {.name = OTEL_STR("http.server.request.duration"),
         .unit = OTEL_STR("s"),
         .type = OTEL_METRIC_HISTOGRAM,
         .temporality = OTEL_TEMPORALITY_DELTA,
         .points = &hist_pt,
         .point_count = 1},
        {.name = OTEL_STR("payload.size"),
         .unit = OTEL_STR("By"),
         .type = OTEL_METRIC_EXPONENTIAL_HISTOGRAM,
         .temporality = OTEL_TEMPORALITY_CUMULATIVE,
         .points = &exp_pt,
         .point_count = 1},
    };
    otel_scope_metrics_t scope = {.scope_name = OTEL_STR("h2otel.e2e"),
                                  .scope_version = OTEL_STR("1.2.3"),
                                  .metrics = metrics,
                                  .metric_count = 5};
    otel_metrics_data_t data = {.resource = res, .scopes = &scope, .scope_count = 1};

    otel_arena_t arena = {0};
    otel_otlp__buffer_t buf = {0};
    size_t points;
    int rc = otel_otlp__encode_metrics(&arena, &data, &buf, &points) != OTEL_OK || dump(dir, "metrics.bin", &buf);
    otel_arena__dispose(&arena);
    otel_otlp__buffer_dispose(&buf);

    otel_otlp_options_t o = options_for(endpoint);
    otel_metric_exporter_t exp;
    char err[256];
    if (otel_otlp_metric_exporter_create(&o, &exp, err, sizeof(err)) != OTEL_OK) {
        fprintf(stderr, "metric exporter: %s\n", err);
        return 1;
    }
    otel_status_t st = exp.export_metrics(exp.user, &data, 5000);
    exp.shutdown(exp.user, 1000);
    exp.destroy(exp.user);
    fprintf(stderr, "metrics: %s\n", otel_strerror(st));
    return rc || st != OTEL_OK;
}

/* Logs go through the whole SDK: logger -> batch processor -> OTLP exporter. */
static int emit_logs(const char *endpoint, const char *dir, otel_resource_t *res)
{
    otel_otlp_options_t o = options_for(endpoint);
    otel_log_record_exporter_t exp;
    char err[256];
    if (otel_otlp_log_record_exporter_create(&o, &exp, err, sizeof(err)) != OTEL_OK) {
        fprintf(stderr, "log exporter: %s\n", err);
        return 1;
    }
    otel_log_record_processor_t *proc;
    otel_logger_provider_t *provider;
    if (otel_batch_log_record_processor_create(NULL, exp, &proc) != OTEL_OK ||
        otel_logger_provider_create(res, NULL, proc, &provider) != OTEL_OK)
        return 1;
    otel_scope_t scope = {.name = OTEL_STR("h2otel.e2e"), .version = OTEL_STR("1.2.3")};
    otel_logger_t *logger = otel_logger_provider_get_logger(provider, &scope);

    otel_span_context_t span = {.trace_flags = 1};
    otlp_fx_fill(span.trace_id.bytes, 16, 0x01);
    otlp_fx_fill(span.span_id.bytes, 8, 0x11);
    otel_attribute_t attrs[2] = {OTEL_ATTR_STR("http.route", "/api/v1/slow"), OTEL_ATTR_INT("attempt", 2)};
    otel_log_record_t plain = {.timestamp_ns = T0 + 1200,
                               .observed_timestamp_ns = T0 + 1201,
                               .severity_number = OTEL_SEVERITY_WARN,
                               .severity_text = OTEL_STR("WARN"),
                               .body = {.type = OTEL_VALUE_STRING, .u.string = OTEL_STR("downstream slow")},
                               .attributes = attrs,
                               .attribute_count = 2};
    const otel_span_context_t *prev = otel_context__set_current(&span); /* as inside a request's span */
    otel_status_t st1 = otel_logger_emit(logger, &plain);
    otel_context__set_current(prev);
    otel_attribute_t map[2] = {OTEL_ATTR_STR("event", "startup"), OTEL_ATTR_INT("threads", 4)};
    otel_log_record_t structured = {.timestamp_ns = T0 + 5,
                                    .observed_timestamp_ns = T0 + 6,
                                    .severity_number = OTEL_SEVERITY_INFO,
                                    .severity_text = OTEL_STR("INFO"),
                                    .body_map = map,
                                    .body_map_count = 2,
                                    .event_name = OTEL_STR("h2otel.startup")};
    otel_status_t st2 = otel_logger_emit(logger, &structured);
    otel_status_t st3 = otel_logger_provider_force_flush(provider, 10000);
    otel_log_record_processor_stats_t stats;
    otel_logger_provider_get_stats(provider, &stats);
    otel_logger_provider_destroy(provider);
    fprintf(stderr, "logs: emit %s/%s flush %s exported %" PRIu64 "\n", otel_strerror(st1), otel_strerror(st2),
            otel_strerror(st3), stats.records_exported);

    /* The same two records, encoded as the exporter encodes them, for the Python cross-check. */
    otel_log_record_data_t d1 = otlp_fx_log_from(&plain, res, &scope), d2 = otlp_fx_log_from(&structured, res, &scope);
    d1.trace_id = span.trace_id;
    d1.span_id = span.span_id;
    d1.trace_flags = 1;
    const otel_log_record_data_t *recs[2] = {&d1, &d2};
    otel_arena_t arena = {0};
    otel_otlp__buffer_t buf = {0};
    int rc = otel_otlp__encode_logs(&arena, recs, 2, &buf) != OTEL_OK || dump(dir, "logs.bin", &buf);
    otel_arena__dispose(&arena);
    otel_otlp__buffer_dispose(&buf);
    return rc || st1 != OTEL_OK || st2 != OTEL_OK || st3 != OTEL_OK || stats.records_exported != 2;
}

/* Emits one log record every 20 ms for `seconds`, printing a JSON summary with a timeline of exports. */
static int outage(const char *endpoint, int seconds, otel_resource_t *res)
{
    otel_otlp_options_t o = options_for(endpoint);
    o.timeout_ms = 500;
    otel_log_record_exporter_t exp;
    char err[256];
    if (otel_otlp_log_record_exporter_create(&o, &exp, err, sizeof(err)) != OTEL_OK) {
        fprintf(stderr, "log exporter: %s\n", err);
        return 1;
    }
    otel_batch_log_record_processor_options_t bo;
    otel_batch_log_record_processor_options_init(&bo);
    bo.schedule_delay_ms = 100;
    bo.max_queue_size = 256;
    otel_log_record_processor_t *proc;
    otel_logger_provider_t *provider;
    if (otel_batch_log_record_processor_create(&bo, exp, &proc) != OTEL_OK ||
        otel_logger_provider_create(res, NULL, proc, &provider) != OTEL_OK)
        return 1;
    otel_scope_t scope = {.name = OTEL_STR("h2otel.outage")};
    otel_logger_t *logger = otel_logger_provider_get_logger(provider, &scope);
    uint64_t start = otel_time_monotonic_ns(), max_emit_ns = 0, emitted = 0;
    printf("{\"timeline\":[");
    uint64_t next_report = start;
    while (otel_time_monotonic_ns() - start < (uint64_t)seconds * 1000000000ULL) {
        char body[64];
        int n = snprintf(body, sizeof(body), "outage-%" PRIu64, emitted);
        otel_log_record_t rec = {.severity_number = OTEL_SEVERITY_INFO,
                                 .body = {.type = OTEL_VALUE_STRING, .u.string = {body, (size_t)n}}};
        uint64_t t = otel_time_monotonic_ns();
        otel_logger_emit(logger, &rec);
        uint64_t took = otel_time_monotonic_ns() - t;
        max_emit_ns = took > max_emit_ns ? took : max_emit_ns;
        emitted++;
        if (t >= next_report) {
            otel_otlp_stats_t s;
            otel_otlp_get_stats(OTEL_OTLP_LOGS, &s);
            printf("%s[%" PRIu64 ",%" PRIu64 ",%" PRIu64 "]", next_report == start ? "" : ",", (t - start) / 1000000,
                   s.items_exported, s.items_failed);
            next_report = t + 100000000ULL;
        }
        struct timespec ts = {0, 20000000L};
        nanosleep(&ts, NULL);
    }
    otel_logger_provider_force_flush(provider, 5000);
    otel_log_record_processor_stats_t ps;
    otel_logger_provider_get_stats(provider, &ps);
    otel_logger_provider_destroy(provider);
    otel_otlp_stats_t s;
    otel_otlp_get_stats(OTEL_OTLP_LOGS, &s);
    printf("],\"emitted\":%" PRIu64 ",\"exported\":%" PRIu64 ",\"failed\":%" PRIu64 ",\"dropped\":%" PRIu64
           ",\"max_emit_us\":%" PRIu64 ",\"attempts\":%" PRIu64 "}\n",
           emitted, s.items_exported, s.items_failed, ps.records_dropped, max_emit_ns / 1000, s.attempts);
    return 0;
}

/* The service's path: register "otlp", build the three providers from the environment only (e.g. the
 * seed's OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=collector:4317 + _INSECURE=true form), then emit a span with
 * a log record and a measurement inside it. Prints the span's trace and span id. */
static int from_env(otel_resource_t *res)
{
    char err[256] = "";
    if (otel_otlp_register_exporters() != OTEL_OK)
        return 1;
    otel_tracer_provider_options_t to;
    otel_tracer_provider_options_init(&to);
    to.resource = res;
    otel_tracer_provider_t *tp;
    if (otel_tracer_provider_options_from_env(&to, err, sizeof(err)) != OTEL_OK ||
        otel_tracer_provider_create(&to, &tp) != OTEL_OK)
        return fprintf(stderr, "traces: %s\n", err), 1;
    otel_meter_provider_t *mp;
    otel_periodic_reader_t *reader;
    if (otel_metrics_setup_from_env(res, &mp, &reader, err, sizeof(err)) != OTEL_OK)
        return fprintf(stderr, "metrics: %s\n", err), 1;
    otel_logger_provider_t *lp;
    if (otel_logger_provider_create_from_env(res, &lp, err, sizeof(err)) != OTEL_OK)
        return fprintf(stderr, "logs: %s\n", err), 1;

    otel_scope_t scope = {.name = OTEL_STR("h2otel.env")};
    otel_tracer_t *tracer = otel_tracer_provider_get_tracer(tp, &scope);
    otel_logger_t *logger = otel_logger_provider_get_logger(lp, &scope);
    otel_meter_t *meter;
    otel_instrument_t *counter;
    otel_instrument_options_t co = {
        .name = "e2e.env.requests", .unit = "1", .kind = OTEL_INSTRUMENT_COUNTER, .value_type = OTEL_NUMBER_INT64};
    otel_instrument_t *hist, *exp_hist, *updown, *gauge;
    otel_instrument_options_t ho = {.name = "e2e.env.duration",
                                    .unit = "s",
                                    .kind = OTEL_INSTRUMENT_HISTOGRAM,
                                    .value_type = OTEL_NUMBER_DOUBLE,
                                    .bucket_bounds = otel_http_duration_bounds,
                                    .bucket_bound_count = 14};
    otel_instrument_options_t eo = {.name = "e2e.env.size",
                                    .unit = "By",
                                    .kind = OTEL_INSTRUMENT_HISTOGRAM,
                                    .value_type = OTEL_NUMBER_INT64,
                                    .histogram_aggregation = OTEL_HISTOGRAM_EXPONENTIAL};
    otel_instrument_options_t uo = {
        .name = "e2e.env.inflight", .kind = OTEL_INSTRUMENT_UP_DOWN_COUNTER, .value_type = OTEL_NUMBER_INT64};
    otel_instrument_options_t go = {
        .name = "e2e.env.temperature", .kind = OTEL_INSTRUMENT_GAUGE, .value_type = OTEL_NUMBER_DOUBLE};
    if (otel_meter_provider_get_meter(mp, "h2otel.env", NULL, NULL, &meter) != OTEL_OK ||
        otel_meter_create_instrument(meter, &co, &counter) != OTEL_OK ||
        otel_meter_create_instrument(meter, &ho, &hist) != OTEL_OK ||
        otel_meter_create_instrument(meter, &eo, &exp_hist) != OTEL_OK ||
        otel_meter_create_instrument(meter, &uo, &updown) != OTEL_OK ||
        otel_meter_create_instrument(meter, &go, &gauge) != OTEL_OK ||
        otel_otlp_register_self_metrics(meter) != OTEL_OK ||
        otel_logger_provider_register_self_metrics(lp, meter) != OTEL_OK)
        return 1;

    otel_span_start_options_t so = {.kind = OTEL_SPAN_KIND_SERVER};
    otel_span_t *span = otel_tracer_start_span(tracer, OTEL_STR("GET /env"), &so);
    otel_span_context_t ctx = otel_span_get_context(span);
    otel_span_scope_t active;
    otel_span_scope_begin(&active, span);
    otel_log_record_t rec = {.severity_number = OTEL_SEVERITY_INFO,
                             .severity_text = OTEL_STR("INFO"),
                             .body = {.type = OTEL_VALUE_STRING, .u.string = OTEL_STR("inside the span")}};
    otel_status_t emitted = otel_logger_emit(logger, &rec);
    otel_attribute_t route[1] = {OTEL_ATTR_STR("http.route", "/env")};
    otel_instrument_record_int64(counter, 3, route, 1);
    otel_instrument_record_double(hist, 0.042, route, 1); /* inside a sampled span: an exemplar */
    otel_instrument_record_double(hist, 3.5, route, 1);
    otel_instrument_record_int64(exp_hist, 1000, NULL, 0);
    otel_instrument_record_int64(exp_hist, 4000, NULL, 0);
    otel_instrument_record_int64(updown, 5, NULL, 0);
    otel_instrument_record_int64(updown, -2, NULL, 0);
    otel_instrument_record_double(gauge, 21.5, NULL, 0);
    otel_span_end(span, 0);
    otel_span_scope_end(&active);

    otel_status_t t = otel_tracer_provider_force_flush(tp, 10000);
    otel_status_t l = otel_logger_provider_force_flush(lp, 10000);
    otel_status_t m = reader != NULL ? otel_periodic_reader_force_flush(reader, 10000) : OTEL_ERR_CONFIG;
    char trace_hex[33], span_hex[17];
    otel_hex_encode(ctx.trace_id.bytes, 16, trace_hex);
    otel_hex_encode(ctx.span_id.bytes, 8, span_hex);
    printf("{\"trace_id\":\"%s\",\"span_id\":\"%s\"}\n", trace_hex, span_hex);
    fprintf(stderr, "env: emit %s, flush traces %s logs %s metrics %s\n", otel_strerror(emitted), otel_strerror(t),
            otel_strerror(l), otel_strerror(m));
    otel_periodic_reader_shutdown(reader, 5000);
    otel_periodic_reader_destroy(reader);
    otel_logger_provider_shutdown(lp, 5000);
    otel_logger_provider_destroy(lp);
    otel_tracer_provider_shutdown(tp, 5000);
    otel_tracer_provider_destroy(tp);
    otel_meter_provider_destroy(mp);
    return emitted != OTEL_OK || t != OTEL_OK || l != OTEL_OK || m != OTEL_OK;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "env") == 0) {
        otel_attribute_t ra[1] = {OTEL_ATTR_STR("service.name", "h2otel-env")};
        otel_resource_t *res = otel_resource_create(ra, 1, NULL);
        int rc = from_env(res);
        otel_resource_destroy(res);
        return rc;
    }
    if (argc < 4) {
        fprintf(stderr, "usage: %s emit ENDPOINT DUMPDIR | outage ENDPOINT SECONDS\n", argv[0]);
        return 2;
    }
    otel_attribute_t ra[3] = {OTEL_ATTR_STR("service.name", "h2otel-e2e"), OTEL_ATTR_STR("service.version", "0.1.0"),
                              OTEL_ATTR_INT("process.pid", 4242)};
    otel_resource_t *res = otel_resource_create(ra, 3, "https://opentelemetry.io/schemas/1.26.0");
    int rc;
    if (strcmp(argv[1], "emit") == 0)
        rc = emit_spans(argv[2], argv[3], res) | emit_metrics(argv[2], argv[3], res) | emit_logs(argv[2], argv[3], res);
    else
        rc = outage(argv[2], atoi(argv[3]), res);
    otel_resource_destroy(res);
    return rc;
}
