/* SPDX-License-Identifier: Apache-2.0 */
/* Tracing API: tracer provider, tracers, spans, span limits, activation, self-observability counters. */
#ifndef OTEL_TRACE_H
#define OTEL_TRACE_H

#include "otel/common.h"
#include "otel/resource.h"
#include "otel/scope.h"
#include "otel/span_data.h"
#include "otel/span_exporter.h"
#include "otel/span_processor.h"
#include "otel/sampler.h"
#include "otel/propagation.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct otel_tracer_provider otel_tracer_provider_t;
/** A tracer: owned by its provider, valid until the provider is destroyed. Thread-safe. */
typedef struct otel_tracer otel_tracer_t;
/** A span handle: see otel_tracer_start_span. */
typedef struct otel_span otel_span_t;

#define OTEL_LIMIT_UNLIMITED UINT32_MAX

/** Span limits; otel_span_limits_init fills the spec's defaults (128, unlimited value length). */
typedef struct otel_span_limits {
    uint32_t attribute_count_limit;        /* OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT (or OTEL_ATTRIBUTE_COUNT_LIMIT) */
    uint32_t attribute_value_length_limit; /* OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT (or
                                              OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT) */
    uint32_t event_count_limit;            /* OTEL_SPAN_EVENT_COUNT_LIMIT */
    uint32_t link_count_limit;             /* OTEL_SPAN_LINK_COUNT_LIMIT */
    uint32_t event_attribute_count_limit;  /* OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT */
    uint32_t link_attribute_count_limit;   /* OTEL_LINK_ATTRIBUTE_COUNT_LIMIT */
} otel_span_limits_t;

OTEL_API void otel_span_limits_init(otel_span_limits_t *limits);
/** Overlays the variables above; a non-integer value gives OTEL_ERR_CONFIG naming the variable. */
OTEL_API otel_status_t otel_span_limits_from_env(otel_span_limits_t *limits, char *err, size_t err_len);

#define OTEL_TRACER_PROVIDER_MAX_PROCESSORS 4

/** What a tracer provider is built from; otel_tracer_provider_options_init fills defaults. */
typedef struct otel_tracer_provider_options {
    otel_resource_t *resource; /* borrowed (the provider retains it); NULL = otel_resource_create_default(NULL) */
    otel_sampler_t *sampler;   /* owned by the provider after create, even on failure; NULL = parentbased_always_on */
    otel_span_limits_t limits;
    otel_span_processor_t *processors[OTEL_TRACER_PROVIDER_MAX_PROCESSORS]; /* owned after create, even on failure */
    size_t processor_count;
} otel_tracer_provider_options_t;

OTEL_API void otel_tracer_provider_options_init(otel_tracer_provider_options_t *options);

/**
 * Fills `options` from the environment: sampler (OTEL_TRACES_SAMPLER/_ARG), limits, and one
 * batch processor (OTEL_BSP_*) with the exporter named by OTEL_TRACES_EXPORTER (default "otlp";
 * "none" adds no processor; "console" writes to stdout; a comma list adds one processor each).
 * OTEL_SDK_DISABLED=true instead sets an always_off sampler and adds nothing (spans still propagate).
 * Existing `resource` is kept. On error nothing is allocated, `options` is left as it was, and
 * `err` holds one line naming the variable (OTEL_ERR_CONFIG), e.g. when "otlp" has no registered
 * exporter yet.
 */
OTEL_API otel_status_t otel_tracer_provider_options_from_env(otel_tracer_provider_options_t *options, char *err,
                                                             size_t err_len);

/** Creates a provider; takes ownership of options->sampler and options->processors in every case. */
OTEL_API otel_status_t otel_tracer_provider_create(const otel_tracer_provider_options_t *options,
                                                   otel_tracer_provider_t **out);

/**
 * The usual startup in one call: otel_resource_create_default(service_version), then
 * otel_tracer_provider_options_from_env, then otel_tracer_provider_create. On OTEL_ERR_CONFIG `err`
 * holds one line naming the variable (print it and exit 2); nothing is left allocated on error.
 */
OTEL_API otel_status_t otel_tracer_provider_create_from_env(const char *service_version, otel_tracer_provider_t **out,
                                                            char *err, size_t err_len);

/**
 * The tracer for `scope` (same name+version+schema URL gives the same tracer). The scope is
 * copied. Thread-safe (takes a mutex: get tracers at startup, not per request). NULL only on
 * allocation failure.
 */
OTEL_API otel_tracer_t *otel_tracer_provider_get_tracer(otel_tracer_provider_t *provider, const otel_scope_t *scope);

