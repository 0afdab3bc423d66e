/* SPDX-License-Identifier: Apache-2.0 */
/* W3C Baggage: a fixed-size, allocation-free entry list with header parsing and formatting. */
#include <string.h>
#include "common/text_internal.h"
#include "otel/propagation.h"

static bool tchar(unsigned char c)
{
    /* RFC 7230 token characters */
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static bool valid_token(otel_str_t s)
{
    if (s.len == 0)
        return false;
    for (size_t i = 0; i < s.len; i++)
        if (!tchar((unsigned char)s.ptr[i]))
            return false;
    return true;
}

/* baggage-octet = %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E */
static bool baggage_octet(unsigned char c)
{
    return c == 0x21 || (c >= 0x23 && c <= 0x2b) || (c >= 0x2d && c <= 0x3a) || (c >= 0x3c && c <= 0x5b) ||
           (c >= 0x5d && c <= 0x7e);
}

void otel_baggage_clear(otel_baggage_t *baggage)
{
    baggage->count = 0;
    baggage->used = 0;
}

static otel_str_t store(otel_baggage_t *b, const char *p, size_t len)
{
    char *dst = b->storage + b->used;
    if (len > 0)
        memcpy(dst, p, len);
    b->used += len;
    return (otel_str_t){dst, len};
}

static int find(const otel_baggage_t *b, otel_str_t key)
{
    for (size_t i = 0; i < b->count; i++)
        if (b->entries[i].key.len == key.len && memcmp(b->entries[i].key.ptr, key.ptr, key.len) == 0)
            return (int)i;
    return -1;
}

void otel_baggage_copy(otel_baggage_t *dst, const otel_baggage_t *src)
{
    if (dst == src)
        return;
    otel_baggage_clear(dst);
    for (size_t i = 0; i < src->count; i++) {
        const otel_baggage_entry_t *e = &src->entries[i];
        otel_baggage_entry_t *d = &dst->entries[dst->count++];
        d->key = store(dst, e->key.ptr, e->key.len);
        d->value = store(dst, e->value.ptr, e->value.len);
        d->metadata = store(dst, e->metadata.ptr, e->metadata.len);
    }
}

void otel_baggage_remove(otel_baggage_t *baggage, otel_str_t key)
{
    int i = find(baggage, key);
    if (i < 0)
        return;
    memmove(&baggage->entries[i], &baggage->entries[i + 1],
            (baggage->count - (size_t)i - 1) * sizeof(baggage->entries[0]));
    baggage->count--;
}

/* Metadata is written raw into headers: printable ASCII only, and no ',' (it would split the member). */
static bool valid_metadata(otel_str_t m)
{
    for (size_t i = 0; i < m.len; i++) {
        unsigned char c = (unsigned char)m.ptr[i];
        if (c < 0x20 || c > 0x7e || c == ',')
            return false;
    }
    return true;
}

otel_status_t otel_baggage_set(otel_baggage_t *baggage, otel_str_t key, otel_str_t value, otel_str_t metadata)
{
    if (!valid_token(key) || !valid_metadata(metadata))
        return OTEL_ERR_INVALID_ARGUMENT;
    /* Check the limits before touching anything: a refused set leaves the baggage as it was. */
    int existing = find(baggage, key);
    size_t live = 0;
    for (size_t i = 0; i < baggage->count; i++) {
        const otel_baggage_entry_t *e = &baggage->entries[i];
        if ((int)i != existing)
            live += e->key.len + e->value.len + e->metadata.len;
    }
    size_t need = key.len + value.len + metadata.len;
    if ((existing < 0 && baggage->count == OTEL_BAGGAGE_MAX_ENTRIES) || live + need > OTEL_BAGGAGE_MAX_LEN)
        return OTEL_ERR_QUEUE_FULL;
    otel_baggage_remove(baggage, key);
    if (baggage->used + need > OTEL_BAGGAGE_MAX_LEN) {
        /* Reclaim the bytes of removed or replaced entries. */
        static _Thread_local otel_baggage_t tmp;
        otel_baggage_copy(&tmp, baggage);
        otel_baggage_copy(baggage, &tmp);
    }
    otel_baggage_entry_t *e = &baggage->entries[baggage->count++];
    e->key = store(baggage, key.ptr, key.len);
    e->value = store(baggage, value.ptr, value.len);
    e->metadata = store(baggage, metadata.ptr, metadata.len);
    return OTEL_OK;
}

bool otel_baggage_get(const otel_baggage_t *baggage, otel_str_t key, otel_str_t *value)
{
    int i = find(baggage, key);
    if (i < 0)
        return false;
    if (value != NULL)
        *value = baggage->entries[i].value;
    return true;
}

/* Validates baggage octets and percent-decodes into `out` (at least v.len bytes); -1 when malformed. */
static long decode_value(otel_str_t v, char *out)
{
    for (size_t i = 0; i < v.len; i++)
        if (!baggage_octet((unsigned char)v.ptr[i]))
            return -1;
    return otel_str__percent_decode(v.ptr, v.len, out, true);
}

size_t otel_baggage_parse(otel_str_t header, otel_baggage_t *baggage)
{
    otel_baggage_clear(baggage);
    if (header.len > OTEL_BAGGAGE_MAX_LEN)
        return 0;
    char value[OTEL_BAGGAGE_MAX_LEN];
    const char *p = header.ptr, *end = header.ptr + header.len;
    while (p < end) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        const char *stop = comma != NULL ? comma : end;
        otel_str_t member = otel_str__trim_ows((otel_str_t){p, (size_t)(stop - p)});
        p = comma != NULL ? comma + 1 : end;
        if (member.len == 0)
            continue;
        const char *semi = memchr(member.ptr, ';', member.len);
        otel_str_t kv = {member.ptr, semi != NULL ? (size_t)(semi - member.ptr) : member.len};
        otel_str_t meta =
            semi != NULL ? otel_str__trim_ows((otel_str_t){semi + 1, member.len - kv.len - 1}) : (otel_str_t){"", 0};
        const char *eq = memchr(kv.ptr, '=', kv.len);
        if (eq == NULL)
            continue;
        otel_str_t key = otel_str__trim_ows((otel_str_t){kv.ptr, (size_t)(eq - kv.ptr)});
        otel_str_t raw = otel_str__trim_ows((otel_str_t){eq + 1, kv.len - (size_t)(eq - kv.ptr) - 1});
        long vlen = decode_value(raw, value);
        if (!valid_token(key) || vlen < 0 || !valid_metadata(meta))
            continue;
        if (otel_baggage_set(baggage, key, (otel_str_t){value, (size_t)vlen}, meta) == OTEL_ERR_QUEUE_FULL)
            break;
    }
    return baggage->count;
}

