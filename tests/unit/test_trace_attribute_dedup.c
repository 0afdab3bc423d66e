/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for span attribute de-duplication behind the key filter: same key overwrites, any key count. */
#include <criterion/criterion.h>
#include <stdio.h>
#include "common/common_internal.h"
#include "trace/trace_internal.h"
#include "unit/trace_test_exporter.h"

static mem_exporter_t mem;

static int64_t value_of(const otel_span_t *s, const char *key)
{
    for (size_t i = 0; i < s->data.attribute_count; i++)
        if (otel_str__eq(s->data.attributes[i].key, otel_str_from_cstr(key)))
            return s->data.attributes[i].value.u.int64;
    return -1;
}

/* 200 distinct keys (far more than the filter's 64 bits, so bits are shared) set, then set again in another order
 * and in other calls: every key exactly once, with its last value. */
Test(trace_attribute_dedup, every_key_once_with_its_last_value_across_calls)
{
    otel_span_limits_t l;
    otel_span_limits_init(&l);
    l.attribute_count_limit = 1000;
    otel_tracer_provider_t *p = mem_provider(&mem, &l);
    otel_tracer_t *t = otel_tracer_provider_get_tracer(p, &(otel_scope_t){.name = OTEL_STR("t")});
    enum { N = 200 };
    static char names[N][24];
    otel_attribute_t a[N];
    for (int i = 0; i < N; i++) {
        snprintf(names[i], sizeof(names[i]), i % 2 ? "k.%d" : "key.number.%d", i);
        a[i] = (otel_attribute_t){otel_str_from_cstr(names[i]), {.type = OTEL_VALUE_INT64, .u.int64 = i}};
    }
    otel_span_start_options_t o = {.attributes = a, .attribute_count = N / 2};
    otel_span_t *s = otel_tracer_start_span(t, OTEL_STR("s"), &o);
    otel_span_set_attributes(s, a + N / 2, N / 2);
    cr_assert_eq(s->data.attribute_count, N);
    for (int i = N - 1; i >= 0; i--) { /* one at a time, backwards: each overwrites */
        otel_attribute_t b = {a[i].key, {.type = OTEL_VALUE_INT64, .u.int64 = 1000 + i}};
        if (i % 3)
            otel_span_set_attribute(s, &b);
        else
            otel_span_set_attributes_static_keys(s, &b, 1);
    }
    cr_assert_eq(s->data.attribute_count, N, "no key added twice");
    for (int i = 0; i < N; i++)
        cr_expect_eq(value_of(s, names[i]), 1000 + i, "%s", names[i]);
    otel_span_end(s, 0);
    otel_tracer_provider_destroy(p);
}

Test(trace_attribute_dedup, duplicates_inside_one_call_and_a_recycled_span_starts_empty)
{
    otel_tracer_provider_t *p = mem_provider(&mem, NULL);
    otel_tracer_t *t = otel_tracer_provider_get_tracer(p, &(otel_scope_t){.name = OTEL_STR("t")});
    otel_attribute_t a[] = {OTEL_ATTR_INT("x", 1), OTEL_ATTR_INT("y", 2), OTEL_ATTR_INT("x", 3), OTEL_ATTR_INT("y", 4)};
    for (int round = 0; round < 3; round++) { /* the pool hands the span back: nothing of before leaks in */
        otel_span_start_options_t o = {.attributes = a, .attribute_count = round == 0 ? 4 : 1};
        otel_span_t *s = otel_tracer_start_span(t, OTEL_STR("s"), &o);
        cr_assert_eq(s->data.attribute_count, round == 0 ? 2 : 1);
        cr_expect_eq(value_of(s, "x"), round == 0 ? 3 : 1);
        cr_expect_eq(value_of(s, "y"), round == 0 ? 4 : -1);
        if (round > 0) {
            otel_span_set_attributes(s, a + 1, 1);
            cr_expect_eq(s->data.attribute_count, 2, "y was not there: added, not mistaken for a duplicate");
        }
        otel_span_end(s, 0);
    }
    otel_tracer_provider_destroy(p);
}
