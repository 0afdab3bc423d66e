/* SPDX-License-Identifier: Apache-2.0 */
/* Span pools: the span side of the per-thread object pools (common/object_pool.c): reset on reuse, new spans. */
#include <stdlib.h>
#include <string.h>
#include "trace/trace_internal.h"

void otel_span__reset(otel_span_t *span);
void otel_span__free(otel_span_t *span);

static void free_span(otel_pool_link_t *link)
{
    otel_span__free(OTEL_POOL_OBJECT(link, otel_span_t, link));
}

static const otel_pool_class_t span_class = {OTEL_POOL_SPAN, free_span};

otel_span_t *otel_span_pool__get(void)
{
    otel_span_t *s;
    otel_pool_link_t *link = otel_pool__get(OTEL_POOL_SPAN);
    if (link != NULL) {
        s = OTEL_POOL_OBJECT(link, otel_span_t, link);
        /* The next span's first line was last written on the export thread (the pool link): fetch it early. */
        otel_pool_link_t *next = otel_pool__peek(OTEL_POOL_SPAN);
        if (next != NULL)
            __builtin_prefetch(next, 1);
        /* Reset here, on the owner thread, not where it was released: the export thread then only writes
         * the span's first line (the pool link), and these lines stay in this core's cache. */
        otel_span__reset(s);
    } else {
        s = aligned_alloc(64, (sizeof(*s) + 63) & ~(size_t)63);
        if (s == NULL)
            return NULL;
        memset(s, 0, sizeof(*s));
        if (!otel_pool__adopt(&span_class, &s->link)) {
            free(s);
            return NULL;
        }
        s->recording = true; /* forces a full reset: it fills the empty slices of `data` */
        otel_span__reset(s);
    }
    atomic_store_explicit(&s->refs, 1, memory_order_relaxed);
    return s;
}

void otel_span_pool__put(otel_span_t *span)
{
    otel_pool__put(OTEL_POOL_SPAN, &span->link);
}

size_t otel_span_pool__allocated(void)
{
    return otel_pool__allocated(OTEL_POOL_SPAN);
}
