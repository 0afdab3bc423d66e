/* SPDX-License-Identifier: Apache-2.0 */
/* Per-thread xoshiro256** generator, seeded once per thread from getrandom(2). */
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>
#include "common_internal.h"

static _Thread_local uint64_t state[4];
static _Thread_local bool seeded;

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static void seed_this_thread(void)
{
    uint64_t seed[4] = {0};
    if (getrandom(seed, sizeof(seed), 0) != (ssize_t)sizeof(seed)) {
        /* getrandom cannot fail for 32 bytes once the pool is ready; mix time and addresses just in case. */
        uint64_t x = otel_time_now_ns() ^ (uint64_t)(uintptr_t)&seed ^ ((uint64_t)getpid() << 32);
        for (int i = 0; i < 4; i++)
            seed[i] = splitmix64(&x);
    }
    if ((seed[0] | seed[1] | seed[2] | seed[3]) == 0)
        seed[0] = 1; /* the all-zero state is the one xoshiro cannot leave */
    memcpy(state, seed, sizeof(state));
    seeded = true;
}

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t otel_random__u64(void)
{
    if (__builtin_expect(!seeded, 0))
        seed_this_thread();
    uint64_t result = rotl(state[1] * 5, 7) * 9, t = state[1] << 17;
    state[2] ^= state[0];
    state[3] ^= state[1];
    state[1] ^= state[2];
    state[0] ^= state[3];
    state[2] ^= t;
    state[3] = rotl(state[3], 45);
    return result;
}

void otel_random__fill(void *out, size_t len)
{
    uint8_t *p = out;
    while (len >= 8) {
        uint64_t r = otel_random__u64();
        memcpy(p, &r, 8);
        p += 8;
        len -= 8;
    }
    if (len > 0) {
        uint64_t r = otel_random__u64();
        memcpy(p, &r, len);
    }
}

double otel_random__double(void)
{
    return (double)(otel_random__u64() >> 11) * 0x1.0p-53;
}
