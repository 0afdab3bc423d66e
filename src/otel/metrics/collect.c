/* SPDX-License-Identifier: Apache-2.0 */
/* Collection: run observable callbacks, drain every series' cells, keep cumulative state, and build the
 * otel_metrics_data_t (in the provider's arena) for one reader at the temporality it asked for. */
#include <math.h>
#include <string.h>
#include "metrics/metrics_internal.h"

typedef struct collection {
    otel_meter_provider_t *provider;
    otel_arena_t *arena;
    otel_temporality_preference_t preference;
    uint64_t now;
    uint64_t delta_start;
    uint64_t epoch;
    bool out_of_memory;
} collection_t;

static void *alloc(collection_t *c, size_t size)
{
    void *p = otel_arena__calloc(c->arena, size);
    if (p == NULL)
        c->out_of_memory = true;
    return p;
}

static double bits_to_double(uint64_t bits)
{
    double d;
    memcpy(&d, &bits, 8);
    return d;
}

static uint64_t double_to_bits(double d)
{
    uint64_t bits;
    memcpy(&bits, &d, 8);
    return bits;
}

static otel_number_t number_sub(otel_number_t a, otel_number_t b)
{
    if (a.type == OTEL_NUMBER_INT64)
        a.as_int = (int64_t)((uint64_t)a.as_int - (uint64_t)b.as_int);
    else
        a.as_double -= b.as_double;
    return a;
}

static void attach_exemplars(collection_t *c, otel_metric_series_t *s, otel_metric_point_t *pt)
{
    if (s->exemplar_slots == 0)
        return;
    otel_exemplar_t *ex = alloc(c, s->exemplar_slots * sizeof(otel_exemplar_t));
    if (ex == NULL)
        return;
    pt->exemplar_count = otel_metrics__exemplar_take(s, ex);
    pt->exemplars = pt->exemplar_count > 0 ? ex : NULL;
}

/* Each point_* returns true when the series contributes a point this collection. */

static bool point_sum(collection_t *c, otel_metric_series_t *s, bool delta, otel_metric_point_t *pt)
{
    const otel_instrument_t *inst = s->instrument;
    otel_number_t d = {.type = inst->value_type};
    for (uint32_t i = 0; i <= inst->cell_mask; i++) {
        uint64_t v =
            atomic_exchange_explicit((_Atomic uint64_t *)(s->cells + i * inst->cell_stride), 0, memory_order_relaxed);
        if (inst->value_type == OTEL_NUMBER_INT64)
            d.as_int = (int64_t)((uint64_t)d.as_int + v);
        else
            d.as_double += bits_to_double(v);
    }
    bool changed = inst->value_type == OTEL_NUMBER_INT64 ? d.as_int != 0 : d.as_double != 0;
    s->state.total.type = inst->value_type;
    if (inst->value_type == OTEL_NUMBER_INT64)
        s->state.total.as_int = (int64_t)((uint64_t)s->state.total.as_int + (uint64_t)d.as_int);
    else
        s->state.total.as_double += d.as_double;
    if (delta) {
        pt->value = d;
        pt->start_time_ns = c->delta_start;
        return changed;
    }
    pt->value = s->state.total;
    pt->start_time_ns = s->created_ns;
    return true;
}

static bool point_gauge(collection_t *c, otel_metric_series_t *s, bool delta, otel_metric_point_t *pt)
{
    const otel_instrument_t *inst = s->instrument;
    _Atomic uint64_t *cell = (_Atomic uint64_t *)s->cells;
    uint64_t seq = atomic_load_explicit(&cell[1], memory_order_acquire);
    bool updated = seq != s->state.gauge_seq;
    if (updated) {
        uint64_t bits = atomic_load_explicit(&cell[0], memory_order_relaxed);
        s->state.total.type = inst->value_type;
        if (inst->value_type == OTEL_NUMBER_INT64)
            s->state.total.as_int = (int64_t)bits;
        else
            s->state.total.as_double = bits_to_double(bits);
        s->state.gauge_seq = seq;
        s->state.has_value = true;
    }
    pt->value = s->state.total;
    pt->start_time_ns = delta ? c->delta_start : s->created_ns;
    return delta ? updated : s->state.has_value;
}

