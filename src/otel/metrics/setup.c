/* SPDX-License-Identifier: Apache-2.0 */
/* Metrics from the environment: OTEL_METRICS_* variables, the exporter registry (otlp plugs in here), and
 * the one-call setup of a provider plus periodic reader. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "common/registry_internal.h"
#include "common/thread_internal.h"
#include "config/env_internal.h"
#include "metrics/metrics_internal.h"

static otel_registry__t registry;

otel_status_t otel_metric_exporter_register(const char *name, otel_metric_exporter_factory_t factory)
{
    return otel_registry__put(&registry, name, (otel_registry__fn_t)factory, NULL);
}

static otel_status_t read_ms(const char *key, uint64_t *out, char *err, size_t err_len)
{
    uint32_t ms = (uint32_t)*out;
    otel_status_t st = otel_env__get_u32(key, 1, &ms, err, err_len);
    *out = ms;
    return st;
}

static otel_status_t read_choice(const char *key, const char *const *names, int count, int *out, char *err,
                                 size_t err_len)
{
    const char *v = otel_env__get(key);
    if (v == NULL)
        return OTEL_OK;
    for (int i = 0; i < count; i++)
        if (strcasecmp(v, names[i]) == 0) {
            *out = i;
            return OTEL_OK;
        }
    char allowed[128] = "";
    for (int i = 0; i < count; i++)
        snprintf(allowed + strlen(allowed), sizeof(allowed) - strlen(allowed), "%s%s", i ? ", " : "", names[i]);
    return otel_env__error(err, err_len, "%s=%s: expected one of %s", key, v, allowed);
}

otel_status_t otel_metrics_env_read(otel_metrics_env_t *e, char *err, size_t err_len)
{
    if (e == NULL)
        return OTEL_ERR_INVALID_ARGUMENT;
    memset(e, 0, sizeof(*e));
    snprintf(e->exporter, sizeof(e->exporter), "otlp");
    otel_periodic_reader_options_init(&e->reader);
    e->exemplar_filter = OTEL_EXEMPLAR_FILTER_TRACE_BASED;
    e->temporality = OTEL_TEMPORALITY_PREFERENCE_CUMULATIVE;

    const char *exporter = otel_env__get("OTEL_METRICS_EXPORTER");
    if (exporter != NULL) {
        if (strchr(exporter, ',') != NULL)
            return otel_env__error(err, err_len, "OTEL_METRICS_EXPORTER=%s: only one exporter is supported", exporter);
        if (strlen(exporter) >= sizeof(e->exporter))
            return otel_env__error(err, err_len, "OTEL_METRICS_EXPORTER=%s: unknown exporter", exporter);
        snprintf(e->exporter, sizeof(e->exporter), "%s", exporter);
        for (char *p = e->exporter; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p - 'A' + 'a');
    }
    otel_status_t st;
    if ((st = read_ms("OTEL_METRIC_EXPORT_INTERVAL", &e->reader.interval_ms, err, err_len)) != OTEL_OK ||
        (st = read_ms("OTEL_METRIC_EXPORT_TIMEOUT", &e->reader.timeout_ms, err, err_len)) != OTEL_OK ||
        (st = otel_thread__nice_from_env(&e->reader.thread_nice, err, err_len)) != OTEL_OK)
        return st;
    static const char *const filters[] = {"trace_based", "always_on", "always_off"};
    static const char *const prefs[] = {"cumulative", "delta", "lowmemory"};
    int filter = (int)e->exemplar_filter, pref = (int)e->temporality;
    if ((st = read_choice("OTEL_METRICS_EXEMPLAR_FILTER", filters, 3, &filter, err, err_len)) != OTEL_OK ||
        (st = read_choice("OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", prefs, 3, &pref, err, err_len)) !=
            OTEL_OK)
        return st;
    e->exemplar_filter = (otel_exemplar_filter_t)filter;
    e->temporality = (otel_temporality_preference_t)pref;
    return OTEL_OK;
}

otel_status_t otel_metrics_setup_from_env(const otel_resource_t *resource, otel_meter_provider_t **provider,
                                          otel_periodic_reader_t **reader, char *err, size_t err_len)
{
    if (provider == NULL || reader == NULL)
        return OTEL_ERR_INVALID_ARGUMENT;
    *provider = NULL;
    *reader = NULL;
    otel_metrics_env_t e;
    otel_status_t st = otel_metrics_env_read(&e, err, err_len);
    if (st != OTEL_OK)
        return st;
    otel_metric_exporter_t exporter = {0};
    bool none = strcmp(e.exporter, "none") == 0;
    if (strcmp(e.exporter, "console") == 0) {
        st = otel_console_metric_exporter_create(stdout, e.temporality, &exporter);
    } else if (!none) {
        const otel_registry__entry_t *entry = otel_registry__find(&registry, e.exporter);
        if (entry == NULL) {
            if (strcmp(e.exporter, "otlp") == 0) {
                otel_env__error(err, err_len,
                                "OTEL_METRICS_EXPORTER=otlp: no OTLP metric exporter is registered in this build "
                                "(use console or none)");
                return OTEL_ERR_UNSUPPORTED;
            }
            return otel_env__error(err, err_len, "OTEL_METRICS_EXPORTER=%s: unknown exporter (otlp, console, none)",
                                   e.exporter);
        }
        st = ((otel_metric_exporter_factory_t)entry->factory)(&exporter);
        if (st == OTEL_OK)
            exporter.temporality_preference = e.temporality;
    }
    if (st != OTEL_OK) {
        otel_env__error(err, err_len, "OTEL_METRICS_EXPORTER=%s: exporter creation failed: %s", e.exporter,
                        otel_strerror(st));
        return st;
    }
    otel_meter_provider_options_t opts;
    otel_meter_provider_options_init(&opts);
    opts.resource = resource;
    opts.exemplar_filter = e.exemplar_filter;
    st = otel_meter_provider_create(&opts, provider);
    if (st == OTEL_OK && !none) {
        st = otel_periodic_reader_create(*provider, &exporter, &e.reader, reader);
        exporter.destroy = NULL; /* the reader owns it now, also on error */
    }
    if (st != OTEL_OK) {
        if (exporter.destroy != NULL)
            exporter.destroy(exporter.user);
        otel_meter_provider_destroy(*provider);
        *provider = NULL;
        otel_env__error(err, err_len, "metrics setup failed: %s", otel_strerror(st));
    }
    return st;
}
