/* SPDX-License-Identifier: Apache-2.0 */
/* Spans: start (parent, ids, sampling), attributes/events/links with limits, status, end, activation. */
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include "common/common_internal.h"
#include "common/fast_clock_internal.h"
#include "trace/trace_internal.h"

#define ARENA_KEEP_BYTES (16u * 1024u)

/* Returned when a span cannot be allocated: non-recording, invalid context, never recycled. */
static otel_span_t noop_span;

static _Thread_local otel_span_scope_t *current_scope;

/* otel_arena__reset, without its call and chunk walk in the usual case of a span whose strings fit in the
 * first chunk: chunks after the first were all kept by an earlier reset, so this one would keep them too. */
static inline void reset_arena(otel_arena_t *arena)
{
    if (arena->cur == arena->head)
        arena->used = 0;
    else
        otel_arena__reset(arena, ARENA_KEEP_BYTES);
}

void otel_span__reset(otel_span_t *span)
{
    atomic_store_explicit(&span->state, OTEL_SPAN__OPEN, memory_order_relaxed);
    span->tracer = NULL;
    if (!span->recording) {
        /* A non-recording span only ever set its tracestate (and flags): the rest of `data` is still clean. */
        if (span->data.tracestate.len > 0) {
            reset_arena(&span->arena);
            span->data.tracestate = (otel_str_t){"", 0};
        }
        return;
    }
    reset_arena(&span->arena);
    /* Only what start_span does not write for every recording span (ids, flags, name, kind, start time,
     * resource, scope); the array pointers stay with their retained arrays. Exporters may memcpy any
     * slice: empty ones point at "" rather than NULL. */
    otel_span_data_t *d = &span->data;
    d->parent_span_id = (otel_span_id_t){{0}};
    d->parent_is_remote = false;
    d->tracestate = d->name = d->status_message = (otel_str_t){"", 0};
    d->end_time_unix_ns = 0;
    d->attribute_count = d->event_count = d->link_count = 0;
    d->dropped_attributes_count = d->dropped_events_count = d->dropped_links_count = 0;
    d->status_code = OTEL_STATUS_CODE_UNSET;
    span->key_filter = 0;
    span->recording = span->status_final = false;
}

void otel_span__free(otel_span_t *span)
{
    otel_arena__dispose(&span->arena);
    free(span->attributes);
    free(span->events);
    free(span->links);
    free(span);
}

static void random_ids(otel_trace_id_t *trace_id, otel_span_id_t *span_id)
{
    if (trace_id != NULL) {
        uint64_t hi, lo;
        do {
            hi = otel_random__u64();
            lo = otel_random__u64();
        } while ((hi | lo) == 0);
        memcpy(trace_id->bytes, &hi, 8);
        memcpy(trace_id->bytes + 8, &lo, 8);
    }
    uint64_t r;
    do
        r = otel_random__u64();
    while (r == 0);
    memcpy(span_id->bytes, &r, sizeof(r));
}

/* Grows a retained array to hold one more element, up to `limit` elements. */
static bool grow(void **items, uint32_t *cap, uint32_t count, uint32_t limit, size_t size)
{
    if (count < *cap)
        return true;
    uint32_t want = *cap == 0 ? 8 : *cap * 2;
    if (want > limit)
        want = limit;
    if (want <= count)
        return false;
    void *p = realloc(*items, (size_t)want * size);
    if (p == NULL)
        return false;
    *items = p;
    *cap = want;
    return true;
}

/*
 * Concurrency: every mutator holds the span's state at LOCKED for its few instructions (a CAS from OPEN),
 * and end moves it to ENDED for good, so mutations after end are ignored and end is idempotent. When the
 * caller holds the only reference (refs == 1, read with acquire: the usual case of one thread owning its
 * span) no other thread can legally touch the span, so the lock is taken with plain stores, no locked
 * instruction. Any other holder got its reference from otel_span_retain (or is a scope of this thread).
 */
static inline void otel_span__spin_pause(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#else
    sched_yield();
#endif
}

