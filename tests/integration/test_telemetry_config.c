/* SPDX-License-Identifier: Apache-2.0 */
/* Integration: the declarative-configuration YAML (errors name file:line and key, exit 2), ${VAR:-default},
 * and OTEL_* variables overriding the file. */
#include "telemetry_capture.h"

/* Runs h2otel --config <yaml> --listen 127.0.0.1:0 to completion; returns its exit status and stderr. */
static int run_config(const char *yaml, char *stderr_text, size_t cap, char *path, size_t path_cap)
{
    snprintf(path, path_cap, "/tmp/h2otel-telcfg-%d-%ld.yaml", (int)getpid(), (long)random());
    FILE *f = fopen(path, "w");
    cr_assert(f != NULL);
    fputs(yaml, f);
    fclose(f);
    char err_path[200];
    snprintf(err_path, sizeof(err_path), "%s.err", path);
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(fd, 2);
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        svc_child_setup();
        execl(getenv("H2OTEL_BIN"), "h2otel", "--config", path, "--listen", "127.0.0.1:0", (char *)NULL);
        _exit(127);
    }
    svc_t s = {.pid = pid};
    int st = svc_wait(&s, 20); /* a bad file exits at once; a good one would run: the caller only passes bad ones */
    f = fopen(err_path, "r");
    size_t n = f != NULL ? fread(stderr_text, 1, cap - 1, f) : 0;
    stderr_text[n] = '\0';
    if (f != NULL)
        fclose(f);
    unlink(err_path);
    unlink(path);
    return st;
}

static void assert_config_error(const char *yaml, int line, const char *key, const char *why)
{
    char err[2048], path[160];
    int st = run_config(yaml, err, sizeof(err), path, sizeof(path));
    cr_assert(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 2, "exit status %d, stderr: %s", st, err);
    char want[512];
    snprintf(want, sizeof(want), "h2otel: %s:%d: key '%s': %s", path, line, key, why);
    cr_assert(strncmp(err, want, strlen(want)) == 0, "stderr '%s', want '%s...'", err, want);
    cr_assert(strchr(err, '\n') == err + strlen(err) - 1, "one line: %s", err);
}

Test(telemetry_config, unknown_key_names_file_line_and_key)
{
    assert_config_error("file_format: \"0.3\"\n"
                        "tracer_provider:\n"
                        "  processors:\n"
                        "    - batch:\n"
                        "        exporter:\n"
                        "          otlp:\n"
                        "            endpoint: http://localhost:4317\n"
                        "            endpoit: oops\n",
                        8, "tracer_provider.processors[0].batch.exporter.otlp.endpoit", "unknown key");
}

Test(telemetry_config, bad_values_name_their_key)
{
    assert_config_error("tracer_provider:\n  sampler:\n    parent_based:\n      root:\n"
                        "        trace_id_ratio_based:\n          ratio: 2\n",
                        6, "tracer_provider.sampler.parent_based.root.trace_id_ratio_based.ratio",
                        "expected a number in [0, 1], got '2'");
    assert_config_error("meter_provider:\n  readers:\n    - periodic:\n        interval: soon\n"
                        "        exporter:\n          console: {}\n",
                        4, "meter_provider.readers[0].periodic.interval", "expected an integer >= 1, got 'soon'");
    assert_config_error("service:\n  routes:\n    /api/v1/nope:\n      trace: false\n", 3,
                        "service.routes./api/v1/nope", "no such route");
    assert_config_error("service:\n  routes:\n    /healthz:\n      trace: maybe\n", 4, "service.routes./healthz.trace",
                        "expected true or false, got 'maybe'");
    assert_config_error("propagator:\n  composite:\n    - tracecontext:\n    - b3:\n", 4, "propagator.composite[1]",
                        "unsupported propagator 'b3'");
    assert_config_error("logger_provider:\n  processors:\n    - batch:\n        exporter:\n          zipkin: {}\n", 5,
                        "logger_provider.processors[0].batch.exporter.zipkin", "unsupported exporter");
}

Test(telemetry_config, substitution_and_otel_variables_override_the_file)
{
    setenv("TEL_TEST_SERVICE", "from-substitution", 1);
    setenv("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment.name=test,team=env", 1);
    capture_t c;
    CAPTURE_START(&c,
                  "resource:\n  attributes:\n    - name: service.name\n      value: ${TEL_TEST_SERVICE:-dflt}\n"
                  "    - name: team\n      value: file\n    - name: region\n      value: ${TEL_UNSET_VAR:-eu-1}\n", );
    http_res_t r;
    http_get(&r, &c.svc, "/api/v1/dummy/not-working");
    capture_stop(&c);
    json_t *s = find_span(&c, "GET /api/v1/dummy/not-working", "from-substitution");
    cr_assert(s != NULL, "service.name from ${VAR:-default}: %s", json_dumps(c.spans, 0));
    /* The resource as exported: check it on a log record's resource through the logs file. */
    char path[256], line[65536];
    snprintf(path, sizeof(path), "%s/traces.jsonl", c.dir);
    FILE *f = fopen(path, "r");
    cr_assert(f != NULL && fgets(line, sizeof(line), f) != NULL);
    fclose(f);
    cr_assert(strstr(line, "{\"key\":\"team\",\"value\":{\"stringValue\":\"env\"}}") != NULL, "env wins: %.2000s",
              line);
    cr_assert(strstr(line, "{\"key\":\"region\",\"value\":{\"stringValue\":\"eu-1\"}}") != NULL, "default: %.2000s",
              line);
    cr_assert(strstr(line, "\"deployment.environment.name\"") != NULL);
    capture_free(&c);
}

Test(telemetry_config, otel_exporter_variables_win_over_the_file)
{
    setenv("OTEL_TRACES_EXPORTER", "none", 1);
    setenv("OTEL_SERVICE_NAME", "svc-from-env", 1);
    capture_t c;
    CAPTURE_START(&c, "resource:\n  attributes:\n    - name: service.name\n      value: svc-from-file\n", );
    http_res_t r;
    http_get(&r, &c.svc, "/api/v1/dummy/not-working");
    capture_stop(&c);
    cr_assert_eq(json_array_size(c.spans), 0, "OTEL_TRACES_EXPORTER=none wins over the file's exporter");
    cr_assert(json_array_size(c.records) > 0);
    cr_assert(str_eq(json_array_get(c.records, 0), "service", "svc-from-env"), "OTEL_SERVICE_NAME wins");
    cr_assert(FIND_POINT(&c, "h2otel.requests", "http.route", "/api/v1/dummy/not-working", ) != NULL);
    capture_free(&c);
}

Test(telemetry_config, sampler_from_the_file_and_sdk_disabled)
{
    capture_t c;
    CAPTURE_START(&c, "tracer_provider:\n  sampler:\n    always_off:\n", );
    http_res_t r;
    http_get(&r, &c.svc, "/api/v1/dummy/not-working");
    capture_stop(&c);
    cr_assert_eq(json_array_size(c.spans), 0, "always_off");
    cr_assert_eq(point_int(FIND_POINT(&c, "h2otel.requests", "http.route", "/api/v1/dummy/not-working", )), 1);
    capture_free(&c);

    setenv("OTEL_SDK_DISABLED", "true", 1);
    CAPTURE_START(&c, NULL, );
    http_get(&r, &c.svc, "/api/v1/dummy/not-working");
    cr_assert_eq(r.status, 500);
    capture_stop(&c);
    cr_assert_eq(json_array_size(c.spans) + json_array_size(c.points) + json_array_size(c.records), 0,
                 "OTEL_SDK_DISABLED=true: nothing is exported");
    capture_free(&c);
}
