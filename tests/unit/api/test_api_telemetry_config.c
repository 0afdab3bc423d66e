/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of src/api/telemetry_config.c (declarative YAML shape, OTEL_* overlay) and http_semconv.c. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "telemetry_internal.h"

static char tmp_path[64];

static const char *write_yaml(const char *text)
{
    snprintf(tmp_path, sizeof(tmp_path), "/tmp/h2otel-telcfg-XXXXXX");
    int fd = mkstemp(tmp_path);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return tmp_path;
}

static const char full[] = "file_format: \"0.3\"\n"
                           "resource:\n"
                           "  attributes:\n"
                           "    - name: service.name\n"
                           "      value: ${UNIT_SVC:-unit}\n"
                           "  attributes_list: team=a,tier=b\n"
                           "propagator:\n"
                           "  composite: [tracecontext: {}]\n"
                           "tracer_provider:\n"
                           "  sampler:\n"
                           "    parent_based:\n"
                           "      root:\n"
                           "        trace_id_ratio_based: {ratio: 0.25}\n"
                           "  limits: {attribute_count_limit: 64, event_count_limit: 7}\n"
                           "  processors:\n"
                           "    - batch:\n"
                           "        schedule_delay: 250\n"
                           "        max_queue_size: 4096\n"
                           "        exporter:\n"
                           "          otlp:\n"
                           "            endpoint: http://collector:4317\n"
                           "            compression: gzip\n"
                           "            timeout: 2500\n"
                           "            headers: [{name: api-key, value: secret}]\n"
                           "meter_provider:\n"
                           "  exemplar_filter: always_off\n"
                           "  readers:\n"
                           "    - periodic:\n"
                           "        interval: 15000\n"
                           "        exporter:\n"
                           "          otlp: {endpoint: https://m:4317, temporality_preference: delta}\n"
                           "logger_provider:\n"
                           "  processors:\n"
                           "    - simple:\n"
                           "        exporter: {console: {}}\n"
                           "service:\n"
                           "  routes:\n"
                           "    /api/v1/dummy/slow: {trace: false, sample_ratio: 0.5, attributes: {k: v}}\n";

Test(telemetry_config, reads_the_declarative_shape)
{
    unsetenv("UNIT_SVC");
    api_tel_settings_t s;
    api_tel_settings_defaults(&s);
    char err[512] = "";
    cr_assert_eq(api_tel_settings_apply_file(&s, write_yaml(full), err, sizeof(err)), 0, "%s", err);
    unlink(tmp_path);
    cr_assert_str_eq(s.file_format, "0.3");
    cr_assert_eq(s.resource_count, 3);
    cr_assert_str_eq(s.resource_value[0], "unit");
    cr_assert_str_eq(s.resource_key[2], "tier");
    cr_assert_str_eq(s.propagators, "tracecontext");
    cr_assert_str_eq(s.sampler, "parentbased_traceidratio");
    cr_assert_eq(atof(s.sampler_arg), 0.25);
    cr_assert_eq(s.span_limits.attribute_count_limit, 64);
    cr_assert_eq(s.span_limits.event_count_limit, 7);
    cr_assert_eq(s.bsp.schedule_delay_ms, 250);
    cr_assert_eq(s.bsp.max_queue_size, 4096);
    cr_assert_eq(s.traces.kind, API_TEL_EXPORTER_OTLP);
    cr_assert_str_eq(s.traces.otlp.endpoint, "http://collector:4317");
    cr_assert(s.traces.otlp.insecure && s.traces.otlp.gzip);
    cr_assert_eq(s.traces.otlp.timeout_ms, 2500);
    cr_assert_str_eq(s.traces.otlp.headers, "api-key=secret");
    cr_assert_eq(s.exemplar_filter, OTEL_EXEMPLAR_FILTER_ALWAYS_OFF);
    cr_assert_eq(s.reader.interval_ms, 15000);
    cr_assert(!s.metrics.otlp.insecure);
    cr_assert_eq(s.metrics.temporality, OTEL_TEMPORALITY_PREFERENCE_DELTA);
    cr_assert(s.logs_simple);
    cr_assert_eq(s.logs.kind, API_TEL_EXPORTER_CONSOLE);
    const api_tel_route_settings_t *r = api_tel_settings_route(&s, "/api/v1/dummy/slow");
    cr_assert(r != NULL && !r->trace && r->metrics && r->sample_ratio == 0.5 && r->extra_count == 1);
    cr_assert_str_eq(r->extra_value[0], "v");
    cr_assert(api_tel_settings_route(&s, "/api/v1/dummy/") == NULL);
}

