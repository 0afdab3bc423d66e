/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: OTEL_RESOURCE_ATTRIBUTES parsing (k=v pairs, trimming, percent-decoding, malformed members). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "resource/resource_internal.h"

#include "fuzz_check.h"

static void quiet(otel_diag_level_t level, const char *message, void *user)
{
    (void)level, (void)message, (void)user;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int once;
    if (!once) {
        otel_set_diag_handler(quiet, NULL); /* malformed members warn; keep the fuzzer's output readable */
        once = 1;
    }
    size_t members;
    char *text = fuzz_cstring(data, size, &members); /* stops at the first NUL, like getenv */
    if (text == NULL)
        return 0;

    otel_resource_t *r = otel_resource__new();
    if (r != NULL) {
        int skipped = otel_resource__parse_env_attributes(r, text);
        CHECK(skipped >= 0 && (size_t)skipped <= members);
        size_t count = otel_resource_attribute_count(r);
        CHECK(count + (size_t)skipped <= members);
        for (size_t i = 0; i < count; i++) {
            const otel_attribute_t *a = otel_resource_attribute(r, i);
            CHECK(a != NULL && a->key.len > 0 && a->value.type == OTEL_VALUE_STRING);
            CHECK(otel_resource_find(r, a->key) == a); /* keys are unique */
        }
        /* Merging with itself keeps every key once. */
        otel_resource_t *m = otel_resource_merge(r, r);
        CHECK(m == NULL || otel_resource_attribute_count(m) == count);
        otel_resource_destroy(m);
        otel_resource_destroy(r);
    }
    free(text);
    return 0;
}
