/* SPDX-License-Identifier: Apache-2.0 */
/* HTTP semantic-convention helpers of the middleware: the length-carrying method and protocol strings agree with the
 * C-string forms. */
#include <criterion/criterion.h>
#include <string.h>

#include "telemetry_internal.h"

Test(api_http_semconv, method_strings_carry_their_lengths)
{
    for (int m = 0; m < API_TEL_METHODS; m++) {
        cr_assert_eq(api_tel_method_strs[m].len, strlen(api_tel_method_names[m]), "method %d", m);
        cr_assert_eq(memcmp(api_tel_method_strs[m].ptr, api_tel_method_names[m], api_tel_method_strs[m].len), 0);
    }
    cr_assert_eq(api_tel_method_index((h2o_iovec_t){"PATCH", 5}), 8);
    cr_assert_eq(api_tel_method_index((h2o_iovec_t){"get", 3}), API_TEL_METHOD_OTHER);
}

Test(api_http_semconv, protocol_version_strings_match)
{
    const int versions[] = {0x100, 0x101, 0x200, 0x300, 0x009, 0x102};
    for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
        otel_str_t s = api_tel_protocol_version_str(versions[i]);
        const char *c = api_tel_protocol_version(versions[i]);
        cr_assert_eq(s.len, strlen(c), "version %#x", versions[i]);
        cr_assert_eq(memcmp(s.ptr, c, s.len), 0, "version %#x: %s", versions[i], c);
    }
}
