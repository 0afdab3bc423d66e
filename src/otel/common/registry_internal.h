/* SPDX-License-Identifier: Apache-2.0 */
/* A small name -> factory table: the registries behind OTEL_{TRACES,METRICS,LOGS}_EXPORTER. */
#ifndef OTEL_REGISTRY_INTERNAL_H
#define OTEL_REGISTRY_INTERNAL_H

#include "otel/common.h"

#define OTEL_REGISTRY__MAX 16

/** Any factory function; each signal casts back to its own factory type. */
typedef void (*otel_registry__fn_t)(void);

typedef struct otel_registry__entry {
    const char *name; /* borrowed: a literal or static storage */
    otel_registry__fn_t factory;
    void *data;
} otel_registry__entry_t;

/** Zero-initialised static storage is an empty registry. Fill it at start-up, before other threads read it. */
typedef struct otel_registry {
    otel_registry__entry_t entries[OTEL_REGISTRY__MAX];
    size_t count;
} otel_registry__t;

/**
 * Adds `name` or replaces its factory. Names compare case-insensitively, as the spec reads
 * environment values. OTEL_ERR_INVALID_ARGUMENT for an empty name, "none" or a NULL factory;
 * OTEL_ERR_NO_MEMORY when the table is full.
 */
otel_status_t otel_registry__put(otel_registry__t *registry, const char *name, otel_registry__fn_t factory, void *data);

/** The entry registered as `name`, or NULL. */
const otel_registry__entry_t *otel_registry__find(const otel_registry__t *registry, const char *name);

/** Writes the names a user may choose, e.g. "console, otlp, none", into `out` (always NUL-terminated). */
void otel_registry__describe(const otel_registry__t *registry, const char *builtin, char *out, size_t out_len);

#endif
