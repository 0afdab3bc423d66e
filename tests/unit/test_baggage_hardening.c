/* SPDX-License-Identifier: Apache-2.0 */
/* Regression tests for W3C baggage limits and header safety found by tests/fuzz/fuzz_baggage. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "otel/propagation.h"

static otel_baggage_t bag;

static otel_str_t s(const char *text)
{
    return (otel_str_t){text, strlen(text)};
}

Test(baggage_hardening, refused_replacement_keeps_the_old_entry)
{
    otel_baggage_clear(&bag);
    cr_assert_eq(otel_baggage_set(&bag, s("k"), s("old"), s("")), OTEL_OK);
    static char big[OTEL_BAGGAGE_MAX_LEN];
    memset(big, 'x', sizeof(big));
    cr_assert_eq(otel_baggage_set(&bag, s("k"), (otel_str_t){big, sizeof(big)}, s("")), OTEL_ERR_QUEUE_FULL);
    otel_str_t v;
    cr_assert(otel_baggage_get(&bag, s("k"), &v), "a refused set must change nothing");
    cr_assert(v.len == 3 && memcmp(v.ptr, "old", 3) == 0);
}

Test(baggage_hardening, replacing_in_a_full_baggage_works)
{
    otel_baggage_clear(&bag);
    char key[16];
    for (int i = 0; i < OTEL_BAGGAGE_MAX_ENTRIES; i++) {
        snprintf(key, sizeof(key), "k%d", i);
        cr_assert_eq(otel_baggage_set(&bag, s(key), s("v"), s("")), OTEL_OK);
    }
    cr_assert_eq(otel_baggage_set(&bag, s("new"), s("v"), s("")), OTEL_ERR_QUEUE_FULL);
    cr_assert_eq(otel_baggage_set(&bag, s("k0"), s("replaced"), s("")), OTEL_OK);
    cr_assert_eq(bag.count, OTEL_BAGGAGE_MAX_ENTRIES);
    otel_str_t v;
    cr_assert(otel_baggage_get(&bag, s("k0"), &v) && v.len == 8);
    cr_assert(otel_baggage_get(&bag, s("k63"), &v) && v.len == 1);
}

Test(baggage_hardening, replacement_that_needs_compaction_may_use_its_own_slices)
{
    otel_baggage_clear(&bag);
    static char val[OTEL_BAGGAGE_MAX_LEN / 2];
    memset(val, 'a', sizeof(val));
    cr_assert_eq(otel_baggage_set(&bag, s("a"), (otel_str_t){val, sizeof(val) - 8}, s("")), OTEL_OK);
    memset(val, 'b', sizeof(val));
    cr_assert_eq(otel_baggage_set(&bag, s("b"), (otel_str_t){val, sizeof(val) - 8}, s("")), OTEL_OK);
    /* Replacing "a" with b's value (a slice of this baggage) must reclaim a's bytes and copy b's correctly. */
    cr_assert_eq(otel_baggage_set(&bag, s("a"), bag.entries[1].value, s("")), OTEL_OK);
    otel_str_t v;
    cr_assert(otel_baggage_get(&bag, s("a"), &v) && v.len == sizeof(val) - 8);
    for (size_t i = 0; i < v.len; i++)
        cr_assert_eq(v.ptr[i], 'b');
}

Test(baggage_hardening, metadata_cannot_inject_header_lines)
{
    otel_baggage_clear(&bag);
    cr_assert_eq(otel_baggage_set(&bag, s("k"), s("v"), s("p=1\r\nx-evil: 1")), OTEL_ERR_INVALID_ARGUMENT);
    cr_assert_eq(otel_baggage_set(&bag, s("k"), s("v"), s("p=1;flag")), OTEL_OK);
    /* A parsed member with a control character in its properties is skipped like a bad value. */
    const char header[] = "a=1;p\x01q,b=2;ok=yes";
    cr_assert_eq(otel_baggage_parse((otel_str_t){header, sizeof(header) - 1}, &bag), 1);
    cr_assert(otel_baggage_get(&bag, s("b"), NULL));
    char out[64];
    size_t n = otel_baggage_format(&bag, out, sizeof(out));
    cr_assert_str_eq(out, "b=2;ok=yes");
    cr_assert_eq(n, 10);
}
