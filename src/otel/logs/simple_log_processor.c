/* SPDX-License-Identifier: Apache-2.0 */
/* The simple log record processor: exports each record on the emitting thread, one at a time. */
#include <pthread.h>
#include <stdlib.h>
#include "logs/logs_internal.h"

typedef struct simple_processor {
    otel_log_record_processor_t base;
    otel_log_record_exporter_t exporter;
    pthread_mutex_t lock; /* serialises exporter calls */
    bool shut_down;
    otel_log__counters_t counters;
} simple_processor_t;

#define ADD(field, n) atomic_fetch_add_explicit(&s->counters.field, (n), memory_order_relaxed)

static otel_status_t simple_on_emit(otel_log_record_processor_t *self, otel_log__record_t *record)
{
    simple_processor_t *s = (simple_processor_t *)self;
    ADD(received, 1);
    pthread_mutex_lock(&s->lock);
    otel_status_t st = OTEL_ERR_SHUTDOWN;
    if (!s->shut_down && record != NULL) {
        const otel_log_record_data_t *one = &record->data;
        ADD(export_calls, 1);
        st = s->exporter.export_logs(s->exporter.self, &one, 1);
        if (st == OTEL_OK)
            ADD(exported, 1);
        else
            ADD(failed, 1);
    } else {
        ADD(dropped, 1);
    }
    pthread_mutex_unlock(&s->lock);
    otel_log__record_free(record);
    return st;
}

static otel_status_t simple_force_flush(otel_log_record_processor_t *self, uint32_t timeout_ms)
{
    simple_processor_t *s = (simple_processor_t *)self;
    pthread_mutex_lock(&s->lock);
    otel_status_t st = OTEL_OK;
    if (!s->shut_down && s->exporter.force_flush != NULL)
        st = s->exporter.force_flush(s->exporter.self, timeout_ms);
    pthread_mutex_unlock(&s->lock);
    return st;
}

static otel_status_t simple_shutdown(otel_log_record_processor_t *self, uint32_t timeout_ms)
{
    simple_processor_t *s = (simple_processor_t *)self;
    pthread_mutex_lock(&s->lock);
    otel_status_t st = OTEL_ERR_SHUTDOWN;
    if (!s->shut_down) {
        s->shut_down = true;
        st = s->exporter.shutdown != NULL ? s->exporter.shutdown(s->exporter.self, timeout_ms) : OTEL_OK;
    }
    pthread_mutex_unlock(&s->lock);
    return st;
}

static void simple_destroy(otel_log_record_processor_t *self)
{
    simple_processor_t *s = (simple_processor_t *)self;
    simple_shutdown(self, 30000);
    if (s->exporter.destroy != NULL)
        s->exporter.destroy(s->exporter.self);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

static void simple_get_stats(const otel_log_record_processor_t *self, otel_log_record_processor_stats_t *out)
{
    simple_processor_t *s = (simple_processor_t *)self;
    out->records_received = atomic_load_explicit(&s->counters.received, memory_order_relaxed);
    out->records_dropped = atomic_load_explicit(&s->counters.dropped, memory_order_relaxed);
    out->records_exported = atomic_load_explicit(&s->counters.exported, memory_order_relaxed);
    out->records_failed = atomic_load_explicit(&s->counters.failed, memory_order_relaxed);
    out->export_calls = atomic_load_explicit(&s->counters.export_calls, memory_order_relaxed);
    out->queue_size = 0;
    out->queue_capacity = 0;
}

otel_status_t otel_simple_log_record_processor_create(otel_log_record_exporter_t exporter,
                                                      otel_log_record_processor_t **out)
{
    simple_processor_t *s = out != NULL && exporter.export_logs != NULL ? calloc(1, sizeof(*s)) : NULL;
    if (s == NULL) {
        if (exporter.shutdown != NULL)
            exporter.shutdown(exporter.self, 0);
        if (exporter.destroy != NULL)
            exporter.destroy(exporter.self);
        return out == NULL || exporter.export_logs == NULL ? OTEL_ERR_INVALID_ARGUMENT : OTEL_ERR_NO_MEMORY;
    }
    s->base = (otel_log_record_processor_t){simple_on_emit, simple_force_flush, simple_shutdown, simple_destroy,
                                            simple_get_stats};
    s->exporter = exporter;
    pthread_mutex_init(&s->lock, NULL);
    *out = &s->base;
    return OTEL_OK;
}