static bool point_histogram(collection_t *c, otel_metric_series_t *s, bool delta, otel_metric_point_t *pt)
{
    const otel_instrument_t *inst = s->instrument;
    size_t nb = inst->bound_count + 1;
    uint64_t *buckets = alloc(c, nb * sizeof(uint64_t));
    if (buckets == NULL)
        return false;
    double sum = 0, min = INFINITY, max = -INFINITY;
    for (uint32_t i = 0; i <= inst->cell_mask; i++) {
        _Atomic uint64_t *cell = (_Atomic uint64_t *)(s->cells + i * inst->cell_stride);
        for (size_t b = 0; b < nb; b++)
            buckets[b] += atomic_exchange_explicit(&cell[3 + b], 0, memory_order_relaxed);
        sum += bits_to_double(atomic_exchange_explicit(&cell[0], 0, memory_order_relaxed));
        min = fmin(min,
                   bits_to_double(atomic_exchange_explicit(&cell[1], double_to_bits(INFINITY), memory_order_relaxed)));
        max = fmax(max,
                   bits_to_double(atomic_exchange_explicit(&cell[2], double_to_bits(-INFINITY), memory_order_relaxed)));
    }
    uint64_t count = 0;
    for (size_t b = 0; b < nb; b++) {
        count += buckets[b];
        s->state.buckets[b] += buckets[b];
    }
    s->state.count += count;
    s->state.sum += sum;
    s->state.min = fmin(s->state.min, min);
    s->state.max = fmax(s->state.max, max);
    otel_histogram_data_t *h = &pt->histogram;
    h->bounds = inst->bounds;
    h->bound_count = inst->bound_count;
    h->bucket_count = nb;
    if (delta) {
        pt->start_time_ns = c->delta_start;
        h->count = count;
        h->sum = sum;
        h->min = min;
        h->max = max;
        h->bucket_counts = buckets;
    } else {
        pt->start_time_ns = s->created_ns;
        h->count = s->state.count;
        h->sum = s->state.sum;
        h->min = s->state.min;
        h->max = s->state.max;
        h->bucket_counts = s->state.buckets;
    }
    h->has_min_max = isfinite(h->min) && isfinite(h->max);
    if (!h->has_min_max)
        h->min = h->max = 0;
    return delta ? count > 0 : true;
}

static void exp_to_point(const otel_metrics__exp_state_t *e, otel_exp_histogram_data_t *x)
{
    x->count = e->count;
    x->sum = e->sum;
    x->has_min_max = e->count > 0 && isfinite(e->min) && isfinite(e->max);
    x->min = x->has_min_max ? e->min : 0;
    x->max = x->has_min_max ? e->max : 0;
    x->scale = e->scale;
    x->zero_count = e->zero_count;
    x->zero_threshold = 0;
    x->positive = (otel_exp_histogram_buckets_t){e->positive.start, e->positive.counts, e->positive.len};
    x->negative = (otel_exp_histogram_buckets_t){e->negative.start, e->negative.counts, e->negative.len};
}

static bool point_exp_histogram(collection_t *c, otel_metric_series_t *s, bool delta, otel_metric_point_t *pt)
{
    const otel_instrument_t *inst = s->instrument;
    otel_metrics__exp_state_t *d = alloc(c, otel_metrics__exp_size(inst->exp_max_size));
    if (d == NULL)
        return false;
    otel_metrics__exp_init(d, inst->exp_max_size, inst->exp_max_scale);
    for (uint32_t i = 0; i <= inst->cell_mask; i++) {
        unsigned char *cell = s->cells + i * inst->cell_stride;
        _Atomic uint32_t *lock = (_Atomic uint32_t *)cell;
        otel_metrics__exp_state_t *e = (otel_metrics__exp_state_t *)(cell + 8);
        while (atomic_exchange_explicit(lock, 1, memory_order_acquire) != 0)
            otel_metrics__cpu_relax();
        otel_metrics__exp_merge(d, e);
        otel_metrics__exp_reset(e, inst->exp_max_scale);
        atomic_store_explicit(lock, 0, memory_order_release);
    }
    otel_metrics__exp_merge(s->state.exp_total, d);
    pt->start_time_ns = delta ? c->delta_start : s->created_ns;
    exp_to_point(delta ? d : s->state.exp_total, &pt->exp_histogram);
    return delta ? d->count > 0 : true;
}

static bool point_observed(collection_t *c, otel_metric_series_t *s, bool delta, otel_metric_point_t *pt)
{
    if (s->state.observed_epoch != c->epoch)
        return false; /* not observed by this collection's callback: the series is not reported */
    bool is_sum = s->instrument->kind != OTEL_INSTRUMENT_OBSERVABLE_GAUGE;
    pt->value = s->state.total;
    pt->start_time_ns = delta ? c->delta_start : s->created_ns;
    if (is_sum && delta) {
        if (s->state.has_prev)
            pt->value = number_sub(s->state.total, s->state.prev);
        s->state.prev = s->state.total;
        s->state.has_prev = true;
    }
    return true;
}

