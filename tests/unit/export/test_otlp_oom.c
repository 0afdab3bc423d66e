/* SPDX-License-Identifier: Apache-2.0 */
/* OTLP export under memory exhaustion: every allocation of an encode or export fails in turn; the batch is dropped
 * and counted, nothing leaks or crashes, and the next batch goes out whole. */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include "alloc_fail.h"
#include "export/otlp_encode_internal.h"
#include "otel/otel.h"
#include "otlp_fixtures.h"
#include "otlp_test_server.c"

/* ---- batches big enough to grow every buffer: the output several times, arena chunks, grouping arrays ---- */

enum { SPANS = 40, RECORDS = 40 };

typedef struct span_batch {
    otel_resource_t *res[2];
    otel_scope_t scope[2];
    otlp_fx_spans_t fx;
    otel_attribute_t big; /* 3000 bytes, one bad byte: the string slow path and a longer-than-reserved length */
    char text[3000];
    otel_span_data_t spans[SPANS];
    const otel_span_data_t *ptrs[SPANS];
} span_batch_t;

static void span_batch_init(span_batch_t *b)
{
    otel_attribute_t ra = OTEL_ATTR_STR("service.name", "oom");
    b->res[0] = otel_resource_create(&ra, 1, "https://opentelemetry.io/schemas/1.26.0");
    b->res[1] = otel_resource_create(NULL, 0, NULL);
    b->scope[0] = (otel_scope_t){.name = OTEL_STR("a"), .version = OTEL_STR("1")};
    b->scope[1] = (otel_scope_t){.name = OTEL_STR("b")};
    otlp_fx_spans_init(&b->fx, b->res[0], &b->scope[0]);
    memset(b->text, 'x', sizeof(b->text));
    b->text[7] = '\xFF';
    b->big = (otel_attribute_t)OTEL_ATTR_STRN("blob", b->text, sizeof(b->text));
    for (int i = 0; i < SPANS; i++) {
        b->spans[i] = i % 2 ? b->fx.client : b->fx.server;
        b->spans[i].resource = b->res[i % 3 == 0];
        b->spans[i].scope = &b->scope[i % 5 == 0];
        if (i % 8 == 0) {
            b->spans[i].attributes = &b->big;
            b->spans[i].attribute_count = 1;
        }
        b->ptrs[i] = &b->spans[i];
    }
}

static void span_batch_dispose(span_batch_t *b)
{
    otel_resource_destroy(b->res[0]);
    otel_resource_destroy(b->res[1]);
}

typedef struct log_batch {
    otel_resource_t *res[2];
    otel_scope_t scope[2];
    otlp_fx_spans_t fx; /* its attributes serve as record attributes and map bodies */
    char text[3000];
    otel_log_record_data_t recs[RECORDS];
    const otel_log_record_data_t *ptrs[RECORDS];
} log_batch_t;

static void log_batch_init(log_batch_t *b)
{
    otel_attribute_t ra = OTEL_ATTR_STR("service.name", "oom");
    b->res[0] = otel_resource_create(&ra, 1, NULL);
    b->res[1] = otel_resource_create(NULL, 0, NULL);
    b->scope[0] = (otel_scope_t){.name = OTEL_STR("a")};
    b->scope[1] = (otel_scope_t){.name = OTEL_STR("b"), .attributes = b->fx.attrs, .attribute_count = 2};
    otlp_fx_spans_init(&b->fx, b->res[0], &b->scope[0]);
    memset(b->text, 'y', sizeof(b->text));
    for (int i = 0; i < RECORDS; i++) {
        b->recs[i] = otlp_fx_log(b->res[i % 3 == 0], &b->scope[i % 5 == 0], otlp_fx_str("served"));
        b->recs[i].attributes = b->fx.attrs;
        b->recs[i].attribute_count = 8;
        b->recs[i].trace_id = b->fx.server.trace_id;
        b->recs[i].span_id = b->fx.server.span_id;
        if (i % 4 == 1) {
            b->recs[i].body_is_map = true;
            b->recs[i].body_map = b->fx.attrs;
            b->recs[i].body_map_count = 8;
        }
        if (i % 8 == 2)
            b->recs[i].body = (otel_value_t){.type = OTEL_VALUE_STRING, .u.string = {b->text, sizeof(b->text)}};
        b->ptrs[i] = &b->recs[i];
    }
}