static inline bool span_lock(otel_span_t *span)
{
    if (atomic_load_explicit(&span->refs, memory_order_acquire) == 1) {
        if (atomic_load_explicit(&span->state, memory_order_relaxed) != OTEL_SPAN__OPEN)
            return false;
        atomic_store_explicit(&span->state, OTEL_SPAN__LOCKED, memory_order_relaxed);
        return true;
    }
    uint8_t expected = OTEL_SPAN__OPEN;
    while (!atomic_compare_exchange_weak_explicit(&span->state, &expected, OTEL_SPAN__LOCKED, memory_order_acquire,
                                                  memory_order_relaxed)) {
        if (expected == OTEL_SPAN__ENDED)
            return false;
        expected = OTEL_SPAN__OPEN;
        otel_span__spin_pause();
    }
    return true;
}

static inline void span_unlock(otel_span_t *span, uint8_t to)
{
    atomic_store_explicit(&span->state, to, memory_order_release);
}

/* Locks a recording, not yet ended span for one mutation. */
static inline bool lock_mutable(otel_span_t *span)
{
    return span != NULL && span->recording && span_lock(span);
}

/*
 * A one-bit-of-64 summary of a key (its length, first and last byte), for span->key_filter: a key whose bit is not
 * set in the filter is not among the span's attributes, so the duplicate scan is skipped. It is what made span start
 * quadratic: 45 comparisons for the server span's 10 keys. A bit shared by two keys only costs that scan.
 */
static inline uint64_t key_filter_bit(const char *key, size_t klen)
{
    uint32_t h =
        ((uint32_t)klen ^ (uint32_t)(unsigned char)key[0] << 8 ^ (uint32_t)(unsigned char)key[klen - 1] << 16) *
        0x9E3779B1u;
    return (uint64_t)1 << (h >> 26);
}

/*
 * Sets `n` attributes (the span is locked). The hot path: with no value length limit, the keys and string
 * values of the whole call go into one arena block reserved up front, copied inline; locals hold the count,
 * capacity and block cursor across the loop (the byte copies could alias any span field, so the compiler
 * would otherwise reload them after each one). Anything else (arrays, a value limit, no memory for the
 * block) goes through otel_attribute__copy_fast. With `static_keys` the caller promised that the keys outlive
 * the span (otel_span_start_options_t.static_keys): they are referenced, only the values are copied.
 */
static void set_attributes(otel_span_t *span, const otel_attribute_t *attrs, size_t n, const otel_span_limits_t *limits,
                           bool static_keys)
{
    otel_span_data_t *d = &span->data;
    uint32_t dropped = 0, count_limit = limits->attribute_count_limit,
             value_limit = limits->attribute_value_length_limit;
    char *block = NULL;
    if (value_limit == UINT32_MAX) {
        size_t bytes = 0;
        for (size_t a = 0; a < n; a++)
            bytes += (static_keys ? 0 : attrs[a].key.len) +
                     (attrs[a].value.type == OTEL_VALUE_STRING ? attrs[a].value.u.string.len : 0);
        block = otel_arena__alloc(&span->arena, bytes);
    }
    otel_attribute_t *items = span->attributes;
    size_t count = d->attribute_count;
    uint32_t cap = span->attribute_cap;
    uint64_t filter = span->key_filter;
    for (size_t a = 0; a < n; a++) {
        const otel_attribute_t *attr = &attrs[a];
        size_t klen = attr->key.len;
        if (klen == 0)
            continue; /* the spec makes an empty key invalid */
        const char *key = attr->key.ptr;
        uint64_t bit = key_filter_bit(key, klen);
        size_t i = count;
        if (filter & bit) { /* maybe a key the span has: look for it */
            i = 0;
            while (i < count && !(items[i].key.len == klen && items[i].key.ptr[0] == key[0] &&
                                  __builtin_memcmp(items[i].key.ptr, key, klen) == 0))
                i++;
        }
        if (i < count) { /* same key: overwrite in place */
            otel_value__copy(&span->arena, &items[i].value, &attr->value, value_limit);
            continue;
        }
        if (count >= count_limit) {
            dropped++;
            continue;
        }
        if (count >= cap) {
            if (!grow((void **)&span->attributes, &span->attribute_cap, (uint32_t)count, count_limit, sizeof(*items))) {
                dropped++;
                continue;
            }
            items = span->attributes;
            cap = span->attribute_cap;
        }
        otel_attribute_t *dst = &items[count];
        otel_value_type_t type = attr->value.type;
        if (block != NULL && (type == OTEL_VALUE_STRING || type == OTEL_VALUE_BOOL || type == OTEL_VALUE_INT64 ||
                              type == OTEL_VALUE_DOUBLE)) {
            if (static_keys) {
                dst->key = attr->key;
            } else {
                otel_copy__small(block, key, klen);
                dst->key = (otel_str_t){block, klen};
                block += klen;
            }
            dst->value = attr->value;
            if (type == OTEL_VALUE_STRING) {
                size_t vlen = attr->value.u.string.len;
                otel_copy__small(block, attr->value.u.string.ptr, vlen);
                dst->value.u.string = (otel_str_t){vlen > 0 ? block : "", vlen};
                block += vlen;
            }
            count++;
            filter |= bit;
        } else if (static_keys ? otel_value__copy(&span->arena, &dst->value, &attr->value, value_limit)
                               : otel_attribute__copy_fast(&span->arena, dst, attr, value_limit)) {
            if (static_keys)
                dst->key = attr->key;
            count++;
            filter |= bit;
        } else {
            dropped++;
        }
    }
    d->attributes = items;
    d->attribute_count = count;
    d->dropped_attributes_count += dropped;
    span->key_filter = filter;
}

