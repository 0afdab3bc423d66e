/* SPDX-License-Identifier: Apache-2.0 */
/* Concurrency tests (also run under TSan): many threads start/end spans while the exporter drains. */
#ifdef H2OTEL_STANDALONE_TESTS
#include "unit/standalone_criterion.h" /* the TSan stage builds this file without Criterion */
#else
#include <criterion/criterion.h>
#endif
#include "unit/trace_test_exporter.h"

#define THREADS 4
#define SPANS_PER_THREAD 20000

static mem_exporter_t mem;
static otel_tracer_t *tracer;

/* Reads every field an encoder would, so TSan sees the exporter's reads of span data. */
static uint64_t touch(const otel_span_data_t *s)
{
    uint64_t sum = s->name.len + s->attribute_count + s->start_time_unix_ns + s->span_id.bytes[0];
    for (size_t i = 0; i < s->attribute_count; i++)
        sum += s->attributes[i].key.len + (uint64_t)s->attributes[i].value.type;
    return sum;
}

static otel_tracer_provider_t *provider_with_queue(uint32_t queue, uint32_t batch, uint32_t delay_ms)
{
    otel_tracer_provider_options_t o;
    otel_tracer_provider_options_init(&o);
    o.sampler = otel_sampler_always_on_create();
    otel_batch_span_processor_options_t bo = {.max_queue_size = queue,
                                              .schedule_delay_ms = delay_ms,
                                              .export_timeout_ms = 1000,
                                              .max_export_batch_size = batch};
    otel_span_exporter_t e = mem_exporter_init(&mem);
    mem.inspect = touch;
    cr_assert_eq(otel_batch_span_processor_create(&bo, e, &o.processors[0]), OTEL_OK);
    o.processor_count = 1;
    otel_tracer_provider_t *p;
    cr_assert_eq(otel_tracer_provider_create(&o, &p), OTEL_OK);
    tracer = test_tracer(p);
    return p;
}

static void *make_spans(void *arg)
{
    (void)arg;
    otel_attribute_t attrs[] = {OTEL_ATTR_STR("http.method", "GET"), OTEL_ATTR_STR("http.route", "/items"),
                                OTEL_ATTR_INT("http.status_code", 200), OTEL_ATTR_BOOL("ok", true),
                                OTEL_ATTR_DOUBLE("ratio", 0.5)};
    for (int i = 0; i < SPANS_PER_THREAD; i++) {
        otel_span_t *parent = otel_tracer_start_span(tracer, OTEL_STR("parent"), NULL);
        otel_span_scope_t scope;
        otel_span_scope_begin(&scope, parent);
        otel_span_t *child = otel_tracer_start_span(tracer, OTEL_STR("child"), NULL);
        otel_span_set_attributes(child, attrs, 5);
        otel_span_end(child, 0);
        otel_span_scope_end(&scope);
        otel_span_end(parent, 0);
    }
    return NULL;
}

static void run_threads(void *(*fn)(void *), void *arg)
{
    pthread_t threads[THREADS];
    for (int i = 0; i < THREADS; i++)
        cr_assert_eq(pthread_create(&threads[i], NULL, fn, arg), 0);
    for (int i = 0; i < THREADS; i++)
        pthread_join(threads[i], NULL);
}

Test(trace_concurrency, exported_plus_dropped_equals_created)
{
    /* A small queue so that both paths (export and drop) are taken. */
    otel_tracer_provider_t *p = provider_with_queue(256, 64, 5);
    atomic_store(&mem.delay_ms, 1);
    run_threads(make_spans, NULL);
    cr_assert_eq(otel_tracer_provider_shutdown(p, 10000), OTEL_OK);
    otel_trace_stats_t st;
    otel_tracer_provider_get_stats(p, &st);
    uint64_t created = (uint64_t)THREADS * SPANS_PER_THREAD * 2;
    cr_expect_eq(st.spans_started, created);
    cr_expect_eq(st.spans_ended, created);
    cr_expect_eq(st.spans_exported + st.spans_dropped, created, "exported %llu + dropped %llu != %llu",
                 (unsigned long long)st.spans_exported, (unsigned long long)st.spans_dropped,
                 (unsigned long long)created);
    cr_expect_eq(st.spans_exported, atomic_load(&mem.exported));
    cr_expect_gt(st.spans_dropped, 0, "the small queue overflowed at least once");
    cr_expect_gt(st.spans_exported, 0);
    cr_expect_eq(st.queue_size, 0);
    otel_tracer_provider_destroy(p);
}

