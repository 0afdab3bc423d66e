/* SPDX-License-Identifier: Apache-2.0 */
/* Setting up and tearing down the bounded MPSC queue (the push/pop paths are inline in the header). */
#include <stdlib.h>
#include "common/mpsc_queue_internal.h"

otel_status_t otel_mpsc__init(otel_mpsc_t *q, size_t min_capacity)
{
    if (min_capacity == 0 || min_capacity > ((size_t)1 << 30))
        return OTEL_ERR_INVALID_ARGUMENT;
    size_t capacity = 1;
    while (capacity < min_capacity)
        capacity <<= 1;
    q->cells = aligned_alloc(_Alignof(otel_mpsc__cell_t), capacity * sizeof(*q->cells));
    if (q->cells == NULL)
        return OTEL_ERR_NO_MEMORY;
    for (size_t i = 0; i < capacity; i++) {
        atomic_init(&q->cells[i].seq, i);
        q->cells[i].item = NULL;
    }
    q->mask = capacity - 1;
    atomic_init(&q->tail, 0);
    atomic_init(&q->head, 0);
    return OTEL_OK;
}

void otel_mpsc__dispose(otel_mpsc_t *q)
{
    if (q == NULL)
        return;
    free(q->cells);
    q->cells = NULL;
    q->mask = 0;
}
