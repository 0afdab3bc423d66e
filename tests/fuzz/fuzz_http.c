/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: whole HTTP/1.x requests through h2o 2.2.5 and the service's handler chain, in process.
 *
 * h2o 2.2.5 has no public test harness, so each input is written into one end of a socketpair whose other end
 * is accepted by a real h2o context (the same configuration, router, error filter and routes as the binary),
 * and the event loop runs on the fuzzer's thread until the server closes the connection. Each input is one
 * connection; pipelined requests in one input are served in turn. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "delay.h"
#include "log.h"
#include "routes.h"
#include "server.h"
#include "throttle.h"

#include "fuzz_check.h"

/* The GA itself is covered by its unit tests and fuzz_throttle_json; here (linked with --wrap=throttle_run_ex)
 * every accepted body runs the smallest GA there is, one generation of four, so a valid body costs microseconds
 * rather than milliseconds of fuzzing time. The route has still parsed and validated the request's parameters,
 * and its progress hook still runs. */
throttle_result_t *__real_throttle_run_ex(const throttle_params_t *p, unsigned every, throttle_progress_cb cb,
                                          void *user);
throttle_result_t *__wrap_throttle_run_ex(const throttle_params_t *p, unsigned every, throttle_progress_cb cb,
                                          void *user)
{
    static const char smallest[] = "{\"distance_m\":100,\"population\":4,\"generations\":1}";
    (void)p;
    throttle_params_t *small = throttle_params_parse(smallest, sizeof(smallest) - 1, NULL, 0);
    throttle_result_t *r = small != NULL ? __real_throttle_run_ex(small, every, cb, user) : NULL;
    throttle_params_destroy(small);
    return r;
}

static api_thread_t *thread;
static h2o_loop_t *loop;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* What thread_main in src/api/server.c does for one event-loop thread, minus the listener. */
static int setup(void)
{
    api_config_t cfg;
    api_config_defaults(&cfg);
    snprintf(cfg.listen, sizeof(cfg.listen), "127.0.0.1:0");
    cfg.threads = 1;
    cfg.throttle_workers = 1;
    cfg.throttle_queue = 4;
    cfg.access_log = 0;
    cfg.max_body_bytes = 8192; /* small, so oversized bodies (413) are in reach */
    /* No delay timers: a delayed answer only costs fuzzing time. */
    cfg.dummy_delay = (api_delay_range_t){0, 0};
    cfg.slow_delay = (api_delay_range_t){0, 0};
    cfg.downstream_timeout_ms = 200;
    snprintf(cfg.downstream_url, sizeof(cfg.downstream_url), "http://127.0.0.1:1/"); /* refused: 502 */
    api_log_set_level(API_LOG_ERROR);
    char err[512];
    if (api_config_validate(&cfg, err, sizeof(err)) != 0)
        return fprintf(stderr, "%s\n", err), -1;
    api_server_t *s = api_server_create(&cfg, err, sizeof(err));
    if (s == NULL)
        return fprintf(stderr, "%s\n", err), -1;
    thread = &s->threads[0];
    loop = h2o_evloop_create();
    h2o_context_init(&thread->ctx, loop, &s->globalconf);
    h2o_multithread_register_receiver(thread->ctx.queue, &thread->control, NULL);
    h2o_multithread_register_receiver(thread->ctx.queue, &thread->completions, api_throttle_on_completions);
    thread->timers = api_delay_timers_create(loop);
    h2o_timeout_init(loop, &thread->downstream_deadline, s->cfg.downstream_timeout_ms);
    h2o_timeout_init(loop, &thread->client_io_timeout, (uint64_t)s->cfg.downstream_timeout_ms + 1000);
    thread->client_ctx = (h2o_http1client_ctx_t){.loop = loop,
                                                 .getaddr_receiver = &thread->ctx.receivers.hostinfo_getaddr,
                                                 .io_timeout = &thread->client_io_timeout};
    thread->accept_ctx = (h2o_accept_ctx_t){.ctx = &thread->ctx, .hosts = s->globalconf.hosts};
    return 0;
}

/* Checks that what came back is a sequence of HTTP/1.1 responses (or nothing, for a request h2o drops). */
static void check_response(const char *out, size_t len)
{
    if (len == 0)
        return;
    CHECK(len >= 12 && memcmp(out, "HTTP/1.", 7) == 0 && out[8] == ' ');
    int status = (out[9] - '0') * 100 + (out[10] - '0') * 10 + (out[11] - '0');
    CHECK(status >= 100 && status <= 599);
    /* No 5xx for a malformed request: the service's only 500 is /api/v1/dummy/not-working, and 502/504 come
     * from the downstream route, 503 from overload. Anything else would be a crash-like failure. */
    if (status == 500)
        CHECK(memmem(out, len, "something went wrong", 20) != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (thread == NULL && setup() != 0)
        abort();
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) != 0)
        return 0;
    h2o_socket_t *sock = h2o_evloop_socket_create(loop, sv[0], 0);
    h2o_accept(&thread->accept_ctx, sock);

    static char out[1 << 20];
    size_t out_len = 0, written = 0;
    double deadline = now_s() + 10; /* h2o's own timeouts are longer: anything near this is a hang */
    for (;;) {
        if (written < size) {
            ssize_t n = write(sv[1], data + written, size - written);
            if (n > 0)
                written += (size_t)n;
            if (written == size)
                shutdown(sv[1], SHUT_WR); /* the client is done: h2o sees EOF after the bytes */
        } else if (size == 0 && written == 0) {
            shutdown(sv[1], SHUT_WR);
            written = 1;
        }
        h2o_evloop_run(loop, 1);
        ssize_t n;
        char tmp[65536];
        while ((n = read(sv[1], tmp, sizeof(tmp))) > 0) {
            size_t keep = out_len + (size_t)n <= sizeof(out) ? (size_t)n : sizeof(out) - out_len;
            memcpy(out + out_len, tmp, keep);
            out_len += keep;
        }
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK))
            break; /* the server closed the connection */
        CHECK(now_s() < deadline);
    }
    close(sv[1]);
    if (getenv("FUZZ_HTTP_ECHO") != NULL) /* to see what a corpus file gets back: FUZZ_HTTP_ECHO=1 fuzz_http FILE */
        fwrite(out, 1, out_len, stderr);
    check_response(out, out_len);
    /* Let h2o finish closing its side before the next input. */
    for (int i = 0; i < 4; i++)
        h2o_evloop_run(loop, 0);
    return 0;
}
