/* SPDX-License-Identifier: Apache-2.0 */
/* otelc metrics: the collected metrics data handed to exporters, and the metric exporter interface. */
#ifndef OTEL_METRICS_DATA_H
#define OTEL_METRICS_DATA_H

#include "otel/common.h"
#include "otel/resource.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The kind of instrument a metric came from (also selects temporality under a preference). */
typedef enum otel_instrument_kind {
    OTEL_INSTRUMENT_COUNTER = 0,
    OTEL_INSTRUMENT_UP_DOWN_COUNTER = 1,
    OTEL_INSTRUMENT_HISTOGRAM = 2,
    OTEL_INSTRUMENT_GAUGE = 3,
    OTEL_INSTRUMENT_OBSERVABLE_COUNTER = 4,
    OTEL_INSTRUMENT_OBSERVABLE_UP_DOWN_COUNTER = 5,
    OTEL_INSTRUMENT_OBSERVABLE_GAUGE = 6,
} otel_instrument_kind_t;

/** The OTLP data point type of a metric. */
typedef enum otel_metric_type {
    OTEL_METRIC_SUM = 1,                   /* points carry `value` */
    OTEL_METRIC_GAUGE = 2,                 /* points carry `value` */
    OTEL_METRIC_HISTOGRAM = 3,             /* points carry `histogram` */
    OTEL_METRIC_EXPONENTIAL_HISTOGRAM = 4, /* points carry `exp_histogram` */
} otel_metric_type_t;

/** Aggregation temporality; the numbers are OTLP's AggregationTemporality values. */
typedef enum otel_temporality {
    OTEL_TEMPORALITY_UNSPECIFIED = 0, /* gauges */
    OTEL_TEMPORALITY_DELTA = 1,
    OTEL_TEMPORALITY_CUMULATIVE = 2,
} otel_temporality_t;

/** OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: which temporality each instrument kind gets. */
typedef enum otel_temporality_preference {
    OTEL_TEMPORALITY_PREFERENCE_CUMULATIVE = 0, /* everything cumulative (the default; Prometheus needs it) */
    OTEL_TEMPORALITY_PREFERENCE_DELTA = 1,      /* counters, observable counters, histograms delta */
    OTEL_TEMPORALITY_PREFERENCE_LOWMEMORY = 2,  /* counters and histograms delta; observable counters cumulative */
} otel_temporality_preference_t;

/**
 * The temporality the spec assigns to instruments of `kind` under `preference` (UP_DOWN counters are always
 * cumulative; gauges always UNSPECIFIED). Pure function, thread-safe.
 */
OTEL_API otel_temporality_t otel_temporality_select(otel_temporality_preference_t preference,
                                                    otel_instrument_kind_t kind);

/** Whether a number is an int64 or a double. */
typedef enum otel_number_type {
    OTEL_NUMBER_INT64 = 0,
    OTEL_NUMBER_DOUBLE = 1,
} otel_number_type_t;

/** An int64 or double value; read `as_int` or `as_double` according to `type`. */
typedef struct otel_number {
    otel_number_type_t type;
    union {
        int64_t as_int;
        double as_double;
    };
} otel_number_t;

/** A sampled measurement attached to a point: lets a backend jump from a metric to the trace that caused it. */
typedef struct otel_exemplar {
    /** Measurement attributes that are not in the point's attributes (empty unless attributes were dropped). */
    const otel_attribute_t *filtered_attributes;
    size_t filtered_attribute_count;
    uint64_t time_ns;
    otel_number_t value;
    /** Ids of the span current when the measurement was made; all-zero when there was none. */
    otel_trace_id_t trace_id;
    otel_span_id_t span_id;
} otel_exemplar_t;

/** Explicit-bucket histogram point. Bucket i counts values in (bounds[i-1], bounds[i]] (upper bound inclusive). */
typedef struct otel_histogram_data {
    uint64_t count;
    double sum;
    /** min/max are meaningful only when `has_min_max` (count > 0). */
    bool has_min_max;
    double min;
    double max;
    const double *bounds; /* explicit_bounds, strictly increasing */
    size_t bound_count;
    const uint64_t *bucket_counts; /* bound_count + 1 entries; the last is (bounds[bound_count-1], +inf) */
    size_t bucket_count;
} otel_histogram_data_t;

