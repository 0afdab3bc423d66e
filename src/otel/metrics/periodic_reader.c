/* SPDX-License-Identifier: Apache-2.0 */
/* The periodic exporting reader: its own thread collects every interval and exports; force_flush and
 * shutdown (with a final collection) are bounded in time. */
#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include "common/deadline_internal.h"
#include "common/thread_internal.h"
#include "metrics/metrics_internal.h"

struct otel_periodic_reader {
    otel_meter_provider_t *provider;
    otel_metric_exporter_t exporter;
    otel_periodic_reader_options_t opts;
    pthread_t thread;
    bool thread_started;
    pthread_mutex_t lock;
    pthread_cond_t wake; /* to the reader thread: flush or shutdown requested */
    pthread_cond_t done; /* from the reader thread: a flush round or the shutdown completed */
    uint64_t flush_requested, flush_completed;
    otel_status_t last_status; /* of the latest export */
    bool shutdown_requested, finished, shut_down;
    _Atomic uint64_t exports, failures;
};

void otel_periodic_reader_options_init(otel_periodic_reader_options_t *opts)
{
    opts->interval_ms = 60000;
    opts->timeout_ms = 30000;
    opts->thread_nice = 0;
}

static otel_status_t export_sink(const otel_metrics_data_t *data, void *user)
{
    otel_periodic_reader_t *r = user;
    if (data->scope_count == 0)
        return OTEL_OK; /* nothing to say: no call to the exporter */
    atomic_fetch_add(&r->exports, 1);
    otel_status_t st = r->exporter.export_metrics(r->exporter.user, data, r->opts.timeout_ms);
    if (st != OTEL_OK) {
        atomic_fetch_add(&r->failures, 1);
        OTEL_DIAG(OTEL_DIAG_WARN, "metrics export failed: %s", otel_strerror(st));
    }
    return st;
}

static otel_status_t collect_and_export(otel_periodic_reader_t *r)
{
    return otel_meter_provider_collect(r->provider, r->exporter.temporality_preference, export_sink, r);
}

static void *reader_main(void *arg)
{
    otel_periodic_reader_t *r = arg;
    otel_thread__setup("otel-metrics", r->opts.thread_nice); /* before the first export starts gRPC's threads */
    pthread_mutex_lock(&r->lock);
    struct timespec next = otel_deadline__after_ms(r->opts.interval_ms);
    while (!r->shutdown_requested) {
        if (r->flush_requested == r->flush_completed) {
            int rc = pthread_cond_timedwait(&r->wake, &r->lock, &next);
            if (rc != ETIMEDOUT)
                continue; /* woken (or spurious): re-check what was asked */
        }
        uint64_t round = r->flush_requested;
        bool flushing = round != r->flush_completed;
        pthread_mutex_unlock(&r->lock);
        otel_status_t st = collect_and_export(r);
        /* the exporter's own flush also runs here, so the exporter is only ever called from this thread */
        if (flushing && st == OTEL_OK && r->exporter.force_flush != NULL)
            st = r->exporter.force_flush(r->exporter.user, r->opts.timeout_ms);
        pthread_mutex_lock(&r->lock);
        r->last_status = st;
        r->flush_completed = round;
        next = otel_deadline__after_ms(r->opts.interval_ms);
        pthread_cond_broadcast(&r->done);
    }
    pthread_mutex_unlock(&r->lock);
    otel_status_t st = collect_and_export(r); /* the final collection */
    if (r->exporter.shutdown != NULL) {
        otel_status_t sd = r->exporter.shutdown(r->exporter.user, r->opts.timeout_ms);
        if (st == OTEL_OK)
            st = sd;
    }
    pthread_mutex_lock(&r->lock);
    r->last_status = st;
    r->finished = true;
    pthread_cond_broadcast(&r->done);
    pthread_mutex_unlock(&r->lock);
    return NULL;
}

