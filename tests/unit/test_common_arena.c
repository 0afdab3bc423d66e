/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for the common bump arena: alignment, zeroed allocations, chunk growth, reuse across resets. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>
#include "common/arena_internal.h"

Test(common_arena, allocations_are_aligned_to_8_and_do_not_overlap)
{
    otel_arena_t a = {0};
    char *prev = NULL;
    for (size_t size = 0; size < 100; size++) {
        char *p = otel_arena__alloc(&a, size);
        cr_assert_not_null(p);
        cr_expect_eq((uintptr_t)p % 8, 0, "size %zu", size);
        memset(p, 0xAB, size);
        if (prev != NULL && p > prev)
            cr_expect_geq(p - prev, (ptrdiff_t)(size == 0 ? 8 : size - 1), "size %zu", size);
        prev = p;
    }
    otel_arena__dispose(&a);
}

Test(common_arena, calloc_is_zeroed_even_in_a_reused_chunk)
{
    otel_arena_t a = {0};
    unsigned char *p = otel_arena__alloc(&a, 512);
    cr_assert_not_null(p);
    memset(p, 0xFF, 512);
    otel_arena__reset(&a, SIZE_MAX);
    unsigned char *q = otel_arena__calloc(&a, 512);
    cr_assert_eq(q, p, "reset starts over in the first chunk");
    for (size_t i = 0; i < 512; i++)
        cr_assert_eq(q[i], 0, "byte %zu", i);
    otel_arena__dispose(&a);
}

Test(common_arena, reset_keeping_everything_replays_the_same_addresses)
{
    otel_arena_t a = {0};
    enum { N = 400 };
    void *first[N];
    for (size_t i = 0; i < N; i++)
        cr_assert_not_null(first[i] = otel_arena__alloc(&a, 100 + i * 7));
    for (int round = 0; round < 3; round++) {
        otel_arena__reset(&a, SIZE_MAX);
        for (size_t i = 0; i < N; i++)
            cr_assert_eq(otel_arena__alloc(&a, 100 + i * 7), first[i], "round %d item %zu", round, i);
    }
    otel_arena__dispose(&a);
}

Test(common_arena, chunks_grow_so_big_owners_take_few_mallocs)
{
    /* 1000-byte items: with fixed 1 KiB chunks no two would be adjacent; doubling chunks (up to 64 KiB)
     * put ~64 in a row. Count the items that directly follow the previous one. */
    otel_arena_t a = {0};
    char *prev = NULL;
    size_t adjacent = 0;
    for (int i = 0; i < 1000; i++) {
        char *p = otel_arena__alloc(&a, 1000);
        cr_assert_not_null(p);
        if (p == prev + 1000)
            adjacent++;
        prev = p;
    }
    cr_expect_geq(adjacent, 950, "only %zu of 1000 items shared a chunk with the previous one", adjacent);
    otel_arena__dispose(&a);
}

Test(common_arena, a_request_bigger_than_any_chunk_gets_its_own)
{
    otel_arena_t a = {0};
    cr_assert_not_null(otel_arena__alloc(&a, 16));
    size_t big = 1u << 20;
    unsigned char *p = otel_arena__calloc(&a, big);
    cr_assert_not_null(p);
    cr_expect_eq(p[0], 0);
    cr_expect_eq(p[big - 1], 0);
    memset(p, 1, big); /* ASan: the whole block is ours */
    cr_assert_not_null(otel_arena__alloc(&a, 16));
    otel_arena__dispose(&a);
    otel_arena__dispose(&a); /* a disposed arena is empty: disposing again is a no-op */
    otel_arena__dispose(NULL);
}

Test(common_arena, strdup_and_reset_with_a_byte_budget)
{
    otel_arena_t a = {0};
    otel_str_t s = otel_arena__strdup(&a, OTEL_STR("hello"), true);
    cr_expect_eq(s.len, 5);
    cr_expect_str_eq(s.ptr, "hello");
    for (int i = 0; i < 200; i++) /* ~200 KiB over several chunks */
        cr_assert_not_null(otel_arena__alloc(&a, 1000));
    otel_arena__reset(&a, 4096); /* keeps 1 KiB + 2 KiB, frees the rest */
    void *p = otel_arena__alloc(&a, 1000);
    cr_assert_not_null(p);
    cr_expect_eq(otel_arena__strndup(&a, OTEL_STR("")).len, 0);
    otel_arena__dispose(&a);
}
