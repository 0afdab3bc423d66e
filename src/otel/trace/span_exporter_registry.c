/* SPDX-License-Identifier: Apache-2.0 */
/* The registry of span exporter factories behind OTEL_TRACES_EXPORTER ("console" is built in). */
#include <stdio.h>
#include <string.h>
#include "config/env_internal.h"
#include "otel/span_exporter.h"

#define MAX_FACTORIES 16

typedef struct factory_entry {
    const char *name;
    otel_span_exporter_factory_t factory;
    void *data;
} factory_entry_t;

static factory_entry_t factories[MAX_FACTORIES];
static size_t factory_count;

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
    if (name == NULL || *name == '\0' || strcmp(name, "none") == 0 || factory == NULL)
        return OTEL_ERR_INVALID_ARGUMENT;
    for (size_t i = 0; i < factory_count; i++) {
        if (strcmp(factories[i].name, name) == 0) {
            factories[i].factory = factory;
            factories[i].data = factory_data;
            return OTEL_OK;
        }
    }
    if (factory_count == MAX_FACTORIES)
        return OTEL_ERR_NO_MEMORY;
    factories[factory_count++] = (factory_entry_t){name, factory, factory_data};
    return OTEL_OK;
}

otel_status_t otel_span_exporter_create(const char *name, otel_span_exporter_t *out, char *err, size_t err_len)
{
    memset(out, 0, sizeof(*out));
    if (name == NULL)
        return otel_env__error(err, err_len, "OTEL_TRACES_EXPORTER: no exporter name");
    for (size_t i = 0; i < factory_count; i++)
        if (strcmp(factories[i].name, name) == 0)
            return factories[i].factory(factories[i].data, out, err, err_len);
    if (strcmp(name, "console") == 0)
        return console_factory(NULL, out, err, err_len);
    char known[256] = "console";
    for (size_t i = 0; i < factory_count; i++) {
        size_t len = strlen(known);
        snprintf(known + len, sizeof(known) - len, ", %s", factories[i].name);
    }
    return otel_env__error(err, err_len,
                           "OTEL_TRACES_EXPORTER: no span exporter '%s' is available (available: %s, none)%s", name,
                           known, strcmp(name, "otlp") == 0 ? "; the OTLP exporter is not linked/registered" : "");
}
