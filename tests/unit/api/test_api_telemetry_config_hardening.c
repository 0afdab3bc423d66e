/* SPDX-License-Identifier: Apache-2.0 */
/* Hostile and edge-case files for the declarative-configuration loader (src/api/telemetry_config.c). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "export/otlp_internal.h"
#include "telemetry_config.h"

/* Loads `yaml` (len bytes, may hold NULs) into fresh settings; returns the loader's status, err filled. */
static int load(const char *yaml, size_t len, api_tel_settings_t *s, char *err, size_t errlen)
{
    char path[] = "/tmp/h2otel-telcfg-hard-XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, yaml, len), (ssize_t)len);
    close(fd);
    api_tel_settings_defaults(s);
    err[0] = '\0';
    int rc = api_tel_settings_apply_file(s, path, err, errlen);
    unlink(path);
    return rc;
}

static void assert_one_printable_line(const char *err)
{
    cr_assert(strncmp(err, "h2otel: /tmp/h2otel-telcfg-hard-", 32) == 0, "%s", err);
    for (const char *p = err; *p; p++)
        cr_assert((unsigned char)*p >= 0x20 && *p != 0x7f, "control character in '%s'", err);
}

Test(telemetry_config_hardening, keys_and_values_with_line_breaks_still_give_one_line)
{
    /* Before: the key (and a quoted value) went into the message raw, so the "one line" error had three. */
    static const char *const cases[] = {
        "tracer_provider:\n  \"proc\\nessors\\r\": []\n",
        "meter_provider:\n  exemplar_filter: \"always\\non\"\n",
        "service:\n  routes:\n    \"/nope\\n\\u0007\": {}\n",
        "resource:\n  attributes_list: \"a\\nb\"\n",
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        api_tel_settings_t s;
        char err[1024];
        cr_assert_eq(load(cases[i], strlen(cases[i]), &s, err, sizeof(err)), -1, "case %zu", i);
        assert_one_printable_line(err);
    }
}

Test(telemetry_config_hardening, deep_nesting_is_refused_before_it_is_loaded)
{
    /* libyaml's load time grows with the square of the depth: 100 k brackets used to take seconds. */
    size_t n = 100000;
    char *yaml = malloc(2 * n + 16);
    cr_assert(yaml != NULL);
    memcpy(yaml, "resource: ", 10);
    memset(yaml + 10, '[', n);
    memset(yaml + 10 + n, ']', n);
    api_tel_settings_t s;
    char err[1024];
    cr_assert_eq(load(yaml, 10 + 2 * n, &s, err, sizeof(err)), -1);
    free(yaml);
    cr_assert(strstr(err, ":1: nested deeper than 64 levels") != NULL, "%s", err);
}

Test(telemetry_config_hardening, otlp_header_values_survive_the_headers_syntax)
{
    /* The YAML list becomes OTEL_EXPORTER_OTLP_HEADERS syntax, whose values are percent-decoded and split at ','.
     * Before, "a,b" became two headers and "100%25" lost its escape. */
    const char yaml[] = "tracer_provider:\n  processors:\n    - batch:\n        exporter:\n          otlp:\n"
                        "            headers: [{name: Api-Key, value: \"a,b=c\"}, {name: x-pct, value: \"100%25\"}]\n";
    api_tel_settings_t s;
    char err[1024];
    cr_assert_eq(load(yaml, strlen(yaml), &s, err, sizeof(err)), 0, "%s", err);
    otel_otlp__header_t *h = NULL;
    size_t count = 0;
    cr_assert_eq(otel_otlp__headers_parse(s.traces.otlp.headers, "headers", &h, &count, err, sizeof(err)), OTEL_OK,
                 "%s: %s", s.traces.otlp.headers, err);
    cr_assert_eq(count, 2, "%s", s.traces.otlp.headers);
    cr_assert_str_eq(h[0].key, "api-key");
    cr_assert_str_eq(h[0].value, "a,b=c");
    cr_assert_str_eq(h[1].value, "100%25");
    otel_otlp__headers_free(h, count);
}