otel_status_t otel_periodic_reader_create(otel_meter_provider_t *provider, const otel_metric_exporter_t *exporter,
                                          const otel_periodic_reader_options_t *opts, otel_periodic_reader_t **out)
{
    if (out != NULL)
        *out = NULL;
    if (exporter == NULL)
        return OTEL_ERR_INVALID_ARGUMENT;
    if (out == NULL || provider == NULL || exporter->export_metrics == NULL ||
        (opts != NULL && (opts->interval_ms == 0 || opts->timeout_ms == 0))) {
        if (exporter->destroy != NULL)
            exporter->destroy(exporter->user);
        return OTEL_ERR_INVALID_ARGUMENT;
    }
    otel_periodic_reader_t *r = calloc(1, sizeof(*r));
    if (r == NULL) {
        if (exporter->destroy != NULL)
            exporter->destroy(exporter->user);
        return OTEL_ERR_NO_MEMORY;
    }
    r->provider = provider;
    r->exporter = *exporter;
    if (opts != NULL)
        r->opts = *opts;
    else
        otel_periodic_reader_options_init(&r->opts);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&r->wake, &attr);
    pthread_cond_init(&r->done, &attr);
    pthread_condattr_destroy(&attr);
    pthread_mutex_init(&r->lock, NULL);
    if (pthread_create(&r->thread, NULL, reader_main, r) != 0) {
        r->shut_down = true;
        otel_periodic_reader_destroy(r);
        return OTEL_ERR_IO;
    }
    r->thread_started = true;
    *out = r;
    return OTEL_OK;
}

otel_status_t otel_periodic_reader_force_flush(otel_periodic_reader_t *r, uint64_t timeout_ms)
{
    if (r == NULL)
        return OTEL_ERR_INVALID_ARGUMENT;
    struct timespec deadline = otel_deadline__after_ms(timeout_ms);
    pthread_mutex_lock(&r->lock);
    if (r->shutdown_requested) {
        pthread_mutex_unlock(&r->lock);
        return OTEL_ERR_SHUTDOWN;
    }
    uint64_t round = ++r->flush_requested;
    pthread_cond_signal(&r->wake);
    int rc = 0;
    while (r->flush_completed < round && !r->finished && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&r->done, &r->lock, &deadline);
    otel_status_t st = r->flush_completed >= round || r->finished ? r->last_status : OTEL_ERR_TIMEOUT;
    pthread_mutex_unlock(&r->lock);
    return st;
}

otel_status_t otel_periodic_reader_shutdown(otel_periodic_reader_t *r, uint64_t timeout_ms)
{
    if (r == NULL)
        return OTEL_ERR_INVALID_ARGUMENT;
    struct timespec deadline = otel_deadline__after_ms(timeout_ms);
    pthread_mutex_lock(&r->lock);
    if (r->shutdown_requested) {
        pthread_mutex_unlock(&r->lock);
        return OTEL_ERR_SHUTDOWN;
    }
    r->shutdown_requested = true;
    pthread_cond_signal(&r->wake);
    int rc = 0;
    while (!r->finished && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&r->done, &r->lock, &deadline);
    otel_status_t st = r->finished ? r->last_status : OTEL_ERR_TIMEOUT;
    pthread_mutex_unlock(&r->lock);
    if (st == OTEL_ERR_TIMEOUT)
        OTEL_DIAG(OTEL_DIAG_WARN, "metric reader shutdown: final export still running after %llu ms",
                  (unsigned long long)timeout_ms);
    return st;
}

void otel_periodic_reader_destroy(otel_periodic_reader_t *r)
{
    if (r == NULL)
        return;
    if (r->thread_started) {
        pthread_mutex_lock(&r->lock);
        bool requested = r->shutdown_requested;
        pthread_mutex_unlock(&r->lock);
        if (!requested)
            otel_periodic_reader_shutdown(r, r->opts.timeout_ms);
        pthread_join(r->thread, NULL); /* waits for an export that outlived the shutdown timeout */
    }
    if (r->exporter.destroy != NULL)
        r->exporter.destroy(r->exporter.user);
    pthread_cond_destroy(&r->wake);
    pthread_cond_destroy(&r->done);
    pthread_mutex_destroy(&r->lock);
    free(r);
}

void otel_periodic_reader_stats(const otel_periodic_reader_t *r, uint64_t *exports, uint64_t *failures)
{
    if (exports != NULL)
        *exports = r != NULL ? atomic_load(&r->exports) : 0;
    if (failures != NULL)
        *failures = r != NULL ? atomic_load(&r->failures) : 0;
}
