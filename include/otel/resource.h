/* SPDX-License-Identifier: Apache-2.0 */
/* Resources: the immutable set of attributes describing the entity producing telemetry. */
#ifndef OTEL_RESOURCE_H
#define OTEL_RESOURCE_H

#include "otel/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * An immutable, reference-counted resource. Every otel_resource_create* result holds one
 * reference owned by the caller; providers retain the resources they are given, so the caller may
 * destroy its reference right after creating a provider. Read-only functions are thread-safe.
 */
typedef struct otel_resource otel_resource_t;

/**
 * A resource holding copies of `attributes` (later duplicates of a key win) and `schema_url`
 * (NULL or "" for none). Returns NULL on allocation failure or when `attributes` is NULL with a
 * non-zero count.
 */
OTEL_API otel_resource_t *otel_resource_create(const otel_attribute_t *attributes, size_t count,
                                               const char *schema_url);

/**
 * The SDK's default resource, from the environment:
 *   telemetry.sdk.name="otelc", telemetry.sdk.language="c", telemetry.sdk.version,
 *   host.name, process.pid, service.instance.id (a random UUID v4 per process),
 *   service.version (`service_version`, omitted when NULL),
 *   then OTEL_RESOURCE_ATTRIBUTES (`k=v,k2=v2`, values percent-decoded; a malformed pair is
 *   skipped with a warning naming it through the diagnostics handler, the rest are kept),
 *   then service.name from OTEL_SERVICE_NAME, else from OTEL_RESOURCE_ATTRIBUTES, else
 *   `unknown_service:h2otel`.
 * Returns NULL only on allocation failure.
 */
OTEL_API otel_resource_t *otel_resource_create_default(const char *service_version);

/**
 * A new resource with the attributes of `base` overlaid by those of `updating` (its values win
 * on equal keys). Schema URL: the non-empty one; if both are non-empty and differ, the result
 * has `updating`'s schema URL and a warning is logged. Either argument may be NULL (empty).
 * Returns NULL on allocation failure.
 */
OTEL_API otel_resource_t *otel_resource_merge(const otel_resource_t *base, const otel_resource_t *updating);

/** Adds a reference to `resource` and returns it (NULL-safe). */
OTEL_API otel_resource_t *otel_resource_retain(otel_resource_t *resource);

/** Drops one reference; the last one frees the resource. NULL-safe. */
OTEL_API void otel_resource_destroy(otel_resource_t *resource);

/** Number of attributes (0 for NULL). */
OTEL_API size_t otel_resource_attribute_count(const otel_resource_t *resource);

/**
 * The `index`-th attribute (0 <= index < count), or NULL when out of range. The pointer, its key
 * and its value are owned by the resource and live as long as it does. Attributes keep their
 * insertion order, except that a key overridden by a merge keeps its original position.
 */
OTEL_API const otel_attribute_t *otel_resource_attribute(const otel_resource_t *resource, size_t index);

/** The attribute with key `key`, or NULL. */
OTEL_API const otel_attribute_t *otel_resource_find(const otel_resource_t *resource, otel_str_t key);

/** The schema URL (empty slice when none). */
OTEL_API otel_str_t otel_resource_schema_url(const otel_resource_t *resource);

#ifdef __cplusplus
}
#endif
#endif
