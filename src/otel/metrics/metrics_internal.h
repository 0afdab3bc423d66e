/* SPDX-License-Identifier: Apache-2.0 */
/* otelc metrics internals: provider, meter, instrument and series layout shared by the metrics sources. */
#ifndef OTEL_METRICS_INTERNAL_H
#define OTEL_METRICS_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include "otel/metrics.h"
#include "common/arena_internal.h"
#include "common/common_internal.h"
#include "metrics/exp_histogram.h"

#define OTEL_METRICS__CACHE_LINE 64
/* Attributes per measurement beyond this are dropped (with a diagnostic): the canonical set is built on the stack. */
#define OTEL_METRICS__MAX_ATTRS 128
/* Up to this many attributes, lookups skip sorting (order-independent hash, pairwise duplicate check). */
#define OTEL_METRICS__FAST_ATTRS 16

/** Spin-wait hint for the short try-locks (exemplar slots, exponential histogram cells). */
static inline void otel_metrics__cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

/* ---- attribute sets (attribute_set.c) ---- */

/** Sorts `n` attributes by key into `out` (pointers), dropping earlier duplicates; returns the count kept. */
size_t otel_metrics__attrs_canonicalize(const otel_attribute_t *attrs, size_t n, const otel_attribute_t **out);
/**
 * Prepares a measurement's attributes for lookup without sorting: unique attributes into `out` (the last of a
 * repeated key wins), each one's hash into `hashes`, the count into *out_n; returns the order-independent set
 * hash. `out` and `hashes` hold n entries.
 */
uint64_t otel_metrics__attrs_prepare(const otel_attribute_t *attrs, size_t n, const otel_attribute_t **out,
                                     uint64_t *hashes, size_t *out_n);
/** True when the prepared attributes equal the owned set (with its per-attribute hashes). */
bool otel_metrics__attrs_match(const otel_attribute_t *const *in, const uint64_t *in_hashes, size_t n,
                               const otel_attribute_t *owned, const uint64_t *owned_hashes, size_t m);
/** Sorts the prepared attributes by key (hashes alongside) and deep-copies them in one allocation (free() it). */
otel_attribute_t *otel_metrics__attrs_copy(const otel_attribute_t **attrs, uint64_t *hashes, size_t n);

/* ---- validation (validate.c) ---- */

/** NULL when valid, else a static reason. */
const char *otel_metrics__check_name(const char *name);
const char *otel_metrics__check_unit(const char *unit);
const char *otel_metrics__check_description(const char *description);
const char *otel_metrics__check_bounds(const double *bounds, size_t count);

/* ---- exemplars (exemplar.c) ---- */

typedef struct otel_metrics__exemplar_slot {
    _Atomic uint32_t busy; /* try-lock: a writer that finds it taken skips its offer */
    bool full;
    otel_exemplar_t exemplar;
} otel_metrics__exemplar_slot_t;

/* ---- series: one attribute set of one instrument ---- */

typedef struct otel_metrics__collect_state {
    bool has_value;      /* cumulative: a point is reported */
    otel_number_t total; /* sums: cumulative total; gauges: last value; observable: last observation */
    otel_number_t prev;  /* observable sums: the previous observation (for delta) */
    bool has_prev;
    uint64_t gauge_seq; /* sync gauges: the sequence number seen at the previous collection */
    uint64_t observed_epoch;
    uint64_t *buckets; /* explicit histograms: cumulative bucket counts */
    uint64_t count;
    double sum;
    double min;
    double max;
    otel_metrics__exp_state_t *exp_total; /* exponential histograms: cumulative state */
} otel_metrics__collect_state_t;

struct otel_metric_series {
    otel_instrument_t *instrument;
    struct otel_metric_series *next; /* instrument's list, newest first; immutable once published */
    uint64_t hash;
    otel_attribute_t *attrs; /* canonical (sorted by key), owned (one allocation) */
    uint64_t *attr_hashes;   /* per-attribute hashes, same order */
    size_t attr_count;
    bool is_overflow;
    uint64_t created_ns;
    unsigned char *cells; /* cells_per_series stripes of cell_stride bytes, cache-line aligned */
    otel_metrics__exemplar_slot_t *exemplars;
    uint32_t exemplar_slots;
    _Atomic uint64_t exemplar_seen;      /* measurements offered since the last collection (fixed-size reservoir) */
    otel_metrics__collect_state_t state; /* only touched by the collecting thread */
};
typedef struct otel_metric_series otel_metric_series_t;

/* ---- instruments ---- */

typedef enum otel_metrics__agg {
    OTEL_METRICS__AGG_SUM,
    OTEL_METRICS__AGG_GAUGE,
    OTEL_METRICS__AGG_HISTOGRAM,
    OTEL_METRICS__AGG_EXP_HISTOGRAM,
    OTEL_METRICS__AGG_OBSERVED, /* observable instruments: the callback's values */
    OTEL_METRICS__AGG_DROP,     /* a view dropped the instrument */
} otel_metrics__agg_t;

