/* SPDX-License-Identifier: Apache-2.0 */
/* Delay timers keyed by duration on top of h2o 2.2.5's fixed-duration h2o_timeout_t; a per-thread PRNG. */
#include "delay.h"

#include <stdlib.h>
#include <sys/random.h>

#define BUCKETS 256

typedef struct timer_slot {
    uint32_t ms;
    h2o_timeout_t timeout;
    struct timer_slot *next;
} timer_slot_t;

struct api_delay_timers {
    h2o_loop_t *loop;
    timer_slot_t *buckets[BUCKETS];
};

api_delay_timers_t *api_delay_timers_create(h2o_loop_t *loop)
{
    api_delay_timers_t *t = h2o_mem_alloc(sizeof(*t));
    *t = (api_delay_timers_t){.loop = loop};
    return t;
}

void api_delay_link(api_delay_timers_t *t, uint32_t ms, h2o_timeout_entry_t *entry)
{
    timer_slot_t **head = &t->buckets[ms % BUCKETS], *slot;
    for (slot = *head; slot != NULL && slot->ms != ms; slot = slot->next)
        ;
    if (slot == NULL) {
        slot = h2o_mem_alloc(sizeof(*slot));
        slot->ms = ms;
        h2o_timeout_init(t->loop, &slot->timeout, ms);
        slot->next = *head;
        *head = slot;
    }
    h2o_timeout_link(t->loop, &slot->timeout, entry);
}

/* xoshiro256** per thread, seeded once from getrandom (falls back to a clock mix if that fails). */
static _Thread_local uint64_t rng[4];
static _Thread_local int rng_ready;

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t api_random_u64(void)
{
    if (!rng_ready) {
        if (getrandom(rng, sizeof(rng), 0) != (ssize_t)sizeof(rng)) {
            uint64_t x = (uint64_t)(uintptr_t)&rng ^ (uint64_t)time(NULL);
            for (int i = 0; i < 4; i++)
                rng[i] = (x += 0x9e3779b97f4a7c15ULL) * 0xbf58476d1ce4e5b9ULL;
        }
        rng_ready = 1;
    }
    uint64_t result = rotl(rng[1] * 5, 7) * 9, t = rng[1] << 17;
    rng[2] ^= rng[0];
    rng[3] ^= rng[1];
    rng[1] ^= rng[2];
    rng[0] ^= rng[3];
    rng[2] ^= t;
    rng[3] = rotl(rng[3], 45);
    return result;
}

uint32_t api_random_between(uint32_t lo, uint32_t hi)
{
    if (hi <= lo)
        return lo;
    uint64_t span = (uint64_t)hi - lo + 1;
    return lo + (uint32_t)(api_random_u64() % span); /* span <= 2^32: modulo bias below 2^-32 */
}
