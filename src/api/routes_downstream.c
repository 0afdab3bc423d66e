/* SPDX-License-Identifier: Apache-2.0 */
/* GET /api/v1/dummy/call-downstream: a non-blocking GET (h2o http1client) to the configured URL, with a deadline. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "reply.h"
#include "routes.h"
#include "telemetry.h"

#define MAX_DOWNSTREAM_BODY (1024 * 1024)

/* Lives in the request's pool; on_dispose cancels whatever is still pending, so a client that goes away early
 * never leaves a callback pointing at a freed request. */
typedef struct downstream_call {
    h2o_req_t *req;
    api_thread_t *thread;
    h2o_http1client_t *client; /* NULL once the client is finished or cancelled */
    h2o_timeout_entry_t deadline;
    h2o_iovec_t request_text;
    int status;
    char *body;
    size_t body_len;
    int done;               /* a response was sent */
    api_client_call_t call; /* the CLIENT span and http.client.request.duration */
    int call_ended;
} downstream_call_t;

/* Ends the client telemetry once: `status` is what the downstream answered (0: no answer). */
static void end_call(downstream_call_t *c, int status, const char *error_type)
{
    if (c->call_ended)
        return;
    c->call_ended = 1;
    api_telemetry_client_end(&c->call, status, status > 0 ? NULL : error_type);
}

static void finish_error(downstream_call_t *c, int status, const char *code, const char *what, const char *detail)
{
    if (c->done)
        return;
    c->done = 1;
    if (h2o_timeout_is_linked(&c->deadline))
        h2o_timeout_unlink(&c->deadline);
    end_call(c, c->status, status == 504 ? "timeout" : "connection_error");
    api_log(
        API_LOG_WARN, "downstream call failed",
        json_pack("{s:s, s:s, s:i}", "url", c->thread->server->cfg.downstream_url, "reason", detail, "status", status));
    api_reply_error(c->req, status, code, "%s: %s", what, detail);
}

static void finish_ok(downstream_call_t *c)
{
    if (c->done)
        return;
    if (c->status < 200 || c->status > 299) {
        char why[64];
        snprintf(why, sizeof(why), "status %d", c->status);
        finish_error(c, 502, "bad_gateway", "downstream answered", why);
        return;
    }
    json_error_t jerr;
    json_t *doc = json_loadb(c->body != NULL ? c->body : "", c->body_len, JSON_DECODE_ANY, &jerr);
    if (doc == NULL) {
        finish_error(c, 502, "bad_gateway", "downstream body is not JSON", jerr.text);
        return;
    }
    c->done = 1;
    h2o_timeout_unlink(&c->deadline);
    end_call(c, c->status, NULL);
    api_reply_json(c->req, 200, json_pack("{s:s, s:o}", "message", "called downstream", "downstream", doc));
}

static void fail_from_client(downstream_call_t *c, const char *errstr)
{
    c->client = NULL; /* h2o closes the client after a callback that received an error */
    if (strstr(errstr, "timeout") != NULL)
        finish_error(c, 504, "gateway_timeout", "downstream timed out", errstr);
    else
        finish_error(c, 502, "bad_gateway", "downstream call failed", errstr);
}

static int on_body(h2o_http1client_t *client, const char *errstr)
{
    downstream_call_t *c = client->data;
    if (errstr != NULL && errstr != h2o_http1client_error_is_eos) {
        fail_from_client(c, errstr);
        return -1;
    }
    h2o_buffer_t *in = client->sock->input;
    if (in->size != 0) {
        if (c->body_len + in->size > MAX_DOWNSTREAM_BODY) {
            h2o_buffer_consume(&client->sock->input, in->size);
            c->client = NULL; /* returning -1 closes it */
            finish_error(c, 502, "bad_gateway", "downstream call failed", "response body too large");
            return -1;
        }
        c->body = h2o_mem_realloc(c->body, c->body_len + in->size);
        memcpy(c->body + c->body_len, in->bytes, in->size);
        c->body_len += in->size;
        h2o_buffer_consume(&client->sock->input, in->size);
    }
    if (errstr == h2o_http1client_error_is_eos) {
        c->client = NULL;
        finish_ok(c);
    }
    return 0;
}