static void build_metric(collection_t *c, otel_instrument_t *inst, otel_metric_data_t *m)
{
    if (inst->agg == OTEL_METRICS__AGG_DROP)
        return;
    m->name = otel_str_from_cstr(inst->stream_name);
    m->description = otel_str_from_cstr(inst->stream_description);
    m->unit = otel_str_from_cstr(inst->unit);
    m->instrument_kind = inst->kind;
    m->temporality = otel_temporality_select(c->preference, inst->kind);
    /* a histogram summed by a view is monotonic too (its values are meant to be non-negative) */
    m->is_monotonic = inst->kind == OTEL_INSTRUMENT_COUNTER || inst->kind == OTEL_INSTRUMENT_OBSERVABLE_COUNTER ||
                      inst->kind == OTEL_INSTRUMENT_HISTOGRAM;
    switch (inst->agg) {
    case OTEL_METRICS__AGG_SUM:
        m->type = OTEL_METRIC_SUM;
        break;
    case OTEL_METRICS__AGG_GAUGE:
        m->type = OTEL_METRIC_GAUGE;
        break;
    case OTEL_METRICS__AGG_HISTOGRAM:
        m->type = OTEL_METRIC_HISTOGRAM;
        break;
    case OTEL_METRICS__AGG_EXP_HISTOGRAM:
        m->type = OTEL_METRIC_EXPONENTIAL_HISTOGRAM;
        break;
    case OTEL_METRICS__AGG_OBSERVED:
        m->type = inst->kind == OTEL_INSTRUMENT_OBSERVABLE_GAUGE ? OTEL_METRIC_GAUGE : OTEL_METRIC_SUM;
        break;
    case OTEL_METRICS__AGG_DROP:
        return;
    }
    if (m->type != OTEL_METRIC_SUM)
        m->is_monotonic = false;
    if (m->type == OTEL_METRIC_GAUGE)
        m->temporality = OTEL_TEMPORALITY_UNSPECIFIED;
    /* gauges have no temporality, but a delta reader only wants the ones set since its last collection */
    bool delta = m->type == OTEL_METRIC_GAUGE ? c->preference != OTEL_TEMPORALITY_PREFERENCE_CUMULATIVE
                                              : m->temporality == OTEL_TEMPORALITY_DELTA;
    size_t n = 0;
    otel_metric_series_t *head = atomic_load_explicit(&inst->series_head, memory_order_acquire);
    for (otel_metric_series_t *s = head; s != NULL; s = s->next)
        n++;
    if (n == 0)
        return;
    otel_metric_point_t *points = alloc(c, n * sizeof(otel_metric_point_t));
    if (points == NULL)
        return;
    size_t k = 0;
    for (otel_metric_series_t *s = head; s != NULL; s = s->next) {
        otel_metric_point_t *pt = &points[k];
        bool keep = false;
        switch (inst->agg) {
        case OTEL_METRICS__AGG_SUM:
            keep = point_sum(c, s, delta, pt);
            break;
        case OTEL_METRICS__AGG_GAUGE:
            keep = point_gauge(c, s, delta, pt);
            break;
        case OTEL_METRICS__AGG_HISTOGRAM:
            keep = point_histogram(c, s, delta, pt);
            break;
        case OTEL_METRICS__AGG_EXP_HISTOGRAM:
            keep = point_exp_histogram(c, s, delta, pt);
            break;
        case OTEL_METRICS__AGG_OBSERVED:
            keep = point_observed(c, s, delta, pt);
            break;
        case OTEL_METRICS__AGG_DROP:
            break;
        }
        if (!keep) {
            attach_exemplars(c, s, pt); /* empties the reservoir all the same */
            memset(pt, 0, sizeof(*pt));
            continue;
        }
        pt->attributes = s->attrs;
        pt->attribute_count = s->attr_count;
        pt->time_ns = c->now;
        attach_exemplars(c, s, pt);
        k++;
    }
    m->points = points;
    m->point_count = k;
}

void otel_observer_observe_int64(otel_observer_t *obs, int64_t value, const otel_attribute_t *attrs, size_t n)
{
    if (obs == NULL)
        return;
    otel_number_t v = obs->instrument->value_type == OTEL_NUMBER_INT64
                          ? (otel_number_t){.type = OTEL_NUMBER_INT64, .as_int = value}
                          : (otel_number_t){.type = OTEL_NUMBER_DOUBLE, .as_double = (double)value};
    otel_metric_series_t *s = otel_metrics__series_get(obs->instrument, attrs, n);
    if (s == NULL)
        return;
    /* several attribute sets folded into the overflow point add up (sums) within one callback */
    if (s->is_overflow && s->state.observed_epoch == obs->epoch &&
        obs->instrument->kind != OTEL_INSTRUMENT_OBSERVABLE_GAUGE) {
        if (v.type == OTEL_NUMBER_INT64)
            v.as_int = (int64_t)((uint64_t)v.as_int + (uint64_t)s->state.total.as_int);
        else
            v.as_double += s->state.total.as_double;
    }
    s->state.total = v;
    s->state.observed_epoch = obs->epoch;
    s->state.has_value = true;
}

