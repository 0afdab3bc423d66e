/* SPDX-License-Identifier: Apache-2.0 */
/* Integration: client spans and context propagation — two h2otel instances form one trace; the outbound request
 * carries traceparent and baggage; /test/tracecontext (the W3C test-service interface). */
#include <pthread.h>

#include "telemetry_capture.h"

static const char no_delay[] = "service:\n  dummy:\n    delay_min_ms: 0\n    delay_max_ms: 0\n";

/* A one-shot HTTP server on 127.0.0.1 that records the request it gets and answers {"ok":true}. */
typedef struct sink {
    int fd, port;
    pthread_t thread;
    char request[8192];
} sink_t;

static void *sink_main(void *arg)
{
    sink_t *s = arg;
    int c = accept(s->fd, NULL, NULL);
    if (c < 0)
        return NULL;
    size_t len = 0;
    struct timeval tv = {.tv_sec = 5};
    setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    for (;;) { /* headers, then the body by Content-Length */
        ssize_t n = recv(c, s->request + len, sizeof(s->request) - 1 - len, 0);
        if (n <= 0)
            break;
        len += (size_t)n;
        s->request[len] = '\0';
        char *end = strstr(s->request, "\r\n\r\n");
        if (end == NULL)
            continue;
        const char *cl = strcasestr(s->request, "content-length:");
        size_t want = (size_t)(end + 4 - s->request) + (cl != NULL && cl < end ? strtoul(cl + 15, NULL, 10) : 0);
        if (len >= want)
            break;
    }
    static const char answer[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n"
                                 "Connection: close\r\n\r\n{\"ok\":true}";
    cr_assert(send(c, answer, sizeof(answer) - 1, 0) > 0);
    close(c);
    return NULL;
}

static void sink_start(sink_t *s)
{
    memset(s, 0, sizeof(*s));
    s->fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t sl = sizeof(sa);
    cr_assert(bind(s->fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 && listen(s->fd, 4) == 0);
    getsockname(s->fd, (struct sockaddr *)&sa, &sl);
    s->port = ntohs(sa.sin_port);
    pthread_create(&s->thread, NULL, sink_main, s);
}

static void sink_join(sink_t *s)
{
    pthread_join(s->thread, NULL);
    close(s->fd);
}

/* The value of header `name` in the recorded request (lowercase match), into out. */
static int sink_header(const sink_t *s, const char *name, char *out, size_t cap)
{
    char pat[64];
    snprintf(pat, sizeof(pat), "\r\n%s: ", name);
    const char *p = strcasestr(s->request, pat);
    if (p == NULL)
        return 0;
    p += strlen(pat);
    size_t n = strcspn(p, "\r");
    snprintf(out, cap, "%.*s", (int)n, p);
    return 1;
}

static json_t *span_by_id(capture_t *c, const char *id)
{
    size_t i;
    json_t *s;
    json_array_foreach(c->spans, i, s)
    {
        if (str_eq(s, "spanId", id))
            return s;
    }
    return NULL;
}

Test(telemetry_distributed, two_instances_make_one_trace)
{
    capture_t down, up;
    char yaml[512];
    snprintf(yaml, sizeof(yaml), "%sresource:\n  attributes:\n    - name: service.name\n      value: down\n", no_delay);
    CAPTURE_START(&down, yaml, );
    char url[128];
    snprintf(url, sizeof(url), "%s/api/v1/dummy/", down.svc.base);
    CAPTURE_START(&up, "resource:\n  attributes:\n    - name: service.name\n      value: up\n", "--downstream-url",
                  url, );
    http_res_t r;
    http_get(&r, &up.svc, "/api/v1/dummy/call-downstream");
    cr_assert_eq(r.status, 200, "%s", r.body);
    capture_stop(&up);
    capture_stop(&down);

    json_t *server_up = find_span(&up, "GET /api/v1/dummy/call-downstream", "up");
    json_t *client = find_span(&up, "GET", "up");
    json_t *server_down = find_span(&down, "GET /api/v1/dummy/", "down");
    cr_assert(server_up && client && server_down, "up: %s down: %s", json_dumps(up.spans, 0),
              json_dumps(down.spans, 0));
    const char *trace = json_string_value(json_object_get(server_up, "traceId"));
    cr_assert(str_eq(client, "traceId", trace) && str_eq(server_down, "traceId", trace), "one trace across both");
    cr_assert_eq(json_integer_value(json_object_get(client, "kind")), 3, "CLIENT");
    cr_assert(str_eq(client, "parentSpanId", json_string_value(json_object_get(server_up, "spanId"))));
    cr_assert(str_eq(server_down, "parentSpanId", json_string_value(json_object_get(client, "spanId"))),
              "the downstream server span is a child of the client span");
    cr_assert_str_eq(attr_str(client, "http.request.method"), "GET");
    cr_assert_str_eq(attr_str(client, "server.address"), "127.0.0.1");
    char port[16];
    snprintf(port, sizeof(port), "%d", down.svc.port);
    cr_assert_str_eq(attr_str(client, "server.port"), port);
    cr_assert_str_eq(attr_str(client, "url.full"), url);
    cr_assert_str_eq(attr_str(client, "http.response.status_code"), "200");
    json_t *p = FIND_POINT(&up, "http.client.request.duration", "server.port", port, "http.response.status_code", "200",
                           "http.request.method", "GET", );
    cr_assert_eq(point_count(p), 1);
    cr_assert(str_eq(json_array_get(json_object_get(p, "exemplars"), 0), "spanId",
                     json_string_value(json_object_get(client, "spanId"))));
    capture_free(&up);
    capture_free(&down);
}

Test(telemetry_distributed, outbound_request_carries_traceparent_and_baggage)
{
    sink_t sink;
    sink_start(&sink);
    char url[128];
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/anything", sink.port);
    capture_t c;
    CAPTURE_START(&c, NULL, "--downstream-url", url, );
    http_res_t r;
    char full[160];
    snprintf(full, sizeof(full), "%s/api/v1/dummy/call-downstream", c.svc.base);
    HTTP_WITH_HEADERS(&r, "GET", full, NULL, "traceparent: 00-2af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                      "tracestate: rojo=00f067aa0ba902b7", "baggage: user.id=42,tenant=acme", );
    cr_assert_eq(r.status, 200, "%s", r.body);
    sink_join(&sink);
    capture_stop(&c);
    json_t *client = find_span(&c, "GET", NULL);
    cr_assert(client != NULL);
    char tp[128], ts[128], bag[256], want[128];
    cr_assert(sink_header(&sink, "traceparent", tp, sizeof(tp)), "request: %s", sink.request);
    snprintf(want, sizeof(want), "00-2af7651916cd43dd8448eb211c80319c-%s-01",
             json_string_value(json_object_get(client, "spanId")));
    cr_assert_str_eq(tp, want, "traceparent names the client span");
    cr_assert(sink_header(&sink, "tracestate", ts, sizeof(ts)));
    cr_assert_str_eq(ts, "rojo=00f067aa0ba902b7");
    cr_assert(sink_header(&sink, "baggage", bag, sizeof(bag)), "request: %s", sink.request);
    cr_assert(strstr(bag, "user.id=42") != NULL && strstr(bag, "tenant=acme") != NULL, "baggage: %s", bag);
    capture_free(&c);
}

Test(telemetry_distributed, failed_downstream_call_is_an_error_on_both_spans)
{
    char url[128];
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/", free_port());
    capture_t c;
    CAPTURE_START(&c, NULL, "--downstream-url", url, );
    http_res_t r;
    http_get(&r, &c.svc, "/api/v1/dummy/call-downstream");
    cr_assert_eq(r.status, 502);
    capture_stop(&c);
    json_t *client = find_span(&c, "GET", NULL), *server = find_span(&c, "GET /api/v1/dummy/call-downstream", NULL);
    cr_assert(client != NULL && server != NULL);
    cr_assert_str_eq(attr_str(client, "error.type"), "connection_error");
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(client, "status"), "code")), 2);
    cr_assert(attr_str(client, "http.response.status_code") == NULL);
    cr_assert_str_eq(attr_str(server, "error.type"), "502");
    cr_assert_eq(point_count(FIND_POINT(&c, "http.client.request.duration", "error.type", "connection_error", )), 1);
    capture_free(&c);
}

