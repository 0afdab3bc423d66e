/* SPDX-License-Identifier: Apache-2.0 */
/* OTLP logs encoder: log record data -> ExportLogsServiceRequest (protobuf-c, per-export arena). */
#include <stddef.h>
#include <string.h>
#include "export/otlp_encode_internal.h"

typedef Opentelemetry__Proto__Logs__V1__LogRecord pb_log_record_t;
typedef Opentelemetry__Proto__Logs__V1__ScopeLogs pb_scope_logs_t;
typedef Opentelemetry__Proto__Logs__V1__ResourceLogs pb_resource_logs_t;
typedef Opentelemetry__Proto__Collector__Logs__V1__ExportLogsServiceRequest pb_logs_request_t;

static bool encode_record(otel_arena_t *arena, const otel_log_record_data_t *r, pb_log_record_t *out)
{
    *out = (pb_log_record_t)OPENTELEMETRY__PROTO__LOGS__V1__LOG_RECORD__INIT;
    out->time_unix_nano = r->timestamp_ns;
    out->observed_time_unix_nano = r->observed_timestamp_ns;
    out->severity_number = (Opentelemetry__Proto__Logs__V1__SeverityNumber)r->severity_number;
    if ((out->severity_text = otel_otlp__str(arena, r->severity_text)) == NULL ||
        (out->event_name = otel_otlp__str(arena, r->event_name)) == NULL)
        return false;
    bool ok = true;
    if (r->body_is_map) {
        pb_kvlist_t *kv = PB_NEW(arena, pb_kvlist_t, OPENTELEMETRY__PROTO__COMMON__V1__KEY_VALUE_LIST__INIT);
        out->body = PB_NEW(arena, pb_any_value_t, OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__INIT);
        if (kv == NULL || out->body == NULL)
            return false;
        kv->values = otel_otlp__attributes(arena, r->body_map, r->body_map_count, &ok);
        kv->n_values = r->body_map_count;
        out->body->value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_KVLIST_VALUE;
        out->body->kvlist_value = kv;
    } else if (r->body.type != OTEL_VALUE_EMPTY) {
        if ((out->body = otel_otlp__value(arena, &r->body)) == NULL)
            return false;
    }
    out->attributes = otel_otlp__attributes(arena, r->attributes, r->attribute_count, &ok);
    out->n_attributes = r->attribute_count;
    out->dropped_attributes_count = r->dropped_attributes_count;
    if (otel_trace_id_is_valid(&r->trace_id)) {
        out->flags = r->trace_flags; /* LOG_RECORD_FLAGS_TRACE_FLAGS_MASK */
        out->trace_id = (ProtobufCBinaryData){16, (uint8_t *)r->trace_id.bytes};
        out->span_id = (ProtobufCBinaryData){8, (uint8_t *)r->span_id.bytes};
    }
    return ok;
}

otel_status_t otel_otlp__encode_logs(otel_arena_t *arena, const otel_log_record_data_t *const *records, size_t count,
                                     otel_otlp__buffer_t *out)
{
    otel_arena__reset(arena, SIZE_MAX);
    otel_otlp__grouping_t g;
    if (!otel_otlp__group(arena, (const void *const *)records, count, offsetof(otel_log_record_data_t, resource),
                          offsetof(otel_log_record_data_t, scope), &g))
        return OTEL_ERR_NO_MEMORY;

    pb_logs_request_t request = OPENTELEMETRY__PROTO__COLLECTOR__LOGS__V1__EXPORT_LOGS_SERVICE_REQUEST__INIT;
    pb_resource_logs_t **rls = otel_arena__calloc(arena, g.resource_count * sizeof(*rls));
    pb_scope_logs_t **sls = otel_arena__calloc(arena, g.group_count * sizeof(*sls));
    pb_log_record_t *bodies = otel_arena__calloc(arena, count * sizeof(*bodies));
    if (count > 0 && (rls == NULL || sls == NULL || bodies == NULL))
        return OTEL_ERR_NO_MEMORY;
    for (size_t i = 0; i < g.group_count; i++) {
        otel_otlp__group_t *grp = &g.groups[i];
        pb_resource_logs_t *rl = rls[grp->resource_index];
        if (grp->scope_index == 0) { /* the resource's first group: create its ResourceLogs */
            rl = PB_NEW(arena, pb_resource_logs_t, OPENTELEMETRY__PROTO__LOGS__V1__RESOURCE_LOGS__INIT);
            if (rl == NULL || (rl->resource = otel_otlp__resource(arena, grp->resource)) == NULL)
                return OTEL_ERR_NO_MEMORY;
            otel_str_t schema = otel_resource_schema_url(grp->resource);
            if ((rl->schema_url = otel_otlp__str(arena, schema)) == NULL)
                return OTEL_ERR_NO_MEMORY;
            rl->n_scope_logs = 0;
            rl->scope_logs = otel_arena__calloc(arena, g.scopes_per_resource[grp->resource_index] * sizeof(void *));
            if (rl->scope_logs == NULL)
                return OTEL_ERR_NO_MEMORY;
            rls[grp->resource_index] = rl;
        }
        pb_scope_logs_t *sl = PB_NEW(arena, pb_scope_logs_t, OPENTELEMETRY__PROTO__LOGS__V1__SCOPE_LOGS__INIT);
        if (sl == NULL || (sl->scope = otel_otlp__scope(arena, grp->scope)) == NULL ||
            (sl->schema_url = otel_otlp__str(arena, grp->scope->schema_url)) == NULL ||
            (sl->log_records = otel_arena__calloc(arena, grp->count * sizeof(void *))) == NULL)
            return OTEL_ERR_NO_MEMORY;
        rl->scope_logs[rl->n_scope_logs++] = sl;
        sls[i] = sl;
    }
    for (size_t i = 0; i < count; i++) {
        if (!encode_record(arena, records[i], &bodies[i]))
            return OTEL_ERR_NO_MEMORY;
        pb_scope_logs_t *sl = sls[g.item_group[i]];
        sl->log_records[sl->n_log_records++] = &bodies[i];
    }
    request.n_resource_logs = g.resource_count;
    request.resource_logs = rls;
    return otel_otlp__pack(&request.base, out) ? OTEL_OK : OTEL_ERR_NO_MEMORY;
}
