/* SPDX-License-Identifier: Apache-2.0 */
/* State shared by the telemetry files: the SDK handles, the instruments and the per-route pre-bound series. */
#ifndef H2OTEL_TELEMETRY_INTERNAL_H
#define H2OTEL_TELEMETRY_INTERNAL_H

#include <stdatomic.h>

#include "telemetry.h"

/* HTTP methods of the semantic conventions, in this order; the last slot is _OTHER. */
#define API_TEL_METHODS 10
#define API_TEL_METHOD_OTHER (API_TEL_METHODS - 1)
extern const char *const api_tel_method_names[API_TEL_METHODS];
/** The same names as strings with their lengths (no strlen on the request path). */
extern const otel_str_t api_tel_method_strs[API_TEL_METHODS];
/* Response status codes that get pre-bound series; others take the unbound path. */
#define API_TEL_STATUS_SLOTS 21

/** The method index of `m` (API_TEL_METHOD_OTHER when not one of the nine). */
int api_tel_method_index(h2o_iovec_t m);
/** The pre-bound slot of a status code, or -1. */
int api_tel_status_slot(int status);
/** "500" etc. for a status code 100..599 (written into out), else "_OTHER". */
otel_str_t api_tel_status_text(int status, char out[4]);
/** "1.1", "2", "1.0" for h2o's version number. */
const char *api_tel_protocol_version(int version);
/** api_tel_protocol_version as a string with its length. */
otel_str_t api_tel_protocol_version_str(int version);

typedef _Atomic(otel_bound_instrument_t *) api_tel_bound_slot_t;

/** One route's runtime telemetry: switches, span names, and series bound on first use. */
typedef struct api_tel_route {
    otel_str_t route; /* empty for "no route matched" */
    bool trace, metrics;
    uint64_t sample_threshold; /* trace id low 64 bits below this keep a new trace; UINT64_MAX with `sample_all` */
    bool sample_all;
    size_t extra_count;
    otel_attribute_t extra[API_TEL_MAX_EXTRA_ATTRS];
    char span_name[API_TEL_METHODS][96];
    size_t span_name_len[API_TEL_METHODS];
    /* [method][status slot][protocol: 1.0, 1.1, 2] */
    api_tel_bound_slot_t duration[API_TEL_METHODS][API_TEL_STATUS_SLOTS][3];
    api_tel_bound_slot_t req_size[API_TEL_METHODS][API_TEL_STATUS_SLOTS][3];
    api_tel_bound_slot_t resp_size[API_TEL_METHODS][API_TEL_STATUS_SLOTS][3];
    otel_bound_instrument_t *requests;
    otel_bound_instrument_t *failed_4xx, *failed_5xx;
} api_tel_route_t;

typedef struct api_tel {
    bool enabled;
    api_tel_settings_t settings;
    otel_resource_t *resource;
    otel_tracer_provider_t *tracer_provider;
    otel_tracer_t *tracer;
    otel_meter_provider_t *meter_provider;
    otel_periodic_reader_t *reader;
    otel_meter_t *meter;
    otel_logger_provider_t *logger_provider;
    otel_logger_t *logger;
    otel_propagator_t *propagator;
    FILE *files[3];
    otel_sampler_t *inner_sampler; /* the configured sampler when wrapped by the route-ratio one */
    otel_instrument_t *duration, *active, *req_size, *resp_size, *client_duration, *requests, *failed;
    otel_instrument_t *throttle_runs, *throttle_generations;
    otel_bound_instrument_t *active_by_method[API_TEL_METHODS];
    api_tel_route_t routes[API_TEL_MAX_ROUTES + 1]; /* [api_route_count] = no route */
    size_t route_slots;
} api_tel_t;

extern api_tel_t api_tel;

/** Builds the runtime routes from the settings and binds the seed counters (recording 0). */
void api_tel__routes_init(void);
/** Registers the SDK self-metrics (observable instruments reading the providers' counters). */
int api_tel__self_metrics_init(void);
/** A sampler applying the routes' sample_ratio on top of `inner` (not owned) for new server traces. */
otel_sampler_t *api_tel__route_sampler(otel_sampler_t *inner);
/** The route-ratio sampler decision for the span being started on this thread (set by the middleware). */
extern _Thread_local const api_tel_route_t *api_tel__sampling_route;

#endif
