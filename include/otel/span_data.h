/* SPDX-License-Identifier: Apache-2.0 */
/* The readable, finished span ("span data") that processors hand to exporters. */
#ifndef OTEL_SPAN_DATA_H
#define OTEL_SPAN_DATA_H

#include "otel/common.h"
#include "otel/resource.h"
#include "otel/scope.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Span kind; the numeric values equal OTLP's SpanKind enum. */
typedef enum otel_span_kind {
    OTEL_SPAN_KIND_UNSPECIFIED = 0, /* never produced by the SDK; treat as internal */
    OTEL_SPAN_KIND_INTERNAL = 1,
    OTEL_SPAN_KIND_SERVER = 2,
    OTEL_SPAN_KIND_CLIENT = 3,
    OTEL_SPAN_KIND_PRODUCER = 4,
    OTEL_SPAN_KIND_CONSUMER = 5,
} otel_span_kind_t;

/** Span status code; the numeric values equal OTLP's Status.StatusCode enum. */
typedef enum otel_status_code {
    OTEL_STATUS_CODE_UNSET = 0,
    OTEL_STATUS_CODE_OK = 1,
    OTEL_STATUS_CODE_ERROR = 2,
} otel_status_code_t;

/** An event recorded on a span. */
typedef struct otel_span_event {
    otel_str_t name;
    uint64_t time_unix_ns;
    const otel_attribute_t *attributes; /* NULL when attribute_count is 0 */
    size_t attribute_count;
    uint32_t dropped_attributes_count; /* attributes over the per-event limit */
} otel_span_event_t;

/** A link from a span to another span context. */
typedef struct otel_span_link {
    otel_span_context_t context; /* trace_id, span_id, trace_flags, is_remote of the linked span */
    otel_str_t tracestate;       /* W3C tracestate header value of the linked span; may be empty */
    const otel_attribute_t *attributes;
    size_t attribute_count;
    uint32_t dropped_attributes_count; /* attributes over the per-link limit */
} otel_span_link_t;

/**
 * A finished span as exporters see it.
 *
 * Ownership: the SDK owns every byte reachable from an otel_span_data_t (strings are NOT
 * NUL-terminated slices, never NULL: an empty one points at ""; arrays, resource, scope). It is valid only during the
 * exporter call that receives it (export_spans); an exporter that needs anything later must copy or encode it during
 * that call. Exporters must not modify it. Attribute values follow common.h's otel_value_t;
 * string values are already truncated to OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT.
 *
 * Only sampled spans (trace_flags & OTEL_TRACE_FLAGS_SAMPLED) reach exporters through the built-in
 * processors.
 */
typedef struct otel_span_data {
    otel_trace_id_t trace_id;
    otel_span_id_t span_id;
    otel_span_id_t parent_span_id; /* all zero for a root span */
    uint8_t trace_flags;           /* W3C trace flags (bit 0: sampled) */
    bool parent_is_remote;         /* the parent came from a propagated (remote) context */
    otel_str_t tracestate;         /* W3C tracestate header value; may be empty */
    otel_str_t name;
    otel_span_kind_t kind;
    uint64_t start_time_unix_ns;
    uint64_t end_time_unix_ns;

    const otel_attribute_t *attributes;
    size_t attribute_count;
    uint32_t dropped_attributes_count; /* attributes over OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT */

    const otel_span_event_t *events;
    size_t event_count;
    uint32_t dropped_events_count; /* events over OTEL_SPAN_EVENT_COUNT_LIMIT */

    const otel_span_link_t *links;
    size_t link_count;
    uint32_t dropped_links_count; /* links over OTEL_SPAN_LINK_COUNT_LIMIT */

    otel_status_code_t status_code;
    otel_str_t status_message; /* only non-empty with OTEL_STATUS_CODE_ERROR */

    const otel_resource_t *resource; /* the tracer provider's resource; never NULL */
    const otel_scope_t *scope;       /* the tracer's instrumentation scope; never NULL */
} otel_span_data_t;

/** The OTLP enum name of a span kind ("SPAN_KIND_SERVER", ...). Never NULL. */
OTEL_API const char *otel_span_kind_name(otel_span_kind_t kind);

#ifdef __cplusplus
}
#endif
#endif
