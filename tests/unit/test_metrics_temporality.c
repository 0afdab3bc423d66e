/* SPDX-License-Identifier: Apache-2.0 */
/* Cumulative vs delta across collections (start times, resets, a series that stops), observable callbacks. */
#include <time.h>
#include "metrics_test_util.h"

static void sleep_ms(int ms)
{
    struct timespec ts = {0, ms * 1000000L};
    nanosleep(&ts, NULL);
}

Test(metrics_temporality, cumulative_and_delta_across_collections)
{
    otel_meter_t *meter;
    otel_meter_provider_t *pc = make_provider(0, OTEL_EXEMPLAR_FILTER_ALWAYS_OFF, &meter);
    otel_instrument_t *c = make_instrument(meter, "req", OTEL_INSTRUMENT_COUNTER, OTEL_NUMBER_INT64);
    otel_meter_t *meter_d;
    otel_meter_provider_t *pd = make_provider(0, OTEL_EXEMPLAR_FILTER_ALWAYS_OFF, &meter_d);
    otel_instrument_t *d = make_instrument(meter_d, "req", OTEL_INSTRUMENT_COUNTER, OTEL_NUMBER_INT64);
    otel_attribute_t a = OTEL_ATTR_STR("route", "/a"), b = OTEL_ATTR_STR("route", "/b");

    /* round 1: /a 3, /b 1 */
    otel_instrument_t *both[2] = {c, d};
    for (int k = 0; k < 2; k++) {
        otel_instrument_record_int64(both[k], 3, &a, 1);
        otel_instrument_record_int64(both[k], 1, &b, 1);
    }
    json_t *jc1 = collect_json(pc, OTEL_TEMPORALITY_PREFERENCE_CUMULATIVE);
    json_t *jd1 = collect_json(pd, OTEL_TEMPORALITY_PREFERENCE_DELTA);
    sleep_ms(2);
    /* round 2: only /a (+4); /b stops reporting */
    for (int k = 0; k < 2; k++)
        otel_instrument_record_int64(both[k], 4, &a, 1);
    json_t *jc2 = collect_json(pc, OTEL_TEMPORALITY_PREFERENCE_CUMULATIVE);
    json_t *jd2 = collect_json(pd, OTEL_TEMPORALITY_PREFERENCE_DELTA);
    sleep_ms(2);
    /* round 3: nothing at all */
    json_t *jc3 = collect_json(pc, OTEL_TEMPORALITY_PREFERENCE_CUMULATIVE);
    json_t *jd3 = collect_json(pd, OTEL_TEMPORALITY_PREFERENCE_DELTA);

    /* cumulative: totals grow, /b keeps its value, start time fixed at the series' start */
    json_t *mc1 = find_metric(jc1, "req"), *mc2 = find_metric(jc2, "req"), *mc3 = find_metric(jc3, "req");
    cr_expect_eq(json_i64(find_point(mc1, "route", "/a"), "asInt"), 3);
    cr_expect_eq(json_i64(find_point(mc2, "route", "/a"), "asInt"), 7);
    cr_expect_eq(json_i64(find_point(mc3, "route", "/a"), "asInt"), 7);
    cr_expect_eq(json_i64(find_point(mc3, "route", "/b"), "asInt"), 1);
    cr_expect_eq(json_i64(find_point(mc1, "route", "/a"), "startTimeUnixNano"),
                 json_i64(find_point(mc3, "route", "/a"), "startTimeUnixNano"));
    cr_expect_gt(json_i64(find_point(mc3, "route", "/a"), "timeUnixNano"),
                 json_i64(find_point(mc2, "route", "/a"), "timeUnixNano"));
    cr_expect_eq(json_integer_value(json_object_get(metric_body(mc1), "aggregationTemporality")), 2);

    /* delta: each interval alone; /b disappears once it stops; an empty interval exports nothing */
    json_t *md1 = find_metric(jd1, "req"), *md2 = find_metric(jd2, "req");
    cr_expect_eq(json_i64(find_point(md1, "route", "/a"), "asInt"), 3);
    cr_expect_eq(json_i64(find_point(md1, "route", "/b"), "asInt"), 1);
    cr_expect_eq(json_i64(find_point(md2, "route", "/a"), "asInt"), 4);
    cr_expect_null(find_point(md2, "route", "/b"));
    cr_expect_eq(json_array_size(points_of(md2)), 1);
    cr_expect_null(find_metric(jd3, "req"));
    cr_expect_eq(json_integer_value(json_object_get(metric_body(md1), "aggregationTemporality")), 1);
    /* delta start time = previous collection time */
    cr_expect_eq(json_i64(find_point(md2, "route", "/a"), "startTimeUnixNano"),
                 json_i64(find_point(md1, "route", "/a"), "timeUnixNano"));
    cr_expect_lt(json_i64(find_point(md1, "route", "/a"), "startTimeUnixNano"),
                 json_i64(find_point(md1, "route", "/a"), "timeUnixNano"));

    json_t *all[] = {jc1, jc2, jc3, jd1, jd2, jd3};
    for (int i = 0; i < 6; i++)
        json_decref(all[i]);
    otel_meter_provider_destroy(pc);
    otel_meter_provider_destroy(pd);
}

