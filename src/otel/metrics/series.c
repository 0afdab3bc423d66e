/* SPDX-License-Identifier: Apache-2.0 */
/* The per-instrument series table: lock-free lookup of canonical attribute sets, creation under a lock,
 * the cardinality limit and the overflow series. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "metrics/metrics_internal.h"

void otel_metrics__cell_init(const otel_instrument_t *inst, unsigned char *cell)
{
    if (inst->agg == OTEL_METRICS__AGG_HISTOGRAM) {
        double inf = INFINITY, ninf = -INFINITY;
        memcpy(cell + 8, &inf, 8);
        memcpy(cell + 16, &ninf, 8);
    } else if (inst->agg == OTEL_METRICS__AGG_EXP_HISTOGRAM) {
        otel_metrics__exp_init((otel_metrics__exp_state_t *)(cell + 8), inst->exp_max_size, inst->exp_max_scale);
    }
}

void otel_metrics__series_free(otel_metric_series_t *s)
{
    if (s == NULL)
        return;
    free(s->attrs);
    free(s->attr_hashes);
    free(s->cells);
    free(s->exemplars);
    free(s->state.buckets);
    free(s->state.exp_total);
    free(s);
}

static otel_metric_series_t *series_new(otel_instrument_t *inst, const otel_attribute_t **attrs, uint64_t *hashes,
                                        size_t n, uint64_t hash)
{
    otel_metric_series_t *s = calloc(1, sizeof(*s));
    if (s == NULL)
        return NULL;
    s->instrument = inst;
    s->hash = hash;
    s->attr_count = n;
    s->attrs = otel_metrics__attrs_copy(attrs, hashes, n);
    s->attr_hashes = malloc((n + 1) * sizeof(uint64_t));
    if (s->attr_hashes != NULL && n > 0)
        memcpy(s->attr_hashes, hashes, n * sizeof(uint64_t));
    s->created_ns = otel_time_now_ns();
    size_t cells = (size_t)inst->cell_mask + 1;
    if (inst->cell_stride > 0) {
        s->cells = aligned_alloc(OTEL_METRICS__CACHE_LINE, cells * inst->cell_stride);
        if (s->cells != NULL) {
            memset(s->cells, 0, cells * inst->cell_stride);
            for (size_t i = 0; i < cells; i++)
                otel_metrics__cell_init(inst, s->cells + i * inst->cell_stride);
        }
    }
    s->exemplar_slots = otel_metrics__exemplar_slot_count(inst);
    if (s->exemplar_slots > 0)
        s->exemplars = calloc(s->exemplar_slots, sizeof(*s->exemplars));
    s->state.min = INFINITY;
    s->state.max = -INFINITY;
    if (inst->agg == OTEL_METRICS__AGG_HISTOGRAM)
        s->state.buckets = calloc(inst->bound_count + 1, sizeof(uint64_t));
    if (inst->agg == OTEL_METRICS__AGG_EXP_HISTOGRAM) {
        s->state.exp_total = malloc(otel_metrics__exp_size(inst->exp_max_size));
        if (s->state.exp_total != NULL)
            otel_metrics__exp_init(s->state.exp_total, inst->exp_max_size, inst->exp_max_scale);
    }
    if (s->attrs == NULL || s->attr_hashes == NULL || (inst->cell_stride > 0 && s->cells == NULL) ||
        (s->exemplar_slots > 0 && s->exemplars == NULL) ||
        (inst->agg == OTEL_METRICS__AGG_HISTOGRAM && s->state.buckets == NULL) ||
        (inst->agg == OTEL_METRICS__AGG_EXP_HISTOGRAM && s->state.exp_total == NULL)) {
        otel_metrics__series_free(s);
        return NULL;
    }
    return s;
}

static otel_metric_series_t *find(otel_instrument_t *inst, const otel_attribute_t *const *attrs, const uint64_t *hashes,
                                  size_t n, uint64_t hash)
{
    for (size_t i = hash & inst->slot_mask;; i = (i + 1) & inst->slot_mask) {
        otel_metric_series_t *s = atomic_load_explicit(&inst->slots[i], memory_order_acquire);
        if (s == NULL)
            return NULL;
        if (s->hash == hash && otel_metrics__attrs_match(attrs, hashes, n, s->attrs, s->attr_hashes, s->attr_count))
            return s;
    }
}

/* Caller holds inst->lock. */
static void publish(otel_instrument_t *inst, otel_metric_series_t *s)
{
    s->next = atomic_load_explicit(&inst->series_head, memory_order_relaxed);
    atomic_store_explicit(&inst->series_head, s, memory_order_release);
}

