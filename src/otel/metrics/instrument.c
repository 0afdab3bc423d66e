/* SPDX-License-Identifier: Apache-2.0 */
/* Instrument creation: validation, duplicate detection, aggregation choice and cell layout. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "metrics/metrics_internal.h"

const double otel_http_duration_bounds[14] = {0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25,
                                              0.5,   0.75, 1,     2.5,  5,     7.5, 10};

static const double default_bounds[15] = {0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000};

#define EXP_DEFAULT_MAX_SIZE 160

static bool is_observable(otel_instrument_kind_t kind)
{
    return kind == OTEL_INSTRUMENT_OBSERVABLE_COUNTER || kind == OTEL_INSTRUMENT_OBSERVABLE_UP_DOWN_COUNTER ||
           kind == OTEL_INSTRUMENT_OBSERVABLE_GAUGE;
}

static otel_status_t reject(const char *name, const char *what, const char *why)
{
    OTEL_DIAG(OTEL_DIAG_ERROR, "instrument \"%s\" not created: %s: %s", name != NULL ? name : "(null)", what, why);
    return OTEL_ERR_INVALID_ARGUMENT;
}

static otel_status_t validate(const otel_instrument_options_t *o)
{
    const char *why;
    if ((why = otel_metrics__check_name(o->name)) != NULL)
        return reject(o->name, "bad name", why);
    if ((why = otel_metrics__check_unit(o->unit)) != NULL)
        return reject(o->name, "bad unit", why);
    if ((why = otel_metrics__check_description(o->description)) != NULL)
        return reject(o->name, "bad description", why);
    if ((unsigned)o->kind > OTEL_INSTRUMENT_OBSERVABLE_GAUGE)
        return reject(o->name, "bad kind", "not an otel_instrument_kind_t");
    if ((unsigned)o->value_type > OTEL_NUMBER_DOUBLE)
        return reject(o->name, "bad value_type", "not an otel_number_type_t");
    if (is_observable(o->kind) && o->callback == NULL)
        return reject(o->name, "no callback", "observable instruments need one");
    if ((why = otel_metrics__check_bounds(o->bucket_bounds, o->bucket_bound_count)) != NULL)
        return reject(o->name, "bad bucket bounds", why);
    if (o->histogram_aggregation == OTEL_HISTOGRAM_EXPONENTIAL &&
        ((o->exp_max_size != 0 && (o->exp_max_size < 4 || o->exp_max_size > 16384)) ||
         o->exp_max_scale < OTEL_METRICS__EXP_MIN_SCALE || o->exp_max_scale > OTEL_METRICS__EXP_MAX_SCALE))
        return reject(o->name, "bad exponential histogram options", "max_size 4..16384, max_scale -10..20");
    return OTEL_OK;
}

static const char *str_or_empty(const char *s)
{
    return s != NULL ? s : "";
}

static bool identical(const otel_instrument_t *i, const otel_instrument_options_t *o)
{
    return i->kind == o->kind && i->value_type == o->value_type && strcmp(i->unit, str_or_empty(o->unit)) == 0 &&
           strcmp(i->description, str_or_empty(o->description)) == 0;
}

size_t otel_metrics__cell_size(const otel_instrument_t *inst)
{
    switch (inst->agg) {
    case OTEL_METRICS__AGG_SUM:
        return sizeof(uint64_t);
    case OTEL_METRICS__AGG_GAUGE:
        return 2 * sizeof(uint64_t); /* value bits, sequence */
    case OTEL_METRICS__AGG_HISTOGRAM:
        return (3 + inst->bound_count + 1) * sizeof(uint64_t); /* sum, min, max, buckets */
    case OTEL_METRICS__AGG_EXP_HISTOGRAM:
        return sizeof(uint64_t) + otel_metrics__exp_size(inst->exp_max_size); /* lock word, state */
    case OTEL_METRICS__AGG_OBSERVED:
    case OTEL_METRICS__AGG_DROP:
        return 0;
    }
    return 0;
}

