/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for the shared text helpers: OWS and isspace trimming, strict and lenient percent-decoding. */
#include <criterion/criterion.h>
#include <string.h>
#include "common/text_internal.h"

static bool str_is(otel_str_t s, const char *want)
{
    return s.len == strlen(want) && memcmp(s.ptr, want, s.len) == 0;
}

Test(common_text, trim_ows_removes_only_spaces_and_tabs)
{
    cr_expect(str_is(otel_str__trim_ows(OTEL_STR(" \t a b \t")), "a b"));
    cr_expect(str_is(otel_str__trim_ows(OTEL_STR("\na\r")), "\na\r"), "CR/LF are not OWS");
    cr_expect_eq(otel_str__trim_ows(OTEL_STR(" \t ")).len, 0);
    cr_expect_eq(otel_str__trim_ows((otel_str_t){"", 0}).len, 0);
}

Test(common_text, trim_space_removes_every_isspace_character)
{
    cr_expect(str_is(otel_str__trim_space(OTEL_STR("\r\n\t\v\f key \n")), "key"));
    cr_expect_eq(otel_str__trim_space(OTEL_STR(" \n ")).len, 0);
}

Test(common_text, strict_percent_decoding)
{
    char out[32];
    cr_expect_eq(otel_str__percent_decode("a%20b%2Cc%2c", 12, out, true), 6);
    cr_expect_arr_eq(out, "a b,c,", 6);
    cr_expect_eq(otel_str__percent_decode("%41", 3, out, true), 1, "an escape ending the input");
    cr_expect_eq(out[0], 'A');
    cr_expect_eq(otel_str__percent_decode("a%4", 3, out, true), -1, "truncated escape");
    cr_expect_eq(otel_str__percent_decode("a%zz", 4, out, true), -1, "not hex");
    cr_expect_eq(otel_str__percent_decode("", 0, out, true), 0);
}

Test(common_text, lenient_percent_decoding_keeps_malformed_escapes)
{
    char out[32];
    long n = otel_str__percent_decode("100%-%zz%4", 10, out, false);
    cr_expect_eq(n, 10);
    cr_expect_arr_eq(out, "100%-%zz%4", 10);
}

Test(common_text, decoding_in_place)
{
    char s[] = "x%3Dy%25";
    long n = otel_str__percent_decode(s, strlen(s), s, true);
    cr_expect_eq(n, 4);
    cr_expect_arr_eq(s, "x=y%", 4);
}
