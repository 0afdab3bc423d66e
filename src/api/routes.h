/* SPDX-License-Identifier: Apache-2.0 */
/* The route handlers and the router that dispatches to them. Each handler answers (now or later) and returns 0. */
#ifndef H2OTEL_ROUTES_H
#define H2OTEL_ROUTES_H

#include <h2o.h>

#include "server.h"

/** One route: exact path, the one method it answers, its handler. */
typedef struct api_route {
    const char *path;
    const char *method;
    int (*handle)(h2o_req_t *req, api_thread_t *t);
    int test_only; /* exists only when service.test_endpoints is true */
} api_route_t;

/** The route table (the telemetry keys its per-route switches and series by index into it). */
extern const api_route_t api_routes[];
extern const size_t api_route_count;

/** Registers the single h2o handler on "/" that dispatches by exact path and method (JSON 404/405 otherwise). */
void api_router_register(h2o_pathconf_t *pathconf, api_server_t *server);

/** Registers the filter that turns h2o's own plain-text errors (413, 400 ...) into JSON error bodies. */
void api_error_filter_register(h2o_pathconf_t *pathconf);

/** Registers the access logger (one JSON log line per finished request) on pathconf. */
void api_access_log_register(h2o_pathconf_t *pathconf);

int api_route_healthz(h2o_req_t *req, api_thread_t *t);
int api_route_readyz(h2o_req_t *req, api_thread_t *t);
int api_route_openapi(h2o_req_t *req, api_thread_t *t);
int api_route_dummy(h2o_req_t *req, api_thread_t *t);
int api_route_dummy_slow(h2o_req_t *req, api_thread_t *t);
int api_route_not_working(h2o_req_t *req, api_thread_t *t);
int api_route_call_downstream(h2o_req_t *req, api_thread_t *t);
int api_route_throttle_run(h2o_req_t *req, api_thread_t *t);
int api_route_test_tracecontext(h2o_req_t *req, api_thread_t *t);

/** Loads cfg.openapi_file into server->openapi_json (or records why not). Called once at start. */
void api_openapi_load(api_server_t *server);

/** Receiver callback for finished throttle jobs (registered on each loop's completions receiver). */
void api_throttle_on_completions(h2o_multithread_receiver_t *receiver, h2o_linklist_t *messages);

#endif
