/* SPDX-License-Identifier: Apache-2.0 */
/* Log record blocks: the logs side of the per-thread object pools (common/object_pool.c): fixed-size blocks. */
#include <stdlib.h>
#include "logs/logs_internal.h"

static void free_record(otel_pool_link_t *link)
{
    free(OTEL_POOL_OBJECT(link, otel_log__record_t, link));
}

static const otel_pool_class_t log_record_class = {OTEL_POOL_LOG_RECORD, free_record};

otel_log__record_t *otel_log__pool_get(void)
{
    otel_pool_link_t *link = otel_pool__get(OTEL_POOL_LOG_RECORD);
    if (link != NULL)
        return OTEL_POOL_OBJECT(link, otel_log__record_t, link);
    otel_log__record_t *r = malloc(OTEL_LOG__BLOCK_SIZE);
    if (r != NULL)
        otel_pool__adopt(&log_record_class, &r->link); /* when that fails, link.pool is NULL: a plain heap block */
    return r;
}
