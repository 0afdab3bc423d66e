/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Micro benchmarks of the metrics hot path and collection. `metrics_bench` runs every case and prints
 * min/median per operation (thread CPU time); `metrics_bench --once CASE OPS` runs one case once (for callgrind, whose
 * --toggle-collect=loop_CASE isolates the loop: instructions / OPS = instructions per operation).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "otel/otel.h"

/* otelc-internal (common_internal.h): make a span context current, as the trace module does. */
const otel_span_context_t *otel_context__set_current(const otel_span_context_t *ctx);

static otel_meter_provider_t *provider, *one_cell_provider;
static otel_instrument_t *counter, *histogram, *updown;
static otel_bound_instrument_t *counter_bound, *histogram_bound, *one_cell_bound;
static otel_attribute_t attrs3[3];

/* Per-thread CPU time: time the thread was descheduled (the machine is shared) does not count, while
 * cache-line contention between recording threads does. */
static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

__attribute__((noinline)) void loop_counter_bound(long ops)
{
    for (long i = 0; i < ops; i++)
        otel_bound_record_int64(counter_bound, 1);
}

/* The same add on a provider with one cell per series: what sharing one cache line costs two threads. */
__attribute__((noinline)) void loop_counter_bound_one_cell(long ops)
{
    for (long i = 0; i < ops; i++)
        otel_bound_record_int64(one_cell_bound, 1);
}

__attribute__((noinline)) void loop_counter_attrs3(long ops)
{
    for (long i = 0; i < ops; i++)
        otel_instrument_record_int64(counter, 1, attrs3, 3);
}

__attribute__((noinline)) void loop_histogram_bound(long ops)
{
    for (long i = 0; i < ops; i++)
        otel_bound_record_double(histogram_bound, (double)(i & 1023) * 0.001);
}

__attribute__((noinline)) void loop_histogram_attrs3(long ops)
{
    for (long i = 0; i < ops; i++)
        otel_instrument_record_double(histogram, (double)(i & 1023) * 0.001, attrs3, 3);
}

__attribute__((noinline)) void loop_histogram_bound_sampled(long ops)
{
    otel_span_context_t span = {.trace_flags = OTEL_TRACE_FLAGS_SAMPLED};
    memset(span.trace_id.bytes, 0x11, 16);
    memset(span.span_id.bytes, 0x22, 8);
    const otel_span_context_t *prev = otel_context__set_current(&span);
    for (long i = 0; i < ops; i++)
        otel_bound_record_double(histogram_bound, (double)(i & 1023) * 0.001);
    otel_context__set_current(prev);
}

static otel_status_t null_sink(const otel_metrics_data_t *data, void *user)
{
    *(size_t *)user += data->scope_count;
    return OTEL_OK;
}

static otel_meter_provider_t *collect_provider;
static otel_instrument_t *collect_insts[3];

static void setup_collect(void)
{
    otel_meter_provider_options_t o;
    otel_meter_provider_options_init(&o);
    o.cardinality_limit = 2001; /* 2000 series + the (unused) overflow point */
    otel_meter_provider_create(&o, &collect_provider);
    otel_meter_t *m;
    otel_meter_provider_get_meter(collect_provider, "bench", NULL, NULL, &m);
    const char *names[3] = {"c", "h", "u"};
    otel_instrument_kind_t kinds[3] = {OTEL_INSTRUMENT_COUNTER, OTEL_INSTRUMENT_HISTOGRAM,
                                       OTEL_INSTRUMENT_UP_DOWN_COUNTER};
    for (int k = 0; k < 3; k++) {
        otel_instrument_options_t io = {.name = names[k], .kind = kinds[k], .value_type = OTEL_NUMBER_DOUBLE};
        otel_meter_create_instrument(m, &io, &collect_insts[k]);
    }
}

static void record_collect_series(void)
{
    char id[32];
    for (int s = 0; s < 2000; s++) {
        snprintf(id, sizeof(id), "series-%d", s);
        otel_attribute_t a[2] = {OTEL_ATTR_STRN("id", id, strlen(id)), OTEL_ATTR_STR("route", "/x")};
        for (int k = 0; k < 3; k++)
            otel_instrument_record_double(collect_insts[k], s * 0.5, a, 2);
    }
}

__attribute__((noinline)) void loop_collect_2000x3(long ops)
{
    size_t n = 0;
    for (long i = 0; i < ops; i++)
        otel_meter_provider_collect(collect_provider, OTEL_TEMPORALITY_PREFERENCE_CUMULATIVE, null_sink, &n);
}

typedef struct {
    const char *name;
    void (*loop)(long);
    long ops;
} bench_case_t;

