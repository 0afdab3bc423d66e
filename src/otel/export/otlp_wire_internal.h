/* SPDX-License-Identifier: Apache-2.0 */
/* Protobuf wire writer for the OTLP span and log encoders: varints, fixed-width and length-delimited fields. */
#ifndef OTEL_OTLP_WIRE_INTERNAL_H
#define OTEL_OTLP_WIRE_INTERNAL_H

#include <string.h>
#include "export/otlp_internal.h"
#include "export/otlp_utf8_internal.h"
#include "otel/resource.h"
#include "otel/scope.h"

/*
 * Why a hand-written writer: protobuf-c packs by reflection and walks the message tree twice (size,
 * then pack), after the encoder has built that tree and copied every string into it; for spans and
 * log records that was ~75 % of the export thread's instructions (docs/otlp.md). This writer goes
 * straight from the SDK's data to bytes.
 *
 * Nested messages: the writer appends forward, in field-number order (the bytes equal protobuf-c's,
 * which the tests check). A nested message reserves the width its length will probably need
 * (otel_otlp__wire_begin), its body is written, and otel_otlp__wire_end back-patches the length;
 * only when the guess was wrong is the body moved by a byte or two. Chosen over a size pre-pass
 * (which walks the data twice and validates every string twice, as protobuf-c does) and over
 * writing back to front (no moves, but every message is written in reverse field and item order,
 * which is much harder to read against the .proto files).
 *
 * Errors: a failed allocation sets `failed`; later writes do nothing, so encoders check once at the end.
 */

typedef struct otel_otlp__writer {
    otel_otlp__buffer_t *buf; /* appended to at buf->len */
    bool failed;              /* an allocation failed: the output is incomplete */
} otel_otlp__writer_t;

/* Wire types. */
enum { OTEL_WIRE_VARINT = 0, OTEL_WIRE_I64 = 1, OTEL_WIRE_LEN = 2, OTEL_WIRE_I32 = 5 };

/** Grows the buffer so that `n` more bytes fit (slow path of otel_otlp__wire_room). False and `failed` on OOM. */
bool otel_otlp__wire_grow(otel_otlp__writer_t *w, size_t n);

/** A pointer where `n` bytes can be written, or NULL (after an allocation failure). */
static inline uint8_t *otel_otlp__wire_room(otel_otlp__writer_t *w, size_t n)
{
    otel_otlp__buffer_t *b = w->buf;
    if (b->cap - b->len < n && !otel_otlp__wire_grow(w, n))
        return NULL;
    return b->data + b->len;
}

/** Writes `v` as a varint at `p`; returns the byte after it. */
static inline uint8_t *otel_otlp__wire_put_varint(uint8_t *p, uint64_t v)
{
    while (v >= 0x80) {
        *p++ = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    *p++ = (uint8_t)v;
    return p;
}

/** Bytes in the varint encoding of `v` (1..10). */
static inline size_t otel_otlp__wire_varint_size(uint64_t v)
{
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

static inline uint8_t *otel_otlp__wire_put_tag(uint8_t *p, uint32_t field, uint32_t wire_type)
{
    return otel_otlp__wire_put_varint(p, (uint64_t)field << 3 | wire_type);
}

static inline void otel_otlp__wire_commit(otel_otlp__writer_t *w, const uint8_t *end)
{
    w->buf->len = (size_t)(end - w->buf->data);
}

/** A varint field (uint32, uint64, enum, bool, int64 as two's complement), always written (oneof members). */
static inline void otel_otlp__wire_varint_always(otel_otlp__writer_t *w, uint32_t field, uint64_t v)
{
    uint8_t *p = otel_otlp__wire_room(w, 15);
    if (p != NULL)
        otel_otlp__wire_commit(w, otel_otlp__wire_put_varint(otel_otlp__wire_put_tag(p, field, OTEL_WIRE_VARINT), v));
}

/** A proto3 varint field: omitted when 0. Enums are int32: pass them sign-extended. */
static inline void otel_otlp__wire_varint(otel_otlp__writer_t *w, uint32_t field, uint64_t v)
{
    if (v != 0)
        otel_otlp__wire_varint_always(w, field, v);
}

/** A fixed64 (or double's bits) field, always written. */
static inline void otel_otlp__wire_fixed64_always(otel_otlp__writer_t *w, uint32_t field, uint64_t v)
{
    uint8_t *p = otel_otlp__wire_room(w, 13);
    if (p == NULL)
        return;
    p = otel_otlp__wire_put_tag(p, field, OTEL_WIRE_I64);
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i)); /* little-endian on every host; compilers fuse this into one store */
    otel_otlp__wire_commit(w, p + 8);
}

/** A proto3 fixed64 field: omitted when 0. */
static inline void otel_otlp__wire_fixed64(otel_otlp__writer_t *w, uint32_t field, uint64_t v)
{
    if (v != 0)
        otel_otlp__wire_fixed64_always(w, field, v);
}

