/* SPDX-License-Identifier: Apache-2.0 */
/* W3C Trace Context: strict traceparent parsing/formatting and tracestate validation. */
#include <string.h>
#include "common/text_internal.h"
#include "otel/propagation.h"

bool otel_traceparent_parse(otel_str_t value, otel_span_context_t *out)
{
    memset(out, 0, sizeof(*out));
    value = otel_str__trim_ows(value);
    const char *p = value.ptr;
    uint8_t version;
    if (value.len < OTEL_TRACEPARENT_LEN || !otel_hex_decode(p, 1, &version) || version == 0xff)
        return false;
    /* Version 00 is exactly 55 chars; a later version may append fields after a '-'. */
    if (version == 0 ? value.len != OTEL_TRACEPARENT_LEN
                     : value.len > OTEL_TRACEPARENT_LEN && p[OTEL_TRACEPARENT_LEN] != '-')
        return false;
    if (p[2] != '-' || p[35] != '-' || p[52] != '-')
        return false;
    otel_span_context_t ctx = {.is_remote = true};
    if (!otel_hex_decode(p + 3, 16, ctx.trace_id.bytes) || !otel_hex_decode(p + 36, 8, ctx.span_id.bytes) ||
        !otel_hex_decode(p + 53, 1, &ctx.trace_flags))
        return false;
    if (!otel_span_context_is_valid(&ctx))
        return false;
    if (version > 0)
        ctx.trace_flags &= OTEL_TRACE_FLAGS_SAMPLED; /* unknown flags of a future version are not ours to forward */
    *out = ctx;
    return true;
}

void otel_traceparent_format(const otel_span_context_t *ctx, char out[OTEL_TRACEPARENT_LEN + 1])
{
    memcpy(out, "00-", 3);
    otel_hex_encode(ctx->trace_id.bytes, 16, out + 3);
    out[35] = '-';
    otel_hex_encode(ctx->span_id.bytes, 8, out + 36);
    out[52] = '-';
    otel_hex_encode(&ctx->trace_flags, 1, out + 53);
}

static bool key_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '*' || c == '/';
}

/* key = simple-key / multi-tenant-key (tenant-id "@" system-id), per the W3C grammar. */
static bool valid_key(const char *k, size_t len)
{
    const char *at = memchr(k, '@', len);
    if (at == NULL) {
        if (len < 1 || len > 256 || !(k[0] >= 'a' && k[0] <= 'z'))
            return false;
        for (size_t i = 1; i < len; i++)
            if (!key_char(k[i]))
                return false;
        return true;
    }
    size_t tlen = (size_t)(at - k), slen = len - tlen - 1;
    if (tlen < 1 || tlen > 241 || slen < 1 || slen > 14)
        return false;
    if (!((k[0] >= 'a' && k[0] <= 'z') || (k[0] >= '0' && k[0] <= '9')) || !(at[1] >= 'a' && at[1] <= 'z'))
        return false;
    for (size_t i = 1; i < tlen; i++)
        if (!key_char(k[i]))
            return false;
    for (size_t i = 2; i <= slen; i++)
        if (!key_char(at[i]))
            return false;
    return true;
}

/* value = 0*255(chr) nblk-chr; chr = %x20 / nblk-chr; nblk-chr = %x21-2B / %x2D-3C / %x3E-7E */
static bool valid_value(const char *v, size_t len)
{
    if (len < 1 || len > 256 || v[len - 1] == ' ')
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)v[i];
        if (c < 0x20 || c > 0x7e || c == ',' || c == '=')
            return false;
    }
    return true;
}

int otel_tracestate_normalize(otel_str_t value, char out[OTEL_TRACESTATE_MAX_LEN + 1])
{
    struct {
        const char *k;
        size_t len;
    } keys[OTEL_TRACESTATE_MAX_MEMBERS];
    size_t members = 0, o = 0;
    const char *p = value.ptr, *end = value.ptr + value.len;
    out[0] = '\0';
    while (p <= end) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        const char *stop = comma != NULL ? comma : end;
        otel_str_t m = otel_str__trim_ows((otel_str_t){p, (size_t)(stop - p)});
        if (m.len > 0) {
            const char *eq = memchr(m.ptr, '=', m.len);
            if (eq == NULL || members == OTEL_TRACESTATE_MAX_MEMBERS)
                return -1;
            size_t klen = (size_t)(eq - m.ptr), vlen = m.len - klen - 1;
            if (!valid_key(m.ptr, klen) || !valid_value(eq + 1, vlen))
                return -1;
            for (size_t i = 0; i < members; i++)
                if (keys[i].len == klen && memcmp(keys[i].k, m.ptr, klen) == 0)
                    return -1;
            keys[members].k = m.ptr;
            keys[members].len = klen;
            members++;
            size_t need = m.len + (o > 0 ? 1 : 0);
            if (o + need > OTEL_TRACESTATE_MAX_LEN)
                return -1;
            if (o > 0)
                out[o++] = ',';
            memcpy(out + o, m.ptr, m.len);
            o += m.len;
        }
        if (comma == NULL)
            break;
        p = comma + 1;
    }
    out[o] = '\0';
    return (int)o;
}
