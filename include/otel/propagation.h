/* SPDX-License-Identifier: Apache-2.0 */
/* Context propagation: W3C traceparent/tracestate, W3C baggage, composite propagator, OTEL_PROPAGATORS. */
#ifndef OTEL_PROPAGATION_H
#define OTEL_PROPAGATION_H

#include "otel/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define OTEL_TRACEPARENT_LEN 55        /* "00-<32 hex>-<16 hex>-<2 hex>" */
#define OTEL_TRACESTATE_MAX_LEN 512    /* longer tracestate headers are discarded */
#define OTEL_TRACESTATE_MAX_MEMBERS 32 /* W3C limit */
#define OTEL_BAGGAGE_MAX_LEN 8192      /* W3C limit on the baggage header */
#define OTEL_BAGGAGE_MAX_ENTRIES 64    /* W3C limit on list-members */

/** One baggage entry; slices point into the owning otel_baggage_t. */
typedef struct otel_baggage_entry {
    otel_str_t key;
    otel_str_t value;    /* percent-decoded */
    otel_str_t metadata; /* the raw `;prop...` part after the value, without the first ';'; may be empty */
} otel_baggage_entry_t;

/**
 * W3C baggage as a value type with fixed inline storage (no allocation): zero-initialise it or
 * call otel_baggage_clear. Not thread-safe. Its slices point into itself: copy it with
 * otel_baggage_copy, not by assignment.
 */
typedef struct otel_baggage {
    size_t count;
    size_t used;
    otel_baggage_entry_t entries[OTEL_BAGGAGE_MAX_ENTRIES];
    char storage[OTEL_BAGGAGE_MAX_LEN];
} otel_baggage_t;

OTEL_API void otel_baggage_clear(otel_baggage_t *baggage);
OTEL_API void otel_baggage_copy(otel_baggage_t *dst, const otel_baggage_t *src);
/** Sets (replaces) an entry; all three are copied. OTEL_ERR_INVALID_ARGUMENT for a key that is not a
 * token or metadata that is not printable ASCII without ','; OTEL_ERR_QUEUE_FULL when the entry or
 * size limits would be exceeded. On error nothing is changed. */
OTEL_API otel_status_t otel_baggage_set(otel_baggage_t *baggage, otel_str_t key, otel_str_t value, otel_str_t metadata);
/** The value of `key`, or false. */
OTEL_API bool otel_baggage_get(const otel_baggage_t *baggage, otel_str_t key, otel_str_t *value);
OTEL_API void otel_baggage_remove(otel_baggage_t *baggage, otel_str_t key);

/**
 * Parses a `baggage` header into `baggage` (replacing its content). Malformed list-members are
 * skipped; a header longer than OTEL_BAGGAGE_MAX_LEN is ignored entirely; members beyond
 * OTEL_BAGGAGE_MAX_ENTRIES are dropped. Returns the number of entries kept.
 */
OTEL_API size_t otel_baggage_parse(otel_str_t header, otel_baggage_t *baggage);
/**
 * Formats `baggage` as a header value (values percent-encoded) into `out` (`out_len` bytes incl.
 * NUL). Entries that would push the header over OTEL_BAGGAGE_MAX_LEN are left out. Returns the
 * length written (0 when empty).
 */
OTEL_API size_t otel_baggage_format(const otel_baggage_t *baggage, char *out, size_t out_len);

/**
 * Parses a W3C traceparent header value. Version 00 must be exactly 55 chars; a higher version
 * (not ff) is parsed by its first 55 chars if the next char (if any) is '-'. Uppercase hex,
 * all-zero ids, version ff and any other deviation are rejected (returns false, `out` zeroed).
 * On success `out->is_remote` is true.
 */
OTEL_API bool otel_traceparent_parse(otel_str_t value, otel_span_context_t *out);
/** Writes the 55-char version-00 traceparent of `ctx` plus a NUL into `out` (56 bytes). */
OTEL_API void otel_traceparent_format(const otel_span_context_t *ctx, char out[OTEL_TRACEPARENT_LEN + 1]);
/**
 * Validates a tracestate header value (keys, values, at most 32 members, no duplicate keys,
 * at most OTEL_TRACESTATE_MAX_LEN chars) and copies it without empty members or optional
 * whitespace into `out` (OTEL_TRACESTATE_MAX_LEN + 1 bytes). Returns the length, or -1 when the
 * header is invalid (then it must be discarded).
 */
OTEL_API int otel_tracestate_normalize(otel_str_t value, char out[OTEL_TRACESTATE_MAX_LEN + 1]);

/**
 * What propagators extract and inject: a span context (invalid = none), its tracestate and the
 * baggage. A value type with inline storage (~9 KB): keep it on the request, not per span.
 */
typedef struct otel_propagation_context {
    otel_span_context_t span_context;
    size_t tracestate_len;
    char tracestate[OTEL_TRACESTATE_MAX_LEN + 1];
    otel_baggage_t baggage;
} otel_propagation_context_t;

/** Empties `ctx` (invalid span context, no tracestate, no baggage). */
OTEL_API void otel_propagation_context_init(otel_propagation_context_t *ctx);

/**
 * Reads header `key` (lowercase: "traceparent", "tracestate", "baggage") from the carrier.
 * Repeated headers must be joined with ',' by the getter. Returns false when absent.
 */
typedef bool (*otel_carrier_get_fn)(void *carrier, otel_str_t key, otel_str_t *value);
/** Sets header `key` to `value` on the carrier (both slices are valid for the call only). */
typedef void (*otel_carrier_set_fn)(void *carrier, otel_str_t key, otel_str_t value);

/** A propagator; immutable after creation, so extract/inject are thread-safe. */
typedef struct otel_propagator otel_propagator_t;

OTEL_API otel_propagator_t *otel_propagator_tracecontext_create(void);
OTEL_API otel_propagator_t *otel_propagator_baggage_create(void);
/** Runs `count` propagators in order. Takes ownership of each (also on failure). */
OTEL_API otel_propagator_t *otel_propagator_composite_create(otel_propagator_t *const *propagators, size_t count);
/**
 * A composite of the comma-separated names in `list` (OTEL_PROPAGATORS syntax): tracecontext,
 * baggage, none. Other names (b3, jaeger, xray, ...) give OTEL_ERR_CONFIG with a message naming
 * the propagator and the variable.
 */
OTEL_API otel_status_t otel_propagator_create_from_config(const char *list, otel_propagator_t **out, char *err,
                                                          size_t err_len);
/** From OTEL_PROPAGATORS; unset or empty means "tracecontext,baggage". */
OTEL_API otel_status_t otel_propagator_create_from_env(otel_propagator_t **out, char *err, size_t err_len);
OTEL_API void otel_propagator_destroy(otel_propagator_t *propagator);

/**
 * Extracts into `ctx` whatever the propagator handles (the tracecontext part resets span context
 * and tracestate, invalid when the headers are missing or invalid; the baggage part replaces the
 * baggage when the header is present).
 */
OTEL_API void otel_propagator_extract(const otel_propagator_t *propagator, void *carrier, otel_carrier_get_fn get,
                                      otel_propagation_context_t *ctx);
/** Injects `ctx` (nothing for an invalid span context / empty baggage). */
OTEL_API void otel_propagator_inject(const otel_propagator_t *propagator, const otel_propagation_context_t *ctx,
                                     void *carrier, otel_carrier_set_fn set);

#ifdef __cplusplus
}
#endif
#endif
