/* SPDX-License-Identifier: Apache-2.0 */
/* Event-loop threads, SO_REUSEPORT listeners, in-flight tracking and the SIGTERM drain sequence. */
#include "server.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "delay.h"
#include "log.h"
#include "routes.h"
#include "telemetry.h"
#include "worker_pool.h"

enum control_kind { CONTROL_DRAIN, CONTROL_STOP };

typedef struct control_msg {
    h2o_multithread_message_t super;
    enum control_kind kind;
} control_msg_t;

api_server_t *api_server_live;
static h2o_barrier_t started;

static int open_listener(const char *host, uint16_t port, char *err, size_t errlen)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE}, *res;
    char portstr[8];
    snprintf(portstr, sizeof(portstr), "%u", port);
    int gai = getaddrinfo(host, portstr, &hints, &res);
    if (gai != 0) {
        snprintf(err, errlen, "h2otel: cannot resolve listen host '%s': %s", host, gai_strerror(gai));
        return -1;
    }
    int fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), on = 1;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) != 0 ||
        setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on)) != 0 ||
        bind(fd, res->ai_addr, res->ai_addrlen) != 0 || listen(fd, 1024) != 0) {
        snprintf(err, errlen, "h2otel: cannot listen on %s:%u: %s", host, port, strerror(errno));
        if (fd >= 0)
            close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    return fd;
}

static uint16_t bound_port_of(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
        return 0;
    return ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                          : ((struct sockaddr_in *)&ss)->sin_port);
}

api_server_t *api_server_create(const api_config_t *cfg, char *err, size_t errlen)
{
    api_server_t *s = calloc(1, sizeof(*s));
    if (s == NULL) {
        snprintf(err, errlen, "h2otel: out of memory");
        return NULL;
    }
    s->cfg = *cfg;
    if (h2o_url_parse(s->cfg.downstream_url, strlen(s->cfg.downstream_url), &s->downstream) != 0) {
        snprintf(err, errlen, "h2otel: key 'service.downstream.url': not a valid URL: '%s'", s->cfg.downstream_url);
        free(s);
        return NULL;
    }
    h2o_config_init(&s->globalconf);
    s->globalconf.max_request_entity_size = s->cfg.max_body_bytes;
    s->globalconf.server_name = h2o_iovec_init(H2O_STRLIT("h2otel"));
    h2o_hostconf_t *host = h2o_config_register_host(&s->globalconf, h2o_iovec_init(H2O_STRLIT("default")), 65535);
    h2o_pathconf_t *root = h2o_config_register_path(host, "/", 0);
    api_router_register(root, s);
    api_telemetry_register(root); /* the middleware's finishing step, run by h2o as each request is disposed of */
    /* h2o answers an oversized body before routing, on the host's fallback path: filter both. */
    api_error_filter_register(root);
    api_error_filter_register(&host->fallback_path);
    if (s->cfg.access_log) {
        api_access_log_register(root);
        api_access_log_register(&host->fallback_path);
    }
    api_openapi_load(s);

    s->threads = calloc(s->cfg.threads, sizeof(*s->threads));
    if (s->threads == NULL) {
        snprintf(err, errlen, "h2otel: out of memory");
        return NULL;
    }
    uint16_t port = s->cfg.listen_port;
    for (unsigned i = 0; i < s->cfg.threads; i++) {
        api_thread_t *t = &s->threads[i];
        t->server = s;
        t->index = i;
        t->listen_fd = open_listener(s->cfg.listen_host, port, err, errlen);
        if (t->listen_fd < 0) {
            while (i-- > 0)
                close(s->threads[i].listen_fd);
            return NULL; /* the h2o configuration stays allocated: we are about to exit */
        }
        if (i == 0)
            port = s->bound_port = bound_port_of(t->listen_fd); /* port 0: every thread shares the chosen one */
    }
    s->pool = api_worker_pool_create(s->cfg.throttle_workers, s->cfg.throttle_queue);
    if (s->pool == NULL) {
        snprintf(err, errlen, "h2otel: cannot start %u worker threads", s->cfg.throttle_workers);
        return NULL;
    }
    api_server_live = s;
    return s;
}

/* One counter per loop thread: no cache line shared between loops on the request path. */
static void on_request_dispose(void *p)
{
    api_thread_t *t = *(api_thread_t **)p;
    atomic_fetch_sub_explicit(&t->inflight, 1, memory_order_relaxed);
}

void api_server_track_request(h2o_req_t *req)
{
    api_thread_t *t = api_thread_of(req);
    api_thread_t **slot = h2o_mem_alloc_shared(&req->pool, sizeof(*slot), on_request_dispose);
    *slot = t;
    atomic_fetch_add_explicit(&t->inflight, 1, memory_order_relaxed);
}

static long inflight_total(api_server_t *s)
{
    long n = 0;
    for (unsigned i = 0; i < s->cfg.threads; i++)
        n += atomic_load_explicit(&s->threads[i].inflight, memory_order_relaxed);
    return n;
}

static void on_accept(h2o_socket_t *listener, const char *err)
{
    if (err != NULL)
        return;
    api_thread_t *t = listener->data;
    h2o_socket_t *sock;
    for (int i = 0; i < 16 && (sock = h2o_evloop_socket_accept(listener)) != NULL; i++)
        h2o_accept(&t->accept_ctx, sock);
}

