/* SPDX-License-Identifier: Apache-2.0 */
/* Integration: what the telemetry middleware exports for each route (spans, metric points, log records). */
#include "telemetry_capture.h"

static const char no_delay[] = "service:\n  dummy:\n    delay_min_ms: 0\n    delay_max_ms: 0\n";

/** A request to path on s with extra headers. */
static void get_with(http_res_t *r, const svc_t *s, const char *method, const char *path, const char *const *headers)
{
    char url[256];
    snprintf(url, sizeof(url), "%s%s", s->base, path);
    http_with_headers(r, method, url, NULL, headers);
}

#define GET_WITH(r, s, path, ...) get_with((r), (s), "GET", (path), (const char *const[]){__VA_ARGS__ NULL})

Test(telemetry_http, server_span_follows_the_semantic_conventions)
{
    capture_t c;
    CAPTURE_START(&c, no_delay, );
    http_res_t r;
    GET_WITH(&r, &c.svc, "/api/v1/dummy/?lang=c",
             "traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "tracestate: vendor=abc",
             "User-Agent: telemetry-test/1.0", );
    cr_assert_eq(r.status, 200);
    capture_stop(&c);

    json_t *s = find_span(&c, "GET /api/v1/dummy/", NULL);
    cr_assert(s != NULL, "no server span; spans: %s", json_dumps(c.spans, 0));
    cr_assert_eq(json_integer_value(json_object_get(s, "kind")), 2, "kind SERVER");
    cr_assert(str_eq(s, "traceId", "0af7651916cd43dd8448eb211c80319c"), "the incoming trace continues");
    cr_assert(str_eq(s, "parentSpanId", "b7ad6b7169203331"), "parent is the incoming span");
    cr_assert(str_eq(s, "traceState", "vendor=abc"), "tracestate kept: %s", json_dumps(s, 0));
    cr_assert_str_eq(attr_str(s, "http.request.method"), "GET");
    cr_assert_str_eq(attr_str(s, "http.route"), "/api/v1/dummy/");
    cr_assert_str_eq(attr_str(s, "url.path"), "/api/v1/dummy/");
    cr_assert_str_eq(attr_str(s, "url.query"), "lang=c");
    cr_assert_str_eq(attr_str(s, "url.scheme"), "http");
    cr_assert_str_eq(attr_str(s, "http.response.status_code"), "200");
    cr_assert_str_eq(attr_str(s, "server.address"), "127.0.0.1");
    char port[16];
    snprintf(port, sizeof(port), "%d", c.svc.port);
    cr_assert_str_eq(attr_str(s, "server.port"), port);
    cr_assert_str_eq(attr_str(s, "client.address"), "127.0.0.1");
    cr_assert_str_eq(attr_str(s, "network.protocol.version"), "1.1");
    cr_assert_str_eq(attr_str(s, "user_agent.original"), "telemetry-test/1.0");
    cr_assert(attr_str(s, "error.type") == NULL);
    json_t *st = json_object_get(s, "status");
    cr_assert(json_integer_value(json_object_get(st, "code")) == 0, "status UNSET");

    /* The duration point of this request, with an exemplar pointing at the span. */
    json_t *p =
        FIND_POINT(&c, "http.server.request.duration", "http.route", "/api/v1/dummy/", "http.response.status_code",
                   "200", "http.request.method", "GET", "url.scheme", "http", "network.protocol.version", "1.1", );
    cr_assert_eq(point_count(p), 1);
    cr_assert(str_eq(p, "unit", "s"));
    json_t *ex = json_array_get(json_object_get(p, "exemplars"), 0);
    cr_assert(str_eq(ex, "traceId", "0af7651916cd43dd8448eb211c80319c"), "exemplar: %s", json_dumps(p, 0));
    cr_assert(str_eq(ex, "spanId", json_string_value(json_object_get(s, "spanId"))));
    cr_assert_eq(point_count(FIND_POINT(&c, "http.server.response.body.size", "http.route", "/api/v1/dummy/", )), 1);
    cr_assert_eq(point_count(FIND_POINT(&c, "http.server.request.body.size", "http.route", "/api/v1/dummy/", )), 1);
    cr_assert_eq(point_int(FIND_POINT(&c, "http.server.active_requests", "http.request.method", "GET", )), 0);
    cr_assert_eq(point_int(FIND_POINT(&c, "h2otel.requests", "http.route", "/api/v1/dummy/", )), 1);

    /* One access log record, correlated with the span. */
    size_t i, n = 0;
    json_t *rec;
    json_array_foreach(c.records, i, rec)
    {
        if (!str_eq(json_object_get(rec, "attributes"), "url.path", "/api/v1/dummy/"))
            continue;
        n++;
        cr_assert(str_eq(rec, "traceId", "0af7651916cd43dd8448eb211c80319c"));
        cr_assert(str_eq(rec, "spanId", json_string_value(json_object_get(s, "spanId"))));
        cr_assert_str_eq(attr_str(rec, "http.response.status_code"), "200");
        cr_assert(str_eq(json_object_get(rec, "body"), "stringValue", "request"));
        /* Every field of the record (its keys and names are referenced, not copied, by the SDK). */
        cr_assert(str_eq(rec, "eventName", "http.server.request"), "%s", json_dumps(rec, 0));
        cr_assert(str_eq(rec, "severityText", "INFO"));
        cr_assert_eq(json_integer_value(json_object_get(rec, "severityNumber")), 9);
        cr_assert_str_eq(attr_str(rec, "http.request.method"), "GET");
        cr_assert_str_eq(attr_str(rec, "http.route"), "/api/v1/dummy/");
        json_t *d = json_object_get(json_object_get(rec, "attributes"), "http.server.request.duration");
        cr_assert(json_is_real(d) && json_real_value(d) > 0 && json_real_value(d) < 10, "duration in seconds");
        cr_assert_eq(json_object_size(json_object_get(rec, "attributes")), 5);
    }
    cr_assert_eq(n, 1, "one log record for the request: %s", json_dumps(c.records, 0));
    capture_free(&c);
}