static void log_batch_dispose(log_batch_t *b)
{
    otel_resource_destroy(b->res[0]);
    otel_resource_destroy(b->res[1]);
}

/* Every metric kind, exemplars with filtered attributes, two scopes, a resource with attributes. */
typedef struct metric_batch {
    otel_resource_t *res;
    otel_attribute_t attrs[2];
    otel_exemplar_t ex;
    double bounds[2];
    uint64_t counts[3], pos[2], neg[1];
    otel_metric_point_t sum_pts[3], gauge_pt, hist_pt, exp_pt;
    otel_metric_data_t metrics[4];
    otel_scope_metrics_t scopes[2];
    otel_metrics_data_t data;
} metric_batch_t;

static void metric_batch_init(metric_batch_t *b)
{
    memset(b, 0, sizeof(*b));
    otel_attribute_t ra = OTEL_ATTR_STR("service.name", "oom");
    b->res = otel_resource_create(&ra, 1, "https://opentelemetry.io/schemas/1.26.0");
    b->attrs[0] = (otel_attribute_t)OTEL_ATTR_STR("http.route", "/api/v1/dummy");
    b->attrs[1] = (otel_attribute_t)OTEL_ATTR_INT("http.response.status_code", 200);
    b->ex = (otel_exemplar_t){.time_ns = 9,
                              .value = {.type = OTEL_NUMBER_DOUBLE, .as_double = 0.25},
                              .filtered_attributes = b->attrs,
                              .filtered_attribute_count = 2};
    otlp_fx_fill(b->ex.trace_id.bytes, 16, 1);
    otlp_fx_fill(b->ex.span_id.bytes, 8, 0x11);
    for (int i = 0; i < 3; i++)
        b->sum_pts[i] = (otel_metric_point_t){.attributes = b->attrs,
                                              .attribute_count = 2,
                                              .start_time_ns = 1,
                                              .time_ns = 2,
                                              .value = {.type = OTEL_NUMBER_INT64, .as_int = 40 + i},
                                              .exemplars = &b->ex,
                                              .exemplar_count = 1};
    b->gauge_pt = (otel_metric_point_t){.time_ns = 3, .value = {.type = OTEL_NUMBER_DOUBLE, .as_double = -1.5}};
    b->bounds[0] = 0.1;
    b->bounds[1] = 1;
    b->counts[0] = 1;
    b->counts[1] = 2;
    b->hist_pt = (otel_metric_point_t){.attributes = b->attrs,
                                       .attribute_count = 1,
                                       .time_ns = 2,
                                       .exemplars = &b->ex,
                                       .exemplar_count = 1};
    b->hist_pt.histogram = (otel_histogram_data_t){.count = 3,
                                                   .sum = 1.3,
                                                   .has_min_max = true,
                                                   .min = 0.05,
                                                   .max = 0.9,
                                                   .bounds = b->bounds,
                                                   .bound_count = 2,
                                                   .bucket_counts = b->counts,
                                                   .bucket_count = 3};
    b->pos[0] = 4;
    b->pos[1] = 5;
    b->neg[0] = 1;
    b->exp_pt = (otel_metric_point_t){.time_ns = 2};
    b->exp_pt.exp_histogram = (otel_exp_histogram_data_t){.count = 10,
                                                          .sum = 20,
                                                          .scale = 3,
                                                          .zero_count = 1,
                                                          .positive = {.offset = -2, .counts = b->pos, .count = 2},
                                                          .negative = {.offset = 1, .counts = b->neg, .count = 1}};
    b->metrics[0] = (otel_metric_data_t){.name = OTEL_STR("requests"),
                                         .description = OTEL_STR("served requests"),
                                         .unit = OTEL_STR("1"),
                                         .type = OTEL_METRIC_SUM,
                                         .temporality = OTEL_TEMPORALITY_CUMULATIVE,
                                         .is_monotonic = true,
                                         .points = b->sum_pts,
                                         .point_count = 3};
    b->metrics[1] = (otel_metric_data_t){
        .name = OTEL_STR("temp"), .type = OTEL_METRIC_GAUGE, .points = &b->gauge_pt, .point_count = 1};
    b->metrics[2] = (otel_metric_data_t){.name = OTEL_STR("latency"),
                                         .unit = OTEL_STR("s"),
                                         .type = OTEL_METRIC_HISTOGRAM,
                                         .temporality = OTEL_TEMPORALITY_DELTA,
                                         .points = &b->hist_pt,
                                         .point_count = 1};
    b->metrics[3] = (otel_metric_data_t){.name = OTEL_STR("size"),
                                         .type = OTEL_METRIC_EXPONENTIAL_HISTOGRAM,
                                         .temporality = OTEL_TEMPORALITY_CUMULATIVE,
                                         .points = &b->exp_pt,
                                         .point_count = 1};
    b->scopes[0] = (otel_scope_metrics_t){.scope_name = OTEL_STR("m"), .metrics = b->metrics, .metric_count = 2};
    b->scopes[1] = (otel_scope_metrics_t){.scope_name = OTEL_STR("n"),
                                          .scope_version = OTEL_STR("2"),
                                          .scope_attributes = b->attrs,
                                          .scope_attribute_count = 1,
                                          .metrics = b->metrics + 2,
                                          .metric_count = 2};
    b->data = (otel_metrics_data_t){.resource = b->res, .scopes = b->scopes, .scope_count = 2};
}

