/* SPDX-License-Identifier: Apache-2.0 */
/* Test-only allocation failure injection: fails the Nth malloc/calloc/realloc/aligned_alloc after af_arm(N). */
#ifndef ALLOC_FAIL_H
#define ALLOC_FAIL_H

/*
 * How: the test executable is linked with -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=aligned_alloc
 * (tests/CMakeLists.txt), so every call to them from the test's own objects and from otelc (a static library)
 * lands in the __wrap_* functions below; calls made inside shared libraries (libc's strdup, gRPC, protobuf-c,
 * Criterion) are not redirected. Nothing changes in otelc itself: the hot path pays nothing.
 * Include this header in one test file only (it defines the wrappers).
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
void *__real_aligned_alloc(size_t align, size_t size);

static _Atomic long af_countdown;  /* > 0: armed; the call that takes it to 0 fails */
static _Atomic bool af_fail_after; /* also fail every call after that one (until disarmed) */
static _Atomic long af_failed;     /* calls failed since af_arm */
static _Atomic bool af_any_thread; /* count calls on every thread, not only the arming one */
static pthread_t af_thread;        /* the arming thread */

/**
 * Arms: the `nth` allocation from now (1 = the next one) on this thread fails; with `and_after`, every later one
 * too. Other threads (a test server's, say) are not touched: the count stays deterministic.
 */
static inline void af_arm(long nth, bool and_after)
{
    af_thread = pthread_self();
    atomic_store(&af_any_thread, false);
    atomic_store(&af_failed, 0);
    atomic_store(&af_fail_after, and_after);
    atomic_store(&af_countdown, nth);
}

/** Same as af_arm, counting the allocations of every thread (an export thread's, say). */
static inline void af_arm_any_thread(long nth, bool and_after)
{
    af_arm(nth, and_after);
    atomic_store(&af_any_thread, true);
}

/** Disarms; returns how many allocations were failed since af_arm (0: the Nth call never came). */
static inline long af_disarm(void)
{
    atomic_store(&af_countdown, 0);
    atomic_store(&af_fail_after, false);
    return atomic_load(&af_failed);
}

static bool af_should_fail(void)
{
    long left = atomic_load(&af_countdown);
    if (left <= 0 || (!atomic_load(&af_any_thread) && !pthread_equal(pthread_self(), af_thread)))
        return false;
    if (left > 1) {
        atomic_fetch_sub(&af_countdown, 1);
        return false;
    }
    if (!atomic_load(&af_fail_after))
        atomic_store(&af_countdown, 0); /* only the Nth; with af_fail_after it stays at 1: every later call fails */
    atomic_fetch_add(&af_failed, 1);
    errno = ENOMEM;
    return true;
}

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
/* LeakSanitizer's report at a Criterion worker's exit is printed but does not fail the test (the runner ignores
 * the worker's exit status), so a test that must not leak asks for a check itself. 0 without ASan. */
#define af_leaks() __lsan_do_recoverable_leak_check()
#else
#define af_leaks() 0
#endif

void *__wrap_malloc(size_t size);
void *__wrap_malloc(size_t size)
{
    return af_should_fail() ? NULL : __real_malloc(size);
}

void *__wrap_calloc(size_t n, size_t size);
void *__wrap_calloc(size_t n, size_t size)
{
    return af_should_fail() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t size);
void *__wrap_realloc(void *p, size_t size)
{
    return af_should_fail() ? NULL : __real_realloc(p, size);
}

void *__wrap_aligned_alloc(size_t align, size_t size);
void *__wrap_aligned_alloc(size_t align, size_t size)
{
    return af_should_fail() ? NULL : __real_aligned_alloc(align, size);
}

#endif