Test(telemetry_distributed, test_tracecontext_is_off_by_default)
{
    capture_t c;
    CAPTURE_START(&c, NULL, );
    http_res_t r;
    char url[128];
    snprintf(url, sizeof(url), "%s/test/tracecontext", c.svc.base);
    http_do(&r, "POST", url, "[]", 2, 5000);
    assert_error(&r, 404, "not_found");
    capture_stop(&c);
    capture_free(&c);
}

Test(telemetry_distributed, test_tracecontext_calls_each_url_with_the_context)
{
    sink_t sink;
    sink_start(&sink);
    capture_t c;
    CAPTURE_START(&c, "service:\n  test_endpoints: true\n", );
    char body[256], url[128];
    snprintf(body, sizeof(body), "[{\"url\": \"http://127.0.0.1:%d/test\", \"arguments\": [{\"x\": 1}]}]", sink.port);
    snprintf(url, sizeof(url), "%s/test/tracecontext", c.svc.base);
    http_res_t r;
    HTTP_WITH_HEADERS(&r, "POST", url, body, "traceparent: 00-3af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00",
                      "Content-Type: application/json", );
    cr_assert_eq(r.status, 200, "%s", r.body);
    sink_join(&sink);
    capture_stop(&c);
    cr_assert(strncmp(sink.request, "POST /test HTTP/1.1\r\n", 21) == 0, "request: %s", sink.request);
    cr_assert(strstr(sink.request, "\r\n\r\n[{\"x\":1}]") != NULL, "arguments are the body: %s", sink.request);
    char tp[128];
    cr_assert(sink_header(&sink, "traceparent", tp, sizeof(tp)));
    /* Not sampled upstream: the flag stays 00 and the trace id is kept, with a new parent id. */
    cr_assert(strncmp(tp, "00-3af7651916cd43dd8448eb211c80319c-", 36) == 0, "traceparent %s", tp);
    cr_assert(strcmp(tp + 53, "00") == 0, "traceparent %s", tp);
    cr_assert(strncmp(tp + 36, "b7ad6b7169203331", 16) != 0, "a new parent id");
    cr_assert_eq(json_array_size(c.spans), 0, "nothing sampled: %s", json_dumps(c.spans, 0));
    capture_free(&c);
}

