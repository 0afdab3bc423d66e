/* SPDX-License-Identifier: Apache-2.0 */
/* POST /api/v1/throttle/run: validates on the loop, runs the GA on the worker pool, answers back on the loop. */
#include <stddef.h>
#include <stdlib.h>

#include "log.h"
#include "reply.h"
#include "routes.h"
#include "worker_pool.h"

#include "throttle.h"

/* How often (in generations) a running GA checks whether its request is still wanted. */
#define CANCEL_CHECK_EVERY 10

typedef struct throttle_job throttle_job_t;

/* In the request's pool: ties the request's lifetime to the job. Loop thread only. */
typedef struct request_link {
    throttle_job_t *job; /* NULL once the job has answered */
} request_link_t;

/* Heap-owned: by the worker while it runs, by the loop thread before and after. */
struct throttle_job {
    api_job_t super;
    throttle_params_t *params;
    char *result_json; /* set by the worker */
    size_t result_len;
    h2o_req_t *req;       /* NULL once the request was disposed (client went away); loop thread only */
    request_link_t *link; /* valid while req != NULL */
};

/* Stops the GA early once the client has gone: a worker is not spent on an answer nobody reads. */
static int still_wanted(void *user, unsigned generation, double best_fitness)
{
    (void)generation, (void)best_fitness;
    return atomic_load(&((api_job_t *)user)->cancelled);
}

static void run_ga(api_job_t *job)
{
    throttle_job_t *j = (throttle_job_t *)job;
    throttle_result_t *r = throttle_run_ex(j->params, CANCEL_CHECK_EVERY, still_wanted, job);
    if (r != NULL)
        j->result_json = throttle_result_to_json(r, &j->result_len);
    throttle_result_destroy(r);
}

static void job_free(throttle_job_t *j)
{
    throttle_params_destroy(j->params);
    free(j->result_json);
    free(j);
}

static void on_request_dispose(void *p)
{
    request_link_t *link = p;
    if (link->job != NULL) { /* the GA is queued or running: it must not answer a request that is gone */
        link->job->req = NULL;
        atomic_store(&link->job->super.cancelled, 1);
    }
}

void api_throttle_on_completions(h2o_multithread_receiver_t *receiver, h2o_linklist_t *messages)
{
    (void)receiver;
    while (!h2o_linklist_is_empty(messages)) {
        h2o_multithread_message_t *msg = H2O_STRUCT_FROM_MEMBER(h2o_multithread_message_t, link, messages->next);
        h2o_linklist_unlink(&msg->link);
        throttle_job_t *j = (throttle_job_t *)((char *)msg - offsetof(api_job_t, msg));
        if (j->req != NULL) {
            j->link->job = NULL;
            if (!j->super.ran)
                api_reply_error(j->req, 503, "shutting_down", "the service stopped before the run started");
            else if (j->result_json == NULL)
                api_reply_error(j->req, 500, "internal", "the genetic algorithm failed");
            else
                api_reply(j->req, 200, j->result_json, j->result_len);
        }
        job_free(j);
    }
}

int api_route_throttle_run(h2o_req_t *req, api_thread_t *t)
{
    char err[256] = "";
    throttle_params_t *params = throttle_params_parse(req->entity.base, req->entity.len, err, sizeof(err));
    if (params == NULL) {
        api_reply_error(req, 400, "invalid_request", "%s", err[0] ? err : "invalid request body");
        return 0;
    }
    throttle_job_t *j = h2o_mem_alloc(sizeof(*j));
    *j = (throttle_job_t){.super = {.reply_to = &t->completions, .run = run_ga}, .params = params, .req = req};
    j->link = h2o_mem_alloc_shared(&req->pool, sizeof(*j->link), on_request_dispose);
    j->link->job = j;
    if (api_worker_pool_submit(t->server->pool, &j->super) != 0) {
        j->link->job = NULL;
        job_free(j);
        api_reply_error(req, 503, "overloaded", "too many throttle runs queued; retry later");
    }
    return 0;
}