static void on_control(h2o_multithread_receiver_t *receiver, h2o_linklist_t *messages)
{
    api_thread_t *t = H2O_STRUCT_FROM_MEMBER(api_thread_t, control, receiver);
    while (!h2o_linklist_is_empty(messages)) {
        control_msg_t *m = H2O_STRUCT_FROM_MEMBER(control_msg_t, super.link, messages->next);
        h2o_linklist_unlink(&m->super.link);
        if (m->kind == CONTROL_DRAIN && t->listener != NULL) {
            h2o_socket_read_stop(t->listener);
            h2o_socket_close(t->listener); /* closes listen_fd */
            t->listener = NULL;
            h2o_context_request_shutdown(&t->ctx); /* keep-alive connections close after their response */
        } else if (m->kind == CONTROL_STOP) {
            t->stop = 1;
        }
        free(m);
    }
}

#define LOG_FLUSH_MS 100

static void on_log_flush(h2o_timeout_entry_t *entry)
{
    api_thread_t *t = H2O_STRUCT_FROM_MEMBER(api_thread_t, log_flush_entry, entry);
    api_log_flush();
    h2o_timeout_link(t->ctx.loop, &t->log_flush_timeout, entry);
}

static void *thread_main(void *arg)
{
    api_thread_t *t = arg;
    api_server_t *s = t->server;
    h2o_loop_t *loop = h2o_evloop_create();
    h2o_context_init(&t->ctx, loop, &s->globalconf);
    h2o_multithread_register_receiver(t->ctx.queue, &t->control, on_control);
    h2o_multithread_register_receiver(t->ctx.queue, &t->completions, api_throttle_on_completions);
    t->timers = api_delay_timers_create(loop);
    h2o_timeout_init(loop, &t->downstream_deadline, s->cfg.downstream_timeout_ms);
    /* Longer than the deadline so the deadline decides, and its 504 is the one the client sees. */
    h2o_timeout_init(loop, &t->client_io_timeout, (uint64_t)s->cfg.downstream_timeout_ms + 1000);
    t->client_ctx = (h2o_http1client_ctx_t){
        .loop = loop, .getaddr_receiver = &t->ctx.receivers.hostinfo_getaddr, .io_timeout = &t->client_io_timeout};
    t->accept_ctx = (h2o_accept_ctx_t){.ctx = &t->ctx, .hosts = s->globalconf.hosts};
    t->listener = h2o_evloop_socket_create(loop, t->listen_fd, H2O_SOCKET_FLAG_DONT_READ);
    t->listener->data = t;
    h2o_socket_read_start(t->listener, on_accept);
    /* Access-log lines are buffered per loop and written every LOG_FLUSH_MS: no write(2) per request. */
    api_log_buffer_begin(64 * 1024);
    h2o_timeout_init(loop, &t->log_flush_timeout, LOG_FLUSH_MS);
    t->log_flush_entry = (h2o_timeout_entry_t){.cb = on_log_flush};
    h2o_timeout_link(loop, &t->log_flush_timeout, &t->log_flush_entry);
    h2o_barrier_wait(&started);
    while (!t->stop)
        h2o_evloop_run(loop, INT32_MAX);
    h2o_evloop_run(loop, 0); /* deliver messages posted just before the stop */
    api_log_buffer_end();
    return NULL;
}

int api_server_start(api_server_t *s, char *err, size_t errlen)
{
    h2o_barrier_init(&started, s->cfg.threads + 1);
    for (unsigned i = 0; i < s->cfg.threads; i++) {
        if (pthread_create(&s->threads[i].tid, NULL, thread_main, &s->threads[i]) != 0) {
            snprintf(err, errlen, "h2otel: cannot start event-loop thread %u", i);
            return -1;
        }
    }
    h2o_barrier_wait(&started);
    return 0;
}

static void broadcast(api_server_t *s, enum control_kind kind)
{
    for (unsigned i = 0; i < s->cfg.threads; i++) {
        control_msg_t *m = h2o_mem_alloc(sizeof(*m));
        *m = (control_msg_t){.kind = kind};
        h2o_multithread_send_message(&s->threads[i].control, &m->super);
    }
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

long api_server_shutdown(api_server_t *s)
{
    atomic_store(&s->draining, 1);
    broadcast(s, CONTROL_DRAIN);
    uint64_t deadline = now_ms() + s->cfg.shutdown_grace_ms;
    long left;
    /* The main thread is no event loop: polling the counter every 10 ms costs nothing and keeps loops lock-free. */
    while ((left = inflight_total(s)) > 0 && now_ms() < deadline)
        nanosleep(&(struct timespec){.tv_nsec = 10 * 1000000}, NULL);
    api_worker_pool_stop(s->pool); /* queued GA runs come back unrun and answer 503; later submits get 503 */
    broadcast(s, CONTROL_STOP);
    for (unsigned i = 0; i < s->cfg.threads; i++)
        pthread_join(s->threads[i].tid, NULL);
    api_worker_pool_destroy(s->pool);
    s->pool = NULL;
    return left;
}
