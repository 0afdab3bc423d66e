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
/* The test server allocates with the real allocator: its thread must not take failures meant for otelc. */
#define malloc __real_malloc
#define calloc __real_calloc
#include "otlp_test_server.c"
#undef malloc
#undef calloc

/* ---- batches big enough to grow every buffer: the output several times, arena chunks, grouping arrays ---- */

enum { SPANS = 40, RECORDS = 40 };

/* Spans and log records over two resources and two scopes, sharing the fixtures' attributes. */
typedef struct item_batches {
    otel_resource_t *res[2];
    otel_scope_t scope[2];
    otlp_fx_spans_t fx;
    char text[3000];      /* one bad byte: the string slow path, and lengths longer than reserved */
    otel_attribute_t big; /* an attribute of `text` */
    otel_span_data_t spans[SPANS];
    const otel_span_data_t *span_ptrs[SPANS];
    otel_log_record_data_t recs[RECORDS];
    const otel_log_record_data_t *rec_ptrs[RECORDS];
} item_batches_t;

static void item_batches_init(item_batches_t *b)
{
    otel_attribute_t ra = OTEL_ATTR_STR("service.name", "oom");
    b->res[0] = otel_resource_create(&ra, 1, "https://opentelemetry.io/schemas/1.26.0");
    b->res[1] = otel_resource_create(NULL, 0, NULL);
    otlp_fx_spans_init(&b->fx, b->res[0], &b->scope[0]);
    b->scope[0] = (otel_scope_t){.name = OTEL_STR("a"), .version = OTEL_STR("1")};
    b->scope[1] = (otel_scope_t){.name = OTEL_STR("b"), .attributes = b->fx.attrs, .attribute_count = 2};
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
        b->span_ptrs[i] = &b->spans[i];
    }
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
            b->recs[i].body = b->big.value;
        b->rec_ptrs[i] = &b->recs[i];
    }
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
    b->hist_pt = (otel_metric_point_t){
        .attributes = b->attrs, .attribute_count = 1, .time_ns = 2, .exemplars = &b->ex, .exemplar_count = 1};
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
    return otel_otlp__encode_spans(arena, ((const item_batches_t *)batch)->span_ptrs, SPANS, out);
}

