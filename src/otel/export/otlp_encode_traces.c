/* SPDX-License-Identifier: Apache-2.0 */
/* OTLP traces encoder: span data -> ExportTraceServiceRequest bytes, written directly (otlp_wire). */
#include <stddef.h>
#include "export/otlp_encode_internal.h"
#include "export/otlp_wire_internal.h"

/* Field numbers of Span, Event, Link and Status (proto/.../trace/v1/trace.proto); ResourceSpans and ScopeSpans
 * are written by otel_otlp__wire_request. */
enum {
    SPAN_TRACE_ID = 1,
    SPAN_SPAN_ID = 2,
    SPAN_TRACE_STATE = 3,
    SPAN_PARENT_SPAN_ID = 4,
    SPAN_NAME = 5,
    SPAN_KIND = 6,
    SPAN_START_TIME = 7,
    SPAN_END_TIME = 8,
    SPAN_ATTRIBUTES = 9,
    SPAN_DROPPED_ATTRIBUTES = 10,
    SPAN_EVENTS = 11,
    SPAN_DROPPED_EVENTS = 12,
    SPAN_LINKS = 13,
    SPAN_DROPPED_LINKS = 14,
    SPAN_STATUS = 15,
    SPAN_FLAGS = 16,
};
enum { EVENT_TIME = 1, EVENT_NAME = 2, EVENT_ATTRIBUTES = 3, EVENT_DROPPED_ATTRIBUTES = 4 };
enum {
    LINK_TRACE_ID = 1,
    LINK_SPAN_ID = 2,
    LINK_TRACE_STATE = 3,
    LINK_ATTRIBUTES = 4,
    LINK_DROPPED_ATTRIBUTES = 5,
    LINK_FLAGS = 6
};
enum { STATUS_MESSAGE = 2, STATUS_CODE = 3 };

/* SpanFlags: W3C flags in the low byte; bit 8 "is_remote known", bit 9 "is remote". */
static uint32_t span_flags(uint8_t trace_flags, bool is_remote)
{
    return trace_flags | OPENTELEMETRY__PROTO__TRACE__V1__SPAN_FLAGS__SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK |
           (is_remote ? OPENTELEMETRY__PROTO__TRACE__V1__SPAN_FLAGS__SPAN_FLAGS_CONTEXT_IS_REMOTE_MASK : 0);
}

static void write_event(otel_otlp__writer_t *w, const otel_span_event_t *ev)
{
    size_t body = otel_otlp__wire_begin(w, SPAN_EVENTS, 1);
    otel_otlp__wire_fixed64(w, EVENT_TIME, ev->time_unix_ns);
    otel_otlp__wire_string(w, EVENT_NAME, ev->name);
    otel_otlp__wire_attributes(w, EVENT_ATTRIBUTES, ev->attributes, ev->attribute_count);
    otel_otlp__wire_varint(w, EVENT_DROPPED_ATTRIBUTES, ev->dropped_attributes_count);
    otel_otlp__wire_end(w, body, 1);
}

static void write_link(otel_otlp__writer_t *w, const otel_span_link_t *l)
{
    size_t body = otel_otlp__wire_begin(w, SPAN_LINKS, 1);
    otel_otlp__wire_bytes(w, LINK_TRACE_ID, l->context.trace_id.bytes, 16);
    otel_otlp__wire_bytes(w, LINK_SPAN_ID, l->context.span_id.bytes, 8);
    otel_otlp__wire_string(w, LINK_TRACE_STATE, l->tracestate);
    otel_otlp__wire_attributes(w, LINK_ATTRIBUTES, l->attributes, l->attribute_count);
    otel_otlp__wire_varint(w, LINK_DROPPED_ATTRIBUTES, l->dropped_attributes_count);
    otel_otlp__wire_fixed32(w, LINK_FLAGS, span_flags(l->context.trace_flags, l->context.is_remote));
    otel_otlp__wire_end(w, body, 1);
}

static void write_span(otel_otlp__writer_t *w, uint32_t field, const void *item)
{
    const otel_span_data_t *s = item;
    size_t body = otel_otlp__wire_begin(w, field, 2); /* spans are 128 B .. 16 KiB */
    otel_otlp__wire_bytes(w, SPAN_TRACE_ID, s->trace_id.bytes, 16);
    otel_otlp__wire_bytes(w, SPAN_SPAN_ID, s->span_id.bytes, 8);
    otel_otlp__wire_string(w, SPAN_TRACE_STATE, s->tracestate);
    if (otel_span_id_is_valid(&s->parent_span_id))
        otel_otlp__wire_bytes(w, SPAN_PARENT_SPAN_ID, s->parent_span_id.bytes, 8);
    otel_otlp__wire_string(w, SPAN_NAME, s->name);
    otel_otlp__wire_varint(w, SPAN_KIND, (uint64_t)(int64_t)s->kind);
    otel_otlp__wire_fixed64(w, SPAN_START_TIME, s->start_time_unix_ns);
    otel_otlp__wire_fixed64(w, SPAN_END_TIME, s->end_time_unix_ns);
    otel_otlp__wire_attributes(w, SPAN_ATTRIBUTES, s->attributes, s->attribute_count);
    otel_otlp__wire_varint(w, SPAN_DROPPED_ATTRIBUTES, s->dropped_attributes_count);
    for (size_t i = 0; s->events != NULL && i < s->event_count; i++)
        write_event(w, &s->events[i]);
    otel_otlp__wire_varint(w, SPAN_DROPPED_EVENTS, s->dropped_events_count);
    for (size_t i = 0; s->links != NULL && i < s->link_count; i++)
        write_link(w, &s->links[i]);
    otel_otlp__wire_varint(w, SPAN_DROPPED_LINKS, s->dropped_links_count);
    if (s->status_code != OTEL_STATUS_CODE_UNSET) {
        size_t status = otel_otlp__wire_begin(w, SPAN_STATUS, 1);
        otel_otlp__wire_string(w, STATUS_MESSAGE, s->status_message);
        otel_otlp__wire_varint(w, STATUS_CODE, (uint64_t)(int64_t)s->status_code);
        otel_otlp__wire_end(w, status, 1);
    }
    otel_otlp__wire_fixed32(w, SPAN_FLAGS, span_flags(s->trace_flags, s->parent_is_remote));
    otel_otlp__wire_end(w, body, 2);
}

otel_status_t otel_otlp__encode_spans(otel_arena_t *arena, const otel_span_data_t *const *spans, size_t count,
                                      otel_otlp__buffer_t *out)
{
    return otel_otlp__wire_request(arena, (const void *const *)spans, count, offsetof(otel_span_data_t, resource),
                                   offsetof(otel_span_data_t, scope), write_span, out);
}
