/* SPDX-License-Identifier: Apache-2.0 */
/* Linked into every Criterion test executable: fails a test that "passed" although its worker leaked or failed later.
 */
#include <criterion/criterion.h>
#include <criterion/hooks.h>
#include <stdio.h>

/*
 * Why: Criterion 2.4.1 (Debian) decides a test's verdict when the test body returns (the TEARDOWN phase message).
 * Two things that happen after that are recorded but never change the verdict:
 *   - the worker's exit status. Under ASan, LeakSanitizer runs at the worker's exit, prints its report and exits
 *     with status 1 (ASan's exitcode) -- the test still showed as passing and ctest stayed green;
 *   - failed assertions in a .fini fixture (counted in failed_asserts, the test still passes).
 * The runner process reports the final statistics to POST_ALL hooks before it prints the synthesis and computes its
 * exit status from them, and by then every worker has been reaped (exit_code is filled in). So this hook turns such
 * tests into failures there: the synthesis line counts them and the executable exits non-zero (ctest red).
 * It runs in the runner, once; a test that expects a non-zero exit (.exit_code = N) is compared with N.
 */
ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
    for (struct criterion_suite_stats *s = stats->suites; s != NULL; s = s->next)
        for (struct criterion_test_stats *t = s->tests; t != NULL; t = t->next) {
            if (t->test_status != CR_STATUS_PASSED)
                continue;
            if (t->exit_code != t->test->data->exit_code)
                fprintf(stderr,
                        "[FAIL] %s::%s: its worker exited with status %d after the test passed (under ASan: "
                        "LeakSanitizer found leaks, see its report above)\n",
                        s->suite->name, t->test->name, t->exit_code);
            else if (t->failed_asserts > 0)
                fprintf(stderr, "[FAIL] %s::%s: %d assertion(s) failed in its .fini fixture\n", s->suite->name,
                        t->test->name, t->failed_asserts);
            else
                continue;
            t->test_status = CR_STATUS_FAILED;
            s->tests_passed--;
            s->tests_failed++;
            stats->tests_passed--;
            stats->tests_failed++;
        }
}
