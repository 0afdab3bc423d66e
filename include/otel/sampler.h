/* SPDX-License-Identifier: Apache-2.0 */
/* Samplers: always_on, always_off, traceidratio, parentbased_*, and OTEL_TRACES_SAMPLER(_ARG). */
#ifndef OTEL_SAMPLER_H
#define OTEL_SAMPLER_H

#include "otel/common.h"
#include "otel/span_data.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A sampler; immutable once created, so should_sample is thread-safe. */
typedef struct otel_sampler otel_sampler_t;

typedef enum otel_sampling_decision {
    OTEL_SAMPLING_DROP = 0,              /* not recorded, not sampled: the span only propagates its context */
    OTEL_SAMPLING_RECORD_ONLY = 1,       /* recorded (is_recording) but not exported by the built-in processors */
    OTEL_SAMPLING_RECORD_AND_SAMPLE = 2, /* recorded and sampled (the sampled flag is set) */
} otel_sampling_decision_t;

/** Custom sampling callback; same arguments as otel_sampler_should_sample. Must be thread-safe. */
typedef otel_sampling_decision_t (*otel_sampler_fn_t)(void *user, const otel_span_context_t *parent,
                                                      const otel_trace_id_t *trace_id, otel_str_t name,
                                                      otel_span_kind_t kind, const otel_attribute_t *attributes,
                                                      size_t attribute_count);

/* Constructors return NULL only on allocation failure (or, for ratio, a ratio outside [0, 1] or NaN). */
OTEL_API otel_sampler_t *otel_sampler_always_on_create(void);
OTEL_API otel_sampler_t *otel_sampler_always_off_create(void);
/** Samples when the trace id's last 8 bytes, read big-endian, are below ratio * 2^64: deterministic per trace. */
OTEL_API otel_sampler_t *otel_sampler_trace_id_ratio_create(double ratio);
/**
 * Parent-based: with a valid parent, follows the parent's sampled flag (remote or local);
 * without one, asks `root`. Takes ownership of `root` (destroyed with this sampler, or right away
 * on failure); NULL `root` means always_on.
 */
OTEL_API otel_sampler_t *otel_sampler_parent_based_create(otel_sampler_t *root);
/** A sampler calling `fn(user, ...)`; `description` is copied. */
OTEL_API otel_sampler_t *otel_sampler_custom_create(otel_sampler_fn_t fn, void *user, const char *description);

/**
 * A sampler from an OTEL_TRACES_SAMPLER name (always_on, always_off, traceidratio,
 * parentbased_always_on, parentbased_always_off, parentbased_traceidratio) and its
 * OTEL_TRACES_SAMPLER_ARG (`arg`, may be NULL: ratio defaults to 1.0). Unknown names or a bad
 * ratio give OTEL_ERR_CONFIG and a one-line message naming the variable in `err`.
 */
OTEL_API otel_status_t otel_sampler_create_from_config(const char *name, const char *arg, otel_sampler_t **out,
                                                       char *err, size_t err_len);

/** Same from the environment; unset OTEL_TRACES_SAMPLER gives parentbased_always_on. */
OTEL_API otel_status_t otel_sampler_create_from_env(otel_sampler_t **out, char *err, size_t err_len);

/**
 * The decision for a new span. `parent` may be NULL or invalid (root span). Thread-safe.
 */
OTEL_API otel_sampling_decision_t otel_sampler_should_sample(const otel_sampler_t *sampler,
                                                             const otel_span_context_t *parent,
                                                             const otel_trace_id_t *trace_id, otel_str_t name,
                                                             otel_span_kind_t kind, const otel_attribute_t *attributes,
                                                             size_t attribute_count);

/** E.g. "ParentBased{root=TraceIdRatioBased{0.250000}}". Owned by the sampler. */
OTEL_API const char *otel_sampler_description(const otel_sampler_t *sampler);

/** NULL-safe. */
OTEL_API void otel_sampler_destroy(otel_sampler_t *sampler);

#ifdef __cplusplus
}
#endif
#endif