/* The aggregation a view asks for, if the instrument kind can take it; otherwise the default stays. */
static otel_metrics__agg_t view_aggregation(const otel_metrics__view_t *v, otel_instrument_kind_t kind,
                                            otel_metrics__agg_t dflt, const char *name)
{
    bool sync_sum_or_hist =
        kind == OTEL_INSTRUMENT_COUNTER || kind == OTEL_INSTRUMENT_UP_DOWN_COUNTER || kind == OTEL_INSTRUMENT_HISTOGRAM;
    bool observable = dflt == OTEL_METRICS__AGG_OBSERVED;
    switch (v->aggregation) {
    case OTEL_VIEW_AGGREGATION_DEFAULT:
        return dflt;
    case OTEL_VIEW_AGGREGATION_DROP:
        return OTEL_METRICS__AGG_DROP;
    case OTEL_VIEW_AGGREGATION_SUM:
        if (sync_sum_or_hist)
            return OTEL_METRICS__AGG_SUM;
        break;
    case OTEL_VIEW_AGGREGATION_LAST_VALUE:
        if (!observable)
            return OTEL_METRICS__AGG_GAUGE;
        break;
    case OTEL_VIEW_AGGREGATION_EXPLICIT_HISTOGRAM:
        if (kind == OTEL_INSTRUMENT_COUNTER || kind == OTEL_INSTRUMENT_HISTOGRAM)
            return OTEL_METRICS__AGG_HISTOGRAM;
        break;
    case OTEL_VIEW_AGGREGATION_EXPONENTIAL_HISTOGRAM:
        if (kind == OTEL_INSTRUMENT_COUNTER || kind == OTEL_INSTRUMENT_HISTOGRAM)
            return OTEL_METRICS__AGG_EXP_HISTOGRAM;
        break;
    }
    OTEL_DIAG(OTEL_DIAG_WARN, "view aggregation %d does not fit instrument \"%s\"; its default is used",
              (int)v->aggregation, name);
    return dflt;
}

static void instrument_free(otel_instrument_t *inst)
{
    pthread_mutex_destroy(&inst->lock);
    free(inst->slots);
    free(inst->bounds);
    free(inst->name);
    free(inst->unit);
    free(inst->description);
    free(inst->stream_name);
    free(inst->stream_description);
    for (size_t i = 0; i < inst->keep_key_count; i++)
        free(inst->keep_keys[i]);
    free(inst->keep_keys);
    free(inst);
}

void otel_metrics__instrument_free(otel_instrument_t *inst)
{
    otel_metric_series_t *s = atomic_load(&inst->series_head);
    while (s != NULL) {
        otel_metric_series_t *next = s->next;
        otel_metrics__series_free(s);
        s = next;
    }
    instrument_free(inst);
}

