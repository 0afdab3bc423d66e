/* SPDX-License-Identifier: Apache-2.0 */
/* Tracer providers and tracers: creation, scopes, flush/shutdown, counters, the global provider. */
#include <stdlib.h>
#include <string.h>
#include "common/common_internal.h"
#include "trace/trace_internal.h"

#define DESTROY_TIMEOUT_MS 5000u

static _Atomic(otel_tracer_provider_t *) global_provider;

void otel_span_limits_init(otel_span_limits_t *limits)
{
    limits->attribute_count_limit = 128;
    limits->attribute_value_length_limit = OTEL_LIMIT_UNLIMITED;
    limits->event_count_limit = 128;
    limits->link_count_limit = 128;
    limits->event_attribute_count_limit = 128;
    limits->link_attribute_count_limit = 128;
}

void otel_tracer_provider_options_init(otel_tracer_provider_options_t *options)
{
    memset(options, 0, sizeof(*options));
    otel_span_limits_init(&options->limits);
}

static void dispose_options(const otel_tracer_provider_options_t *options)
{
    otel_sampler_destroy(options->sampler);
    for (size_t i = 0; i < options->processor_count && i < OTEL_TRACER_PROVIDER_MAX_PROCESSORS; i++)
        otel_span_processor_destroy(options->processors[i]);
}

otel_status_t otel_tracer_provider_create(const otel_tracer_provider_options_t *options, otel_tracer_provider_t **out)
{
    if (out == NULL || options == NULL || options->processor_count > OTEL_TRACER_PROVIDER_MAX_PROCESSORS) {
        if (options != NULL)
            dispose_options(options);
        return OTEL_ERR_INVALID_ARGUMENT;
    }
    *out = NULL;
    otel_tracer_provider_t *p = aligned_alloc(64, (sizeof(*p) + 63) & ~(size_t)63); /* counters are line-aligned */
    if (p != NULL)
        memset(p, 0, sizeof(*p));
    if (p == NULL) {
        dispose_options(options);
        return OTEL_ERR_NO_MEMORY;
    }
    p->sampler = options->sampler;
    p->processor_count = options->processor_count;
    memcpy(p->processors, options->processors, sizeof(p->processors));
    for (size_t i = 0; i < p->processor_count; i++)
        p->has_on_start |= p->processors[i] != NULL && p->processors[i]->vt->on_start != NULL;
    p->limits = options->limits;
    pthread_mutex_init(&p->lock, NULL);
    p->resource =
        options->resource != NULL ? otel_resource_retain(options->resource) : otel_resource_create_default(NULL);
    if (p->sampler == NULL)
        p->sampler = otel_sampler_parent_based_create(otel_sampler_always_on_create());
    if (p->resource == NULL || p->sampler == NULL) {
        otel_tracer_provider_destroy(p);
        return OTEL_ERR_NO_MEMORY;
    }
    *out = p;
    return OTEL_OK;
}

static bool scope_eq(const otel_scope_t *a, const otel_scope_t *b)
{
    return otel_str__eq(a->name, b->name) && otel_str__eq(a->version, b->version) &&
           otel_str__eq(a->schema_url, b->schema_url);
}

static otel_tracer_t *tracer_new(otel_tracer_provider_t *provider, const otel_scope_t *scope)
{
    otel_tracer_t *t = calloc(1, sizeof(*t));
    if (t == NULL)
        return NULL;
    t->provider = provider;
    t->scope.name = otel_arena__strdup(&t->arena, scope->name, true);
    t->scope.version = otel_arena__strdup(&t->arena, scope->version, true);
    t->scope.schema_url = otel_arena__strdup(&t->arena, scope->schema_url, true);
    bool ok = t->scope.name.len == scope->name.len && t->scope.version.len == scope->version.len &&
              t->scope.schema_url.len == scope->schema_url.len;
    if (ok && scope->attribute_count > 0) {
        otel_attribute_t *a = otel_arena__alloc(&t->arena, scope->attribute_count * sizeof(*a));
        ok = a != NULL;
        for (size_t i = 0; ok && i < scope->attribute_count; i++)
            ok = otel_attribute__copy(&t->arena, &a[i], &scope->attributes[i], UINT32_MAX);
        t->scope.attributes = a;
        t->scope.attribute_count = scope->attribute_count;
    }
    if (!ok) {
        otel_arena__dispose(&t->arena);
        free(t);
        return NULL;
    }
    return t;
}

otel_tracer_t *otel_tracer_provider_get_tracer(otel_tracer_provider_t *provider, const otel_scope_t *scope)
{
    static const otel_scope_t empty;
    if (provider == NULL)
        return NULL;
    if (scope == NULL)
        scope = &empty;
    if (scope->name.len == 0)
        OTEL_DIAG(OTEL_DIAG_WARN, "get_tracer: empty instrumentation scope name");
    pthread_mutex_lock(&provider->lock);
    otel_tracer_t *found = NULL;
    for (size_t i = 0; i < provider->tracer_count && found == NULL; i++)
        if (scope_eq(&provider->tracers[i]->scope, scope))
            found = provider->tracers[i];
    if (found == NULL) {
        otel_tracer_t **list = realloc(provider->tracers, (provider->tracer_count + 1) * sizeof(*list));
        if (list != NULL) {
            provider->tracers = list;
            found = tracer_new(provider, scope);
            if (found != NULL)
                list[provider->tracer_count++] = found;
        }
    }
    pthread_mutex_unlock(&provider->lock);
    return found;
}

