/* SPDX-License-Identifier: Apache-2.0 */
/* The SDK observing itself: observable instruments over the tracer provider's and the metric reader's counters
 * (names after the semantic conventions' otel.sdk.* metrics). */
#include "metrics/metrics_internal.h"
#include "otel/trace.h"

static void observe_spans(otel_observer_t *obs, void *user, int which)
{
    otel_trace_stats_t st;
    otel_tracer_provider_get_stats(user, &st);
    otel_attribute_t err = OTEL_ATTR_STR("error.type", "queue_full");
    otel_attribute_t oom = OTEL_ATTR_STR("error.type", "out_of_memory");
    switch (which) {
    case 0:
        otel_observer_observe_int64(obs, (int64_t)st.spans_started, NULL, 0);
        break;
    case 1: /* recording spans not ended yet */
        otel_observer_observe_int64(obs, (int64_t)(st.spans_recording - st.spans_ended), NULL, 0);
        break;
    case 2: /* spans the processors handled: handed to an exporter, or dropped (a processor's, or no memory) */
        otel_observer_observe_int64(obs, (int64_t)(st.spans_exported + st.spans_failed), NULL, 0);
        otel_observer_observe_int64(obs, (int64_t)st.spans_dropped, &err, 1);
        otel_observer_observe_int64(obs, (int64_t)st.spans_alloc_failed, &oom, 1);
        break;
    case 4:
        otel_observer_observe_int64(obs, (int64_t)st.queue_size, NULL, 0);
        break;
    default:
        otel_observer_observe_int64(obs, (int64_t)st.queue_capacity, NULL, 0);
        break;
    }
}

static void spans_started(otel_observer_t *o, void *u)
{
    observe_spans(o, u, 0);
}
static void spans_live(otel_observer_t *o, void *u)
{
    observe_spans(o, u, 1);
}
static void spans_processed(otel_observer_t *o, void *u)
{
    observe_spans(o, u, 2);
}
static void queue_size(otel_observer_t *o, void *u)
{
    observe_spans(o, u, 4);
}
static void queue_capacity(otel_observer_t *o, void *u)
{
    observe_spans(o, u, 5);
}

typedef struct self_instrument {
    const char *name, *description, *unit;
    otel_instrument_kind_t kind;
    otel_observable_callback_t callback;
} self_instrument_t;

static otel_status_t register_all(otel_meter_t *meter, const self_instrument_t *list, size_t n, void *user)
{
    for (size_t i = 0; i < n; i++) {
        otel_instrument_t *inst;
        otel_instrument_options_t o = {.name = list[i].name,
                                       .description = list[i].description,
                                       .unit = list[i].unit,
                                       .kind = list[i].kind,
                                       .value_type = OTEL_NUMBER_INT64,
                                       .callback = list[i].callback,
                                       .callback_user = user};
        otel_status_t st = otel_meter_create_instrument(meter, &o, &inst);
        if (st != OTEL_OK)
            return st;
    }
    return OTEL_OK;
}

otel_status_t otel_metrics_observe_tracer_provider(otel_meter_t *meter, otel_tracer_provider_t *tracer_provider)
{
    if (meter == NULL || tracer_provider == NULL)
        return OTEL_ERR_INVALID_ARGUMENT;
    static const self_instrument_t list[] = {
        {"otel.sdk.span.started", "Spans started (sampled or not)", "{span}", OTEL_INSTRUMENT_OBSERVABLE_COUNTER,
         spans_started},
        {"otel.sdk.span.live", "Recording spans started and not yet ended", "{span}",
         OTEL_INSTRUMENT_OBSERVABLE_UP_DOWN_COUNTER, spans_live},
        {"otel.sdk.processor.span.processed", "Spans the processors handed to exporters or dropped (error.type)",
         "{span}", OTEL_INSTRUMENT_OBSERVABLE_COUNTER, spans_processed},
        {"otel.sdk.processor.span.queue.size", "Spans waiting in batch processor queues", "{span}",
         OTEL_INSTRUMENT_OBSERVABLE_UP_DOWN_COUNTER, queue_size},
        {"otel.sdk.processor.span.queue.capacity", "Capacity of the batch processor queues", "{span}",
         OTEL_INSTRUMENT_OBSERVABLE_UP_DOWN_COUNTER, queue_capacity},
    };
    return register_all(meter, list, sizeof(list) / sizeof(list[0]), tracer_provider);
}

static void reader_exports(otel_observer_t *obs, void *user)
{
    uint64_t exports, failures;
    otel_periodic_reader_stats(user, &exports, &failures);
    otel_attribute_t failed = OTEL_ATTR_STR("error.type", "export_failed");
    otel_observer_observe_int64(obs, (int64_t)(exports - failures), NULL, 0);
    otel_observer_observe_int64(obs, (int64_t)failures, &failed, 1);
}

otel_status_t otel_metrics_observe_periodic_reader(otel_meter_t *meter, const otel_periodic_reader_t *reader)
{
    if (meter == NULL || reader == NULL)
        return OTEL_ERR_INVALID_ARGUMENT;
    static const self_instrument_t list[] = {
        {"otelc.sdk.metric_reader.exports", "Metric export calls, failed ones with error.type", "{call}",
         OTEL_INSTRUMENT_OBSERVABLE_COUNTER, reader_exports},
    };
    return register_all(meter, list, 1, (void *)reader);
}
