/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of src/api/error_filter.c: which content types count as h2o's plain-text error pages. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "../../../src/api/error_filter.c"

/* An exact-size heap copy (no NUL, nothing after it), so ASan reports any read past the value. */
static h2o_iovec_t exact(const char *text)
{
    size_t len = strlen(text);
    char *copy = malloc(len == 0 ? 1 : len);
    cr_assert(copy != NULL);
    memcpy(copy, text, len);
    return h2o_iovec_init(copy, len);
}

static int check(const char *text)
{
    h2o_iovec_t v = exact(text);
    int is = is_text_plain(v);
    free(v.base);
    return is;
}

Test(error_filter, short_content_types_are_not_read_past_their_end)
{
    /* Before the fix the filter compared 10 bytes whatever the value's length: an over-read for these. */
    cr_assert_not(check(""));
    cr_assert_not(check("t"));
    cr_assert_not(check("text/"));
    cr_assert_not(check("text/plai"));
}

Test(error_filter, recognises_h2o_plain_text_and_nothing_else)
{
    cr_assert(check("text/plain"));
    cr_assert(check("text/plain; charset=utf-8"));
    cr_assert(check("text/plain;charset=utf-8"));
    cr_assert_not(check("text/plainly"));
    cr_assert_not(check("application/json"));
    cr_assert_not(check("text/html; charset=utf-8"));
}
