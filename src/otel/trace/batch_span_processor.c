/* SPDX-License-Identifier: Apache-2.0 */
/* The batch span processor: a bounded lock-free MPSC ring filled by ending threads, drained by one export thread. */
#include <errno.h>
#include <semaphore.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "common/common_internal.h"
#include "common/deadline_internal.h"
#include "common/mpsc_queue_internal.h"
#include "common/thread_internal.h"
#include "config/env_internal.h"
#include "trace/trace_internal.h"

/* Drop counters, one line per thread number (see otel_trace__count): dropping is frequent when the
 * exporter falls behind, and must not make the ending threads share a line. */
typedef struct drop_cell {
    _Alignas(64) _Atomic uint64_t dropped;
} drop_cell_t;

typedef struct batch_processor {
    otel_span_processor_t base;
    otel_span_exporter_t exporter;
    otel_batch_span_processor_options_t options;
    size_t wake_mask; /* producers look at the queue's fill level only every wake_mask + 1 pushes */
    const otel_span_data_t **batch;
    otel_span_t **batch_spans;

    _Atomic bool stopping; /* shutdown began: new spans are dropped (read-mostly, beside the options) */
    otel_mpsc_t queue;     /* ending threads -> export thread */
    _Alignas(64) _Atomic bool wake_pending; /* a size-triggered wake-up is already posted */
    _Alignas(64) _Atomic uint64_t exported, failed, calls, failures, export_ns;
    drop_cell_t dropped[OTEL_TRACE__COUNTER_CELLS];
    _Atomic uint32_t refs; /* the owner and the export thread */

    sem_t wake;
    pthread_t thread;
    bool thread_started, joined;
    pthread_mutex_t lock; /* guards the fields below and pairs with `cond` */
    pthread_cond_t cond;
    uint64_t flush_requested, flush_done;
    bool shutdown_requested, thread_exited;
} batch_processor_t;

void otel_batch_span_processor_options_init(otel_batch_span_processor_options_t *options)
{
    options->max_queue_size = 2048;
    options->schedule_delay_ms = 5000;
    options->export_timeout_ms = 30000;
    options->max_export_batch_size = 512;
    options->thread_nice = 0;
}

otel_status_t otel_batch_span_processor_options_from_env(otel_batch_span_processor_options_t *options, char *err,
                                                         size_t err_len)
{
    otel_batch_span_processor_options_t o = *options;
    otel_status_t s;
    if ((s = otel_env__get_u32("OTEL_BSP_MAX_QUEUE_SIZE", 1, &o.max_queue_size, err, err_len)) != OTEL_OK ||
        (s = otel_env__get_u32("OTEL_BSP_SCHEDULE_DELAY", 1, &o.schedule_delay_ms, err, err_len)) != OTEL_OK ||
        (s = otel_env__get_u32("OTEL_BSP_EXPORT_TIMEOUT", 1, &o.export_timeout_ms, err, err_len)) != OTEL_OK ||
        (s = otel_env__get_u32("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", 1, &o.max_export_batch_size, err, err_len)) !=
            OTEL_OK ||
        (s = otel_thread__nice_from_env(&o.thread_nice, err, err_len)) != OTEL_OK)
        return s;
    *options = o;
    return OTEL_OK;
}

static void free_processor(batch_processor_t *p)
{
    /* Spans that arrived after the export thread's last drain are dropped here. */
    otel_span_t *span;
    while (p->queue.cells != NULL && (span = otel_mpsc__pop(&p->queue)) != NULL) {
        otel_span__release(span);
        atomic_fetch_add(&p->dropped[OTEL_TRACE__EXCLUSIVE_CELLS].dropped, 1);
    }
    otel_span_exporter__dispose(&p->exporter, p->options.export_timeout_ms);
    sem_destroy(&p->wake);
    pthread_cond_destroy(&p->cond);
    pthread_mutex_destroy(&p->lock);
    otel_mpsc__dispose(&p->queue);
    free(p->batch);
    free(p->batch_spans);
    free(p);
}

