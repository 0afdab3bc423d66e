/* SPDX-License-Identifier: Apache-2.0 */
/* OTLP export internals: the gRPC client (channel, unary Export, retries), header parsing, packed-output buffer. */
#ifndef OTEL_OTLP_INTERNAL_H
#define OTEL_OTLP_INTERNAL_H

#include <stdatomic.h>
#include "otel/otlp.h"
#include "common/arena_internal.h"

/* ---- headers ---- */

typedef struct otel_otlp__header {
    char *key;   /* lowercased */
    char *value; /* percent-decoded */
} otel_otlp__header_t;

/**
 * Parses a W3C-baggage-style "k1=v1, k2=v2" list (values percent-decoded, keys lowercased, empty
 * members skipped). On success `*out` (free with otel_otlp__headers_free) and `*count` are set.
 * A member without '=' or with an empty or non-token key gives OTEL_ERR_CONFIG with a message
 * starting with `what` in `err`.
 */
otel_status_t otel_otlp__headers_parse(const char *text, const char *what, otel_otlp__header_t **out, size_t *count,
                                       char *err, size_t err_len);
void otel_otlp__headers_free(otel_otlp__header_t *headers, size_t count);

/* ---- gRPC client ---- */

typedef struct otel_otlp__client otel_otlp__client_t;

/** Retry schedule (defaults from otel_otlp__client_create; tests shorten them). */
typedef struct otel_otlp__retry_policy {
    uint32_t initial_backoff_ms; /* first delay before jitter (default 250) */
    uint32_t max_backoff_ms;     /* cap of the exponential growth (default 5000) */
    double multiplier;           /* growth per retry (default 2) */
} otel_otlp__retry_policy_t;

/**
 * Creates the client of one exporter: one gRPC channel to options->endpoint (TLS or plaintext,
 * gzip, reconnect backoff capped at 1 s so export resumes quickly after an outage), the
 * Export method of `signal`, metadata from the headers. Reads TLS files now. On error returns a
 * status and a one-line reason in `err`.
 */
otel_status_t otel_otlp__client_create(const otel_otlp_options_t *options, otel_otlp_signal_t signal,
                                       otel_otlp__client_t **out, char *err, size_t err_len);
void otel_otlp__client_destroy(otel_otlp__client_t *client);
void otel_otlp__client_set_retry_policy(otel_otlp__client_t *client, const otel_otlp__retry_policy_t *policy);

/**
 * Sends one encoded Export request carrying `item_count` items, retrying retryable failures per
 * the OTLP spec (exponential backoff with jitter, RetryInfo honoured) within the timeout. Counts
 * the outcome in the signal's stats and logs failures and partial successes (rate-limited).
 * Returns OTEL_OK when the server accepted the request (partial success included), OTEL_ERR_EXPORT
 * when the batch was given up on, OTEL_ERR_SHUTDOWN when cancelled.
 * Called from one thread at a time (the exporter's).
 */
otel_status_t otel_otlp__client_export(otel_otlp__client_t *client, const uint8_t *request, size_t len,
                                       size_t item_count);

/**
 * Pipelined variant (when max_in_flight > 1, see otel_otlp__client_set_max_in_flight): starts the
 * call and returns OTEL_OK at once; when every slot is busy it first waits for the oldest call to
 * settle (retries included). Outcomes are counted in the signal's stats when settled, not returned.
 * With max_in_flight 1 it is otel_otlp__client_export.
 */
otel_status_t otel_otlp__client_export_pipelined(otel_otlp__client_t *client, const uint8_t *request, size_t len,
                                                 size_t item_count);
/** Settles every pipelined export still in flight (bounded by their deadlines). OTEL_ERR_EXPORT if one failed. */
otel_status_t otel_otlp__client_flush(otel_otlp__client_t *client);
/** Up to `max_in_flight` (>= 1; default 1) pipelined exports at once. Settles what is in flight first. */
void otel_otlp__client_set_max_in_flight(otel_otlp__client_t *client, uint32_t max_in_flight);

/** Makes a running or later export give up at its next wait (shutdown). Thread-safe. */
void otel_otlp__client_cancel(otel_otlp__client_t *client);

/** True for the codes OTLP retries (RESOURCE_EXHAUSTED only when the server sent RetryInfo). */
bool otel_otlp__code_is_retryable(int grpc_code, bool has_retry_info);

/** The signal's counters (process-wide). */
typedef struct otel_otlp__counters {
    _Atomic uint64_t items_exported, items_failed, items_rejected, export_calls, attempts, retries, partial_successes,
        bytes_sent;
} otel_otlp__counters_t;
otel_otlp__counters_t *otel_otlp__counters(otel_otlp_signal_t signal);

/* ---- encode output buffer ---- */

typedef struct otel_otlp__buffer {
    uint8_t *data;
    size_t len;
    size_t cap;
} otel_otlp__buffer_t;

/** Grows to at least `cap` bytes; false on allocation failure. */
bool otel_otlp__buffer_reserve(otel_otlp__buffer_t *buffer, size_t cap);
void otel_otlp__buffer_dispose(otel_otlp__buffer_t *buffer);

#endif
