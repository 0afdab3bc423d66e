/* SPDX-License-Identifier: Apache-2.0 */
/* Integration: every route of the real h2otel binary over real HTTP (libcurl). */
#include <pthread.h>

#include "harness.h"

#define FAST "--dummy-delay-min-ms", "0", "--dummy-delay-max-ms", "0"

Test(service, health_and_readiness)
{
    svc_t s;
    SVC_START(&s, FAST);
    http_res_t r;
    http_get(&r, &s, "/healthz");
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(r.content_type, "application/json");
    cr_assert_str_eq(r.body, "{\"status\":\"ok\"}");
    http_get(&r, &s, "/readyz");
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(r.body, "{\"status\":\"ready\"}");
    svc_stop(&s);
}

Test(service, dummy_without_delay)
{
    svc_t s;
    SVC_START(&s, FAST);
    http_res_t r;
    http_get(&r, &s, "/api/v1/dummy/");
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(r.content_type, "application/json");
    cr_assert_str_eq(r.body, "{\"message\":\"Hello, OpenTelemetry!\"}");
    svc_stop(&s);
}

Test(service, dummy_delay_range_is_honoured)
{
    svc_t s;
    SVC_START(&s, "--dummy-delay-min-ms", "200", "--dummy-delay-max-ms", "400");
    for (int i = 0; i < 4; i++) {
        http_res_t r;
        http_get(&r, &s, "/api/v1/dummy/");
        cr_assert_eq(r.status, 200);
        cr_assert(r.seconds >= 0.195, "answered after %.3f s, before the 200 ms minimum", r.seconds);
        cr_assert(r.seconds < 0.400 + 0.5, "answered after %.3f s, far beyond the 400 ms maximum", r.seconds);
    }
    svc_stop(&s);
}

Test(service, slow_route_has_payload_of_100_lowercase_letters)
{
    svc_t s;
    SVC_START(&s, "--slow-delay-min-ms", "50", "--slow-delay-max-ms", "80");
    http_res_t r;
    http_get(&r, &s, "/api/v1/dummy/slow");
    cr_assert_eq(r.status, 200);
    cr_assert(r.seconds >= 0.045, "answered after %.3f s", r.seconds);
    json_t *j = body_json(&r);
    cr_assert_str_eq(json_string_value(json_object_get(j, "message")), "Hello, OpenTelemetry!");
    const char *payload = json_string_value(json_object_get(j, "payload"));
    cr_assert(payload != NULL);
    cr_assert_eq(strlen(payload), 100);
    for (const char *p = payload; *p; p++)
        cr_assert(*p >= 'a' && *p <= 'z', "payload has '%c'", *p);
    json_decref(j);
    svc_stop(&s);
}

Test(service, not_working_is_a_json_500)
{
    svc_t s;
    SVC_START(&s, FAST);
    http_res_t r;
    http_get(&r, &s, "/api/v1/dummy/not-working");
    assert_error(&r, 500, "internal");
    cr_assert(strstr(r.body, "something went wrong") != NULL);
    svc_stop(&s);
}

Test(service, unknown_path_is_json_404_and_wrong_method_json_405)
{
    svc_t s;
    SVC_START(&s, FAST);
    http_res_t r;
    http_get(&r, &s, "/nope");
    assert_error(&r, 404, "not_found");
    cr_assert(strstr(r.body, "/nope") != NULL);
    http_get(&r, &s, "/api/v1/dummy"); /* no trailing slash: a different path */
    assert_error(&r, 404, "not_found");
    char url[128];
    snprintf(url, sizeof(url), "%s/api/v1/dummy/", s.base);
    http_do(&r, "POST", url, "{}", 2, 5000);
    assert_error(&r, 405, "method_not_allowed");
    cr_assert_str_eq(r.allow, "GET");
    snprintf(url, sizeof(url), "%s/api/v1/throttle/run", s.base);
    http_do(&r, "GET", url, NULL, 0, 5000);
    assert_error(&r, 405, "method_not_allowed");
    cr_assert_str_eq(r.allow, "POST");
    svc_stop(&s);
}

Test(service, openapi_yaml_is_served_as_json)
{
    char path[] = "/tmp/h2otel-openapi-XXXXXX";
    int fd = mkstemp(path);
    const char yaml[] = "openapi: 3.0.3\ninfo:\n  title: t\n  version: '1.0'\npaths:\n  /healthz:\n"
                        "    get:\n      responses:\n        '200': {description: ok}\n";
    cr_assert_eq(write(fd, yaml, sizeof(yaml) - 1), (ssize_t)sizeof(yaml) - 1);
    close(fd);
    svc_t s;
    SVC_START(&s, "--openapi-file", path);
    http_res_t r;
    http_get(&r, &s, "/openapi.json");
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(r.content_type, "application/json");
    cr_assert_str_eq(r.body, "{\"openapi\":\"3.0.3\",\"info\":{\"title\":\"t\",\"version\":\"1.0\"},\"paths\":{\"/"
                             "healthz\":{\"get\":{\"responses\":{\"200\":{\"description\":\"ok\"}}}}}}");
    svc_stop(&s);
    unlink(path);
}

