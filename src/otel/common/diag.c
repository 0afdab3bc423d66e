/* SPDX-License-Identifier: Apache-2.0 */
/* The SDK's own diagnostics: a settable handler, a level threshold, and a per-call-site rate limit. */
#include <stdarg.h>
#include <stdio.h>
#include "common_internal.h"

#define DIAG_INTERVAL_NS 1000000000u

static otel_diag_handler_t handler;
static void *handler_data;
static _Atomic int min_level = OTEL_DIAG_INFO;

static const char *level_name(otel_diag_level_t level)
{
    static const char *names[] = {"debug", "info", "warn", "error"};
    return (unsigned)level < 4 ? names[level] : "?";
}

void otel_set_diag_handler(otel_diag_handler_t h, void *user_data)
{
    handler = h;
    handler_data = user_data;
}

void otel_set_diag_level(otel_diag_level_t level)
{
    atomic_store(&min_level, (int)level);
}

void otel_diag__log(otel_diag__site_t *site, otel_diag_level_t level, const char *fmt, ...)
{
    if ((int)level < atomic_load_explicit(&min_level, memory_order_relaxed))
        return;
    uint64_t now = otel_time_monotonic_ns(), next = atomic_load_explicit(&site->next_allowed_ns, memory_order_relaxed);
    if (now < next || !atomic_compare_exchange_strong(&site->next_allowed_ns, &next, now + DIAG_INTERVAL_NS)) {
        atomic_fetch_add_explicit(&site->suppressed, 1, memory_order_relaxed);
        return;
    }
    char message[512];
    va_list args;
    va_start(args, fmt);
    int n = vsnprintf(message, sizeof(message), fmt, args);
    va_end(args);
    uint64_t suppressed = atomic_exchange(&site->suppressed, 0);
    if (suppressed > 0 && n >= 0 && (size_t)n < sizeof(message))
        snprintf(message + n, sizeof(message) - (size_t)n, " (%llu similar messages suppressed)",
                 (unsigned long long)suppressed);
    if (handler != NULL)
        handler(level, message, handler_data);
    else
        fprintf(stderr, "otelc %s: %s\n", level_name(level), message);
}
