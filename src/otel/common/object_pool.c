/* SPDX-License-Identifier: Apache-2.0 */
/* Per-thread object pools: the slow paths (pool creation, returns from other threads, thread exit). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "common/object_pool_internal.h"

/*
 * Each thread owns one pool per kind. The owner takes and gives back objects through `local` without atomics.
 * Objects released on other threads (e.g. a batch export thread) are pushed onto `returned`, a lock-free stack the
 * owner takes whole with one exchange (no ABA: only whole-stack pops). `members` counts the objects that belong to
 * the pool, plus one for the live thread and one per in-flight foreign push, so a pool outlives its thread until
 * its last object comes back. A pool holds at most the objects its thread had in flight at once (bounded by the
 * export queue's capacity plus one exported batch).
 */

_Thread_local otel_pool_t *otel_pool__tls[OTEL_POOL__KINDS];

static pthread_key_t pool_keys[OTEL_POOL__KINDS];
static pthread_once_t pool_keys_once = PTHREAD_ONCE_INIT;

static void pool_unref(otel_pool_t *pool)
{
    if (atomic_fetch_sub(&pool->members, 1) == 1)
        free(pool);
}

/* Frees every object on the returned stack of a dead pool. Several threads may race here; the exchange hands each
 * object to exactly one of them. */
static void drain_dead(otel_pool_t *pool)
{
    otel_pool_link_t *link = atomic_exchange(&pool->returned, NULL);
    while (link != NULL) {
        otel_pool_link_t *next = link->next;
        pool->cls->free_object(link);
        pool_unref(pool);
        link = next;
    }
}

static void on_thread_exit(void *arg)
{
    otel_pool_t *pool = arg;
    atomic_store(&pool->dead, true);
    for (otel_pool_link_t *link = pool->local, *next; link != NULL; link = next) {
        next = link->next;
        pool->cls->free_object(link);
        pool_unref(pool);
    }
    pool->local = NULL;
    drain_dead(pool);
    otel_pool__tls[pool->cls->kind] = NULL;
    pool_unref(pool); /* the thread's own membership */
}

static void make_keys(void)
{
    for (int k = 0; k < OTEL_POOL__KINDS; k++)
        pthread_key_create(&pool_keys[k], on_thread_exit);
}

static otel_pool_t *this_pool(const otel_pool_class_t *cls)
{
    otel_pool_t *pool = otel_pool__tls[cls->kind];
    if (__builtin_expect(pool != NULL, 1))
        return pool;
    pthread_once(&pool_keys_once, make_keys);
    pool = aligned_alloc(64, (sizeof(*pool) + 63) & ~(size_t)63);
    if (pool == NULL)
        return NULL;
    memset(pool, 0, sizeof(*pool));
    pool->cls = cls;
    atomic_init(&pool->members, 1);
    otel_pool__tls[cls->kind] = pool;
    pthread_setspecific(pool_keys[cls->kind], pool);
    return pool;
}

otel_pool_link_t *otel_pool__get_returned(otel_pool_kind_t kind)
{
    otel_pool_t *pool = otel_pool__tls[kind];
    if (pool == NULL || atomic_load_explicit(&pool->returned, memory_order_relaxed) == NULL)
        return NULL;
    otel_pool_link_t *link = atomic_exchange_explicit(&pool->returned, NULL, memory_order_acquire);
    pool->local = link->next;
    return link;
}

bool otel_pool__adopt(const otel_pool_class_t *cls, otel_pool_link_t *link)
{
    link->next = NULL;
    otel_pool_t *pool = this_pool(cls);
    link->pool = pool;
    if (pool == NULL)
        return false;
    atomic_fetch_add(&pool->members, 1);
    pool->allocated++;
    return true;
}

size_t otel_pool__allocated(otel_pool_kind_t kind)
{
    return otel_pool__tls[kind] != NULL ? otel_pool__tls[kind]->allocated : 0;
}

void otel_pool__push_foreign(otel_pool_t *pool, otel_pool_link_t *first, otel_pool_link_t *last)
{
    atomic_fetch_add(&pool->members, 1); /* keeps the pool alive while we look at it */
    otel_pool_link_t *head = atomic_load_explicit(&pool->returned, memory_order_relaxed);
    do
        last->next = head;
    while (!atomic_compare_exchange_weak(&pool->returned, &head, first));
    /* Seq-cst push then load pairs with the exiting owner's store of `dead` then exchange:
     * at least one side sees the other, so no object is stranded on a dead pool. */
    if (atomic_load(&pool->dead))
        drain_dead(pool);
    pool_unref(pool);
}

void otel_pool__batch_end(otel_pool_batch_t *batch)
{
    otel_pool_t *pool = batch->pool;
    if (pool == NULL)
        return;
    if (pool == otel_pool__tls[batch->kind]) {
        batch->last->next = pool->local;
        pool->local = batch->first;
    } else {
        otel_pool__push_foreign(pool, batch->first, batch->last);
    }
    batch->pool = NULL;
    batch->first = batch->last = NULL;
}
