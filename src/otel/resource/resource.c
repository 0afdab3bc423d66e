/* SPDX-License-Identifier: Apache-2.0 */
/* Resources: immutable, reference-counted attribute sets; create, merge, read. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "common/arena_internal.h"
#include "common/common_internal.h"
#include "resource/resource_internal.h"

struct otel_resource {
    _Atomic uint32_t refs;
    otel_arena_t arena; /* keys, values, schema url */
    otel_attribute_t *attributes;
    size_t count, cap;
    otel_str_t schema_url;
};

otel_resource_t *otel_resource__new(void)
{
    otel_resource_t *r = calloc(1, sizeof(*r));
    if (r != NULL) {
        atomic_init(&r->refs, 1);
        r->schema_url = (otel_str_t){"", 0};
    }
    return r;
}

bool otel_resource__set(otel_resource_t *r, const otel_attribute_t *attr)
{
    size_t i = 0;
    while (i < r->count && !otel_str__eq(r->attributes[i].key, attr->key))
        i++;
    if (i == r->count) {
        if (r->count == r->cap) {
            size_t cap = r->cap == 0 ? 16 : r->cap * 2;
            otel_attribute_t *a = realloc(r->attributes, cap * sizeof(*a));
            if (a == NULL)
                return false;
            r->attributes = a;
            r->cap = cap;
        }
        if (!otel_attribute__copy(&r->arena, &r->attributes[i], attr, UINT32_MAX))
            return false;
        r->count++;
        return true;
    }
    return otel_value__copy(&r->arena, &r->attributes[i].value, &attr->value, UINT32_MAX);
}

bool otel_resource__set_schema_url(otel_resource_t *r, otel_str_t url)
{
    r->schema_url = otel_arena__strdup(&r->arena, url, true);
    return r->schema_url.len == url.len;
}

otel_resource_t *otel_resource_create(const otel_attribute_t *attributes, size_t count, const char *schema_url)
{
    if (attributes == NULL && count > 0)
        return NULL;
    otel_resource_t *r = otel_resource__new();
    if (r == NULL)
        return NULL;
    for (size_t i = 0; i < count; i++) {
        if (!otel_resource__set(r, &attributes[i])) {
            otel_resource_destroy(r);
            return NULL;
        }
    }
    if (schema_url != NULL && *schema_url != '\0' &&
        !otel_resource__set_schema_url(r, otel_str_from_cstr(schema_url))) {
        otel_resource_destroy(r);
        return NULL;
    }
    return r;
}

otel_resource_t *otel_resource_merge(const otel_resource_t *base, const otel_resource_t *updating)
{
    otel_resource_t *r = otel_resource__new();
    if (r == NULL)
        return NULL;
    bool ok = true;
    for (size_t i = 0; ok && base != NULL && i < base->count; i++)
        ok = otel_resource__set(r, &base->attributes[i]);
    for (size_t i = 0; ok && updating != NULL && i < updating->count; i++)
        ok = otel_resource__set(r, &updating->attributes[i]);
    otel_str_t a = otel_resource_schema_url(base), b = otel_resource_schema_url(updating);
    if (a.len > 0 && b.len > 0 && !otel_str__eq(a, b))
        OTEL_DIAG(OTEL_DIAG_WARN, "resource merge: schema URLs differ ('%.*s' vs '%.*s'); keeping the second",
                  (int)a.len, a.ptr, (int)b.len, b.ptr);
    otel_str_t url = b.len > 0 ? b : a;
    if (ok && url.len > 0)
        ok = otel_resource__set_schema_url(r, url);
    if (!ok) {
        otel_resource_destroy(r);
        return NULL;
    }
    return r;
}

otel_resource_t *otel_resource_retain(otel_resource_t *resource)
{
    if (resource != NULL)
        atomic_fetch_add_explicit(&resource->refs, 1, memory_order_relaxed);
    return resource;
}

void otel_resource_destroy(otel_resource_t *resource)
{
    if (resource == NULL || atomic_fetch_sub_explicit(&resource->refs, 1, memory_order_acq_rel) != 1)
        return;
    otel_arena__dispose(&resource->arena);
    free(resource->attributes);
    free(resource);
}

size_t otel_resource_attribute_count(const otel_resource_t *resource)
{
    return resource == NULL ? 0 : resource->count;
}

const otel_attribute_t *otel_resource_attribute(const otel_resource_t *resource, size_t index)
{
    return resource == NULL || index >= resource->count ? NULL : &resource->attributes[index];
}

const otel_attribute_t *otel_resource_find(const otel_resource_t *resource, otel_str_t key)
{
    for (size_t i = 0; resource != NULL && i < resource->count; i++)
        if (otel_str__eq(resource->attributes[i].key, key))
            return &resource->attributes[i];
    return NULL;
}

otel_str_t otel_resource_schema_url(const otel_resource_t *resource)
{
    return resource == NULL ? (otel_str_t){"", 0} : resource->schema_url;
}
