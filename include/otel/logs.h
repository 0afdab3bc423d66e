/* SPDX-License-Identifier: Apache-2.0 */
/* otelc logs: logger provider and loggers, log records with trace correlation, processors and exporters. */
#ifndef OTEL_LOGS_H
#define OTEL_LOGS_H

#include <stdio.h>
#include "otel/common.h"
#include "otel/resource.h"
#include "otel/scope.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Severity numbers; the values are OTLP's SeverityNumber (each has 3 finer steps above it, e.g. INFO2 = 10). */
typedef enum otel_severity {
    OTEL_SEVERITY_UNSPECIFIED = 0,
    OTEL_SEVERITY_TRACE = 1,
    OTEL_SEVERITY_DEBUG = 5,
    OTEL_SEVERITY_INFO = 9,
    OTEL_SEVERITY_WARN = 13,
    OTEL_SEVERITY_ERROR = 17,
    OTEL_SEVERITY_FATAL = 21,
} otel_severity_t;

/**
 * A log record to emit. Every field is borrowed for the duration of otel_logger_emit only; the SDK
 * copies what it keeps. Zero-initialise, then set what you have.
 */
typedef struct otel_log_record {
    uint64_t timestamp_ns;          /* when the event happened (Unix ns); 0: unknown, not sent */
    uint64_t observed_timestamp_ns; /* when it was observed; 0: now */
    int severity_number;            /* 0..24 (otel_severity_t or a finer step); others are clamped to 0 */
    otel_str_t severity_text;       /* e.g. "INFO" */
    /** The body: any value (a string for a plain message) ... */
    otel_value_t body;
    /** ... or, when body_map_count > 0, a structured map body of these key/values (`body` is then ignored). */
    const otel_attribute_t *body_map;
    size_t body_map_count;
    const otel_attribute_t *attributes;
    size_t attribute_count;
    otel_str_t event_name; /* set for events, empty otherwise */
    /** The span the record belongs to; NULL means the thread's current span (otel_context_current()). */
    const otel_span_context_t *span_context;
    /**
     * true: the attribute keys (of `attributes` and `body_map`), `severity_text` and `event_name` outlive the
     * provider (string literals, typically), so the SDK keeps the pointers instead of copying them. Values are
     * copied either way. Saves a copy per key on hot paths that emit the same record shape every time.
     */
    bool static_strings;
} otel_log_record_t;

/**
 * A log record as processors and exporters see it. Owned by the SDK (strings are slices, not
 * NUL-terminated) and valid only during the exporter call that receives it.
 */
typedef struct otel_log_record_data {
    uint64_t timestamp_ns;
    uint64_t observed_timestamp_ns;
    int severity_number;
    otel_str_t severity_text;
    bool body_is_map;                 /* true: the body is body_map; false: the body is `body` */
    otel_value_t body;                /* OTEL_VALUE_EMPTY when there is no body */
    const otel_attribute_t *body_map; /* key/values of a map body */
    size_t body_map_count;
    const otel_attribute_t *attributes;
    size_t attribute_count;
    uint32_t dropped_attributes_count; /* attributes over the count limit */
    otel_str_t event_name;
    otel_trace_id_t trace_id; /* all zero when the record has no span */
    otel_span_id_t span_id;
    uint8_t trace_flags;
    const otel_resource_t *resource; /* the provider's; never NULL */
    const otel_scope_t *scope;       /* the logger's; never NULL */
} otel_log_record_data_t;

/**
 * A log record exporter: functions plus state. Same contract as otel_span_exporter_t: a processor
 * owns it, never calls export_logs concurrently, calls shutdown then destroy exactly once; records
 * are valid only during the call. Only export_logs is required.
 */
typedef struct otel_log_record_exporter {
    otel_status_t (*export_logs)(void *self, const otel_log_record_data_t *const *records, size_t count);
    otel_status_t (*force_flush)(void *self, uint32_t timeout_ms);
    otel_status_t (*shutdown)(void *self, uint32_t timeout_ms);
    void (*destroy)(void *self);
    void *self;
} otel_log_record_exporter_t;