static otel_metric_series_t *overflow_series(otel_instrument_t *inst)
{
    otel_metric_series_t *s = atomic_load_explicit(&inst->overflow, memory_order_acquire);
    if (s != NULL)
        return s;
    pthread_mutex_lock(&inst->lock);
    s = atomic_load_explicit(&inst->overflow, memory_order_relaxed);
    if (s == NULL) {
        otel_attribute_t attr = OTEL_ATTR_BOOL("otel.metric.overflow", true);
        const otel_attribute_t *prepared[1];
        uint64_t hashes[1];
        size_t n;
        uint64_t hash = otel_metrics__attrs_prepare(&attr, 1, prepared, hashes, &n);
        s = series_new(inst, prepared, hashes, n, hash);
        if (s != NULL) {
            s->is_overflow = true;
            publish(inst, s);
            atomic_store_explicit(&inst->overflow, s, memory_order_release);
            OTEL_DIAG(OTEL_DIAG_WARN,
                      "instrument \"%s\" reached its cardinality limit of %u: new attribute sets go to the "
                      "otel.metric.overflow=true point",
                      inst->name, inst->limit);
        }
    }
    pthread_mutex_unlock(&inst->lock);
    return s;
}

/* A view's allow-list: keeps the attributes whose key is listed (copies of the structs, values still borrowed). */
static size_t filter_attributes(const otel_instrument_t *inst, const otel_attribute_t *attrs, size_t n,
                                otel_attribute_t *kept)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < inst->keep_key_count; j++)
            if (strlen(inst->keep_keys[j]) == attrs[i].key.len &&
                (attrs[i].key.len == 0 || memcmp(inst->keep_keys[j], attrs[i].key.ptr, attrs[i].key.len) == 0)) {
                kept[k++] = attrs[i];
                break;
            }
    return k;
}

otel_metric_series_t *otel_metrics__series_get(otel_instrument_t *inst, const otel_attribute_t *attrs, size_t n)
{
    const otel_attribute_t *prepared[OTEL_METRICS__MAX_ATTRS];
    uint64_t hashes[OTEL_METRICS__MAX_ATTRS];
    if (n > OTEL_METRICS__MAX_ATTRS) {
        OTEL_DIAG(OTEL_DIAG_WARN, "instrument \"%s\": %zu attributes in one measurement, only the first %d kept",
                  inst->name, n, OTEL_METRICS__MAX_ATTRS);
        n = OTEL_METRICS__MAX_ATTRS;
    }
    if (attrs == NULL)
        n = 0;
    otel_attribute_t kept[OTEL_METRICS__MAX_ATTRS];
    if (inst->filter_attributes) {
        n = filter_attributes(inst, attrs, n, kept);
        attrs = kept;
    }
    uint64_t hash = otel_metrics__attrs_prepare(attrs, n, prepared, hashes, &n);
    otel_metric_series_t *s = find(inst, prepared, hashes, n, hash);
    if (s != NULL)
        return s;
    /* the limit counts the overflow point: limit - 1 regular series */
    if (atomic_load_explicit(&inst->series_count, memory_order_relaxed) >= inst->limit - 1)
        return overflow_series(inst);
    pthread_mutex_lock(&inst->lock);
    s = find(inst, prepared, hashes, n, hash);
    if (s == NULL && atomic_load_explicit(&inst->series_count, memory_order_relaxed) < inst->limit - 1) {
        s = series_new(inst, prepared, hashes, n, hash);
        if (s != NULL) {
            size_t i = hash & inst->slot_mask;
            while (atomic_load_explicit(&inst->slots[i], memory_order_relaxed) != NULL)
                i = (i + 1) & inst->slot_mask;
            publish(inst, s);
            atomic_store_explicit(&inst->slots[i], s, memory_order_release);
            atomic_fetch_add_explicit(&inst->series_count, 1, memory_order_relaxed);
        } else {
            OTEL_DIAG(OTEL_DIAG_ERROR, "instrument \"%s\": out of memory creating a series; measurement dropped",
                      inst->name);
        }
        pthread_mutex_unlock(&inst->lock);
        return s;
    }
    pthread_mutex_unlock(&inst->lock);
    return s != NULL ? s : overflow_series(inst);
}
