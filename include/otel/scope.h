/* SPDX-License-Identifier: Apache-2.0 */
/* The instrumentation scope (name, version, schema URL, attributes) shared by every signal. */
#ifndef OTEL_SCOPE_H
#define OTEL_SCOPE_H

#include "otel/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * An instrumentation scope: the library or module that produced the telemetry.
 * As an argument (e.g. to otel_tracer_provider_get_tracer) every field is borrowed for the call
 * only; the SDK keeps its own copy. As part of exported data (otel_span_data_t.scope) it is owned
 * by the SDK and valid for the duration of the export call. Empty `name` is allowed (the spec
 * recommends a name; the SDK logs a warning). `attributes` may be NULL when `attribute_count` is 0.
 */
typedef struct otel_scope {
    otel_str_t name;
    otel_str_t version;
    otel_str_t schema_url;
    const otel_attribute_t *attributes;
    size_t attribute_count;
} otel_scope_t;

#ifdef __cplusplus
}
#endif
#endif
