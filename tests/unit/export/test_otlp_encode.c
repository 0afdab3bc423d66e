/* SPDX-License-Identifier: Apache-2.0 */
/* OTLP encoders: encode, decode with protobuf-c, compare field by field; grouping; UTF-8 repair. */
#include <criterion/criterion.h>
#include <string.h>
#include "export/otlp_encode_internal.h"
#include "otlp_fixtures.h"

static otel_arena_t arena;
static otel_otlp__buffer_t buf;
static void teardown(void)
{
    otel_arena__dispose(&arena);
    otel_otlp__buffer_dispose(&buf);
}
TestSuite(otlp_encode, .fini = teardown);

static otel_log_record_data_t log_record(const otel_resource_t *res, const otel_scope_t *scope, const char *body)
{
    return otlp_fx_log(res, scope, otlp_fx_str(body));
}

Test(otlp_encode, logs_round_trip_field_by_field_and_group_by_resource_then_scope)
{
    otel_attribute_t ra[1] = {OTEL_ATTR_STR("service.name", "svc")};
    otel_resource_t *r1 = otel_resource_create(ra, 1, "https://opentelemetry.io/schemas/1.26.0");
    otel_resource_t *r2 = otel_resource_create(NULL, 0, NULL);
    otel_scope_t s1 = {.name = OTEL_STR("a"), .version = OTEL_STR("1")}, s2 = {.name = OTEL_STR("b")};
    int64_t ints[3] = {1, -2, 3};
    otel_attribute_t attrs[3] = {OTEL_ATTR_BOOL("ok", true),
                                 OTEL_ATTR_DOUBLE("ratio", 0.5),
                                 {OTEL_STR("ints"), {.type = OTEL_VALUE_INT64_ARRAY, .u.int64s = {ints, 3}}}};
    otel_log_record_data_t recs[4] = {log_record(r1, &s1, "one"), log_record(r1, &s2, "two"),
                                      log_record(r2, &s1, "three"), log_record(r1, &s1, "four")};
    recs[0].attributes = attrs;
    recs[0].attribute_count = 3;
    recs[0].dropped_attributes_count = 2;
    memset(recs[0].trace_id.bytes, 0x42, 16);
    memset(recs[0].span_id.bytes, 0x24, 8);
    recs[0].trace_flags = 1;
    recs[1].event_name = OTEL_STR("app.started");
    const otel_log_record_data_t *ptrs[4] = {&recs[0], &recs[1], &recs[2], &recs[3]};
    cr_assert_eq(otel_otlp__encode_logs(&arena, ptrs, 4, &buf), OTEL_OK);

    Opentelemetry__Proto__Collector__Logs__V1__ExportLogsServiceRequest *req =
        opentelemetry__proto__collector__logs__v1__export_logs_service_request__unpack(NULL, buf.len, buf.data);
    cr_assert_not_null(req);
    cr_assert_eq(req->n_resource_logs, 2);
    Opentelemetry__Proto__Logs__V1__ResourceLogs *rl = req->resource_logs[0];
    cr_assert_str_eq(rl->schema_url, "https://opentelemetry.io/schemas/1.26.0");
    cr_assert_eq(rl->resource->n_attributes, 1);
    cr_assert_str_eq(rl->resource->attributes[0]->key, "service.name");
    cr_assert_str_eq(rl->resource->attributes[0]->value->string_value, "svc");
    cr_assert_eq(rl->n_scope_logs, 2);
    cr_assert_str_eq(rl->scope_logs[0]->scope->name, "a");
    cr_assert_str_eq(rl->scope_logs[0]->scope->version, "1");
    cr_assert_eq(rl->scope_logs[0]->n_log_records, 2, "records one and four share resource and scope");
    Opentelemetry__Proto__Logs__V1__LogRecord *lr = rl->scope_logs[0]->log_records[0];
    cr_assert_eq(lr->time_unix_nano, 11);
    cr_assert_eq(lr->observed_time_unix_nano, 12);
    cr_assert_eq(lr->severity_number, OTEL_SEVERITY_WARN);
    cr_assert_str_eq(lr->severity_text, "WARN");
    cr_assert_str_eq(lr->body->string_value, "one");
    cr_assert_eq(lr->n_attributes, 3);
    cr_assert_eq(lr->attributes[0]->value->value_case, OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_BOOL_VALUE);
    cr_assert(lr->attributes[0]->value->bool_value);
    cr_assert_float_eq(lr->attributes[1]->value->double_value, 0.5, 0);
    cr_assert_eq(lr->attributes[2]->value->array_value->n_values, 3);
    cr_assert_eq(lr->attributes[2]->value->array_value->values[1]->int_value, -2);
    cr_assert_eq(lr->dropped_attributes_count, 2);
    cr_assert_eq(lr->flags, 1);
    cr_assert_eq(lr->trace_id.len, 16);
    cr_assert_eq(lr->trace_id.data[15], 0x42);
    cr_assert_eq(lr->span_id.len, 8);
    cr_assert_str_eq(rl->scope_logs[0]->log_records[1]->body->string_value, "four");
    cr_assert_eq(rl->scope_logs[1]->log_records[0]->trace_id.len, 0, "no span: no ids");
    cr_assert_str_eq(rl->scope_logs[1]->log_records[0]->event_name, "app.started");
    cr_assert_eq(req->resource_logs[1]->n_scope_logs, 1);
    cr_assert_str_eq(req->resource_logs[1]->scope_logs[0]->log_records[0]->body->string_value, "three");
    opentelemetry__proto__collector__logs__v1__export_logs_service_request__free_unpacked(req, NULL);
    otel_resource_destroy(r1);
    otel_resource_destroy(r2);
}

