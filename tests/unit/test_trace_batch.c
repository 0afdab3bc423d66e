/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for the batch and simple span processors: size and timer flushes, drops, flush/shutdown bounds. */
#include <criterion/criterion.h>
#include <time.h>
#include "unit/trace_test_exporter.h"

static mem_exporter_t mem;

static otel_tracer_provider_t *batch_provider(const otel_batch_span_processor_options_t *bo,
                                              otel_span_processor_t **proc)
{
    otel_tracer_provider_options_t o;
    otel_tracer_provider_options_init(&o);
    o.sampler = otel_sampler_always_on_create();
    cr_assert_eq(otel_batch_span_processor_create(bo, mem_exporter_init(&mem), &o.processors[0]), OTEL_OK);
    o.processor_count = 1;
    if (proc != NULL)
        *proc = o.processors[0];
    otel_tracer_provider_t *p;
    cr_assert_eq(otel_tracer_provider_create(&o, &p), OTEL_OK);
    return p;
}

static void spans(otel_tracer_provider_t *p, int n)
{
    otel_tracer_t *t = test_tracer(p);
    for (int i = 0; i < n; i++)
        otel_span_end(otel_tracer_start_span(t, OTEL_STR("s"), NULL), 0);
}

static bool wait_for(_Atomic size_t *counter, size_t want, int timeout_ms)
{
    for (int i = 0; i < timeout_ms; i++) {
        if (atomic_load(counter) >= want)
            return true;
        usleep(1000);
    }
    return atomic_load(counter) >= want;
}

/* Polls until the export thread has taken everything queued (it then is inside export_spans or idle). */
static bool wait_queue_empty(otel_span_processor_t *proc)
{
    otel_span_processor_stats_t st;
    for (int i = 0; i < 5000; i++) {
        otel_span_processor_get_stats(proc, &st);
        if (st.queue_size == 0)
            return true;
        usleep(1000);
    }
    return false;
}

Test(trace_batch, defaults_follow_the_spec)
{
    otel_batch_span_processor_options_t o;
    otel_batch_span_processor_options_init(&o);
    cr_expect_eq(o.max_queue_size, 2048);
    cr_expect_eq(o.schedule_delay_ms, 5000);
    cr_expect_eq(o.export_timeout_ms, 30000);
    cr_expect_eq(o.max_export_batch_size, 512);
}

Test(trace_batch, exports_when_a_batch_is_full_before_the_timer)
{
    otel_batch_span_processor_options_t bo = {
        .max_queue_size = 64, .schedule_delay_ms = 60000, .export_timeout_ms = 1000, .max_export_batch_size = 8};
    otel_tracer_provider_t *p = batch_provider(&bo, NULL);
    spans(p, 7);
    usleep(100 * 1000);
    cr_expect_eq(atomic_load(&mem.exported), 0, "below the batch size nothing is exported before the timer");
    spans(p, 1);
    cr_expect(wait_for(&mem.exported, 8, 2000), "a full batch is exported without waiting 60 s");
    cr_expect_leq(atomic_load(&mem.max_batch), 8);
    otel_tracer_provider_destroy(p);
}

Test(trace_batch, exports_on_the_timer)
{
    otel_batch_span_processor_options_t bo = {
        .max_queue_size = 64, .schedule_delay_ms = 50, .export_timeout_ms = 1000, .max_export_batch_size = 32};
    otel_tracer_provider_t *p = batch_provider(&bo, NULL);
    spans(p, 3);
    cr_expect(wait_for(&mem.exported, 3, 2000));
    otel_tracer_provider_destroy(p);
}

