/* SPDX-License-Identifier: Apache-2.0 */
/* Integration: /api/v1/dummy/call-downstream against a second h2otel, a dead port and a slow downstream. */
#include "harness.h"

Test(downstream, calls_a_second_instance)
{
    svc_t down, up;
    SVC_START(&down, "--dummy-delay-min-ms", "0", "--dummy-delay-max-ms", "0");
    char url[128];
    snprintf(url, sizeof(url), "%s/api/v1/dummy/", down.base);
    SVC_START(&up, "--downstream-url", url);
    http_res_t r;
    http_get(&r, &up, "/api/v1/dummy/call-downstream");
    cr_assert_eq(r.status, 200, "status %ld body %s", r.status, r.body);
    cr_assert_str_eq(r.content_type, "application/json");
    json_t *j = body_json(&r);
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(j, "downstream"), "message")),
                     "Hello, OpenTelemetry!");
    cr_assert(json_is_string(json_object_get(j, "message")));
    json_decref(j);
    svc_stop(&up);
    svc_stop(&down);
}

Test(downstream, dead_port_is_502)
{
    char url[128];
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/api/v1/dummy/", free_port());
    svc_t up;
    SVC_START(&up, "--downstream-url", url);
    http_res_t r;
    http_get(&r, &up, "/api/v1/dummy/call-downstream");
    assert_error(&r, 502, "bad_gateway");
    cr_assert(r.seconds < 2.0);
    svc_stop(&up);
}

Test(downstream, error_status_downstream_is_502)
{
    svc_t down, up;
    SVC_START(&down, "--dummy-delay-min-ms", "0", "--dummy-delay-max-ms", "0");
    char url[128];
    snprintf(url, sizeof(url), "%s/api/v1/dummy/not-working", down.base);
    SVC_START(&up, "--downstream-url", url);
    http_res_t r;
    http_get(&r, &up, "/api/v1/dummy/call-downstream");
    assert_error(&r, 502, "bad_gateway");
    cr_assert(strstr(r.body, "500") != NULL, "body %s", r.body);
    svc_stop(&up);
    svc_stop(&down);
}

Test(downstream, slow_downstream_is_504_at_the_deadline)
{
    svc_t down, up;
    SVC_START(&down, "--slow-delay-min-ms", "3000", "--slow-delay-max-ms", "3000", "--shutdown-grace-ms", "100");
    char url[128];
    snprintf(url, sizeof(url), "%s/api/v1/dummy/slow", down.base);
    SVC_START(&up, "--downstream-url", url, "--downstream-timeout-ms", "300");
    http_res_t r;
    http_get(&r, &up, "/api/v1/dummy/call-downstream");
    assert_error(&r, 504, "gateway_timeout");
    cr_assert(r.seconds >= 0.29 && r.seconds < 2.0, "504 after %.3f s with a 300 ms deadline", r.seconds);
    svc_stop(&up);
    svc_stop(&down);
}
