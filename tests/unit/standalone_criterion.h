/* SPDX-License-Identifier: Apache-2.0 */
/* A minimal stand-in for the Criterion macros, so concurrency tests also build as plain programs for TSan
 * (Criterion's runner cannot start under ThreadSanitizer: Snaipe/Criterion#274). Tests run in-process, in order,
 * sharing globals. Add a macro here when a concurrency test needs one that is missing. */
#ifndef STANDALONE_CRITERION_H
#define STANDALONE_CRITERION_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct st_test {
    const char *suite, *name;
    void (*fn)(void);
} st_test_t;

static st_test_t st_tests[128];
static int st_count, st_failures;

#define Test(suite, name, ...)                                                                                         \
    static void suite##_##name(void);                                                                                  \
    __attribute__((constructor)) static void st_register_##suite##_##name(void)                                        \
    {                                                                                                                  \
        if (st_count < 128)                                                                                            \
            st_tests[st_count++] = (st_test_t){#suite, #name, suite##_##name};                                         \
    }                                                                                                                  \
    static void suite##_##name(void)

/* A failed assertion ends the program (the stage fails); a failed expectation is counted. */
#define ST_CHECK(cond, fatal)                                                                                          \
    do {                                                                                                               \
        if (!(cond)) {                                                                                                 \
            fprintf(stderr, "%s:%d: failed: %s\n", __FILE__, __LINE__, #cond);                                         \
            st_failures++;                                                                                             \
            if (fatal)                                                                                                 \
                exit(1);                                                                                               \
        }                                                                                                              \
    } while (0)

#define cr_assert(c, ...) ST_CHECK((c), 1)
#define cr_expect(c, ...) ST_CHECK((c), 0)
#define cr_assert_not(c, ...) ST_CHECK(!(c), 1)
#define cr_expect_not(c, ...) ST_CHECK(!(c), 0)
#define cr_assert_eq(a, b, ...) ST_CHECK((a) == (b), 1)
#define cr_expect_eq(a, b, ...) ST_CHECK((a) == (b), 0)
#define cr_assert_neq(a, b, ...) ST_CHECK((a) != (b), 1)
#define cr_expect_neq(a, b, ...) ST_CHECK((a) != (b), 0)
#define cr_assert_gt(a, b, ...) ST_CHECK((a) > (b), 1)
#define cr_expect_gt(a, b, ...) ST_CHECK((a) > (b), 0)
#define cr_assert_geq(a, b, ...) ST_CHECK((a) >= (b), 1)
#define cr_expect_geq(a, b, ...) ST_CHECK((a) >= (b), 0)
#define cr_assert_lt(a, b, ...) ST_CHECK((a) < (b), 1)
#define cr_expect_lt(a, b, ...) ST_CHECK((a) < (b), 0)
#define cr_assert_leq(a, b, ...) ST_CHECK((a) <= (b), 1)
#define cr_expect_leq(a, b, ...) ST_CHECK((a) <= (b), 0)
#define cr_assert_null(a, ...) ST_CHECK((a) == NULL, 1)
#define cr_expect_null(a, ...) ST_CHECK((a) == NULL, 0)
#define cr_assert_not_null(a, ...) ST_CHECK((a) != NULL, 1)
#define cr_expect_not_null(a, ...) ST_CHECK((a) != NULL, 0)
#define cr_assert_str_eq(a, b, ...) ST_CHECK(strcmp((a), (b)) == 0, 1)
#define cr_expect_str_eq(a, b, ...) ST_CHECK(strcmp((a), (b)) == 0, 0)
#define cr_assert_arr_eq(a, b, n, ...) ST_CHECK(memcmp((a), (b), (n)) == 0, 1)
#define cr_expect_arr_eq(a, b, n, ...) ST_CHECK(memcmp((a), (b), (n)) == 0, 0)
#define cr_log_info(...) ((void)0)
/* Suite options (.init, .timeout, ...) are not supported: a TestSuite line is accepted and ignored. */
#define TestSuite(...) extern int st_suite_unused_

int main(void)
{
    for (int i = 0; i < st_count; i++) {
        int before = st_failures;
        st_tests[i].fn();
        fprintf(stderr, "[%s] %s::%s\n", st_failures == before ? "PASS" : "FAIL", st_tests[i].suite, st_tests[i].name);
    }
    fprintf(stderr, "standalone: %d tests, %d failed checks\n", st_count, st_failures);
    return st_failures == 0 ? 0 : 1;
}

#endif
