/* SPDX-License-Identifier: Apache-2.0 */
/* A tiny OTLP gRPC server for tests (grpc core server API): records requests, answers as scripted.
 * Included by the test files that use it (not a test executable itself). */
#include "otlp_test_server.h"
#include <grpc/byte_buffer.h>
#include <grpc/byte_buffer_reader.h>
#include <grpc/grpc.h>
#include <grpc/grpc_security.h>
#include <grpc/support/alloc.h>
#include <grpc/support/time.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "h2otel/rpc/status.pb-c.h"

struct ts_server {
    grpc_server *server;
    grpc_completion_queue *cq;
    int port;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    ts_answer_t script[TS_MAX_SCRIPT];
    size_t script_len, script_pos;
    ts_request_t requests[TS_MAX_REQUESTS];
    size_t request_count;
    volatile bool stopping;
    bool shutdown_seen; /* the server's shutdown notification (tag 4) came */
};

static uint64_t ts_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static bool ts_wait_tag(ts_server_t *s, void *tag)
{
    for (;;) {
        grpc_event ev = grpc_completion_queue_next(s->cq, gpr_inf_future(GPR_CLOCK_REALTIME), NULL);
        if (ev.type == GRPC_QUEUE_SHUTDOWN)
            return false;
        if (ev.tag == (void *)4)
            s->shutdown_seen = true;
        if (ev.tag == tag)
            return ev.success;
    }
}

/* google.rpc.Status{code, message, details=[Any{RetryInfo{delay}}]} packed. */
static grpc_slice ts_status_details(int code, const char *message, int64_t delay_ms)
{
    H2otel__Rpc__Duration delay = H2OTEL__RPC__DURATION__INIT;
    delay.seconds = delay_ms / 1000;
    delay.nanos = (int32_t)(delay_ms % 1000) * 1000000;
    H2otel__Rpc__RetryInfo info = H2OTEL__RPC__RETRY_INFO__INIT;
    info.retry_delay = &delay;
    uint8_t info_buf[64];
    size_t info_len = h2otel__rpc__retry_info__pack(&info, info_buf);
    H2otel__Rpc__Any any = H2OTEL__RPC__ANY__INIT;
    any.type_url = "type.googleapis.com/google.rpc.RetryInfo";
    any.value.data = info_buf;
    any.value.len = info_len;
    H2otel__Rpc__Any *details[] = {&any};
    H2otel__Rpc__Status status = H2OTEL__RPC__STATUS__INIT;
    status.code = code;
    status.message = (char *)message;
    status.n_details = 1;
    status.details = details;
    uint8_t buf[512];
    size_t len = h2otel__rpc__status__pack(&status, buf);
    return grpc_slice_from_copied_buffer((const char *)buf, len);
}