static void unref(batch_processor_t *p)
{
    if (atomic_fetch_sub(&p->refs, 1) == 1)
        free_processor(p);
}

#define PREFETCH_AHEAD 8

static void batch_on_end(otel_span_processor_t *self, otel_span_t *span)
{
    batch_processor_t *p = (batch_processor_t *)self;
    if (__builtin_expect(!otel_span__is_sampled(span), 0)) {
        otel_span__release(span); /* RECORD_ONLY: recorded, never exported (spec) */
        return;
    }
    if (__builtin_expect(atomic_load_explicit(&p->stopping, memory_order_relaxed), 0))
        goto drop;
    size_t pushed;
    if (!otel_mpsc__push(&p->queue, span, &pushed))
        goto drop; /* full */
    /* The slot this thread will likely fill a few spans from now was last written by the export thread:
     * fetch it now, so the push then does not wait for that line to cross cores. */
    __builtin_prefetch(&p->queue.cells[(pushed + PREFETCH_AHEAD) & p->queue.mask], 1);
    /* Reading `head` pulls in a line the export thread writes on every take: do it once per wake_mask + 1
     * spans, not per span. The export thread is woken within that many spans of a full batch. */
    if ((pushed & p->wake_mask) == 0) {
        size_t size = pushed - atomic_load_explicit(&p->queue.head, memory_order_relaxed);
        if (size >= p->options.max_export_batch_size && !atomic_load_explicit(&p->wake_pending, memory_order_relaxed) &&
            !atomic_exchange(&p->wake_pending, true))
            sem_post(&p->wake);
    }
    return;
drop:;
    unsigned index = otel_trace__thread_index();
    bool exclusive = index < OTEL_TRACE__EXCLUSIVE_CELLS;
    otel_trace__count(&p->dropped[exclusive ? index : OTEL_TRACE__EXCLUSIVE_CELLS].dropped, exclusive);
    otel_span__release(span);
}

/* Exports everything claimed before now, in batches. */
static void drain(batch_processor_t *p)
{
    size_t head = atomic_load_explicit(&p->queue.head, memory_order_relaxed);
    size_t end = atomic_load_explicit(&p->queue.tail, memory_order_acquire);
    while (head < end) {
        size_t n = 0;
        for (; n < p->options.max_export_batch_size && head < end; head++) {
            p->batch_spans[n] = otel_mpsc__take(&p->queue, head);
            p->batch[n] = &p->batch_spans[n]->data;
            n++;
        }
        uint64_t start = otel_time_monotonic_ns();
        otel_status_t s = p->exporter.export_spans(p->exporter.self, p->batch, n);
        atomic_fetch_add_explicit(&p->export_ns, otel_time_monotonic_ns() - start, memory_order_relaxed);
        atomic_fetch_add_explicit(&p->calls, 1, memory_order_relaxed);
        if (s == OTEL_OK) {
            atomic_fetch_add_explicit(&p->exported, n, memory_order_relaxed);
        } else {
            atomic_fetch_add_explicit(&p->failed, n, memory_order_relaxed);
            atomic_fetch_add_explicit(&p->failures, 1, memory_order_relaxed);
            OTEL_DIAG(OTEL_DIAG_WARN, "batch span processor: export of %zu spans failed: %s", n, otel_strerror(s));
        }
        otel_span__release_many(p->batch_spans, n);
    }
}

