/* SPDX-License-Identifier: Apache-2.0 */
/* Logs SDK: record copies and limits, trace correlation, loggers per scope, batch processor (never
 * blocks, drops counted, flush, shutdown), OTEL_LOGS_EXPORTER / OTEL_BLRP_* configuration, console output. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/common_internal.h"
#include "logs/logs_internal.h"

/* An exporter that keeps copies of what it got, optionally slow or failing. */
typedef struct capture {
    pthread_mutex_t lock;
    size_t records, calls;
    size_t smallest; /* fewest records in one export call */
    char last_body[128];
    char last_attr_key[64];
    otel_trace_id_t last_trace_id;
    uint32_t last_dropped;
    size_t last_attr_count;
    unsigned delay_ms;
    otel_status_t result;
    bool shut_down, destroyed;
} capture_t;

static otel_status_t capture_export(void *self, const otel_log_record_data_t *const *records, size_t count)
{
    capture_t *c = self;
    if (c->delay_ms) {
        struct timespec ts = {c->delay_ms / 1000, (long)(c->delay_ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
    pthread_mutex_lock(&c->lock);
    c->records += count;
    c->calls++;
    if (c->smallest == 0 || count < c->smallest)
        c->smallest = count;
    const otel_log_record_data_t *r = records[count - 1];
    if (r->body.type == OTEL_VALUE_STRING)
        snprintf(c->last_body, sizeof(c->last_body), "%.*s", (int)r->body.u.string.len, r->body.u.string.ptr);
    if (r->attribute_count > 0)
        snprintf(c->last_attr_key, sizeof(c->last_attr_key), "%.*s", (int)r->attributes[0].key.len,
                 r->attributes[0].key.ptr);
    c->last_trace_id = r->trace_id;
    c->last_dropped = r->dropped_attributes_count;
    c->last_attr_count = r->attribute_count;
    pthread_mutex_unlock(&c->lock);
    return c->result;
}

static otel_status_t capture_shutdown(void *self, uint32_t timeout_ms)
{
    (void)timeout_ms;
    ((capture_t *)self)->shut_down = true;
    return OTEL_OK;
}

static void capture_destroy(void *self)
{
    ((capture_t *)self)->destroyed = true;
}

static otel_log_record_exporter_t capture_exporter(capture_t *c)
{
    memset(c, 0, sizeof(*c));
    pthread_mutex_init(&c->lock, NULL);
    return (otel_log_record_exporter_t){capture_export, NULL, capture_shutdown, capture_destroy, c};
}

static otel_log_record_t message(const char *text)
{
    return (otel_log_record_t){.severity_number = OTEL_SEVERITY_INFO,
                               .severity_text = OTEL_STR("INFO"),
                               .body = {.type = OTEL_VALUE_STRING, .u.string = otel_str_from_cstr(text)}};
}

static const otel_scope_t scope = {.name = OTEL_STR("test.logs"), .version = OTEL_STR("1.0")};

Test(logs_sdk, record_copy_applies_limits_and_owns_its_bytes)
{
    char key[] = "k0", value[] = "\xC3\xA9t\xC3\xA9-long-value"; /* "été-long-value" */
    otel_attribute_t attrs[3] = {OTEL_ATTR_STRN("a", value, strlen(value)), OTEL_ATTR_INT("b", 2),
                                 OTEL_ATTR_STRN(key, "x", 1)};
    otel_log_record_t in = message("hello");
    in.attributes = attrs;
    in.attribute_count = 3;
    otel_log_record_limits_t limits = {.attribute_count_limit = 2, .attribute_value_length_limit = 2};
    otel_log__record_t *r = otel_log__record_copy(&in, &limits, NULL, &scope);
    cr_assert_not_null(r);
    value[0] = 'X'; /* the copy must not see later changes */
    key[0] = 'X';
    cr_assert_eq(r->data.attribute_count, 2);
    cr_assert_eq(r->data.dropped_attributes_count, 1);
    cr_assert_eq(r->data.attributes[0].value.u.string.len, 2, "truncated to 2 bytes: the whole 'é'");
    cr_assert_eq(memcmp(r->data.attributes[0].value.u.string.ptr, "\xC3\xA9", 2), 0);
    cr_assert_eq(r->data.attributes[1].key.len, 1);
    cr_assert_eq(r->data.attributes[1].key.ptr[0], 'b');
    otel_log__record_free(r);
}

Test(logs_sdk, value_length_limit_cuts_at_a_character_boundary)
{
    const char *v = "\xC3\xA9\xC3\xA9"; /* "éé": 4 bytes */
    otel_attribute_t attrs[1] = {OTEL_ATTR_STRN("a", v, 4)};
    otel_log_record_t in = message("m");
    in.attributes = attrs;
    in.attribute_count = 1;
    otel_log_record_limits_t limits = {.attribute_count_limit = 128, .attribute_value_length_limit = 3};
    otel_log__record_t *r = otel_log__record_copy(&in, &limits, NULL, &scope);
    cr_assert_eq(r->data.attributes[0].value.u.string.len, 2, "3 bytes would split the second é");
    cr_assert_eq(memcmp(r->data.attributes[0].value.u.string.ptr, "\xC3\xA9", 2), 0);
    cr_assert_eq(r->data.body.u.string.len, 1, "the body is not an attribute: no limit");
    otel_log__record_free(r);
}

Test(logs_sdk, current_span_context_is_attached_unless_one_is_given)
{
    otel_span_context_t ctx = {.trace_flags = 1};
    memset(ctx.trace_id.bytes, 0xAB, 16);
    memset(ctx.span_id.bytes, 0xCD, 8);
    otel_log_record_limits_t limits = {128, UINT32_MAX};
    otel_log_record_t in = message("m");
    otel_log__record_t *none = otel_log__record_copy(&in, &limits, NULL, &scope);
    cr_assert_not(otel_trace_id_is_valid(&none->data.trace_id));
    const otel_span_context_t *prev = otel_context__set_current(&ctx);
    otel_log__record_t *r = otel_log__record_copy(&in, &limits, NULL, &scope);
    otel_context__set_current(prev);
    cr_assert_eq(memcmp(r->data.trace_id.bytes, ctx.trace_id.bytes, 16), 0);
    cr_assert_eq(memcmp(r->data.span_id.bytes, ctx.span_id.bytes, 8), 0);
    cr_assert_eq(r->data.trace_flags, 1);
    cr_assert_neq(r->data.observed_timestamp_ns, 0, "observed time defaults to now");
    otel_span_context_t other = ctx;
    memset(other.trace_id.bytes, 0x11, 16);
    in.span_context = &other;
    otel_log__record_t *given = otel_log__record_copy(&in, &limits, NULL, &scope);
    cr_assert_eq(given->data.trace_id.bytes[0], 0x11);
    otel_log__record_free(none);
    otel_log__record_free(r);
    otel_log__record_free(given);
}

Test(logs_sdk, same_scope_gives_the_same_logger)
{
    otel_logger_provider_t *p;
    cr_assert_eq(otel_logger_provider_create(NULL, NULL, NULL, &p), OTEL_OK);
    otel_scope_t copy = scope;
    otel_logger_t *a = otel_logger_provider_get_logger(p, &scope);
    otel_logger_t *b = otel_logger_provider_get_logger(p, &copy);
    otel_scope_t other = {.name = OTEL_STR("other")};
    cr_assert_eq(a, b);
    cr_assert_neq(a, otel_logger_provider_get_logger(p, &other));
    otel_log_record_t rec = message("dropped: no processor");
    cr_assert_eq(otel_logger_emit(a, &rec), OTEL_OK);
    otel_logger_provider_destroy(p);
}

Test(logs_sdk, batch_processor_exports_on_flush_and_on_shutdown)
{
    capture_t cap;
    otel_log_record_processor_t *proc;
    otel_batch_log_record_processor_options_t o;
    otel_batch_log_record_processor_options_init(&o);
    o.schedule_delay_ms = 60000; /* only flush/shutdown/full batches export */
    cr_assert_eq(otel_batch_log_record_processor_create(&o, capture_exporter(&cap), &proc), OTEL_OK);
    otel_logger_provider_t *p;
    cr_assert_eq(otel_logger_provider_create(NULL, NULL, proc, &p), OTEL_OK);
    otel_logger_t *l = otel_logger_provider_get_logger(p, &scope);
    otel_attribute_t attrs[1] = {OTEL_ATTR_STR("http.route", "/x")};
    for (int i = 0; i < 10; i++) {
        otel_log_record_t rec = message(i == 9 ? "last" : "one");
        rec.attributes = attrs;
        rec.attribute_count = 1;
        cr_assert_eq(otel_logger_emit(l, &rec), OTEL_OK);
    }
    cr_assert_eq(cap.records, 0, "nothing before the flush");
    cr_assert_eq(otel_logger_provider_force_flush(p, 5000), OTEL_OK);
    cr_assert_eq(cap.records, 10);
    cr_assert_str_eq(cap.last_body, "last");
    cr_assert_str_eq(cap.last_attr_key, "http.route");
    otel_log_record_t rec = message("at shutdown");
    otel_logger_emit(l, &rec);
    cr_assert_eq(otel_logger_provider_shutdown(p, 5000), OTEL_OK);
    cr_assert_eq(cap.records, 11);
    cr_assert(cap.shut_down);
    cr_assert_eq(otel_logger_emit(l, &rec), OTEL_ERR_SHUTDOWN);
    otel_log_record_processor_stats_t st;
    otel_logger_provider_get_stats(p, &st);
    cr_assert_eq(st.records_received, 12);
    cr_assert_eq(st.records_exported, 11);
    cr_assert_eq(st.records_dropped, 1);
    cr_assert_eq(st.queue_capacity, 2048);
    otel_logger_provider_destroy(p);
    cr_assert(cap.destroyed);
}

Test(logs_sdk, full_queue_drops_without_blocking_and_counts)
{
    capture_t cap;
    otel_log_record_exporter_t exp = capture_exporter(&cap);
    cap.delay_ms = 300; /* a slow exporter: the queue fills up */
    otel_batch_log_record_processor_options_t o = {
        .max_queue_size = 8, .schedule_delay_ms = 5, .export_timeout_ms = 1000, .max_export_batch_size = 4};
    otel_log_record_processor_t *proc;
    cr_assert_eq(otel_batch_log_record_processor_create(&o, exp, &proc), OTEL_OK);
    otel_logger_provider_t *p;
    otel_logger_provider_create(NULL, NULL, proc, &p);
    otel_logger_t *l = otel_logger_provider_get_logger(p, &scope);
    uint64_t start = otel_time_monotonic_ns();
    size_t full = 0;
    for (int i = 0; i < 1000; i++) {
        otel_log_record_t rec = message("x");
        full += otel_logger_emit(l, &rec) == OTEL_ERR_QUEUE_FULL;
    }
    uint64_t took_ms = (otel_time_monotonic_ns() - start) / 1000000;
    cr_assert_lt(took_ms, 100, "emitting never waits for the exporter (%llu ms)", (unsigned long long)took_ms);
    cr_assert_geq(full, 1000 - 8 - 4);
    otel_log_record_processor_stats_t st;
    otel_logger_provider_get_stats(p, &st);
    cr_assert_eq(st.records_dropped, full);
    /* queue_size counts the queue and the batch in the exporter's hands: when the export thread took its first
     * batch while the loop was still emitting, the queue filled up again behind it (hence 8 + 4 above too). */
    cr_assert_leq(st.queue_size, 8 + 4);
    otel_logger_provider_destroy(p);
    cr_assert_eq(cap.records + full, 1000, "everything is either exported or counted as dropped");
}

Test(logs_sdk, a_full_batch_wakes_the_export_thread_before_the_schedule_delay)
{
    capture_t cap;
    otel_batch_log_record_processor_options_t o = {
        .max_queue_size = 64, .schedule_delay_ms = 60000, .export_timeout_ms = 1000, .max_export_batch_size = 16};
    otel_log_record_processor_t *proc;
    otel_batch_log_record_processor_create(&o, capture_exporter(&cap), &proc);
    otel_logger_provider_t *p;
    otel_logger_provider_create(NULL, NULL, proc, &p);
    otel_logger_t *l = otel_logger_provider_get_logger(p, &scope);
    for (int i = 0; i < 16; i++) {
        otel_log_record_t rec = message("x");
        otel_logger_emit(l, &rec);
    }
    for (int i = 0; i < 200 && cap.records < 16; i++) {
        struct timespec ts = {0, 10000000L};
        nanosleep(&ts, NULL);
    }
    cr_assert_eq(cap.records, 16);
    otel_logger_provider_destroy(p);
}

static otel_logger_t *shared_logger;

static void *emit_many(void *arg)
{
    (void)arg;
    for (int i = 0; i < 5000; i++) {
        otel_log_record_t rec = message("t");
        cr_assert_eq(otel_logger_emit(shared_logger, &rec), OTEL_OK);
    }
    return NULL;
}

Test(logs_sdk, many_threads_emit_concurrently_and_nothing_is_lost_or_double_counted)
{
    capture_t cap;
    otel_batch_log_record_processor_options_t o = {
        .max_queue_size = 1 << 15, .schedule_delay_ms = 5, .export_timeout_ms = 1000, .max_export_batch_size = 512};
    otel_log_record_processor_t *proc;
    otel_batch_log_record_processor_create(&o, capture_exporter(&cap), &proc);
    otel_logger_provider_t *p;
    otel_logger_provider_create(NULL, NULL, proc, &p);
    shared_logger = otel_logger_provider_get_logger(p, &scope);
    pthread_t threads[4];
    for (int t = 0; t < 4; t++)
        pthread_create(&threads[t], NULL, emit_many, NULL);
    for (int t = 0; t < 4; t++)
        pthread_join(threads[t], NULL);
    cr_assert_eq(otel_logger_provider_shutdown(p, 5000), OTEL_OK);
    cr_assert_eq(cap.records, 20000);
    otel_log_record_processor_stats_t st;
    otel_logger_provider_get_stats(p, &st);
    cr_assert_eq(st.records_received, 20000);
    cr_assert_eq(st.records_exported, 20000);
    cr_assert_eq(st.records_dropped, 0);
    cr_assert_eq(st.queue_size, 0);
    otel_logger_provider_destroy(p);
}

Test(logs_sdk, logs_exporter_and_blrp_come_from_the_environment)
{
    char err[256] = "";
    otel_logger_provider_t *p = NULL;
    setenv("OTEL_LOGS_EXPORTER", "kafka", 1);
    cr_assert_eq(otel_logger_provider_create_from_env(NULL, &p, err, sizeof(err)), OTEL_ERR_CONFIG);
    cr_assert_null(p);
    cr_assert(strncmp(err, "OTEL_LOGS_EXPORTER: unknown exporter 'kafka'", 44) == 0, "%s", err);
    setenv("OTEL_LOGS_EXPORTER", "none", 1);
    setenv("OTEL_BLRP_MAX_QUEUE_SIZE", "-3", 1);
    cr_assert_eq(otel_logger_provider_create_from_env(NULL, &p, err, sizeof(err)), OTEL_OK, "none ignores BLRP");
    otel_logger_provider_destroy(p);
    setenv("OTEL_LOGS_EXPORTER", "otlp", 1);
    cr_assert_eq(otel_logger_provider_create_from_env(NULL, &p, err, sizeof(err)), OTEL_ERR_CONFIG);
    cr_assert_str_eq(err, "OTEL_BLRP_MAX_QUEUE_SIZE: expected an integer >= 1, got '-3'");
    setenv("OTEL_BLRP_MAX_QUEUE_SIZE", "16", 1);
    setenv("OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT", "many", 1);
    cr_assert_eq(otel_logger_provider_create_from_env(NULL, &p, err, sizeof(err)), OTEL_ERR_CONFIG);
    cr_assert_str_eq(err, "OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT: expected an integer >= 0, got 'many'");
    unsetenv("OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT");
    otel_batch_log_record_processor_options_t o;
    otel_batch_log_record_processor_options_init(&o);
    setenv("OTEL_BLRP_SCHEDULE_DELAY", "250", 1);
    setenv("OTEL_BLRP_MAX_EXPORT_BATCH_SIZE", "8", 1);
    setenv("OTEL_BLRP_EXPORT_TIMEOUT", "900", 1);
    cr_assert_eq(otel_batch_log_record_processor_options_from_env(&o, err, sizeof(err)), OTEL_OK);
    cr_assert_eq(o.max_queue_size, 16);
    cr_assert_eq(o.schedule_delay_ms, 250);
    cr_assert_eq(o.max_export_batch_size, 8);
    cr_assert_eq(o.export_timeout_ms, 900);
}

Test(logs_sdk, console_exporter_writes_one_otlp_json_line_per_record)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    otel_log_record_exporter_t exp;
    cr_assert_eq(otel_console_log_record_exporter_create(mem, &exp), OTEL_OK);
    otel_log_record_processor_t *proc;
    otel_simple_log_record_processor_create(exp, &proc);
    otel_attribute_t res_attrs[1] = {OTEL_ATTR_STR("service.name", "h2otel")};
    otel_resource_t *res = otel_resource_create(res_attrs, 1, NULL);
    otel_logger_provider_t *p;
    otel_logger_provider_create(res, NULL, proc, &p);
    otel_resource_destroy(res);
    otel_logger_t *l = otel_logger_provider_get_logger(p, &scope);
    otel_attribute_t map[2] = {OTEL_ATTR_STR("msg", "say \"hi\"\n"), OTEL_ATTR_INT("n", 7)};
    otel_span_context_t ctx = {.trace_flags = 1};
    memset(ctx.trace_id.bytes, 0x0a, 16);
    memset(ctx.span_id.bytes, 0x0b, 8);
    otel_log_record_t rec = {.timestamp_ns = 1700000000000000001ULL,
                             .observed_timestamp_ns = 1700000000000000002ULL,
                             .severity_number = OTEL_SEVERITY_WARN,
                             .severity_text = OTEL_STR("WARN"),
                             .body_map = map,
                             .body_map_count = 2,
                             .span_context = &ctx};
    cr_assert_eq(otel_logger_emit(l, &rec), OTEL_OK);
    otel_logger_provider_destroy(p);
    fclose(mem);
    const char *expect =
        "{\"resourceLogs\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":"
        "\"h2otel\"}}]},\"scopeLogs\":[{\"scope\":{\"name\":\"test.logs\",\"version\":\"1.0\"},\"logRecords\":[{"
        "\"timeUnixNano\":\"1700000000000000001\",\"observedTimeUnixNano\":\"1700000000000000002\","
        "\"severityNumber\":13,\"severityText\":\"WARN\",\"body\":{\"kvlistValue\":{\"values\":[{\"key\":\"msg\","
        "\"value\":{\"stringValue\":\"say \\\"hi\\\"\\n\"}},{\"key\":\"n\",\"value\":{\"intValue\":\"7\"}}]}},"
        "\"attributes\":[],\"traceId\":\"0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a\",\"spanId\":\"0b0b0b0b0b0b0b0b\",\"flags\":"
        "1}]}]}]}\n";
    cr_assert_str_eq(buf, expect);
    free(buf);
}

Test(logs_sdk, shutdown_is_bounded_and_counts_what_it_could_not_export)
{
    capture_t cap;
    otel_log_record_exporter_t exp = capture_exporter(&cap);
    cap.delay_ms = 400; /* each export is slow, as with a Collector that does not answer */
    otel_batch_log_record_processor_options_t o = {
        .max_queue_size = 64, .schedule_delay_ms = 60000, .export_timeout_ms = 1000, .max_export_batch_size = 4};
    otel_log_record_processor_t *proc;
    otel_batch_log_record_processor_create(&o, exp, &proc);
    otel_logger_provider_t *p;
    otel_logger_provider_create(NULL, NULL, proc, &p);
    otel_logger_t *l = otel_logger_provider_get_logger(p, &scope);
    for (int i = 0; i < 40; i++) { /* 10 batches: 4 s of exporting */
        otel_log_record_t rec = message("x");
        otel_logger_emit(l, &rec);
    }
    uint64_t start = otel_time_monotonic_ns();
    cr_assert_eq(otel_logger_provider_shutdown(p, 500), OTEL_ERR_TIMEOUT);
    otel_logger_provider_destroy(p); /* joins: at most the export in flight */
    uint64_t took_ms = (otel_time_monotonic_ns() - start) / 1000000;
    cr_assert_lt(took_ms, 1500, "shutdown + destroy took %llu ms", (unsigned long long)took_ms);
    cr_assert_lt(cap.records, 40);
    cr_assert(cap.destroyed);
}

Test(logs_sdk, under_load_only_full_batches_are_exported_until_the_timer_or_a_flush)
{
    capture_t cap;
    otel_log_record_exporter_t exp = capture_exporter(&cap);
    cap.delay_ms = 20; /* records keep arriving while a batch is exported */
    otel_batch_log_record_processor_options_t o = {
        .max_queue_size = 2048, .schedule_delay_ms = 60000, .export_timeout_ms = 1000, .max_export_batch_size = 100};
    otel_log_record_processor_t *proc;
    otel_batch_log_record_processor_create(&o, exp, &proc);
    otel_logger_provider_t *p;
    otel_logger_provider_create(NULL, NULL, proc, &p);
    otel_logger_t *l = otel_logger_provider_get_logger(p, &scope);
    for (int i = 0; i < 1050; i++) {
        otel_log_record_t rec = message("x");
        cr_assert_eq(otel_logger_emit(l, &rec), OTEL_OK);
    }
    for (int i = 0; i < 300 && cap.calls < 10; i++) {
        struct timespec ts = {0, 10000000L};
        nanosleep(&ts, NULL);
    }
    struct timespec settle = {0, 100000000L}; /* a partial batch would be exported within this */
    nanosleep(&settle, NULL);
    pthread_mutex_lock(&cap.lock);
    cr_assert_eq(cap.calls, 10, "ten full batches, not the 50 left over (%zu calls)", cap.calls);
    cr_assert_eq(cap.smallest, 100);
    pthread_mutex_unlock(&cap.lock);
    otel_log_record_processor_stats_t st;
    otel_logger_provider_get_stats(p, &st);
    cr_assert_eq(st.queue_size, 50);
    cr_assert_eq(otel_logger_provider_force_flush(p, 5000), OTEL_OK);
    cr_assert_eq(cap.calls, 11);
    cr_assert_eq(cap.records, 1050);
    cr_assert_eq(cap.smallest, 50, "the flush exports the rest in one call");
    otel_logger_provider_get_stats(p, &st);
    cr_assert_eq(st.records_received, 1050);
    cr_assert_eq(st.queue_size, 0);
    otel_logger_provider_destroy(p);
}

Test(logs_sdk, a_record_too_large_for_a_pool_block_is_copied_whole)
{
    static char big[3 * OTEL_LOG__BLOCK_SIZE];
    memset(big, 'v', sizeof(big));
    otel_attribute_t attrs[2] = {OTEL_ATTR_STR("small", "s"), OTEL_ATTR_STRN("big", big, sizeof(big))};
    otel_log_record_t in = message("body");
    in.attributes = attrs;
    in.attribute_count = 2;
    in.event_name = OTEL_STR("an.event");
    otel_log_record_limits_t limits = {128, UINT32_MAX};
    otel_log__record_t *r = otel_log__record_copy(&in, &limits, NULL, &scope);
    cr_assert_not_null(r);
    cr_assert_null(r->link.pool, "a heap block of its own");
    cr_assert_eq(r->data.attribute_count, 2);
    cr_assert_eq(r->data.attributes[1].value.u.string.len, sizeof(big));
    cr_assert_eq(memcmp(r->data.attributes[1].value.u.string.ptr, big, sizeof(big)), 0);
    cr_assert_eq(r->data.attributes[0].value.u.string.ptr[0], 's');
    cr_assert_eq(r->data.event_name.len, 8);
    cr_assert_eq(memcmp(r->data.body.u.string.ptr, "body", 4), 0);
    otel_log__record_t *small = otel_log__record_copy(&in, &(otel_log_record_limits_t){1, UINT32_MAX}, NULL, &scope);
    cr_assert_not_null(small->link.pool, "one small attribute fits a pool block");
    cr_assert_eq(small->data.dropped_attributes_count, 1);
    otel_log__record_t *both[2] = {r, small};
    otel_log__record_free_many(both, 2);
}

Test(logs_sdk, every_value_type_survives_the_copy)
{
    static const bool bools[] = {true, false, true};
    static const int64_t ints[] = {-1, 2};
    static const double doubles[] = {0.5};
    otel_attribute_t attrs[] = {
        OTEL_ATTR_BOOL("b", true),
        OTEL_ATTR_DOUBLE("d", 2.5),
        {OTEL_STR("sa"),
         {.type = OTEL_VALUE_STRING_ARRAY, .u.strings = {(const otel_str_t[]){OTEL_STR("a"), OTEL_STR("bc")}, 2}}},
        {OTEL_STR("ba"), {.type = OTEL_VALUE_BOOL_ARRAY, .u.bools = {bools, 3}}},
        {OTEL_STR("ia"), {.type = OTEL_VALUE_INT64_ARRAY, .u.int64s = {ints, 2}}},
        {OTEL_STR("da"), {.type = OTEL_VALUE_DOUBLE_ARRAY, .u.doubles = {doubles, 1}}},
    };
    otel_log_record_t in = message("m");
    in.attributes = attrs;
    in.attribute_count = sizeof(attrs) / sizeof(attrs[0]);
    otel_log_record_limits_t limits = {128, 1};
    otel_log__record_t *r = otel_log__record_copy(&in, &limits, NULL, &scope);
    const otel_attribute_t *a = r->data.attributes;
    cr_assert(a[0].value.u.boolean);
    cr_assert_eq(a[1].value.u.dbl, 2.5);
    cr_assert_eq(a[2].value.u.strings.count, 2);
    cr_assert_eq(a[2].value.u.strings.items[1].len, 1, "the value length limit applies to each string");
    cr_assert_eq(a[2].value.u.strings.items[1].ptr[0], 'b');
    cr_assert_eq((uintptr_t)a[2].value.u.strings.items % 8, 0);
    cr_assert_eq(a[3].value.u.bools.count, 3);
    cr_assert(a[3].value.u.bools.items[2]);
    cr_assert_eq(a[4].value.u.int64s.items[0], -1);
    cr_assert_eq((uintptr_t)a[4].value.u.int64s.items % 8, 0);
    cr_assert_eq(a[5].value.u.doubles.items[0], 0.5);
    otel_log__record_free(r);
}

/* Emitting reuses pool blocks: a record released on another thread goes back to its emitting thread's pool. */
static void *copy_two(void *arg)
{
    otel_log__record_t **out = arg;
    otel_log_record_limits_t limits = {128, UINT32_MAX};
    otel_log_record_t in = message("first");
    out[0] = otel_log__record_copy(&in, &limits, NULL, &scope);
    out[2] = otel_log__record_copy(&in, &limits, NULL, &scope); /* kept until after this thread exits */
    return NULL;
}

static void *copy_after_release(void *arg)
{
    otel_log__record_t **out = arg;
    otel_log_record_limits_t limits = {128, UINT32_MAX};
    otel_log_record_t in = message("second");
    out[0] = otel_log__record_copy(&in, &limits, NULL, &scope);
    otel_log__record_t *first = out[0];
    otel_log__record_free(first); /* local free list */
    out[1] = otel_log__record_copy(&in, &limits, NULL, &scope);
    return NULL;
}

static void *release_elsewhere(void *record)
{
    otel_log__record_free(record);
    return NULL;
}

Test(logs_sdk, pool_blocks_are_reused_and_outlive_their_thread)
{
    otel_log__record_t *got[3] = {0};
    pthread_t t;
    pthread_create(&t, NULL, copy_two, got);
    pthread_join(t, NULL);
    cr_assert_not_null(got[0]);
    cr_assert_not_null(got[0]->link.pool);
    cr_assert_eq(memcmp(got[0]->data.body.u.string.ptr, "first", 5), 0);
    /* The emitting thread is gone: releasing its records here frees them with their pool (ASan checks leaks). */
    otel_log__record_free(got[0]);
    otel_log__record_free(got[2]);

    otel_log__record_t *again[2] = {0};
    pthread_create(&t, NULL, copy_after_release, again);
    pthread_join(t, NULL);
    cr_assert_eq(again[1], again[0], "the block released on its own thread is taken again");
    otel_log__record_free(again[1]);

    /* A block released by another thread (the export thread) is taken back by its owner. */
    otel_log_record_limits_t limits = {128, UINT32_MAX};
    otel_log_record_t in = message("main");
    otel_log__record_t *mine = otel_log__record_copy(&in, &limits, NULL, &scope);
    pthread_create(&t, NULL, release_elsewhere, mine);
    pthread_join(t, NULL);
    otel_log__record_t *next = otel_log__record_copy(&in, &limits, NULL, &scope);
    cr_assert_eq(next, mine);
    otel_log__record_free(next);
}

Test(logs_sdk, static_strings_are_referenced_and_values_still_copied)
{
    static const char key[] = "url.path";
    char value[] = "/a/b";
    otel_attribute_t attrs[1] = {OTEL_ATTR_STRN(key, value, 4)};
    otel_attribute_t map[1] = {OTEL_ATTR_STRN("m", value, 4)};
    otel_log_record_t in = message("body");
    in.attributes = attrs;
    in.attribute_count = 1;
    in.event_name = OTEL_STR("http.server.request");
    in.static_strings = true;
    otel_log_record_limits_t limits = {128, 2};
    otel_log__record_t *r = otel_log__record_copy(&in, &limits, NULL, &scope);
    value[1] = 'X';
    cr_assert_eq(r->data.attributes[0].key.ptr, key, "the key is referenced");
    cr_assert_eq(r->data.severity_text.ptr, in.severity_text.ptr);
    cr_assert_eq(r->data.event_name.ptr, in.event_name.ptr);
    cr_assert_eq(r->data.attributes[0].value.u.string.len, 2, "the value limit still applies");
    cr_assert_eq(memcmp(r->data.attributes[0].value.u.string.ptr, "/a", 2), 0, "the value is a copy");
    in.body_map = map;
    in.body_map_count = 1;
    otel_log__record_t *m = otel_log__record_copy(&in, &limits, NULL, &scope);
    cr_assert(m->data.body_is_map);
    cr_assert_eq(m->data.body_map[0].key.ptr, map[0].key.ptr);
    cr_assert_eq(m->data.body_map[0].value.u.string.len, 4, "no value limit on the body");
    cr_assert_eq(memcmp(m->data.body_map[0].value.u.string.ptr, "/X/b", 4), 0);
    in.static_strings = false;
    otel_log__record_t *c = otel_log__record_copy(&in, &limits, NULL, &scope);
    cr_assert_neq(c->data.event_name.ptr, in.event_name.ptr, "copied by default");
    cr_assert_eq(memcmp(c->data.event_name.ptr, "http.server.request", 19), 0);
    otel_log__record_free(r);
    otel_log__record_free(m);
    otel_log__record_free(c);
}

/* Records that arrive while a flush exports wait for a full batch (or the next timer/flush): a flush does not turn
 * the processor into exporting every record as it comes. */
static otel_logger_t *reentrant_logger;
static size_t reentrant_calls;

static otel_status_t emit_during_export(void *self, const otel_log_record_data_t *const *records, size_t count)
{
    (void)self, (void)records, (void)count;
    if (reentrant_calls++ == 0) {
        for (int i = 0; i < 3; i++) {
            otel_log_record_t rec = message("arrived during the export");
            otel_logger_emit(reentrant_logger, &rec);
        }
    }
    return OTEL_OK;
}

Test(logs_sdk, records_arriving_during_a_flush_wait_for_a_full_batch)
{
    otel_batch_log_record_processor_options_t o = {
        .max_queue_size = 64, .schedule_delay_ms = 60000, .export_timeout_ms = 1000, .max_export_batch_size = 16};
    otel_log_record_processor_t *proc;
    otel_log_record_exporter_t exp = {.export_logs = emit_during_export};
    cr_assert_eq(otel_batch_log_record_processor_create(&o, exp, &proc), OTEL_OK);
    otel_logger_provider_t *p;
    otel_logger_provider_create(NULL, NULL, proc, &p);
    reentrant_logger = otel_logger_provider_get_logger(p, &scope);
    for (int i = 0; i < 5; i++) {
        otel_log_record_t rec = message("before");
        otel_logger_emit(reentrant_logger, &rec);
    }
    cr_assert_eq(otel_logger_provider_force_flush(p, 5000), OTEL_OK);
    otel_log_record_processor_stats_t st;
    otel_logger_provider_get_stats(p, &st);
    cr_assert_eq(st.export_calls, 1, "the flush exported the 5, not the 3 that came during it");
    cr_assert_eq(st.queue_size, 3);
    cr_assert_eq(otel_logger_provider_shutdown(p, 5000), OTEL_OK);
    otel_logger_provider_get_stats(p, &st);
    cr_assert_eq(st.records_exported, 8);
    cr_assert_eq(st.export_calls, 2);
    otel_logger_provider_destroy(p);
}
