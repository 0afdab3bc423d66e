/* SPDX-License-Identifier: Apache-2.0 */
/* OTLP wire writer: spans and log records round-trip through protobuf-c's generated unpack, and the bytes are
 * canonical. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include "common/common_internal.h"
#include "export/otlp_encode_internal.h"
#include "export/otlp_wire_internal.h"
#include "otlp_fixtures.h"

typedef Opentelemetry__Proto__Collector__Trace__V1__ExportTraceServiceRequest trace_req_t;
typedef Opentelemetry__Proto__Collector__Logs__V1__ExportLogsServiceRequest logs_req_t;
typedef Opentelemetry__Proto__Trace__V1__Span pb_span_t;
typedef Opentelemetry__Proto__Logs__V1__LogRecord pb_log_t;

#define ANY(c) OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_##c

static otel_arena_t arena;
static otel_otlp__buffer_t buf;
static void teardown(void)
{
    otel_arena__dispose(&arena);
    otel_otlp__buffer_dispose(&buf);
}
TestSuite(otlp_wire, .fini = teardown);

/*
 * protobuf-c is the oracle: re-packing what it unpacked gives its canonical encoding (fields in
 * number order, proto3 zero values omitted, oneof members kept). Ours must be byte-identical, which
 * also proves no zero value was written that should have been omitted.
 */
static void assert_canonical(const ProtobufCMessage *msg)
{
    size_t n = protobuf_c_message_get_packed_size(msg);
    uint8_t *packed = malloc(n ? n : 1);
    cr_assert_eq(protobuf_c_message_pack(msg, packed), n);
    cr_assert_eq(n, buf.len, "protobuf-c re-packs %zu bytes, we wrote %zu", n, buf.len);
    cr_assert(memcmp(packed, buf.data, n) == 0, "bytes differ from protobuf-c's encoding");
    free(packed);
}

static trace_req_t *decode_traces(void)
{
    trace_req_t *req =
        opentelemetry__proto__collector__trace__v1__export_trace_service_request__unpack(NULL, buf.len, buf.data);
    cr_assert_not_null(req, "protobuf-c cannot decode our bytes");
    assert_canonical(&req->base);
    return req;
}

static logs_req_t *decode_logs(void)
{
    logs_req_t *req =
        opentelemetry__proto__collector__logs__v1__export_logs_service_request__unpack(NULL, buf.len, buf.data);
    cr_assert_not_null(req, "protobuf-c cannot decode our bytes");
    assert_canonical(&req->base);
    return req;
}

#define REPLACEMENT "\xEF\xBF\xBD"

/* Brace-only initialisers (common.h's OTEL_ATTR_* are compound literals, not constant for static arrays). */
#define S(lit)                                                                                                         \
    {                                                                                                                  \
        lit, sizeof(lit) - 1                                                                                           \
    }
#define A_STR(k, v)                                                                                                    \
    {                                                                                                                  \
        S(k),                                                                                                          \
        {                                                                                                              \
            .type = OTEL_VALUE_STRING, .u.string = S(v)                                                                \
        }                                                                                                              \
    }
#define A_BOOL(k, v)                                                                                                   \
    {                                                                                                                  \
        S(k),                                                                                                          \
        {                                                                                                              \
            .type = OTEL_VALUE_BOOL, .u.boolean = (v)                                                                  \
        }                                                                                                              \
    }
#define A_INT(k, v)                                                                                                    \
    {                                                                                                                  \
        S(k),                                                                                                          \
        {                                                                                                              \
            .type = OTEL_VALUE_INT64, .u.int64 = (v)                                                                   \
        }                                                                                                              \
    }
#define A_DOUBLE(k, v)                                                                                                 \
    {                                                                                                                  \
        S(k),                                                                                                          \
        {                                                                                                              \
            .type = OTEL_VALUE_DOUBLE, .u.dbl = (v)                                                                    \
        }                                                                                                              \
    }

/* Every attribute value kind, empty ones included. */
static const otel_str_t strs[3] = {{"x", 1}, {"", 0}, {"bad\xFF", 4}};
static const bool bools[2] = {true, false};
static const int64_t ints[4] = {0, -1, INT64_MAX, INT64_MIN};
static const double dbls[3] = {0.0, -2.5, 1e300};
static const otel_attribute_t all_kinds[] = {
    A_STR("s", "value"),
    A_STR("empty.s", ""),
    A_BOOL("t", true),
    A_BOOL("f", false),
    A_INT("zero", 0),
    A_INT("neg", -42),
    A_DOUBLE("d0", 0.0),
    A_DOUBLE("pi", 3.25),
    {S("sa"), {.type = OTEL_VALUE_STRING_ARRAY, .u.strings = {strs, 3}}},
    {S("ba"), {.type = OTEL_VALUE_BOOL_ARRAY, .u.bools = {bools, 2}}},
    {S("ia"), {.type = OTEL_VALUE_INT64_ARRAY, .u.int64s = {ints, 4}}},
    {S("da"), {.type = OTEL_VALUE_DOUBLE_ARRAY, .u.doubles = {dbls, 3}}},
    {S("empty.array"), {.type = OTEL_VALUE_INT64_ARRAY, .u.int64s = {NULL, 0}}},
    {S("empty.value"), {.type = OTEL_VALUE_EMPTY}},
    A_STR("", "empty key"),
    {S("k\xC3"), {.type = OTEL_VALUE_STRING, .u.string = {"\xED\xA0\x80!", 4}}}, /* bad key and value */
};
#define ALL_KINDS_COUNT (sizeof(all_kinds) / sizeof(all_kinds[0]))

