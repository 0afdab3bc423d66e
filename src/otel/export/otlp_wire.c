/* SPDX-License-Identifier: Apache-2.0 */
/* Protobuf wire writer: buffer growth, length back-patching, strings, and the OTLP common messages. */
#include "export/otlp_wire_internal.h"

bool otel_otlp__wire_grow(otel_otlp__writer_t *w, size_t n)
{
    otel_otlp__buffer_t *b = w->buf;
    if (w->failed || n > SIZE_MAX - b->len || !otel_otlp__buffer_reserve(b, b->len + n)) {
        w->failed = true;
        return false;
    }
    return true;
}

void otel_otlp__wire_end_resize(otel_otlp__writer_t *w, size_t body, size_t len_width, size_t needed)
{
    size_t len = w->buf->len - body;
    if (needed > len_width && otel_otlp__wire_room(w, needed - len_width) == NULL)
        return;
    uint8_t *start = w->buf->data + body - len_width;
    memmove(start + needed, start + len_width, len);
    otel_otlp__wire_put_varint(start, len);
    w->buf->len = body - len_width + needed + len;
}

void otel_otlp__wire_string_slow(otel_otlp__writer_t *w, uint32_t field, otel_str_t s, size_t valid)
{
    if (w->failed)
        return;
    size_t len = valid + otel_otlp__utf8_repaired_len(s.ptr + valid, s.len - valid);
    uint8_t *p = otel_otlp__wire_room(w, len + 15);
    if (p == NULL)
        return;
    p = otel_otlp__wire_put_varint(otel_otlp__wire_put_tag(p, field, OTEL_WIRE_LEN), len);
    memcpy(p, s.ptr, valid);
    p = (uint8_t *)otel_otlp__utf8_repair((char *)p + valid, s.ptr + valid, s.len - valid);
    otel_otlp__wire_commit(w, p);
}

/* AnyValue fields (common.proto). */
enum { ANY_STRING = 1, ANY_BOOL = 2, ANY_INT = 3, ANY_DOUBLE = 4, ANY_ARRAY = 5 };

static uint64_t double_bits(double d)
{
    uint64_t bits;
    memcpy(&bits, &d, sizeof(bits));
    return bits;
}

/* ArrayValue { repeated AnyValue values = 1; } of a homogeneous array value. */
static void array_value(otel_otlp__writer_t *w, const otel_value_t *v)
{
    size_t array = otel_otlp__wire_begin(w, ANY_ARRAY, 1);
    size_t n = v->type == OTEL_VALUE_STRING_ARRAY  ? v->u.strings.count
               : v->type == OTEL_VALUE_BOOL_ARRAY  ? v->u.bools.count
               : v->type == OTEL_VALUE_INT64_ARRAY ? v->u.int64s.count
                                                   : v->u.doubles.count;
    for (size_t i = 0; i < n; i++) {
        size_t item = otel_otlp__wire_begin(w, 1, 1);
        switch (v->type) {
        case OTEL_VALUE_STRING_ARRAY:
            otel_otlp__wire_string_always(w, ANY_STRING, v->u.strings.items[i]);
            break;
        case OTEL_VALUE_BOOL_ARRAY:
            otel_otlp__wire_varint_always(w, ANY_BOOL, v->u.bools.items[i]);
            break;
        case OTEL_VALUE_INT64_ARRAY:
            otel_otlp__wire_varint_always(w, ANY_INT, (uint64_t)v->u.int64s.items[i]);
            break;
        default:
            otel_otlp__wire_fixed64_always(w, ANY_DOUBLE, double_bits(v->u.doubles.items[i]));
            break;
        }
        otel_otlp__wire_end(w, item, 1);
    }
    otel_otlp__wire_end(w, array, 1);
}

void otel_otlp__wire_any_value(otel_otlp__writer_t *w, const otel_value_t *v)
{
    switch (v->type) {
    case OTEL_VALUE_STRING:
        otel_otlp__wire_string_always(w, ANY_STRING, v->u.string);
        break;
    case OTEL_VALUE_BOOL:
        otel_otlp__wire_varint_always(w, ANY_BOOL, v->u.boolean);
        break;
    case OTEL_VALUE_INT64:
        otel_otlp__wire_varint_always(w, ANY_INT, (uint64_t)v->u.int64);
        break;
    case OTEL_VALUE_DOUBLE:
        otel_otlp__wire_fixed64_always(w, ANY_DOUBLE, double_bits(v->u.dbl));
        break;
    case OTEL_VALUE_STRING_ARRAY:
    case OTEL_VALUE_BOOL_ARRAY:
    case OTEL_VALUE_INT64_ARRAY:
    case OTEL_VALUE_DOUBLE_ARRAY:
        array_value(w, v);
        break;
    default:
        break; /* the empty AnyValue */
    }
}

/* KeyValue { string key = 1; AnyValue value = 2; } — the value is always present (empty for EMPTY). */
static void key_value(otel_otlp__writer_t *w, uint32_t field, const otel_attribute_t *a)
{
    size_t kv = otel_otlp__wire_begin(w, field, 1);
    otel_otlp__wire_string(w, 1, a->key);
    size_t value = otel_otlp__wire_begin(w, 2, 1);
    otel_otlp__wire_any_value(w, &a->value);
    otel_otlp__wire_end(w, value, 1);
    otel_otlp__wire_end(w, kv, 1);
}

void otel_otlp__wire_attributes(otel_otlp__writer_t *w, uint32_t field, const otel_attribute_t *attrs, size_t count)
{
    if (attrs == NULL)
        return;
    for (size_t i = 0; i < count; i++)
        key_value(w, field, &attrs[i]);
}

/* Resource { repeated KeyValue attributes = 1; uint32 dropped_attributes_count = 2; } */
void otel_otlp__wire_resource(otel_otlp__writer_t *w, uint32_t field, const otel_resource_t *resource)
{
    size_t body = otel_otlp__wire_begin(w, field, 2);
    size_t n = otel_resource_attribute_count(resource);
    for (size_t i = 0; i < n; i++)
        key_value(w, 1, otel_resource_attribute(resource, i));
    otel_otlp__wire_end(w, body, 2);
}

/* InstrumentationScope { string name = 1; string version = 2; repeated KeyValue attributes = 3; ... } */
void otel_otlp__wire_scope(otel_otlp__writer_t *w, uint32_t field, const otel_scope_t *scope)
{
    size_t body = otel_otlp__wire_begin(w, field, 1);
    otel_otlp__wire_string(w, 1, scope->name);
    otel_otlp__wire_string(w, 2, scope->version);
    otel_otlp__wire_attributes(w, 3, scope->attributes, scope->attribute_count);
    otel_otlp__wire_end(w, body, 1);
}