/* Copies up to `limit` attributes into the arena; the rest are counted in *dropped. */
static const otel_attribute_t *copy_attributes(otel_span_t *span, const otel_attribute_t *attrs, size_t count,
                                               uint32_t limit, size_t *kept, uint32_t *dropped)
{
    const otel_span_limits_t *limits = &span->tracer->provider->limits;
    size_t n = count < limit ? count : limit;
    *kept = 0;
    *dropped = (uint32_t)(count - n);
    if (n == 0)
        return NULL;
    otel_attribute_t *out = otel_arena__alloc(&span->arena, n * sizeof(*out));
    if (out == NULL) {
        *dropped = (uint32_t)count;
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        if (otel_attribute__copy_fast(&span->arena, &out[*kept], &attrs[i], limits->attribute_value_length_limit))
            (*kept)++;
        else
            (*dropped)++;
    }
    return out;
}

static void add_link(otel_span_t *span, const otel_span_context_t *ctx, otel_str_t tracestate,
                     const otel_attribute_t *attrs, size_t count)
{
    const otel_span_limits_t *limits = &span->tracer->provider->limits;
    otel_span_data_t *d = &span->data;
    if (d->link_count >= limits->link_count_limit ||
        !grow((void **)&span->links, &span->link_cap, (uint32_t)d->link_count, limits->link_count_limit,
              sizeof(otel_span_link_t))) {
        d->dropped_links_count++;
        return;
    }
    d->links = span->links;
    otel_span_link_t *l = &span->links[d->link_count++];
    l->context = *ctx;
    l->tracestate = otel_arena__strdup(&span->arena, tracestate, false);
    l->attributes = copy_attributes(span, attrs, count, limits->link_attribute_count_limit, &l->attribute_count,
                                    &l->dropped_attributes_count);
}