Test(service, missing_openapi_file_is_a_json_503)
{
    svc_t s;
    SVC_START(&s, "--openapi-file", "/nonexistent/openapi.yaml");
    http_res_t r;
    http_get(&r, &s, "/openapi.json");
    assert_error(&r, 503, "openapi_unavailable");
    svc_stop(&s);
}

typedef struct slow_call {
    const svc_t *s;
    http_res_t r;
} slow_call_t;

static void *call_slow(void *arg)
{
    slow_call_t *c = arg;
    http_get(&c->r, c->s, "/api/v1/dummy/slow");
    return NULL;
}

Test(service, concurrent_slow_requests_do_not_block_a_fast_one)
{
    svc_t s;
    /* One event loop: only timers (never a sleeping handler) let the fast request through. */
    const char *const args[] = {"--threads", "1", "--slow-delay-min-ms", "1500", "--slow-delay-max-ms", "1500",
                                FAST,        NULL};
    svc_start_argv(&s, args);
    slow_call_t calls[4];
    pthread_t tids[4];
    for (int i = 0; i < 4; i++) {
        calls[i].s = &s;
        pthread_create(&tids[i], NULL, call_slow, &calls[i]);
    }
    usleep(200000);
    http_res_t r;
    http_get(&r, &s, "/api/v1/dummy/");
    cr_assert_eq(r.status, 200);
    cr_assert(r.seconds < 0.5, "fast request took %.3f s behind slow ones", r.seconds);
    for (int i = 0; i < 4; i++) {
        pthread_join(tids[i], NULL);
        cr_assert_eq(calls[i].r.status, 200);
        cr_assert(calls[i].r.seconds >= 1.4, "slow request answered after %.3f s", calls[i].r.seconds);
    }
    svc_stop(&s);
}

Test(service, oversized_body_is_413)
{
    svc_t s;
    SVC_START(&s, FAST, "--max-body-bytes", "1024");
    char body[4096];
    memset(body, 'x', sizeof(body));
    char url[128];
    snprintf(url, sizeof(url), "%s/api/v1/throttle/run", s.base);
    http_res_t r;
    http_do(&r, "POST", url, body, sizeof(body), 5000);
    assert_error(&r, 413, "payload_too_large");
    cr_assert(strstr(r.body, "1024 bytes") != NULL, "body %s", r.body);
    svc_stop(&s);
}

Test(service, malformed_throttle_body_is_400)
{
    svc_t s;
    SVC_START(&s, FAST);
    char url[128];
    snprintf(url, sizeof(url), "%s/api/v1/throttle/run", s.base);
    http_res_t r;
    http_do(&r, "POST", url, "{\"distance\": ", 13, 5000);
    assert_error(&r, 400, "invalid_request");
    cr_assert(strstr(r.body, "body") != NULL, "message names the body: %s", r.body);
    svc_stop(&s);
}

Test(service, client_that_disconnects_during_a_delay_does_not_hurt_the_server)
{
    svc_t s;
    SVC_START(&s, "--slow-delay-min-ms", "400", "--slow-delay-max-ms", "400", FAST);
    char url[128];
    snprintf(url, sizeof(url), "%s/api/v1/dummy/slow", s.base);
    for (int i = 0; i < 3; i++) {
        http_res_t r;
        http_do(&r, "GET", url, NULL, 0, 100); /* gives up long before the timer fires */
        cr_assert_eq(r.rc, CURLE_OPERATION_TIMEDOUT);
    }
    usleep(600000); /* the timers would have fired by now */
    http_res_t r;
    http_get(&r, &s, "/api/v1/dummy/");
    cr_assert_eq(r.status, 200);
    svc_stop(&s); /* exit 0: under ASan, also no use-after-free and no leak */
}