Test(telemetry_distributed, test_tracecontext_sampled_client_span_is_a_child_of_the_request)
{
    sink_t sink;
    sink_start(&sink);
    capture_t c;
    CAPTURE_START(&c, "service:\n  test_endpoints: true\n", );
    char body[256], url[128];
    snprintf(body, sizeof(body), "[{\"url\": \"http://127.0.0.1:%d/a\", \"arguments\": []}]", sink.port);
    snprintf(url, sizeof(url), "%s/test/tracecontext", c.svc.base);
    http_res_t r;
    http_do(&r, "POST", url, body, strlen(body), 10000);
    cr_assert_eq(r.status, 200, "%s", r.body);
    sink_join(&sink);
    capture_stop(&c);
    json_t *server = find_span(&c, "POST /test/tracecontext", NULL), *client = find_span(&c, "POST", NULL);
    cr_assert(server != NULL && client != NULL, "spans: %s", json_dumps(c.spans, 0));
    cr_assert(str_eq(client, "parentSpanId", json_string_value(json_object_get(server, "spanId"))));
    char tp[128], want[128];
    cr_assert(sink_header(&sink, "traceparent", tp, sizeof(tp)));
    snprintf(want, sizeof(want), "00-%s-%s-01", json_string_value(json_object_get(server, "traceId")),
             json_string_value(json_object_get(client, "spanId")));
    cr_assert_str_eq(tp, want);
    cr_assert(span_by_id(&c, json_string_value(json_object_get(client, "parentSpanId"))) == server);
    capture_free(&c);
}
