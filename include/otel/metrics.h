/* SPDX-License-Identifier: Apache-2.0 */
/* otelc metrics API: meter provider, meters, instruments, bound attribute sets, observers, readers, exporters. */
#ifndef OTEL_METRICS_H
#define OTEL_METRICS_H

#include <stdio.h>
#include "otel/common.h"
#include "otel/metrics_data.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct otel_meter_provider otel_meter_provider_t;
typedef struct otel_meter otel_meter_t;
typedef struct otel_instrument otel_instrument_t;
typedef struct otel_metric_series otel_bound_instrument_t;
typedef struct otel_observer otel_observer_t;
typedef struct otel_periodic_reader otel_periodic_reader_t;

/** OTEL_METRICS_EXEMPLAR_FILTER: which measurements may become exemplars. */
typedef enum otel_exemplar_filter {
    OTEL_EXEMPLAR_FILTER_TRACE_BASED = 0, /* only measurements made while a sampled span is current (default) */
    OTEL_EXEMPLAR_FILTER_ALWAYS_ON = 1,
    OTEL_EXEMPLAR_FILTER_ALWAYS_OFF = 2,
} otel_exemplar_filter_t;

/* ------------------------------------------------------------------------------------------------ provider -- */

/** Meter provider settings; otel_meter_provider_options_init fills the spec's defaults. */
typedef struct otel_meter_provider_options {
    /** The provider retains it (the caller may destroy its reference after create). NULL: data carries none. */
    const otel_resource_t *resource;
    /** Points per instrument, overflow point included (default 2000). Extra attribute sets are aggregated into
     * the `otel.metric.overflow=true` point. Minimum 2. */
    uint32_t cardinality_limit;
    otel_exemplar_filter_t exemplar_filter;
    /** Exemplars kept per point for non-histogram instruments (default 4); histograms keep one per bucket. */
    uint32_t exemplar_reservoir_size;
    /** Cache-line padded cells per series that record calls spread over (0: next power of two >= CPUs, max 8). */
    uint32_t cells_per_series;
} otel_meter_provider_options_t;

/** Fills `opts` with the defaults (no env reading). */
OTEL_API void otel_meter_provider_options_init(otel_meter_provider_options_t *opts);

/**
 * Creates a meter provider. `opts` NULL means defaults. On error *out is NULL and the status says why
 * (OTEL_ERR_INVALID_ARGUMENT, OTEL_ERR_NO_MEMORY).
 */
OTEL_API otel_status_t otel_meter_provider_create(const otel_meter_provider_options_t *opts,
                                                  otel_meter_provider_t **out);

/**
 * Frees the provider with all its meters, instruments and bound handles. Stop (shut down) its readers first.
 * NULL-safe. Not thread-safe with recording: call when no thread records any more.
 */
OTEL_API void otel_meter_provider_destroy(otel_meter_provider_t *provider);

/**
 * Returns the meter for instrumentation scope (name, version, schema_url); the same triple returns the same
 * meter. `version` and `schema_url` may be NULL. The meter lives as long as the provider. Thread-safe.
 */
OTEL_API otel_status_t otel_meter_provider_get_meter(otel_meter_provider_t *provider, const char *name,
                                                     const char *version, const char *schema_url, otel_meter_t **out);

/** Receives one collection; the data is valid only during the call. */
typedef otel_status_t (*otel_metrics_sink_t)(const otel_metrics_data_t *data, void *user);

/**
 * Collects every instrument now (runs observable callbacks once each) and hands the result to `sink`.
 * Sums and histograms get the temporality `preference` gives their instrument kind. Collections are
 * serialised; a provider is meant to have one reader (delta state is shared). Returns the sink's status.
 */
OTEL_API otel_status_t otel_meter_provider_collect(otel_meter_provider_t *provider,
                                                   otel_temporality_preference_t preference, otel_metrics_sink_t sink,
                                                   void *user);

/* ---------------------------------------------------------------------------------------------------- views -- */

