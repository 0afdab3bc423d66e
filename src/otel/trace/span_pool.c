/* SPDX-License-Identifier: Apache-2.0 */
/* Per-thread span pools: lock-free reuse of span objects, returnable from any thread. */
#include <stdlib.h>
#include <string.h>
#include "trace/trace_internal.h"

/*
 * Each thread owns a pool. The owner takes and gives back spans through `local` without atomics.
 * Spans released on other threads (e.g. the batch export thread) are pushed onto `returned`, a
 * lock-free stack the owner takes whole with one exchange (no ABA: only whole-stack pops).
 * `members` counts the spans that belong to the pool, plus one for the live thread and one per
 * in-flight foreign push, so a pool outlives its thread until its last span comes back.
 */
struct otel_span_pool {
    otel_span_t *local; /* owner only: kept off the line other threads write */
    size_t allocated;
    _Alignas(64) _Atomic(otel_span_t *) returned;
    _Atomic size_t members;
    _Atomic bool dead; /* the owner thread has exited */
};

void otel_span__reset(otel_span_t *span);
void otel_span__free(otel_span_t *span);

static _Thread_local otel_span_pool_t *tls_pool;
static pthread_key_t pool_key;
static pthread_once_t pool_key_once = PTHREAD_ONCE_INIT;

static void pool_unref(otel_span_pool_t *pool)
{
    if (atomic_fetch_sub(&pool->members, 1) == 1)
        free(pool);
}

/* Frees every span on the returned stack of a dead pool. Several threads may race here; the
 * exchange hands each span to exactly one of them. */
static void drain_dead(otel_span_pool_t *pool)
{
    otel_span_t *s = atomic_exchange(&pool->returned, NULL);
    while (s != NULL) {
        otel_span_t *next = s->next_free;
        otel_span__free(s);
        pool_unref(pool);
        s = next;
    }
}

static void on_thread_exit(void *arg)
{
    otel_span_pool_t *pool = arg;
    atomic_store(&pool->dead, true);
    for (otel_span_t *s = pool->local, *next; s != NULL; s = next) {
        next = s->next_free;
        otel_span__free(s);
        pool_unref(pool);
    }
    pool->local = NULL;
    drain_dead(pool);
    tls_pool = NULL;
    pool_unref(pool); /* the thread's own membership */
}

static void make_key(void)
{
    pthread_key_create(&pool_key, on_thread_exit);
}

static otel_span_pool_t *this_pool(void)
{
    if (__builtin_expect(tls_pool != NULL, 1))
        return tls_pool;
    pthread_once(&pool_key_once, make_key);
    otel_span_pool_t *pool = aligned_alloc(64, (sizeof(*pool) + 63) & ~(size_t)63);
    if (pool == NULL)
        return NULL;
    memset(pool, 0, sizeof(*pool));
    atomic_init(&pool->members, 1);
    tls_pool = pool;
    pthread_setspecific(pool_key, pool);
    return pool;
}

otel_span_t *otel_span_pool__get(void)
{
    otel_span_pool_t *pool = this_pool();
    if (pool == NULL)
        return NULL;
    otel_span_t *s = pool->local;
    if (__builtin_expect(s == NULL, 0) && atomic_load_explicit(&pool->returned, memory_order_relaxed) != NULL)
        s = atomic_exchange_explicit(&pool->returned, NULL, memory_order_acquire);
    if (s != NULL) {
        pool->local = s->next_free;
        /* The next span's first line was last written on the export thread (the pool link): fetch it early. */
        if (pool->local != NULL)
            __builtin_prefetch(pool->local, 1);
        /* Reset here, on the owner thread, not where it was released: the export thread then only writes
         * the span's first line (the pool link), and these lines stay in this core's cache. */
        otel_span__reset(s);
    } else {
        s = aligned_alloc(64, (sizeof(*s) + 63) & ~(size_t)63);
        if (s == NULL)
            return NULL;
        memset(s, 0, sizeof(*s));
        s->pool = pool;
        s->recording = true; /* forces a full reset: it fills the empty slices of `data` */
        otel_span__reset(s);
        atomic_fetch_add(&pool->members, 1);
        pool->allocated++;
    }
    s->next_free = NULL;
    atomic_store_explicit(&s->refs, 1, memory_order_relaxed);
    return s;
}

/* Pushes the chain first..last (`n` spans of `pool`) onto the pool's returned stack. */
static void push_foreign(otel_span_pool_t *pool, otel_span_t *first, otel_span_t *last, size_t n)
{
    (void)n;
    atomic_fetch_add(&pool->members, 1); /* keeps the pool alive while we look at it */
    otel_span_t *head = atomic_load_explicit(&pool->returned, memory_order_relaxed);
    do
        last->next_free = head;
    while (!atomic_compare_exchange_weak(&pool->returned, &head, first));
    /* Seq-cst push then load pairs with the exiting owner's store of `dead` then exchange:
     * at least one side sees the other, so no span is stranded on a dead pool. */
    if (atomic_load(&pool->dead))
        drain_dead(pool);
    pool_unref(pool);
}

void otel_span_pool__put(otel_span_t *span)
{
    otel_span_pool_t *pool = span->pool;
    if (pool == tls_pool) {
        span->next_free = pool->local;
        pool->local = span;
        return;
    }
    push_foreign(pool, span, span, 1);
}

void otel_span_pool__put_many(otel_span_t **spans, size_t count)
{
    /* Spans of one thread tend to be adjacent in a batch: return each run with one push. */
    size_t i = 0;
    while (i < count) {
        otel_span_t *first = spans[i];
        otel_span_pool_t *pool = first->pool;
        otel_span_t *last = first;
        size_t j = i + 1;
        while (j < count && spans[j]->pool == pool) {
            last->next_free = spans[j];
            last = spans[j];
            j++;
        }
        if (pool == tls_pool) {
            last->next_free = pool->local;
            pool->local = first;
        } else {
            push_foreign(pool, first, last, j - i);
        }
        i = j;
    }
}

size_t otel_span_pool__allocated(void)
{
    return tls_pool != NULL ? tls_pool->allocated : 0;
}