enum { METRIC_POINTS = 6 };

/* ---- encoders: fail the Nth allocation, for every N, on a cold and on a warm arena and buffer ---- */

typedef otel_status_t (*encode_fn)(otel_arena_t *arena, otel_otlp__buffer_t *out, const void *batch);

static otel_status_t encode_spans(otel_arena_t *arena, otel_otlp__buffer_t *out, const void *batch)
{
    return otel_otlp__encode_spans(arena, ((const span_batch_t *)batch)->ptrs, SPANS, out);
}

static otel_status_t encode_logs(otel_arena_t *arena, otel_otlp__buffer_t *out, const void *batch)
{
    return otel_otlp__encode_logs(arena, ((const log_batch_t *)batch)->ptrs, RECORDS, out);
}

static otel_status_t encode_metrics(otel_arena_t *arena, otel_otlp__buffer_t *out, const void *batch)
{
    size_t points = 0;
    otel_status_t st = otel_otlp__encode_metrics(arena, &((const metric_batch_t *)batch)->data, out, &points);
    if (st == OTEL_OK)
        cr_assert_eq(points, METRIC_POINTS);
    return st;
}

/*
 * For N = 1, 2, ...: a fresh (cold) or a used (warm: a one-item batch before) arena and buffer; the Nth
 * allocation fails (with `and_after`, every later one too). Then encoding must report OTEL_ERR_NO_MEMORY, and
 * the same arena and buffer must encode the batch again, byte for byte as without a failure. Ends at the first N
 * the encode does not reach; returns how many allocation positions were failed.
 */
static long fail_every_allocation(encode_fn encode, const void *batch, bool warm, bool and_after,
                                  otel_status_t (*warm_up)(otel_arena_t *, otel_otlp__buffer_t *))
{
    otel_arena_t arena = {0};
    otel_otlp__buffer_t ref = {0};
    cr_assert_eq(encode(&arena, &ref, batch), OTEL_OK);
    otel_arena__dispose(&arena);
    long n;
    for (n = 1;; n++) {
        otel_otlp__buffer_t buf = {0};
        if (warm)
            cr_assert_eq(warm_up(&arena, &buf), OTEL_OK);
        af_arm(n, and_after);
        otel_status_t st = encode(&arena, &buf, batch);
        long failed = af_disarm();
        if (failed == 0) {
            cr_assert_eq(st, OTEL_OK);
        } else {
            cr_assert_eq(st, OTEL_ERR_NO_MEMORY, "allocation %ld failed (%ld failed in all), encode said %s", n,
                         failed, otel_strerror(st));
            cr_assert_eq(encode(&arena, &buf, batch), OTEL_OK, "no recovery after allocation %ld failed", n);
        }
        cr_assert_eq(buf.len, ref.len, "allocation %ld: %zu bytes, want %zu", n, buf.len, ref.len);
        cr_assert(memcmp(buf.data, ref.data, ref.len) == 0, "allocation %ld: the bytes differ", n);
        otel_arena__dispose(&arena);
        otel_otlp__buffer_dispose(&buf);
        if (failed == 0)
            break;
    }
    otel_otlp__buffer_dispose(&ref);
    return n - 1;
}

static span_batch_t spans;
static log_batch_t logs;
static metric_batch_t metrics;

static otel_status_t warm_spans(otel_arena_t *arena, otel_otlp__buffer_t *out)
{
    return otel_otlp__encode_spans(arena, spans.ptrs, 1, out);
}