otel_span_t *otel_tracer_start_span(otel_tracer_t *tracer, otel_str_t name, const otel_span_start_options_t *options)
{
    static const otel_span_start_options_t defaults;
    if (tracer == NULL)
        return &noop_span;
    if (options == NULL)
        options = &defaults;
    otel_tracer_provider_t *provider = tracer->provider;

    const otel_span_context_t *parent = NULL;
    otel_str_t tracestate = {"", 0};
    if (options->parent != NULL) {
        parent = options->parent;
        tracestate = options->parent_tracestate;
    } else if (!options->root && (parent = otel_context_current()) != NULL) {
        tracestate = otel_trace__current_tracestate(parent);
    }
    if (parent != NULL && !otel_span_context_is_valid(parent)) {
        parent = NULL;
        tracestate = (otel_str_t){"", 0};
    }

    unsigned index = otel_trace__thread_index();
    bool exclusive = index < OTEL_TRACE__EXCLUSIVE_CELLS;
    otel_trace__counter_cell_t *cell = &provider->counters[exclusive ? index : OTEL_TRACE__EXCLUSIVE_CELLS];
    otel_span_t *span = otel_span_pool__get();
    if (__builtin_expect(span == NULL, 0)) { /* out of memory: the caller still gets a usable (non-recording) span */
        otel_trace__count(&cell->alloc_failed, exclusive);
        return &noop_span;
    }
    span->tracer = tracer;
    otel_span_context_t *ctx = &span->context;
    if (parent != NULL) {
        ctx->trace_id = parent->trace_id;
        random_ids(NULL, &ctx->span_id);
    } else {
        random_ids(&ctx->trace_id, &ctx->span_id);
    }
    ctx->is_remote = false;
    otel_span_kind_t kind = options->kind == OTEL_SPAN_KIND_UNSPECIFIED ? OTEL_SPAN_KIND_INTERNAL : options->kind;
    otel_sampling_decision_t decision =
        atomic_load_explicit(&provider->shut_down, memory_order_relaxed)
            ? OTEL_SAMPLING_DROP
            : otel_sampler_should_sample(provider->sampler, parent, &ctx->trace_id, name, kind, options->attributes,
                                         options->attribute_count);
    ctx->trace_flags = decision == OTEL_SAMPLING_RECORD_AND_SAMPLE ? OTEL_TRACE_FLAGS_SAMPLED : 0;

    otel_trace__count(&cell->started, exclusive);
    otel_span_data_t *d = &span->data;
    if (tracestate.len > 0)
        d->tracestate = otel_arena__strdup(&span->arena, tracestate, false);
    if (decision == OTEL_SAMPLING_DROP)
        return span;

    otel_trace__count(&cell->recording, exclusive);
    span->recording = true;
    d->trace_id = ctx->trace_id;
    d->span_id = ctx->span_id;
    d->trace_flags = ctx->trace_flags;
    if (parent != NULL) {
        d->parent_span_id = parent->span_id;
        d->parent_is_remote = parent->is_remote;
    }
    d->name = otel_arena__strndup(&span->arena, name);
    d->kind = kind;
    d->start_time_unix_ns = options->start_time_unix_ns != 0 ? options->start_time_unix_ns : otel_time__fast_now_ns();
    d->resource = provider->resource;
    d->scope = &tracer->scope;
    if (options->attribute_count > 0)
        set_attributes(span, options->attributes, options->attribute_count, &provider->limits, options->static_keys);
    for (size_t i = 0; i < options->link_count; i++) {
        const otel_span_link_t *l = &options->links[i];
        add_link(span, &l->context, l->tracestate, l->attributes, l->attribute_count);
    }
    if (__builtin_expect(provider->has_on_start, 0))
        for (size_t i = 0; i < provider->processor_count; i++) {
            otel_span_processor_t *p = provider->processors[i];
            if (p->vt->on_start != NULL)
                p->vt->on_start(p, span);
        }
    return span;
}

void otel_span_end(otel_span_t *span, uint64_t end_time_unix_ns)
{
    if (span == NULL || span == &noop_span || !span_lock(span))
        return; /* already ended: ignored (the first end consumed the creating handle) */
    if (!span->recording) {
        span_unlock(span, OTEL_SPAN__ENDED);
        otel_span__release(span);
        return;
    }
    otel_tracer_provider_t *provider = span->tracer->provider;
    span->data.end_time_unix_ns = end_time_unix_ns != 0 ? end_time_unix_ns : otel_time__fast_now_ns();
    if (span->data.end_time_unix_ns < span->data.start_time_unix_ns)
        span->data.end_time_unix_ns = span->data.start_time_unix_ns;
    /* From here on the span is read-only: later mutators see ENDED and leave it alone. */
    span_unlock(span, OTEL_SPAN__ENDED);
    unsigned index = otel_trace__thread_index();
    bool exclusive = index < OTEL_TRACE__EXCLUSIVE_CELLS;
    otel_trace__count(&provider->counters[exclusive ? index : OTEL_TRACE__EXCLUSIVE_CELLS].ended, exclusive);
    size_t n = provider->processor_count;
    if (n == 0) {
        otel_span__release(span);
        return;
    }
    /* The caller's reference passes to the first processor; the others get one each. */
    if (n > 1)
        atomic_fetch_add_explicit(&span->refs, (uint32_t)(n - 1), memory_order_relaxed);
    for (size_t i = 0; i < n; i++) {
        otel_span_processor_t *p = provider->processors[i];
        p->vt->on_end(p, span);
    }
}

