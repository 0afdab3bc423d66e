/* SPDX-License-Identifier: Apache-2.0 */
/* OTEL_EXPORTER_OTLP_* parsing: defaults, the seed's settings, schemes, per-signal precedence, headers, errors. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include "export/otlp_internal.h"

static otel_otlp_options_t from_env(otel_otlp_signal_t signal, otel_status_t expect, char *err, size_t err_len)
{
    otel_otlp_options_t o;
    otel_otlp_options_init(&o);
    cr_assert_eq(otel_otlp_options_from_env(&o, signal, err, err_len), expect, "%s", err);
    return o;
}

Test(otlp_config, defaults_follow_the_spec)
{
    char err[256] = "";
    otel_otlp_options_t o = from_env(OTEL_OTLP_TRACES, OTEL_OK, err, sizeof(err));
    cr_assert_str_eq(o.endpoint, "localhost:4317");
    cr_assert_not(o.insecure);
    cr_assert_not(o.gzip);
    cr_assert_eq(o.timeout_ms, 10000);
    cr_assert_str_empty(o.headers);
    cr_assert_eq(o.concurrent_exports, 1);
    setenv("OTELC_EXPORTER_OTLP_CONCURRENT_EXPORTS", "4", 1);
    o = from_env(OTEL_OTLP_TRACES, OTEL_OK, err, sizeof(err));
    cr_assert_eq(o.concurrent_exports, 4);
}

Test(otlp_config, the_seeds_settings_work_as_is)
{
    setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "collector:4317", 1);
    setenv("OTEL_EXPORTER_OTLP_TRACES_INSECURE", "true", 1);
    char err[256] = "";
    otel_otlp_options_t t = from_env(OTEL_OTLP_TRACES, OTEL_OK, err, sizeof(err));
    cr_assert_str_eq(t.endpoint, "collector:4317");
    cr_assert(t.insecure);
    otel_otlp_options_t l = from_env(OTEL_OTLP_LOGS, OTEL_OK, err, sizeof(err)); /* other signals untouched */
    cr_assert_str_eq(l.endpoint, "localhost:4317");
    cr_assert_not(l.insecure);
}

Test(otlp_config, scheme_decides_security_and_per_signal_variables_win)
{
    setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://otel:4317/", 1);
    setenv("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", "https://logs.example:4318", 1);
    setenv("OTEL_EXPORTER_OTLP_INSECURE", "false", 1);
    setenv("OTEL_EXPORTER_OTLP_COMPRESSION", "gzip", 1);
    setenv("OTEL_EXPORTER_OTLP_METRICS_COMPRESSION", "none", 1);
    setenv("OTEL_EXPORTER_OTLP_TIMEOUT", "2500", 1);
    setenv("OTEL_EXPORTER_OTLP_LOGS_TIMEOUT", "700", 1);
    char err[256] = "";
    otel_otlp_options_t t = from_env(OTEL_OTLP_TRACES, OTEL_OK, err, sizeof(err));
    cr_assert_str_eq(t.endpoint, "otel:4317");
    cr_assert(t.insecure, "http:// means plaintext");
    cr_assert(t.gzip);
    cr_assert_eq(t.timeout_ms, 2500);
    otel_otlp_options_t m = from_env(OTEL_OTLP_METRICS, OTEL_OK, err, sizeof(err));
    cr_assert_not(m.gzip);
    otel_otlp_options_t l = from_env(OTEL_OTLP_LOGS, OTEL_OK, err, sizeof(err));
    cr_assert_str_eq(l.endpoint, "logs.example:4318");
    cr_assert_not(l.insecure);
    cr_assert_eq(l.timeout_ms, 700);
}

Test(otlp_config, tls_files_and_headers_are_taken)
{
    setenv("OTEL_EXPORTER_OTLP_CERTIFICATE", "/etc/ca.pem", 1);
    setenv("OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY", "/etc/key.pem", 1);
    setenv("OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE", "/etc/cert.pem", 1);
    setenv("OTEL_EXPORTER_OTLP_HEADERS", "a=1,b=x%20y", 1);
    char err[256] = "";
    otel_otlp_options_t t = from_env(OTEL_OTLP_TRACES, OTEL_OK, err, sizeof(err));
    cr_assert_str_eq(t.certificate, "/etc/ca.pem");
    cr_assert_str_eq(t.client_key, "/etc/key.pem");
    cr_assert_str_eq(t.client_certificate, "/etc/cert.pem");
    cr_assert_str_eq(t.headers, "a=1,b=x%20y");
}