/** Creates an exporter for OTEL_LOGS_EXPORTER=<name>; on failure writes a one-line reason into `err`. */
typedef otel_status_t (*otel_log_record_exporter_factory_t)(void *factory_data, otel_log_record_exporter_t *out,
                                                            char *err, size_t err_len);

/**
 * Registers (or replaces) the factory for OTEL_LOGS_EXPORTER=`name` (static string). "console" is
 * built in, "none" reserved; the OTLP module registers "otlp" (otel_otlp_register_exporters).
 * Call at start-up before providers are created; not thread-safe against them.
 */
OTEL_API otel_status_t otel_log_record_exporter_register(const char *name, otel_log_record_exporter_factory_t factory,
                                                         void *factory_data);

/** Creates the exporter registered as `name`; an unknown name gives OTEL_ERR_CONFIG naming the known ones. */
OTEL_API otel_status_t otel_log_record_exporter_create(const char *name, otel_log_record_exporter_t *out, char *err,
                                                       size_t err_len);

/**
 * The console exporter: each record as one OTLP-JSON line (`{"resourceLogs":[...]}` with one
 * resource, scope and record) on `stream` (NULL: stdout), written whole under the stream's lock.
 */
OTEL_API otel_status_t otel_console_log_record_exporter_create(FILE *stream, otel_log_record_exporter_t *out);

/** A log record processor; owned by the provider it is given to. */
typedef struct otel_log_record_processor otel_log_record_processor_t;

/** Batch processor options; _init fills the spec's defaults. */
typedef struct otel_batch_log_record_processor_options {
    uint32_t max_queue_size;        /* OTEL_BLRP_MAX_QUEUE_SIZE, 2048; rounded up to a power of two */
    uint32_t schedule_delay_ms;     /* OTEL_BLRP_SCHEDULE_DELAY, 1000 */
    uint32_t export_timeout_ms;     /* OTEL_BLRP_EXPORT_TIMEOUT, 30000: bounds flush/shutdown of the exporter */
    uint32_t max_export_batch_size; /* OTEL_BLRP_MAX_EXPORT_BATCH_SIZE, 512; clamped to max_queue_size */
    uint32_t thread_nice;           /* OTELC_EXPORT_THREAD_NICE (otelc's own), 0 = unchanged: the export thread (named
                                       "otel-logs") raises its own nice value to this (0..19, larger = 19) */
} otel_batch_log_record_processor_options_t;

OTEL_API void otel_batch_log_record_processor_options_init(otel_batch_log_record_processor_options_t *options);

/** Overlays OTEL_BLRP_* and OTELC_EXPORT_THREAD_NICE; a bad value gives OTEL_ERR_CONFIG naming the variable
 * (options unchanged). */
OTEL_API otel_status_t otel_batch_log_record_processor_options_from_env(
    otel_batch_log_record_processor_options_t *options, char *err, size_t err_len);

/**
 * A batch processor: emitting puts the record in a bounded lock-free queue (never blocks; a full
 * queue drops the record and counts it); one export thread exports batches of up to
 * max_export_batch_size when that many are queued or every schedule_delay_ms.
 * Takes ownership of `exporter` in every case. `options` NULL means defaults.
 */
OTEL_API otel_status_t otel_batch_log_record_processor_create(const otel_batch_log_record_processor_options_t *options,
                                                              otel_log_record_exporter_t exporter,
                                                              otel_log_record_processor_t **out);

/** A simple processor: exports each record on the emitting thread (a mutex). For tests and debugging. */
OTEL_API otel_status_t otel_simple_log_record_processor_create(otel_log_record_exporter_t exporter,
                                                               otel_log_record_processor_t **out);

