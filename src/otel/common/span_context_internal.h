/* SPDX-License-Identifier: Apache-2.0 */
/* otel_span_context_is_valid as an inline for the per-measurement hot paths (exemplar offers, log record copies). */
#ifndef OTEL_SPAN_CONTEXT_INTERNAL_H
#define OTEL_SPAN_CONTEXT_INTERNAL_H

#include <string.h>
#include "otel/common.h"

/** Same result as otel_span_context_is_valid(ctx) for a non-NULL ctx (both ids non-zero), without a call. */
static inline bool otel_span_context__valid(const otel_span_context_t *ctx)
{
    uint64_t t0, t1, s;
    memcpy(&t0, ctx->trace_id.bytes, 8);
    memcpy(&t1, ctx->trace_id.bytes + 8, 8);
    memcpy(&s, ctx->span_id.bytes, 8);
    return (t0 | t1) != 0 && s != 0;
}

#endif
