/* SPDX-License-Identifier: Apache-2.0 */
/* The one bump arena of otelc (span/resource strings, metric collections, OTLP encoding) and attribute copies. */
#ifndef OTEL_ARENA_INTERNAL_H
#define OTEL_ARENA_INTERNAL_H

#include <string.h>
#include "otel/common.h"
#include "common/small_copy_internal.h"

typedef struct otel_arena__chunk otel_arena__chunk_t;

/**
 * Zero-initialise to use. Allocations never move; otel_arena__reset makes the chunks it keeps reusable
 * (no free), so a recycled owner allocates nothing in the steady state. New chunks double in size from
 * 1 KiB up to 64 KiB (or the request's size), so small owners (a span) stay small and big ones (an
 * export) take few mallocs. Not thread-safe: one owner at a time.
 */
typedef struct otel_arena {
    otel_arena__chunk_t *head;
    otel_arena__chunk_t *cur;
    char *cur_data; /* cur's first byte */
    size_t cur_cap; /* cur's capacity */
    size_t used;    /* bytes used in cur */
} otel_arena_t;

/** `size` bytes aligned to 8, or NULL on allocation failure (the slow path of otel_arena__alloc). */
void *otel_arena__alloc_slow(otel_arena_t *arena, size_t size);

/** `size` bytes aligned to 8, or NULL on allocation failure. Bump-pointer fast path inline. */
static inline void *otel_arena__alloc(otel_arena_t *arena, size_t size)
{
    size = size == 0 ? 8 : (size + 7) & ~(size_t)7;
    if (__builtin_expect(arena->cur != NULL && arena->cur_cap - arena->used >= size, 1)) {
        void *p = arena->cur_data + arena->used;
        arena->used += size;
        return p;
    }
    return otel_arena__alloc_slow(arena, size);
}
/** `size` zeroed bytes aligned to 8, or NULL on allocation failure. */
static inline void *otel_arena__calloc(otel_arena_t *arena, size_t size)
{
    void *p = otel_arena__alloc(arena, size);
    if (p != NULL)
        memset(p, 0, size);
    return p;
}
/** A copy of `s` (not NUL-terminated unless `nul`), or the empty slice on failure/empty input. */
otel_str_t otel_arena__strdup(otel_arena_t *arena, otel_str_t s, bool nul);

/** otel_arena__strdup without a terminating NUL, inline. */
static inline otel_str_t otel_arena__strndup(otel_arena_t *arena, otel_str_t s)
{
    if (s.len == 0)
        return (otel_str_t){"", 0};
    char *p = (char *)otel_arena__alloc(arena, s.len);
    if (p == NULL)
        return (otel_str_t){"", 0};
    otel_copy__small(p, s.ptr, s.len);
    return (otel_str_t){p, s.len};
}
/**
 * Forgets every allocation; keeps chunks up to `keep_bytes` in total (at least the first; SIZE_MAX keeps
 * all), frees the rest.
 */
void otel_arena__reset(otel_arena_t *arena, size_t keep_bytes);
/** Frees every chunk. NULL-safe. */
void otel_arena__dispose(otel_arena_t *arena);

/** Truncates a UTF-8 string to at most `limit` bytes without splitting a character. */
size_t otel_utf8__truncate(const char *s, size_t len, size_t limit);

/**
 * Deep-copies `src` into `dst` with every string (key, value, array items) and array in `arena`;
 * string values are truncated to `value_length_limit` bytes (UINT32_MAX: no limit) at a UTF-8
 * boundary. Returns false on allocation failure (dst is then an empty value).
 */
bool otel_attribute__copy(otel_arena_t *arena, otel_attribute_t *dst, const otel_attribute_t *src,
                          uint32_t value_length_limit);
/** Copies only the value (the key of dst is left as is). */
bool otel_value__copy(otel_arena_t *arena, otel_value_t *dst, const otel_value_t *src, uint32_t value_length_limit);

static inline bool otel_str__eq(otel_str_t a, otel_str_t b)
{
    return a.len == b.len && (a.len == 0 || __builtin_memcmp(a.ptr, b.ptr, a.len) == 0);
}

/**
 * Same as otel_attribute__copy, with the key and a string value in one allocation (the common case),
 * inline for the span hot path.
 */
static inline bool otel_attribute__copy_fast(otel_arena_t *arena, otel_attribute_t *dst, const otel_attribute_t *src,
                                             uint32_t value_length_limit)
{
    otel_value_type_t type = src->value.type;
    if (type != OTEL_VALUE_STRING && type != OTEL_VALUE_BOOL && type != OTEL_VALUE_INT64 && type != OTEL_VALUE_DOUBLE)
        return otel_attribute__copy(arena, dst, src, value_length_limit);
    size_t klen = src->key.len, vlen = 0;
    if (type == OTEL_VALUE_STRING) {
        vlen = src->value.u.string.len;
        if (value_length_limit != UINT32_MAX)
            vlen = otel_utf8__truncate(src->value.u.string.ptr, vlen, value_length_limit);
    }
    char *p = otel_arena__alloc(arena, klen + vlen);
    if (p == NULL) {
        *dst = (otel_attribute_t){0};
        return false;
    }
    otel_copy__small(p, src->key.ptr, klen);
    dst->key = (otel_str_t){p, klen};
    dst->value = src->value;
    if (type == OTEL_VALUE_STRING) {
        if (vlen > 0)
            otel_copy__small(p + klen, src->value.u.string.ptr, vlen);
        dst->value.u.string = (otel_str_t){vlen > 0 ? p + klen : "", vlen};
    }
    return true;
}

#endif
