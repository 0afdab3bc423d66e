/* SPDX-License-Identifier: Apache-2.0 */
/* Integration: POST /api/v1/throttle/run through the worker pool of the real binary (needs the GA module). */
#include <pthread.h>

#include "harness.h"

static const char small_run[] = "{\"distance_m\":500,\"population\":40,\"generations\":30,\"seed\":42}";
static const char big_run[] = "{\"distance_m\":1000,\"population\":500,\"generations\":400,\"seed\":7}";

typedef struct post {
    const svc_t *s;
    const char *body;
    long timeout_ms;
    http_res_t r;
} post_t;

static void *do_post(void *arg)
{
    post_t *p = arg;
    char url[128];
    snprintf(url, sizeof(url), "%s/api/v1/throttle/run", p->s->base);
    http_do(&p->r, "POST", url, p->body, strlen(p->body), p->timeout_ms);
    return NULL;
}

Test(throttle_route, runs_and_is_deterministic)
{
    svc_t s;
    SVC_START(&s, "--throttle-workers", "2");
    post_t a = {.s = &s, .body = small_run, .timeout_ms = 60000}, b = a;
    do_post(&a);
    do_post(&b);
    cr_assert_eq(a.r.status, 200, "status %ld body %s", a.r.status, a.r.body);
    cr_assert_str_eq(a.r.content_type, "application/json");
    json_t *j = body_json(&a.r);
    cr_assert(json_array_size(json_object_get(j, "throttle")) > 0);
    cr_assert(json_is_number(json_object_get(j, "fitness")));
    cr_assert(json_is_integer(json_object_get(j, "generations_run")));
    json_decref(j);
    cr_assert_str_eq(a.r.body, b.r.body, "same seed, same result");
    svc_stop(&s);
}

Test(throttle_route, validation_errors_are_400_naming_the_field)
{
    svc_t s;
    SVC_START(&s, "--throttle-workers", "1");
    post_t p = {.s = &s, .body = "{\"distance_m\":-5}", .timeout_ms = 10000};
    do_post(&p);
    assert_error(&p.r, 400, "invalid_request");
    cr_assert(strstr(p.r.body, "distance_m") != NULL, "body %s", p.r.body);
    p.body = "{\"distance_m\": ";
    do_post(&p);
    assert_error(&p.r, 400, "invalid_request");
    svc_stop(&s);
}

Test(throttle_route, full_queue_is_503_and_the_loop_keeps_serving)
{
    svc_t s;
    SVC_START(&s, "--threads", "1", "--throttle-workers", "1", "--throttle-queue", "1", "--dummy-delay-min-ms", "0",
              "--dummy-delay-max-ms", "0");
    post_t posts[5];
    pthread_t tids[5];
    for (int i = 0; i < 5; i++) {
        posts[i] = (post_t){.s = &s, .body = big_run, .timeout_ms = 120000};
        pthread_create(&tids[i], NULL, do_post, &posts[i]);
    }
    usleep(50000);
    http_res_t r;
    http_get(&r, &s, "/api/v1/dummy/"); /* one event loop, GA runs busy: still answered at once */
    cr_assert_eq(r.status, 200);
    cr_assert(r.seconds < 0.5, "event loop blocked for %.3f s", r.seconds);
    int ok = 0, overloaded = 0;
    for (int i = 0; i < 5; i++) {
        pthread_join(tids[i], NULL);
        if (posts[i].r.status == 200)
            ok++;
        else {
            assert_error(&posts[i].r, 503, "overloaded");
            overloaded++;
        }
    }
    cr_assert(ok >= 1 && ok <= 2, "one running + one queued at most, got %d ok", ok);
    cr_assert_eq(ok + overloaded, 5);
    svc_stop(&s);
}

Test(throttle_route, client_gone_while_the_ga_runs)
{
    svc_t s;
    SVC_START(&s, "--throttle-workers", "1", "--throttle-queue", "4");
    for (int i = 0; i < 3; i++) {
        post_t p = {.s = &s, .body = big_run, .timeout_ms = 30}; /* hangs up while queued or running */
        do_post(&p);
        cr_assert_eq(p.r.rc, CURLE_OPERATION_TIMEDOUT);
    }
    post_t p = {.s = &s, .body = small_run, .timeout_ms = 120000};
    do_post(&p);
    cr_assert_eq(p.r.status, 200);
    svc_stop(&s); /* exit 0; under ASan: no use-after-free of the abandoned requests, no leak */
}

Test(throttle_route, over_http2_a_reset_stream_stops_the_ga_early)
{
    /* h2o reads HTTP/2 connections all the time, so a client that gives up is seen at once: the running GA
     * stops at its next check and queued runs are skipped. (HTTP/1.1: see docs/architecture.md.) */
    harness_http_version = CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE;
    svc_t s;
    SVC_START(&s, "--threads", "1", "--throttle-workers", "1", "--throttle-queue", "4");
    for (int i = 0; i < 3; i++) {
        post_t p = {.s = &s, .body = big_run, .timeout_ms = 30};
        do_post(&p);
        cr_assert_eq(p.r.rc, CURLE_OPERATION_TIMEDOUT);
    }
    post_t p = {.s = &s, .body = small_run, .timeout_ms = 120000};
    do_post(&p);
    cr_assert_eq(p.r.status, 200);
    /* Without cancellation this waits for three big runs: over 1 s here, several seconds under ASan. */
    cr_assert(p.r.seconds < 0.5, "small run answered after %.3f s: abandoned runs were not stopped", p.r.seconds);
    svc_stop(&s);
}
