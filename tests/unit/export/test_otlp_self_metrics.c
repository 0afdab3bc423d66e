/* SPDX-License-Identifier: Apache-2.0 */
/* The SDK's own health as metrics: OTLP exporter counters and logs processor counters reach a collection. */
#include <criterion/criterion.h>
#include <string.h>
#include "export/otlp_internal.h"
#include "otel/otel.h"

typedef struct found {
    int64_t log_exported, log_failed, created, processed_ok, dropped, capacity;
    bool has_queue_size;
} found_t;

static bool attr_is(const otel_metric_point_t *p, const char *key, const char *value)
{
    for (size_t i = 0; i < p->attribute_count; i++)
        if (p->attributes[i].key.len == strlen(key) && memcmp(p->attributes[i].key.ptr, key, strlen(key)) == 0)
            return value != NULL && p->attributes[i].value.u.string.len == strlen(value) &&
                   memcmp(p->attributes[i].value.u.string.ptr, value, strlen(value)) == 0;
    return value == NULL;
}

static otel_status_t sink(const otel_metrics_data_t *data, void *user)
{
    found_t *f = user;
    for (size_t s = 0; s < data->scope_count; s++) {
        for (size_t m = 0; m < data->scopes[s].metric_count; m++) {
            const otel_metric_data_t *md = &data->scopes[s].metrics[m];
            char name[128];
            snprintf(name, sizeof(name), "%.*s", (int)md->name.len, md->name.ptr);
            for (size_t i = 0; i < md->point_count; i++) {
                const otel_metric_point_t *p = &md->points[i];
                int64_t v = p->value.as_int;
                if (strcmp(name, "otel.sdk.exporter.log.exported") == 0 && attr_is(p, "error.type", NULL))
                    f->log_exported = v;
                if (strcmp(name, "otel.sdk.exporter.log.exported") == 0 && attr_is(p, "error.type", "export_failed"))
                    f->log_failed = v;
                if (strcmp(name, "otel.sdk.log.created") == 0)
                    f->created = v;
                if (strcmp(name, "otel.sdk.processor.log.processed") == 0 && attr_is(p, "error.type", NULL))
                    f->processed_ok = v;
                if (strcmp(name, "otel.sdk.processor.log.processed") == 0 && attr_is(p, "error.type", "queue_full"))
                    f->dropped = v;
                if (strcmp(name, "otel.sdk.processor.log.queue.capacity") == 0)
                    f->capacity = v;
                if (strcmp(name, "otel.sdk.processor.log.queue.size") == 0)
                    f->has_queue_size = true;
            }
        }
    }
    return OTEL_OK;
}

static otel_status_t count_only(void *self, const otel_log_record_data_t *const *records, size_t count)
{
    (void)records;
    *(size_t *)self += count;
    return OTEL_OK;
}

Test(otlp_self_metrics, exporter_and_processor_counters_are_collected)
{
    /* Stand-in traffic for the exporter counters (they are process-wide per signal). */
    atomic_fetch_add(&otel_otlp__counters(OTEL_OTLP_LOGS)->items_exported, 5);
    atomic_fetch_add(&otel_otlp__counters(OTEL_OTLP_LOGS)->items_failed, 2);

    size_t exported = 0;
    otel_log_record_exporter_t exp = {.export_logs = count_only, .self = &exported};
    otel_batch_log_record_processor_options_t o = {
        .max_queue_size = 4, .schedule_delay_ms = 60000, .export_timeout_ms = 1000, .max_export_batch_size = 4};
    otel_log_record_processor_t *proc;
    cr_assert_eq(otel_batch_log_record_processor_create(&o, exp, &proc), OTEL_OK);
    otel_logger_provider_t *lp;
    cr_assert_eq(otel_logger_provider_create(NULL, NULL, proc, &lp), OTEL_OK);
    otel_scope_t scope = {.name = OTEL_STR("t")};
    otel_logger_t *l = otel_logger_provider_get_logger(lp, &scope);
    /* The export thread may take a full batch of 4 at any time, so fill with a flush in between. */
    for (int i = 0; i < 4; i++) {
        otel_log_record_t r = {.body = {.type = OTEL_VALUE_STRING, .u.string = OTEL_STR("x")}};
        otel_logger_emit(l, &r);
    }
    otel_logger_provider_force_flush(lp, 2000);
    otel_log_record_processor_stats_t st;
    otel_logger_provider_get_stats(lp, &st);

    otel_meter_provider_t *mp;
    cr_assert_eq(otel_meter_provider_create(NULL, &mp), OTEL_OK);
    otel_meter_t *meter;
    cr_assert_eq(otel_meter_provider_get_meter(mp, "h2otel.sdk", NULL, NULL, &meter), OTEL_OK);
    cr_assert_eq(otel_otlp_register_self_metrics(meter), OTEL_OK);
    cr_assert_eq(otel_logger_provider_register_self_metrics(lp, meter), OTEL_OK);
    found_t f = {0};
    cr_assert_eq(otel_meter_provider_collect(mp, OTEL_TEMPORALITY_PREFERENCE_CUMULATIVE, sink, &f), OTEL_OK);
    cr_assert_eq(f.log_exported, 5);
    cr_assert_eq(f.log_failed, 2);
    cr_assert_eq(f.created, 4);
    cr_assert_eq(f.processed_ok, 4);
    cr_assert_eq(f.dropped, 0);
    cr_assert_eq(f.capacity, 4);
    cr_assert(f.has_queue_size);
    otel_meter_provider_destroy(mp);
    otel_logger_provider_destroy(lp);
    cr_assert_eq(exported, 4);
}