Test(otlp_encode, spans_round_trip_with_events_links_status_and_flags)
{
    otel_resource_t *res = otel_resource_create(NULL, 0, NULL);
    otel_scope_t scope = {.name = OTEL_STR("t")};
    otlp_fx_spans_t fx;
    otlp_fx_spans_init(&fx, res, &scope);
    otel_span_data_t root = fx.client;
    memset(root.parent_span_id.bytes, 0, 8);
    root.status_code = OTEL_STATUS_CODE_UNSET;
    const otel_span_data_t *ptrs[2] = {&fx.server, &root};
    cr_assert_eq(otel_otlp__encode_spans(&arena, ptrs, 2, &buf), OTEL_OK);
    Opentelemetry__Proto__Collector__Trace__V1__ExportTraceServiceRequest *req =
        opentelemetry__proto__collector__trace__v1__export_trace_service_request__unpack(NULL, buf.len, buf.data);
    cr_assert_not_null(req);
    Opentelemetry__Proto__Trace__V1__Span *sp = req->resource_spans[0]->scope_spans[0]->spans[0];
    cr_assert_arr_eq(sp->trace_id.data, fx.server.trace_id.bytes, 16);
    cr_assert_arr_eq(sp->span_id.data, fx.server.span_id.bytes, 8);
    cr_assert_eq(sp->parent_span_id.len, 8);
    cr_assert_arr_eq(sp->parent_span_id.data, fx.server.parent_span_id.bytes, 8);
    cr_assert_eq(sp->flags, 0x301, "sampled + parent is_remote known + remote");
    cr_assert_str_eq(sp->trace_state, "congo=t61rcWkgMzE");
    cr_assert_str_eq(sp->name, "GET /api/v1/slow");
    cr_assert_eq(sp->kind, 2);
    cr_assert_eq(sp->start_time_unix_nano, OTLP_FX_T0 + 1000);
    cr_assert_eq(sp->end_time_unix_nano, OTLP_FX_T0 + 2000);
    cr_assert_eq(sp->n_attributes, 8);
    cr_assert_str_eq(sp->attributes[2]->key, "http.response.status_code");
    cr_assert_eq(sp->attributes[2]->value->int_value, 503);
    cr_assert_eq(sp->attributes[7]->value->array_value->n_values, 2);
    cr_assert_float_eq(sp->attributes[7]->value->array_value->values[1]->double_value, -1.25, 0);
    cr_assert_eq(sp->dropped_attributes_count, 3);
    cr_assert_eq(sp->dropped_events_count, 4);
    cr_assert_eq(sp->dropped_links_count, 5);
    cr_assert_eq(sp->n_events, 1);
    cr_assert_str_eq(sp->events[0]->name, "exception");
    cr_assert_eq(sp->events[0]->time_unix_nano, OTLP_FX_T0 + 1500);
    cr_assert_eq(sp->events[0]->dropped_attributes_count, 1);
    cr_assert_str_eq(sp->events[0]->attributes[0]->value->string_value, "TimeoutError");
    cr_assert_eq(sp->links[0]->trace_id.data[0], 0xA0);
    cr_assert_eq(sp->links[0]->flags, 0x301);
    cr_assert_str_eq(sp->links[0]->trace_state, "vendor=1");
    cr_assert_eq(sp->links[0]->dropped_attributes_count, 2);
    cr_assert_eq(sp->status->code, 2);
    cr_assert_str_eq(sp->status->message, "upstream unavailable");
    Opentelemetry__Proto__Trace__V1__Span *r = req->resource_spans[0]->scope_spans[0]->spans[1];
    cr_assert_eq(r->parent_span_id.len, 0, "root span: no parent id");
    cr_assert_eq(r->flags, 0x101);
    cr_assert_null(r->status);
    opentelemetry__proto__collector__trace__v1__export_trace_service_request__free_unpacked(req, NULL);
    otel_resource_destroy(res);
}

