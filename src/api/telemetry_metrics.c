/* SPDX-License-Identifier: Apache-2.0 */
/* Per-route telemetry state (switches, span names, seed counters at 0) and the SDK self-metrics. */
#include <math.h>
#include <string.h>

#include "routes.h"
#include "telemetry_internal.h"

void api_tel__routes_init(void)
{
    const api_tel_settings_t *s = &api_tel.settings;
    api_tel.route_slots = api_route_count + 1;
    for (size_t i = 0; i < api_tel.route_slots; i++) {
        api_tel_route_t *r = &api_tel.routes[i];
        const char *path = i < api_route_count ? api_routes[i].path : "";
        r->route = otel_str_from_cstr(path);
        /* Defaults: probes are not traced (they would drown the traces), everything else is. */
        int probe = strcmp(path, "/healthz") == 0 || strcmp(path, "/readyz") == 0;
        r->trace = !probe;
        r->metrics = true;
        r->sample_all = true;
        r->sample_threshold = UINT64_MAX;
        r->extra_count = 0;
        const api_tel_route_settings_t *rs = i < api_route_count ? api_tel_settings_route(s, path) : NULL;
        if (rs != NULL) {
            r->trace = rs->trace;
            r->metrics = rs->metrics;
            r->sample_all = rs->sample_ratio >= 1.0;
            r->sample_threshold = r->sample_all ? UINT64_MAX : (uint64_t)ldexp(rs->sample_ratio, 64);
            r->extra_count = rs->extra_count;
            for (size_t k = 0; k < rs->extra_count; k++)
                r->extra[k] =
                    (otel_attribute_t){otel_str_from_cstr(rs->extra_key[k]),
                                       {.type = OTEL_VALUE_STRING, .u.string = otel_str_from_cstr(rs->extra_value[k])}};
        }
        for (int m = 0; m < API_TEL_METHODS; m++) {
            /* {method} {route}; "HTTP" for _OTHER; just the method when no route matched. */
            const char *method = m == API_TEL_METHOD_OTHER ? "HTTP" : api_tel_method_names[m];
            int n = snprintf(r->span_name[m], sizeof(r->span_name[m]), "%s%s%s", method, *path ? " " : "", path);
            r->span_name_len[m] = n > 0 && (size_t)n < sizeof(r->span_name[m]) ? (size_t)n : 0;
        }
        if (!api_tel.enabled || !r->metrics)
            continue;
        /* The seed's "avoid missing metrics": every series exists (at 0) before the first request. */
        otel_attribute_t a[2] = {{OTEL_STR("http.route"), {.type = OTEL_VALUE_STRING, .u.string = r->route}}};
        size_t na = r->route.len > 0 ? 1 : 0;
        r->requests = otel_instrument_bind(api_tel.requests, a, na);
        otel_bound_record_int64(r->requests, 0);
        a[na] = OTEL_ATTR_STR("type", "4xx");
        r->failed_4xx = otel_instrument_bind(api_tel.failed, a, na + 1);
        otel_bound_record_int64(r->failed_4xx, 0);
        a[na] = OTEL_ATTR_STR("type", "5xx");
        r->failed_5xx = otel_instrument_bind(api_tel.failed, a, na + 1);
        otel_bound_record_int64(r->failed_5xx, 0);
    }
}

/* ------------------------------------------------------------------------------------------ self-metrics -- */

/* The counters spans and log records share, read from their provider. */
typedef struct sdk_counts {
    uint64_t created, recording, exported, failed, dropped, queue_size, queue_capacity;
    uint64_t alloc_failed; /* spans only: starts that could not allocate a span */
} sdk_counts_t;

enum { SIGNAL_SPANS = 0, SIGNAL_LOGS = 1 };
enum { M_CREATED, M_PROCESSED, M_EXPORTED, M_QUEUE_SIZE, M_QUEUE_CAPACITY };
#define SELF(signal, metric) ((void *)(intptr_t)((signal) << 4 | (metric)))

static sdk_counts_t read_counts(int signal)
{
    if (signal == SIGNAL_SPANS) {
        otel_trace_stats_t st;
        otel_tracer_provider_get_stats(api_tel.tracer_provider, &st);
        return (sdk_counts_t){st.spans_started, st.spans_recording, st.spans_exported, st.spans_failed,
                              st.spans_dropped, st.queue_size,      st.queue_capacity, st.spans_alloc_failed};
    }
    otel_log_record_processor_stats_t st;
    otel_logger_provider_get_stats(api_tel.logger_provider, &st);
    return (sdk_counts_t){st.records_received, st.records_received, st.records_exported, st.records_failed,
                          st.records_dropped,  st.queue_size,       st.queue_capacity,   0};
}