static void assert_all_kinds(Opentelemetry__Proto__Common__V1__KeyValue **kv, size_t n)
{
    cr_assert_eq(n, ALL_KINDS_COUNT);
    cr_assert_str_eq(kv[0]->key, "s");
    cr_assert_eq(kv[0]->value->value_case, ANY(STRING_VALUE));
    cr_assert_str_eq(kv[0]->value->string_value, "value");
    cr_assert_eq(kv[1]->value->value_case, ANY(STRING_VALUE), "an empty string value is still a string value");
    cr_assert_str_eq(kv[1]->value->string_value, "");
    cr_assert_eq(kv[2]->value->value_case, ANY(BOOL_VALUE));
    cr_assert(kv[2]->value->bool_value);
    cr_assert_eq(kv[3]->value->value_case, ANY(BOOL_VALUE), "false is present");
    cr_assert_not(kv[3]->value->bool_value);
    cr_assert_eq(kv[4]->value->value_case, ANY(INT_VALUE), "0 is present");
    cr_assert_eq(kv[4]->value->int_value, 0);
    cr_assert_eq(kv[5]->value->int_value, -42);
    cr_assert_eq(kv[6]->value->value_case, ANY(DOUBLE_VALUE), "0.0 is present");
    cr_assert_float_eq(kv[7]->value->double_value, 3.25, 0);

    Opentelemetry__Proto__Common__V1__ArrayValue *a = kv[8]->value->array_value;
    cr_assert_eq(kv[8]->value->value_case, ANY(ARRAY_VALUE));
    cr_assert_eq(a->n_values, 3);
    cr_assert_str_eq(a->values[0]->string_value, "x");
    cr_assert_eq(a->values[1]->value_case, ANY(STRING_VALUE));
    cr_assert_str_eq(a->values[1]->string_value, "");
    cr_assert_str_eq(a->values[2]->string_value, "bad" REPLACEMENT);
    a = kv[9]->value->array_value;
    cr_assert_eq(a->n_values, 2);
    cr_assert(a->values[0]->bool_value);
    cr_assert_eq(a->values[1]->value_case, ANY(BOOL_VALUE));
    cr_assert_not(a->values[1]->bool_value);
    a = kv[10]->value->array_value;
    cr_assert_eq(a->n_values, 4);
    cr_assert_eq(a->values[0]->value_case, ANY(INT_VALUE));
    cr_assert_eq(a->values[0]->int_value, 0);
    cr_assert_eq(a->values[1]->int_value, -1);
    cr_assert_eq(a->values[2]->int_value, INT64_MAX);
    cr_assert_eq(a->values[3]->int_value, INT64_MIN);
    a = kv[11]->value->array_value;
    cr_assert_eq(a->n_values, 3);
    cr_assert_eq(a->values[0]->value_case, ANY(DOUBLE_VALUE));
    cr_assert_float_eq(a->values[1]->double_value, -2.5, 0);
    cr_assert_float_eq(a->values[2]->double_value, 1e300, 0);
    cr_assert_eq(kv[12]->value->value_case, ANY(ARRAY_VALUE), "an empty array is an empty ArrayValue");
    cr_assert_eq(kv[12]->value->array_value->n_values, 0);
    cr_assert_str_eq(kv[13]->key, "empty.value");
    cr_assert_not_null(kv[13]->value, "an empty value is an empty AnyValue, not a missing one");
    cr_assert_eq(kv[13]->value->value_case, ANY(_NOT_SET));
    cr_assert_str_eq(kv[14]->key, "");
    cr_assert_str_eq(kv[14]->value->string_value, "empty key");
    cr_assert_str_eq(kv[15]->key, "k" REPLACEMENT);
    cr_assert_str_eq(kv[15]->value->string_value, REPLACEMENT REPLACEMENT REPLACEMENT "!",
                     "a UTF-16 surrogate is three bad bytes");
}

static otel_span_data_t full_span(const otel_resource_t *res, const otel_scope_t *scope)
{
    static const otel_attribute_t ev_attrs[1] = {A_STR("exception.type", "E")};
    static const otel_span_event_t events[2] = {
        {.name = S("exception"),
         .time_unix_ns = 5,
         .attributes = ev_attrs,
         .attribute_count = 1,
         .dropped_attributes_count = 1},
        {.name = {"", 0}}, /* all zero: an empty Event message */
    };
    static otel_span_link_t links[2] = {
        {.context = {.trace_flags = 1, .is_remote = true},
         .tracestate = OTEL_STR("k=v"),
         .dropped_attributes_count = 9},
        {.context = {.trace_flags = 0, .is_remote = false}, .attributes = all_kinds, .attribute_count = 2},
    };
    memset(links[0].context.trace_id.bytes, 7, 16);
    memset(links[0].context.span_id.bytes, 8, 8);
    memset(links[1].context.trace_id.bytes, 0xA, 16);
    memset(links[1].context.span_id.bytes, 0xB, 8);
    otel_span_data_t s = {.trace_flags = 1,
                          .parent_is_remote = true,
                          .tracestate = OTEL_STR("a=b,c=d"),
                          .name = OTEL_STR("GET /x"),
                          .kind = OTEL_SPAN_KIND_SERVER,
                          .start_time_unix_ns = 1700000000000000001ULL,
                          .end_time_unix_ns = UINT64_MAX,
                          .attributes = all_kinds,
                          .attribute_count = ALL_KINDS_COUNT,
                          .dropped_attributes_count = 5,
                          .events = events,
                          .event_count = 2,
                          .dropped_events_count = 3,
                          .links = links,
                          .link_count = 2,
                          .dropped_links_count = 300, /* a two-byte varint */
                          .status_code = OTEL_STATUS_CODE_ERROR,
                          .status_message = OTEL_STR("boom"),
                          .resource = res,
                          .scope = scope};
    otlp_fx_fill(s.trace_id.bytes, 16, 1);
    otlp_fx_fill(s.span_id.bytes, 8, 0x80);
    otlp_fx_fill(s.parent_span_id.bytes, 8, 0x40);
    return s;
}

