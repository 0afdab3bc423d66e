/* SPDX-License-Identifier: Apache-2.0 */
/* OTLP logs encoder: log record data -> ExportLogsServiceRequest bytes, written directly (otlp_wire). */
#include <stddef.h>
#include "export/otlp_encode_internal.h"
#include "export/otlp_wire_internal.h"

/* Field numbers from proto/opentelemetry/proto/logs/v1/logs.proto and common/v1/common.proto. */
enum { REQUEST_RESOURCE_LOGS = 1 };
enum { RESOURCE_LOGS_RESOURCE = 1, RESOURCE_LOGS_SCOPE_LOGS = 2, RESOURCE_LOGS_SCHEMA_URL = 3 };
enum { SCOPE_LOGS_SCOPE = 1, SCOPE_LOGS_LOG_RECORDS = 2, SCOPE_LOGS_SCHEMA_URL = 3 };
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

static void write_record(otel_otlp__writer_t *w, const otel_log_record_data_t *r)
{
    size_t body = otel_otlp__wire_begin(w, SCOPE_LOGS_LOG_RECORDS, 2); /* records are 128 B .. 16 KiB */
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
    otel_arena__reset(arena, SIZE_MAX);
    otel_otlp__grouping_t g;
    const uint32_t *order = NULL;
    if (!otel_otlp__group(arena, (const void *const *)records, count, offsetof(otel_log_record_data_t, resource),
                          offsetof(otel_log_record_data_t, scope), &g) ||
        (order = otel_otlp__group_order(arena, &g, count)) == NULL)
        return OTEL_ERR_NO_MEMORY;

    out->len = 0;
    otel_otlp__writer_t w = {.buf = out};
    for (size_t r = 0; r < g.resource_count; r++) { /* resources, then their scopes, in first-seen order */
        const otel_resource_t *resource = NULL;
        size_t rl = otel_otlp__wire_begin(&w, REQUEST_RESOURCE_LOGS, 3);
        for (size_t i = 0; i < g.group_count; i++) {
            const otel_otlp__group_t *grp = &g.groups[i];
            if (grp->resource_index != r)
                continue;
            if (resource == NULL) {
                resource = grp->resource;
                otel_otlp__wire_resource(&w, RESOURCE_LOGS_RESOURCE, resource);
            }
            size_t sl = otel_otlp__wire_begin(&w, RESOURCE_LOGS_SCOPE_LOGS, 3);
            otel_otlp__wire_scope(&w, SCOPE_LOGS_SCOPE, grp->scope);
            for (size_t k = 0; k < grp->count; k++)
                write_record(&w, records[order[grp->start + k]]);
            otel_otlp__wire_string(&w, SCOPE_LOGS_SCHEMA_URL, grp->scope->schema_url);
            otel_otlp__wire_end(&w, sl, 3);
        }
        otel_otlp__wire_string(&w, RESOURCE_LOGS_SCHEMA_URL, otel_resource_schema_url(resource));
        otel_otlp__wire_end(&w, rl, 3);
    }
    return w.failed ? OTEL_ERR_NO_MEMORY : OTEL_OK;
}
