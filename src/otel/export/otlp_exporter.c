/* SPDX-License-Identifier: Apache-2.0 */
/* The OTLP/gRPC exporters of the three signals (encode in a per-exporter arena, then one Export call) and
 * their registration as OTEL_{TRACES,METRICS,LOGS}_EXPORTER=otlp. */
#include <stdio.h>
#include <stdlib.h>
#include "common/common_internal.h"
#include "export/otlp_encode_internal.h"
#include "otel/metrics.h"
#include "otel/span_exporter.h"

/* The state shared by the three exporters; used by one export thread at a time. */
typedef struct otlp_exporter {
    otel_otlp__client_t *client;
    otel_arena_t arena;
    otel_otlp__buffer_t buffer;
    otel_otlp_signal_t signal;
    bool shut_down;
} otlp_exporter_t;

static otel_status_t exporter_new(otel_otlp_signal_t signal, const otel_otlp_options_t *options, otlp_exporter_t **out,
                                  char *err, size_t err_len)
{
    otel_otlp_options_t env_options;
    if (options == NULL) {
        otel_otlp_options_init(&env_options);
        otel_status_t st = otel_otlp_options_from_env(&env_options, signal, err, err_len);
        if (st != OTEL_OK)
            return st;
        options = &env_options;
    }
    otlp_exporter_t *e = calloc(1, sizeof(*e));
    if (e == NULL)
        return OTEL_ERR_NO_MEMORY;
    otel_status_t st = otel_otlp__client_create(options, signal, &e->client, err, err_len);
    if (st != OTEL_OK) {
        free(e);
        return st;
    }
    if (options->concurrent_exports > 1)
        otel_otlp__client_set_max_in_flight(e->client, options->concurrent_exports);
    e->signal = signal;
    *out = e;
    return OTEL_OK;
}

static otel_status_t exporter_send(otlp_exporter_t *e, otel_status_t encoded, size_t item_count)
{
    if (encoded != OTEL_OK) {
        /* Out of memory: the batch is lost like one the Collector refused, and counted the same way
         * (otel.sdk.exporter.*.exported with error.type=export_failed); the caller's processor counts it too. */
        atomic_fetch_add_explicit(&otel_otlp__counters(e->signal)->items_failed, item_count, memory_order_relaxed);
        OTEL_DIAG(OTEL_DIAG_ERROR, "OTLP export: encoding %zu items failed: %s", item_count, otel_strerror(encoded));
        return encoded;
    }
    otel_status_t st = otel_otlp__client_export_pipelined(e->client, e->buffer.data, e->buffer.len, item_count);
    /* Give memory back after an unusually large batch; steady state keeps its chunks. */
    if (e->buffer.cap > (8u << 20))
        otel_otlp__buffer_dispose(&e->buffer);
    return st;
}

static otel_status_t exporter_flush(void *self, uint32_t timeout_ms)
{
    (void)timeout_ms; /* each call in flight is bounded by its own deadline */
    otlp_exporter_t *e = self;
    return otel_otlp__client_flush(e->client); /* pipelined exports still in flight */
}

static otel_status_t exporter_shutdown(void *self, uint32_t timeout_ms)
{
    (void)timeout_ms;
    otlp_exporter_t *e = self;
    if (e->shut_down)
        return OTEL_ERR_SHUTDOWN;
    e->shut_down = true;
    otel_status_t st = otel_otlp__client_flush(e->client);
    otel_otlp__client_cancel(e->client);
    return st;
}

static void exporter_destroy(void *self)
{
    otlp_exporter_t *e = self;
    if (e == NULL)
        return;
    otel_otlp__client_destroy(e->client);
    otel_arena__dispose(&e->arena);
    otel_otlp__buffer_dispose(&e->buffer);
    free(e);
}

/* ---- logs ---- */

static otel_status_t export_logs(void *self, const otel_log_record_data_t *const *records, size_t count)
{
    otlp_exporter_t *e = self;
    if (e->shut_down)
        return OTEL_ERR_SHUTDOWN;
    return exporter_send(e, otel_otlp__encode_logs(&e->arena, records, count, &e->buffer), count);
}

otel_status_t otel_otlp_log_record_exporter_create(const otel_otlp_options_t *options, otel_log_record_exporter_t *out,
                                                   char *err, size_t err_len)
{
    otlp_exporter_t *e;
    otel_status_t st = exporter_new(OTEL_OTLP_LOGS, options, &e, err, err_len);
    if (st != OTEL_OK)
        return st;
    *out = (otel_log_record_exporter_t){export_logs, exporter_flush, exporter_shutdown, exporter_destroy, e};
    return OTEL_OK;
}

