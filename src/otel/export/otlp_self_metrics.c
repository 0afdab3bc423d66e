/* SPDX-License-Identifier: Apache-2.0 */
/* The OTLP exporters' and the logs SDK's own health as observable metrics, named after OpenTelemetry's
 * SDK self-observability conventions (otel.sdk.exporter.*, otel.sdk.processor.log.*, otel.sdk.log.created). */
#include "otel/metrics.h"
#include "otel/otlp.h"

static const char *const component_types[] = {"otlp_grpc_span_exporter", "otlp_grpc_metric_exporter",
                                              "otlp_grpc_log_exporter"};

/* Each exporter counter reports the exported items (no error.type) and the failed or rejected ones. */
static void observe_exported(otel_observer_t *observer, void *user)
{
    otel_otlp_signal_t signal = (otel_otlp_signal_t)(intptr_t)user;
    otel_otlp_stats_t s;
    otel_otlp_get_stats(signal, &s);
    otel_attribute_t ok[1] = {OTEL_ATTR_STR("otel.component.type", "")};
    ok[0].value.u.string = otel_str_from_cstr(component_types[signal]);
    otel_attribute_t failed[2] = {ok[0], OTEL_ATTR_STR("error.type", "export_failed")};
    otel_attribute_t rejected[2] = {ok[0], OTEL_ATTR_STR("error.type", "rejected")};
    otel_observer_observe_int64(observer, (int64_t)s.items_exported, ok, 1);
    otel_observer_observe_int64(observer, (int64_t)s.items_failed, failed, 2);
    otel_observer_observe_int64(observer, (int64_t)s.items_rejected, rejected, 2);
}

static void observe_retries(otel_observer_t *observer, void *user)
{
    otel_otlp_signal_t signal = (otel_otlp_signal_t)(intptr_t)user;
    otel_otlp_stats_t s;
    otel_otlp_get_stats(signal, &s);
    otel_attribute_t a[1] = {OTEL_ATTR_STR("otel.component.type", "")};
    a[0].value.u.string = otel_str_from_cstr(component_types[signal]);
    otel_observer_observe_int64(observer, (int64_t)s.retries, a, 1);
}

otel_status_t otel_otlp_register_self_metrics(otel_meter_t *meter)
{
    static const struct {
        const char *name, *unit;
    } exported[] = {{"otel.sdk.exporter.span.exported", "{span}"},
                    {"otel.sdk.exporter.metric_data_point.exported", "{data_point}"},
                    {"otel.sdk.exporter.log.exported", "{log_record}"}};
    for (int sig = 0; sig < 3; sig++) {
        otel_instrument_t *inst;
        otel_instrument_options_t o = {.name = exported[sig].name,
                                       .unit = exported[sig].unit,
                                       .description = "Items the OTLP exporter delivered (no error.type) or lost",
                                       .kind = OTEL_INSTRUMENT_OBSERVABLE_COUNTER,
                                       .value_type = OTEL_NUMBER_INT64,
                                       .callback = observe_exported,
                                       .callback_user = (void *)(intptr_t)sig};
        otel_status_t st = otel_meter_create_instrument(meter, &o, &inst);
        if (st != OTEL_OK)
            return st;
    }
    static const char *const retry_names[] = {"otel.sdk.exporter.span.retries", "otel.sdk.exporter.metric.retries",
                                              "otel.sdk.exporter.log.retries"};
    for (int sig = 0; sig < 3; sig++) {
        otel_instrument_t *inst;
        otel_instrument_options_t o = {.name = retry_names[sig],
                                       .unit = "{attempt}",
                                       .description = "Export attempts repeated after a retryable failure",
                                       .kind = OTEL_INSTRUMENT_OBSERVABLE_COUNTER,
                                       .value_type = OTEL_NUMBER_INT64,
                                       .callback = observe_retries,
                                       .callback_user = (void *)(intptr_t)sig};
        otel_status_t st = otel_meter_create_instrument(meter, &o, &inst);
        if (st != OTEL_OK)
            return st;
    }
    return OTEL_OK;
}
