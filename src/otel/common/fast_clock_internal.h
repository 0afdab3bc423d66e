/* SPDX-License-Identifier: Apache-2.0 */
/* Wall-clock nanoseconds from the TSC, anchored to CLOCK_REALTIME every millisecond (span timestamps). */
#ifndef OTEL_FAST_CLOCK_INTERNAL_H
#define OTEL_FAST_CLOCK_INTERNAL_H

#include <stdint.h>
#include "otel/common.h"
#if defined(__x86_64__)
#include <x86intrin.h>
#endif

/*
 * Why: vDSO clock_gettime costs ~16 ns here (a fenced rdtsc, a seqlock and a conversion), and a span reads
 * the clock twice. A plain rdtsc is ~7 ns and does not stall the pipeline. Each thread keeps an anchor
 * (a CLOCK_REALTIME reading and the TSC at that moment) and extrapolates with the TSC frequency, which is
 * calibrated once against CLOCK_MONOTONIC_RAW over >= 20 ms (error ~ 5 ppm, so ~5 ns over the 1 ms an
 * anchor lives); re-anchoring every millisecond follows NTP slewing and clock steps within 1 ms. Used only
 * where the kernel itself trusts the TSC (its clocksource is "tsc"); elsewhere, and until calibrated, every
 * call is otel_time_now_ns().
 */
typedef struct otel_fast_clock__anchor {
    uint64_t tsc;      /* TSC at the anchor */
    uint64_t ns;       /* CLOCK_REALTIME at the anchor */
    uint64_t mult;     /* nanoseconds per tick, 32.32 fixed point */
    uint64_t interval; /* ticks an anchor is used for (1 ms); 0 = no anchor: take the slow path */
} otel_fast_clock__anchor_t;

extern _Thread_local otel_fast_clock__anchor_t otel_fast_clock__tls;

/** True when the kernel's clocksource is the TSC (read from sysfs; the fast path is used only then). */
bool otel_fast_clock__tsc_is_clocksource(void);

/** otel_time_now_ns(), re-anchoring this thread when the TSC clock is usable. */
uint64_t otel_fast_clock__slow(void);

/** Nanoseconds since the Unix epoch (CLOCK_REALTIME within ~1 us), cheap. Thread-safe. */
static inline uint64_t otel_time__fast_now_ns(void)
{
#if defined(__x86_64__)
    const otel_fast_clock__anchor_t *a = &otel_fast_clock__tls;
    uint64_t d = __rdtsc() - a->tsc; /* a TSC behind the anchor wraps to a huge d: re-anchor */
    if (__builtin_expect(d < a->interval, 1))
        return a->ns + ((d * a->mult) >> 32); /* d < 1 ms of ticks: the product fits in 64 bits */
    return otel_fast_clock__slow();
#else
    return otel_time_now_ns();
#endif
}

#endif