/** A view as stored by the provider (owned copies). */
typedef struct otel_metrics__view {
    struct otel_metrics__view *next;
    char *instrument_name, *meter_name, *name, *description;
    bool filter_attributes;
    char **attribute_keys;
    size_t attribute_key_count;
    otel_view_aggregation_t aggregation;
    double *bucket_bounds;
    size_t bucket_bound_count;
} otel_metrics__view_t;

/** Frees an instrument with its series. */
void otel_metrics__instrument_free(otel_instrument_t *inst);
/** Frees a stored view (NULL-safe). */
void otel_metrics__view_free(otel_metrics__view_t *view);
/** The first view selecting instrument `name` of `meter`, or NULL. Caller holds provider->lock. */
const otel_metrics__view_t *otel_metrics__view_find(const otel_meter_provider_t *p, const otel_meter_t *meter,
                                                    const char *name);

struct otel_instrument {
    otel_meter_t *meter;
    struct otel_instrument *next;           /* meter's list */
    char *name, *unit, *description;        /* as created (duplicate detection) */
    char *stream_name, *stream_description; /* as exported (a view may rename) */
    char **keep_keys;                       /* a view's attribute allow-list (when filter_attributes) */
    size_t keep_key_count;
    bool filter_attributes;
    otel_instrument_kind_t kind;
    otel_number_type_t value_type;
    otel_metrics__agg_t agg;
    otel_exemplar_filter_t exemplar_filter;
    double *bounds; /* explicit histograms */
    size_t bound_count;
    uint32_t exp_max_size;
    int32_t exp_max_scale;
    otel_observable_callback_t callback;
    void *callback_user;

    size_t cell_stride;
    uint32_t cell_mask; /* cells_per_series - 1 */
    uint32_t limit;     /* cardinality limit, overflow point included */

    /* series table: fixed capacity (never resized, never shrunk) so lookups are lock-free */
    _Atomic(otel_metric_series_t *) *slots;
    size_t slot_mask;
    _Atomic size_t series_count; /* regular series (overflow excluded) */
    _Atomic(otel_metric_series_t *) series_head;
    _Atomic(otel_metric_series_t *) overflow;
    pthread_mutex_t lock; /* serialises series creation only */
};

struct otel_meter {
    otel_meter_provider_t *provider;
    struct otel_meter *next;
    char *name, *version, *schema_url;
    otel_instrument_t *instruments; /* newest first, guarded by provider->lock */
};

struct otel_meter_provider {
    otel_meter_provider_options_t opts;
    uint32_t cells_per_series;
    pthread_mutex_t lock;         /* meters and instruments lists */
    pthread_mutex_t collect_lock; /* one collection at a time */
    otel_meter_t *meters;
    otel_metrics__view_t *views; /* in the order added, guarded by lock */
    uint64_t created_ns;
    uint64_t last_collect_ns; /* delta start time */
    uint64_t epoch;           /* collections so far */
    otel_arena_t arena;       /* the output of the last collection; reset by the next one */
};

struct otel_observer {
    otel_instrument_t *instrument;
    uint64_t epoch;
};

/* ---- series table and recording (series.c, record.c) ---- */

/** The series for a canonical attribute list: found, created, or the overflow series; NULL on no memory. */
otel_metric_series_t *otel_metrics__series_get(otel_instrument_t *inst, const otel_attribute_t *attrs, size_t n);
void otel_metrics__series_free(otel_metric_series_t *series);
/** Cell bytes per stripe for this instrument's aggregation (before cache-line rounding). */
size_t otel_metrics__cell_size(const otel_instrument_t *inst);
/** Initialises one stripe's cell (e.g. histogram min/max to +/-inf). */
void otel_metrics__cell_init(const otel_instrument_t *inst, unsigned char *cell);

/** Exemplar reservoir: slots for a new series (0 when the filter is always_off). */
uint32_t otel_metrics__exemplar_slot_count(const otel_instrument_t *inst);
/** Offers a measurement to the series' reservoir; `bucket` is the histogram bucket or -1. Never blocks. */
void otel_metrics__exemplar_offer(otel_metric_series_t *series, otel_number_t value, int bucket,
                                  const otel_span_context_t *ctx);
/** Moves the reservoir's exemplars into `out` (capacity series->exemplar_slots), returns how many. */
size_t otel_metrics__exemplar_take(otel_metric_series_t *series, otel_exemplar_t *out);

/** Histogram bucket of `v`: the first i with v <= bounds[i], else bound_count. */
static inline size_t otel_metrics__bucket_index(const double *bounds, size_t count, double v)
{
    if (count <= 16) {
        size_t i = 0;
        while (i < count && v > bounds[i])
            i++;
        return i;
    }
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (v > bounds[mid])
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

#endif
