/* SPDX-License-Identifier: Apache-2.0 */
/* OTLP exporter options: the spec's defaults, OTEL_EXPORTER_OTLP_* (+ per-signal) variables, header lists. */
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "common/text_internal.h"
#include "common/thread_internal.h"
#include "config/env_internal.h"
#include "export/otlp_internal.h"

static const char *const signal_names[] = {"TRACES", "METRICS", "LOGS"};

void otel_otlp_options_init(otel_otlp_options_t *options)
{
    memset(options, 0, sizeof(*options));
    strcpy(options->endpoint, "localhost:4317");
    options->insecure = false;
    options->timeout_ms = 10000;
    options->concurrent_exports = 1;
}

/* Per-signal variable if set, else the generic one; `*used` names the winner for messages. The value is
 * otel_env__get's thread-local copy: valid until the next lookup. */
static const char *lookup(otel_otlp_signal_t signal, const char *suffix, char *used, size_t used_len)
{
    snprintf(used, used_len, "OTEL_EXPORTER_OTLP_%s_%s", signal_names[signal], suffix);
    const char *v = otel_env__get(used);
    if (v != NULL)
        return v;
    snprintf(used, used_len, "OTEL_EXPORTER_OTLP_%s", suffix);
    return otel_env__get(used);
}

static otel_status_t copy_string(char *dst, size_t dst_len, const char *value, const char *name, char *err,
                                 size_t err_len)
{
    if (strlen(value) >= dst_len)
        return otel_env__error(err, err_len, "%s: value longer than %zu bytes", name, dst_len - 1);
    strcpy(dst, value);
    return OTEL_OK;
}

otel_status_t otel_otlp_options_from_env(otel_otlp_options_t *options, otel_otlp_signal_t signal, char *err,
                                         size_t err_len)
{
    char name[96];
    const char *v;
    otel_status_t st;
    if (options == NULL || (unsigned)signal > OTEL_OTLP_LOGS)
        return OTEL_ERR_INVALID_ARGUMENT;

    /* Insecure first: a scheme on the endpoint overrides it. */
    if ((v = lookup(signal, "INSECURE", name, sizeof(name))) != NULL) {
        if (strcasecmp(v, "true") == 0)
            options->insecure = true;
        else if (strcasecmp(v, "false") == 0)
            options->insecure = false;
        else
            return otel_env__error(err, err_len, "%s: expected true or false, got '%s'", name, v);
    }
    if ((v = lookup(signal, "ENDPOINT", name, sizeof(name))) != NULL) {
        const char *target = v;
        if (strncasecmp(v, "http://", 7) == 0) {
            target = v + 7;
            options->insecure = true;
        } else if (strncasecmp(v, "https://", 8) == 0) {
            target = v + 8;
            options->insecure = false;
        } else if (strstr(v, "://") != NULL) {
            return otel_env__error(err, err_len, "%s: unsupported scheme in '%s' (use http://, https:// or host:port)",
                                   name, v);
        }
        char host[512];
        size_t n = strcspn(target, "/"); /* a path (e.g. "/") means nothing to gRPC */
        if (n == 0 || n >= sizeof(host))
            return otel_env__error(err, err_len, "%s: expected host:port, got '%s'", name, v);
        memcpy(host, target, n);
        host[n] = '\0';
        if ((st = copy_string(options->endpoint, sizeof(options->endpoint), host, name, err, err_len)) != OTEL_OK)
            return st;
    }
    if ((v = lookup(signal, "COMPRESSION", name, sizeof(name))) != NULL) {
        if (strcasecmp(v, "gzip") == 0)
            options->gzip = true;
        else if (strcasecmp(v, "none") == 0)
            options->gzip = false;
        else
            return otel_env__error(err, err_len, "%s: expected gzip or none, got '%s'", name, v);
    }
    if ((v = lookup(signal, "TIMEOUT", name, sizeof(name))) != NULL) {
        char *end;
        errno = 0;
        unsigned long ms = strtoul(v, &end, 10);
        if (!isdigit((unsigned char)v[0]) || *end != '\0' || errno != 0 || ms == 0 || ms > 86400000UL)
            return otel_env__error(err, err_len, "%s: expected a timeout in milliseconds (1..86400000), got '%s'", name,
                                   v);
        options->timeout_ms = (uint32_t)ms;
    }
    if ((v = lookup(signal, "HEADERS", name, sizeof(name))) != NULL) {
        otel_otlp__header_t *headers;
        size_t count;
        if ((st = otel_otlp__headers_parse(v, name, &headers, &count, err, err_len)) != OTEL_OK)
            return st;
        otel_otlp__headers_free(headers, count);
        if ((st = copy_string(options->headers, sizeof(options->headers), v, name, err, err_len)) != OTEL_OK)
            return st;
    }
    if ((st = otel_env__get_u32("OTELC_EXPORTER_OTLP_CONCURRENT_EXPORTS", 1, &options->concurrent_exports, err,
                                err_len)) != OTEL_OK)
        return st;
    if (options->concurrent_exports > 16)
        return otel_env__error(err, err_len, "OTELC_EXPORTER_OTLP_CONCURRENT_EXPORTS: at most 16, got %u",
                               options->concurrent_exports);
    if ((st = otel_thread__nice_from_env(&options->thread_nice, err, err_len)) != OTEL_OK)
        return st;
    static const struct {
        const char *suffix;
        size_t offset;
    } files[] = {
        {"CERTIFICATE", offsetof(otel_otlp_options_t, certificate)},
        {"CLIENT_KEY", offsetof(otel_otlp_options_t, client_key)},
        {"CLIENT_CERTIFICATE", offsetof(otel_otlp_options_t, client_certificate)},
    };
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        if ((v = lookup(signal, files[i].suffix, name, sizeof(name))) == NULL)
            continue;
        if ((st = copy_string((char *)options + files[i].offset, 512, v, name, err, err_len)) != OTEL_OK)
            return st;
    }
    return OTEL_OK;
}

