/* SPDX-License-Identifier: Apache-2.0 */
/* Concurrency tests (also run under TSan by tests/stages/30-tsan): threads record into shared series while
 * another thread collects delta after delta; every measurement is counted exactly once. */
#ifdef H2OTEL_STANDALONE_TESTS
#include "unit/standalone_criterion.h" /* the TSan stage builds this file without Criterion */
#else
#include <criterion/criterion.h>
#endif
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include "common/common_internal.h"
#include "otel/otel.h"

#define THREADS 4
#define ADDS 50000

static otel_instrument_t *counter, *hist, *exp_hist, *gauge;
static otel_bound_instrument_t *bound;
static _Atomic int running;

/* Totals over every delta collection, per metric. */
typedef struct {
    int64_t counter_total, bound_total;
    uint64_t hist_count, exp_count, exemplars;
    double hist_sum;
} totals_t;

static otel_status_t add_up(const otel_metrics_data_t *data, void *user)
{
    totals_t *t = user;
    for (size_t s = 0; s < data->scope_count; s++)
        for (size_t m = 0; m < data->scopes[s].metric_count; m++) {
            const otel_metric_data_t *md = &data->scopes[s].metrics[m];
            for (size_t p = 0; p < md->point_count; p++) {
                const otel_metric_point_t *pt = &md->points[p];
                t->exemplars += pt->exemplar_count;
                for (size_t e = 0; e < pt->exemplar_count; e++)
                    cr_expect(pt->exemplars[e].trace_id.bytes[0] == 0x42); /* only the sampled span's */
                if (strncmp(md->name.ptr, "c", md->name.len) == 0 && md->name.len == 1) {
                    if (pt->attribute_count == 1 && pt->attributes[0].value.u.int64 == -1)
                        t->bound_total += pt->value.as_int;
                    else
                        t->counter_total += pt->value.as_int;
                } else if (md->type == OTEL_METRIC_HISTOGRAM) {
                    t->hist_count += pt->histogram.count;
                    t->hist_sum += pt->histogram.sum;
                    uint64_t in_buckets = 0;
                    for (size_t b = 0; b < pt->histogram.bucket_count; b++)
                        in_buckets += pt->histogram.bucket_counts[b];
                    cr_expect_eq(in_buckets, pt->histogram.count);
                } else if (md->type == OTEL_METRIC_EXPONENTIAL_HISTOGRAM) {
                    t->exp_count += pt->exp_histogram.count;
                }
            }
        }
    return OTEL_OK;
}

static otel_meter_provider_t *make_provider(uint32_t limit, otel_meter_t **meter)
{
    otel_meter_provider_options_t po;
    otel_meter_provider_options_init(&po);
    if (limit != 0)
        po.cardinality_limit = limit;
    otel_meter_provider_t *p = NULL;
    cr_assert_eq(otel_meter_provider_create(&po, &p), OTEL_OK);
    cr_assert_eq(otel_meter_provider_get_meter(p, "concurrency", NULL, NULL, meter), OTEL_OK);
    return p;
}

static void *recorder(void *arg)
{
    int id = (int)(intptr_t)arg;
    otel_span_context_t sampled = {.trace_flags = OTEL_TRACE_FLAGS_SAMPLED}, unsampled = {0};
    memset(sampled.trace_id.bytes, 0x42, 16);
    memset(sampled.span_id.bytes, 0x43, 8);
    memset(unsampled.trace_id.bytes, 0x99, 16);
    memset(unsampled.span_id.bytes, 0x98, 8);
    otel_attribute_t attrs[2] = {OTEL_ATTR_INT("thread", id), OTEL_ATTR_STR("route", "/x")};
    for (int i = 0; i < ADDS; i++) {
        otel_context__set_current(i % 3 == 0 ? &sampled : &unsampled);
        otel_instrument_record_int64(counter, 1, attrs, 2);
        otel_bound_record_int64(bound, 2);
        otel_instrument_record_double(hist, (double)(i % 10), NULL, 0);
        otel_instrument_record_double(exp_hist, 1.0 + i % 100, NULL, 0);
        otel_instrument_record_int64(gauge, i, NULL, 0);
    }
    otel_context__set_current(NULL);
    return NULL;
}

Test(metrics_concurrency, deltas_while_recording_add_up_exactly)
{
    otel_meter_t *meter = NULL;
    otel_meter_provider_t *p = make_provider(0, &meter);
    otel_instrument_options_t o = {.name = "c", .kind = OTEL_INSTRUMENT_COUNTER};
    cr_assert_eq(otel_meter_create_instrument(meter, &o, &counter), OTEL_OK);
    o = (otel_instrument_options_t){.name = "h", .kind = OTEL_INSTRUMENT_HISTOGRAM, .value_type = OTEL_NUMBER_DOUBLE};
    cr_assert_eq(otel_meter_create_instrument(meter, &o, &hist), OTEL_OK);
    o.name = "e";
    o.histogram_aggregation = OTEL_HISTOGRAM_EXPONENTIAL;
    cr_assert_eq(otel_meter_create_instrument(meter, &o, &exp_hist), OTEL_OK);
    o = (otel_instrument_options_t){.name = "g", .kind = OTEL_INSTRUMENT_GAUGE};
    cr_assert_eq(otel_meter_create_instrument(meter, &o, &gauge), OTEL_OK);
    otel_attribute_t battr = OTEL_ATTR_INT("thread", -1);
    bound = otel_instrument_bind(counter, &battr, 1);
    cr_assert_not_null(bound);

    totals_t t = {0};
    pthread_t threads[THREADS];
    for (int i = 0; i < THREADS; i++)
        pthread_create(&threads[i], NULL, recorder, (void *)(intptr_t)i);
    int collections = 0;
    for (int i = 0; i < 50; i++, collections++)
        cr_assert_eq(otel_meter_provider_collect(p, OTEL_TEMPORALITY_PREFERENCE_DELTA, add_up, &t), OTEL_OK);
    for (int i = 0; i < THREADS; i++)
        pthread_join(threads[i], NULL);
    cr_assert_eq(otel_meter_provider_collect(p, OTEL_TEMPORALITY_PREFERENCE_DELTA, add_up, &t), OTEL_OK);

    cr_expect_eq(t.counter_total, (int64_t)THREADS * ADDS);
    cr_expect_eq(t.bound_total, 2 * (int64_t)THREADS * ADDS);
    cr_expect_eq(t.hist_count, (uint64_t)THREADS * ADDS);
    cr_expect_eq(t.hist_sum, (double)THREADS * (ADDS / 10) * 45);
    cr_expect_eq(t.exp_count, (uint64_t)THREADS * ADDS);
    cr_expect_gt(t.exemplars, 0);
    cr_expect_gt(collections, 0);
    otel_meter_provider_destroy(p);
}

