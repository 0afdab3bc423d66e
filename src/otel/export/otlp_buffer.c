/* SPDX-License-Identifier: Apache-2.0 */
/* The reused output buffer encoders pack one OTLP request into (grown by doubling, kept between exports). */
#include <stdlib.h>
#include <string.h>
#include "export/otlp_internal.h"

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
