/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for OTEL_* trace configuration and the shared env helpers, incl. the exporter registry. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include "config/env_internal.h"
#include "unit/trace_test_exporter.h"

static void clear_env(void)
{
    const char *vars[] = {"OTEL_TRACES_EXPORTER",           "OTEL_TRACES_SAMPLER",
                          "OTEL_TRACES_SAMPLER_ARG",        "OTEL_BSP_MAX_QUEUE_SIZE",
                          "OTEL_BSP_SCHEDULE_DELAY",        "OTEL_BSP_EXPORT_TIMEOUT",
                          "OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT",
                          "OTEL_ATTRIBUTE_COUNT_LIMIT",     "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT",
                          "OTEL_SPAN_EVENT_COUNT_LIMIT",    "OTEL_SPAN_LINK_COUNT_LIMIT"};
    for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
        unsetenv(vars[i]);
}

TestSuite(trace_env, .init = clear_env);

Test(trace_env, helpers_parse_and_name_the_variable)
{
    char err[128];
    uint32_t u = 7;
    cr_expect_eq(otel_env__get_u32("H2OTEL_TEST_U32", 0, &u, err, sizeof(err)), OTEL_OK);
    cr_expect_eq(u, 7, "unset leaves the default");
    setenv("H2OTEL_TEST_U32", "  42 ", 1);
    cr_expect_eq(otel_env__get_u32("H2OTEL_TEST_U32", 0, &u, err, sizeof(err)), OTEL_OK);
    cr_expect_eq(u, 42);
    const char *bad[] = {"-1", "1.5", "abc", "99999999999", "0x10"};
    for (size_t i = 0; i < 5; i++) {
        setenv("H2OTEL_TEST_U32", bad[i], 1);
        cr_expect_eq(otel_env__get_u32("H2OTEL_TEST_U32", 0, &u, err, sizeof(err)), OTEL_ERR_CONFIG, "%s", bad[i]);
        cr_expect(strstr(err, "H2OTEL_TEST_U32") != NULL, "%s", err);
    }
    setenv("H2OTEL_TEST_U32", "0", 1);
    cr_expect_eq(otel_env__get_u32("H2OTEL_TEST_U32", 1, &u, err, sizeof(err)), OTEL_ERR_CONFIG, "below min");
    setenv("H2OTEL_TEST_U32", "   ", 1);
    cr_expect_null(otel_env__get("H2OTEL_TEST_U32"), "blank counts as unset");
    bool b = false;
    setenv("H2OTEL_TEST_BOOL", "TRUE", 1);
    cr_expect_eq(otel_env__get_bool("H2OTEL_TEST_BOOL", &b, err, sizeof(err)), OTEL_OK);
    cr_expect(b);
    setenv("H2OTEL_TEST_BOOL", "yes", 1);
    cr_expect_eq(otel_env__get_bool("H2OTEL_TEST_BOOL", &b, err, sizeof(err)), OTEL_ERR_CONFIG);
    double d = 0;
    setenv("H2OTEL_TEST_DBL", "0.125", 1);
    cr_expect_eq(otel_env__get_double("H2OTEL_TEST_DBL", &d, err, sizeof(err)), OTEL_OK);
    cr_expect_eq(d, 0.125);
    setenv("H2OTEL_TEST_DBL", "nan", 1);
    cr_expect_eq(otel_env__get_double("H2OTEL_TEST_DBL", &d, err, sizeof(err)), OTEL_ERR_CONFIG);
}

