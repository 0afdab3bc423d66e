/* SPDX-License-Identifier: Apache-2.0 */
/* The batch log record processor: a bounded lock-free queue filled by emitting threads, one export thread. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "common/common_internal.h"
#include "common/deadline_internal.h"
#include "common/mpsc_queue_internal.h"
#include "config/env_internal.h"
#include "logs/logs_internal.h"

typedef struct batch_processor {
    otel_log_record_processor_t base;
    otel_log_record_exporter_t exporter;
    otel_batch_log_record_processor_options_t options;

    otel_mpsc_t queue; /* emitting threads -> export thread */
    _Alignas(64) _Atomic size_t queued;
    otel_log__counters_t counters;

    pthread_t thread;
    bool thread_started;
    pthread_mutex_t lock; /* guards the fields below; emitters never take it */
    pthread_cond_t wake;  /* to the export thread */
    pthread_cond_t done;  /* from the export thread: flush finished / stopped */
    uint64_t flush_requested, flush_completed;
    otel_status_t flush_status;
    bool stop, stopped, shut_down;
    atomic_bool closed;  /* emits after shutdown are dropped */
    atomic_bool abandon; /* shutdown ran out of time: drop what is still queued instead of exporting it */
} batch_processor_t;

#define ADD(field, n) atomic_fetch_add_explicit(&b->counters.field, (n), memory_order_relaxed)

void otel_batch_log_record_processor_options_init(otel_batch_log_record_processor_options_t *o)
{
    o->max_queue_size = 2048;
    o->schedule_delay_ms = 1000;
    o->export_timeout_ms = 30000;
    o->max_export_batch_size = 512;
}

otel_status_t otel_batch_log_record_processor_options_from_env(otel_batch_log_record_processor_options_t *options,
                                                               char *err, size_t err_len)
{
    otel_batch_log_record_processor_options_t o = *options;
    otel_status_t st;
    if ((st = otel_env__get_u32("OTEL_BLRP_MAX_QUEUE_SIZE", 1, &o.max_queue_size, err, err_len)) ||
        (st = otel_env__get_u32("OTEL_BLRP_SCHEDULE_DELAY", 1, &o.schedule_delay_ms, err, err_len)) ||
        (st = otel_env__get_u32("OTEL_BLRP_EXPORT_TIMEOUT", 1, &o.export_timeout_ms, err, err_len)) ||
        (st = otel_env__get_u32("OTEL_BLRP_MAX_EXPORT_BATCH_SIZE", 1, &o.max_export_batch_size, err, err_len)))
        return st;
    *options = o;
    return OTEL_OK;
}

static otel_status_t batch_on_emit(otel_log_record_processor_t *self, otel_log__record_t *record)
{
    batch_processor_t *b = (batch_processor_t *)self;
    ADD(received, 1);
    if (record == NULL || atomic_load_explicit(&b->closed, memory_order_relaxed)) {
        ADD(dropped, 1);
        otel_log__record_free(record);
        return OTEL_ERR_SHUTDOWN;
    }
    /* Counted before the push so that `queued` never undercounts what the exporter can pop. */
    size_t n = atomic_fetch_add_explicit(&b->queued, 1, memory_order_relaxed) + 1;
    size_t pushed;
    if (!otel_mpsc__push(&b->queue, record, &pushed)) {
        atomic_fetch_sub_explicit(&b->queued, 1, memory_order_relaxed);
        ADD(dropped, 1);
        otel_log__record_free(record);
        return OTEL_ERR_QUEUE_FULL;
    }
    /* Wake the exporter when a full batch is waiting. A signal without the mutex can be missed; the
     * export thread's timed wait bounds the delay then. No waiter: no syscall. */
    if (n == b->options.max_export_batch_size)
        pthread_cond_signal(&b->wake);
    return OTEL_OK;
}

