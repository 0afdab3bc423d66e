/* SPDX-License-Identifier: Apache-2.0 */
/* OTLP metrics encoder: one collection -> ExportMetricsServiceRequest (protobuf-c, per-export arena). */
#include <string.h>
#include "export/otlp_encode_internal.h"

#define PB(x) OPENTELEMETRY__PROTO__METRICS__V1__##x
typedef Opentelemetry__Proto__Metrics__V1__ResourceMetrics pb_resource_metrics_t;
typedef Opentelemetry__Proto__Metrics__V1__ScopeMetrics pb_scope_metrics_t;
typedef Opentelemetry__Proto__Metrics__V1__Metric pb_metric_t;
typedef Opentelemetry__Proto__Metrics__V1__Sum pb_sum_t;
typedef Opentelemetry__Proto__Metrics__V1__Gauge pb_gauge_t;
typedef Opentelemetry__Proto__Metrics__V1__Histogram pb_histogram_t;
typedef Opentelemetry__Proto__Metrics__V1__ExponentialHistogram pb_exp_histogram_t;
typedef Opentelemetry__Proto__Metrics__V1__NumberDataPoint pb_number_point_t;
typedef Opentelemetry__Proto__Metrics__V1__HistogramDataPoint pb_histogram_point_t;
typedef Opentelemetry__Proto__Metrics__V1__ExponentialHistogramDataPoint pb_exp_point_t;
typedef Opentelemetry__Proto__Metrics__V1__ExponentialHistogramDataPoint__Buckets pb_buckets_t;
typedef Opentelemetry__Proto__Metrics__V1__Exemplar pb_exemplar_t;
typedef Opentelemetry__Proto__Collector__Metrics__V1__ExportMetricsServiceRequest pb_metrics_request_t;

static pb_exemplar_t **encode_exemplars(otel_arena_t *arena, const otel_metric_point_t *p, bool *ok)
{
    if (p->exemplar_count == 0 || p->exemplars == NULL)
        return NULL;
    pb_exemplar_t *ex = otel_arena__calloc(arena, p->exemplar_count * sizeof(*ex));
    pb_exemplar_t **ptrs = otel_arena__calloc(arena, p->exemplar_count * sizeof(*ptrs));
    if (ex == NULL || ptrs == NULL) {
        *ok = false;
        return NULL;
    }
    for (size_t i = 0; i < p->exemplar_count; i++) {
        const otel_exemplar_t *e = &p->exemplars[i];
        ex[i] = (pb_exemplar_t)PB(EXEMPLAR__INIT);
        ex[i].time_unix_nano = e->time_ns;
        if (e->value.type == OTEL_NUMBER_INT64) {
            ex[i].value_case = PB(EXEMPLAR__VALUE_AS_INT);
            ex[i].as_int = e->value.as_int;
        } else {
            ex[i].value_case = PB(EXEMPLAR__VALUE_AS_DOUBLE);
            ex[i].as_double = e->value.as_double;
        }
        if (otel_trace_id_is_valid(&e->trace_id)) {
            ex[i].trace_id = (ProtobufCBinaryData){16, (uint8_t *)e->trace_id.bytes};
            ex[i].span_id = (ProtobufCBinaryData){8, (uint8_t *)e->span_id.bytes};
        }
        ex[i].filtered_attributes =
            otel_otlp__attributes(arena, e->filtered_attributes, e->filtered_attribute_count, ok);
        ex[i].n_filtered_attributes = e->filtered_attributes ? e->filtered_attribute_count : 0;
        ptrs[i] = &ex[i];
    }
    return ptrs;
}

