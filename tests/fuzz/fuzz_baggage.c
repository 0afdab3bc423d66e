/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: W3C baggage parsing and formatting; parse(format(parse(x))) must equal parse(x). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "otel/propagation.h"

#include "fuzz_check.h"

static bool str_eq(otel_str_t a, otel_str_t b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

/* ~9 KB each: static, not on the fuzzer's stack. */
static otel_baggage_t first, second, copy;
static char header[OTEL_BAGGAGE_MAX_LEN + 1];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1);
    if (buf == NULL)
        return 0;
    memcpy(buf, data, size);

    size_t n = otel_baggage_parse((otel_str_t){buf, size}, &first);
    CHECK(n == first.count && n <= OTEL_BAGGAGE_MAX_ENTRIES && first.used <= OTEL_BAGGAGE_MAX_LEN);
    if (size > OTEL_BAGGAGE_MAX_LEN)
        CHECK(n == 0);

    size_t len = otel_baggage_format(&first, header, sizeof(header));
    CHECK(len <= OTEL_BAGGAGE_MAX_LEN);
    for (size_t i = 0; i < len; i++) /* a header value: no controls (CR/LF would inject headers), ASCII only */
        CHECK(header[i] == '\t' || (header[i] >= 0x20 && header[i] <= 0x7e));
    CHECK(otel_baggage_parse((otel_str_t){header, len}, &second) == n);
    for (size_t i = 0; i < n; i++) {
        CHECK(str_eq(first.entries[i].key, second.entries[i].key));
        CHECK(str_eq(first.entries[i].value, second.entries[i].value));
        CHECK(str_eq(first.entries[i].metadata, second.entries[i].metadata));
        otel_str_t v;
        CHECK(otel_baggage_get(&first, first.entries[i].key, &v) && str_eq(v, first.entries[i].value));
    }

    /* The mutators keep the limits whatever the content: replace each entry, then remove it from a copy. */
    otel_baggage_copy(&copy, &first);
    for (size_t i = 0; i < n; i++) {
        otel_baggage_entry_t e = first.entries[i];
        otel_status_t st = otel_baggage_set(&copy, e.key, e.metadata, e.value);
        CHECK(st == OTEL_OK || st == OTEL_ERR_QUEUE_FULL || st == OTEL_ERR_INVALID_ARGUMENT);
        CHECK(copy.count <= OTEL_BAGGAGE_MAX_ENTRIES && copy.used <= OTEL_BAGGAGE_MAX_LEN);
    }
    /* A value that cannot fit is refused and changes nothing (the contract in propagation.h). */
    if (n > 0) {
        static char big[OTEL_BAGGAGE_MAX_LEN];
        memset(big, 'x', sizeof(big));
        size_t before = copy.count;
        CHECK(otel_baggage_set(&copy, first.entries[0].key, (otel_str_t){big, sizeof(big)}, (otel_str_t){"", 0}) ==
              OTEL_ERR_QUEUE_FULL);
        CHECK(copy.count == before && otel_baggage_get(&copy, first.entries[0].key, NULL));
    }
    for (size_t i = 0; i < n; i++)
        otel_baggage_remove(&copy, first.entries[i].key);
    CHECK(copy.count == 0);
    free(buf);
    return 0;
}