Test(telemetry_config_hardening, otlp_header_names_and_control_characters_are_refused_at_load)
{
    static const struct {
        const char *yaml, *want;
    } cases[] = {
        {"tracer_provider:\n  processors:\n    - simple:\n        exporter:\n          otlp:\n"
         "            headers: [{name: \"a b\", value: c}]\n",
         "key 'tracer_provider.processors[0].simple.exporter.otlp.headers[0]': a header name is a token"},
        {"logger_provider:\n  processors:\n    - simple:\n        exporter:\n          otlp:\n"
         "            headers: [{name: k, value: \"x\\r\\ny\"}]\n",
         "key 'logger_provider.processors[0].simple.exporter.otlp.headers[0]': control character"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        api_tel_settings_t s;
        char err[1024];
        cr_assert_eq(load(cases[i].yaml, strlen(cases[i].yaml), &s, err, sizeof(err)), -1, "case %zu", i);
        cr_assert(strstr(err, cases[i].want) != NULL, "case %zu: %s", i, err);
        assert_one_printable_line(err);
    }
}

Test(telemetry_config_hardening, unknown_keys_list_the_known_ones_of_their_section)
{
    const char yaml[] = "meter_provider:\n  readers:\n    - periodic:\n        exporter:\n          console:\n"
                        "        intervall: 5\n";
    api_tel_settings_t s;
    char err[1024];
    cr_assert_eq(load(yaml, strlen(yaml), &s, err, sizeof(err)), -1);
    cr_assert(strstr(err, ":6: key 'meter_provider.readers[0].periodic.intervall': unknown key (known: interval, "
                          "timeout, exporter)") != NULL,
              "%s", err);
    /* temporality_preference is a metrics-only key: under traces it is unknown, and not listed. */
    const char traces[] = "tracer_provider:\n  processors:\n    - simple:\n        exporter:\n          otlp:\n"
                          "            temporality_preference: delta\n";
    cr_assert_eq(load(traces, strlen(traces), &s, err, sizeof(err)), -1);
    cr_assert(strstr(err, "unknown key (known: endpoint,") != NULL &&
                  strstr(err, "temporality") == strstr(err, "temporality_preference'"),
              "%s", err);
}

Test(telemetry_config_hardening, too_long_file_paths_are_errors_not_truncations)
{
    /* The certificate fields are copied into fixed buffers: a longer path is an error, never cut short. */
    char yaml[1400];
    char longpath[600];
    memset(longpath, 'p', sizeof(longpath) - 1);
    longpath[sizeof(longpath) - 1] = '\0';
    snprintf(yaml, sizeof(yaml),
             "tracer_provider:\n  processors:\n    - simple:\n        exporter:\n          otlp:\n"
             "            certificate_file: /%s\n",
             longpath);
    api_tel_settings_t s;
    char err[1024];
    cr_assert_eq(load(yaml, strlen(yaml), &s, err, sizeof(err)), -1);
    cr_assert(strstr(err, "certificate_file': value too long (at most 511 characters)") != NULL, "%s", err);
}

Test(telemetry_config_hardening, every_key_of_the_shape_is_accepted_and_stored)
{
    const char yaml[] = "attribute_limits: {attribute_count_limit: 11, attribute_value_length_limit: 22}\n"
                        "tracer_provider:\n  processors:\n    - batch:\n        export_timeout: 3\n"
                        "        max_export_batch_size: 4\n        exporter:\n          otlp:\n"
                        "            insecure: false\n            compression: none\n            headers_list: a=b\n"
                        "            certificate_file: /ca\n            client_key: /k\n"
                        "            client_certificate_file: /c\n"
                        "meter_provider:\n  readers:\n    - periodic:\n        timeout: 7\n        exporter:\n"
                        "          otlp_file/development: {output_stream: \"file:///tmp/m.jsonl\"}\n"
                        "logger_provider:\n  limits: {attribute_count_limit: 5}\n  processors:\n"
                        "    - batch: {schedule_delay: 9, exporter: {otlp_file: {output_stream: stdout}}}\n";
    api_tel_settings_t s;
    char err[1024];
    cr_assert_eq(load(yaml, strlen(yaml), &s, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(s.span_limits.attribute_count_limit, 11);
    cr_assert_eq(s.span_limits.attribute_value_length_limit, 22);
    cr_assert_eq(s.log_limits.attribute_count_limit, 5, "logger_provider.limits comes after attribute_limits");
    cr_assert_eq(s.log_limits.attribute_value_length_limit, 22);
    cr_assert_eq(s.bsp.export_timeout_ms, 3);
    cr_assert_eq(s.bsp.max_export_batch_size, 4);
    cr_assert(!s.traces.otlp.insecure && !s.traces.otlp.gzip);
    cr_assert_str_eq(s.traces.otlp.headers, "a=b");
    cr_assert_str_eq(s.traces.otlp.certificate, "/ca");
    cr_assert_str_eq(s.traces.otlp.client_key, "/k");
    cr_assert_str_eq(s.traces.otlp.client_certificate, "/c");
    cr_assert_eq(s.reader.timeout_ms, 7);
    cr_assert_eq(s.metrics.kind, API_TEL_EXPORTER_FILE);
    cr_assert_str_eq(s.metrics.path, "/tmp/m.jsonl");
    cr_assert_eq(s.blrp.schedule_delay_ms, 9);
    cr_assert(!s.logs_simple);
    cr_assert_eq(s.logs.kind, API_TEL_EXPORTER_CONSOLE);
}