static otel_status_t warm_logs(otel_arena_t *arena, otel_otlp__buffer_t *out)
{
    return otel_otlp__encode_logs(arena, logs.ptrs, 1, out);
}

static otel_status_t warm_metrics(otel_arena_t *arena, otel_otlp__buffer_t *out)
{
    otel_metrics_data_t one = {.scopes = metrics.scopes, .scope_count = 1};
    size_t points;
    return otel_otlp__encode_metrics(arena, &one, out, &points);
}

static void make_batches(void)
{
    span_batch_init(&spans);
    log_batch_init(&logs);
    metric_batch_init(&metrics);
}

static void free_batches(void)
{
    span_batch_dispose(&spans);
    log_batch_dispose(&logs);
    otel_resource_destroy(metrics.res);
}

TestSuite(otlp_oom, .init = make_batches, .fini = free_batches, .timeout = 120);

static void fail_all_ways(const char *what, encode_fn encode, const void *batch,
                          otel_status_t (*warm_up)(otel_arena_t *, otel_otlp__buffer_t *), long at_least)
{
    for (int mode = 0; mode < 4; mode++) {
        bool warm = mode & 1, and_after = mode & 2;
        long positions = fail_every_allocation(encode, batch, warm, and_after, warm_up);
        cr_log_info("%s, %s arena and buffer, %s: %ld allocations failed in turn", what, warm ? "warm" : "cold",
                    and_after ? "the Nth and every later allocation failing" : "only the Nth failing", positions);
        cr_assert_geq(positions, warm ? 1 : at_least, "%s: only %ld allocations: the batch is too small to test", what,
                      positions);
    }
}

Test(otlp_oom, a_span_batch_fails_cleanly_at_every_allocation)
{
    fail_all_ways("spans", encode_spans, &spans, warm_spans, 4);
    cr_assert_eq(af_leaks(), 0, "LeakSanitizer found a leak (report above)");
}

Test(otlp_oom, a_log_batch_fails_cleanly_at_every_allocation)
{
    fail_all_ways("logs", encode_logs, &logs, warm_logs, 4);
    cr_assert_eq(af_leaks(), 0, "LeakSanitizer found a leak (report above)");
}

Test(otlp_oom, a_metrics_collection_fails_cleanly_at_every_allocation)
{
    fail_all_ways("metrics", encode_metrics, &metrics, warm_metrics, 4);
    cr_assert_eq(af_leaks(), 0, "LeakSanitizer found a leak (report above)");
}

/*
 * The writer's own error paths: the output buffer starts at every capacity from 1 byte to the request's size and
 * its first growth fails, so the failure lands in every write of the request in turn (a tag, a varint, a string's
 * slow path, a nested message's begin or moved body). The writer must report it, and write nothing after it
 * even though later growths succeed.
 */
static void fail_growth_at_every_byte(otel_status_t (*encode)(otel_arena_t *, otel_otlp__buffer_t *, size_t),
                                      size_t items)
{
    otel_arena_t arena = {0};
    otel_otlp__buffer_t ref = {0};
    cr_assert_eq(encode(&arena, &ref, items), OTEL_OK);
    for (size_t cap = 1; cap < ref.len; cap++) {
        otel_otlp__buffer_t buf = {.data = malloc(cap), .cap = cap};
        af_arm(1, false);
        otel_status_t st = encode(&arena, &buf, items);
        cr_assert_eq(af_disarm(), 1);
        cr_assert_eq(st, OTEL_ERR_NO_MEMORY, "growth from %zu bytes failed, encode said %s", cap, otel_strerror(st));
        cr_assert_eq(encode(&arena, &buf, items), OTEL_OK);
        cr_assert_eq(buf.len, ref.len);
        cr_assert(memcmp(buf.data, ref.data, ref.len) == 0, "growth from %zu bytes: the bytes differ", cap);
        otel_otlp__buffer_dispose(&buf);
    }
    cr_log_info("a failed growth at each of %zu bytes", ref.len - 1);
    otel_arena__dispose(&arena);
    otel_otlp__buffer_dispose(&ref);
}

static otel_status_t first_spans(otel_arena_t *arena, otel_otlp__buffer_t *out, size_t n)
{
    return otel_otlp__encode_spans(arena, spans.ptrs, n, out);
}

