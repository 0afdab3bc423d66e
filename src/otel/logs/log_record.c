/* SPDX-License-Identifier: Apache-2.0 */
/* Copying an emitted log record into one SDK-owned block, with the record limits and trace context. */
#include <stdlib.h>
#include <string.h>
#include "common/common_internal.h"
#include "common/span_context_internal.h"
#include "logs/logs_internal.h"

#define ALIGN8(n) (((n) + 7) & ~(size_t)7)

/* Bytes of a string value truncated to `limit` without splitting a UTF-8 character. */
static inline size_t truncated_len(otel_str_t s, uint32_t limit)
{
    if (__builtin_expect(s.len <= limit, 1))
        return s.len;
    size_t n = limit;
    while (n > 0 && ((unsigned char)s.ptr[n] & 0xC0) == 0x80) /* s.ptr[n] continues a character */
        n--;
    return n;
}

/* `n` bytes of the block aligned to `align` (1 or 8), or NULL with `overflow` set. */
static inline void *bump(otel_log__bump_t *b, size_t n, size_t align)
{
    char *p = align == 1 ? b->p : (char *)ALIGN8((uintptr_t)b->p);
    if (__builtin_expect(p > b->end || (size_t)(b->end - p) < n, 0)) {
        b->overflow = true;
        return NULL;
    }
    b->p = p + n;
    return p;
}

/* Worst-case bytes of a value in the block (each array may need up to 7 bytes of alignment). */
static size_t value_size(const otel_value_t *v, uint32_t limit)
{
    switch (v->type) {
    case OTEL_VALUE_STRING:
        return truncated_len(v->u.string, limit);
    case OTEL_VALUE_STRING_ARRAY: {
        size_t n = 7 + v->u.strings.count * sizeof(otel_str_t);
        for (size_t i = 0; i < v->u.strings.count; i++)
            n += truncated_len(v->u.strings.items[i], limit);
        return n;
    }
    case OTEL_VALUE_BOOL_ARRAY:
        return 7 + v->u.bools.count * sizeof(bool);
    case OTEL_VALUE_INT64_ARRAY:
        return 7 + v->u.int64s.count * sizeof(int64_t);
    case OTEL_VALUE_DOUBLE_ARRAY:
        return 7 + v->u.doubles.count * sizeof(double);
    default:
        return 0;
    }
}

/* memcpy for the short keys and values of a record: fixed-size (overlapping) moves the compiler inlines, instead
 * of a library call per string. */
static inline void copy_bytes(char *dst, const char *src, size_t n)
{
    if (n >= 16 && n <= 32) {
        memcpy(dst, src, 16);
        memcpy(dst + n - 16, src + n - 16, 16);
    } else if (n >= 8 && n < 16) {
        memcpy(dst, src, 8);
        memcpy(dst + n - 8, src + n - 8, 8);
    } else if (n >= 4 && n < 8) {
        memcpy(dst, src, 4);
        memcpy(dst + n - 4, src + n - 4, 4);
    } else if (n < 4) {
        for (size_t i = 0; i < n; i++)
            dst[i] = src[i];
    } else {
        memcpy(dst, src, n);
    }
}

static inline otel_str_t copy_str(otel_log__bump_t *b, otel_str_t s, uint32_t limit)
{
    size_t n = truncated_len(s, limit);
    char *p = n > 0 ? bump(b, n, 1) : NULL;
    if (p == NULL)
        return (otel_str_t){"", 0};
    copy_bytes(p, s.ptr, n);
    return (otel_str_t){p, n};
}

static void *copy_array(otel_log__bump_t *b, const void *items, size_t bytes)
{
    void *out = bump(b, bytes, 8);
    if (out != NULL && bytes > 0)
        memcpy(out, items, bytes);
    return out;
}

static otel_value_t copy_value(otel_log__bump_t *b, const otel_value_t *v, uint32_t limit)
{
    otel_value_t out = *v;
    switch (v->type) {
    case OTEL_VALUE_STRING:
        out.u.string = copy_str(b, v->u.string, limit);
        break;
    case OTEL_VALUE_STRING_ARRAY: {
        otel_str_t *items = bump(b, v->u.strings.count * sizeof(otel_str_t), 8);
        for (size_t i = 0; items != NULL && i < v->u.strings.count; i++)
            items[i] = copy_str(b, v->u.strings.items[i], limit);
        out.u.strings.items = items;
        break;
    }
    case OTEL_VALUE_BOOL_ARRAY:
        out.u.bools.items = copy_array(b, v->u.bools.items, v->u.bools.count * sizeof(bool));
        break;
    case OTEL_VALUE_INT64_ARRAY:
        out.u.int64s.items = copy_array(b, v->u.int64s.items, v->u.int64s.count * sizeof(int64_t));
        break;
    case OTEL_VALUE_DOUBLE_ARRAY:
        out.u.doubles.items = copy_array(b, v->u.doubles.items, v->u.doubles.count * sizeof(double));
        break;
    default:
        break;
    }
    return out;
}

size_t otel_log__attributes_size(const otel_attribute_t *attrs, size_t count, uint32_t value_limit)
{
    size_t n = 7 + count * sizeof(otel_attribute_t);
    for (size_t i = 0; i < count; i++)
        n += attrs[i].key.len + value_size(&attrs[i].value, value_limit);
    return n;
}