Test(trace_batch, full_queue_drops_and_counts_without_blocking)
{
    otel_batch_span_processor_options_t bo = {
        .max_queue_size = 16, .schedule_delay_ms = 60000, .export_timeout_ms = 1000, .max_export_batch_size = 16};
    otel_span_processor_t *proc;
    otel_tracer_provider_t *p = batch_provider(&bo, &proc);
    atomic_store(&mem.delay_ms, 600000); /* the first export holds the thread while we overfill */
    spans(p, 16);                        /* a full batch: wakes the exporter, which takes all 16 and hangs */
    otel_span_processor_stats_t st;
    cr_assert(wait_queue_empty(proc), "the export thread took the batch");
    uint64_t t0 = otel_time_monotonic_ns();
    spans(p, 100);
    uint64_t took_ms = (otel_time_monotonic_ns() - t0) / 1000000u;
    cr_expect_lt(took_ms, 1000, "ending spans never waits for the exporter (took %llu ms)",
                 (unsigned long long)took_ms);
    otel_span_processor_get_stats(proc, &st);
    cr_expect_eq(st.queue_capacity, 16);
    cr_expect_eq(st.spans_received, 116);
    cr_expect_eq(st.spans_dropped, 100 - 16, "16 fit in the emptied queue, the rest are dropped");
    atomic_store(&mem.delay_ms, 0);
    atomic_store(&mem.unblock, true);
    cr_expect_eq(otel_tracer_provider_force_flush(p, 5000), OTEL_OK);
    otel_span_processor_get_stats(proc, &st);
    cr_expect_eq(st.spans_exported + st.spans_dropped, 116);
    cr_expect_eq(atomic_load(&mem.exported), 32);
    otel_trace_stats_t ts;
    otel_tracer_provider_get_stats(p, &ts);
    cr_expect_eq(ts.spans_dropped, 84);
    cr_expect_eq(ts.spans_ended, 116);
    otel_tracer_provider_destroy(p);
}

Test(trace_batch, force_flush_exports_everything_queued_and_flushes_the_exporter)
{
    otel_batch_span_processor_options_t bo = {
        .max_queue_size = 2048, .schedule_delay_ms = 60000, .export_timeout_ms = 1000, .max_export_batch_size = 100};
    otel_tracer_provider_t *p = batch_provider(&bo, NULL);
    spans(p, 250);
    cr_expect_eq(otel_tracer_provider_force_flush(p, 5000), OTEL_OK);
    cr_expect_eq(atomic_load(&mem.exported), 250);
    cr_expect_leq(atomic_load(&mem.max_batch), 100);
    cr_expect_geq(atomic_load(&mem.flushes), 1);
    otel_tracer_provider_destroy(p);
}

Test(trace_batch, shutdown_exports_everything_queued)
{
    otel_batch_span_processor_options_t bo = {
        .max_queue_size = 2048, .schedule_delay_ms = 60000, .export_timeout_ms = 1000, .max_export_batch_size = 512};
    otel_span_processor_t *proc;
    otel_tracer_provider_t *p = batch_provider(&bo, &proc);
    spans(p, 1000);
    cr_expect_eq(otel_tracer_provider_shutdown(p, 5000), OTEL_OK);
    cr_expect_eq(atomic_load(&mem.exported), 1000);
    cr_expect_eq(atomic_load(&mem.shutdowns), 1);
    otel_span_processor_stats_t st;
    otel_span_processor_get_stats(proc, &st);
    cr_expect_eq(st.spans_dropped, 0);
    cr_expect_eq(otel_span_processor_force_flush(proc, 100), OTEL_ERR_SHUTDOWN);
    otel_tracer_provider_destroy(p);
    cr_expect(atomic_load(&mem.destroyed));
}

Test(trace_batch, force_flush_and_shutdown_are_bounded_by_their_timeout)
{
    otel_batch_span_processor_options_t bo = {
        .max_queue_size = 64, .schedule_delay_ms = 60000, .export_timeout_ms = 100, .max_export_batch_size = 8};
    otel_span_processor_t *proc;
    otel_tracer_provider_t *p = batch_provider(&bo, &proc);
    atomic_store(&mem.delay_ms, 600000); /* a hung exporter */
    spans(p, 8);
    otel_span_processor_stats_t st;
    cr_assert(wait_queue_empty(proc), "the export thread took the batch");
    uint64_t t0 = otel_time_monotonic_ns();
    cr_expect_eq(otel_span_processor_force_flush(proc, 200), OTEL_ERR_TIMEOUT);
    uint64_t took = (otel_time_monotonic_ns() - t0) / 1000000u;
    cr_expect(took >= 190 && took < 3000, "force_flush returned after %llu ms", (unsigned long long)took);
    t0 = otel_time_monotonic_ns();
    cr_expect_eq(otel_span_processor_shutdown(proc, 200), OTEL_ERR_TIMEOUT);
    took = (otel_time_monotonic_ns() - t0) / 1000000u;
    cr_expect(took >= 190 && took < 3000, "shutdown returned after %llu ms", (unsigned long long)took);
    /* Let the hung export return (its spans point at the provider's tracer) before destroying. */
    atomic_store(&mem.unblock, true);
    for (int i = 0; i < 5000 && atomic_load(&mem.calls) == 0; i++)
        usleep(1000);
    cr_expect_eq(atomic_load(&mem.calls), 1);
    for (int i = 0; i < 5000; i++) {
        otel_span_processor_get_stats(proc, &st);
        if (st.spans_exported == 8)
            break;
        usleep(1000);
    }
    usleep(50 * 1000); /* the export thread finishes its shutdown and exits */
    otel_tracer_provider_destroy(p);
}