Test(telemetry_config, set_variables_override_the_file)
{
    api_tel_settings_t s;
    api_tel_settings_defaults(&s);
    char err[512] = "";
    cr_assert_eq(api_tel_settings_apply_file(&s, write_yaml(full), err, sizeof(err)), 0, "%s", err);
    unlink(tmp_path);
    setenv("OTEL_TRACES_SAMPLER", "always_off", 1);
    setenv("OTEL_METRICS_EXPORTER", "none", 1);
    setenv("OTEL_BSP_SCHEDULE_DELAY", "999", 1);
    setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://other:4317", 1);
    setenv("OTEL_METRIC_EXPORT_INTERVAL", "2000", 1);
    cr_assert_eq(api_tel_settings_apply_env(&s, err, sizeof(err)), 0, "%s", err);
    cr_assert_str_eq(s.sampler, "always_off");
    cr_assert_str_eq(s.sampler_arg, "", "the file's ratio does not leak into another sampler");
    cr_assert_eq(s.metrics.kind, API_TEL_EXPORTER_NONE);
    cr_assert_eq(s.bsp.schedule_delay_ms, 999);
    cr_assert(strstr(s.traces.otlp.endpoint, "other:4317") != NULL, "%s", s.traces.otlp.endpoint);
    cr_assert_eq(s.reader.interval_ms, 2000);
    cr_assert_eq(s.bsp.max_queue_size, 4096, "unset variables keep the file's value");
    cr_assert(s.traces.otlp.gzip);
    setenv("OTEL_LOGS_EXPORTER", "zipkin", 1);
    cr_assert_eq(api_tel_settings_apply_env(&s, err, sizeof(err)), -1);
    cr_assert(strstr(err, "OTEL_LOGS_EXPORTER") != NULL, "%s", err);
}

Test(telemetry_config, errors_name_line_and_key)
{
    static const struct {
        const char *yaml, *want;
    } cases[] = {
        {"tracer_provider:\n  processors: []\n", ":2: key 'tracer_provider.processors': exactly one processor"},
        {"tracer_provider:\n  sampler: {jaeger_remote: {}}\n", ":2: key 'tracer_provider.sampler.jaeger_remote'"},
        {"meter_provider:\n  readers:\n    - pull: {}\n", ":3: key 'meter_provider.readers[0].pull'"},
        {"resource:\n  attributes:\n    - value: x\n", ":3: key 'resource.attributes[0]': 'name' is required"},
        {"logger_provider:\n  processors:\n    - batch: {}\n", "'exporter' is required"},
        {"resource:\n  attributes_list: ${UNTERMINATED\n", "bad ${VAR} reference"},
        {"tracer_provider:\n  processors:\n    - batch:\n        exporter:\n          otlp: {protocol: "
         "http/protobuf}\n",
         "only grpc is supported"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        api_tel_settings_t s;
        api_tel_settings_defaults(&s);
        char err[512] = "";
        cr_assert_eq(api_tel_settings_apply_file(&s, write_yaml(cases[i].yaml), err, sizeof(err)), -1, "case %zu", i);
        unlink(tmp_path);
        cr_assert(strstr(err, cases[i].want) != NULL, "case %zu: '%s' lacks '%s'", i, err, cases[i].want);
        cr_assert(strncmp(err, "h2otel: /tmp/h2otel-telcfg-", 27) == 0, "%s", err);
    }
}

Test(http_semconv, methods_statuses_and_versions)
{
    cr_assert_eq(api_tel_method_index(h2o_iovec_init(H2O_STRLIT("GET"))), 0);
    cr_assert_eq(api_tel_method_index(h2o_iovec_init(H2O_STRLIT("PATCH"))), 8);
    cr_assert_eq(api_tel_method_index(h2o_iovec_init(H2O_STRLIT("get"))), API_TEL_METHOD_OTHER, "case-sensitive");
    cr_assert_eq(api_tel_method_index(h2o_iovec_init(H2O_STRLIT("GETX"))), API_TEL_METHOD_OTHER);
    cr_assert_str_eq(api_tel_method_names[API_TEL_METHOD_OTHER], "_OTHER");
    char buf[4];
    otel_str_t t = api_tel_status_text(503, buf);
    cr_assert(t.len == 3 && memcmp(t.ptr, "503", 3) == 0);
    t = api_tel_status_text(42, buf);
    cr_assert(t.len == 6 && memcmp(t.ptr, "_OTHER", 6) == 0);
    cr_assert_eq(api_tel_status_slot(200), 0);
    cr_assert(api_tel_status_slot(418) < 0);
    cr_assert_str_eq(api_tel_protocol_version(0x101), "1.1");
    cr_assert_str_eq(api_tel_protocol_version(0x200), "2");
    cr_assert_str_eq(api_tel_protocol_version(0x100), "1.0");
}
