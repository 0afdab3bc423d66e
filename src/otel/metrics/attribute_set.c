/* SPDX-License-Identifier: Apache-2.0 */
/* Canonical attribute sets for metrics: sorted by key, last duplicate wins, hashed once, deep-copied once. */
#include <stdlib.h>
#include <string.h>
#include "metrics/metrics_internal.h"

static int key_cmp(otel_str_t a, otel_str_t b)
{
    size_t n = a.len < b.len ? a.len : b.len;
    int c = n ? memcmp(a.ptr, b.ptr, n) : 0;
    return c != 0 ? c : (a.len > b.len) - (a.len < b.len);
}

size_t otel_metrics__attrs_canonicalize(const otel_attribute_t *attrs, size_t n, const otel_attribute_t **out)
{
    /* insertion sort: stable (so the later duplicate stays later) and fastest for the few attributes we see */
    for (size_t i = 0; i < n; i++) {
        const otel_attribute_t *a = &attrs[i];
        size_t j = i;
        while (j > 0 && key_cmp(out[j - 1]->key, a->key) > 0) {
            out[j] = out[j - 1];
            j--;
        }
        out[j] = a;
    }
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        if (i + 1 < n && key_cmp(out[i]->key, out[i + 1]->key) == 0)
            continue; /* a later value for the same key follows */
        out[kept++] = out[i];
    }
    return kept;
}

/* A small 64-bit hash, 8 bytes per step (a multiply-rotate mix; not cryptographic). */
static inline uint64_t mix(uint64_t h, uint64_t v)
{
    v *= 0x9e3779b97f4a7c15ull;
    v ^= v >> 29;
    h ^= v;
    return (h << 27 | h >> 37) * 0xbf58476d1ce4e5b9ull + 0x94d049bb133111ebull;
}

static uint64_t hash_bytes(uint64_t h, const void *p, size_t len)
{
    const unsigned char *s = p;
    while (len >= 8) {
        uint64_t v;
        memcpy(&v, s, 8);
        h = mix(h, v);
        s += 8;
        len -= 8;
    }
    uint64_t tail = 0;
    memcpy(&tail, s, len);
    return mix(h, tail ^ ((uint64_t)len << 56));
}

static uint64_t hash_value(uint64_t h, const otel_value_t *v)
{
    h = mix(h, (uint64_t)v->type);
    switch (v->type) {
    case OTEL_VALUE_EMPTY:
        return h;
    case OTEL_VALUE_STRING:
        return hash_bytes(h, v->u.string.ptr, v->u.string.len);
    case OTEL_VALUE_BOOL:
        return mix(h, v->u.boolean);
    case OTEL_VALUE_INT64:
        return mix(h, (uint64_t)v->u.int64);
    case OTEL_VALUE_DOUBLE: {
        uint64_t bits;
        memcpy(&bits, &v->u.dbl, 8);
        return mix(h, bits);
    }
    case OTEL_VALUE_STRING_ARRAY:
        for (size_t i = 0; i < v->u.strings.count; i++)
            h = hash_bytes(h, v->u.strings.items[i].ptr, v->u.strings.items[i].len);
        return h;
    case OTEL_VALUE_BOOL_ARRAY:
        return hash_bytes(h, v->u.bools.items, v->u.bools.count * sizeof(bool));
    case OTEL_VALUE_INT64_ARRAY:
        return hash_bytes(h, v->u.int64s.items, v->u.int64s.count * sizeof(int64_t));
    case OTEL_VALUE_DOUBLE_ARRAY:
        return hash_bytes(h, v->u.doubles.items, v->u.doubles.count * sizeof(double));
    }
    return h;
}

uint64_t otel_metrics__attrs_hash(const otel_attribute_t *const *sorted, size_t n)
{
    uint64_t h = 0x243f6a8885a308d3ull ^ n;
    for (size_t i = 0; i < n; i++)
        h = hash_value(hash_bytes(h, sorted[i]->key.ptr, sorted[i]->key.len), &sorted[i]->value);
    return h ^ (h >> 32);
}

