/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for static_keys (start options) and otel_span_set_attributes_static_keys: keys referenced, same OTLP. */
#include <criterion/criterion.h>
#include "common/common_internal.h"
#include "export/otlp_encode_internal.h"
#include "trace/trace_internal.h"
#include "unit/trace_test_exporter.h"

static mem_exporter_t mem;

/* What the exporter saw of the last span: its OTLP bytes (ids and times fixed, so two spans can be compared),
 * and where its attribute keys pointed. */
static uint8_t last_otlp[4096];
static size_t last_otlp_len;
static const char *last_keys[16];
static size_t last_key_count;

static uint64_t encode_last(const otel_span_data_t *span)
{
    otel_span_data_t d = *span;
    memset(d.trace_id.bytes, 0x11, sizeof(d.trace_id.bytes));
    memset(d.span_id.bytes, 0x22, sizeof(d.span_id.bytes));
    d.start_time_unix_ns = 1000;
    d.end_time_unix_ns = 2000;
    otel_arena_t arena = {0};
    otel_otlp__buffer_t buf = {0};
    const otel_span_data_t *ptr = &d;
    cr_assert_eq(otel_otlp__encode_spans(&arena, &ptr, 1, &buf), OTEL_OK);
    cr_assert_leq(buf.len, sizeof(last_otlp));
    memcpy(last_otlp, buf.data, buf.len);
    last_otlp_len = buf.len;
    last_key_count = d.attribute_count < 16 ? d.attribute_count : 16;
    for (size_t i = 0; i < last_key_count; i++)
        last_keys[i] = d.attributes[i].key.ptr;
    otel_otlp__buffer_dispose(&buf);
    otel_arena__dispose(&arena);
    return 0;
}

static otel_tracer_provider_t *provider(const otel_span_limits_t *limits)
{
    otel_tracer_provider_t *p = mem_provider(&mem, limits);
    mem.inspect = encode_last;
    return p;
}

/* The keys, as a table that outlives the provider (what static_keys promises). */
static const char *const keys[] = {"http.request.method",
                                   "url.path",
                                   "server.port",
                                   "cache.hit",
                                   "ratio",
                                   "tags",
                                   "",
                                   "http.request.method",
                                   "user_agent.original",
                                   "http.route.long",
                                   "http.response.status_code"};
#define KEY(i) otel_str_from_cstr(keys[i])

/* Fills `a` with every value kind, an empty key (invalid: skipped), a duplicate key (overwrites) and an empty
 * value; strings point into `scratch`, which the caller overwrites after the call to prove values are copied. */
static size_t start_attributes(otel_attribute_t *a, char *scratch, otel_str_t *tags)
{
    strcpy(scratch, "GET/api/v1/items/42 Mozilla/5.0");
    tags[0] = (otel_str_t){scratch + 3, 4};
    tags[1] = (otel_str_t){scratch + 8, 2};
    size_t n = 0;
    a[n++] = (otel_attribute_t){KEY(0), {.type = OTEL_VALUE_STRING, .u.string = {scratch, 3}}};
    a[n++] = (otel_attribute_t){KEY(1), {.type = OTEL_VALUE_STRING, .u.string = {scratch + 3, 16}}};
    a[n++] = (otel_attribute_t){KEY(2), {.type = OTEL_VALUE_INT64, .u.int64 = 8080}};
    a[n++] = (otel_attribute_t){KEY(3), {.type = OTEL_VALUE_BOOL, .u.boolean = true}};
    a[n++] = (otel_attribute_t){KEY(4), {.type = OTEL_VALUE_DOUBLE, .u.dbl = 0.25}};
    a[n++] = (otel_attribute_t){KEY(5), {.type = OTEL_VALUE_STRING_ARRAY, .u.strings = {tags, 2}}};
    a[n++] = (otel_attribute_t){KEY(6), {.type = OTEL_VALUE_STRING, .u.string = {scratch, 3}}};
    a[n++] = (otel_attribute_t){KEY(7), {.type = OTEL_VALUE_STRING, .u.string = {scratch + 20, 7}}};
    a[n++] = (otel_attribute_t){KEY(8), {.type = OTEL_VALUE_STRING, .u.string = {"", 0}}};
    return n;
}

/* One span: start with attributes, then a set_attributes call, an event and a status; returns nothing, the
 * exporter keeps its bytes in last_otlp. `static_keys` selects the referencing calls. */
static void one_span(otel_tracer_t *t, bool static_keys)
{
    char scratch[64];
    otel_str_t tags[2];
    otel_attribute_t a[16];
    size_t n = start_attributes(a, scratch, tags);
    otel_span_start_options_t o = {
        .kind = OTEL_SPAN_KIND_SERVER, .attributes = a, .attribute_count = n, .static_keys = static_keys};
    otel_span_t *s = otel_tracer_start_span(t, OTEL_STR("GET /api/v1/items/{id}"), &o);
    memset(scratch, 'X', sizeof(scratch) - 1); /* the request buffer is reused: the span must have copied values */
    char later_value[16] = "long-route";
    otel_attribute_t later[] = {
        {KEY(10), {.type = OTEL_VALUE_INT64, .u.int64 = 200}},
        {KEY(9), {.type = OTEL_VALUE_STRING, .u.string = otel_str_from_cstr(later_value)}},
        {KEY(2), {.type = OTEL_VALUE_INT64, .u.int64 = 9090}}, /* overwrites server.port */
    };
    if (static_keys)
        otel_span_set_attributes_static_keys(s, later, 3);
    else
        otel_span_set_attributes(s, later, 3);
    memset(later_value, 'Y', sizeof(later_value) - 1);
    otel_attribute_t ev = OTEL_ATTR_STR("phase", "parse");
    otel_span_add_event(s, OTEL_STR("step"), 1500, &ev, 1);
    otel_span_set_status(s, OTEL_STATUS_CODE_ERROR, OTEL_STR("boom"));
    otel_span_end(s, 0);
}

