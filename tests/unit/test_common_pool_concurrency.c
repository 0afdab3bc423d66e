/* SPDX-License-Identifier: Apache-2.0 */
/* The per-thread object pool under concurrency (also run under TSan): a thread returns objects while their owner
 * threads keep taking objects and exit; every object is freed exactly once, none is stranded on a dead pool. */
#ifdef H2OTEL_STANDALONE_TESTS
#include "unit/standalone_criterion.h" /* the TSan stage builds this file without Criterion */
#else
#include <criterion/criterion.h>
#endif
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include "common/object_pool_internal.h"

typedef struct item {
    otel_pool_link_t link;
    int owner, seq;
} item_t;

static _Atomic int adopted, freed, bad;

static void free_item(otel_pool_link_t *link)
{
    free((item_t *)link);
    freed++;
}

static const otel_pool_class_t item_class = {OTEL_POOL_LOG_RECORD, free_item};
#define KIND OTEL_POOL_LOG_RECORD
enum { OWNERS = 4, PER_OWNER = 6000, ROUNDS = 3 };
/* Every third object goes back on its owner thread, the others through the returner thread. */
enum { HANDED_PER_OWNER = PER_OWNER - (PER_OWNER + 2) / 3, HANDED = OWNERS * HANDED_PER_OWNER };

static _Atomic(item_t *) slots[HANDED];
static _Atomic int published;

static void *owner(void *arg)
{
    int id = (int)(intptr_t)arg;
    for (int i = 0; i < PER_OWNER; i++) {
        otel_pool_link_t *link = otel_pool__get(KIND);
        item_t *it = (item_t *)link;
        if (link == NULL) {
            if ((it = malloc(sizeof(*it))) == NULL || !otel_pool__adopt(&item_class, &it->link)) {
                bad++;
                free(it);
                continue;
            }
            adopted++;
        }
        it->owner = id;
        it->seq = i;
        if (i % 3 == 0)
            otel_pool__put(KIND, &it->link);
        else
            atomic_store_explicit(&slots[atomic_fetch_add(&published, 1)], it, memory_order_release);
    }
    return NULL; /* exits with objects still out: its pool lives on */
}

static void *returner(void *arg)
{
    (void)arg;
    otel_pool_batch_t batch = OTEL_POOL_BATCH_INIT(KIND);
    for (int i = 0; i < HANDED; i++) {
        item_t *it;
        while ((it = atomic_load_explicit(&slots[i], memory_order_acquire)) == NULL)
            sched_yield();
        if (it->owner < 0 || it->owner >= OWNERS || it->seq % 3 == 0)
            bad++;
        otel_pool__batch_add(&batch, &it->link);
        if (i % 16 == 15)
            otel_pool__batch_end(&batch);
    }
    otel_pool__batch_end(&batch);
    return NULL;
}

Test(common_pool_concurrency, returns_race_with_owners_taking_and_exiting_and_nothing_is_lost)
{
    for (int round = 0; round < ROUNDS; round++) {
        published = 0;
        for (int i = 0; i < HANDED; i++)
            atomic_store(&slots[i], NULL);
        pthread_t owners[OWNERS], ret;
        cr_assert_eq(pthread_create(&ret, NULL, returner, NULL), 0);
        for (int i = 0; i < OWNERS; i++)
            cr_assert_eq(pthread_create(&owners[i], NULL, owner, (void *)(intptr_t)i), 0);
        for (int i = 0; i < OWNERS; i++)
            pthread_join(owners[i], NULL);
        pthread_join(ret, NULL);
        cr_expect_eq(bad, 0);
        cr_expect_eq(published, HANDED);
        /* Every owner has exited and every object is back: all pools are dead and drained. */
        cr_expect_eq(freed, adopted, "every object freed once, none stranded on a dead pool");
    }
    cr_expect_gt(adopted, 0);
}