static bool encode_number_points(otel_arena_t *arena, const otel_metric_data_t *m, pb_number_point_t ***out)
{
    pb_number_point_t *pts = otel_arena__calloc(arena, m->point_count * sizeof(*pts));
    pb_number_point_t **ptrs = otel_arena__calloc(arena, m->point_count * sizeof(*ptrs));
    if (pts == NULL || ptrs == NULL)
        return false;
    bool ok = true;
    for (size_t i = 0; i < m->point_count; i++) {
        const otel_metric_point_t *p = &m->points[i];
        pts[i] = (pb_number_point_t)PB(NUMBER_DATA_POINT__INIT);
        pts[i].attributes = otel_otlp__attributes(arena, p->attributes, p->attribute_count, &ok);
        pts[i].n_attributes = p->attributes ? p->attribute_count : 0;
        pts[i].start_time_unix_nano = p->start_time_ns;
        pts[i].time_unix_nano = p->time_ns;
        if (p->value.type == OTEL_NUMBER_INT64) {
            pts[i].value_case = PB(NUMBER_DATA_POINT__VALUE_AS_INT);
            pts[i].as_int = p->value.as_int;
        } else {
            pts[i].value_case = PB(NUMBER_DATA_POINT__VALUE_AS_DOUBLE);
            pts[i].as_double = p->value.as_double;
        }
        pts[i].exemplars = encode_exemplars(arena, p, &ok);
        pts[i].n_exemplars = p->exemplars ? p->exemplar_count : 0;
        ptrs[i] = &pts[i];
    }
    *out = ptrs;
    return ok;
}

static bool encode_histogram_points(otel_arena_t *arena, const otel_metric_data_t *m, pb_histogram_point_t ***out)
{
    pb_histogram_point_t *pts = otel_arena__calloc(arena, m->point_count * sizeof(*pts));
    pb_histogram_point_t **ptrs = otel_arena__calloc(arena, m->point_count * sizeof(*ptrs));
    if (pts == NULL || ptrs == NULL)
        return false;
    bool ok = true;
    for (size_t i = 0; i < m->point_count; i++) {
        const otel_metric_point_t *p = &m->points[i];
        const otel_histogram_data_t *h = &p->histogram;
        pb_histogram_point_t *o = &pts[i];
        *o = (pb_histogram_point_t)PB(HISTOGRAM_DATA_POINT__INIT);
        o->attributes = otel_otlp__attributes(arena, p->attributes, p->attribute_count, &ok);
        o->n_attributes = p->attributes ? p->attribute_count : 0;
        o->start_time_unix_nano = p->start_time_ns;
        o->time_unix_nano = p->time_ns;
        o->count = h->count;
        o->sum_present_case = PB(HISTOGRAM_DATA_POINT__SUM_PRESENT_SUM);
        o->sum = h->sum;
        if (h->has_min_max) {
            o->min_present_case = PB(HISTOGRAM_DATA_POINT__MIN_PRESENT_MIN);
            o->min = h->min;
            o->max_present_case = PB(HISTOGRAM_DATA_POINT__MAX_PRESENT_MAX);
            o->max = h->max;
        }
        /* Borrowed: the SDK's arrays outlive the pack call. */
        o->n_bucket_counts = h->bucket_count;
        o->bucket_counts = (uint64_t *)h->bucket_counts;
        o->n_explicit_bounds = h->bound_count;
        o->explicit_bounds = (double *)h->bounds;
        o->exemplars = encode_exemplars(arena, p, &ok);
        o->n_exemplars = p->exemplars ? p->exemplar_count : 0;
        ptrs[i] = o;
    }
    *out = ptrs;
    return ok;
}

static pb_buckets_t *encode_buckets(otel_arena_t *arena, const otel_exp_histogram_buckets_t *b)
{
    pb_buckets_t *out = PB_NEW(arena, pb_buckets_t, PB(EXPONENTIAL_HISTOGRAM_DATA_POINT__BUCKETS__INIT));
    if (out != NULL) {
        out->offset = b->offset;
        out->n_bucket_counts = b->count;
        out->bucket_counts = (uint64_t *)b->counts;
    }
    return out;
}

