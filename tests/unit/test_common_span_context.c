/* SPDX-License-Identifier: Apache-2.0 */
/* The inline span-context check of the hot paths agrees with otel_span_context_is_valid. */
#include <criterion/criterion.h>
#include "common/span_context_internal.h"

Test(common_span_context, inline_check_agrees_with_the_public_one)
{
    otel_span_context_t ctx = {0};
    cr_assert_eq(otel_span_context__valid(&ctx), otel_span_context_is_valid(&ctx));
    for (int t = 0; t < 16; t++) {
        for (int s = -1; s < 8; s++) {
            memset(&ctx, 0, sizeof(ctx));
            ctx.trace_id.bytes[t] = 0x80;
            if (s >= 0)
                ctx.span_id.bytes[s] = 1;
            cr_assert_eq(otel_span_context__valid(&ctx), otel_span_context_is_valid(&ctx), "trace byte %d, span %d", t,
                         s);
            cr_assert_eq(otel_span_context__valid(&ctx), s >= 0);
        }
    }
    memset(&ctx, 0, sizeof(ctx));
    ctx.span_id.bytes[7] = 1;
    cr_assert_not(otel_span_context__valid(&ctx), "a zero trace id is invalid");
}