Test(trace_concurrency, nothing_dropped_with_a_large_queue_and_a_fast_exporter)
{
    otel_tracer_provider_t *p = provider_with_queue(1u << 18, 512, 5);
    run_threads(make_spans, NULL);
    cr_assert_eq(otel_tracer_provider_shutdown(p, 10000), OTEL_OK);
    otel_trace_stats_t st;
    otel_tracer_provider_get_stats(p, &st);
    cr_expect_eq(st.spans_dropped, 0);
    cr_expect_eq(st.spans_exported, (uint64_t)THREADS * SPANS_PER_THREAD * 2);
    otel_tracer_provider_destroy(p);
}

/* Spans started on one thread and ended on another (hand-over through a small ring). */
#define HANDOVER 20000
static otel_span_t *_Atomic slots[64];

static void *start_side(void *arg)
{
    (void)arg;
    for (int i = 0; i < HANDOVER; i++) {
        otel_span_t *s = otel_tracer_start_span(tracer, OTEL_STR("handed"), NULL);
        otel_attribute_t a = OTEL_ATTR_INT("i", i);
        otel_span_set_attribute(s, &a);
        otel_span_t *expected = NULL;
        while (!atomic_compare_exchange_weak(&slots[i % 64], &expected, s))
            expected = NULL;
    }
    return NULL;
}

static void *end_side(void *arg)
{
    (void)arg;
    for (int i = 0; i < HANDOVER; i++) {
        otel_span_t *s;
        while ((s = atomic_exchange(&slots[i % 64], NULL)) == NULL)
            ;
        otel_attribute_t a = OTEL_ATTR_BOOL("ended_elsewhere", true);
        otel_span_set_attribute(s, &a);
        otel_span_end(s, 0);
    }
    return NULL;
}

Test(trace_concurrency, spans_end_on_another_thread)
{
    otel_tracer_provider_t *p = provider_with_queue(1024, 256, 5);
    pthread_t a, b;
    pthread_create(&a, NULL, start_side, NULL);
    pthread_create(&b, NULL, end_side, NULL);
    pthread_join(a, NULL); /* the starting thread exits while its spans may still be queued */
    pthread_join(b, NULL);
    cr_assert_eq(otel_tracer_provider_shutdown(p, 10000), OTEL_OK);
    otel_trace_stats_t st;
    otel_tracer_provider_get_stats(p, &st);
    cr_expect_eq(st.spans_ended, HANDOVER);
    cr_expect_eq(st.spans_exported + st.spans_dropped, HANDOVER);
    otel_tracer_provider_destroy(p);
}

static void *flusher(void *arg)
{
    otel_tracer_provider_t *p = arg;
    for (int i = 0; i < 50; i++)
        otel_tracer_provider_force_flush(p, 1000);
    return NULL;
}

Test(trace_concurrency, force_flush_from_several_threads_while_spans_flow)
{
    otel_tracer_provider_t *p = provider_with_queue(2048, 128, 1000);
    pthread_t f1, f2;
    pthread_create(&f1, NULL, flusher, p);
    pthread_create(&f2, NULL, flusher, p);
    run_threads(make_spans, NULL);
    pthread_join(f1, NULL);
    pthread_join(f2, NULL);
    cr_assert_eq(otel_tracer_provider_shutdown(p, 10000), OTEL_OK);
    otel_trace_stats_t st;
    otel_tracer_provider_get_stats(p, &st);
    cr_expect_eq(st.spans_exported + st.spans_dropped, (uint64_t)THREADS * SPANS_PER_THREAD * 2);
    otel_tracer_provider_destroy(p);
}