static const bench_case_t cases[] = {
    {"counter_bound", loop_counter_bound, 20000000},
    {"counter_bound_one_cell", loop_counter_bound_one_cell, 20000000},
    {"counter_attrs3", loop_counter_attrs3, 1000000},
    {"histogram_bound", loop_histogram_bound, 10000000},
    {"histogram_attrs3", loop_histogram_attrs3, 1000000},
    {"histogram_bound_sampled", loop_histogram_bound_sampled, 1000000},
    {"collect_2000x3", loop_collect_2000x3, 3},
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

static void setup(void)
{
    attrs3[0] = OTEL_ATTR_STR("http.request.method", "GET");
    attrs3[1] = OTEL_ATTR_STR("http.route", "/api/v1/items");
    attrs3[2] = OTEL_ATTR_INT("http.response.status_code", 200);
    otel_meter_provider_create(NULL, &provider); /* defaults: trace_based exemplars, limit 2000 */
    otel_meter_t *m;
    otel_meter_provider_get_meter(provider, "bench", "1", NULL, &m);
    otel_instrument_options_t c = {.name = "requests", .kind = OTEL_INSTRUMENT_COUNTER};
    otel_instrument_options_t h = {.name = "http.server.request.duration",
                                   .unit = "s",
                                   .kind = OTEL_INSTRUMENT_HISTOGRAM,
                                   .value_type = OTEL_NUMBER_DOUBLE,
                                   .bucket_bounds = otel_http_duration_bounds,
                                   .bucket_bound_count = 14};
    otel_instrument_options_t u = {.name = "inflight", .kind = OTEL_INSTRUMENT_UP_DOWN_COUNTER};
    otel_meter_create_instrument(m, &c, &counter);
    otel_meter_create_instrument(m, &h, &histogram);
    otel_meter_create_instrument(m, &u, &updown);
    counter_bound = otel_instrument_bind(counter, attrs3, 3);
    histogram_bound = otel_instrument_bind(histogram, attrs3, 3);
    setup_collect();
    record_collect_series();
    otel_meter_provider_options_t one;
    otel_meter_provider_options_init(&one);
    one.cells_per_series = 1;
    otel_meter_provider_create(&one, &one_cell_provider);
    otel_meter_provider_get_meter(one_cell_provider, "bench", "1", NULL, &m);
    otel_instrument_t *one_counter;
    otel_meter_create_instrument(m, &c, &one_counter);
    one_cell_bound = otel_instrument_bind(one_counter, attrs3, 3);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

#define REPS 11

typedef struct {
    const bench_case_t *c;
    double ns_per_op;
    pthread_barrier_t *barrier;
} thread_arg_t;

static void *timed_thread(void *arg)
{
    thread_arg_t *t = arg;
    pthread_barrier_wait(t->barrier);
    uint64_t start = now_ns();
    t->c->loop(t->c->ops);
    t->ns_per_op = (double)(now_ns() - start) / (double)t->c->ops;
    return NULL;
}

/* Median and min of REPS runs with `threads` threads recording at once (per-thread ns/op, averaged). */
static void run(const bench_case_t *c, int threads, double *median, double *min)
{
    double samples[REPS];
    for (int r = 0; r < REPS; r++) {
        pthread_barrier_t barrier;
        pthread_barrier_init(&barrier, NULL, (unsigned)threads);
        pthread_t tid[8];
        thread_arg_t args[8];
        for (int t = 0; t < threads; t++) {
            args[t] = (thread_arg_t){c, 0, &barrier};
            pthread_create(&tid[t], NULL, timed_thread, &args[t]);
        }
        double sum = 0;
        for (int t = 0; t < threads; t++) {
            pthread_join(tid[t], NULL);
            sum += args[t].ns_per_op;
        }
        pthread_barrier_destroy(&barrier);
        samples[r] = sum / threads;
    }
    qsort(samples, REPS, sizeof(double), cmp_double);
    *median = samples[REPS / 2];
    *min = samples[0];
}

int main(int argc, char **argv)
{
    setup();
    if (argc == 4 && strcmp(argv[1], "--once") == 0) {
        for (size_t i = 0; i < NCASES; i++)
            if (strcmp(cases[i].name, argv[2]) == 0) {
                cases[i].loop(atol(argv[3]));
                return 0;
            }
        fprintf(stderr, "unknown case %s\n", argv[2]);
        return 2;
    }
    loop_counter_bound(50000000); /* warm-up: let the CPU reach its steady clock before the first case */
    printf("%-26s %8s %12s %12s\n", "case", "threads", "median ns", "min ns");
    for (size_t i = 0; i < NCASES; i++) {
        double med, min;
        int max_threads = strcmp(cases[i].name, "collect_2000x3") == 0 ? 1 : 2;
        for (int t = 1; t <= max_threads; t++) {
            run(&cases[i], t, &med, &min);
            if (strcmp(cases[i].name, "collect_2000x3") == 0)
                printf("%-26s %8d %10.3f ms %9.3f ms\n", cases[i].name, t, med / 1e6, min / 1e6);
            else
                printf("%-26s %8d %12.2f %12.2f\n", cases[i].name, t, med, min);
        }
    }
    otel_meter_provider_destroy(provider);
    otel_meter_provider_destroy(collect_provider);
    otel_meter_provider_destroy(one_cell_provider);
    return 0;
}
