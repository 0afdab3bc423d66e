/* SPDX-License-Identifier: Apache-2.0 */
/* OTLP traces encoder: span data -> ExportTraceServiceRequest (protobuf-c, per-export arena). */
#include <stddef.h>
#include <string.h>
#include "export/otlp_encode_internal.h"

typedef Opentelemetry__Proto__Trace__V1__Span pb_span_t;
typedef Opentelemetry__Proto__Trace__V1__Span__Event pb_event_t;
typedef Opentelemetry__Proto__Trace__V1__Span__Link pb_link_t;
typedef Opentelemetry__Proto__Trace__V1__Status pb_status_t;
typedef Opentelemetry__Proto__Trace__V1__ScopeSpans pb_scope_spans_t;
typedef Opentelemetry__Proto__Trace__V1__ResourceSpans pb_resource_spans_t;
typedef Opentelemetry__Proto__Collector__Trace__V1__ExportTraceServiceRequest pb_trace_request_t;

/* SpanFlags: W3C flags in the low byte; bit 8 "is_remote known", bit 9 "is remote". */
static uint32_t span_flags(uint8_t trace_flags, bool is_remote)
{
    return trace_flags | OPENTELEMETRY__PROTO__TRACE__V1__SPAN_FLAGS__SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK |
           (is_remote ? OPENTELEMETRY__PROTO__TRACE__V1__SPAN_FLAGS__SPAN_FLAGS_CONTEXT_IS_REMOTE_MASK : 0);
}

static bool encode_span(otel_arena_t *arena, const otel_span_data_t *s, pb_span_t *out)
{
    *out = (pb_span_t)OPENTELEMETRY__PROTO__TRACE__V1__SPAN__INIT;
    out->trace_id = (ProtobufCBinaryData){16, (uint8_t *)s->trace_id.bytes};
    out->span_id = (ProtobufCBinaryData){8, (uint8_t *)s->span_id.bytes};
    if (otel_span_id_is_valid(&s->parent_span_id))
        out->parent_span_id = (ProtobufCBinaryData){8, (uint8_t *)s->parent_span_id.bytes};
    out->flags = span_flags(s->trace_flags, s->parent_is_remote);
    out->kind = (Opentelemetry__Proto__Trace__V1__Span__SpanKind)s->kind;
    out->start_time_unix_nano = s->start_time_unix_ns;
    out->end_time_unix_nano = s->end_time_unix_ns;
    if ((out->name = otel_otlp__str(arena, s->name)) == NULL ||
        (out->trace_state = otel_otlp__str(arena, s->tracestate)) == NULL)
        return false;
    bool ok = true;
    out->attributes = otel_otlp__attributes(arena, s->attributes, s->attribute_count, &ok);
    out->n_attributes = s->attribute_count;
    out->dropped_attributes_count = s->dropped_attributes_count;
    out->dropped_events_count = s->dropped_events_count;
    out->dropped_links_count = s->dropped_links_count;

    if (s->event_count > 0) {
        pb_event_t *events = otel_arena__calloc(arena, s->event_count * sizeof(*events));
        out->events = otel_arena__calloc(arena, s->event_count * sizeof(pb_event_t *));
        if (events == NULL || out->events == NULL)
            return false;
        for (size_t i = 0; i < s->event_count; i++) {
            const otel_span_event_t *ev = &s->events[i];
            events[i] = (pb_event_t)OPENTELEMETRY__PROTO__TRACE__V1__SPAN__EVENT__INIT;
            events[i].time_unix_nano = ev->time_unix_ns;
            if ((events[i].name = otel_otlp__str(arena, ev->name)) == NULL)
                return false;
            events[i].attributes = otel_otlp__attributes(arena, ev->attributes, ev->attribute_count, &ok);
            events[i].n_attributes = ev->attribute_count;
            events[i].dropped_attributes_count = ev->dropped_attributes_count;
            out->events[i] = &events[i];
        }
        out->n_events = s->event_count;
    }
    if (s->link_count > 0) {
        pb_link_t *links = otel_arena__calloc(arena, s->link_count * sizeof(*links));
        out->links = otel_arena__calloc(arena, s->link_count * sizeof(pb_link_t *));
        if (links == NULL || out->links == NULL)
            return false;
        for (size_t i = 0; i < s->link_count; i++) {
            const otel_span_link_t *l = &s->links[i];
            links[i] = (pb_link_t)OPENTELEMETRY__PROTO__TRACE__V1__SPAN__LINK__INIT;
            links[i].trace_id = (ProtobufCBinaryData){16, (uint8_t *)l->context.trace_id.bytes};
            links[i].span_id = (ProtobufCBinaryData){8, (uint8_t *)l->context.span_id.bytes};
            links[i].flags = span_flags(l->context.trace_flags, l->context.is_remote);
            if ((links[i].trace_state = otel_otlp__str(arena, l->tracestate)) == NULL)
                return false;
            links[i].attributes = otel_otlp__attributes(arena, l->attributes, l->attribute_count, &ok);
            links[i].n_attributes = l->attribute_count;
            links[i].dropped_attributes_count = l->dropped_attributes_count;
            out->links[i] = &links[i];
        }
        out->n_links = s->link_count;
    }
    if (s->status_code != OTEL_STATUS_CODE_UNSET) {
        pb_status_t *status = PB_NEW(arena, pb_status_t, OPENTELEMETRY__PROTO__TRACE__V1__STATUS__INIT);
        if (status == NULL || (status->message = otel_otlp__str(arena, s->status_message)) == NULL)
            return false;
        status->code = (Opentelemetry__Proto__Trace__V1__Status__StatusCode)s->status_code;
        out->status = status;
    }
    return ok;
}