static void ts_serve_one(ts_server_t *s, grpc_call *call, grpc_call_details *details, grpc_metadata_array *md)
{
    ts_request_t req;
    memset(&req, 0, sizeof(req));
    req.at_ns = ts_now_ns();
    char *method = grpc_slice_to_c_string(details->method);
    snprintf(req.method, sizeof(req.method), "%s", method);
    gpr_free(method);
    size_t off = 0;
    for (size_t i = 0; i < md->count && off < sizeof(req.headers); i++)
        off += (size_t)snprintf(req.headers + off, sizeof(req.headers) - off, "%.*s=%.*s\n",
                                (int)GRPC_SLICE_LENGTH(md->metadata[i].key), GRPC_SLICE_START_PTR(md->metadata[i].key),
                                (int)GRPC_SLICE_LENGTH(md->metadata[i].value),
                                GRPC_SLICE_START_PTR(md->metadata[i].value));

    grpc_byte_buffer *body = NULL;
    grpc_op ops[2];
    memset(ops, 0, sizeof(ops));
    ops[0].op = GRPC_OP_SEND_INITIAL_METADATA;
    ops[1].op = GRPC_OP_RECV_MESSAGE;
    ops[1].data.recv_message.recv_message = &body;
    if (grpc_call_start_batch(call, ops, 2, (void *)1, NULL) != GRPC_CALL_OK || !ts_wait_tag(s, (void *)1))
        return;
    if (body != NULL) {
        req.compressed = body->data.raw.compression != GRPC_COMPRESS_NONE;
        grpc_byte_buffer_reader reader;
        grpc_byte_buffer_reader_init(&reader, body);
        grpc_slice all = grpc_byte_buffer_reader_readall(&reader);
        grpc_byte_buffer_reader_destroy(&reader);
        req.len = GRPC_SLICE_LENGTH(all);
        req.body = malloc(req.len ? req.len : 1);
        memcpy(req.body, GRPC_SLICE_START_PTR(all), req.len);
        grpc_slice_unref(all);
        grpc_byte_buffer_destroy(body);
    }

    ts_answer_t answer = {.code = GRPC_STATUS_OK, .retry_delay_ms = -1};
    pthread_mutex_lock(&s->lock);
    if (s->script_pos < s->script_len)
        answer = s->script[s->script_pos++];
    if (s->request_count < TS_MAX_REQUESTS)
        s->requests[s->request_count++] = req;
    else
        free(req.body);
    pthread_cond_broadcast(&s->changed);
    pthread_mutex_unlock(&s->lock);

    for (uint32_t waited = 0; waited < answer.delay_ms && !s->stopping; waited += 10) {
        struct timespec ten_ms = {0, 10000000L};
        nanosleep(&ten_ms, NULL);
    }

    grpc_byte_buffer *reply = NULL;
    grpc_slice reply_slice = grpc_slice_from_copied_buffer((const char *)answer.response, answer.response_len);
    grpc_metadata trailer;
    grpc_slice message = grpc_slice_from_copied_string(answer.message ? answer.message : "");
    int cancelled = 0;
    memset(ops, 0, sizeof(ops));
    grpc_op out[3];
    memset(out, 0, sizeof(out));
    size_t n = 0;
    if (answer.code == GRPC_STATUS_OK) {
        reply = grpc_raw_byte_buffer_create(&reply_slice, 1);
        out[n].op = GRPC_OP_SEND_MESSAGE;
        out[n++].data.send_message.send_message = reply;
    }
    out[n].op = GRPC_OP_SEND_STATUS_FROM_SERVER;
    out[n].data.send_status_from_server.status = (grpc_status_code)answer.code;
    out[n].data.send_status_from_server.status_details = &message;
    if (answer.code != GRPC_STATUS_OK && answer.retry_delay_ms >= 0) {
        trailer.key = grpc_slice_from_static_string("grpc-status-details-bin");
        trailer.value = ts_status_details(answer.code, answer.message ? answer.message : "", answer.retry_delay_ms);
        out[n].data.send_status_from_server.trailing_metadata_count = 1;
        out[n].data.send_status_from_server.trailing_metadata = &trailer;
    }
    n++;
    out[n].op = GRPC_OP_RECV_CLOSE_ON_SERVER;
    out[n++].data.recv_close_on_server.cancelled = &cancelled;
    if (grpc_call_start_batch(call, out, n, (void *)2, NULL) == GRPC_CALL_OK)
        ts_wait_tag(s, (void *)2);
    if (answer.code != GRPC_STATUS_OK && answer.retry_delay_ms >= 0)
        grpc_slice_unref(trailer.value);
    grpc_slice_unref(message);
    grpc_slice_unref(reply_slice);
    if (reply != NULL)
        grpc_byte_buffer_destroy(reply);
}

static void *ts_main(void *arg)
{
    ts_server_t *s = arg;
    while (!s->stopping) {
        grpc_call *call = NULL;
        grpc_call_details details;
        grpc_metadata_array md;
        grpc_call_details_init(&details);
        grpc_metadata_array_init(&md);
        bool ok = grpc_server_request_call(s->server, &call, &details, &md, s->cq, s->cq, (void *)3) == GRPC_CALL_OK &&
                  ts_wait_tag(s, (void *)3);
        if (ok && call != NULL)
            ts_serve_one(s, call, &details, &md);
        if (call != NULL)
            grpc_call_unref(call);
        grpc_call_details_destroy(&details);
        grpc_metadata_array_destroy(&md);
        if (!ok)
            break;
    }
    return NULL;
}

ts_server_t *ts_start(int port)
{
    return ts_start_ex(port, false);
}

ts_server_t *ts_start_ex(int port, bool keep_compressed)
{
    return ts_start_tls(port, keep_compressed, NULL, NULL, NULL);
}

