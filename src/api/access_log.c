/* SPDX-License-Identifier: Apache-2.0 */
/* Access log: an h2o logger that writes one JSON line per finished request through log.c. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "log.h"
#include "routes.h"
#include "telemetry.h"

/* A bounded string builder: this file renders one line per request, so no printf and no heap. */
typedef struct out {
    char *p, *end;
} out_t;

static void put(out_t *o, const char *s, size_t n)
{
    if ((size_t)(o->end - o->p) > n) {
        memcpy(o->p, s, n);
        o->p += n;
    } else {
        o->p = o->end; /* overflow: the caller sees a full buffer and drops the line */
    }
}

#define PUT_LIT(o, lit) put((o), (lit), sizeof(lit) - 1)

static void put_uint(out_t *o, uint64_t v)
{
    char tmp[24], *t = tmp + sizeof(tmp);
    do
        *--t = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    put(o, t, (size_t)(tmp + sizeof(tmp) - t));
}

static void put_escaped(out_t *o, h2o_iovec_t s)
{
    char esc[1024];
    /* Most methods and paths need no escaping: copy them directly (the same bytes api_log_escape would give, which
     * keeps at most sizeof(esc) - 6 of them). */
    if (s.len <= sizeof(esc) - 7) {
        size_t i = 0;
        while (i < s.len && (unsigned char)s.base[i] >= 0x20 && (unsigned char)s.base[i] < 0x7f && s.base[i] != '"' &&
               s.base[i] != '\\')
            i++;
        if (i == s.len) {
            put(o, s.base, s.len);
            return;
        }
    }
    put(o, esc, api_log_escape(esc, sizeof(esc), s.base, s.len));
}

static uint64_t us_between(const struct timeval *a, const struct timeval *b)
{
    if (a->tv_sec == 0 || b->tv_sec == 0 || timercmp(b, a, <))
        return 0;
    return (uint64_t)(b->tv_sec - a->tv_sec) * 1000000 + (uint64_t)(b->tv_usec - a->tv_usec);
}

static void put_peer(out_t *o, h2o_conn_t *conn)
{
    struct sockaddr_storage ss;
    socklen_t len = conn->callbacks->get_peername(conn, (struct sockaddr *)&ss);
    if (len != 0 && ss.ss_family == AF_INET) {
        const uint8_t *a = (const uint8_t *)&((struct sockaddr_in *)&ss)->sin_addr;
        for (int i = 0; i < 4; i++) {
            if (i)
                PUT_LIT(o, ".");
            put_uint(o, a[i]);
        }
    } else if (len != 0 && ss.ss_family == AF_INET6) {
        char text[INET6_ADDRSTRLEN];
        if (inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, text, sizeof(text)) != NULL)
            put(o, text, strlen(text));
    }
}

static void log_access(h2o_logger_t *self, h2o_req_t *req)
{
    (void)self;
    if (!api_log_enabled(API_LOG_INFO))
        return;
    const struct timeval *end =
        req->timestamps.response_end_at.tv_sec != 0 ? &req->timestamps.response_end_at : &req->processed_at.at;
    uint64_t us = us_between(&req->timestamps.request_begin_at, end);
    char fields[1536];
    out_t o = {fields, fields + sizeof(fields)};
    PUT_LIT(&o, "\"method\":\"");
    put_escaped(&o, req->method);
    PUT_LIT(&o, "\",\"path\":\"");
    put_escaped(&o, req->path);
    PUT_LIT(&o, "\",\"status\":");
    put_uint(&o, (uint64_t)(req->res.status > 0 ? req->res.status : 0));
    PUT_LIT(&o, ",\"duration_ms\":");
    put_uint(&o, us / 1000);
    char frac[4] = {'.', (char)('0' + us / 100 % 10), (char)('0' + us / 10 % 10), (char)('0' + us % 10)};
    put(&o, frac, 4);
    PUT_LIT(&o, ",\"bytes_sent\":");
    put_uint(&o, req->bytes_sent);
    PUT_LIT(&o, ",\"peer\":\"");
    put_peer(&o, req->conn);
    PUT_LIT(&o, "\",\"thread\":");
    put_uint(&o, ((api_thread_t *)req->conn->ctx)->index);
    char ids[96]; /* trace correlation: the request's server span, when traced */
    put(&o, ids, api_telemetry_log_ids(req, ids, sizeof(ids)));
    if (o.p < o.end)
        api_log_raw(API_LOG_INFO, "request", fields, (size_t)(o.p - fields));
}

void api_access_log_register(h2o_pathconf_t *pathconf)
{
    h2o_logger_t *logger = h2o_create_logger(pathconf, sizeof(*logger));
    logger->log_access = log_access;
}
