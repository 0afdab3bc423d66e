/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for otel_copy__small: every length up to past its register paths, every source offset. */
#include <criterion/criterion.h>
#include "common/small_copy_internal.h"

Test(common_small_copy, copies_exactly_n_bytes_for_every_length_and_alignment)
{
    char src[128], dst[160];
    for (size_t i = 0; i < sizeof(src); i++)
        src[i] = (char)(i * 7 + 1);
    for (size_t off = 0; off < 8; off++) {
        for (size_t n = 0; n <= 80; n++) {
            memset(dst, 0x55, sizeof(dst));
            otel_copy__small(dst + 8 + off, src + off, n);
            cr_assert(memcmp(dst + 8 + off, src + off, n) == 0, "n=%zu off=%zu", n, off);
            for (size_t i = 0; i < 8 + off; i++)
                cr_assert_eq(dst[i], 0x55, "wrote before the start (n=%zu)", n);
            for (size_t i = 8 + off + n; i < sizeof(dst); i++)
                cr_assert_eq(dst[i], 0x55, "wrote past the end (n=%zu)", n);
        }
    }
}
