/* SPDX-License-Identifier: Apache-2.0 */
/* The per-export bump arena OTLP encoders build protobuf-c messages in, and the packed-output buffer. */
#include <stdlib.h>
#include <string.h>
#include "export/otlp_internal.h"

#define CHUNK_MIN (64 * 1024)

struct otel_otlp__arena_chunk {
    otel_otlp__arena_chunk_t *next;
    size_t size;
    _Alignas(16) unsigned char data[];
};

void *otel_otlp__arena_alloc(otel_otlp__arena_t *arena, size_t size)
{
    void *p = otel_otlp__arena_alloc_raw(arena, size);
    if (p != NULL)
        memset(p, 0, size);
    return p;
}

void *otel_otlp__arena_alloc_raw(otel_otlp__arena_t *arena, size_t size)
{
    size = (size + 15) & ~(size_t)15;
    for (;;) {
        if (arena->cur != NULL && arena->cur->size - arena->used >= size) {
            void *p = arena->cur->data + arena->used;
            arena->used += size;
            return p;
        }
        /* Move to the next kept chunk, or add one big enough. */
        if (arena->cur != NULL && arena->cur->next != NULL) {
            arena->cur = arena->cur->next;
            arena->used = 0;
            continue;
        }
        size_t chunk_size = size > CHUNK_MIN ? size : CHUNK_MIN;
        otel_otlp__arena_chunk_t *chunk = malloc(sizeof(*chunk) + chunk_size);
        if (chunk == NULL)
            return NULL;
        chunk->next = NULL;
        chunk->size = chunk_size;
        if (arena->cur == NULL)
            arena->head = chunk;
        else
            arena->cur->next = chunk;
        arena->cur = chunk;
        arena->used = 0;
    }
}

void otel_otlp__arena_reset(otel_otlp__arena_t *arena)
{
    arena->cur = arena->head;
    arena->used = 0;
}

void otel_otlp__arena_dispose(otel_otlp__arena_t *arena)
{
    if (arena == NULL)
        return;
    otel_otlp__arena_chunk_t *chunk = arena->head;
    while (chunk != NULL) {
        otel_otlp__arena_chunk_t *next = chunk->next;
        free(chunk);
        chunk = next;
    }
    memset(arena, 0, sizeof(*arena));
}

bool otel_otlp__buffer_reserve(otel_otlp__buffer_t *buffer, size_t cap)
{
    if (buffer->cap >= cap)
        return true;
    size_t new_cap = buffer->cap ? buffer->cap : 4096;
    while (new_cap < cap)
        new_cap *= 2;
    uint8_t *data = realloc(buffer->data, new_cap);
    if (data == NULL)
        return false;
    buffer->data = data;
    buffer->cap = new_cap;
    return true;
}

void otel_otlp__buffer_dispose(otel_otlp__buffer_t *buffer)
{
    if (buffer == NULL)
        return;
    free(buffer->data);
    memset(buffer, 0, sizeof(*buffer));
}