/* A copy of [p, p+len) with surrounding whitespace removed, percent-decoded (leniently) when `decode`. */
static char *dup_trimmed(const char *p, size_t len, bool decode, bool lower)
{
    otel_str_t s = otel_str__trim_space((otel_str_t){p, len});
    char *out = malloc(s.len + 1);
    if (out == NULL)
        return NULL;
    size_t n = s.len;
    if (decode)
        n = (size_t)otel_str__percent_decode(s.ptr, s.len, out, false);
    else
        memcpy(out, s.ptr, s.len);
    for (size_t i = 0; lower && i < n; i++)
        out[i] = (char)tolower((unsigned char)out[i]);
    out[n] = '\0';
    return out;
}

/* gRPC metadata keys: lowercase letters, digits, '-', '_', '.'; not the reserved "grpc-" prefix. */
static bool is_metadata_key(const char *s)
{
    if (*s == '\0' || strncmp(s, "grpc-", 5) == 0)
        return false;
    for (; *s; s++)
        if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || strchr("-_.", *s) != NULL))
            return false;
    return true;
}

/* gRPC metadata values (non-binary keys): printable ASCII and space. */
static bool is_metadata_value(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7E)
            return false;
    return true;
}

void otel_otlp__headers_free(otel_otlp__header_t *headers, size_t count)
{
    if (headers == NULL)
        return;
    for (size_t i = 0; i < count; i++) {
        free(headers[i].key);
        free(headers[i].value);
    }
    free(headers);
}

otel_status_t otel_otlp__headers_parse(const char *text, const char *what, otel_otlp__header_t **out, size_t *count,
                                       char *err, size_t err_len)
{
    *out = NULL;
    *count = 0;
    size_t cap = 1;
    for (const char *p = text; *p; p++)
        cap += *p == ',';
    otel_otlp__header_t *headers = calloc(cap, sizeof(*headers));
    if (headers == NULL)
        return OTEL_ERR_NO_MEMORY;
    size_t n = 0;
    const char *p = text;
    for (;;) {
        size_t len = strcspn(p, ",");
        const char *eq = memchr(p, '=', len);
        bool blank = true;
        for (size_t i = 0; i < len; i++)
            blank = blank && isspace((unsigned char)p[i]);
        if (!blank) {
            if (eq == NULL) {
                otel_otlp__headers_free(headers, n);
                return otel_env__error(err, err_len, "%s: expected key=value, got '%.*s'", what, (int)len, p);
            }
            headers[n].key = dup_trimmed(p, (size_t)(eq - p), false, true);
            headers[n].value = dup_trimmed(eq + 1, len - (size_t)(eq - p) - 1, true, false);
            n++;
            if (headers[n - 1].key == NULL || headers[n - 1].value == NULL) {
                otel_otlp__headers_free(headers, n);
                return OTEL_ERR_NO_MEMORY;
            }
            if (!is_metadata_key(headers[n - 1].key)) {
                otel_env__error(err, err_len, "%s: invalid header name '%s'", what, headers[n - 1].key);
                otel_otlp__headers_free(headers, n);
                return OTEL_ERR_CONFIG;
            }
            if (!is_metadata_value(headers[n - 1].value)) {
                otel_env__error(err, err_len, "%s: header '%s' has a non-printable value", what, headers[n - 1].key);
                otel_otlp__headers_free(headers, n);
                return OTEL_ERR_CONFIG;
            }
        }
        if (p[len] == '\0')
            break;
        p += len + 1;
    }
    *out = headers;
    *count = n;
    return OTEL_OK;
}