ts_server_t *ts_start_tls(int port, bool keep_compressed, const char *cert_pem, const char *key_pem,
                          const char *client_ca_pem)
{
    grpc_init();
    ts_server_t *s = calloc(1, sizeof(*s));
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->changed, NULL);
    grpc_arg arg = {.type = GRPC_ARG_INTEGER,
                    .key = (char *)GRPC_ARG_ENABLE_PER_MESSAGE_DECOMPRESSION,
                    .value.integer = keep_compressed ? 0 : 1};
    grpc_channel_args args = {.num_args = 1, .args = &arg};
    s->server = grpc_server_create(&args, NULL);
    s->cq = grpc_completion_queue_create_for_next(NULL);
    grpc_server_register_completion_queue(s->server, s->cq, NULL);
    char addr[64];
    snprintf(addr, sizeof(addr), "127.0.0.1:%d", port);
    grpc_ssl_pem_key_cert_pair pair = {.private_key = key_pem, .cert_chain = cert_pem};
    grpc_server_credentials *creds =
        cert_pem != NULL ? grpc_ssl_server_credentials_create(client_ca_pem, &pair, 1, client_ca_pem != NULL, NULL)
                         : grpc_insecure_server_credentials_create();
    s->port = grpc_server_add_http2_port(s->server, addr, creds);
    grpc_server_credentials_release(creds);
    if (s->port == 0) {
        grpc_server_destroy(s->server);
        grpc_completion_queue_shutdown(s->cq);
        grpc_completion_queue_destroy(s->cq);
        free(s);
        grpc_shutdown();
        return NULL;
    }
    grpc_server_start(s->server);
    pthread_create(&s->thread, NULL, ts_main, s);
    return s;
}

int ts_port(const ts_server_t *s)
{
    return s->port;
}

void ts_script(ts_server_t *s, ts_answer_t answer)
{
    pthread_mutex_lock(&s->lock);
    if (s->script_len < TS_MAX_SCRIPT)
        s->script[s->script_len++] = answer;
    pthread_mutex_unlock(&s->lock);
}

size_t ts_request_count(ts_server_t *s)
{
    pthread_mutex_lock(&s->lock);
    size_t n = s->request_count;
    pthread_mutex_unlock(&s->lock);
    return n;
}

ts_request_t ts_request(ts_server_t *s, size_t i)
{
    pthread_mutex_lock(&s->lock);
    ts_request_t r = s->requests[i];
    pthread_mutex_unlock(&s->lock);
    return r;
}

bool ts_wait_requests(ts_server_t *s, size_t n, uint32_t timeout_ms)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += timeout_ms / 1000;
    until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L)
        until.tv_sec++, until.tv_nsec -= 1000000000L;
    pthread_mutex_lock(&s->lock);
    while (s->request_count < n && pthread_cond_timedwait(&s->changed, &s->lock, &until) == 0)
        ;
    bool ok = s->request_count >= n;
    pthread_mutex_unlock(&s->lock);
    return ok;
}

void ts_stop(ts_server_t *s)
{
    if (s == NULL)
        return;
    s->stopping = true;
    grpc_server_shutdown_and_notify(s->server, s->cq, (void *)4);
    grpc_server_cancel_all_calls(s->server);
    pthread_join(s->thread, NULL);
    /* Wait for the shutdown notification (unless the thread saw it), then drain the queue. */
    while (!s->shutdown_seen) {
        grpc_event ev = grpc_completion_queue_next(s->cq, gpr_inf_future(GPR_CLOCK_REALTIME), NULL);
        if (ev.type == GRPC_QUEUE_SHUTDOWN || ev.tag == (void *)4)
            break;
    }
    grpc_completion_queue_shutdown(s->cq);
    for (;;) {
        grpc_event ev = grpc_completion_queue_next(s->cq, gpr_inf_future(GPR_CLOCK_REALTIME), NULL);
        if (ev.type == GRPC_QUEUE_SHUTDOWN)
            break;
    }
    grpc_server_destroy(s->server);
    grpc_completion_queue_destroy(s->cq);
    for (size_t i = 0; i < s->request_count; i++)
        free(s->requests[i].body);
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->changed);
    free(s);
    grpc_shutdown();
}
