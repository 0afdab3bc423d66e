/* SPDX-License-Identifier: Apache-2.0 */
/* A fixed pool of worker threads behind a bounded FIFO; finished jobs hop back to their event loop. */
#ifndef H2OTEL_WORKER_POOL_H
#define H2OTEL_WORKER_POOL_H

#include <stdatomic.h>

#include <h2o.h>

typedef struct api_worker_pool api_worker_pool_t;
typedef struct api_job api_job_t;

/**
 * A unit of CPU work. The submitter owns the memory; embed it in a larger struct. Lifecycle:
 * submit (loop thread) -> run() on a worker, unless cancelled -> message posted to reply_to -> the
 * receiver's callback on the loop thread gets `msg` back (container_of) and frees the job.
 * A job is always posted back exactly once after a successful submit, run or not (see `ran`).
 */
struct api_job {
    h2o_multithread_message_t msg;        /* posted to reply_to when done */
    h2o_multithread_receiver_t *reply_to; /* receiver of the submitting loop */
    void (*run)(api_job_t *job);          /* executed on a worker thread */
    atomic_int cancelled;                 /* set by the loop thread when nobody waits for the result any more */
    int ran;                              /* 1 if run() executed (read on the loop thread after the hop) */
    api_job_t *_next;
};

/** Starts `workers` threads with room for `capacity` queued jobs. Returns NULL if a thread cannot start. */
api_worker_pool_t *api_worker_pool_create(unsigned workers, unsigned capacity);

/** Queues job. Returns 0, or -1 when the queue is full or the pool is stopping (caller answers 503). */
int api_worker_pool_submit(api_worker_pool_t *pool, api_job_t *job);

/** Jobs waiting in the queue (not counting running ones). Thread-safe. */
unsigned api_worker_pool_queued(api_worker_pool_t *pool);

/**
 * Stops the pool: running jobs finish, queued jobs are posted back unrun (ran = 0), threads are joined; later
 * submits fail. Idempotent. The receivers must still be registered (messages wait until their loop runs).
 */
void api_worker_pool_stop(api_worker_pool_t *pool);

/** Stops the pool if needed and frees it. NULL-safe. */
void api_worker_pool_destroy(api_worker_pool_t *pool);

#endif
