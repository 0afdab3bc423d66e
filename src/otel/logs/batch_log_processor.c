/* SPDX-License-Identifier: Apache-2.0 */
/* The batch log record processor: a bounded lock-free queue filled by emitting threads, one export thread. */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "common/common_internal.h"
#include "common/deadline_internal.h"
#include "common/mpsc_queue_internal.h"
#include "common/thread_internal.h"
#include "config/env_internal.h"
#include "logs/logs_internal.h"

typedef struct batch_processor {
    otel_log_record_processor_t base;
    otel_log_record_exporter_t exporter;
    otel_batch_log_record_processor_options_t options;
    size_t wake_mask;    /* emitters look at the fill level once per wake_mask + 1 records */
    atomic_bool closed;  /* emits after shutdown are dropped */
    atomic_bool abandon; /* shutdown ran out of time: drop what is still queued instead of exporting it */

    otel_mpsc_t queue; /* emitting threads -> export thread */
    _Alignas(64) atomic_bool wake_pending;
    _Atomic size_t wake_at;        /* queued records that complete the batch being filled (the export thread sets it) */
    otel_log__counters_t counters; /* received is the queue's tail plus `rejected` */
    sem_t wake;                    /* to the export thread: a full batch, a flush, the stop */

    /* Export thread only (`taken` is also read by stats): the batch being filled. Records move out of the queue
     * into it as they come, so the queue keeps its whole capacity for new ones while a batch fills up. */
    const otel_log_record_data_t **batch;
    otel_log__record_t **owned;
    _Atomic size_t taken;

    pthread_t thread;
    bool thread_started;
    pthread_mutex_t lock; /* guards the fields below; emitters never take it */
    pthread_cond_t done;  /* from the export thread: flush finished / stopped */
    uint64_t flush_requested, flush_completed;
    otel_status_t flush_status;
    bool stop, stopped, shut_down;
} batch_processor_t;

#define ADD(field, n) atomic_fetch_add_explicit(&b->counters.field, (n), memory_order_relaxed)

void otel_batch_log_record_processor_options_init(otel_batch_log_record_processor_options_t *o)
{
    o->max_queue_size = 2048;
    o->schedule_delay_ms = 1000;
    o->export_timeout_ms = 30000;
    o->max_export_batch_size = 512;
    o->thread_nice = 0;
}

otel_status_t otel_batch_log_record_processor_options_from_env(otel_batch_log_record_processor_options_t *options,
                                                               char *err, size_t err_len)
{
    otel_batch_log_record_processor_options_t o = *options;
    otel_status_t st;
    if ((st = otel_env__get_u32("OTEL_BLRP_MAX_QUEUE_SIZE", 1, &o.max_queue_size, err, err_len)) ||
        (st = otel_env__get_u32("OTEL_BLRP_SCHEDULE_DELAY", 1, &o.schedule_delay_ms, err, err_len)) ||
        (st = otel_env__get_u32("OTEL_BLRP_EXPORT_TIMEOUT", 1, &o.export_timeout_ms, err, err_len)) ||
        (st = otel_env__get_u32("OTEL_BLRP_MAX_EXPORT_BATCH_SIZE", 1, &o.max_export_batch_size, err, err_len)) ||
        (st = otel_thread__nice_from_env(&o.thread_nice, err, err_len)))
        return st;
    *options = o;
    return OTEL_OK;
}

/* A record the queue did not take: dropped and counted. */
static otel_status_t reject(batch_processor_t *b, otel_log__record_t *record, otel_status_t why)
{
    ADD(rejected, 1);
    ADD(dropped, 1);
    otel_log__record_free(record);
    return why;
}

