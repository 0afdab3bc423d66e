/* SPDX-License-Identifier: Apache-2.0 */
/* OTLP-JSON for metrics: 64-bit integers as strings, ids as lowercase hex, camelCase field names. */
#include <inttypes.h>
#include <stdio.h>
#include "metrics/metrics_json.h"

static json_t *u64(uint64_t v)
{
    char buf[24];
    snprintf(buf, sizeof(buf), "%" PRIu64, v);
    return json_string(buf);
}

static json_t *i64(int64_t v)
{
    char buf[24];
    snprintf(buf, sizeof(buf), "%" PRId64, v);
    return json_string(buf);
}

static json_t *str(otel_str_t s)
{
    return json_stringn(s.ptr != NULL ? s.ptr : "", s.len);
}

static json_t *any_value(const otel_value_t *v)
{
    json_t *o = json_object(), *arr;
    switch (v->type) {
    case OTEL_VALUE_EMPTY:
        break;
    case OTEL_VALUE_STRING:
        json_object_set_new(o, "stringValue", str(v->u.string));
        break;
    case OTEL_VALUE_BOOL:
        json_object_set_new(o, "boolValue", json_boolean(v->u.boolean));
        break;
    case OTEL_VALUE_INT64:
        json_object_set_new(o, "intValue", i64(v->u.int64));
        break;
    case OTEL_VALUE_DOUBLE:
        json_object_set_new(o, "doubleValue", json_real(v->u.dbl));
        break;
    default:
        arr = json_array();
        for (size_t i = 0;; i++) {
            otel_value_t item = {0};
            if (v->type == OTEL_VALUE_STRING_ARRAY && i < v->u.strings.count)
                item = (otel_value_t){.type = OTEL_VALUE_STRING, .u.string = v->u.strings.items[i]};
            else if (v->type == OTEL_VALUE_BOOL_ARRAY && i < v->u.bools.count)
                item = (otel_value_t){.type = OTEL_VALUE_BOOL, .u.boolean = v->u.bools.items[i]};
            else if (v->type == OTEL_VALUE_INT64_ARRAY && i < v->u.int64s.count)
                item = (otel_value_t){.type = OTEL_VALUE_INT64, .u.int64 = v->u.int64s.items[i]};
            else if (v->type == OTEL_VALUE_DOUBLE_ARRAY && i < v->u.doubles.count)
                item = (otel_value_t){.type = OTEL_VALUE_DOUBLE, .u.dbl = v->u.doubles.items[i]};
            else
                break;
            json_array_append_new(arr, any_value(&item));
        }
        json_object_set_new(o, "arrayValue", json_pack("{s:o}", "values", arr));
        break;
    }
    return o;
}

static json_t *key_value(const otel_attribute_t *a)
{
    return json_pack("{s:o,s:o}", "key", str(a->key), "value", any_value(&a->value));
}

static json_t *attributes(const otel_attribute_t *attrs, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, key_value(&attrs[i]));
    return arr;
}

static void set_number(json_t *o, otel_number_t v)
{
    if (v.type == OTEL_NUMBER_INT64)
        json_object_set_new(o, "asInt", i64(v.as_int));
    else
        json_object_set_new(o, "asDouble", json_real(v.as_double));
}

static json_t *exemplars(const otel_metric_point_t *p)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < p->exemplar_count; i++) {
        const otel_exemplar_t *e = &p->exemplars[i];
        json_t *o = json_object();
        if (e->filtered_attribute_count > 0)
            json_object_set_new(o, "filteredAttributes",
                                attributes(e->filtered_attributes, e->filtered_attribute_count));
        json_object_set_new(o, "timeUnixNano", u64(e->time_ns));
        set_number(o, e->value);
        if (otel_span_id_is_valid(&e->span_id) && otel_trace_id_is_valid(&e->trace_id)) {
            char tid[33], sid[17];
            otel_hex_encode(e->trace_id.bytes, 16, tid);
            otel_hex_encode(e->span_id.bytes, 8, sid);
            json_object_set_new(o, "traceId", json_string(tid));
            json_object_set_new(o, "spanId", json_string(sid));
        }
        json_array_append_new(arr, o);
    }
    return arr;
}

static json_t *u64_array(const uint64_t *v, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, u64(v[i]));
    return arr;
}