void otel_observer_observe_double(otel_observer_t *obs, double value, const otel_attribute_t *attrs, size_t n)
{
    if (obs == NULL)
        return;
    if (obs->instrument->value_type == OTEL_NUMBER_INT64) {
        otel_observer_observe_int64(obs, (int64_t)value, attrs, n);
        return;
    }
    otel_metric_series_t *s = otel_metrics__series_get(obs->instrument, attrs, n);
    if (s == NULL)
        return;
    double v = value;
    if (s->is_overflow && s->state.observed_epoch == obs->epoch &&
        obs->instrument->kind != OTEL_INSTRUMENT_OBSERVABLE_GAUGE)
        v += s->state.total.as_double;
    s->state.total = (otel_number_t){.type = OTEL_NUMBER_DOUBLE, .as_double = v};
    s->state.observed_epoch = obs->epoch;
    s->state.has_value = true;
}

otel_status_t otel_meter_provider_collect(otel_meter_provider_t *p, otel_temporality_preference_t preference,
                                          otel_metrics_sink_t sink, void *user)
{
    if (p == NULL || sink == NULL || (unsigned)preference > OTEL_TEMPORALITY_PREFERENCE_LOWMEMORY)
        return OTEL_ERR_INVALID_ARGUMENT;
    pthread_mutex_lock(&p->collect_lock);
    collection_t c = {.provider = p,
                      .arena = &p->arena,
                      .preference = preference,
                      .delta_start = p->last_collect_ns,
                      .epoch = ++p->epoch};
    otel_arena__reset(&p->arena, SIZE_MAX);

    /* snapshot the meters and instruments: callbacks may create instruments while we collect */
    pthread_mutex_lock(&p->lock);
    size_t nmeters = 0, ninst = 0;
    for (otel_meter_t *m = p->meters; m != NULL; m = m->next, nmeters++)
        for (otel_instrument_t *i = m->instruments; i != NULL; i = i->next)
            ninst++;
    otel_meter_t **meters = alloc(&c, (nmeters + 1) * sizeof(*meters));
    otel_instrument_t **insts = alloc(&c, (ninst + 1) * sizeof(*insts));
    size_t *per_meter = alloc(&c, (nmeters + 1) * sizeof(size_t));
    if (meters != NULL && insts != NULL && per_meter != NULL) {
        size_t mi = 0, ii = 0;
        for (otel_meter_t *m = p->meters; m != NULL; m = m->next, mi++) {
            meters[mi] = m;
            for (otel_instrument_t *i = m->instruments; i != NULL; i = i->next, per_meter[mi]++)
                insts[ii++] = i;
        }
    }
    pthread_mutex_unlock(&p->lock);
    if (c.out_of_memory) {
        pthread_mutex_unlock(&p->collect_lock);
        return OTEL_ERR_NO_MEMORY;
    }

    for (size_t i = 0; i < ninst; i++)
        if (insts[i]->callback != NULL) {
            otel_observer_t obs = {.instrument = insts[i], .epoch = c.epoch};
            insts[i]->callback(&obs, insts[i]->callback_user);
        }
    c.now = otel_time_now_ns();

    otel_scope_metrics_t *scopes = alloc(&c, (nmeters + 1) * sizeof(*scopes));
    otel_metric_data_t *metrics = alloc(&c, (ninst + 1) * sizeof(*metrics));
    size_t nscopes = 0;
    if (scopes != NULL && metrics != NULL) {
        size_t ii = 0, used = 0;
        for (size_t mi = 0; mi < nmeters; mi++) {
            otel_scope_metrics_t *sc = &scopes[nscopes];
            sc->metrics = &metrics[used];
            for (size_t k = 0; k < per_meter[mi]; k++, ii++) {
                otel_metric_data_t *m = &metrics[used];
                build_metric(&c, insts[ii], m);
                if (m->point_count > 0) {
                    used++;
                    sc->metric_count++;
                } else {
                    memset(m, 0, sizeof(*m));
                }
            }
            if (sc->metric_count > 0) {
                sc->scope_name = otel_str_from_cstr(meters[mi]->name);
                sc->scope_version = otel_str_from_cstr(meters[mi]->version);
                sc->scope_schema_url = otel_str_from_cstr(meters[mi]->schema_url);
                nscopes++;
            }
        }
    }
    if (c.out_of_memory)
        OTEL_DIAG(OTEL_DIAG_ERROR, "metrics collection: out of memory; some points were left out");
    otel_metrics_data_t data = {.resource = p->opts.resource, .scopes = scopes, .scope_count = nscopes};
    otel_status_t status = sink(&data, user);
    p->last_collect_ns = c.now;
    pthread_mutex_unlock(&p->collect_lock);
    return status;
}
