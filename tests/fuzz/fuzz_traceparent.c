/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: W3C traceparent parsing/formatting and tracestate validation, with round-trip checks. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "otel/propagation.h"

#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* An exact-size heap copy, so ASan sees any read past the header value. */
    char *buf = malloc(size + 1);
    if (buf == NULL)
        return 0;
    memcpy(buf, data, size);
    otel_str_t value = {buf, size};

    otel_span_context_t ctx;
    if (otel_traceparent_parse(value, &ctx)) {
        CHECK(otel_span_context_is_valid(&ctx) && ctx.is_remote);
        char out[OTEL_TRACEPARENT_LEN + 1];
        otel_traceparent_format(&ctx, out);
        otel_span_context_t again;
        CHECK(otel_traceparent_parse((otel_str_t){out, OTEL_TRACEPARENT_LEN}, &again));
        CHECK(memcmp(&again.trace_id, &ctx.trace_id, sizeof(ctx.trace_id)) == 0);
        CHECK(memcmp(&again.span_id, &ctx.span_id, sizeof(ctx.span_id)) == 0);
        CHECK(again.trace_flags == ctx.trace_flags);
    } else {
        CHECK(!otel_span_context_is_valid(&ctx));
    }

    char ts[OTEL_TRACESTATE_MAX_LEN + 1];
    int n = otel_tracestate_normalize(value, ts);
    if (n >= 0) {
        CHECK(n <= OTEL_TRACESTATE_MAX_LEN && strlen(ts) == (size_t)n);
        /* Normalizing is idempotent. */
        char ts2[OTEL_TRACESTATE_MAX_LEN + 1];
        CHECK(otel_tracestate_normalize((otel_str_t){ts, (size_t)n}, ts2) == n && memcmp(ts, ts2, (size_t)n) == 0);
    }
    free(buf);
    return 0;
}