Test(telemetry_http, not_working_is_an_error_with_an_exception_event)
{
    capture_t c;
    CAPTURE_START(&c, no_delay, );
    http_res_t r;
    http_get(&r, &c.svc, "/api/v1/dummy/not-working");
    cr_assert_eq(r.status, 500);
    capture_stop(&c);
    json_t *s = find_span(&c, "GET /api/v1/dummy/not-working", NULL);
    cr_assert(s != NULL);
    cr_assert(json_object_get(s, "parentSpanId") == NULL || str_eq(s, "parentSpanId", ""), "a root span");
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(s, "status"), "code")), 2, "status ERROR");
    cr_assert_str_eq(attr_str(s, "error.type"), "500");
    json_t *ev = json_array_get(json_object_get(s, "events"), 0);
    cr_assert(str_eq(ev, "name", "exception"), "events: %s", json_dumps(json_object_get(s, "events"), 0));
    cr_assert_str_eq(attr_str(ev, "exception.type"), "h2otel.DummyError");
    cr_assert_str_eq(attr_str(ev, "exception.message"), "something went wrong");
    json_t *p = FIND_POINT(&c, "http.server.request.duration", "http.route", "/api/v1/dummy/not-working", "error.type",
                           "500", "http.response.status_code", "500", );
    cr_assert_eq(point_count(p), 1);
    cr_assert(str_eq(json_array_get(json_object_get(p, "exemplars"), 0), "traceId",
                     json_string_value(json_object_get(s, "traceId"))));
    cr_assert_eq(
        point_int(FIND_POINT(&c, "h2otel.requests.failed", "http.route", "/api/v1/dummy/not-working", "type", "5xx", )),
        1);
    cr_assert_eq(
        point_int(FIND_POINT(&c, "h2otel.requests.failed", "http.route", "/api/v1/dummy/not-working", "type", "4xx", )),
        0);
    capture_free(&c);
}