Test(trace_env, limits_from_env)
{
    setenv("OTEL_ATTRIBUTE_COUNT_LIMIT", "10", 1);
    setenv("OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "64", 1);
    setenv("OTEL_SPAN_EVENT_COUNT_LIMIT", "3", 1);
    otel_span_limits_t l;
    otel_span_limits_init(&l);
    char err[128];
    cr_assert_eq(otel_span_limits_from_env(&l, err, sizeof(err)), OTEL_OK);
    cr_expect_eq(l.attribute_count_limit, 10);
    cr_expect_eq(l.attribute_value_length_limit, 64);
    cr_expect_eq(l.event_count_limit, 3);
    cr_expect_eq(l.link_count_limit, 128);
    setenv("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "5", 1);
    cr_assert_eq(otel_span_limits_from_env(&l, err, sizeof(err)), OTEL_OK);
    cr_expect_eq(l.attribute_count_limit, 5, "the span-specific limit wins");
    setenv("OTEL_SPAN_LINK_COUNT_LIMIT", "many", 1);
    cr_expect_eq(otel_span_limits_from_env(&l, err, sizeof(err)), OTEL_ERR_CONFIG);
    cr_expect(strstr(err, "OTEL_SPAN_LINK_COUNT_LIMIT") != NULL);
}

Test(trace_env, bsp_options_from_env)
{
    setenv("OTEL_BSP_MAX_QUEUE_SIZE", "100", 1);
    setenv("OTEL_BSP_SCHEDULE_DELAY", "250", 1);
    otel_batch_span_processor_options_t o;
    otel_batch_span_processor_options_init(&o);
    char err[128];
    cr_assert_eq(otel_batch_span_processor_options_from_env(&o, err, sizeof(err)), OTEL_OK);
    cr_expect_eq(o.max_queue_size, 100);
    cr_expect_eq(o.schedule_delay_ms, 250);
    cr_expect_eq(o.max_export_batch_size, 512);
    setenv("OTEL_BSP_EXPORT_TIMEOUT", "0", 1);
    cr_expect_eq(otel_batch_span_processor_options_from_env(&o, err, sizeof(err)), OTEL_ERR_CONFIG);
    cr_expect(strstr(err, "OTEL_BSP_EXPORT_TIMEOUT") != NULL);
    cr_expect_eq(o.schedule_delay_ms, 250, "unchanged on error");
}

Test(trace_env, exporter_none_console_and_unknown)
{
    otel_tracer_provider_options_t o;
    char err[256] = "";
    setenv("OTEL_TRACES_EXPORTER", "none", 1);
    otel_tracer_provider_options_init(&o);
    cr_assert_eq(otel_tracer_provider_options_from_env(&o, err, sizeof(err)), OTEL_OK);
    cr_expect_eq(o.processor_count, 0);
    cr_expect_not_null(o.sampler);
    otel_tracer_provider_t *p;
    cr_assert_eq(otel_tracer_provider_create(&o, &p), OTEL_OK);
    otel_tracer_provider_destroy(p);

    setenv("OTEL_TRACES_EXPORTER", "console", 1);
    otel_tracer_provider_options_init(&o);
    cr_assert_eq(otel_tracer_provider_options_from_env(&o, err, sizeof(err)), OTEL_OK);
    cr_expect_eq(o.processor_count, 1);
    cr_assert_eq(otel_tracer_provider_create(&o, &p), OTEL_OK);
    otel_tracer_provider_destroy(p);

    /* Before the OTLP module registers itself, "otlp" (also the default) is a clear error. */
    unsetenv("OTEL_TRACES_EXPORTER");
    otel_tracer_provider_options_init(&o);
    cr_expect_eq(otel_tracer_provider_options_from_env(&o, err, sizeof(err)), OTEL_ERR_CONFIG);
    cr_expect(strstr(err, "OTEL_TRACES_EXPORTER") != NULL && strstr(err, "otlp") != NULL, "%s", err);
    cr_expect_null(o.sampler, "nothing allocated on error");
    setenv("OTEL_TRACES_EXPORTER", "zipkin", 1);
    cr_expect_eq(otel_tracer_provider_options_from_env(&o, err, sizeof(err)), OTEL_ERR_CONFIG);
    cr_expect(strstr(err, "zipkin") != NULL, "%s", err);
    setenv("OTEL_TRACES_EXPORTER", "none,console", 1);
    cr_expect_eq(otel_tracer_provider_options_from_env(&o, err, sizeof(err)), OTEL_ERR_CONFIG);
    setenv("OTEL_TRACES_EXPORTER", "console", 1);
    setenv("OTEL_TRACES_SAMPLER", "bogus", 1);
    cr_expect_eq(otel_tracer_provider_options_from_env(&o, err, sizeof(err)), OTEL_ERR_CONFIG);
    cr_expect(strstr(err, "OTEL_TRACES_SAMPLER") != NULL, "%s", err);
}

Test(trace_env, sdk_disabled_records_nothing_but_still_propagates)
{
    setenv("OTEL_SDK_DISABLED", "true", 1);
    setenv("OTEL_TRACES_EXPORTER", "zipkin", 1); /* not even looked at */
    otel_tracer_provider_options_t o;
    otel_tracer_provider_options_init(&o);
    char err[256];
    cr_assert_eq(otel_tracer_provider_options_from_env(&o, err, sizeof(err)), OTEL_OK, "%s", err);
    cr_expect_eq(o.processor_count, 0);
    otel_tracer_provider_t *p;
    cr_assert_eq(otel_tracer_provider_create(&o, &p), OTEL_OK);
    otel_span_t *s = otel_tracer_start_span(test_tracer(p), OTEL_STR("x"), NULL);
    cr_expect_not(otel_span_is_recording(s));
    otel_span_context_t ctx = otel_span_get_context(s);
    cr_expect(otel_span_context_is_valid(&ctx));
    otel_span_end(s, 0);
    otel_tracer_provider_destroy(p);
    setenv("OTEL_SDK_DISABLED", "maybe", 1);
    otel_tracer_provider_options_init(&o);
    cr_expect_eq(otel_tracer_provider_options_from_env(&o, err, sizeof(err)), OTEL_ERR_CONFIG);
    cr_expect(strstr(err, "OTEL_SDK_DISABLED") != NULL, "%s", err);
}

Test(trace_env, create_from_env_in_one_call)
{
    setenv("OTEL_TRACES_EXPORTER", "none", 1);
    setenv("OTEL_SERVICE_NAME", "from-env", 1);
    otel_tracer_provider_t *p = NULL;
    char err[256];
    cr_assert_eq(otel_tracer_provider_create_from_env("9.9", &p, err, sizeof(err)), OTEL_OK, "%s", err);
    const otel_attribute_t *name = otel_resource_find(otel_tracer_provider_resource(p), OTEL_STR("service.name"));
    cr_assert_not_null(name);
    cr_expect_eq(name->value.u.string.len, 8);
    cr_expect_not_null(otel_resource_find(otel_tracer_provider_resource(p), OTEL_STR("service.version")));
    otel_tracer_provider_destroy(p);
    setenv("OTEL_BSP_MAX_QUEUE_SIZE", "lots", 1);
    setenv("OTEL_TRACES_EXPORTER", "console", 1);
    p = NULL;
    cr_expect_eq(otel_tracer_provider_create_from_env(NULL, &p, err, sizeof(err)), OTEL_ERR_CONFIG);
    cr_expect_null(p);
    cr_expect(strstr(err, "OTEL_BSP_MAX_QUEUE_SIZE") != NULL, "%s", err);
}

static mem_exporter_t mem;

static otel_status_t mem_factory(void *data, otel_span_exporter_t *out, char *err, size_t err_len)
{
    (void)err, (void)err_len;
    *out = mem_exporter_init(data);
    return OTEL_OK;
}

Test(trace_env, registered_factory_is_used_for_its_name)
{
    cr_expect_eq(otel_span_exporter_register("none", mem_factory, &mem), OTEL_ERR_INVALID_ARGUMENT);
    cr_assert_eq(otel_span_exporter_register("otlp", mem_factory, &mem), OTEL_OK);
    setenv("OTEL_TRACES_EXPORTER", "otlp", 1);
    setenv("OTEL_TRACES_SAMPLER", "always_on", 1);
    setenv("OTEL_BSP_SCHEDULE_DELAY", "10", 1);
    otel_tracer_provider_options_t o;
    otel_tracer_provider_options_init(&o);
    char err[256];
    cr_assert_eq(otel_tracer_provider_options_from_env(&o, err, sizeof(err)), OTEL_OK, "%s", err);
    otel_tracer_provider_t *p;
    cr_assert_eq(otel_tracer_provider_create(&o, &p), OTEL_OK);
    otel_span_end(otel_tracer_start_span(test_tracer(p), OTEL_STR("via-registry"), NULL), 0);
    cr_expect_eq(otel_tracer_provider_force_flush(p, 2000), OTEL_OK);
    cr_expect_eq(atomic_load(&mem.exported), 1);
    cr_expect_str_eq(mem.kept[0].name, "via-registry");
    otel_tracer_provider_destroy(p);
}
