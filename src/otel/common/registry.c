/* SPDX-License-Identifier: Apache-2.0 */
/* The name -> factory table shared by the three exporter registries. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "common/registry_internal.h"

otel_status_t otel_registry__put(otel_registry__t *registry, const char *name, otel_registry__fn_t factory, void *data)
{
    if (name == NULL || *name == '\0' || strcasecmp(name, "none") == 0 || factory == NULL)
        return OTEL_ERR_INVALID_ARGUMENT;
    otel_registry__entry_t *entry = (otel_registry__entry_t *)otel_registry__find(registry, name);
    if (entry == NULL) {
        if (registry->count == OTEL_REGISTRY__MAX)
            return OTEL_ERR_NO_MEMORY;
        entry = &registry->entries[registry->count++];
        entry->name = name;
    }
    entry->factory = factory;
    entry->data = data;
    return OTEL_OK;
}

const otel_registry__entry_t *otel_registry__find(const otel_registry__t *registry, const char *name)
{
    for (size_t i = 0; i < registry->count; i++)
        if (strcasecmp(registry->entries[i].name, name) == 0)
            return &registry->entries[i];
    return NULL;
}

void otel_registry__describe(const otel_registry__t *registry, const char *builtin, char *out, size_t out_len)
{
    size_t n = (size_t)snprintf(out, out_len, "%s", builtin);
    for (size_t i = 0; i < registry->count && n < out_len; i++)
        if (strcasecmp(registry->entries[i].name, builtin) != 0)
            n += (size_t)snprintf(out + n, out_len - n, ", %s", registry->entries[i].name);
    if (n < out_len)
        snprintf(out + n, out_len - n, ", none");
}
