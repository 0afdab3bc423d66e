/* SPDX-License-Identifier: Apache-2.0 */
/* Base-2 exponential histogram internals: indexing at powers of two, downscaling, merging. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include "metrics/exp_histogram.h"

Test(metrics_exp_histogram, index_of_powers_of_two_and_neighbours)
{
    /* bucket i holds (base^i, base^(i+1)]: 2^k is the upper bound of bucket k*2^scale - 1 */
    for (int scale = -3; scale <= 8; scale++)
        for (int k = -20; k <= 20; k++) {
            double v = ldexp(1, k);
            int32_t expect = scale >= 0 ? k * (1 << scale) - 1 : ((k - 1) >> -scale);
            cr_expect_eq(otel_metrics__exp_index(v, scale), expect, "2^%d at scale %d", k, scale);
            int32_t above = scale >= 0 ? expect + 1 : (k >> -scale); /* 2^k is in bucket k at scale 0 */
            cr_expect_eq(otel_metrics__exp_index(nextafter(v, INFINITY), scale), above, "above 2^%d, scale %d", k,
                         scale);
        }
    cr_expect_eq(otel_metrics__exp_index(3, 1), 3);     /* sqrt2^3 = 2.83 < 3 <= 4 */
    cr_expect_eq(otel_metrics__exp_index(-3, 1), 3);    /* sign handled by the caller's side */
    cr_expect_eq(otel_metrics__exp_index(1.5, 0), 0);   /* (1, 2] */
    cr_expect_eq(otel_metrics__exp_index(0.75, 0), -1); /* (0.5, 1] */
}

static otel_metrics__exp_state_t *make(uint32_t max_size)
{
    otel_metrics__exp_state_t *s = malloc(otel_metrics__exp_size(max_size));
    otel_metrics__exp_init(s, max_size, 20);
    return s;
}

static uint64_t total(const otel_metrics__exp_buckets_t *b)
{
    uint64_t t = 0;
    for (uint32_t i = 0; i < b->len; i++)
        t += b->counts[i];
    return t;
}

Test(metrics_exp_histogram, downscales_to_fit_and_keeps_counts)
{
    otel_metrics__exp_state_t *s = make(20);
    for (int i = 1; i <= 1000; i++)
        otel_metrics__exp_record(s, i * 0.37);
    cr_expect_eq(s->count, 1000);
    cr_expect_eq(total(&s->positive), 1000);
    cr_expect_leq(s->positive.len, 20);
    /* every value is inside its bucket's range at the final scale */
    double base = pow(2, pow(2, -s->scale));
    cr_expect_leq(pow(base, s->positive.start), 0.37);
    cr_expect_geq(pow(base, s->positive.start + (int)s->positive.len), 370);
    /* the scale is the largest that fits: one more would not */
    int32_t lo = otel_metrics__exp_index(0.37, s->scale + 1), hi = otel_metrics__exp_index(370, s->scale + 1);
    cr_expect_gt(hi - lo + 1, 20);
    free(s);
}

Test(metrics_exp_histogram, merge_reconciles_scales)
{
    otel_metrics__exp_state_t *a = make(16), *b = make(16), *m = make(16);
    for (int i = 1; i <= 100; i++) {
        otel_metrics__exp_record(a, i);
        otel_metrics__exp_record(b, 1000.0 * i);
        otel_metrics__exp_record(b, -0.001 * i);
    }
    otel_metrics__exp_record(b, 0);
    otel_metrics__exp_merge(m, a);
    otel_metrics__exp_merge(m, b);
    cr_expect_eq(m->count, 301);
    cr_expect_eq(m->zero_count, 1);
    cr_expect_eq(total(&m->positive), 200);
    cr_expect_eq(total(&m->negative), 100);
    cr_expect_leq(m->positive.len, 16);
    cr_expect_leq(m->scale, a->scale);
    cr_expect_leq(m->scale, b->scale);
    cr_expect_eq(m->min, -0.1);
    cr_expect_eq(m->max, 100000);
    free(a);
    free(b);
    free(m);
}