static bool str_eq(otel_str_t a, otel_str_t b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

static bool value_eq(const otel_value_t *a, const otel_value_t *b)
{
    if (a->type != b->type)
        return false;
    switch (a->type) {
    case OTEL_VALUE_EMPTY:
        return true;
    case OTEL_VALUE_STRING:
        return str_eq(a->u.string, b->u.string);
    case OTEL_VALUE_BOOL:
        return a->u.boolean == b->u.boolean;
    case OTEL_VALUE_INT64:
        return a->u.int64 == b->u.int64;
    case OTEL_VALUE_DOUBLE:
        return memcmp(&a->u.dbl, &b->u.dbl, sizeof(double)) == 0;
    case OTEL_VALUE_STRING_ARRAY:
        if (a->u.strings.count != b->u.strings.count)
            return false;
        for (size_t i = 0; i < a->u.strings.count; i++)
            if (!str_eq(a->u.strings.items[i], b->u.strings.items[i]))
                return false;
        return true;
    case OTEL_VALUE_BOOL_ARRAY:
        return a->u.bools.count == b->u.bools.count &&
               (a->u.bools.count == 0 || memcmp(a->u.bools.items, b->u.bools.items, a->u.bools.count) == 0);
    case OTEL_VALUE_INT64_ARRAY:
        return a->u.int64s.count == b->u.int64s.count &&
               (a->u.int64s.count == 0 ||
                memcmp(a->u.int64s.items, b->u.int64s.items, a->u.int64s.count * sizeof(int64_t)) == 0);
    case OTEL_VALUE_DOUBLE_ARRAY:
        return a->u.doubles.count == b->u.doubles.count &&
               (a->u.doubles.count == 0 ||
                memcmp(a->u.doubles.items, b->u.doubles.items, a->u.doubles.count * sizeof(double)) == 0);
    }
    return false;
}

bool otel_metrics__attrs_equal(const otel_attribute_t *const *sorted, size_t n, const otel_attribute_t *owned, size_t m)
{
    if (n != m)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!str_eq(sorted[i]->key, owned[i].key) || !value_eq(&sorted[i]->value, &owned[i].value))
            return false;
    return true;
}

/* Bytes the value's borrowed payload needs (strings and arrays); 8-byte aligned pieces. */
static size_t align8(size_t n)
{
    return (n + 7) & ~(size_t)7;
}

static size_t payload_size(const otel_value_t *v)
{
    size_t size = 0;
    switch (v->type) {
    case OTEL_VALUE_STRING:
        return align8(v->u.string.len + 1);
    case OTEL_VALUE_STRING_ARRAY:
        size = align8(v->u.strings.count * sizeof(otel_str_t));
        for (size_t i = 0; i < v->u.strings.count; i++)
            size += align8(v->u.strings.items[i].len + 1);
        return size;
    case OTEL_VALUE_BOOL_ARRAY:
        return align8(v->u.bools.count * sizeof(bool));
    case OTEL_VALUE_INT64_ARRAY:
        return align8(v->u.int64s.count * sizeof(int64_t));
    case OTEL_VALUE_DOUBLE_ARRAY:
        return align8(v->u.doubles.count * sizeof(double));
    default:
        return 0;
    }
}

static const char *copy_str(char **cursor, otel_str_t s)
{
    char *dst = *cursor;
    if (s.len)
        memcpy(dst, s.ptr, s.len);
    dst[s.len] = '\0';
    *cursor += align8(s.len + 1);
    return dst;
}

static void *copy_bytes(char **cursor, const void *src, size_t len)
{
    void *dst = *cursor;
    if (len)
        memcpy(dst, src, len);
    *cursor += align8(len);
    return dst;
}

otel_attribute_t *otel_metrics__attrs_copy(const otel_attribute_t *const *sorted, size_t n)
{
    size_t size = align8(n * sizeof(otel_attribute_t) + 1);
    for (size_t i = 0; i < n; i++)
        size += align8(sorted[i]->key.len + 1) + payload_size(&sorted[i]->value);
    otel_attribute_t *out = malloc(size);
    if (out == NULL)
        return NULL;
    char *cursor = (char *)out + align8(n * sizeof(otel_attribute_t) + 1);
    for (size_t i = 0; i < n; i++) {
        const otel_attribute_t *a = sorted[i];
        otel_attribute_t *d = &out[i];
        d->key = (otel_str_t){copy_str(&cursor, a->key), a->key.len};
        d->value = a->value;
        switch (a->value.type) {
        case OTEL_VALUE_STRING:
            d->value.u.string.ptr = copy_str(&cursor, a->value.u.string);
            break;
        case OTEL_VALUE_STRING_ARRAY: {
            otel_str_t *items = copy_bytes(&cursor, NULL, 0);
            cursor += align8(a->value.u.strings.count * sizeof(otel_str_t));
            for (size_t k = 0; k < a->value.u.strings.count; k++)
                items[k] =
                    (otel_str_t){copy_str(&cursor, a->value.u.strings.items[k]), a->value.u.strings.items[k].len};
            d->value.u.strings.items = items;
            break;
        }
        case OTEL_VALUE_BOOL_ARRAY:
            d->value.u.bools.items = copy_bytes(&cursor, a->value.u.bools.items, a->value.u.bools.count);
            break;
        case OTEL_VALUE_INT64_ARRAY:
            d->value.u.int64s.items =
                copy_bytes(&cursor, a->value.u.int64s.items, a->value.u.int64s.count * sizeof(int64_t));
            break;
        case OTEL_VALUE_DOUBLE_ARRAY:
            d->value.u.doubles.items =
                copy_bytes(&cursor, a->value.u.doubles.items, a->value.u.doubles.count * sizeof(double));
            break;
        default:
            break;
        }
    }
    return out;
}
