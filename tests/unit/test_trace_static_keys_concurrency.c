/* SPDX-License-Identifier: Apache-2.0 */
/* Concurrency test (also run under TSan): threads set and overwrite static-key attributes on one span at once. */
#ifdef H2OTEL_STANDALONE_TESTS
#include "unit/standalone_criterion.h" /* the TSan stage builds this file without Criterion */
#else
#include <criterion/criterion.h>
#endif
#include <stdio.h>
#include "unit/trace_test_exporter.h"

#define THREADS 4
#define KEYS 100 /* per thread: more than the key filter's 64 bits, so threads share bits */

static mem_exporter_t mem;
static otel_span_t *shared;
static pthread_barrier_t go;
static char keys[THREADS][KEYS][32]; /* outlive the provider: what static_keys promises */
static _Atomic int bad;

/* During export (on the batch thread): every key once, with its thread's last value (-(t * 1000 + k)). */
static uint64_t check(const otel_span_data_t *s)
{
    static bool seen[THREADS][KEYS];
    memset(seen, 0, sizeof(seen));
    if (s->attribute_count != THREADS * KEYS)
        atomic_fetch_add(&bad, 1);
    for (size_t i = 0; i < s->attribute_count; i++) {
        int t, k;
        const otel_attribute_t *a = &s->attributes[i];
        if (sscanf(a->key.ptr, "t%d.k%d", &t, &k) != 2 || t < 0 || t >= THREADS || k < 0 || k >= KEYS ||
            a->key.ptr != keys[t][k] || a->value.u.int64 != -(t * 1000 + k) || seen[t][k])
            atomic_fetch_add(&bad, 1);
        else
            seen[t][k] = true;
    }
    return s->attribute_count;
}

static void *writer(void *arg)
{
    int t = (int)(intptr_t)arg;
    pthread_barrier_wait(&go);
    for (int round = 0; round < 2; round++) /* first set, then overwrite: the second value must win */
        for (int k = 0; k < KEYS; k++) {
            otel_attribute_t a = {otel_str_from_cstr(keys[t][k]),
                                  {.type = OTEL_VALUE_INT64, .u.int64 = round == 0 ? t * 1000 + k : -(t * 1000 + k)}};
            otel_span_set_attributes_static_keys(shared, &a, 1);
        }
    otel_span_release(shared);
    return NULL;
}

Test(trace_static_keys_concurrency, concurrent_static_key_writers_keep_every_key_once_with_its_last_value)
{
    for (int t = 0; t < THREADS; t++)
        for (int k = 0; k < KEYS; k++)
            snprintf(keys[t][k], sizeof(keys[t][k]), "t%d.k%d", t, k);
    otel_tracer_provider_options_t o;
    otel_tracer_provider_options_init(&o);
    o.limits.attribute_count_limit = 4096;
    o.sampler = otel_sampler_always_on_create();
    otel_batch_span_processor_options_t bo = {
        .max_queue_size = 64, .schedule_delay_ms = 5, .export_timeout_ms = 1000, .max_export_batch_size = 8};
    cr_assert_eq(otel_batch_span_processor_create(&bo, mem_exporter_init(&mem), &o.processors[0]), OTEL_OK);
    o.processor_count = 1;
    otel_tracer_provider_t *p;
    cr_assert_eq(otel_tracer_provider_create(&o, &p), OTEL_OK);
    mem.inspect = check;
    otel_tracer_t *tracer = test_tracer(p);
    pthread_barrier_init(&go, NULL, THREADS);
    for (int i = 0; i < 3; i++) { /* the span is recycled between rounds */
        shared = otel_tracer_start_span(tracer, OTEL_STR("shared"), NULL);
        pthread_t threads[THREADS];
        for (int t = 0; t < THREADS; t++) {
            otel_span_retain(shared);
            cr_assert_eq(pthread_create(&threads[t], NULL, writer, (void *)(intptr_t)t), 0);
        }
        for (int t = 0; t < THREADS; t++)
            pthread_join(threads[t], NULL);
        otel_span_end(shared, 0);
        cr_assert_eq(otel_tracer_provider_force_flush(p, 5000), OTEL_OK);
    }
    cr_expect_eq(atomic_load(&mem.exported), 3);
    cr_expect_eq(atomic_load(&bad), 0);
    pthread_barrier_destroy(&go);
    otel_tracer_provider_destroy(p);
}
