/* SPDX-License-Identifier: Apache-2.0 */
/* Reading OTEL_* environment variables: trimmed strings, integers, doubles, booleans, clear errors. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "config/env_internal.h"

const char *otel_env__get(const char *name)
{
    static _Thread_local char buf[4096];
    const char *v = getenv(name);
    if (v == NULL)
        return NULL;
    while (isspace((unsigned char)*v))
        v++;
    size_t len = strlen(v);
    while (len > 0 && isspace((unsigned char)v[len - 1]))
        len--;
    if (len == 0)
        return NULL;
    if (len >= sizeof(buf))
        len = sizeof(buf) - 1;
    memcpy(buf, v, len);
    buf[len] = '\0';
    return buf;
}

otel_status_t otel_env__error(char *err, size_t err_len, const char *fmt, ...)
{
    if (err != NULL && err_len > 0) {
        va_list args;
        va_start(args, fmt);
        vsnprintf(err, err_len, fmt, args);
        va_end(args);
    }
    return OTEL_ERR_CONFIG;
}

otel_status_t otel_env__parse_u32(const char *what, const char *text, uint32_t min, uint32_t *out, char *err,
                                  size_t err_len)
{
    uint64_t v = 0;
    const char *p = text;
    if (*p == '\0')
        goto bad;
    for (; *p != '\0'; p++) {
        if (*p < '0' || *p > '9')
            goto bad;
        v = v * 10 + (uint64_t)(*p - '0');
        if (v > UINT32_MAX)
            goto bad;
    }
    if (v < min)
        goto bad;
    *out = (uint32_t)v;
    return OTEL_OK;
bad:
    return otel_env__error(err, err_len, "%s: expected an integer >= %u, got '%s'", what, min, text);
}

otel_status_t otel_env__parse_double(const char *what, const char *text, double *out, char *err, size_t err_len)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || errno != 0 || !isfinite(v))
        return otel_env__error(err, err_len, "%s: expected a number, got '%s'", what, text);
    *out = v;
    return OTEL_OK;
}

otel_status_t otel_env__get_u32(const char *name, uint32_t min, uint32_t *out, char *err, size_t err_len)
{
    const char *v = otel_env__get(name);
    return v == NULL ? OTEL_OK : otel_env__parse_u32(name, v, min, out, err, err_len);
}

otel_status_t otel_env__get_double(const char *name, double *out, char *err, size_t err_len)
{
    const char *v = otel_env__get(name);
    return v == NULL ? OTEL_OK : otel_env__parse_double(name, v, out, err, err_len);
}

otel_status_t otel_env__get_bool(const char *name, bool *out, char *err, size_t err_len)
{
    const char *v = otel_env__get(name);
    if (v == NULL)
        return OTEL_OK;
    if (strcasecmp(v, "true") == 0)
        *out = true;
    else if (strcasecmp(v, "false") == 0)
        *out = false;
    else
        return otel_env__error(err, err_len, "%s: expected true or false, got '%s'", name, v);
    return OTEL_OK;
}