static json_t *point(const otel_metric_data_t *m, const otel_metric_point_t *p)
{
    json_t *o = json_object();
    json_object_set_new(o, "attributes", attributes(p->attributes, p->attribute_count));
    json_object_set_new(o, "startTimeUnixNano", u64(p->start_time_ns));
    json_object_set_new(o, "timeUnixNano", u64(p->time_ns));
    if (m->type == OTEL_METRIC_SUM || m->type == OTEL_METRIC_GAUGE) {
        set_number(o, p->value);
    } else if (m->type == OTEL_METRIC_HISTOGRAM) {
        const otel_histogram_data_t *h = &p->histogram;
        json_object_set_new(o, "count", u64(h->count));
        json_object_set_new(o, "sum", json_real(h->sum));
        json_object_set_new(o, "bucketCounts", u64_array(h->bucket_counts, h->bucket_count));
        json_t *bounds = json_array();
        for (size_t i = 0; i < h->bound_count; i++)
            json_array_append_new(bounds, json_real(h->bounds[i]));
        json_object_set_new(o, "explicitBounds", bounds);
        if (h->has_min_max) {
            json_object_set_new(o, "min", json_real(h->min));
            json_object_set_new(o, "max", json_real(h->max));
        }
    } else {
        const otel_exp_histogram_data_t *x = &p->exp_histogram;
        json_object_set_new(o, "count", u64(x->count));
        json_object_set_new(o, "sum", json_real(x->sum));
        json_object_set_new(o, "scale", json_integer(x->scale));
        json_object_set_new(o, "zeroCount", u64(x->zero_count));
        json_object_set_new(o, "zeroThreshold", json_real(x->zero_threshold));
        json_object_set_new(o, "positive",
                            json_pack("{s:i,s:o}", "offset", (int)x->positive.offset, "bucketCounts",
                                      u64_array(x->positive.counts, x->positive.count)));
        json_object_set_new(o, "negative",
                            json_pack("{s:i,s:o}", "offset", (int)x->negative.offset, "bucketCounts",
                                      u64_array(x->negative.counts, x->negative.count)));
        if (x->has_min_max) {
            json_object_set_new(o, "min", json_real(x->min));
            json_object_set_new(o, "max", json_real(x->max));
        }
    }
    if (p->exemplar_count > 0)
        json_object_set_new(o, "exemplars", exemplars(p));
    return o;
}

static json_t *metric(const otel_metric_data_t *m)
{
    json_t *points = json_array();
    for (size_t i = 0; i < m->point_count; i++)
        json_array_append_new(points, point(m, &m->points[i]));
    json_t *body = json_pack("{s:o}", "dataPoints", points);
    const char *key = "gauge";
    if (m->type == OTEL_METRIC_SUM) {
        key = "sum";
        json_object_set_new(body, "isMonotonic", json_boolean(m->is_monotonic));
    } else if (m->type == OTEL_METRIC_HISTOGRAM) {
        key = "histogram";
    } else if (m->type == OTEL_METRIC_EXPONENTIAL_HISTOGRAM) {
        key = "exponentialHistogram";
    }
    if (m->type != OTEL_METRIC_GAUGE)
        json_object_set_new(body, "aggregationTemporality", json_integer(m->temporality));
    return json_pack("{s:o,s:o,s:o,s:o}", "name", str(m->name), "description", str(m->description), "unit",
                     str(m->unit), key, body);
}

json_t *otel_metrics__to_json(const otel_metrics_data_t *data)
{
    json_t *scopes = json_array();
    for (size_t i = 0; i < data->scope_count; i++) {
        const otel_scope_metrics_t *sm = &data->scopes[i];
        json_t *metrics = json_array();
        for (size_t k = 0; k < sm->metric_count; k++)
            json_array_append_new(metrics, metric(&sm->metrics[k]));
        json_t *scope = json_pack("{s:o,s:o}", "name", str(sm->scope_name), "version", str(sm->scope_version));
        if (sm->scope_attribute_count > 0)
            json_object_set_new(scope, "attributes", attributes(sm->scope_attributes, sm->scope_attribute_count));
        json_array_append_new(scopes, json_pack("{s:o,s:o,s:o}", "scope", scope, "schemaUrl", str(sm->scope_schema_url),
                                                "metrics", metrics));
    }
    json_t *resource_attrs = json_array();
    for (size_t i = 0; i < otel_resource_attribute_count(data->resource); i++)
        json_array_append_new(resource_attrs, key_value(otel_resource_attribute(data->resource, i)));
    json_t *resource = json_pack("{s:o}", "attributes", resource_attrs);
    json_t *rm = json_pack("{s:o,s:o,s:o}", "resource", resource, "schemaUrl",
                           str(otel_resource_schema_url(data->resource)), "scopeMetrics", scopes);
    return json_pack("{s:[o]}", "resourceMetrics", rm);
}
