/* SPDX-License-Identifier: Apache-2.0 */
/* OTLP encoding into protobuf-c messages (metrics): strings, attribute values, key/values, resource and scope. */
#include <string.h>
#include "export/otlp_encode_internal.h"
#include "export/otlp_utf8_internal.h"

char *otel_otlp__str(otel_arena_t *arena, otel_str_t s)
{
    if (otel_otlp__utf8_valid_prefix(s.ptr, s.len) == s.len) { /* the common case: copied as is */
        char *out = otel_arena__alloc(arena, s.len + 1);
        if (out != NULL) {
            if (s.len > 0)
                memcpy(out, s.ptr, s.len);
            out[s.len] = '\0';
        }
        return out;
    }
    char *out = otel_arena__alloc(arena, otel_otlp__utf8_repaired_len(s.ptr, s.len) + 1);
    if (out != NULL)
        *otel_otlp__utf8_repair(out, s.ptr, s.len) = '\0';
    return out;
}

static pb_any_value_t *array_value(otel_arena_t *arena, const otel_value_t *v, pb_any_value_t *out)
{
    size_t n = v->type == OTEL_VALUE_STRING_ARRAY  ? v->u.strings.count
               : v->type == OTEL_VALUE_BOOL_ARRAY  ? v->u.bools.count
               : v->type == OTEL_VALUE_INT64_ARRAY ? v->u.int64s.count
                                                   : v->u.doubles.count;
    pb_array_value_t *array = PB_NEW(arena, pb_array_value_t, OPENTELEMETRY__PROTO__COMMON__V1__ARRAY_VALUE__INIT);
    pb_any_value_t *items = otel_arena__calloc(arena, n * sizeof(pb_any_value_t));
    pb_any_value_t **ptrs = otel_arena__calloc(arena, n * sizeof(pb_any_value_t *));
    if (array == NULL || (n > 0 && (items == NULL || ptrs == NULL)))
        return NULL;
    for (size_t i = 0; i < n; i++) {
        pb_any_value_t *item = &items[i];
        *item = (pb_any_value_t)OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__INIT;
        switch (v->type) {
        case OTEL_VALUE_STRING_ARRAY:
            item->value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_STRING_VALUE;
            if ((item->string_value = otel_otlp__str(arena, v->u.strings.items[i])) == NULL)
                return NULL;
            break;
        case OTEL_VALUE_BOOL_ARRAY:
            item->value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_BOOL_VALUE;
            item->bool_value = v->u.bools.items[i];
            break;
        case OTEL_VALUE_INT64_ARRAY:
            item->value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_INT_VALUE;
            item->int_value = v->u.int64s.items[i];
            break;
        default:
            item->value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_DOUBLE_VALUE;
            item->double_value = v->u.doubles.items[i];
            break;
        }
        ptrs[i] = item;
    }
    array->n_values = n;
    array->values = ptrs;
    out->value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_ARRAY_VALUE;
    out->array_value = array;
    return out;
}

/* Fills `out` (already INIT) from `v`. */
static pb_any_value_t *fill_value(otel_arena_t *arena, const otel_value_t *v, pb_any_value_t *out)
{
    switch (v->type) {
    case OTEL_VALUE_STRING:
        out->value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_STRING_VALUE;
        return (out->string_value = otel_otlp__str(arena, v->u.string)) != NULL ? out : NULL;
    case OTEL_VALUE_BOOL:
        out->value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_BOOL_VALUE;
        out->bool_value = v->u.boolean;
        return out;
    case OTEL_VALUE_INT64:
        out->value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_INT_VALUE;
        out->int_value = v->u.int64;
        return out;
    case OTEL_VALUE_DOUBLE:
        out->value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_DOUBLE_VALUE;
        out->double_value = v->u.dbl;
        return out;
    case OTEL_VALUE_STRING_ARRAY:
    case OTEL_VALUE_BOOL_ARRAY:
    case OTEL_VALUE_INT64_ARRAY:
    case OTEL_VALUE_DOUBLE_ARRAY:
        return array_value(arena, v, out);
    default:
        return out; /* the empty AnyValue */
    }
}

pb_any_value_t *otel_otlp__value(otel_arena_t *arena, const otel_value_t *v)
{
    pb_any_value_t *out = PB_NEW(arena, pb_any_value_t, OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__INIT);
    return out != NULL ? fill_value(arena, v, out) : NULL;
}

pb_key_value_t **otel_otlp__attributes(otel_arena_t *arena, const otel_attribute_t *attrs, size_t count, bool *ok)
{
    if (count == 0 || attrs == NULL)
        return NULL;
    /* One allocation per kind for the whole list. */
    pb_key_value_t **ptrs = otel_arena__calloc(arena, count * sizeof(pb_key_value_t *));
    pb_key_value_t *kvs = otel_arena__calloc(arena, count * sizeof(pb_key_value_t));
    pb_any_value_t *values = otel_arena__calloc(arena, count * sizeof(pb_any_value_t));
    if (ptrs == NULL || kvs == NULL || values == NULL) {
        *ok = false;
        return NULL;
    }
    for (size_t i = 0; i < count; i++) {
        kvs[i] = (pb_key_value_t)OPENTELEMETRY__PROTO__COMMON__V1__KEY_VALUE__INIT;
        values[i] = (pb_any_value_t)OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__INIT;
        kvs[i].key = otel_otlp__str(arena, attrs[i].key);
        kvs[i].value = fill_value(arena, &attrs[i].value, &values[i]);
        if (kvs[i].key == NULL || kvs[i].value == NULL) {
            *ok = false;
            return NULL;
        }
        ptrs[i] = &kvs[i];
    }
    return ptrs;
}

pb_resource_t *otel_otlp__resource(otel_arena_t *arena, const otel_resource_t *resource)
{
    pb_resource_t *r = PB_NEW(arena, pb_resource_t, OPENTELEMETRY__PROTO__RESOURCE__V1__RESOURCE__INIT);
    if (r == NULL)
        return NULL;
    size_t n = otel_resource_attribute_count(resource);
    if (n == 0)
        return r;
    otel_attribute_t *flat = otel_arena__calloc(arena, n * sizeof(*flat));
    if (flat == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++)
        flat[i] = *otel_resource_attribute(resource, i);
    bool ok = true;
    r->attributes = otel_otlp__attributes(arena, flat, n, &ok);
    r->n_attributes = n;
    return ok ? r : NULL;
}

pb_scope_t *otel_otlp__scope(otel_arena_t *arena, const otel_scope_t *scope)
{
    pb_scope_t *s = PB_NEW(arena, pb_scope_t, OPENTELEMETRY__PROTO__COMMON__V1__INSTRUMENTATION_SCOPE__INIT);
    if (s == NULL || (s->name = otel_otlp__str(arena, scope->name)) == NULL ||
        (s->version = otel_otlp__str(arena, scope->version)) == NULL)
        return NULL;
    bool ok = true;
    s->attributes = otel_otlp__attributes(arena, scope->attributes, scope->attribute_count, &ok);
    s->n_attributes = scope->attributes ? scope->attribute_count : 0;
    return ok ? s : NULL;
}

bool otel_otlp__pack(const ProtobufCMessage *msg, otel_otlp__buffer_t *out)
{
    size_t size = protobuf_c_message_get_packed_size(msg);
    if (!otel_otlp__buffer_reserve(out, size ? size : 1))
        return false;
    out->len = protobuf_c_message_pack(msg, out->data);
    return true;
}
