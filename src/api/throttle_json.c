/* SPDX-License-Identifier: Apache-2.0 */
/* JSON for POST /api/v1/throttle/run: the validated request (jansson) and the result document. */
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "throttle_internal.h"

#define SEED_MAX 9007199254740991.0 /* 2^53 - 1: exact in every JSON client */

typedef enum { FIELD_REAL, FIELD_UINT } field_kind_t;

/* Every accepted request field: anything else is rejected by name. */
typedef struct field {
    const char *name;
    field_kind_t kind;
    bool required;
    double min, max, def;
} field_t;

enum { F_DISTANCE, F_SPEED, F_ACCEL, F_BRAKE, F_STEP, F_POPULATION, F_GENERATIONS, F_STALL, F_SEED, F_COUNT };

static const field_t fields[F_COUNT] = {
    [F_DISTANCE] = {"distance_m", FIELD_REAL, true, 1, 100000, 0},
    [F_SPEED] = {"max_speed_mps", FIELD_REAL, false, 0.1, 100, 20},
    [F_ACCEL] = {"max_accel_mps2", FIELD_REAL, false, 0.1, 20, 3},
    [F_BRAKE] = {"max_brake_mps2", FIELD_REAL, false, 0.1, 20, 5},
    [F_STEP] = {"time_step_s", FIELD_REAL, false, 0.01, 10, 0.5},
    [F_POPULATION] = {"population", FIELD_UINT, false, 4, THROTTLE_MAX_POPULATION, 100},
    [F_GENERATIONS] = {"generations", FIELD_UINT, false, 1, THROTTLE_MAX_GENERATIONS, 200},
    [F_STALL] = {"stall_generations", FIELD_UINT, false, 0, THROTTLE_MAX_GENERATIONS, 0},
    [F_SEED] = {"seed", FIELD_UINT, false, 0, SEED_MAX, 1},
};

