/* SPDX-License-Identifier: Apache-2.0 */
/* The console span exporter: one OTLP-JSON object ({"resourceSpans":[...]}) per span and line. */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "otel/span_exporter.h"

typedef struct console_exporter {
    FILE *stream;
    char *buf; /* reused line buffer: export calls are serialised by the processor */
    size_t len, cap;
    bool failed; /* allocation failure while building the current line */
} console_exporter_t;

static void put(console_exporter_t *c, const char *s, size_t n)
{
    if (c->failed)
        return;
    if (c->len + n + 1 > c->cap) {
        size_t cap = c->cap == 0 ? 4096 : c->cap;
        while (c->len + n + 1 > cap)
            cap *= 2;
        char *b = realloc(c->buf, cap);
        if (b == NULL) {
            c->failed = true;
            return;
        }
        c->buf = b;
        c->cap = cap;
    }
    memcpy(c->buf + c->len, s, n);
    c->len += n;
}

static void puts_(console_exporter_t *c, const char *s)
{
    put(c, s, strlen(s));
}

static void printf_(console_exporter_t *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void printf_(console_exporter_t *c, const char *fmt, ...)
{
    char tmp[64];
    va_list args;
    va_start(args, fmt);
    int n = vsnprintf(tmp, sizeof(tmp), fmt, args);
    va_end(args);
    if (n > 0)
        put(c, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

/* A JSON string literal; bytes >= 0x80 pass through (UTF-8), control characters are escaped. */
static void json_str(console_exporter_t *c, otel_str_t s)
{
    put(c, "\"", 1);
    size_t start = 0;
    for (size_t i = 0; i < s.len; i++) {
        unsigned char ch = (unsigned char)s.ptr[i];
        if (ch >= 0x20 && ch != '"' && ch != '\\')
            continue;
        put(c, s.ptr + start, i - start);
        if (ch == '"')
            puts_(c, "\\\"");
        else if (ch == '\\')
            puts_(c, "\\\\");
        else if (ch == '\n')
            puts_(c, "\\n");
        else if (ch == '\t')
            puts_(c, "\\t");
        else if (ch == '\r')
            puts_(c, "\\r");
        else
            printf_(c, "\\u%04x", ch);
        start = i + 1;
    }
    put(c, s.ptr + start, s.len - start);
    put(c, "\"", 1);
}

static void json_key(console_exporter_t *c, const char *key)
{
    printf_(c, "\"%s\":", key);
}

static void json_u64_string(console_exporter_t *c, uint64_t v)
{
    printf_(c, "\"%" PRIu64 "\"", v);
}

static void json_hex(console_exporter_t *c, const uint8_t *bytes, size_t len)
{
    char hex[33];
    otel_hex_encode(bytes, len, hex);
    put(c, "\"", 1);
    put(c, hex, 2 * len);
    put(c, "\"", 1);
}

static void json_double(console_exporter_t *c, double d)
{
    if (isnan(d))
        puts_(c, "\"NaN\"");
    else if (isinf(d))
        puts_(c, d > 0 ? "\"Infinity\"" : "\"-Infinity\"");
    else
        printf_(c, "%.17g", d);
}

static void json_scalar(console_exporter_t *c, otel_value_type_t type, const otel_value_t *v, size_t i)
{
    switch (type) {
    case OTEL_VALUE_STRING:
        json_key(c, "stringValue");
        json_str(c, v->type == OTEL_VALUE_STRING ? v->u.string : v->u.strings.items[i]);
        break;
    case OTEL_VALUE_BOOL:
        json_key(c, "boolValue");
        puts_(c, (v->type == OTEL_VALUE_BOOL ? v->u.boolean : v->u.bools.items[i]) ? "true" : "false");
        break;
    case OTEL_VALUE_INT64:
        json_key(c, "intValue");
        printf_(c, "\"%" PRId64 "\"", v->type == OTEL_VALUE_INT64 ? v->u.int64 : v->u.int64s.items[i]);
        break;
    case OTEL_VALUE_DOUBLE:
        json_key(c, "doubleValue");
        json_double(c, v->type == OTEL_VALUE_DOUBLE ? v->u.dbl : v->u.doubles.items[i]);
        break;
    default:
        break;
    }
}

static void json_value(console_exporter_t *c, const otel_value_t *v)
{
    put(c, "{", 1);
    otel_value_type_t item;
    size_t count;
    switch (v->type) {
    case OTEL_VALUE_STRING_ARRAY:
        item = OTEL_VALUE_STRING, count = v->u.strings.count;
        break;
    case OTEL_VALUE_BOOL_ARRAY:
        item = OTEL_VALUE_BOOL, count = v->u.bools.count;
        break;
    case OTEL_VALUE_INT64_ARRAY:
        item = OTEL_VALUE_INT64, count = v->u.int64s.count;
        break;
    case OTEL_VALUE_DOUBLE_ARRAY:
        item = OTEL_VALUE_DOUBLE, count = v->u.doubles.count;
        break;
    default:
        json_scalar(c, v->type, v, 0);
        put(c, "}", 1);
        return;
    }
    puts_(c, "\"arrayValue\":{\"values\":[");
    for (size_t i = 0; i < count; i++) {
        if (i > 0)
            put(c, ",", 1);
        put(c, "{", 1);
        json_scalar(c, item, v, i);
        put(c, "}", 1);
    }
    puts_(c, "]}}");
}

static void json_attributes(console_exporter_t *c, const otel_attribute_t *attrs, size_t count)
{
    json_key(c, "attributes");
    put(c, "[", 1);
    for (size_t i = 0; i < count; i++) {
        if (i > 0)
            put(c, ",", 1);
        puts_(c, "{\"key\":");
        json_str(c, attrs[i].key);
        puts_(c, ",\"value\":");
        json_value(c, &attrs[i].value);
        put(c, "}", 1);
    }
    put(c, "]", 1);
}

static void json_resource_attributes(console_exporter_t *c, const otel_resource_t *r)
{
    json_key(c, "attributes");
    put(c, "[", 1);
    for (size_t i = 0; i < otel_resource_attribute_count(r); i++) {
        const otel_attribute_t *a = otel_resource_attribute(r, i);
        if (i > 0)
            put(c, ",", 1);
        puts_(c, "{\"key\":");
        json_str(c, a->key);
        puts_(c, ",\"value\":");
        json_value(c, &a->value);
        put(c, "}", 1);
    }
    put(c, "]", 1);
}

static void json_span(console_exporter_t *c, const otel_span_data_t *s)
{
    puts_(c, "{\"traceId\":");
    json_hex(c, s->trace_id.bytes, 16);
    puts_(c, ",\"spanId\":");
    json_hex(c, s->span_id.bytes, 8);
    if (otel_span_id_is_valid(&s->parent_span_id)) {
        puts_(c, ",\"parentSpanId\":");
        json_hex(c, s->parent_span_id.bytes, 8);
    }
    if (s->tracestate.len > 0) {
        puts_(c, ",\"traceState\":");
        json_str(c, s->tracestate);
    }
    /* flags: W3C trace flags in bits 0-7, bit 8 "has is_remote", bit 9 "is_remote" (OTLP 1.1). */
    printf_(c, ",\"flags\":%u", (unsigned)s->trace_flags | 0x100u | (s->parent_is_remote ? 0x200u : 0u));
    puts_(c, ",\"name\":");
    json_str(c, s->name);
    printf_(c, ",\"kind\":%d,\"startTimeUnixNano\":", (int)s->kind);
    json_u64_string(c, s->start_time_unix_ns);
    puts_(c, ",\"endTimeUnixNano\":");
    json_u64_string(c, s->end_time_unix_ns);
    put(c, ",", 1);
    json_attributes(c, s->attributes, s->attribute_count);
    printf_(c, ",\"droppedAttributesCount\":%" PRIu32 ",\"events\":[", s->dropped_attributes_count);
    for (size_t i = 0; i < s->event_count; i++) {
        const otel_span_event_t *e = &s->events[i];
        puts_(c, i > 0 ? ",{\"timeUnixNano\":" : "{\"timeUnixNano\":");
        json_u64_string(c, e->time_unix_ns);
        puts_(c, ",\"name\":");
        json_str(c, e->name);
        put(c, ",", 1);
        json_attributes(c, e->attributes, e->attribute_count);
        printf_(c, ",\"droppedAttributesCount\":%" PRIu32 "}", e->dropped_attributes_count);
    }
    printf_(c, "],\"droppedEventsCount\":%" PRIu32 ",\"links\":[", s->dropped_events_count);
    for (size_t i = 0; i < s->link_count; i++) {
        const otel_span_link_t *l = &s->links[i];
        puts_(c, i > 0 ? ",{\"traceId\":" : "{\"traceId\":");
        json_hex(c, l->context.trace_id.bytes, 16);
        puts_(c, ",\"spanId\":");
        json_hex(c, l->context.span_id.bytes, 8);
        if (l->tracestate.len > 0) {
            puts_(c, ",\"traceState\":");
            json_str(c, l->tracestate);
        }
        put(c, ",", 1);
        json_attributes(c, l->attributes, l->attribute_count);
        printf_(c, ",\"droppedAttributesCount\":%" PRIu32 ",\"flags\":%u}", l->dropped_attributes_count,
                (unsigned)l->context.trace_flags | 0x100u | (l->context.is_remote ? 0x200u : 0u));
    }
    printf_(c, "],\"droppedLinksCount\":%" PRIu32 ",\"status\":{", s->dropped_links_count);
    if (s->status_message.len > 0) {
        puts_(c, "\"message\":");
        json_str(c, s->status_message);
        put(c, ",", 1);
    }
    printf_(c, "\"code\":%d}}", (int)s->status_code);
}

static otel_status_t console_export(void *self, const otel_span_data_t *const *spans, size_t count)
{
    console_exporter_t *c = self;
    otel_status_t result = OTEL_OK;
    for (size_t i = 0; i < count; i++) {
        const otel_span_data_t *s = spans[i];
        c->len = 0;
        c->failed = false;
        puts_(c, "{\"resourceSpans\":[{\"resource\":{");
        json_resource_attributes(c, s->resource);
        puts_(c, "},\"scopeSpans\":[{\"scope\":{\"name\":");
        json_str(c, s->scope->name);
        puts_(c, ",\"version\":");
        json_str(c, s->scope->version);
        put(c, ",", 1);
        json_attributes(c, s->scope->attributes, s->scope->attribute_count);
        put(c, "}", 1);
        if (s->scope->schema_url.len > 0) {
            puts_(c, ",\"schemaUrl\":");
            json_str(c, s->scope->schema_url);
        }
        puts_(c, ",\"spans\":[");
        json_span(c, s);
        puts_(c, "]}]");
        otel_str_t url = otel_resource_schema_url(s->resource);
        if (url.len > 0) {
            puts_(c, ",\"schemaUrl\":");
            json_str(c, url);
        }
        puts_(c, "}]}\n");
        if (c->failed) {
            result = OTEL_ERR_NO_MEMORY;
            continue;
        }
        if (fwrite(c->buf, 1, c->len, c->stream) != c->len)
            result = OTEL_ERR_IO;
    }
    if (fflush(c->stream) != 0)
        result = OTEL_ERR_IO;
    return result;
}

static otel_status_t console_flush(void *self, uint32_t timeout_ms)
{
    (void)timeout_ms;
    console_exporter_t *c = self;
    return fflush(c->stream) == 0 ? OTEL_OK : OTEL_ERR_IO;
}

static void console_destroy(void *self)
{
    console_exporter_t *c = self;
    free(c->buf);
    free(c);
}

otel_status_t otel_console_span_exporter_create(FILE *stream, otel_span_exporter_t *out)
{
    if (out == NULL)
        return OTEL_ERR_INVALID_ARGUMENT;
    console_exporter_t *c = calloc(1, sizeof(*c));
    if (c == NULL)
        return OTEL_ERR_NO_MEMORY;
    c->stream = stream != NULL ? stream : stdout;
    *out = (otel_span_exporter_t){
        .export_spans = console_export,
        .force_flush = console_flush,
        .destroy = console_destroy,
        .self = c,
    };
    return OTEL_OK;
}
