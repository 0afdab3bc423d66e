/* SPDX-License-Identifier: Apache-2.0 */
/* Wall-clock and monotonic time in nanoseconds (vDSO clock_gettime: no syscall on the hot path). */
#include <time.h>
#include "otel/common.h"

static uint64_t clock_ns(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t otel_time_now_ns(void)
{
    return clock_ns(CLOCK_REALTIME);
}

uint64_t otel_time_monotonic_ns(void)
{
    return clock_ns(CLOCK_MONOTONIC);
}
