/* SPDX-License-Identifier: Apache-2.0 */
/* The recording hot path: one relaxed atomic update of this thread's cell, plus the exemplar filter check. */
#include <math.h>
#include <string.h>
#include "metrics/metrics_internal.h"

static _Atomic uint32_t next_thread_slot;
static _Thread_local uint32_t thread_slot_plus1;

/* Threads take cells round-robin in the order they first record, so N threads on N cells never share one. */
static inline uint32_t thread_slot(void)
{
    uint32_t s = thread_slot_plus1;
    if (__builtin_expect(s == 0, 0))
        s = thread_slot_plus1 = atomic_fetch_add_explicit(&next_thread_slot, 1, memory_order_relaxed) + 1;
    return s - 1;
}

static inline unsigned char *my_cell(const otel_metric_series_t *s)
{
    const otel_instrument_t *inst = s->instrument;
    return s->cells + (size_t)(thread_slot() & inst->cell_mask) * inst->cell_stride;
}

static inline double bits_to_double(uint64_t bits)
{
    double d;
    memcpy(&d, &bits, 8);
    return d;
}

static inline uint64_t double_to_bits(double d)
{
    uint64_t bits;
    memcpy(&bits, &d, 8);
    return bits;
}

static inline void add_double(_Atomic uint64_t *cell, double v)
{
    uint64_t old = atomic_load_explicit(cell, memory_order_relaxed);
    while (!atomic_compare_exchange_weak_explicit(cell, &old, double_to_bits(bits_to_double(old) + v),
                                                  memory_order_relaxed, memory_order_relaxed)) {
    }
}

static inline void min_double(_Atomic uint64_t *cell, double v)
{
    uint64_t old = atomic_load_explicit(cell, memory_order_relaxed);
    while (v < bits_to_double(old) && !atomic_compare_exchange_weak_explicit(
                                          cell, &old, double_to_bits(v), memory_order_relaxed, memory_order_relaxed)) {
    }
}

static inline void max_double(_Atomic uint64_t *cell, double v)
{
    uint64_t old = atomic_load_explicit(cell, memory_order_relaxed);
    while (v > bits_to_double(old) && !atomic_compare_exchange_weak_explicit(
                                          cell, &old, double_to_bits(v), memory_order_relaxed, memory_order_relaxed)) {
    }
}

static inline void offer_exemplar(otel_metric_series_t *s, otel_number_t v, int bucket)
{
    const otel_span_context_t *ctx;
    switch (s->instrument->exemplar_filter) {
    case OTEL_EXEMPLAR_FILTER_TRACE_BASED:
        ctx = otel_context_current();
        if (ctx == NULL || !otel_span_context_is_sampled(ctx))
            return;
        break;
    case OTEL_EXEMPLAR_FILTER_ALWAYS_ON:
        ctx = otel_context_current();
        break;
    default:
        return;
    }
    otel_metrics__exemplar_offer(s, v, bucket, ctx);
}

static inline double as_double(otel_number_t v)
{
    return v.type == OTEL_NUMBER_INT64 ? (double)v.as_int : v.as_double;
}