static otel_status_t slow_export(void *user, const otel_metrics_data_t *data, uint64_t timeout_ms)
{
    (void)timeout_ms;
    atomic_fetch_add((_Atomic int *)user, (int)data->scope_count);
    return OTEL_OK;
}

static void *flusher(void *arg)
{
    otel_periodic_reader_t *r = arg;
    while (atomic_load(&running))
        otel_periodic_reader_force_flush(r, 1000);
    return NULL;
}

Test(metrics_concurrency, reader_thread_flushes_and_shutdown_race)
{
    otel_meter_t *meter = NULL;
    otel_meter_provider_t *p = make_provider(0, &meter);
    otel_instrument_options_t o = {.name = "c", .kind = OTEL_INSTRUMENT_COUNTER};
    cr_assert_eq(otel_meter_create_instrument(meter, &o, &counter), OTEL_OK);
    _Atomic int exported = 0;
    otel_metric_exporter_t e = {.user = &exported, .export_metrics = slow_export};
    otel_periodic_reader_options_t ro = {.interval_ms = 1, .timeout_ms = 1000};
    otel_periodic_reader_t *r = NULL;
    cr_assert_eq(otel_periodic_reader_create(p, &e, &ro, &r), OTEL_OK);
    atomic_store(&running, 1);
    pthread_t f[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&f[i], NULL, flusher, r);
    for (int i = 0; i < 20000; i++)
        otel_instrument_record_int64(counter, 1, NULL, 0);
    cr_expect_eq(otel_periodic_reader_shutdown(r, 5000), OTEL_OK);
    atomic_store(&running, 0);
    for (int i = 0; i < 2; i++)
        pthread_join(f[i], NULL);
    cr_expect_gt(atomic_load(&exported), 0);
    otel_periodic_reader_destroy(r);
    otel_meter_provider_destroy(p);
}

#define SETS 300
#define LIMIT 100

static void *creator(void *arg)
{
    int id = (int)(intptr_t)arg;
    char key[32];
    for (int round = 0; round < 20; round++)
        for (int i = 0; i < SETS; i++) {
            int set = (i * 7 + id * 31) % SETS; /* every thread walks all sets, in its own order */
            snprintf(key, sizeof(key), "set-%d", set);
            otel_attribute_t a = OTEL_ATTR_STRN("set", key, strlen(key));
            otel_instrument_record_int64(counter, 1, &a, 1);
        }
    return NULL;
}

static otel_status_t count_points(const otel_metrics_data_t *data, void *user)
{
    int64_t *t = user; /* [0] sum of values, [1] points in the last collection */
    t[1] = 0;
    for (size_t s = 0; s < data->scope_count; s++)
        for (size_t m = 0; m < data->scopes[s].metric_count; m++)
            for (size_t p = 0; p < data->scopes[s].metrics[m].point_count; p++) {
                t[0] += data->scopes[s].metrics[m].points[p].value.as_int;
                t[1]++;
            }
    return OTEL_OK;
}

Test(metrics_concurrency, series_created_from_many_threads_up_to_the_limit)
{
    otel_meter_t *meter = NULL;
    otel_meter_provider_t *p = make_provider(LIMIT, &meter);
    otel_instrument_options_t o = {.name = "c", .kind = OTEL_INSTRUMENT_COUNTER};
    cr_assert_eq(otel_meter_create_instrument(meter, &o, &counter), OTEL_OK);
    pthread_t threads[THREADS];
    for (int i = 0; i < THREADS; i++)
        pthread_create(&threads[i], NULL, creator, (void *)(intptr_t)i);
    int64_t t[2] = {0, 0};
    for (int i = 0; i < 20; i++)
        cr_assert_eq(otel_meter_provider_collect(p, OTEL_TEMPORALITY_PREFERENCE_DELTA, count_points, t), OTEL_OK);
    for (int i = 0; i < THREADS; i++)
        pthread_join(threads[i], NULL);
    cr_assert_eq(otel_meter_provider_collect(p, OTEL_TEMPORALITY_PREFERENCE_DELTA, count_points, t), OTEL_OK);
    cr_expect_eq(t[0], (int64_t)THREADS * 20 * SETS); /* nothing lost to the overflow point or to races */
    int64_t c[2] = {0, 0};
    cr_assert_eq(otel_meter_provider_collect(p, OTEL_TEMPORALITY_PREFERENCE_CUMULATIVE, count_points, c), OTEL_OK);
    cr_expect_eq(c[1], LIMIT); /* LIMIT - 1 series and the overflow point */
    cr_expect_eq(c[0], (int64_t)THREADS * 20 * SETS);
    otel_meter_provider_destroy(p);
}
