/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of src/api/log.c: level parsing, the JSON escaping of the access log's fast path, the raw line shape. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <string.h>
#include <unistd.h>

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

/* The access log's line: prefix, fields, closing brace, one newline; the time as YYYY-MM-DDTHH:MM:SS.mmmZ. */
Test(api_log, raw_lines_have_the_documented_shape)
{
    int pipefd[2];
    cr_assert_eq(pipe(pipefd), 0);
    int saved = dup(STDOUT_FILENO);
    dup2(pipefd[1], STDOUT_FILENO);
    api_log_set_level(API_LOG_INFO);
    api_log_raw(API_LOG_INFO, "request", "\"status\":200", 12);
    api_log_raw(API_LOG_WARN, "m", "", 0);
    api_log_raw(API_LOG_DEBUG, "filtered out", "", 0);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    close(pipefd[1]);
    char buf[512] = "";
    ssize_t got = 0, n;
    while ((n = read(pipefd[0], buf + got, sizeof(buf) - 1 - (size_t)got)) > 0)
        got += n;
    close(pipefd[0]);
    buf[got] = '\0';
    char when[32], when2[32];
    int consumed = 0;
    cr_assert_eq(sscanf(buf, "{\"time\":\"%24[0-9T:.Z-]\",\"level\":\"info\",\"msg\":\"request\",\"status\":200}\n%n",
                        when, &consumed),
                 1, "%s", buf);
    cr_assert_gt(consumed, 0, "%s", buf);
    cr_assert_eq(strlen(when), 24);
    cr_assert_eq(when[10], 'T');
    cr_assert_eq(when[23], 'Z');
    cr_assert_eq(sscanf(buf + consumed, "{\"time\":\"%24[0-9T:.Z-]\",\"level\":\"warn\",\"msg\":\"m\"}\n", when2), 1,
                 "%s", buf + consumed);
    cr_assert_eq(strchr(buf + consumed, '\n') - buf + 1, got, "two lines only: %s", buf);
}