Test(otlp_encode, metrics_round_trip_sum_gauge_histogram_exponential_and_exemplars)
{
    otel_exemplar_t ex = {.time_ns = 9, .value = {.type = OTEL_NUMBER_DOUBLE, .as_double = 0.25}};
    memset(ex.trace_id.bytes, 5, 16);
    memset(ex.span_id.bytes, 6, 8);
    double bounds[2] = {0.1, 1};
    uint64_t counts[3] = {1, 2, 0};
    uint64_t pos[2] = {4, 5};
    otel_attribute_t pa[1] = {OTEL_ATTR_STR("http.route", "/")};
    otel_metric_point_t sum_pt = {.attributes = pa,
                                  .attribute_count = 1,
                                  .start_time_ns = 1,
                                  .time_ns = 2,
                                  .value = {.type = OTEL_NUMBER_INT64, .as_int = 42},
                                  .exemplars = &ex,
                                  .exemplar_count = 1};
    otel_metric_point_t gauge_pt = {.time_ns = 3, .value = {.type = OTEL_NUMBER_DOUBLE, .as_double = -1.5}};
    otel_metric_point_t hist_pt = {.start_time_ns = 1, .time_ns = 2};
    hist_pt.histogram = (otel_histogram_data_t){.count = 3,
                                                .sum = 1.3,
                                                .has_min_max = true,
                                                .min = 0.05,
                                                .max = 0.9,
                                                .bounds = bounds,
                                                .bound_count = 2,
                                                .bucket_counts = counts,
                                                .bucket_count = 3};
    otel_metric_point_t exp_pt = {.time_ns = 2};
    exp_pt.exp_histogram = (otel_exp_histogram_data_t){
        .count = 9, .sum = 20, .scale = 3, .zero_count = 1, .positive = {.offset = -2, .counts = pos, .count = 2}};
    otel_metric_data_t metrics[4] = {
        {.name = OTEL_STR("requests"),
         .unit = OTEL_STR("1"),
         .type = OTEL_METRIC_SUM,
         .temporality = OTEL_TEMPORALITY_CUMULATIVE,
         .is_monotonic = true,
         .points = &sum_pt,
         .point_count = 1},
        {.name = OTEL_STR("temp"), .type = OTEL_METRIC_GAUGE, .points = &gauge_pt, .point_count = 1},
        {.name = OTEL_STR("latency"),
         .unit = OTEL_STR("s"),
         .type = OTEL_METRIC_HISTOGRAM,
         .temporality = OTEL_TEMPORALITY_DELTA,
         .points = &hist_pt,
         .point_count = 1},
        {.name = OTEL_STR("size"),
         .type = OTEL_METRIC_EXPONENTIAL_HISTOGRAM,
         .temporality = OTEL_TEMPORALITY_CUMULATIVE,
         .points = &exp_pt,
         .point_count = 1},
    };
    otel_scope_metrics_t scope = {.scope_name = OTEL_STR("m"), .metrics = metrics, .metric_count = 4};
    otel_metrics_data_t data = {.resource = NULL, .scopes = &scope, .scope_count = 1};
    size_t points = 0;
    cr_assert_eq(otel_otlp__encode_metrics(&arena, &data, &buf, &points), OTEL_OK);
    cr_assert_eq(points, 4);
    Opentelemetry__Proto__Collector__Metrics__V1__ExportMetricsServiceRequest *req =
        opentelemetry__proto__collector__metrics__v1__export_metrics_service_request__unpack(NULL, buf.len, buf.data);
    cr_assert_not_null(req);
    Opentelemetry__Proto__Metrics__V1__ScopeMetrics *sm = req->resource_metrics[0]->scope_metrics[0];
    cr_assert_str_eq(sm->scope->name, "m");
    cr_assert_eq(sm->n_metrics, 4);
    Opentelemetry__Proto__Metrics__V1__Sum *sum = sm->metrics[0]->sum;
    cr_assert_eq(sum->aggregation_temporality, 2);
    cr_assert(sum->is_monotonic);
    cr_assert_eq(sum->data_points[0]->as_int, 42);
    cr_assert_str_eq(sum->data_points[0]->attributes[0]->key, "http.route");
    cr_assert_float_eq(sum->data_points[0]->exemplars[0]->as_double, 0.25, 0);
    cr_assert_eq(sum->data_points[0]->exemplars[0]->trace_id.data[0], 5);
    cr_assert_eq(sum->data_points[0]->exemplars[0]->span_id.data[0], 6);
    cr_assert_float_eq(sm->metrics[1]->gauge->data_points[0]->as_double, -1.5, 0);
    Opentelemetry__Proto__Metrics__V1__HistogramDataPoint *h = sm->metrics[2]->histogram->data_points[0];
    cr_assert_eq(sm->metrics[2]->histogram->aggregation_temporality, 1);
    cr_assert_eq(h->count, 3);
    cr_assert_float_eq(h->sum, 1.3, 0);
    cr_assert_eq(h->min_present_case, OPENTELEMETRY__PROTO__METRICS__V1__HISTOGRAM_DATA_POINT__MIN_PRESENT_MIN);
    cr_assert_float_eq(h->min, 0.05, 0);
    cr_assert_float_eq(h->max, 0.9, 0);
    cr_assert_eq(h->n_bucket_counts, 3);
    cr_assert_eq(h->bucket_counts[1], 2);
    cr_assert_float_eq(h->explicit_bounds[1], 1, 0);
    Opentelemetry__Proto__Metrics__V1__ExponentialHistogramDataPoint *e =
        sm->metrics[3]->exponential_histogram->data_points[0];
    cr_assert_eq(e->scale, 3);
    cr_assert_eq(e->zero_count, 1);
    cr_assert_eq(e->positive->offset, -2);
    cr_assert_eq(e->positive->bucket_counts[1], 5);
    cr_assert_eq(e->max_present_case,
                 OPENTELEMETRY__PROTO__METRICS__V1__EXPONENTIAL_HISTOGRAM_DATA_POINT__MAX_PRESENT__NOT_SET);
    opentelemetry__proto__collector__metrics__v1__export_metrics_service_request__free_unpacked(req, NULL);
}