static otel_status_t logs_factory(void *data, otel_log_record_exporter_t *out, char *err, size_t err_len)
{
    (void)data;
    return otel_otlp_log_record_exporter_create(NULL, out, err, err_len);
}

/* ---- traces ---- */

static otel_status_t export_spans(void *self, const otel_span_data_t *const *spans, size_t count)
{
    otlp_exporter_t *e = self;
    if (e->shut_down)
        return OTEL_ERR_SHUTDOWN;
    return exporter_send(e, otel_otlp__encode_spans(&e->arena, spans, count, &e->buffer), count);
}

otel_status_t otel_otlp_span_exporter_create(const otel_otlp_options_t *options, otel_span_exporter_t *out, char *err,
                                             size_t err_len)
{
    otlp_exporter_t *e;
    otel_status_t st = exporter_new(OTEL_OTLP_TRACES, options, &e, err, err_len);
    if (st != OTEL_OK)
        return st;
    *out = (otel_span_exporter_t){export_spans, exporter_flush, exporter_shutdown, exporter_destroy, e};
    return OTEL_OK;
}

static otel_status_t spans_factory(void *data, otel_span_exporter_t *out, char *err, size_t err_len)
{
    (void)data;
    return otel_otlp_span_exporter_create(NULL, out, err, err_len);
}

/* ---- metrics ---- */

/* Data points in a collection (what a failed encode loses; the encoder's own count stops where it failed). */
static size_t point_count(const otel_metrics_data_t *data)
{
    size_t n = 0;
    for (size_t s = 0; s < data->scope_count; s++)
        for (size_t m = 0; m < data->scopes[s].metric_count; m++)
            n += data->scopes[s].metrics[m].point_count;
    return n;
}

static otel_status_t export_metrics(void *self, const otel_metrics_data_t *data, uint64_t timeout_ms)
{
    (void)timeout_ms; /* the exporter's own OTEL_EXPORTER_OTLP_TIMEOUT bounds the call */
    otlp_exporter_t *e = self;
    if (e->shut_down)
        return OTEL_ERR_SHUTDOWN;
    size_t points = 0;
    otel_status_t st = otel_otlp__encode_metrics(&e->arena, data, &e->buffer, &points);
    if (st == OTEL_OK && points == 0)
        return OTEL_OK; /* nothing collected: no request */
    return exporter_send(e, st, st == OTEL_OK ? points : point_count(data));
}

static otel_status_t metrics_flush(void *self, uint64_t timeout_ms)
{
    return exporter_flush(self, (uint32_t)timeout_ms);
}

static otel_status_t metrics_shutdown(void *self, uint64_t timeout_ms)
{
    return exporter_shutdown(self, (uint32_t)timeout_ms);
}

otel_status_t otel_otlp_metric_exporter_create(const otel_otlp_options_t *options, otel_metric_exporter_t *out,
                                               char *err, size_t err_len)
{
    otlp_exporter_t *e;
    otel_status_t st = exporter_new(OTEL_OTLP_METRICS, options, &e, err, err_len);
    if (st != OTEL_OK)
        return st;
    otel_metrics_env_t env;
    char why[256] = "";
    otel_temporality_preference_t preference = OTEL_TEMPORALITY_PREFERENCE_CUMULATIVE;
    if (otel_metrics_env_read(&env, why, sizeof(why)) == OTEL_OK)
        preference = env.temporality;
    *out = (otel_metric_exporter_t){.user = e,
                                    .export_metrics = export_metrics,
                                    .force_flush = metrics_flush,
                                    .shutdown = metrics_shutdown,
                                    .destroy = exporter_destroy,
                                    .temporality_preference = preference};
    return OTEL_OK;
}

static otel_status_t metrics_factory(otel_metric_exporter_t *out)
{
    char err[256] = "";
    otel_status_t st = otel_otlp_metric_exporter_create(NULL, out, err, sizeof(err));
    if (st != OTEL_OK)
        OTEL_DIAG(OTEL_DIAG_ERROR, "OTEL_METRICS_EXPORTER=otlp: %s", err);
    return st;
}

otel_status_t otel_otlp_register_exporters(void)
{
    otel_status_t st;
    if ((st = otel_log_record_exporter_register("otlp", logs_factory, NULL)) != OTEL_OK ||
        (st = otel_span_exporter_register("otlp", spans_factory, NULL)) != OTEL_OK ||
        (st = otel_metric_exporter_register("otlp", metrics_factory)) != OTEL_OK)
        return st;
    return OTEL_OK;
}
