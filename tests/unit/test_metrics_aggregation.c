/* SPDX-License-Identifier: Apache-2.0 */
/* Metrics aggregation: exact sums under concurrency, histogram buckets and min/max/sum/count, gauges. */
#include <math.h>
#include <pthread.h>
#include "metrics_test_util.h"

#define THREADS 8
#define ADDS 100000

typedef struct {
    otel_instrument_t *counter, *dcounter, *hist;
    otel_bound_instrument_t *bound;
    int id;
} worker_arg_t;

static void *worker(void *arg)
{
    worker_arg_t *w = arg;
    otel_attribute_t attrs[] = {OTEL_ATTR_STR("route", "/a"), OTEL_ATTR_INT("thread.parity", w->id % 2)};
    for (int i = 0; i < ADDS; i++) {
        otel_instrument_record_int64(w->counter, 1, attrs, 2);
        otel_bound_record_int64(w->bound, 2);
        otel_instrument_record_double(w->dcounter, 0.5, NULL, 0);
        otel_instrument_record_double(w->hist, (double)(i % 20), NULL, 0);
    }
    return NULL;
}

Test(metrics_aggregation, exact_sums_under_concurrency)
{
    otel_meter_t *meter;
    otel_meter_provider_t *p = make_provider(0, OTEL_EXEMPLAR_FILTER_TRACE_BASED, &meter);
    otel_instrument_t *counter = make_instrument(meter, "c", OTEL_INSTRUMENT_COUNTER, OTEL_NUMBER_INT64);
    otel_instrument_t *dcounter = make_instrument(meter, "d", OTEL_INSTRUMENT_COUNTER, OTEL_NUMBER_DOUBLE);
    otel_instrument_t *hist = make_instrument(meter, "h", OTEL_INSTRUMENT_HISTOGRAM, OTEL_NUMBER_DOUBLE);
    otel_attribute_t battr = OTEL_ATTR_STR("route", "/bound");
    otel_bound_instrument_t *bound = otel_instrument_bind(counter, &battr, 1);
    cr_assert_not_null(bound);
    pthread_t t[THREADS];
    worker_arg_t args[THREADS];
    for (int i = 0; i < THREADS; i++) {
        args[i] = (worker_arg_t){counter, dcounter, hist, bound, i};
        pthread_create(&t[i], NULL, worker, &args[i]);
    }
    /* collect while the workers run: nothing may be lost or counted twice across collections (delta) */
    long long seen_bound = 0, seen_hist = 0;
    for (int round = 0; round < 20; round++) {
        json_t *j = collect_json(p, OTEL_TEMPORALITY_PREFERENCE_DELTA);
        json_t *m = find_metric(j, "c");
        json_t *pt = m ? find_point(m, "route", "/bound") : NULL;
        if (pt)
            seen_bound += json_i64(pt, "asInt");
        m = find_metric(j, "h");
        if (m && (pt = find_point(m, NULL, NULL)))
            seen_hist += json_i64(pt, "count");
        json_decref(j);
    }
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    json_t *j = collect_json(p, OTEL_TEMPORALITY_PREFERENCE_DELTA);
    seen_bound += json_i64(find_point(find_metric(j, "c"), "route", "/bound"), "asInt");
    seen_hist += json_i64(find_point(find_metric(j, "h"), NULL, NULL), "count");
    json_decref(j);
    cr_expect_eq(seen_bound, 2LL * THREADS * ADDS);
    cr_expect_eq(seen_hist, (long long)THREADS * ADDS);

    /* cumulative totals after the same runs: every add is in exactly one of the series */
    j = collect_json(p, OTEL_TEMPORALITY_PREFERENCE_CUMULATIVE);
    json_t *c = find_metric(j, "c");
    long long total = 0;
    size_t i;
    json_t *pt;
    json_array_foreach(points_of(c), i, pt) total += json_i64(pt, "asInt");
    cr_expect_eq(total, 3LL * THREADS * ADDS, "cumulative total %lld", total);
    cr_expect_eq(json_array_size(points_of(c)), 3); /* /bound, parity 0, parity 1 */
    cr_expect_eq(json_dbl(find_point(find_metric(j, "d"), NULL, NULL), "asDouble"), 0.5 * THREADS * ADDS);
    json_t *h = find_point(find_metric(j, "h"), NULL, NULL);
    cr_expect_eq(json_i64(h, "count"), (long long)THREADS * ADDS);
    cr_expect_eq(json_dbl(h, "sum"), THREADS * (ADDS / 20) * 190.0);
    cr_expect_eq(json_dbl(h, "min"), 0);
    cr_expect_eq(json_dbl(h, "max"), 19);
    json_decref(j);
    otel_meter_provider_destroy(p);
}

