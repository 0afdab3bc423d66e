/* SPDX-License-Identifier: Apache-2.0 */
/* Base-2 exponential histogram: bucket indexing per the spec, window growth, downscaling and merging. */
#include <math.h>
#include <string.h>
#include "metrics/exp_histogram.h"

size_t otel_metrics__exp_size(uint32_t max_size)
{
    return sizeof(otel_metrics__exp_state_t) + 2 * (size_t)max_size * sizeof(uint64_t);
}

void otel_metrics__exp_init(otel_metrics__exp_state_t *s, uint32_t max_size, int32_t max_scale)
{
    s->max_size = max_size;
    s->positive.counts = s->storage;
    s->negative.counts = s->storage + max_size;
    otel_metrics__exp_reset(s, max_scale);
}

void otel_metrics__exp_reset(otel_metrics__exp_state_t *s, int32_t max_scale)
{
    s->scale = max_scale;
    s->count = s->zero_count = 0;
    s->sum = 0;
    s->min = INFINITY;
    s->max = -INFINITY;
    s->positive.start = s->negative.start = 0;
    s->positive.len = s->negative.len = 0;
    memset(s->storage, 0, 2 * (size_t)s->max_size * sizeof(uint64_t));
}

int32_t otel_metrics__exp_index(double v, int32_t scale)
{
    v = fabs(v);
    int exp;
    double frac = frexp(v, &exp); /* v = frac * 2^exp, frac in [0.5, 1) */
    if (frac == 0.5) {            /* exact power of two 2^(exp-1): the upper bound of its bucket */
        int64_t i = (int64_t)(exp - 1);
        return scale >= 0 ? (int32_t)(i * ((int64_t)1 << scale) - 1) : (int32_t)(((i - 1) >> -scale));
    }
    if (scale <= 0)
        return (int32_t)((int64_t)(exp - 1) >> -scale);
    /* v = 2^(exp-1) * r with r = 2*frac in (1, 2): the integer part is exact, only log2(r) is rounded, and
     * log1p keeps precision for r just above 1 */
    double sub = ceil(ldexp(log1p(2 * frac - 1) * M_LOG2E, scale));
    return (int32_t)((int64_t)(exp - 1) * ((int64_t)1 << scale) + (int64_t)sub - 1);
}

/* Downscale change needed so that [lo, hi] fits in max_size buckets. */
static int32_t change_to_fit(int64_t lo, int64_t hi, uint32_t max_size)
{
    int32_t change = 0;
    while (hi - lo + 1 > (int64_t)max_size) {
        lo >>= 1;
        hi >>= 1;
        change++;
    }
    return change;
}

static void downscale_buckets(otel_metrics__exp_buckets_t *b, int32_t change)
{
    if (change <= 0 || b->len == 0)
        return;
    int32_t new_start = b->start >> change;
    for (uint32_t i = 0; i < b->len; i++) { /* destination never exceeds source: move in place, ascending */
        uint64_t c = b->counts[i];
        b->counts[i] = 0;
        b->counts[((b->start + (int32_t)i) >> change) - new_start] += c;
    }
    b->len = (uint32_t)(((b->start + (int32_t)b->len - 1) >> change) - new_start + 1);
    b->start = new_start;
}

static void downscale(otel_metrics__exp_state_t *s, int32_t change)
{
    if (change <= 0)
        return;
    if (s->scale - change < OTEL_METRICS__EXP_MIN_SCALE)
        change = s->scale - OTEL_METRICS__EXP_MIN_SCALE;
    downscale_buckets(&s->positive, change);
    downscale_buckets(&s->negative, change);
    s->scale -= change;
}

/* Adds n at index idx, which must fit within max_size together with the current window. */
static void add_at(otel_metrics__exp_buckets_t *b, int32_t idx, uint64_t n)
{
    if (b->len == 0) {
        b->start = idx;
        b->len = 1;
    } else if (idx < b->start) {
        uint32_t shift = (uint32_t)(b->start - idx);
        memmove(b->counts + shift, b->counts, b->len * sizeof(uint64_t));
        memset(b->counts, 0, shift * sizeof(uint64_t));
        b->len += shift;
        b->start = idx;
    } else if (idx >= b->start + (int32_t)b->len) {
        b->len = (uint32_t)(idx - b->start + 1);
    }
    b->counts[idx - b->start] += n;
}

/* Change needed so that `b` plus index range [lo, hi] (at the current scale) fits. */
static int32_t change_for(const otel_metrics__exp_buckets_t *b, int64_t lo, int64_t hi, uint32_t max_size)
{
    if (b->len > 0) {
        if (b->start < lo)
            lo = b->start;
        if (b->start + (int64_t)b->len - 1 > hi)
            hi = b->start + (int64_t)b->len - 1;
    }
    return change_to_fit(lo, hi, max_size);
}

void otel_metrics__exp_record(otel_metrics__exp_state_t *s, double v)
{
    s->count++;
    s->sum += v;
    if (v < s->min)
        s->min = v;
    if (v > s->max)
        s->max = v;
    if (v == 0) {
        s->zero_count++;
        return;
    }
    otel_metrics__exp_buckets_t *b = v > 0 ? &s->positive : &s->negative;
    int32_t idx = otel_metrics__exp_index(v, s->scale);
    int32_t change = change_for(b, idx, idx, s->max_size);
    if (change > 0) {
        downscale(s, change);
        idx = otel_metrics__exp_index(v, s->scale);
    }
    add_at(b, idx, 1);
}

static void merge_buckets(otel_metrics__exp_buckets_t *dst, const otel_metrics__exp_buckets_t *src, int32_t change)
{
    for (uint32_t i = 0; i < src->len; i++)
        if (src->counts[i] > 0)
            add_at(dst, (src->start + (int32_t)i) >> change, src->counts[i]);
}

void otel_metrics__exp_merge(otel_metrics__exp_state_t *dst, const otel_metrics__exp_state_t *src)
{
    if (src->count == 0)
        return;
    if (src->scale < dst->scale)
        downscale(dst, dst->scale - src->scale);
    /* then lower further until src's windows, seen at dst's scale, fit beside dst's */
    for (;;) {
        int32_t d = src->scale - dst->scale, change = 0, c;
        const otel_metrics__exp_buckets_t *sides[2][2] = {{&dst->positive, &src->positive},
                                                          {&dst->negative, &src->negative}};
        for (int k = 0; k < 2; k++) {
            const otel_metrics__exp_buckets_t *sb = sides[k][1];
            if (sb->len == 0)
                continue;
            c = change_for(sides[k][0], sb->start >> d, (sb->start + (int64_t)sb->len - 1) >> d, dst->max_size);
            if (c > change)
                change = c;
        }
        if (change == 0 || dst->scale <= OTEL_METRICS__EXP_MIN_SCALE)
            break;
        downscale(dst, change);
    }
    int32_t d = src->scale - dst->scale;
    merge_buckets(&dst->positive, &src->positive, d);
    merge_buckets(&dst->negative, &src->negative, d);
    dst->count += src->count;
    dst->zero_count += src->zero_count;
    dst->sum += src->sum;
    if (src->min < dst->min)
        dst->min = src->min;
    if (src->max > dst->max)
        dst->max = src->max;
}
