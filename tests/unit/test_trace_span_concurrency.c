/* SPDX-License-Identifier: Apache-2.0 */
/* Concurrency tests (also run under TSan): several threads mutate and end the same span at once. */
#ifdef H2OTEL_STANDALONE_TESTS
#include "unit/standalone_criterion.h" /* the TSan stage builds this file without Criterion */
#else
#include <criterion/criterion.h>
#endif
#include <stdio.h>
#include "unit/trace_test_exporter.h"

#define THREADS 4
#define CALLS 100 /* per thread and per mutator */

static mem_exporter_t mem;
static otel_tracer_t *tracer;
static otel_span_t *shared;
static pthread_barrier_t go;
static _Atomic int bad_attributes;
static _Atomic int second_half_attributes; /* keys t<T>.k<K> with K >= CALLS / 2 */

/* During export: every attribute must be one a thread set ("t<T>.k<K>" = T * 1000 + K), keys distinct. */
static uint64_t check_attributes(const otel_span_data_t *s)
{
    static bool seen[THREADS][CALLS];
    memset(seen, 0, sizeof(seen));
    for (size_t i = 0; i < s->attribute_count; i++) {
        char key[32];
        mem_copy_str(key, sizeof(key), s->attributes[i].key);
        int t, k;
        if (sscanf(key, "t%d.k%d", &t, &k) != 2 || t < 0 || t >= THREADS || k < 0 || k >= CALLS ||
            s->attributes[i].value.type != OTEL_VALUE_INT64 || s->attributes[i].value.u.int64 != t * 1000 + k ||
            seen[t][k])
            atomic_fetch_add(&bad_attributes, 1);
        else
            seen[t][k] = true;
        if (k >= CALLS / 2)
            atomic_fetch_add(&second_half_attributes, 1);
    }
    return s->attribute_count;
}

/* A provider with the simple processor (exports on the ending thread) or the batch one (on its own thread). */
static otel_tracer_provider_t *setup_with(bool batch)
{
    otel_tracer_provider_options_t o;
    otel_tracer_provider_options_init(&o);
    o.limits.attribute_count_limit = o.limits.event_count_limit = o.limits.link_count_limit = 4096;
    o.sampler = otel_sampler_always_on_create();
    otel_span_exporter_t e = mem_exporter_init(&mem);
    if (batch) {
        otel_batch_span_processor_options_t bo = {
            .max_queue_size = 64, .schedule_delay_ms = 5, .export_timeout_ms = 1000, .max_export_batch_size = 8};
        cr_assert_eq(otel_batch_span_processor_create(&bo, e, &o.processors[0]), OTEL_OK);
    } else {
        cr_assert_eq(otel_simple_span_processor_create(e, &o.processors[0]), OTEL_OK);
    }
    o.processor_count = 1;
    otel_tracer_provider_t *p;
    cr_assert_eq(otel_tracer_provider_create(&o, &p), OTEL_OK);
    mem.inspect = check_attributes;
    atomic_store(&bad_attributes, 0);
    tracer = test_tracer(p);
    pthread_barrier_init(&go, NULL, THREADS);
    return p;
}

static otel_tracer_provider_t *setup(void)
{
    return setup_with(false);
}

static void mutate(int t, int k)
{
    char key[32], name[32];
    snprintf(key, sizeof(key), "t%d.k%d", t, k);
    snprintf(name, sizeof(name), "name-t%d", t);
    otel_attribute_t a = {{key, strlen(key)}, {.type = OTEL_VALUE_INT64, .u.int64 = t * 1000 + k}};
    otel_span_set_attribute(shared, &a);
    otel_span_add_event(shared, OTEL_STR("tick"), 0, &a, 1);
    otel_span_context_t other = {.trace_id = {{1}}, .span_id = {{2}}};
    otel_span_add_link(shared, &other, OTEL_STR(""), NULL, 0);
    otel_span_set_status(shared, OTEL_STATUS_CODE_ERROR, (otel_str_t){name, strlen(name)});
    otel_span_update_name(shared, (otel_str_t){name, strlen(name)});
    otel_span_record_exception(shared, OTEL_STR("E"), OTEL_STR("boom"), NULL, 0);
}

/* Each thread holds its own reference, mutates, and gives it back; the creating thread ends the span. */
static void *mutate_only(void *arg)
{
    int t = (int)(intptr_t)arg;
    pthread_barrier_wait(&go);
    for (int k = 0; k < CALLS; k++)
        mutate(t, k);
    otel_span_release(shared);
    return NULL;
}