/* Exports everything queued, in batches. Export thread only. */
static void drain(batch_processor_t *b, const otel_log_record_data_t **batch, otel_log__record_t **owned)
{
    for (;;) {
        size_t n = 0;
        otel_log__record_t *r;
        if (atomic_load_explicit(&b->abandon, memory_order_relaxed)) {
            while ((r = otel_mpsc__pop(&b->queue)) != NULL) {
                atomic_fetch_sub_explicit(&b->queued, 1, memory_order_relaxed);
                ADD(dropped, 1);
                otel_log__record_free(r);
            }
            return;
        }
        while (n < b->options.max_export_batch_size && (r = otel_mpsc__pop(&b->queue)) != NULL) {
            owned[n] = r;
            batch[n] = &r->data;
            n++;
        }
        if (n == 0)
            return;
        atomic_fetch_sub_explicit(&b->queued, n, memory_order_relaxed);
        ADD(export_calls, 1);
        otel_status_t st = b->exporter.export_logs(b->exporter.self, batch, n);
        if (st == OTEL_OK)
            ADD(exported, n);
        else
            ADD(failed, n);
        for (size_t i = 0; i < n; i++)
            otel_log__record_free(owned[i]);
    }
}

static void *export_thread(void *arg)
{
    batch_processor_t *b = arg;
    size_t cap = b->options.max_export_batch_size;
    const otel_log_record_data_t **batch = malloc(cap * sizeof(*batch));
    otel_log__record_t **owned = malloc(cap * sizeof(*owned));
    pthread_mutex_lock(&b->lock);
    for (;;) {
        struct timespec until = otel_deadline__after_ms(b->options.schedule_delay_ms);
        while (!b->stop && b->flush_requested == b->flush_completed &&
               atomic_load_explicit(&b->queued, memory_order_relaxed) < b->options.max_export_batch_size) {
            if (pthread_cond_timedwait(&b->wake, &b->lock, &until) == ETIMEDOUT)
                break;
        }
        uint64_t flush = b->flush_requested;
        bool stop = b->stop;
        pthread_mutex_unlock(&b->lock);

        if (batch != NULL && owned != NULL)
            drain(b, batch, owned);
        otel_status_t st = OTEL_OK;
        if (flush != b->flush_completed && b->exporter.force_flush != NULL)
            st = b->exporter.force_flush(b->exporter.self, b->options.export_timeout_ms);

        pthread_mutex_lock(&b->lock);
        if (flush != b->flush_completed) {
            b->flush_completed = flush;
            b->flush_status = st;
            pthread_cond_broadcast(&b->done);
        }
        if (stop)
            break;
    }
    b->stopped = true;
    pthread_cond_broadcast(&b->done);
    pthread_mutex_unlock(&b->lock);
    free(batch);
    free(owned);
    return NULL;
}

static otel_status_t batch_force_flush(otel_log_record_processor_t *self, uint32_t timeout_ms)
{
    batch_processor_t *b = (batch_processor_t *)self;
    struct timespec until = otel_deadline__after_ms(timeout_ms);
    pthread_mutex_lock(&b->lock);
    if (b->stopped) {
        pthread_mutex_unlock(&b->lock);
        return OTEL_ERR_SHUTDOWN;
    }
    uint64_t ticket = ++b->flush_requested;
    pthread_cond_signal(&b->wake);
    int rc = 0;
    while (b->flush_completed < ticket && !b->stopped && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&b->done, &b->lock, &until);
    otel_status_t st = b->flush_completed >= ticket ? b->flush_status : b->stopped ? OTEL_OK : OTEL_ERR_TIMEOUT;
    pthread_mutex_unlock(&b->lock);
    return st;
}

static otel_status_t batch_shutdown(otel_log_record_processor_t *self, uint32_t timeout_ms)
{
    batch_processor_t *b = (batch_processor_t *)self;
    struct timespec until = otel_deadline__after_ms(timeout_ms);
    pthread_mutex_lock(&b->lock);
    if (b->shut_down) {
        pthread_mutex_unlock(&b->lock);
        return OTEL_ERR_SHUTDOWN;
    }
    b->shut_down = true;
    atomic_store(&b->closed, true);
    b->stop = true;
    pthread_cond_signal(&b->wake);
    int rc = 0;
    while (!b->stopped && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&b->done, &b->lock, &until);
    bool stopped = b->stopped;
    pthread_mutex_unlock(&b->lock);
    if (!stopped) {
        /* Out of time (e.g. the Collector is down): the thread drops what is left (counted) after the
         * export in flight, which its own timeout bounds; destroy joins it. */
        atomic_store(&b->abandon, true);
        return OTEL_ERR_TIMEOUT;
    }
    pthread_join(b->thread, NULL);
    b->thread_started = false;
    return b->exporter.shutdown != NULL ? b->exporter.shutdown(b->exporter.self, timeout_ms) : OTEL_OK;
}