Test(otlp_encode, invalid_utf8_is_replaced_so_the_collector_accepts_the_request)
{
    char *s = otel_otlp__str(&arena, (otel_str_t){"a\xFF"
                                                  "b\xC3",
                                                  4});
    cr_assert_str_eq(s, "a\xEF\xBF\xBD"
                        "b\xEF\xBF\xBD");
    cr_assert_str_eq(otel_otlp__str(&arena, OTEL_STR("\xE2\x82\xAC ok")), "\xE2\x82\xAC ok");
    cr_assert_str_eq(otel_otlp__str(&arena, (otel_str_t){"\xED\xA0\x80", 3}), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD",
                     "a UTF-16 surrogate is not UTF-8");
}

Test(otlp_encode, the_arena_is_reused_across_exports)
{
    otel_resource_t *res = otel_resource_create(NULL, 0, NULL);
    otel_scope_t scope = {.name = OTEL_STR("a")};
    otel_log_record_data_t rec = log_record(res, &scope, "x");
    const otel_log_record_data_t *ptr = &rec;
    cr_assert_eq(otel_otlp__encode_logs(&arena, &ptr, 1, &buf), OTEL_OK);
    void *first_chunk = arena.head;
    size_t len = buf.len;
    for (int i = 0; i < 100; i++)
        cr_assert_eq(otel_otlp__encode_logs(&arena, &ptr, 1, &buf), OTEL_OK);
    cr_assert_eq(arena.head, first_chunk);
    cr_assert_null(((void **)arena.head)[0], "still one chunk: reset reuses it");
    cr_assert_eq(buf.len, len);
    otel_resource_destroy(res);
}