/** Force-flushes every processor within `timeout_ms` in total. */
OTEL_API otel_status_t otel_tracer_provider_force_flush(otel_tracer_provider_t *provider, uint32_t timeout_ms);
/** Shuts every processor down within `timeout_ms` in total; spans started afterwards are non-recording. */
OTEL_API otel_status_t otel_tracer_provider_shutdown(otel_tracer_provider_t *provider, uint32_t timeout_ms);
/**
 * Shuts down (if not done, bounded by 5 s) and frees the provider, its tracers, processors and
 * sampler. Every span of the provider must have ended. NULL-safe.
 */
OTEL_API void otel_tracer_provider_destroy(otel_tracer_provider_t *provider);

/** The provider's resource (owned by it). */
OTEL_API const otel_resource_t *otel_tracer_provider_resource(const otel_tracer_provider_t *provider);

/** Self-observability counters of a provider; processor figures are summed over its processors. */
typedef struct otel_trace_stats {
    uint64_t spans_started;   /* every span started, sampled or not */
    uint64_t spans_recording; /* started spans that record (RECORD_ONLY or RECORD_AND_SAMPLE) */
    uint64_t spans_ended;     /* recording spans ended */
    uint64_t spans_dropped;   /* sampled spans a processor dropped (queue full / shut down) */
    uint64_t spans_exported;  /* accepted by exporters */
    uint64_t spans_failed;    /* in batches exporters rejected */
    uint64_t export_calls;
    uint64_t export_failures;
    uint64_t queue_size;     /* spans waiting in batch queues now */
    uint64_t queue_capacity; /* summed batch queue capacity */
} otel_trace_stats_t;

/** Reads the counters (each exact, not a consistent snapshot). Thread-safe, lock-free. */
OTEL_API void otel_tracer_provider_get_stats(const otel_tracer_provider_t *provider, otel_trace_stats_t *stats);

/** Process-wide provider for code that has no handle (NULL until set). Set before starting threads. */
OTEL_API void otel_tracer_provider_set_global(otel_tracer_provider_t *provider);
OTEL_API otel_tracer_provider_t *otel_tracer_provider_get_global(void);

/** How to start a span; zero-initialised means: internal, parent = this thread's current span, now. */
typedef struct otel_span_start_options {
    otel_span_kind_t kind;              /* 0 means OTEL_SPAN_KIND_INTERNAL */
    const otel_span_context_t *parent;  /* explicit parent (e.g. extracted); invalid context = new trace */
    otel_str_t parent_tracestate;       /* tracestate of the explicit parent (copied) */
    bool root;                          /* start a new trace even if a span is current */
    uint64_t start_time_unix_ns;        /* 0 means now */
    const otel_attribute_t *attributes; /* seen by the sampler, then set on the span */
    size_t attribute_count;
    const otel_span_link_t *links; /* borrowed; added to the span (subject to link limits) */
    size_t link_count;
    /**
     * Opt-in, default false (every key and value is copied). true promises that the KEY of every entry of
     * `attributes` stays valid and unchanged until otel_tracer_provider_shutdown has returned OTEL_OK (processors
     * and exporters read ended spans until then; after a timeout a hung exporter may still read them, so keep
     * them for the process's life then): string literals, or a table that outlives the provider.
     * The SDK then keeps the key pointers instead of copying the keys. Values are copied either way (they may
     * point into the request). Links' attributes are always copied. The exported span (and its OTLP bytes)
     * are the same as without the flag. Saves a copy per key on hot paths that start the same span shape.
     */
    bool static_keys;
} otel_span_start_options_t;

/**
 * Starts a span named `name`. The parent is options->parent if given (remote or local), else the
 * span current on this thread (otel_context_current), unless options->root. IDs come from the
 * thread's generator; the sampler decides whether it records. A non-recording span is still
 * returned: it carries a valid context for propagation and its mutators are no-ops.
 *
 * Never returns NULL (on allocation failure a shared non-recording span with an invalid context
 * is returned). The handle is owned by the caller until otel_span_end, which consumes it.
 * Span functions may be called from any thread, also concurrently on one span (each call is atomic
 * with respect to the others; calls after the span ended are ignored), as long as every thread that
 * uses the span holds a reference: the creating handle, or one taken with otel_span_retain. A span may
 * also simply be handed over (start on one thread, end on another). Spans come from per-thread pools:
 * no allocation per span in the steady state.
 *
 * Processors: on_start hooks see every recording span; on_end hooks see every recording span that
 * ends (sampled or RECORD_ONLY); the batch and simple processors export only sampled spans.
 */
