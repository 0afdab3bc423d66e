/* SPDX-License-Identifier: Apache-2.0 */
/* The registry behind OTEL_LOGS_EXPORTER: name -> exporter factory ("console" built in). */
#include <stdio.h>
#include <string.h>
#include "common/registry_internal.h"
#include "logs/logs_internal.h"

static otel_registry__t registry;

otel_status_t otel_log_record_exporter_register(const char *name, otel_log_record_exporter_factory_t factory,
                                                void *factory_data)
{
    return otel_registry__put(&registry, name, (otel_registry__fn_t)factory, factory_data);
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
    const otel_registry__entry_t *entry = otel_registry__find(&registry, name);
    if (entry != NULL)
        return ((otel_log_record_exporter_factory_t)entry->factory)(entry->data, out, err, err_len);
    if (strcmp(name, "console") == 0)
        return otel_console_log_record_exporter_create(NULL, out);
    char known[256];
    otel_registry__describe(&registry, "console", known, sizeof(known));
    snprintf(err, err_len, "unknown exporter '%s' (known: %s)", name, known);
    return OTEL_ERR_CONFIG;
}
