/* SPDX-License-Identifier: Apache-2.0 */
/* Exemplar reservoirs: bucket-aligned for explicit histograms (last measurement per bucket), fixed-size
 * reservoir sampling for the others. Writers never wait: a slot being written by another thread is skipped. */
#include <string.h>
#include "common/span_context_internal.h"
#include "metrics/metrics_internal.h"

uint32_t otel_metrics__exemplar_slot_count(const otel_instrument_t *inst)
{
    if (inst->exemplar_filter == OTEL_EXEMPLAR_FILTER_ALWAYS_OFF || inst->agg == OTEL_METRICS__AGG_OBSERVED ||
        inst->agg == OTEL_METRICS__AGG_DROP)
        return 0;
    if (inst->agg == OTEL_METRICS__AGG_HISTOGRAM)
        return (uint32_t)inst->bound_count + 1;
    return inst->meter->provider->opts.exemplar_reservoir_size;
}

/* The caller's timestamp for this thread's exemplars (0: read the clock). */
static _Thread_local uint64_t exemplar_time;

void otel_metrics_set_exemplar_time(uint64_t time_unix_ns)
{
    exemplar_time = time_unix_ns;
}

void otel_metrics__exemplar_offer(otel_metric_series_t *s, otel_number_t value, int bucket,
                                  const otel_span_context_t *ctx)
{
    if (s->exemplar_slots == 0)
        return;
    uint32_t idx;
    if (bucket >= 0 && s->instrument->agg == OTEL_METRICS__AGG_HISTOGRAM) {
        idx = (uint32_t)bucket;
    } else {
        /* reservoir sampling: the n-th measurement of the interval replaces a slot with probability size/n */
        uint64_t n = atomic_fetch_add_explicit(&s->exemplar_seen, 1, memory_order_relaxed);
        if (n < s->exemplar_slots) {
            idx = (uint32_t)n;
        } else {
            uint64_t r = otel_random__u64() % (n + 1);
            if (r >= s->exemplar_slots)
                return;
            idx = (uint32_t)r;
        }
    }
    otel_metrics__exemplar_slot_t *slot = &s->exemplars[idx];
    if (atomic_exchange_explicit(&slot->busy, 1, memory_order_acquire) != 0)
        return;
    otel_exemplar_t *e = &slot->exemplar;
    e->time_ns = exemplar_time != 0 ? exemplar_time : otel_time_now_ns();
    e->value = value;
    if (ctx != NULL && otel_span_context__valid(ctx)) {
        e->trace_id = ctx->trace_id;
        e->span_id = ctx->span_id;
    } else {
        memset(&e->trace_id, 0, sizeof(e->trace_id));
        memset(&e->span_id, 0, sizeof(e->span_id));
    }
    slot->full = true;
    atomic_store_explicit(&slot->busy, 0, memory_order_release);
}

size_t otel_metrics__exemplar_take(otel_metric_series_t *s, otel_exemplar_t *out)
{
    size_t count = 0;
    for (uint32_t i = 0; i < s->exemplar_slots; i++) {
        otel_metrics__exemplar_slot_t *slot = &s->exemplars[i];
        while (atomic_exchange_explicit(&slot->busy, 1, memory_order_acquire) != 0)
            otel_metrics__cpu_relax();
        if (slot->full) {
            out[count++] = slot->exemplar;
            slot->full = false;
        }
        atomic_store_explicit(&slot->busy, 0, memory_order_release);
    }
    atomic_store_explicit(&s->exemplar_seen, 0, memory_order_relaxed);
    return count;
}
