/* SPDX-License-Identifier: Apache-2.0 */
/* Sending JSON responses (bodies and the shared error shape) on an h2o request. */
#ifndef H2OTEL_REPLY_H
#define H2OTEL_REPLY_H

#include <jansson.h>

#include <h2o.h>

/** Standard reason phrase for status ("Not Found"); "Unknown" for others. */
const char *api_status_reason(int status);

/** Sends `body` (copied) with the given status, Content-Type application/json and a Content-Length. */
void api_reply(h2o_req_t *req, int status, const char *body, size_t len);

/** Serialises obj (reference stolen) and sends it; 500 if serialisation fails. */
void api_reply_json(h2o_req_t *req, int status, json_t *obj);

/** Sends {"error":code,"message":<printf text>} with status. */
void api_reply_error(h2o_req_t *req, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
