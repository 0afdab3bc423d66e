/* SPDX-License-Identifier: Apache-2.0 */
/* Absolute CLOCK_MONOTONIC deadlines as struct timespec, for timed waits on monotonic condvars and semaphores. */
#ifndef OTEL_DEADLINE_INTERNAL_H
#define OTEL_DEADLINE_INTERNAL_H

#include <time.h>
#include "otel/common.h"

/** An otel_time_monotonic_ns() instant as a timespec. */
static inline struct timespec otel_deadline__from_ns(uint64_t ns)
{
    return (struct timespec){(time_t)(ns / 1000000000u), (long)(ns % 1000000000u)};
}

/** The CLOCK_MONOTONIC instant `ms` milliseconds from now (no overflow for any `ms` a time_t can hold). */
static inline struct timespec otel_deadline__after_ms(uint64_t ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    uint64_t ns = (uint64_t)ts.tv_nsec + (ms % 1000) * 1000000u;
    ts.tv_sec += (time_t)(ms / 1000 + ns / 1000000000u);
    ts.tv_nsec = (long)(ns % 1000000000u);
    return ts;
}

#endif
