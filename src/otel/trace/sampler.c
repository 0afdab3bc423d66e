/* SPDX-License-Identifier: Apache-2.0 */
/* Samplers: always_on/off, trace-id ratio, parent-based, custom; OTEL_TRACES_SAMPLER(_ARG). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "config/env_internal.h"
#include "otel/sampler.h"

typedef enum sampler_kind { ALWAYS_ON, ALWAYS_OFF, RATIO, PARENT_BASED, CUSTOM } sampler_kind_t;

struct otel_sampler {
    sampler_kind_t kind;
    uint64_t threshold; /* RATIO: sample when the trace id's low 8 bytes < threshold */
    bool ratio_all;     /* RATIO with ratio 1.0 (threshold cannot express 2^64) */
    otel_sampler_t *root;
    otel_sampler_fn_t fn;
    void *user;
    char description[160];
};

static otel_sampler_t *sampler_new(sampler_kind_t kind, const char *description)
{
    otel_sampler_t *s = calloc(1, sizeof(*s));
    if (s != NULL) {
        s->kind = kind;
        snprintf(s->description, sizeof(s->description), "%.127s", description);
    }
    return s;
}

otel_sampler_t *otel_sampler_always_on_create(void)
{
    return sampler_new(ALWAYS_ON, "AlwaysOnSampler");
}

otel_sampler_t *otel_sampler_always_off_create(void)
{
    return sampler_new(ALWAYS_OFF, "AlwaysOffSampler");
}

otel_sampler_t *otel_sampler_trace_id_ratio_create(double ratio)
{
    if (!(ratio >= 0.0 && ratio <= 1.0))
        return NULL;
    char d[64];
    snprintf(d, sizeof(d), "TraceIdRatioBased{%f}", ratio);
    otel_sampler_t *s = sampler_new(RATIO, d);
    if (s != NULL) {
        s->ratio_all = ratio >= 1.0;
        s->threshold = s->ratio_all ? UINT64_MAX : (uint64_t)ldexp(ratio, 64);
    }
    return s;
}

otel_sampler_t *otel_sampler_parent_based_create(otel_sampler_t *root)
{
    if (root == NULL && (root = otel_sampler_always_on_create()) == NULL)
        return NULL;
    char d[160];
    snprintf(d, sizeof(d), "ParentBased{root=%.120s}", root->description);
    otel_sampler_t *s = sampler_new(PARENT_BASED, d);
    if (s == NULL) {
        otel_sampler_destroy(root);
        return NULL;
    }
    s->root = root;
    return s;
}

otel_sampler_t *otel_sampler_custom_create(otel_sampler_fn_t fn, void *user, const char *description)
{
    if (fn == NULL)
        return NULL;
    otel_sampler_t *s = sampler_new(CUSTOM, description != NULL ? description : "CustomSampler");
    if (s != NULL) {
        s->fn = fn;
        s->user = user;
    }
    return s;
}

void otel_sampler_destroy(otel_sampler_t *sampler)
{
    if (sampler == NULL)
        return;
    otel_sampler_destroy(sampler->root);
    free(sampler);
}

const char *otel_sampler_description(const otel_sampler_t *sampler)
{
    return sampler != NULL ? sampler->description : "";
}

otel_sampling_decision_t otel_sampler_should_sample(const otel_sampler_t *sampler, const otel_span_context_t *parent,
                                                    const otel_trace_id_t *trace_id, otel_str_t name,
                                                    otel_span_kind_t kind, const otel_attribute_t *attributes,
                                                    size_t attribute_count)
{
    if (sampler == NULL)
        return OTEL_SAMPLING_DROP;
    switch (sampler->kind) {
    case ALWAYS_ON:
        return OTEL_SAMPLING_RECORD_AND_SAMPLE;
    case ALWAYS_OFF:
        return OTEL_SAMPLING_DROP;
    case RATIO: {
        if (sampler->ratio_all)
            return OTEL_SAMPLING_RECORD_AND_SAMPLE;
        uint64_t x = 0;
        for (int i = 8; i < 16; i++)
            x = x << 8 | trace_id->bytes[i];
        return x < sampler->threshold ? OTEL_SAMPLING_RECORD_AND_SAMPLE : OTEL_SAMPLING_DROP;
    }
    case PARENT_BASED:
        if (parent != NULL && otel_span_context_is_valid(parent))
            return otel_span_context_is_sampled(parent) ? OTEL_SAMPLING_RECORD_AND_SAMPLE : OTEL_SAMPLING_DROP;
        return otel_sampler_should_sample(sampler->root, parent, trace_id, name, kind, attributes, attribute_count);
    case CUSTOM:
        return sampler->fn(sampler->user, parent, trace_id, name, kind, attributes, attribute_count);
    }
    return OTEL_SAMPLING_DROP;
}

otel_status_t otel_sampler_create_from_config(const char *name, const char *arg, otel_sampler_t **out, char *err,
                                              size_t err_len)
{
    *out = NULL;
    if (name == NULL || *name == '\0')
        name = "parentbased_always_on";
    bool parent_based = strncmp(name, "parentbased_", 12) == 0;
    const char *base = parent_based ? name + 12 : name;
    otel_sampler_t *root = NULL;
    if (strcmp(base, "always_on") == 0) {
        root = otel_sampler_always_on_create();
    } else if (strcmp(base, "always_off") == 0) {
        root = otel_sampler_always_off_create();
    } else if (strcmp(base, "traceidratio") == 0) {
        double ratio = 1.0;
        if (arg != NULL && *arg != '\0' &&
            otel_env__parse_double("OTEL_TRACES_SAMPLER_ARG", arg, &ratio, err, err_len) != OTEL_OK)
            return OTEL_ERR_CONFIG;
        if (!(ratio >= 0.0 && ratio <= 1.0))
            return otel_env__error(err, err_len, "OTEL_TRACES_SAMPLER_ARG: ratio must be within [0, 1], got '%s'", arg);
        root = otel_sampler_trace_id_ratio_create(ratio);
    } else {
        return otel_env__error(err, err_len,
                               "OTEL_TRACES_SAMPLER: unknown sampler '%s' (expected always_on, always_off, "
                               "traceidratio, parentbased_always_on, parentbased_always_off or "
                               "parentbased_traceidratio)",
                               name);
    }
    if (root != NULL && parent_based)
        root = otel_sampler_parent_based_create(root);
    if (root == NULL)
        return OTEL_ERR_NO_MEMORY;
    *out = root;
    return OTEL_OK;
}

otel_status_t otel_sampler_create_from_env(otel_sampler_t **out, char *err, size_t err_len)
{
    char name[128] = "";
    const char *v = otel_env__get("OTEL_TRACES_SAMPLER");
    if (v != NULL)
        snprintf(name, sizeof(name), "%s", v);
    return otel_sampler_create_from_config(name, otel_env__get("OTEL_TRACES_SAMPLER_ARG"), out, err, err_len);
}
