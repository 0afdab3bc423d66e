/* SPDX-License-Identifier: Apache-2.0 */
/* Instrument creation: name/unit/description rules, duplicates, options; meters; bound handles. */
#include "metrics_test_util.h"

static otel_status_t create(otel_meter_t *meter, const char *name, const char *unit, otel_instrument_t **out)
{
    otel_instrument_options_t o = {
        .name = name, .unit = unit, .kind = OTEL_INSTRUMENT_COUNTER, .value_type = OTEL_NUMBER_INT64};
    return otel_meter_create_instrument(meter, &o, out);
}

Test(metrics_instruments, bad_names_rejected)
{
    otel_meter_t *meter;
    otel_meter_provider_t *p = make_provider(0, OTEL_EXEMPLAR_FILTER_ALWAYS_OFF, &meter);
    char long_name[300];
    memset(long_name, 'a', 256);
    long_name[256] = '\0';
    const char *bad[] = {"", "1abc", "_abc", "a b", "a#b", "caf\xc3\xa9", long_name, NULL};
    for (int i = 0; bad[i] != NULL || i == 0; i++) {
        otel_instrument_t *inst = (otel_instrument_t *)1;
        cr_expect_eq(create(meter, bad[i], NULL, &inst), OTEL_ERR_INVALID_ARGUMENT, "name '%s'", bad[i]);
        cr_expect_null(inst);
        if (bad[i] == NULL)
            break;
    }
    long_name[255] = '\0';
    const char *good[] = {"a", "http.server.request.duration", "A-b_c/d.e9", long_name};
    for (int i = 0; i < 4; i++) {
        otel_instrument_t *inst = NULL;
        cr_expect_eq(create(meter, good[i], "ms", &inst), OTEL_OK, "name '%s'", good[i]);
        cr_expect_not_null(inst);
    }
    otel_instrument_t *inst = NULL;
    cr_expect_eq(create(meter, "u1", "\xc2\xb5s", &inst), OTEL_ERR_INVALID_ARGUMENT, "non-ASCII unit");
    char long_unit[70];
    memset(long_unit, 'm', 64);
    long_unit[64] = '\0';
    cr_expect_eq(create(meter, "u2", long_unit, &inst), OTEL_ERR_INVALID_ARGUMENT, "unit of 64 chars");
    otel_meter_provider_destroy(p);
}

Test(metrics_instruments, duplicates_and_options)
{
    otel_meter_t *meter;
    otel_meter_provider_t *p = make_provider(0, OTEL_EXEMPLAR_FILTER_ALWAYS_OFF, &meter);
    otel_instrument_t *a = NULL, *b = NULL, *c = NULL;
    cr_assert_eq(create(meter, "requests", "1", &a), OTEL_OK);
    cr_expect_eq(create(meter, "REQUESTS", "1", &b), OTEL_OK, "case-insensitive identical");
    cr_expect_eq(a, b);
    cr_expect_eq(create(meter, "requests", "s", &c), OTEL_ERR_INVALID_ARGUMENT, "same name, other unit");
    otel_instrument_options_t o = {.name = "obs", .kind = OTEL_INSTRUMENT_OBSERVABLE_GAUGE};
    cr_expect_eq(otel_meter_create_instrument(meter, &o, &c), OTEL_ERR_INVALID_ARGUMENT, "no callback");
    const double unsorted[] = {1, 5, 2};
    o = (otel_instrument_options_t){
        .name = "h", .kind = OTEL_INSTRUMENT_HISTOGRAM, .bucket_bounds = unsorted, .bucket_bound_count = 3};
    cr_expect_eq(otel_meter_create_instrument(meter, &o, &c), OTEL_ERR_INVALID_ARGUMENT, "unsorted bounds");
    cr_expect_eq(otel_meter_create_instrument(NULL, &o, &c), OTEL_ERR_INVALID_ARGUMENT);
    /* meters: same scope, same meter */
    otel_meter_t *m2 = NULL, *m3 = NULL;
    cr_expect_eq(otel_meter_provider_get_meter(p, "test", "1.0", NULL, &m2), OTEL_OK);
    cr_expect_eq(m2, meter);
    cr_expect_eq(otel_meter_provider_get_meter(p, "test", "2.0", NULL, &m3), OTEL_OK);
    cr_expect_neq(m3, meter);
    /* NULL instrument and handle are no-ops */
    otel_instrument_record_int64(NULL, 1, NULL, 0);
    otel_bound_record_double(NULL, 1);
    cr_expect_null(otel_instrument_bind(NULL, NULL, 0));
    otel_meter_provider_destroy(p);
    otel_meter_provider_destroy(NULL);
}