static otel_status_t first_logs(otel_arena_t *arena, otel_otlp__buffer_t *out, size_t n)
{
    return otel_otlp__encode_logs(arena, logs.ptrs, n, out);
}

Test(otlp_oom, a_failed_growth_at_every_byte_of_a_span_request)
{
    fail_growth_at_every_byte(first_spans, 6); /* both resources and scopes, the 3000-byte attribute: ~6 KB */
    cr_assert_eq(af_leaks(), 0, "LeakSanitizer found a leak (report above)");
}

Test(otlp_oom, a_failed_growth_at_every_byte_of_a_log_request)
{
    fail_growth_at_every_byte(first_logs, 6);
    cr_assert_eq(af_leaks(), 0, "LeakSanitizer found a leak (report above)");
}

/*
 * The metrics encoder's error paths: its message tree lives in an arena whose chunks fill up at a point set by the
 * data. A resource attribute of 0..4 KB in steps of 8 bytes moves that point through every allocation of the
 * tree; at each, every allocation fails in turn.
 */
Test(otlp_oom, a_failed_arena_chunk_at_every_allocation_of_a_metrics_request)
{
    static char pad[4096];
    memset(pad, 'p', sizeof(pad));
    long positions = 0;
    for (size_t len = 0; len <= sizeof(pad); len += 8) {
        otel_attribute_t ra = OTEL_ATTR_STRN("padding", pad, len);
        otel_resource_t *res = otel_resource_create(&ra, 1, NULL);
        const otel_resource_t *saved = metrics.data.resource;
        metrics.data.resource = res;
        positions += fail_every_allocation(encode_metrics, &metrics, false, false, NULL);
        metrics.data.resource = saved;
        otel_resource_destroy(res);
    }
    cr_log_info("metrics: %ld allocations failed in turn over 513 paddings", positions);
    cr_assert_eq(af_leaks(), 0, "LeakSanitizer found a leak (report above)");
}

/* ---- exporters: the batch is dropped and counted, the server gets nothing, the next batch goes out ---- */

static otel_otlp_options_t options_for(const ts_server_t *s)
{
    otel_otlp_options_t o;
    otel_otlp_options_init(&o);
    snprintf(o.endpoint, sizeof(o.endpoint), "127.0.0.1:%d", ts_port(s));
    o.insecure = true;
    o.timeout_ms = 5000;
    return o;
}

static otel_otlp_stats_t stats_of(otel_otlp_signal_t signal)
{
    otel_otlp_stats_t st;
    otel_otlp_get_stats(signal, &st);
    return st;
}

/* A fresh exporter per N (so its arena and buffer are cold and every allocation of an export happens again). */
typedef struct exporter_ops {
    otel_otlp_signal_t signal;
    size_t items; /* per export */
    void (*create)(const otel_otlp_options_t *o, void **exp);
    otel_status_t (*export)(void *exp);
    void (*destroy)(void *exp);
    size_t (*decoded_items)(const ts_request_t *r); /* items in a request, decoded with protobuf-c */
} exporter_ops_t;

static void create_spans(const otel_otlp_options_t *o, void **out)
{
    otel_span_exporter_t *e = malloc(sizeof(*e));
    char err[256] = "";
    cr_assert_eq(otel_otlp_span_exporter_create(o, e, err, sizeof(err)), OTEL_OK, "%s", err);
    *out = e;
}
static otel_status_t export_spans(void *exp)
{
    otel_span_exporter_t *e = exp;
    return e->export_spans(e->self, spans.ptrs, SPANS);
}
static void destroy_spans(void *exp)
{
    otel_span_exporter_t *e = exp;
    e->shutdown(e->self, 1000);
    e->destroy(e->self);
    free(e);
}
static size_t decoded_spans(const ts_request_t *r)
{
    Opentelemetry__Proto__Collector__Trace__V1__ExportTraceServiceRequest *req =
        opentelemetry__proto__collector__trace__v1__export_trace_service_request__unpack(NULL, r->len, r->body);
    cr_assert_not_null(req);
    size_t n = 0;
    for (size_t i = 0; i < req->n_resource_spans; i++)
        for (size_t j = 0; j < req->resource_spans[i]->n_scope_spans; j++)
            n += req->resource_spans[i]->scope_spans[j]->n_spans;
    opentelemetry__proto__collector__trace__v1__export_trace_service_request__free_unpacked(req, NULL);
    return n;
}