Test(metrics_aggregation, histogram_boundaries_are_inclusive_upper_bounds)
{
    otel_meter_t *meter;
    otel_meter_provider_t *p = make_provider(0, OTEL_EXEMPLAR_FILTER_ALWAYS_OFF, &meter);
    const double bounds[] = {1, 2, 5};
    otel_instrument_t *h = NULL;
    otel_instrument_options_t o = {.name = "lat",
                                   .kind = OTEL_INSTRUMENT_HISTOGRAM,
                                   .value_type = OTEL_NUMBER_DOUBLE,
                                   .bucket_bounds = bounds,
                                   .bucket_bound_count = 3};
    cr_assert_eq(otel_meter_create_instrument(meter, &o, &h), OTEL_OK);
    const double values[] = {-3, 0, 1, 1.0000001, 2, 4.99, 5, 5.0000001, 1e9};
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++)
        otel_instrument_record_double(h, values[i], NULL, 0);
    otel_instrument_record_double(h, NAN, NULL, 0); /* rejected */
    json_t *j = collect_json(p, OTEL_TEMPORALITY_PREFERENCE_CUMULATIVE);
    json_t *pt = find_point(find_metric(j, "lat"), NULL, NULL);
    cr_assert_not_null(pt);
    /* (-inf,1]: -3 0 1 | (1,2]: 1.0000001 2 | (2,5]: 4.99 5 | (5,+inf): 5.0000001 1e9 */
    cr_expect_eq(bucket(pt, 0), 3);
    cr_expect_eq(bucket(pt, 1), 2);
    cr_expect_eq(bucket(pt, 2), 2);
    cr_expect_eq(bucket(pt, 3), 2);
    cr_expect_eq(json_array_size(json_object_get(pt, "bucketCounts")), 4);
    cr_expect_eq(json_array_size(json_object_get(pt, "explicitBounds")), 3);
    cr_expect_eq(json_i64(pt, "count"), 9);
    cr_expect_eq(json_dbl(pt, "min"), -3);
    cr_expect_eq(json_dbl(pt, "max"), 1e9);
    cr_expect_float_eq(json_dbl(pt, "sum"), -3 + 0 + 1 + 1.0000001 + 2 + 4.99 + 5 + 5.0000001 + 1e9, 1e-6);
    json_decref(j);
    otel_meter_provider_destroy(p);
}

Test(metrics_aggregation, default_and_http_duration_bounds)
{
    otel_meter_t *meter;
    otel_meter_provider_t *p = make_provider(0, OTEL_EXEMPLAR_FILTER_ALWAYS_OFF, &meter);
    otel_instrument_t *def = make_instrument(meter, "def", OTEL_INSTRUMENT_HISTOGRAM, OTEL_NUMBER_INT64);
    otel_instrument_t *http = NULL;
    otel_instrument_options_t o = {.name = "http.server.request.duration",
                                   .unit = "s",
                                   .kind = OTEL_INSTRUMENT_HISTOGRAM,
                                   .value_type = OTEL_NUMBER_DOUBLE,
                                   .bucket_bounds = otel_http_duration_bounds,
                                   .bucket_bound_count = 14};
    cr_assert_eq(otel_meter_create_instrument(meter, &o, &http), OTEL_OK);
    otel_instrument_record_int64(def, 10, NULL, 0);    /* bucket (5,10] = index 2 */
    otel_instrument_record_int64(def, 10001, NULL, 0); /* overflow bucket index 15 */
    otel_instrument_record_double(http, 0.005, NULL, 0);
    otel_instrument_record_double(http, 0.3, NULL, 0); /* (0.25,0.5] = index 7 */
    json_t *j = collect_json(p, OTEL_TEMPORALITY_PREFERENCE_CUMULATIVE);
    json_t *pt = find_point(find_metric(j, "def"), NULL, NULL);
    cr_expect_eq(json_array_size(json_object_get(pt, "explicitBounds")), 15);
    cr_expect_eq(json_number_value(json_array_get(json_object_get(pt, "explicitBounds"), 14)), 10000);
    cr_expect_eq(bucket(pt, 2), 1);
    cr_expect_eq(bucket(pt, 15), 1);
    pt = find_point(find_metric(j, "http.server.request.duration"), NULL, NULL);
    cr_expect_eq(json_number_value(json_array_get(json_object_get(pt, "explicitBounds"), 0)), 0.005);
    cr_expect_eq(json_number_value(json_array_get(json_object_get(pt, "explicitBounds"), 13)), 10);
    cr_expect_eq(bucket(pt, 0), 1);
    cr_expect_eq(bucket(pt, 7), 1);
    json_decref(j);
    otel_meter_provider_destroy(p);
}

