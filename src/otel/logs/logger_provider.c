/* SPDX-License-Identifier: Apache-2.0 */
/* The logger provider: resource, limits, one processor, loggers per scope, emit, and setup from the environment. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/common_internal.h"
#include "config/env_internal.h"
#include "logs/logs_internal.h"

struct otel_logger {
    otel_logger_t *next;
    otel_logger_provider_t *provider;
    otel_scope_t scope; /* strings and attributes in the same block */
};

struct otel_logger_provider {
    otel_resource_t *resource;
    otel_log_record_limits_t limits;
    otel_log_record_processor_t *processor;
    pthread_mutex_t lock; /* guards `loggers` (get_logger is rare) */
    otel_logger_t *loggers;
    atomic_bool shut_down;
};

static void limits_init(otel_log_record_limits_t *limits)
{
    limits->attribute_count_limit = 128;
    limits->attribute_value_length_limit = UINT32_MAX;
}

otel_status_t otel_logger_provider_create(otel_resource_t *resource, const otel_log_record_limits_t *limits,
                                          otel_log_record_processor_t *processor, otel_logger_provider_t **out)
{
    if (out == NULL) {
        otel_log__processor_destroy(processor);
        return OTEL_ERR_INVALID_ARGUMENT;
    }
    *out = NULL;
    otel_logger_provider_t *p = calloc(1, sizeof(*p));
    if (p == NULL) {
        otel_log__processor_destroy(processor);
        return OTEL_ERR_NO_MEMORY;
    }
    p->resource = resource != NULL ? otel_resource_retain(resource) : otel_resource_create(NULL, 0, NULL);
    if (p->resource == NULL) {
        otel_log__processor_destroy(processor);
        free(p);
        return OTEL_ERR_NO_MEMORY;
    }
    if (limits != NULL)
        p->limits = *limits;
    else
        limits_init(&p->limits);
    p->processor = processor;
    pthread_mutex_init(&p->lock, NULL);
    *out = p;
    return OTEL_OK;
}

