/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: W3C traceparent parsing/formatting, tracestate validation, and extract/inject through the
 * composite propagator, with round-trip checks. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "otel/propagation.h"

#include "fuzz_check.h"

/* A carrier of up to three headers: the input split at '\n' into traceparent, tracestate and baggage. */
typedef struct carrier {
    otel_str_t values[3];
    char injected[3][OTEL_BAGGAGE_MAX_LEN + 1];
    size_t injected_len[3];
} carrier_t;

static const char *const names[3] = {"traceparent", "tracestate", "baggage"};

static int slot(otel_str_t key)
{
    for (int i = 0; i < 3; i++)
        if (key.len == strlen(names[i]) && memcmp(key.ptr, names[i], key.len) == 0)
            return i;
    return -1;
}

static bool carrier_get(void *c, otel_str_t key, otel_str_t *value)
{
    carrier_t *carrier = c;
    int i = slot(key);
    if (i < 0 || carrier->values[i].ptr == NULL)
        return false;
    *value = carrier->values[i];
    return true;
}

static void carrier_set(void *c, otel_str_t key, otel_str_t value)
{
    carrier_t *carrier = c;
    int i = slot(key);
    CHECK(i >= 0 && value.len <= OTEL_BAGGAGE_MAX_LEN);
    memcpy(carrier->injected[i], value.ptr, value.len);
    carrier->injected_len[i] = value.len;
}

/* extract → inject → extract gives the same context, and what is injected is a clean header value. */
static void check_propagation(const char *buf, size_t size)
{
    static otel_propagator_t *propagator;
    static carrier_t carrier, again;
    static otel_propagation_context_t first, second;
    if (propagator == NULL) {
        char err[256];
        CHECK(otel_propagator_create_from_config("tracecontext,baggage", &propagator, err, sizeof(err)) == OTEL_OK);
    }
    memset(&carrier, 0, sizeof(carrier));
    const char *p = buf, *end = buf + size;
    for (int i = 0; i < 3 && p <= end; i++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *stop = nl != NULL ? nl : end;
        carrier.values[i] = (otel_str_t){p, (size_t)(stop - p)};
        if (nl == NULL)
            break;
        p = nl + 1;
    }
    otel_propagation_context_init(&first);
    otel_propagator_extract(propagator, &carrier, carrier_get, &first);
    otel_propagator_inject(propagator, &first, &carrier, carrier_set);
    memset(&again, 0, sizeof(again));
    for (int i = 0; i < 3; i++) {
        for (size_t j = 0; j < carrier.injected_len[i]; j++)
            CHECK(carrier.injected[i][j] >= 0x20 && carrier.injected[i][j] <= 0x7e);
        if (carrier.injected_len[i] > 0)
            again.values[i] = (otel_str_t){carrier.injected[i], carrier.injected_len[i]};
    }
    otel_propagation_context_init(&second);
    otel_propagator_extract(propagator, &again, carrier_get, &second);
    CHECK(memcmp(&first.span_context, &second.span_context, sizeof(first.span_context)) == 0);
    CHECK(first.tracestate_len == second.tracestate_len &&
          memcmp(first.tracestate, second.tracestate, first.tracestate_len) == 0);
    CHECK(first.baggage.count == second.baggage.count);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* An exact-size heap copy, so ASan sees any read past the header value. */
    char *buf = malloc(size + 1);
    if (buf == NULL)
        return 0;
    memcpy(buf, data, size);
    otel_str_t value = {buf, size};

    otel_span_context_t ctx;
    if (otel_traceparent_parse(value, &ctx)) {
        CHECK(otel_span_context_is_valid(&ctx) && ctx.is_remote);
        char out[OTEL_TRACEPARENT_LEN + 1];
        otel_traceparent_format(&ctx, out);
        otel_span_context_t again;
        CHECK(otel_traceparent_parse((otel_str_t){out, OTEL_TRACEPARENT_LEN}, &again));
        CHECK(memcmp(&again.trace_id, &ctx.trace_id, sizeof(ctx.trace_id)) == 0);
        CHECK(memcmp(&again.span_id, &ctx.span_id, sizeof(ctx.span_id)) == 0);
        CHECK(again.trace_flags == ctx.trace_flags);
    } else {
        CHECK(!otel_span_context_is_valid(&ctx));
    }

    char ts[OTEL_TRACESTATE_MAX_LEN + 1];
    int n = otel_tracestate_normalize(value, ts);
    if (n >= 0) {
        CHECK(n <= OTEL_TRACESTATE_MAX_LEN && strlen(ts) == (size_t)n);
        /* Normalizing is idempotent. */
        char ts2[OTEL_TRACESTATE_MAX_LEN + 1];
        CHECK(otel_tracestate_normalize((otel_str_t){ts, (size_t)n}, ts2) == n && memcmp(ts, ts2, (size_t)n) == 0);
    }
    check_propagation(buf, size);
    free(buf);
    return 0;
}
