/* SPDX-License-Identifier: Apache-2.0 */
/* otelc internals shared across areas: per-thread random numbers, current-context slot, diagnostics. */
#ifndef OTEL_COMMON_INTERNAL_H
#define OTEL_COMMON_INTERNAL_H

#include <stdatomic.h>
#include "otel/common.h"

/** A 64-bit random number from this thread's generator (xoshiro256**, seeded by getrandom). No locks, no syscalls after
 * the first call on a thread. */
uint64_t otel_random__u64(void);
/** Fills `len` bytes with random data from this thread's generator. */
void otel_random__fill(void *out, size_t len);
/** A uniformly distributed double in [0, 1). */
double otel_random__double(void);

/** Makes `ctx` current on this thread and returns the previous one (restore it when done). NULL clears. */
const otel_span_context_t *otel_context__set_current(const otel_span_context_t *ctx);

/** Per-call-site rate limit state for diagnostics; zero-initialised static storage. */
typedef struct otel_diag__site {
    _Atomic uint64_t next_allowed_ns;
    _Atomic uint64_t suppressed;
} otel_diag__site_t;

void otel_diag__log(otel_diag__site_t *site, otel_diag_level_t level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/** Logs at most once per second per call site; the next message says how many were suppressed. */
#define OTEL_DIAG(level, ...)                                                                                          \
    do {                                                                                                               \
        static otel_diag__site_t otel_diag__site_;                                                                     \
        otel_diag__log(&otel_diag__site_, (level), __VA_ARGS__);                                                       \
    } while (0)

#endif
