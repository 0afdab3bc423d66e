/* SPDX-License-Identifier: Apache-2.0 */
/* The registry behind OTEL_LOGS_EXPORTER: name -> exporter factory ("console" built in). */
#include <stdio.h>
#include <string.h>
#include "logs/logs_internal.h"

#define MAX_FACTORIES 16

static struct {
    const char *name;
    otel_log_record_exporter_factory_t factory;
    void *data;
} factories[MAX_FACTORIES];
static size_t factory_count;

otel_status_t otel_log_record_exporter_register(const char *name, otel_log_record_exporter_factory_t factory,
                                                void *factory_data)
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
    factories[factory_count].name = name;
    factories[factory_count].factory = factory;
    factories[factory_count].data = factory_data;
    factory_count++;
    return OTEL_OK;
}

otel_status_t otel_log_record_exporter_create(const char *name, otel_log_record_exporter_t *out, char *err,
                                              size_t err_len)
{
    char scratch[8];
    if (err == NULL || err_len == 0)
        err = scratch, err_len = sizeof(scratch);
    err[0] = '\0';
    if (name == NULL || out == NULL)
        return OTEL_ERR_INVALID_ARGUMENT;
    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < factory_count; i++)
        if (strcmp(factories[i].name, name) == 0)
            return factories[i].factory(factories[i].data, out, err, err_len);
    if (strcmp(name, "console") == 0)
        return otel_console_log_record_exporter_create(NULL, out);
    size_t n = (size_t)snprintf(err, err_len, "unknown exporter '%s' (known: console", name);
    for (size_t i = 0; i < factory_count && n < err_len; i++)
        n += (size_t)snprintf(err + n, err_len - n, ", %s", factories[i].name);
    if (n < err_len)
        snprintf(err + n, err_len - n, ", none)");
    return OTEL_ERR_CONFIG;
}