bool otel_span_is_recording(const otel_span_t *span)
{
    return span != NULL && span->recording &&
           atomic_load_explicit(&span->state, memory_order_relaxed) != OTEL_SPAN__ENDED;
}

otel_span_t *otel_span_retain(otel_span_t *span)
{
    if (span != NULL && span != &noop_span)
        otel_span__retain(span);
    return span;
}

void otel_span_release(otel_span_t *span)
{
    if (span != NULL && span != &noop_span)
        otel_span__release(span);
}

otel_span_context_t otel_span_get_context(const otel_span_t *span)
{
    return span != NULL ? span->context : (otel_span_context_t){0};
}

otel_str_t otel_span_get_tracestate(const otel_span_t *span)
{
    return span != NULL && span->data.tracestate.len > 0 ? span->data.tracestate : (otel_str_t){"", 0};
}

void otel_span_set_attribute(otel_span_t *span, const otel_attribute_t *attribute)
{
    if (attribute == NULL || !lock_mutable(span))
        return;
    set_attributes(span, attribute, 1, &span->tracer->provider->limits, false);
    span_unlock(span, OTEL_SPAN__OPEN);
}

void otel_span_set_attributes(otel_span_t *span, const otel_attribute_t *attributes, size_t count)
{
    if (attributes == NULL || count == 0 || !lock_mutable(span))
        return;
    set_attributes(span, attributes, count, &span->tracer->provider->limits, false);
    span_unlock(span, OTEL_SPAN__OPEN);
}

void otel_span_set_attributes_static_keys(otel_span_t *span, const otel_attribute_t *attributes, size_t count)
{
    if (attributes == NULL || count == 0 || !lock_mutable(span))
        return;
    set_attributes(span, attributes, count, &span->tracer->provider->limits, true);
    span_unlock(span, OTEL_SPAN__OPEN);
}

/* Adds an event; the span is locked. */
static void add_event(otel_span_t *span, otel_str_t name, uint64_t time_unix_ns, const otel_attribute_t *attributes,
                      size_t count)
{
    const otel_span_limits_t *limits = &span->tracer->provider->limits;
    otel_span_data_t *d = &span->data;
    if (d->event_count >= limits->event_count_limit ||
        !grow((void **)&span->events, &span->event_cap, (uint32_t)d->event_count, limits->event_count_limit,
              sizeof(otel_span_event_t))) {
        d->dropped_events_count++;
        return;
    }
    d->events = span->events;
    otel_span_event_t *e = &span->events[d->event_count++];
    e->name = otel_arena__strdup(&span->arena, name, false);
    e->time_unix_ns = time_unix_ns != 0 ? time_unix_ns : otel_time__fast_now_ns();
    e->attributes =
        copy_attributes(span, attributes, attributes != NULL ? count : 0, limits->event_attribute_count_limit,
                        &e->attribute_count, &e->dropped_attributes_count);
}

void otel_span_add_event(otel_span_t *span, otel_str_t name, uint64_t time_unix_ns, const otel_attribute_t *attributes,
                         size_t count)
{
    if (!lock_mutable(span))
        return;
    add_event(span, name, time_unix_ns, attributes, count);
    span_unlock(span, OTEL_SPAN__OPEN);
}

void otel_span_add_link(otel_span_t *span, const otel_span_context_t *context, otel_str_t tracestate,
                        const otel_attribute_t *attributes, size_t count)
{
    if (context == NULL || (!otel_span_context_is_valid(context) && tracestate.len == 0 && count == 0))
        return;
    if (!lock_mutable(span))
        return;
    add_link(span, context, tracestate, attributes, attributes != NULL ? count : 0);
    span_unlock(span, OTEL_SPAN__OPEN);
}

