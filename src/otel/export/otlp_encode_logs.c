/* SPDX-License-Identifier: Apache-2.0 */
/* OTLP logs encoder: log record data -> ExportLogsServiceRequest bytes, written directly (otlp_wire). */
#include <stddef.h>
#include "export/otlp_encode_internal.h"
#include "export/otlp_wire_internal.h"

/* Field numbers of LogRecord (proto/.../logs/v1/logs.proto) and of the map body (common/v1/common.proto);
 * ResourceLogs and ScopeLogs are written by otel_otlp__wire_request. */
enum {
    LOG_TIME = 1,
    LOG_SEVERITY_NUMBER = 2,
    LOG_SEVERITY_TEXT = 3,
    LOG_BODY = 5,
    LOG_ATTRIBUTES = 6,
    LOG_DROPPED_ATTRIBUTES = 7,
    LOG_FLAGS = 8,
    LOG_TRACE_ID = 9,
    LOG_SPAN_ID = 10,
    LOG_OBSERVED_TIME = 11,
    LOG_EVENT_NAME = 12,
};
enum { ANY_KVLIST = 6, KVLIST_VALUES = 1 };

static void write_record(otel_otlp__writer_t *w, uint32_t field, const void *item)
{
    const otel_log_record_data_t *r = item;
    size_t body = otel_otlp__wire_begin(w, field, 2); /* records are 128 B .. 16 KiB */
    otel_otlp__wire_fixed64(w, LOG_TIME, r->timestamp_ns);
    otel_otlp__wire_varint(w, LOG_SEVERITY_NUMBER, (uint64_t)(int64_t)r->severity_number);
    otel_otlp__wire_string(w, LOG_SEVERITY_TEXT, r->severity_text);
    if (r->body_is_map) { /* AnyValue { kvlist_value = KeyValueList { values = ... } } */
        size_t any = otel_otlp__wire_begin(w, LOG_BODY, 2);
        size_t kvlist = otel_otlp__wire_begin(w, ANY_KVLIST, 2);
        otel_otlp__wire_attributes(w, KVLIST_VALUES, r->body_map, r->body_map_count);
        otel_otlp__wire_end(w, kvlist, 2);
        otel_otlp__wire_end(w, any, 2);
    } else if (r->body.type != OTEL_VALUE_EMPTY) {
        size_t any = otel_otlp__wire_begin(w, LOG_BODY, 1);
        otel_otlp__wire_any_value(w, &r->body);
        otel_otlp__wire_end(w, any, 1);
    }
    otel_otlp__wire_attributes(w, LOG_ATTRIBUTES, r->attributes, r->attribute_count);
    otel_otlp__wire_varint(w, LOG_DROPPED_ATTRIBUTES, r->dropped_attributes_count);
    if (otel_trace_id_is_valid(&r->trace_id)) {
        otel_otlp__wire_fixed32(w, LOG_FLAGS, r->trace_flags); /* LOG_RECORD_FLAGS_TRACE_FLAGS_MASK */
        otel_otlp__wire_bytes(w, LOG_TRACE_ID, r->trace_id.bytes, 16);
        otel_otlp__wire_bytes(w, LOG_SPAN_ID, r->span_id.bytes, 8);
    }
    otel_otlp__wire_fixed64(w, LOG_OBSERVED_TIME, r->observed_timestamp_ns);
    otel_otlp__wire_string(w, LOG_EVENT_NAME, r->event_name);
    otel_otlp__wire_end(w, body, 2);
}

otel_status_t otel_otlp__encode_logs(otel_arena_t *arena, const otel_log_record_data_t *const *records, size_t count,
                                     otel_otlp__buffer_t *out)
{
    return otel_otlp__wire_request(arena, (const void *const *)records, count,
                                   offsetof(otel_log_record_data_t, resource), offsetof(otel_log_record_data_t, scope),
                                   write_record, out);
}
