/* SPDX-License-Identifier: Apache-2.0 */
/* Deterministic callgrind target for the log record pool: copy + free on the emitting thread (owner_loop), records
 * freed by another thread (foreign_free) and taken back by their emitting thread (take_loop). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "logs/logs_internal.h"

enum { BATCH = 512, OWNER_PER_ROUND = 1000 };
static otel_log__record_t *records[BATCH];
static otel_log_record_t record;
static const otel_log_record_limits_t limits = {.attribute_count_limit = 128,
                                                .attribute_value_length_limit = UINT32_MAX};

/* Each measured loop is its own function: callgrind --toggle-collect='NAME*' (gcc may clone them). */
__attribute__((noinline)) void owner_loop(size_t n)
{
    for (size_t i = 0; i < n; i++)
        otel_log__record_free(otel_log__record_copy(&record, &limits, NULL, NULL));
}

__attribute__((noinline)) void take_loop(void)
{
    for (size_t i = 0; i < BATCH; i++)
        records[i] = otel_log__record_copy(&record, &limits, NULL, NULL);
}

__attribute__((noinline)) void foreign_free(void)
{
    otel_log__record_free_many(records, BATCH);
}

static void *other_thread(void *arg)
{
    (void)arg;
    foreign_free();
    return NULL;
}

int main(int argc, char **argv)
{
    size_t rounds = argc > 1 ? strtoull(argv[1], NULL, 10) : 0;
    if (rounds == 0) {
        fprintf(stderr,
                "usage: %s ROUNDS   (instructions per record: difference of ROUNDS 3 and 1 under callgrind;\n"
                "  owner_loop / %d per extra round, take_loop and foreign_free / %d)\n",
                argv[0], 2 * OWNER_PER_ROUND, 2 * BATCH);
        return 2;
    }
    otel_span_context_t ctx = {.trace_flags = 1};
    memset(ctx.trace_id.bytes, 0xab, 16);
    memset(ctx.span_id.bytes, 0xcd, 8);
    otel_attribute_t attrs[] = {OTEL_ATTR_STR("http.request.method", "GET"),
                                OTEL_ATTR_INT("http.response.status_code", 200)};
    record = (otel_log_record_t){.severity_number = OTEL_SEVERITY_INFO,
                                 .body = {.type = OTEL_VALUE_STRING, .u.string = OTEL_STR("request")},
                                 .attributes = attrs,
                                 .attribute_count = 2,
                                 .span_context = &ctx,
                                 .static_strings = true};
    owner_loop(10); /* the pool's first block */
    take_loop();
    for (size_t r = 0; r < rounds; r++) {
        pthread_t t;
        if (pthread_create(&t, NULL, other_thread, NULL) != 0 || pthread_join(t, NULL) != 0)
            return 1;
        take_loop();
        owner_loop(OWNER_PER_ROUND);
    }
    otel_log__record_free_many(records, BATCH);
    printf("%zu rounds done\n", rounds);
    return 0;
}