static void batch_destroy(otel_log_record_processor_t *self)
{
    batch_processor_t *b = (batch_processor_t *)self;
    if (!b->shut_down)
        batch_shutdown(self, b->options.export_timeout_ms);
    if (b->thread_started) { /* shutdown timed out: wait for the thread (its export is bounded) */
        pthread_join(b->thread, NULL);
        if (b->exporter.shutdown != NULL)
            b->exporter.shutdown(b->exporter.self, 0);
    }
    otel_log__record_t *r;
    while ((r = otel_mpsc__pop(&b->queue)) != NULL) {
        ADD(dropped, 1);
        otel_log__record_free(r);
    }
    if (b->exporter.destroy != NULL)
        b->exporter.destroy(b->exporter.self);
    pthread_cond_destroy(&b->wake);
    pthread_cond_destroy(&b->done);
    pthread_mutex_destroy(&b->lock);
    otel_mpsc__dispose(&b->queue);
    free(b);
}

static void batch_get_stats(const otel_log_record_processor_t *self, otel_log_record_processor_stats_t *out)
{
    batch_processor_t *b = (batch_processor_t *)self;
    out->records_received = atomic_load_explicit(&b->counters.received, memory_order_relaxed);
    out->records_dropped = atomic_load_explicit(&b->counters.dropped, memory_order_relaxed);
    out->records_exported = atomic_load_explicit(&b->counters.exported, memory_order_relaxed);
    out->records_failed = atomic_load_explicit(&b->counters.failed, memory_order_relaxed);
    out->export_calls = atomic_load_explicit(&b->counters.export_calls, memory_order_relaxed);
    out->queue_size = atomic_load_explicit(&b->queued, memory_order_relaxed);
    out->queue_capacity = otel_mpsc__capacity(&b->queue);
}

otel_status_t otel_batch_log_record_processor_create(const otel_batch_log_record_processor_options_t *options,
                                                     otel_log_record_exporter_t exporter,
                                                     otel_log_record_processor_t **out)
{
    otel_batch_log_record_processor_options_t o;
    if (options != NULL)
        o = *options;
    else
        otel_batch_log_record_processor_options_init(&o);
    otel_status_t st = OTEL_ERR_NO_MEMORY;
    batch_processor_t *b = NULL;
    if (out == NULL || exporter.export_logs == NULL || o.max_queue_size == 0 || o.max_queue_size > (1u << 30) ||
        o.schedule_delay_ms == 0 || o.max_export_batch_size == 0) {
        st = OTEL_ERR_INVALID_ARGUMENT;
        goto fail;
    }
    /* The queue's positions sit on cache lines of their own: the object must be 64-byte aligned. */
    if ((b = aligned_alloc(64, (sizeof(*b) + 63) & ~(size_t)63)) == NULL)
        goto fail;
    memset(b, 0, sizeof(*b));
    if (otel_mpsc__init(&b->queue, o.max_queue_size) != OTEL_OK)
        goto fail;
    if (o.max_export_batch_size > otel_mpsc__capacity(&b->queue))
        o.max_export_batch_size = (uint32_t)otel_mpsc__capacity(&b->queue);
    b->options = o;
    b->exporter = exporter;
    b->base =
        (otel_log_record_processor_t){batch_on_emit, batch_force_flush, batch_shutdown, batch_destroy, batch_get_stats};
    pthread_mutex_init(&b->lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&b->wake, &attr);
    pthread_cond_init(&b->done, &attr);
    pthread_condattr_destroy(&attr);
    if (pthread_create(&b->thread, NULL, export_thread, b) != 0) {
        pthread_cond_destroy(&b->wake);
        pthread_cond_destroy(&b->done);
        pthread_mutex_destroy(&b->lock);
        st = OTEL_ERR_IO;
        goto fail;
    }
    b->thread_started = true;
    *out = &b->base;
    return OTEL_OK;
fail:
    if (b != NULL) {
        otel_mpsc__dispose(&b->queue);
        free(b);
    }
    if (exporter.shutdown != NULL)
        exporter.shutdown(exporter.self, 0);
    if (exporter.destroy != NULL)
        exporter.destroy(exporter.self);
    return st;
}
