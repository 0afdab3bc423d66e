/* SPDX-License-Identifier: Apache-2.0 */
/* Views: selection of instruments by name (and meter), and the stored copy of what they change. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "metrics/metrics_internal.h"

void otel_metrics__view_free(otel_metrics__view_t *v)
{
    if (v == NULL)
        return;
    free(v->instrument_name);
    free(v->meter_name);
    free(v->name);
    free(v->description);
    for (size_t i = 0; i < v->attribute_key_count; i++)
        free(v->attribute_keys[i]);
    free(v->attribute_keys);
    free(v->bucket_bounds);
    free(v);
}

static char *dup_opt(const char *s, bool *oom)
{
    if (s == NULL)
        return NULL;
    char *d = strdup(s);
    if (d == NULL)
        *oom = true;
    return d;
}

static otel_status_t reject(const char *what)
{
    OTEL_DIAG(OTEL_DIAG_ERROR, "view not added: %s", what);
    return OTEL_ERR_INVALID_ARGUMENT;
}

otel_status_t otel_meter_provider_add_view(otel_meter_provider_t *p, const otel_view_t *view)
{
    if (p == NULL || view == NULL)
        return OTEL_ERR_INVALID_ARGUMENT;
    if (view->instrument_name == NULL || view->instrument_name[0] == '\0')
        return reject("instrument_name is required (\"*\" selects every instrument)");
    bool wildcard = strcmp(view->instrument_name, "*") == 0;
    if (view->name != NULL && (wildcard || otel_metrics__check_name(view->name) != NULL))
        return reject("bad stream name (or a rename with the \"*\" selector)");
    if (otel_metrics__check_description(view->description) != NULL)
        return reject("description longer than 1023 bytes");
    if ((unsigned)view->aggregation > OTEL_VIEW_AGGREGATION_EXPONENTIAL_HISTOGRAM)
        return reject("unknown aggregation");
    if (view->attribute_key_count > 0 && view->attribute_keys == NULL)
        return reject("attribute_keys is NULL");
    const char *why = otel_metrics__check_bounds(view->bucket_bounds, view->bucket_bound_count);
    if (why != NULL)
        return reject(why);
    otel_metrics__view_t *v = calloc(1, sizeof(*v));
    if (v == NULL)
        return OTEL_ERR_NO_MEMORY;
    bool oom = false;
    v->instrument_name = dup_opt(view->instrument_name, &oom);
    v->meter_name = dup_opt(view->meter_name, &oom);
    v->name = dup_opt(view->name, &oom);
    v->description = dup_opt(view->description, &oom);
    v->filter_attributes = view->filter_attributes;
    v->aggregation = view->aggregation;
    if (view->attribute_key_count > 0) {
        v->attribute_keys = calloc(view->attribute_key_count, sizeof(char *));
        oom |= v->attribute_keys == NULL;
        for (size_t i = 0; !oom && i < view->attribute_key_count; i++, v->attribute_key_count++)
            v->attribute_keys[i] = dup_opt(view->attribute_keys[i] != NULL ? view->attribute_keys[i] : "", &oom);
    }
    if (view->bucket_bound_count > 0) {
        v->bucket_bounds = malloc(view->bucket_bound_count * sizeof(double));
        if (v->bucket_bounds != NULL) {
            memcpy(v->bucket_bounds, view->bucket_bounds, view->bucket_bound_count * sizeof(double));
            v->bucket_bound_count = view->bucket_bound_count;
        } else {
            oom = true;
        }
    }
    if (oom) {
        otel_metrics__view_free(v);
        return OTEL_ERR_NO_MEMORY;
    }
    pthread_mutex_lock(&p->lock);
    otel_metrics__view_t **tail = &p->views;
    while (*tail != NULL)
        tail = &(*tail)->next;
    *tail = v;
    pthread_mutex_unlock(&p->lock);
    return OTEL_OK;
}

const otel_metrics__view_t *otel_metrics__view_find(const otel_meter_provider_t *p, const otel_meter_t *meter,
                                                    const char *name)
{
    for (const otel_metrics__view_t *v = p->views; v != NULL; v = v->next) {
        if (strcmp(v->instrument_name, "*") != 0 && strcasecmp(v->instrument_name, name) != 0)
            continue;
        if (v->meter_name != NULL && strcmp(v->meter_name, meter->name) != 0)
            continue;
        return v;
    }
    return NULL;
}
