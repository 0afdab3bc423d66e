/* SPDX-License-Identifier: Apache-2.0 */
/* The console log record exporter: one OTLP-JSON line per record (resource, scope, record). */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "logs/logs_internal.h"

static void json_str(FILE *f, otel_str_t s)
{
    fputc('"', f);
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.ptr[i];
        switch (c) {
        case '"':
            fputs("\\\"", f);
            break;
        case '\\':
            fputs("\\\\", f);
            break;
        case '\n':
            fputs("\\n", f);
            break;
        case '\r':
            fputs("\\r", f);
            break;
        case '\t':
            fputs("\\t", f);
            break;
        default:
            if (c < 0x20)
                fprintf(f, "\\u%04x", c);
            else
                fputc(c, f);
        }
    }
    fputc('"', f);
}

static void json_double(FILE *f, double d)
{
    if (isnan(d))
        fputs("\"NaN\"", f);
    else if (isinf(d))
        fputs(d > 0 ? "\"Infinity\"" : "\"-Infinity\"", f);
    else
        fprintf(f, "%.17g", d);
}

static void json_attributes(FILE *f, const otel_attribute_t *attrs, size_t count);

/* An OTLP-JSON AnyValue. */
static void json_value(FILE *f, const otel_value_t *v)
{
    switch (v->type) {
    case OTEL_VALUE_STRING:
        fputs("{\"stringValue\":", f);
        json_str(f, v->u.string);
        break;
    case OTEL_VALUE_BOOL:
        fprintf(f, "{\"boolValue\":%s", v->u.boolean ? "true" : "false");
        break;
    case OTEL_VALUE_INT64:
        fprintf(f, "{\"intValue\":\"%" PRId64 "\"", v->u.int64);
        break;
    case OTEL_VALUE_DOUBLE:
        fputs("{\"doubleValue\":", f);
        json_double(f, v->u.dbl);
        break;
    case OTEL_VALUE_STRING_ARRAY:
    case OTEL_VALUE_BOOL_ARRAY:
    case OTEL_VALUE_INT64_ARRAY:
    case OTEL_VALUE_DOUBLE_ARRAY: {
        fputs("{\"arrayValue\":{\"values\":[", f);
        size_t n = v->type == OTEL_VALUE_STRING_ARRAY  ? v->u.strings.count
                   : v->type == OTEL_VALUE_BOOL_ARRAY  ? v->u.bools.count
                   : v->type == OTEL_VALUE_INT64_ARRAY ? v->u.int64s.count
                                                       : v->u.doubles.count;
        for (size_t i = 0; i < n; i++) {
            otel_value_t item = {.type = OTEL_VALUE_EMPTY};
            if (v->type == OTEL_VALUE_STRING_ARRAY)
                item = (otel_value_t){.type = OTEL_VALUE_STRING, .u.string = v->u.strings.items[i]};
            else if (v->type == OTEL_VALUE_BOOL_ARRAY)
                item = (otel_value_t){.type = OTEL_VALUE_BOOL, .u.boolean = v->u.bools.items[i]};
            else if (v->type == OTEL_VALUE_INT64_ARRAY)
                item = (otel_value_t){.type = OTEL_VALUE_INT64, .u.int64 = v->u.int64s.items[i]};
            else
                item = (otel_value_t){.type = OTEL_VALUE_DOUBLE, .u.dbl = v->u.doubles.items[i]};
            if (i)
                fputc(',', f);
            json_value(f, &item);
        }
        fputs("]}", f);
        break;
    }
    default:
        fputc('{', f);
        break;
    }
    fputc('}', f);
}

static void json_attributes(FILE *f, const otel_attribute_t *attrs, size_t count)
{
    fputc('[', f);
    for (size_t i = 0; i < count; i++) {
        fputs(i ? ",{\"key\":" : "{\"key\":", f);
        json_str(f, attrs[i].key);
        fputs(",\"value\":", f);
        json_value(f, &attrs[i].value);
        fputc('}', f);
    }
    fputc(']', f);
}

