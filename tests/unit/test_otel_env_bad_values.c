/* SPDX-License-Identifier: Apache-2.0 */
/* Bad-input table for OTEL_* environment variables: each invalid value gives OTEL_ERR_CONFIG and one line naming
 * the variable (what the service prints before exiting 2), never a crash or a silent default. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "otel/otel.h"

typedef enum reader { SAMPLER, BSP, LIMITS, PROVIDER, METRICS, METRICS_SETUP, PROPAGATORS } reader_t;

typedef struct bad_env {
    const char *name;
    const char *value;
    reader_t reader;
    const char *also_name; /* a second variable the case needs (NULL for none) */
    const char *also_value;
} bad_env_t;

static const bad_env_t table[] = {
    {"OTEL_TRACES_SAMPLER", "bogus", SAMPLER, NULL, NULL},
    {"OTEL_TRACES_SAMPLER_ARG", "abc", SAMPLER, "OTEL_TRACES_SAMPLER", "traceidratio"},
    {"OTEL_TRACES_SAMPLER_ARG", "1.5", SAMPLER, "OTEL_TRACES_SAMPLER", "traceidratio"},
    {"OTEL_TRACES_SAMPLER_ARG", "-0.1", SAMPLER, "OTEL_TRACES_SAMPLER", "parentbased_traceidratio"},
    {"OTEL_TRACES_SAMPLER_ARG", "nan", SAMPLER, "OTEL_TRACES_SAMPLER", "traceidratio"},
    {"OTEL_BSP_MAX_QUEUE_SIZE", "-5", BSP, NULL, NULL},
    {"OTEL_BSP_MAX_QUEUE_SIZE", "99999999999", BSP, NULL, NULL},
    {"OTEL_BSP_MAX_QUEUE_SIZE", "0", BSP, NULL, NULL},
    {"OTEL_BSP_SCHEDULE_DELAY", "1.5", BSP, NULL, NULL},
    {"OTEL_BSP_EXPORT_TIMEOUT", "10s", BSP, NULL, NULL},
    {"OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "0x10", BSP, NULL, NULL},
    {"OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "many", LIMITS, NULL, NULL},
    {"OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "-1", LIMITS, NULL, NULL},
    {"OTEL_SPAN_EVENT_COUNT_LIMIT", "4294967296", LIMITS, NULL, NULL},
    {"OTEL_TRACES_EXPORTER", "bogus", PROVIDER, NULL, NULL},
    {"OTEL_TRACES_EXPORTER", "none,console", PROVIDER, NULL, NULL},
    {"OTEL_METRICS_EXPORTER", "bogus", METRICS_SETUP, NULL, NULL},
    {"OTEL_METRICS_EXPORTER", "console,none", METRICS, NULL, NULL},
    {"OTEL_METRIC_EXPORT_INTERVAL", "abc", METRICS, "OTEL_METRICS_EXPORTER", "none"},
    {"OTEL_METRIC_EXPORT_TIMEOUT", "-1", METRICS, "OTEL_METRICS_EXPORTER", "none"},
    {"OTEL_METRICS_EXEMPLAR_FILTER", "sometimes", METRICS, "OTEL_METRICS_EXPORTER", "none"},
    {"OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", "sideways", METRICS, "OTEL_METRICS_EXPORTER", "none"},
    {"OTEL_PROPAGATORS", "b3", PROPAGATORS, NULL, NULL},
    {"OTEL_PROPAGATORS", "tracecontext,xray", PROPAGATORS, NULL, NULL},
};

static otel_status_t read_with(reader_t reader, char *err, size_t len)
{
    otel_status_t st = OTEL_ERR_INVALID_ARGUMENT;
    switch (reader) {
    case SAMPLER: {
        otel_sampler_t *s = NULL;
        st = otel_sampler_create_from_env(&s, err, len);
        otel_sampler_destroy(s);
        break;
    }
    case BSP: {
        otel_batch_span_processor_options_t o;
        otel_batch_span_processor_options_init(&o);
        st = otel_batch_span_processor_options_from_env(&o, err, len);
        break;
    }
    case LIMITS: {
        otel_span_limits_t l;
        otel_span_limits_init(&l);
        st = otel_span_limits_from_env(&l, err, len);
        break;
    }
    case PROVIDER: {
        otel_tracer_provider_options_t o;
        otel_tracer_provider_options_init(&o);
        st = otel_tracer_provider_options_from_env(&o, err, len);
        cr_assert(st != OTEL_OK || o.processor_count == 0, "a refused configuration allocates nothing");
        break;
    }
    case METRICS: {
        otel_metrics_env_t e;
        st = otel_metrics_env_read(&e, err, len);
        break;
    }
    case METRICS_SETUP: { /* the exporter name is checked when the SDK is set up */
        otel_meter_provider_t *provider = NULL;
        otel_periodic_reader_t *periodic = NULL;
        st = otel_metrics_setup_from_env(NULL, &provider, &periodic, err, len);
        cr_assert(st != OTEL_OK || provider == NULL, "a refused configuration allocates nothing");
        break;
    }
    case PROPAGATORS: {
        otel_propagator_t *p = NULL;
        st = otel_propagator_create_from_env(&p, err, len);
        otel_propagator_destroy(p);
        break;
    }
    }
    return st;
}

Test(otel_env_bad_values, each_bad_value_is_one_line_naming_the_variable)
{
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        const bad_env_t *row = &table[i];
        setenv(row->name, row->value, 1);
        if (row->also_name != NULL)
            setenv(row->also_name, row->also_value, 1);
        char err[512] = "";
        otel_status_t st = read_with(row->reader, err, sizeof(err));
        cr_expect_eq(st, OTEL_ERR_CONFIG, "%s=%s: status %d (%s), want OTEL_ERR_CONFIG", row->name, row->value, st,
                     err);
        const char *var = row->name;
        cr_expect(strstr(err, var) != NULL, "%s=%s: message does not name the variable: '%s'", row->name, row->value,
                  err);
        cr_expect(strchr(err, '\n') == NULL, "%s=%s: message is not one line: '%s'", row->name, row->value, err);
        unsetenv(row->name);
        if (row->also_name != NULL)
            unsetenv(row->also_name);
    }
}

Test(otel_env_bad_values, malformed_resource_attributes_are_skipped_not_fatal)
{
    /* Documented in resource.h: a malformed member is skipped with a warning; the good ones are kept. */
    setenv("OTEL_RESOURCE_ATTRIBUTES", "good=1,bad,=x,pct=%zz,\xff\xfe=\x01,service.name=svc", 1);
    otel_resource_t *r = otel_resource_create_default(NULL);
    cr_assert_not_null(r);
    cr_assert_not_null(otel_resource_find(r, OTEL_STR("good")));
    cr_assert_null(otel_resource_find(r, OTEL_STR("pct")));
    const otel_attribute_t *name = otel_resource_find(r, OTEL_STR("service.name"));
    cr_assert(name != NULL && name->value.u.string.len == 3);
    otel_resource_destroy(r);
    unsetenv("OTEL_RESOURCE_ATTRIBUTES");
}
