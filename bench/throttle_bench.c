/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Times throttle_run() on one request body (default: the worst case the caps allow); prints min/median/max.
 * Also the C side of tests/stages/20-openapi: `--parse BODY` exits 0 if the request is accepted, 2 with the
 * message if not; `--json BODY` prints the result document of one run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "throttle.h"

/* The longest genome (999 steps) at the largest evaluation budget: the slowest request the caps allow. */
#define WORST_CASE "{\"distance_m\":1000,\"time_step_s\":0.1108,\"population\":200,\"generations\":1000,\"seed\":7}"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int one_shot(const char *mode, const char *body)
{
    char err[256];
    throttle_params_t *p = throttle_params_parse(body, strlen(body), err, sizeof(err));
    if (p == NULL) {
        printf("%s\n", err);
        return 2;
    }
    int rc = 0;
    if (strcmp(mode, "--json") == 0) {
        throttle_result_t *r = throttle_run(p);
        char *json = throttle_result_to_json(r, NULL);
        rc = json == NULL;
        if (json != NULL)
            printf("%s\n", json);
        free(json);
        throttle_result_destroy(r);
    }
    throttle_params_destroy(p);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc == 3 && (strcmp(argv[1], "--parse") == 0 || strcmp(argv[1], "--json") == 0))
        return one_shot(argv[1], argv[2]);
    const char *body = argc > 1 ? argv[1] : WORST_CASE;
    int runs = argc > 2 ? atoi(argv[2]) : 5;
    if (runs < 1 || runs > 1000) {
        fprintf(stderr, "usage: throttle_bench [JSON-BODY [RUNS (1..1000)]] | --parse JSON-BODY | --json JSON-BODY\n");
        return 2;
    }
    char err[256];
    throttle_params_t *p = throttle_params_parse(body, strlen(body), err, sizeof(err));
    if (p == NULL) {
        fprintf(stderr, "throttle_bench: %s\n", err);
        return 2;
    }
    double *ms = calloc((size_t)runs, sizeof(double));
    throttle_result_t *r = NULL;
    for (int i = 0; i < runs; i++) {
        throttle_result_destroy(r);
        double start = now_ms();
        r = throttle_run(p);
        ms[i] = now_ms() - start;
    }
    qsort(ms, (size_t)runs, sizeof(double), cmp_double);
    printf("steps=%u population=%u generations=%u runs=%d min=%.1f ms median=%.1f ms max=%.1f ms\n",
           throttle_params_steps(p), throttle_params_population(p), throttle_params_generations(p), runs, ms[0],
           ms[runs / 2], ms[runs - 1]);
    printf("fitness=%.4f arrived=%s time_s=%.2f generations_run=%u\n", throttle_result_fitness(r),
           throttle_result_arrived(r) ? "true" : "false", throttle_result_time_s(r),
           throttle_result_generations_run(r));
    throttle_result_destroy(r);
    throttle_params_destroy(p);
    free(ms);
    return 0;
}
