/* SPDX-License-Identifier: Apache-2.0 */
/* OTLP test fixtures: a span with every field kind and its child, and log records, for the encoder tests and the e2e
 * emitter. */
#ifndef OTLP_FIXTURES_H
#define OTLP_FIXTURES_H

#include <stdint.h>
#include <string.h>
#include "otel/logs.h"
#include "otel/span_data.h"

/* Header-only (static inline): each test file is its own executable, and the e2e emitter includes it too. */

#define OTLP_FX_T0 1700000000000000000ULL /* the fixtures' time origin (the e2e's Python side asserts on it) */

/** Fills `n` id bytes with first, first + 1, ... (recognisable in a dump). */
static inline void otlp_fx_fill(uint8_t *bytes, size_t n, uint8_t first)
{
    for (size_t i = 0; i < n; i++)
        bytes[i] = (uint8_t)(first + i);
}

/** A server span with every field kind, its client child, and the storage they point into. */
typedef struct otlp_fx_spans {
    otel_attribute_t attrs[8]; /* string, bool, int, double, then string/bool/int/double arrays */
    otel_attribute_t event_attrs[2];
    otel_span_event_t event;
    otel_attribute_t link_attrs[1];
    otel_span_link_t link;
    otel_span_data_t
        server; /* remote parent, trace state, the 8 attributes, the event, the link, error status, drops */
    otel_span_data_t client; /* its child: few fields, OK status */
} otlp_fx_spans_t;

/** Builds both spans in `fx` (which must outlive them) for `res` and `scope`. */
static inline void otlp_fx_spans_init(otlp_fx_spans_t *fx, const otel_resource_t *res, const otel_scope_t *scope)
{
    static const otel_str_t tags[2] = {OTEL_STR("a"), OTEL_STR("b")};
    static const bool flags[2] = {true, false};
    static const int64_t ints[3] = {1, -2, 3};
    static const double dbls[2] = {0.5, -1.25};
    memset(fx, 0, sizeof(*fx));
    otel_attribute_t *a = fx->attrs;
    a[0] = OTEL_ATTR_STR("http.request.method", "GET");
    a[1] = OTEL_ATTR_BOOL("feature.on", true);
    a[2] = OTEL_ATTR_INT("http.response.status_code", 503);
    a[3] = OTEL_ATTR_DOUBLE("ratio", 0.75);
    a[4] = (otel_attribute_t){OTEL_STR("tags"), {.type = OTEL_VALUE_STRING_ARRAY, .u.strings = {tags, 2}}};
    a[5] = (otel_attribute_t){OTEL_STR("flags"), {.type = OTEL_VALUE_BOOL_ARRAY, .u.bools = {flags, 2}}};
    a[6] = (otel_attribute_t){OTEL_STR("ints"), {.type = OTEL_VALUE_INT64_ARRAY, .u.int64s = {ints, 3}}};
    a[7] = (otel_attribute_t){OTEL_STR("dbls"), {.type = OTEL_VALUE_DOUBLE_ARRAY, .u.doubles = {dbls, 2}}};
    fx->event_attrs[0] = OTEL_ATTR_STR("exception.type", "TimeoutError");
    fx->event_attrs[1] = OTEL_ATTR_STR("exception.message", "downstream timed out");
    fx->event = (otel_span_event_t){.name = OTEL_STR("exception"),
                                    .time_unix_ns = OTLP_FX_T0 + 1500,
                                    .attributes = fx->event_attrs,
                                    .attribute_count = 2,
                                    .dropped_attributes_count = 1};
    fx->link_attrs[0] = OTEL_ATTR_STR("link.kind", "follows");
    fx->link = (otel_span_link_t){.context = {.trace_flags = 1, .is_remote = true},
                                  .tracestate = OTEL_STR("vendor=1"),
                                  .attributes = fx->link_attrs,
                                  .attribute_count = 1,
                                  .dropped_attributes_count = 2};
    otlp_fx_fill(fx->link.context.trace_id.bytes, 16, 0xA0);
    otlp_fx_fill(fx->link.context.span_id.bytes, 8, 0xB0);
    fx->server = (otel_span_data_t){.trace_flags = 1,
                                    .parent_is_remote = true,
                                    .tracestate = OTEL_STR("congo=t61rcWkgMzE"),
                                    .name = OTEL_STR("GET /api/v1/slow"),
                                    .kind = OTEL_SPAN_KIND_SERVER,
                                    .start_time_unix_ns = OTLP_FX_T0 + 1000,
                                    .end_time_unix_ns = OTLP_FX_T0 + 2000,
                                    .attributes = fx->attrs,
                                    .attribute_count = 8,
                                    .dropped_attributes_count = 3,
                                    .events = &fx->event,
                                    .event_count = 1,
                                    .dropped_events_count = 4,
                                    .links = &fx->link,
                                    .link_count = 1,
                                    .dropped_links_count = 5,
                                    .status_code = OTEL_STATUS_CODE_ERROR,
                                    .status_message = OTEL_STR("upstream unavailable"),
                                    .resource = res,
                                    .scope = scope};
    otlp_fx_fill(fx->server.trace_id.bytes, 16, 0x01);
    otlp_fx_fill(fx->server.span_id.bytes, 8, 0x11);
    otlp_fx_fill(fx->server.parent_span_id.bytes, 8, 0x21);
    fx->client = (otel_span_data_t){.trace_flags = 1,
                                    .trace_id = fx->server.trace_id,
                                    .parent_span_id = fx->server.span_id,
                                    .name = OTEL_STR("GET downstream"),
                                    .kind = OTEL_SPAN_KIND_CLIENT,
                                    .start_time_unix_ns = OTLP_FX_T0 + 1100,
                                    .end_time_unix_ns = OTLP_FX_T0 + 1900,
                                    .status_code = OTEL_STATUS_CODE_OK,
                                    .resource = res,
                                    .scope = scope};
    otlp_fx_fill(fx->client.span_id.bytes, 8, 0x31);
}

/** A log record of `res` and `scope`: times 11 and 12, WARN, `body`; the caller sets what else it needs. */
static inline otel_log_record_data_t otlp_fx_log(const otel_resource_t *res, const otel_scope_t *scope,
                                                 otel_value_t body)
{
    return (otel_log_record_data_t){.timestamp_ns = 11,
                                    .observed_timestamp_ns = 12,
                                    .severity_number = OTEL_SEVERITY_WARN,
                                    .severity_text = OTEL_STR("WARN"),
                                    .body = body,
                                    .resource = res,
                                    .scope = scope};
}

/** A string body for otlp_fx_log. */
static inline otel_value_t otlp_fx_str(const char *s)
{
    return (otel_value_t){.type = OTEL_VALUE_STRING, .u.string = otel_str_from_cstr(s)};
}

/** The data an emit of `in` exports (no trace context: the caller sets the ids it expects). */
static inline otel_log_record_data_t otlp_fx_log_from(const otel_log_record_t *in, const otel_resource_t *res,
                                                      const otel_scope_t *scope)
{
    return (otel_log_record_data_t){.timestamp_ns = in->timestamp_ns,
                                    .observed_timestamp_ns = in->observed_timestamp_ns,
                                    .severity_number = in->severity_number,
                                    .severity_text = in->severity_text,
                                    .body = in->body,
                                    .body_is_map = in->body_map_count > 0,
                                    .body_map = in->body_map,
                                    .body_map_count = in->body_map_count,
                                    .attributes = in->attributes,
                                    .attribute_count = in->attribute_count,
                                    .event_name = in->event_name,
                                    .resource = res,
                                    .scope = scope};
}

#endif