static void observe_sdk(otel_observer_t *o, void *user)
{
    int signal = (int)(intptr_t)user >> 4, metric = (int)(intptr_t)user & 15;
    sdk_counts_t c = read_counts(signal);
    otel_attribute_t err_full = OTEL_ATTR_STR("error.type", "queue_full");
    otel_attribute_t err_export = OTEL_ATTR_STR("error.type", "export_failed");
    switch (metric) {
    case M_CREATED:
        if (signal == SIGNAL_SPANS) { /* otel.sdk.span.started by sampling result */
            otel_attribute_t drop = OTEL_ATTR_STR("otel.span.sampling_result", "DROP");
            otel_attribute_t keep = OTEL_ATTR_STR("otel.span.sampling_result", "RECORD_AND_SAMPLE");
            otel_observer_observe_int64(o, (int64_t)(c.created - c.recording), &drop, 1);
            otel_observer_observe_int64(o, (int64_t)c.recording, &keep, 1);
        } else {
            otel_observer_observe_int64(o, (int64_t)c.created, NULL, 0);
        }
        break;
    case M_PROCESSED:
        otel_observer_observe_int64(o, (int64_t)(c.exported + c.failed), NULL, 0);
        otel_observer_observe_int64(o, (int64_t)c.dropped, &err_full, 1);
        if (signal == SIGNAL_SPANS) {
            otel_attribute_t err_oom = OTEL_ATTR_STR("error.type", "out_of_memory");
            otel_observer_observe_int64(o, (int64_t)c.alloc_failed, &err_oom, 1);
        }
        break;
    case M_EXPORTED:
        otel_observer_observe_int64(o, (int64_t)c.exported, NULL, 0);
        otel_observer_observe_int64(o, (int64_t)c.failed, &err_export, 1);
        break;
    case M_QUEUE_SIZE:
        otel_observer_observe_int64(o, (int64_t)c.queue_size, NULL, 0);
        break;
    default:
        otel_observer_observe_int64(o, (int64_t)c.queue_capacity, NULL, 0);
        break;
    }
}

static void observe_metric_points(otel_observer_t *o, void *user)
{
    (void)user;
    otel_otlp_stats_t st;
    otel_otlp_get_stats(OTEL_OTLP_METRICS, &st);
    otel_attribute_t err_export = OTEL_ATTR_STR("error.type", "export_failed");
    otel_observer_observe_int64(o, (int64_t)st.items_exported, NULL, 0);
    otel_observer_observe_int64(o, (int64_t)st.items_failed, &err_export, 1);
}

static int observable(const char *name, const char *unit, const char *desc, otel_instrument_kind_t kind,
                      otel_observable_callback_t cb, void *which)
{
    otel_instrument_options_t o = {.name = name,
                                   .unit = unit,
                                   .description = desc,
                                   .kind = kind,
                                   .value_type = OTEL_NUMBER_INT64,
                                   .callback = cb,
                                   .callback_user = which};
    otel_instrument_t *unused;
    return otel_meter_create_instrument(api_tel.meter, &o, &unused) == OTEL_OK ? 0 : -1;
}

int api_tel__self_metrics_init(void)
{
    const otel_instrument_kind_t C = OTEL_INSTRUMENT_OBSERVABLE_COUNTER, U = OTEL_INSTRUMENT_OBSERVABLE_UP_DOWN_COUNTER;
    int rc = 0;
    rc |= observable("otel.sdk.span.started", "{span}", "Spans started, by sampling result.", C, observe_sdk,
                     SELF(SIGNAL_SPANS, M_CREATED));
    rc |= observable("otel.sdk.processor.span.processed", "{span}",
                     "Spans the processor finished with (error.type=queue_full: dropped).", C, observe_sdk,
                     SELF(SIGNAL_SPANS, M_PROCESSED));
    rc |= observable("otel.sdk.exporter.span.exported", "{span}", "Spans exported (error.type on failure).", C,
                     observe_sdk, SELF(SIGNAL_SPANS, M_EXPORTED));
    rc |= observable("otel.sdk.processor.span.queue.size", "{span}", "Spans waiting in the batch queue.", U,
                     observe_sdk, SELF(SIGNAL_SPANS, M_QUEUE_SIZE));
    rc |= observable("otel.sdk.processor.span.queue.capacity", "{span}", "Capacity of the batch queue.", U, observe_sdk,
                     SELF(SIGNAL_SPANS, M_QUEUE_CAPACITY));
    rc |= observable("otel.sdk.log.created", "{log_record}", "Log records emitted.", C, observe_sdk,
                     SELF(SIGNAL_LOGS, M_CREATED));
    rc |= observable("otel.sdk.processor.log.processed", "{log_record}",
                     "Log records the processor finished with (error.type=queue_full: dropped).", C, observe_sdk,
                     SELF(SIGNAL_LOGS, M_PROCESSED));
    rc |= observable("otel.sdk.exporter.log.exported", "{log_record}", "Log records exported (error.type on failure).",
                     C, observe_sdk, SELF(SIGNAL_LOGS, M_EXPORTED));
    rc |= observable("otel.sdk.processor.log.queue.size", "{log_record}", "Log records waiting in the batch queue.", U,
                     observe_sdk, SELF(SIGNAL_LOGS, M_QUEUE_SIZE));
    rc |= observable("otel.sdk.processor.log.queue.capacity", "{log_record}", "Capacity of the batch queue.", U,
                     observe_sdk, SELF(SIGNAL_LOGS, M_QUEUE_CAPACITY));
    rc |= observable("otel.sdk.exporter.metric_data_point.exported", "{data_point}",
                     "Metric data points exported over OTLP (error.type on failure).", C, observe_metric_points, NULL);
    return rc == 0 ? 0 : -1;
}

void api_telemetry_throttle_record(const char *outcome, unsigned generations_run)
{
    if (!api_tel.enabled)
        return;
    otel_attribute_t a = {OTEL_STR("outcome"), {.type = OTEL_VALUE_STRING, .u.string = otel_str_from_cstr(outcome)}};
    otel_instrument_record_int64(api_tel.throttle_runs, 1, &a, 1);
    if (generations_run > 0)
        otel_instrument_record_int64(api_tel.throttle_generations, (int64_t)generations_run, NULL, 0);
}
