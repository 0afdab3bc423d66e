/* SPDX-License-Identifier: Apache-2.0 */
/* A bounded lock-free multi-producer single-consumer queue of pointers (D. Vyukov's ring), for batch processors. */
#ifndef OTEL_MPSC_QUEUE_INTERNAL_H
#define OTEL_MPSC_QUEUE_INTERNAL_H

#include <sched.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include "otel/common.h"

/* One slot: `seq` says whose turn it is. One slot per cache line, so producers on different threads do not
 * write the same line. */
typedef struct otel_mpsc__cell {
    _Alignas(64) _Atomic size_t seq;
    void *item;
} otel_mpsc__cell_t;

/**
 * Embed in a 64-byte aligned object and otel_mpsc__init it. Producers (any thread) never block: a full queue
 * refuses. One consumer thread at a time. Positions only grow: `tail - head` is the number of claimed slots
 * (a claimed slot is published a few instructions later).
 */
typedef struct otel_mpsc {
    otel_mpsc__cell_t *cells;
    size_t mask;                      /* capacity - 1 */
    _Alignas(64) _Atomic size_t tail; /* next slot producers claim */
    _Alignas(64) _Atomic size_t head; /* next slot the consumer takes (written by it only) */
} otel_mpsc_t;

/** Allocates room for `min_capacity` (1..2^30) rounded up to a power of two. OTEL_ERR_NO_MEMORY on failure. */
otel_status_t otel_mpsc__init(otel_mpsc_t *q, size_t min_capacity);
/** Frees the slots; items still queued are the caller's to pop first. NULL-safe, idempotent. */
void otel_mpsc__dispose(otel_mpsc_t *q);

static inline size_t otel_mpsc__capacity(const otel_mpsc_t *q)
{
    return q->mask + 1;
}

/**
 * Appends `item` (any thread, lock-free); false when the queue is full. `*pushed` is set to the number of
 * items ever claimed including this one, so the caller can act every N pushes and compute the fill level
 * against `head`.
 */
static inline bool otel_mpsc__push(otel_mpsc_t *q, void *item, size_t *pushed)
{
    size_t pos = atomic_load_explicit(&q->tail, memory_order_relaxed);
    otel_mpsc__cell_t *c;
    for (;;) {
        c = &q->cells[pos & q->mask];
        size_t seq = atomic_load_explicit(&c->seq, memory_order_acquire);
        intptr_t diff = (intptr_t)seq - (intptr_t)pos;
        if (diff == 0) {
            if (atomic_compare_exchange_weak_explicit(&q->tail, &pos, pos + 1, memory_order_relaxed,
                                                      memory_order_relaxed))
                break;
        } else if (diff < 0) {
            return false; /* full */
        } else {
            pos = atomic_load_explicit(&q->tail, memory_order_relaxed);
        }
    }
    c->item = item;
    atomic_store_explicit(&c->seq, pos + 1, memory_order_release);
    *pushed = pos + 1;
    return true;
}

/* Consumer side: hands the slot at `head` back to producers for the next lap. */
static inline void *otel_mpsc__consume(otel_mpsc_t *q, otel_mpsc__cell_t *c, size_t head)
{
    void *item = c->item;
    atomic_store_explicit(&c->seq, head + q->mask + 1, memory_order_release);
    atomic_store_explicit(&q->head, head + 1, memory_order_release);
    return item;
}

/**
 * The oldest item, at position `head` (the consumer's own copy of q->head), which the caller knows was
 * claimed (it read a tail past `head` with acquire): waits for its producer to publish it, which is a few
 * instructions away. Consumer only.
 */
static inline void *otel_mpsc__take(otel_mpsc_t *q, size_t head)
{
    otel_mpsc__cell_t *c = &q->cells[head & q->mask];
    while (atomic_load_explicit(&c->seq, memory_order_acquire) != head + 1)
        sched_yield();
    return otel_mpsc__consume(q, c, head);
}

/** The oldest item if it is published, else NULL (empty, or its producer is mid-push). Consumer only. */
static inline void *otel_mpsc__pop(otel_mpsc_t *q)
{
    size_t head = atomic_load_explicit(&q->head, memory_order_relaxed);
    otel_mpsc__cell_t *c = &q->cells[head & q->mask];
    if (atomic_load_explicit(&c->seq, memory_order_acquire) != head + 1)
        return NULL;
    return otel_mpsc__consume(q, c, head);
}

#endif