__attribute__((format(printf, 3, 4))) static void set_error(char *err, size_t errlen, const char *fmt, ...)
{
    if (err == NULL || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* Reads one field into *out (its default when absent). Returns false with a message naming the field. */
static bool read_field(json_t *root, const field_t *f, double *out, char *err, size_t errlen)
{
    json_t *v = json_object_get(root, f->name);
    if (v == NULL) {
        if (f->required) {
            set_error(err, errlen, "%s: required", f->name);
            return false;
        }
        *out = f->def;
        return true;
    }
    if (f->kind == FIELD_UINT) {
        /* As in JSON Schema (and so docs/openapi.yaml), 10.0 is an integer and 10.5 is not. */
        bool integral = json_is_integer(v) || (json_is_real(v) && json_real_value(v) == floor(json_real_value(v)));
        *out = json_is_integer(v) ? (double)json_integer_value(v) : json_number_value(v);
        if (!integral || !(*out >= f->min && *out <= f->max)) {
            set_error(err, errlen, "%s: must be an integer in [%.0f, %.0f]", f->name, f->min, f->max);
            return false;
        }
        return true;
    }
    if (!json_is_number(v)) {
        set_error(err, errlen, "%s: must be a number in [%g, %g]", f->name, f->min, f->max);
        return false;
    }
    *out = json_number_value(v);
    if (!(*out >= f->min && *out <= f->max)) {
        set_error(err, errlen, "%s: must be a number in [%g, %g]", f->name, f->min, f->max);
        return false;
    }
    return true;
}

static bool known_field(const char *name)
{
    for (int i = 0; i < F_COUNT; i++)
        if (strcmp(fields[i].name, name) == 0)
            return true;
    return false;
}

throttle_params_t *throttle_params_parse(const char *body, size_t len, char *err, size_t errlen)
{
    set_error(err, errlen, "%s", "");
    if (body == NULL) {
        set_error(err, errlen, "body: missing");
        return NULL;
    }
    json_error_t jerr;
    json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL) {
        set_error(err, errlen, "body: invalid JSON: %s (line %d, column %d)", jerr.text, jerr.line, jerr.column);
        return NULL;
    }
    throttle_params_t *p = NULL;
    if (!json_is_object(root)) {
        set_error(err, errlen, "body: must be a JSON object");
        goto done;
    }
    const char *key;
    json_t *value;
    json_object_foreach(root, key, value)
    {
        if (!known_field(key)) {
            /* Quote at most 64 bytes of the name, cut on a UTF-8 character boundary. */
            size_t n = strlen(key);
            if (n > 64) {
                n = 64;
                while (n > 0 && ((unsigned char)key[n] & 0xC0) == 0x80)
                    n--;
            }
            set_error(err, errlen, "%.*s: unknown field", (int)n, key);
            goto done;
        }
    }
    double v[F_COUNT];
    for (int i = 0; i < F_COUNT; i++)
        if (!read_field(root, &fields[i], &v[i], err, errlen))
            goto done;
    if (v[F_POPULATION] * v[F_GENERATIONS] > THROTTLE_MAX_EVALUATIONS) {
        set_error(err, errlen, "generations: population * generations must be <= %d (got %.0f * %.0f)",
                  THROTTLE_MAX_EVALUATIONS, v[F_POPULATION], v[F_GENERATIONS]);
        goto done;
    }
    throttle_vehicle_t vehicle = {.distance_m = v[F_DISTANCE],
                                  .max_speed_mps = v[F_SPEED],
                                  .max_accel_mps2 = v[F_ACCEL],
                                  .max_brake_mps2 = v[F_BRAKE],
                                  .time_step_s = v[F_STEP]};
    double steps = throttle_model__horizon_steps(&vehicle);
    if (steps > THROTTLE_MAX_STEPS) {
        set_error(err, errlen,
                  "time_step_s: the trip needs %.0f steps of %g s (max %d); use a larger time_step_s or a shorter "
                  "distance_m",
                  steps, vehicle.time_step_s, THROTTLE_MAX_STEPS);
        goto done;
    }
    p = calloc(1, sizeof(*p));
    if (p == NULL) {
        set_error(err, errlen, "body: out of memory");
        goto done;
    }
    p->vehicle = vehicle;
    p->population = (unsigned)v[F_POPULATION];
    p->generations = (unsigned)v[F_GENERATIONS];
    p->stall_generations = (unsigned)v[F_STALL];
    p->seed = (uint64_t)v[F_SEED];
    p->steps = (unsigned)steps;
    /* Fitness scale: no trip can arrive faster than the optimum to the near edge of the tolerance band at
       the highest speed that still counts as stopped. */
    p->min_time_s = throttle_model__min_time_s(&vehicle, vehicle.distance_m - throttle_model__tolerance_m(&vehicle),
                                               THROTTLE_ARRIVE_SPEED_MPS);
done:
    json_decref(root);
    return p;
}

char *throttle_result_to_json(const throttle_result_t *r, size_t *len)
{
    if (r == NULL)
        return NULL;
    json_t *throttle = json_array();
    json_t *doc = json_object();
    char *text = NULL;
    if (throttle == NULL || doc == NULL)
        goto done;
    for (size_t i = 0; i < r->count; i++)
        if (json_array_append_new(throttle, json_real(r->throttle[i])) != 0)
            goto done;
    int rc = json_object_set(doc, "throttle", throttle);
    rc |= json_object_set_new(doc, "fitness", json_real(r->fitness));
    rc |= json_object_set_new(doc, "generations_run", json_integer(r->generations_run));
    rc |= json_object_set_new(doc, "arrived", json_boolean(r->arrived));
    rc |= json_object_set_new(doc, "time_s", json_real(r->time_s));
    rc |= json_object_set_new(doc, "final_position_m", json_real(r->final_position_m));
    rc |= json_object_set_new(doc, "final_speed_mps", json_real(r->final_speed_mps));
    rc |= json_object_set_new(doc, "seed", json_integer((json_int_t)r->seed));
    rc |= json_object_set_new(doc, "min_time_s", json_real(r->min_time_s));
    rc |= json_object_set_new(doc, "time_step_s", json_real(r->time_step_s));
    rc |= json_object_set_new(doc, "population", json_integer(r->population));
    rc |= json_object_set_new(doc, "generations", json_integer(r->generations));
    if (rc != 0)
        goto done;
    /* json_dumps allocates with malloc (we install no custom allocator), so callers free() it. */
    text = json_dumps(doc, JSON_COMPACT | JSON_REAL_PRECISION(8));
    if (text != NULL && len != NULL)
        *len = strlen(text);
done:
    json_decref(throttle);
    json_decref(doc);
    return text;
}
