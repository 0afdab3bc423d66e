/* SPDX-License-Identifier: Apache-2.0 */
/* GET /healthz (liveness: the loop answers) and GET /readyz (readiness: 503 once draining). */
#include "reply.h"
#include "routes.h"

int api_route_healthz(h2o_req_t *req, api_thread_t *t)
{
    (void)t;
    static const char body[] = "{\"status\":\"ok\"}";
    api_reply(req, 200, body, sizeof(body) - 1);
    return 0;
}

int api_route_readyz(h2o_req_t *req, api_thread_t *t)
{
    if (atomic_load(&t->server->draining)) {
        api_reply_error(req, 503, "draining", "the service is shutting down");
        return 0;
    }
    static const char body[] = "{\"status\":\"ready\"}";
    api_reply(req, 200, body, sizeof(body) - 1);
    return 0;
}
