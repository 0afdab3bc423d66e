/* SPDX-License-Identifier: Apache-2.0 */
/* The throttle GA's seeded generator: xoshiro256** with its state in the run, so equal seeds replay exactly. */
#include "throttle_internal.h"

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

void throttle_rng__seed(throttle_rng_t *r, uint64_t seed)
{
    /* splitmix64 never yields four zero words in a row, so the state is valid for every seed. */
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&seed);
}

uint64_t throttle_rng__next(throttle_rng_t *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double throttle_rng__uniform(throttle_rng_t *r)
{
    return (double)(throttle_rng__next(r) >> 11) * 0x1.0p-53;
}

unsigned throttle_rng__below(throttle_rng_t *r, unsigned n)
{
    /* Lemire's multiply-shift; the bias for n <= 2^20 is far below anything a GA can notice. */
    return (unsigned)(((throttle_rng__next(r) >> 32) * (uint64_t)n) >> 32);
}

double throttle_rng__normal(throttle_rng_t *r)
{
    double sum =
        throttle_rng__uniform(r) + throttle_rng__uniform(r) + throttle_rng__uniform(r) + throttle_rng__uniform(r);
    return (sum - 2.0) * 1.7320508075688772; /* variance of the sum is 4/12: scale to 1 */
}