static h2o_http1client_body_cb on_head(h2o_http1client_t *client, const char *errstr, int minor_version, int status,
                                       h2o_iovec_t msg, h2o_header_t *headers, size_t num_headers, int rlen)
{
    (void)minor_version, (void)msg, (void)headers, (void)num_headers, (void)rlen;
    downstream_call_t *c = client->data;
    if (errstr != NULL && errstr != h2o_http1client_error_is_eos) {
        fail_from_client(c, errstr);
        return NULL;
    }
    c->status = status;
    if (errstr == h2o_http1client_error_is_eos) {
        c->client = NULL;
        finish_ok(c);
        return NULL;
    }
    return on_body;
}

static h2o_http1client_head_cb on_connect(h2o_http1client_t *client, const char *errstr, h2o_iovec_t **reqbufs,
                                          size_t *reqbufcnt, int *method_is_head)
{
    downstream_call_t *c = client->data;
    if (errstr != NULL) {
        fail_from_client(c, errstr);
        return NULL;
    }
    *reqbufs = &c->request_text;
    *reqbufcnt = 1;
    *method_is_head = 0;
    return on_head;
}

static void on_deadline(h2o_timeout_entry_t *entry)
{
    downstream_call_t *c = (downstream_call_t *)((char *)entry - offsetof(downstream_call_t, deadline));
    if (c->client != NULL) {
        h2o_http1client_cancel(c->client);
        c->client = NULL;
    }
    char why[64];
    snprintf(why, sizeof(why), "no answer within %u ms", c->thread->server->cfg.downstream_timeout_ms);
    finish_error(c, 504, "gateway_timeout", "downstream timed out", why);
}

static void on_dispose(void *p)
{
    downstream_call_t *c = p;
    if (c->client != NULL)
        h2o_http1client_cancel(c->client);
    if (h2o_timeout_is_linked(&c->deadline))
        h2o_timeout_unlink(&c->deadline);
    end_call(c, 0, "cancelled");
    free(c->body);
}

int api_route_call_downstream(h2o_req_t *req, api_thread_t *t)
{
    const h2o_url_t *url = &t->server->downstream;
    downstream_call_t *c = h2o_mem_alloc_shared(&req->pool, sizeof(*c), on_dispose);
    *c = (downstream_call_t){.req = req, .thread = t, .deadline = {.cb = on_deadline}};
    char trace_headers[1024]; /* traceparent, tracestate, baggage of the CLIENT span */
    size_t th = api_telemetry_client_begin(req, &c->call, "GET", url, trace_headers, sizeof(trace_headers));
    static const char fmt[] = "GET %.*s HTTP/1.1\r\nHost: %.*s\r\nAccept: application/json\r\n"
                              "Connection: close\r\nUser-Agent: h2otel/" H2OTEL_VERSION "\r\n%.*s\r\n";
    size_t cap = sizeof(fmt) + url->path.len + url->authority.len + th;
    c->request_text.base = h2o_mem_alloc_pool(&req->pool, cap);
    c->request_text.len = (size_t)snprintf(c->request_text.base, cap, fmt, (int)url->path.len, url->path.base,
                                           (int)url->authority.len, url->authority.base, (int)th, trace_headers);
    h2o_timeout_link(t->ctx.loop, &t->downstream_deadline, &c->deadline);
    h2o_http1client_connect(&c->client, c, &t->client_ctx, url->host, h2o_url_get_port(url), 0, on_connect);
    if (c->done)
        c->client = NULL; /* failed synchronously: the client is already gone */
    return 0;
}
