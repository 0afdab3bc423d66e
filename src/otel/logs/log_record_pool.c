/* SPDX-License-Identifier: Apache-2.0 */
/* Per-thread pools of log record blocks: emitting takes a block without locks or malloc, any thread gives it back. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "logs/logs_internal.h"

/*
 * The same scheme as the span pools (trace/span_pool.c). Each emitting thread owns a pool of fixed-size blocks.
 * The owner takes and gives back blocks through `local` without atomics. Blocks released on other threads (the
 * batch export thread) are pushed onto `returned`, a lock-free stack the owner takes whole with one exchange (no
 * ABA: there are only whole-stack pops). `members` counts the blocks that belong to the pool, plus one for the
 * live thread and one per foreign push in progress, so a pool outlives its thread until its last block is back.
 * A pool holds at most the blocks its thread had in flight at once: bounded by the batch queue's capacity plus
 * one exported batch.
 */
struct otel_log__pool {
    otel_log__record_t *local; /* owner only */
    _Alignas(64) _Atomic(otel_log__record_t *) returned;
    _Atomic size_t members;
    _Atomic bool dead; /* the owner thread has exited */
};

static _Thread_local otel_log__pool_t *tls_pool;
static pthread_key_t pool_key;
static pthread_once_t pool_key_once = PTHREAD_ONCE_INIT;

static void pool_unref(otel_log__pool_t *pool)
{
    if (atomic_fetch_sub(&pool->members, 1) == 1)
        free(pool);
}

/* Frees every block on the returned stack of a dead pool. Several threads may race here; the exchange hands each
 * block to exactly one of them. */
static void drain_dead(otel_log__pool_t *pool)
{
    otel_log__record_t *r = atomic_exchange(&pool->returned, NULL);
    while (r != NULL) {
        otel_log__record_t *next = r->next;
        free(r);
        pool_unref(pool);
        r = next;
    }
}

static void on_thread_exit(void *arg)
{
    otel_log__pool_t *pool = arg;
    atomic_store(&pool->dead, true);
    for (otel_log__record_t *r = pool->local, *next; r != NULL; r = next) {
        next = r->next;
        free(r);
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

static otel_log__pool_t *this_pool(void)
{
    if (__builtin_expect(tls_pool != NULL, 1))
        return tls_pool;
    pthread_once(&pool_key_once, make_key);
    otel_log__pool_t *pool = aligned_alloc(64, (sizeof(*pool) + 63) & ~(size_t)63);
    if (pool == NULL)
        return NULL;
    memset(pool, 0, sizeof(*pool));
    atomic_init(&pool->members, 1);
    tls_pool = pool;
    pthread_setspecific(pool_key, pool);
    return pool;
}

otel_log__record_t *otel_log__pool_get(void)
{
    otel_log__pool_t *pool = this_pool();
    if (pool == NULL)
        return NULL;
    otel_log__record_t *r = pool->local;
    if (__builtin_expect(r == NULL, 0) && atomic_load_explicit(&pool->returned, memory_order_relaxed) != NULL)
        r = atomic_exchange_explicit(&pool->returned, NULL, memory_order_acquire);
    if (r != NULL) {
        pool->local = r->next;
        return r;
    }
    if ((r = malloc(OTEL_LOG__BLOCK_SIZE)) == NULL)
        return NULL;
    r->pool = pool;
    atomic_fetch_add(&pool->members, 1);
    return r;
}

/* Pushes the chain first..last of `pool`'s blocks onto its returned stack. */
static void push_foreign(otel_log__pool_t *pool, otel_log__record_t *first, otel_log__record_t *last)
{
    atomic_fetch_add(&pool->members, 1); /* keeps the pool alive while we look at it */
    otel_log__record_t *head = atomic_load_explicit(&pool->returned, memory_order_relaxed);
    do
        last->next = head;
    while (!atomic_compare_exchange_weak(&pool->returned, &head, first));
    /* Seq-cst push then load pairs with the exiting owner's store of `dead` then exchange: at least one side sees
     * the other, so no block is stranded on a dead pool. */
    if (atomic_load(&pool->dead))
        drain_dead(pool);
    pool_unref(pool);
}

void otel_log__pool_put_many(otel_log__record_t **records, size_t count)
{
    /* The records of one thread tend to be adjacent in a batch: each run goes back with one push. */
    size_t i = 0;
    while (i < count) {
        otel_log__record_t *first = records[i], *last = first;
        otel_log__pool_t *pool = first->pool;
        size_t j = i + 1;
        for (; j < count && records[j]->pool == pool; j++) {
            last->next = records[j];
            last = records[j];
        }
        if (pool == tls_pool) {
            last->next = pool->local;
            pool->local = first;
        } else {
            push_foreign(pool, first, last);
        }
        i = j;
    }
}
