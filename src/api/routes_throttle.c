/* SPDX-License-Identifier: Apache-2.0 */
/* POST /api/v1/throttle/run: validates on the loop, runs the GA on the worker pool, answers back on the loop. */
#include <stddef.h>
#include <stdlib.h>

#include "log.h"
#include "reply.h"
#include "routes.h"
#include "telemetry.h"
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
    h2o_req_t *req;             /* NULL once the request was disposed (client went away); loop thread only */
    request_link_t *link;       /* valid while req != NULL */
    otel_span_context_t parent; /* the request's server span: the worker-pool hop keeps it */
};

/* What the progress hook needs: the job (for cancellation) and the evolution span (for events). */
typedef struct ga_progress {
    api_job_t *job;
    otel_span_t *span;
    unsigned event_every; /* a multiple of CANCEL_CHECK_EVERY */
    unsigned last_event;
} ga_progress_t;

static void generation_event(otel_span_t *span, unsigned generation, double best_fitness)
{
    otel_attribute_t a[] = {OTEL_ATTR_INT("throttle.generation", generation),
                            OTEL_ATTR_DOUBLE("throttle.best_fitness", best_fitness)};
    otel_span_add_event(span, OTEL_STR("generation"), 0, a, 2);
}

/* Called every CANCEL_CHECK_EVERY generations: an event on the evolution span every `event_every` generations,
 * and an early stop once the client has gone (a worker is not spent on an answer nobody reads). */
static int on_progress(void *user, unsigned generation, double best_fitness)
{
    ga_progress_t *p = user;
    if (generation % p->event_every == 0) {
        generation_event(p->span, generation, best_fitness);
        p->last_event = generation;
    }
    return atomic_load(&p->job->cancelled);
}

static void run_ga(api_job_t *job)
{
    throttle_job_t *j = (throttle_job_t *)job;
    otel_span_t *span = api_telemetry_start_internal("throttle.evolve", &j->parent);
    otel_span_scope_t scope;
    otel_span_scope_begin(&scope, span); /* the generations histogram's exemplar points at this span */
    unsigned generations = throttle_params_generations(j->params);
    unsigned tenth = (generations / 10 + CANCEL_CHECK_EVERY - 1) / CANCEL_CHECK_EVERY * CANCEL_CHECK_EVERY;
    ga_progress_t progress = {.job = job, .span = span, .event_every = tenth > 0 ? tenth : CANCEL_CHECK_EVERY};
    throttle_result_t *r = throttle_run_ex(j->params, CANCEL_CHECK_EVERY, on_progress, &progress);
    if (r != NULL) {
        unsigned run = throttle_result_generations_run(r);
        if (run != progress.last_event) /* the last generation (or the one a stall or cancellation ended on) */
            generation_event(span, run, throttle_result_fitness(r));
        otel_attribute_t a[] = {OTEL_ATTR_INT("throttle.population", throttle_params_population(j->params)),
                                OTEL_ATTR_INT("throttle.generations", generations),
                                OTEL_ATTR_INT("throttle.generations_run", run),
                                OTEL_ATTR_DOUBLE("throttle.fitness", throttle_result_fitness(r)),
                                OTEL_ATTR_BOOL("throttle.arrived", throttle_result_arrived(r))};
        otel_span_set_attributes(span, a, sizeof(a) / sizeof(a[0]));
        j->result_json = throttle_result_to_json(r, &j->result_len);
        api_telemetry_throttle_record(atomic_load(&job->cancelled) ? "cancelled" : "ok", run);
    } else {
        otel_span_set_status(span, OTEL_STATUS_CODE_ERROR, OTEL_STR("out of memory"));
        api_telemetry_throttle_record("error", 0);
    }
    throttle_result_destroy(r);
    otel_span_scope_end(&scope);
    otel_span_end(span, 0);
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
                api_telemetry_throttle_record("not_run", 0);
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
    otel_span_t *validate = api_telemetry_start_internal("throttle.validate", NULL); /* child of the server span */
    throttle_params_t *params = throttle_params_parse(req->entity.base, req->entity.len, err, sizeof(err));
    if (params == NULL) {
        otel_span_set_status(validate, OTEL_STATUS_CODE_ERROR, otel_str_from_cstr(err));
        otel_span_end(validate, 0);
        api_reply_error(req, 400, "invalid_request", "%s", err[0] ? err : "invalid request body");
        return 0;
    }
    otel_span_end(validate, 0);
    throttle_job_t *j = h2o_mem_alloc(sizeof(*j));
    *j = (throttle_job_t){.super = {.reply_to = &t->completions, .run = run_ga},
                          .params = params,
                          .req = req,
                          .parent = api_telemetry_parent(req)};
    j->link = h2o_mem_alloc_shared(&req->pool, sizeof(*j->link), on_request_dispose);
    j->link->job = j;
    if (api_worker_pool_submit(t->server->pool, &j->super) != 0) {
        j->link->job = NULL;
        job_free(j);
        api_telemetry_throttle_record("rejected", 0);
        api_reply_error(req, 503, "overloaded", "too many throttle runs queued; retry later");
    }
    return 0;
}