/** A proto3 fixed32 field: omitted when 0. */
static inline void otel_otlp__wire_fixed32(otel_otlp__writer_t *w, uint32_t field, uint32_t v)
{
    if (v == 0)
        return;
    uint8_t *p = otel_otlp__wire_room(w, 9);
    if (p == NULL)
        return;
    p = otel_otlp__wire_put_tag(p, field, OTEL_WIRE_I32);
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
    otel_otlp__wire_commit(w, p + 4);
}

/** A proto3 bytes field: omitted when empty. */
static inline void otel_otlp__wire_bytes(otel_otlp__writer_t *w, uint32_t field, const uint8_t *data, size_t len)
{
    if (len == 0)
        return;
    uint8_t *p = otel_otlp__wire_room(w, len + 15);
    if (p == NULL)
        return;
    p = otel_otlp__wire_put_varint(otel_otlp__wire_put_tag(p, field, OTEL_WIRE_LEN), len);
    memcpy(p, data, len);
    otel_otlp__wire_commit(w, p + len);
}

/** Slow path of otel_otlp__wire_string_always: long strings, and invalid UTF-8 (replaced by U+FFFD). */
void otel_otlp__wire_string_slow(otel_otlp__writer_t *w, uint32_t field, otel_str_t s, size_t valid_prefix);

/**
 * A string field, always written (an empty one too: oneof members). Invalid UTF-8 is replaced by
 * U+FFFD, one per bad byte (the Collector rejects a whole request over one bad string). Inline for
 * the usual short valid string, whose tag then folds into a constant.
 */
static inline void otel_otlp__wire_string_always(otel_otlp__writer_t *w, uint32_t field, otel_str_t s)
{
    size_t valid = otel_otlp__utf8_valid_prefix(s.ptr, s.len);
    uint8_t *p;
    if (valid != s.len || s.len >= 128 || (p = otel_otlp__wire_room(w, s.len + 6)) == NULL) {
        otel_otlp__wire_string_slow(w, field, s, valid);
        return;
    }
    p = otel_otlp__wire_put_tag(p, field, OTEL_WIRE_LEN);
    *p++ = (uint8_t)s.len;
    if (s.len > 0)
        memcpy(p, s.ptr, s.len);
    otel_otlp__wire_commit(w, p + s.len);
}

/** A proto3 string field: omitted when empty. */
static inline void otel_otlp__wire_string(otel_otlp__writer_t *w, uint32_t field, otel_str_t s)
{
    if (s.len != 0)
        otel_otlp__wire_string_always(w, field, s);
}

/**
 * Starts the nested message `field`, reserving `len_width` (1..5) bytes for its length: the width
 * its length usually needs (1: < 128 bytes, 2: < 16 KiB, 3: < 2 MiB). Returns the body's offset,
 * to pass to otel_otlp__wire_end.
 */
static inline size_t otel_otlp__wire_begin(otel_otlp__writer_t *w, uint32_t field, size_t len_width)
{
    uint8_t *p = otel_otlp__wire_room(w, 5 + len_width);
    if (p == NULL)
        return w->buf->len;
    otel_otlp__wire_commit(w, otel_otlp__wire_put_tag(p, field, OTEL_WIRE_LEN) + len_width);
    return w->buf->len;
}

/** Slow path of otel_otlp__wire_end: the length needs another width than reserved; moves the body. */
void otel_otlp__wire_end_resize(otel_otlp__writer_t *w, size_t body, size_t len_width, size_t needed);

/** Ends the nested message started at `body` with the same `len_width`: writes its length. */
static inline void otel_otlp__wire_end(otel_otlp__writer_t *w, size_t body, size_t len_width)
{
    if (w->failed)
        return;
    size_t len = w->buf->len - body, needed = otel_otlp__wire_varint_size(len);
    if (needed != len_width) {
        otel_otlp__wire_end_resize(w, body, len_width, needed);
        return;
    }
    uint8_t *p = w->buf->data + body - len_width;
    for (size_t i = 0; i + 1 < len_width; i++, len >>= 7)
        *p++ = (uint8_t)(len | 0x80);
    *p = (uint8_t)len;
}

/** AnyValue body for `v` (nothing for OTEL_VALUE_EMPTY). */
void otel_otlp__wire_any_value(otel_otlp__writer_t *w, const otel_value_t *v);

/** One KeyValue message per attribute, as repeated field `field`. */
void otel_otlp__wire_attributes(otel_otlp__writer_t *w, uint32_t field, const otel_attribute_t *attrs, size_t count);

/** The Resource message as field `field` (always present, empty when the resource has no attributes). */
void otel_otlp__wire_resource(otel_otlp__writer_t *w, uint32_t field, const otel_resource_t *resource);

/** The InstrumentationScope message as field `field` (always present). */
void otel_otlp__wire_scope(otel_otlp__writer_t *w, uint32_t field, const otel_scope_t *scope);

#endif
