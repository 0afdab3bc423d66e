/* SPDX-License-Identifier: Apache-2.0 */
/* The service's telemetry: otelc set-up, the per-request middleware (server span, RED metrics, access log record),
 * client spans with context injection, and helpers the routes use for child spans and domain metrics. */
#ifndef H2OTEL_TELEMETRY_H
#define H2OTEL_TELEMETRY_H

#include <h2o.h>

#include "config.h"
#include "otel/otel.h"
#include "server.h"
#include "telemetry_config.h"

/**
 * Builds the SDK from the YAML file named in cfg (declarative-config sections, service.routes) overlaid by OTEL_*
 * variables: resource, tracer/meter/logger providers with their exporters, propagators, the service's instruments
 * (seed counters initialised to 0) and the SDK self-metrics. Call once from main before the server starts.
 * Returns 0, or -1 with one line naming the file:line key or variable in err (exit 2). Never aborts.
 */
int api_telemetry_init(const api_config_t *cfg, char *err, size_t errlen);

/**
 * Flushes and shuts down the three signals within `timeout_ms` in total, then frees the SDK. Returns false when an
 * export was still running at the end of the budget: the SDK is then left as is (not freed, its export thread not
 * joined) and the caller should exit without running exit handlers (_exit). Idempotent.
 */
bool api_telemetry_shutdown(uint32_t timeout_ms);

/** True when init ran and the SDK is not disabled. */
bool api_telemetry_enabled(void);

/**
 * The middleware, called by the router for every request it sees: starts the server span (parent extracted from
 * traceparent/tracestate/baggage), counts the request active, runs `handler` with the span current, and arranges for
 * the span, metrics and the access log record to be finished when h2o disposes of the request. `route_index` is an
 * index into api_routes, or -1 when no route matched (no http.route). Returns the handler's result.
 */
int api_telemetry_handle(h2o_req_t *req, int route_index, int (*handler)(h2o_req_t *req, api_thread_t *t),
                         api_thread_t *t);

/**
 * Registers the middleware's finishing step (span end, metrics, log record) as an h2o logger of `pathconf`: h2o runs
 * it when it disposes of each request, so the per-request state lives in the request pool (no malloc). Call after
 * api_telemetry_init, for the (at most two) pathconfs whose requests go through api_telemetry_handle; requests on
 * other paths finish through a dispose callback instead. No-op when telemetry is disabled. Start-up only.
 */
void api_telemetry_register(h2o_pathconf_t *pathconf);

/** Per-request telemetry state (in the request's pool). Opaque to routes. */
typedef struct api_req_telemetry api_req_telemetry_t;

/** The state of req, or NULL when the middleware did not see it. O(number of env entries). Loop thread. */
api_req_telemetry_t *api_telemetry_of(h2o_req_t *req);

/** The server span's context of req (invalid when not traced); for explicit parents after an async hop. */
otel_span_context_t api_telemetry_parent(h2o_req_t *req);

/** Writes ,"trace_id":"...","span_id":"..." into out (cap bytes) when req is traced; returns the length (0 if not). */
size_t api_telemetry_log_ids(h2o_req_t *req, char *out, size_t cap);

/** Records an exception event (exception.type/message) on req's server span. */
void api_telemetry_record_exception(h2o_req_t *req, const char *type, const char *message);

/** The service's tracer (a no-op one before init / when disabled: spans are non-recording). */
otel_tracer_t *api_telemetry_tracer(void);

/**
 * Starts an INTERNAL span named `name`, child of `parent` (NULL or invalid: the thread's current span) whose
 * tracestate is `parent_tracestate` (used with an explicit parent only; copied). Without either parent, the span is
 * non-recording (the request is not traced). Never NULL.
 */
otel_span_t *api_telemetry_start_internal(const char *name, const otel_span_context_t *parent,
                                          otel_str_t parent_tracestate);

/** Copies the tracestate of req's server span into out (cap bytes, NUL-terminated); returns its length. */
size_t api_telemetry_parent_tracestate(h2o_req_t *req, char *out, size_t cap);

/* ------------------------------------------------------------------------------------------ client spans -- */

/** One outbound HTTP call; lives wherever the call's state lives (e.g. the request pool). */
typedef struct api_client_call {
    otel_span_t *span; /* NULL when not traced */
    uint64_t start_ns;
    const char *method;
    char host[64];
    uint16_t port;
    char scheme[8];
} api_client_call_t;

/**
 * Starts a CLIENT span (child of req's server span) for `method url` and writes the propagation headers
 * ("traceparent: ...\r\n", tracestate and the incoming baggage) into hdrs (cap bytes). Returns their length.
 */
size_t api_telemetry_client_begin(h2o_req_t *req, api_client_call_t *call, const char *method, const h2o_url_t *url,
                                  char *hdrs, size_t cap);

/**
 * Ends the call: http.response.status_code (status > 0), error.type (`error_type`, or the status when >= 400),
 * status ERROR on failures, and records http.client.request.duration. Safe on a call whose begin was not traced.
 */
void api_telemetry_client_end(api_client_call_t *call, int status, const char *error_type);

/* ------------------------------------------------------------------------------------ throttle telemetry -- */

/** Counts one GA run (h2otel.throttle.runs{outcome}) and records h2otel.throttle.generations. Any thread. */
void api_telemetry_throttle_record(const char *outcome, unsigned generations_run);

#endif
