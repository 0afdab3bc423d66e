/* SPDX-License-Identifier: Apache-2.0 */
/* POST /test/tracecontext: the W3C Trace Context conformance suite's test service (only with test_endpoints). */
#include <string.h>

#include "reply.h"
#include "routes.h"
#include "telemetry.h"

/* In the request's pool: the list of calls and the one in progress. */
typedef struct tc_state {
    h2o_req_t *req;
    api_thread_t *thread;
    json_t *calls; /* the request body: [{"url": ..., "arguments": [...]}, ...] */
    size_t next;
    h2o_http1client_t *client; /* the call in progress, NULL between calls */
    api_client_call_t call;
    int call_open;
    h2o_iovec_t request_text;
    h2o_url_t url;
} tc_state_t;

static void next_call(tc_state_t *s);

static void end_current(tc_state_t *s, int status, const char *error_type)
{
    if (s->call_open) {
        s->call_open = 0;
        api_telemetry_client_end(&s->call, status, status > 0 ? NULL : error_type);
    }
}

static int on_body(h2o_http1client_t *client, const char *errstr)
{
    tc_state_t *s = client->data;
    h2o_buffer_consume(&client->sock->input, client->sock->input->size);
    if (errstr == NULL)
        return 0;
    s->client = NULL;
    end_current(s, 0, "connection_error"); /* a no-op when the head already ended it */
    next_call(s);
    return errstr == h2o_http1client_error_is_eos ? 0 : -1;
}

static h2o_http1client_body_cb on_head(h2o_http1client_t *client, const char *errstr, int minor_version, int status,
                                       h2o_iovec_t msg, h2o_header_t *headers, size_t num_headers, int rlen)
{
    (void)minor_version, (void)msg, (void)headers, (void)num_headers, (void)rlen;
    tc_state_t *s = client->data;
    if (errstr != NULL) {
        s->client = NULL;
        end_current(s, errstr == h2o_http1client_error_is_eos ? status : 0, "connection_error");
        next_call(s);
        return NULL;
    }
    end_current(s, status, NULL); /* the answer's status is what the span records; the body is discarded */
    return on_body;
}

static h2o_http1client_head_cb on_connect(h2o_http1client_t *client, const char *errstr, h2o_iovec_t **reqbufs,
                                          size_t *reqbufcnt, int *method_is_head)
{
    tc_state_t *s = client->data;
    if (errstr != NULL) {
        s->client = NULL;
        end_current(s, 0, "connection_error");
        next_call(s);
        return NULL;
    }
    *reqbufs = &s->request_text;
    *reqbufcnt = 1;
    *method_is_head = 0;
    return on_head;
}

static void next_call(tc_state_t *s)
{
    while (s->next < json_array_size(s->calls)) {
        json_t *item = json_array_get(s->calls, s->next++);
        const char *url = json_string_value(json_object_get(item, "url"));
        json_t *args = json_object_get(item, "arguments");
        if (url == NULL || strncmp(url, "http://", 7) != 0 ||
            h2o_url_parse(h2o_strdup(&s->req->pool, url, SIZE_MAX).base, strlen(url), &s->url) != 0)
            continue; /* not something we can call: skip it, as the suite's reference services do */
        char *body = json_dumps(args != NULL ? args : json_array(), JSON_COMPACT);
        if (body == NULL)
            continue;
        char hdrs[1024];
        size_t hl = api_telemetry_client_begin(s->req, &s->call, "POST", &s->url, hdrs, sizeof(hdrs));
        s->call_open = 1;
        size_t blen = strlen(body), cap = 256 + s->url.path.len + s->url.authority.len + hl + blen;
        s->request_text.base = h2o_mem_alloc_pool(&s->req->pool, cap);
        s->request_text.len = (size_t)snprintf(
            s->request_text.base, cap,
            "POST %.*s HTTP/1.1\r\nHost: %.*s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
            "Connection: close\r\n%.*s\r\n%s",
            (int)s->url.path.len, s->url.path.base, (int)s->url.authority.len, s->url.authority.base, blen, (int)hl,
            hdrs, body);
        free(body);
        h2o_http1client_connect(&s->client, s, &s->thread->client_ctx, s->url.host, h2o_url_get_port(&s->url), 0,
                                on_connect);
        return; /* continues in the callbacks */
    }
    api_reply(s->req, 200, "{}", 2);
}

static void on_dispose(void *p)
{
    tc_state_t *s = p;
    if (s->client != NULL)
        h2o_http1client_cancel(s->client);
    end_current(s, 0, "cancelled");
    json_decref(s->calls);
}

int api_route_test_tracecontext(h2o_req_t *req, api_thread_t *t)
{
    json_error_t jerr;
    json_t *calls = json_loadb(req->entity.base != NULL ? req->entity.base : "", req->entity.len, 0, &jerr);
    if (!json_is_array(calls)) {
        json_decref(calls);
        api_reply_error(req, 400, "invalid_request", "body: expected a JSON array of {\"url\", \"arguments\"}");
        return 0;
    }
    tc_state_t *s = h2o_mem_alloc_shared(&req->pool, sizeof(*s), on_dispose);
    *s = (tc_state_t){.req = req, .thread = t, .calls = calls};
    next_call(s);
    return 0;
}