Test(trace_batch, failed_exports_are_counted)
{
    otel_batch_span_processor_options_t bo = {
        .max_queue_size = 64, .schedule_delay_ms = 60000, .export_timeout_ms = 100, .max_export_batch_size = 64};
    otel_span_processor_t *proc;
    otel_tracer_provider_t *p = batch_provider(&bo, &proc);
    atomic_store(&mem.fail, true);
    spans(p, 5);
    otel_tracer_provider_force_flush(p, 2000);
    otel_span_processor_stats_t st;
    otel_span_processor_get_stats(proc, &st);
    cr_expect_eq(st.spans_failed, 5);
    cr_expect_eq(st.export_failures, 1);
    cr_expect_eq(st.spans_exported, 0);
    otel_tracer_provider_destroy(p);
}

Test(trace_batch, simple_processor_exports_on_end)
{
    otel_span_processor_t *proc;
    cr_assert_eq(otel_simple_span_processor_create(mem_exporter_init(&mem), &proc), OTEL_OK);
    otel_tracer_provider_options_t o;
    otel_tracer_provider_options_init(&o);
    o.processors[0] = proc;
    o.processor_count = 1;
    otel_tracer_provider_t *p;
    cr_assert_eq(otel_tracer_provider_create(&o, &p), OTEL_OK);
    spans(p, 3);
    cr_expect_eq(atomic_load(&mem.exported), 3);
    otel_span_processor_stats_t st;
    otel_span_processor_get_stats(proc, &st);
    cr_expect_eq(st.spans_exported, 3);
    cr_expect_eq(st.queue_capacity, 0);
    otel_tracer_provider_destroy(p);
    cr_expect_eq(atomic_load(&mem.shutdowns), 1);
}

Test(trace_batch, two_processors_both_receive_each_span)
{
    static mem_exporter_t second;
    otel_tracer_provider_options_t o;
    otel_tracer_provider_options_init(&o);
    otel_batch_span_processor_options_t bo = {
        .max_queue_size = 64, .schedule_delay_ms = 60000, .export_timeout_ms = 100, .max_export_batch_size = 64};
    otel_batch_span_processor_create(&bo, mem_exporter_init(&mem), &o.processors[0]);
    otel_simple_span_processor_create(mem_exporter_init(&second), &o.processors[1]);
    o.processor_count = 2;
    otel_tracer_provider_t *p;
    cr_assert_eq(otel_tracer_provider_create(&o, &p), OTEL_OK);
    spans(p, 10);
    cr_expect_eq(otel_tracer_provider_force_flush(p, 2000), OTEL_OK);
    cr_expect_eq(atomic_load(&mem.exported), 10);
    cr_expect_eq(atomic_load(&second.exported), 10);
    otel_tracer_provider_destroy(p);
}

Test(trace_batch, invalid_options_are_rejected_and_the_exporter_disposed)
{
    otel_batch_span_processor_options_t bo = {.max_queue_size = 0, .schedule_delay_ms = 1, .max_export_batch_size = 1};
    otel_span_processor_t *proc = NULL;
    cr_expect_eq(otel_batch_span_processor_create(&bo, mem_exporter_init(&mem), &proc), OTEL_ERR_INVALID_ARGUMENT);
    cr_expect_null(proc);
    cr_expect(atomic_load(&mem.destroyed));
}