size_t otel_baggage_format(const otel_baggage_t *baggage, char *out, size_t out_len)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t limit = out_len == 0 ? 0 : out_len - 1;
    if (limit > OTEL_BAGGAGE_MAX_LEN)
        limit = OTEL_BAGGAGE_MAX_LEN;
    size_t o = 0;
    for (size_t i = 0; i < baggage->count; i++) {
        const otel_baggage_entry_t *e = &baggage->entries[i];
        size_t need = (o > 0 ? 1 : 0) + e->key.len + 1 + (e->metadata.len > 0 ? 1 + e->metadata.len : 0);
        for (size_t j = 0; j < e->value.len; j++) {
            unsigned char c = (unsigned char)e->value.ptr[j];
            need += baggage_octet(c) && c != '%' ? 1 : 3;
        }
        if (o + need > limit)
            continue; /* leave out what does not fit; later smaller entries may */
        if (o > 0)
            out[o++] = ',';
        memcpy(out + o, e->key.ptr, e->key.len);
        o += e->key.len;
        out[o++] = '=';
        for (size_t j = 0; j < e->value.len; j++) {
            unsigned char c = (unsigned char)e->value.ptr[j];
            if (baggage_octet(c) && c != '%') {
                out[o++] = (char)c;
            } else {
                out[o++] = '%';
                out[o++] = hex[c >> 4];
                out[o++] = hex[c & 15];
            }
        }
        if (e->metadata.len > 0) {
            out[o++] = ';';
            memcpy(out + o, e->metadata.ptr, e->metadata.len);
            o += e->metadata.len;
        }
    }
    if (out_len > 0)
        out[o] = '\0';
    return o;
}