Test(telemetry_http, client_errors_are_not_server_span_errors)
{
    capture_t c;
    CAPTURE_START(&c, no_delay, );
    http_res_t r;
    http_get(&r, &c.svc, "/nope");
    cr_assert_eq(r.status, 404);
    get_with(&r, &c.svc, "FOO", "/api/v1/dummy/", NULL);
    cr_assert_eq(r.status, 405);
    capture_stop(&c);
    json_t *s = find_span(&c, "GET", NULL); /* no route: the name is the method alone, no http.route */
    cr_assert(s != NULL, "spans: %s", json_dumps(c.spans, 0));
    cr_assert(attr_str(s, "http.route") == NULL);
    cr_assert_str_eq(attr_str(s, "http.response.status_code"), "404");
    cr_assert(attr_str(s, "error.type") == NULL, "4xx is not an error of a server span");
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(s, "status"), "code")), 0);
    json_t *o = find_span(&c, "HTTP /api/v1/dummy/", NULL); /* unknown method: _OTHER, span name HTTP */
    cr_assert(o != NULL, "spans: %s", json_dumps(c.spans, 0));
    cr_assert_str_eq(attr_str(o, "http.request.method"), "_OTHER");
    cr_assert_str_eq(attr_str(o, "http.request.method_original"), "FOO");
    cr_assert_str_eq(attr_str(o, "http.response.status_code"), "405");
    cr_assert_eq(point_int(FIND_POINT(&c, "h2otel.requests.failed", "http.route", NULL, "type", "4xx", )), 1);
    cr_assert_eq(point_int(FIND_POINT(&c, "h2otel.requests.failed", "http.route", "/api/v1/dummy/", "type", "4xx", )),
                 1);
    cr_assert_eq(point_count(FIND_POINT(&c, "http.server.request.duration", "http.request.method", "_OTHER", )), 1);
    capture_free(&c);
}

Test(telemetry_http, seed_counters_exist_at_zero_and_probes_are_not_traced)
{
    capture_t c;
    CAPTURE_START(&c, no_delay, ); /* the harness polls /healthz until it answers */
    http_res_t r;
    http_get(&r, &c.svc, "/readyz");
    capture_stop(&c);
    const char *routes[] = {"/api/v1/dummy/", "/api/v1/dummy/slow", "/api/v1/dummy/not-working",
                            "/api/v1/dummy/call-downstream", "/api/v1/throttle/run"};
    for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
        cr_assert_eq(point_int(FIND_POINT(&c, "h2otel.requests", "http.route", routes[i], )), 0, "%s", routes[i]);
        cr_assert_eq(point_int(FIND_POINT(&c, "h2otel.requests.failed", "http.route", routes[i], "type", "4xx", )), 0);
        cr_assert_eq(point_int(FIND_POINT(&c, "h2otel.requests.failed", "http.route", routes[i], "type", "5xx", )), 0);
    }
    cr_assert(point_int(FIND_POINT(&c, "h2otel.requests", "http.route", "/healthz", )) >= 1, "probes are counted");
    cr_assert_eq(count_spans(&c, "GET /healthz"), 0, "probes are not traced by default");
    cr_assert_eq(count_spans(&c, "GET /readyz"), 0);
    /* SDK self-metrics are there too. */
    cr_assert(FIND_POINT(&c, "otel.sdk.span.started", ) != NULL);
    cr_assert(FIND_POINT(&c, "otel.sdk.processor.span.queue.capacity", ) != NULL);
    cr_assert(FIND_POINT(&c, "otel.sdk.exporter.log.exported", ) != NULL);
    capture_free(&c);
}

Test(telemetry_http, json_access_log_line_carries_the_ids)
{
    capture_t c;
    CAPTURE_START(&c, no_delay, );
    http_res_t r;
    GET_WITH(&r, &c.svc, "/api/v1/dummy/", "traceparent: 00-1af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", );
    char log[160];
    snprintf(log, sizeof(log), "%s", c.svc.log_path);
    kill(c.svc.pid, SIGTERM);
    cr_assert(svc_wait(&c.svc, 20) == 0);
    FILE *f = fopen(log, "r");
    cr_assert(f != NULL);
    char line[4096];
    int found = 0;
    while (fgets(line, sizeof(line), f) != NULL)
        found |= strstr(line, "\"path\":\"/api/v1/dummy/\"") != NULL &&
                 strstr(line, "\"trace_id\":\"1af7651916cd43dd8448eb211c80319c\"") != NULL &&
                 strstr(line, "\"span_id\":\"") != NULL;
    fclose(f);
    unlink(log);
    cr_assert(found, "no access log line with the trace id");
    c.spans = c.points = c.records = NULL;
    capture_free(&c);
}

