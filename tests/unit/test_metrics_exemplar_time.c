/* SPDX-License-Identifier: Apache-2.0 */
/* otel_metrics_set_exemplar_time: exemplars take the caller's timestamp until it is cleared (then the clock's); the
 * up-down counter fast path of bound handles records negative values. */
#include "metrics_test_util.h"

static long long exemplar_time_of(json_t *point, double value)
{
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(point, "exemplars"), i, e)
    {
        if (json_dbl(e, "asDouble") == value)
            return json_i64(e, "timeUnixNano");
    }
    return -1;
}

Test(metrics_exemplar_time, exemplars_take_the_given_time_until_it_is_cleared)
{
    otel_meter_t *meter;
    otel_meter_provider_t *p = make_provider(0, OTEL_EXEMPLAR_FILTER_ALWAYS_ON, &meter);
    const double bounds[] = {1, 10};
    otel_instrument_t *h = NULL;
    otel_instrument_options_t o = {.name = "lat",
                                   .kind = OTEL_INSTRUMENT_HISTOGRAM,
                                   .value_type = OTEL_NUMBER_DOUBLE,
                                   .bucket_bounds = bounds,
                                   .bucket_bound_count = 2};
    cr_assert_eq(otel_meter_create_instrument(meter, &o, &h), OTEL_OK);
    otel_bound_instrument_t *b = otel_instrument_bind(h, NULL, 0);
    const uint64_t given = 1234567890123456789ULL;
    uint64_t before = otel_time_now_ns();
    otel_metrics_set_exemplar_time(given);
    otel_bound_record_double(b, 0.5); /* bucket 0: the given time */
    otel_metrics_set_exemplar_time(0);
    otel_bound_record_double(b, 5); /* bucket 1: the clock */
    json_t *j = collect_json(p, OTEL_TEMPORALITY_PREFERENCE_CUMULATIVE);
    json_t *pt = find_point(find_metric(j, "lat"), NULL, NULL);
    cr_assert_eq(exemplar_time_of(pt, 0.5), (long long)given);
    long long clock = exemplar_time_of(pt, 5);
    cr_assert_geq(clock, (long long)before, "cleared: the clock again");
    cr_assert_neq(clock, (long long)given);
    json_decref(j);
    otel_meter_provider_destroy(p);
}

Test(metrics_exemplar_time, bound_up_down_counters_add_negative_values)
{
    otel_meter_t *meter;
    otel_meter_provider_t *p = make_provider(0, OTEL_EXEMPLAR_FILTER_ALWAYS_OFF, &meter);
    otel_instrument_t *u = make_instrument(meter, "active", OTEL_INSTRUMENT_UP_DOWN_COUNTER, OTEL_NUMBER_INT64);
    otel_instrument_t *c = make_instrument(meter, "total", OTEL_INSTRUMENT_COUNTER, OTEL_NUMBER_INT64);
    otel_bound_instrument_t *bu = otel_instrument_bind(u, NULL, 0), *bc = otel_instrument_bind(c, NULL, 0);
    otel_bound_record_int64(bu, 1);
    otel_bound_record_int64(bu, 1);
    otel_bound_record_int64(bu, -3);
    otel_bound_record_int64(bc, 2);
    otel_bound_record_int64(bc, -5); /* a counter rejects it */
    json_t *j = collect_json(p, OTEL_TEMPORALITY_PREFERENCE_CUMULATIVE);
    cr_assert_eq(json_i64(find_point(find_metric(j, "active"), NULL, NULL), "asInt"), -1);
    cr_assert_eq(json_i64(find_point(find_metric(j, "total"), NULL, NULL), "asInt"), 2);
    json_decref(j);
    otel_meter_provider_destroy(p);
}