static bool encode_exp_points(otel_arena_t *arena, const otel_metric_data_t *m, pb_exp_point_t ***out)
{
    pb_exp_point_t *pts = otel_arena__calloc(arena, m->point_count * sizeof(*pts));
    pb_exp_point_t **ptrs = otel_arena__calloc(arena, m->point_count * sizeof(*ptrs));
    if (pts == NULL || ptrs == NULL)
        return false;
    bool ok = true;
    for (size_t i = 0; i < m->point_count; i++) {
        const otel_metric_point_t *p = &m->points[i];
        const otel_exp_histogram_data_t *h = &p->exp_histogram;
        pb_exp_point_t *o = &pts[i];
        *o = (pb_exp_point_t)PB(EXPONENTIAL_HISTOGRAM_DATA_POINT__INIT);
        o->attributes = otel_otlp__attributes(arena, p->attributes, p->attribute_count, &ok);
        o->n_attributes = p->attributes ? p->attribute_count : 0;
        o->start_time_unix_nano = p->start_time_ns;
        o->time_unix_nano = p->time_ns;
        o->count = h->count;
        o->sum_present_case = PB(EXPONENTIAL_HISTOGRAM_DATA_POINT__SUM_PRESENT_SUM);
        o->sum = h->sum;
        if (h->has_min_max) {
            o->min_present_case = PB(EXPONENTIAL_HISTOGRAM_DATA_POINT__MIN_PRESENT_MIN);
            o->min = h->min;
            o->max_present_case = PB(EXPONENTIAL_HISTOGRAM_DATA_POINT__MAX_PRESENT_MAX);
            o->max = h->max;
        }
        o->scale = h->scale;
        o->zero_count = h->zero_count;
        o->zero_threshold = h->zero_threshold;
        if ((o->positive = encode_buckets(arena, &h->positive)) == NULL ||
            (o->negative = encode_buckets(arena, &h->negative)) == NULL)
            return false;
        o->exemplars = encode_exemplars(arena, p, &ok);
        o->n_exemplars = p->exemplars ? p->exemplar_count : 0;
        ptrs[i] = o;
    }
    *out = ptrs;
    return ok;
}

static bool encode_metric(otel_arena_t *arena, const otel_metric_data_t *m, pb_metric_t *o)
{
    *o = (pb_metric_t)PB(METRIC__INIT);
    if ((o->name = otel_otlp__str(arena, m->name)) == NULL ||
        (o->description = otel_otlp__str(arena, m->description)) == NULL ||
        (o->unit = otel_otlp__str(arena, m->unit)) == NULL)
        return false;
    Opentelemetry__Proto__Metrics__V1__AggregationTemporality temporality =
        (Opentelemetry__Proto__Metrics__V1__AggregationTemporality)m->temporality;
    switch (m->type) {
    case OTEL_METRIC_SUM: {
        pb_sum_t *sum = PB_NEW(arena, pb_sum_t, PB(SUM__INIT));
        if (sum == NULL || !encode_number_points(arena, m, &sum->data_points))
            return false;
        sum->n_data_points = m->point_count;
        sum->aggregation_temporality = temporality;
        sum->is_monotonic = m->is_monotonic;
        o->data_case = PB(METRIC__DATA_SUM);
        o->sum = sum;
        return true;
    }
    case OTEL_METRIC_GAUGE: {
        pb_gauge_t *gauge = PB_NEW(arena, pb_gauge_t, PB(GAUGE__INIT));
        if (gauge == NULL || !encode_number_points(arena, m, &gauge->data_points))
            return false;
        gauge->n_data_points = m->point_count;
        o->data_case = PB(METRIC__DATA_GAUGE);
        o->gauge = gauge;
        return true;
    }
    case OTEL_METRIC_HISTOGRAM: {
        pb_histogram_t *h = PB_NEW(arena, pb_histogram_t, PB(HISTOGRAM__INIT));
        if (h == NULL || !encode_histogram_points(arena, m, &h->data_points))
            return false;
        h->n_data_points = m->point_count;
        h->aggregation_temporality = temporality;
        o->data_case = PB(METRIC__DATA_HISTOGRAM);
        o->histogram = h;
        return true;
    }
    case OTEL_METRIC_EXPONENTIAL_HISTOGRAM: {
        pb_exp_histogram_t *h = PB_NEW(arena, pb_exp_histogram_t, PB(EXPONENTIAL_HISTOGRAM__INIT));
        if (h == NULL || !encode_exp_points(arena, m, &h->data_points))
            return false;
        h->n_data_points = m->point_count;
        h->aggregation_temporality = temporality;
        o->data_case = PB(METRIC__DATA_EXPONENTIAL_HISTOGRAM);
        o->exponential_histogram = h;
        return true;
    }
    }
    return false;
}

