/* SPDX-License-Identifier: Apache-2.0 */
/* Test helper: an in-memory span exporter that records what it is given (header-only, for trace tests). */
#ifndef TRACE_TEST_EXPORTER_H
#define TRACE_TEST_EXPORTER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "otel/otel.h"

#define MEM_MAX_KEPT 64

/** What the test keeps of one exported span (copied during export, as exporters must). */
typedef struct mem_span {
    char name[64];
    otel_trace_id_t trace_id;
    otel_span_id_t span_id, parent_span_id;
    uint8_t flags;
    bool parent_is_remote;
    char tracestate[128];
    otel_span_kind_t kind;
    uint64_t start, end;
    size_t attribute_count, event_count, link_count;
    uint32_t dropped_attributes, dropped_events, dropped_links;
    otel_status_code_t status;
    char status_message[64];
    otel_span_data_t data; /* shallow: only valid inside export; kept for counts */
} mem_span_t;

typedef struct mem_exporter {
    pthread_mutex_t lock;
    _Atomic size_t exported; /* spans received */
    _Atomic size_t calls;
    _Atomic size_t max_batch;
    _Atomic size_t flushes, shutdowns;
    _Atomic int delay_ms; /* sleep in each export call (ends early once `unblock` is set) */
    _Atomic bool unblock;
    _Atomic bool fail;      /* return OTEL_ERR_EXPORT */
    _Atomic bool destroyed; /* set by destroy (the struct itself is owned by the test) */
    mem_span_t kept[MEM_MAX_KEPT];
    size_t kept_count;
    uint64_t (*inspect)(const otel_span_data_t *span); /* optional extra check run during export */
    _Atomic uint64_t inspect_sum;
} mem_exporter_t;

static inline void mem_copy_str(char *dst, size_t cap, otel_str_t s)
{
    size_t n = s.len < cap - 1 ? s.len : cap - 1;
    if (n > 0)
        memcpy(dst, s.ptr, n);
    dst[n] = '\0';
}

static inline otel_status_t mem_export(void *self, const otel_span_data_t *const *spans, size_t count)
{
    mem_exporter_t *m = self;
    for (int waited = 0; waited < atomic_load(&m->delay_ms) && !atomic_load(&m->unblock); waited++)
        usleep(1000);
    pthread_mutex_lock(&m->lock);
    for (size_t i = 0; i < count; i++) {
        const otel_span_data_t *s = spans[i];
        if (m->inspect != NULL)
            atomic_fetch_add(&m->inspect_sum, m->inspect(s));
        if (m->kept_count < MEM_MAX_KEPT) {
            mem_span_t *k = &m->kept[m->kept_count++];
            mem_copy_str(k->name, sizeof(k->name), s->name);
            mem_copy_str(k->tracestate, sizeof(k->tracestate), s->tracestate);
            mem_copy_str(k->status_message, sizeof(k->status_message), s->status_message);
            k->trace_id = s->trace_id;
            k->span_id = s->span_id;
            k->parent_span_id = s->parent_span_id;
            k->flags = s->trace_flags;
            k->parent_is_remote = s->parent_is_remote;
            k->kind = s->kind;
            k->start = s->start_time_unix_ns;
            k->end = s->end_time_unix_ns;
            k->attribute_count = s->attribute_count;
            k->event_count = s->event_count;
            k->link_count = s->link_count;
            k->dropped_attributes = s->dropped_attributes_count;
            k->dropped_events = s->dropped_events_count;
            k->dropped_links = s->dropped_links_count;
            k->status = s->status_code;
        }
    }
    pthread_mutex_unlock(&m->lock);
    atomic_fetch_add(&m->exported, count);
    atomic_fetch_add(&m->calls, 1);
    size_t prev = atomic_load(&m->max_batch);
    while (count > prev && !atomic_compare_exchange_weak(&m->max_batch, &prev, count))
        ;
    return atomic_load(&m->fail) ? OTEL_ERR_EXPORT : OTEL_OK;
}

static inline otel_status_t mem_flush(void *self, uint32_t timeout_ms)
{
    (void)timeout_ms;
    atomic_fetch_add(&((mem_exporter_t *)self)->flushes, 1);
    return OTEL_OK;
}

static inline otel_status_t mem_shutdown(void *self, uint32_t timeout_ms)
{
    (void)timeout_ms;
    atomic_fetch_add(&((mem_exporter_t *)self)->shutdowns, 1);
    return OTEL_OK;
}

static inline void mem_destroy(void *self)
{
    atomic_store(&((mem_exporter_t *)self)->destroyed, true);
}

/** Initialises `m` (owned by the caller, must outlive the processor) and returns an exporter for it. */
static inline otel_span_exporter_t mem_exporter_init(mem_exporter_t *m)
{
    memset(m, 0, sizeof(*m));
    pthread_mutex_init(&m->lock, NULL);
    return (otel_span_exporter_t){mem_export, mem_flush, mem_shutdown, mem_destroy, m};
}

/** A provider with an always-on sampler and one simple processor into `m`. */
static inline otel_tracer_provider_t *mem_provider(mem_exporter_t *m, const otel_span_limits_t *limits)
{
    otel_tracer_provider_options_t o;
    otel_tracer_provider_options_init(&o);
    if (limits != NULL)
        o.limits = *limits;
    o.sampler = otel_sampler_always_on_create();
    otel_simple_span_processor_create(mem_exporter_init(m), &o.processors[0]);
    o.processor_count = 1;
    otel_tracer_provider_t *p = NULL;
    otel_tracer_provider_create(&o, &p);
    return p;
}

static inline otel_tracer_t *test_tracer(otel_tracer_provider_t *p)
{
    otel_scope_t scope = {OTEL_STR("test"), OTEL_STR("1.0"), OTEL_STR(""), NULL, 0};
    return otel_tracer_provider_get_tracer(p, &scope);
}

#endif
