/* SPDX-License-Identifier: Apache-2.0 */
/* The service's runtime: N event-loop threads with SO_REUSEPORT listeners, request tracking, graceful drain. */
#ifndef H2OTEL_SERVER_H
#define H2OTEL_SERVER_H

#include <pthread.h>
#include <stdatomic.h>

#include <h2o.h>
#include <h2o/http1client.h>

#include "config.h"

typedef struct api_server api_server_t;
typedef struct api_delay_timers api_delay_timers_t;
typedef struct api_worker_pool api_worker_pool_t;

/** One event-loop thread and everything that belongs to it. Touched only by its own thread after start. */
typedef struct api_thread {
    h2o_context_t ctx; /* first member: handlers find their thread from req->conn->ctx */
    api_server_t *server;
    unsigned index;
    pthread_t tid;
    int listen_fd;
    h2o_socket_t *listener;
    h2o_accept_ctx_t accept_ctx;
    h2o_multithread_receiver_t control;     /* drain/stop messages from the main thread */
    h2o_multithread_receiver_t completions; /* finished worker-pool jobs */
    api_delay_timers_t *timers;
    h2o_timeout_t client_io_timeout;
    h2o_timeout_t downstream_deadline;
    h2o_http1client_ctx_t client_ctx;
    h2o_timeout_t log_flush_timeout;
    h2o_timeout_entry_t log_flush_entry;
    int stop;
    atomic_long inflight; /* this loop's requests not yet disposed; written by the loop only, read by main */
} api_thread_t;

struct api_server {
    api_config_t cfg;
    h2o_globalconf_t globalconf;
    api_thread_t *threads;
    h2o_url_t downstream;    /* parsed cfg.downstream_url (points into cfg) */
    uint16_t bound_port;     /* the listening port (resolved when the config says 0) */
    atomic_int draining;     /* 1 after SIGTERM/SIGINT: /readyz says 503 */
    api_worker_pool_t *pool; /* runs the throttle GA */
    char *openapi_json;      /* docs/openapi.yaml as JSON text, or NULL when it could not be loaded */
    size_t openapi_len;
    char openapi_error[512]; /* why openapi_json is NULL */
};

/**
 * Builds the server: h2o configuration, routes, one listening socket per thread (bound now, so a busy port is
 * reported before anything starts), the worker pool. Returns NULL with a one-line reason in err.
 */
api_server_t *api_server_create(const api_config_t *cfg, char *err, size_t errlen);

/** Starts the event-loop threads. Returns 0, or -1 with a reason in err. */
int api_server_start(api_server_t *s, char *err, size_t errlen);

/**
 * Graceful stop, called from the main thread: readiness goes false, listeners close, in-flight requests get up
 * to cfg.shutdown_grace_ms to finish, then loops stop and threads are joined. Returns the number of requests
 * still in flight when the grace period ended (0 for a clean drain).
 */
long api_server_shutdown(api_server_t *s);

/**
 * The server of this process, set by api_server_create. The process exits without tearing h2o down (open
 * keep-alive connections, abandoned requests): this global keeps that state reachable, so leak checkers
 * report only what is really lost.
 */
extern api_server_t *api_server_live;

/** The loop thread that owns a request. */
static inline api_thread_t *api_thread_of(h2o_req_t *req)
{
    return (api_thread_t *)req->conn->ctx;
}

/** Counts req as in flight until h2o disposes of it (the drain waits for the count to reach 0). */
void api_server_track_request(h2o_req_t *req);

#endif
