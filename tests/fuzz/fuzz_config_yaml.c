/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: the YAML configuration file through both of its loaders (our `service:` section in config.c,
 * the OpenTelemetry declarative-config sections and service.routes in telemetry_config.c), ${VAR:-default}
 * expansion, and the YAML-to-JSON conversion behind /openapi.json. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config.h"
#include "json_body.h"
#include "routes.h"
#include "telemetry_config.h"

#include "fuzz_check.h"

/* The loader takes a path: feed it an in-memory file (memfd) through /proc/self/fd, no disk I/O. */
static int memfd = -1;
static char path[64];

/* A configuration error is exactly one line that starts with "h2otel: " (it is printed, then exit 2). */
static void check_one_line(const char *err)
{
    CHECK(strncmp(err, "h2otel: ", 8) == 0 && strchr(err, '\n') == NULL);
}

/* The printable one-line error of a file loader names the file first. */
static void check_file_error(const char *err)
{
    check_one_line(err);
    CHECK(strncmp(err + 8, path, strlen(path)) == 0 && err[8 + strlen(path)] == ':');
    for (const char *p = err; *p; p++)
        CHECK((unsigned char)*p >= 0x20 && *p != 0x7f);
}

#define TERMINATED(field) CHECK(memchr((field), '\0', sizeof(field)) != NULL)

static void check_exporter(const api_tel_exporter_t *e)
{
    CHECK(e->kind == API_TEL_EXPORTER_NONE || e->kind == API_TEL_EXPORTER_OTLP || e->kind == API_TEL_EXPORTER_CONSOLE ||
          e->kind == API_TEL_EXPORTER_FILE);
    TERMINATED(e->path);
    TERMINATED(e->otlp.endpoint);
    TERMINATED(e->otlp.headers);
    TERMINATED(e->otlp.certificate);
    TERMINATED(e->otlp.client_key);
    TERMINATED(e->otlp.client_certificate);
    CHECK(e->kind != API_TEL_EXPORTER_FILE || e->path[0] != '\0');
    CHECK(e->temporality >= -1 && e->temporality <= 2);
}

/* What an accepted declarative section may hold. */
static void check_settings(const api_tel_settings_t *s)
{
    TERMINATED(s->file_format);
    TERMINATED(s->propagators);
    TERMINATED(s->sampler);
    TERMINATED(s->sampler_arg);
    CHECK(s->resource_count <= API_TEL_MAX_RESOURCE_ATTRS);
    for (size_t i = 0; i < s->resource_count; i++) {
        TERMINATED(s->resource_key[i]);
        TERMINATED(s->resource_value[i]);
        CHECK(s->resource_key[i][0] != '\0');
        for (size_t j = 0; j < i; j++)
            CHECK(strcmp(s->resource_key[i], s->resource_key[j]) != 0);
    }
    /* The propagator names were validated at load: they must build. */
    otel_propagator_t *p = NULL;
    char why[256];
    CHECK(otel_propagator_create_from_config(s->propagators, &p, why, sizeof(why)) == OTEL_OK);
    otel_propagator_destroy(p);
    static const char *const samplers[] = {"always_on",
                                           "always_off",
                                           "traceidratio",
                                           "parentbased_always_on",
                                           "parentbased_always_off",
                                           "parentbased_traceidratio"};
    int known = 0;
    for (size_t i = 0; i < sizeof(samplers) / sizeof(samplers[0]); i++)
        known |= strcmp(s->sampler, samplers[i]) == 0;
    CHECK(known);
    if (strstr(s->sampler, "traceidratio") != NULL) {
        double r = atof(s->sampler_arg);
        CHECK(r >= 0.0 && r <= 1.0);
    }
    CHECK(s->bsp.max_queue_size >= 1 && s->bsp.max_export_batch_size >= 1);
    CHECK(s->blrp.max_queue_size >= 1 && s->blrp.max_export_batch_size >= 1);
    CHECK(s->reader.interval_ms >= 1 && s->reader.timeout_ms >= 1);
    CHECK(s->exemplar_filter == OTEL_EXEMPLAR_FILTER_TRACE_BASED ||
          s->exemplar_filter == OTEL_EXEMPLAR_FILTER_ALWAYS_ON ||
          s->exemplar_filter == OTEL_EXEMPLAR_FILTER_ALWAYS_OFF);
    check_exporter(&s->traces);
    check_exporter(&s->metrics);
    check_exporter(&s->logs);
    CHECK(s->route_count <= API_TEL_MAX_ROUTES);
    for (size_t i = 0; i < s->route_count; i++) {
        const api_tel_route_settings_t *r = &s->routes[i];
        int route = 0;
        for (size_t j = 0; j < api_route_count; j++)
            route |= strcmp(api_routes[j].path, r->path) == 0;
        CHECK(route && api_tel_settings_route(s, r->path) == r);
        CHECK(r->sample_ratio >= 0.0 && r->sample_ratio <= 1.0);
        CHECK(r->extra_count <= API_TEL_MAX_EXTRA_ATTRS);
        for (size_t j = 0; j < r->extra_count; j++) {
            TERMINATED(r->extra_key[j]);
            TERMINATED(r->extra_value[j]);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (memfd < 0) {
        memfd = memfd_create("fuzz-config", MFD_CLOEXEC);
        if (memfd < 0)
            return 0;
        snprintf(path, sizeof(path), "/proc/self/fd/%d", memfd);
        setenv("FUZZ_SET", "value-from-env", 1);
    }
    if (ftruncate(memfd, 0) != 0 || pwrite(memfd, data, size, 0) != (ssize_t)size)
        return 0;

    api_config_t cfg;
    api_config_defaults(&cfg);
    char err[1024] = "";
    if (api_config_apply_file(&cfg, path, err, sizeof(err)) != 0) {
        check_one_line(err);
    } else {
        CHECK(cfg.threads >= 1 && cfg.threads <= 256);
        CHECK(strlen(cfg.listen) < sizeof(cfg.listen) && strlen(cfg.downstream_url) < sizeof(cfg.downstream_url));
        err[0] = '\0';
        if (api_config_validate(&cfg, err, sizeof(err)) != 0)
            check_one_line(err);
        else
            CHECK(cfg.dummy_delay.min_ms <= cfg.dummy_delay.max_ms && cfg.listen_host[0] != '\0');
    }

    /* The same file through the declarative-config loader, twice: the result is all or nothing, and the same. */
    static api_tel_settings_t tel, again;
    api_tel_settings_defaults(&tel);
    err[0] = '\0';
    int rc = api_tel_settings_apply_file(&tel, path, err, sizeof(err));
    if (rc != 0)
        check_file_error(err);
    else
        check_settings(&tel);
    api_tel_settings_defaults(&again);
    char err2[sizeof(err)] = "";
    CHECK(api_tel_settings_apply_file(&again, path, err2, sizeof(err2)) == rc && strcmp(err, err2) == 0);
    CHECK(rc != 0 || memcmp(&tel, &again, sizeof(tel)) == 0);

    /* ${VAR} expansion on the raw text (as a C string). */
    char *text = malloc(size + 1);
    if (text != NULL) {
        memcpy(text, data, size);
        text[size] = '\0';
        char out[256];
        if (api_config_expand(text, out, sizeof(out)) == 0)
            CHECK(strlen(out) < sizeof(out));
        /* The same bytes as the OpenAPI document. */
        json_t *j = api_yaml_to_json(text, size, "fuzz.yaml", err, sizeof(err));
        json_decref(j);
        free(text);
    }
    return 0;
}
