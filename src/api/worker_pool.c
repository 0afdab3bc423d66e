/* SPDX-License-Identifier: Apache-2.0 */
/* Worker threads for CPU-bound requests: mutex/condvar FIFO with a hard cap, results posted via h2o queues. */
#include "worker_pool.h"

#include <pthread.h>
#include <stdlib.h>

struct api_worker_pool {
    pthread_mutex_t mutex;
    pthread_cond_t cond;
    api_job_t *head, *tail;
    unsigned queued, capacity, nthreads;
    int stopping;
    pthread_t *threads;
};

static void post_back(api_job_t *job)
{
    h2o_multithread_send_message(job->reply_to, &job->msg);
}

static void *worker_main(void *arg)
{
    api_worker_pool_t *pool = arg;
    pthread_mutex_lock(&pool->mutex);
    for (;;) {
        while (pool->head == NULL && !pool->stopping)
            pthread_cond_wait(&pool->cond, &pool->mutex);
        if (pool->stopping)
            break;
        api_job_t *job = pool->head;
        pool->head = job->_next;
        if (pool->head == NULL)
            pool->tail = NULL;
        pool->queued--;
        pthread_mutex_unlock(&pool->mutex);
        if (!atomic_load(&job->cancelled)) {
            job->run(job);
            job->ran = 1;
        }
        post_back(job); /* after this the job belongs to its loop thread again */
        pthread_mutex_lock(&pool->mutex);
    }
    pthread_mutex_unlock(&pool->mutex);
    return NULL;
}

api_worker_pool_t *api_worker_pool_create(unsigned workers, unsigned capacity)
{
    api_worker_pool_t *pool = calloc(1, sizeof(*pool));
    if (pool == NULL)
        return NULL;
    pthread_mutex_init(&pool->mutex, NULL);
    pthread_cond_init(&pool->cond, NULL);
    pool->capacity = capacity;
    pool->threads = calloc(workers, sizeof(pthread_t));
    if (pool->threads == NULL) {
        api_worker_pool_destroy(pool);
        return NULL;
    }
    for (unsigned i = 0; i < workers; i++) {
        if (pthread_create(&pool->threads[i], NULL, worker_main, pool) != 0) {
            api_worker_pool_destroy(pool);
            return NULL;
        }
        pool->nthreads++;
    }
    return pool;
}

int api_worker_pool_submit(api_worker_pool_t *pool, api_job_t *job)
{
    job->_next = NULL;
    job->ran = 0;
    pthread_mutex_lock(&pool->mutex);
    if (pool->stopping || pool->queued >= pool->capacity) {
        pthread_mutex_unlock(&pool->mutex);
        return -1;
    }
    if (pool->tail != NULL)
        pool->tail->_next = job;
    else
        pool->head = job;
    pool->tail = job;
    pool->queued++;
    pthread_cond_signal(&pool->cond);
    pthread_mutex_unlock(&pool->mutex);
    return 0;
}

unsigned api_worker_pool_queued(api_worker_pool_t *pool)
{
    pthread_mutex_lock(&pool->mutex);
    unsigned n = pool->queued;
    pthread_mutex_unlock(&pool->mutex);
    return n;
}

void api_worker_pool_stop(api_worker_pool_t *pool)
{
    pthread_mutex_lock(&pool->mutex);
    int already = pool->stopping;
    pool->stopping = 1;
    pthread_cond_broadcast(&pool->cond);
    api_job_t *queued = pool->head;
    pool->head = pool->tail = NULL;
    pool->queued = 0;
    pthread_mutex_unlock(&pool->mutex);
    if (already)
        return;
    for (unsigned i = 0; i < pool->nthreads; i++)
        pthread_join(pool->threads[i], NULL);
    for (api_job_t *job = queued, *next; job != NULL; job = next) {
        next = job->_next;
        post_back(job);
    }
}

void api_worker_pool_destroy(api_worker_pool_t *pool)
{
    if (pool == NULL)
        return;
    api_worker_pool_stop(pool);
    pthread_cond_destroy(&pool->cond);
    pthread_mutex_destroy(&pool->mutex);
    free(pool->threads);
    free(pool);
}
