/* SPDX-License-Identifier: Apache-2.0 */
/* The span exporter interface, the exporter registry behind OTEL_TRACES_EXPORTER, and the console exporter. */
#ifndef OTEL_SPAN_EXPORTER_H
#define OTEL_SPAN_EXPORTER_H

#include <stdio.h>
#include "otel/span_data.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * A span exporter: a table of functions plus the exporter's own state (`self`).
 *
 * Threading: a processor never calls export_spans concurrently with itself or with force_flush;
 * the batch processor calls it from its export thread, the simple processor from the thread that
 * ends the span (serialised by a mutex).
 *
 * Ownership: a processor created with an exporter takes ownership of it and calls `shutdown`
 * (when the processor shuts down) and then `destroy` exactly once. The spans passed to
 * export_spans are owned by the SDK and valid only during the call (see otel_span_data_t).
 *
 * Only export_spans is required; the other members may be NULL.
 */
typedef struct otel_span_exporter {
    /** Exports `count` (>= 1) spans. Returns OTEL_OK, or an error (counted as a failed export; the
     * batch is not retried by the processor: retries are the exporter's business). Must return
     * within the exporter's own timeout. */
    otel_status_t (*export_spans)(void *self, const otel_span_data_t *const *spans, size_t count);
    /** Delivers anything the exporter itself buffers, within `timeout_ms`. */
    otel_status_t (*force_flush)(void *self, uint32_t timeout_ms);
    /** Final flush; after it export_spans is not called again. Bounded by `timeout_ms`. */
    otel_status_t (*shutdown)(void *self, uint32_t timeout_ms);
    /** Frees `self`. */
    void (*destroy)(void *self);
    void *self;
} otel_span_exporter_t;

/**
 * Creates an exporter for OTEL_TRACES_EXPORTER=<name>. The factory reads its own configuration
 * (e.g. OTEL_EXPORTER_OTLP_*). On failure it returns an error and writes a one-line reason into
 * `err` (`err_len` bytes, NUL-terminated).
 */
typedef otel_status_t (*otel_span_exporter_factory_t)(void *factory_data, otel_span_exporter_t *out, char *err,
                                                      size_t err_len);

/**
 * Registers (or replaces) the factory used for OTEL_TRACES_EXPORTER=`name` (e.g. the OTLP module
 * registers "otlp"). `name` must be a static string. "console" is built in; "none" is reserved.
 * Call before creating providers from the environment; not thread-safe against them.
 * Returns OTEL_ERR_INVALID_ARGUMENT for a NULL/empty/"none" name or NULL factory,
 * OTEL_ERR_NO_MEMORY when the registry (16 entries) is full.
 */
OTEL_API otel_status_t otel_span_exporter_register(const char *name, otel_span_exporter_factory_t factory,
                                                   void *factory_data);

/**
 * Creates the exporter registered as `name`. Unknown names return OTEL_ERR_CONFIG with a message
 * listing what is registered (so "otlp" before the OTLP module registered itself says so).
 */
OTEL_API otel_status_t otel_span_exporter_create(const char *name, otel_span_exporter_t *out, char *err,
                                                 size_t err_len);

/**
 * The console exporter: writes each span as one OTLP-JSON object per line
 * (`{"resourceSpans":[...]}` with one resource, one scope and one span) to `stream`, which it
 * does not close (NULL means stdout). Lines are written whole under the stream's lock.
 */
OTEL_API otel_status_t otel_console_span_exporter_create(FILE *stream, otel_span_exporter_t *out);

#ifdef __cplusplus
}
#endif
#endif
