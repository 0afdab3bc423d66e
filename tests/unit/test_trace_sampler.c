/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for samplers and OTEL_TRACES_SAMPLER(_ARG). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include "otel/otel.h"

static otel_trace_id_t id_with_low(uint64_t low)
{
    otel_trace_id_t id = {{0xaa}};
    for (int i = 0; i < 8; i++)
        id.bytes[15 - i] = (uint8_t)(low >> (8 * i));
    return id;
}

static otel_sampling_decision_t decide(const otel_sampler_t *s, const otel_span_context_t *parent, uint64_t low)
{
    otel_trace_id_t id = id_with_low(low);
    return otel_sampler_should_sample(s, parent, &id, OTEL_STR("n"), OTEL_SPAN_KIND_INTERNAL, NULL, 0);
}

Test(trace_sampler, always_on_and_off)
{
    otel_sampler_t *on = otel_sampler_always_on_create(), *off = otel_sampler_always_off_create();
    cr_expect_eq(decide(on, NULL, 1), OTEL_SAMPLING_RECORD_AND_SAMPLE);
    cr_expect_eq(decide(off, NULL, 1), OTEL_SAMPLING_DROP);
    cr_expect_str_eq(otel_sampler_description(on), "AlwaysOnSampler");
    otel_sampler_destroy(on);
    otel_sampler_destroy(off);
}

Test(trace_sampler, ratio_is_deterministic_on_the_trace_id)
{
    otel_sampler_t *s = otel_sampler_trace_id_ratio_create(0.25);
    uint64_t threshold = (uint64_t)1 << 62; /* 0.25 * 2^64 */
    cr_expect_eq(decide(s, NULL, threshold - 1), OTEL_SAMPLING_RECORD_AND_SAMPLE);
    cr_expect_eq(decide(s, NULL, threshold), OTEL_SAMPLING_DROP);
    cr_expect_eq(decide(s, NULL, 0), OTEL_SAMPLING_RECORD_AND_SAMPLE);
    cr_expect_eq(decide(s, NULL, UINT64_MAX), OTEL_SAMPLING_DROP);
    for (int i = 0; i < 10; i++)
        cr_expect_eq(decide(s, NULL, 12345), decide(s, NULL, 12345));
    /* Roughly the ratio over spread ids. */
    int sampled = 0;
    for (uint64_t i = 0; i < 10000; i++)
        sampled += decide(s, NULL, i * 0x9e3779b97f4a7c15u) == OTEL_SAMPLING_RECORD_AND_SAMPLE;
    cr_expect(sampled > 2300 && sampled < 2700, "sampled %d of 10000", sampled);
    cr_expect_str_eq(otel_sampler_description(s), "TraceIdRatioBased{0.250000}");
    otel_sampler_destroy(s);
    otel_sampler_t *all = otel_sampler_trace_id_ratio_create(1.0), *none = otel_sampler_trace_id_ratio_create(0.0);
    cr_expect_eq(decide(all, NULL, UINT64_MAX), OTEL_SAMPLING_RECORD_AND_SAMPLE);
    cr_expect_eq(decide(none, NULL, 0), OTEL_SAMPLING_DROP);
    otel_sampler_destroy(all);
    otel_sampler_destroy(none);
    cr_expect_null(otel_sampler_trace_id_ratio_create(1.5));
    cr_expect_null(otel_sampler_trace_id_ratio_create(-0.1));
}

Test(trace_sampler, parent_based_follows_the_parent)
{
    otel_sampler_t *s = otel_sampler_parent_based_create(otel_sampler_always_off_create());
    otel_span_context_t sampled = {.trace_id = {{1}}, .span_id = {{1}}, .trace_flags = 1, .is_remote = true};
    otel_span_context_t unsampled = sampled;
    unsampled.trace_flags = 0;
    otel_span_context_t local = sampled;
    local.is_remote = false;
    otel_span_context_t invalid = {0};
    cr_expect_eq(decide(s, &sampled, 1), OTEL_SAMPLING_RECORD_AND_SAMPLE);
    cr_expect_eq(decide(s, &local, 1), OTEL_SAMPLING_RECORD_AND_SAMPLE);
    cr_expect_eq(decide(s, &unsampled, 1), OTEL_SAMPLING_DROP);
    cr_expect_eq(decide(s, NULL, 1), OTEL_SAMPLING_DROP, "root: asks the always_off root");
    cr_expect_eq(decide(s, &invalid, 1), OTEL_SAMPLING_DROP);
    cr_expect_str_eq(otel_sampler_description(s), "ParentBased{root=AlwaysOffSampler}");
    otel_sampler_destroy(s);
    otel_sampler_t *on = otel_sampler_parent_based_create(NULL);
    cr_expect_eq(decide(on, NULL, 1), OTEL_SAMPLING_RECORD_AND_SAMPLE);
    cr_expect_eq(decide(on, &unsampled, 1), OTEL_SAMPLING_DROP);
    otel_sampler_destroy(on);
}

