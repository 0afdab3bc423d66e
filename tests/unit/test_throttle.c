/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for the throttle GA: request validation, caps, determinism, progress, the vehicle model, JSON out. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "throttle.h"
#include "throttle_internal.h"

/* A small trip that converges in a few milliseconds, even under ASan. */
#define SMALL "\"distance_m\":200,\"time_step_s\":0.5,\"population\":40,\"generations\":60"

static throttle_params_t *parse(const char *body, char *err, size_t errlen)
{
    return throttle_params_parse(body, strlen(body), err, errlen);
}

/* Asserts that `body` is rejected with a message starting with "<field>:". */
static void expect_rejected(const char *body, const char *field)
{
    char err[256] = "unset";
    throttle_params_t *p = parse(body, err, sizeof(err));
    cr_expect_null(p, "accepted: %s", body);
    throttle_params_destroy(p);
    size_t n = strlen(field);
    cr_expect(strncmp(err, field, n) == 0 && err[n] == ':', "body %s: error \"%s\" does not name %s", body, err, field);
}

static char *run_json(const char *body)
{
    char err[256];
    throttle_params_t *p = parse(body, err, sizeof(err));
    cr_assert_not_null(p, "%s", err);
    throttle_result_t *r = throttle_run(p);
    cr_assert_not_null(r);
    char *json = throttle_result_to_json(r, NULL);
    cr_assert_not_null(json);
    throttle_result_destroy(r);
    throttle_params_destroy(p);
    return json;
}

Test(throttle_parse, minimal_body_takes_documented_defaults)
{
    char err[256];
    throttle_params_t *p = parse("{\"distance_m\":1000}", err, sizeof(err));
    cr_assert_not_null(p, "%s", err);
    cr_expect_eq(throttle_params_population(p), 100);
    cr_expect_eq(throttle_params_generations(p), 200);
    cr_expect_eq(throttle_params_seed(p), 1);
    cr_expect_eq(p->vehicle.max_speed_mps, 20);
    cr_expect_eq(p->vehicle.max_accel_mps2, 3);
    cr_expect_eq(p->vehicle.max_brake_mps2, 5);
    cr_expect_eq(p->vehicle.time_step_s, 0.5);
    cr_expect_eq(p->stall_generations, 0);
    cr_expect(throttle_params_steps(p) >= THROTTLE_MIN_STEPS && throttle_params_steps(p) <= THROTTLE_MAX_STEPS);
    throttle_params_destroy(p);
}

Test(throttle_parse, every_field_accepted_at_its_bounds)
{
    char err[256];
    throttle_params_t *p = parse("{\"distance_m\":1,\"max_speed_mps\":100,\"max_accel_mps2\":20,\"max_brake_mps2\":0.1,"
                                 "\"time_step_s\":10,\"population\":4,\"generations\":1000,\"stall_generations\":0,"
                                 "\"seed\":9007199254740991}",
                                 err, sizeof(err));
    cr_assert_not_null(p, "%s", err);
    cr_expect_eq(throttle_params_seed(p), 9007199254740991ull);
    cr_expect_eq(throttle_params_population(p), 4);
    throttle_params_destroy(p);
    /* Integers are numbers too. */
    p = parse("{\"distance_m\":500,\"max_speed_mps\":10,\"time_step_s\":1}", err, sizeof(err));
    cr_expect_not_null(p, "%s", err);
    throttle_params_destroy(p);
}

Test(throttle_parse, distance_is_required)
{
    expect_rejected("{}", "distance_m");
    expect_rejected("{\"population\":10}", "distance_m");
}

Test(throttle_parse, wrong_types_name_the_field)
{
    static const char *names[] = {"distance_m",     "max_speed_mps",     "max_accel_mps2",
                                  "max_brake_mps2", "time_step_s",       "population",
                                  "generations",    "stall_generations", "seed"};
    static const char *bad[] = {"\"10\"", "true", "null", "[1]", "{\"v\":1}"};
    char body[256];
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        for (size_t j = 0; j < sizeof(bad) / sizeof(bad[0]); j++) {
            if (strcmp(names[i], "distance_m") == 0)
                snprintf(body, sizeof(body), "{\"distance_m\":%s}", bad[j]);
            else
                snprintf(body, sizeof(body), "{\"distance_m\":100,\"%s\":%s}", names[i], bad[j]);
            expect_rejected(body, names[i]);
        }
    }
}

