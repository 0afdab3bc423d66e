/* SPDX-License-Identifier: Apache-2.0 */
/* Dispatches requests by exact path and method; unknown paths get JSON 404, wrong methods JSON 405. */
#include "routes.h"

#include <string.h>

#include "reply.h"
#include "telemetry.h"

const api_route_t api_routes[] = {
    {"/healthz", "GET", api_route_healthz, 0},
    {"/readyz", "GET", api_route_readyz, 0},
    {"/openapi.json", "GET", api_route_openapi, 0},
    {"/api/v1/dummy/", "GET", api_route_dummy, 0},
    {"/api/v1/dummy/slow", "GET", api_route_dummy_slow, 0},
    {"/api/v1/dummy/not-working", "GET", api_route_not_working, 0},
    {"/api/v1/dummy/call-downstream", "GET", api_route_call_downstream, 0},
    {"/api/v1/throttle/run", "POST", api_route_throttle_run, 0},
    {"/test/tracecontext", "POST", api_route_test_tracecontext, 1},
};
const size_t api_route_count = sizeof(api_routes) / sizeof(api_routes[0]);

static int reply_405(h2o_req_t *req, api_thread_t *t)
{
    (void)t;
    api_reply_error(req, 405, "method_not_allowed", "method %.*s not allowed on %.*s", (int)req->method.len,
                    req->method.base, (int)req->path_normalized.len, req->path_normalized.base);
    return 0;
}

static int reply_404(h2o_req_t *req, api_thread_t *t)
{
    (void)t;
    h2o_iovec_t path = req->path_normalized;
    api_reply_error(req, 404, "not_found", "no route for %.*s", (int)(path.len > 200 ? 200 : path.len), path.base);
    return 0;
}

static int on_req(h2o_handler_t *self, h2o_req_t *req)
{
    (void)self;
    api_thread_t *t = api_thread_of(req);
    api_server_track_request(req);
    h2o_iovec_t path = req->path_normalized;
    int path_found = -1;
    for (size_t i = 0; i < api_route_count; i++) {
        const api_route_t *r = &api_routes[i];
        if (!h2o_memis(path.base, path.len, r->path, strlen(r->path)) ||
            (r->test_only && !t->server->cfg.test_endpoints))
            continue;
        path_found = (int)i;
        if (h2o_memis(req->method.base, req->method.len, r->method, strlen(r->method)))
            return api_telemetry_handle(req, (int)i, r->handle, t);
        h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_ALLOW, NULL, r->method, strlen(r->method));
    }
    /* A known path with another method keeps its http.route; an unknown path has none. */
    return api_telemetry_handle(req, path_found, path_found >= 0 ? reply_405 : reply_404, t);
}

void api_router_register(h2o_pathconf_t *pathconf, api_server_t *server)
{
    (void)server;
    h2o_handler_t *h = h2o_create_handler(pathconf, sizeof(*h));
    h->on_req = on_req;
}
