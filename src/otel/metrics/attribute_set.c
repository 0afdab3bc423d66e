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

/* A small 64-bit hash, 8 bytes per step (a multiply-xorshift mix; not cryptographic). */
static inline uint64_t mix(uint64_t h, uint64_t v)
{
    v *= 0x9e3779b97f4a7c15ull;
    v ^= v >> 29;
    h ^= v;
    return (h << 27 | h >> 37) * 0xbf58476d1ce4e5b9ull + 0x94d049bb133111ebull;
}

/* The last 1..8 bytes without reading past the end: two overlapping 4-byte loads, or three bytes. */
static inline uint64_t load_short(const unsigned char *s, size_t len)
{
    if (len >= 4) {
        uint32_t a, b;
        memcpy(&a, s, 4);
        memcpy(&b, s + len - 4, 4);
        return (uint64_t)a << 32 | b;
    }
    return len == 0 ? 0 : ((uint64_t)s[0] << 16) | ((uint64_t)s[len >> 1] << 8) | s[len - 1];
}

static inline uint64_t hash_bytes(uint64_t h, const void *p, size_t len)
{
    const unsigned char *s = p;
    uint64_t v;
    if (len <= 8)
        return mix(h, load_short(s, len) ^ ((uint64_t)len << 59));
    size_t n = len;
    while (n > 8) {
        memcpy(&v, s, 8);
        h = mix(h, v);
        s += 8;
        n -= 8;
    }
    memcpy(&v, (const unsigned char *)p + len - 8, 8); /* the last 8 bytes, overlapping the previous chunk */
    return mix(h, v ^ ((uint64_t)len << 59));
}

static inline uint64_t load8(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static inline bool bytes_eq(const void *pa, const void *pb, size_t len)
{
    const unsigned char *a = pa, *b = pb;
    if (len <= 8)
        return load_short(a, len) == load_short(b, len);
    for (size_t i = 0; i + 8 < len; i += 8)
        if (load8(a + i) != load8(b + i))
            return false;
    return load8(a + len - 8) == load8(b + len - 8); /* the tail, overlapping the last whole word */
}

static inline __attribute__((always_inline)) uint64_t hash_value(uint64_t h, const otel_value_t *v)
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
        return mix(h, v->u.strings.count);
    case OTEL_VALUE_BOOL_ARRAY:
        return hash_bytes(h, v->u.bools.items, v->u.bools.count * sizeof(bool));
    case OTEL_VALUE_INT64_ARRAY:
        return hash_bytes(h, v->u.int64s.items, v->u.int64s.count * sizeof(int64_t));
    case OTEL_VALUE_DOUBLE_ARRAY:
        return hash_bytes(h, v->u.doubles.items, v->u.doubles.count * sizeof(double));
    }
    return h;
}

#define KEY_SEED 0x243f6a8885a308d3ull

static inline uint64_t finish(uint64_t h)
{
    h ^= h >> 31;
    h *= 0x7fb5d329728ea185ull;
    return h ^ (h >> 27);
}

/* Per-attribute hash of key and value; the set hash is their sum, so it does not depend on order. */
static uint64_t set_hash(const uint64_t *hashes, size_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15ull * (n + 1);
    for (size_t i = 0; i < n; i++)
        h += hashes[i];
    return finish(h);
}

uint64_t otel_metrics__attrs_prepare(const otel_attribute_t *attrs, size_t n, const otel_attribute_t **out,
                                     uint64_t *hashes, size_t *out_n)
{
    uint64_t key_hashes[OTEL_METRICS__FAST_ATTRS];
    bool fast = n <= OTEL_METRICS__FAST_ATTRS;
    for (size_t i = 0; fast && i < n; i++) {
        const otel_attribute_t *a = &attrs[i];
        uint64_t kh = hash_bytes(KEY_SEED, a->key.ptr, a->key.len);
        for (size_t j = 0; j < i; j++)
            if (key_hashes[j] == kh) {
                fast = false; /* a repeated key (or a key hash collision): take the canonical path */
                break;
            }
        key_hashes[i] = kh;
        hashes[i] = finish(hash_value(kh, &a->value));
        out[i] = a;
    }
    if (!fast) {
        n = otel_metrics__attrs_canonicalize(attrs, n, out);
        for (size_t i = 0; i < n; i++)
            hashes[i] = finish(hash_value(hash_bytes(KEY_SEED, out[i]->key.ptr, out[i]->key.len), &out[i]->value));
    }
    *out_n = n;
    return set_hash(hashes, n);
}

static inline __attribute__((always_inline)) bool str_eq(otel_str_t a, otel_str_t b)
{
    return a.len == b.len && bytes_eq(a.ptr, b.ptr, a.len);
}

static inline __attribute__((always_inline)) bool value_eq(const otel_value_t *a, const otel_value_t *b)
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
        return bytes_eq(&a->u.dbl, &b->u.dbl, sizeof(double));
    case OTEL_VALUE_STRING_ARRAY:
        if (a->u.strings.count != b->u.strings.count)
            return false;
        for (size_t i = 0; i < a->u.strings.count; i++)
            if (!str_eq(a->u.strings.items[i], b->u.strings.items[i]))
                return false;
        return true;
    case OTEL_VALUE_BOOL_ARRAY:
        return a->u.bools.count == b->u.bools.count && bytes_eq(a->u.bools.items, b->u.bools.items, a->u.bools.count);
    case OTEL_VALUE_INT64_ARRAY:
        return a->u.int64s.count == b->u.int64s.count &&
               bytes_eq(a->u.int64s.items, b->u.int64s.items, a->u.int64s.count * sizeof(int64_t));
    case OTEL_VALUE_DOUBLE_ARRAY:
        return a->u.doubles.count == b->u.doubles.count &&
               bytes_eq(a->u.doubles.items, b->u.doubles.items, a->u.doubles.count * sizeof(double));
    }
    return false;
}

bool otel_metrics__attrs_match(const otel_attribute_t *const *in, const uint64_t *in_hashes, size_t n,
                               const otel_attribute_t *owned, const uint64_t *owned_hashes, size_t m)
{
    if (n != m)
        return false;
    /* both sides have unique keys, so every input attribute finding its equal means the sets are equal */
    for (size_t i = 0; i < n; i++) {
        size_t j = 0;
        for (; j < m; j++)
            if (owned_hashes[j] == in_hashes[i] && str_eq(in[i]->key, owned[j].key) &&
                value_eq(&in[i]->value, &owned[j].value))
                break;
        if (j == m)
            return false;
    }
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

otel_attribute_t *otel_metrics__attrs_copy(const otel_attribute_t **attrs, uint64_t *hashes, size_t n)
{
    /* output order is by key: sort the (attribute, hash) pairs in place (insertion sort, n is small) */
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && key_cmp(attrs[j - 1]->key, attrs[j]->key) > 0; j--) {
            const otel_attribute_t *ta = attrs[j];
            attrs[j] = attrs[j - 1];
            attrs[j - 1] = ta;
            uint64_t th = hashes[j];
            hashes[j] = hashes[j - 1];
            hashes[j - 1] = th;
        }
    const otel_attribute_t *const *sorted = attrs;
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
