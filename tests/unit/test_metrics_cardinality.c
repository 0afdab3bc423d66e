/* SPDX-License-Identifier: Apache-2.0 */
/* The cardinality limit: extra attribute sets go to the otel.metric.overflow=true point, totals kept. */
#include <stdio.h>
#include "metrics_test_util.h"

static json_t *overflow_point(json_t *m)
{
    size_t i, k;
    json_t *pt, *a;
    json_array_foreach(points_of(m), i, pt)
        json_array_foreach(json_object_get(pt, "attributes"), k,
                           a) if (strcmp(json_string_value(json_object_get(a, "key")), "otel.metric.overflow") == 0 &&
                                  json_is_true(json_object_get(json_object_get(a, "value"), "boolValue"))) return pt;
    return NULL;
}

Test(metrics_cardinality, overflow_point_keeps_totals)
{
    otel_meter_t *meter;
    otel_meter_provider_t *p = make_provider(10, OTEL_EXEMPLAR_FILTER_ALWAYS_OFF, &meter);
    otel_instrument_t *c = make_instrument(meter, "c", OTEL_INSTRUMENT_COUNTER, OTEL_NUMBER_INT64);
    char id[32];
    for (int round = 0; round < 3; round++)
        for (int i = 0; i < 25; i++) {
            snprintf(id, sizeof(id), "user-%d", i);
            otel_attribute_t a = OTEL_ATTR_STRN("user", id, strlen(id));
            otel_instrument_record_int64(c, i + 1, &a, 1);
        }
    /* binding beyond the limit hands out the overflow series */
    otel_attribute_t late = OTEL_ATTR_STR("user", "late");
    otel_bound_instrument_t *b = otel_instrument_bind(c, &late, 1);
    cr_assert_not_null(b);
    otel_bound_record_int64(b, 1000);
    json_t *j = collect_json(p, OTEL_TEMPORALITY_PREFERENCE_CUMULATIVE);
    json_t *m = find_metric(j, "c");
    cr_expect_eq(json_array_size(points_of(m)), 10, "9 series + overflow, got %zu", json_array_size(points_of(m)));
    long long total = 0;
    size_t i;
    json_t *pt;
    json_array_foreach(points_of(m), i, pt) total += json_i64(pt, "asInt");
    cr_expect_eq(total, 3LL * (25 * 26 / 2) + 1000);
    json_t *of = overflow_point(m);
    cr_assert_not_null(of);
    cr_expect_eq(json_i64(of, "asInt"),
                 3LL * (10 + 11 + 12 + 13 + 14 + 15 + 16 + 17 + 18 + 19 + 20 + 21 + 22 + 23 + 24 + 25) + 1000);
    /* the first nine attribute sets keep their own series */
    cr_expect_eq(json_i64(find_point(m, "user", "user-0"), "asInt"), 3);
    cr_expect_eq(json_i64(find_point(m, "user", "user-8"), "asInt"), 27);
    cr_expect_null(find_point(m, "user", "user-9"));
    json_decref(j);
    otel_meter_provider_destroy(p);
}

static void many_cb(otel_observer_t *obs, void *user)
{
    (void)user;
    char id[32];
    for (int i = 0; i < 6; i++) {
        snprintf(id, sizeof(id), "q%d", i);
        otel_attribute_t a = OTEL_ATTR_STRN("queue", id, strlen(id));
        otel_observer_observe_int64(obs, 10, &a, 1);
    }
}

Test(metrics_cardinality, observable_overflow_adds_up)
{
    otel_meter_t *meter;
    otel_meter_provider_t *p = make_provider(4, OTEL_EXEMPLAR_FILTER_ALWAYS_OFF, &meter);
    otel_instrument_t *oc = NULL;
    otel_instrument_options_t o = {.name = "depth",
                                   .kind = OTEL_INSTRUMENT_OBSERVABLE_UP_DOWN_COUNTER,
                                   .value_type = OTEL_NUMBER_INT64,
                                   .callback = many_cb};
    cr_assert_eq(otel_meter_create_instrument(meter, &o, &oc), OTEL_OK);
    for (int round = 0; round < 2; round++) {
        json_t *j = collect_json(p, OTEL_TEMPORALITY_PREFERENCE_CUMULATIVE);
        json_t *m = find_metric(j, "depth");
        cr_expect_eq(json_array_size(points_of(m)), 4);
        cr_expect_eq(json_i64(overflow_point(m), "asInt"), 30); /* q3, q4, q5 */
        json_decref(j);
    }
    otel_meter_provider_destroy(p);
}