Test(metrics_temporality, histogram_delta_resets_min_max)
{
    otel_meter_t *meter;
    otel_meter_provider_t *p = make_provider(0, OTEL_EXEMPLAR_FILTER_ALWAYS_OFF, &meter);
    otel_instrument_t *h = make_instrument(meter, "h", OTEL_INSTRUMENT_HISTOGRAM, OTEL_NUMBER_DOUBLE);
    otel_instrument_record_double(h, 100, NULL, 0);
    otel_instrument_record_double(h, 1, NULL, 0);
    json_t *j1 = collect_json(p, OTEL_TEMPORALITY_PREFERENCE_DELTA);
    otel_instrument_record_double(h, 7, NULL, 0);
    json_t *j2 = collect_json(p, OTEL_TEMPORALITY_PREFERENCE_DELTA);
    json_t *p1 = find_point(find_metric(j1, "h"), NULL, NULL), *p2 = find_point(find_metric(j2, "h"), NULL, NULL);
    cr_expect_eq(json_i64(p1, "count"), 2);
    cr_expect_eq(json_dbl(p1, "min"), 1);
    cr_expect_eq(json_dbl(p1, "max"), 100);
    cr_expect_eq(json_i64(p2, "count"), 1);
    cr_expect_eq(json_dbl(p2, "sum"), 7);
    cr_expect_eq(json_dbl(p2, "min"), 7);
    cr_expect_eq(json_dbl(p2, "max"), 7);
    json_decref(j1);
    json_decref(j2);
    /* the same provider keeps cumulative state too */
    json_t *jc = collect_json(p, OTEL_TEMPORALITY_PREFERENCE_CUMULATIVE);
    json_t *pc = find_point(find_metric(jc, "h"), NULL, NULL);
    cr_expect_eq(json_i64(pc, "count"), 3);
    cr_expect_eq(json_dbl(pc, "sum"), 108);
    cr_expect_eq(json_dbl(pc, "min"), 1);
    cr_expect_eq(json_dbl(pc, "max"), 100);
    json_decref(jc);
    otel_meter_provider_destroy(p);
}

typedef struct {
    int calls;
    int64_t total;
    bool report_b;
} cb_state_t;

static void observe_cb(otel_observer_t *obs, void *user)
{
    cb_state_t *s = user;
    s->calls++;
    s->total += 10;
    otel_attribute_t a = OTEL_ATTR_STR("cpu", "a"), b = OTEL_ATTR_STR("cpu", "b");
    otel_observer_observe_int64(obs, s->total, &a, 1);
    if (s->report_b)
        otel_observer_observe_int64(obs, 5, &b, 1);
}

static void gauge_cb(otel_observer_t *obs, void *user)
{
    cb_state_t *s = user;
    s->calls++;
    otel_observer_observe_double(obs, 0.5 * s->calls, NULL, 0);
}

