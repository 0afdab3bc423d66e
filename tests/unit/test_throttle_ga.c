/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for the GA's operators (static functions: the .c file is included): elitism, selection, breeding. */
#include <criterion/criterion.h>
#include <string.h>
#include "throttle_ga.c"

static throttle_params_t *params(const char *body)
{
    char err[256];
    throttle_params_t *p = throttle_params_parse(body, strlen(body), err, sizeof(err));
    cr_assert_not_null(p, "%s", err);
    return p;
}

Test(throttle_ga, elites_survive_unchanged_and_the_best_never_drops)
{
    throttle_params_t *p = params("{\"distance_m\":300,\"population\":40,\"generations\":30,\"seed\":4}");
    ga_t ga;
    cr_assert(ga_init(&ga, p));
    cr_assert_eq(ga.elites, 2);
    double *kept = malloc((size_t)ga.elites * ga.n * sizeof(double));
    double kept_fitness[2];
    for (int g = 0; g < 30; g++) {
        find_elites(&ga);
        for (unsigned k = 0; k < ga.elites; k++) {
            memcpy(kept + (size_t)k * ga.n, ga.genes + (size_t)ga.elite[k] * ga.n, ga.n * sizeof(double));
            kept_fitness[k] = ga.fitness[ga.elite[k]];
        }
        double before = ga.fitness[best_index(&ga)];
        next_generation(&ga);
        for (unsigned k = 0; k < ga.elites; k++) {
            cr_assert_arr_eq(ga.genes + (size_t)k * ga.n, kept + (size_t)k * ga.n, ga.n * sizeof(double),
                             "generation %d: elite %u changed", g + 1, k);
            cr_assert_eq(ga.fitness[k], kept_fitness[k]);
            cr_assert_eq(ga.fitness[k], evaluate(p, ga.genes + (size_t)k * ga.n), "stale fitness kept");
        }
        cr_assert_geq(ga.fitness[best_index(&ga)], before, "generation %d: the best dropped", g + 1);
    }
    free(kept);
    ga_dispose(&ga);
    throttle_params_destroy(p);
}

Test(throttle_ga, elites_are_the_best_first_ties_to_the_lower_index)
{
    throttle_params_t *p = params("{\"distance_m\":300,\"population\":60,\"seed\":4}");
    ga_t ga;
    cr_assert(ga_init(&ga, p));
    cr_assert_eq(ga.elites, 3);
    for (unsigned i = 0; i < ga.size; i++)
        ga.fitness[i] = 0.1;
    ga.fitness[50] = 0.9;
    ga.fitness[7] = 0.5;
    ga.fitness[30] = 0.5;
    find_elites(&ga);
    cr_expect_eq(ga.elite[0], 50);
    cr_expect_eq(ga.elite[1], 7);
    cr_expect_eq(ga.elite[2], 30);
    ga_dispose(&ga);
    throttle_params_destroy(p);
}

Test(throttle_ga, tournaments_favour_the_fitter)
{
    throttle_params_t *p = params("{\"distance_m\":300,\"population\":100,\"seed\":4}");
    ga_t ga;
    cr_assert(ga_init(&ga, p));
    for (unsigned i = 0; i < ga.size; i++)
        ga.fitness[i] = i; /* index = rank */
    double sum = 0;
    for (int t = 0; t < 20000; t++)
        sum += tournament(&ga);
    /* The best of 3 uniform picks has mean ~0.75 of the range; a blind pick 0.5. */
    double mean = sum / 20000 / (ga.size - 1);
    cr_expect(mean > 0.70 && mean < 0.80, "mean winner rank %f", mean);
    ga_dispose(&ga);
    throttle_params_destroy(p);
}

Test(throttle_ga, children_mix_their_parents_and_stay_in_range)
{
    throttle_params_t *p = params("{\"distance_m\":300,\"population\":20,\"seed\":4}");
    ga_t ga;
    cr_assert(ga_init(&ga, p));
    for (unsigned i = 0; i < ga.size; i++) {
        for (unsigned j = 0; j < ga.n; j++)
            ga.genes[(size_t)i * ga.n + j] = i % 2 ? 0.5 : -0.5;
        ga.fitness[i] = 0.5;
    }
    double *child = malloc(ga.n * sizeof(double));
    int mixed = 0, mutated = 0;
    for (int c = 0; c < 500; c++) {
        breed(&ga, child);
        int lo = 0, hi = 0, other = 0;
        for (unsigned j = 0; j < ga.n; j++) {
            cr_assert(child[j] >= -1.0 && child[j] <= 1.0, "gene %f out of range", child[j]);
            lo += child[j] == -0.5;
            hi += child[j] == 0.5;
            other += child[j] != -0.5 && child[j] != 0.5;
        }
        mixed += lo > 0 && hi > 0;
        mutated += other > 0;
    }
    cr_expect_gt(mixed, 100, "crossover rarely mixes parents: %d of 500", mixed);
    cr_expect_gt(mutated, 100, "mutation rarely changes a child: %d of 500", mutated);
    cr_expect_lt(mutated, 500, "every child mutated: %d of 500", mutated);
    free(child);
    ga_dispose(&ga);
    throttle_params_destroy(p);
}
