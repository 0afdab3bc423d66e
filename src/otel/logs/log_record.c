/* SPDX-License-Identifier: Apache-2.0 */
/* Copying an emitted log record into one SDK-owned heap block, with the record limits and trace context. */
#include <stdlib.h>
#include <string.h>
#include "logs/logs_internal.h"

#define ALIGN8(n) (((n) + 7) & ~(size_t)7)

/* Bytes of a string value truncated to `limit` without splitting a UTF-8 character. */
static size_t truncated_len(otel_str_t s, uint32_t limit)
{
    if (s.len <= limit)
        return s.len;
    size_t n = limit;
    while (n > 0 && ((unsigned char)s.ptr[n] & 0xC0) == 0x80) /* s.ptr[n] continues a character */
        n--;
    return n;
}

static size_t value_size(const otel_value_t *v, uint32_t limit)
{
    switch (v->type) {
    case OTEL_VALUE_STRING:
        return ALIGN8(truncated_len(v->u.string, limit));
    case OTEL_VALUE_STRING_ARRAY: {
        size_t n = ALIGN8(v->u.strings.count * sizeof(otel_str_t));
        for (size_t i = 0; i < v->u.strings.count; i++)
            n += ALIGN8(truncated_len(v->u.strings.items[i], limit));
        return n;
    }
    case OTEL_VALUE_BOOL_ARRAY:
        return ALIGN8(v->u.bools.count * sizeof(bool));
    case OTEL_VALUE_INT64_ARRAY:
        return ALIGN8(v->u.int64s.count * sizeof(int64_t));
    case OTEL_VALUE_DOUBLE_ARRAY:
        return ALIGN8(v->u.doubles.count * sizeof(double));
    default:
        return 0;
    }
}

static otel_str_t copy_str(char **p, otel_str_t s, uint32_t limit)
{
    size_t n = truncated_len(s, limit);
    otel_str_t out = {*p, n};
    if (n > 0)
        memcpy(*p, s.ptr, n);
    *p += ALIGN8(n);
    return out;
}

static void *copy_array(char **p, const void *items, size_t bytes)
{
    void *out = *p;
    if (bytes > 0)
        memcpy(*p, items, bytes);
    *p += ALIGN8(bytes);
    return out;
}

static otel_value_t copy_value(char **p, const otel_value_t *v, uint32_t limit)
{
    otel_value_t out = *v;
    switch (v->type) {
    case OTEL_VALUE_STRING:
        out.u.string = copy_str(p, v->u.string, limit);
        break;
    case OTEL_VALUE_STRING_ARRAY: {
        otel_str_t *items = (otel_str_t *)*p;
        *p += ALIGN8(v->u.strings.count * sizeof(otel_str_t));
        for (size_t i = 0; i < v->u.strings.count; i++)
            items[i] = copy_str(p, v->u.strings.items[i], limit);
        out.u.strings.items = items;
        break;
    }
    case OTEL_VALUE_BOOL_ARRAY:
        out.u.bools.items = copy_array(p, v->u.bools.items, v->u.bools.count * sizeof(bool));
        break;
    case OTEL_VALUE_INT64_ARRAY:
        out.u.int64s.items = copy_array(p, v->u.int64s.items, v->u.int64s.count * sizeof(int64_t));
        break;
    case OTEL_VALUE_DOUBLE_ARRAY:
        out.u.doubles.items = copy_array(p, v->u.doubles.items, v->u.doubles.count * sizeof(double));
        break;
    default:
        break;
    }
    return out;
}

size_t otel_log__attributes_size(const otel_attribute_t *attrs, size_t count, uint32_t value_limit)
{
    size_t n = ALIGN8(count * sizeof(otel_attribute_t));
    for (size_t i = 0; i < count; i++)
        n += ALIGN8(attrs[i].key.len) + value_size(&attrs[i].value, value_limit);
    return n;
}

const otel_attribute_t *otel_log__attributes_copy(char **p, const otel_attribute_t *attrs, size_t count,
                                                  uint32_t value_limit)
{
    otel_attribute_t *out = (otel_attribute_t *)*p;
    *p += ALIGN8(count * sizeof(otel_attribute_t));
    for (size_t i = 0; i < count; i++) {
        out[i].key = copy_str(p, attrs[i].key, UINT32_MAX);
        out[i].value = copy_value(p, &attrs[i].value, value_limit);
    }
    return count ? out : NULL;
}

otel_log__record_t *otel_log__record_copy(const otel_log_record_t *in, const otel_log_record_limits_t *limits,
                                          const otel_resource_t *resource, const otel_scope_t *scope)
{
    uint32_t vlimit = limits->attribute_value_length_limit;
    size_t attr_count = in->attribute_count;
    if (in->attributes == NULL)
        attr_count = 0;
    size_t kept = attr_count < limits->attribute_count_limit ? attr_count : limits->attribute_count_limit;
    size_t map_count = in->body_map != NULL ? in->body_map_count : 0;

    /* The body is not an attribute: the value length limit does not apply to it. */
    size_t size = ALIGN8(sizeof(otel_log__record_t)) + ALIGN8(in->severity_text.len) + ALIGN8(in->event_name.len) +
                  otel_log__attributes_size(in->attributes, kept, vlimit) +
                  (map_count ? otel_log__attributes_size(in->body_map, map_count, UINT32_MAX)
                             : value_size(&in->body, UINT32_MAX));
    otel_log__record_t *r = malloc(size);
    if (r == NULL)
        return NULL;
    char *p = (char *)r + ALIGN8(sizeof(otel_log__record_t));
    otel_log_record_data_t *d = &r->data;
    memset(d, 0, sizeof(*d));
    d->timestamp_ns = in->timestamp_ns;
    d->observed_timestamp_ns = in->observed_timestamp_ns ? in->observed_timestamp_ns : otel_time_now_ns();
    d->severity_number = in->severity_number >= 0 && in->severity_number <= 24 ? in->severity_number : 0;
    d->severity_text = copy_str(&p, in->severity_text, UINT32_MAX);
    d->event_name = copy_str(&p, in->event_name, UINT32_MAX);
    d->attributes = otel_log__attributes_copy(&p, in->attributes, kept, vlimit);
    d->attribute_count = kept;
    d->dropped_attributes_count = (uint32_t)(attr_count - kept);
    if (map_count) {
        d->body_is_map = true;
        d->body_map = otel_log__attributes_copy(&p, in->body_map, map_count, UINT32_MAX);
        d->body_map_count = map_count;
        d->body.type = OTEL_VALUE_EMPTY;
    } else {
        d->body = copy_value(&p, &in->body, UINT32_MAX);
    }
    const otel_span_context_t *ctx = in->span_context ? in->span_context : otel_context_current();
    if (ctx != NULL && otel_span_context_is_valid(ctx)) {
        d->trace_id = ctx->trace_id;
        d->span_id = ctx->span_id;
        d->trace_flags = ctx->trace_flags;
    }
    d->resource = resource;
    d->scope = scope;
    return r;
}

void otel_log__record_free(otel_log__record_t *record)
{
    free(record);
}
