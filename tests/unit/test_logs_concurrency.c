/* SPDX-License-Identifier: Apache-2.0 */
/* Logs SDK under concurrency (also run under TSan): pool blocks released by the export thread while their emitting
 * threads keep taking blocks, threads that exit with records still queued, and counts that add up. */
#ifdef H2OTEL_STANDALONE_TESTS
#include "unit/standalone_criterion.h" /* the TSan stage builds this file without Criterion */
#else
#include <criterion/criterion.h>
#endif
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include "logs/logs_internal.h"

static _Atomic size_t exported_records, bad_records;

static otel_status_t check_export(void *self, const otel_log_record_data_t *const *records, size_t count)
{
    (void)self;
    for (size_t i = 0; i < count; i++) { /* each record is whole: its attribute value names its thread */
        const otel_log_record_data_t *r = records[i];
        if (r->attribute_count != 2 || r->attributes[0].value.u.string.len != 8 ||
            memcmp(r->attributes[0].value.u.string.ptr, "thread-", 7) != 0 || r->attributes[1].value.u.int64 < 0)
            bad_records++;
    }
    exported_records += count;
    return OTEL_OK;
}

static otel_logger_t *logger;
enum { THREADS = 4, PER_THREAD = 20000 };

static void *emit(void *arg)
{
    char name[9];
    memcpy(name, "thread-", 7);
    name[7] = (char)('0' + (int)(intptr_t)arg);
    name[8] = '\0';
    for (int i = 0; i < PER_THREAD; i++) {
        otel_attribute_t a[2] = {OTEL_ATTR_STRN("who", name, 8), OTEL_ATTR_INT("i", i)};
        otel_log_record_t rec = {.severity_number = OTEL_SEVERITY_INFO,
                                 .body = {.type = OTEL_VALUE_STRING, .u.string = OTEL_STR("m")},
                                 .attributes = a,
                                 .attribute_count = 2,
                                 .static_strings = (i & 1) != 0};
        otel_logger_emit(logger, &rec);
    }
    return NULL; /* the thread exits with records of its pool still queued */
}

Test(logs_concurrency, pooled_records_cross_threads_and_outlive_their_emitters)
{
    otel_batch_log_record_processor_options_t o = {
        .max_queue_size = 1024, .schedule_delay_ms = 2, .export_timeout_ms = 5000, .max_export_batch_size = 64};
    otel_log_record_processor_t *proc;
    otel_log_record_exporter_t exp = {.export_logs = check_export};
    cr_assert_eq(otel_batch_log_record_processor_create(&o, exp, &proc), OTEL_OK);
    otel_logger_provider_t *p;
    cr_assert_eq(otel_logger_provider_create(NULL, NULL, proc, &p), OTEL_OK);
    otel_scope_t scope = {.name = OTEL_STR("concurrency")};
    logger = otel_logger_provider_get_logger(p, &scope);
    pthread_t t[THREADS];
    for (intptr_t i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, emit, (void *)i);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    cr_assert_eq(otel_logger_provider_shutdown(p, 10000), OTEL_OK);
    otel_log_record_processor_stats_t st;
    otel_logger_provider_get_stats(p, &st);
    cr_assert_eq(st.records_received, (uint64_t)THREADS * PER_THREAD);
    cr_assert_eq(st.records_exported + st.records_dropped, (uint64_t)THREADS * PER_THREAD);
    cr_assert_eq(st.records_exported, exported_records);
    cr_assert_eq(bad_records, 0);
    cr_assert_gt(exported_records, 0);
    otel_logger_provider_destroy(p);
}
