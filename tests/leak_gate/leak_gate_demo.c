/* SPDX-License-Identifier: Apache-2.0 */
/* Deliberate failures for tests/support/criterion_gate.c: run by expect_gate_failures.sh, which wants them to fail. */
#include <criterion/criterion.h>
#include <stdlib.h>

/* A volatile sink keeps the compiler from eliding the allocations; dropping the pointer makes them leaks. */
static void *volatile sink;

static void leak(size_t size)
{
    sink = malloc(size);
    sink = NULL;
}

static void leak_in_fini(void)
{
    leak(77);
}

static void assert_in_fini(void)
{
    cr_expect_fail("deliberate failure in a .fini fixture");
}

static void *volatile kept; /* still reachable at exit: not a leak */

Test(leak_gate, leaks_in_test)
{
    leak(100);
    cr_assert(1);
}

Test(leak_gate, leaks_in_fini, .fini = leak_in_fini)
{
    cr_assert(1);
}

Test(leak_gate, asserts_in_fini, .fini = assert_in_fini)
{
    cr_assert(1);
}

Test(leak_gate, clean)
{
    kept = malloc(10);
    cr_assert_not_null(kept);
}
