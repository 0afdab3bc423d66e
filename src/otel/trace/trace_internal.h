/* SPDX-License-Identifier: Apache-2.0 */
/* otelc trace internals: the span object, its pool, tracers, providers and the processor vtable. */
#ifndef OTEL_TRACE_INTERNAL_H
#define OTEL_TRACE_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include "otel/trace.h"
#include "common/arena_internal.h"
#include "common/object_pool_internal.h"

/* otel_span_t.state: mutators hold LOCKED for the few instructions of one change; ENDED is final. */
enum { OTEL_SPAN__OPEN = 0, OTEL_SPAN__LOCKED = 1, OTEL_SPAN__ENDED = 2 };

/**
 * A span. `data` is what exporters read; the arrays behind it and every copied string live in
 * `arena` and in the retained arrays, all of which survive recycling through the pool.
 *
 * Layout: the first cache line holds what other threads touch (references, the pool links the export
 * thread writes when it returns the span) and the immutable identity; `data` and the arrays are written
 * by the span's users only, and only read by the export thread.
 */
struct otel_span {
    _Atomic uint32_t refs; /* the caller's handle, otel_span_retain, scopes, processors holding it */
    _Atomic uint8_t state; /* OTEL_SPAN__OPEN / __LOCKED / __ENDED (see otel_span__lock in span.c) */
    bool recording;        /* immutable while the span is live */
    bool status_final;     /* under the lock */
    otel_pool_link_t link; /* the per-thread pool it returns to, and the pool's free list */
    otel_tracer_t *tracer;
    otel_span_context_t context;
    otel_span_data_t data;
    otel_attribute_t *attributes;
    uint32_t attribute_cap;
    uint32_t event_cap;
    uint64_t key_filter; /* one bit per key of `data.attributes` (see set_attributes in span.c): 0 = none */
    otel_span_event_t *events;
    otel_span_link_t *links;
    uint32_t link_cap;
    otel_arena_t arena;
};

/* Pool (span_pool.c, over common/object_pool_internal.h). */
/** A clean span from this thread's pool (refs = 1), or NULL on allocation failure. */
otel_span_t *otel_span_pool__get(void);
/** Returns a span whose last reference was dropped to the pool it came from (any thread). */
void otel_span_pool__put(otel_span_t *span);
/** Drops one reference of each span and returns those that reach zero, in one go. */
void otel_span__release_many(otel_span_t **spans, size_t count);
/** Count for tests: spans allocated by this thread's pool so far. */
size_t otel_span_pool__allocated(void);

static inline void otel_span__retain(otel_span_t *span)
{
    atomic_fetch_add_explicit(&span->refs, 1, memory_order_relaxed);
}

/** Drops one reference; the last returns the span to its pool. */
static inline void otel_span__release(otel_span_t *span)
{
    /* A sole owner needs no atomic read-modify-write: nobody else can add a reference. */
    if (atomic_load_explicit(&span->refs, memory_order_acquire) == 1 ||
        atomic_fetch_sub_explicit(&span->refs, 1, memory_order_acq_rel) == 1)
        otel_span_pool__put(span);
}

/*
 * Processors. on_start (optional) sees every recording span right after it started, on the starting
 * thread. on_end receives every recording span (sampled or RECORD_ONLY) with one reference that the
 * processor now owns; the built-in processors export only sampled ones (otel_span__is_sampled).
 */
typedef struct otel_span_processor__vtable {
    void (*on_start)(otel_span_processor_t *self, otel_span_t *span);
    void (*on_end)(otel_span_processor_t *self, otel_span_t *span);
    otel_status_t (*force_flush)(otel_span_processor_t *self, uint32_t timeout_ms);
    otel_status_t (*shutdown)(otel_span_processor_t *self, uint32_t timeout_ms);
    void (*destroy)(otel_span_processor_t *self);
    void (*get_stats)(const otel_span_processor_t *self, otel_span_processor_stats_t *stats);
} otel_span_processor__vtable_t;

struct otel_span_processor {
    const otel_span_processor__vtable_t *vt;
    _Atomic bool shut_down;
};

static inline bool otel_span__is_sampled(const otel_span_t *span)
{
    return (span->context.trace_flags & OTEL_TRACE_FLAGS_SAMPLED) != 0;
}

/** Calls exporter->shutdown (if any) and destroy (if any). */
void otel_span_exporter__dispose(otel_span_exporter_t *exporter, uint32_t timeout_ms);

/*
 * Per-thread counters: thread number i < OTEL_TRACE__EXCLUSIVE_CELLS owns cell i alone and bumps it
 * with a plain relaxed load + store (no locked instruction); later threads share the last cell
 * through fetch_add. Readers sum the cells with relaxed loads.
 */
#define OTEL_TRACE__EXCLUSIVE_CELLS 32
#define OTEL_TRACE__COUNTER_CELLS (OTEL_TRACE__EXCLUSIVE_CELLS + 1)
typedef struct otel_trace__counter_cell {
    _Alignas(64) _Atomic uint64_t started;
    _Atomic uint64_t recording;
    _Atomic uint64_t ended;
    _Atomic uint64_t alloc_failed; /* starts that got no span from the pool (out of memory) */
} otel_trace__counter_cell_t;

/** This thread's small index (0, 1, 2, ... in first-use order). */
unsigned otel_trace__thread_index(void);

static inline void otel_trace__count(_Atomic uint64_t *counter, bool exclusive)
{
    if (exclusive)
        atomic_store_explicit(counter, atomic_load_explicit(counter, memory_order_relaxed) + 1, memory_order_relaxed);
    else
        atomic_fetch_add_explicit(counter, 1, memory_order_relaxed);
}

struct otel_tracer {
    otel_tracer_provider_t *provider;
    otel_scope_t scope; /* strings and attributes in `arena` */
    otel_arena_t arena;
};

struct otel_tracer_provider {
    otel_resource_t *resource;
    otel_sampler_t *sampler;
    otel_span_limits_t limits;
    otel_span_processor_t *processors[OTEL_TRACER_PROVIDER_MAX_PROCESSORS];
    size_t processor_count;
    bool has_on_start; /* some processor has an on_start hook */
    _Atomic bool shut_down;
    bool leak_on_destroy; /* an exporter outlived its shutdown timeout: spans may still point at us */
    pthread_mutex_t lock; /* tracers list */
    otel_tracer_t **tracers;
    size_t tracer_count;
    otel_trace__counter_cell_t counters[OTEL_TRACE__COUNTER_CELLS];
};

/** Tracestate of the span active on this thread when `ctx` is its context (else empty). */
otel_str_t otel_trace__current_tracestate(const otel_span_context_t *ctx);

#endif
