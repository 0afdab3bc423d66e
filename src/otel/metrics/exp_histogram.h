/* SPDX-License-Identifier: Apache-2.0 */
/* Base-2 exponential histogram state: record, merge, rescale (one writer at a time; callers lock). */
#ifndef OTEL_METRICS_EXP_HISTOGRAM_H
#define OTEL_METRICS_EXP_HISTOGRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** One sign's buckets: counts[i] is bucket index start+i, for i < len; capacity max_size. */
typedef struct otel_metrics__exp_buckets {
    int32_t start;
    uint32_t len;
    uint64_t *counts;
} otel_metrics__exp_buckets_t;

typedef struct otel_metrics__exp_state {
    int32_t scale;
    uint32_t max_size;
    uint64_t count;
    uint64_t zero_count;
    double sum;
    double min;
    double max;
    otel_metrics__exp_buckets_t positive;
    otel_metrics__exp_buckets_t negative;
    uint64_t storage[]; /* 2 * max_size counts */
} otel_metrics__exp_state_t;

#define OTEL_METRICS__EXP_MIN_SCALE (-10)
#define OTEL_METRICS__EXP_MAX_SCALE 20

/** Bytes for a state with `max_size` buckets per sign. */
size_t otel_metrics__exp_size(uint32_t max_size);
/** Initialises the state placed in otel_metrics__exp_size(max_size) bytes; starts at `max_scale`. */
void otel_metrics__exp_init(otel_metrics__exp_state_t *s, uint32_t max_size, int32_t max_scale);
/** Empties the state and returns it to `max_scale`. */
void otel_metrics__exp_reset(otel_metrics__exp_state_t *s, int32_t max_scale);
/** Bucket index of |v| > 0 at `scale`: the i with base^i < |v| <= base^(i+1). */
int32_t otel_metrics__exp_index(double v, int32_t scale);
/** Records a finite value, lowering the scale as needed to keep each sign within max_size buckets. */
void otel_metrics__exp_record(otel_metrics__exp_state_t *s, double v);
/** Adds `src` into `dst` (scales reconciled downward). */
void otel_metrics__exp_merge(otel_metrics__exp_state_t *dst, const otel_metrics__exp_state_t *src);

#endif
