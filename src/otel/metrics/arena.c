/* SPDX-License-Identifier: Apache-2.0 */
/* The collection arena: output of one collection lives here and is released in one reset. */
#include <stdlib.h>
#include <string.h>
#include "metrics/metrics_internal.h"

#define ARENA_BLOCK (64 * 1024)

typedef struct arena_block {
    struct arena_block *next;
    size_t size, used;
    _Alignas(16) unsigned char data[];
} arena_block_t;

struct otel_metrics__arena {
    arena_block_t *first, *current;
};

otel_metrics__arena_t *otel_metrics__arena_create(void)
{
    return calloc(1, sizeof(otel_metrics__arena_t));
}

void *otel_metrics__arena_alloc(otel_metrics__arena_t *arena, size_t size)
{
    size = (size + 15) & ~(size_t)15;
    /* blocks are used in list order; those after `current` are free in this collection */
    arena_block_t *b = arena->current;
    while (b != NULL && b->size - b->used < size && b->next != NULL) {
        b = b->next;
        b->used = 0;
    }
    if (b == NULL || b->size - b->used < size) {
        size_t cap = size > ARENA_BLOCK ? size : ARENA_BLOCK;
        arena_block_t *nb = malloc(sizeof(arena_block_t) + cap);
        if (nb == NULL)
            return NULL;
        nb->size = cap;
        nb->used = 0;
        nb->next = NULL;
        if (b == NULL)
            arena->first = nb;
        else
            b->next = nb; /* b is the last block */
        b = nb;
    }
    arena->current = b;
    void *p = b->data + b->used;
    b->used += size;
    memset(p, 0, size);
    return p;
}

void otel_metrics__arena_reset(otel_metrics__arena_t *arena)
{
    if (arena == NULL)
        return;
    arena->current = arena->first;
    if (arena->first != NULL)
        arena->first->used = 0;
}

void otel_metrics__arena_destroy(otel_metrics__arena_t *arena)
{
    if (arena == NULL)
        return;
    for (arena_block_t *b = arena->first, *next; b != NULL; b = next) {
        next = b->next;
        free(b);
    }
    free(arena);
}