void otel_span_set_status(otel_span_t *span, otel_status_code_t code, otel_str_t description)
{
    if (code == OTEL_STATUS_CODE_UNSET || !lock_mutable(span))
        return;
    if (span->status_final) {
        /* OK is final */
    } else if (code == OTEL_STATUS_CODE_OK) {
        span->data.status_code = OTEL_STATUS_CODE_OK;
        span->data.status_message = (otel_str_t){"", 0};
        span->status_final = true;
    } else if (code == OTEL_STATUS_CODE_ERROR) {
        span->data.status_code = OTEL_STATUS_CODE_ERROR;
        span->data.status_message = otel_arena__strdup(&span->arena, description, false);
    }
    span_unlock(span, OTEL_SPAN__OPEN);
}

void otel_span_update_name(otel_span_t *span, otel_str_t name)
{
    if (!lock_mutable(span))
        return;
    span->data.name = otel_arena__strdup(&span->arena, name, false);
    span_unlock(span, OTEL_SPAN__OPEN);
}

void otel_span_record_exception(otel_span_t *span, otel_str_t type, otel_str_t message,
                                const otel_attribute_t *attributes, size_t count)
{
    if (!lock_mutable(span))
        return;
    enum { MAX = 32 };
    otel_attribute_t all[MAX];
    size_t n = 0;
    all[n++] = (otel_attribute_t){OTEL_STR("exception.type"), {.type = OTEL_VALUE_STRING, .u.string = type}};
    all[n++] = (otel_attribute_t){OTEL_STR("exception.message"), {.type = OTEL_VALUE_STRING, .u.string = message}};
    for (size_t i = 0; attributes != NULL && i < count && n < MAX; i++)
        all[n++] = attributes[i];
    size_t events_before = span->data.event_count;
    add_event(span, OTEL_STR("exception"), 0, all, n);
    if (attributes != NULL && count > MAX - 2 && span->data.event_count > events_before)
        span->events[span->data.event_count - 1].dropped_attributes_count += (uint32_t)(count - (MAX - 2));
    span_unlock(span, OTEL_SPAN__OPEN);
}

void otel_span_scope_begin(otel_span_scope_t *scope, otel_span_t *span)
{
    if (span == NULL)
        span = &noop_span;
    if (span != &noop_span)
        otel_span__retain(span);
    scope->span = span;
    scope->context = span->context;
    scope->previous = otel_context__set_current(&scope->context);
    scope->previous_scope = current_scope;
    current_scope = scope;
}

void otel_span_scope_end(otel_span_scope_t *scope)
{
    otel_context__set_current(scope->previous);
    current_scope = scope->previous_scope;
    if (scope->span != NULL && scope->span != &noop_span)
        otel_span__release(scope->span);
    scope->span = NULL;
}

otel_str_t otel_trace__current_tracestate(const otel_span_context_t *ctx)
{
    if (current_scope != NULL && ctx == &current_scope->context && current_scope->span != NULL)
        return otel_span_get_tracestate(current_scope->span);
    return (otel_str_t){"", 0};
}

void otel_span__release_many(otel_span_t **spans, size_t count)
{
    otel_pool_batch_t batch = OTEL_POOL_BATCH_INIT(OTEL_POOL_SPAN);
    for (size_t i = 0; i < count; i++) {
        otel_span_t *s = spans[i];
        if (atomic_load_explicit(&s->refs, memory_order_acquire) == 1 ||
            atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel) == 1)
            otel_pool__batch_add(&batch, &s->link); /* only the last references go back to pools */
    }
    otel_pool__batch_end(&batch);
}

unsigned otel_trace__thread_index(void)
{
    static _Atomic unsigned next_index;
    static _Thread_local unsigned index = UINT32_MAX;
    if (__builtin_expect(index == UINT32_MAX, 0))
        index = atomic_fetch_add(&next_index, 1);
    return index;
}
