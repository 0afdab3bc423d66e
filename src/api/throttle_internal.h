/* SPDX-License-Identifier: Apache-2.0 */
/* Internals shared by the throttle files: the parameter/result structs, the vehicle model, the GA's PRNG. */
#ifndef H2OTEL_THROTTLE_INTERNAL_H
#define H2OTEL_THROTTLE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include "throttle.h"

/** The vehicle and the trip: a point mass on a straight line from A (0 m) to B (distance_m). */
typedef struct throttle_vehicle {
    double distance_m;
    double max_speed_mps;
    double max_accel_mps2;
    double max_brake_mps2;
    double time_step_s;
} throttle_vehicle_t;

struct throttle_params {
    throttle_vehicle_t vehicle;
    unsigned population;
    unsigned generations;
    unsigned stall_generations; /* 0 = run every generation */
    uint64_t seed;
    unsigned steps;    /* genome length: horizon / time_step_s */
    double min_time_s; /* lower bound of any arrival's time: the fitness scale */
};

struct throttle_result {
    double *throttle; /* the best sequence, cut at the step the vehicle arrived */
    size_t count;
    double fitness;
    unsigned generations_run;
    bool arrived;
    double time_s;
    double final_position_m;
    double final_speed_mps;
    uint64_t seed;
    double min_time_s;
    double time_step_s;
    unsigned population;
    unsigned generations;
};

/** What one simulated trip ended with. */
typedef struct throttle_outcome {
    bool arrived;       /* stopped (speed <= THROTTLE_ARRIVE_SPEED) within the tolerance of B */
    unsigned steps;     /* steps simulated: up to and including arrival, overshoot, or the horizon */
    double time_s;      /* steps * time_step_s */
    double position_m;  /* final position */
    double speed_mps;   /* final speed */
    double overspeed_m; /* distance the throttle asked for beyond the speed limit (the governor cut it) */
} throttle_outcome_t;

/** Optional per-step record of a simulation (arrays of at least `n` entries, any may be NULL). */
typedef struct throttle_trace {
    double *position_m;
    double *speed_mps;
    double *accel_mps2;
} throttle_trace_t;

#define THROTTLE_ARRIVE_SPEED_MPS 0.1 /* "stopped" */
#define THROTTLE_ARRIVE_MIN_TOL_M 0.5 /* position tolerance: max(0.5 m, 1% of the distance) */
#define THROTTLE_ARRIVE_REL_TOL 0.01
#define THROTTLE_MIN_STEPS 10
#define THROTTLE_HORIZON_FACTOR 2.0 /* horizon = 2 x the optimal time */

/** Position tolerance around B within which a stopped vehicle has arrived. */
double throttle_model__tolerance_m(const throttle_vehicle_t *v);
/**
 * Minimal time, in continuous time, to cover `distance_m` from rest and end at a speed <= `end_speed_mps`
 * (bang-bang: full throttle, cruise at the limit if reached, full brake). No simulated trip can beat it.
 */
double throttle_model__min_time_s(const throttle_vehicle_t *v, double distance_m, double end_speed_mps);
/** Number of steps in the horizon (may exceed THROTTLE_MAX_STEPS: the caller validates). */
double throttle_model__horizon_steps(const throttle_vehicle_t *v);
/**
 * Drives the vehicle with throttle `u[0..n)` (clamped to [-1, 1]; >0 accelerates at u*max_accel, <0 brakes
 * at -u*max_brake), stopping at arrival or once it has passed B beyond the tolerance. Fills `out`; records
 * each simulated step into `trace` when not NULL.
 */
void throttle_model__simulate(const throttle_vehicle_t *v, const double *u, unsigned n, throttle_outcome_t *out,
                              const throttle_trace_t *trace);
/**
 * Fitness of an outcome, higher is better, in (0, 1]: min_time_s / cost_s, where cost_s is the trip time
 * plus penalties (see docs/throttle.md). A trip that did not arrive always scores below one that did
 * (for the same overspeed).
 */
double throttle_model__fitness(const throttle_vehicle_t *v, const throttle_outcome_t *o, unsigned horizon_steps,
                               double min_time_s);

/** The GA's own generator (xoshiro256**, seeded by splitmix64): state lives in the run, no globals. */
typedef struct throttle_rng {
    uint64_t s[4];
} throttle_rng_t;

void throttle_rng__seed(throttle_rng_t *r, uint64_t seed);
uint64_t throttle_rng__next(throttle_rng_t *r);
/** Uniform in [0, 1). */
double throttle_rng__uniform(throttle_rng_t *r);
/** Uniform integer in [0, n), n > 0. */
unsigned throttle_rng__below(throttle_rng_t *r, unsigned n);
/** Approximately standard normal (Irwin-Hall of 4 uniforms): no libm call whose last bits could vary. */
double throttle_rng__normal(throttle_rng_t *r);

#endif
