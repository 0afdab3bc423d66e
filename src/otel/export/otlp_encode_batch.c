/* SPDX-License-Identifier: Apache-2.0 */
/* A batch of spans or log records: grouping by (resource, scope), and the request envelope around the items. */
#include <string.h>
#include "export/otlp_encode_internal.h"
#include "export/otlp_wire_internal.h"

bool otel_otlp__group(otel_arena_t *arena, const void *const *items, size_t count, size_t resource_offset,
                      size_t scope_offset, otel_otlp__grouping_t *out)
{
    memset(out, 0, sizeof(*out));
    /* Not zeroed (a batch is up to thousands of items): every entry is written before it is read. */
    out->groups = otel_arena__alloc(arena, count * sizeof(otel_otlp__group_t));
    out->item_group = otel_arena__alloc(arena, count * sizeof(uint32_t));
    const otel_resource_t **resources = otel_arena__alloc(arena, count * sizeof(*resources));
    out->scopes_per_resource = otel_arena__alloc(arena, count * sizeof(size_t));
    if (count > 0 &&
        (out->groups == NULL || out->item_group == NULL || resources == NULL || out->scopes_per_resource == NULL))
        return false;
    size_t last = 0;
    for (size_t i = 0; i < count; i++) {
        const char *item = items[i];
        const otel_resource_t *res = *(const otel_resource_t *const *)(item + resource_offset);
        const otel_scope_t *scope = *(const otel_scope_t *const *)(item + scope_offset);
        size_t g = last; /* batches are usually one long run of the same pair */
        if (out->group_count == 0 || out->groups[g].resource != res || out->groups[g].scope != scope) {
            for (g = 0; g < out->group_count; g++)
                if (out->groups[g].resource == res && out->groups[g].scope == scope)
                    break;
            if (g == out->group_count) {
                size_t r;
                for (r = 0; r < out->resource_count; r++)
                    if (resources[r] == res)
                        break;
                if (r == out->resource_count) {
                    resources[out->resource_count++] = res;
                    out->scopes_per_resource[r] = 0;
                }
                out->groups[g] = (otel_otlp__group_t){
                    .resource = res, .scope = scope, .resource_index = r, .scope_index = out->scopes_per_resource[r]++};
                out->group_count++;
            }
        }
        out->groups[g].count++;
        out->item_group[i] = (uint32_t)g;
        last = g;
    }
    return true;
}

const uint32_t *otel_otlp__group_order(otel_arena_t *arena, otel_otlp__grouping_t *grouping, size_t count)
{
    static const uint32_t none[1];
    if (count == 0)
        return none;
    uint32_t *order = otel_arena__alloc(arena, count * sizeof(*order));
    if (order == NULL)
        return NULL;
    size_t start = 0;
    for (size_t i = 0; i < grouping->group_count; i++) {
        grouping->groups[i].start = start;
        start += grouping->groups[i].count;
    }
    if (grouping->group_count == 1) { /* the usual batch: the identity */
        for (size_t i = 0; i < count; i++)
            order[i] = (uint32_t)i;
        return order;
    }
    size_t *next = otel_arena__alloc(arena, grouping->group_count * sizeof(*next));
    if (next == NULL)
        return NULL;
    for (size_t i = 0; i < grouping->group_count; i++)
        next[i] = grouping->groups[i].start;
    for (size_t i = 0; i < count; i++)
        order[next[grouping->item_group[i]]++] = (uint32_t)i;
    return order;
}

/* Field numbers shared by ExportTraceServiceRequest and ExportLogsServiceRequest (trace.proto, logs.proto). */
enum { REQUEST_RESOURCE_X = 1 };
enum { RESOURCE_X_RESOURCE = 1, RESOURCE_X_SCOPE_X = 2, RESOURCE_X_SCHEMA_URL = 3 };
enum { SCOPE_X_SCOPE = 1, SCOPE_X_ITEMS = 2, SCOPE_X_SCHEMA_URL = 3 };

otel_status_t otel_otlp__wire_request(otel_arena_t *arena, const void *const *items, size_t count,
                                      size_t resource_offset, size_t scope_offset, otel_otlp__write_item_fn write_item,
                                      otel_otlp__buffer_t *out)
{
    otel_arena__reset(arena, SIZE_MAX);
    otel_otlp__grouping_t g;
    const uint32_t *order = NULL;
    if (!otel_otlp__group(arena, items, count, resource_offset, scope_offset, &g) ||
        (order = otel_otlp__group_order(arena, &g, count)) == NULL)
        return OTEL_ERR_NO_MEMORY;

    out->len = 0;
    otel_otlp__writer_t w = {.buf = out};
    for (size_t r = 0; r < g.resource_count; r++) { /* resources, then their scopes, in first-seen order */
        const otel_resource_t *resource = NULL;
        size_t resource_x = otel_otlp__wire_begin(&w, REQUEST_RESOURCE_X, 3);
        for (size_t i = 0; i < g.group_count; i++) {
            const otel_otlp__group_t *grp = &g.groups[i];
            if (grp->resource_index != r)
                continue;
            if (resource == NULL) {
                resource = grp->resource;
                otel_otlp__wire_resource(&w, RESOURCE_X_RESOURCE, resource);
            }
            size_t scope_x = otel_otlp__wire_begin(&w, RESOURCE_X_SCOPE_X, 3);
            otel_otlp__wire_scope(&w, SCOPE_X_SCOPE, grp->scope);
            for (size_t k = 0; k < grp->count; k++)
                write_item(&w, SCOPE_X_ITEMS, items[order[grp->start + k]]);
            otel_otlp__wire_string(&w, SCOPE_X_SCHEMA_URL, grp->scope->schema_url);
            otel_otlp__wire_end(&w, scope_x, 3);
        }
        otel_otlp__wire_string(&w, RESOURCE_X_SCHEMA_URL, otel_resource_schema_url(resource));
        otel_otlp__wire_end(&w, resource_x, 3);
    }
    return w.failed ? OTEL_ERR_NO_MEMORY : OTEL_OK;
}
