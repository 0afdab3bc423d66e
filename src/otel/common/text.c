/* SPDX-License-Identifier: Apache-2.0 */
/* Percent-decoding for OTEL_RESOURCE_ATTRIBUTES, OTEL_EXPORTER_OTLP_HEADERS and W3C baggage values. */
#include "common/text_internal.h"

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)tolower((unsigned char)c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

long otel_str__percent_decode(const char *in, size_t len, char *out, bool strict)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        int hi, lo;
        if (in[i] != '%') {
            out[o++] = in[i];
        } else if (i + 2 < len && (hi = hex_digit(in[i + 1])) >= 0 && (lo = hex_digit(in[i + 2])) >= 0) {
            out[o++] = (char)(hi << 4 | lo);
            i += 2;
        } else if (strict) {
            return -1;
        } else {
            out[o++] = '%';
        }
    }
    return (long)o;
}
