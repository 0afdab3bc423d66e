/* SPDX-License-Identifier: Apache-2.0 */
/* OTLP encoders: short names for the protobuf-c types, and the pieces shared by the three signals. */
#ifndef OTEL_OTLP_ENCODE_INTERNAL_H
#define OTEL_OTLP_ENCODE_INTERNAL_H

#include "export/otlp_internal.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.pb-c.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb-c.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb-c.h"
#include "otel/logs.h"
#include "otel/metrics_data.h"
#include "otel/resource.h"
#include "otel/scope.h"
#include "otel/span_data.h"

typedef Opentelemetry__Proto__Common__V1__AnyValue pb_any_value_t;
typedef Opentelemetry__Proto__Common__V1__ArrayValue pb_array_value_t;
typedef Opentelemetry__Proto__Common__V1__KeyValueList pb_kvlist_t;
typedef Opentelemetry__Proto__Common__V1__KeyValue pb_key_value_t;
typedef Opentelemetry__Proto__Common__V1__InstrumentationScope pb_scope_t;
typedef Opentelemetry__Proto__Resource__V1__Resource pb_resource_t;

/** A zeroed protobuf-c message of `type` in `arena`, initialised with its INIT macro; NULL on OOM. */
#define PB_NEW(arena, type, init)                                                                                      \
    __extension__({                                                                                                    \
        type *m_ = otel_arena__calloc((arena), sizeof(type));                                                          \
        if (m_ != NULL)                                                                                                \
            *m_ = (type)init;                                                                                          \
        m_;                                                                                                            \
    })

/** A NUL-terminated copy of `s` in the arena (protobuf-c strings), invalid UTF-8 replaced by U+FFFD
 * (the Collector rejects a whole request over one bad string). NULL on OOM. */
char *otel_otlp__str(otel_arena_t *arena, otel_str_t s);

/** An AnyValue for `v` (empty AnyValue for OTEL_VALUE_EMPTY). NULL on OOM. */
pb_any_value_t *otel_otlp__value(otel_arena_t *arena, const otel_value_t *v);

/** KeyValue pointers for `count` attributes (NULL when count is 0). Sets *ok=false on OOM. */
pb_key_value_t **otel_otlp__attributes(otel_arena_t *arena, const otel_attribute_t *attrs, size_t count, bool *ok);

pb_resource_t *otel_otlp__resource(otel_arena_t *arena, const otel_resource_t *resource);
pb_scope_t *otel_otlp__scope(otel_arena_t *arena, const otel_scope_t *scope);

/**
 * Encodes an ExportLogsServiceRequest for `records` (grouped by resource, then scope; order kept)
 * into `out` (len set). The arena is reset first. OTEL_ERR_NO_MEMORY on allocation failure.
 */
otel_status_t otel_otlp__encode_logs(otel_arena_t *arena, const otel_log_record_data_t *const *records, size_t count,
                                     otel_otlp__buffer_t *out);
/** Same for spans: an ExportTraceServiceRequest. */
otel_status_t otel_otlp__encode_spans(otel_arena_t *arena, const otel_span_data_t *const *spans, size_t count,
                                      otel_otlp__buffer_t *out);

/**
 * Same for a metrics collection: an ExportMetricsServiceRequest; `*point_count` is the number of
 * data points encoded (0: nothing to send).
 */
otel_status_t otel_otlp__encode_metrics(otel_arena_t *arena, const otel_metrics_data_t *data, otel_otlp__buffer_t *out,
                                        size_t *point_count);

/** Packs `msg` into `out`; false on OOM. */
bool otel_otlp__pack(const ProtobufCMessage *msg, otel_otlp__buffer_t *out);

/** One (resource, scope) pair of a batch. */
typedef struct otel_otlp__group {
    const otel_resource_t *resource;
    const otel_scope_t *scope;
    size_t count;          /* items in the group */
    size_t resource_index; /* index among the batch's distinct resources */
    size_t scope_index;    /* index among its resource's scopes */
    size_t start;          /* its first item's position in otel_otlp__group_order's array */
} otel_otlp__group_t;

/** The distinct resources of a batch and how many scope groups each has. */
typedef struct otel_otlp__grouping {
    otel_otlp__group_t *groups;
    size_t group_count;
    uint32_t *item_group; /* group index of each item */
    size_t *scopes_per_resource;
    size_t resource_count;
} otel_otlp__grouping_t;

/**
 * Groups `count` items by (resource, scope), first-seen order kept. Each item is a struct holding
 * `const otel_resource_t *` at `resource_offset` and `const otel_scope_t *` at `scope_offset`.
 * All arrays live in the arena. False on OOM.
 */
bool otel_otlp__group(otel_arena_t *arena, const void *const *items, size_t count, size_t resource_offset,
                      size_t scope_offset, otel_otlp__grouping_t *out);

/**
 * The batch's item indices ordered by group, each group's items in batch order (a counting sort of
 * `item_group`); sets every group's `start`. In the arena; NULL on OOM.
 */
const uint32_t *otel_otlp__group_order(otel_arena_t *arena, otel_otlp__grouping_t *grouping, size_t count);

struct otel_otlp__writer;
/** Writes one span or log record as field `field` of its ScopeSpans/ScopeLogs. */
typedef void (*otel_otlp__write_item_fn)(struct otel_otlp__writer *w, uint32_t field, const void *item);

/**
 * Writes a whole ExportTraceServiceRequest or ExportLogsServiceRequest (their Resource*, Scope*
 * field numbers are the same) into `out` (len set) with the direct wire writer: items grouped by
 * resource, then scope, first-seen order kept; each item written by `write_item`. The arena is
 * reset first (grouping arrays). OTEL_ERR_NO_MEMORY on allocation failure.
 */
otel_status_t otel_otlp__wire_request(otel_arena_t *arena, const void *const *items, size_t count,
                                      size_t resource_offset, size_t scope_offset, otel_otlp__write_item_fn write_item,
                                      otel_otlp__buffer_t *out);

#endif