static void *export_thread(void *arg)
{
    batch_processor_t *p = arg;
    otel_thread__setup("otel-spans", p->options.thread_nice); /* before the first export starts gRPC's threads */
    uint64_t delay_ns = (uint64_t)p->options.schedule_delay_ms * 1000000u;
    uint64_t deadline = otel_time_monotonic_ns() + delay_ns;
    for (;;) {
        struct timespec ts = otel_deadline__from_ns(deadline);
        int r = sem_clockwait(&p->wake, CLOCK_MONOTONIC, &ts);
        bool timer = r != 0 && errno == ETIMEDOUT;
        atomic_store(&p->wake_pending, false);
        pthread_mutex_lock(&p->lock);
        uint64_t flush = p->flush_requested;
        bool stop = p->shutdown_requested;
        bool flush_due = flush > p->flush_done;
        pthread_mutex_unlock(&p->lock);

        size_t queued = atomic_load(&p->queue.tail) - atomic_load(&p->queue.head);
        if (timer || stop || flush_due || queued >= p->options.max_export_batch_size)
            drain(p);
        if (timer)
            deadline = otel_time_monotonic_ns() + delay_ns;
        if (flush_due && p->exporter.force_flush != NULL)
            p->exporter.force_flush(p->exporter.self, p->options.export_timeout_ms);
        if (flush_due) {
            pthread_mutex_lock(&p->lock);
            p->flush_done = flush;
            pthread_cond_broadcast(&p->cond);
            pthread_mutex_unlock(&p->lock);
        }
        if (stop)
            break;
    }
    if (p->exporter.shutdown != NULL)
        p->exporter.shutdown(p->exporter.self, p->options.export_timeout_ms);
    p->exporter.shutdown = NULL;
    pthread_mutex_lock(&p->lock);
    p->thread_exited = true;
    p->flush_done = p->flush_requested;
    pthread_cond_broadcast(&p->cond);
    pthread_mutex_unlock(&p->lock);
    unref(p);
    return NULL;
}

/* Waits on `cond` until *done or the deadline; returns OTEL_ERR_TIMEOUT on expiry. Lock held. */
static otel_status_t wait_until(batch_processor_t *p, const uint64_t *done_seq, uint64_t want, const bool *done_flag,
                                uint64_t deadline_ns)
{
    struct timespec ts = otel_deadline__from_ns(deadline_ns);
    while (!(done_seq != NULL && *done_seq >= want) && !(done_flag != NULL && *done_flag) && !p->thread_exited) {
        if (pthread_cond_timedwait(&p->cond, &p->lock, &ts) == ETIMEDOUT)
            return (done_seq != NULL && *done_seq >= want) || (done_flag != NULL && *done_flag) || p->thread_exited
                       ? OTEL_OK
                       : OTEL_ERR_TIMEOUT;
    }
    return OTEL_OK;
}

static otel_status_t batch_force_flush(otel_span_processor_t *self, uint32_t timeout_ms)
{
    batch_processor_t *p = (batch_processor_t *)self;
    uint64_t deadline = otel_time_monotonic_ns() + (uint64_t)timeout_ms * 1000000u;
    pthread_mutex_lock(&p->lock);
    if (p->thread_exited) {
        pthread_mutex_unlock(&p->lock);
        return OTEL_ERR_SHUTDOWN;
    }
    uint64_t want = ++p->flush_requested;
    pthread_mutex_unlock(&p->lock);
    sem_post(&p->wake);
    pthread_mutex_lock(&p->lock);
    otel_status_t s = wait_until(p, &p->flush_done, want, NULL, deadline);
    pthread_mutex_unlock(&p->lock);
    return s;
}

static otel_status_t batch_shutdown(otel_span_processor_t *self, uint32_t timeout_ms)
{
    batch_processor_t *p = (batch_processor_t *)self;
    uint64_t deadline = otel_time_monotonic_ns() + (uint64_t)timeout_ms * 1000000u;
    atomic_store(&p->stopping, true);
    pthread_mutex_lock(&p->lock);
    p->shutdown_requested = true;
    pthread_mutex_unlock(&p->lock);
    sem_post(&p->wake);
    pthread_mutex_lock(&p->lock);
    otel_status_t s = wait_until(p, NULL, 0, &p->thread_exited, deadline);
    pthread_mutex_unlock(&p->lock);
    if (s == OTEL_OK && !p->joined) {
        pthread_join(p->thread, NULL);
        p->joined = true;
    }
    return s;
}