otel_status_t otel_otlp__encode_metrics(otel_arena_t *arena, const otel_metrics_data_t *data, otel_otlp__buffer_t *out,
                                        size_t *point_count)
{
    otel_arena__reset(arena, SIZE_MAX);
    *point_count = 0;
    pb_metrics_request_t request = OPENTELEMETRY__PROTO__COLLECTOR__METRICS__V1__EXPORT_METRICS_SERVICE_REQUEST__INIT;
    pb_resource_metrics_t *rm = PB_NEW(arena, pb_resource_metrics_t, PB(RESOURCE_METRICS__INIT));
    if (rm == NULL || (rm->resource = otel_otlp__resource(arena, data->resource)) == NULL ||
        (rm->schema_url = otel_otlp__str(arena, otel_resource_schema_url(data->resource))) == NULL)
        return OTEL_ERR_NO_MEMORY;
    pb_scope_metrics_t *sms = otel_arena__calloc(arena, data->scope_count * sizeof(*sms));
    rm->scope_metrics = otel_arena__calloc(arena, data->scope_count * sizeof(pb_scope_metrics_t *));
    if (data->scope_count > 0 && (sms == NULL || rm->scope_metrics == NULL))
        return OTEL_ERR_NO_MEMORY;
    for (size_t s = 0; s < data->scope_count; s++) {
        const otel_scope_metrics_t *sc = &data->scopes[s];
        if (sc->metric_count == 0)
            continue;
        pb_scope_metrics_t *sm = &sms[s];
        *sm = (pb_scope_metrics_t)PB(SCOPE_METRICS__INIT);
        otel_scope_t scope = {sc->scope_name, sc->scope_version, sc->scope_schema_url, sc->scope_attributes,
                              sc->scope_attribute_count};
        pb_metric_t *metrics = otel_arena__calloc(arena, sc->metric_count * sizeof(*metrics));
        sm->metrics = otel_arena__calloc(arena, sc->metric_count * sizeof(pb_metric_t *));
        if (metrics == NULL || sm->metrics == NULL || (sm->scope = otel_otlp__scope(arena, &scope)) == NULL ||
            (sm->schema_url = otel_otlp__str(arena, sc->scope_schema_url)) == NULL)
            return OTEL_ERR_NO_MEMORY;
        for (size_t m = 0; m < sc->metric_count; m++) {
            if (sc->metrics[m].point_count == 0)
                continue;
            if (!encode_metric(arena, &sc->metrics[m], &metrics[sm->n_metrics]))
                return OTEL_ERR_NO_MEMORY;
            sm->metrics[sm->n_metrics] = &metrics[sm->n_metrics];
            sm->n_metrics++;
            *point_count += sc->metrics[m].point_count;
        }
        if (sm->n_metrics > 0)
            rm->scope_metrics[rm->n_scope_metrics++] = sm;
    }
    pb_resource_metrics_t *rms[] = {rm};
    request.n_resource_metrics = 1;
    request.resource_metrics = rms;
    return otel_otlp__pack(&request.base, out) ? OTEL_OK : OTEL_ERR_NO_MEMORY;
}
