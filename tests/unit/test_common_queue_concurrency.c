/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the bounded MPSC queue (also run under TSan): FIFO, full/empty, laps, many producers vs one consumer. */
#ifdef H2OTEL_STANDALONE_TESTS
#include "unit/standalone_criterion.h" /* the TSan stage builds this file without Criterion */
#else
#include <criterion/criterion.h>
#endif
#include <pthread.h>
#include <stdint.h>
#include "common/mpsc_queue_internal.h"

#define ITEM(v) ((void *)(uintptr_t)(v))

Test(common_queue, capacity_rounds_up_and_bad_sizes_are_refused)
{
    otel_mpsc_t q = {0};
    cr_assert_eq(otel_mpsc__init(&q, 5), OTEL_OK);
    cr_expect_eq(otel_mpsc__capacity(&q), 8);
    otel_mpsc__dispose(&q);
    otel_mpsc__dispose(&q); /* idempotent */
    otel_mpsc__dispose(NULL);
    cr_expect_eq(otel_mpsc__init(&q, 0), OTEL_ERR_INVALID_ARGUMENT);
    cr_expect_eq(otel_mpsc__init(&q, ((size_t)1 << 30) + 1), OTEL_ERR_INVALID_ARGUMENT);
}

Test(common_queue, fifo_full_empty_and_many_laps)
{
    otel_mpsc_t q = {0};
    cr_assert_eq(otel_mpsc__init(&q, 4), OTEL_OK);
    cr_expect_null(otel_mpsc__pop(&q), "empty");
    uintptr_t next_in = 1, next_out = 1;
    size_t pushed = 0;
    for (int lap = 0; lap < 10; lap++) {
        for (int i = 0; i < 4; i++, next_in++) {
            cr_assert(otel_mpsc__push(&q, ITEM(next_in), &pushed));
            cr_assert_eq(pushed, next_in, "the count pushed so far");
        }
        cr_expect_not(otel_mpsc__push(&q, ITEM(999), &pushed), "full on lap %d", lap);
        cr_expect_eq(otel_mpsc__pop(&q), ITEM(next_out), "lap %d", lap);
        next_out++;
        cr_assert(otel_mpsc__push(&q, ITEM(next_in), &pushed), "a slot came free");
        cr_assert_eq(pushed, next_in);
        next_in++;
        for (int i = 0; i < 4; i++, next_out++)
            cr_assert_eq(otel_mpsc__take(&q, next_out - 1), ITEM(next_out), "lap %d item %d", lap, i);
        cr_expect_null(otel_mpsc__pop(&q), "empty after lap %d", lap);
    }
    otel_mpsc__dispose(&q);
}

Test(common_queue, pop_does_not_return_a_claimed_but_unpublished_slot)
{
    otel_mpsc_t q = {0};
    cr_assert_eq(otel_mpsc__init(&q, 4), OTEL_OK);
    atomic_fetch_add(&q.tail, 1); /* what a producer does between its claim and its publish */
    cr_expect_null(otel_mpsc__pop(&q));
    cr_expect_eq(atomic_load(&q.head), 0, "nothing was consumed");
    otel_mpsc__dispose(&q);
}

#define PRODUCERS 4
#define PER_PRODUCER 50000

static otel_mpsc_t shared;
static _Atomic uint64_t refused;

/* Items are (producer << 32 | sequence) + 1: non-NULL, and each producer's sequence must come out in order. */
static void *produce(void *arg)
{
    uint64_t id = (uint64_t)(uintptr_t)arg;
    for (uint64_t i = 0; i < PER_PRODUCER; i++) {
        size_t pushed;
        while (!otel_mpsc__push(&shared, ITEM(((id << 32) | i) + 1), &pushed)) {
            atomic_fetch_add_explicit(&refused, 1, memory_order_relaxed);
            sched_yield();
        }
    }
    return NULL;
}

Test(common_queue, producers_and_one_consumer_lose_nothing_and_keep_each_producers_order)
{
    cr_assert_eq(otel_mpsc__init(&shared, 64), OTEL_OK); /* small: producers lap the ring and hit full */
    pthread_t threads[PRODUCERS];
    for (uintptr_t t = 0; t < PRODUCERS; t++)
        cr_assert_eq(pthread_create(&threads[t], NULL, produce, (void *)t), 0);
    uint64_t expected[PRODUCERS] = {0}, total = 0, bad_order = 0;
    bool use_take = false;
    while (total < (uint64_t)PRODUCERS * PER_PRODUCER) {
        void *item;
        /* Alternate both consumer calls: take after a tail read, pop without one. */
        size_t head = atomic_load_explicit(&shared.head, memory_order_relaxed);
        if (use_take && atomic_load_explicit(&shared.tail, memory_order_acquire) > head)
            item = otel_mpsc__take(&shared, head);
        else
            item = otel_mpsc__pop(&shared);
        use_take = !use_take;
        if (item == NULL) {
            sched_yield();
            continue;
        }
        uint64_t v = (uint64_t)(uintptr_t)item - 1, id = v >> 32, seq = v & 0xFFFFFFFFu;
        cr_assert_lt(id, PRODUCERS);
        if (seq != expected[id])
            bad_order++;
        expected[id] = seq + 1;
        total++;
    }
    for (int t = 0; t < PRODUCERS; t++)
        pthread_join(threads[t], NULL);
    cr_expect_eq(bad_order, 0, "items out of order within a producer");
    for (int t = 0; t < PRODUCERS; t++)
        cr_expect_eq(expected[t], PER_PRODUCER, "producer %d", t);
    cr_expect_null(otel_mpsc__pop(&shared), "nothing left");
    cr_expect_eq(atomic_load(&shared.tail), (size_t)PRODUCERS * PER_PRODUCER);
    cr_log_info("pushes refused while full: %llu", (unsigned long long)atomic_load(&refused));
    otel_mpsc__dispose(&shared);
}