static otel_status_t encode_logs(otel_arena_t *arena, otel_otlp__buffer_t *out, const void *batch)
{
    return otel_otlp__encode_logs(arena, ((const item_batches_t *)batch)->rec_ptrs, RECORDS, out);
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
            cr_assert_eq(st, OTEL_ERR_NO_MEMORY, "allocation %ld failed (%ld failed in all), encode said %s", n, failed,
                         otel_strerror(st));
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

static item_batches_t items;
static metric_batch_t metrics;

static otel_status_t warm_spans(otel_arena_t *arena, otel_otlp__buffer_t *out)
{
    return otel_otlp__encode_spans(arena, items.span_ptrs, 1, out);
}

static otel_status_t warm_logs(otel_arena_t *arena, otel_otlp__buffer_t *out)
{
    return otel_otlp__encode_logs(arena, items.rec_ptrs, 1, out);
}

static otel_status_t warm_metrics(otel_arena_t *arena, otel_otlp__buffer_t *out)
{
    otel_metrics_data_t one = {.scopes = metrics.scopes, .scope_count = 1};
    size_t points;
    return otel_otlp__encode_metrics(arena, &one, out, &points);
}

static void make_batches(void)
{
    item_batches_init(&items);
    metric_batch_init(&metrics);
}

static void free_batches(void)
{
    otel_resource_destroy(items.res[0]);
    otel_resource_destroy(items.res[1]);
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
    fail_all_ways("spans", encode_spans, &items, warm_spans, 4);
    cr_assert_eq(af_leaks(), 0, "LeakSanitizer found a leak (report above)");
}

Test(otlp_oom, a_log_batch_fails_cleanly_at_every_allocation)
{
    fail_all_ways("logs", encode_logs, &items, warm_logs, 4);
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
    return otel_otlp__encode_spans(arena, items.span_ptrs, n, out);
}

static otel_status_t first_logs(otel_arena_t *arena, otel_otlp__buffer_t *out, size_t n)
{
    return otel_otlp__encode_logs(arena, items.rec_ptrs, n, out);
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

static void stop_and_check_leaks(ts_server_t *s)
{
    ts_stop(s);
    cr_assert_eq(af_leaks(), 0, "LeakSanitizer found a leak (report above)");
}

/* The OTLP exporter of one signal, behind one create/export/destroy. */
typedef struct test_exporter {
    otel_otlp_signal_t signal;
    otel_span_exporter_t spans;
    otel_log_record_exporter_t logs;
    otel_metric_exporter_t metrics;
} test_exporter_t;

static void exporter_create(test_exporter_t *e, otel_otlp_signal_t signal, const otel_otlp_options_t *o)
{
    char err[256] = "";
    e->signal = signal;
    otel_status_t st = signal == OTEL_OTLP_TRACES ? otel_otlp_span_exporter_create(o, &e->spans, err, sizeof(err))
                       : signal == OTEL_OTLP_LOGS ? otel_otlp_log_record_exporter_create(o, &e->logs, err, sizeof(err))
                                                  : otel_otlp_metric_exporter_create(o, &e->metrics, err, sizeof(err));
    cr_assert_eq(st, OTEL_OK, "%s", err);
}

/* Exports the signal's whole test batch. */
static otel_status_t exporter_export(test_exporter_t *e)
{
    if (e->signal == OTEL_OTLP_TRACES)
        return e->spans.export_spans(e->spans.self, items.span_ptrs, SPANS);
    if (e->signal == OTEL_OTLP_LOGS)
        return e->logs.export_logs(e->logs.self, items.rec_ptrs, RECORDS);
    return e->metrics.export_metrics(e->metrics.user, &metrics.data, 5000);
}

static void exporter_destroy(test_exporter_t *e)
{
    if (e->signal == OTEL_OTLP_TRACES) {
        e->spans.shutdown(e->spans.self, 1000);
        e->spans.destroy(e->spans.self);
    } else if (e->signal == OTEL_OTLP_LOGS) {
        e->logs.shutdown(e->logs.self, 1000);
        e->logs.destroy(e->logs.self);
    } else {
        e->metrics.shutdown(e->metrics.user, 1000);
        e->metrics.destroy(e->metrics.user);
    }
}

/*
 * A fresh exporter per N (its arena and buffer cold, so every allocation of an export happens again); the Nth
 * fails. The export must fail, count the batch's items as failed in otel_otlp_get_stats (otel.sdk.exporter.*),
 * send nothing; then the same exporter's next export must deliver the batch, byte for byte as encoded without
 * failures.
 */
static void export_under_oom(otel_otlp_signal_t signal, encode_fn encode, const void *batch, size_t items)
{
    otel_arena_t arena = {0};
    otel_otlp__buffer_t ref = {0};
    cr_assert_eq(encode(&arena, &ref, batch), OTEL_OK);
    ts_server_t *s = ts_start(0);
    cr_assert_not_null(s);
    otel_otlp_options_t o = options_for(s);
    long n;
    for (n = 1;; n++) {
        test_exporter_t exp;
        exporter_create(&exp, signal, &o);
        otel_otlp_stats_t before = stats_of(signal);
        size_t requests = ts_request_count(s);
        af_arm(n, false);
        otel_status_t st = exporter_export(&exp);
        long failed = af_disarm();
        otel_otlp_stats_t after = stats_of(signal);
        if (failed > 0) {
            cr_assert_neq(st, OTEL_OK, "allocation %ld failed, yet the export reported success", n);
            cr_assert_eq(after.items_failed - before.items_failed, items,
                         "allocation %ld failed: %zu items dropped, %" PRIu64 " counted as failed", n, items,
                         after.items_failed - before.items_failed);
            cr_assert_eq(after.items_exported, before.items_exported);
            cr_assert_eq(ts_request_count(s), requests, "nothing is sent for a batch that failed to encode");
            cr_assert_eq(exporter_export(&exp), OTEL_OK, "no export after allocation %ld failed", n);
        } else {
            cr_assert_eq(st, OTEL_OK);
        }
        cr_assert_eq(stats_of(signal).items_exported - before.items_exported, items);
        cr_assert(ts_wait_requests(s, requests + 1, 5000));
        ts_request_t r = ts_request(s, requests);
        cr_assert_eq(r.len, ref.len);
        cr_assert(memcmp(r.body, ref.data, ref.len) == 0, "allocation %ld: the request differs", n);
        exporter_destroy(&exp);
        if (failed == 0)
            break;
    }
    cr_log_info("signal %d: an export with each of its %ld allocations failing in turn", (int)signal, n - 1);
    cr_assert_geq(n - 1, 3);
    ts_stop(s);
    otel_arena__dispose(&arena);
    otel_otlp__buffer_dispose(&ref);
}

Test(otlp_oom, the_span_exporter_drops_and_counts_a_batch_it_cannot_encode)
{
    export_under_oom(OTEL_OTLP_TRACES, encode_spans, &items, SPANS);
    cr_assert_eq(af_leaks(), 0, "LeakSanitizer found a leak (report above)");
}

Test(otlp_oom, the_log_exporter_drops_and_counts_a_batch_it_cannot_encode)
{
    export_under_oom(OTEL_OTLP_LOGS, encode_logs, &items, RECORDS);
    cr_assert_eq(af_leaks(), 0, "LeakSanitizer found a leak (report above)");
}

Test(otlp_oom, the_metric_exporter_drops_and_counts_a_collection_it_cannot_encode)
{
    export_under_oom(OTEL_OTLP_METRICS, encode_metrics, &metrics, METRIC_POINTS);
    cr_assert_eq(af_leaks(), 0, "LeakSanitizer found a leak (report above)");
}

/* Creating an exporter (headers parsed, gRPC metadata, the pipelining slots): each allocation fails in turn. */
Test(otlp_oom, creating_an_exporter_under_oom_refuses_cleanly_or_stays_sequential)
{
    ts_server_t *s = ts_start(0);
    cr_assert_not_null(s);
    otel_otlp_options_t o = options_for(s);
    snprintf(o.headers, sizeof(o.headers), "api-key=s3cr%%3Dt,x-team=a%%20b");
    o.concurrent_exports = 2;
    long n, degraded = 0;
    for (n = 1;; n++) {
        otel_span_exporter_t exp = {0};
        char err[256] = "";
        size_t requests = ts_request_count(s);
        af_arm(n, false);
        otel_status_t st = otel_otlp_span_exporter_create(&o, &exp, err, sizeof(err));
        long failed = af_disarm();
        if (failed > 0 && st != OTEL_OK)
            continue; /* refused, nothing kept (the leak check below) */
        /* Created: cleanly, or without its pipelining slots (by design it then stays sequential). Either way
         * it exports. */
        cr_assert_eq(st, OTEL_OK, "%s", err);
        degraded += failed > 0;
        cr_assert_eq(exp.export_spans(exp.self, items.span_ptrs, SPANS), OTEL_OK);
        cr_assert_eq(exp.force_flush(exp.self, 5000), OTEL_OK);
        cr_assert(ts_wait_requests(s, requests + 1, 5000));
        exp.shutdown(exp.self, 1000);
        exp.destroy(exp.self);
        if (failed == 0)
            break;
    }
    cr_assert_eq(degraded, 1, "only the pipelining slots are optional");
    cr_log_info("exporter creation with each of its %ld allocations failing in turn", n - 1);
    cr_assert_geq(n - 1, 3);
    stop_and_check_leaks(s);
}

/* ---- processors: the export thread's encode fails; the processor counts the batch, the next one is exported ---- */

/* The processor's counters (`exported`, `failed`), the exporter's since `before` (otel.sdk.exporter.*) and the
 * requests the server got. */
static void assert_counted(otel_otlp_signal_t signal, const otel_otlp_stats_t *before, uint64_t exported,
                           uint64_t failed, ts_server_t *s, uint64_t want_exported, uint64_t want_failed,
                           size_t want_requests)
{
    otel_otlp_stats_t now = stats_of(signal);
    cr_assert_eq(exported, want_exported);
    cr_assert_eq(failed, want_failed);
    cr_assert_eq(now.items_exported - before->items_exported, want_exported);
    cr_assert_eq(now.items_failed - before->items_failed, want_failed, "otel.sdk.exporter.* counts the loss");
    cr_assert_eq(ts_request_count(s), want_requests);
}

/* A test server, and `exp` exporting `signal` to it. */
static ts_server_t *server_for(test_exporter_t *exp, otel_otlp_signal_t signal)
{
    ts_server_t *s = ts_start(0);
    cr_assert_not_null(s);
    otel_otlp_options_t o = options_for(s);
    exporter_create(exp, signal, &o);
    return s;
}

static const otel_scope_t oom_scope = {.name = OTEL_STR("oom")};

/* A provider with a batch processor in front of the OTLP exporter, as the processor tests drive it. */
typedef struct pipeline {
    otel_otlp_signal_t signal;
    void *provider;
    void (*produce)(void *provider, int n); /* ends n spans, or emits n log records */
} pipeline_t;

/* Flushes the provider and reads its processor's counters. */
static void flush_and_count(const pipeline_t *pl, uint64_t *exported, uint64_t *failed)
{
    if (pl->signal == OTEL_OTLP_TRACES) {
        otel_trace_stats_t st;
        otel_tracer_provider_force_flush(pl->provider, 5000);
        otel_tracer_provider_get_stats(pl->provider, &st);
        *exported = st.spans_exported;
        *failed = st.spans_failed;
    } else {
        otel_log_record_processor_stats_t st;
        otel_logger_provider_force_flush(pl->provider, 5000);
        otel_logger_provider_get_stats(pl->provider, &st);
        *exported = st.records_exported;
        *failed = st.records_failed;
    }
}

/* 10 items flushed while every allocation of the export thread fails, then 7 flushed normally. */
static void flush_under_oom_then_normally(const pipeline_t *pl, ts_server_t *s)
{
    otel_otlp_stats_t before = stats_of(pl->signal);
    uint64_t exported, failed;
    pl->produce(pl->provider, 10);
    af_arm_any_thread(1, true); /* the export thread's first allocation and all later ones fail */
    flush_and_count(pl, &exported, &failed);
    cr_assert_gt(af_disarm(), 0, "the export allocated nothing: the test did not test");
    assert_counted(pl->signal, &before, exported, failed, s, 0, 10, 0);
    pl->produce(pl->provider, 7);
    flush_and_count(pl, &exported, &failed);
    assert_counted(pl->signal, &before, exported, failed, s, 7, 10, 1);
}

static void emit_records(void *provider, int n)
{
    otel_logger_t *logger = otel_logger_provider_get_logger(provider, &oom_scope);
    otel_attribute_t attrs[2] = {OTEL_ATTR_STR("http.route", "/api/v1/dummy"), OTEL_ATTR_INT("status", 200)};
    otel_log_record_t rec = {.severity_number = OTEL_SEVERITY_INFO,
                             .body = otlp_fx_str("served"),
                             .attributes = attrs,
                             .attribute_count = 2};
    for (int i = 0; i < n; i++)
        cr_assert_eq(otel_logger_emit(logger, &rec), OTEL_OK);
}

static void end_spans(void *provider, int n)
{
    otel_tracer_t *tracer = otel_tracer_provider_get_tracer(provider, &oom_scope);
    otel_attribute_t attrs[2] = {OTEL_ATTR_STR("http.route", "/api/v1/dummy"), OTEL_ATTR_INT("status", 200)};
    otel_span_start_options_t so = {.kind = OTEL_SPAN_KIND_SERVER, .attributes = attrs, .attribute_count = 2};
    for (int i = 0; i < n; i++)
        otel_span_end(otel_tracer_start_span(tracer, OTEL_STR("GET /api/v1/dummy"), &so), 0);
}

Test(otlp_oom, the_batch_span_processor_counts_a_batch_lost_to_oom_and_exports_the_next)
{
    test_exporter_t exp;
    ts_server_t *s = server_for(&exp, OTEL_OTLP_TRACES);
    otel_tracer_provider_options_t po;
    otel_tracer_provider_options_init(&po);
    po.processor_count = 1;
    otel_batch_span_processor_options_t bo = {/* the defaults, but exports happen at our flushes only */
                                              .max_queue_size = 2048,
                                              .schedule_delay_ms = 60000,
                                              .export_timeout_ms = 30000,
                                              .max_export_batch_size = 512};
    otel_tracer_provider_t *p;
    cr_assert_eq(otel_batch_span_processor_create(&bo, exp.spans, &po.processors[0]), OTEL_OK);
    cr_assert_eq(otel_tracer_provider_create(&po, &p), OTEL_OK);
    pipeline_t pl = {OTEL_OTLP_TRACES, p, end_spans};
    flush_under_oom_then_normally(&pl, s);
    otel_tracer_provider_destroy(p);
    stop_and_check_leaks(s);
}

Test(otlp_oom, the_batch_log_processor_counts_records_lost_to_oom_and_exports_the_next)
{
    test_exporter_t exp;
    ts_server_t *s = server_for(&exp, OTEL_OTLP_LOGS);
    otel_batch_log_record_processor_options_t bo;
    otel_batch_log_record_processor_options_init(&bo);
    bo.schedule_delay_ms = 60000; /* exports happen at our flushes only */
    otel_log_record_processor_t *proc;
    otel_logger_provider_t *p;
    cr_assert_eq(otel_batch_log_record_processor_create(&bo, exp.logs, &proc), OTEL_OK);
    cr_assert_eq(otel_logger_provider_create(NULL, NULL, proc, &p), OTEL_OK);
    pipeline_t pl = {OTEL_OTLP_LOGS, p, emit_records};
    flush_under_oom_then_normally(&pl, s);

    /* Emitting under OOM: a record too big for a pool block needs a malloc; it is dropped and counted. */
    static char text[8192];
    memset(text, 'z', sizeof(text));
    otel_log_record_t big = {.body = {.type = OTEL_VALUE_STRING, .u.string = {text, sizeof(text)}}};
    af_arm(1, true);
    otel_status_t emitted = otel_logger_emit(otel_logger_provider_get_logger(p, &oom_scope), &big);
    cr_assert_gt(af_disarm(), 0);
    cr_assert_eq(emitted, OTEL_ERR_NO_MEMORY);
    otel_log_record_processor_stats_t st;
    otel_logger_provider_get_stats(p, &st);
    cr_assert_eq(st.records_dropped, 1);
    otel_logger_provider_destroy(p);
    stop_and_check_leaks(s);
}

/* ---- the periodic reader: collection and export under OOM; a cumulative sum loses nothing ---- */

/* The value of the request's first sum data point (the only metric the reader test records). */
static int64_t exported_sum(const ts_request_t *r)
{
    Opentelemetry__Proto__Collector__Metrics__V1__ExportMetricsServiceRequest *req =
        opentelemetry__proto__collector__metrics__v1__export_metrics_service_request__unpack(NULL, r->len, r->body);
    cr_assert_not_null(req);
    cr_assert_eq(req->n_resource_metrics, 1);
    int64_t v = req->resource_metrics[0]->scope_metrics[0]->metrics[0]->sum->data_points[0]->as_int;
    opentelemetry__proto__collector__metrics__v1__export_metrics_service_request__free_unpacked(req, NULL);
    return v;
}

/* A fresh meter provider with one counter (6 recorded) and a periodic reader exporting to `s` at flushes only. */
static otel_periodic_reader_t *metrics_pipeline(ts_server_t *s, otel_meter_provider_t **mp)
{
    test_exporter_t exp;
    otel_otlp_options_t o = options_for(s);
    exporter_create(&exp, OTEL_OTLP_METRICS, &o);
    cr_assert_eq(otel_meter_provider_create(NULL, mp), OTEL_OK);
    otel_meter_t *meter;
    cr_assert_eq(otel_meter_provider_get_meter(*mp, "oom", NULL, NULL, &meter), OTEL_OK);
    otel_instrument_options_t co = {
        .name = "oom.requests", .kind = OTEL_INSTRUMENT_COUNTER, .value_type = OTEL_NUMBER_INT64};
    otel_instrument_t *counter;
    cr_assert_eq(otel_meter_create_instrument(meter, &co, &counter), OTEL_OK);
    otel_attribute_t attrs[1] = {OTEL_ATTR_STR("http.route", "/api/v1/dummy")};
    otel_instrument_record_int64(counter, 2, attrs, 1);
    otel_instrument_record_int64(counter, 4, attrs, 1);
    otel_periodic_reader_options_t ro = {.interval_ms = 3600000, .timeout_ms = 5000};
    otel_periodic_reader_t *reader;
    cr_assert_eq(otel_periodic_reader_create(*mp, &exp.metrics, &ro, &reader), OTEL_OK);
    return reader;
}

/*
 * A fresh pipeline per N; the Nth allocation of the reader thread's collection and export fails. The flush
 * reports the failure and sends nothing; the next flush exports the cumulative sum whole (6).
 */
Test(otlp_oom, the_periodic_reader_survives_oom_at_every_allocation_and_the_next_export_has_the_full_sum)
{
    ts_server_t *s = ts_start(0);
    cr_assert_not_null(s);
    long n;
    for (n = 1;; n++) {
        otel_meter_provider_t *mp;
        otel_periodic_reader_t *reader = metrics_pipeline(s, &mp);
        size_t requests = ts_request_count(s);
        af_arm_any_thread(n, false);
        otel_status_t st = otel_periodic_reader_force_flush(reader, 5000);
        long failed = af_disarm();
        if (failed == 0) {
            cr_assert_eq(st, OTEL_OK);
        } else {
            cr_assert_neq(st, OTEL_OK, "allocation %ld of a collection failed, yet the flush reported success", n);
            cr_assert_eq(ts_request_count(s), requests, "nothing is sent for a collection that failed");
            cr_assert_eq(otel_periodic_reader_force_flush(reader, 5000), OTEL_OK, "no export after allocation %ld", n);
        }
        cr_assert(ts_wait_requests(s, requests + 1, 5000));
        ts_request_t r = ts_request(s, requests);
        cr_assert_eq(exported_sum(&r), 6, "allocation %ld: the cumulative sum lost measurements", n);
        otel_periodic_reader_destroy(reader);
        otel_meter_provider_destroy(mp);
        if (failed == 0)
            break;
    }
    cr_log_info("periodic reader: a collection and export with each of its %ld allocations failing in turn", n - 1);
    cr_assert_geq(n - 1, 3);
    stop_and_check_leaks(s);
}