static void run(void *(*fn)(void *))
{
    pthread_t threads[THREADS];
    for (int t = 0; t < THREADS; t++) {
        otel_span_retain(shared);
        cr_assert_eq(pthread_create(&threads[t], NULL, fn, (void *)(intptr_t)t), 0);
    }
    for (int t = 0; t < THREADS; t++)
        pthread_join(threads[t], NULL);
}

Test(trace_span_concurrency, concurrent_mutations_all_land_intact)
{
    otel_tracer_provider_t *p = setup();
    shared = otel_tracer_start_span(tracer, OTEL_STR("shared"), NULL);
    run(mutate_only);
    cr_assert(otel_span_is_recording(shared));
    otel_span_end(shared, 0);
    cr_assert_eq(atomic_load(&mem.exported), 1);
    mem_span_t *k = &mem.kept[0];
    cr_expect_eq(k->attribute_count, THREADS * CALLS);
    cr_expect_eq(atomic_load(&bad_attributes), 0);
    cr_expect_eq(k->event_count, 2 * THREADS * CALLS); /* add_event + record_exception */
    cr_expect_eq(k->link_count, THREADS * CALLS);
    cr_expect_eq(k->dropped_attributes + k->dropped_events + k->dropped_links, 0);
    cr_expect_eq(k->status, OTEL_STATUS_CODE_ERROR);
    cr_expect_eq(strncmp(k->name, "name-t", 6), 0);
    cr_expect_str_eq(k->name, k->status_message); /* name and status of the same thread are whole, not torn */
    otel_tracer_provider_destroy(p);
}

/* Each thread mutates, ends the span, mutates more (ignored), and gives its reference back. */
static void *mutate_and_end(void *arg)
{
    int t = (int)(intptr_t)arg;
    pthread_barrier_wait(&go);
    for (int k = 0; k < CALLS / 2; k++)
        mutate(t, k);
    otel_span_end(shared, 0);
    otel_span_end(shared, 0);
    cr_expect_not(otel_span_is_recording(shared));
    for (int k = CALLS / 2; k < CALLS; k++)
        mutate(t, k);
    otel_span_release(shared);
    return NULL;
}

Test(trace_span_concurrency, concurrent_ends_export_once_and_later_mutations_are_ignored)
{
    otel_tracer_provider_t *p = setup();
    enum { ROUNDS = 50 };
    atomic_store(&second_half_attributes, 0);
    for (int r = 0; r < ROUNDS; r++) {
        size_t before = atomic_load(&mem.exported);
        shared = otel_tracer_start_span(tracer, OTEL_STR("shared"), NULL);
        run(mutate_and_end); /* the creating handle is consumed by whichever end comes first */
        cr_assert_eq(atomic_load(&mem.exported), before + 1);
        if (r < MEM_MAX_KEPT) {
            mem_span_t *k = &mem.kept[r];
            /* The winner set all its first-half attributes before its end; nobody's second half got in. */
            cr_expect_geq(k->attribute_count, CALLS / 2);
            cr_expect_leq(k->attribute_count, THREADS * (CALLS / 2));
        }
    }
    cr_expect_eq(atomic_load(&bad_attributes), 0);
    cr_expect_eq(atomic_load(&second_half_attributes), 0); /* set after the caller's own end returned */
    otel_trace_stats_t st;
    otel_tracer_provider_get_stats(p, &st);
    cr_expect_eq(st.spans_started, ROUNDS);
    cr_expect_eq(st.spans_ended, ROUNDS);
    cr_expect_eq(st.spans_exported, ROUNDS);
    otel_tracer_provider_destroy(p);
}

Test(trace_span_concurrency, the_batch_export_thread_sees_every_concurrent_mutation)
{
    otel_tracer_provider_t *p = setup_with(true);
    enum { ROUNDS = 20 };
    for (int r = 0; r < ROUNDS; r++) {
        shared = otel_tracer_start_span(tracer, OTEL_STR("shared"), NULL);
        run(mutate_only);
        otel_span_end(shared, 0); /* the export thread reads what four threads wrote */
    }
    cr_assert_eq(otel_tracer_provider_force_flush(p, 5000), OTEL_OK);
    cr_expect_eq(atomic_load(&mem.exported), ROUNDS);
    cr_expect_eq(atomic_load(&bad_attributes), 0);
    for (int r = 0; r < ROUNDS; r++) {
        cr_expect_eq(mem.kept[r].attribute_count, THREADS * CALLS);
        cr_expect_eq(mem.kept[r].event_count, 2 * THREADS * CALLS);
    }
    otel_tracer_provider_destroy(p);
}
