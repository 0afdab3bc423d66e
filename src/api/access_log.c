/* SPDX-License-Identifier: Apache-2.0 */
/* Access log: an h2o logger that writes one JSON line per finished request through log.c. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "log.h"
#include "routes.h"

static double ms_between(const struct timeval *a, const struct timeval *b)
{
    if (a->tv_sec == 0 || b->tv_sec == 0)
        return 0;
    return (double)(b->tv_sec - a->tv_sec) * 1e3 + (double)(b->tv_usec - a->tv_usec) / 1e3;
}

static void log_access(h2o_logger_t *self, h2o_req_t *req)
{
    (void)self;
    if (!api_log_enabled(API_LOG_INFO))
        return;
    char peer[INET6_ADDRSTRLEN] = "";
    struct sockaddr_storage ss;
    socklen_t sslen = req->conn->callbacks->get_peername(req->conn, (struct sockaddr *)&ss);
    if (sslen != 0 && ss.ss_family == AF_INET)
        inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, peer, sizeof(peer));
    else if (sslen != 0 && ss.ss_family == AF_INET6)
        inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, peer, sizeof(peer));
    const struct timeval *end =
        req->timestamps.response_end_at.tv_sec != 0 ? &req->timestamps.response_end_at : &req->processed_at.at;
    /* Rendered by hand: this runs once per request on the event loop, so no jansson objects, no heap. */
    char method[64], path[1024], fields[1536];
    api_log_escape(method, sizeof(method), req->method.base, req->method.len);
    api_log_escape(path, sizeof(path), req->path.base, req->path.len);
    int n = snprintf(fields, sizeof(fields),
                     "\"method\":\"%s\",\"path\":\"%s\",\"status\":%d,\"duration_ms\":%.3f,\"bytes_sent\":%zu,"
                     "\"peer\":\"%s\",\"thread\":%u",
                     method, path, req->res.status, ms_between(&req->timestamps.request_begin_at, end), req->bytes_sent,
                     peer, ((api_thread_t *)req->conn->ctx)->index);
    if (n > 0 && (size_t)n < sizeof(fields))
        api_log_raw(API_LOG_INFO, "request", fields, (size_t)n);
}

void api_access_log_register(h2o_pathconf_t *pathconf)
{
    h2o_logger_t *logger = h2o_create_logger(pathconf, sizeof(*logger));
    logger->log_access = log_access;
}