Test(telemetry_http, a_route_switched_off_emits_nothing)
{
    capture_t c;
    CAPTURE_START(&c,
                  "service:\n  dummy:\n    delay_min_ms: 0\n    delay_max_ms: 0\n  routes:\n"
                  "    /api/v1/dummy/:\n      trace: false\n      metrics: false\n"
                  "    /api/v1/dummy/not-working:\n      sample_ratio: 0\n      attributes:\n        team: qa\n", );
    http_res_t r;
    for (int i = 0; i < 5; i++) {
        http_get(&r, &c.svc, "/api/v1/dummy/");
        cr_assert_eq(r.status, 200);
        http_get(&r, &c.svc, "/api/v1/dummy/not-working");
    }
    http_get(&r, &c.svc, "/api/v1/throttle/run"); /* a 405 on another route: still traced */
    capture_stop(&c);
    cr_assert_eq(count_spans(&c, "GET /api/v1/dummy/"), 0);
    cr_assert(FIND_POINT(&c, "http.server.request.duration", "http.route", "/api/v1/dummy/", ) == NULL);
    cr_assert(FIND_POINT(&c, "h2otel.requests", "http.route", "/api/v1/dummy/", ) == NULL);
    size_t i;
    json_t *rec;
    json_array_foreach(c.records, i, rec)
    {
        cr_assert(!str_eq(json_object_get(rec, "attributes"), "url.path", "/api/v1/dummy/"), "a log record");
    }
    /* sample_ratio 0: no spans, but the metrics are still recorded. */
    cr_assert_eq(count_spans(&c, "GET /api/v1/dummy/not-working"), 0);
    cr_assert_eq(point_int(FIND_POINT(&c, "h2otel.requests", "http.route", "/api/v1/dummy/not-working", )), 5);
    cr_assert(find_span(&c, "GET /api/v1/throttle/run", NULL) != NULL, "other routes are traced");
    /* The SDK's own count: the switched-off route started no span at all (5 sampled-out + 1 traced = 6). */
    cr_assert_eq(point_int(FIND_POINT(&c, "otel.sdk.span.started", "otel.span.sampling_result", "DROP", )), 5);
    cr_assert_eq(point_int(FIND_POINT(&c, "otel.sdk.span.started", "otel.span.sampling_result", "RECORD_AND_SAMPLE", )),
                 1);
    long long probes = point_int(FIND_POINT(&c, "h2otel.requests", "http.route", "/healthz", )); /* harness polls */
    cr_assert_eq(point_int(FIND_POINT(&c, "otel.sdk.log.created", )), 6 + probes,
                 "one log record per request, none for the switched-off route");
    capture_free(&c);
}

Test(telemetry_http, extra_route_attributes_are_on_the_span)
{
    capture_t c;
    CAPTURE_START(&c,
                  "service:\n  routes:\n    /api/v1/dummy/not-working:\n      attributes:\n        team: qa\n"
                  "        tier: ${TIER_FOR_TEST:-gold}\n", );
    http_res_t r;
    http_get(&r, &c.svc, "/api/v1/dummy/not-working");
    capture_stop(&c);
    json_t *s = find_span(&c, "GET /api/v1/dummy/not-working", NULL);
    cr_assert(s != NULL);
    cr_assert_str_eq(attr_str(s, "team"), "qa");
    cr_assert_str_eq(attr_str(s, "tier"), "gold", "${VAR:-default} substitution");
    capture_free(&c);
}

