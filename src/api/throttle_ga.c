/* SPDX-License-Identifier: Apache-2.0 */
/* The throttle genetic algorithm: tournament selection, two-point crossover, four mutations, elitism. */
#include <stdlib.h>
#include <string.h>
#include "throttle_internal.h"

#define TOURNAMENT_SIZE 3
#define CROSSOVER_RATE 0.9
#define MAX_POINT_MUTATIONS 3 /* genes perturbed per child: 0..3 */
#define POINT_MUTATION_SIGMA 0.3
#define BLOCK_MUTATION_RATE 0.25
#define SHIFT_MUTATION_RATE 0.2
#define NUDGE_MUTATION_RATE 0.2
#define NUDGE_SIGMA 0.05
#define STRUCTURED_SHARE 0.8 /* share of the initial population seeded as accelerate/cruise/brake profiles */

typedef struct ga {
    const throttle_params_t *p;
    unsigned n;      /* genes per individual */
    unsigned size;   /* individuals */
    double *genes;   /* size * n: the current generation */
    double *next;    /* size * n: the one being bred */
    double *fitness; /* size */
    double *next_fitness;
    unsigned *elite; /* indices of the best, best first */
    unsigned elites;
    throttle_rng_t rng;
} ga_t;

static double clamp_unit(double x)
{
    return x > 1.0 ? 1.0 : x < -1.0 ? -1.0 : x;
}

static double evaluate(const throttle_params_t *p, const double *u)
{
    throttle_outcome_t o;
    throttle_model__simulate(&p->vehicle, u, p->steps, &o, NULL);
    return throttle_model__fitness(&p->vehicle, &o, p->steps, p->min_time_s);
}

/* A plausible trip shape: throttle for a while, hold, then brake, each phase of random length and level. */
static void init_structured(ga_t *ga, double *u)
{
    unsigned accel_steps = 1 + throttle_rng__below(&ga->rng, ga->n / 2 + 1);
    unsigned hold_steps = throttle_rng__below(&ga->rng, ga->n / 2 + 1);
    double accel = 0.3 + 0.7 * throttle_rng__uniform(&ga->rng);
    double brake = -(0.3 + 0.7 * throttle_rng__uniform(&ga->rng));
    for (unsigned i = 0; i < ga->n; i++) {
        double level = i < accel_steps ? accel : i < accel_steps + hold_steps ? 0.0 : brake;
        u[i] = clamp_unit(level + 0.05 * throttle_rng__normal(&ga->rng));
    }
}

static void init_random(ga_t *ga, double *u)
{
    for (unsigned i = 0; i < ga->n; i++)
        u[i] = 2.0 * throttle_rng__uniform(&ga->rng) - 1.0;
}

/* The better of two individuals; ties go to the lower index so the order is total and runs replay exactly. */
static bool better(const ga_t *ga, unsigned a, unsigned b)
{
    return ga->fitness[a] > ga->fitness[b] || (ga->fitness[a] == ga->fitness[b] && a < b);
}

/* Keeps the best `elites` indices, best first, by insertion: O(size * elites) per generation. */
static void find_elites(ga_t *ga)
{
    unsigned kept = 0;
    for (unsigned i = 0; i < ga->size; i++) {
        unsigned at = kept;
        while (at > 0 && better(ga, i, ga->elite[at - 1]))
            at--;
        if (at >= ga->elites)
            continue;
        if (kept < ga->elites)
            kept++;
        memmove(ga->elite + at + 1, ga->elite + at, (kept - 1 - at) * sizeof(unsigned));
        ga->elite[at] = i;
    }
}

static unsigned tournament(ga_t *ga)
{
    unsigned winner = throttle_rng__below(&ga->rng, ga->size);
    for (int k = 1; k < TOURNAMENT_SIZE; k++) {
        unsigned challenger = throttle_rng__below(&ga->rng, ga->size);
        if (better(ga, challenger, winner))
            winner = challenger;
    }
    return winner;
}

/* A random stretch of 1..max_len genes (at most the genome). */
static void pick_stretch(ga_t *ga, unsigned max_len, unsigned *start, unsigned *len)
{
    *len = 1 + throttle_rng__below(&ga->rng, max_len);
    if (*len > ga->n)
        *len = ga->n;
    *start = throttle_rng__below(&ga->rng, ga->n - *len + 1);
}