static void create_logs(const otel_otlp_options_t *o, void **out)
{
    otel_log_record_exporter_t *e = malloc(sizeof(*e));
    char err[256] = "";
    cr_assert_eq(otel_otlp_log_record_exporter_create(o, e, err, sizeof(err)), OTEL_OK, "%s", err);
    *out = e;
}
static otel_status_t export_logs(void *exp)
{
    otel_log_record_exporter_t *e = exp;
    return e->export_logs(e->self, logs.ptrs, RECORDS);
}
static void destroy_logs(void *exp)
{
    otel_log_record_exporter_t *e = exp;
    e->shutdown(e->self, 1000);
    e->destroy(e->self);
    free(e);
}
static size_t decoded_logs(const ts_request_t *r)
{
    Opentelemetry__Proto__Collector__Logs__V1__ExportLogsServiceRequest *req =
        opentelemetry__proto__collector__logs__v1__export_logs_service_request__unpack(NULL, r->len, r->body);
    cr_assert_not_null(req);
    size_t n = 0;
    for (size_t i = 0; i < req->n_resource_logs; i++)
        for (size_t j = 0; j < req->resource_logs[i]->n_scope_logs; j++)
            n += req->resource_logs[i]->scope_logs[j]->n_log_records;
    opentelemetry__proto__collector__logs__v1__export_logs_service_request__free_unpacked(req, NULL);
    return n;
}

static void create_metrics(const otel_otlp_options_t *o, void **out)
{
    otel_metric_exporter_t *e = malloc(sizeof(*e));
    char err[256] = "";
    cr_assert_eq(otel_otlp_metric_exporter_create(o, e, err, sizeof(err)), OTEL_OK, "%s", err);
    *out = e;
}
static otel_status_t export_metrics(void *exp)
{
    otel_metric_exporter_t *e = exp;
    return e->export_metrics(e->user, &metrics.data, 5000);
}
static void destroy_metrics(void *exp)
{
    otel_metric_exporter_t *e = exp;
    e->shutdown(e->user, 1000);
    e->destroy(e->user);
    free(e);
}
static size_t decoded_points(const ts_request_t *r)
{
    Opentelemetry__Proto__Collector__Metrics__V1__ExportMetricsServiceRequest *req =
        opentelemetry__proto__collector__metrics__v1__export_metrics_service_request__unpack(NULL, r->len, r->body);
    cr_assert_not_null(req);
    size_t n = 0;
    for (size_t i = 0; i < req->n_resource_metrics; i++)
        for (size_t j = 0; j < req->resource_metrics[i]->n_scope_metrics; j++)
            for (size_t k = 0; k < req->resource_metrics[i]->scope_metrics[j]->n_metrics; k++) {
                Opentelemetry__Proto__Metrics__V1__Metric *m = req->resource_metrics[i]->scope_metrics[j]->metrics[k];
                n += m->sum != NULL       ? m->sum->n_data_points
                     : m->gauge != NULL   ? m->gauge->n_data_points
                     : m->histogram != NULL ? m->histogram->n_data_points
                                            : m->exponential_histogram->n_data_points;
            }
    opentelemetry__proto__collector__metrics__v1__export_metrics_service_request__free_unpacked(req, NULL);
    return n;
}

static void export_under_oom(const exporter_ops_t *ops)
{
    ts_server_t *s = ts_start(0);
    cr_assert_not_null(s);
    otel_otlp_options_t o = options_for(s);
    long n;
    for (n = 1;; n++) {
        void *exp;
        ops->create(&o, &exp);
        otel_otlp_stats_t before = stats_of(ops->signal);
        size_t requests = ts_request_count(s);
        af_arm(n, false);
        otel_status_t st = ops->export(exp);
        long failed = af_disarm();
        otel_otlp_stats_t after = stats_of(ops->signal);
        if (failed > 0) {
            cr_assert_neq(st, OTEL_OK, "allocation %ld failed, yet the export reported success", n);
            cr_assert_eq(after.items_failed - before.items_failed, ops->items,
                         "allocation %ld failed: %zu items dropped, %" PRIu64 " counted as failed", n, ops->items,
                         after.items_failed - before.items_failed);
            cr_assert_eq(after.items_exported, before.items_exported);
            cr_assert_eq(ts_request_count(s), requests, "nothing is sent for a batch that failed to encode");
            /* The next batch, on the same exporter, goes out whole. */
            cr_assert_eq(ops->export(exp), OTEL_OK, "no export after allocation %ld failed", n);
        } else {
            cr_assert_eq(st, OTEL_OK);
        }
        otel_otlp_stats_t next = stats_of(ops->signal);
        cr_assert_eq(next.items_exported - after.items_exported, failed > 0 ? ops->items : 0);
        cr_assert(ts_wait_requests(s, requests + 1, 5000));
        ts_request_t r = ts_request(s, ts_request_count(s) - 1);
        cr_assert_eq(ops->decoded_items(&r), ops->items);
        ops->destroy(exp);
        if (failed == 0)
            break;
    }
    cr_log_info("signal %d: an export with each of its %ld allocations failing in turn", (int)ops->signal, n - 1);
    cr_assert_geq(n - 1, 3);
    ts_stop(s);
}

