/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of src/api/log.c: level parsing and the JSON escaping of the access log's fast path. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <string.h>

#include "log.h"

Test(api_log, levels)
{
    api_log_level_t l;
    cr_assert_eq(api_log_level_parse("DEBUG", &l), 0);
    cr_assert_eq(l, API_LOG_DEBUG);
    cr_assert_eq(api_log_level_parse("warning", &l), 0);
    cr_assert_eq(l, API_LOG_WARN);
    cr_assert_eq(api_log_level_parse("verbose", &l), -1);
    api_log_set_level(API_LOG_WARN);
    cr_assert(!api_log_enabled(API_LOG_INFO));
    cr_assert(api_log_enabled(API_LOG_ERROR));
    api_log_set_level(API_LOG_INFO);
}

Test(api_log, escape_always_yields_a_valid_json_string)
{
    const char raw[] = "/a\"b\\c\n\x01\xff\xc3\xa9";
    char out[128], doc[160];
    size_t n = api_log_escape(out, sizeof(out), raw, sizeof(raw) - 1);
    cr_assert_eq(n, strlen(out));
    cr_assert_str_eq(out, "/a\\\"b\\\\c\\u000a\\u0001\\u00ff\\u00c3\\u00a9");
    snprintf(doc, sizeof(doc), "\"%s\"", out);
    json_t *j = json_loads(doc, JSON_DECODE_ANY, NULL);
    cr_assert(json_is_string(j));
    json_decref(j);
}

Test(api_log, escape_truncates_without_splitting_an_escape)
{
    char out[10];
    size_t n = api_log_escape(out, sizeof(out), "\x01\x02\x03", 3);
    cr_assert_eq(n, 6); /* only one \u00XX fits in 10 bytes with room for the NUL */
    cr_assert_str_eq(out, "\\u0001");
}