Test(metrics_aggregation, counters_reject_negative_updown_accepts)
{
    otel_meter_t *meter;
    otel_meter_provider_t *p = make_provider(0, OTEL_EXEMPLAR_FILTER_ALWAYS_OFF, &meter);
    otel_instrument_t *c = make_instrument(meter, "c", OTEL_INSTRUMENT_COUNTER, OTEL_NUMBER_INT64);
    otel_instrument_t *u = make_instrument(meter, "u", OTEL_INSTRUMENT_UP_DOWN_COUNTER, OTEL_NUMBER_INT64);
    otel_instrument_record_int64(c, 5, NULL, 0);
    otel_instrument_record_int64(c, -3, NULL, 0);
    otel_instrument_record_int64(u, 5, NULL, 0);
    otel_instrument_record_int64(u, -8, NULL, 0);
    json_t *j = collect_json(p, OTEL_TEMPORALITY_PREFERENCE_DELTA);
    cr_expect_eq(json_i64(find_point(find_metric(j, "c"), NULL, NULL), "asInt"), 5);
    cr_expect_eq(json_i64(find_point(find_metric(j, "u"), NULL, NULL), "asInt"), -3);
    cr_expect(json_is_true(json_object_get(metric_body(find_metric(j, "c")), "isMonotonic")));
    cr_expect(json_is_false(json_object_get(metric_body(find_metric(j, "u")), "isMonotonic")));
    /* up-down counters stay cumulative even under the delta preference */
    cr_expect_eq(json_integer_value(json_object_get(metric_body(find_metric(j, "u")), "aggregationTemporality")), 2);
    cr_expect_eq(json_integer_value(json_object_get(metric_body(find_metric(j, "c")), "aggregationTemporality")), 1);
    json_decref(j);
    otel_meter_provider_destroy(p);
}

Test(metrics_aggregation, gauge_keeps_last_value)
{
    otel_meter_t *meter;
    otel_meter_provider_t *p = make_provider(0, OTEL_EXEMPLAR_FILTER_ALWAYS_OFF, &meter);
    otel_instrument_t *g = make_instrument(meter, "g", OTEL_INSTRUMENT_GAUGE, OTEL_NUMBER_DOUBLE);
    otel_instrument_record_double(g, 3.5, NULL, 0);
    otel_instrument_record_double(g, -1.25, NULL, 0);
    json_t *j = collect_json(p, OTEL_TEMPORALITY_PREFERENCE_CUMULATIVE);
    cr_expect_eq(json_dbl(find_point(find_metric(j, "g"), NULL, NULL), "asDouble"), -1.25);
    cr_expect_null(json_object_get(metric_body(find_metric(j, "g")), "aggregationTemporality"));
    json_decref(j);
    j = collect_json(p, OTEL_TEMPORALITY_PREFERENCE_CUMULATIVE); /* no new value: still reported */
    cr_expect_eq(json_dbl(find_point(find_metric(j, "g"), NULL, NULL), "asDouble"), -1.25);
    json_decref(j);
    j = collect_json(p, OTEL_TEMPORALITY_PREFERENCE_DELTA); /* delta reader: only gauges set since */
    cr_expect_null(find_metric(j, "g"));
    json_decref(j);
    otel_meter_provider_destroy(p);
}

Test(metrics_aggregation, exponential_histogram_option)
{
    otel_meter_t *meter;
    otel_meter_provider_t *p = make_provider(0, OTEL_EXEMPLAR_FILTER_ALWAYS_OFF, &meter);
    otel_instrument_t *h = NULL;
    otel_instrument_options_t o = {.name = "exp",
                                   .kind = OTEL_INSTRUMENT_HISTOGRAM,
                                   .value_type = OTEL_NUMBER_DOUBLE,
                                   .histogram_aggregation = OTEL_HISTOGRAM_EXPONENTIAL,
                                   .exp_max_size = 4};
    cr_assert_eq(otel_meter_create_instrument(meter, &o, &h), OTEL_OK);
    const double values[] = {1, 2, 4, 8, 0, -2};
    for (size_t i = 0; i < 6; i++)
        otel_instrument_record_double(h, values[i], NULL, 0);
    json_t *j = collect_json(p, OTEL_TEMPORALITY_PREFERENCE_CUMULATIVE);
    json_t *pt = find_point(find_metric(j, "exp"), NULL, NULL);
    cr_assert_not_null(pt);
    cr_expect_eq(json_i64(pt, "count"), 6);
    cr_expect_eq(json_i64(pt, "zeroCount"), 1);
    cr_expect_eq(json_dbl(pt, "sum"), 13);
    cr_expect_eq(json_dbl(pt, "min"), -2);
    cr_expect_eq(json_dbl(pt, "max"), 8);
    /* 1, 2, 4, 8 are the upper bounds of buckets -1, 0, 1, 2 at scale 0: four buckets fit exactly */
    cr_expect_eq(json_integer_value(json_object_get(pt, "scale")), 0);
    json_t *pos = json_object_get(pt, "positive");
    cr_expect_eq(json_integer_value(json_object_get(pos, "offset")), -1);
    cr_expect_eq(json_array_size(json_object_get(pos, "bucketCounts")), 4);
    for (size_t i = 0; i < 4; i++)
        cr_expect_eq(bucket(pos, i), 1);
    json_t *neg = json_object_get(pt, "negative");
    cr_expect_eq(json_integer_value(json_object_get(neg, "offset")), 0);
    cr_expect_eq(bucket(neg, 0), 1);
    json_decref(j);
    otel_meter_provider_destroy(p);
}