Test(throttle_parse, integer_fields_reject_fractions)
{
    expect_rejected("{\"distance_m\":100,\"population\":10.5}", "population");
    expect_rejected("{\"distance_m\":100,\"generations\":1e-3}", "generations");
    expect_rejected("{\"distance_m\":100,\"seed\":1.5}", "seed");
    expect_rejected("{\"distance_m\":100,\"stall_generations\":2.5}", "stall_generations");
    /* JSON Schema's integers: a real with no fraction is one. */
    char err[256];
    throttle_params_t *p = parse("{\"distance_m\":100,\"population\":10.0,\"seed\":2e3}", err, sizeof(err));
    cr_assert_not_null(p, "%s", err);
    cr_expect_eq(throttle_params_population(p), 10);
    cr_expect_eq(throttle_params_seed(p), 2000);
    throttle_params_destroy(p);
}

Test(throttle_parse, out_of_range_names_the_field)
{
    static const struct {
        const char *body, *field;
    } cases[] = {
        {"{\"distance_m\":0}", "distance_m"},
        {"{\"distance_m\":-5}", "distance_m"},
        {"{\"distance_m\":100000.5}", "distance_m"},
        {"{\"distance_m\":100,\"max_speed_mps\":0}", "max_speed_mps"},
        {"{\"distance_m\":100,\"max_speed_mps\":101}", "max_speed_mps"},
        {"{\"distance_m\":100,\"max_accel_mps2\":0.09}", "max_accel_mps2"},
        {"{\"distance_m\":100,\"max_accel_mps2\":21}", "max_accel_mps2"},
        {"{\"distance_m\":100,\"max_brake_mps2\":-1}", "max_brake_mps2"},
        {"{\"distance_m\":100,\"max_brake_mps2\":20.01}", "max_brake_mps2"},
        {"{\"distance_m\":100,\"time_step_s\":0.001}", "time_step_s"},
        {"{\"distance_m\":100,\"time_step_s\":11}", "time_step_s"},
        {"{\"distance_m\":100,\"population\":3}", "population"},
        {"{\"distance_m\":100,\"population\":501}", "population"},
        {"{\"distance_m\":100,\"generations\":0}", "generations"},
        {"{\"distance_m\":100,\"generations\":1001}", "generations"},
        {"{\"distance_m\":100,\"stall_generations\":-1}", "stall_generations"},
        {"{\"distance_m\":100,\"stall_generations\":1001}", "stall_generations"},
        {"{\"distance_m\":100,\"seed\":-1}", "seed"},
        {"{\"distance_m\":100,\"seed\":9007199254740992}", "seed"},
        {"{\"distance_m\":100,\"population\":4294967300}", "population"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        expect_rejected(cases[i].body, cases[i].field);
}

Test(throttle_parse, malformed_json_and_non_objects_blame_the_body)
{
    static const char *bodies[] = {"",
                                   "{",
                                   "{\"distance_m\":}",
                                   "[]",
                                   "42",
                                   "null",
                                   "\"x\"",
                                   "{\"distance_m\":1}x",
                                   "{\"distance_m\":NaN}",
                                   "{\"distance_m\":100,\"distance_m\":200}"};
    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++)
        expect_rejected(bodies[i], "body");
    char err[64];
    cr_expect_null(throttle_params_parse(NULL, 0, err, sizeof(err)));
    cr_expect_str_eq(err, "body: missing");
}

Test(throttle_parse, unknown_field_is_rejected_by_name)
{
    expect_rejected("{\"distance_m\":100,\"turbo\":true}", "turbo");
    expect_rejected("{\"Distance_m\":100}", "Distance_m");
    /* A long name is cut, on a character boundary: the message stays valid UTF-8 for the JSON error body. */
    char body[256] = "{\"a";
    for (int i = 0; i < 40; i++)
        strcat(body, "\xc3\xa9"); /* é */
    strcat(body, "\":1}");
    char err[256];
    cr_expect_null(parse(body, err, sizeof(err)));
    json_t *s = json_string(err);
    cr_expect_not_null(s, "not valid UTF-8: %s", err);
    json_decref(s);
    cr_expect_eq(strlen(err), 63 + strlen(": unknown field"), "%s", err);
}

Test(throttle_parse, body_need_not_be_nul_terminated)
{
    const char buf[] = "{\"distance_m\":100}GARBAGE";
    char err[128];
    throttle_params_t *p = throttle_params_parse(buf, strlen("{\"distance_m\":100}"), err, sizeof(err));
    cr_expect_not_null(p, "%s", err);
    throttle_params_destroy(p);
}

Test(throttle_parse, error_buffer_is_truncated_safely)
{
    char err[8];
    memset(err, 'x', sizeof(err));
    cr_expect_null(throttle_params_parse("{}", 2, err, sizeof(err)));
    cr_expect_eq(err[7], '\0');
    cr_expect_str_eq(err, "distanc");
    cr_expect_null(throttle_params_parse("{}", 2, NULL, 0)); /* no buffer: still just NULL */
}

Test(throttle_caps, population_times_generations_is_capped)
{
    expect_rejected("{\"distance_m\":100,\"population\":500,\"generations\":1000}", "generations");
    expect_rejected("{\"distance_m\":100,\"population\":201,\"generations\":1000}", "generations");
    char err[256];
    throttle_params_t *p = parse("{\"distance_m\":100,\"population\":200,\"generations\":1000}", err, sizeof(err));
    cr_expect_not_null(p, "%s", err); /* exactly at THROTTLE_MAX_EVALUATIONS */
    throttle_params_destroy(p);
}

Test(throttle_caps, sequence_length_is_capped)
{
    /* 100 km at the default limits takes ~5 000 s: 0.01 s steps would be a million genes. */
    expect_rejected("{\"distance_m\":100000,\"time_step_s\":0.01}", "time_step_s");
    char err[256];
    throttle_params_t *p = parse("{\"distance_m\":100000,\"max_speed_mps\":40,\"time_step_s\":10}", err, sizeof(err));
    cr_assert_not_null(p, "%s", err);
    cr_expect_leq(throttle_params_steps(p), THROTTLE_MAX_STEPS);
    throttle_params_destroy(p);
}

Test(throttle_run, same_seed_gives_identical_json)
{
    char *a = run_json("{" SMALL ",\"seed\":42}");
    char *b = run_json("{" SMALL ",\"seed\":42}");
    cr_expect_str_eq(a, b);
    char *c = run_json("{" SMALL ",\"seed\":43}");
    cr_expect_str_neq(a, c);
    free(a);
    free(b);
    free(c);
}

struct thread_run {
    const throttle_params_t *p;
    char *json;
};

static void *run_in_thread(void *arg)
{
    struct thread_run *t = arg;
    throttle_result_t *r = throttle_run(t->p);
    t->json = throttle_result_to_json(r, NULL);
    throttle_result_destroy(r);
    return NULL;
}

Test(throttle_run, concurrent_runs_share_params_and_agree)
{
    char err[256];
    throttle_params_t *p = parse("{" SMALL ",\"seed\":5}", err, sizeof(err));
    cr_assert_not_null(p, "%s", err);
    struct thread_run runs[3] = {{.p = p}, {.p = p}, {.p = p}};
    pthread_t th[3];
    for (int i = 0; i < 3; i++)
        cr_assert_eq(pthread_create(&th[i], NULL, run_in_thread, &runs[i]), 0);
    for (int i = 0; i < 3; i++)
        pthread_join(th[i], NULL);
    char *solo = run_json("{" SMALL ",\"seed\":5}");
    for (int i = 0; i < 3; i++) {
        cr_assert_not_null(runs[i].json);
        cr_expect_str_eq(runs[i].json, solo);
        free(runs[i].json);
    }
    free(solo);
    throttle_params_destroy(p);
}

struct progress {
    unsigned calls, last_generation, stop_at;
    double first, last;
    bool monotonic;
};

static int record_progress(void *user, unsigned generation, double best)
{
    struct progress *pr = user;
    if (pr->calls == 0) {
        pr->first = best;
        pr->monotonic = generation == 0;
    } else if (best < pr->last || generation <= pr->last_generation) {
        pr->monotonic = false;
    }
    pr->calls++;
    pr->last = best;
    pr->last_generation = generation;
    return pr->stop_at != 0 && generation >= pr->stop_at;
}

Test(throttle_run, fitness_improves_over_generations)
{
    char err[256];
    throttle_params_t *p = parse("{\"distance_m\":1000,\"time_step_s\":0.5,\"population\":60,\"generations\":150,"
                                 "\"seed\":3}",
                                 err, sizeof(err));
    cr_assert_not_null(p, "%s", err);
    struct progress pr = {0};
    throttle_result_t *r = throttle_run_ex(p, 10, record_progress, &pr);
    cr_assert_not_null(r);
    cr_expect(pr.monotonic, "the best of a generation went down (elitism broken) or generations went backwards");
    cr_expect_eq(pr.calls, 1 + 15); /* generation 0, then every 10th up to 150 */
    cr_expect_eq(pr.last_generation, 150);
    cr_expect_gt(pr.last, pr.first, "no improvement: gen 0 %f, gen 150 %f", pr.first, pr.last);
    cr_expect_eq(throttle_result_fitness(r), pr.last);
    cr_expect(throttle_result_arrived(r));
    cr_expect_leq(throttle_result_fitness(r), 1.0);
    cr_expect_gt(throttle_result_fitness(r), 0.8, "a 150-generation run ends far from the optimum: %f",
                 throttle_result_fitness(r));
    throttle_result_destroy(r);
    throttle_params_destroy(p);
}

Test(throttle_run, progress_hook_can_stop_early_and_stall_limit_stops)
{
    char err[256];
    throttle_params_t *p = parse("{" SMALL "}", err, sizeof(err));
    cr_assert_not_null(p, "%s", err);
    struct progress pr = {.stop_at = 7};
    throttle_result_t *r = throttle_run_ex(p, 1, record_progress, &pr);
    cr_assert_not_null(r);
    cr_expect_eq(throttle_result_generations_run(r), 7);
    cr_expect_eq(pr.calls, 8);
    throttle_result_destroy(r);
    throttle_params_destroy(p);

    p = parse("{\"distance_m\":200,\"population\":8,\"generations\":1000,\"stall_generations\":5}", err, sizeof(err));
    cr_assert_not_null(p, "%s", err);
    r = throttle_run(p);
    cr_assert_not_null(r);
    cr_expect_lt(throttle_result_generations_run(r), 1000);
    cr_expect_geq(throttle_result_generations_run(r), 5);
    throttle_result_destroy(r);
    throttle_params_destroy(p);
}

/* Drives the vehicle with `u` and checks every step against the limits. */
static void expect_within_limits(const throttle_vehicle_t *v, const double *u, unsigned n)
{
    double *x = calloc(n, sizeof(double)), *s = calloc(n, sizeof(double)), *a = calloc(n, sizeof(double));
    throttle_trace_t trace = {.position_m = x, .speed_mps = s, .accel_mps2 = a};
    throttle_outcome_t o;
    throttle_model__simulate(v, u, n, &o, &trace);
    cr_assert_leq(o.steps, n);
    const double eps = 1e-9;
    double prev = 0;
    for (unsigned i = 0; i < o.steps; i++) {
        cr_assert(s[i] >= 0 && s[i] <= v->max_speed_mps + eps, "step %u speed %f", i, s[i]);
        cr_assert(a[i] <= v->max_accel_mps2 + eps && a[i] >= -v->max_brake_mps2 - eps, "step %u accel %f", i, a[i]);
        cr_assert_geq(x[i], prev, "step %u went backwards", i);
        prev = x[i];
    }
    cr_expect_eq(o.position_m, o.steps ? x[o.steps - 1] : 0);
    free(x);
    free(s);
    free(a);
}

Test(throttle_model, random_throttles_never_break_the_limits)
{
    throttle_vehicle_t v = {
        .distance_m = 500, .max_speed_mps = 15, .max_accel_mps2 = 4, .max_brake_mps2 = 7, .time_step_s = 0.25};
    throttle_rng_t rng;
    throttle_rng__seed(&rng, 11);
    double u[400];
    for (int trial = 0; trial < 200; trial++) {
        /* Out-of-range commands too: the model must clamp them. */
        for (int i = 0; i < 400; i++)
            u[i] = 3.0 * throttle_rng__uniform(&rng) - 1.5 + (trial % 3 == 0 ? 1.0 : 0.0);
        expect_within_limits(&v, u, 400);
    }
}

Test(throttle_model, full_throttle_hits_the_governor_and_counts_overspeed)
{
    throttle_vehicle_t v = {
        .distance_m = 100000, .max_speed_mps = 10, .max_accel_mps2 = 2, .max_brake_mps2 = 2, .time_step_s = 1};
    double u[20];
    for (int i = 0; i < 20; i++)
        u[i] = 1.0;
    expect_within_limits(&v, u, 20);
    throttle_outcome_t o;
    throttle_model__simulate(&v, u, 20, &o, NULL);
    cr_expect_eq(o.speed_mps, 10);
    cr_expect_eq(o.steps, 20);
    cr_expect_not(o.arrived);
    /* 5 s to reach 10 m/s (25 m), then 15 s at the limit (150 m). */
    cr_expect_float_eq(o.position_m, 175.0, 1e-9);
    cr_expect_gt(o.overspeed_m, 0);
}

Test(throttle_model, minimum_time_matches_the_bang_bang_profiles)
{
    throttle_vehicle_t v = {
        .distance_m = 100, .max_speed_mps = 50, .max_accel_mps2 = 2, .max_brake_mps2 = 2, .time_step_s = 0.1};
    /* Triangle: peak sqrt(2*100*2*2/4) = sqrt(200) m/s, up and down at 2 m/s^2. */
    cr_expect_float_eq(throttle_model__min_time_s(&v, 100, 0), 2 * sqrt(200) / 2, 1e-9);
    /* Trapezoid: 5 s to 10 m/s (25 m) and 5 s back (25 m), 50 m at 10 m/s (5 s). */
    v.max_speed_mps = 10;
    cr_expect_float_eq(throttle_model__min_time_s(&v, 100, 0), 15.0, 1e-9);
    /* The bang-bang sequence arrives in that time, stopped at B. */
    double u[200];
    for (int i = 0; i < 200; i++)
        u[i] = i < 50 ? 1.0 : i < 100 ? 0.0 : -1.0;
    throttle_outcome_t o;
    throttle_model__simulate(&v, u, 200, &o, NULL);
    cr_expect(o.arrived);
    cr_expect_float_eq(o.time_s, 15.0, 1e-6);
    cr_expect_float_eq(o.position_m, 100.0, 1e-6);
    /* Ending at 2 m/s instead of 0 saves the last second of braking (and its 1 m): 15 - 1 + 1/10. */
    cr_expect_float_eq(throttle_model__min_time_s(&v, 100, 2), 14.1, 1e-9);
    /* Full throttle never reaches the end speed: no braking at all. */
    cr_expect_float_eq(throttle_model__min_time_s(&v, 1, 5), 1.0, 1e-9);
}

Test(throttle_run, fitness_never_exceeds_one)
{
    /* Weak brakes: a trip may "arrive" at up to 0.1 m/s and skip seconds of braking; the bound must allow
       for that, or fitness climbs above the documented 1. */
    static const char *bodies[] = {
        "{\"distance_m\":1,\"max_accel_mps2\":20,\"max_brake_mps2\":0.5,\"time_step_s\":0.01,\"population\":40,"
        "\"generations\":50,\"seed\":%d}",
        "{\"distance_m\":2,\"max_speed_mps\":0.1,\"max_accel_mps2\":20,\"max_brake_mps2\":0.1,\"time_step_s\":0.2,"
        "\"population\":40,\"generations\":50,\"seed\":%d}",
    };
    char body[256], err[256];
    for (size_t b = 0; b < sizeof(bodies) / sizeof(bodies[0]); b++) {
        for (int seed = 1; seed <= 3; seed++) {
            snprintf(body, sizeof(body), bodies[b], seed);
            throttle_params_t *p = parse(body, err, sizeof(err));
            cr_assert_not_null(p, "%s", err);
            throttle_result_t *r = throttle_run(p);
            cr_assert_not_null(r);
            cr_expect(throttle_result_fitness(r) > 0 && throttle_result_fitness(r) <= 1.0, "%s: fitness %.9f", body,
                      throttle_result_fitness(r));
            /* Not only by the clamp: the bound itself holds. */
            cr_expect(throttle_result_arrived(r), "%s", body);
            cr_expect_geq(throttle_result_time_s(r), r->min_time_s, "%s: arrived in %f s, under the bound %f s", body,
                          throttle_result_time_s(r), r->min_time_s);
            throttle_result_destroy(r);
            throttle_params_destroy(p);
        }
    }
}

Test(throttle_model, arriving_always_beats_missing)
{
    throttle_vehicle_t v = {
        .distance_m = 100, .max_speed_mps = 10, .max_accel_mps2 = 2, .max_brake_mps2 = 2, .time_step_s = 0.5};
    unsigned horizon = 60;
    double tmin = throttle_model__min_time_s(&v, 99, THROTTLE_ARRIVE_SPEED_MPS);
    throttle_outcome_t slow_arrival = {.arrived = true, .steps = horizon, .time_s = 30, .position_m = 100};
    throttle_outcome_t near_miss = {.arrived = false, .steps = horizon, .time_s = 30, .position_m = 98.4};
    throttle_outcome_t far_miss = {.arrived = false, .steps = horizon, .time_s = 30, .position_m = 10};
    double f_arrive = throttle_model__fitness(&v, &slow_arrival, horizon, tmin);
    double f_near = throttle_model__fitness(&v, &near_miss, horizon, tmin);
    double f_far = throttle_model__fitness(&v, &far_miss, horizon, tmin);
    cr_expect_gt(f_arrive, f_near);
    cr_expect_gt(f_near, f_far);
    cr_expect(f_arrive > 0 && f_arrive <= 1);
}

Test(throttle_run, result_arrives_within_limits_and_serialises)
{
    char err[256];
    throttle_params_t *p = parse("{" SMALL ",\"seed\":77}", err, sizeof(err));
    cr_assert_not_null(p, "%s", err);
    throttle_result_t *r = throttle_run(p);
    cr_assert_not_null(r);
    size_t count;
    const double *u = throttle_result_throttle(r, &count);
    cr_assert_gt(count, 0);
    expect_within_limits(&p->vehicle, u, (unsigned)count);
    throttle_outcome_t o;
    throttle_model__simulate(&p->vehicle, u, (unsigned)count, &o, NULL);
    cr_expect_eq(o.arrived, throttle_result_arrived(r));
    cr_expect_eq(o.time_s, throttle_result_time_s(r));
    /* The reported fitness is the fitness of the reported sequence. */
    cr_expect_eq(throttle_model__fitness(&p->vehicle, &o, p->steps, p->min_time_s), throttle_result_fitness(r));
    if (o.arrived) {
        cr_expect_leq(fabs(o.position_m - 200), throttle_model__tolerance_m(&p->vehicle));
        cr_expect_leq(o.speed_mps, THROTTLE_ARRIVE_SPEED_MPS);
    }

    size_t len = 0;
    char *text = throttle_result_to_json(r, &len);
    cr_assert_not_null(text);
    cr_expect_eq(len, strlen(text));
    json_error_t jerr;
    json_t *doc = json_loads(text, 0, &jerr);
    cr_assert_not_null(doc, "%s", jerr.text);
    json_t *arr = json_object_get(doc, "throttle");
    cr_assert(json_is_array(arr));
    cr_expect_eq(json_array_size(arr), count);
    for (size_t i = 0; i < json_array_size(arr); i++) {
        double x = json_number_value(json_array_get(arr, i));
        cr_expect(x >= -1 && x <= 1, "throttle[%zu] = %f", i, x);
    }
    cr_expect(json_is_real(json_object_get(doc, "fitness")));
    cr_expect_eq(json_integer_value(json_object_get(doc, "generations_run")), 60);
    cr_expect(json_is_boolean(json_object_get(doc, "arrived")));
    cr_expect(json_is_number(json_object_get(doc, "time_s")));
    cr_expect(json_is_number(json_object_get(doc, "final_position_m")));
    cr_expect(json_is_number(json_object_get(doc, "final_speed_mps")));
    cr_expect_eq(json_integer_value(json_object_get(doc, "seed")), 77);
    json_decref(doc);
    free(text);
    throttle_result_destroy(r);
    throttle_params_destroy(p);
}

Test(throttle_run, destroy_is_null_safe)
{
    throttle_params_destroy(NULL);
    throttle_result_destroy(NULL);
    cr_expect_null(throttle_run(NULL));
    cr_expect_null(throttle_result_to_json(NULL, NULL));
}
