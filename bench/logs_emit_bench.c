/* SPDX-License-Identifier: Apache-2.0 */
/* Emitting the per-request access log record (h2otel's five attributes, a span context) through the batch
 * processor into an exporter that only counts: ns per emit on the emitting thread(s), export calls per record. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "otel/otel.h"

static _Atomic size_t exported, calls;

static otel_status_t count_export(void *self, const otel_log_record_data_t *const *records, size_t n)
{
    (void)self, (void)records;
    exported += n;
    calls++;
    return OTEL_OK;
}

static otel_logger_t *logger;
static size_t per_thread;

/* The measured loop (callgrind: --toggle-collect=emit_loop). */
__attribute__((noinline)) void emit_loop(size_t n)
{
    otel_span_context_t ctx = {.trace_flags = 1};
    memset(ctx.trace_id.bytes, 0xab, 16);
    memset(ctx.span_id.bytes, 0xcd, 8);
    for (size_t i = 0; i < n; i++) {
        otel_attribute_t a[] = {
            OTEL_ATTR_STR("http.request.method", "GET"),     OTEL_ATTR_STR("url.path", "/api/v1/dummy/"),
            OTEL_ATTR_INT("http.response.status_code", 200), OTEL_ATTR_DOUBLE("http.server.request.duration", 0.000123),
            OTEL_ATTR_STR("http.route", "/api/v1/dummy/"),
        };
        otel_log_record_t rec = {.timestamp_ns = 1700000000000000000ULL + i,
                                 .observed_timestamp_ns = 1700000000000000000ULL + i,
                                 .severity_number = OTEL_SEVERITY_INFO,
                                 .severity_text = OTEL_STR("INFO"),
                                 .body = {.type = OTEL_VALUE_STRING, .u.string = OTEL_STR("request")},
                                 .attributes = a,
                                 .attribute_count = 5,
                                 .event_name = OTEL_STR("http.server.request"),
                                 .span_context = &ctx,
                                 .static_strings = true};
        otel_logger_emit(logger, &rec);
    }
}

static double thread_cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static double per_emit_ns[8];

static void *run(void *arg)
{
    size_t idx = (size_t)arg;
    double t0 = thread_cpu_ns();
    emit_loop(per_thread);
    per_emit_ns[idx] = (thread_cpu_ns() - t0) / (double)per_thread;
    return NULL;
}

int main(int argc, char **argv)
{
    size_t total = argc > 1 ? strtoull(argv[1], NULL, 10) : 1000000;
    size_t threads = argc > 2 ? strtoull(argv[2], NULL, 10) : 1;
    if (threads < 1 || threads > 8)
        threads = 1;
    per_thread = total / threads;
    otel_batch_log_record_processor_options_t o;
    otel_batch_log_record_processor_options_init(&o);
    o.max_queue_size = 1u << 16; /* the bench measures emitting, not drops */
    otel_log_record_processor_t *proc;
    otel_log_record_exporter_t exp = {.export_logs = count_export};
    otel_logger_provider_t *provider;
    if (otel_batch_log_record_processor_create(&o, exp, &proc) != OTEL_OK ||
        otel_logger_provider_create(NULL, NULL, proc, &provider) != OTEL_OK)
        return 1;
    otel_scope_t scope = {.name = OTEL_STR("bench")};
    logger = otel_logger_provider_get_logger(provider, &scope);
    pthread_t t[8];
    for (size_t i = 0; i < threads; i++)
        pthread_create(&t[i], NULL, run, (void *)i);
    for (size_t i = 0; i < threads; i++)
        pthread_join(t[i], NULL);
    otel_logger_provider_shutdown(provider, 10000);
    otel_log_record_processor_stats_t st;
    otel_logger_provider_get_stats(provider, &st);
    double sum = 0;
    for (size_t i = 0; i < threads; i++)
        sum += per_emit_ns[i];
    printf("%zu thread(s): %.1f ns CPU per emit; %zu exported in %zu calls (%.0f per call), %llu dropped\n", threads,
           sum / (double)threads, (size_t)exported, (size_t)calls, calls ? (double)exported / (double)calls : 0.0,
           (unsigned long long)st.records_dropped);
    otel_logger_provider_destroy(provider);
    return 0;
}
