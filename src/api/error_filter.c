/* SPDX-License-Identifier: Apache-2.0 */
/* Rewrites the plain-text errors h2o sends by itself (413 for an oversized body, 400 ...) into the JSON error shape. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_body.h"
#include "reply.h"
#include "routes.h"

typedef struct json_error_ostream {
    h2o_ostream_t super;
    h2o_iovec_t body;
    int sent;
} json_error_ostream_t;

static const char *code_for(int status)
{
    switch (status) {
    case 400:
        return "bad_request";
    case 404:
        return "not_found";
    case 405:
        return "method_not_allowed";
    case 413:
        return "payload_too_large";
    case 414:
        return "uri_too_long";
    case 503:
        return "unavailable";
    default:
        return status >= 500 ? "internal" : "error";
    }
}

/* True for "text/plain" and "text/plain; ..." (h2o's own error pages). The value is not NUL-terminated and may be
 * shorter than the prefix, so the length is checked before any byte is compared. */
static int is_text_plain(h2o_iovec_t content_type)
{
    static const char prefix[] = "text/plain";
    size_t n = sizeof(prefix) - 1;
    return content_type.len >= n && h2o_memis(content_type.base, n, prefix, n) &&
           (content_type.len == n || content_type.base[n] == ';' || content_type.base[n] == ' ');
}

/* Swallows h2o's text body and sends the JSON one in its place. */
static void do_send(h2o_ostream_t *self, h2o_req_t *req, h2o_iovec_t *bufs, size_t bufcnt, h2o_send_state_t state)
{
    (void)bufs, (void)bufcnt;
    json_error_ostream_t *o = (json_error_ostream_t *)self;
    h2o_iovec_t *out = o->sent ? NULL : &o->body;
    o->sent = 1;
    h2o_ostream_send_next(&o->super, req, out, out != NULL, state);
}

static void on_setup_ostream(h2o_filter_t *self, h2o_req_t *req, h2o_ostream_t **slot)
{
    (void)self;
    ssize_t i = h2o_find_header(&req->res.headers, H2O_TOKEN_CONTENT_TYPE, -1);
    if (req->res.status >= 400 && i != -1 && is_text_plain(req->res.headers.entries[i].value)) {
        char message[160];
        if (req->res.status == 413)
            snprintf(message, sizeof(message), "request body larger than %zu bytes",
                     req->conn->ctx->globalconf->max_request_entity_size);
        else
            snprintf(message, sizeof(message), "%s", req->res.reason);
        size_t len;
        char *text = api_json_error_body(code_for(req->res.status), message, &len);
        if (text != NULL) {
            json_error_ostream_t *o = (void *)h2o_add_ostream(req, sizeof(*o), slot);
            o->super.do_send = do_send;
            o->body = h2o_strdup(&req->pool, text, len);
            o->sent = 0;
            free(text);
            req->res.content_length = len;
            req->res.headers.entries[i].value = h2o_iovec_init(H2O_STRLIT("application/json"));
            slot = &o->super.next;
        }
    }
    h2o_setup_next_ostream(req, slot);
}

void api_error_filter_register(h2o_pathconf_t *pathconf)
{
    h2o_filter_t *f = h2o_create_filter(pathconf, sizeof(*f));
    f->on_setup_ostream = on_setup_ostream;
}
