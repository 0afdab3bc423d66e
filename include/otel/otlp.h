/* SPDX-License-Identifier: Apache-2.0 */
/* The OTLP/gRPC exporters: configuration (OTEL_EXPORTER_OTLP_*) and self-observability counters. */
#ifndef OTEL_OTLP_H
#define OTEL_OTLP_H

#include "otel/common.h"
#include "otel/logs.h"
#include "otel/metrics_data.h"
#include "otel/span_exporter.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The signal an OTLP exporter carries; selects the per-signal variables and the gRPC method. */
typedef enum otel_otlp_signal {
    OTEL_OTLP_TRACES = 0,
    OTEL_OTLP_METRICS = 1,
    OTEL_OTLP_LOGS = 2,
} otel_otlp_signal_t;

/**
 * Exporter options. Plain value type with fixed buffers (copy it freely). Strings are
 * NUL-terminated; an empty string means "not set".
 */
typedef struct otel_otlp_options {
    char endpoint[512];           /* gRPC target "host:port"; a http:// or https:// prefix is accepted */
    bool insecure;                /* plaintext (no TLS) */
    bool gzip;                    /* gzip-compress requests */
    uint32_t timeout_ms;          /* bounds one export, retries included (default 10000) */
    char headers[2048];           /* "k1=v1,k2=v2", values percent-encoded (W3C baggage style) */
    char certificate[512];        /* PEM file of trusted roots (TLS) */
    char client_key[512];         /* PEM file of the client key (mTLS) */
    char client_certificate[512]; /* PEM file of the client certificate chain (mTLS) */
    /**
     * Export requests in flight at once (default 1: each export returns its outcome). With N > 1 an
     * export returns as soon as its request is sent and only waits when N are in flight, so the
     * next batch is encoded while the Collector works; outcomes (and retries) are then settled later
     * and show in otel_otlp_get_stats, not in the processor's counters. force_flush and shutdown
     * settle everything. OTELC_EXPORTER_OTLP_CONCURRENT_EXPORTS (otelc's own variable; 1..16).
     */
    uint32_t concurrent_exports;
    /**
     * 0 (default): unchanged. 1..19 (larger = 19): gRPC is initialised on a short-lived thread at this nice value,
     * so the threads gRPC starts then (executor, resolver, timer, event engine) and those they start later run
     * at it too. Set it to the batch processors' thread_nice. OTELC_EXPORT_THREAD_NICE (otelc's own; 0..19).
     */
    uint32_t thread_nice;
} otel_otlp_options_t;

/** Fills the spec's defaults: endpoint localhost:4317 over TLS, no gzip, 10 s, no headers. */
OTEL_API void otel_otlp_options_init(otel_otlp_options_t *options);

/**
 * Overlays OTEL_EXPORTER_OTLP_{ENDPOINT,INSECURE,HEADERS,COMPRESSION,TIMEOUT,CERTIFICATE,
 * CLIENT_KEY,CLIENT_CERTIFICATE} and then the per-signal OTEL_EXPORTER_OTLP_<SIGNAL>_* variants
 * (TRACES, METRICS, LOGS), which win. An endpoint starting with http:// means insecure and
 * https:// secure, unless *_INSECURE says otherwise; a bare "host:port" (e.g. the seed's
 * collector:4317 with OTEL_EXPORTER_OTLP_TRACES_INSECURE=true) uses *_INSECURE (default false).
 * Also otelc's own OTELC_EXPORTER_OTLP_CONCURRENT_EXPORTS and OTELC_EXPORT_THREAD_NICE. A bad value gives
 * OTEL_ERR_CONFIG and a one-line message naming the variable in `err`; `options` may then be partly updated.
 */
OTEL_API otel_status_t otel_otlp_options_from_env(otel_otlp_options_t *options, otel_otlp_signal_t signal, char *err,
                                                  size_t err_len);

/**
 * The OTLP/gRPC exporters. `options` NULL: read from the environment for the signal
 * (otel_otlp_options_from_env). On error returns a status and a one-line reason in `err`.
 * The exporter sends each batch synchronously on the calling (export) thread within the timeout.
 */
OTEL_API otel_status_t otel_otlp_span_exporter_create(const otel_otlp_options_t *options, otel_span_exporter_t *out,
                                                      char *err, size_t err_len);
/** Metrics: the temporality preference comes from OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE. */
OTEL_API otel_status_t otel_otlp_metric_exporter_create(const otel_otlp_options_t *options, otel_metric_exporter_t *out,
                                                        char *err, size_t err_len);
OTEL_API otel_status_t otel_otlp_log_record_exporter_create(const otel_otlp_options_t *options,
                                                            otel_log_record_exporter_t *out, char *err, size_t err_len);

/**
 * Registers "otlp" with the three exporter registries (OTEL_TRACES_EXPORTER, OTEL_METRICS_EXPORTER,
 * OTEL_LOGS_EXPORTER). Each factory reads its options from the environment when called. Call once
 * at start-up, before providers are created from the environment; not thread-safe.
 */
OTEL_API otel_status_t otel_otlp_register_exporters(void);

/** Counters of all OTLP exporters of one signal in this process (monotonic; relaxed reads). */
typedef struct otel_otlp_stats {
    uint64_t items_exported; /* spans / data points / log records the server accepted */
    uint64_t items_failed;   /* in batches given up on (non-retryable code, or retries ran out) */
    uint64_t items_rejected; /* reported rejected by a partial-success answer */
    uint64_t export_calls;   /* export requests (each may take several attempts) */
    uint64_t attempts;       /* gRPC calls made, retries included */
    uint64_t retries;        /* attempts after a retryable failure */
    uint64_t partial_successes;
    uint64_t bytes_sent; /* encoded request bytes before compression, all attempts */
} otel_otlp_stats_t;

/** Reads the counters of `signal`'s exporters. Thread-safe. */
OTEL_API void otel_otlp_get_stats(otel_otlp_signal_t signal, otel_otlp_stats_t *stats);

/**
 * Publishes the counters above as observable counters in `meter` (the service's own meter):
 * otel.sdk.exporter.{span,metric_data_point,log}.exported (error.type=export_failed|rejected for
 * losses; otel.component.type=otlp_grpc_*_exporter) and otel.sdk.exporter.{span,metric,log}.retries.
 * Call once per meter provider.
 */
typedef struct otel_meter otel_meter_t;
OTEL_API otel_status_t otel_otlp_register_self_metrics(otel_meter_t *meter);

#ifdef __cplusplus
}
#endif
#endif
