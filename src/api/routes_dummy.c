/* SPDX-License-Identifier: Apache-2.0 */
/* The seed's dummy routes: a greeting after a random delay, a slow one with a payload, and one that fails. */
#include "delay.h"
#include "reply.h"
#include "routes.h"
#include "telemetry.h"

#include <stddef.h>

/* Lives in the request's pool: the pool's dispose unlinks the timer, so a closed request never fires. */
typedef struct delayed_reply {
    h2o_timeout_entry_t timer;
    h2o_req_t *req;
    int with_payload;
} delayed_reply_t;

static const char greeting[] = "{\"message\":\"Hello, OpenTelemetry!\"}";

static void send_greeting(h2o_req_t *req, int with_payload)
{
    if (!with_payload) {
        api_reply(req, 200, greeting, sizeof(greeting) - 1);
        return;
    }
    char payload[101];
    for (int i = 0; i < 100; i++)
        payload[i] = (char)('a' + api_random_between(0, 25));
    payload[100] = '\0';
    api_reply_json(req, 200, json_pack("{s:s, s:s}", "message", "Hello, OpenTelemetry!", "payload", payload));
}

static void on_delay_done(h2o_timeout_entry_t *entry)
{
    delayed_reply_t *d = (delayed_reply_t *)((char *)entry - offsetof(delayed_reply_t, timer));
    send_greeting(d->req, d->with_payload);
}

static void on_dispose(void *p)
{
    delayed_reply_t *d = p;
    if (h2o_timeout_is_linked(&d->timer))
        h2o_timeout_unlink(&d->timer);
}

static int reply_after(h2o_req_t *req, api_thread_t *t, const api_delay_range_t *range, int with_payload)
{
    uint32_t ms = api_random_between(range->min_ms, range->max_ms);
    if (ms == 0) {
        send_greeting(req, with_payload);
        return 0;
    }
    delayed_reply_t *d = h2o_mem_alloc_shared(&req->pool, sizeof(*d), on_dispose);
    *d = (delayed_reply_t){.timer = {.cb = on_delay_done}, .req = req, .with_payload = with_payload};
    api_delay_link(t->timers, ms, &d->timer);
    return 0;
}

int api_route_dummy(h2o_req_t *req, api_thread_t *t)
{
    return reply_after(req, t, &t->server->cfg.dummy_delay, 0);
}

int api_route_dummy_slow(h2o_req_t *req, api_thread_t *t)
{
    return reply_after(req, t, &t->server->cfg.slow_delay, 1);
}

int api_route_not_working(h2o_req_t *req, api_thread_t *t)
{
    (void)t;
    api_telemetry_record_exception(req, "h2otel.DummyError", "something went wrong");
    api_reply_error(req, 500, "internal", "something went wrong");
    return 0;
}