Test(service, access_log_is_json_lines)
{
    svc_t s;
    SVC_START(&s, FAST);
    http_res_t r;
    http_get(&r, &s, "/api/v1/dummy/not-working");
    char log_path[128];
    snprintf(log_path, sizeof(log_path), "%s", s.log_path);
    kill(s.pid, SIGTERM);
    int st = svc_wait(&s, 20);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    FILE *fp = fopen(log_path, "r");
    cr_assert(fp != NULL);
    char line[4096];
    int lines = 0, access = 0, listening = 0;
    while (fgets(line, sizeof(line), fp) != NULL) {
        json_error_t e;
        json_t *j = json_loads(line, 0, &e);
        cr_assert(j != NULL, "log line is not JSON: %s", line);
        cr_assert(json_is_string(json_object_get(j, "time")));
        cr_assert(json_is_string(json_object_get(j, "level")));
        const char *msg = json_string_value(json_object_get(j, "msg"));
        cr_assert(msg != NULL);
        if (strcmp(msg, "request") == 0 &&
            strcmp(json_string_value(json_object_get(j, "path")), "/api/v1/dummy/not-working") == 0) {
            cr_assert_eq(json_integer_value(json_object_get(j, "status")), 500);
            cr_assert_str_eq(json_string_value(json_object_get(j, "method")), "GET");
            access++;
        }
        listening += strcmp(msg, "listening") == 0;
        lines++;
        json_decref(j);
    }
    fclose(fp);
    cr_assert_eq(access, 1);
    cr_assert_eq(listening, 1);
    cr_assert(lines >= 4);
    unlink(log_path);
    unlink(s.err_path);
}

Test(service, default_openapi_document_describes_every_route)
{
    svc_t s;
    SVC_START(&s, FAST); /* no --openapi-file: the path baked in at build time (docs/openapi.yaml) */
    http_res_t r;
    http_get(&r, &s, "/openapi.json");
    cr_assert_eq(r.status, 200, "status %ld body %.300s", r.status, r.body);
    json_t *j = body_json(&r);
    cr_assert(strncmp(json_string_value(json_object_get(j, "openapi")), "3.", 2) == 0);
    json_t *paths = json_object_get(j, "paths");
    const char *routes[][2] = {{"/healthz", "get"},
                               {"/readyz", "get"},
                               {"/openapi.json", "get"},
                               {"/api/v1/dummy/", "get"},
                               {"/api/v1/dummy/slow", "get"},
                               {"/api/v1/dummy/not-working", "get"},
                               {"/api/v1/dummy/call-downstream", "get"},
                               {"/api/v1/throttle/run", "post"}};
    for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
        cr_assert(json_object_get(json_object_get(paths, routes[i][0]), routes[i][1]) != NULL, "%s %s undocumented",
                  routes[i][1], routes[i][0]);
    json_decref(j);
    svc_stop(&s);
}

Test(service, http2_clients_that_reset_cancel_timers_and_downstream_calls)
{
    /* Over HTTP/2 h2o disposes of a request as soon as its stream is reset: this drives the dispose hooks that
     * unlink a pending timer and cancel a pending downstream call (ASan checks they leave nothing behind). */
    harness_http_version = CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE;
    svc_t down, up;
    SVC_START(&down, "--slow-delay-min-ms", "2000", "--slow-delay-max-ms", "2000", "--shutdown-grace-ms", "100");
    char url[128];
    snprintf(url, sizeof(url), "%s/api/v1/dummy/slow", down.base);
    SVC_START(&up, "--downstream-url", url, "--slow-delay-min-ms", "2000", "--slow-delay-max-ms", "2000", FAST);
    const char *paths[] = {"/api/v1/dummy/slow", "/api/v1/dummy/call-downstream"};
    for (int i = 0; i < 4; i++) {
        char u[128];
        snprintf(u, sizeof(u), "%s%s", up.base, paths[i % 2]);
        http_res_t r;
        http_do(&r, "GET", u, NULL, 0, 100);
        cr_assert_eq(r.rc, CURLE_OPERATION_TIMEDOUT);
    }
    http_res_t r;
    http_get(&r, &up, "/api/v1/dummy/");
    cr_assert_eq(r.status, 200);
    double t0 = now_s();
    svc_stop(&up); /* nothing in flight any more: the drain is immediate */
    cr_assert(now_s() - t0 < 1.5, "drain waited %.2f s for requests whose clients had gone", now_s() - t0);
    svc_stop(&down);
}

Test(service, log_level_from_the_environment_silences_info_lines)
{
    setenv("H2OTEL_LOG_LEVEL", "warn", 1); /* this test's own process: inherited by the service only */
    svc_t s;
    SVC_START(&s, FAST);
    http_res_t r;
    http_get(&r, &s, "/api/v1/dummy/");
    cr_assert_eq(r.status, 200);
    char log_path[128];
    snprintf(log_path, sizeof(log_path), "%s", s.log_path);
    kill(s.pid, SIGTERM);
    int st = svc_wait(&s, 20);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    FILE *fp = fopen(log_path, "r");
    cr_assert(fp != NULL);
    char line[4096];
    while (fgets(line, sizeof(line), fp) != NULL)
        cr_assert(strstr(line, "\"level\":\"info\"") == NULL, "info line at level warn: %s", line);
    fclose(fp);
    unlink(log_path);
    unlink(s.err_path);
}