/* Two-point crossover: the child is parent a with the stretch [c1, c2) taken from parent b. */
static void crossover(ga_t *ga, double *child, const double *b)
{
    unsigned c1 = throttle_rng__below(&ga->rng, ga->n + 1), c2 = throttle_rng__below(&ga->rng, ga->n + 1);
    if (c1 > c2) {
        unsigned t = c1;
        c1 = c2;
        c2 = t;
    }
    memcpy(child + c1, b + c1, (c2 - c1) * sizeof(*child));
}

/* 0..MAX_POINT_MUTATIONS genes get Gaussian noise. */
static void point_mutations(ga_t *ga, double *child)
{
    unsigned points = throttle_rng__below(&ga->rng, MAX_POINT_MUTATIONS + 1);
    for (unsigned k = 0; k < points; k++) {
        unsigned i = throttle_rng__below(&ga->rng, ga->n);
        child[i] = clamp_unit(child[i] + POINT_MUTATION_SIGMA * throttle_rng__normal(&ga->rng));
    }
}

/* Rewrites a stretch with one level: reshapes whole phases, which point mutations cannot. */
static void block_mutation(ga_t *ga, double *child)
{
    unsigned start, len;
    pick_stretch(ga, ga->n / 8 + 1, &start, &len);
    double level = throttle_rng__uniform(&ga->rng) < 0.5 ? (double)throttle_rng__below(&ga->rng, 3) - 1.0
                                                         : 2.0 * throttle_rng__uniform(&ga->rng) - 1.0;
    for (unsigned i = start; i < start + len; i++)
        child[i] = level;
}

/* Inserts or deletes one step at a random point, shifting the rest: moves every later phase by one step. */
static void shift_mutation(ga_t *ga, double *child)
{
    if (ga->n < 2)
        return;
    unsigned at = throttle_rng__below(&ga->rng, ga->n - 1);
    if (throttle_rng__below(&ga->rng, 2) == 0)
        memmove(child + at + 1, child + at, (ga->n - 1 - at) * sizeof(*child)); /* child[at] now twice */
    else
        memmove(child + at, child + at + 1, (ga->n - 1 - at) * sizeof(*child)); /* last gene now twice */
}

/* Adds one small offset over a stretch: fine-tunes a phase's level (and so where the trip ends). */
static void nudge_mutation(ga_t *ga, double *child)
{
    unsigned start, len;
    pick_stretch(ga, ga->n / 4 + 1, &start, &len);
    double delta = NUDGE_SIGMA * throttle_rng__normal(&ga->rng);
    for (unsigned i = start; i < start + len; i++)
        child[i] = clamp_unit(child[i] + delta);
}

static void breed(ga_t *ga, double *child)
{
    const double *a = ga->genes + (size_t)tournament(ga) * ga->n;
    const double *b = ga->genes + (size_t)tournament(ga) * ga->n;
    memcpy(child, a, ga->n * sizeof(*child));
    if (throttle_rng__uniform(&ga->rng) < CROSSOVER_RATE)
        crossover(ga, child, b);
    point_mutations(ga, child);
    if (throttle_rng__uniform(&ga->rng) < BLOCK_MUTATION_RATE)
        block_mutation(ga, child);
    if (throttle_rng__uniform(&ga->rng) < SHIFT_MUTATION_RATE)
        shift_mutation(ga, child);
    if (throttle_rng__uniform(&ga->rng) < NUDGE_MUTATION_RATE)
        nudge_mutation(ga, child);
}

static void next_generation(ga_t *ga)
{
    find_elites(ga);
    for (unsigned k = 0; k < ga->elites; k++) {
        memcpy(ga->next + (size_t)k * ga->n, ga->genes + (size_t)ga->elite[k] * ga->n, ga->n * sizeof(double));
        ga->next_fitness[k] = ga->fitness[ga->elite[k]];
    }
    for (unsigned k = ga->elites; k < ga->size; k++)
        breed(ga, ga->next + (size_t)k * ga->n);
    for (unsigned k = ga->elites; k < ga->size; k++)
        ga->next_fitness[k] = evaluate(ga->p, ga->next + (size_t)k * ga->n);
    double *t = ga->genes;
    ga->genes = ga->next;
    ga->next = t;
    t = ga->fitness;
    ga->fitness = ga->next_fitness;
    ga->next_fitness = t;
}