static void batch_destroy(otel_span_processor_t *self)
{
    batch_processor_t *p = (batch_processor_t *)self;
    otel_span_processor_shutdown(self, p->options.export_timeout_ms);
    if (p->thread_started && !p->joined)
        pthread_detach(p->thread); /* still exporting past its timeout: it frees p when done */
    unref(p);
}

static void batch_get_stats(const otel_span_processor_t *self, otel_span_processor_stats_t *stats)
{
    batch_processor_t *p = (batch_processor_t *)self;
    size_t head = atomic_load_explicit(&p->queue.head, memory_order_relaxed);
    size_t tail = atomic_load_explicit(&p->queue.tail, memory_order_relaxed);
    stats->spans_dropped = 0;
    for (size_t i = 0; i < OTEL_TRACE__COUNTER_CELLS; i++)
        stats->spans_dropped += atomic_load_explicit(&p->dropped[i].dropped, memory_order_relaxed);
    stats->spans_received = tail + stats->spans_dropped;
    stats->spans_exported = atomic_load_explicit(&p->exported, memory_order_relaxed);
    stats->spans_failed = atomic_load_explicit(&p->failed, memory_order_relaxed);
    stats->export_calls = atomic_load_explicit(&p->calls, memory_order_relaxed);
    stats->export_failures = atomic_load_explicit(&p->failures, memory_order_relaxed);
    stats->export_ns_total = atomic_load_explicit(&p->export_ns, memory_order_relaxed);
    stats->queue_size = tail >= head ? tail - head : 0;
    stats->queue_capacity = otel_mpsc__capacity(&p->queue);
}

static const otel_span_processor__vtable_t batch_vtable = {
    NULL, batch_on_end, batch_force_flush, batch_shutdown, batch_destroy, batch_get_stats,
};

otel_status_t otel_batch_span_processor_create(const otel_batch_span_processor_options_t *options,
                                               otel_span_exporter_t exporter, otel_span_processor_t **out)
{
    otel_batch_span_processor_options_t o;
    otel_batch_span_processor_options_init(&o);
    if (options != NULL)
        o = *options;
    if (out == NULL || exporter.export_spans == NULL || o.max_queue_size == 0 || o.max_queue_size > (1u << 30) ||
        o.schedule_delay_ms == 0 || o.max_export_batch_size == 0) {
        otel_span_exporter__dispose(&exporter, 0);
        return OTEL_ERR_INVALID_ARGUMENT;
    }
    batch_processor_t *p = aligned_alloc(64, (sizeof(*p) + 63) & ~(size_t)63);
    if (p != NULL)
        memset(p, 0, sizeof(*p));
    if (p == NULL) {
        otel_span_exporter__dispose(&exporter, 0);
        return OTEL_ERR_NO_MEMORY;
    }
    p->base.vt = &batch_vtable;
    p->exporter = exporter;
    otel_status_t s = otel_mpsc__init(&p->queue, o.max_queue_size);
    size_t capacity = otel_mpsc__capacity(&p->queue);
    if (o.max_export_batch_size > capacity)
        o.max_export_batch_size = (uint32_t)capacity;
    p->options = o;
    size_t step = 1;
    while (step * 2 <= 64 && step * 2 <= o.max_export_batch_size)
        step *= 2;
    p->wake_mask = step - 1;
    atomic_init(&p->refs, 2);
    sem_init(&p->wake, 0, 0);
    pthread_mutex_init(&p->lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&p->cond, &attr);
    pthread_condattr_destroy(&attr);
    p->batch = calloc(o.max_export_batch_size, sizeof(*p->batch));
    p->batch_spans = calloc(o.max_export_batch_size, sizeof(*p->batch_spans));
    if (s != OTEL_OK || p->batch == NULL || p->batch_spans == NULL) {
        free_processor(p);
        return OTEL_ERR_NO_MEMORY;
    }
    if (pthread_create(&p->thread, NULL, export_thread, p) != 0) {
        free_processor(p);
        return OTEL_ERR_IO;
    }
    p->thread_started = true;
    *out = &p->base;
    return OTEL_OK;
}
