/* SPDX-License-Identifier: Apache-2.0 */
/* Lifetime and accessors of throttle parameters and results. */
#include <stdlib.h>
#include "throttle_internal.h"

void throttle_params_destroy(throttle_params_t *p)
{
    free(p);
}

unsigned throttle_params_population(const throttle_params_t *p)
{
    return p->population;
}

unsigned throttle_params_generations(const throttle_params_t *p)
{
    return p->generations;
}

uint64_t throttle_params_seed(const throttle_params_t *p)
{
    return p->seed;
}

unsigned throttle_params_steps(const throttle_params_t *p)
{
    return p->steps;
}

void throttle_result_destroy(throttle_result_t *r)
{
    if (r == NULL)
        return;
    free(r->throttle);
    free(r);
}

double throttle_result_fitness(const throttle_result_t *r)
{
    return r->fitness;
}

unsigned throttle_result_generations_run(const throttle_result_t *r)
{
    return r->generations_run;
}

bool throttle_result_arrived(const throttle_result_t *r)
{
    return r->arrived;
}

double throttle_result_time_s(const throttle_result_t *r)
{
    return r->time_s;
}

const double *throttle_result_throttle(const throttle_result_t *r, size_t *count)
{
    if (count != NULL)
        *count = r->count;
    return r->throttle;
}
