/* SPDX-License-Identifier: Apache-2.0 */
/* JSON response helpers: every body the service writes goes through here. */
#include "reply.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_body.h"

const char *api_status_reason(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 413:
        return "Payload Too Large";
    case 415:
        return "Unsupported Media Type";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    default:
        return "Unknown";
    }
}

void api_reply(h2o_req_t *req, int status, const char *body, size_t len)
{
    req->res.status = status;
    req->res.reason = api_status_reason(status);
    req->res.content_length = len;
    h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE, NULL, H2O_STRLIT("application/json"));
    h2o_send_inline(req, body, len);
}

void api_reply_json(h2o_req_t *req, int status, json_t *obj)
{
    char *text = obj != NULL ? json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(obj);
    if (text == NULL) {
        static const char oom[] = "{\"error\":\"internal\",\"message\":\"could not serialise the response\"}";
        api_reply(req, 500, oom, sizeof(oom) - 1);
        return;
    }
    api_reply(req, status, text, strlen(text));
    free(text);
}

void api_reply_error(h2o_req_t *req, int status, const char *code, const char *fmt, ...)
{
    char message[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    /* Messages may quote request paths: keep them printable ASCII so they are always valid JSON strings. */
    for (char *p = message; *p; p++)
        if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
            *p = '?';
    size_t len;
    char *body = api_json_error_body(code, message, &len);
    if (body == NULL) {
        api_reply_json(req, status, NULL);
        return;
    }
    api_reply(req, status, body, len);
    free(body);
}
