/* SPDX-License-Identifier: Apache-2.0 */
/* Dispatches requests by exact path and method; unknown paths get JSON 404, wrong methods JSON 405. */
#include "routes.h"

#include <string.h>

#include "reply.h"

typedef struct route {
    const char *path;
    const char *method;
    int (*handle)(h2o_req_t *req, api_thread_t *t);
} route_t;

static const route_t routes[] = {
    {"/healthz", "GET", api_route_healthz},
    {"/readyz", "GET", api_route_readyz},
    {"/openapi.json", "GET", api_route_openapi},
    {"/api/v1/dummy/", "GET", api_route_dummy},
    {"/api/v1/dummy/slow", "GET", api_route_dummy_slow},
    {"/api/v1/dummy/not-working", "GET", api_route_not_working},
    {"/api/v1/dummy/call-downstream", "GET", api_route_call_downstream},
    {"/api/v1/throttle/run", "POST", api_route_throttle_run},
};

static int on_req(h2o_handler_t *self, h2o_req_t *req)
{
    (void)self;
    api_thread_t *t = api_thread_of(req);
    api_server_track_request(req);
    h2o_iovec_t path = req->path_normalized;
    int path_found = 0;
    for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
        const route_t *r = &routes[i];
        if (!h2o_memis(path.base, path.len, r->path, strlen(r->path)))
            continue;
        path_found = 1;
        if (h2o_memis(req->method.base, req->method.len, r->method, strlen(r->method)))
            return r->handle(req, t);
        h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_ALLOW, NULL, r->method, strlen(r->method));
    }
    if (path_found)
        api_reply_error(req, 405, "method_not_allowed", "method %.*s not allowed on %.*s", (int)req->method.len,
                        req->method.base, (int)path.len, path.base);
    else
        api_reply_error(req, 404, "not_found", "no route for %.*s", (int)(path.len > 200 ? 200 : path.len), path.base);
    return 0;
}

void api_router_register(h2o_pathconf_t *pathconf, api_server_t *server)
{
    (void)server;
    h2o_handler_t *h = h2o_create_handler(pathconf, sizeof(*h));
    h->on_req = on_req;
}