static unsigned best_index(const ga_t *ga)
{
    unsigned best = 0;
    for (unsigned i = 1; i < ga->size; i++)
        if (better(ga, i, best))
            best = i;
    return best;
}

static void ga_dispose(ga_t *ga)
{
    free(ga->genes);
    free(ga->next);
    free(ga->fitness);
    free(ga->next_fitness);
    free(ga->elite);
}

/* Allocates the run and evaluates a seeded initial population (generation 0). False when memory runs out. */
static bool ga_init(ga_t *ga, const throttle_params_t *p)
{
    *ga = (ga_t){.p = p, .n = p->steps, .size = p->population};
    ga->elites = p->population / 20 > 0 ? p->population / 20 : 1;
    size_t genes = (size_t)ga->size * ga->n;
    ga->genes = malloc(genes * sizeof(double));
    ga->next = malloc(genes * sizeof(double));
    ga->fitness = malloc(ga->size * sizeof(double));
    ga->next_fitness = malloc(ga->size * sizeof(double));
    ga->elite = malloc(ga->elites * sizeof(unsigned));
    if (!ga->genes || !ga->next || !ga->fitness || !ga->next_fitness || !ga->elite) {
        ga_dispose(ga);
        return false;
    }
    throttle_rng__seed(&ga->rng, p->seed);
    unsigned structured = (unsigned)(STRUCTURED_SHARE * ga->size);
    for (unsigned i = 0; i < ga->size; i++) {
        double *u = ga->genes + (size_t)i * ga->n;
        if (i < structured)
            init_structured(ga, u);
        else
            init_random(ga, u);
        ga->fitness[i] = evaluate(p, u);
    }
    return true;
}

static throttle_result_t *make_result(const ga_t *ga, unsigned generations_run)
{
    const throttle_params_t *p = ga->p;
    const double *best = ga->genes + (size_t)best_index(ga) * ga->n;
    throttle_outcome_t o;
    throttle_model__simulate(&p->vehicle, best, p->steps, &o, NULL);
    throttle_result_t *r = calloc(1, sizeof(*r));
    if (r == NULL)
        return NULL;
    r->count = o.steps;
    r->throttle = malloc((o.steps ? o.steps : 1) * sizeof(double));
    if (r->throttle == NULL) {
        free(r);
        return NULL;
    }
    memcpy(r->throttle, best, o.steps * sizeof(double));
    r->fitness = throttle_model__fitness(&p->vehicle, &o, p->steps, p->min_time_s);
    r->generations_run = generations_run;
    r->arrived = o.arrived;
    r->time_s = o.time_s;
    r->final_position_m = o.position_m;
    r->final_speed_mps = o.speed_mps;
    r->seed = p->seed;
    r->min_time_s = p->min_time_s;
    r->time_step_s = p->vehicle.time_step_s;
    r->population = p->population;
    r->generations = p->generations;
    return r;
}

throttle_result_t *throttle_run_ex(const throttle_params_t *p, unsigned every, throttle_progress_cb cb, void *user)
{
    if (p == NULL)
        return NULL;
    if (every == 0)
        every = 1;
    ga_t ga;
    if (!ga_init(&ga, p))
        return NULL;
    double best = ga.fitness[best_index(&ga)];
    unsigned gen = 0, stalled = 0;
    bool stop = cb != NULL && cb(user, 0, best) != 0;
    while (!stop && gen < p->generations) {
        next_generation(&ga);
        gen++;
        double now = ga.fitness[best_index(&ga)];
        stalled = now > best ? 0 : stalled + 1;
        if (now > best)
            best = now;
        bool last = gen == p->generations || (p->stall_generations > 0 && stalled >= p->stall_generations);
        if (cb != NULL && (last || gen % every == 0) && cb(user, gen, now) != 0)
            break;
        stop = last;
    }
    throttle_result_t *r = make_result(&ga, gen);
    ga_dispose(&ga);
    return r;
}

throttle_result_t *throttle_run(const throttle_params_t *p)
{
    return throttle_run_ex(p, 0, NULL, NULL);
}