Test(telemetry_http, throttle_spans_cross_the_worker_pool)
{
    capture_t c;
    CAPTURE_START(&c, no_delay, );
    http_res_t r;
    char url[128];
    snprintf(url, sizeof(url), "%s/api/v1/throttle/run", c.svc.base);
    static const char body[] = "{\"distance_m\":500,\"population\":40,\"generations\":30,\"seed\":42}";
    HTTP_WITH_HEADERS(&r, "POST", url, body, "Content-Type: application/json",
                      "traceparent: 00-5af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                      "tracestate: congo=t61rcWkgMzE", );
    cr_assert_eq(r.status, 200, "%s", r.body);
    http_do(&r, "POST", url, "{\"distance_m\":-5}", 17, 20000);
    cr_assert_eq(r.status, 400);
    capture_stop(&c);
    cr_assert_eq(count_spans(&c, "POST /api/v1/throttle/run"), 2);
    cr_assert_eq(count_spans(&c, "throttle.validate"), 2);
    cr_assert_eq(count_spans(&c, "throttle.evolve"), 1, "only the valid run evolves");
    json_t *ev = find_span(&c, "throttle.evolve", NULL);
    /* Its parent is the server span of the same trace (the hop to the worker kept the context). */
    size_t i;
    json_t *s, *server = NULL;
    json_array_foreach(c.spans, i, s)
    {
        if (str_eq(s, "spanId", json_string_value(json_object_get(ev, "parentSpanId"))))
            server = s;
    }
    cr_assert(server != NULL && str_eq(server, "name", "POST /api/v1/throttle/run"));
    cr_assert(str_eq(server, "traceId", json_string_value(json_object_get(ev, "traceId"))));
    cr_assert_str_eq(attr_str(server, "http.response.status_code"), "200");
    cr_assert_eq(json_integer_value(json_object_get(ev, "kind")), 1, "INTERNAL");
    cr_assert(str_eq(ev, "traceId", "5af7651916cd43dd8448eb211c80319c"));
    cr_assert(str_eq(ev, "traceState", "congo=t61rcWkgMzE"), "the tracestate crossed the hop: %s", json_dumps(ev, 0));
    cr_assert_str_eq(attr_str(ev, "throttle.population"), "40");
    json_t *events = json_object_get(ev, "events");
    cr_assert(json_array_size(events) >= 3, "generation events: %s", json_dumps(events, 0));
    json_t *e0 = json_array_get(events, 0);
    cr_assert(str_eq(e0, "name", "generation"));
    cr_assert_str_eq(attr_str(e0, "throttle.generation"), "0");
    cr_assert(json_is_real(json_object_get(json_object_get(e0, "attributes"), "throttle.best_fitness")));
    /* The invalid request's validation span is an error. */
    size_t errors = 0;
    json_array_foreach(c.spans, i, s)
    {
        if (str_eq(s, "name", "throttle.validate"))
            errors += json_integer_value(json_object_get(json_object_get(s, "status"), "code")) == 2;
    }
    cr_assert_eq(errors, 1);
    cr_assert_eq(point_int(FIND_POINT(&c, "h2otel.throttle.runs", "outcome", "ok", )), 1);
    json_t *g = FIND_POINT(&c, "h2otel.throttle.generations", );
    cr_assert_eq(point_count(g), 1);
    cr_assert(str_eq(json_array_get(json_object_get(g, "exemplars"), 0), "spanId",
                     json_string_value(json_object_get(ev, "spanId"))),
              "the exemplar points at the evolution span");
    capture_free(&c);
}

Test(telemetry_http, an_untraced_route_has_no_child_spans_either)
{
    capture_t c;
    CAPTURE_START(&c, "service:\n  routes:\n    /api/v1/throttle/run:\n      trace: false\n", );
    http_res_t r;
    char url[128];
    snprintf(url, sizeof(url), "%s/api/v1/throttle/run", c.svc.base);
    static const char body[] = "{\"distance_m\":500,\"population\":20,\"generations\":20,\"seed\":1}";
    http_do(&r, "POST", url, body, strlen(body), 20000);
    cr_assert_eq(r.status, 200, "%s", r.body);
    capture_stop(&c);
    cr_assert_eq(json_array_size(c.spans), 0, "no root spans for the children: %s", json_dumps(c.spans, 0));
    cr_assert_eq(point_int(FIND_POINT(&c, "h2otel.throttle.runs", "outcome", "ok", )), 1, "metrics still on");
    capture_free(&c);
}

Test(telemetry_http, http2_requests_say_protocol_version_2)
{
    capture_t c;
    CAPTURE_START(&c, no_delay, );
    harness_http_version = CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE; /* h2c */
    http_res_t r;
    http_get(&r, &c.svc, "/api/v1/dummy/");
    cr_assert_eq(r.status, 200);
    harness_http_version = CURL_HTTP_VERSION_1_1;
    capture_stop(&c);
    json_t *s = find_span(&c, "GET /api/v1/dummy/", NULL);
    cr_assert(s != NULL);
    cr_assert_str_eq(attr_str(s, "network.protocol.version"), "2");
    cr_assert_eq(point_count(FIND_POINT(&c, "http.server.request.duration", "http.route", "/api/v1/dummy/",
                                        "network.protocol.version", "2", )),
                 1, "its own pre-bound series");
    capture_free(&c);
}

Test(telemetry_http, route_sample_ratio_applies_to_new_traces_only)
{
    capture_t c;
    CAPTURE_START(&c, "service:\n  routes:\n    /api/v1/dummy/not-working:\n      sample_ratio: 0.5\n", );
    http_res_t r;
    for (int i = 0; i < 200; i++)
        http_get(&r, &c.svc, "/api/v1/dummy/not-working");
    char tp[128];
    for (int i = 0; i < 20; i++) { /* a sampled parent is always followed */
        snprintf(tp, sizeof(tp), "traceparent: 00-%032x-b7ad6b7169203331-01", i + 1);
        GET_WITH(&r, &c.svc, "/api/v1/dummy/not-working", tp, );
    }
    capture_stop(&c);
    size_t i, roots = 0, children = 0;
    json_t *s;
    json_array_foreach(c.spans, i, s)
    {
        if (str_eq(s, "parentSpanId", "b7ad6b7169203331"))
            children++;
        else
            roots++;
    }
    cr_assert_eq(children, 20, "every request with a sampled parent is traced");
    cr_assert(roots >= 60 && roots <= 140, "about half of 200 new traces kept, got %zu", roots);
    capture_free(&c);
}

/* A client that leaves before the answer: the request is still finished (span ended, active requests back to 0, one
 * log record), as h2o disposes of it. */
Test(telemetry_http, a_request_whose_client_left_is_still_finished)
{
    static const char slow[] = "service:\n  dummy:\n    delay_min_ms: 300\n    delay_max_ms: 300\n";
    capture_t c;
    CAPTURE_START(&c, slow, );
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {
        .sin_family = AF_INET, .sin_port = htons((uint16_t)c.svc.port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    cr_assert(connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0);
    static const char get[] = "GET /api/v1/dummy/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    cr_assert_eq(send(fd, get, sizeof(get) - 1, MSG_NOSIGNAL), (ssize_t)(sizeof(get) - 1));
    struct timespec ts = {0, 50000000L}; /* the request is being handled (waiting on its delay) */
    nanosleep(&ts, NULL);
    close(fd);
    ts.tv_nsec = 600000000L; /* past the delay */
    nanosleep(&ts, NULL);
    capture_stop(&c);
    json_t *s = find_span(&c, "GET /api/v1/dummy/", NULL);
    cr_assert(s != NULL, "the span ended; spans: %s", json_dumps(c.spans, 0));
    cr_assert_eq(point_int(FIND_POINT(&c, "http.server.active_requests", "http.request.method", "GET", )), 0);
    cr_assert_eq(point_int(FIND_POINT(&c, "h2otel.requests", "http.route", "/api/v1/dummy/", )), 1);
    size_t n = 0, i;
    json_t *rec;
    json_array_foreach(c.records, i, rec) n += str_eq(json_object_get(rec, "attributes"), "url.path", "/api/v1/dummy/");
    cr_assert_eq(n, 1, "one log record: %s", json_dumps(c.records, 0));
    capture_free(&c);
}
