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
    json_t *fields =
        json_pack("{s:s#, s:s#, s:i, s:f, s:I, s:s, s:i}", "method", req->method.base, (int)req->method.len, "path",
                  req->path.base, (int)req->path.len, "status", req->res.status, "duration_ms",
                  ms_between(&req->timestamps.request_begin_at, end), "bytes_sent", (json_int_t)req->bytes_sent, "peer",
                  peer, "thread", (int)((api_thread_t *)req->conn->ctx)->index);
    if (fields == NULL) /* a path that is not UTF-8 */
        fields = json_pack("{s:s#, s:s, s:i}", "method", req->method.base, (int)req->method.len, "path", "(not UTF-8)",
                           "status", req->res.status);
    api_log(API_LOG_INFO, "request", fields);
}

void api_access_log_register(h2o_pathconf_t *pathconf)
{
    h2o_logger_t *logger = h2o_create_logger(pathconf, sizeof(*logger));
    logger->log_access = log_access;
}
