/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers for the metrics tests: collect into OTLP-JSON and find metrics, points and values in it. */
#ifndef METRICS_TEST_UTIL_H
#define METRICS_TEST_UTIL_H

#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include "metrics/metrics_internal.h"
#include "metrics/metrics_json.h"

static otel_status_t json_sink(const otel_metrics_data_t *data, void *user)
{
    *(json_t **)user = otel_metrics__to_json(data);
    return OTEL_OK;
}

/** Collects `p` and returns the OTLP-JSON (caller json_decref's it). */
static inline json_t *collect_json(otel_meter_provider_t *p, otel_temporality_preference_t pref)
{
    json_t *out = NULL;
    cr_assert_eq(otel_meter_provider_collect(p, pref, json_sink, &out), OTEL_OK);
    cr_assert_not_null(out);
    return out;
}

/** The metric named `name` (any scope), or NULL. */
static inline json_t *find_metric(json_t *root, const char *name)
{
    json_t *scopes = json_object_get(json_array_get(json_object_get(root, "resourceMetrics"), 0), "scopeMetrics");
    size_t i, k;
    json_t *sm, *m;
    json_array_foreach(scopes, i, sm)
        json_array_foreach(json_object_get(sm, "metrics"), k,
                           m) if (strcmp(json_string_value(json_object_get(m, "name")), name) == 0) return m;
    return NULL;
}

/** The body of a metric ("sum", "gauge", "histogram" or "exponentialHistogram"). */
static inline json_t *metric_body(json_t *m)
{
    const char *keys[] = {"sum", "gauge", "histogram", "exponentialHistogram"};
    for (int i = 0; i < 4; i++)
        if (json_object_get(m, keys[i]) != NULL)
            return json_object_get(m, keys[i]);
    return NULL;
}

static inline json_t *points_of(json_t *m)
{
    return json_object_get(metric_body(m), "dataPoints");
}

/** The point whose string attribute `key` is `value` (key NULL: the point without attributes). */
static inline json_t *find_point(json_t *m, const char *key, const char *value)
{
    size_t i, k;
    json_t *pt, *a;
    json_array_foreach(points_of(m), i, pt)
    {
        json_t *attrs = json_object_get(pt, "attributes");
        if (key == NULL && json_array_size(attrs) == 0)
            return pt;
        json_array_foreach(attrs, k, a)
        {
            if (key == NULL || strcmp(json_string_value(json_object_get(a, "key")), key) != 0)
                continue;
            json_t *v = json_object_get(a, "value"), *s = json_object_get(v, "stringValue");
            if (value == NULL || (s != NULL && strcmp(json_string_value(s), value) == 0))
                return pt;
        }
    }
    return NULL;
}

/** A 64-bit integer field encoded as a JSON string (OTLP-JSON). */
static inline long long json_i64(json_t *o, const char *field)
{
    json_t *v = json_object_get(o, field);
    cr_assert_not_null(v, "field %s missing", field);
    return strtoll(json_string_value(v), NULL, 10);
}

static inline double json_dbl(json_t *o, const char *field)
{
    json_t *v = json_object_get(o, field);
    cr_assert_not_null(v, "field %s missing", field);
    return json_number_value(v);
}

static inline long long bucket(json_t *pt, size_t i)
{
    return strtoll(json_string_value(json_array_get(json_object_get(pt, "bucketCounts"), i)), NULL, 10);
}

/** A provider with `limit` and `filter` (0 limit: default), one meter, and the options helper below. */
static inline otel_meter_provider_t *make_provider(uint32_t limit, otel_exemplar_filter_t filter, otel_meter_t **meter)
{
    otel_meter_provider_options_t o;
    otel_meter_provider_options_init(&o);
    if (limit)
        o.cardinality_limit = limit;
    o.exemplar_filter = filter;
    otel_meter_provider_t *p = NULL;
    cr_assert_eq(otel_meter_provider_create(&o, &p), OTEL_OK);
    cr_assert_eq(otel_meter_provider_get_meter(p, "test", "1.0", NULL, meter), OTEL_OK);
    return p;
}

static inline otel_instrument_t *make_instrument(otel_meter_t *meter, const char *name, otel_instrument_kind_t kind,
                                                 otel_number_type_t type)
{
    otel_instrument_t *inst = NULL;
    otel_instrument_options_t o = {.name = name, .kind = kind, .value_type = type, .unit = "1"};
    cr_assert_eq(otel_meter_create_instrument(meter, &o, &inst), OTEL_OK, "creating %s", name);
    return inst;
}

#endif