Test(metrics_temporality, observable_callbacks_once_per_collection)
{
    otel_meter_t *meter;
    otel_meter_provider_t *p = make_provider(0, OTEL_EXEMPLAR_FILTER_ALWAYS_OFF, &meter);
    cb_state_t cs = {.report_b = true}, gs = {0};
    otel_instrument_t *oc = NULL, *og = NULL;
    otel_instrument_options_t o = {.name = "cpu.time",
                                   .kind = OTEL_INSTRUMENT_OBSERVABLE_COUNTER,
                                   .value_type = OTEL_NUMBER_INT64,
                                   .callback = observe_cb,
                                   .callback_user = &cs};
    cr_assert_eq(otel_meter_create_instrument(meter, &o, &oc), OTEL_OK);
    o = (otel_instrument_options_t){.name = "temp",
                                    .kind = OTEL_INSTRUMENT_OBSERVABLE_GAUGE,
                                    .value_type = OTEL_NUMBER_DOUBLE,
                                    .callback = gauge_cb,
                                    .callback_user = &gs};
    cr_assert_eq(otel_meter_create_instrument(meter, &o, &og), OTEL_OK);
    cr_expect_eq(cs.calls, 0);

    json_t *j1 = collect_json(p, OTEL_TEMPORALITY_PREFERENCE_DELTA);
    cr_expect_eq(cs.calls, 1);
    cr_expect_eq(gs.calls, 1);
    cs.report_b = false;
    json_t *j2 = collect_json(p, OTEL_TEMPORALITY_PREFERENCE_DELTA);
    json_t *j3 = collect_json(p, OTEL_TEMPORALITY_PREFERENCE_CUMULATIVE);
    cr_expect_eq(cs.calls, 3);
    cr_expect_eq(gs.calls, 3);

    /* delta of an observable counter: first the value, then the difference between observations */
    json_t *m1 = find_metric(j1, "cpu.time"), *m2 = find_metric(j2, "cpu.time"), *m3 = find_metric(j3, "cpu.time");
    cr_expect_eq(json_i64(find_point(m1, "cpu", "a"), "asInt"), 10);
    cr_expect_eq(json_i64(find_point(m1, "cpu", "b"), "asInt"), 5);
    cr_expect_eq(json_i64(find_point(m2, "cpu", "a"), "asInt"), 10);
    cr_expect_null(find_point(m2, "cpu", "b")); /* not observed: not reported */
    cr_expect(json_is_true(json_object_get(metric_body(m1), "isMonotonic")));
    /* cumulative: the observed total */
    cr_expect_eq(json_i64(find_point(m3, "cpu", "a"), "asInt"), 30);
    cr_expect_null(find_point(m3, "cpu", "b"));
    cr_expect_eq(json_integer_value(json_object_get(metric_body(m3), "aggregationTemporality")), 2);
    cr_expect_eq(json_dbl(find_point(find_metric(j3, "temp"), NULL, NULL), "asDouble"), 1.5);
    json_decref(j1);
    json_decref(j2);
    json_decref(j3);
    otel_meter_provider_destroy(p);
}

Test(metrics_temporality, preference_mapping)
{
    cr_expect_eq(otel_temporality_select(OTEL_TEMPORALITY_PREFERENCE_CUMULATIVE, OTEL_INSTRUMENT_COUNTER),
                 OTEL_TEMPORALITY_CUMULATIVE);
    cr_expect_eq(otel_temporality_select(OTEL_TEMPORALITY_PREFERENCE_DELTA, OTEL_INSTRUMENT_OBSERVABLE_COUNTER),
                 OTEL_TEMPORALITY_DELTA);
    cr_expect_eq(otel_temporality_select(OTEL_TEMPORALITY_PREFERENCE_LOWMEMORY, OTEL_INSTRUMENT_OBSERVABLE_COUNTER),
                 OTEL_TEMPORALITY_CUMULATIVE);
    cr_expect_eq(otel_temporality_select(OTEL_TEMPORALITY_PREFERENCE_LOWMEMORY, OTEL_INSTRUMENT_HISTOGRAM),
                 OTEL_TEMPORALITY_DELTA);
    cr_expect_eq(otel_temporality_select(OTEL_TEMPORALITY_PREFERENCE_DELTA, OTEL_INSTRUMENT_UP_DOWN_COUNTER),
                 OTEL_TEMPORALITY_CUMULATIVE);
    cr_expect_eq(otel_temporality_select(OTEL_TEMPORALITY_PREFERENCE_DELTA, OTEL_INSTRUMENT_GAUGE),
                 OTEL_TEMPORALITY_UNSPECIFIED);
}