Test(otlp_oom, the_span_exporter_drops_and_counts_a_batch_it_cannot_encode)
{
    exporter_ops_t ops = {OTEL_OTLP_TRACES, SPANS, create_spans, export_spans, destroy_spans, decoded_spans};
    export_under_oom(&ops);
    cr_assert_eq(af_leaks(), 0, "LeakSanitizer found a leak (report above)");
}

Test(otlp_oom, the_log_exporter_drops_and_counts_a_batch_it_cannot_encode)
{
    exporter_ops_t ops = {OTEL_OTLP_LOGS, RECORDS, create_logs, export_logs, destroy_logs, decoded_logs};
    export_under_oom(&ops);
    cr_assert_eq(af_leaks(), 0, "LeakSanitizer found a leak (report above)");
}

Test(otlp_oom, the_metric_exporter_drops_and_counts_a_collection_it_cannot_encode)
{
    exporter_ops_t ops = {OTEL_OTLP_METRICS, METRIC_POINTS, create_metrics, export_metrics, destroy_metrics,
                          decoded_points};
    export_under_oom(&ops);
    cr_assert_eq(af_leaks(), 0, "LeakSanitizer found a leak (report above)");
}

/* ---- processors: the export thread's encode fails; the processor counts the batch, the next one is exported ---- */

static void end_spans(otel_tracer_t *tracer, int n)
{
    otel_attribute_t attrs[2] = {OTEL_ATTR_STR("http.route", "/api/v1/dummy"), OTEL_ATTR_INT("status", 200)};
    otel_span_start_options_t so = {.kind = OTEL_SPAN_KIND_SERVER, .attributes = attrs, .attribute_count = 2};
    for (int i = 0; i < n; i++)
        otel_span_end(otel_tracer_start_span(tracer, OTEL_STR("GET /api/v1/dummy"), &so), 0);
}

Test(otlp_oom, the_batch_span_processor_counts_a_batch_lost_to_oom_and_exports_the_next)
{
    ts_server_t *s = ts_start(0);
    otel_otlp_options_t o = options_for(s);
    otel_span_exporter_t exp;
    char err[256] = "";
    cr_assert_eq(otel_otlp_span_exporter_create(&o, &exp, err, sizeof(err)), OTEL_OK, "%s", err);
    otel_batch_span_processor_options_t bo;
    otel_batch_span_processor_options_init(&bo);
    bo.schedule_delay_ms = 60000; /* exports happen at our flushes only */
    otel_tracer_provider_options_t po;
    otel_tracer_provider_options_init(&po);
    cr_assert_eq(otel_batch_span_processor_create(&bo, exp, &po.processors[0]), OTEL_OK);
    po.processor_count = 1;
    otel_tracer_provider_t *p;
    cr_assert_eq(otel_tracer_provider_create(&po, &p), OTEL_OK);
    otel_scope_t scope = {.name = OTEL_STR("oom")};
    otel_tracer_t *tracer = otel_tracer_provider_get_tracer(p, &scope);
    otel_otlp_stats_t before = stats_of(OTEL_OTLP_TRACES);

    end_spans(tracer, 10);
    af_arm_any_thread(1, true); /* the export thread's first allocation and all later ones fail */
    otel_tracer_provider_force_flush(p, 5000);
    cr_assert_gt(af_disarm(), 0, "the export allocated nothing: the test did not test");
    otel_trace_stats_t st;
    otel_tracer_provider_get_stats(p, &st);
    cr_assert_eq(st.spans_failed, 10);
    cr_assert_eq(st.spans_exported, 0);
    cr_assert_eq(stats_of(OTEL_OTLP_TRACES).items_failed - before.items_failed, 10, "otel.sdk.exporter.* counts it");
    cr_assert_eq(ts_request_count(s), 0);

    end_spans(tracer, 7);
    otel_tracer_provider_force_flush(p, 5000);
    otel_tracer_provider_get_stats(p, &st);
    cr_assert_eq(st.spans_exported, 7);
    cr_assert_eq(st.spans_failed, 10);
    cr_assert(ts_wait_requests(s, 1, 5000));
    ts_request_t r = ts_request(s, 0);
    cr_assert_eq(decoded_spans(&r), 7);
    otel_tracer_provider_destroy(p);
    ts_stop(s);
    cr_assert_eq(af_leaks(), 0, "LeakSanitizer found a leak (report above)");
}