static bool key_is_one_of_ours(const char *p)
{
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        if (p == keys[i])
            return true;
    return false;
}

static void assert_same_otlp_both_ways(const otel_span_limits_t *limits, size_t expect_attributes)
{
    otel_tracer_provider_t *p = provider(limits);
    otel_tracer_t *t = test_tracer(p);
    one_span(t, false);
    uint8_t copied[sizeof(last_otlp)];
    size_t copied_len = last_otlp_len;
    memcpy(copied, last_otlp, copied_len);
    cr_assert_eq(last_key_count, expect_attributes);
    for (size_t i = 0; i < last_key_count; i++)
        cr_expect_not(key_is_one_of_ours(last_keys[i]), "copied span: key %zu points at the caller's string", i);

    one_span(t, true);
    cr_assert_eq(last_key_count, expect_attributes);
    size_t referenced = 0;
    for (size_t i = 0; i < last_key_count; i++)
        referenced += key_is_one_of_ours(last_keys[i]);
    cr_expect_eq(referenced, expect_attributes, "%zu of %zu keys referenced", referenced, expect_attributes);

    cr_assert_gt(copied_len, 100);
    cr_assert_eq(last_otlp_len, copied_len, "static keys: %zu OTLP bytes, copied: %zu", last_otlp_len, copied_len);
    cr_assert(memcmp(last_otlp, copied, copied_len) == 0, "the OTLP bytes differ");
    otel_tracer_provider_destroy(p);
}

Test(trace_static_keys, referenced_keys_export_the_same_otlp_bytes_as_copied_ones)
{
    /* 8 valid start attributes (the empty key skipped, the duplicate overwriting the method) + 2 new later */
    assert_same_otlp_both_ways(NULL, 9);
}

Test(trace_static_keys, same_bytes_with_a_value_length_limit_and_a_count_limit)
{
    otel_span_limits_t l;
    otel_span_limits_init(&l);
    l.attribute_value_length_limit = 5; /* the slow path: values truncated, arrays too */
    l.attribute_count_limit = 6;        /* drops some: dropped_attributes_count is part of the bytes */
    assert_same_otlp_both_ways(&l, 6);
}

Test(trace_static_keys, values_stay_copied_and_the_default_copies_keys)
{
    otel_tracer_provider_t *p = provider(NULL);
    otel_tracer_t *t = test_tracer(p);
    char key[32] = "dynamic.key", value[32] = "v1";
    otel_attribute_t a = {otel_str_from_cstr(key), {.type = OTEL_VALUE_STRING, .u.string = otel_str_from_cstr(value)}};
    otel_span_t *s = otel_tracer_start_span(t, OTEL_STR("s"), NULL);
    otel_span_set_attributes(s, &a, 1); /* the default: the key buffer may change afterwards */
    strcpy(key, "changed.key");
    strcpy(value, "v2");
    otel_attribute_t b = {OTEL_STR("static.key"), {.type = OTEL_VALUE_STRING, .u.string = otel_str_from_cstr(value)}};
    otel_span_set_attributes_static_keys(s, &b, 1);
    strcpy(value, "v3");
    cr_assert_eq(s->data.attribute_count, 2);
    cr_expect_eq(s->data.attributes[0].key.len, 11);
    cr_expect(memcmp(s->data.attributes[0].key.ptr, "dynamic.key", 11) == 0);
    cr_expect_neq(s->data.attributes[0].key.ptr, key);
    cr_expect(memcmp(s->data.attributes[0].value.u.string.ptr, "v1", 2) == 0);
    cr_expect_eq(s->data.attributes[1].key.ptr, b.key.ptr, "static key referenced");
    cr_expect(memcmp(s->data.attributes[1].value.u.string.ptr, "v2", 2) == 0, "value copied at the call");
    otel_span_end(s, 0);
    otel_tracer_provider_destroy(p);
}

Test(trace_static_keys, null_empty_and_ended_spans_are_ignored)
{
    otel_tracer_provider_t *p = provider(NULL);
    otel_tracer_t *t = test_tracer(p);
    otel_attribute_t a = OTEL_ATTR_INT("k", 1);
    otel_span_set_attributes_static_keys(NULL, &a, 1);
    otel_span_t *s = otel_tracer_start_span(t, OTEL_STR("s"), NULL);
    otel_span_set_attributes_static_keys(s, NULL, 1);
    otel_span_set_attributes_static_keys(s, &a, 0);
    cr_expect_eq(s->data.attribute_count, 0);
    otel_span_retain(s);
    otel_span_end(s, 0);
    otel_span_set_attributes_static_keys(s, &a, 1); /* after end: ignored */
    cr_expect_eq(s->data.attribute_count, 0);
    otel_span_release(s);
    otel_tracer_provider_destroy(p);
}