/** One side (positive or negative) of an exponential histogram: counts[i] is bucket index offset+i. */
typedef struct otel_exp_histogram_buckets {
    int32_t offset;
    const uint64_t *counts;
    size_t count;
} otel_exp_histogram_buckets_t;

/** Base-2 exponential histogram point: bucket index i covers (base^i, base^(i+1)], base = 2^(2^-scale). */
typedef struct otel_exp_histogram_data {
    uint64_t count;
    double sum;
    bool has_min_max;
    double min;
    double max;
    int32_t scale;
    uint64_t zero_count;
    double zero_threshold;
    otel_exp_histogram_buckets_t positive;
    otel_exp_histogram_buckets_t negative;
} otel_exp_histogram_data_t;

/** One data point: one attribute set of one metric. Read the member selected by the metric's `type`. */
typedef struct otel_metric_point {
    const otel_attribute_t *attributes; /* sorted by key, keys unique */
    size_t attribute_count;
    uint64_t start_time_ns; /* cumulative: when the series began; delta: the previous collection */
    uint64_t time_ns;       /* the collection time */
    union {
        otel_number_t value;                     /* OTEL_METRIC_SUM, OTEL_METRIC_GAUGE */
        otel_histogram_data_t histogram;         /* OTEL_METRIC_HISTOGRAM */
        otel_exp_histogram_data_t exp_histogram; /* OTEL_METRIC_EXPONENTIAL_HISTOGRAM */
    };
    const otel_exemplar_t *exemplars;
    size_t exemplar_count;
} otel_metric_point_t;

/** One metric (one instrument's stream) with its points. */
typedef struct otel_metric_data {
    otel_str_t name;
    otel_str_t description;
    otel_str_t unit;
    otel_metric_type_t type;
    otel_instrument_kind_t instrument_kind;
    otel_temporality_t temporality; /* UNSPECIFIED for gauges */
    bool is_monotonic;              /* sums only */
    const otel_metric_point_t *points;
    size_t point_count;
} otel_metric_data_t;

/** The metrics of one instrumentation scope (one meter). */
typedef struct otel_scope_metrics {
    otel_str_t scope_name;
    otel_str_t scope_version;                 /* empty when not given */
    otel_str_t scope_schema_url;              /* empty when not given */
    const otel_attribute_t *scope_attributes; /* none for now */
    size_t scope_attribute_count;
    const otel_metric_data_t *metrics;
    size_t metric_count;
} otel_scope_metrics_t;

/** One collection: the resource and, per scope, its metrics. */
typedef struct otel_metrics_data {
    const otel_resource_t *resource; /* NULL when the provider was created without one */
    const otel_scope_metrics_t *scopes;
    size_t scope_count;
} otel_metrics_data_t;

/**
 * A metric exporter: a small struct of function pointers plus its own state, copied by value into the reader
 * that uses it. The reader calls the functions from its own thread, one call at a time (never concurrently).
 *
 * Ownership: everything reachable from `data` belongs to the SDK and is valid only during the export_metrics
 * call; an exporter encodes or copies what it needs before returning. The reader owns the exporter after it
 * is handed over and calls `destroy` exactly once (after `shutdown`).
 */
typedef struct otel_metric_exporter {
    void *user; /* the exporter's own state, passed to every function */
    /** Delivers one collection; blocks at most `timeout_ms`. OTEL_OK or an error (the reader logs and counts it). */
    otel_status_t (*export_metrics)(void *user, const otel_metrics_data_t *data, uint64_t timeout_ms);
    /** Flushes anything buffered; may be NULL. */
    otel_status_t (*force_flush)(void *user, uint64_t timeout_ms);
    /** Final flush and release of connections; no export follows. May be NULL. */
    otel_status_t (*shutdown)(void *user, uint64_t timeout_ms);
    /** Frees `user`; may be NULL. */
    void (*destroy)(void *user);
    /** The temporality this exporter wants (the SDK maps it per instrument kind with otel_temporality_select). */
    otel_temporality_preference_t temporality_preference;
} otel_metric_exporter_t;

#ifdef __cplusplus
}
#endif
#endif
