/* SPDX-License-Identifier: Apache-2.0 */
/* A span start that cannot allocate its span: the caller gets the non-recording span, and the miss is counted in the
 * provider's stats and in otel.sdk.processor.span.processed{error.type=out_of_memory}. */
#include "export/alloc_fail.h" /* linked with --wrap (tests/CMakeLists.txt): otelc's allocations can fail */
#include "metrics_test_util.h"
#include "trace_test_exporter.h"

static long long processed_point(otel_meter_provider_t *mp, const char *error_type)
{
    json_t *j = collect_json(mp, OTEL_TEMPORALITY_PREFERENCE_CUMULATIVE);
    json_t *pt = find_point(find_metric(j, "otel.sdk.processor.span.processed"), "error.type", error_type);
    long long v = pt != NULL ? json_i64(pt, "asInt") : -1;
    json_decref(j);
    return v;
}

/* Starts a span with every allocation of this thread failing; returns it (ended by the caller). */
static otel_span_t *start_without_memory(otel_tracer_t *tracer)
{
    af_arm(1, true);
    otel_span_t *span = otel_tracer_start_span(tracer, OTEL_STR("no-memory"), NULL);
    cr_expect_gt(af_disarm(), 0, "the start asked for memory and was refused");
    return span;
}

Test(trace_span_oom, failed_starts_are_counted_and_the_sdk_recovers)
{
    static mem_exporter_t mem;
    otel_tracer_provider_t *tp = mem_provider(&mem, NULL);
    cr_assert_not_null(tp);
    otel_tracer_t *tracer = test_tracer(tp);
    cr_assert_not_null(tracer);
    otel_meter_t *meter;
    otel_meter_provider_t *mp = make_provider(0, OTEL_EXEMPLAR_FILTER_ALWAYS_OFF, &meter);
    cr_assert_eq(otel_metrics_observe_tracer_provider(meter, tp), OTEL_OK);
    cr_expect_eq(processed_point(mp, "out_of_memory"), 0, "the series exists before any failure");

    /* The thread's first span: neither its pool nor the span can be allocated. */
    otel_span_t *span = start_without_memory(tracer);
    cr_assert_not_null(span, "a failed start still returns a usable span");
    cr_expect_not(otel_span_is_recording(span));
    otel_attribute_t attr = OTEL_ATTR_STR("k", "v");
    otel_span_set_attribute(span, &attr);
    otel_span_end(span, 0);

    /* The pool exists, one span is held open: the next start must allocate a second span, and cannot. */
    otel_span_t *held = otel_tracer_start_span(tracer, OTEL_STR("held"), NULL);
    cr_assert(otel_span_is_recording(held));
    otel_span_end(start_without_memory(tracer), 0);

    otel_trace_stats_t st;
    otel_tracer_provider_get_stats(tp, &st);
    cr_expect_eq(st.spans_alloc_failed, 2);
    cr_expect_eq(st.spans_started, 1, "a span that could not be allocated was not started");
    cr_expect_eq(st.spans_dropped, 0, "no processor dropped anything");
    cr_expect_eq(processed_point(mp, "out_of_memory"), 2);
    cr_expect_eq(processed_point(mp, "queue_full"), 0);

    /* Memory is back: spans record and export again; the failures stay counted. */
    otel_span_end(held, 0);
    otel_span_t *after = otel_tracer_start_span(tracer, OTEL_STR("after"), NULL);
    cr_expect(otel_span_is_recording(after));
    otel_span_end(after, 0);
    otel_tracer_provider_get_stats(tp, &st);
    cr_expect_eq(st.spans_alloc_failed, 2);
    cr_expect_eq(st.spans_started, 2);
    cr_expect_eq(atomic_load(&mem.exported), 2, "only the two real spans reached the exporter");

    otel_meter_provider_destroy(mp);
    otel_tracer_provider_destroy(tp);
}
