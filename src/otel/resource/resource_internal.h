/* SPDX-License-Identifier: Apache-2.0 */
/* Building resources inside otelc (the default resource and OTEL_RESOURCE_ATTRIBUTES parsing). */
#ifndef OTEL_RESOURCE_INTERNAL_H
#define OTEL_RESOURCE_INTERNAL_H

#include "otel/resource.h"

/** An empty resource with one reference, or NULL. */
otel_resource_t *otel_resource__new(void);
/** Copies `attr` in, replacing the value of an existing key in place. False on allocation failure. */
bool otel_resource__set(otel_resource_t *resource, const otel_attribute_t *attr);
bool otel_resource__set_schema_url(otel_resource_t *resource, otel_str_t url);

/**
 * Parses OTEL_RESOURCE_ATTRIBUTES syntax (`k=v,k2=v2`, whitespace around keys and values trimmed,
 * values percent-decoded) into `resource`. Malformed members are skipped with a warning; returns
 * how many were skipped, or -1 on allocation failure.
 */
int otel_resource__parse_env_attributes(otel_resource_t *resource, const char *text);

#endif
