/* SPDX-License-Identifier: Apache-2.0 */
/* The processor interface dispatch, shared by the simple and batch processors; exporter disposal. */
#include "trace/trace_internal.h"

otel_status_t otel_span_processor_force_flush(otel_span_processor_t *processor, uint32_t timeout_ms)
{
    return processor == NULL ? OTEL_ERR_INVALID_ARGUMENT : processor->vt->force_flush(processor, timeout_ms);
}

otel_status_t otel_span_processor_shutdown(otel_span_processor_t *processor, uint32_t timeout_ms)
{
    if (processor == NULL)
        return OTEL_ERR_INVALID_ARGUMENT;
    if (atomic_exchange(&processor->shut_down, true))
        return OTEL_ERR_SHUTDOWN;
    return processor->vt->shutdown(processor, timeout_ms);
}

void otel_span_processor_destroy(otel_span_processor_t *processor)
{
    if (processor != NULL)
        processor->vt->destroy(processor);
}

void otel_span_processor_get_stats(const otel_span_processor_t *processor, otel_span_processor_stats_t *stats)
{
    *stats = (otel_span_processor_stats_t){0};
    if (processor != NULL)
        processor->vt->get_stats(processor, stats);
}

void otel_span_exporter__dispose(otel_span_exporter_t *exporter, uint32_t timeout_ms)
{
    if (exporter->shutdown != NULL)
        exporter->shutdown(exporter->self, timeout_ms);
    if (exporter->destroy != NULL)
        exporter->destroy(exporter->self);
    exporter->shutdown = NULL;
    exporter->destroy = NULL;
}
