/* SPDX-License-Identifier: Apache-2.0 */
/* Per-thread span pools: lock-free reuse of span objects, returnable from any thread. */
#include <stdlib.h>
#include "trace/trace_internal.h"

/*
 * Each thread owns a pool. The owner takes and gives back spans through `local` without atomics.
 * Spans released on other threads (e.g. the batch export thread) are pushed onto `returned`, a
 * lock-free stack the owner takes whole with one exchange (no ABA: only whole-stack pops).
 * `members` counts the spans that belong to the pool, plus one for the live thread and one per
 * in-flight foreign push, so a pool outlives its thread until its last span comes back.
 */
struct otel_span_pool {
    otel_span_t *local;
    _Atomic(otel_span_t *) returned;
    _Atomic size_t members;
    _Atomic bool dead; /* the owner thread has exited */
    size_t allocated;
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
    otel_span_pool_t *pool = calloc(1, sizeof(*pool));
    if (pool == NULL)
        return NULL;
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
    } else {
        s = calloc(1, sizeof(*s));
        if (s == NULL)
            return NULL;
        s->pool = pool;
        atomic_fetch_add(&pool->members, 1);
        pool->allocated++;
    }
    s->next_free = NULL;
    atomic_store_explicit(&s->refs, 1, memory_order_relaxed);
    return s;
}

void otel_span_pool__put(otel_span_t *span)
{
    otel_span__reset(span);
    otel_span_pool_t *pool = span->pool;
    if (pool == tls_pool) {
        span->next_free = pool->local;
        pool->local = span;
        return;
    }
    atomic_fetch_add(&pool->members, 1); /* keeps the pool alive while we look at it */
    otel_span_t *head = atomic_load_explicit(&pool->returned, memory_order_relaxed);
    do
        span->next_free = head;
    while (!atomic_compare_exchange_weak(&pool->returned, &head, span));
    /* Seq-cst push then load pairs with the exiting owner's store of `dead` then exchange:
     * at least one side sees the other, so no span is stranded on a dead pool. */
    if (atomic_load(&pool->dead))
        drain_dead(pool);
    pool_unref(pool);
}

size_t otel_span_pool__allocated(void)
{
    return tls_pool != NULL ? tls_pool->allocated : 0;
}
