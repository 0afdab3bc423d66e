/* SPDX-License-Identifier: Apache-2.0 */
/* The chunked bump arena (chunks reused across resets, doubling up to 64 KiB) and attribute deep copies into it. */
#include <stdlib.h>
#include <string.h>
#include "arena_internal.h"

#define CHUNK_MIN 1024u
#define CHUNK_MAX (64u * 1024u) /* doubling stops here; bigger requests get a chunk of their own size */

struct otel_arena__chunk {
    otel_arena__chunk_t *next;
    size_t cap;
    _Alignas(8) char data[];
};

/* A chunk for `size` bytes (already rounded to 8) appended after `last` (NULL: the first chunk). */
static otel_arena__chunk_t *chunk_new(const otel_arena__chunk_t *last, size_t size)
{
    size_t cap = last == NULL ? CHUNK_MIN : last->cap >= CHUNK_MAX / 2 ? CHUNK_MAX : last->cap * 2;
    if (cap < size)
        cap = size;
    otel_arena__chunk_t *c = malloc(sizeof(*c) + cap);
    if (c != NULL) {
        c->next = NULL;
        c->cap = cap;
    }
    return c;
}

void *otel_arena__alloc_slow(otel_arena_t *arena, size_t size)
{
    /* Move on to the next retained chunk that fits; insert a new one when none does. */
    otel_arena__chunk_t *prev = arena->cur, *next = prev != NULL ? prev->next : arena->head;
    while (next != NULL && next->cap < size) {
        prev = next;
        next = next->next;
    }
    if (next == NULL) {
        next = chunk_new(prev, size);
        if (next == NULL)
            return NULL;
        if (prev != NULL)
            prev->next = next;
        else
            arena->head = next;
    }
    arena->cur = next;
    arena->cur_data = next->data;
    arena->cur_cap = next->cap;
    arena->used = size;
    return next->data;
}

otel_str_t otel_arena__strdup(otel_arena_t *arena, otel_str_t s, bool nul)
{
    if (s.len == 0 && !nul)
        return (otel_str_t){"", 0};
    char *p = otel_arena__alloc(arena, s.len + (nul ? 1 : 0));
    if (p == NULL)
        return (otel_str_t){"", 0};
    if (s.len > 0)
        memcpy(p, s.ptr, s.len);
    if (nul)
        p[s.len] = '\0';
    return (otel_str_t){p, s.len};
}

void otel_arena__reset(otel_arena_t *arena, size_t keep_bytes)
{
    size_t kept = 0;
    otel_arena__chunk_t **link = &arena->head;
    while (*link != NULL) {
        otel_arena__chunk_t *c = *link;
        if (kept + c->cap <= keep_bytes || kept == 0) {
            kept += c->cap;
            link = &c->next;
        } else {
            *link = c->next;
            free(c);
        }
    }
    /* Start over in the first chunk, so the next allocation takes the inline fast path. */
    arena->cur = arena->head;
    arena->cur_data = arena->head != NULL ? arena->head->data : NULL;
    arena->cur_cap = arena->head != NULL ? arena->head->cap : 0;
    arena->used = 0;
}

void otel_arena__dispose(otel_arena_t *arena)
{
    if (arena == NULL)
        return;
    for (otel_arena__chunk_t *c = arena->head, *next; c != NULL; c = next) {
        next = c->next;
        free(c);
    }
    arena->head = arena->cur = NULL;
    arena->cur_data = NULL;
    arena->cur_cap = 0;
    arena->used = 0;
}

size_t otel_utf8__truncate(const char *s, size_t len, size_t limit)
{
    if (len <= limit)
        return len;
    size_t n = limit;
    /* Back off continuation bytes (10xxxxxx) so a multi-byte character is not cut. */
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

static otel_str_t copy_limited(otel_arena_t *arena, otel_str_t s, uint32_t limit, bool *ok)
{
    if (limit != UINT32_MAX)
        s.len = otel_utf8__truncate(s.ptr, s.len, limit);
    if (s.len == 0)
        return (otel_str_t){"", 0};
    otel_str_t r = otel_arena__strdup(arena, s, false);
    if (r.len != s.len)
        *ok = false;
    return r;
}

static void *copy_array(otel_arena_t *arena, const void *items, size_t size, bool *ok)
{
    if (size == 0)
        return NULL;
    void *p = otel_arena__alloc(arena, size);
    if (p == NULL) {
        *ok = false;
        return NULL;
    }
    memcpy(p, items, size);
    return p;
}

bool otel_value__copy(otel_arena_t *arena, otel_value_t *dst, const otel_value_t *src, uint32_t limit)
{
    bool ok = true;
    *dst = *src;
    switch (src->type) {
    case OTEL_VALUE_STRING:
        dst->u.string = copy_limited(arena, src->u.string, limit, &ok);
        break;
    case OTEL_VALUE_STRING_ARRAY: {
        otel_str_t *items = copy_array(arena, src->u.strings.items, src->u.strings.count * sizeof(otel_str_t), &ok);
        for (size_t i = 0; ok && i < src->u.strings.count; i++)
            items[i] = copy_limited(arena, src->u.strings.items[i], limit, &ok);
        dst->u.strings.items = items;
        break;
    }
    case OTEL_VALUE_BOOL_ARRAY:
        dst->u.bools.items = copy_array(arena, src->u.bools.items, src->u.bools.count * sizeof(bool), &ok);
        break;
    case OTEL_VALUE_INT64_ARRAY:
        dst->u.int64s.items = copy_array(arena, src->u.int64s.items, src->u.int64s.count * sizeof(int64_t), &ok);
        break;
    case OTEL_VALUE_DOUBLE_ARRAY:
        dst->u.doubles.items = copy_array(arena, src->u.doubles.items, src->u.doubles.count * sizeof(double), &ok);
        break;
    default:
        break;
    }
    if (!ok)
        *dst = (otel_value_t){.type = OTEL_VALUE_EMPTY};
    return ok;
}

bool otel_attribute__copy(otel_arena_t *arena, otel_attribute_t *dst, const otel_attribute_t *src,
                          uint32_t value_length_limit)
{
    bool ok = true;
    dst->key = copy_limited(arena, src->key, UINT32_MAX, &ok);
    if (!ok) {
        *dst = (otel_attribute_t){0};
        return false;
    }
    return otel_value__copy(arena, &dst->value, &src->value, value_length_limit);
}
