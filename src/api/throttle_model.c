/* SPDX-License-Identifier: Apache-2.0 */
/* The throttle GA's vehicle model: a point mass with speed, acceleration and braking limits, and the fitness. */
#include <math.h>
#include "throttle_internal.h"

double throttle_model__tolerance_m(const throttle_vehicle_t *v)
{
    double rel = v->distance_m * THROTTLE_ARRIVE_REL_TOL;
    return rel > THROTTLE_ARRIVE_MIN_TOL_M ? rel : THROTTLE_ARRIVE_MIN_TOL_M;
}

double throttle_model__min_time_s(const throttle_vehicle_t *v, double distance_m, double end_speed_mps)
{
    double a = v->max_accel_mps2, b = v->max_brake_mps2, vmax = v->max_speed_mps;
    double u = end_speed_mps < vmax ? end_speed_mps : vmax;
    if (distance_m <= 0)
        return 0;
    double reach = sqrt(2.0 * a * distance_m); /* speed after full throttle over the whole distance */
    if (reach <= u)
        return reach / a;
    /* Triangle: full throttle up to a peak, full brake down to u, covering exactly the distance. */
    double peak = sqrt((distance_m + u * u / (2.0 * b)) * 2.0 * a * b / (a + b));
    if (peak <= vmax)
        return peak / a + (peak - u) / b;
    /* Trapezoid: the peak is capped by the speed limit, the rest is cruise. */
    double ramps_m = vmax * vmax / (2.0 * a) + (vmax * vmax - u * u) / (2.0 * b);
    return vmax / a + (vmax - u) / b + (distance_m - ramps_m) / vmax;
}

double throttle_model__horizon_steps(const throttle_vehicle_t *v)
{
    double steps = ceil(THROTTLE_HORIZON_FACTOR * throttle_model__min_time_s(v, v->distance_m, 0) / v->time_step_s);
    return steps < THROTTLE_MIN_STEPS ? THROTTLE_MIN_STEPS : steps;
}

void throttle_model__simulate(const throttle_vehicle_t *v, const double *u, unsigned n, throttle_outcome_t *out,
                              const throttle_trace_t *trace)
{
    const double dt = v->time_step_s, tol = throttle_model__tolerance_m(v), d = v->distance_m;
    double x = 0, speed = 0, overspeed = 0;
    bool arrived = false;
    unsigned i = 0;
    while (i < n) {
        double throttle = u[i] > 1.0 ? 1.0 : u[i] < -1.0 ? -1.0 : u[i];
        double next = speed + (throttle >= 0 ? throttle * v->max_accel_mps2 : throttle * v->max_brake_mps2) * dt;
        if (next > v->max_speed_mps) {
            /* The governor holds the limit; what was asked beyond it counts as a violation. */
            overspeed += 0.5 * (next - v->max_speed_mps) * dt;
            next = v->max_speed_mps;
        } else if (next < 0) {
            next = 0; /* brakes stop the vehicle, they do not reverse it */
        }
        x += 0.5 * (speed + next) * dt;
        if (trace != NULL) {
            if (trace->position_m != NULL)
                trace->position_m[i] = x;
            if (trace->speed_mps != NULL)
                trace->speed_mps[i] = next;
            if (trace->accel_mps2 != NULL)
                trace->accel_mps2[i] = (next - speed) / dt;
        }
        speed = next;
        i++;
        if (x > d + tol)
            break; /* passed B: it can no longer arrive */
        if (fabs(x - d) <= tol && speed <= THROTTLE_ARRIVE_SPEED_MPS) {
            arrived = true;
            break;
        }
    }
    *out = (throttle_outcome_t){.arrived = arrived,
                                .steps = i,
                                .time_s = i * dt,
                                .position_m = x,
                                .speed_mps = speed,
                                .overspeed_m = overspeed};
}

double throttle_model__fitness(const throttle_vehicle_t *v, const throttle_outcome_t *o, unsigned horizon_steps,
                               double min_time_s)
{
    double cost;
    if (o->arrived) {
        cost = o->time_s;
    } else {
        /* Never better than any arrival: the whole horizon, plus the time it would take to fix the miss. */
        cost = horizon_steps * v->time_step_s + 2.0 * fabs(v->distance_m - o->position_m) / v->max_speed_mps +
               2.0 * o->speed_mps / v->max_brake_mps2;
    }
    cost += o->overspeed_m / v->max_speed_mps;
    /* min_time_s is a true lower bound of any arrival (see throttle_params_parse), so this is <= 1 but for
       rounding in the last bits, which must not break the documented range. */
    double fitness = min_time_s / cost;
    return fitness < 1.0 ? fitness : 1.0;
}
