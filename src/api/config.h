/* SPDX-License-Identifier: Apache-2.0 */
/* Service configuration: defaults < YAML `service:` section < H2OTEL_* environment < command-line flags. */
#ifndef H2OTEL_CONFIG_H
#define H2OTEL_CONFIG_H

#include <stdint.h>
#include <stdio.h>

#include "log.h"

/** A random delay range in milliseconds, inclusive; min == max == 0 disables the delay. */
typedef struct api_delay_range {
    uint32_t min_ms;
    uint32_t max_ms;
} api_delay_range_t;

/** The service's settings. A plain value: no heap, copy freely. */
typedef struct api_config {
    char config_file[1024]; /* "" when none */
    char listen[256];       /* "host:port" as given */
    char listen_host[256];  /* parsed from listen, brackets of IPv6 removed */
    uint16_t listen_port;
    uint32_t threads;
    uint32_t max_body_bytes;
    uint32_t shutdown_grace_ms;
    api_log_level_t log_level;
    int access_log;
    char openapi_file[1024];
    char downstream_url[1024];
    uint32_t downstream_timeout_ms;
    api_delay_range_t dummy_delay;
    api_delay_range_t slow_delay;
    uint32_t throttle_workers;
    uint32_t throttle_queue;
    int test_endpoints; /* POST /test/tracecontext (W3C conformance test service); off by default */
} api_config_t;

/** What api_config_load asks the caller to do. */
typedef enum api_config_result {
    API_CONFIG_RUN = 0,   /* configuration complete: start the service */
    API_CONFIG_EXIT = 1,  /* --help or --version was printed: exit 0 */
    API_CONFIG_ERROR = 2, /* err holds one line "h2otel: ..." naming the key: exit 2 */
} api_config_result_t;

/** Fills the embedded defaults (threads = number of online CPUs). */
void api_config_defaults(api_config_t *cfg);

/**
 * Builds the configuration from argv, the environment and the file named by --config (or H2OTEL_CONFIG),
 * in that precedence. Help and version text go to `out`. On API_CONFIG_ERROR, `err` holds a one-line message
 * such as "h2otel: cfg.yaml:4: key 'service.threads': expected an unsigned integer". Never aborts.
 */
api_config_result_t api_config_load(api_config_t *cfg, int argc, char **argv, FILE *out, char *err, size_t errlen);

/**
 * Applies the `service:` section of a YAML file over cfg (other top-level keys of OpenTelemetry's declarative
 * configuration are accepted and left to otelc). Returns 0, or -1 with a one-line message in err.
 */
int api_config_apply_file(api_config_t *cfg, const char *path, char *err, size_t errlen);

/** Applies H2OTEL_* environment variables over cfg. Returns 0, or -1 with a message in err. */
int api_config_apply_env(api_config_t *cfg, char *err, size_t errlen);

/** Checks cross-field rules (ranges, listen address). Returns 0, or -1 with a message in err. */
int api_config_validate(api_config_t *cfg, char *err, size_t errlen);

/**
 * Expands ${VAR} and ${VAR:-default} in `in` into out (outlen bytes). Returns 0, or -1 on an unterminated
 * reference or overflow.
 */
int api_config_expand(const char *in, char *out, size_t outlen);

#endif
