#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs leak_gate_demo (ASan build) and passes only if the gate failed exactly the deliberate failures and the
# executable exited non-zero; the clean test must still pass.
set -uo pipefail
exe=$1
out=$("$exe" --jobs=2 2>&1)
rc=$?
printf '%s\n' "$out"
fail() { echo "expect_gate_failures: $*" >&2; exit 1; }
[ "$rc" -ne 0 ] || fail "the executable exited 0: leaks did not fail it"
grep -q 'Synthesis: Tested: 4 | Passing: 1 | Failing: 3 | Crashing: 0' <<<"$out" || fail "unexpected synthesis line"
for t in leaks_in_test leaks_in_fini; do
    grep -q "^\[FAIL\] leak_gate::$t: its worker exited with status [1-9]" <<<"$out" || fail "$t was not failed as a leak"
done
grep -q '^\[FAIL\] leak_gate::asserts_in_fini: 1 assertion(s) failed in its .fini fixture' <<<"$out" ||
    fail "asserts_in_fini was not failed"
grep -q 'leak_gate::clean' <<<"$out" && fail "the clean test was failed"
echo "expect_gate_failures: ok (3 deliberate failures caught, clean test passed, exit status $rc)"
