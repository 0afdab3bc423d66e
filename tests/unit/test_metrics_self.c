/* SPDX-License-Identifier: Apache-2.0 */
/* Self-observability: the tracer provider's and the metric reader's counters as metrics. */
#include "metrics_test_util.h"
#include "otel/trace.h"

Test(metrics_self, tracer_provider_counters_become_metrics)
{
    otel_tracer_provider_options_t to;
    otel_tracer_provider_options_init(&to);
    otel_tracer_provider_t *tp = NULL;
    cr_assert_eq(otel_tracer_provider_create(&to, &tp), OTEL_OK);
    otel_scope_t scope = {.name = OTEL_STR("self-test")};
    otel_tracer_t *tracer = otel_tracer_provider_get_tracer(tp, &scope);
    cr_assert_not_null(tracer);

    otel_meter_t *meter;
    otel_meter_provider_t *p = make_provider(0, OTEL_EXEMPLAR_FILTER_ALWAYS_OFF, &meter);
    cr_assert_eq(otel_metrics_observe_tracer_provider(meter, tp), OTEL_OK);
    otel_span_t *spans[5];
    for (int i = 0; i < 5; i++)
        spans[i] = otel_tracer_start_span(tracer, OTEL_STR("op"), NULL);
    for (int i = 0; i < 3; i++)
        otel_span_end(spans[i], 0);

    json_t *j = collect_json(p, OTEL_TEMPORALITY_PREFERENCE_CUMULATIVE);
    json_t *started = find_metric(j, "otel.sdk.span.started");
    cr_assert_not_null(started);
    cr_expect_eq(json_i64(find_point(started, NULL, NULL), "asInt"), 5);
    cr_expect_str_eq(json_string_value(json_object_get(started, "unit")), "{span}");
    cr_expect_eq(json_i64(find_point(find_metric(j, "otel.sdk.span.live"), NULL, NULL), "asInt"), 2);
    cr_expect_not_null(find_point(find_metric(j, "otel.sdk.processor.span.processed"), "error.type", "queue_full"));
    json_decref(j);
    for (int i = 3; i < 5; i++)
        otel_span_end(spans[i], 0);
    j = collect_json(p, OTEL_TEMPORALITY_PREFERENCE_CUMULATIVE);
    cr_expect_eq(json_i64(find_point(find_metric(j, "otel.sdk.span.live"), NULL, NULL), "asInt"), 0);
    json_decref(j);
    otel_meter_provider_destroy(p);
    otel_tracer_provider_destroy(tp);
}