static void json_record(FILE *f, const otel_log_record_data_t *r)
{
    size_t n = otel_resource_attribute_count(r->resource);
    fputs("{\"resourceLogs\":[{\"resource\":{\"attributes\":[", f);
    for (size_t i = 0; i < n; i++) {
        const otel_attribute_t *a = otel_resource_attribute(r->resource, i);
        fputs(i ? ",{\"key\":" : "{\"key\":", f);
        json_str(f, a->key);
        fputs(",\"value\":", f);
        json_value(f, &a->value);
        fputc('}', f);
    }
    fputs("]},\"scopeLogs\":[{\"scope\":{\"name\":", f);
    json_str(f, r->scope->name);
    fputs(",\"version\":", f);
    json_str(f, r->scope->version);
    fputs("},\"logRecords\":[{", f);
    if (r->timestamp_ns)
        fprintf(f, "\"timeUnixNano\":\"%" PRIu64 "\",", r->timestamp_ns);
    fprintf(f, "\"observedTimeUnixNano\":\"%" PRIu64 "\",\"severityNumber\":%d,\"severityText\":",
            r->observed_timestamp_ns, r->severity_number);
    json_str(f, r->severity_text);
    if (r->event_name.len) {
        fputs(",\"eventName\":", f);
        json_str(f, r->event_name);
    }
    fputs(",\"body\":", f);
    if (r->body_is_map) {
        fputs("{\"kvlistValue\":{\"values\":", f);
        json_attributes(f, r->body_map, r->body_map_count);
        fputs("}}", f);
    } else {
        json_value(f, &r->body);
    }
    fputs(",\"attributes\":", f);
    json_attributes(f, r->attributes, r->attribute_count);
    if (r->dropped_attributes_count)
        fprintf(f, ",\"droppedAttributesCount\":%u", r->dropped_attributes_count);
    if (otel_trace_id_is_valid(&r->trace_id)) {
        char trace[33], span[17];
        otel_hex_encode(r->trace_id.bytes, 16, trace);
        otel_hex_encode(r->span_id.bytes, 8, span);
        fprintf(f, ",\"traceId\":\"%s\",\"spanId\":\"%s\",\"flags\":%u", trace, span, r->trace_flags);
    }
    fputs("}]}]}]}\n", f);
}

typedef struct console_exporter {
    FILE *stream;
} console_exporter_t;

static otel_status_t console_export(void *self, const otel_log_record_data_t *const *records, size_t count)
{
    console_exporter_t *c = self;
    otel_status_t st = OTEL_OK;
    for (size_t i = 0; i < count; i++) {
        char *line = NULL;
        size_t len = 0;
        FILE *mem = open_memstream(&line, &len);
        if (mem == NULL)
            return OTEL_ERR_NO_MEMORY;
        json_record(mem, records[i]);
        fclose(mem);
        /* One fwrite of the whole line: lines from concurrent writers never interleave. */
        if (fwrite(line, 1, len, c->stream) != len)
            st = OTEL_ERR_IO;
        free(line);
    }
    fflush(c->stream);
    return st;
}

static otel_status_t console_flush(void *self, uint32_t timeout_ms)
{
    (void)timeout_ms;
    console_exporter_t *c = self;
    return fflush(c->stream) == 0 ? OTEL_OK : OTEL_ERR_IO;
}

static void console_destroy(void *self)
{
    free(self);
}

otel_status_t otel_console_log_record_exporter_create(FILE *stream, otel_log_record_exporter_t *out)
{
    if (out == NULL)
        return OTEL_ERR_INVALID_ARGUMENT;
    console_exporter_t *c = calloc(1, sizeof(*c));
    if (c == NULL)
        return OTEL_ERR_NO_MEMORY;
    c->stream = stream != NULL ? stream : stdout;
    *out = (otel_log_record_exporter_t){.export_logs = console_export,
                                        .force_flush = console_flush,
                                        .shutdown = console_flush,
                                        .destroy = console_destroy,
                                        .self = c};
    return OTEL_OK;
}
