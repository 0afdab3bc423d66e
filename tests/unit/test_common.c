/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for otelc common: status strings, ids and hex, the per-thread PRNG, the current-context slot. */
#include <criterion/criterion.h>
#include <string.h>
#include "common/common_internal.h"

Test(common, strerror_names_every_status)
{
    for (int s = OTEL_OK; s <= OTEL_ERR_IO; s++)
        cr_expect_str_neq(otel_strerror((otel_status_t)s), "unknown status", "status %d", s);
    cr_expect_str_eq(otel_strerror((otel_status_t)999), "unknown status");
}

Test(common, hex_round_trip_and_rejects_uppercase)
{
    const uint8_t bytes[4] = {0x00, 0xab, 0x7f, 0xff};
    char hex[9];
    otel_hex_encode(bytes, 4, hex);
    cr_expect_str_eq(hex, "00ab7fff");
    uint8_t back[4];
    cr_expect(otel_hex_decode(hex, 4, back));
    cr_expect_arr_eq(back, bytes, 4);
    cr_expect_not(otel_hex_decode("00AB7FFF", 4, back));
    cr_expect_not(otel_hex_decode("00ab7fzz", 4, back));
}

Test(common, zero_ids_are_invalid)
{
    otel_span_context_t ctx = {0};
    cr_expect_not(otel_span_context_is_valid(&ctx));
    ctx.trace_id.bytes[15] = 1;
    cr_expect_not(otel_span_context_is_valid(&ctx));
    ctx.span_id.bytes[0] = 1;
    cr_expect(otel_span_context_is_valid(&ctx));
    cr_expect_not(otel_span_context_is_valid(NULL));
}

Test(common, random_is_not_constant_and_double_in_range)
{
    uint64_t a = otel_random__u64(), b = otel_random__u64();
    cr_expect_neq(a, b);
    for (int i = 0; i < 10000; i++) {
        double d = otel_random__double();
        cr_assert(d >= 0.0 && d < 1.0);
    }
}

Test(common, current_context_is_set_and_restored)
{
    cr_expect_null(otel_context_current());
    otel_span_context_t outer = {.trace_flags = 1}, inner = {0};
    const otel_span_context_t *prev = otel_context__set_current(&outer);
    cr_expect_null(prev);
    prev = otel_context__set_current(&inner);
    cr_expect_eq(prev, &outer);
    cr_expect_eq(otel_context_current(), &inner);
    otel_context__set_current(prev);
    cr_expect_eq(otel_context_current(), &outer);
    otel_context__set_current(NULL);
}

static int diag_calls;
static void count_diag(otel_diag_level_t level, const char *message, void *data)
{
    (void)level;
    (void)message;
    (void)data;
    diag_calls++;
}

Test(common, diagnostics_are_rate_limited_per_site)
{
    otel_set_diag_handler(count_diag, NULL);
    for (int i = 0; i < 100; i++)
        OTEL_DIAG(OTEL_DIAG_WARN, "message %d", i);
    cr_expect_eq(diag_calls, 1);
    OTEL_DIAG(OTEL_DIAG_DEBUG, "below the default level");
    cr_expect_eq(diag_calls, 1);
    otel_set_diag_handler(NULL, NULL);
}
