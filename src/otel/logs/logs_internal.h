/* SPDX-License-Identifier: Apache-2.0 */
/* Logs SDK internals: the owned record copy, the processor interface, the provider's view of loggers. */
#ifndef OTEL_LOGS_INTERNAL_H
#define OTEL_LOGS_INTERNAL_H

#include <stdatomic.h>
#include "otel/logs.h"
#include "common/object_pool_internal.h"

/**
 * An emitted record owned by the SDK: `data` points into the same block (one block, one release). Blocks come
 * from the emitting thread's pool (log_record_pool.c) and go back to it from any thread; a record too large for
 * a pool block is one malloc (`link.pool` NULL).
 */
typedef struct otel_log__record {
    otel_pool_link_t link; /* the owning pool (NULL for a malloc'd record) and its free-list link; first: no offset */
    otel_log_record_data_t data;
} otel_log__record_t;

/** Bytes of a pool block, header included: a typical request record (5 attributes, short strings) needs ~600. */
#define OTEL_LOG__BLOCK_SIZE 1024

/**
 * Copies `in` into a block of this thread's pool (or one heap block when it does not fit), applying `limits`,
 * with the span context given or current. One pass over the record in the common case; no allocation in the
 * steady state. NULL on allocation failure. Release with otel_log__record_free (any thread).
 */
otel_log__record_t *otel_log__record_copy(const otel_log_record_t *in, const otel_log_record_limits_t *limits,
                                          const otel_resource_t *resource, const otel_scope_t *scope);
/** Releases a record to its pool (lock-free from any thread) or frees it. NULL-safe. */
void otel_log__record_free(otel_log__record_t *record);
/** Releases `count` records; runs of one pool go back with one atomic push. */
void otel_log__record_free_many(otel_log__record_t **records, size_t count);

/**
 * A block of OTEL_LOG__BLOCK_SIZE bytes from this thread's pool (NULL when out of memory); `link.pool` is set,
 * or NULL for a plain heap block when the pool itself could not be allocated. log_record_pool.c.
 */
otel_log__record_t *otel_log__pool_get(void);

/** A bounded bump writer over one block: `p` advances, `overflow` is set instead of writing past `end`. */
typedef struct otel_log__bump {
    char *p, *end;
    bool overflow;
} otel_log__bump_t;

/** Deep copy of attributes into a bump area. Sizes (for an exact allocation) from otel_log__attributes_size. */
size_t otel_log__attributes_size(const otel_attribute_t *attrs, size_t count, uint32_t value_limit);
const otel_attribute_t *otel_log__attributes_copy(otel_log__bump_t *b, const otel_attribute_t *attrs, size_t count,
                                                  uint32_t value_limit);

/** What every processor implements. on_emit takes ownership of the record in every case. */
struct otel_log_record_processor {
    otel_status_t (*on_emit)(otel_log_record_processor_t *self, otel_log__record_t *record);
    otel_status_t (*force_flush)(otel_log_record_processor_t *self, uint32_t timeout_ms);
    otel_status_t (*shutdown)(otel_log_record_processor_t *self, uint32_t timeout_ms);
    void (*destroy)(otel_log_record_processor_t *self);
    void (*get_stats)(const otel_log_record_processor_t *self, otel_log_record_processor_stats_t *stats);
};

void otel_log__processor_destroy(otel_log_record_processor_t *processor);

/** The records_* counters every processor keeps. */
typedef struct otel_log__counters {
    _Atomic uint64_t received, dropped, exported, failed, export_calls;
    _Atomic uint64_t rejected; /* batch: records the queue never took (full, shut down); received = tail + this */
} otel_log__counters_t;

#endif
