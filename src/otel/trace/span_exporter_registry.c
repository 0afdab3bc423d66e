/* SPDX-License-Identifier: Apache-2.0 */
/* The registry of span exporter factories behind OTEL_TRACES_EXPORTER ("console" is built in). */
#include <stdio.h>
#include <string.h>
#include "common/registry_internal.h"
#include "config/env_internal.h"
#include "otel/span_exporter.h"

static otel_registry__t registry;

static otel_status_t console_factory(void *data, otel_span_exporter_t *out, char *err, size_t err_len)
{
    (void)data;
    otel_status_t s = otel_console_span_exporter_create(NULL, out);
    if (s != OTEL_OK)
        otel_env__error(err, err_len, "console span exporter: %s", otel_strerror(s));
    return s;
}

otel_status_t otel_span_exporter_register(const char *name, otel_span_exporter_factory_t factory, void *factory_data)
{
    return otel_registry__put(&registry, name, (otel_registry__fn_t)factory, factory_data);
}

otel_status_t otel_span_exporter_create(const char *name, otel_span_exporter_t *out, char *err, size_t err_len)
{
    memset(out, 0, sizeof(*out));
    if (name == NULL)
        return otel_env__error(err, err_len, "OTEL_TRACES_EXPORTER: no exporter name");
    const otel_registry__entry_t *entry = otel_registry__find(&registry, name);
    if (entry != NULL)
        return ((otel_span_exporter_factory_t)entry->factory)(entry->data, out, err, err_len);
    if (strcmp(name, "console") == 0)
        return console_factory(NULL, out, err, err_len);
    char known[256];
    otel_registry__describe(&registry, "console", known, sizeof(known));
    return otel_env__error(err, err_len, "OTEL_TRACES_EXPORTER: no span exporter '%s' is available (available: %s)%s",
                           name, known,
                           strcmp(name, "otlp") == 0 ? "; the OTLP exporter is not linked/registered" : "");
}