static otel_status_t batch_on_emit(otel_log_record_processor_t *self, otel_log__record_t *record)
{
    batch_processor_t *b = (batch_processor_t *)self;
    if (record == NULL || atomic_load_explicit(&b->closed, memory_order_relaxed))
        return reject(b, record, OTEL_ERR_SHUTDOWN);
    size_t pushed;
    if (!otel_mpsc__push(&b->queue, record, &pushed))
        return reject(b, record, OTEL_ERR_QUEUE_FULL);
    /* Reading `head` pulls in a line the export thread writes on every take, and no shared counter is written
     * per record: the fill level is looked at once per wake_mask + 1 records. The export thread is woken (at
     * most one post outstanding) within that many records of a full batch. */
    if ((pushed & b->wake_mask) == 0) {
        size_t size = pushed - atomic_load_explicit(&b->queue.head, memory_order_relaxed);
        if (size >= atomic_load_explicit(&b->wake_at, memory_order_relaxed) &&
            !atomic_load_explicit(&b->wake_pending, memory_order_relaxed) && !atomic_exchange(&b->wake_pending, true))
            sem_post(&b->wake);
    }
    return OTEL_OK;
}

static size_t queued(batch_processor_t *b)
{
    size_t head = atomic_load_explicit(&b->queue.head, memory_order_acquire);
    return atomic_load_explicit(&b->queue.tail, memory_order_acquire) - head;
}

/* Exports the `n` records taken. */
static void export_taken(batch_processor_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        b->batch[i] = &b->owned[i]->data;
    ADD(export_calls, 1);
    otel_status_t st = b->exporter.export_logs(b->exporter.self, b->batch, n);
    if (st == OTEL_OK)
        ADD(exported, n);
    else
        ADD(failed, n);
    otel_log__record_free_many(b->owned, n);
    atomic_store_explicit(&b->taken, 0, memory_order_relaxed);
}

/* Moves queued records into the batch and exports it each time it is full; with `force` (timer, flush, stop) also
 * the partial batch holding what was queued before the call. Never a partial batch otherwise: under load every
 * export call carries max_export_batch_size records. Export thread only. */
static void drain(batch_processor_t *b, bool force)
{
    size_t head = atomic_load_explicit(&b->queue.head, memory_order_relaxed);
    size_t forced_end = force ? atomic_load_explicit(&b->queue.tail, memory_order_acquire) : head;
    size_t max = b->options.max_export_batch_size;
    size_t n = atomic_load_explicit(&b->taken, memory_order_relaxed);
    for (;;) {
        size_t tail = atomic_load_explicit(&b->queue.tail, memory_order_acquire);
        if (atomic_load_explicit(&b->abandon, memory_order_relaxed)) {
            for (; head < tail; head++) {
                otel_log__record_t *r = otel_mpsc__take(&b->queue, head);
                ADD(dropped, 1);
                otel_log__record_free(r);
            }
            ADD(dropped, n);
            otel_log__record_free_many(b->owned, n);
            atomic_store_explicit(&b->taken, 0, memory_order_relaxed);
            return;
        }
        for (; n < max && head < tail; n++, head++)
            b->owned[n] = otel_mpsc__take(&b->queue, head);
        atomic_store_explicit(&b->taken, n, memory_order_relaxed);
        if (n == max || (force && n > 0 && head >= forced_end)) {
            export_taken(b, n);
            n = 0;
            if (head >= forced_end)
                force = false; /* what was queued before the call is out: from here on, full batches only */
            continue;
        }
        if (head >= tail)
            break; /* the queue is empty: a partial batch waits for more records, the timer or a flush */
    }
    atomic_store_explicit(&b->wake_at, max - n, memory_order_relaxed);
}

