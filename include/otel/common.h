/* SPDX-License-Identifier: Apache-2.0 */
/* otelc common value types: status codes, attribute values, trace/span ids, span context, clock. */
#ifndef OTEL_COMMON_H
#define OTEL_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define OTEL_API __attribute__((visibility("default")))

/** Status of an otelc call. Values are only ever appended; each is numbered. */
typedef enum otel_status {
    OTEL_OK = 0,
    OTEL_ERR_INVALID_ARGUMENT = 1, /* a NULL, out-of-range or malformed argument */
    OTEL_ERR_NO_MEMORY = 2,        /* an allocation failed; nothing was changed */
    OTEL_ERR_QUEUE_FULL = 3,       /* a bounded queue was full; the item was dropped and counted */
    OTEL_ERR_TIMEOUT = 4,          /* a bounded wait (flush, shutdown, export) ran out */
    OTEL_ERR_SHUTDOWN = 5,         /* the component was already shut down */
    OTEL_ERR_CONFIG = 6,           /* a configuration value was rejected */
    OTEL_ERR_EXPORT = 7,           /* an exporter failed to deliver a batch */
    OTEL_ERR_UNSUPPORTED = 8,      /* a recognised but unsupported option */
    OTEL_ERR_IO = 9,               /* a system call failed */
} otel_status_t;

/** A static, human-readable description of `status`; never NULL. Thread-safe. */
OTEL_API const char *otel_strerror(otel_status_t status);

/** A borrowed string slice: `ptr` need not be NUL-terminated. */
typedef struct otel_str {
    const char *ptr;
    size_t len;
} otel_str_t;

#define OTEL_STR(lit) ((otel_str_t){(lit), sizeof(lit) - 1})
/** A slice of a NUL-terminated string (NULL gives the empty slice). */
OTEL_API otel_str_t otel_str_from_cstr(const char *s);

typedef enum otel_value_type {
    OTEL_VALUE_EMPTY = 0,
    OTEL_VALUE_STRING,
    OTEL_VALUE_BOOL,
    OTEL_VALUE_INT64,
    OTEL_VALUE_DOUBLE,
    OTEL_VALUE_STRING_ARRAY,
    OTEL_VALUE_BOOL_ARRAY,
    OTEL_VALUE_INT64_ARRAY,
    OTEL_VALUE_DOUBLE_ARRAY,
} otel_value_type_t;

/**
 * An attribute value. Values passed to otelc are borrowed for the duration of the call only:
 * the SDK copies what it keeps.
 */
typedef struct otel_value {
    otel_value_type_t type;
    union {
        otel_str_t string;
        bool boolean;
        int64_t int64;
        double dbl;
        struct {
            const otel_str_t *items;
            size_t count;
        } strings;
        struct {
            const bool *items;
            size_t count;
        } bools;
        struct {
            const int64_t *items;
            size_t count;
        } int64s;
        struct {
            const double *items;
            size_t count;
        } doubles;
    } u;
} otel_value_t;

/** A key/value pair; the key is borrowed like the value. */
typedef struct otel_attribute {
    otel_str_t key;
    otel_value_t value;
} otel_attribute_t;

/* Literal constructors, e.g. `otel_attribute_t a[] = {OTEL_ATTR_STR("http.route", "/"), OTEL_ATTR_INT("n", 3)};` */
#define OTEL_ATTR_STR(k, v) ((otel_attribute_t){OTEL_STR(k), {.type = OTEL_VALUE_STRING, .u.string = OTEL_STR(v)}})
#define OTEL_ATTR_STRN(k, p, n) ((otel_attribute_t){OTEL_STR(k), {.type = OTEL_VALUE_STRING, .u.string = {(p), (n)}}})
#define OTEL_ATTR_BOOL(k, v) ((otel_attribute_t){OTEL_STR(k), {.type = OTEL_VALUE_BOOL, .u.boolean = (v)}})
#define OTEL_ATTR_INT(k, v) ((otel_attribute_t){OTEL_STR(k), {.type = OTEL_VALUE_INT64, .u.int64 = (v)}})
#define OTEL_ATTR_DOUBLE(k, v) ((otel_attribute_t){OTEL_STR(k), {.type = OTEL_VALUE_DOUBLE, .u.dbl = (v)}})

/** W3C trace id (16 bytes) and span id (8 bytes); all-zero means invalid. */
typedef struct otel_trace_id {
    uint8_t bytes[16];
} otel_trace_id_t;
typedef struct otel_span_id {
    uint8_t bytes[8];
} otel_span_id_t;

#define OTEL_TRACE_FLAGS_SAMPLED 0x01

/** The immutable identity of a span, as propagated. Tracestate is held by the trace module. */
typedef struct otel_span_context {
    otel_trace_id_t trace_id;
    otel_span_id_t span_id;
    uint8_t trace_flags;
    bool is_remote;
} otel_span_context_t;

OTEL_API bool otel_trace_id_is_valid(const otel_trace_id_t *id);
OTEL_API bool otel_span_id_is_valid(const otel_span_id_t *id);
/** True when both ids are valid. */
OTEL_API bool otel_span_context_is_valid(const otel_span_context_t *ctx);
static inline bool otel_span_context_is_sampled(const otel_span_context_t *ctx)
{
    return (ctx->trace_flags & OTEL_TRACE_FLAGS_SAMPLED) != 0;
}

/** Lowercase hex of `len` bytes into `out` (2*len chars, then a NUL): `out` holds 2*len+1 bytes. */
OTEL_API void otel_hex_encode(const uint8_t *bytes, size_t len, char *out);
/** Parses exactly 2*len lowercase hex chars; false on any other character. */
OTEL_API bool otel_hex_decode(const char *hex, size_t len, uint8_t *out);

/**
 * The span context current on this thread (the active span), or NULL when there is none.
 * Set by the trace module; read by metrics for exemplars and by logs for trace correlation.
 * The pointer is valid until the span is deactivated on this thread.
 */
OTEL_API const otel_span_context_t *otel_context_current(void);

/** Wall-clock time in nanoseconds since the Unix epoch (CLOCK_REALTIME). */
OTEL_API uint64_t otel_time_now_ns(void);
/** Monotonic time in nanoseconds, for durations and deadlines (CLOCK_MONOTONIC). */
OTEL_API uint64_t otel_time_monotonic_ns(void);

/** Diagnostic severity of the SDK's own messages. */
typedef enum otel_diag_level {
    OTEL_DIAG_DEBUG = 0,
    OTEL_DIAG_INFO = 1,
    OTEL_DIAG_WARN = 2,
    OTEL_DIAG_ERROR = 3,
} otel_diag_level_t;

typedef void (*otel_diag_handler_t)(otel_diag_level_t level, const char *message, void *user_data);

/**
 * Routes the SDK's own diagnostics (bad configuration, export failures, drops) to `handler`.
 * NULL restores the default, which writes one line to stderr. Messages are rate-limited per
 * call site by the SDK before they reach the handler. Call before starting other threads.
 */
OTEL_API void otel_set_diag_handler(otel_diag_handler_t handler, void *user_data);
/** Messages below `level` are discarded (default OTEL_DIAG_INFO; OTEL_LOG_LEVEL sets it at config time). */
OTEL_API void otel_set_diag_level(otel_diag_level_t level);

#ifdef __cplusplus
}
#endif
#endif
