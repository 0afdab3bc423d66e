/* SPDX-License-Identifier: Apache-2.0 */
/* The thread's current span context: one thread-local pointer, set by span activation. */
#include "common_internal.h"

static _Thread_local const otel_span_context_t *current;

const otel_span_context_t *otel_context_current(void)
{
    return current;
}

const otel_span_context_t *otel_context__set_current(const otel_span_context_t *ctx)
{
    const otel_span_context_t *previous = current;
    current = ctx;
    return previous;
}