static uint32_t remaining_ms(uint64_t deadline_ns)
{
    uint64_t now = otel_time_monotonic_ns();
    return now >= deadline_ns ? 0 : (uint32_t)((deadline_ns - now + 999999) / 1000000);
}

otel_status_t otel_tracer_provider_force_flush(otel_tracer_provider_t *provider, uint32_t timeout_ms)
{
    if (provider == NULL)
        return OTEL_ERR_INVALID_ARGUMENT;
    uint64_t deadline = otel_time_monotonic_ns() + (uint64_t)timeout_ms * 1000000u;
    otel_status_t result = OTEL_OK;
    for (size_t i = 0; i < provider->processor_count; i++) {
        otel_status_t s = otel_span_processor_force_flush(provider->processors[i], remaining_ms(deadline));
        if (s != OTEL_OK && result == OTEL_OK)
            result = s;
    }
    return result;
}

otel_status_t otel_tracer_provider_shutdown(otel_tracer_provider_t *provider, uint32_t timeout_ms)
{
    if (provider == NULL)
        return OTEL_ERR_INVALID_ARGUMENT;
    if (atomic_exchange(&provider->shut_down, true))
        return OTEL_ERR_SHUTDOWN;
    uint64_t deadline = otel_time_monotonic_ns() + (uint64_t)timeout_ms * 1000000u;
    otel_status_t result = OTEL_OK;
    for (size_t i = 0; i < provider->processor_count; i++) {
        otel_status_t s = otel_span_processor_shutdown(provider->processors[i], remaining_ms(deadline));
        if (s == OTEL_ERR_TIMEOUT)
            provider->leak_on_destroy = true;
        if (s != OTEL_OK && result == OTEL_OK)
            result = s;
    }
    return result;
}

void otel_tracer_provider_destroy(otel_tracer_provider_t *provider)
{
    if (provider == NULL)
        return;
    if (!atomic_load(&provider->shut_down))
        otel_tracer_provider_shutdown(provider, DESTROY_TIMEOUT_MS);
    otel_tracer_provider_t *expected = provider;
    atomic_compare_exchange_strong(&global_provider, &expected, NULL);
    for (size_t i = 0; i < provider->processor_count; i++)
        otel_span_processor_destroy(provider->processors[i]);
    otel_sampler_destroy(provider->sampler);
    if (provider->leak_on_destroy) {
        /* An exporter is still running past its timeout with spans that point at our tracers and
         * resource: leaving them allocated is the only safe choice. */
        OTEL_DIAG(OTEL_DIAG_WARN, "tracer provider destroyed while an export was still running; leaking its tracers");
        return;
    }
    for (size_t i = 0; i < provider->tracer_count; i++) {
        otel_arena__dispose(&provider->tracers[i]->arena);
        free(provider->tracers[i]);
    }
    free(provider->tracers);
    otel_resource_destroy(provider->resource);
    pthread_mutex_destroy(&provider->lock);
    free(provider);
}

const otel_resource_t *otel_tracer_provider_resource(const otel_tracer_provider_t *provider)
{
    return provider != NULL ? provider->resource : NULL;
}

void otel_tracer_provider_get_stats(const otel_tracer_provider_t *provider, otel_trace_stats_t *stats)
{
    memset(stats, 0, sizeof(*stats));
    if (provider == NULL)
        return;
    for (size_t i = 0; i < OTEL_TRACE__COUNTER_CELLS; i++) {
        const otel_trace__counter_cell_t *c = &provider->counters[i];
        stats->spans_started += atomic_load_explicit(&c->started, memory_order_relaxed);
        stats->spans_recording += atomic_load_explicit(&c->recording, memory_order_relaxed);
        stats->spans_ended += atomic_load_explicit(&c->ended, memory_order_relaxed);
        stats->spans_alloc_failed += atomic_load_explicit(&c->alloc_failed, memory_order_relaxed);
    }
    for (size_t i = 0; i < provider->processor_count; i++) {
        otel_span_processor_stats_t s;
        otel_span_processor_get_stats(provider->processors[i], &s);
        stats->spans_dropped += s.spans_dropped;
        stats->spans_exported += s.spans_exported;
        stats->spans_failed += s.spans_failed;
        stats->export_calls += s.export_calls;
        stats->export_failures += s.export_failures;
        stats->queue_size += s.queue_size;
        stats->queue_capacity += s.queue_capacity;
    }
}

void otel_tracer_provider_set_global(otel_tracer_provider_t *provider)
{
    atomic_store(&global_provider, provider);
}

otel_tracer_provider_t *otel_tracer_provider_get_global(void)
{
    return atomic_load(&global_provider);
}

const char *otel_span_kind_name(otel_span_kind_t kind)
{
    switch (kind) {
    case OTEL_SPAN_KIND_INTERNAL:
        return "SPAN_KIND_INTERNAL";
    case OTEL_SPAN_KIND_SERVER:
        return "SPAN_KIND_SERVER";
    case OTEL_SPAN_KIND_CLIENT:
        return "SPAN_KIND_CLIENT";
    case OTEL_SPAN_KIND_PRODUCER:
        return "SPAN_KIND_PRODUCER";
    case OTEL_SPAN_KIND_CONSUMER:
        return "SPAN_KIND_CONSUMER";
    default:
        return "SPAN_KIND_UNSPECIFIED";
    }
}
