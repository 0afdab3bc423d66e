/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for the console exporter: one OTLP-JSON object per line, checked with jansson. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "otel/otel.h"

Test(trace_console, writes_one_otlp_json_object_per_span)
{
    FILE *f = tmpfile();
    cr_assert_not_null(f);
    otel_span_exporter_t e;
    cr_assert_eq(otel_console_span_exporter_create(f, &e), OTEL_OK);
    otel_tracer_provider_options_t o;
    otel_tracer_provider_options_init(&o);
    otel_attribute_t rattrs[] = {OTEL_ATTR_STR("service.name", "svc")};
    o.resource = otel_resource_create(rattrs, 1, NULL);
    o.sampler = otel_sampler_always_on_create();
    otel_simple_span_processor_create(e, &o.processors[0]);
    o.processor_count = 1;
    otel_tracer_provider_t *p;
    cr_assert_eq(otel_tracer_provider_create(&o, &p), OTEL_OK);
    otel_resource_destroy(o.resource);
    otel_scope_t scope = {OTEL_STR("lib"), OTEL_STR("0.1"), OTEL_STR(""), NULL, 0};
    otel_tracer_t *t = otel_tracer_provider_get_tracer(p, &scope);
    otel_span_context_t remote;
    otel_traceparent_parse(OTEL_STR("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"), &remote);
    otel_span_start_options_t so = {.kind = OTEL_SPAN_KIND_SERVER, .parent = &remote, .start_time_unix_ns = 5};
    otel_span_t *s = otel_tracer_start_span(t, OTEL_STR("GET \"/q\"\n"), &so);
    int64_t ints[] = {1, 2};
    otel_attribute_t attrs[] = {OTEL_ATTR_INT("http.status_code", 500),
                                OTEL_ATTR_DOUBLE("d", 0.25),
                                OTEL_ATTR_BOOL("b", true),
                                {OTEL_STR("arr"), {.type = OTEL_VALUE_INT64_ARRAY, .u.int64s = {ints, 2}}}};
    otel_span_set_attributes(s, attrs, 4);
    otel_span_add_event(s, OTEL_STR("ev"), 7, NULL, 0);
    otel_span_set_status(s, OTEL_STATUS_CODE_ERROR, OTEL_STR("bad"));
    otel_span_end(s, 9);
    otel_span_end(otel_tracer_start_span(t, OTEL_STR("second"), NULL), 0);
    otel_tracer_provider_destroy(p);

    rewind(f);
    char line[8192];
    cr_assert_not_null(fgets(line, sizeof(line), f));
    json_error_t jerr;
    json_t *root = json_loads(line, 0, &jerr);
    cr_assert_not_null(root, "invalid JSON: %s in %s", jerr.text, line);
    json_t *rs = json_array_get(json_object_get(root, "resourceSpans"), 0);
    json_t *rattr = json_array_get(json_object_get(json_object_get(rs, "resource"), "attributes"), 0);
    cr_expect_str_eq(json_string_value(json_object_get(rattr, "key")), "service.name");
    json_t *ss = json_array_get(json_object_get(rs, "scopeSpans"), 0);
    cr_expect_str_eq(json_string_value(json_object_get(json_object_get(ss, "scope"), "name")), "lib");
    json_t *span = json_array_get(json_object_get(ss, "spans"), 0);
    cr_expect_str_eq(json_string_value(json_object_get(span, "traceId")), "4bf92f3577b34da6a3ce929d0e0e4736");
    cr_expect_str_eq(json_string_value(json_object_get(span, "parentSpanId")), "00f067aa0ba902b7");
    cr_expect_eq(strlen(json_string_value(json_object_get(span, "spanId"))), 16);
    cr_expect_str_eq(json_string_value(json_object_get(span, "name")), "GET \"/q\"\n");
    cr_expect_eq(json_integer_value(json_object_get(span, "kind")), 2);
    cr_expect_str_eq(json_string_value(json_object_get(span, "startTimeUnixNano")), "5");
    cr_expect_str_eq(json_string_value(json_object_get(span, "endTimeUnixNano")), "9");
    json_t *a0 = json_array_get(json_object_get(span, "attributes"), 0);
    cr_expect_str_eq(json_string_value(json_object_get(json_object_get(a0, "value"), "intValue")), "500");
    json_t *a1 = json_array_get(json_object_get(span, "attributes"), 1);
    cr_expect_eq(json_real_value(json_object_get(json_object_get(a1, "value"), "doubleValue")), 0.25);
    json_t *a3 = json_array_get(json_object_get(span, "attributes"), 3);
    json_t *vals = json_object_get(json_object_get(json_object_get(a3, "value"), "arrayValue"), "values");
    cr_expect_eq(json_array_size(vals), 2);
    json_t *ev = json_array_get(json_object_get(span, "events"), 0);
    cr_expect_str_eq(json_string_value(json_object_get(ev, "name")), "ev");
    json_t *status = json_object_get(span, "status");
    cr_expect_eq(json_integer_value(json_object_get(status, "code")), 2);
    cr_expect_str_eq(json_string_value(json_object_get(status, "message")), "bad");
    cr_expect_eq(json_integer_value(json_object_get(span, "flags")), 0x301, "sampled, has-remote, remote parent");
    json_decref(root);
    cr_assert_not_null(fgets(line, sizeof(line), f), "one line per span");
    root = json_loads(line, 0, &jerr);
    cr_expect_not_null(root);
    json_decref(root);
    cr_expect_null(fgets(line, sizeof(line), f));
    fclose(f);
}
