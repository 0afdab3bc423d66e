/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: the POST /api/v1/throttle/run body (jansson parse, field validation, caps). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "throttle.h"

#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Bodies are not NUL-terminated: an exact-size copy lets ASan catch any over-read. */
    char *body = malloc(size > 0 ? size : 1);
    if (body == NULL)
        return 0;
    memcpy(body, data, size);
    char err[256];
    memset(err, 'X', sizeof(err));
    throttle_params_t *p = throttle_params_parse(body, size, err, sizeof(err));
    CHECK(memchr(err, '\0', sizeof(err)) != NULL);
    if (p == NULL) {
        CHECK(err[0] != '\0'); /* every refusal says why (it becomes the 400's message) */
    } else {
        /* Whatever was accepted stays within the caps that bound one run's CPU time. */
        unsigned pop = throttle_params_population(p), gen = throttle_params_generations(p);
        CHECK(pop >= 4 && pop <= THROTTLE_MAX_POPULATION);
        CHECK(gen >= 1 && gen <= THROTTLE_MAX_GENERATIONS);
        CHECK((uint64_t)pop * gen <= THROTTLE_MAX_EVALUATIONS);
        CHECK(throttle_params_steps(p) >= 1 && throttle_params_steps(p) <= THROTTLE_MAX_STEPS);
        CHECK(throttle_params_seed(p) <= 9007199254740991ULL);
    }
    throttle_params_destroy(p);
    free(body);
    return 0;
}