/** The aggregation a view gives the streams it selects. */
typedef enum otel_view_aggregation {
    OTEL_VIEW_AGGREGATION_DEFAULT = 0, /* the instrument kind's default */
    OTEL_VIEW_AGGREGATION_DROP = 1,    /* record nothing, export nothing */
    OTEL_VIEW_AGGREGATION_SUM = 2,     /* counters, up-down counters, histograms */
    OTEL_VIEW_AGGREGATION_LAST_VALUE = 3,
    OTEL_VIEW_AGGREGATION_EXPLICIT_HISTOGRAM = 4, /* with `bucket_bounds` (NULL: the spec's defaults) */
    OTEL_VIEW_AGGREGATION_EXPONENTIAL_HISTOGRAM = 5,
} otel_view_aggregation_t;

/**
 * A view: selects instruments and changes the stream they produce. Strings and arrays are copied.
 * Selection: `instrument_name` (case-insensitive; "*" selects every instrument) and, if not NULL,
 * `meter_name`. The first view added that selects an instrument applies (one stream per instrument).
 */
typedef struct otel_view {
    const char *instrument_name;
    const char *meter_name;
    const char *name;        /* new stream name (validated like instrument names); NULL keeps; not with "*" */
    const char *description; /* NULL keeps */
    /** Attribute allow-list: when `filter_attributes`, only these keys are kept (none when count is 0). */
    bool filter_attributes;
    const char *const *attribute_keys;
    size_t attribute_key_count;
    otel_view_aggregation_t aggregation; /* an aggregation the instrument kind cannot take is refused */
    const double *bucket_bounds;
    size_t bucket_bound_count;
} otel_view_t;

/**
 * Adds a view; it applies to instruments created afterwards (add views right after creating the provider).
 * OTEL_ERR_INVALID_ARGUMENT (with a diagnostic) for a bad name, bounds or selector. Thread-safe.
 */
OTEL_API otel_status_t otel_meter_provider_add_view(otel_meter_provider_t *provider, const otel_view_t *view);

/* ---------------------------------------------------------------------------------------------- instruments -- */

/** Aggregation of a histogram instrument. */
typedef enum otel_histogram_aggregation {
    OTEL_HISTOGRAM_EXPLICIT = 0,    /* explicit buckets: advisory bounds, else the spec's default bounds */
    OTEL_HISTOGRAM_EXPONENTIAL = 1, /* base-2 exponential buckets */
} otel_histogram_aggregation_t;

/** An observable instrument's callback: called once per collection on the collecting thread. */
typedef void (*otel_observable_callback_t)(otel_observer_t *observer, void *user);

/** What to create. Strings are copied. Fill with a designated initialiser; zero means default. */
typedef struct otel_instrument_options {
    const char *name;        /* ^[A-Za-z][A-Za-z0-9_.\-/]{0,254}$; compared case-insensitively within a meter */
    const char *unit;        /* printable ASCII, at most 63 characters; NULL = "" */
    const char *description; /* at most 1023 bytes; NULL = "" */
    otel_instrument_kind_t kind;
    otel_number_type_t value_type;
    /** Histograms: advisory explicit bucket bounds (strictly increasing, finite), copied. NULL: the spec's
     * defaults 0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000. */
    const double *bucket_bounds;
    size_t bucket_bound_count;
    otel_histogram_aggregation_t histogram_aggregation;
    /** Exponential histograms: buckets per sign (default 160) and starting/maximum scale (default 20). */
    uint32_t exp_max_size;
    int32_t exp_max_scale;
    /** Observable instruments: the callback (required) and its argument. */
    otel_observable_callback_t callback;
    void *callback_user;
} otel_instrument_options_t;

/** The semantic conventions' bounds for http.server.request.duration (seconds): 0.005 ... 10. */
OTEL_API extern const double otel_http_duration_bounds[14];

/**
 * Creates an instrument in `meter`. A bad name, unit, description or bounds is rejected with
 * OTEL_ERR_INVALID_ARGUMENT and a diagnostic naming it; no instrument is created. Asking again for an
 * identical instrument returns the existing one; the same name with a different kind, type or unit is an
 * error. The instrument lives as long as the provider. Thread-safe.
 */
OTEL_API otel_status_t otel_meter_create_instrument(otel_meter_t *meter, const otel_instrument_options_t *opts,
                                                    otel_instrument_t **out);