Test(otlp_wire, a_span_with_every_field_kind_round_trips)
{
    otel_attribute_t ra[2] = {OTEL_ATTR_STR("service.name", "svc"), OTEL_ATTR_INT("pid", 7)};
    otel_resource_t *res = otel_resource_create(ra, 2, "https://opentelemetry.io/schemas/1.26.0");
    otel_scope_t scope = {.name = OTEL_STR("lib"),
                          .version = OTEL_STR("1.2"),
                          .schema_url = OTEL_STR("https://example.com/s"),
                          .attributes = all_kinds,
                          .attribute_count = 3};
    otel_span_data_t s = full_span(res, &scope);
    const otel_span_data_t *ptr = &s;
    cr_assert_eq(otel_otlp__encode_spans(&arena, &ptr, 1, &buf), OTEL_OK);
    trace_req_t *req = decode_traces();

    cr_assert_eq(req->n_resource_spans, 1);
    Opentelemetry__Proto__Trace__V1__ResourceSpans *rs = req->resource_spans[0];
    cr_assert_str_eq(rs->schema_url, "https://opentelemetry.io/schemas/1.26.0");
    cr_assert_eq(rs->resource->n_attributes, 2);
    cr_assert_str_eq(rs->resource->attributes[0]->key, "service.name");
    cr_assert_str_eq(rs->resource->attributes[0]->value->string_value, "svc");
    cr_assert_eq(rs->resource->attributes[1]->value->int_value, 7);
    cr_assert_eq(rs->n_scope_spans, 1);
    Opentelemetry__Proto__Trace__V1__ScopeSpans *ss = rs->scope_spans[0];
    cr_assert_str_eq(ss->scope->name, "lib");
    cr_assert_str_eq(ss->scope->version, "1.2");
    cr_assert_eq(ss->scope->n_attributes, 3);
    cr_assert_str_eq(ss->scope->attributes[2]->key, "t");
    cr_assert_str_eq(ss->schema_url, "https://example.com/s");
    cr_assert_eq(ss->n_spans, 1);

    pb_span_t *sp = ss->spans[0];
    cr_assert_eq(sp->trace_id.len, 16);
    cr_assert(memcmp(sp->trace_id.data, s.trace_id.bytes, 16) == 0);
    cr_assert_eq(sp->span_id.len, 8);
    cr_assert(memcmp(sp->span_id.data, s.span_id.bytes, 8) == 0);
    cr_assert_eq(sp->parent_span_id.len, 8);
    cr_assert(memcmp(sp->parent_span_id.data, s.parent_span_id.bytes, 8) == 0);
    cr_assert_str_eq(sp->trace_state, "a=b,c=d");
    cr_assert_str_eq(sp->name, "GET /x");
    cr_assert_eq(sp->kind, OPENTELEMETRY__PROTO__TRACE__V1__SPAN__SPAN_KIND__SPAN_KIND_SERVER);
    cr_assert_eq(sp->start_time_unix_nano, 1700000000000000001ULL);
    cr_assert_eq(sp->end_time_unix_nano, UINT64_MAX);
    assert_all_kinds(sp->attributes, sp->n_attributes);
    cr_assert_eq(sp->dropped_attributes_count, 5);
    cr_assert_eq(sp->n_events, 2);
    cr_assert_eq(sp->events[0]->time_unix_nano, 5);
    cr_assert_str_eq(sp->events[0]->name, "exception");
    cr_assert_eq(sp->events[0]->n_attributes, 1);
    cr_assert_str_eq(sp->events[0]->attributes[0]->value->string_value, "E");
    cr_assert_eq(sp->events[0]->dropped_attributes_count, 1);
    cr_assert_eq(sp->events[1]->time_unix_nano, 0);
    cr_assert_str_eq(sp->events[1]->name, "");
    cr_assert_eq(sp->dropped_events_count, 3);
    cr_assert_eq(sp->n_links, 2);
    Opentelemetry__Proto__Trace__V1__Span__Link *l = sp->links[0];
    cr_assert_eq(l->trace_id.len, 16);
    cr_assert_eq(l->trace_id.data[15], 7);
    cr_assert_eq(l->span_id.data[7], 8);
    cr_assert_str_eq(l->trace_state, "k=v");
    cr_assert_eq(l->n_attributes, 0);
    cr_assert_eq(l->dropped_attributes_count, 9);
    cr_assert_eq(l->flags, 0x301, "sampled + is_remote known + remote");
    l = sp->links[1];
    cr_assert_eq(l->trace_id.data[0], 0xA);
    cr_assert_str_eq(l->trace_state, "");
    cr_assert_eq(l->n_attributes, 2);
    cr_assert_str_eq(l->attributes[1]->key, "empty.s");
    cr_assert_eq(l->flags, 0x100, "not sampled, is_remote known, local");
    cr_assert_eq(sp->dropped_links_count, 300);
    cr_assert_not_null(sp->status);
    cr_assert_eq(sp->status->code, OPENTELEMETRY__PROTO__TRACE__V1__STATUS__STATUS_CODE__STATUS_CODE_ERROR);
    cr_assert_str_eq(sp->status->message, "boom");
    cr_assert_eq(sp->flags, 0x301);
    opentelemetry__proto__collector__trace__v1__export_trace_service_request__free_unpacked(req, NULL);
    otel_resource_destroy(res);
}

Test(otlp_wire, zero_values_are_omitted_and_unset_status_is_absent)
{
    otel_resource_t *res = otel_resource_create(NULL, 0, NULL);
    otel_scope_t scope = {.name = {"", 0}};
    otel_span_data_t s = {.name = {"", 0}, .tracestate = {"", 0}, .resource = res, .scope = &scope};
    const otel_span_data_t *ptr = &s;
    cr_assert_eq(otel_otlp__encode_spans(&arena, &ptr, 1, &buf), OTEL_OK);
    trace_req_t *req = decode_traces(); /* canonical: no zero field was written */
    Opentelemetry__Proto__Trace__V1__ResourceSpans *rs = req->resource_spans[0];
    cr_assert_not_null(rs->resource, "the resource message is present, empty");
    cr_assert_eq(rs->resource->n_attributes, 0);
    cr_assert_not_null(rs->scope_spans[0]->scope, "the scope message is present, empty");
    cr_assert_str_eq(rs->scope_spans[0]->scope->name, "");
    pb_span_t *sp = rs->scope_spans[0]->spans[0];
    cr_assert_eq(sp->trace_id.len, 16, "ids are written as they are");
    cr_assert_eq(sp->parent_span_id.len, 0, "a root span has no parent id");
    cr_assert_null(sp->status, "an unset status is not sent");
    cr_assert_eq(sp->kind, 0);
    cr_assert_eq(sp->start_time_unix_nano, 0);
    cr_assert_eq(sp->n_attributes + sp->n_events + sp->n_links, 0);
    cr_assert_eq(sp->flags, 0x100, "flags always carry 'is_remote known'");
    /* tag(1) len(1) ResourceSpans{ tag len Resource{} tag len ScopeSpans{ tag len Scope{} tag len(2) Span{...} } } */
    static const uint8_t expected_head[] = {0x0A, 0x2A, 0x0A, 0x00, 0x12, 0x26, 0x0A, 0x00, 0x12, 0x22, 0x0A, 0x10};
    cr_assert_eq(buf.len, 0x2C); /* span: ids 18 + 10, flags 6 */
    cr_assert(memcmp(buf.data, expected_head, sizeof(expected_head)) == 0, "lengths reserved wider were shrunk");
    opentelemetry__proto__collector__trace__v1__export_trace_service_request__free_unpacked(req, NULL);
    otel_resource_destroy(res);
}

Test(otlp_wire, an_ok_status_without_message_is_sent)
{
    otel_resource_t *res = otel_resource_create(NULL, 0, NULL);
    otel_scope_t scope = {.name = OTEL_STR("a")};
    otel_span_data_t s = {.name = OTEL_STR("n"), .status_code = OTEL_STATUS_CODE_OK, .resource = res, .scope = &scope};
    const otel_span_data_t *ptr = &s;
    cr_assert_eq(otel_otlp__encode_spans(&arena, &ptr, 1, &buf), OTEL_OK);
    trace_req_t *req = decode_traces();
    pb_span_t *sp = req->resource_spans[0]->scope_spans[0]->spans[0];
    cr_assert_not_null(sp->status);
    cr_assert_eq(sp->status->code, OPENTELEMETRY__PROTO__TRACE__V1__STATUS__STATUS_CODE__STATUS_CODE_OK);
    cr_assert_str_eq(sp->status->message, "");
    opentelemetry__proto__collector__trace__v1__export_trace_service_request__free_unpacked(req, NULL);
    otel_resource_destroy(res);
}

