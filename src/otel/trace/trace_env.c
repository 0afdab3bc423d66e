/* SPDX-License-Identifier: Apache-2.0 */
/* Tracer provider options from OTEL_* variables: span limits, sampler, exporters and batch processors. */
#include <stdio.h>
#include <string.h>
#include "config/env_internal.h"
#include "trace/trace_internal.h"

otel_status_t otel_span_limits_from_env(otel_span_limits_t *limits, char *err, size_t err_len)
{
    otel_span_limits_t l = *limits;
    otel_status_t s;
    /* The general OTEL_ATTRIBUTE_* limits apply unless the span-specific ones are set. */
    if ((s = otel_env__get_u32("OTEL_ATTRIBUTE_COUNT_LIMIT", 0, &l.attribute_count_limit, err, err_len)) != OTEL_OK ||
        (s = otel_env__get_u32("OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", 0, &l.attribute_value_length_limit, err,
                               err_len)) != OTEL_OK ||
        (s = otel_env__get_u32("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", 0, &l.attribute_count_limit, err, err_len)) !=
            OTEL_OK ||
        (s = otel_env__get_u32("OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT", 0, &l.attribute_value_length_limit, err,
                               err_len)) != OTEL_OK ||
        (s = otel_env__get_u32("OTEL_SPAN_EVENT_COUNT_LIMIT", 0, &l.event_count_limit, err, err_len)) != OTEL_OK ||
        (s = otel_env__get_u32("OTEL_SPAN_LINK_COUNT_LIMIT", 0, &l.link_count_limit, err, err_len)) != OTEL_OK ||
        (s = otel_env__get_u32("OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT", 0, &l.event_attribute_count_limit, err, err_len)) !=
            OTEL_OK ||
        (s = otel_env__get_u32("OTEL_LINK_ATTRIBUTE_COUNT_LIMIT", 0, &l.link_attribute_count_limit, err, err_len)) !=
            OTEL_OK)
        return s;
    *limits = l;
    return OTEL_OK;
}

otel_status_t otel_tracer_provider_options_from_env(otel_tracer_provider_options_t *options, char *err, size_t err_len)
{
    otel_tracer_provider_options_t o = *options;
    bool disabled = false;
    otel_status_t s = otel_env__get_bool("OTEL_SDK_DISABLED", &disabled, err, err_len);
    if (s != OTEL_OK)
        return s;
    if (disabled) {
        /* The spec's kill switch: spans still propagate context but nothing records or exports. */
        otel_sampler_t *off = otel_sampler_always_off_create();
        if (off == NULL)
            return OTEL_ERR_NO_MEMORY;
        otel_sampler_destroy(options->sampler);
        options->sampler = off;
        return OTEL_OK;
    }
    otel_batch_span_processor_options_t bsp;
    otel_batch_span_processor_options_init(&bsp);
    if ((s = otel_span_limits_from_env(&o.limits, err, err_len)) != OTEL_OK ||
        (s = otel_batch_span_processor_options_from_env(&bsp, err, err_len)) != OTEL_OK)
        return s;

    /* Validate every exporter name before creating anything, so an error leaves nothing behind. */
    char list[256] = "otlp";
    const char *v = otel_env__get("OTEL_TRACES_EXPORTER");
    if (v != NULL)
        snprintf(list, sizeof(list), "%s", v);
    const char *names[OTEL_TRACER_PROVIDER_MAX_PROCESSORS];
    size_t count = 0;
    bool none = false;
    for (char *save = NULL, *tok = strtok_r(list, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ' || *tok == '\t')
            tok++;
        size_t len = strlen(tok);
        while (len > 0 && (tok[len - 1] == ' ' || tok[len - 1] == '\t'))
            tok[--len] = '\0';
        if (len == 0)
            continue;
        if (strcmp(tok, "none") == 0) {
            none = true;
            continue;
        }
        if (o.processor_count + count >= OTEL_TRACER_PROVIDER_MAX_PROCESSORS)
            return otel_env__error(err, err_len, "OTEL_TRACES_EXPORTER: too many exporters (at most %d)",
                                   OTEL_TRACER_PROVIDER_MAX_PROCESSORS);
        names[count++] = tok;
    }
    if (none && count > 0)
        return otel_env__error(err, err_len, "OTEL_TRACES_EXPORTER: 'none' cannot be combined with other exporters");

    otel_sampler_t *sampler = NULL;
    if ((s = otel_sampler_create_from_env(&sampler, err, err_len)) != OTEL_OK)
        return s;
    otel_span_processor_t *created[OTEL_TRACER_PROVIDER_MAX_PROCESSORS];
    size_t n = 0;
    for (size_t i = 0; i < count; i++) {
        otel_span_exporter_t exporter;
        if ((s = otel_span_exporter_create(names[i], &exporter, err, err_len)) != OTEL_OK ||
            (s = otel_batch_span_processor_create(&bsp, exporter, &created[n])) != OTEL_OK) {
            while (n > 0)
                otel_span_processor_destroy(created[--n]);
            otel_sampler_destroy(sampler);
            return s;
        }
        n++;
    }
    otel_sampler_destroy(o.sampler);
    o.sampler = sampler;
    for (size_t i = 0; i < n; i++)
        o.processors[o.processor_count++] = created[i];
    *options = o;
    return OTEL_OK;
}

otel_status_t otel_tracer_provider_create_from_env(const char *service_version, otel_tracer_provider_t **out, char *err,
                                                   size_t err_len)
{
    if (out == NULL)
        return OTEL_ERR_INVALID_ARGUMENT;
    *out = NULL;
    otel_tracer_provider_options_t o;
    otel_tracer_provider_options_init(&o);
    o.resource = otel_resource_create_default(service_version);
    if (o.resource == NULL)
        return OTEL_ERR_NO_MEMORY;
    otel_status_t s = otel_tracer_provider_options_from_env(&o, err, err_len);
    if (s == OTEL_OK)
        s = otel_tracer_provider_create(&o, out);
    otel_resource_destroy(o.resource); /* the provider holds its own reference */
    return s;
}