static void *export_thread(void *arg)
{
    batch_processor_t *b = arg;
    otel_thread__setup("otel-logs", b->options.thread_nice); /* before the first export starts gRPC's threads */
    uint64_t delay_ns = (uint64_t)b->options.schedule_delay_ms * 1000000u;
    uint64_t deadline = otel_time_monotonic_ns() + delay_ns;
    for (;;) {
        bool timer = false;
        if (queued(b) + atomic_load_explicit(&b->taken, memory_order_relaxed) < b->options.max_export_batch_size) {
            struct timespec ts = otel_deadline__from_ns(deadline);
            timer = sem_clockwait(&b->wake, CLOCK_MONOTONIC, &ts) != 0 && errno == ETIMEDOUT;
            atomic_store(&b->wake_pending, false);
        }
        pthread_mutex_lock(&b->lock);
        uint64_t flush = b->flush_requested;
        bool stop = b->stop;
        pthread_mutex_unlock(&b->lock);
        bool flush_due = flush != b->flush_completed;

        drain(b, timer || stop || flush_due);
        if (timer)
            deadline = otel_time_monotonic_ns() + delay_ns;
        otel_status_t st = OTEL_OK;
        if (flush_due && b->exporter.force_flush != NULL)
            st = b->exporter.force_flush(b->exporter.self, b->options.export_timeout_ms);

        pthread_mutex_lock(&b->lock);
        if (flush_due) {
            b->flush_completed = flush;
            b->flush_status = st;
            pthread_cond_broadcast(&b->done);
        }
        if (stop)
            break;
        pthread_mutex_unlock(&b->lock);
    }
    b->stopped = true;
    pthread_cond_broadcast(&b->done);
    pthread_mutex_unlock(&b->lock);
    return NULL;
}

/* Frees the processor's memory (NULL-safe, also half-built). */
static void free_processor(batch_processor_t *b)
{
    if (b == NULL)
        return;
    otel_mpsc__dispose(&b->queue);
    free(b->batch);
    free(b->owned);
    free(b);
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
    sem_post(&b->wake);
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
    sem_post(&b->wake);
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
    size_t taken = atomic_load(&b->taken); /* a batch being filled when the thread stopped early */
    ADD(dropped, taken);
    otel_log__record_free_many(b->owned, taken);
    if (b->exporter.destroy != NULL)
        b->exporter.destroy(b->exporter.self);
    sem_destroy(&b->wake);
    pthread_cond_destroy(&b->done);
    pthread_mutex_destroy(&b->lock);
    free_processor(b);
}

static void batch_get_stats(const otel_log_record_processor_t *self, otel_log_record_processor_stats_t *out)
{
    batch_processor_t *b = (batch_processor_t *)self;
    out->queue_size = queued(b) + atomic_load_explicit(&b->taken, memory_order_relaxed);
    out->records_received = atomic_load_explicit(&b->queue.tail, memory_order_relaxed) +
                            atomic_load_explicit(&b->counters.rejected, memory_order_relaxed);
    out->records_dropped = atomic_load_explicit(&b->counters.dropped, memory_order_relaxed);
    out->records_exported = atomic_load_explicit(&b->counters.exported, memory_order_relaxed);
    out->records_failed = atomic_load_explicit(&b->counters.failed, memory_order_relaxed);
    out->export_calls = atomic_load_explicit(&b->counters.export_calls, memory_order_relaxed);
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
    b->batch = malloc(o.max_export_batch_size * sizeof(*b->batch));
    b->owned = malloc(o.max_export_batch_size * sizeof(*b->owned));
    if (b->batch == NULL || b->owned == NULL)
        goto fail;
    size_t step = 1;
    while (step * 2 <= 64 && step * 2 <= o.max_export_batch_size)
        step *= 2;
    b->wake_mask = step - 1;
    atomic_init(&b->wake_at, o.max_export_batch_size);
    b->options = o;
    b->exporter = exporter;
    b->base =
        (otel_log_record_processor_t){batch_on_emit, batch_force_flush, batch_shutdown, batch_destroy, batch_get_stats};
    pthread_mutex_init(&b->lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&b->done, &attr);
    pthread_condattr_destroy(&attr);
    sem_init(&b->wake, 0, 0);
    if (pthread_create(&b->thread, NULL, export_thread, b) != 0) {
        sem_destroy(&b->wake);
        pthread_cond_destroy(&b->done);
        pthread_mutex_destroy(&b->lock);
        st = OTEL_ERR_IO;
        goto fail;
    }
    b->thread_started = true;
    *out = &b->base;
    return OTEL_OK;
fail:
    free_processor(b);
    if (exporter.shutdown != NULL)
        exporter.shutdown(exporter.self, 0);
    if (exporter.destroy != NULL)
        exporter.destroy(exporter.self);
    return st;
}
