/* SPDX-License-Identifier: Apache-2.0 */
/* The slow path of otel_time__fast_now_ns: TSC usability check, one-time calibration, per-thread anchors. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "common/fast_clock_internal.h"

#define CALIBRATION_NS 20000000u /* 20 ms */
#define ANCHOR_NS 1000000u       /* 1 ms */
#define MAX_WINDOW_TICKS 4000u   /* a clock reading bracketed by two TSC reads further apart was interrupted */
#define TRIES 4

_Thread_local otel_fast_clock__anchor_t otel_fast_clock__tls;

bool otel_fast_clock__tsc_is_clocksource(void)
{
    /* The kernel validated the TSC (invariant, synchronised across CPUs) if it made it the clocksource. */
    FILE *f = fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource", "re");
    char name[32] = "";
    if (f != NULL) {
        if (fgets(name, sizeof(name), f) == NULL)
            name[0] = '\0';
        fclose(f);
    }
    return strcmp(name, "tsc\n") == 0;
}

#if defined(__x86_64__)
static bool usable;
static pthread_once_t usable_once = PTHREAD_ONCE_INIT;
static _Atomic uint64_t cal_ns, cal_tsc; /* first calibration sample (CLOCK_MONOTONIC_RAW), set once */
static _Atomic uint64_t calibrated_mult; /* 0 until calibrated */

static void check_usable(void)
{
    usable = otel_fast_clock__tsc_is_clocksource();
}

static uint64_t raw_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/*
 * Reads `clock` bracketed by two TSC reads; *tsc is their midpoint. False when every try was interrupted
 * (preempted between the reads): a sample that wide would shift the anchor or the calibration.
 */
static bool sample(uint64_t (*clock)(void), uint64_t *ns, uint64_t *tsc)
{
    for (int i = 0; i < TRIES; i++) {
        uint64_t t0 = __rdtsc();
        *ns = clock();
        uint64_t t1 = __rdtsc();
        if (t1 - t0 <= MAX_WINDOW_TICKS) {
            *tsc = t0 + (t1 - t0) / 2;
            return true;
        }
    }
    return false;
}

/* Nanoseconds per tick in 32.32 fixed point, once >= 20 ms separate the first sample from now; 0 before. */
static uint64_t calibrate(void)
{
    uint64_t mult = atomic_load_explicit(&calibrated_mult, memory_order_acquire);
    if (mult != 0)
        return mult;
    uint64_t ns, tsc, zero = 0;
    if (!sample(raw_ns, &ns, &tsc))
        return 0;
    if (atomic_load(&cal_tsc) == 0 && atomic_compare_exchange_strong(&cal_tsc, &zero, tsc)) {
        atomic_store(&cal_ns, ns);
        return 0;
    }
    uint64_t ns0 = atomic_load(&cal_ns), tsc0 = atomic_load(&cal_tsc);
    if (ns0 == 0 || ns - ns0 < CALIBRATION_NS || tsc <= tsc0)
        return 0;
    mult = (uint64_t)(((unsigned __int128)(ns - ns0) << 32) / (tsc - tsc0));
    if (mult == 0)
        return 0;
    atomic_store_explicit(&calibrated_mult, mult, memory_order_release);
    return mult;
}
#endif

uint64_t otel_fast_clock__slow(void)
{
#if defined(__x86_64__)
    pthread_once(&usable_once, check_usable);
    otel_fast_clock__anchor_t *a = &otel_fast_clock__tls;
    uint64_t mult = usable ? calibrate() : 0;
    if (mult == 0) {
        a->interval = 0;
        return otel_time_now_ns();
    }
    uint64_t ns, tsc;
    if (!sample(otel_time_now_ns, &ns, &tsc)) {
        a->interval = 0;
        return ns;
    }
    a->tsc = tsc;
    a->ns = ns;
    a->mult = mult;
    a->interval = ((uint64_t)ANCHOR_NS << 32) / mult;
    return ns;
#else
    return otel_time_now_ns();
#endif
}
