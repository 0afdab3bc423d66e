/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for the TSC span clock: agrees with CLOCK_REALTIME, takes the fast path where the kernel uses the TSC. */
#include <criterion/criterion.h>
#include <time.h>
#include "common/fast_clock_internal.h"

#define TOLERANCE_NS 5000 /* 5 us: anchors are off by ~1 us at worst; a TSC rate 0.5 % off would drift 5 us in 1 ms */

Test(common_fast_clock, agrees_with_clock_realtime_before_and_after_calibration)
{
    uint64_t deadline = otel_time_monotonic_ns() + 60000000u; /* past the 20 ms calibration */
    size_t checks = 0;
    while (otel_time_monotonic_ns() < deadline) {
        uint64_t before = otel_time_now_ns();
        uint64_t fast = otel_time__fast_now_ns();
        uint64_t after = otel_time_now_ns();
        cr_assert_geq(fast + TOLERANCE_NS, before, "fast clock %llu behind realtime %llu", (unsigned long long)fast,
                      (unsigned long long)before);
        cr_assert_leq(fast, after + TOLERANCE_NS, "fast clock %llu ahead of realtime %llu", (unsigned long long)fast,
                      (unsigned long long)after);
        checks++;
    }
    cr_expect_gt(checks, 1000);
    if (otel_fast_clock__tsc_is_clocksource()) /* calibrated by now: this thread holds an anchor */
        cr_expect_gt(otel_fast_clock__tls.interval, 0);
    else
        cr_expect_eq(otel_fast_clock__tls.interval, 0);
}

Test(common_fast_clock, never_goes_back_by_more_than_the_anchor_error)
{
    uint64_t deadline = otel_time_monotonic_ns() + 30000000u;
    while (otel_time_monotonic_ns() < deadline) /* calibrate first */
        (void)otel_time__fast_now_ns();
    uint64_t prev = otel_time__fast_now_ns(), backwards = 0;
    for (int i = 0; i < 2000000; i++) {
        uint64_t now = otel_time__fast_now_ns();
        if (now < prev && prev - now > backwards)
            backwards = prev - now;
        prev = now;
    }
    cr_expect_lt(backwards, 1000, "went back by %llu ns", (unsigned long long)backwards);
}