Test(otlp_wire, a_batch_groups_by_resource_then_scope_in_first_seen_order)
{
    otel_attribute_t a1 = OTEL_ATTR_STR("service.name", "one"), a2 = OTEL_ATTR_STR("service.name", "two");
    otel_resource_t *r1 = otel_resource_create(&a1, 1, "https://r1"), *r2 = otel_resource_create(&a2, 1, NULL);
    otel_scope_t sa = {.name = OTEL_STR("a"), .schema_url = OTEL_STR("https://sa")}, sb = {.name = OTEL_STR("b")};
    /* items: r1/a, r2/b, r1/b, r1/a, r2/a, r2/b */
    const otel_resource_t *rs_of[6] = {r1, r2, r1, r1, r2, r2};
    const otel_scope_t *sc_of[6] = {&sa, &sb, &sb, &sa, &sa, &sb};
    otel_span_data_t spans[6];
    const otel_span_data_t *ptrs[6];
    static const char *const names[6] = {"s0", "s1", "s2", "s3", "s4", "s5"};
    for (int i = 0; i < 6; i++) {
        spans[i] = (otel_span_data_t){.name = otel_str_from_cstr(names[i]),
                                      .kind = OTEL_SPAN_KIND_CLIENT,
                                      .resource = rs_of[i],
                                      .scope = sc_of[i]};
        spans[i].span_id.bytes[0] = (uint8_t)(i + 1);
        ptrs[i] = &spans[i];
    }
    cr_assert_eq(otel_otlp__encode_spans(&arena, ptrs, 6, &buf), OTEL_OK);
    trace_req_t *req = decode_traces();
    cr_assert_eq(req->n_resource_spans, 2);
    Opentelemetry__Proto__Trace__V1__ResourceSpans *x = req->resource_spans[0], *y = req->resource_spans[1];
    cr_assert_str_eq(x->resource->attributes[0]->value->string_value, "one");
    cr_assert_str_eq(x->schema_url, "https://r1");
    cr_assert_str_eq(y->resource->attributes[0]->value->string_value, "two");
    cr_assert_str_eq(y->schema_url, "");
    cr_assert_eq(x->n_scope_spans, 2);
    cr_assert_str_eq(x->scope_spans[0]->scope->name, "a");
    cr_assert_str_eq(x->scope_spans[0]->schema_url, "https://sa");
    cr_assert_eq(x->scope_spans[0]->n_spans, 2);
    cr_assert_str_eq(x->scope_spans[0]->spans[0]->name, "s0");
    cr_assert_str_eq(x->scope_spans[0]->spans[1]->name, "s3");
    cr_assert_str_eq(x->scope_spans[1]->scope->name, "b");
    cr_assert_eq(x->scope_spans[1]->n_spans, 1);
    cr_assert_str_eq(x->scope_spans[1]->spans[0]->name, "s2");
    cr_assert_eq(y->n_scope_spans, 2);
    cr_assert_str_eq(y->scope_spans[0]->scope->name, "b");
    cr_assert_eq(y->scope_spans[0]->n_spans, 2);
    cr_assert_str_eq(y->scope_spans[0]->spans[0]->name, "s1");
    cr_assert_str_eq(y->scope_spans[0]->spans[1]->name, "s5");
    cr_assert_str_eq(y->scope_spans[1]->scope->name, "a");
    cr_assert_str_eq(y->scope_spans[1]->spans[0]->name, "s4");
    cr_assert_eq(y->scope_spans[1]->spans[0]->span_id.data[0], 5);
    opentelemetry__proto__collector__trace__v1__export_trace_service_request__free_unpacked(req, NULL);
    otel_resource_destroy(r1);
    otel_resource_destroy(r2);
}

Test(otlp_wire, lengths_wider_than_reserved_move_the_body)
{
    /* A 20 KB attribute (span length > 2 bytes) and 2.2 MB in one scope (ScopeSpans length > 3 bytes). */
    size_t big = 20000;
    char *text = malloc(big);
    memset(text, 'x', big);
    text[big - 1] = '\xFF'; /* the repaired tail makes the value 2 bytes longer */
    otel_resource_t *res = otel_resource_create(NULL, 0, NULL);
    otel_scope_t scope = {.name = OTEL_STR("big")};
    otel_attribute_t attr = OTEL_ATTR_STRN("blob", text, big);
    enum { N = 110 };
    otel_span_data_t *spans = calloc(N, sizeof(*spans));
    const otel_span_data_t **ptrs = calloc(N, sizeof(*ptrs));
    for (int i = 0; i < N; i++) {
        spans[i] = (otel_span_data_t){
            .name = OTEL_STR("s"), .attributes = &attr, .attribute_count = 1, .resource = res, .scope = &scope};
        spans[i].start_time_unix_ns = (uint64_t)i + 1;
        ptrs[i] = &spans[i];
    }
    cr_assert_eq(otel_otlp__encode_spans(&arena, ptrs, N, &buf), OTEL_OK);
    cr_assert_gt(buf.len, (size_t)1 << 21);
    trace_req_t *req = decode_traces();
    Opentelemetry__Proto__Trace__V1__ScopeSpans *ss = req->resource_spans[0]->scope_spans[0];
    cr_assert_eq(ss->n_spans, N);
    for (int i = 0; i < N; i++) {
        cr_assert_eq(ss->spans[i]->start_time_unix_nano, (uint64_t)i + 1);
        const char *v = ss->spans[i]->attributes[0]->value->string_value;
        cr_assert_eq(strlen(v), big + 2);
        cr_assert_str_eq(v + big - 1, REPLACEMENT);
    }
    opentelemetry__proto__collector__trace__v1__export_trace_service_request__free_unpacked(req, NULL);

    /* The same buffer then takes a small request: its length is the new request's. */
    cr_assert_eq(otel_otlp__encode_spans(&arena, ptrs, 1, &buf), OTEL_OK);
    req = decode_traces();
    cr_assert_eq(req->resource_spans[0]->scope_spans[0]->n_spans, 1);
    opentelemetry__proto__collector__trace__v1__export_trace_service_request__free_unpacked(req, NULL);
    free(spans);
    free(ptrs);
    free(text);
    otel_resource_destroy(res);
}

Test(otlp_wire, an_empty_batch_is_an_empty_request)
{
    cr_assert_eq(otel_otlp__encode_spans(&arena, NULL, 0, &buf), OTEL_OK);
    cr_assert_eq(buf.len, 0);
    cr_assert_eq(otel_otlp__encode_logs(&arena, NULL, 0, &buf), OTEL_OK);
    cr_assert_eq(buf.len, 0);
}