OTEL_API otel_span_t *otel_tracer_start_span(otel_tracer_t *tracer, otel_str_t name,
                                             const otel_span_start_options_t *options);

/**
 * Ends the span at `end_time_unix_ns` (0 = now), hands it to the processors, and releases the
 * creating handle. Idempotent: only the first call (from any holder) ends the span; later calls
 * are ignored. A holder of an otel_span_retain reference still gives it back with otel_span_release.
 */
OTEL_API void otel_span_end(otel_span_t *span, uint64_t end_time_unix_ns);

/**
 * Takes one more reference to `span`, for another thread that will use it concurrently; returns
 * `span`. The span stays valid (its mutators safe to call, ignored once it ended) until that
 * reference is given back with otel_span_release. NULL-safe. Lock-free (one atomic add).
 */
OTEL_API otel_span_t *otel_span_retain(otel_span_t *span);
/** Gives back a reference taken with otel_span_retain (does not end the span). NULL-safe. */
OTEL_API void otel_span_release(otel_span_t *span);

OTEL_API bool otel_span_is_recording(const otel_span_t *span);
/** The span's context (trace id, span id, flags; is_remote false). */
OTEL_API otel_span_context_t otel_span_get_context(const otel_span_t *span);
/** The span's tracestate (inherited from its parent), valid until the span ends. */
OTEL_API otel_str_t otel_span_get_tracestate(const otel_span_t *span);

/** Sets (or overwrites, same key) attributes; keys and values are copied, strings truncated to the limit. */
OTEL_API void otel_span_set_attribute(otel_span_t *span, const otel_attribute_t *attribute);
OTEL_API void otel_span_set_attributes(otel_span_t *span, const otel_attribute_t *attributes, size_t count);
/**
 * otel_span_set_attributes with the promise of otel_span_start_options_t.static_keys: every KEY of
 * `attributes` stays valid and unchanged as long as that flag requires (string literals, typically), so the
 * SDK references the keys instead of copying them. Values are copied as by otel_span_set_attributes. Same
 * locking, NULL and after-end behaviour as otel_span_set_attributes.
 */
OTEL_API void otel_span_set_attributes_static_keys(otel_span_t *span, const otel_attribute_t *attributes, size_t count);
/** Adds an event at `time_unix_ns` (0 = now). */
OTEL_API void otel_span_add_event(otel_span_t *span, otel_str_t name, uint64_t time_unix_ns,
                                  const otel_attribute_t *attributes, size_t count);
/** Adds a link (ignored if `context` is invalid and tracestate and attributes are empty). */
OTEL_API void otel_span_add_link(otel_span_t *span, const otel_span_context_t *context, otel_str_t tracestate,
                                 const otel_attribute_t *attributes, size_t count);
/**
 * Sets the status. OK is final (later calls are ignored); UNSET is ignored; the description is
 * kept only with ERROR.
 */
OTEL_API void otel_span_set_status(otel_span_t *span, otel_status_code_t code, otel_str_t description);
OTEL_API void otel_span_update_name(otel_span_t *span, otel_str_t name);
/**
 * Records an "exception" event with exception.type and exception.message (+ `attributes`).
 * Does not change the status.
 */
OTEL_API void otel_span_record_exception(otel_span_t *span, otel_str_t type, otel_str_t message,
                                         const otel_attribute_t *attributes, size_t count);

/** An activation of a span on one thread; lives on the caller's stack. */
typedef struct otel_span_scope {
    otel_span_context_t context; /* what otel_context_current() points to while active */
    const otel_span_context_t *previous;
    struct otel_span_scope *previous_scope;
    otel_span_t *span; /* kept alive (retained) until deactivation */
} otel_span_scope_t;

/**
 * Makes `span` the current span of this thread (otel_context_current() returns its context, new
 * spans default to it as parent) until otel_span_scope_end. Scopes nest and must end in LIFO
 * order on the same thread. The span may end before its scope does.
 */
OTEL_API void otel_span_scope_begin(otel_span_scope_t *scope, otel_span_t *span);
/** Restores what was current before the matching otel_span_scope_begin. */
OTEL_API void otel_span_scope_end(otel_span_scope_t *scope);

/** Fills span_context and tracestate of `ctx` from `span` (baggage untouched), for injection. */
OTEL_API void otel_propagation_context_set_span(otel_propagation_context_t *ctx, const otel_span_t *span);

#ifdef __cplusplus
}
#endif
#endif
