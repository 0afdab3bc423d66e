/* SPDX-License-Identifier: Apache-2.0 */
/* Meter provider and meters: options, scopes, lifetime of everything the provider owns. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "metrics/metrics_internal.h"

void otel_meter_provider_options_init(otel_meter_provider_options_t *opts)
{
    memset(opts, 0, sizeof(*opts));
    opts->cardinality_limit = 2000;
    opts->exemplar_filter = OTEL_EXEMPLAR_FILTER_TRACE_BASED;
    opts->exemplar_reservoir_size = 4;
    opts->cells_per_series = 0;
}

static uint32_t next_pow2(uint32_t n)
{
    uint32_t p = 1;
    while (p < n)
        p <<= 1;
    return p;
}

otel_status_t otel_meter_provider_create(const otel_meter_provider_options_t *opts, otel_meter_provider_t **out)
{
    if (out == NULL)
        return OTEL_ERR_INVALID_ARGUMENT;
    *out = NULL;
    otel_meter_provider_options_t defaults;
    if (opts == NULL) {
        otel_meter_provider_options_init(&defaults);
        opts = &defaults;
    }
    if (opts->cardinality_limit < 2 || opts->cardinality_limit > (1u << 24) || opts->exemplar_reservoir_size > 1024 ||
        (unsigned)opts->exemplar_filter > OTEL_EXEMPLAR_FILTER_ALWAYS_OFF || opts->cells_per_series > 64) {
        OTEL_DIAG(OTEL_DIAG_ERROR, "meter provider: option out of range (cardinality_limit 2..16777216, "
                                   "exemplar_reservoir_size <= 1024, cells_per_series <= 64)");
        return OTEL_ERR_INVALID_ARGUMENT;
    }
    otel_meter_provider_t *p = calloc(1, sizeof(*p));
    if (p == NULL)
        return OTEL_ERR_NO_MEMORY;
    p->opts = *opts;
    p->opts.resource = otel_resource_retain((otel_resource_t *)opts->resource);
    uint32_t cells = opts->cells_per_series;
    if (cells == 0) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        cells = cpus < 1 ? 1 : cpus > 8 ? 8 : (uint32_t)cpus;
    }
    p->cells_per_series = next_pow2(cells);
    pthread_mutex_init(&p->lock, NULL);
    pthread_mutex_init(&p->collect_lock, NULL);
    p->created_ns = p->last_collect_ns = otel_time_now_ns();
    *out = p;
    return OTEL_OK;
}

void otel_meter_provider_destroy(otel_meter_provider_t *provider)
{
    if (provider == NULL)
        return;
    for (otel_meter_t *m = provider->meters, *next_m; m != NULL; m = next_m) {
        next_m = m->next;
        for (otel_instrument_t *i = m->instruments, *next_i; i != NULL; i = next_i) {
            next_i = i->next;
            otel_metrics__instrument_free(i);
        }
        free(m->name);
        free(m->version);
        free(m->schema_url);
        free(m);
    }
    for (otel_metrics__view_t *v = provider->views, *next_v; v != NULL; v = next_v) {
        next_v = v->next;
        otel_metrics__view_free(v);
    }
    otel_arena__dispose(&provider->arena);
    otel_resource_destroy((otel_resource_t *)provider->opts.resource);
    pthread_mutex_destroy(&provider->lock);
    pthread_mutex_destroy(&provider->collect_lock);
    free(provider);
}

static char *dup_or_empty(const char *s)
{
    return strdup(s != NULL ? s : "");
}

static bool same(const char *owned, const char *given)
{
    return strcmp(owned, given != NULL ? given : "") == 0;
}

otel_status_t otel_meter_provider_get_meter(otel_meter_provider_t *provider, const char *name, const char *version,
                                            const char *schema_url, otel_meter_t **out)
{
    if (out == NULL)
        return OTEL_ERR_INVALID_ARGUMENT;
    *out = NULL;
    if (provider == NULL)
        return OTEL_ERR_INVALID_ARGUMENT;
    if (name == NULL || name[0] == '\0')
        OTEL_DIAG(OTEL_DIAG_WARN, "meter requested with an empty name; using \"\"");
    pthread_mutex_lock(&provider->lock);
    otel_meter_t *m;
    for (m = provider->meters; m != NULL; m = m->next)
        if (same(m->name, name) && same(m->version, version) && same(m->schema_url, schema_url))
            break;
    otel_status_t status = OTEL_OK;
    if (m == NULL) {
        m = calloc(1, sizeof(*m));
        if (m != NULL) {
            m->provider = provider;
            m->name = dup_or_empty(name);
            m->version = dup_or_empty(version);
            m->schema_url = dup_or_empty(schema_url);
        }
        if (m == NULL || m->name == NULL || m->version == NULL || m->schema_url == NULL) {
            if (m != NULL) {
                free(m->name);
                free(m->version);
                free(m->schema_url);
                free(m);
            }
            m = NULL;
            status = OTEL_ERR_NO_MEMORY;
        } else {
            /* append, so collections list scopes in creation order */
            otel_meter_t **tail = &provider->meters;
            while (*tail != NULL)
                tail = &(*tail)->next;
            *tail = m;
        }
    }
    pthread_mutex_unlock(&provider->lock);
    *out = m;
    return status;
}
