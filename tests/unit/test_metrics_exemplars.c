/* SPDX-License-Identifier: Apache-2.0 */
/* Exemplars: only from sampled spans (trace_based), the right ids, one per histogram bucket, filters. */
#include "metrics_test_util.h"

static otel_span_context_t span(uint8_t tag, bool sampled)
{
    otel_span_context_t ctx = {0};
    for (int i = 0; i < 16; i++)
        ctx.trace_id.bytes[i] = (uint8_t)(tag + i);
    for (int i = 0; i < 8; i++)
        ctx.span_id.bytes[i] = (uint8_t)(0xa0 + tag + i);
    ctx.trace_flags = sampled ? OTEL_TRACE_FLAGS_SAMPLED : 0;
    return ctx;
}

static void hex_of(const otel_span_context_t *ctx, char tid[33], char sid[17])
{
    otel_hex_encode(ctx->trace_id.bytes, 16, tid);
    otel_hex_encode(ctx->span_id.bytes, 8, sid);
}

Test(metrics_exemplars, only_sampled_spans_with_their_ids)
{
    otel_meter_t *meter;
    otel_meter_provider_t *p = make_provider(0, OTEL_EXEMPLAR_FILTER_TRACE_BASED, &meter);
    const double bounds[] = {1, 10};
    otel_instrument_t *h = NULL;
    otel_instrument_options_t o = {.name = "lat",
                                   .kind = OTEL_INSTRUMENT_HISTOGRAM,
                                   .value_type = OTEL_NUMBER_DOUBLE,
                                   .bucket_bounds = bounds,
                                   .bucket_bound_count = 2};
    cr_assert_eq(otel_meter_create_instrument(meter, &o, &h), OTEL_OK);
    otel_instrument_t *c = make_instrument(meter, "c", OTEL_INSTRUMENT_COUNTER, OTEL_NUMBER_INT64);

    otel_span_context_t sampled = span(1, true), unsampled = span(2, false), later = span(3, true);
    otel_instrument_record_double(h, 0.5, NULL, 0); /* no span: no exemplar */
    otel_instrument_record_int64(c, 1, NULL, 0);
    const otel_span_context_t *prev = otel_context__set_current(&unsampled);
    otel_instrument_record_double(h, 5, NULL, 0); /* not sampled: no exemplar */
    otel_instrument_record_double(h, 50, NULL, 0);
    otel_instrument_record_int64(c, 1, NULL, 0);
    otel_context__set_current(&sampled);
    otel_instrument_record_double(h, 0.7, NULL, 0); /* bucket 0 */
    otel_instrument_record_double(h, 7, NULL, 0);   /* bucket 1 */
    otel_instrument_record_int64(c, 42, NULL, 0);
    otel_context__set_current(&later);
    otel_instrument_record_double(h, 8, NULL, 0); /* bucket 1 again: the last one wins */
    otel_context__set_current(prev);

    json_t *j = collect_json(p, OTEL_TEMPORALITY_PREFERENCE_CUMULATIVE);
    json_t *ex = json_object_get(find_point(find_metric(j, "lat"), NULL, NULL), "exemplars");
    cr_assert_eq(json_array_size(ex), 2, "one per bucket that saw a sampled measurement");
    char tid[33], sid[17], tid3[33], sid3[17];
    hex_of(&sampled, tid, sid);
    hex_of(&later, tid3, sid3);
    size_t i;
    json_t *e;
    bool saw_07 = false, saw_8 = false;
    json_array_foreach(ex, i, e)
    {
        double v = json_dbl(e, "asDouble");
        const char *t = json_string_value(json_object_get(e, "traceId"));
        const char *s = json_string_value(json_object_get(e, "spanId"));
        cr_assert_not_null(t);
        cr_assert_not_null(s);
        if (v == 0.7) {
            saw_07 = true;
            cr_expect_str_eq(t, tid);
            cr_expect_str_eq(s, sid);
        } else if (v == 8) {
            saw_8 = true;
            cr_expect_str_eq(t, tid3);
            cr_expect_str_eq(s, sid3);
        } else {
            cr_expect(false, "unexpected exemplar value %g", v);
        }
        cr_expect_gt(json_i64(e, "timeUnixNano"), 0);
    }
    cr_expect(saw_07 && saw_8);
    json_t *cex = json_object_get(find_point(find_metric(j, "c"), NULL, NULL), "exemplars");
    cr_assert_eq(json_array_size(cex), 1);
    cr_expect_eq(json_i64(json_array_get(cex, 0), "asInt"), 42);
    cr_expect_str_eq(json_string_value(json_object_get(json_array_get(cex, 0), "traceId")), tid);
    json_decref(j);

    /* reservoirs are emptied by a collection */
    j = collect_json(p, OTEL_TEMPORALITY_PREFERENCE_CUMULATIVE);
    cr_expect_null(json_object_get(find_point(find_metric(j, "lat"), NULL, NULL), "exemplars"));
    json_decref(j);
    otel_meter_provider_destroy(p);
}

Test(metrics_exemplars, always_off_and_always_on)
{
    otel_meter_t *m_off, *m_on;
    otel_meter_provider_t *off = make_provider(0, OTEL_EXEMPLAR_FILTER_ALWAYS_OFF, &m_off);
    otel_meter_provider_t *on = make_provider(0, OTEL_EXEMPLAR_FILTER_ALWAYS_ON, &m_on);
    otel_instrument_t *c_off = make_instrument(m_off, "c", OTEL_INSTRUMENT_COUNTER, OTEL_NUMBER_DOUBLE);
    otel_instrument_t *c_on = make_instrument(m_on, "c", OTEL_INSTRUMENT_COUNTER, OTEL_NUMBER_DOUBLE);
    otel_span_context_t sampled = span(9, true);
    const otel_span_context_t *prev = otel_context__set_current(&sampled);
    otel_instrument_record_double(c_off, 1, NULL, 0);
    otel_context__set_current(prev);
    for (int i = 0; i < 100; i++)
        otel_instrument_record_double(c_on, i, NULL, 0); /* no span at all */
    json_t *j = collect_json(off, OTEL_TEMPORALITY_PREFERENCE_CUMULATIVE);
    cr_expect_null(json_object_get(find_point(find_metric(j, "c"), NULL, NULL), "exemplars"));
    json_decref(j);
    j = collect_json(on, OTEL_TEMPORALITY_PREFERENCE_CUMULATIVE);
    json_t *ex = json_object_get(find_point(find_metric(j, "c"), NULL, NULL), "exemplars");
    cr_expect_eq(json_array_size(ex), 4, "the fixed-size reservoir holds 4");
    cr_expect_null(json_object_get(json_array_get(ex, 0), "traceId"), "no span: no ids");
    json_decref(j);
    otel_meter_provider_destroy(off);
    otel_meter_provider_destroy(on);
}