otel_status_t otel_otlp__encode_spans(otel_arena_t *arena, const otel_span_data_t *const *spans, size_t count,
                                      otel_otlp__buffer_t *out)
{
    otel_arena__reset(arena, SIZE_MAX);
    otel_otlp__grouping_t g;
    if (!otel_otlp__group(arena, (const void *const *)spans, count, offsetof(otel_span_data_t, resource),
                          offsetof(otel_span_data_t, scope), &g))
        return OTEL_ERR_NO_MEMORY;

    pb_trace_request_t request = OPENTELEMETRY__PROTO__COLLECTOR__TRACE__V1__EXPORT_TRACE_SERVICE_REQUEST__INIT;
    pb_resource_spans_t **rss = otel_arena__calloc(arena, g.resource_count * sizeof(*rss));
    pb_scope_spans_t **sss = otel_arena__calloc(arena, g.group_count * sizeof(*sss));
    pb_span_t *bodies = otel_arena__calloc(arena, count * sizeof(*bodies));
    if (count > 0 && (rss == NULL || sss == NULL || bodies == NULL))
        return OTEL_ERR_NO_MEMORY;
    for (size_t i = 0; i < g.group_count; i++) {
        otel_otlp__group_t *grp = &g.groups[i];
        pb_resource_spans_t *rs = rss[grp->resource_index];
        if (grp->scope_index == 0) {
            rs = PB_NEW(arena, pb_resource_spans_t, OPENTELEMETRY__PROTO__TRACE__V1__RESOURCE_SPANS__INIT);
            if (rs == NULL || (rs->resource = otel_otlp__resource(arena, grp->resource)) == NULL ||
                (rs->schema_url = otel_otlp__str(arena, otel_resource_schema_url(grp->resource))) == NULL ||
                (rs->scope_spans =
                     otel_arena__calloc(arena, g.scopes_per_resource[grp->resource_index] * sizeof(void *))) == NULL)
                return OTEL_ERR_NO_MEMORY;
            rss[grp->resource_index] = rs;
        }
        pb_scope_spans_t *ss = PB_NEW(arena, pb_scope_spans_t, OPENTELEMETRY__PROTO__TRACE__V1__SCOPE_SPANS__INIT);
        if (ss == NULL || (ss->scope = otel_otlp__scope(arena, grp->scope)) == NULL ||
            (ss->schema_url = otel_otlp__str(arena, grp->scope->schema_url)) == NULL ||
            (ss->spans = otel_arena__calloc(arena, grp->count * sizeof(void *))) == NULL)
            return OTEL_ERR_NO_MEMORY;
        rs->scope_spans[rs->n_scope_spans++] = ss;
        sss[i] = ss;
    }
    for (size_t i = 0; i < count; i++) {
        if (!encode_span(arena, spans[i], &bodies[i]))
            return OTEL_ERR_NO_MEMORY;
        pb_scope_spans_t *ss = sss[g.item_group[i]];
        ss->spans[ss->n_spans++] = &bodies[i];
    }
    request.n_resource_spans = g.resource_count;
    request.resource_spans = rss;
    return otel_otlp__pack(&request.base, out) ? OTEL_OK : OTEL_ERR_NO_MEMORY;
}