/** Self-observability counters of a processor (relaxed reads; queue_size is instantaneous). */
typedef struct otel_log_record_processor_stats {
    uint64_t records_received;
    uint64_t records_dropped;  /* queue full, or emitted after shutdown */
    uint64_t records_exported; /* in batches the exporter accepted */
    uint64_t records_failed;   /* in batches the exporter rejected */
    uint64_t export_calls;
    uint64_t queue_size;
    uint64_t queue_capacity; /* 0 for the simple processor */
} otel_log_record_processor_stats_t;

/** Log record limits (OTEL_LOGRECORD_ATTRIBUTE_*, falling back to OTEL_ATTRIBUTE_*). */
typedef struct otel_log_record_limits {
    uint32_t attribute_count_limit;        /* 128 */
    uint32_t attribute_value_length_limit; /* UINT32_MAX: no limit */
} otel_log_record_limits_t;

typedef struct otel_logger_provider otel_logger_provider_t;
typedef struct otel_logger otel_logger_t;

/**
 * A provider with `resource` (retained; NULL: an empty resource), `limits` (NULL: defaults) and one
 * `processor` (ownership taken in every case; NULL: records are dropped, e.g. OTEL_LOGS_EXPORTER=none).
 */
OTEL_API otel_status_t otel_logger_provider_create(otel_resource_t *resource, const otel_log_record_limits_t *limits,
                                                   otel_log_record_processor_t *processor,
                                                   otel_logger_provider_t **out);

/**
 * A provider configured from the environment: OTEL_LOGS_EXPORTER (otlp [default] | console | none;
 * console uses the simple processor, the others the batch one with OTEL_BLRP_*), the record limits.
 * Bad configuration gives OTEL_ERR_CONFIG and a one-line message naming the variable.
 */
OTEL_API otel_status_t otel_logger_provider_create_from_env(otel_resource_t *resource, otel_logger_provider_t **out,
                                                            char *err, size_t err_len);

/**
 * The logger for `scope` (copied; the same scope returns the same logger). Owned by the provider;
 * valid until it is destroyed. NULL on allocation failure. Thread-safe.
 */
OTEL_API otel_logger_t *otel_logger_provider_get_logger(otel_logger_provider_t *provider, const otel_scope_t *scope);

/**
 * Emits a record: copies it (applying the limits), attaches the span context (the record's, else
 * the thread's current span) and hands it to the processor. Never blocks on the batch processor.
 * Returns OTEL_OK, OTEL_ERR_QUEUE_FULL (dropped and counted), OTEL_ERR_SHUTDOWN or
 * OTEL_ERR_NO_MEMORY. Thread-safe; NULL logger or record: OTEL_ERR_INVALID_ARGUMENT.
 */
OTEL_API otel_status_t otel_logger_emit(otel_logger_t *logger, const otel_log_record_t *record);

/** Exports everything emitted before the call, within `timeout_ms`. Thread-safe. */
OTEL_API otel_status_t otel_logger_provider_force_flush(otel_logger_provider_t *provider, uint32_t timeout_ms);

/** Flushes, stops the processor and shuts the exporter down within `timeout_ms`. Idempotent. */
OTEL_API otel_status_t otel_logger_provider_shutdown(otel_logger_provider_t *provider, uint32_t timeout_ms);

/** Shuts down (if needed) and frees the provider and its loggers. NULL-safe. */
OTEL_API void otel_logger_provider_destroy(otel_logger_provider_t *provider);

/** The processor's counters (zeroes when the provider has none). */
OTEL_API void otel_logger_provider_get_stats(const otel_logger_provider_t *provider,
                                             otel_log_record_processor_stats_t *stats);

/**
 * Publishes the provider's counters as observable instruments in `meter`: otel.sdk.log.created,
 * otel.sdk.processor.log.processed (error.type=queue_full for drops, export_failed for failed
 * exports), otel.sdk.processor.log.queue.size and .queue.capacity. `provider` must outlive the
 * meter provider's collections. Call once.
 */
typedef struct otel_meter otel_meter_t;
OTEL_API otel_status_t otel_logger_provider_register_self_metrics(otel_logger_provider_t *provider,
                                                                  otel_meter_t *meter);

#ifdef __cplusplus
}
#endif
#endif
