/* SPDX-License-Identifier: Apache-2.0 */
/* The per-thread object pool: owner reuse, returns from other threads, pools that outlive their thread, batches. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include "common/object_pool_internal.h"

/* A pooled test object; the link is not its first member, so the offset arithmetic is exercised. */
typedef struct item {
    int payload;
    otel_pool_link_t link;
} item_t;

static _Atomic int freed;

static void free_item(otel_pool_link_t *link)
{
    free(OTEL_POOL_OBJECT(link, item_t, link));
    freed++;
}

static const otel_pool_class_t item_class = {OTEL_POOL_LOG_RECORD, free_item};
#define KIND OTEL_POOL_LOG_RECORD

/* A recycled item, or a new one adopted by this thread's pool. */
static item_t *take(void)
{
    otel_pool_link_t *link = otel_pool__get(KIND);
    if (link != NULL)
        return OTEL_POOL_OBJECT(link, item_t, link);
    item_t *it = malloc(sizeof(*it));
    cr_assert_not_null(it);
    cr_assert(otel_pool__adopt(&item_class, &it->link));
    return it;
}

static void run_thread(void *(*fn)(void *), void *arg)
{
    pthread_t t;
    cr_assert_eq(pthread_create(&t, NULL, fn, arg), 0);
    cr_assert_eq(pthread_join(t, NULL), 0);
}

static void *owner_reuse(void *arg)
{
    (void)arg;
    cr_expect_null(otel_pool__get(KIND), "a thread starts without a pool");
    cr_expect_eq(otel_pool__allocated(KIND), 0);
    item_t *a = take(), *b = take(), *c = take();
    cr_expect_eq(a->link.pool, otel_pool__tls[KIND]);
    cr_expect_eq(otel_pool__allocated(KIND), 3);
    otel_pool__put(KIND, &a->link);
    otel_pool__put(KIND, &b->link);
    otel_pool__put(KIND, &c->link);
    cr_expect_eq(otel_pool__peek(KIND), &c->link);
    cr_expect_eq(take(), c, "last in, first out: the warmest object first");
    cr_expect_eq(take(), b);
    cr_expect_eq(take(), a);
    cr_expect_eq(otel_pool__allocated(KIND), 3, "reuse allocates nothing");
    otel_pool__put(KIND, &a->link);
    otel_pool__put(KIND, &b->link);
    otel_pool__put(KIND, &c->link);
    return NULL;
}

Test(common_object_pool, the_owner_reuses_its_objects_and_its_exit_frees_them)
{
    run_thread(owner_reuse, NULL);
    cr_expect_eq(freed, 3, "the thread's exit frees the objects in its pool");
}

Test(common_object_pool, kinds_have_separate_pools)
{
    item_t *it = take();
    cr_expect_null(otel_pool__get(OTEL_POOL_SPAN));
    cr_expect_eq(otel_pool__allocated(OTEL_POOL_SPAN), 0);
    otel_pool__put(KIND, &it->link);
    cr_expect_null(otel_pool__get(OTEL_POOL_SPAN));
    cr_expect_eq(take(), it);
    otel_pool__put(KIND, &it->link);
}

enum { N = 8 };
static item_t *handed[N];

static void *put_all_foreign(void *arg)
{
    (void)arg;
    for (int i = 0; i < N; i++)
        otel_pool__put(KIND, &handed[i]->link); /* not this thread's pool: the lock-free returned stack */
    return NULL;
}

static void *owner_gets_back(void *arg)
{
    (void)arg;
    for (int i = 0; i < N; i++)
        handed[i] = take();
    run_thread(put_all_foreign, NULL);
    cr_expect_null(otel_pool__peek(KIND), "foreign returns do not touch the owner's local list");
    bool seen[N] = {false};
    for (int i = 0; i < N; i++) {
        item_t *it = take();
        int found = -1;
        for (int j = 0; j < N; j++)
            if (handed[j] == it)
                found = j;
        cr_assert_geq(found, 0, "a returned object, not a new one");
        cr_expect_not(seen[found]);
        seen[found] = true;
    }
    cr_expect_eq(otel_pool__allocated(KIND), N);
    for (int i = 0; i < N; i++)
        otel_pool__put(KIND, &handed[i]->link);
    return NULL;
}

Test(common_object_pool, objects_returned_on_another_thread_come_back_to_their_owner)
{
    run_thread(owner_gets_back, NULL);
    cr_expect_eq(freed, N);
}

static void *adopt_and_exit(void *arg)
{
    int keep = *(int *)arg;
    for (int i = 0; i < N; i++)
        handed[i] = take();
    for (int i = keep; i < N; i++)
        otel_pool__put(KIND, &handed[i]->link);
    return NULL;
}

Test(common_object_pool, a_pool_outlives_its_thread_until_its_last_object_is_back)
{
    int keep = 3;
    run_thread(adopt_and_exit, &keep);
    cr_expect_eq(freed, N - keep, "the exit frees what is in the pool, not what is still out");
    handed[0]->payload = 42; /* still valid memory (ASan would say otherwise) */
    otel_pool__put(KIND, &handed[0]->link);
    cr_expect_eq(freed, N - keep + 1, "a return to a dead pool frees the object");
    otel_pool_batch_t batch = OTEL_POOL_BATCH_INIT(KIND);
    otel_pool__batch_add(&batch, &handed[1]->link);
    otel_pool__batch_add(&batch, &handed[2]->link);
    otel_pool__batch_end(&batch);
    cr_expect_eq(freed, N, "the last object back frees the pool too (ASan: no leak)");
}

Test(common_object_pool, a_batch_returns_each_run_to_its_own_pool)
{
    int keep = 3;
    run_thread(adopt_and_exit, &keep); /* handed[0..2] belong to a dead pool */
    item_t *m0 = take(), *m1 = take(), *m2 = take();
    otel_pool_batch_t batch = OTEL_POOL_BATCH_INIT(KIND);
    item_t *order[] = {m0, m1, handed[0], handed[1], m2, handed[2]};
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
        otel_pool__batch_add(&batch, &order[i]->link);
    otel_pool__batch_end(&batch);
    cr_expect_eq(freed, N, "the dead pool's runs were freed");
    /* This thread's runs went onto its local list, run by run: [m2] on top of [m0, m1]. */
    cr_expect_eq(take(), m2);
    cr_expect_eq(take(), m0);
    cr_expect_eq(take(), m1);
    cr_expect_null(otel_pool__get(KIND));
    cr_expect_eq(otel_pool__allocated(KIND), 3);
    otel_pool__put(KIND, &m0->link);
    otel_pool__put(KIND, &m1->link);
    otel_pool__put(KIND, &m2->link);
}
