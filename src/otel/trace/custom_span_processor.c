/* SPDX-License-Identifier: Apache-2.0 */
/* A custom span processor: user hooks called on start and end of every recording span. */
#include <stdlib.h>
#include "trace/trace_internal.h"

typedef struct custom_processor {
    otel_span_processor_t base;
    otel_span_processor_hooks_t hooks;
    _Atomic uint64_t received;
    _Atomic bool hooks_done; /* shutdown ran: on_end is no longer called */
} custom_processor_t;

static void custom_on_start(otel_span_processor_t *self, otel_span_t *span)
{
    custom_processor_t *p = (custom_processor_t *)self;
    if (p->hooks.on_start != NULL && !atomic_load_explicit(&p->hooks_done, memory_order_relaxed))
        p->hooks.on_start(p->hooks.self, span);
}

static void custom_on_end(otel_span_processor_t *self, otel_span_t *span)
{
    custom_processor_t *p = (custom_processor_t *)self;
    atomic_fetch_add_explicit(&p->received, 1, memory_order_relaxed);
    if (p->hooks.on_end != NULL && !atomic_load_explicit(&p->hooks_done, memory_order_relaxed))
        p->hooks.on_end(p->hooks.self, &span->data);
    otel_span__release(span);
}

static otel_status_t custom_force_flush(otel_span_processor_t *self, uint32_t timeout_ms)
{
    custom_processor_t *p = (custom_processor_t *)self;
    return p->hooks.force_flush != NULL ? p->hooks.force_flush(p->hooks.self, timeout_ms) : OTEL_OK;
}

static otel_status_t custom_shutdown(otel_span_processor_t *self, uint32_t timeout_ms)
{
    custom_processor_t *p = (custom_processor_t *)self;
    atomic_store(&p->hooks_done, true);
    return p->hooks.shutdown != NULL ? p->hooks.shutdown(p->hooks.self, timeout_ms) : OTEL_OK;
}

static void custom_destroy(otel_span_processor_t *self)
{
    custom_processor_t *p = (custom_processor_t *)self;
    otel_span_processor_shutdown(self, 5000);
    if (p->hooks.destroy != NULL)
        p->hooks.destroy(p->hooks.self);
    free(p);
}

static void custom_get_stats(const otel_span_processor_t *self, otel_span_processor_stats_t *stats)
{
    const custom_processor_t *p = (const custom_processor_t *)self;
    stats->spans_received = atomic_load_explicit(&p->received, memory_order_relaxed);
}

static const otel_span_processor__vtable_t custom_vtable = {
    custom_on_start, custom_on_end, custom_force_flush, custom_shutdown, custom_destroy, custom_get_stats,
};

otel_status_t otel_custom_span_processor_create(const otel_span_processor_hooks_t *hooks, otel_span_processor_t **out)
{
    if (hooks == NULL || out == NULL)
        return OTEL_ERR_INVALID_ARGUMENT;
    custom_processor_t *p = calloc(1, sizeof(*p));
    if (p == NULL) {
        if (hooks->destroy != NULL)
            hooks->destroy(hooks->self);
        return OTEL_ERR_NO_MEMORY;
    }
    p->base.vt = &custom_vtable;
    p->hooks = *hooks;
    *out = &p->base;
    return OTEL_OK;
}