/**
 * Records a measurement with the attribute set `attrs[0..n)` (any order; a repeated key keeps the last value).
 * Counters add (negative values are dropped), up-down counters add, histograms record, gauges set. Lock-free;
 * allocates only when a new attribute set is first seen. NULL instrument: no-op. Thread-safe.
 */
OTEL_API void otel_instrument_record_int64(otel_instrument_t *instrument, int64_t value, const otel_attribute_t *attrs,
                                           size_t n);
OTEL_API void otel_instrument_record_double(otel_instrument_t *instrument, double value, const otel_attribute_t *attrs,
                                            size_t n);

/**
 * Pre-binds an attribute set to a synchronous instrument for the hot path: recording through the handle is one
 * uncontended update with no lookup. The handle lives as long as the provider (no release needed); binding the
 * same set twice gives the same handle. Beyond the cardinality limit the handle records into the overflow
 * point. NULL on a NULL or observable instrument, or when out of memory. Thread-safe.
 */
OTEL_API otel_bound_instrument_t *otel_instrument_bind(otel_instrument_t *instrument, const otel_attribute_t *attrs,
                                                       size_t n);

/** Records through a bound handle (same semantics as otel_instrument_record_*). NULL: no-op. Thread-safe. */
OTEL_API void otel_bound_record_int64(otel_bound_instrument_t *bound, int64_t value);
OTEL_API void otel_bound_record_double(otel_bound_instrument_t *bound, double value);

/**
 * Until called again with 0, exemplars recorded on this thread take `time_unix_ns` as their timestamp instead of
 * reading the clock once per exemplar: for a caller recording several measurements it has just timed (e.g. a
 * request's metrics at its end). Thread-local; the measurements themselves are unaffected.
 */
OTEL_API void otel_metrics_set_exemplar_time(uint64_t time_unix_ns);

/**
 * Reports one observation from an observable callback (use only inside the callback). ObservableCounter and
 * ObservableUpDownCounter take the current total; ObservableGauge the current value. Observing the same
 * attribute set twice in one callback keeps the last value.
 */
OTEL_API void otel_observer_observe_int64(otel_observer_t *observer, int64_t value, const otel_attribute_t *attrs,
                                          size_t n);
OTEL_API void otel_observer_observe_double(otel_observer_t *observer, double value, const otel_attribute_t *attrs,
                                           size_t n);

/* ------------------------------------------------------------------------------------------------- readers -- */

/** Periodic reader settings; init fills the spec's defaults (60000 ms interval, 30000 ms timeout, nice 0). */
typedef struct otel_periodic_reader_options {
    uint64_t interval_ms; /* OTEL_METRIC_EXPORT_INTERVAL */
    uint64_t timeout_ms;  /* OTEL_METRIC_EXPORT_TIMEOUT: given to each export call */
    uint32_t thread_nice; /* OTELC_EXPORT_THREAD_NICE (otelc's own), 0 = unchanged: the reader thread (named
                             "otel-metrics") raises its own nice value to this (0..19, larger = 19) */
} otel_periodic_reader_options_t;

OTEL_API void otel_periodic_reader_options_init(otel_periodic_reader_options_t *opts);

/**
 * Starts a reader thread that collects `provider` every interval and exports with `exporter` (taken over by
 * value: the reader calls its destroy, also on error). The exporter's temporality preference selects each
 * metric's temporality. `opts` NULL: defaults. On error *out is NULL.
 */
OTEL_API otel_status_t otel_periodic_reader_create(otel_meter_provider_t *provider,
                                                   const otel_metric_exporter_t *exporter,
                                                   const otel_periodic_reader_options_t *opts,
                                                   otel_periodic_reader_t **out);

/** Collects and exports now, then flushes the exporter (both on the reader thread), waiting up to `timeout_ms`.
 * OTEL_ERR_TIMEOUT, OTEL_ERR_SHUTDOWN, or the export/flush status. Thread-safe. */
OTEL_API otel_status_t otel_periodic_reader_force_flush(otel_periodic_reader_t *reader, uint64_t timeout_ms);

/**
 * Final collection and export, then exporter shutdown, bounded by `timeout_ms`; stops the thread. A second call
 * returns OTEL_ERR_SHUTDOWN.
 */