static otel_status_t build(otel_meter_t *meter, const otel_instrument_options_t *o, otel_instrument_t **out)
{
    const otel_meter_provider_t *p = meter->provider;
    const otel_metrics__view_t *view = otel_metrics__view_find(p, meter, o->name);
    otel_instrument_t *inst = calloc(1, sizeof(*inst));
    if (inst == NULL)
        return OTEL_ERR_NO_MEMORY;
    pthread_mutex_init(&inst->lock, NULL);
    inst->meter = meter;
    inst->kind = o->kind;
    inst->value_type = o->value_type;
    inst->exemplar_filter = p->opts.exemplar_filter;
    inst->limit = p->opts.cardinality_limit;
    inst->name = strdup(o->name);
    inst->unit = strdup(str_or_empty(o->unit));
    inst->description = strdup(str_or_empty(o->description));
    inst->stream_name = strdup(view != NULL && view->name != NULL ? view->name : o->name);
    inst->stream_description =
        strdup(view != NULL && view->description != NULL ? view->description : str_or_empty(o->description));
    bool oom = inst->name == NULL || inst->unit == NULL || inst->description == NULL || inst->stream_name == NULL ||
               inst->stream_description == NULL;
    switch (o->kind) {
    case OTEL_INSTRUMENT_COUNTER:
    case OTEL_INSTRUMENT_UP_DOWN_COUNTER:
        inst->agg = OTEL_METRICS__AGG_SUM;
        break;
    case OTEL_INSTRUMENT_GAUGE:
        inst->agg = OTEL_METRICS__AGG_GAUGE;
        break;
    case OTEL_INSTRUMENT_HISTOGRAM:
        inst->agg = o->histogram_aggregation == OTEL_HISTOGRAM_EXPONENTIAL ? OTEL_METRICS__AGG_EXP_HISTOGRAM
                                                                           : OTEL_METRICS__AGG_HISTOGRAM;
        break;
    default:
        inst->agg = OTEL_METRICS__AGG_OBSERVED;
        inst->callback = o->callback;
        inst->callback_user = o->callback_user;
        break;
    }
    if (view != NULL) {
        inst->agg = view_aggregation(view, o->kind, inst->agg, o->name);
        if (inst->agg == OTEL_METRICS__AGG_DROP)
            inst->callback = NULL;
        inst->filter_attributes = view->filter_attributes;
        if (view->filter_attributes && view->attribute_key_count > 0) {
            inst->keep_keys = calloc(view->attribute_key_count, sizeof(char *));
            oom |= inst->keep_keys == NULL;
            for (size_t i = 0; !oom && i < view->attribute_key_count; i++, inst->keep_key_count++)
                oom |= (inst->keep_keys[i] = strdup(view->attribute_keys[i])) == NULL;
        }
    }
    if (inst->agg == OTEL_METRICS__AGG_HISTOGRAM) {
        const double *b = default_bounds;
        inst->bound_count = 15;
        if (view != NULL && view->bucket_bound_count > 0) {
            b = view->bucket_bounds;
            inst->bound_count = view->bucket_bound_count;
        } else if (o->bucket_bound_count > 0) {
            b = o->bucket_bounds;
            inst->bound_count = o->bucket_bound_count;
        }
        inst->bounds = malloc(inst->bound_count * sizeof(double));
        if (inst->bounds != NULL)
            memcpy(inst->bounds, b, inst->bound_count * sizeof(double));
        oom |= inst->bounds == NULL;
    }
    inst->exp_max_size = o->exp_max_size != 0 ? o->exp_max_size : EXP_DEFAULT_MAX_SIZE;
    inst->exp_max_scale = o->exp_max_scale != 0 ? o->exp_max_scale : OTEL_METRICS__EXP_MAX_SCALE;
    /* gauges keep one cell (last value wins across threads); the others spread over per-thread cells */
    inst->cell_mask = inst->agg == OTEL_METRICS__AGG_GAUGE ? 0 : p->cells_per_series - 1;
    size_t cell = otel_metrics__cell_size(inst);
    inst->cell_stride = (cell + OTEL_METRICS__CACHE_LINE - 1) / OTEL_METRICS__CACHE_LINE * OTEL_METRICS__CACHE_LINE;
    size_t slots = 16;
    while (slots < 2 * (size_t)inst->limit)
        slots <<= 1;
    inst->slots = calloc(slots, sizeof(*inst->slots));
    inst->slot_mask = slots - 1;
    if (oom || inst->slots == NULL) {
        instrument_free(inst);
        return OTEL_ERR_NO_MEMORY;
    }
    *out = inst;
    return OTEL_OK;
}

otel_status_t otel_meter_create_instrument(otel_meter_t *meter, const otel_instrument_options_t *opts,
                                           otel_instrument_t **out)
{
    if (out == NULL)
        return OTEL_ERR_INVALID_ARGUMENT;
    *out = NULL;
    if (meter == NULL || opts == NULL)
        return OTEL_ERR_INVALID_ARGUMENT;
    otel_status_t status = validate(opts);
    if (status != OTEL_OK)
        return status;
    otel_meter_provider_t *p = meter->provider;
    pthread_mutex_lock(&p->lock);
    otel_instrument_t *found = NULL;
    for (otel_instrument_t *i = meter->instruments; i != NULL; i = i->next)
        if (strcasecmp(i->name, opts->name) == 0)
            found = i;
    if (found != NULL) {
        pthread_mutex_unlock(&p->lock);
        if (!identical(found, opts))
            return reject(opts->name, "duplicate name",
                          "an instrument of another kind, type, unit or description "
                          "already has this name in this meter");
        *out = found;
        return OTEL_OK;
    }
    otel_instrument_t *inst = NULL;
    status = build(meter, opts, &inst);
    if (status == OTEL_OK) {
        otel_instrument_t **tail = &meter->instruments;
        while (*tail != NULL)
            tail = &(*tail)->next;
        *tail = inst;
    }
    pthread_mutex_unlock(&p->lock);
    *out = inst;
    return status;
}