Test(metrics_instruments, attribute_sets_are_canonical)
{
    otel_meter_t *meter;
    otel_meter_provider_t *p = make_provider(0, OTEL_EXEMPLAR_FILTER_ALWAYS_OFF, &meter);
    otel_instrument_t *c = make_instrument(meter, "c", OTEL_INSTRUMENT_COUNTER, OTEL_NUMBER_INT64);
    otel_attribute_t ab[] = {OTEL_ATTR_STR("a", "1"), OTEL_ATTR_INT("b", 2)};
    otel_attribute_t ba[] = {OTEL_ATTR_INT("b", 2), OTEL_ATTR_STR("a", "1")};
    otel_attribute_t dup[] = {OTEL_ATTR_STR("a", "0"), OTEL_ATTR_INT("b", 2), OTEL_ATTR_STR("a", "1")};
    otel_bound_instrument_t *h1 = otel_instrument_bind(c, ab, 2), *h2 = otel_instrument_bind(c, ba, 2);
    cr_expect_eq(h1, h2, "order does not matter");
    cr_expect_eq(otel_instrument_bind(c, dup, 3), h1, "the last duplicate wins");
    otel_attribute_t other[] = {OTEL_ATTR_STR("a", "1"), OTEL_ATTR_DOUBLE("b", 2)};
    cr_expect_neq(otel_instrument_bind(c, other, 2), h1, "int 2 and double 2 differ");
    otel_instrument_record_int64(c, 1, ab, 2);
    otel_instrument_record_int64(c, 1, ba, 2);
    otel_instrument_record_int64(c, 1, dup, 3);
    otel_bound_record_int64(h1, 1);
    int64_t ints[] = {1, 2};
    otel_attribute_t arr = {OTEL_STR("codes"), {.type = OTEL_VALUE_INT64_ARRAY, .u.int64s = {ints, 2}}};
    otel_instrument_record_int64(c, 7, &arr, 1);
    json_t *j = collect_json(p, OTEL_TEMPORALITY_PREFERENCE_CUMULATIVE);
    json_t *pt = find_point(find_metric(j, "c"), "a", "1");
    cr_assert_not_null(pt);
    /* sorted by key */
    json_t *attrs = json_object_get(pt, "attributes");
    cr_expect_str_eq(json_string_value(json_object_get(json_array_get(attrs, 0), "key")), "a");
    cr_expect_str_eq(json_string_value(json_object_get(json_array_get(attrs, 1), "key")), "b");
    json_t *pa = find_point(find_metric(j, "c"), "codes", NULL);
    cr_assert_not_null(pa);
    cr_expect_eq(json_i64(pa, "asInt"), 7);
    json_decref(j);
    /* 4 on {a=1,b=2} and 0 on {a=1,b=2.0}: sum of points is 11 */
    j = collect_json(p, OTEL_TEMPORALITY_PREFERENCE_CUMULATIVE);
    size_t i;
    long long total = 0;
    json_array_foreach(points_of(find_metric(j, "c")), i, pt) total += json_i64(pt, "asInt");
    cr_expect_eq(total, 11);
    json_decref(j);
    otel_meter_provider_destroy(p);
}