static otel_sampling_decision_t by_name(void *user, const otel_span_context_t *parent, const otel_trace_id_t *id,
                                        otel_str_t name, otel_span_kind_t kind, const otel_attribute_t *attrs, size_t n)
{
    (void)user, (void)parent, (void)id, (void)kind, (void)attrs, (void)n;
    return name.len == 4 ? OTEL_SAMPLING_RECORD_ONLY : OTEL_SAMPLING_DROP;
}

Test(trace_sampler, custom_sampler_sees_the_name)
{
    otel_sampler_t *s = otel_sampler_custom_create(by_name, NULL, "ByName");
    otel_trace_id_t id = id_with_low(1);
    cr_expect_eq(otel_sampler_should_sample(s, NULL, &id, OTEL_STR("keep"), OTEL_SPAN_KIND_SERVER, NULL, 0),
                 OTEL_SAMPLING_RECORD_ONLY);
    cr_expect_eq(otel_sampler_should_sample(s, NULL, &id, OTEL_STR("drop!"), OTEL_SPAN_KIND_SERVER, NULL, 0),
                 OTEL_SAMPLING_DROP);
    otel_sampler_destroy(s);
}

Test(trace_sampler, from_config_and_env)
{
    struct {
        const char *name, *arg, *description;
    } ok[] = {
        {"always_on", NULL, "AlwaysOnSampler"},
        {"always_off", NULL, "AlwaysOffSampler"},
        {"traceidratio", "0.5", "TraceIdRatioBased{0.500000}"},
        {"traceidratio", NULL, "TraceIdRatioBased{1.000000}"},
        {"parentbased_always_on", NULL, "ParentBased{root=AlwaysOnSampler}"},
        {"parentbased_always_off", NULL, "ParentBased{root=AlwaysOffSampler}"},
        {"parentbased_traceidratio", "0.1", "ParentBased{root=TraceIdRatioBased{0.100000}}"},
    };
    char err[256];
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        otel_sampler_t *s = NULL;
        cr_expect_eq(otel_sampler_create_from_config(ok[i].name, ok[i].arg, &s, err, sizeof(err)), OTEL_OK);
        cr_expect_str_eq(otel_sampler_description(s), ok[i].description);
        otel_sampler_destroy(s);
    }
    otel_sampler_t *s = NULL;
    cr_expect_eq(otel_sampler_create_from_config("jaeger_remote", NULL, &s, err, sizeof(err)), OTEL_ERR_CONFIG);
    cr_expect(strstr(err, "OTEL_TRACES_SAMPLER") && strstr(err, "jaeger_remote"), "%s", err);
    cr_expect_eq(otel_sampler_create_from_config("traceidratio", "half", &s, err, sizeof(err)), OTEL_ERR_CONFIG);
    cr_expect(strstr(err, "OTEL_TRACES_SAMPLER_ARG") != NULL, "%s", err);
    cr_expect_eq(otel_sampler_create_from_config("traceidratio", "2", &s, err, sizeof(err)), OTEL_ERR_CONFIG);
    cr_expect_null(s);

    unsetenv("OTEL_TRACES_SAMPLER");
    cr_expect_eq(otel_sampler_create_from_env(&s, err, sizeof(err)), OTEL_OK);
    cr_expect_str_eq(otel_sampler_description(s), "ParentBased{root=AlwaysOnSampler}", "the default");
    otel_sampler_destroy(s);
    setenv("OTEL_TRACES_SAMPLER", "parentbased_traceidratio", 1);
    setenv("OTEL_TRACES_SAMPLER_ARG", "0.25", 1);
    cr_expect_eq(otel_sampler_create_from_env(&s, err, sizeof(err)), OTEL_OK);
    cr_expect_str_eq(otel_sampler_description(s), "ParentBased{root=TraceIdRatioBased{0.250000}}");
    otel_sampler_destroy(s);
}