Test(otlp_wire, varints_and_back_patched_lengths_at_their_boundaries)
{
    otel_otlp__writer_t w = {.buf = &buf};
    static const uint64_t values[] = {1, 127, 128, 16383, 16384, UINT32_MAX, UINT64_MAX};
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        buf.len = 0;
        otel_otlp__wire_varint(&w, 3, values[i]);
        uint64_t v = 0;
        size_t n = 1;
        cr_assert_eq(buf.data[0], 3 << 3);
        for (int shift = 0;; shift += 7, n++) {
            v |= (uint64_t)(buf.data[n] & 0x7F) << shift;
            if (!(buf.data[n] & 0x80))
                break;
        }
        cr_assert_eq(v, values[i]);
        cr_assert_eq(n, otel_otlp__wire_varint_size(values[i]), "minimal width for %llu",
                     (unsigned long long)values[i]);
    }
    static const size_t body_lens[] = {0, 127, 128, 16383, 16384, 70000};
    for (size_t width = 1; width <= 3; width++) {
        for (size_t i = 0; i < sizeof(body_lens) / sizeof(body_lens[0]); i++) {
            buf.len = 0;
            size_t body = otel_otlp__wire_begin(&w, 2, width);
            uint8_t *p = otel_otlp__wire_room(&w, body_lens[i]);
            for (size_t k = 0; k < body_lens[i]; k++)
                p[k] = (uint8_t)k;
            buf.len += body_lens[i];
            otel_otlp__wire_end(&w, body, width);
            size_t n = otel_otlp__wire_varint_size(body_lens[i]);
            cr_assert_eq(buf.len, 1 + n + body_lens[i], "width %zu, body %zu", width, body_lens[i]);
            uint8_t expected[3];
            cr_assert_eq(otel_otlp__wire_put_varint(expected, body_lens[i]) - expected, (ptrdiff_t)n);
            cr_assert(memcmp(buf.data + 1, expected, n) == 0);
            for (size_t k = 0; k < body_lens[i]; k++)
                cr_assert_eq(buf.data[1 + n + k], (uint8_t)k);
        }
    }
    cr_assert_not(w.failed);
}

Test(otlp_wire, log_records_with_every_body_kind_round_trip)
{
    otel_attribute_t ra = OTEL_ATTR_STR("service.name", "svc");
    otel_resource_t *r1 = otel_resource_create(&ra, 1, "https://r"), *r2 = otel_resource_create(NULL, 0, NULL);
    otel_scope_t s1 = {.name = OTEL_STR("a"), .version = OTEL_STR("1")}, s2 = {.name = OTEL_STR("b")};
    enum { N = 9 };
    otel_log_record_data_t recs[N] = {
        otlp_fx_log(r1, &s1, (otel_value_t){.type = OTEL_VALUE_STRING, .u.string = OTEL_STR("hello")}),
        otlp_fx_log(r1, &s1, (otel_value_t){.type = OTEL_VALUE_STRING, .u.string = {"caf\xE9", 4}}),
        otlp_fx_log(r1, &s1, (otel_value_t){.type = OTEL_VALUE_INT64, .u.int64 = -7}),
        otlp_fx_log(r1, &s1, (otel_value_t){.type = OTEL_VALUE_BOOL, .u.boolean = false}),
        otlp_fx_log(r1, &s2, (otel_value_t){.type = OTEL_VALUE_DOUBLE, .u.dbl = 0.0}),
        otlp_fx_log(r2, &s1, all_kinds[10].value), /* int array */
        otlp_fx_log(r1, &s1, (otel_value_t){.type = OTEL_VALUE_EMPTY}),
        otlp_fx_log(r1, &s1, (otel_value_t){.type = OTEL_VALUE_EMPTY}),
        otlp_fx_log(r1, &s1, (otel_value_t){.type = OTEL_VALUE_EMPTY}),
    };
    recs[0].attributes = all_kinds;
    recs[0].attribute_count = ALL_KINDS_COUNT;
    recs[0].dropped_attributes_count = 4;
    recs[0].event_name = OTEL_STR("app.event");
    for (int i = 0; i < 16; i++)
        recs[0].trace_id.bytes[i] = (uint8_t)(0xF0 | i);
    memset(recs[0].span_id.bytes, 0x24, 8);
    recs[0].trace_flags = 1;
    recs[1].trace_flags = 1; /* no trace id: flags are not sent either */
    recs[6].body_is_map = true;
    recs[6].body_map = all_kinds;
    recs[6].body_map_count = 4;
    recs[7].body_is_map = true;                                                                 /* an empty map body */
    recs[8] = (otel_log_record_data_t){.severity_text = {"", 0}, .resource = r1, .scope = &s1}; /* all zero */
    const otel_log_record_data_t *ptrs[N];
    for (int i = 0; i < N; i++)
        ptrs[i] = &recs[i];
    cr_assert_eq(otel_otlp__encode_logs(&arena, ptrs, N, &buf), OTEL_OK);
    logs_req_t *req = decode_logs();

    cr_assert_eq(req->n_resource_logs, 2);
    Opentelemetry__Proto__Logs__V1__ResourceLogs *rl = req->resource_logs[0];
    cr_assert_str_eq(rl->schema_url, "https://r");
    cr_assert_str_eq(rl->resource->attributes[0]->value->string_value, "svc");
    cr_assert_eq(rl->n_scope_logs, 2);
    cr_assert_str_eq(rl->scope_logs[0]->scope->name, "a");
    cr_assert_str_eq(rl->scope_logs[0]->scope->version, "1");
    cr_assert_eq(rl->scope_logs[0]->n_log_records, 7);
    pb_log_t **lr = rl->scope_logs[0]->log_records;
    cr_assert_eq(lr[0]->time_unix_nano, 11);
    cr_assert_eq(lr[0]->observed_time_unix_nano, 12);
    cr_assert_eq(lr[0]->severity_number, OPENTELEMETRY__PROTO__LOGS__V1__SEVERITY_NUMBER__SEVERITY_NUMBER_WARN);
    cr_assert_str_eq(lr[0]->severity_text, "WARN");
    cr_assert_str_eq(lr[0]->body->string_value, "hello");
    assert_all_kinds(lr[0]->attributes, lr[0]->n_attributes);
    cr_assert_eq(lr[0]->dropped_attributes_count, 4);
    cr_assert_eq(lr[0]->flags, 1);
    cr_assert_eq(lr[0]->trace_id.len, 16);
    cr_assert(memcmp(lr[0]->trace_id.data, recs[0].trace_id.bytes, 16) == 0);
    cr_assert_eq(lr[0]->span_id.len, 8);
    cr_assert_eq(lr[0]->span_id.data[7], 0x24);
    cr_assert_str_eq(lr[0]->event_name, "app.event");
    cr_assert_str_eq(lr[1]->body->string_value, "caf" REPLACEMENT, "Latin-1 is not UTF-8");
    cr_assert_eq(lr[1]->flags, 0);
    cr_assert_eq(lr[1]->trace_id.len, 0);
    cr_assert_eq(lr[1]->span_id.len, 0);
    cr_assert_eq(lr[2]->body->int_value, -7);
    cr_assert_eq(lr[3]->body->value_case, ANY(BOOL_VALUE), "a false body is still a body");
    cr_assert_eq(lr[4]->body->value_case, ANY(KVLIST_VALUE));
    cr_assert_eq(lr[4]->body->kvlist_value->n_values, 4);
    cr_assert_str_eq(lr[4]->body->kvlist_value->values[0]->key, "s");
    cr_assert_str_eq(lr[4]->body->kvlist_value->values[1]->value->string_value, "");
    cr_assert_not(lr[4]->body->kvlist_value->values[3]->value->bool_value);
    cr_assert_eq(lr[5]->body->value_case, ANY(KVLIST_VALUE), "an empty map is an empty KeyValueList");
    cr_assert_eq(lr[5]->body->kvlist_value->n_values, 0);
    cr_assert_null(lr[6]->body, "no body, no AnyValue");
    cr_assert_eq(lr[6]->time_unix_nano, 0);
    cr_assert_eq(lr[6]->severity_number, 0);
    cr_assert_eq(rl->scope_logs[1]->n_log_records, 1);
    cr_assert_str_eq(rl->scope_logs[1]->scope->name, "b");
    cr_assert_eq(rl->scope_logs[1]->log_records[0]->body->value_case, ANY(DOUBLE_VALUE));
    Opentelemetry__Proto__Logs__V1__ResourceLogs *rl2 = req->resource_logs[1];
    cr_assert_eq(rl2->resource->n_attributes, 0);
    cr_assert_eq(rl2->scope_logs[0]->log_records[0]->body->array_value->n_values, 4);
    cr_assert_eq(rl2->scope_logs[0]->log_records[0]->body->array_value->values[3]->int_value, INT64_MIN);
    opentelemetry__proto__collector__logs__v1__export_logs_service_request__free_unpacked(req, NULL);
    otel_resource_destroy(r1);
    otel_resource_destroy(r2);
}