/* `v` already has the instrument's value type. */
static inline void record(otel_metric_series_t *s, otel_number_t v)
{
    otel_instrument_t *inst = s->instrument;
    switch (inst->agg) {
    case OTEL_METRICS__AGG_SUM: {
        _Atomic uint64_t *cell = (_Atomic uint64_t *)my_cell(s);
        if (v.type == OTEL_NUMBER_INT64) {
            if (inst->kind == OTEL_INSTRUMENT_COUNTER && v.as_int < 0)
                goto rejected;
            atomic_fetch_add_explicit(cell, (uint64_t)v.as_int, memory_order_relaxed);
        } else {
            if (!isfinite(v.as_double) || (inst->kind == OTEL_INSTRUMENT_COUNTER && v.as_double < 0))
                goto rejected;
            add_double(cell, v.as_double);
        }
        offer_exemplar(s, v, -1);
        return;
    }
    case OTEL_METRICS__AGG_GAUGE: {
        if (v.type == OTEL_NUMBER_DOUBLE && !isfinite(v.as_double))
            goto rejected;
        _Atomic uint64_t *cell = (_Atomic uint64_t *)s->cells;
        atomic_store_explicit(&cell[0], v.type == OTEL_NUMBER_INT64 ? (uint64_t)v.as_int : double_to_bits(v.as_double),
                              memory_order_relaxed);
        atomic_fetch_add_explicit(&cell[1], 1, memory_order_release);
        offer_exemplar(s, v, -1);
        return;
    }
    case OTEL_METRICS__AGG_HISTOGRAM: {
        double d = as_double(v);
        if (!isfinite(d))
            goto rejected;
        _Atomic uint64_t *cell = (_Atomic uint64_t *)my_cell(s);
        size_t b = otel_metrics__bucket_index(inst->bounds, inst->bound_count, d);
        atomic_fetch_add_explicit(&cell[3 + b], 1, memory_order_relaxed);
        add_double(&cell[0], d);
        min_double(&cell[1], d);
        max_double(&cell[2], d);
        offer_exemplar(s, v, (int)b);
        return;
    }
    case OTEL_METRICS__AGG_EXP_HISTOGRAM: {
        double d = as_double(v);
        if (!isfinite(d))
            goto rejected;
        unsigned char *cell = my_cell(s);
        _Atomic uint32_t *lock = (_Atomic uint32_t *)cell;
        while (atomic_exchange_explicit(lock, 1, memory_order_acquire) != 0)
            otel_metrics__cpu_relax();
        otel_metrics__exp_record((otel_metrics__exp_state_t *)(cell + 8), d);
        atomic_store_explicit(lock, 0, memory_order_release);
        offer_exemplar(s, v, -1);
        return;
    }
    case OTEL_METRICS__AGG_DROP:
        return;
    case OTEL_METRICS__AGG_OBSERVED:
        OTEL_DIAG(OTEL_DIAG_WARN, "instrument \"%s\" is observable: record it from its callback", inst->name);
        return;
    }
    return;
rejected:
    OTEL_DIAG(OTEL_DIAG_WARN, "instrument \"%s\": value rejected (negative counter increment, NaN or infinity)",
              inst->name);
}

static inline otel_number_t from_int(const otel_instrument_t *inst, int64_t value)
{
    return inst->value_type == OTEL_NUMBER_INT64
               ? (otel_number_t){.type = OTEL_NUMBER_INT64, .as_int = value}
               : (otel_number_t){.type = OTEL_NUMBER_DOUBLE, .as_double = (double)value};
}

static inline otel_number_t from_double(const otel_instrument_t *inst, double value)
{
    return inst->value_type == OTEL_NUMBER_DOUBLE
               ? (otel_number_t){.type = OTEL_NUMBER_DOUBLE, .as_double = value}
               : (otel_number_t){.type = OTEL_NUMBER_INT64, .as_int = (int64_t)value};
}

void otel_instrument_record_int64(otel_instrument_t *inst, int64_t value, const otel_attribute_t *attrs, size_t n)
{
    if (inst == NULL || inst->agg == OTEL_METRICS__AGG_DROP)
        return;
    otel_metric_series_t *s = otel_metrics__series_get(inst, attrs, n);
    if (s != NULL)
        record(s, from_int(inst, value));
}

void otel_instrument_record_double(otel_instrument_t *inst, double value, const otel_attribute_t *attrs, size_t n)
{
    if (inst == NULL || inst->agg == OTEL_METRICS__AGG_DROP)
        return;
    otel_metric_series_t *s = otel_metrics__series_get(inst, attrs, n);
    if (s != NULL)
        record(s, from_double(inst, value));
}

otel_bound_instrument_t *otel_instrument_bind(otel_instrument_t *inst, const otel_attribute_t *attrs, size_t n)
{
    if (inst == NULL || inst->agg == OTEL_METRICS__AGG_OBSERVED || inst->agg == OTEL_METRICS__AGG_DROP)
        return NULL;
    return otel_metrics__series_get(inst, attrs, n);
}

void otel_bound_record_int64(otel_bound_instrument_t *bound, int64_t value)
{
    if (bound == NULL)
        return;
    const otel_instrument_t *inst = bound->instrument;
    /* the commonest hot-path calls, an int counter add (or an up-down counter's, which may be negative), without the
     * general dispatch */
    if (__builtin_expect(inst->agg == OTEL_METRICS__AGG_SUM && inst->value_type == OTEL_NUMBER_INT64 &&
                             (value >= 0 || inst->kind != OTEL_INSTRUMENT_COUNTER),
                         1)) {
        atomic_fetch_add_explicit((_Atomic uint64_t *)my_cell(bound), (uint64_t)value, memory_order_relaxed);
        if (inst->exemplar_filter != OTEL_EXEMPLAR_FILTER_ALWAYS_OFF)
            offer_exemplar(bound, (otel_number_t){.type = OTEL_NUMBER_INT64, .as_int = value}, -1);
        return;
    }
    record(bound, from_int(inst, value));
}

void otel_bound_record_double(otel_bound_instrument_t *bound, double value)
{
    if (bound != NULL)
        record(bound, from_double(bound->instrument, value));
}
