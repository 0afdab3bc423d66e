/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of src/api/worker_pool.c: jobs run off-loop and hop back; the queue is bounded; stop returns unrun jobs.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <pthread.h>
#include <unistd.h>

#include "delay.h"
#include "worker_pool.h"

typedef struct test_job {
    api_job_t super;
    pthread_t ran_on;
    int block; /* spin until released */
} test_job_t;

static atomic_int release;
static int returned;
static int returned_unrun;
static pthread_t loop_thread;

static void run(api_job_t *job)
{
    test_job_t *j = (test_job_t *)job;
    j->ran_on = pthread_self();
    while (j->block && !atomic_load(&release))
        usleep(1000);
}

static void on_done(h2o_multithread_receiver_t *r, h2o_linklist_t *messages)
{
    (void)r;
    while (!h2o_linklist_is_empty(messages)) {
        h2o_multithread_message_t *m = H2O_STRUCT_FROM_MEMBER(h2o_multithread_message_t, link, messages->next);
        h2o_linklist_unlink(&m->link);
        test_job_t *j = (test_job_t *)m;
        cr_assert(pthread_equal(pthread_self(), loop_thread), "completion must run on the loop thread");
        if (j->super.ran)
            cr_assert(!pthread_equal(j->ran_on, loop_thread), "job must run on a worker");
        else
            returned_unrun++;
        returned++;
    }
}

/* h2o 2.2.5's h2o_multithread_destroy_queue (evloop build) closes the queue's socket and mutex but never frees the
 * queue that h2o_multithread_create_queue calloc'ed (its last call is pthread_mutex_destroy): the caller frees it. */
static void destroy_queue(h2o_multithread_queue_t *q)
{
    h2o_multithread_destroy_queue(q);
    free(q);
}

static void run_loop_until(h2o_loop_t *loop, int want)
{
    for (int i = 0; i < 500 && returned < want; i++)
        h2o_evloop_run(loop, 10);
}

Test(worker_pool, jobs_run_on_workers_and_come_back_to_the_loop)
{
    loop_thread = pthread_self();
    returned = returned_unrun = 0;
    h2o_loop_t *loop = h2o_evloop_create();
    h2o_multithread_queue_t *q = h2o_multithread_create_queue(loop);
    h2o_multithread_receiver_t rx;
    h2o_multithread_register_receiver(q, &rx, on_done);
    api_worker_pool_t *pool = api_worker_pool_create(2, 16);
    test_job_t jobs[10] = {0};
    for (int i = 0; i < 10; i++) {
        jobs[i].super = (api_job_t){.reply_to = &rx, .run = run};
        cr_assert_eq(api_worker_pool_submit(pool, &jobs[i].super), 0);
    }
    run_loop_until(loop, 10);
    cr_assert_eq(returned, 10);
    cr_assert_eq(returned_unrun, 0);
    api_worker_pool_destroy(pool);
    h2o_multithread_unregister_receiver(q, &rx);
    destroy_queue(q);
    h2o_evloop_destroy(loop);
}

Test(worker_pool, full_queue_refuses_and_stop_returns_queued_jobs_unrun)
{
    loop_thread = pthread_self();
    returned = returned_unrun = 0;
    atomic_store(&release, 0);
    h2o_loop_t *loop = h2o_evloop_create();
    h2o_multithread_queue_t *q = h2o_multithread_create_queue(loop);
    h2o_multithread_receiver_t rx;
    h2o_multithread_register_receiver(q, &rx, on_done);
    api_worker_pool_t *pool = api_worker_pool_create(1, 2);
    test_job_t blocker = {.super = {.reply_to = &rx, .run = run}, .block = 1};
    cr_assert_eq(api_worker_pool_submit(pool, &blocker.super), 0);
    while (api_worker_pool_queued(pool) != 0) /* the worker has taken the blocker */
        usleep(1000);
    test_job_t queued[3] = {0};
    for (int i = 0; i < 3; i++)
        queued[i].super = (api_job_t){.reply_to = &rx, .run = run};
    cr_assert_eq(api_worker_pool_submit(pool, &queued[0].super), 0);
    cr_assert_eq(api_worker_pool_submit(pool, &queued[1].super), 0);
    cr_assert_eq(api_worker_pool_submit(pool, &queued[2].super), -1, "capacity 2 must refuse a third");
    atomic_store(&release, 1);
    api_worker_pool_stop(pool); /* the blocker finishes; queued ones may or may not have run */
    cr_assert_eq(api_worker_pool_submit(pool, &queued[2].super), -1, "stopped pool refuses");
    run_loop_until(loop, 3);
    cr_assert_eq(returned, 3, "every accepted job comes back exactly once");
    api_worker_pool_destroy(pool);
    h2o_multithread_unregister_receiver(q, &rx);
    destroy_queue(q);
    h2o_evloop_destroy(loop);
}

Test(delay, random_between_stays_in_range_and_covers_it)
{
    int seen[11] = {0};
    for (int i = 0; i < 10000; i++) {
        uint32_t v = api_random_between(10, 20);
        cr_assert(v >= 10 && v <= 20);
        seen[v - 10]++;
    }
    for (int i = 0; i <= 10; i++)
        cr_assert(seen[i] > 0, "value %d never drawn", i + 10);
    cr_assert_eq(api_random_between(5, 5), 5);
    cr_assert_eq(api_random_between(0, 0), 0);
}