/* ---- randomized round trips: random batches, strings of random bytes, checked against references ---- */

static uint64_t rng = 0x9E3779B97F4A7C15ULL; /* fixed seed: a failure reproduces */
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}
static size_t rnd_below(size_t n)
{
    return (size_t)(rnd() % n);
}

/* A bump pool for the random inputs of one iteration. */
static char *pool;
static size_t pool_used;
#define POOL_SIZE ((size_t)8 << 20)
static void *pool_alloc(size_t n)
{
    n = (n + 7) & ~(size_t)7;
    cr_assert_leq(pool_used + n, POOL_SIZE);
    void *p = pool + pool_used;
    pool_used += n;
    return p;
}

/* Random bytes: mostly ASCII, some valid multi-byte sequences, some bytes that are not UTF-8. */
static otel_str_t rnd_str(void)
{
    static const char *const pieces[] = {"a",
                                         "Z",
                                         "/",
                                         " ",
                                         "\xC3\xA9",
                                         "\xE2\x82\xAC",
                                         "\xF0\x9F\x98\x80",
                                         "\xFF",
                                         "\xC0\xAF",
                                         "\xED\xA0\x80",
                                         "\xE2\x82",
                                         "\xF4\x90\x80\x80",
                                         "\x80"};
    size_t r = rnd_below(100), target = r < 10 ? 0 : r < 97 ? rnd_below(40) : 200 + rnd_below(20000);
    bool ascii_only = rnd_below(2) == 0;
    char *s = pool_alloc(target + 4);
    size_t len = 0;
    while (len < target) {
        const char *piece = pieces[ascii_only ? rnd_below(4) : rnd_below(sizeof(pieces) / sizeof(pieces[0]))];
        size_t n = strlen(piece);
        memcpy(s + len, piece, n);
        len += n;
    }
    return (otel_str_t){s, len};
}

/*
 * Reference repair, written independently of otlp_utf8.c from the Unicode standard's table of
 * well-formed byte sequences (Table 3-7): each byte that does not start one becomes U+FFFD.
 */
