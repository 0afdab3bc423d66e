/* SPDX-License-Identifier: Apache-2.0 */
/* The console metric exporter: each collection as one OTLP-JSON ExportMetricsServiceRequest line. */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include "metrics/metrics_internal.h"
#include "metrics/metrics_json.h"

typedef struct console_exporter {
    FILE *out;
} console_exporter_t;

static otel_status_t console_export(void *user, const otel_metrics_data_t *data, uint64_t timeout_ms)
{
    (void)timeout_ms;
    console_exporter_t *c = user;
    json_t *root = otel_metrics__to_json(data);
    if (root == NULL)
        return OTEL_ERR_NO_MEMORY;
    int rc = json_dumpf(root, c->out, JSON_COMPACT | JSON_REAL_PRECISION(15));
    json_decref(root);
    if (rc != 0 || fputc('\n', c->out) == EOF || fflush(c->out) != 0)
        return OTEL_ERR_IO;
    return OTEL_OK;
}

static otel_status_t console_flush(void *user, uint64_t timeout_ms)
{
    (void)timeout_ms;
    console_exporter_t *c = user;
    return fflush(c->out) == 0 ? OTEL_OK : OTEL_ERR_IO;
}

static void console_destroy(void *user)
{
    free(user);
}

otel_status_t otel_console_metric_exporter_create(FILE *out, otel_temporality_preference_t preference,
                                                  otel_metric_exporter_t *exporter)
{
    if (exporter == NULL || (unsigned)preference > OTEL_TEMPORALITY_PREFERENCE_LOWMEMORY)
        return OTEL_ERR_INVALID_ARGUMENT;
    console_exporter_t *c = malloc(sizeof(*c));
    if (c == NULL)
        return OTEL_ERR_NO_MEMORY;
    c->out = out != NULL ? out : stdout;
    *exporter = (otel_metric_exporter_t){.user = c,
                                         .export_metrics = console_export,
                                         .force_flush = console_flush,
                                         .shutdown = console_flush,
                                         .destroy = console_destroy,
                                         .temporality_preference = preference};
    return OTEL_OK;
}