static void emit_records(otel_logger_t *logger, int n)
{
    otel_attribute_t attrs[2] = {OTEL_ATTR_STR("http.route", "/api/v1/dummy"), OTEL_ATTR_INT("status", 200)};
    otel_log_record_t rec = {.severity_number = OTEL_SEVERITY_INFO,
                             .body = otlp_fx_str("served"),
                             .attributes = attrs,
                             .attribute_count = 2};
    for (int i = 0; i < n; i++)
        cr_assert_eq(otel_logger_emit(logger, &rec), OTEL_OK);
}

Test(otlp_oom, the_batch_log_processor_counts_records_lost_to_oom_and_exports_the_next)
{
    ts_server_t *s = ts_start(0);
    otel_otlp_options_t o = options_for(s);
    otel_log_record_exporter_t exp;
    char err[256] = "";
    cr_assert_eq(otel_otlp_log_record_exporter_create(&o, &exp, err, sizeof(err)), OTEL_OK, "%s", err);
    otel_batch_log_record_processor_options_t bo;
    otel_batch_log_record_processor_options_init(&bo);
    bo.schedule_delay_ms = 60000;
    otel_log_record_processor_t *proc;
    otel_logger_provider_t *p;
    cr_assert_eq(otel_batch_log_record_processor_create(&bo, exp, &proc), OTEL_OK);
    cr_assert_eq(otel_logger_provider_create(NULL, NULL, proc, &p), OTEL_OK);
    otel_scope_t scope = {.name = OTEL_STR("oom")};
    otel_logger_t *logger = otel_logger_provider_get_logger(p, &scope);
    otel_otlp_stats_t before = stats_of(OTEL_OTLP_LOGS);

    emit_records(logger, 10);
    af_arm_any_thread(1, true);
    otel_logger_provider_force_flush(p, 5000);
    cr_assert_gt(af_disarm(), 0, "the export allocated nothing: the test did not test");
    otel_log_record_processor_stats_t st;
    otel_logger_provider_get_stats(p, &st);
    cr_assert_eq(st.records_failed, 10);
    cr_assert_eq(st.records_exported, 0);
    cr_assert_eq(stats_of(OTEL_OTLP_LOGS).items_failed - before.items_failed, 10, "otel.sdk.exporter.* counts it");
    cr_assert_eq(ts_request_count(s), 0);

    /* Emitting under OOM: a record too big for a pool block needs a malloc; it is dropped and counted. */
    static char text[8192];
    memset(text, 'z', sizeof(text));
    otel_log_record_t big = {.body = {.type = OTEL_VALUE_STRING, .u.string = {text, sizeof(text)}}};
    af_arm(1, true);
    otel_status_t emitted = otel_logger_emit(logger, &big);
    cr_assert_gt(af_disarm(), 0);
    cr_assert_eq(emitted, OTEL_ERR_NO_MEMORY);
    otel_logger_provider_get_stats(p, &st);
    cr_assert_eq(st.records_dropped, 1);

    emit_records(logger, 7);
    otel_logger_provider_force_flush(p, 5000);
    otel_logger_provider_get_stats(p, &st);
    cr_assert_eq(st.records_exported, 7);
    cr_assert_eq(st.records_failed, 10);
    cr_assert(ts_wait_requests(s, 1, 5000));
    ts_request_t r = ts_request(s, 0);
    cr_assert_eq(decoded_logs(&r), 7);
    otel_logger_provider_destroy(p);
    ts_stop(s);
    cr_assert_eq(af_leaks(), 0, "LeakSanitizer found a leak (report above)");
}
