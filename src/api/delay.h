/* SPDX-License-Identifier: Apache-2.0 */
/* Per-thread event-loop timers for arbitrary delays, and the per-thread random numbers that pick them. */
#ifndef H2OTEL_DELAY_H
#define H2OTEL_DELAY_H

#include <stdint.h>

#include <h2o.h>

typedef struct api_delay_timers api_delay_timers_t;

/** Creates the timer set of one loop. Loop-thread only afterwards. Never NULL (h2o dies on OOM). */
api_delay_timers_t *api_delay_timers_create(h2o_loop_t *loop);

/**
 * Arms entry to fire after `ms` milliseconds on this set's loop. h2o 2.2.5 timeouts have one fixed duration
 * each, so one h2o_timeout_t per distinct duration is created on first use and kept. Unlink with
 * h2o_timeout_unlink to cancel.
 */
void api_delay_link(api_delay_timers_t *t, uint32_t ms, h2o_timeout_entry_t *entry);

/** Uniform random integer in [lo, hi] from this thread's generator (seeded from getrandom; no locks). */
uint32_t api_random_between(uint32_t lo, uint32_t hi);

/** Uniform random 64-bit number from this thread's generator. */
uint64_t api_random_u64(void);

#endif
