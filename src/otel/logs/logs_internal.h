/* SPDX-License-Identifier: Apache-2.0 */
/* Logs SDK internals: the owned record copy, the processor interface, the provider's view of loggers. */
#ifndef OTEL_LOGS_INTERNAL_H
#define OTEL_LOGS_INTERNAL_H

#include <stdatomic.h>
#include "otel/logs.h"

/** An emitted record owned by the SDK: `data` points into the same heap block (one malloc, one free). */
typedef struct otel_log__record {
    otel_log_record_data_t data;
} otel_log__record_t;

/**
 * Copies `in` into one heap block, applying `limits`, with the span context given or current.
 * NULL on allocation failure. Free with otel_log__record_free.
 */
otel_log__record_t *otel_log__record_copy(const otel_log_record_t *in, const otel_log_record_limits_t *limits,
                                          const otel_resource_t *resource, const otel_scope_t *scope);
void otel_log__record_free(otel_log__record_t *record);

/** Deep copy of attributes into a bump area; `*p` advances. Sizes from otel_log__attributes_size. */
size_t otel_log__attributes_size(const otel_attribute_t *attrs, size_t count, uint32_t value_limit);
const otel_attribute_t *otel_log__attributes_copy(char **p, const otel_attribute_t *attrs, size_t count,
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
} otel_log__counters_t;

#endif