/* `static_keys`: the keys outlive the record and are referenced, not copied. */
static inline const otel_attribute_t *copy_attributes(otel_log__bump_t *b, const otel_attribute_t *attrs, size_t count,
                                                      uint32_t value_limit, bool static_keys)
{
    if (count == 0)
        return NULL;
    otel_attribute_t *out = bump(b, count * sizeof(otel_attribute_t), 8);
    if (out == NULL)
        return NULL;
    for (size_t i = 0; i < count; i++) {
        const otel_attribute_t *a = &attrs[i];
        out[i].key = static_keys ? a->key : copy_str(b, a->key, UINT32_MAX);
        if (__builtin_expect(a->value.type == OTEL_VALUE_STRING, 1)) {
            out[i].value.type = OTEL_VALUE_STRING;
            out[i].value.u.string = copy_str(b, a->value.u.string, value_limit);
        } else if (a->value.type == OTEL_VALUE_INT64 || a->value.type == OTEL_VALUE_DOUBLE ||
                   a->value.type == OTEL_VALUE_BOOL) {
            out[i].value = a->value;
        } else {
            out[i].value = copy_value(b, &a->value, value_limit);
        }
    }
    return out;
}

const otel_attribute_t *otel_log__attributes_copy(otel_log__bump_t *b, const otel_attribute_t *attrs, size_t count,
                                                  uint32_t value_limit)
{
    return copy_attributes(b, attrs, count, value_limit, false);
}

/* Fills `r` (whose block ends at `end`) from `in`; false when the block is too small. */
static bool fill(otel_log__record_t *r, char *end, const otel_log_record_t *in, size_t kept, size_t attr_count,
                 size_t map_count, uint32_t vlimit)
{
    otel_log__bump_t b = {(char *)r + ALIGN8(sizeof(*r)), end, false};
    otel_log_record_data_t *d = &r->data;
    bool literal = in->static_strings;
    d->severity_text = literal ? in->severity_text : copy_str(&b, in->severity_text, UINT32_MAX);
    d->event_name = literal ? in->event_name : copy_str(&b, in->event_name, UINT32_MAX);
    d->attributes = copy_attributes(&b, in->attributes, kept, vlimit, literal);
    d->attribute_count = kept;
    d->dropped_attributes_count = (uint32_t)(attr_count - kept);
    /* The body is not an attribute: the value length limit does not apply to it. */
    if (map_count) {
        d->body_is_map = true;
        d->body_map = copy_attributes(&b, in->body_map, map_count, UINT32_MAX, literal);
        d->body_map_count = map_count;
        d->body = (otel_value_t){.type = OTEL_VALUE_EMPTY};
    } else {
        d->body_is_map = false;
        d->body_map = NULL;
        d->body_map_count = 0;
        if (in->body.type == OTEL_VALUE_STRING)
            d->body =
                (otel_value_t){.type = OTEL_VALUE_STRING, .u.string = copy_str(&b, in->body.u.string, UINT32_MAX)};
        else
            d->body = copy_value(&b, &in->body, UINT32_MAX);
    }
    return !b.overflow;
}

otel_log__record_t *otel_log__record_copy(const otel_log_record_t *in, const otel_log_record_limits_t *limits,
                                          const otel_resource_t *resource, const otel_scope_t *scope)
{
    uint32_t vlimit = limits->attribute_value_length_limit;
    size_t attr_count = in->attributes != NULL ? in->attribute_count : 0;
    size_t kept = attr_count < limits->attribute_count_limit ? attr_count : limits->attribute_count_limit;
    size_t map_count = in->body_map != NULL ? in->body_map_count : 0;

    /* The common case: one pass into a pool block. A record that does not fit takes one exact-size malloc. */
    otel_log__record_t *r = otel_log__pool_get();
    if (r == NULL || !fill(r, (char *)r + OTEL_LOG__BLOCK_SIZE, in, kept, attr_count, map_count, vlimit)) {
        otel_log__record_free(r);
        size_t size = ALIGN8(sizeof(*r)) + in->severity_text.len + in->event_name.len +
                      otel_log__attributes_size(in->attributes, kept, vlimit) +
                      (map_count ? otel_log__attributes_size(in->body_map, map_count, UINT32_MAX)
                                 : value_size(&in->body, UINT32_MAX));
        if ((r = malloc(size)) == NULL)
            return NULL;
        r->link.pool = NULL;
        if (!fill(r, (char *)r + size, in, kept, attr_count, map_count, vlimit)) { /* cannot happen: exact size */
            free(r);
            return NULL;
        }
    }
    otel_log_record_data_t *d = &r->data;
    d->timestamp_ns = in->timestamp_ns;
    d->observed_timestamp_ns = in->observed_timestamp_ns ? in->observed_timestamp_ns : otel_time_now_ns();
    d->severity_number = in->severity_number >= 0 && in->severity_number <= 24 ? in->severity_number : 0;
    const otel_span_context_t *ctx = in->span_context ? in->span_context : otel_context_current();
    if (ctx != NULL && otel_span_context__valid(ctx)) {
        d->trace_id = ctx->trace_id;
        d->span_id = ctx->span_id;
        d->trace_flags = ctx->trace_flags;
    } else {
        memset(&d->trace_id, 0, sizeof(d->trace_id));
        memset(&d->span_id, 0, sizeof(d->span_id));
        d->trace_flags = 0;
    }
    d->resource = resource;
    d->scope = scope;
    return r;
}

void otel_log__record_free(otel_log__record_t *record)
{
    if (record == NULL)
        return;
    if (record->link.pool != NULL)
        otel_pool__put(OTEL_POOL_LOG_RECORD, &record->link);
    else
        free(record);
}

void otel_log__record_free_many(otel_log__record_t **records, size_t count)
{
    otel_pool_batch_t batch = OTEL_POOL_BATCH_INIT(OTEL_POOL_LOG_RECORD);
    for (size_t i = 0; i < count; i++) {
        if (records[i]->link.pool != NULL)
            otel_pool__batch_add(&batch, &records[i]->link);
        else
            free(records[i]);
    }
    otel_pool__batch_end(&batch);
}
