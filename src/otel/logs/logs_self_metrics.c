/* SPDX-License-Identifier: Apache-2.0 */
/* The logs SDK's own health as observable metrics (otel.sdk.log.created, otel.sdk.processor.log.*). */
#include "logs/logs_internal.h"
#include "otel/metrics.h"

#define PROCESSOR_ATTR OTEL_ATTR_STR("otel.component.type", "batching_log_processor")

static otel_log_record_processor_stats_t stats_of(void *user)
{
    otel_log_record_processor_stats_t s;
    otel_logger_provider_get_stats(user, &s);
    return s;
}

static void observe_created(otel_observer_t *observer, void *user)
{
    otel_observer_observe_int64(observer, (int64_t)stats_of(user).records_received, NULL, 0);
}

/* Processed: exported ones without error.type; dropped ones with error.type=queue_full; failed exports. */
static void observe_processed(otel_observer_t *observer, void *user)
{
    otel_log_record_processor_stats_t s = stats_of(user);
    otel_attribute_t ok[1] = {PROCESSOR_ATTR};
    otel_attribute_t dropped[2] = {PROCESSOR_ATTR, OTEL_ATTR_STR("error.type", "queue_full")};
    otel_attribute_t failed[2] = {PROCESSOR_ATTR, OTEL_ATTR_STR("error.type", "export_failed")};
    otel_observer_observe_int64(observer, (int64_t)s.records_exported, ok, 1);
    otel_observer_observe_int64(observer, (int64_t)s.records_dropped, dropped, 2);
    otel_observer_observe_int64(observer, (int64_t)s.records_failed, failed, 2);
}

static void observe_queue_size(otel_observer_t *observer, void *user)
{
    otel_attribute_t a[1] = {PROCESSOR_ATTR};
    otel_observer_observe_int64(observer, (int64_t)stats_of(user).queue_size, a, 1);
}

static void observe_queue_capacity(otel_observer_t *observer, void *user)
{
    otel_attribute_t a[1] = {PROCESSOR_ATTR};
    otel_observer_observe_int64(observer, (int64_t)stats_of(user).queue_capacity, a, 1);
}

otel_status_t otel_logger_provider_register_self_metrics(otel_logger_provider_t *provider, otel_meter_t *meter)
{
    const otel_instrument_options_t instruments[] = {
        {.name = "otel.sdk.log.created",
         .unit = "{log_record}",
         .description = "Log records emitted",
         .kind = OTEL_INSTRUMENT_OBSERVABLE_COUNTER,
         .callback = observe_created},
        {.name = "otel.sdk.processor.log.processed",
         .unit = "{log_record}",
         .description = "Log records the processor handed on (no error.type) or dropped",
         .kind = OTEL_INSTRUMENT_OBSERVABLE_COUNTER,
         .callback = observe_processed},
        {.name = "otel.sdk.processor.log.queue.size",
         .unit = "{log_record}",
         .description = "Log records waiting in the processor's queue",
         .kind = OTEL_INSTRUMENT_OBSERVABLE_UP_DOWN_COUNTER,
         .callback = observe_queue_size},
        {.name = "otel.sdk.processor.log.queue.capacity",
         .unit = "{log_record}",
         .description = "Capacity of the processor's queue",
         .kind = OTEL_INSTRUMENT_OBSERVABLE_UP_DOWN_COUNTER,
         .callback = observe_queue_capacity},
    };
    for (size_t i = 0; i < sizeof(instruments) / sizeof(instruments[0]); i++) {
        otel_instrument_options_t o = instruments[i];
        o.value_type = OTEL_NUMBER_INT64;
        o.callback_user = provider;
        otel_instrument_t *inst;
        otel_status_t st = otel_meter_create_instrument(meter, &o, &inst);
        if (st != OTEL_OK)
            return st;
    }
    return OTEL_OK;
}
