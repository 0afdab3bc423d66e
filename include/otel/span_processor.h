/* SPDX-License-Identifier: Apache-2.0 */
/* Span processors: simple (export on end, for debugging) and batch (bounded lock-free queue + export thread). */
#ifndef OTEL_SPAN_PROCESSOR_H
#define OTEL_SPAN_PROCESSOR_H

#include "otel/span_exporter.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A span processor; owned by the tracer provider it is given to. */
typedef struct otel_span_processor otel_span_processor_t;

/** Batch processor options; otel_batch_span_processor_options_init fills the spec's defaults. */
typedef struct otel_batch_span_processor_options {
    uint32_t max_queue_size;        /* OTEL_BSP_MAX_QUEUE_SIZE, 2048; rounded up to a power of two */
    uint32_t schedule_delay_ms;     /* OTEL_BSP_SCHEDULE_DELAY, 5000 */
    uint32_t export_timeout_ms;     /* OTEL_BSP_EXPORT_TIMEOUT, 30000: bounds flush/shutdown of the exporter */
    uint32_t max_export_batch_size; /* OTEL_BSP_MAX_EXPORT_BATCH_SIZE, 512; clamped to max_queue_size */
    uint32_t thread_nice;           /* OTELC_EXPORT_THREAD_NICE (otelc's own), 0 = unchanged: the export thread (named
                                       "otel-spans") raises its own nice value to this (0..19, larger = 19) */
} otel_batch_span_processor_options_t;

OTEL_API void otel_batch_span_processor_options_init(otel_batch_span_processor_options_t *options);

/**
 * Overlays OTEL_BSP_* and OTELC_EXPORT_THREAD_NICE from the environment. A value that is not a positive
 * integer (for the nice value: not 0..19) gives OTEL_ERR_CONFIG and a one-line message naming the variable;
 * `options` is then unchanged.
 */
OTEL_API otel_status_t otel_batch_span_processor_options_from_env(otel_batch_span_processor_options_t *options,
                                                                  char *err, size_t err_len);

/**
 * A batch processor: ending a span puts it in a bounded lock-free queue (never blocks; a full
 * queue drops the span and counts it); one export thread exports batches of up to
 * max_export_batch_size when that many are queued or every schedule_delay_ms.
 * Takes ownership of `exporter` in every case (on failure it is shut down and destroyed).
 * `options` NULL means defaults.
 */
OTEL_API otel_status_t otel_batch_span_processor_create(const otel_batch_span_processor_options_t *options,
                                                        otel_span_exporter_t exporter, otel_span_processor_t **out);

/**
 * A simple processor: exports each sampled span synchronously when it ends, on the ending
 * thread, one at a time (a mutex). For debugging and tests, not for the hot path.
 * Takes ownership of `exporter` in every case.
 */
OTEL_API otel_status_t otel_simple_span_processor_create(otel_span_exporter_t exporter, otel_span_processor_t **out);

/** A span handle (declared in otel/trace.h), as a custom processor's on_start receives it. */
typedef struct otel_span otel_span_t;

/** The hooks of a custom processor; any may be NULL. */
typedef struct otel_span_processor_hooks {
    void *self; /* passed to every hook */
    /**
     * Every recording span, on the starting thread, right after it started (attributes given at start
     * already set). The span may be read and changed with the otel_span_* functions during the call;
     * to keep it longer take a reference (otel_span_retain). Never for non-recording spans.
     */
    void (*on_start)(void *self, otel_span_t *span);
    /**
     * Every recording span once it ended (sampled or RECORD_ONLY: check trace_flags), on the ending
     * thread; `span` is valid during the call only. Must not block: it runs on the caller's hot path.
     */
    void (*on_end)(void *self, const otel_span_data_t *span);
    otel_status_t (*force_flush)(void *self, uint32_t timeout_ms);
    otel_status_t (*shutdown)(void *self, uint32_t timeout_ms); /* called once */
    void (*destroy)(void *self);                                /* called once, after shutdown */
} otel_span_processor_hooks_t;

/**
 * A processor that calls `hooks` (copied), e.g. to derive metrics from spans or to observe them in
 * tests. Hooks may be called from many threads at once. OTEL_ERR_INVALID_ARGUMENT for NULL
 * arguments, OTEL_ERR_NO_MEMORY (hooks->destroy is then called).
 */
OTEL_API otel_status_t otel_custom_span_processor_create(const otel_span_processor_hooks_t *hooks,
                                                         otel_span_processor_t **out);

/**
 * Exports every span queued before the call, then flushes the exporter; returns within
 * `timeout_ms` (OTEL_ERR_TIMEOUT if that was not enough). Thread-safe.
 */
OTEL_API otel_status_t otel_span_processor_force_flush(otel_span_processor_t *processor, uint32_t timeout_ms);

/**
 * Exports everything queued, stops the export thread and shuts the exporter down, within
 * `timeout_ms`. Spans ending afterwards are dropped and counted. Idempotent (later calls return
 * OTEL_ERR_SHUTDOWN).
 */
OTEL_API otel_status_t otel_span_processor_shutdown(otel_span_processor_t *processor, uint32_t timeout_ms);

/** Shuts down (if not yet, with the export timeout) and frees. NULL-safe. Normally done by the provider. */
OTEL_API void otel_span_processor_destroy(otel_span_processor_t *processor);

/** Self-observability counters of one processor (monotonic except queue_size). */
typedef struct otel_span_processor_stats {
    uint64_t spans_received;  /* sampled spans handed to the processor (custom: every recording span) */
    uint64_t spans_dropped;   /* lost because the queue was full or the processor shut down */
    uint64_t spans_exported;  /* in batches the exporter accepted */
    uint64_t spans_failed;    /* in batches the exporter rejected */
    uint64_t export_calls;    /* export_spans calls */
    uint64_t export_failures; /* export_spans calls that returned an error */
    uint64_t export_ns_total; /* summed wall time inside export_spans */
    uint64_t queue_size;      /* spans waiting now (batch processor) */
    uint64_t queue_capacity;  /* 0 for the simple processor */
} otel_span_processor_stats_t;

/** Reads the counters (relaxed atomics: each value is exact, the set is not a snapshot). Thread-safe. */
OTEL_API void otel_span_processor_get_stats(const otel_span_processor_t *processor, otel_span_processor_stats_t *stats);

#ifdef __cplusplus
}
#endif
#endif
