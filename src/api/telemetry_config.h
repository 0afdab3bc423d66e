/* SPDX-License-Identifier: Apache-2.0 */
/* Telemetry settings: OpenTelemetry declarative-config YAML shape + per-route switches, overlaid by OTEL_*. */
#ifndef H2OTEL_TELEMETRY_CONFIG_H
#define H2OTEL_TELEMETRY_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "otel/otel.h"

#define API_TEL_MAX_RESOURCE_ATTRS 32
#define API_TEL_MAX_ROUTES 16
#define API_TEL_MAX_EXTRA_ATTRS 8

/** Where one signal's data goes. */
typedef enum api_tel_exporter_kind {
    API_TEL_EXPORTER_NONE = 0,
    API_TEL_EXPORTER_OTLP,    /* OTLP/gRPC */
    API_TEL_EXPORTER_CONSOLE, /* OTLP-JSON lines on stdout */
    API_TEL_EXPORTER_FILE,    /* OTLP-JSON lines appended to `path` (declarative config's otlp_file/development) */
} api_tel_exporter_kind_t;

typedef struct api_tel_exporter {
    api_tel_exporter_kind_t kind;
    otel_otlp_options_t otlp; /* for OTLP: spec defaults, then YAML, then OTEL_EXPORTER_OTLP_* */
    char path[512];           /* for FILE */
    int temporality;          /* metrics: -1 = OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE / default */
} api_tel_exporter_t;

/** Per-route switches (YAML `service.routes."<path>"`). */
typedef struct api_tel_route_settings {
    char path[64]; /* "" = slot unused */
    bool trace;
    bool metrics;
    double sample_ratio; /* head sampling of new traces on top of the global sampler, [0, 1] */
    size_t extra_count;
    char extra_key[API_TEL_MAX_EXTRA_ATTRS][64];
    char extra_value[API_TEL_MAX_EXTRA_ATTRS][128];
} api_tel_route_settings_t;

/** Everything the telemetry set-up needs. A plain value (no heap). */
typedef struct api_tel_settings {
    bool disabled; /* `disabled: true` or OTEL_SDK_DISABLED=true: no SDK, the middleware does nothing */
    char file_format[16];
    size_t resource_count;
    char resource_key[API_TEL_MAX_RESOURCE_ATTRS][64];
    char resource_value[API_TEL_MAX_RESOURCE_ATTRS][256];
    char propagators[128]; /* OTEL_PROPAGATORS syntax */
    char sampler[64];      /* OTEL_TRACES_SAMPLER syntax */
    char sampler_arg[64];
    otel_span_limits_t span_limits;
    bool traces_simple; /* simple instead of batch processor */
    otel_batch_span_processor_options_t bsp;
    api_tel_exporter_t traces;
    otel_periodic_reader_options_t reader;
    otel_exemplar_filter_t exemplar_filter;
    api_tel_exporter_t metrics;
    bool logs_simple;
    otel_batch_log_record_processor_options_t blrp;
    otel_log_record_limits_t log_limits;
    api_tel_exporter_t logs;
    size_t route_count;
    api_tel_route_settings_t routes[API_TEL_MAX_ROUTES];
} api_tel_settings_t;

/** Spec defaults (otlp exporters, parentbased_always_on, tracecontext+baggage, batch processors). */
void api_tel_settings_defaults(api_tel_settings_t *s);

/**
 * Applies the OpenTelemetry declarative-configuration sections of the YAML file (file_format, disabled, resource,
 * attribute_limits, propagator, tracer_provider, meter_provider, logger_provider) and `service.routes`, with
 * ${VAR} / ${VAR:-default} substitution in scalars. Unknown keys and bad values are errors. Returns 0, or -1 with
 * one line "h2otel: FILE:LINE: key 'a.b[0].c': why" in err.
 */
int api_tel_settings_apply_file(api_tel_settings_t *s, const char *path, char *err, size_t errlen);

/**
 * Overlays the OTEL_* variables that are set (OTEL_SDK_DISABLED, OTEL_PROPAGATORS, OTEL_TRACES_SAMPLER(_ARG),
 * OTEL_{TRACES,METRICS,LOGS}_EXPORTER, OTEL_BSP_*, OTEL_BLRP_*, OTEL_METRIC_EXPORT_*, OTEL_METRICS_EXEMPLAR_FILTER,
 * OTEL_EXPORTER_OTLP_*, span/log limits): set variables win over the file. Returns 0, or -1 with a message naming
 * the variable.
 */
int api_tel_settings_apply_env(api_tel_settings_t *s, char *err, size_t errlen);

/** The route settings for `path`, or NULL when the file does not mention it. */
const api_tel_route_settings_t *api_tel_settings_route(const api_tel_settings_t *s, const char *path);

#endif
