/* SPDX-License-Identifier: Apache-2.0 */
/* Instrument name, unit and description rules of the OpenTelemetry metrics API spec. */
#include <math.h>
#include <string.h>
#include "metrics/metrics_internal.h"

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

const char *otel_metrics__check_name(const char *name)
{
    if (name == NULL || name[0] == '\0')
        return "the name is empty";
    if (!is_alpha(name[0]))
        return "the name must start with a letter";
    size_t len = 0;
    for (const char *p = name; *p; p++, len++) {
        char c = *p;
        if (!(is_alpha(c) || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-' || c == '/'))
            return "the name may only contain letters, digits, '_', '.', '-' and '/'";
    }
    if (len > 255)
        return "the name is longer than 255 characters";
    return NULL;
}

const char *otel_metrics__check_unit(const char *unit)
{
    if (unit == NULL)
        return NULL;
    size_t len = 0;
    for (const char *p = unit; *p; p++, len++)
        if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
            return "the unit must be printable ASCII";
    if (len > 63)
        return "the unit is longer than 63 characters";
    return NULL;
}

const char *otel_metrics__check_description(const char *description)
{
    if (description != NULL && strlen(description) > 1023)
        return "the description is longer than 1023 bytes";
    return NULL;
}

const char *otel_metrics__check_bounds(const double *bounds, size_t count)
{
    if (count == 0)
        return NULL;
    if (bounds == NULL || count > 4096)
        return "bucket bounds are NULL or more than 4096";
    for (size_t i = 0; i < count; i++)
        if (!isfinite(bounds[i]) || (i > 0 && bounds[i] <= bounds[i - 1]))
            return "bucket bounds must be finite and strictly increasing";
    return NULL;
}
