/* SPDX-License-Identifier: Apache-2.0 */
/* POST /api/v1/throttle/run: request parsing, the throttle genetic algorithm and its JSON result. */
#ifndef H2OTEL_THROTTLE_H
#define H2OTEL_THROTTLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Caps that bound one request's CPU time (see docs/throttle.md for the measurements behind them). */
#define THROTTLE_MAX_POPULATION 500
#define THROTTLE_MAX_GENERATIONS 1000
#define THROTTLE_MAX_EVALUATIONS 200000 /* population * generations */
#define THROTTLE_MAX_STEPS 1000         /* length of the throttle sequence (simulation horizon / time_step_s) */

/** A parsed and validated request. Immutable once parsed; may be shared between threads. */
typedef struct throttle_params throttle_params_t;
/** The outcome of one GA run. */
typedef struct throttle_result throttle_result_t;

/**
 * Parses and validates a JSON request body of `len` bytes (need not be NUL-terminated).
 * On error returns NULL and writes a one-line message that starts with the offending field's name
 * ("population: must be an integer in [4, 500]", "body: ..." for malformed JSON) into `err`
 * (`errlen` bytes, always NUL-terminated when errlen > 0). Never aborts; thread-safe.
 * The caller owns the result and frees it with throttle_params_destroy().
 */
throttle_params_t *throttle_params_parse(const char *body, size_t len, char *err, size_t errlen);

/** Frees parsed parameters. NULL-safe. */
void throttle_params_destroy(throttle_params_t *p);

/** Accessors for telemetry and logs (p must not be NULL). */
unsigned throttle_params_population(const throttle_params_t *p);
unsigned throttle_params_generations(const throttle_params_t *p);
uint64_t throttle_params_seed(const throttle_params_t *p);
/** Length of the throttle sequence (number of simulation steps in the horizon). */
unsigned throttle_params_steps(const throttle_params_t *p);

/**
 * Progress hook for throttle_run_ex(): called on the running thread after generation `generation`
 * (0 = the evaluated initial population) with the best fitness in that generation (elitism keeps it from
 * ever decreasing). Return 0 to continue,
 * non-zero to stop the run early (the result then reports the generations actually run).
 */
typedef int (*throttle_progress_cb)(void *user, unsigned generation, double best_fitness);

/**
 * Runs the genetic algorithm. Pure CPU, no globals: thread-safe for concurrent calls, and
 * deterministic — the same params give a bit-identical result. Returns NULL only when memory
 * runs out. The caller frees the result with throttle_result_destroy().
 */
throttle_result_t *throttle_run(const throttle_params_t *p);

/**
 * throttle_run() with a progress hook: `cb` (may be NULL) is called after generation 0, every
 * `every` generations (0 is taken as 1) and after the last generation.
 */
throttle_result_t *throttle_run_ex(const throttle_params_t *p, unsigned every, throttle_progress_cb cb, void *user);

/**
 * The result as compact JSON: {"throttle":[...],"fitness":f,"generations_run":n,"arrived":b,"time_s":t,
 * "final_position_m":x,"final_speed_mps":v,"seed":s,...}. Returns a malloc'd NUL-terminated string
 * the caller frees (its length in *len when len is not NULL), or NULL when memory runs out.
 */
char *throttle_result_to_json(const throttle_result_t *r, size_t *len);

/** Frees a result. NULL-safe. */
void throttle_result_destroy(throttle_result_t *r);

/** Accessors for telemetry and tests (r must not be NULL). */
double throttle_result_fitness(const throttle_result_t *r);
unsigned throttle_result_generations_run(const throttle_result_t *r);
bool throttle_result_arrived(const throttle_result_t *r);
double throttle_result_time_s(const throttle_result_t *r);
/** The best throttle sequence (values in [-1, 1]; *count gets its length). Owned by r. */
const double *throttle_result_throttle(const throttle_result_t *r, size_t *count);

#endif