static size_t well_formed(const unsigned char *s, size_t len)
{
    unsigned char b = s[0];
    unsigned char lo = 0x80, hi = 0xBF;
    size_t n;
    if (b <= 0x7F)
        return 1;
    if (b >= 0xC2 && b <= 0xDF)
        n = 2;
    else if (b >= 0xE0 && b <= 0xEF)
        n = 3, lo = b == 0xE0 ? 0xA0 : 0x80, hi = b == 0xED ? 0x9F : 0xBF;
    else if (b >= 0xF0 && b <= 0xF4)
        n = 4, lo = b == 0xF0 ? 0x90 : 0x80, hi = b == 0xF4 ? 0x8F : 0xBF;
    else
        return 0;
    if (len < n || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return n;
}
static char *repaired(otel_str_t in)
{
    char *out = pool_alloc(in.len * 3 + 1), *o = out;
    for (size_t i = 0; i < in.len;) {
        size_t n = well_formed((const unsigned char *)in.ptr + i, in.len - i);
        if (n == 0) {
            memcpy(o, REPLACEMENT, 3), o += 3, i++;
        } else {
            memcpy(o, in.ptr + i, n), o += n, i += n;
        }
    }
    *o = '\0';
    return out;
}

static void rnd_value(otel_value_t *v)
{
    size_t n = rnd_below(4);
    switch (rnd_below(9)) {
    case 0:
        *v = (otel_value_t){.type = OTEL_VALUE_EMPTY};
        break;
    case 1:
        *v = (otel_value_t){.type = OTEL_VALUE_BOOL, .u.boolean = rnd_below(2)};
        break;
    case 2:
        *v = (otel_value_t){.type = OTEL_VALUE_INT64, .u.int64 = (int64_t)(rnd() >> rnd_below(64))};
        break;
    case 3:
        *v = (otel_value_t){.type = OTEL_VALUE_DOUBLE, .u.dbl = (double)(int64_t)rnd() / 1e6};
        break;
    case 4: {
        otel_str_t *items = pool_alloc(n * sizeof(*items) + 1);
        for (size_t i = 0; i < n; i++)
            items[i] = rnd_str();
        *v = (otel_value_t){.type = OTEL_VALUE_STRING_ARRAY, .u.strings = {items, n}};
        break;
    }
    case 5: {
        int64_t *items = pool_alloc(n * sizeof(*items) + 1);
        for (size_t i = 0; i < n; i++)
            items[i] = (int64_t)rnd();
        *v = (otel_value_t){.type = OTEL_VALUE_INT64_ARRAY, .u.int64s = {items, n}};
        break;
    }
    default:
        *v = (otel_value_t){.type = OTEL_VALUE_STRING, .u.string = rnd_str()};
        break;
    }
}

static otel_attribute_t *rnd_attributes(size_t n)
{
    otel_attribute_t *a = pool_alloc(n * sizeof(*a) + 1);
    for (size_t i = 0; i < n; i++) {
        a[i].key = rnd_str();
        rnd_value(&a[i].value);
    }
    return a;
}

static void assert_value(const Opentelemetry__Proto__Common__V1__AnyValue *got, const otel_value_t *want)
{
    switch (want->type) {
    case OTEL_VALUE_EMPTY:
        cr_assert_eq(got->value_case, ANY(_NOT_SET));
        break;
    case OTEL_VALUE_BOOL:
        cr_assert_eq(got->value_case, ANY(BOOL_VALUE));
        cr_assert_eq(got->bool_value, want->u.boolean);
        break;
    case OTEL_VALUE_INT64:
        cr_assert_eq(got->value_case, ANY(INT_VALUE));
        cr_assert_eq(got->int_value, want->u.int64);
        break;
    case OTEL_VALUE_DOUBLE:
        cr_assert_eq(got->value_case, ANY(DOUBLE_VALUE));
        cr_assert(memcmp(&got->double_value, &want->u.dbl, sizeof(double)) == 0);
        break;
    case OTEL_VALUE_STRING_ARRAY:
        cr_assert_eq(got->value_case, ANY(ARRAY_VALUE));
        cr_assert_eq(got->array_value->n_values, want->u.strings.count);
        for (size_t i = 0; i < want->u.strings.count; i++)
            cr_assert_str_eq(got->array_value->values[i]->string_value, repaired(want->u.strings.items[i]));
        break;
    case OTEL_VALUE_INT64_ARRAY:
        cr_assert_eq(got->value_case, ANY(ARRAY_VALUE));
        cr_assert_eq(got->array_value->n_values, want->u.int64s.count);
        for (size_t i = 0; i < want->u.int64s.count; i++)
            cr_assert_eq(got->array_value->values[i]->int_value, want->u.int64s.items[i]);
        break;
    default:
        cr_assert_eq(got->value_case, ANY(STRING_VALUE));
        cr_assert_str_eq(got->string_value, repaired(want->u.string));
        break;
    }
}

static void assert_attributes(Opentelemetry__Proto__Common__V1__KeyValue **got, size_t n_got,
                              const otel_attribute_t *want, size_t n_want)
{
    cr_assert_eq(n_got, n_want);
    for (size_t i = 0; i < n_want; i++) {
        cr_assert_str_eq(got[i]->key, repaired(want[i].key));
        assert_value(got[i]->value, &want[i].value);
    }
}

/* Three resources and three scopes, told apart by name after decoding. */
static otel_resource_t *rnd_resources[3];
static otel_scope_t rnd_scopes[3] = {{.name = S("s0")}, {.name = S("s1"), .version = S("v")}, {.name = S("s2")}};
static void make_resources(void)
{
    static const char *const names[3] = {"r0", "r1", "r2"};
    for (int i = 0; i < 3; i++) {
        otel_attribute_t a = {S("service.name"), {.type = OTEL_VALUE_STRING, .u.string = {names[i], 2}}};
        rnd_resources[i] = otel_resource_create(&a, 1, NULL);
    }
    pool = malloc(POOL_SIZE);
}
static void free_resources(void)
{
    for (int i = 0; i < 3; i++)
        otel_resource_destroy(rnd_resources[i]);
    free(pool);
    teardown();
}

static uint32_t span_flags_expected(const otel_span_data_t *s)
{
    return s->trace_flags | 0x100u | (s->parent_is_remote ? 0x200u : 0);
}

Test(otlp_wire, random_span_batches_round_trip, .init = make_resources, .fini = free_resources)
{
    enum { MAX_BATCH = 24 };
    for (int iteration = 0; iteration < 400; iteration++) {
        pool_used = 0;
        size_t count = 1 + rnd_below(MAX_BATCH);
        otel_span_data_t spans[MAX_BATCH];
        const otel_span_data_t *ptrs[MAX_BATCH];
        for (size_t i = 0; i < count; i++) {
            otel_span_data_t *s = &spans[i];
            *s = (otel_span_data_t){.trace_flags = (uint8_t)rnd(),
                                    .parent_is_remote = rnd_below(2),
                                    .tracestate = rnd_str(),
                                    .name = rnd_str(),
                                    .kind = (otel_span_kind_t)rnd_below(6),
                                    .start_time_unix_ns = rnd_below(4) ? rnd() : 0,
                                    .end_time_unix_ns = rnd(),
                                    .attribute_count = rnd_below(6),
                                    .dropped_attributes_count = rnd_below(3) ? 0 : (uint32_t)rnd(),
                                    .status_code = (otel_status_code_t)rnd_below(3),
                                    .resource = rnd_resources[rnd_below(3)],
                                    .scope = &rnd_scopes[rnd_below(3)]};
            s->attributes = rnd_attributes(s->attribute_count);
            s->event_count = rnd_below(3);
            otel_span_event_t *ev = pool_alloc(s->event_count * sizeof(*ev) + 1);
            for (size_t e = 0; e < s->event_count; e++) {
                ev[e] = (otel_span_event_t){.name = rnd_str(), .time_unix_ns = rnd(), .attribute_count = rnd_below(3)};
                ev[e].attributes = rnd_attributes(ev[e].attribute_count);
            }
            s->events = ev;
            s->link_count = rnd_below(2);
            otel_span_link_t *ln = pool_alloc(sizeof(*ln));
            *ln = (otel_span_link_t){.tracestate = rnd_str(), .attribute_count = rnd_below(3)};
            ln->attributes = rnd_attributes(ln->attribute_count);
            otel_random__fill(ln->context.trace_id.bytes, 16);
            s->links = ln;
            if (s->status_code == OTEL_STATUS_CODE_ERROR)
                s->status_message = rnd_str();
            otel_random__fill(s->trace_id.bytes, 16);
            if (rnd_below(2))
                otel_random__fill(s->parent_span_id.bytes, 8);
            memcpy(s->span_id.bytes, &i, sizeof(i)); /* the item's index: maps a decoded span back */
            ptrs[i] = s;
        }
        cr_assert_eq(otel_otlp__encode_spans(&arena, ptrs, count, &buf), OTEL_OK);
        trace_req_t *req = decode_traces();
        size_t seen = 0, last_index[3][3];
        memset(last_index, 0xFF, sizeof(last_index));
        for (size_t r = 0; r < req->n_resource_spans; r++) {
            Opentelemetry__Proto__Trace__V1__ResourceSpans *rs = req->resource_spans[r];
            int rid = rs->resource->attributes[0]->value->string_value[1] - '0';
            for (size_t k = 0; k < rs->n_scope_spans; k++) {
                Opentelemetry__Proto__Trace__V1__ScopeSpans *ss = rs->scope_spans[k];
                int sid = ss->scope->name[1] - '0';
                cr_assert_gt(ss->n_spans, 0);
                for (size_t j = 0; j < ss->n_spans; j++, seen++) {
                    pb_span_t *got = ss->spans[j];
                    size_t i;
                    memcpy(&i, got->span_id.data, sizeof(i));
                    cr_assert_lt(i, count);
                    const otel_span_data_t *want = &spans[i];
                    cr_assert_eq(want->resource, rnd_resources[rid], "iteration %d: in its resource", iteration);
                    cr_assert_eq(want->scope, &rnd_scopes[sid], "iteration %d: in its scope", iteration);
                    cr_assert(last_index[rid][sid] == SIZE_MAX || last_index[rid][sid] < i, "batch order kept");
                    last_index[rid][sid] = i;
                    cr_assert(memcmp(got->trace_id.data, want->trace_id.bytes, 16) == 0);
                    cr_assert_eq(got->parent_span_id.len, otel_span_id_is_valid(&want->parent_span_id) ? 8 : 0);
                    cr_assert_str_eq(got->name, repaired(want->name));
                    cr_assert_str_eq(got->trace_state, repaired(want->tracestate));
                    cr_assert_eq(got->kind, (int)want->kind);
                    cr_assert_eq(got->start_time_unix_nano, want->start_time_unix_ns);
                    cr_assert_eq(got->end_time_unix_nano, want->end_time_unix_ns);
                    assert_attributes(got->attributes, got->n_attributes, want->attributes, want->attribute_count);
                    cr_assert_eq(got->dropped_attributes_count, want->dropped_attributes_count);
                    cr_assert_eq(got->n_events, want->event_count);
                    for (size_t e = 0; e < want->event_count; e++) {
                        cr_assert_str_eq(got->events[e]->name, repaired(want->events[e].name));
                        cr_assert_eq(got->events[e]->time_unix_nano, want->events[e].time_unix_ns);
                        assert_attributes(got->events[e]->attributes, got->events[e]->n_attributes,
                                          want->events[e].attributes, want->events[e].attribute_count);
                    }
                    cr_assert_eq(got->n_links, want->link_count);
                    if (want->link_count == 1) {
                        cr_assert_str_eq(got->links[0]->trace_state, repaired(want->links[0].tracestate));
                        assert_attributes(got->links[0]->attributes, got->links[0]->n_attributes,
                                          want->links[0].attributes, want->links[0].attribute_count);
                    }
                    cr_assert_eq(got->status != NULL, want->status_code != OTEL_STATUS_CODE_UNSET);
                    if (got->status != NULL) {
                        cr_assert_eq(got->status->code, (int)want->status_code);
                        cr_assert_str_eq(got->status->message, repaired(want->status_message));
                    }
                    cr_assert_eq(got->flags, span_flags_expected(want));
                }
            }
        }
        cr_assert_eq(seen, count, "iteration %d: every span once", iteration);
        opentelemetry__proto__collector__trace__v1__export_trace_service_request__free_unpacked(req, NULL);
    }
}

Test(otlp_wire, random_log_batches_round_trip, .init = make_resources, .fini = free_resources)
{
    enum { MAX_BATCH = 24 };
    for (int iteration = 0; iteration < 400; iteration++) {
        pool_used = 0;
        size_t count = 1 + rnd_below(MAX_BATCH);
        otel_log_record_data_t recs[MAX_BATCH];
        const otel_log_record_data_t *ptrs[MAX_BATCH];
        for (size_t i = 0; i < count; i++) {
            otel_log_record_data_t *r = &recs[i];
            *r = (otel_log_record_data_t){.timestamp_ns = rnd_below(4) ? rnd() : 0,
                                          .observed_timestamp_ns = i, /* the item's index */
                                          .severity_number = (int)rnd_below(25),
                                          .severity_text = rnd_str(),
                                          .body_is_map = rnd_below(4) == 0,
                                          .attribute_count = rnd_below(6),
                                          .event_name = rnd_str(),
                                          .trace_flags = (uint8_t)rnd(),
                                          .resource = rnd_resources[rnd_below(3)],
                                          .scope = &rnd_scopes[rnd_below(3)]};
            rnd_value(&r->body);
            r->body_map_count = r->body_is_map ? rnd_below(4) : 0;
            r->body_map = rnd_attributes(r->body_map_count);
            r->attributes = rnd_attributes(r->attribute_count);
            if (rnd_below(2)) {
                otel_random__fill(r->trace_id.bytes, 16);
                otel_random__fill(r->span_id.bytes, 8);
            }
            ptrs[i] = r;
        }
        cr_assert_eq(otel_otlp__encode_logs(&arena, ptrs, count, &buf), OTEL_OK);
        logs_req_t *req = decode_logs();
        size_t seen = 0;
        for (size_t k = 0; k < req->n_resource_logs; k++) {
            Opentelemetry__Proto__Logs__V1__ResourceLogs *rl = req->resource_logs[k];
            int rid = rl->resource->attributes[0]->value->string_value[1] - '0';
            for (size_t m = 0; m < rl->n_scope_logs; m++) {
                int sid = rl->scope_logs[m]->scope->name[1] - '0';
                for (size_t j = 0; j < rl->scope_logs[m]->n_log_records; j++, seen++) {
                    pb_log_t *got = rl->scope_logs[m]->log_records[j];
                    cr_assert_lt(got->observed_time_unix_nano, count);
                    const otel_log_record_data_t *want = &recs[got->observed_time_unix_nano];
                    cr_assert_eq(want->resource, rnd_resources[rid]);
                    cr_assert_eq(want->scope, &rnd_scopes[sid]);
                    cr_assert_eq(got->time_unix_nano, want->timestamp_ns);
                    cr_assert_eq(got->severity_number, want->severity_number);
                    cr_assert_str_eq(got->severity_text, repaired(want->severity_text));
                    cr_assert_str_eq(got->event_name, repaired(want->event_name));
                    if (want->body_is_map) {
                        cr_assert_eq(got->body->value_case, ANY(KVLIST_VALUE));
                        assert_attributes(got->body->kvlist_value->values, got->body->kvlist_value->n_values,
                                          want->body_map, want->body_map_count);
                    } else if (want->body.type == OTEL_VALUE_EMPTY) {
                        cr_assert_null(got->body);
                    } else {
                        assert_value(got->body, &want->body);
                    }
                    assert_attributes(got->attributes, got->n_attributes, want->attributes, want->attribute_count);
                    bool traced = otel_trace_id_is_valid(&want->trace_id);
                    cr_assert_eq(got->trace_id.len, traced ? 16 : 0);
                    cr_assert_eq(got->flags, traced ? want->trace_flags : 0);
                }
            }
        }
        cr_assert_eq(seen, count);
        opentelemetry__proto__collector__logs__v1__export_logs_service_request__free_unpacked(req, NULL);
    }
}
