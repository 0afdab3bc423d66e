/* SPDX-License-Identifier: Apache-2.0 */
/* Views: rename, attribute allow-list, aggregation override, drop, selection by meter. */
#include "metrics_test_util.h"

Test(metrics_views, rename_filter_and_bounds)
{
    otel_meter_t *meter;
    otel_meter_provider_t *p = make_provider(0, OTEL_EXEMPLAR_FILTER_ALWAYS_OFF, &meter);
    const char *keep[] = {"http.route"};
    const double bounds[] = {1, 2};
    otel_view_t v = {.instrument_name = "LATENCY",
                     .name = "http.latency",
                     .description = "renamed",
                     .filter_attributes = true,
                     .attribute_keys = keep,
                     .attribute_key_count = 1,
                     .bucket_bounds = bounds,
                     .bucket_bound_count = 2};
    cr_assert_eq(otel_meter_provider_add_view(p, &v), OTEL_OK);
    otel_instrument_t *h = make_instrument(meter, "latency", OTEL_INSTRUMENT_HISTOGRAM, OTEL_NUMBER_DOUBLE);
    otel_attribute_t a1[] = {OTEL_ATTR_STR("http.route", "/a"), OTEL_ATTR_STR("user", "u1")};
    otel_attribute_t a2[] = {OTEL_ATTR_STR("user", "u2"), OTEL_ATTR_STR("http.route", "/a")};
    otel_instrument_record_double(h, 0.5, a1, 2);
    otel_instrument_record_double(h, 1.5, a2, 2);
    otel_instrument_record_double(h, 9, NULL, 0);
    json_t *j = collect_json(p, OTEL_TEMPORALITY_PREFERENCE_CUMULATIVE);
    cr_expect_null(find_metric(j, "latency"));
    json_t *m = find_metric(j, "http.latency");
    cr_assert_not_null(m);
    cr_expect_str_eq(json_string_value(json_object_get(m, "description")), "renamed");
    cr_expect_eq(json_array_size(points_of(m)), 2, "users merged; the empty set apart");
    json_t *pt = find_point(m, "http.route", "/a");
    cr_assert_not_null(pt);
    cr_expect_eq(json_array_size(json_object_get(pt, "attributes")), 1);
    cr_expect_eq(json_i64(pt, "count"), 2);
    cr_expect_eq(json_array_size(json_object_get(pt, "bucketCounts")), 3);
    cr_expect_eq(bucket(pt, 0), 1);
    cr_expect_eq(bucket(pt, 1), 1);
    json_decref(j);
    otel_meter_provider_destroy(p);
}

Test(metrics_views, aggregation_override_and_drop)
{
    otel_meter_t *meter;
    otel_meter_provider_t *p = make_provider(0, OTEL_EXEMPLAR_FILTER_ALWAYS_OFF, &meter);
    otel_view_t as_sum = {.instrument_name = "sizes", .aggregation = OTEL_VIEW_AGGREGATION_SUM};
    otel_view_t as_last = {.instrument_name = "hits", .aggregation = OTEL_VIEW_AGGREGATION_LAST_VALUE};
    otel_view_t dropped = {.instrument_name = "noise", .aggregation = OTEL_VIEW_AGGREGATION_DROP};
    otel_view_t other_meter = {
        .instrument_name = "*", .meter_name = "other", .aggregation = OTEL_VIEW_AGGREGATION_DROP};
    otel_view_t exp = {.instrument_name = "lat", .aggregation = OTEL_VIEW_AGGREGATION_EXPONENTIAL_HISTOGRAM};
    otel_view_t bad = {.instrument_name = "*", .name = "x"};
    cr_assert_eq(otel_meter_provider_add_view(p, &as_sum), OTEL_OK);
    cr_assert_eq(otel_meter_provider_add_view(p, &as_last), OTEL_OK);
    cr_assert_eq(otel_meter_provider_add_view(p, &dropped), OTEL_OK);
    cr_assert_eq(otel_meter_provider_add_view(p, &other_meter), OTEL_OK);
    cr_assert_eq(otel_meter_provider_add_view(p, &exp), OTEL_OK);
    cr_expect_eq(otel_meter_provider_add_view(p, &bad), OTEL_ERR_INVALID_ARGUMENT, "rename with *");
    otel_instrument_t *sizes = make_instrument(meter, "sizes", OTEL_INSTRUMENT_HISTOGRAM, OTEL_NUMBER_INT64);
    otel_instrument_t *hits = make_instrument(meter, "hits", OTEL_INSTRUMENT_COUNTER, OTEL_NUMBER_INT64);
    otel_instrument_t *noise = make_instrument(meter, "noise", OTEL_INSTRUMENT_COUNTER, OTEL_NUMBER_INT64);
    otel_instrument_t *lat = make_instrument(meter, "lat", OTEL_INSTRUMENT_HISTOGRAM, OTEL_NUMBER_DOUBLE);
    otel_meter_t *other = NULL;
    cr_assert_eq(otel_meter_provider_get_meter(p, "other", NULL, NULL, &other), OTEL_OK);
    otel_instrument_t *o = make_instrument(other, "kept.elsewhere", OTEL_INSTRUMENT_COUNTER, OTEL_NUMBER_INT64);
    otel_instrument_record_int64(sizes, 100, NULL, 0);
    otel_instrument_record_int64(sizes, 23, NULL, 0);
    otel_instrument_record_int64(hits, 5, NULL, 0);
    otel_instrument_record_int64(hits, 7, NULL, 0);
    otel_instrument_record_int64(noise, 1, NULL, 0);
    otel_instrument_record_int64(o, 1, NULL, 0);
    otel_instrument_record_double(lat, 3, NULL, 0);
    cr_expect_null(otel_instrument_bind(noise, NULL, 0), "a dropped instrument has no handles");
    json_t *j = collect_json(p, OTEL_TEMPORALITY_PREFERENCE_CUMULATIVE);
    json_t *m = find_metric(j, "sizes");
    cr_assert_not_null(json_object_get(m, "sum"));
    cr_expect_eq(json_i64(find_point(m, NULL, NULL), "asInt"), 123);
    m = find_metric(j, "hits");
    cr_assert_not_null(json_object_get(m, "gauge"));
    cr_expect_eq(json_i64(find_point(m, NULL, NULL), "asInt"), 7);
    cr_expect_null(find_metric(j, "noise"));
    cr_expect_null(find_metric(j, "kept.elsewhere"));
    cr_expect_not_null(json_object_get(find_metric(j, "lat"), "exponentialHistogram"));
    json_decref(j);
    otel_meter_provider_destroy(p);
}
