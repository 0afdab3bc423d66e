/* SPDX-License-Identifier: Apache-2.0 */
/* otel_strerror and the small value helpers of common.h (strings, ids, hex). */
#include <string.h>
#include "otel/common.h"

const char *otel_strerror(otel_status_t status)
{
    switch (status) {
    case OTEL_OK:
        return "ok";
    case OTEL_ERR_INVALID_ARGUMENT:
        return "invalid argument";
    case OTEL_ERR_NO_MEMORY:
        return "out of memory";
    case OTEL_ERR_QUEUE_FULL:
        return "queue full";
    case OTEL_ERR_TIMEOUT:
        return "timed out";
    case OTEL_ERR_SHUTDOWN:
        return "already shut down";
    case OTEL_ERR_CONFIG:
        return "invalid configuration";
    case OTEL_ERR_EXPORT:
        return "export failed";
    case OTEL_ERR_UNSUPPORTED:
        return "unsupported";
    case OTEL_ERR_IO:
        return "i/o error";
    }
    return "unknown status";
}

otel_str_t otel_str_from_cstr(const char *s)
{
    return s == NULL ? (otel_str_t){"", 0} : (otel_str_t){s, strlen(s)};
}

static bool any_nonzero(const uint8_t *bytes, size_t len)
{
    uint8_t acc = 0;
    for (size_t i = 0; i < len; i++)
        acc |= bytes[i];
    return acc != 0;
}

bool otel_trace_id_is_valid(const otel_trace_id_t *id)
{
    return id != NULL && any_nonzero(id->bytes, sizeof(id->bytes));
}

bool otel_span_id_is_valid(const otel_span_id_t *id)
{
    return id != NULL && any_nonzero(id->bytes, sizeof(id->bytes));
}

bool otel_span_context_is_valid(const otel_span_context_t *ctx)
{
    return ctx != NULL && otel_trace_id_is_valid(&ctx->trace_id) && otel_span_id_is_valid(&ctx->span_id);
}

void otel_hex_encode(const uint8_t *bytes, size_t len, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 0xf];
    }
    out[2 * len] = '\0';
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

bool otel_hex_decode(const char *hex, size_t len, uint8_t *out)
{
    for (size_t i = 0; i < len; i++) {
        int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}