OTEL_API otel_status_t otel_periodic_reader_shutdown(otel_periodic_reader_t *reader, uint64_t timeout_ms);

/** Shuts down (if not yet, with the configured timeout) and frees the reader and its exporter. NULL-safe. */
OTEL_API void otel_periodic_reader_destroy(otel_periodic_reader_t *reader);

/** Exports attempted / failed so far by this reader (for self-observability). Thread-safe. */
OTEL_API void otel_periodic_reader_stats(const otel_periodic_reader_t *reader, uint64_t *exports, uint64_t *failures);

/* ------------------------------------------------------------------------------------------------ exporters -- */

/**
 * The console exporter: one OTLP-JSON object (ExportMetricsServiceRequest shape) per export, on one line, to
 * `out` (NULL: stdout; borrowed, never closed), with the given temporality preference. Fills *exporter.
 * For reading, doubles are printed with 15 significant digits (integers, ints as strings, are exact).
 */
OTEL_API otel_status_t otel_console_metric_exporter_create(FILE *out, otel_temporality_preference_t preference,
                                                           otel_metric_exporter_t *exporter);

/** Builds an exporter (e.g. the OTLP one) from the environment; fills *exporter or returns an error. */
typedef otel_status_t (*otel_metric_exporter_factory_t)(otel_metric_exporter_t *exporter);

/**
 * Makes OTEL_METRICS_EXPORTER=`name` select `factory` (the OTLP module registers "otlp"). `name` must be a
 * static string; registering a name again replaces the factory. At most 16 names; "none" is reserved. Call
 * before otel_metrics_setup_from_env; not thread-safe.
 */
OTEL_API otel_status_t otel_metric_exporter_register(const char *name, otel_metric_exporter_factory_t factory);

/** Metrics settings read from OTEL_* environment variables (spec defaults where unset). */
typedef struct otel_metrics_env {
    char exporter[32];                      /* OTEL_METRICS_EXPORTER: otlp (default), console, none */
    otel_periodic_reader_options_t reader;  /* OTEL_METRIC_EXPORT_INTERVAL / _TIMEOUT (ms), OTELC_EXPORT_THREAD_NICE */
    otel_exemplar_filter_t exemplar_filter; /* OTEL_METRICS_EXEMPLAR_FILTER */
    otel_temporality_preference_t temporality; /* OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE */
} otel_metrics_env_t;

/**
 * Reads the variables above. A bad value gives OTEL_ERR_CONFIG and a one-line message naming the variable in
 * `err` (may be NULL; `err_len` bytes).
 */
OTEL_API otel_status_t otel_metrics_env_read(otel_metrics_env_t *env, char *err, size_t err_len);

/**
 * The whole metrics SDK from the environment: a provider with `resource` (borrowed) and, unless the exporter is
 * "none", a periodic reader with the selected exporter (*reader NULL for none). "otlp" needs a registered
 * factory: without one this fails with OTEL_ERR_UNSUPPORTED and says so in `err`. On error nothing is left
 * allocated.
 */
OTEL_API otel_status_t otel_metrics_setup_from_env(const otel_resource_t *resource, otel_meter_provider_t **provider,
                                                   otel_periodic_reader_t **reader, char *err, size_t err_len);

/* ------------------------------------------------------------------------------------ self-observability -- */

struct otel_tracer_provider;

/**
 * Registers observable instruments on `meter` that report the tracer provider's own counters at each
 * collection: otel.sdk.span.started, otel.sdk.span.live, otel.sdk.processor.span.processed (dropped ones with
 * error.type=queue_full), otel.sdk.processor.span.queue.size and .queue.capacity (exporter-level
 * otel.sdk.exporter.* metrics come from the OTLP module). `tracer_provider` must outlive the meter provider.
 */
OTEL_API otel_status_t otel_metrics_observe_tracer_provider(otel_meter_t *meter,
                                                            struct otel_tracer_provider *tracer_provider);

/** Registers otelc.sdk.metric_reader.exports (export calls; failed ones with error.type=export_failed). */
OTEL_API otel_status_t otel_metrics_observe_periodic_reader(otel_meter_t *meter, const otel_periodic_reader_t *reader);

#ifdef __cplusplus
}
#endif
#endif
