/* SPDX-License-Identifier: Apache-2.0 */
/* GET /openapi.json: docs/openapi.yaml, converted to JSON once at start-up (libyaml + jansson). */
#include <stdlib.h>
#include <string.h>

#include "json_body.h"
#include "log.h"
#include "reply.h"
#include "routes.h"

void api_openapi_load(api_server_t *server)
{
    const char *path = server->cfg.openapi_file;
    json_t *doc = api_yaml_file_to_json(path, server->openapi_error, sizeof(server->openapi_error));
    if (doc != NULL) {
        server->openapi_json = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
        json_decref(doc);
    }
    if (server->openapi_json == NULL) {
        api_log(API_LOG_WARN, "openapi document not loaded: /openapi.json will answer 503",
                json_pack("{s:s, s:s}", "file", path, "reason", server->openapi_error));
        return;
    }
    server->openapi_len = strlen(server->openapi_json);
}

int api_route_openapi(h2o_req_t *req, api_thread_t *t)
{
    api_server_t *s = t->server;
    if (s->openapi_json == NULL)
        api_reply_error(req, 503, "openapi_unavailable", "the OpenAPI document could not be loaded: %s",
                        s->openapi_error);
    else
        api_reply(req, 200, s->openapi_json, s->openapi_len);
    return 0;
}
