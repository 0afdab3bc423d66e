/* SPDX-License-Identifier: Apache-2.0 */
/* The simple span processor: exports each span synchronously, one at a time, when it ends. */
#include <stdlib.h>
#include "common/common_internal.h"
#include "trace/trace_internal.h"

#define SIMPLE_SHUTDOWN_TIMEOUT_MS 5000u

typedef struct simple_processor {
    otel_span_processor_t base;
    otel_span_exporter_t exporter;
    pthread_mutex_t lock; /* serialises exporter calls */
    bool exporter_done;
    _Atomic uint64_t received, dropped, exported, failed, calls, failures, export_ns;
} simple_processor_t;

static void simple_on_end(otel_span_processor_t *self, otel_span_t *span)
{
    simple_processor_t *p = (simple_processor_t *)self;
    if (!otel_span__is_sampled(span)) {
        otel_span__release(span); /* RECORD_ONLY: recorded, never exported (spec) */
        return;
    }
    atomic_fetch_add(&p->received, 1);
    pthread_mutex_lock(&p->lock);
    if (p->exporter_done) {
        pthread_mutex_unlock(&p->lock);
        atomic_fetch_add(&p->dropped, 1);
        otel_span__release(span);
        return;
    }
    const otel_span_data_t *data = &span->data;
    uint64_t start = otel_time_monotonic_ns();
    otel_status_t s = p->exporter.export_spans(p->exporter.self, &data, 1);
    atomic_fetch_add(&p->export_ns, otel_time_monotonic_ns() - start);
    pthread_mutex_unlock(&p->lock);
    atomic_fetch_add(&p->calls, 1);
    if (s == OTEL_OK) {
        atomic_fetch_add(&p->exported, 1);
    } else {
        atomic_fetch_add(&p->failed, 1);
        atomic_fetch_add(&p->failures, 1);
        OTEL_DIAG(OTEL_DIAG_WARN, "simple span processor: export failed: %s", otel_strerror(s));
    }
    otel_span__release(span);
}

static otel_status_t simple_force_flush(otel_span_processor_t *self, uint32_t timeout_ms)
{
    simple_processor_t *p = (simple_processor_t *)self;
    pthread_mutex_lock(&p->lock);
    otel_status_t s = OTEL_OK;
    if (!p->exporter_done && p->exporter.force_flush != NULL)
        s = p->exporter.force_flush(p->exporter.self, timeout_ms);
    pthread_mutex_unlock(&p->lock);
    return s;
}

static otel_status_t simple_shutdown(otel_span_processor_t *self, uint32_t timeout_ms)
{
    simple_processor_t *p = (simple_processor_t *)self;
    pthread_mutex_lock(&p->lock);
    otel_status_t s = OTEL_OK;
    if (!p->exporter_done && p->exporter.shutdown != NULL)
        s = p->exporter.shutdown(p->exporter.self, timeout_ms);
    p->exporter.shutdown = NULL;
    p->exporter_done = true;
    pthread_mutex_unlock(&p->lock);
    return s;
}

static void simple_destroy(otel_span_processor_t *self)
{
    simple_processor_t *p = (simple_processor_t *)self;
    otel_span_processor_shutdown(self, SIMPLE_SHUTDOWN_TIMEOUT_MS);
    otel_span_exporter__dispose(&p->exporter, SIMPLE_SHUTDOWN_TIMEOUT_MS);
    pthread_mutex_destroy(&p->lock);
    free(p);
}

static void simple_get_stats(const otel_span_processor_t *self, otel_span_processor_stats_t *stats)
{
    simple_processor_t *p = (simple_processor_t *)self;
    stats->spans_received = atomic_load(&p->received);
    stats->spans_dropped = atomic_load(&p->dropped);
    stats->spans_exported = atomic_load(&p->exported);
    stats->spans_failed = atomic_load(&p->failed);
    stats->export_calls = atomic_load(&p->calls);
    stats->export_failures = atomic_load(&p->failures);
    stats->export_ns_total = atomic_load(&p->export_ns);
}

static const otel_span_processor__vtable_t simple_vtable = {
    NULL, simple_on_end, simple_force_flush, simple_shutdown, simple_destroy, simple_get_stats,
};

otel_status_t otel_simple_span_processor_create(otel_span_exporter_t exporter, otel_span_processor_t **out)
{
    if (out == NULL || exporter.export_spans == NULL) {
        otel_span_exporter__dispose(&exporter, 0);
        return OTEL_ERR_INVALID_ARGUMENT;
    }
    simple_processor_t *p = calloc(1, sizeof(*p));
    if (p == NULL) {
        otel_span_exporter__dispose(&exporter, 0);
        return OTEL_ERR_NO_MEMORY;
    }
    p->base.vt = &simple_vtable;
    p->exporter = exporter;
    pthread_mutex_init(&p->lock, NULL);
    *out = &p->base;
    return OTEL_OK;
}