static bool str_eq(otel_str_t a, otel_str_t b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

otel_logger_t *otel_logger_provider_get_logger(otel_logger_provider_t *p, const otel_scope_t *scope)
{
    static const otel_scope_t empty;
    if (p == NULL)
        return NULL;
    if (scope == NULL)
        scope = &empty;
    size_t attr_count = scope->attributes ? scope->attribute_count : 0;
    pthread_mutex_lock(&p->lock);
    otel_logger_t *l;
    for (l = p->loggers; l != NULL; l = l->next)
        if (str_eq(l->scope.name, scope->name) && str_eq(l->scope.version, scope->version) &&
            str_eq(l->scope.schema_url, scope->schema_url))
            break;
    if (l == NULL) {
        if (scope->name.len == 0)
            OTEL_DIAG(OTEL_DIAG_WARN, "logger requested with an empty instrumentation scope name");
        size_t size = sizeof(*l) + scope->name.len + scope->version.len + scope->schema_url.len + 3 * 8 +
                      otel_log__attributes_size(scope->attributes, attr_count, UINT32_MAX);
        l = calloc(1, size);
        if (l != NULL) {
            char *q = (char *)(l + 1);
            otel_str_t *dst[] = {&l->scope.name, &l->scope.version, &l->scope.schema_url};
            const otel_str_t src[] = {scope->name, scope->version, scope->schema_url};
            for (int i = 0; i < 3; i++) {
                memcpy(q, src[i].ptr ? src[i].ptr : "", src[i].len);
                *dst[i] = (otel_str_t){q, src[i].len};
                q += (src[i].len + 8) & ~(size_t)7;
            }
            otel_log__bump_t b = {q, (char *)l + size, false};
            l->scope.attributes = otel_log__attributes_copy(&b, scope->attributes, attr_count, UINT32_MAX);
            l->scope.attribute_count = attr_count;
            l->provider = p;
            l->next = p->loggers;
            p->loggers = l;
        }
    }
    pthread_mutex_unlock(&p->lock);
    return l;
}

otel_status_t otel_logger_emit(otel_logger_t *logger, const otel_log_record_t *record)
{
    if (logger == NULL || record == NULL)
        return OTEL_ERR_INVALID_ARGUMENT;
    otel_logger_provider_t *p = logger->provider;
    if (p->processor == NULL)
        return OTEL_OK; /* OTEL_LOGS_EXPORTER=none */
    if (atomic_load_explicit(&p->shut_down, memory_order_relaxed))
        return p->processor->on_emit(p->processor, NULL); /* counted as dropped */
    otel_log__record_t *r = otel_log__record_copy(record, &p->limits, p->resource, &logger->scope);
    if (r == NULL) {
        p->processor->on_emit(p->processor, NULL);
        return OTEL_ERR_NO_MEMORY;
    }
    return p->processor->on_emit(p->processor, r);
}

otel_status_t otel_logger_provider_force_flush(otel_logger_provider_t *p, uint32_t timeout_ms)
{
    if (p == NULL)
        return OTEL_ERR_INVALID_ARGUMENT;
    if (p->processor == NULL)
        return OTEL_OK;
    return p->processor->force_flush(p->processor, timeout_ms);
}

otel_status_t otel_logger_provider_shutdown(otel_logger_provider_t *p, uint32_t timeout_ms)
{
    if (p == NULL)
        return OTEL_ERR_INVALID_ARGUMENT;
    if (atomic_exchange(&p->shut_down, true))
        return OTEL_ERR_SHUTDOWN;
    if (p->processor == NULL)
        return OTEL_OK;
    return p->processor->shutdown(p->processor, timeout_ms);
}

void otel_logger_provider_destroy(otel_logger_provider_t *p)
{
    if (p == NULL)
        return;
    if (!atomic_load(&p->shut_down))
        otel_logger_provider_shutdown(p, 30000);
    otel_log__processor_destroy(p->processor);
    otel_logger_t *l = p->loggers;
    while (l != NULL) {
        otel_logger_t *next = l->next;
        free(l);
        l = next;
    }
    otel_resource_destroy(p->resource);
    pthread_mutex_destroy(&p->lock);
    free(p);
}

void otel_logger_provider_get_stats(const otel_logger_provider_t *p, otel_log_record_processor_stats_t *stats)
{
    memset(stats, 0, sizeof(*stats));
    if (p != NULL && p->processor != NULL)
        p->processor->get_stats(p->processor, stats);
}

void otel_log__processor_destroy(otel_log_record_processor_t *processor)
{
    if (processor != NULL)
        processor->destroy(processor);
}

/* ---- configuration from the environment ---- */

static otel_status_t limits_from_env(otel_log_record_limits_t *l, char *err, size_t err_len)
{
    otel_status_t st;
    if ((st = otel_env__get_u32("OTEL_ATTRIBUTE_COUNT_LIMIT", 0, &l->attribute_count_limit, err, err_len)) ||
        (st = otel_env__get_u32("OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", 0, &l->attribute_value_length_limit, err,
                                err_len)) ||
        (st = otel_env__get_u32("OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT", 0, &l->attribute_count_limit, err, err_len)) ||
        (st = otel_env__get_u32("OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT", 0, &l->attribute_value_length_limit, err,
                                err_len)))
        return st;
    return OTEL_OK;
}

otel_status_t otel_logger_provider_create_from_env(otel_resource_t *resource, otel_logger_provider_t **out, char *err,
                                                   size_t err_len)
{
    char scratch[8];
    if (err == NULL || err_len == 0)
        err = scratch, err_len = sizeof(scratch);
    err[0] = '\0';
    if (out == NULL)
        return OTEL_ERR_INVALID_ARGUMENT;
    *out = NULL;
    otel_log_record_limits_t limits;
    limits_init(&limits);
    otel_status_t st = limits_from_env(&limits, err, err_len);
    if (st != OTEL_OK)
        return st;
    const char *name = getenv("OTEL_LOGS_EXPORTER");
    if (name == NULL || *name == '\0')
        name = "otlp";
    if (strchr(name, ',') != NULL)
        return otel_env__error(err, err_len, "OTEL_LOGS_EXPORTER: one exporter expected, got '%s'", name);
    otel_log_record_processor_t *processor = NULL;
    if (strcmp(name, "none") != 0) {
        otel_batch_log_record_processor_options_t options;
        otel_batch_log_record_processor_options_init(&options);
        if ((st = otel_batch_log_record_processor_options_from_env(&options, err, err_len)) != OTEL_OK)
            return st;
        otel_log_record_exporter_t exporter;
        char why[256] = "";
        if ((st = otel_log_record_exporter_create(name, &exporter, why, sizeof(why))) != OTEL_OK) {
            otel_env__error(err, err_len, "OTEL_LOGS_EXPORTER: %s", why);
            return st;
        }
        st = strcmp(name, "console") == 0 ? otel_simple_log_record_processor_create(exporter, &processor)
                                          : otel_batch_log_record_processor_create(&options, exporter, &processor);
        if (st != OTEL_OK) {
            otel_env__error(err, err_len, "OTEL_LOGS_EXPORTER: cannot start the processor: %s", otel_strerror(st));
            return st;
        }
    }
    return otel_logger_provider_create(resource, &limits, processor, out);
}