Test(otlp_config, bad_values_name_the_variable)
{
    struct {
        const char *name, *value, *expect;
    } cases[] = {
        {"OTEL_EXPORTER_OTLP_INSECURE", "yes", "OTEL_EXPORTER_OTLP_INSECURE: expected true or false, got 'yes'"},
        {"OTEL_EXPORTER_OTLP_LOGS_COMPRESSION", "zstd", "OTEL_EXPORTER_OTLP_LOGS_COMPRESSION: expected gzip or none"},
        {"OTEL_EXPORTER_OTLP_TIMEOUT", "10s", "OTEL_EXPORTER_OTLP_TIMEOUT: expected a timeout in milliseconds"},
        {"OTEL_EXPORTER_OTLP_TIMEOUT", "0", "OTEL_EXPORTER_OTLP_TIMEOUT: expected"},
        {"OTEL_EXPORTER_OTLP_LOGS_HEADERS", "novalue",
         "OTEL_EXPORTER_OTLP_LOGS_HEADERS: expected key=value, got 'novalue'"},
        {"OTEL_EXPORTER_OTLP_HEADERS", "bad key=1", "OTEL_EXPORTER_OTLP_HEADERS: invalid header name 'bad key'"},
        {"OTEL_EXPORTER_OTLP_HEADERS", "grpc-timeout=1",
         "OTEL_EXPORTER_OTLP_HEADERS: invalid header name 'grpc-timeout'"},
        {"OTEL_EXPORTER_OTLP_HEADERS", "a!b=1", "OTEL_EXPORTER_OTLP_HEADERS: invalid header name 'a!b'"},
        {"OTEL_EXPORTER_OTLP_HEADERS", "k=a%0Ab", "OTEL_EXPORTER_OTLP_HEADERS: header 'k' has a non-printable value"},
        {"OTEL_EXPORTER_OTLP_ENDPOINT", "ftp://x:1", "OTEL_EXPORTER_OTLP_ENDPOINT: unsupported scheme"},
        {"OTELC_EXPORTER_OTLP_CONCURRENT_EXPORTS", "0",
         "OTELC_EXPORTER_OTLP_CONCURRENT_EXPORTS: expected an integer >= 1"},
        {"OTELC_EXPORTER_OTLP_CONCURRENT_EXPORTS", "17", "OTELC_EXPORTER_OTLP_CONCURRENT_EXPORTS: at most 16, got 17"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        setenv(cases[i].name, cases[i].value, 1);
        char err[256] = "";
        from_env(OTEL_OTLP_LOGS, OTEL_ERR_CONFIG, err, sizeof(err));
        cr_assert(strncmp(err, cases[i].expect, strlen(cases[i].expect)) == 0, "got '%s'", err);
        unsetenv(cases[i].name);
    }
}

Test(otlp_config, headers_parse_to_lowercase_keys_and_decoded_values)
{
    otel_otlp__header_t *h;
    size_t n;
    char err[128] = "";
    cr_assert_eq(
        otel_otlp__headers_parse(" Authorization = Basic%20dXNlcg%3D%3D ,, X-B=%zz", "H", &h, &n, err, sizeof(err)),
        OTEL_OK, "%s", err);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(h[0].key, "authorization");
    cr_assert_str_eq(h[0].value, "Basic dXNlcg==");
    cr_assert_str_eq(h[1].key, "x-b");
    cr_assert_str_eq(h[1].value, "%zz", "an invalid escape is kept as is");
    otel_otlp__headers_free(h, n);
    cr_assert_eq(otel_otlp__headers_parse("", "H", &h, &n, err, sizeof(err)), OTEL_OK);
    cr_assert_eq(n, 0);
    otel_otlp__headers_free(h, n);
}

Test(otlp_config, client_creation_reports_unreadable_tls_files)
{
    otel_otlp_options_t o;
    otel_otlp_options_init(&o);
    strcpy(o.certificate, "/nonexistent/ca.pem");
    otel_otlp__client_t *c = NULL;
    char err[256] = "";
    cr_assert_eq(otel_otlp__client_create(&o, OTEL_OTLP_TRACES, &c, err, sizeof(err)), OTEL_ERR_CONFIG);
    cr_assert_null(c);
    cr_assert_str_eq(err, "OTEL_EXPORTER_OTLP_CERTIFICATE: cannot open '/nonexistent/ca.pem'");
}
